//! Work in a child process: its peak memory is its own, and a crash or a
//! hang cannot take the caller down.

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

/// This process's peak resident memory (VmHWM), on Linux.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// Reads a child's pipe to its end on a thread of its own, so that a child
/// writing much to both pipes cannot block on a full one.
pub fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
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
pub fn wait_at_most(child: &mut Child, limit: Duration) -> Result<Option<ExitStatus>, String> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("cannot watch process {}: {e}", child.id()))? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            child.kill().map_err(|e| format!("cannot stop process {}: {e}", child.id()))?;
            child.wait().map_err(|e| format!("cannot reap process {}: {e}", child.id()))?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(10));
    }
}
