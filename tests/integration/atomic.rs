//! `cargo xtask regen` swaps `src/generated/` in whole: a process killed at
//! any moment leaves the old tree or the new one, byte for byte, and the next
//! run finishes the job.
//!
//! The regen runs in a child process (this test binary re-run on the ignored
//! `atomic::regen_child`, which calls the same `xtask::regen::regen` as
//! `cargo xtask regen`) that is killed with SIGKILL, either at a named step
//! of the swap (the `XTASK_PAUSE_BEFORE_SWAP_STEP` hook of
//! `xtask/src/files.rs`) or after a growing delay.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::support::{copy_tree, root, snapshot_tree};

const ROOT_VARIABLE: &str = "ATOMIC_REGEN_ROOT";

type Tree = Vec<(String, Vec<u8>)>;

/// Run only as the child of the tests below: regenerates the copy named by
/// `ATOMIC_REGEN_ROOT`.
#[test]
#[ignore = "the child process of the kill tests; does nothing on its own"]
fn regen_child() {
    let Some(work) = std::env::var_os(ROOT_VARIABLE) else { return };
    match xtask::regen::regen(Path::new(&work), xtask::regen::Mode::Write) {
        Ok(summary) => println!("{summary}"),
        Err(e) => panic!("{e}"),
    }
}

/// A copy of specs/ and generated-client/ whose specs were changed so that
/// several generated files differ, with the trees before and after.
struct Scenario {
    work: tempfile::TempDir,
    old: Tree,
    new: Tree,
}

impl Scenario {
    fn new() -> Scenario {
        let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        copy_tree(&root().join("specs"), &work.path().join("specs"));
        copy_tree(&root().join("generated-client"), &work.path().join("generated-client"));
        let old = snapshot_tree(&generated(work.path()));
        // A field description (types.rs) and an operation summary (api.rs and
        // the operation's module) change.
        let spec = work.path().join("specs").join("invoices.2024-07-30.update-line-item.yaml");
        let text = std::fs::read_to_string(&spec).unwrap_or_default();
        let changed = text.replace("Price per Item", "Unit price").replace("summary: Update a line item", "summary: Replace a line item");
        assert_ne!(text, changed);
        std::fs::write(&spec, changed).unwrap_or_else(|e| panic!("{e}"));

        let (config, inputs) = xtask::regen::read_specs(work.path()).unwrap_or_else(|e| panic!("{e}"));
        let output = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
        let mut new: Tree = output
            .files
            .iter()
            .filter_map(|(path, text)| Some((path.strip_prefix("src/generated/")?.to_owned(), text.clone().into_bytes())))
            .collect();
        new.sort();
        let differing = new.iter().filter(|file| !old.contains(file)).count();
        assert!(differing >= 3, "the spec change should touch several files, not {differing}");
        Scenario { work, old, new }
    }

    fn generated(&self) -> PathBuf {
        generated(self.work.path())
    }

