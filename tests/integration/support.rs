//! Paths and spec lookups the tests share.

use std::path::{Path, PathBuf};

use generator::{Config, SpecInput};

pub fn root() -> PathBuf {
    xtask::workspace_root()
}

/// The checked-in client's configuration and its spec files, read the way
/// `cargo xtask regen` reads them.
pub fn vendored() -> (Config, Vec<SpecInput>) {
    match xtask::regen::read_specs(&root()) {
        Ok(specs) => specs,
        Err(e) => panic!("reading specs/ failed: {e}"),
    }
}

/// A vendored spec file parsed as plain JSON values (the way a person reads
/// it), for examples the typed OpenAPI model does not keep.
pub fn spec_value(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("specs").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The value at a JSON pointer, or a panic naming what is missing.
pub fn at<'v>(value: &'v serde_json::Value, pointer: &str) -> &'v serde_json::Value {
    value.pointer(pointer).unwrap_or_else(|| panic!("nothing at {pointer}"))
}

/// The seeds the vendored specs come from.
pub fn seeds_dir() -> PathBuf {
    root().join("..").join("shared").join("seeds")
}

pub fn fixtures_dir() -> PathBuf {
    root().join("tests").join("fixtures")
}

/// The construct fixtures, sorted by name: each file's stem, and the file
/// as a spec input named by its file name.
pub fn construct_fixtures() -> Vec<(String, SpecInput)> {
    let dir = fixtures_dir().join("constructs");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"));
    paths.sort();
    assert!(paths.len() >= 8, "expected the construct fixtures in {}", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
            let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (stem, SpecInput { name, version: None, text })
        })
        .collect()
}

/// The configuration a construct fixture is generated with: the settings
/// of `<stem>.codegen.toml` beside it (the sections of `specs/codegen.toml`
/// that are not about files), else the defaults.
pub fn fixture_config(stem: &str) -> Config {
    let path = fixtures_dir().join("constructs").join(format!("{stem}.codegen.toml"));
    let Ok(settings) = std::fs::read_to_string(&path) else { return Config::new("fixture") };
    let text = format!("[crate]\nname = \"fixture\"\n\n[[spec]]\nfile = \"{stem}.yaml\"\nversion = \"fixture\"\n\n{settings}");
    match generator::Manifest::parse(&path.display().to_string(), &text) {
        Ok(manifest) => manifest.config(&path.display().to_string()),
        Err(e) => panic!("{e}"),
    }
}

/// The generated files but the runtime, which does not depend on the
/// spec, as one text for a snapshot.
pub fn code_snapshot(files: &std::collections::BTreeMap<String, String>) -> String {
    files.iter().filter(|(path, _)| !path.contains("/runtime/")).map(|(path, contents)| format!("==> {path}\n{contents}\n")).collect()
}

/// Every file below `dir`, as (path relative to `dir`, bytes), sorted.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().into_owned();
                out.push((relative, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Copies the files of `from` into `to`, keeping the folder structure.
pub fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in snapshot_tree(from) {
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&target, bytes).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}

/// Every file below `dir`, subfolders included, in no particular order.
pub fn list_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { list_files(&path, out) } else { out.push(path) }
    }
}
