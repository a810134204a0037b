//! `build`: a cold `cargo build` of the checked-in client, dependencies
//! included, from an empty target folder, with each TLS crypto provider the
//! crate offers: ring (its default feature) and aws-lc-rs.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::cargo;
use crate::specs;
use crate::stats::{self, Table};

/// How many of the slowest compilation units the report names.
const SLOWEST: usize = 6;

struct Variant {
    name: &'static str,
    /// What `cargo build -p sequence-invoices` gets besides.
    features: &'static [&'static str],
    target: PathBuf,
    times: Vec<Duration>,
    cpu: Vec<Duration>,
    units: usize,
    slowest: Vec<(String, f64)>,
    failure: Option<String>,
}

impl Variant {
    fn new(name: &'static str, features: &'static [&'static str], target: PathBuf) -> Variant {
        Variant { name, features, target, times: Vec::new(), cpu: Vec::new(), units: 0, slowest: Vec::new(), failure: None }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => 1,
        [flag, n] if flag == "--runs" => n.parse().map_err(|e| format!("--runs: {e}"))?,
        _ => return Err(format!("unexpected arguments {args:?}\n\n{}", crate::USAGE)),
    };
    let root = specs::repository_root();
    let scratch = root.join("target/bench-generation");
    let mut variants = vec![
        Variant::new("ring (the default feature)", &[], scratch.join("cold-ring")),
        Variant::new("aws-lc-rs (`--no-default-features --features aws-lc-rs`)", &["--no-default-features", "--features", "aws-lc-rs"], scratch.join("cold-aws-lc-rs")),
    ];
    let load_before = stats::load_average();
    for round in 0..runs {
        for offset in 0..variants.len() {
            let count = variants.len();
            let variant = &mut variants[(round + offset) % count];
            if variant.failure.is_some() {
                continue;
            }
            cargo::remove(&variant.target)?;
            // --locked: the repository's Cargo.lock must not change.
            let mut args = vec!["build", "-p", "sequence-invoices", "--locked", "--timings"];
            args.extend_from_slice(variant.features);
            eprintln!("build: round {} of {runs}: {} (cold)", round + 1, variant.name);
            let finished = cargo::run(&root, &variant.target, &args)?;
            if !finished.success {
                variant.failure = Some(finished.first_error());
                continue;
            }
            variant.times.push(finished.time);
            variant.cpu.push(finished.cpu);
            variant.units = finished.stderr.lines().filter(|line| line.trim_start().starts_with("Compiling")).count();
            variant.slowest = slowest_units(&variant.target).unwrap_or_default();
        }
    }
    let load_after = stats::load_average();

    println!(
        "Cold `cargo build -p sequence-invoices` (dev profile, empty target folder); {runs} {}; load average {load_before} before, {load_after} after.\n",
        if runs == 1 { "run" } else { "runs" }
    );
    let mut table = Table::new(&["TLS crypto provider", ">cold build", ">CPU time", ">crates compiled", "slowest units (s)"]);
    for variant in &variants {
        let slowest: Vec<String> = variant.slowest.iter().map(|(name, seconds)| format!("{name} {seconds:.1}")).collect();
        let seconds = |times: &[Duration]| stats::median_duration(times).map_or_else(|| "–".to_owned(), |t| format!("{:.1} s", t.as_secs_f64()));
        table.row(vec![
            variant.name.to_owned(),
            seconds(&variant.times),
            seconds(&variant.cpu),
            if variant.times.is_empty() { "–".to_owned() } else { variant.units.to_string() },
            slowest.join(", "),
        ]);
    }
    print!("{}", table.render());
    for variant in &variants {
        if let Some(failure) = &variant.failure {
            println!("\n{} failed: {failure}", variant.name);
        }
    }
    Ok(())
}

/// The slowest units of the last build, from the data in cargo's
/// `--timings` report (`const UNIT_DATA = [...]`).
fn slowest_units(target: &Path) -> Option<Vec<(String, f64)>> {
    let html = fs::read_to_string(target.join("cargo-timings/cargo-timing.html")).ok()?;
    let start = html.find("const UNIT_DATA = ")? + "const UNIT_DATA = ".len();
    let end = start + html[start..].find("];")? + 1;
    let units: Value = serde_json::from_str(&html[start..end]).ok()?;
    let mut slowest: Vec<(String, f64)> = units
        .as_array()?
        .iter()
        .filter_map(|unit| {
            let name = unit.get("name")?.as_str()?;
            let target = unit.get("target").and_then(Value::as_str).unwrap_or_default();
            let duration = unit.get("duration")?.as_f64()?;
            Some((format!("{name}{target}"), duration))
        })
        .collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    slowest.truncate(SLOWEST);
    Some(slowest)
}
