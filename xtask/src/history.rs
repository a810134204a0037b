//! `cargo xtask semver --history DIR`: a vendor's published versions of one
//! spec, replayed in the order of their file names as successive updates.
//!
//! Each version is generated the way `cargo xtask regen` would after
//! vendoring it: with the record of assigned names (`specs/names.toml`) the
//! previous version left, so that an operation added later keeps every
//! existing name. Each crate is written under `target/semver/history/`, the
//! change report compares each version's model with the one before, and
//! cargo-semver-checks judges each pair of crates. One row per update: the
//! report's verdict with its numbers of breaking and compatible changes,
//! the files and lines changed in `src/generated/`, and the tool's verdict.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::diff::{Impact, Report};
use generator::{Config, Layout, NameRecord, SpecInput};

use crate::semver::{LineChanges, Release, changed_lines, check_release, ensure_tool, impact_name, write_crate};

const WORK: &str = "target/semver/history";

/// One version of the spec: its file name and text.
pub struct Version {
    pub name: String,
    pub text: String,
}

/// The `*.json`, `*.yaml` and `*.yml` files of `dir`, in name order.
pub fn versions(dir: &Path) -> anyhow::Result<Vec<Version>> {
    let entries = std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml")))
        .collect();
    paths.sort();
    if paths.len() < 2 {
        return Err(anyhow::anyhow!("{} holds {} spec files; a history needs two or more", dir.display(), paths.len()));
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(Version { name, text })
        })
        .collect()
}

/// One version generated: its files and model, and the record it leaves.
pub fn generate(version: &Version, record: &NameRecord) -> anyhow::Result<generator::Output> {
    // One input name for every version, so that the file headers do not
    // change with the snapshot's date.
    let extension = Path::new(&version.name).extension().and_then(|e| e.to_str()).unwrap_or("json");
    let inputs = [SpecInput { name: format!("spec.{extension}"), version: None, text: version.text.clone() }];
    let config = Config::new("history-client")
        .layout(Layout::Crate)
        .command("cargo xtask semver --history")
        .manifest_name("(history)")
        .name_record(record.clone());
    generator::generate(&config, &inputs).map_err(|e| anyhow::anyhow!("{}: {}", version.name, e.render(&inputs)))
}

/// The files under `src/generated/`.
fn generated(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files.iter().filter(|(p, _)| p.starts_with("src/generated/")).map(|(p, t)| (p.clone(), t.clone())).collect()
}

/// How the tool's verdict compares with the report's.
pub fn agreement(report: &Report, tool: Release) -> &'static str {
    let breaking = report.impact() == Some(Impact::Breaking);
    match (breaking, tool == Release::Major) {
        (true, true) | (false, false) => "yes",
        // The one kind of break the tool has no lint for (README): a
        // changed field type that leaves `new` alone.
        (true, false) if report.changes.iter().filter(|c| c.impact == Impact::Breaking).all(|c| c.change.contains(" type changed ")) => "gap",
        _ => "NO",
    }
}

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = crate::workspace_root();
    let versions = versions(dir)?;
    let tool = ensure_tool(&root)?;
    let work = root.join(WORK);
    if work.exists() {
        // The crates of an earlier run go; the build cache beside them stays.
        for entry in std::fs::read_dir(&work).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", work.display()))?.flatten() {
            if entry.file_name() != "cargo-target" {
                let path = entry.path();
                std::fs::remove_dir_all(&path).map_err(|e| anyhow::anyhow!("cannot clear {}: {e}", path.display()))?;
            }
        }
    }

    println!(
        "{:<34} {:<11} {:>8} {:>10} {:>5} {:>6} {:<20} {:<6} {:>6}  lints",
        "update", "report", "breaking", "compatible", "files", "lines", "cargo-semver-checks", "agree", "time"
    );
    let mut record = NameRecord::default();
    let mut previous: Option<(String, PathBuf, generator::Output)> = None;
    let mut disagreements = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let output = generate(version, &record)?;
        record = NameRecord::of(&output.model);
        let dir = work.join(format!("{index:03}-{}", version.name.replace('.', "-")));
        write_crate(&root, &dir, &output.files)?;
        if let Some((old_name, old_dir, old)) = &previous {
            let report = generator::diff::diff(&old.model, &output.model);
            let lines = changed_lines(&generated(&old.files), &generated(&output.files));
            let checked = Instant::now();
            let verdict = check_release(&tool, old_dir, &dir, &work.join("cargo-target"))?;
            let agree = agreement(&report, verdict.release);
            let update = format!("{old_name} → {}", version.name);
            if agree == "NO" {
                disagreements.push(format!("{update}: the report says {}, cargo-semver-checks says {}", impact_name(report.impact()), verdict.release.name()));
            }
            println!(
                "{:<34} {:<11} {:>8} {:>10} {:>5} {:>6} {:<20} {:<6} {:>5.1}s  {}",
                update,
                impact_name(report.impact()),
                report.breaking(),
                report.compatible(),
                lines.len(),
                lines.values().map(LineChanges::total).sum::<usize>(),
                verdict.release.name(),
                agree,
                checked.elapsed().as_secs_f64(),
                verdict.lints.join(", ")
            );
        }
        previous = Some((version.name.clone(), dir, output));
    }
    println!("{} versions of {}; {:.0} s in all", versions.len(), dir.display(), started.elapsed().as_secs_f64());
    if disagreements.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("the report and cargo-semver-checks disagree:\n  {}", disagreements.join("\n  ")))
    }
}
