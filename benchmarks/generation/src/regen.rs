//! `regen`: `xtask regen` on specs/ end to end, binary already built, in
//! the dev profile `cargo xtask` uses and in three other builds of the same
//! code, to show what the profile costs.
//!
//! Each binary is built into a target folder of its own under
//! target/bench-generation/ (the dev one is built where `cargo xtask` builds
//! it, then copied aside, so that a rebuild by anyone else cannot swap it
//! during the runs). Only `regen --check` is timed unless `--write` is given:
//! a writing `regen` also compares the API with the one at `HEAD` and keeps
//! generated-client/CHANGELOG.md, which a benchmark should not touch
//! unasked. With `--write` it is timed only when `regen --check` passes,
//! so that it rewrites no generated file. hyperfine does the timing when it
//! is installed; otherwise this does, with the same warm-up and count.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cargo;
use crate::specs;
use crate::stats::{self, Table};

const WARMUP: usize = 3;

struct Timed {
    median: Duration,
    min: Duration,
    max: Duration,
}

/// A build of xtask: its name, and what `cargo build` gets besides
/// `-p xtask` (`None`: the repository's own build in target/debug/).
struct Build {
    name: &'static str,
    folder: &'static str,
    args: Option<&'static [&'static str]>,
}

const BUILDS: &[Build] = &[
    Build { name: "dev (as `cargo xtask` builds it)", folder: "xtask-dev", args: None },
    Build {
        name: "dev, dependencies at opt-level 2",
        folder: "xtask-deps-opt",
        args: Some(&["--config", "profile.dev.package.\"*\".opt-level=2"]),
    },
    Build {
        name: "dev, dependencies and generator at opt-level 2",
        folder: "xtask-all-opt",
        args: Some(&["--config", "profile.dev.package.\"*\".opt-level=2", "--config", "profile.dev.package.generator.opt-level=2"]),
    },
    Build { name: "release", folder: "xtask-release", args: Some(&["--release"]) },
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut runs = 30;
    let mut write = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--runs" => runs = rest.next().ok_or("--runs needs a number")?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--write" => write = true,
            other => return Err(format!("unexpected argument {other:?}\n\n{}", crate::USAGE)),
        }
    }
    let root = specs::repository_root();
    let mut commands = Vec::new();
    let mut names = Vec::new();
    let mut notes = Vec::new();
    for build in BUILDS {
        eprintln!("regen: building xtask: {}", build.name);
        let binary = build_xtask(&root, build)?;
        let shown = binary.display().to_string();
        let mut check = Command::new(&binary);
        cargo::clean_env(&mut check);
        let check = check.args(["regen", "--check"]).current_dir(&root).output().map_err(|e| format!("cannot run {shown}: {e}"))?;
        if !check.status.success() {
            notes.push(format!(
                "{}: `regen --check` fails, so `regen` was not timed: {}",
                build.name,
                String::from_utf8_lossy(&check.stderr).lines().last().unwrap_or_default()
            ));
        } else if write {
            commands.push(format!("{shown} regen"));
            names.push(format!("`xtask regen`, {}", build.name));
        }
        commands.push(format!("{shown} regen --check"));
        names.push(format!("`xtask regen --check`, {}", build.name));
    }
    commands.push("cargo xtask regen --check".to_owned());
    names.push("`cargo xtask regen --check` (cargo checks that xtask is fresh, then runs the dev binary)".to_owned());

    let load_before = stats::load_average();
    let timed = if hyperfine_available() { hyperfine(&root, &commands, runs)? } else { own_loop(&root, &commands, runs)? };
    let load_after = stats::load_average();

    println!(
        "Regeneration of specs/, binary already built; {runs} runs after {WARMUP} warm-up runs each, by {}; load average {load_before} before, {load_after} after.\n",
        if hyperfine_available() { "hyperfine" } else { "this benchmark" }
    );
    let mut table = Table::new(&["command, build", ">median", ">min", ">max"]);
    for (timed, name) in timed.iter().zip(&names) {
        table.row(vec![name.clone(), ms(timed.median), ms(timed.min), ms(timed.max)]);
    }
    print!("{}", table.render());
    for note in notes {
        println!("\n{note}");
    }
    Ok(())
}

