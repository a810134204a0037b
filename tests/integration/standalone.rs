//! `cargo xtask generate` makes a crate that builds on its own.

use std::process::Command;

use crate::support::root;

#[test]
fn generated_crate_checks_on_its_own() {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let specs: Vec<std::path::PathBuf> = ["invoices.latest.update-line-item-group.yaml", "invoices.2024-07-30.list-line-item-groups.yaml"]
        .iter()
        .map(|f| root().join("specs").join(f))
        .collect();
    let summary = xtask::generate::generate(&specs, out.path(), "standalone-client").unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.contains("2 operations"), "{summary}");
    for file in ["Cargo.toml", "src/lib.rs", "src/generated/mod.rs", "src/generated/runtime/mod.rs"] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
    let manifest = std::fs::read_to_string(out.path().join("Cargo.toml")).unwrap_or_default();
    assert!(manifest.contains("name = \"standalone-client\""));

    // The workspace's lock file pins the same dependency versions, so the
    // check needs no network and reuses the build cache below.
    std::fs::copy(root().join("Cargo.lock"), out.path().join("Cargo.lock")).unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(out.path())
        .env("CARGO_TARGET_DIR", root().join("target").join("standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "cargo check of the generated crate failed");
}

/// Every construct fixture, generated as a crate, compiles without a single
/// warning: one workspace, one `cargo check`.
#[test]
fn every_fixture_crate_compiles_without_warnings() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut members = Vec::new();
    let fixtures = crate::support::fixtures_dir().join("constructs");
    let mut files: Vec<_> = std::fs::read_dir(&fixtures).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let name = format!("fixture-{stem}");
        let config = generator::Config::new(&name).layout(generator::Layout::Member);
        let inputs = [generator::SpecInput { name: format!("{stem}.yaml"), version: None, text }];
        let output = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{stem}: {e}"));
        for (file, contents) in &output.files {
            let target = work.path().join(&stem).join(file);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&target, contents).unwrap_or_else(|e| panic!("{e}"));
        }
        members.push(format!("\"{stem}\""));
    }
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(work.path().join("Cargo.toml"), manifest).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(root().join("Cargo.lock"), work.path().join("Cargo.lock")).unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(env!("CARGO"))
        .args(["check", "--workspace", "--quiet", "--offline"])
        .current_dir(work.path())
        .env("CARGO_TARGET_DIR", root().join("target").join("standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "the fixture crates do not compile cleanly:\n{}", String::from_utf8_lossy(&output.stderr));
}
