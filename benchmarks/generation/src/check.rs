//! `check`: how long `cargo check` takes on the crate each generator makes
//! from the same spec, with every dependency already built, and how many
//! lines it has.
//!
//! The crates are one scratch workspace under target/bench-generation/check/
//! (the repository's Cargo.lock pins the dependencies ours share with it).
//! Each crate is first checked once untimed, which builds its dependencies;
//! then each round touches every crate's src/lib.rs and checks it alone
//! (`cargo check -p <crate>`, incremental compilation off), in an order that
//! rotates from round to round.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cargo;
use crate::pipeline::{self, Tool};
use crate::specs;
use crate::stats::{self, Table};

const WORKSPACE: &str = "target/bench-generation/check";
const TARGET: &str = "target/bench-generation/check-target";

struct Compiled {
    spec: String,
    tool: Tool,
    name: String,
    dir: PathBuf,
    /// `None` when it did not generate.
    lines: Option<Lines>,
    /// Why it did not generate or compile.
    failure: Option<String>,
    times: Vec<Duration>,
    cpu: Vec<Duration>,
    /// `cargo check -p` with nothing to do: cargo's own part of each time.
    idle: Vec<Duration>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let root = specs::repository_root();
    let mut corpus = root.join("../shared/corpus");
    let mut runs = 3;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--corpus" => corpus = rest.next().ok_or("--corpus needs a folder")?.into(),
            "--runs" => runs = rest.next().ok_or("--runs needs a number")?.parse().map_err(|e| format!("--runs: {e}"))?,
            other => return Err(format!("unexpected argument {other:?}\n\n{}", crate::USAGE)),
        }
    }
    let workspace = root.join(WORKSPACE);
    let target = root.join(TARGET);
    fs::create_dir_all(&workspace).map_err(|e| format!("cannot create {}: {e}", workspace.display()))?;
    let load_before = stats::load_average();

    let mut crates = Vec::new();
    for name in specs::CHECKED {
        let id = corpus.join(name).display().to_string();
        let set = specs::load(&id)?;
        let progenitor_input = pipeline::progenitor_input(&set)?;
        for tool in [Tool::Ours, Tool::Positional, Tool::Builder] {
            let crate_name = specs::crate_name(tool.name(), &set.label);
            let dir = workspace.join(&crate_name);
            let generated = generate_files(tool, &set, &progenitor_input);
            let (lines, failure) = match generated {
                Ok(files) => {
                    cargo::write_crate(&dir, &files)?;
                    (Some(Lines::of(&files)), None)
                }
                Err(reason) => {
                    cargo::remove(&dir)?;
                    (None, Some(format!("did not generate: {reason}")))
                }
            };
            eprintln!("check: {crate_name}: {}", failure.as_deref().unwrap_or("generated"));
            crates.push(Compiled { spec: set.label.clone(), tool, name: crate_name, dir, lines, failure, times: Vec::new(), cpu: Vec::new(), idle: Vec::new() });
        }
    }
    write_workspace(&root, &workspace, &crates)?;

    for krate in crates.iter_mut().filter(|c| c.failure.is_none()) {
        eprintln!("check: building the dependencies of {}", krate.name);
        let finished = cargo::run(&workspace, &target, &["check", "-p", &krate.name])?;
        if !finished.success {
            krate.failure = Some(format!("does not compile: {}", finished.first_error()));
        }
    }
    for round in 0..runs {
        let ready: Vec<usize> = (0..crates.len()).filter(|i| crates[*i].failure.is_none()).collect();
        for offset in 0..ready.len() {
            let krate = &mut crates[ready[(round + offset) % ready.len()]];
            let idle = cargo::run(&workspace, &target, &["check", "-p", &krate.name])?;
            krate.idle.push(idle.time);
            cargo::touch(&krate.dir.join("src/lib.rs"))?;
            let finished = cargo::run(&workspace, &target, &["check", "-p", &krate.name])?;
            if finished.success {
                krate.times.push(finished.time);
                krate.cpu.push(finished.cpu);
            } else {
                krate.failure = Some(format!("does not compile: {}", finished.first_error()));
            }
            eprintln!("check: round {} of {runs}: {} {}", round + 1, krate.name, stats::time(finished.time));
        }
    }
    let load_after = stats::load_average();

    println!(
        "cargo check of the generated crates, dependencies built, incremental off; {runs} rounds; load average {load_before} before, {load_after} after.\n"
    );
    print!("{}", report(&crates));
    Ok(())
}

