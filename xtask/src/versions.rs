//! Several versions of one large spec, made at run time from Sequence's
//! 2024-07-30 product spec: for the tests of the versions merge, and for
//! `cargo xtask bench versions`, which measures merging them (time and peak
//! memory, each run in a process of its own) against parsing them.
//!
//! The variants change the spec the way the vendor's versions differ: the
//! version header's value, descriptions, a request parameter, a schema
//! field, and operations that one version has and another has not. The
//! rules are fixed by each operation's and schema's place, so the variants
//! are the same bytes on every run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use generator::{Config, Layout, SpecInput};
use serde_json::{Value, json};

use crate::process;

/// The product spec the variants are made from, in the corpus folder.
pub const PRODUCT_SPEC: &str = "sequence-2024-07-30.product.json";
/// The versions made, oldest first; the last is the product spec's own.
pub const VERSIONS: [&str; 3] = ["2024-01-01", "2024-05-09", "2024-07-30"];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// How the variant of one version differs from the 2024-07-30 spec, by the
/// index `i` of an operation (in the file's order) or `j` of a schema.
fn variant(spec: &Value, version: &str, changes: bool) -> Value {
    let mut spec = spec.clone();
    set_version_header(&mut spec, version);
    if !changes || version == "2024-07-30" {
        if changes {
            // Some operations are gone in the newest version.
            remove_operations(&mut spec, |i| i % 12 == 5);
        }
        return spec;
    }
    let older = version == "2024-01-01";
    let mut index = 0usize;
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for method in METHODS {
                let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
                let i = index;
                index += 1;
                if i % 7 == 3 {
                    operation.insert("description".to_owned(), json!(format!("As of {version}.")));
                }
                let mut added = Vec::new();
                if i % 4 == 1 {
                    added.push("legacyFilter");
                }
                if older && i % 3 == 2 {
                    added.push("legacySort");
                }
                if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
                    for name in added {
                        parameters.push(json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}}));
                    }
                }
            }
        }
    }
    if older {
        // Not yet in the oldest version.
        remove_operations(&mut spec, |i| i % 20 == 19);
        if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
            for (j, schema) in schemas.values_mut().enumerate() {
                if j % 10 == 4
                    && let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut)
                {
                    properties.insert("legacyCode".to_owned(), json!({"type": "string"}));
                }
            }
        }
    }
    spec
}

/// Every header parameter whose only value is `2024-07-30` gets `version`.
fn set_version_header(value: &mut Value, version: &str) {
    match value {
        Value::Object(map) => {
            if map.get("in").and_then(Value::as_str) == Some("header")
                && let Some(Value::Array(values)) = map.get_mut("schema").and_then(|s| s.get_mut("enum"))
                && matches!(values.as_slice(), [Value::String(only)] if only == "2024-07-30")
            {
                *values = vec![json!(version)];
            }
            map.values_mut().for_each(|inner| set_version_header(inner, version));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| set_version_header(item, version)),
        _ => {}
    }
}

/// Removes the operations whose index (in the file's order) `gone` names.
fn remove_operations(spec: &mut Value, gone: impl Fn(usize) -> bool) {
    let mut index = 0usize;
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for method in METHODS {
            if item.contains_key(method) {
                if gone(index) {
                    item.remove(method);
                }
                index += 1;
            }
        }
    }
    paths.retain(|_, item| item.as_object().is_none_or(|item| METHODS.iter().any(|m| item.contains_key(*m))));
}

/// The three versions of the product spec `text`, as regen would name them
/// (`specs/sequence.<version>.json`, labelled with the version). With
/// `changes`, they differ as [`variant`] says; without, only in the
/// version header.
pub fn product_versions(text: &str, changes: bool) -> anyhow::Result<Vec<SpecInput>> {
    let spec: Value = serde_json::from_str(text).context("the product spec is not JSON")?;
    VERSIONS
        .iter()
        .map(|version| {
            let text = serde_json::to_string_pretty(&variant(&spec, version, changes))?;
            Ok(SpecInput { name: format!("specs/sequence.{version}.json"), version: Some((*version).to_owned()), text })
        })
        .collect()
}

/// The configuration the versions are merged with: the newest definitions,
/// the version header a client setting.
pub fn config(name: &str) -> Config {
    Config::new(name).layout(Layout::Member).client_headers(&["Sequence-Version"]).version_prefix("Stable").prefer_newest()
}

/// What a measured run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Step {
    /// Parse the three files into `openapiv3` documents, and keep them: the floor.
    Parse,
    /// The whole generator on the newest file alone.
    One,
    /// The whole generator on the three files: load, merge, lower, emit, render.
    Merge,
}

