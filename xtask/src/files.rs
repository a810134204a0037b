//! Writing generated files: only what changed, each file replaced whole, and
//! stale files the generator owns removed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What a comparison of generated files against the disk found.
#[derive(Default)]
pub struct Plan {
    pub changed: Vec<String>,
    pub unchanged: usize,
    /// Files under the owned folder that the generator no longer produces.
    pub stale: Vec<String>,
}

/// Compares `files` (paths relative to `root`) with the disk; `owned` is the
/// folder, relative to `root`, whose other files are stale.
pub fn plan(root: &Path, files: &BTreeMap<String, String>, owned: &str) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for (path, contents) in files {
        match fs::read(root.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => plan.unchanged += 1,
            _ => plan.changed.push(path.clone()),
        }
    }
    let owned_dir = root.join(owned);
    let mut existing = Vec::new();
    list_files(&owned_dir, &mut existing).map_err(|e| format!("cannot read {}: {e}", owned_dir.display()))?;
    for file in existing {
        let relative = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if !files.contains_key(&relative) {
            plan.stale.push(relative);
        }
    }
    plan.stale.sort();
    Ok(plan)
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() { list_files(&path, out)? } else { out.push(path) }
    }
    Ok(())
}

/// Carries out a plan: each changed file is written to a temporary file
/// beside it and renamed over the old one, so no file is ever half-written.
pub fn apply(root: &Path, files: &BTreeMap<String, String>, plan: &Plan) -> Result<(), String> {
    for path in &plan.changed {
        let Some(contents) = files.get(path) else { continue };
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let temporary = target.with_extension("tmp~");
        fs::write(&temporary, contents).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        fs::rename(&temporary, &target).map_err(|e| format!("cannot replace {}: {e}", target.display()))?;
    }
    for path in &plan.stale {
        let target = root.join(path);
        fs::remove_file(&target).map_err(|e| format!("cannot remove stale {}: {e}", target.display()))?;
    }
    Ok(())
}

/// A unified diff of what regenerating would change, for `--check`.
pub fn diff(root: &Path, files: &BTreeMap<String, String>, plan: &Plan) -> String {
    let mut out = String::new();
    for path in &plan.changed {
        let old = fs::read_to_string(root.join(path)).unwrap_or_default();
        let new = files.get(path).map(String::as_str).unwrap_or_default();
        let diff = similar::TextDiff::from_lines(old.as_str(), new);
        out.push_str(&diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string());
    }
    for path in &plan.stale {
        out.push_str(&format!("--- a/{path}\n+++ /dev/null\n(stale: the generator no longer produces this file)\n"));
    }
    out
}
