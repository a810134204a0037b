//! `cargo xtask semver [--edit <name>]...`: the API change report against
//! cargo-semver-checks. (`--history <dir>` replays a vendor's versions of
//! one spec instead: `crate::history`.)
//!
//! Each scripted edit of [`EDITS`] is applied to a copy of specs/; the crate
//! is generated before and after (as standalone crates under
//! `target/semver/`), the report classifies the change, and
//! cargo-semver-checks (installed under `target/tools/` when missing) judges
//! the two crates. They agree when the report says breaking exactly when the
//! tool says that a major release is needed. An edit that changes only the
//! type of a field is a break cargo-semver-checks does not see yet
//! ([`Edit::tool_gap`]); there the report must say breaking and the tool is
//! expected to miss it.
//!
//! The same edits drive the diff locality and report tests, which need no
//! cargo-semver-checks.

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::diff::Impact;
use generator::{Layout, SpecInput};

use crate::{files, regen};

/// One kind of spec change, as text edits of the vendored files.
pub struct Edit {
    pub name: &'static str,
    /// The change, for people.
    pub what: &'static str,
    /// What the report must make of it; `None`: the API does not change.
    pub expected: Option<Impact>,
    /// Why cargo-semver-checks cannot see this breaking change, if it cannot.
    pub tool_gap: Option<&'static str>,
    steps: &'static [Step],
}