/// The hidden command's arguments: one step on the files of `dir`.
#[derive(Debug, clap::Args)]
pub struct OneArgs {
    #[arg(value_enum)]
    pub step: Step,
    pub dir: PathBuf,
}

pub const ONE_COMMAND: &str = "versions-one";

/// One measured run, in this process: prints `time-µs peak-KiB operations`.
pub fn run_one(args: &OneArgs) -> anyhow::Result<()> {
    let mut inputs = Vec::new();
    for version in VERSIONS {
        let name = format!("specs/sequence.{version}.json");
        let text = std::fs::read_to_string(args.dir.join(format!("sequence.{version}.json"))).with_context(|| format!("{name}: cannot read"))?;
        inputs.push(SpecInput { name, version: Some(version.to_owned()), text });
    }
    let started = Instant::now();
    let operations = match args.step {
        Step::Parse => {
            let documents = inputs
                .iter()
                .map(|input| serde_json::from_str::<openapiv3::OpenAPI>(&input.text).with_context(|| input.name.clone()))
                .collect::<anyhow::Result<Vec<_>>>()?;
            documents.iter().map(|d| d.operations().count()).sum()
        }
        Step::One => {
            let newest = inputs.split_off(2);
            let output = generator::generate(&config("sequence-versions"), &newest).map_err(|e| anyhow::anyhow!(e.render(&newest)))?;
            output.model.operations.len()
        }
        Step::Merge => {
            let output = generator::generate(&config("sequence-versions"), &inputs).map_err(|e| anyhow::anyhow!(e.render(&inputs)))?;
            output.model.operations.len()
        }
    };
    let time = started.elapsed();
    println!("{} {} {operations}", time.as_micros(), process::peak_memory_kib().unwrap_or(0));
    Ok(())
}

/// `cargo xtask bench versions`: each step `runs` times, each run in a
/// process of its own; prints the median time, the peak memory and the
/// ratios to the parse.
pub fn bench(corpus: &Path, runs: usize) -> anyhow::Result<()> {
    let product = corpus.join(PRODUCT_SPEC);
    let text = std::fs::read_to_string(&product).with_context(|| format!("{}: cannot read", product.display()))?;
    let dir = crate::workspace_root().join("target").join("bench-versions");
    std::fs::create_dir_all(&dir)?;
    for input in product_versions(&text, true)? {
        let file = input.name.trim_start_matches("specs/");
        std::fs::write(dir.join(file), &input.text)?;
    }
    let exe = std::env::current_exe()?;
    let mut rows = Vec::new();
    for name in ["parse", "one", "merge"] {
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        let mut operations = 0;
        for _ in 0..runs.max(1) {
            let mut command = std::process::Command::new(&exe);
            command.args([ONE_COMMAND, name]).arg(&dir);
            let finished = process::run_at_most(&mut command, Duration::from_secs(600))?;
            if !finished.status.is_some_and(|s| s.success()) {
                anyhow::bail!("{name} failed:\n{}", finished.stderr);
            }
            let fields: Vec<u64> = finished.stdout.split_whitespace().filter_map(|f| f.parse().ok()).collect();
            let [micros, peak, ops] = fields.as_slice() else { anyhow::bail!("{name}: unexpected output {:?}", finished.stdout) };
            times.push(*micros);
            peaks.push(*peak);
            operations = *ops;
        }
        times.sort_unstable();
        peaks.sort_unstable();
        let median = |v: &[u64]| v.get(v.len() / 2).copied().unwrap_or(0);
        rows.push((name, median(&times), median(&peaks), operations));
    }
    let sizes: Vec<u64> = VERSIONS.iter().filter_map(|v| std::fs::metadata(dir.join(format!("sequence.{v}.json"))).ok().map(|m| m.len())).collect();
    println!("three versions of {PRODUCT_SPEC}: {} bytes in all; median of {runs} runs, each in a process of its own", sizes.iter().sum::<u64>());
    let (parse_time, parse_peak) = rows.first().map_or((1, 1), |r| (r.1.max(1), r.2.max(1)));
    println!("| step | operations | time | ÷ parse | peak memory | ÷ parse |");
    println!("|---|---|---|---|---|---|");
    for (name, micros, peak, operations) in rows {
        println!(
            "| {name} | {operations} | {:.1} ms | {:.2}× | {:.0} MiB | {:.2}× |",
            micros as f64 / 1000.0,
            micros as f64 / parse_time as f64,
            peak as f64 / 1024.0,
            peak as f64 / parse_peak as f64
        );
    }
    Ok(())
}
