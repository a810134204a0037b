//! Bad input gets a clear, located error (snapshotted), and `regen` writes
//! nothing when generation fails.

use std::path::Path;

use generator::{Config, SpecInput};

use crate::support::{copy_tree, fixtures_dir, root, snapshot_tree};

/// The inputs of an error fixture: a file, or a folder of files that are
/// generated together (named `<version>.<anything>.yaml` to give labels).
fn inputs(path: &Path) -> Vec<SpecInput> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    files
        .iter()
        .map(|file| {
            let name = file.strip_prefix(fixtures_dir().join("errors")).unwrap_or(file).to_string_lossy().replace('\\', "/");
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
            let version = file.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('.').next()).map(str::to_owned);
            SpecInput { name, version, text }
        })
        .collect()
}

#[test]
fn every_bad_spec_gets_a_located_error() {
    let dir = fixtures_dir().join("errors");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    assert!(entries.len() >= 10, "expected the error fixtures in {}", dir.display());
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let config = Config::new("fixture");
        let message = match generator::generate(&config, &inputs(&path)) {
            Ok(_) => panic!("{stem}: expected an error"),
            Err(e) => e.to_string(),
        };
        assert!(message.contains("help:"), "{stem}: the message should say what to do:\n{message}");
        insta::assert_snapshot!(format!("error__{stem}"), message);
    }
}

#[test]
fn overrides_that_match_nothing_fail_the_run() {
    let (config, inputs) = crate::support::vendored();
    let renamed = config.clone().rename("NoSuchSchema", "Thing");
    let message = generator::generate(&renamed, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`NoSuchSchema` matched nothing"), "{message}");

    let named = config.clone().operation_name("noSuchOperation", "thing");
    let message = generator::generate(&named, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`noSuchOperation` matched nothing"), "{message}");

    let preferred = config.prefer("NoSuchComponent", "latest");
    let message = generator::generate(&preferred, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`NoSuchComponent` matched nothing"), "{message}");
}

#[test]
fn prefer_picks_the_winning_version_of_a_conflicting_component() {
    let files = inputs(&fixtures_dir().join("errors").join("conflicting-components"));
    let config = Config::new("fixture").prefer("Thing", "v2");
    let model = generator::model(&config, &files).unwrap_or_else(|e| panic!("{e}"));
    let thing = model.types.iter().find(|t| t.name == "Thing").unwrap_or_else(|| panic!("no Thing"));
    let generator::model::TypeKind::Struct { fields, .. } = &thing.kind else { panic!("Thing is not a struct") };
    let names: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(names, ["id", "size"], "the v2 definition should win");
}

#[test]
fn a_failing_regen_writes_nothing() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_tree(&root().join("specs"), &work.path().join("specs"));
    copy_tree(&root().join("generated-client"), &work.path().join("generated-client"));
    let before = snapshot_tree(work.path());

    // A dangling reference in one of the vendored files.
    let spec = work.path().join("specs").join("invoices.2024-07-30.update-line-item.yaml");
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    let broken = text.replacen("#/components/schemas/DateRange", "#/components/schemas/DateRnage", 1);
    assert_ne!(text, broken);
    std::fs::write(&spec, &broken).unwrap_or_else(|e| panic!("{e}"));

    let error = xtask::regen::regen(work.path(), xtask::regen::Mode::Write).err().unwrap_or_default();
    assert!(error.contains("specs/invoices.2024-07-30.update-line-item.yaml:"), "{error}");
    assert!(error.contains("#/components/schemas/DateRnage"), "{error}");

    let after: Vec<_> = snapshot_tree(work.path()).into_iter().filter(|(p, _)| !p.ends_with("update-line-item.yaml")).collect();
    let before: Vec<_> = before.into_iter().filter(|(p, _)| !p.ends_with("update-line-item.yaml")).collect();
    assert!(before == after, "a failed regen changed files on disk");
}

#[test]
fn check_reports_a_stale_client_with_a_diff() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_tree(&root().join("specs"), &work.path().join("specs"));
    copy_tree(&root().join("generated-client"), &work.path().join("generated-client"));
    // A description only this file has (the field `rate` of line items).
    let spec = work.path().join("specs").join("invoices.2024-07-30.update-line-item.yaml");
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    std::fs::write(&spec, text.replace("Price per Item", "Unit price")).unwrap_or_else(|e| panic!("{e}"));

    let report = xtask::regen::regen(work.path(), xtask::regen::Mode::Check).err().unwrap_or_default();
    assert!(report.contains("-    /// Price per Item"), "{report}");
    assert!(report.contains("+    /// Unit price"), "{report}");
    assert!(report.contains("+++ b/src/generated/types.rs"), "{report}");
    assert!(report.contains("run `cargo xtask regen`"), "{report}");

    // Regenerating then brings it up to date, touching only what changed.
    let summary = xtask::regen::regen(work.path(), xtask::regen::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.contains("changed"), "{summary}");
    let check = xtask::regen::regen(work.path(), xtask::regen::Mode::Check).unwrap_or_else(|e| panic!("{e}"));
    assert!(check.contains("up to date"), "{check}");
}