/// A text edit of one file of specs/ (path relative to specs/). Every
/// anchor must occur exactly once in its file.
enum Step {
    /// Inserts `text` before `anchor`.
    InsertBefore { file: &'static str, anchor: &'static str, text: &'static str },
    /// Replaces `find` with `with`.
    Replace { file: &'static str, find: &'static str, with: &'static str },
    /// Removes everything from `from` up to, not including, the first `to` after it.
    Cut { file: &'static str, from: &'static str, to: &'static str },
}

const UPDATE_LINE_ITEM: &str = "invoices.2024-07-30.update-line-item.yaml";
const LIST_GROUPS: &str = "invoices.2024-07-30.list-line-item-groups.yaml";
const CREATE_GROUP: &str = "invoices.2024-07-30.create-line-item-group.transcribed.yaml";
const UPDATE_GROUP: &str = "invoices.latest.update-line-item-group.yaml";
const MANIFEST: &str = "codegen.toml";

const FIELD_TYPE_GAP: &str = "cargo-semver-checks has no lint for a changed field type";

pub const EDITS: &[Edit] = &[
    Edit {
        name: "add-optional-field",
        what: "optional `memo` on the response schema LineItem",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: UPDATE_LINE_ITEM,
            anchor: "        productId:\n          type: string\n",
            text: "        memo:\n          type: string\n          description: Internal note on the line item\n",
        }],
    },
    Edit {
        name: "add-optional-request-field",
        what: "optional `color` on the request body CreateLineItemGroup",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: CREATE_GROUP,
            anchor: "    LineItemGroupResponseModel:\n",
            text: "        color:\n          type: string\n          description: Display colour of the group\n",
        }],
    },
    Edit {
        name: "add-required-request-field",
        what: "required `currency` on the request body CreateLineItemGroup",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[
            Step::Replace {
                file: CREATE_GROUP,
                find: "    CreateLineItemGroupRequestModel:\n      required:\n        - title\n",
                with: "    CreateLineItemGroupRequestModel:\n      required:\n        - title\n        - currency\n",
            },
            Step::InsertBefore {
                file: CREATE_GROUP,
                anchor: "    LineItemGroupResponseModel:\n",
                text: "        currency:\n          type: string\n          description: ISO 4217 currency code\n",
            },
        ],
    },
    Edit {
        name: "add-required-response-field",
        what: "required `currency` on the response schema LineItem",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[
            Step::Replace {
                file: UPDATE_LINE_ITEM,
                find: "        - totalTax\n      type: object\n",
                with: "        - totalTax\n        - currency\n      type: object\n",
            },
            Step::InsertBefore {
                file: UPDATE_LINE_ITEM,
                anchor: "        productId:\n          type: string\n",
                text: "        currency:\n          type: string\n          description: ISO 4217 currency code\n",
            },
        ],
    },
    Edit {
        name: "add-operation",
        what: "`DELETE /invoices/{invoice}/line-item-groups/{id}`",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: UPDATE_GROUP,
            anchor: "components:\n",
            text: "    delete:
      tags:
        - Invoice Line Items
      summary: Delete a Line Item Group
      operationId: deleteInvoicesByInvoiceLineItemGroupsById
      parameters:
        - name: invoice
          in: path
          required: true
          schema:
            type: string
        - name: id
          in: path
          required: true
          schema:
            type: string
        - name: Authorization
          in: header
          required: true
          schema:
            type: string
        - name: Sequence-Version
          in: header
          required: false
          schema:
            type: string
            enum:
              - '2024-07-30'
      responses:
        '204':
          description: No Content
        '404':
          description: Not Found
          content: {}
",
        }],
    },
    Edit {
        name: "remove-operation",
        what: "`POST /invoices/{invoice}/line-item-groups` removed",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[Step::Cut { file: CREATE_GROUP, from: "    post:\n", to: "components:\n" }],
    },
    Edit {
        name: "add-optional-query-parameter",
        what: "optional query parameter `status` on the list operation",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: LIST_GROUPS,
            anchor: "        - name: Sequence-Version\n",
            text: "        - name: status
          in: query
          description: Only groups in this state
          required: false
          schema:
            type: string
",
        }],
    },
    Edit {
        name: "add-enum-value",
        what: "`MIXED` in the string enum RateDisplay",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::Replace {
            file: UPDATE_LINE_ITEM,
            find: "        - ABSOLUTE\n        - PERCENTAGE\n",
            with: "        - ABSOLUTE\n        - PERCENTAGE\n        - MIXED\n",
        }],
    },
    Edit {
        name: "remove-enum-value",
        what: "`Sphere` removed from the string enum IntegrationService",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[Step::Replace { file: UPDATE_LINE_ITEM, find: "        - Rillet\n        - Sphere\n", with: "        - Rillet\n" }],
    },
    Edit {
        name: "rename-schema",
        what: "the manifest renames LineItem to InvoiceLineItem",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[Step::Replace {
            file: MANIFEST,
            find: "Stable20240101LineItemResponse = \"LineItem\"\n",
            with: "Stable20240101LineItemResponse = \"InvoiceLineItem\"\n",
        }],
    },
    Edit {
        name: "change-description",
        what: "a field description of PaginationMeta reworded",
        expected: None,
        tool_gap: None,
        steps: &[Step::Replace {
            file: LIST_GROUPS,
            find: "description: Total number of entries across all pages\n",
            with: "description: Total number of line item groups across all pages\n",
        }],
    },
    Edit {
        name: "request-field-becomes-required",
        what: "`index` of the PUT body UpdateLineItemGroup becomes required",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[Step::Replace {
            file: UPDATE_GROUP,
            find: "    UpdateLineItemGroupRequestModel:\n      required:\n        - title\n",
            with: "    UpdateLineItemGroupRequestModel:\n      required:\n        - title\n        - index\n",
        }],
    },
    Edit {
        name: "response-field-becomes-optional",
        what: "`index` of the response schema LineItem becomes optional (`i64` → `Option<i64>`)",
        expected: Some(Impact::Breaking),
        tool_gap: None,
        steps: &[Step::Replace { file: UPDATE_LINE_ITEM, find: "        - id\n        - index\n        - invoiceId\n", with: "        - id\n        - invoiceId\n" }],
    },
    Edit {
        name: "change-field-type",
        what: "`totalResultSize` of PaginationMeta becomes a string (`Option<i64>` → `Option<String>`)",
        expected: Some(Impact::Breaking),
        tool_gap: Some(FIELD_TYPE_GAP),
        steps: &[Step::Replace {
            file: LIST_GROUPS,
            find: "          type: integer\n          description: Total number of entries across all pages\n          format: int64\n",
            with: "          type: string\n          description: Total number of entries across all pages\n",
        }],
    },
    Edit {
        name: "add-error-status",
        what: "a documented `404` on the PUT of a line item group",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: UPDATE_GROUP,
            anchor: "        '500':\n",
            text: "        '404':\n          description: Not Found\n          content: {}\n",
        }],
    },
    Edit {
        name: "add-schema",
        what: "a new component schema LineItemGroupSummary",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore {
            file: UPDATE_GROUP,
            anchor: "    TaxCategoryResponse:\n",
            text: "    LineItemGroupSummary:
      type: object
      properties:
        id:
          type: string
        lineItemCount:
          type: integer
",
        }],
    },
    Edit {
        name: "deprecate-operation",
        what: "the list operation marked `deprecated: true`",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[Step::InsertBefore { file: LIST_GROUPS, anchor: "      operationId: getInvoicesByInvoiceLineItemGroups\n", text: "      deprecated: true\n" }],
    },
    Edit {
        name: "add-server",
        what: "a fourth server in every file",
        expected: Some(Impact::Compatible),
        tool_gap: None,
        steps: &[
            Step::InsertBefore { file: UPDATE_LINE_ITEM, anchor: "security: []\n", text: SERVER },
            Step::InsertBefore { file: LIST_GROUPS, anchor: "security: []\n", text: SERVER },
            Step::InsertBefore { file: CREATE_GROUP, anchor: "security: []\n", text: SERVER },
            Step::InsertBefore { file: UPDATE_GROUP, anchor: "security: []\n", text: SERVER },
        ],
    },
];

