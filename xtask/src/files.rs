//! Writing generated files. The folder the generator owns (`src/generated/`)
//! is replaced as a whole: the new tree is written and synced beside the old
//! one, then swapped in, so an error or a killed process leaves either the
//! old tree or the new one, never a mix. Files outside that folder (a
//! standalone crate's `Cargo.toml`, `src/lib.rs`) are each replaced whole.
//!
//! The swap, for an owned folder `src/generated`:
//!
//! 1. write every file into `src/.generated.tmp-<pid>` and sync it;
//! 2. rename that to `src/.generated.new-<pid>`: a `.new-` folder is always
//!    complete;
//! 3. exchange it with `src/generated` in one `renameat2(RENAME_EXCHANGE)`
//!    (Linux), so `src/generated` is never missing; where that is not
//!    available, rename the old tree to `src/.generated.old-<pid>` and then
//!    the new one to `src/generated`;
//! 4. remove the old tree.
//!
//! [`recover`] runs before every write and finishes what a killed run left:
//! if `src/generated` is missing (killed between the two renames of the
//! fallback), the complete `.new-` tree, or else the `.old-` one, is renamed
//! into place; every other leftover is removed.
//!
//! Test hook: with `XTASK_PAUSE_BEFORE_SWAP_STEP=<n>` in the environment the
//! process prints `xtask: paused before swap step <n>` to stderr and sleeps
//! there, so a test can kill it at exactly that moment (see
//! `tests/integration/atomic.rs` for the steps). `XTASK_SWAP_WITHOUT_EXCHANGE=1`
//! forces the two-rename fallback.

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// What a comparison of generated files against the disk found.
#[derive(Default)]
pub struct Plan {
    pub changed: Vec<String>,
    pub unchanged: usize,
    /// Files under the owned folder that the generator no longer produces.
    pub stale: Vec<String>,
    /// The folder, relative to the root, that the generator owns.
    pub owned: String,
}

impl Plan {
    /// Whether applying the plan would change anything on disk.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

/// Compares `files` (paths relative to `root`) with the disk; `owned` is the
/// folder, relative to `root`, whose other files are stale.
pub fn plan(root: &Path, files: &BTreeMap<String, String>, owned: &str) -> anyhow::Result<Plan> {
    let mut plan = Plan { owned: owned.trim_end_matches('/').to_owned(), ..Plan::default() };
    for (path, contents) in files {
        match fs::read(root.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => plan.unchanged += 1,
            _ => plan.changed.push(path.clone()),
        }
    }
    let owned_dir = root.join(owned);
    let mut existing = Vec::new();
    list_files(&owned_dir, &mut existing).with_context(|| format!("cannot read {}", owned_dir.display()))?;
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
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() { list_files(&path, out)? } else { out.push(path) }
    }
    Ok(())
}

/// Carries out a plan: the owned folder is rebuilt beside the old one and
/// swapped in whole; other changed files are each written to a temporary
/// file and renamed over the old one. Nothing is touched when nothing changed.
pub fn apply(root: &Path, files: &BTreeMap<String, String>, plan: &Plan) -> anyhow::Result<()> {
    recover(root, &plan.owned)?;
    if plan.is_empty() {
        return Ok(());
    }
    let prefix = format!("{}/", plan.owned);
    let owned_files: BTreeMap<&str, &str> =
        files.iter().filter_map(|(path, contents)| Some((path.strip_prefix(&prefix)?, contents.as_str()))).collect();
    let owned_changed = plan.changed.iter().any(|p| p.starts_with(&prefix)) || !plan.stale.is_empty();
    if owned_changed {
        swap_in(&root.join(&plan.owned), &owned_files)?;
    }
    for path in plan.changed.iter().filter(|p| !p.starts_with(&prefix)) {
        let Some(contents) = files.get(path) else { continue };
        replace_file(&root.join(path), contents)?;
    }
    Ok(())
}

