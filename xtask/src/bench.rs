//! `cargo xtask bench [<benchmark>] [options]`: the benchmarks, results in
//! BENCHMARKS.md.
//!
//! - `client`: the generated client's per-call overhead against bare reqwest
//!   (criterion, tests/benches/client_overhead.rs).
//! - `generation`, `check`, `build`, `regen`: the generator against progenitor
//!   and the parse floor, in benchmarks/generation/, a crate with a workspace
//!   of its own so that nothing else builds progenitor. It is built in
//!   release, into target/bench-generation/.

use std::process::Command;

/// The benchmarks of benchmarks/generation/, in the order `bench` alone runs them.
const GENERATION: &[&str] = &["generation", "check", "build", "regen"];
const GENERATION_CRATE: &str = "benchmarks/generation/Cargo.toml";
const GENERATION_TARGET: &str = "target/bench-generation";

pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None => all(),
        Some("client") => client(&args[1..]),
        // `cargo xtask bench -- <criterion options>`, as before the others existed.
        Some("--") => client(args),
        Some(name) if GENERATION.contains(&name) => generation(name, &args[1..]),
        Some(other) => Err(format!(
            "unknown benchmark {other:?}: use client, {}, or nothing for all of them (criterion options go after `client --`)",
            GENERATION.join(", ")
        )),
    }
}

/// Every benchmark with its default settings; one that fails does not stop
/// the others.
fn all() -> Result<(), String> {
    let mut failed = Vec::new();
    if let Err(message) = client(&[]) {
        eprintln!("error: bench client: {message}");
        failed.push("client");
    }
    for name in GENERATION {
        if let Err(message) = generation(name, &[]) {
            eprintln!("error: bench {name}: {message}");
            failed.push(name);
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(format!("failed: {}", failed.join(", "))) }
}

/// The criterion benchmark; `args` go to criterion (after an optional `--`).
fn client(args: &[String]) -> Result<(), String> {
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

/// `benchmarks/generation <name> <args>`, built in release with its own lock
/// file (which cargo extends when the generator gains a dependency).
fn generation(name: &str, args: &[String]) -> Result<(), String> {
    let root = crate::workspace_root();
    let status = cargo()
        .args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(root.join(GENERATION_CRATE))
        .env("CARGO_TARGET_DIR", root.join(GENERATION_TARGET))
        .arg("--")
        .arg(name)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo run: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("benchmarks/generation {name} failed ({status})")) }
}

/// cargo, without the variables `cargo run` set for xtask itself.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_MANIFEST_") {
            command.env_remove(name.as_ref());
        }
    }
    command
}
