//! Running cargo on scratch workspaces, timed, with an environment that is
//! the same whoever started the benchmark.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a cargo command did.
pub struct Finished {
    pub time: Duration,
    /// CPU time (user and system) of cargo and everything it ran.
    pub cpu: Duration,
    pub success: bool,
    pub stderr: String,
}

impl Finished {
    /// The first error cargo or rustc printed, for the report.
    pub fn first_error(&self) -> String {
        self.stderr
            .lines()
            .find(|line| line.starts_with("error"))
            .or_else(|| self.stderr.lines().rev().find(|line| !line.trim().is_empty()))
            .unwrap_or("no output")
            .trim()
            .to_owned()
    }
}

/// `cargo <args>` in `dir` with `target_dir`, timed from start to exit.
/// `CARGO_INCREMENTAL=0`: a check or build of generated code is measured
/// from scratch, not replayed from the incremental cache.
pub fn run(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Finished, String> {
    let mut command = cargo();
    command.env("CARGO_TARGET_DIR", target_dir).env("CARGO_INCREMENTAL", "0");
    finish(command.current_dir(dir).args(args), args)
}

/// `cargo <args>` in `dir` as someone typing it there would run it (the
/// repository's own target folder and settings).
pub fn run_plain(dir: &Path, args: &[&str]) -> Result<Finished, String> {
    finish(cargo().current_dir(dir).args(args), args)
}

/// Like [`run_plain`], with a target folder of its own.
pub fn run_plain_in(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Finished, String> {
    finish(cargo().env("CARGO_TARGET_DIR", target_dir).current_dir(dir).args(args), args)
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    clean_env(&mut command);
    command.env("CARGO_TERM_COLOR", "never");
    command
}

fn finish(command: &mut Command, args: &[&str]) -> Result<Finished, String> {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let cpu_before = children_cpu();
    let started = Instant::now();
    let output = command.output().map_err(|e| format!("cannot run cargo {}: {e}", args.join(" ")))?;
    let time = started.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    Ok(Finished { time, cpu, success: output.status.success(), stderr: String::from_utf8_lossy(&output.stderr).into_owned() })
}

/// The CPU time of this process's finished children (and theirs), from
/// `cutime` and `cstime` in /proc/self/stat; less disturbed than wall time
/// by other work on the machine. Zero where that file does not exist.
fn children_cpu() -> Duration {
    // Linux reports these in USER_HZ, 100 per second on every architecture.
    const TICKS_PER_SECOND: u64 = 100;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 16 and 17 of proc(5); `rest` starts at field 3.
    let ticks: u64 = [13, 14].iter().filter_map(|i| fields.get(*i)?.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// Removes what `cargo run` handed this benchmark about its own package and
/// target folder. Passed on, they would send a `cargo xtask` to this
/// benchmark's target folder, and make build scripts that track them
/// (ring's) rebuild whenever they differ.
pub fn clean_env(command: &mut Command) {
    let inherited = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_", "CARGO_TARGET_DIR"];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if inherited.iter().any(|prefix| name.starts_with(prefix)) {
            command.env_remove(name.as_ref());
        }
    }
}

/// Writes `files` (paths relative to `dir`) into a fresh `dir`.
pub fn write_crate(dir: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    for (path, contents) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Marks `path` as changed now, so that cargo compiles its crate again.
pub fn touch(path: &Path) -> Result<(), String> {
    let file = fs::File::options().append(true).open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now()).map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Removes `dir` if it exists.
pub fn remove(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}