/// One file replaced whole: written and synced beside the old one, renamed over it.
fn replace_file(target: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let temporary = target.with_extension("tmp~");
    write_synced(&temporary, contents)?;
    fs::rename(&temporary, target).with_context(|| format!("cannot replace {}", target.display()))?;
    if let Some(parent) = target.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

/// The sibling folders a swap of `dir` uses, named after this process.
struct Siblings {
    staging: PathBuf,
    complete: PathBuf,
    old: PathBuf,
}

const STAGING: &str = "tmp";
const COMPLETE: &str = "new";
const OLD: &str = "old";

fn sibling(dir: &Path, kind: &str, id: u32) -> anyhow::Result<PathBuf> {
    let parent = dir.parent().with_context(|| format!("{} has no parent folder", dir.display()))?;
    let name = dir.file_name().with_context(|| format!("{} has no name", dir.display()))?.to_string_lossy();
    Ok(parent.join(format!(".{name}.{kind}-{id}")))
}

fn siblings(dir: &Path) -> anyhow::Result<Siblings> {
    let id = std::process::id();
    Ok(Siblings { staging: sibling(dir, STAGING, id)?, complete: sibling(dir, COMPLETE, id)?, old: sibling(dir, OLD, id)? })
}

/// Replaces the folder `dir` with one holding exactly `files` (paths
/// relative to `dir`).
fn swap_in(dir: &Path, files: &BTreeMap<&str, &str>) -> anyhow::Result<()> {
    let parent = dir.parent().with_context(|| format!("{} has no parent folder", dir.display()))?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let Siblings { staging, complete, old } = siblings(dir)?;

    pause_before(1);
    remove_dir(&staging)?;
    let half = files.len() / 2;
    for (index, (path, contents)) in files.iter().enumerate() {
        if index == half {
            pause_before(2);
        }
        let target = staging.join(path);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
        }
        write_synced(&target, contents)?;
    }
    fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    sync_tree_dirs(&staging)?;

    pause_before(3);
    fs::rename(&staging, &complete).with_context(|| format!("cannot rename {}", staging.display()))?;
    sync_dir(parent)?;

    pause_before(4);
    let exchanged = dir.is_dir() && exchange(&complete, dir).is_ok();
    if exchanged {
        // `complete` now holds the old tree.
        sync_dir(parent)?;
        pause_before(5);
        fs::rename(&complete, &old).with_context(|| format!("cannot rename {}", complete.display()))?;
    } else {
        if dir.exists() {
            fs::rename(dir, &old).with_context(|| format!("cannot move {} aside", dir.display()))?;
        }
        pause_before(5);
        fs::rename(&complete, dir).with_context(|| format!("cannot rename {} to {}", complete.display(), dir.display()))?;
    }
    sync_dir(parent)?;

    pause_before(6);
    remove_dir(&old)
}

/// Finishes or undoes a swap of `root/owned` that a killed process left
/// half done. Safe to call at any time; does nothing when nothing was left.
pub fn recover(root: &Path, owned: &str) -> anyhow::Result<()> {
    let dir = root.join(owned.trim_end_matches('/'));
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else { return Ok(()) };
    let name = name.to_string_lossy();
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", parent.display())),
    };
    let mut leftovers: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else { continue };
        for kind in [STAGING, COMPLETE, OLD] {
            if rest.strip_prefix(kind).and_then(|r| r.strip_prefix('-')).is_some_and(|id| id.parse::<u32>().is_ok()) {
                leftovers.push((kind.to_owned(), entry.path()));
            }
        }
    }
    if leftovers.is_empty() {
        return Ok(());
    }
    if !dir.exists() {
        // Killed between the two renames of the fallback: a `.new-` folder is
        // complete by construction; the `.old-` one was complete before.
        let whole = leftovers.iter().find(|(kind, _)| kind == COMPLETE).or_else(|| leftovers.iter().find(|(kind, _)| kind == OLD));
        if let Some((_, path)) = whole {
            fs::rename(path, &dir).with_context(|| format!("cannot restore {} from {}", dir.display(), path.display()))?;
            sync_dir(parent)?;
        }
    }
    for (_, path) in &leftovers {
        remove_dir(path)?;
    }
    Ok(())
}

fn remove_dir(path: &Path) -> anyhow::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(anyhow::anyhow!("cannot remove {}: {e}", path.display())),
        _ => Ok(()),
    }
}

fn write_synced(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all().with_context(|| format!("cannot sync {}", path.display()))
}

/// Makes the entries of a folder durable (a no-op where folders cannot be opened).
fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    match fs::File::open(dir) {
        Ok(handle) => handle.sync_all().or_else(|e| if cfg!(unix) { Err(e) } else { Ok(()) }),
        Err(_) if !cfg!(unix) => Ok(()),
        Err(e) => Err(e),
    }
    .with_context(|| format!("cannot sync {}", dir.display()))
}

fn sync_tree_dirs(dir: &Path) -> anyhow::Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            sync_tree_dirs(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Swaps two folders in one step (Linux `renameat2` with `RENAME_EXCHANGE`,
/// through rustix).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};

    if std::env::var_os("XTASK_SWAP_WITHOUT_EXCHANGE").is_some() {
        return Err(std::io::Error::from(ErrorKind::Unsupported));
    }
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(ErrorKind::Unsupported))
}

/// The test hook described in the module documentation.
fn pause_before(step: u32) {
    let Some(wanted) = std::env::var_os("XTASK_PAUSE_BEFORE_SWAP_STEP") else { return };
    if wanted.to_str().and_then(|s| s.trim().parse::<u32>().ok()) == Some(step) {
        eprintln!("xtask: paused before swap step {step}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
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
