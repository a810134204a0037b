//! A vendor's real releases: the snapshots of Sequence's `2024-07-30` spec in
//! `../shared/corpus/history/` (test data, never copied into the
//! repository). Each update is generated before and after; the report must
//! list what changed, and the crate must not change where the vendor only
//! renumbered its own component names.

use std::collections::BTreeMap;
use std::path::PathBuf;

use generator::diff::Report;
use xtask::semver::{LineChanges, changed_lines};

use crate::support::root;

pub const TYPES: &str = "src/generated/types.rs";

pub fn history_dir() -> PathBuf {
    root().join("..").join("shared").join("corpus").join("history").join("sequence-2024-07-30")
}

/// The snapshots in name order, or `None` (with a note) when `../shared` is absent.
pub fn snapshots() -> Option<Vec<(String, String)>> {
    let dir = history_dir();
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect(),
        Err(_) => {
            println!("skipped: {} is absent", dir.display());
            return None;
        }
    };
    paths.sort();
    Some(
        paths
            .into_iter()
            .map(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("spec.json").to_owned();
                let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (name, text)
            })
            .collect(),
    )
}

/// The report and the changed lines of one update.
pub struct Update {
    pub report: Report,
    pub changed: BTreeMap<String, LineChanges>,
}

impl Update {
    pub fn new(before: &generator::Output, after: &generator::Output) -> Update {
        Update { report: generator::diff::diff(&before.model, &after.model), changed: changed_lines(&before.files, &after.files) }
    }

    pub fn lines(&self) -> usize {
        self.changed.values().map(LineChanges::total).sum()
    }

    pub fn in_file(&self, path: &str) -> usize {
        self.changed.get(path).map_or(0, LineChanges::total)
    }
}

/// The crates of every version, each named with the record the one before
/// left, as `cargo xtask semver --history` and regen make them.
pub fn replay(snapshots: &[(String, String)]) -> Vec<(String, generator::Output)> {
    let mut record = generator::NameRecord::default();
    let mut outputs = Vec::new();
    for (name, text) in snapshots {
        let version = xtask::history::Version { name: name.clone(), text: text.clone() };
        let output = xtask::history::generate(&version, &record).unwrap_or_else(|e| panic!("{e}"));
        record = generator::NameRecord::of(&output.model);
        outputs.push((name.clone(), output));
    }
    outputs
}

#[test]
fn each_update_of_the_shared_history_reports_what_changed() {
    let Some(snapshots) = snapshots() else { return };
    let outputs = replay(&snapshots);
    let mut updates = Vec::new();
    for pair in outputs.windows(2) {
        let [(old_name, old), (new_name, new)] = pair else { continue };
        let update = Update::new(old, new);
        println!(
            "{old_name} → {new_name}: {} breaking, {} compatible; {} lines changed, {} in types.rs",
            update.report.breaking(),
            update.report.compatible(),
            update.lines(),
            update.in_file(TYPES)
        );
        for change in &update.report.changes {
            println!("  {:?} {} {}", change.impact, change.item, change.change.chars().take(160).collect::<String>());
        }
        // No change is only the vendor's renumbering: a type never turns
        // into another of its own numbered family.
        for change in &update.report.changes {
            let numbered = change.change.split('`').filter(|w| w.ends_with(|c: char| c.is_ascii_digit()) && w.starts_with(|c: char| c.is_ascii_uppercase())).count();
            assert!(!(change.change.contains(" type changed ") && numbered > 0), "{new_name}: {change:?}");
        }
        updates.push((new_name.clone(), update));
    }
    // From 2025-07-15 to 2025-08-29 Sequence added a required `roles` to
    // `SequenceUserResponse` (the one break), a `Role` schema, two enum
    // values and an optional field.
    if let Some((_, update)) = updates.iter().find(|(name, _)| name == "2025-08-29.json") {
        let breaking: Vec<(&str, &str)> = update
            .report
            .changes
            .iter()
            .filter(|c| c.impact == generator::diff::Impact::Breaking)
            .map(|c| (c.item.as_str(), c.change.as_str()))
            .collect();
        assert_eq!(breaking, [("types::SequenceUserResponse", "required field `roles` added as `roles: Vec<Role>`")]);
        assert!(update.report.compatible() <= 10, "{:?}", update.report.changes);
    }
}