const SERVER: &str = "  - url: https://us.sequencehq.com/api\n    description: PRODUCTION_US\n";

/// The scripted edit called `name`.
pub fn edit(name: &str) -> anyhow::Result<&'static Edit> {
    EDITS.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = EDITS.iter().map(|e| e.name).collect();
        anyhow::anyhow!("no scripted edit is called {name:?}; there are: {}", names.join(", "))
    })
}

impl Edit {
    /// Applies the edit to the files of a copy of specs/.
    pub fn apply(&self, specs: &Path) -> anyhow::Result<()> {
        for step in self.steps {
            let (file, anchor) = match step {
                Step::InsertBefore { file, anchor, .. } => (file, anchor),
                Step::Replace { file, find, .. } => (file, find),
                Step::Cut { file, from, .. } => (file, from),
            };
            let path = specs.join(file);
            let text = std::fs::read_to_string(&path).with_context(|| format!("scripted edit `{}`: cannot read {}", self.name, path.display()))?;
            let stale = |what: &str| {
                anyhow::anyhow!("scripted edit `{}`: specs/{file} {what}; update the edit in xtask/src/semver.rs to the current spec", self.name)
            };
            let found = text.matches(*anchor).count();
            if found != 1 {
                return Err(stale(&format!("holds {found} copies of {anchor:?}, not one")));
            }
            let start = text.find(*anchor).unwrap_or_default();
            let edited = match step {
                Step::InsertBefore { text: insert, .. } => format!("{}{insert}{}", &text[..start], &text[start..]),
                Step::Replace { with, .. } => text.replacen(*anchor, with, 1),
                Step::Cut { to, .. } => {
                    let end = text[start..].find(*to).map(|i| start + i).ok_or_else(|| stale(&format!("has no {to:?} after {anchor:?}")))?;
                    format!("{}{}", &text[..start], &text[end..])
                }
            };
            std::fs::write(&path, edited).with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// A copy of `root`'s specs/ under `work` (as `work/specs/`) with the edit
    /// applied, read the way `cargo xtask regen` reads specs/.
    pub fn specs(&self, root: &Path, work: &Path) -> anyhow::Result<(generator::Config, Vec<SpecInput>)> {
        let specs = work.join("specs");
        copy_dir(&root.join("specs"), &specs)?;
        self.apply(&specs)?;
        regen::read_specs(work)
    }
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let entries = std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).with_context(|| format!("cannot copy {} to {}", source.display(), target.display()))?;
        }
    }
    Ok(())
}

/// Lines inserted and deleted in one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineChanges {
    pub inserted: usize,
    pub deleted: usize,
}

impl LineChanges {
    pub fn total(&self) -> usize {
        self.inserted + self.deleted
    }
}

