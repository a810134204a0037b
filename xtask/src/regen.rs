//! `cargo xtask regen [--check]`: specs/ → generated-client/.
//!
//! A write also reports how the API differs from the one specs/ at `HEAD`
//! make, and keeps the entry for those changes in
//! generated-client/CHANGELOG.md. `--check` compares only the generated
//! files: the changelog describes the uncommitted changes, and once they are
//! committed there is nothing left to compare it with.

use anyhow::Context as _;
use std::path::Path;
use std::time::Instant;

use generator::{Layout, Manifest, NameRecord, SpecInput};

use crate::{diff, files};

pub const MANIFEST: &str = "specs/codegen.toml";
/// The record of assigned names, which regen maintains (`generator::record`).
pub const RECORD: &str = generator::record::FILE;
pub const CLIENT_DIR: &str = "generated-client";
pub const CHANGELOG: &str = "generated-client/CHANGELOG.md";
const OWNED: &str = "src/generated";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// `cargo xtask regen`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; fail with a diff if generated-client/ is stale.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let summary = regen(&crate::workspace_root(), mode)?;
    println!("{summary}");
    Ok(())
}

/// Regenerates (or checks) the client under `root`. Nothing is written
/// unless the whole generation succeeded.
pub fn regen(root: &Path, mode: Mode) -> anyhow::Result<String> {
    let started = Instant::now();
    let specs = read(root)?;
    let output = generator::generate(&specs.config, &specs.inputs).map_err(|e| anyhow::anyhow!(e.render(&specs.inputs)))?;

    let client_root = root.join(CLIENT_DIR);
    if mode == Mode::Write {
        // A run killed mid-swap left its siblings of src/generated/ behind.
        files::recover(&client_root, OWNED)?;
    }
    let plan = files::plan(&client_root, &output.files, OWNED)?;
    let differing = plan.changed.len() + plan.stale.len();
    let record = NameRecord::of(&output.model).render();
    if mode == Mode::Check {
        if specs.record.as_deref() != Some(record.as_str()) {
            return Err(anyhow::anyhow!(
                "{RECORD} differs from the names specs/ produce; run `cargo xtask regen` and commit the result\n{}",
                similar::TextDiff::from_lines(specs.record.as_deref().unwrap_or(""), &record)
                    .unified_diff()
                    .header(&format!("a/{RECORD}"), &format!("b/{RECORD}"))
            ));
        }
        if differing == 0 {
            return Ok(format!("generated-client/ is up to date with specs/ ({} files)", plan.unchanged));
        }
        return Err(anyhow::anyhow!(
            "{}generated-client/ differs from what specs/ produce ({differing} files); run `cargo xtask regen` and commit the result",
            files::diff(&client_root, &output.files, &plan)
        ));
    }
    files::apply(&client_root, &output.files, &plan)?;
    if specs.record.as_deref() != Some(record.as_str()) {
        write_replacing(&root.join(RECORD), &record)?;
    }
    let mut summary = String::new();
    for warning in &output.model.warnings {
        summary.push_str(&warning.render(&specs.inputs));
    }
    for note in &output.model.notes {
        summary.push_str(&format!("info: {note}\n"));
    }
    match api_changes(root, &specs, &output.model) {
        Ok(Some(report)) => summary.push_str(&format!("{report}\n")),
        Ok(None) => {}
        Err(reason) => summary.push_str(&format!("note: no API change report and no {CHANGELOG} entry: {reason}\n")),
    }
    summary.push_str(&format!(
        "regen: {} changed, {} unchanged, {} removed; {} operations, {} types; {} ms",
        plan.changed.len(),
        plan.unchanged,
        plan.stale.len(),
        output.model.operations.len(),
        output.model.types.len(),
        started.elapsed().as_millis()
    ));
    Ok(summary)
}

/// Compares `model` with the API specs/ at `HEAD` make and keeps the
/// changelog entry for the difference. Returns the short report when the
/// API changed.
fn api_changes(root: &Path, specs: &Specs, model: &generator::model::Api) -> anyhow::Result<Option<String>> {
    let base = diff::Base::resolve(root, "HEAD")?;
    let committed = base.specs(root)?;
    // specs/ as committed make the same API: no second model to build.
    let before = if committed.same_files(specs) { None } else { Some(base.model_of(&committed)?) };
    record_api_changes(root, &base, before.as_ref().unwrap_or(model), model)
}

