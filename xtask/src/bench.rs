//! `cargo xtask bench [criterion options]`: the generated client's per-call
//! overhead against bare reqwest (tests/benches/client_overhead.rs; results
//! in BENCHMARKS.md).

use std::process::Command;

/// Runs the benchmark; anything after `bench` goes to criterion
/// (`cargo xtask bench -- --measurement-time 10`, or a name filter).
pub fn run(args: &[String]) -> Result<(), String> {
    let passed = match args {
        [separator, rest @ ..] if separator == "--" => rest,
        _ => args,
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(crate::workspace_root())
        .args(["bench", "-p", "tests", "--bench", "client_overhead", "--"])
        .args(passed)
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo bench failed ({status})")) }
}