/// The files that differ between two generations, with their changed lines
/// (a file only on one side counts all its lines).
pub fn changed_lines(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> BTreeMap<String, LineChanges> {
    let mut changed = BTreeMap::new();
    for path in old.keys().chain(new.keys()) {
        let (before, after) = (old.get(path).map_or("", String::as_str), new.get(path).map_or("", String::as_str));
        if before == after || changed.contains_key(path) {
            continue;
        }
        let mut lines = LineChanges::default();
        for change in similar::TextDiff::from_lines(before, after).iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Insert => lines.inserted += 1,
                similar::ChangeTag::Delete => lines.deleted += 1,
                similar::ChangeTag::Equal => {}
            }
        }
        changed.insert(path.clone(), lines);
    }
    changed
}

// ------------------------------------------------------------------ command

/// The cargo-semver-checks release the recorded results were made with.
pub const TOOL_VERSION: &str = "0.51.0";
const TOOLS: &str = "target/tools";
const WORK: &str = "target/semver";

/// What cargo-semver-checks says a change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub release: Release,
    /// The lints that failed, by name.
    pub lints: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    Major,
    Minor,
    None,
}

impl Release {
    pub fn name(self) -> &'static str {
        match self {
            Release::Major => "major",
            Release::Minor => "minor",
            Release::None => "none",
        }
    }
}

/// Reads cargo-semver-checks' output (run with `--release-type patch`, so
/// that minor changes are reported too).
pub fn parse_verdict(output: &str) -> anyhow::Result<Verdict> {
    let summary = output.lines().find(|l| l.trim_start().starts_with("Summary")).ok_or_else(|| {
        let tail: Vec<&str> = output.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
        anyhow::anyhow!("cargo-semver-checks printed no summary; its output ended with:\n{}", tail.join("\n"))
    })?;
    let release = if summary.contains("new major version") {
        Release::Major
    } else if summary.contains("new minor version") {
        Release::Minor
    } else if summary.contains("no semver update required") {
        Release::None
    } else {
        return Err(anyhow::anyhow!("cannot read the summary of cargo-semver-checks: {summary:?}"));
    };
    let mut lints: Vec<String> = output
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(|l| l.trim().to_owned())
        .collect();
    lints.sort();
    lints.dedup();
    Ok(Verdict { release, lints })
}

/// The report's verdict against the tool's.
pub fn agrees(report: Option<Impact>, tool: Release, tool_gap: bool) -> bool {
    let breaking = report == Some(Impact::Breaking);
    match (breaking, tool == Release::Major) {
        (true, true) | (false, false) => true,
        // The tool cannot see this kind of break: the report must still say breaking.
        (true, false) => tool_gap,
        (false, true) => false,
    }
}

