//! `cargo xtask diff [--base <git-rev>] [--format text|markdown|json] [--fail-on-breaking]`:
//! how the API generated from specs/ in the working tree differs from the one
//! generated from specs/ at a git revision, for code that uses the crate.
//!
//! The base is read with `git show <rev>:specs/…` (the manifest and every
//! spec it lists), so the working tree and the index are never touched. Both
//! sides go through today's generator: the report is about the specs, not
//! about changes to the generator.

use anyhow::Context as _;
use std::path::Path;
use std::process::Command;

use generator::diff::{Change, Impact, Report};
use generator::model::Api;

use crate::regen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// `cargo xtask diff`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The git revision whose specs/ are compared against.
    #[arg(long, value_name = "GIT-REV", default_value = "HEAD")]
    pub base: String,
    /// How the report is printed.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit non-zero when anything breaks.
    #[arg(long)]
    pub fail_on_breaking: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let (base, format, fail_on_breaking) = (&args.base, args.format, args.fail_on_breaking);
    let root = crate::workspace_root();
    let base = Base::resolve(&root, base).map_err(|e| anyhow::anyhow!("{e:#}; pass --base with a branch, tag or commit (`git log --oneline` lists them)"))?;
    let report = generator::diff::diff(&base.model(&root)?, &working_tree_model(&root)?);
    print!("{}", render(&report, &base.label(), format));
    if fail_on_breaking && report.breaking() > 0 {
        return Err(anyhow::anyhow!("{} breaking API changes since {} (--fail-on-breaking)", report.breaking(), base.label()));
    }
    Ok(())
}

/// A commit whose specs/ are compared against.
#[derive(Debug, Clone)]
pub struct Base {
    /// As given (`HEAD`, `main`, `v1.2.0`).
    pub rev: String,
    pub commit: String,
}

impl Base {
    /// Resolves `rev` in the repository holding `root`.
    pub fn resolve(root: &Path, rev: &str) -> anyhow::Result<Base> {
        if rev.starts_with('-') {
            return Err(anyhow::anyhow!("`{rev}` is not a git revision; pass --base with a branch, tag or commit"));
        }
        let commit = git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
            .map_err(|e| anyhow::anyhow!("`{rev}` is not a commit of a git repository at {} ({e:#})", root.display()))?;
        Ok(Base { rev: rev.to_owned(), commit: commit.trim().to_owned() })
    }

    pub fn short(&self) -> &str {
        self.commit.get(..12).unwrap_or(&self.commit)
    }

    /// `HEAD (e2d644a1f2c3)`, or the commit alone when it was given as one.
    pub fn label(&self) -> String {
        if self.commit.starts_with(&self.rev) { self.short().to_owned() } else { format!("{} ({})", self.rev, self.short()) }
    }

    /// The model of specs/ as committed at the base.
    pub fn model(&self, root: &Path) -> anyhow::Result<Api> {
        self.model_of(&self.specs(root)?)
    }

    /// specs/ as committed at the base: every file read (the manifest and
    /// the specs it lists, path → text), and what they configure.
    pub fn specs(&self, root: &Path) -> anyhow::Result<regen::Specs> {
        let read = |name: &str| -> anyhow::Result<String> { git(root, &["show", &format!("{}:./{name}", self.commit)]) };
        regen::specs_from(&read).with_context(|| format!("reading specs/ at {}", self.label()))
    }

    /// The model of `specs`, read at the base.
    pub fn model_of(&self, specs: &regen::Specs) -> anyhow::Result<Api> {
        generator::model(&specs.config, &specs.inputs)
            .map_err(|e| anyhow::anyhow!("the specs at {} do not generate:\n{}", self.label(), e.render(&specs.inputs)))
    }
}

/// The model of specs/ in the working tree.
pub fn working_tree_model(root: &Path) -> anyhow::Result<Api> {
    let (config, inputs) = regen::read_specs(root)?;
    generator::model(&config, &inputs).map_err(|e| anyhow::anyhow!(e.render(&inputs)))
}

/// Runs git read-only in `root`; its standard output, or what it said.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git ({e}); install git or run from a git checkout"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        anyhow::bail!(if said.is_empty() { format!("`git {}` failed", args.join(" ")) } else { said });
    }
    String::from_utf8(output.stdout).map_err(|_| anyhow::anyhow!("`git {}` printed text that is not UTF-8", args.join(" ")))
}

/// The report in one of its formats.
pub fn render(report: &Report, base: &str, format: Format) -> String {
    match format {
        Format::Text => text(report, base),
        Format::Markdown => markdown(report, base),
        Format::Json => json(report, base),
    }
}

fn counts(report: &Report) -> String {
    format!("{} breaking, {} compatible", report.breaking(), report.compatible())
}

fn impact_name(impact: Impact) -> &'static str {
    match impact {
        Impact::Breaking => "breaking",
        Impact::Compatible => "compatible",
    }
}

