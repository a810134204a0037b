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

/// Every construct fixture and split-spec fixture, generated as a crate, compiles without a single
/// warning, clippy's included (people lint their workspaces, generated
/// crates and all): one workspace, one `cargo clippy`.
#[test]
fn every_fixture_crate_compiles_without_warnings() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut members = Vec::new();
    for (stem, input) in crate::support::construct_fixtures() {
        let name = format!("fixture-{stem}");
        let config = crate::support::fixture_config(&stem).renamed(&name).layout(generator::Layout::Member);
        let output = generator::generate(&config, &[input]).unwrap_or_else(|e| panic!("{stem}: {e}"));
        write_files(&work.path().join(&stem), &output.files);
        members.push(format!("\"{stem}\""));
    }
    add_split_specs(work.path(), &mut members);
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(work.path().join("Cargo.toml"), manifest).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(root().join("Cargo.lock"), work.path().join("Cargo.lock")).unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--quiet", "--offline"])
        .current_dir(work.path())
        .env("CARGO_TARGET_DIR", root().join("target").join("standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "the fixture crates do not compile cleanly:\n{}", String::from_utf8_lossy(&output.stderr));
}

/// Fixture crates that are run, not only compiled: each
/// `fixtures/crate-tests/<name>.rs` is an integration test of the crate
/// generated from `fixtures/constructs/<name>.yaml` (or, for
/// `versions-<case>.rs`, from the manifest and specs of
/// `fixtures/versions/<case>/`, and for `corpus-<spec>.rs` from the shared
/// corpus's `<spec>.yaml`), which sends requests to a local server
/// (wiremock, or one of the test's own) and decodes what comes back. One workspace,
/// one `cargo test` (which also runs the runtime's own unit tests inside
/// each crate), dependencies pinned by the workspace's lock file.
#[test]
fn fixture_crates_pass_their_own_tests() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fixtures = crate::support::fixtures_dir();
    let mut tests: Vec<_> = std::fs::read_dir(fixtures.join("crate-tests")).into_iter().flatten().flatten().map(|e| e.path()).collect();
    tests.sort();
    assert!(!tests.is_empty(), "expected tests in {}", fixtures.join("crate-tests").display());
    let mut members = Vec::new();
    for test in tests {
        let stem = test.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let corpus_spec = stem.strip_prefix("corpus-").map(|name| root().join("../shared/corpus").join(format!("{name}.yaml")));
        let (config, inputs) = match (stem.strip_prefix("versions-"), corpus_spec) {
            (Some(case), _) => {
                let case = crate::versions::read_case(&fixtures.join("versions").join(case));
                (case.config, case.inputs)
            }
            (None, Some(spec)) => {
                let text = std::fs::read_to_string(&spec)
                    .unwrap_or_else(|e| panic!("{}: {e} (the corpus is expected beside the repository)", spec.display()));
                let name = spec.file_name().and_then(|n| n.to_str()).unwrap_or("spec").to_owned();
                (generator::Config::new("fixture"), vec![generator::SpecInput { name, version: None, text }])
            }
            (None, None) => {
                let spec = fixtures.join("constructs").join(format!("{stem}.yaml"));
                let text = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
                (crate::support::fixture_config(&stem), vec![generator::SpecInput { name: format!("{stem}.yaml"), version: None, text }])
            }
        };
        let config = config.renamed(&format!("fixture-{stem}")).layout(generator::Layout::Member);
        let output = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let crate_dir = work.path().join(&stem);
        for (file, contents) in &output.files {
            let mut contents = contents.clone();
            if file == "Cargo.toml" {
                contents.push_str("\n[dev-dependencies]\n");
                contents.push_str("tokio = { version = \"1\", default-features = false, features = [\"macros\", \"rt\"] }\n");
                contents.push_str("wiremock = \"0.6\"\n");
                contents.push_str("tracing-subscriber = { version = \"0.3\", default-features = false, features = [\"registry\", \"std\"] }\n");
            }
            let target = crate_dir.join(file);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&target, contents).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::create_dir_all(crate_dir.join("tests")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(&test, crate_dir.join("tests").join("behaviour.rs")).unwrap_or_else(|e| panic!("{e}"));
        members.push(format!("\"{stem}\""));
    }
    add_split_specs(work.path(), &mut members);
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(work.path().join("Cargo.toml"), manifest).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(root().join("Cargo.lock"), work.path().join("Cargo.lock")).unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--lib", "--test", "behaviour", "--quiet", "--offline"])
        .current_dir(work.path())
        .env("CARGO_TARGET_DIR", root().join("target").join("standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "the fixture crates' tests failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes generated files below `dir`.
fn write_files(dir: &std::path::Path, files: &std::collections::BTreeMap<String, String>) {
    for (file, contents) in files {
        let target = dir.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&target, contents).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Generates the split specs, the real one of the corpus among them when
/// ../shared is there, as members `multi-<case>` of the workspace in `work`.
fn add_split_specs(work: &std::path::Path, members: &mut Vec<String>) {
    let splits = crate::multi_file::multi_fixtures().into_iter().chain(crate::multi_file::redocly_starter());
    for split in splits {
        let folder = format!("multi-{}", split.case);
        let output = generator::generate(&split.config(&format!("fixture-{folder}")).layout(generator::Layout::Member), &split.inputs)
            .unwrap_or_else(|e| panic!("{}: {}", split.case, e.render(&split.inputs)));
        write_files(&work.join(&folder), &output.files);
        members.push(format!("\"{folder}\""));
    }
}