    /// Which tree `src/generated/` holds now: "old", "new", or a panic.
    fn state(&self, context: &str) -> &'static str {
        let now = snapshot_tree(&self.generated());
        if now == self.old {
            "old"
        } else if now == self.new {
            "new"
        } else {
            let old: BTreeMap<_, _> = self.old.iter().cloned().collect();
            let new: BTreeMap<_, _> = self.new.iter().cloned().collect();
            let mixed: Vec<&String> = now.iter().filter(|(p, b)| old.get(p) != Some(b) && new.get(p) != Some(b)).map(|(p, _)| p).collect();
            panic!("{context}: src/generated/ is neither the old nor the new tree ({} files; foreign: {mixed:?})", now.len());
        }
    }

    /// After any kill, a normal run ends with the new tree and no leftovers.
    fn finish(&self, context: &str) {
        let summary = xtask::regen::regen(self.work.path(), xtask::regen::Mode::Write).unwrap_or_else(|e| panic!("{context}: {e}"));
        assert!(summary.contains("unchanged"), "{context}: {summary}");
        assert_eq!(self.state(context), "new", "{context}: the run after the kill");
        let src = self.work.path().join("generated-client").join("src");
        let leftovers: Vec<String> = std::fs::read_dir(&src)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".generated"))
            .collect();
        assert!(leftovers.is_empty(), "{context}: leftovers in src/: {leftovers:?}");
        let check = xtask::regen::regen(self.work.path(), xtask::regen::Mode::Check).unwrap_or_else(|e| panic!("{context}: {e}"));
        assert!(check.contains("up to date"), "{context}: {check}");
    }

    fn spawn(&self, pause_step: Option<u32>, without_exchange: bool) -> Child {
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
        let mut command = Command::new(exe);
        command
            .args(["atomic::regen_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(ROOT_VARIABLE, self.work.path())
            .env_remove("XTASK_PAUSE_BEFORE_SWAP_STEP")
            .env_remove("XTASK_SWAP_WITHOUT_EXCHANGE")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(step) = pause_step {
            command.env("XTASK_PAUSE_BEFORE_SWAP_STEP", step.to_string());
        }
        if without_exchange {
            command.env("XTASK_SWAP_WITHOUT_EXCHANGE", "1");
        }
        command.spawn().unwrap_or_else(|e| panic!("cannot start the child regen: {e}"))
    }
}

fn generated(work: &Path) -> PathBuf {
    work.join("generated-client").join("src").join("generated")
}

/// Runs a child regen that pauses before `step`, kills it there, and returns
/// the state it left (None: `src/generated/` missing).
fn kill_at_step(scenario: &Scenario, step: u32, without_exchange: bool) -> Option<&'static str> {
    let mut child = scenario.spawn(Some(step), without_exchange);
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let wanted = format!("xtask: paused before swap step {step}");
    let mut seen = Vec::new();
    let paused = BufReader::new(stderr).lines().map_while(Result::ok).any(|line| {
        seen.push(line.clone());
        line.contains(&wanted)
    });
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(paused, "step {step}: the child never paused ({status}); its stderr:\n{}", seen.join("\n"));
    assert!(!status.success(), "step {step}: the child was not killed");
    scenario.generated().exists().then(|| scenario.state(&format!("killed before step {step}")))
}

#[test]
fn a_regen_killed_at_any_step_of_the_swap_leaves_one_whole_tree() {
    // Steps: 1 staging starts, 2 staging half written, 3 staging complete,
    // 4 before the exchange, 5 after it, 6 before the old tree is removed.
    let expected = [(1, "old"), (2, "old"), (3, "old"), (4, "old"), (5, "new"), (6, "new")];
    for (step, tree) in expected {
        let scenario = Scenario::new();
        assert_eq!(kill_at_step(&scenario, step, false), Some(tree), "killed before step {step}");
        scenario.finish(&format!("after a kill before step {step}"));
    }
}

#[test]
fn the_two_rename_fallback_is_recovered_by_the_next_run() {
    // Without an atomic exchange there is one moment (step 5: the old tree
    // moved aside, the new one not yet in place) with no src/generated/;
    // the next run puts the complete new tree there.
    let expected = [(1, Some("old")), (2, Some("old")), (3, Some("old")), (4, Some("old")), (5, None), (6, Some("new"))];
    for (step, tree) in expected {
        let scenario = Scenario::new();
        assert_eq!(kill_at_step(&scenario, step, true), tree, "killed before step {step} (fallback)");
        scenario.finish(&format!("after a kill before step {step} (fallback)"));
    }
}

#[test]
fn a_regen_killed_after_growing_delays_leaves_one_whole_tree() {
    // How long a whole run takes, process start included.
    let scenario = Scenario::new();
    let started = Instant::now();
    let status = scenario.spawn(None, false).wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let full = started.elapsed();
    assert_eq!(scenario.state("an uninterrupted child run"), "new");

    let mut seen = Vec::new();
    for tenth in 1..=12u32 {
        let scenario = Scenario::new();
        let mut child = scenario.spawn(None, false);
        std::thread::sleep(full * tenth / 10);
        let _ = child.kill();
        let _ = child.wait();
        let context = format!("killed after {tenth}/10 of a run");
        seen.push(scenario.state(&context));
        scenario.finish(&context);
    }
    assert!(seen.contains(&"old"), "no kill landed before the swap: {seen:?}");
}