/// Builds xtask as `build` says and returns a copy of the binary that no
/// other build will replace.
fn build_xtask(root: &Path, build: &Build) -> Result<PathBuf, String> {
    let own = root.join("target/bench-generation").join(build.folder);
    let built = match build.args {
        None => {
            let finished = cargo::run_plain(root, &["build", "-p", "xtask"])?;
            (finished, root.join("target/debug/xtask"))
        }
        Some(args) => {
            let mut all = vec!["build", "-p", "xtask"];
            all.extend_from_slice(args);
            let profile = if args.contains(&"--release") { "release" } else { "debug" };
            let target = own.join("target");
            (cargo::run_plain_in(root, &target, &all)?, target.join(profile).join("xtask"))
        }
    };
    let (finished, binary) = built;
    if !finished.success {
        return Err(format!("cannot build xtask ({}): {}", build.name, finished.first_error()));
    }
    fs::create_dir_all(&own).map_err(|e| format!("cannot create {}: {e}", own.display()))?;
    let copy = own.join("xtask");
    fs::copy(&binary, &copy).map_err(|e| format!("cannot copy {}: {e}", binary.display()))?;
    Ok(copy)
}

fn ms(time: Duration) -> String {
    format!("{:.1} ms", time.as_secs_f64() * 1000.0)
}

fn hyperfine_available() -> bool {
    Command::new("hyperfine").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn hyperfine(root: &Path, commands: &[String], runs: usize) -> Result<Vec<Timed>, String> {
    let export = root.join("target/bench-generation/regen-hyperfine.json");
    let mut hyperfine = Command::new("hyperfine");
    cargo::clean_env(&mut hyperfine);
    let status = hyperfine
        .current_dir(root)
        .args(["--shell=none", "--style=basic", "--warmup", &WARMUP.to_string(), "--runs", &runs.to_string(), "--export-json"])
        .arg(&export)
        .args(commands)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run hyperfine: {e}"))?;
    if !status.success() {
        return Err(format!("hyperfine failed ({status})"));
    }
    let text = fs::read_to_string(&export).map_err(|e| format!("cannot read {}: {e}", export.display()))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("cannot read hyperfine's results: {e}"))?;
    let results = json.get("results").and_then(Value::as_array).ok_or("hyperfine's results have no `results`")?;
    if results.len() != commands.len() {
        return Err(format!("hyperfine reported {} results for {} commands", results.len(), commands.len()));
    }
    results
        .iter()
        .map(|result| {
            let seconds = |key: &str| result.get(key).and_then(Value::as_f64).map(Duration::from_secs_f64).ok_or(format!("no {key} in hyperfine's results"));
            Ok(Timed {
                median: seconds("median")?,
                min: seconds("min")?,
                max: seconds("max")?,
            })
        })
        .collect()
}

fn own_loop(root: &Path, commands: &[String], runs: usize) -> Result<Vec<Timed>, String> {
    let mut timed = Vec::new();
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let (program, args) = words.split_first().ok_or("an empty command")?;
        let mut times = Vec::new();
        for run in 0..WARMUP + runs {
            let started = Instant::now();
            let mut process = Command::new(program);
            cargo::clean_env(&mut process);
            let status = process
                .args(args)
                .current_dir(root)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run {command}: {e}"))?;
            let time = started.elapsed();
            if !status.success() {
                return Err(format!("{command} failed ({status})"));
            }
            if run >= WARMUP {
                times.push(time);
            }
        }
        let median = stats::median_duration(&times).unwrap_or_default();
        let min = times.iter().min().copied().unwrap_or_default();
        let max = times.iter().max().copied().unwrap_or_default();
        timed.push(Timed { median, min, max });
    }
    Ok(timed)
}
