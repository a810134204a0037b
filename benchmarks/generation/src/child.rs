//! One run in a process of its own: its peak memory (VmHWM) is the run's,
//! and a crash (a stack overflow, an abort) cannot take the benchmark down.

use std::process::Command;
use std::thread;
use std::time::Duration;

use crate::pipeline::{self, Tool};
use crate::specs;
use xtask::process;

/// The hidden command: `child <tool> <spec id>`.
pub const COMMAND: &str = "child";
/// A run that takes longer is stopped and reported as failed.
const LIMIT: Duration = Duration::from_secs(600);
/// Every run gets this much stack, in the parent as in the children, so
/// that deep recursion is judged alike everywhere.
pub const STACK: usize = 256 << 20;

/// What one child reported.
#[derive(Debug, Clone)]
pub enum Outcome {
    Ok {
        operations: usize,
        types: usize,
        peak_kib: u64,
        baseline_kib: u64,
        /// Ours only: the peak after each of its stages.
        stage_peaks_kib: Vec<u64>,
    },
    Failed { reason: String },
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok { .. })
    }

    pub fn peak_kib(&self) -> Option<u64> {
        match self {
            Outcome::Ok { peak_kib, .. } => Some(*peak_kib),
            Outcome::Failed { .. } => None,
        }
    }
}

/// Runs `f` on a thread with [`STACK`] bytes of stack.
pub fn with_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .map_err(|e| format!("cannot start a thread: {e}"))?
        .join()
        .map_err(|_| "the measuring thread panicked".to_owned())
}

/// The child's side: one run, then one line on stdout.
pub fn run_child(args: &[String]) -> Result<(), String> {
    let [tool, id] = args else {
        return Err(format!("usage: generation-bench {COMMAND} <tool> <spec>"));
    };
    let tool = Tool::from_name(tool).ok_or_else(|| format!("unknown tool {tool:?}"))?;
    let baseline_kib = peak_memory_kib().unwrap_or(0);
    let id = id.clone();
    let line = with_stack(move || {
        let outcome = (|| {
            let set = specs::load(&id)?;
            let input = match tool {
                Tool::Positional | Tool::Builder => Some(pipeline::progenitor_input(&set)?),
                Tool::Ours | Tool::OursOneThread | Tool::Floor => None,
            };
            let (stage_peaks, produced) = match tool {
                Tool::Ours => pipeline::ours_memory(&set)?,
                _ => (Vec::new(), pipeline::run(tool, &set, input.as_deref())?.1),
            };
            Ok::<_, String>((produced.operations, produced.types, stage_peaks))
        })();
        match outcome {
            Ok((operations, types, stage_peaks)) => {
                let peak = peak_memory_kib().unwrap_or(0);
                let stages: Vec<String> = stage_peaks.iter().map(u64::to_string).collect();
                format!("{COMMAND}\tok\t{operations}\t{types}\t{peak}\t{baseline_kib}\t{}", stages.join(","))
            }
            Err(reason) => format!("{COMMAND}\tfailed\t{}", reason.replace(['\t', '\n'], " ")),
        }
    })?;
    println!("{line}");
    Ok(())
}

/// The parent's side: runs `child <tool> <spec id>` and reads its line.
pub fn measure(tool: Tool, id: &str) -> Result<Outcome, String> {
    let executable = std::env::current_exe().map_err(|e| format!("cannot find the benchmark executable: {e}"))?;
    let process::Finished { status, stdout, stderr } = process::run_at_most(Command::new(&executable).args([COMMAND, tool.name(), id]), LIMIT).map_err(|e| format!("{e:#}"))?;
    let reported = stdout.lines().find_map(parse_line);
    Ok(match (status, reported) {
        (Some(status), Some(outcome)) if status.success() => outcome,
        (Some(status), _) => Outcome::Failed { reason: format!("the process died ({status}): {}", last_line(&stderr)) },
        (None, _) => Outcome::Failed { reason: format!("did not finish within {} s and was stopped", LIMIT.as_secs()) },
    })
}

fn parse_line(line: &str) -> Option<Outcome> {
    let fields: Vec<&str> = line.strip_prefix(COMMAND)?.strip_prefix('\t')?.split('\t').collect();
    match fields.as_slice() {
        ["ok", operations, types, peak, baseline, stages] => Some(Outcome::Ok {
            operations: operations.parse().ok()?,
            types: types.parse().ok()?,
            peak_kib: peak.parse().ok()?,
            baseline_kib: baseline.parse().ok()?,
            stage_peaks_kib: stages.split(',').filter(|s| !s.is_empty()).map(str::parse).collect::<Result<_, _>>().ok()?,
        }),
        ["failed", reason] => Some(Outcome::Failed { reason: (*reason).to_owned() }),
        _ => None,
    }
}

fn last_line(text: &str) -> String {
    text.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("no output").trim().to_owned()
}

pub use xtask::process::peak_memory_kib;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_survive_the_trip_between_processes() {
        let ok = parse_line("child\tok\t3\t4\t2048\t1024\t1100,1500");
        let Some(Outcome::Ok { operations: 3, types: 4, peak_kib: 2048, baseline_kib: 1024, stage_peaks_kib }) = ok else { panic!("{ok:?}") };
        assert_eq!(stage_peaks_kib, [1100, 1500]);
        assert!(matches!(parse_line("child\tok\t3\t4\t2048\t1024\t"), Some(Outcome::Ok { stage_peaks_kib, .. }) if stage_peaks_kib.is_empty()));
        let failed = parse_line("child\tfailed\tprogenitor: invalid version: 3.1.0");
        assert!(matches!(failed, Some(Outcome::Failed { reason }) if reason == "progenitor: invalid version: 3.1.0"));
        assert!(parse_line("something else").is_none());
    }
}