/// Writes the changelog entry for the changes from `before` (the API at
/// `base`) to `after`, replacing an earlier entry for the same base and
/// removing it when nothing changed any more. Returns the short report when
/// the API changed.
pub fn record_api_changes(
    root: &Path,
    base: &diff::Base,
    before: &generator::model::Api,
    after: &generator::model::Api,
) -> anyhow::Result<Option<String>> {
    let report = generator::diff::diff(before, after);
    let path = root.join(CHANGELOG);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow::anyhow!("cannot read {CHANGELOG}: {e}")),
    };
    let entry = (!report.is_empty()).then(|| diff::changelog_entry(&report, base));
    let updated = diff::update_changelog(&existing, base, entry.as_deref());
    if updated != existing && (entry.is_some() || !existing.is_empty()) {
        write_replacing(&path, &updated)?;
    }
    Ok((!report.is_empty()).then(|| diff::short(&report, &base.label())))
}

/// Writes `path` whole: a temporary file beside it, renamed over it.
fn write_replacing(path: &Path, contents: &str) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp~");
    std::fs::write(&temporary, contents).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

/// What specs/ holds: the manifest's text, the configuration it makes and
/// the spec files it lists.
pub struct Specs {
    pub manifest: String,
    /// The record of assigned names, when there is one.
    pub record: Option<String>,
    pub config: generator::Config,
    pub inputs: Vec<SpecInput>,
}

impl Specs {
    /// The same files with the same contents (so the same API).
    pub fn same_files(&self, other: &Specs) -> bool {
        self.manifest == other.manifest
            && self.record == other.record
            && self.inputs.len() == other.inputs.len()
            && self.inputs.iter().zip(&other.inputs).all(|(a, b)| a.name == b.name && a.version == b.version && a.text == b.text)
    }
}

/// Reads the manifest and the spec files it lists.
pub fn read_specs(root: &Path) -> anyhow::Result<(generator::Config, Vec<SpecInput>)> {
    read(root).map(|specs| (specs.config, specs.inputs))
}

/// [`read_specs`], keeping the manifest's text.
pub fn read(root: &Path) -> anyhow::Result<Specs> {
    specs_from(&|name: &str| std::fs::read_to_string(root.join(name)).map_err(|e| anyhow::anyhow!(e.to_string())))
}

/// Reads the manifest and its spec files through `read` (path relative to
/// the workspace root → text), from the disk or from a git revision.
pub fn specs_from(read: &dyn Fn(&str) -> anyhow::Result<String>) -> anyhow::Result<Specs> {
    let text = read(MANIFEST).with_context(|| format!("{MANIFEST}: cannot read"))?;
    let manifest = Manifest::parse(MANIFEST, &text).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let mut inputs = Vec::new();
    for spec in &manifest.specs {
        let name = format!("specs/{}", spec.file);
        let text = read(&name)
            .map_err(|e| anyhow::anyhow!("{name}: cannot read ({e:#})\n  help: the file is listed in {MANIFEST}; vendor it or remove the entry"))?;
        inputs.push(SpecInput { name, version: Some(spec.version.clone()), text });
    }
    // The manifest's specs are the entry files; the files they refer to
    // (names relative to the workspace root, like theirs) are read too. One
    // that cannot be read is reported by the generator at its `$ref`.
    let referenced = crate::references::read_referenced(&inputs, &|name| Ok(read(name).ok()))?;
    // No record (a first run, or one deleted on purpose): names are made
    // from the spec alone.
    let record = read(RECORD).ok();
    let mut config = manifest.config(MANIFEST).layout(Layout::Module).referenced_files(referenced.iter().map(|r| r.name.clone()));
    if let Some(text) = &record {
        config = config.name_record(NameRecord::parse(RECORD, text).map_err(|e| anyhow::anyhow!(e.to_string()))?);
    }
    inputs.extend(referenced);
    Ok(Specs { config, manifest: text, record, inputs })
}