/// `cargo xtask semver`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scripted edit to check (repeatable; default: all of them).
    #[arg(long = "edit", value_name = "NAME")]
    pub edits: Vec<String>,
    /// Replay the spec files of DIR, in name order, as successive versions
    /// of one spec, and print a row per update.
    #[arg(long, value_name = "DIR", conflicts_with = "edits")]
    pub history: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(dir) = &args.history {
        return crate::history::run(dir);
    }
    let names = &args.edits;
    let edits: Vec<&Edit> = if names.is_empty() { EDITS.iter().collect() } else { names.iter().map(|n| edit(n)).collect::<Result<_, _>>()? };
    let started = Instant::now();
    let root = crate::workspace_root();
    let tool = ensure_tool(&root)?;
    let work = root.join(WORK);
    // The crates of an earlier run go; its build cache stays.
    for dir in std::iter::once("base").chain(EDITS.iter().map(|e| e.name)).map(|name| work.join(name)).filter(|d| d.exists()) {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }

    let (config, inputs) = regen::read_specs(&root)?;
    let base = generator::generate(&config.clone().layout(Layout::Crate), &inputs).map_err(|e| anyhow::anyhow!(e.render(&inputs)))?;
    let base_dir = work.join("base");
    write_crate(&root, &base_dir, &base.files)?;

    println!("{:<32} {:<11} {:<20} {:<6} {:>5} {:>5} {:>6}  lints", "edit", "report", "cargo-semver-checks", "agree", "files", "lines", "time");
    let mut disagreements = Vec::new();
    for edit in edits {
        let dir = work.join(edit.name);
        let (config, inputs) = edit.specs(&root, &dir)?;
        let output = generator::generate(&config.layout(Layout::Crate), &inputs).map_err(|e| anyhow::anyhow!("edit `{}`: {}", edit.name, e.render(&inputs)))?;
        write_crate(&root, &dir.join("crate"), &output.files)?;
        let report = generator::diff::diff(&base.model, &output.model);
        let generated = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            files.iter().filter(|(p, _)| p.starts_with("src/generated/")).map(|(p, t)| (p.clone(), t.clone())).collect()
        };
        let locality = changed_lines(&generated(&base.files), &generated(&output.files));

        let checked = Instant::now();
        let verdict = check_release(&tool, &base_dir, &dir.join("crate"), &work.join("cargo-target"))?;
        let seconds = checked.elapsed().as_secs_f64();

        let impact = report.impact();
        let agree = agrees(impact, verdict.release, edit.tool_gap.is_some());
        let expected = impact == edit.expected;
        let agreement = match (agree, verdict.release != Release::Major && impact == Some(Impact::Breaking)) {
            (true, true) => "gap",
            (true, false) => "yes",
            (false, _) => "NO",
        };
        if !agree {
            disagreements.push(format!("{}: the report says {}, cargo-semver-checks says {}", edit.name, impact_name(impact), verdict.release.name()));
        }
        if !expected {
            disagreements.push(format!("{}: the report says {}, the edit expects {}", edit.name, impact_name(impact), impact_name(edit.expected)));
        }
        println!(
            "{:<32} {:<11} {:<20} {:<6} {:>5} {:>5} {:>5.1}s  {}",
            edit.name,
            impact_name(impact),
            verdict.release.name(),
            agreement,
            locality.len(),
            locality.values().map(LineChanges::total).sum::<usize>(),
            seconds,
            verdict.lints.join(", ")
        );
    }
    println!("cargo-semver-checks {TOOL_VERSION}; {:.0} s in all", started.elapsed().as_secs_f64());
    if disagreements.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("the report and cargo-semver-checks disagree:\n  {}", disagreements.join("\n  ")))
    }
}

pub fn impact_name(impact: Option<Impact>) -> &'static str {
    match impact {
        Some(Impact::Breaking) => "breaking",
        Some(Impact::Compatible) => "compatible",
        None => "no change",
    }
}

/// The pinned cargo-semver-checks under target/tools/, installed when missing.
pub fn ensure_tool(root: &Path) -> anyhow::Result<PathBuf> {
    let tools = root.join(TOOLS);
    let tool = tools.join("bin").join(format!("cargo-semver-checks{}", std::env::consts::EXE_SUFFIX));
    let installed = Command::new(&tool).arg("--version").output().ok().filter(|o| o.status.success());
    if installed.is_some_and(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().any(|word| word == TOOL_VERSION)) {
        return Ok(tool);
    }
    eprintln!("installing cargo-semver-checks {TOOL_VERSION} under {TOOLS}/ (about 10 minutes on 2 cores)…");
    let status = Command::new(env!("CARGO"))
        .args(["install", "cargo-semver-checks", "--locked", "--version", TOOL_VERSION, "--root"])
        .arg(&tools)
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        return Err(anyhow::anyhow!("`cargo install cargo-semver-checks --locked --version {TOOL_VERSION} --root {TOOLS}` failed; see its output above"));
    }
    Ok(tool)
}

/// Writes a generated crate, with the workspace's lock file so that both
/// sides build against the same dependency versions.
pub fn write_crate(root: &Path, dir: &Path, files: &BTreeMap<String, String>) -> anyhow::Result<()> {
    let plan = files::plan(dir, files, "src/generated")?;
    files::apply(dir, files, &plan)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).with_context(|| format!("cannot copy Cargo.lock into {}", dir.display()))?;
    Ok(())
}

pub fn check_release(tool: &Path, baseline: &Path, current: &Path, target: &Path) -> anyhow::Result<Verdict> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--release-type", "patch", "--color", "never", "--baseline-root"])
        .arg(baseline)
        .arg("--manifest-path")
        .arg(current.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .with_context(|| format!("cannot run {}", tool.display()))?;
    let text = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    parse_verdict(&text)
}
