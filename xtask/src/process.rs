//! Work in a child process: its peak memory is its own, and a crash or a
//! hang cannot take the caller down.

use anyhow::Context as _;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// This process's peak resident memory (VmHWM), on Linux.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// What a child process left: its exit status (`None` when it ran past its
/// limit and was stopped), and all it wrote to stdout and stderr.
pub struct Finished {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` with no input, reading both its outputs, for at most
/// `limit`.
pub fn run_at_most(command: &mut Command, limit: Duration) -> anyhow::Result<Finished> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", command.get_program().to_string_lossy()))?;
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let status = wait_at_most(&mut child, limit)?;
    Ok(Finished { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() })
}

/// Reads a child's pipe to its end on a thread of its own, so that a child
/// writing much to both pipes cannot block on a full one.
fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The child's exit status, or `None` when it ran past `limit` and was
/// stopped (by its own process id).
fn wait_at_most(child: &mut Child, limit: Duration) -> anyhow::Result<Option<ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().with_context(|| format!("cannot watch process {}", child.id()))? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            child.kill().with_context(|| format!("cannot stop process {}", child.id()))?;
            child.wait().with_context(|| format!("cannot reap process {}", child.id()))?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(10));
    }
}