fn by_impact(report: &Report) -> [(Impact, Vec<&Change>); 2] {
    [Impact::Breaking, Impact::Compatible].map(|impact| (impact, report.changes.iter().filter(|c| c.impact == impact).collect()))
}

fn text(report: &Report, base: &str) -> String {
    if report.is_empty() {
        return format!("No API changes since {base}.\n");
    }
    let mut out = format!("API changes since {base}: {}\n", counts(report));
    for (impact, changes) in by_impact(report) {
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}:\n", impact_name(impact)));
        for change in changes {
            out.push_str(&format!("  - {}: {}\n      {}\n", change.item, change.change, change.effect));
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(report: &Report, base: &str) -> String {
    if report.is_empty() {
        return format!("### No API changes since `{base}`\n");
    }
    let mut out = format!("### API changes since `{base}`: {}\n\n", counts(report));
    out.push_str("| impact | item | change | effect on code using the crate |\n|---|---|---|---|\n");
    for change in &report.changes {
        let impact = match change.impact {
            Impact::Breaking => "**breaking**",
            Impact::Compatible => "compatible",
        };
        out.push_str(&format!("| {impact} | `{}` | {} | {} |\n", cell(&change.item), cell(&change.change), cell(&change.effect)));
    }
    out
}

fn json(report: &Report, base: &str) -> String {
    let value = serde_json::json!({
        "base": base,
        "impact": report.impact().map(impact_name),
        "breaking": report.breaking(),
        "compatible": report.compatible(),
        "changes": report.changes,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// At most this many changes are listed by `short`.
const SHORT_LINES: usize = 20;

/// A few lines for `cargo xtask regen`: the counts and one line per change.
pub fn short(report: &Report, base: &str) -> String {
    let mut out = format!("API changes since {base}: {} (`cargo xtask diff` explains each)", counts(report));
    for change in report.changes.iter().take(SHORT_LINES) {
        out.push_str(&format!("\n  {:<10}  {}: {}", impact_name(change.impact), change.item, change.change));
    }
    if report.changes.len() > SHORT_LINES {
        out.push_str(&format!("\n  … and {} more", report.changes.len() - SHORT_LINES));
    }
    out
}

/// The CHANGELOG entry for a report: a heading naming the base commit, the
/// counts, and every change with its effect. It depends on nothing but the
/// report and the base, so regenerating again writes the same entry.
pub fn changelog_entry(report: &Report, base: &Base) -> String {
    let mut out = format!("{}{}\n\n{}.\n", ENTRY_HEADING, base.short(), sentence_case(&counts(report)));
    for (impact, changes) in by_impact(report) {
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}:\n\n", sentence_case(impact_name(impact))));
        for change in changes {
            out.push_str(&format!("- `{}`: {}. {}.\n", change.item, change.change, sentence_case(&change.effect)));
        }
    }
    out
}

const ENTRY_HEADING: &str = "## API changes on top of ";

pub const CHANGELOG_INTRO: &str = "\
# Changelog of `sequence-invoices`

How the crate's API changes with specs/, newest first. `cargo xtask regen`
writes the entry for the uncommitted spec changes: it compares the API generated
from specs/ with the one generated from specs/ at `HEAD` (`cargo xtask diff`),
names the entry after that commit, and rewrites only that entry, so running it
again changes nothing. Breaking means that some code using the crate may no
longer compile; compatible means that all of it still does.
";

/// `changelog` with the entry for `base` replaced by `entry`, or added on top
/// when there is none; `None` removes it.
pub fn update_changelog(changelog: &str, base: &Base, entry: Option<&str>) -> String {
    let changelog = if changelog.trim().is_empty() { CHANGELOG_INTRO } else { changelog };
    let heading = format!("{ENTRY_HEADING}{}\n", base.short());
    // The intro, then entries that each start with a `## ` heading.
    let first_entry = changelog.find("\n## ").map_or(changelog.len(), |i| i + 1);
    let (intro, entries) = changelog.split_at(first_entry);
    let mut kept: Vec<&str> = Vec::new();
    let mut replaced = false;
    let mut rest = entries;
    while !rest.is_empty() {
        let end = rest.get(1..).and_then(|r| r.find("\n## ")).map_or(rest.len(), |i| i + 2);
        let (this, next) = rest.split_at(end);
        if this.starts_with(&heading) {
            replaced = true;
        } else {
            kept.push(this.trim_end_matches('\n'));
        }
        rest = next;
    }
    if entry.is_none() && !replaced {
        return changelog.to_owned();
    }
    let mut out = intro.trim_end_matches('\n').to_owned();
    out.push('\n');
    for block in entry.into_iter().map(|e| e.trim_end_matches('\n')).chain(kept) {
        out.push('\n');
        out.push_str(block);
        out.push('\n');
    }
    out
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
