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