/// The files `tool` generates from `set`.
fn generate_files(tool: Tool, set: &specs::SpecSet, progenitor_input: &str) -> Result<BTreeMap<String, String>, String> {
    pipeline::run(tool, set, Some(progenitor_input)).map(|(_, produced)| produced.files)
}

fn write_workspace(root: &Path, workspace: &Path, crates: &[Compiled]) -> Result<(), String> {
    let mut manifest = String::from("# Written by `cargo xtask bench check`.\n[workspace]\nresolver = \"3\"\nmembers = [\n");
    for krate in crates.iter().filter(|c| c.failure.is_none()) {
        manifest.push_str(&format!("    \"{}\",\n", krate.name));
    }
    manifest.push_str("]\n");
    let path = workspace.join("Cargo.toml");
    fs::write(&path, manifest).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // The repository's lock pins what our crates share with it; cargo adds
    // progenitor's dependencies the first time, and keeps them after.
    let lock = workspace.join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| format!("cannot copy Cargo.lock to {}: {e}", workspace.display()))?;
    }
    Ok(())
}

/// Line counts of a crate's Rust files.
#[derive(Default, Clone, Copy)]
struct Lines {
    all: usize,
    /// Without blank lines and comments (doc comments included).
    code: usize,
    /// Of `code`, in the hand-written runtime that ours copies into the crate.
    runtime: usize,
}

impl Lines {
    fn of(files: &BTreeMap<String, String>) -> Lines {
        let mut lines = Lines::default();
        for (path, text) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
            let code = text.lines().filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with("//")).count();
            lines.all += text.lines().count();
            lines.code += code;
            if path.contains("/runtime/") {
                lines.runtime += code;
            }
        }
        lines
    }
}

fn report(crates: &[Compiled]) -> String {
    let mut table = Table::new(&[
        "spec",
        "generator",
        ">lines",
        ">code lines",
        ">of which runtime",
        ">cargo check",
        ">ours ÷ it",
        ">CPU time",
        ">ours ÷ it (CPU)",
        ">cargo alone",
    ]);
    let mut failures = String::new();
    for krate in crates {
        let ours = crates.iter().find(|c| c.spec == krate.spec && c.tool == Tool::Ours).filter(|ours| ours.tool != krate.tool);
        let seconds = |t: Option<Duration>| t.map_or_else(|| "–".to_owned(), |t| format!("{:.1} s", t.as_secs_f64()));
        let lines = |pick: fn(&Lines) -> usize| krate.lines.as_ref().map_or_else(|| "–".to_owned(), |lines| count(pick(lines)));
        table.row(vec![
            krate.spec.clone(),
            krate.tool.name().to_owned(),
            lines(|l| l.all),
            lines(|l| l.code),
            if krate.tool == Tool::Ours { lines(|l| l.runtime) } else { "–".to_owned() },
            seconds(stats::median_duration(&krate.times)),
            ours.and_then(|ours| paired(&ours.times, &krate.times)).map_or_else(|| "–".to_owned(), stats::ratio),
            seconds(stats::median_duration(&krate.cpu)),
            ours.and_then(|ours| paired(&ours.cpu, &krate.cpu)).map_or_else(|| "–".to_owned(), stats::ratio),
            stats::median_duration(&krate.idle).map_or_else(|| "–".to_owned(), |t| format!("{:.2} s", t.as_secs_f64())),
        ]);
        if let Some(failure) = &krate.failure {
            failures.push_str(&format!("- {} ({}): {failure}\n", krate.spec, krate.tool.name()));
        }
    }
    let mut out = table.render();
    if !failures.is_empty() {
        out.push_str("\nFailures:\n\n");
        out.push_str(&failures);
    }
    out
}

/// The median over rounds of ours ÷ theirs within each round.
fn paired(ours: &[Duration], theirs: &[Duration]) -> Option<f64> {
    let ratios: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64()).collect();
    stats::median(&ratios)
}

/// `12,345`.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn comments_and_blank_lines_are_not_code() {
        let mut files = BTreeMap::new();
        files.insert("src/lib.rs".to_owned(), "//! crate\n\n/// doc\nfn f() {}\n".to_owned());
        files.insert("src/generated/runtime/mod.rs".to_owned(), "fn g() {}\n".to_owned());
        files.insert("Cargo.toml".to_owned(), "[package]\n".to_owned());
        let lines = Lines::of(&files);
        assert_eq!((lines.all, lines.code, lines.runtime), (5, 2, 1));
    }
}
