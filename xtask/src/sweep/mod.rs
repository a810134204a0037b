//! `cargo xtask sweep [DIR | --spec FILE...]`: every operation of every spec
//! called through its generated client against Stoplight Prism.
//!
//! For each spec: the client is generated as `corpus` generates it, beside
//! it a harness binary that calls every operation ([`harness`]), and the
//! inputs of each call are computed from the spec ([`inputs`], [`values`]).
//! All crates are one scratch workspace under target/sweep/, built together
//! with one target folder, so the dependencies build once. Then, per spec
//! (or per chunk of a large spec's operations), Prism serves a document
//! prepared for it ([`document`]) in dynamic mode with a fixed seed, the
//! harness calls each operation K times, and each call is classified
//! ([`report`]), a decode failure attributed by validating the body against
//! its schema ([`schema`]).

pub mod document;
pub mod harness;
pub mod inputs;
pub mod report;
pub mod schema;
pub mod values;

use anyhow::Context as _;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::corpus::{self, Spec};
use crate::prism::{self, Prism};
use document::OperationKey;
use report::{Call, Operation, SpecReport};

/// The scratch workspace: per spec, `client/`, `harness/`, the documents
/// Prism serves, the inputs, Prism's logs and `failures.json`.
pub const SWEEP_DIR: &str = "target/sweep";
/// The scratch workspace's target folder.
pub const SWEEP_TARGET_DIR: &str = "target/sweep-target";
/// The generated crates' headers name this command.
const COMMAND: &str = "cargo xtask sweep";
/// Prism's seed for its random answers: the same answers run after run.
const SEED: &str = "1";
/// How long Prism may take to read a document and listen. Each of Stripe's
/// operations reaches some 510 of its 819 component schemas, and Prism did
/// not start on a one-operation chunk of it within minutes; past this limit
/// the chunk's calls fail as "Prism did not start".
const STARTUP_LIMIT: Duration = Duration::from_secs(300);

/// `cargo xtask sweep`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder of specs: each *.json, *.yaml and *.yml, and each
    /// multi/*/openapi.yaml (CI: ../shared/corpus).
    #[arg(value_name = "DIR", required_unless_present = "spec", conflicts_with = "spec")]
    pub dir: Option<PathBuf>,
    /// A spec file (repeat for several).
    #[arg(long = "spec", value_name = "FILE")]
    pub spec: Vec<PathBuf>,
    /// Calls per operation (Prism's random answers vary between them).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub calls: u32,
    /// At most this many operations per Prism: a spec with more is served
    /// in chunks, each with only the components its operations reach.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk: u32,
}

/// A spec made ready: its operations with their inputs (or why they are
/// skipped), and its harness package.
struct Prepared {
    spec: Spec,
    harness: String,
    operations: Vec<Planned>,
    /// The merged spec as Prism reads it.
    document: PathBuf,
}

struct Planned {
    name: String,
    key: OperationKey,
    input: Result<Value, String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = crate::workspace_root();
    let specs = match &args.dir {
        Some(dir) => corpus::list_specs(dir)?,
        None => corpus::name_files(args.spec.clone()),
    };
    if specs.is_empty() {
        return Err(anyhow::anyhow!("no *.json, *.yaml or *.yml files (or multi/*/openapi.yaml) to sweep"));
    }
    let scratch = root.join(SWEEP_DIR);
    fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let executable = prism::install(&root)?;

    let mut reports: Vec<SpecReport> = Vec::new();
    let mut prepared = Vec::new();
    for spec in specs {
        eprintln!("sweep: {}: generating the client and the harness", spec.file_name);
        match prepare(&scratch, spec) {
            Ok(ready) => prepared.push(ready),
            Err((spec, error)) => reports.push(SpecReport::failed(&spec.file_name, format!("{error:#}"))),
        }
    }
    let binaries = build(&root, &scratch, &prepared)?;
    for ready in prepared {
        let report = match binaries.get(&ready.harness) {
            Some(binary) => sweep_spec(&scratch, &executable, binary, &ready, args),
            None => Err(anyhow::anyhow!("the harness of {} did not build (cargo's errors are above)", ready.spec.file_name)),
        };
        reports.push(report.unwrap_or_else(|error| SpecReport::failed(&ready.spec.file_name, format!("{error:#}"))));
    }
    reports.sort_by(|a, b| a.spec.cmp(&b.spec));
    print!("{}", report::table(&reports));
    print!("{}", report::details(&reports));
    let totals = report::Totals::of(&reports);
    eprintln!("sweep: whole run {:.0} s", started.elapsed().as_secs_f64());
    println!("{}", totals.line());
    // Failed operations are results, listed above and in failures.json; the
    // command fails when a spec could not be swept or a call panicked.
    let broken: Vec<&str> = reports.iter().filter(|r| r.error.is_some()).map(|r| r.spec.as_str()).collect();
    let panics: usize = reports.iter().map(|r| r.kinds.get(&report::Kind::Panic).copied().unwrap_or(0)).sum();
    match (broken.as_slice(), panics) {
        ([], 0) => Ok(()),
        ([], panics) => Err(anyhow::anyhow!("{panics} calls panicked; each is in target/sweep/<spec>/failures.json")),
        (broken, _) => Err(anyhow::anyhow!("could not sweep {}", broken.join(", "))),
    }
}

/// Generates the client and the harness of `spec`, computes every
/// operation's inputs and writes the document Prism serves.
fn prepare(scratch: &Path, spec: Spec) -> Result<Prepared, (Spec, anyhow::Error)> {
    match prepare_inner(scratch, &spec) {
        Ok((harness, operations, document)) => Ok(Prepared { spec, harness, operations, document }),
        Err(error) => Err((spec, error)),
    }
}

fn prepare_inner(scratch: &Path, spec: &Spec) -> anyhow::Result<(String, Vec<Planned>, PathBuf)> {
    let folder = scratch.join(&spec.folder);
    let (config, inputs) = corpus::read_spec(&spec.path, &spec.crate_name, COMMAND)?;
    let output = generator::generate(&config, &inputs).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    corpus::write_crate(&folder.join("client"), &output)?;
    let merged = generator::merged_spec(&config, &inputs).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let api = &output.model;

    let harness = format!("sweep-{}", spec.folder);
    let library = spec.crate_name.replace('-', "_");
    let credentials = harness::credentials(api, asks_for_basic(&merged));
    write(&folder.join("harness/Cargo.toml"), &harness::manifest(&harness, &spec.crate_name))?;
    write(&folder.join("harness/src/main.rs"), &harness::main_rs(api, &library, &credentials))?;

    let operations = api
        .operations
        .iter()
        .map(|op| Planned {
            name: op.name.clone(),
            key: OperationKey { path: op.path.clone(), method: op.method.as_str().to_ascii_lowercase() },
            input: inputs::inputs(&merged, op),
        })
        .collect();
    let document = folder.join("prism.json");
    write(&document, &serde_json::to_string(&document::prepare(&merged)?)?)?;
    Ok((harness, operations, document))
}

/// Whether the spec's security schemes ask for HTTP basic credentials.
fn asks_for_basic(spec: &Value) -> bool {
    let schemes = spec.pointer("/components/securitySchemes").and_then(Value::as_object);
    schemes.into_iter().flatten().any(|(_, scheme)| scheme.get("scheme").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("basic")))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Builds the scratch workspace: each harness's executable, by package.
fn build(root: &Path, scratch: &Path, prepared: &[Prepared]) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let mut manifest = String::from("# Written by `cargo xtask sweep`: the clients of the swept specs and their harnesses.\n");
    manifest.push_str("[workspace]\nresolver = \"3\"\nmembers = [\n");
    for ready in prepared {
        manifest.push_str(&format!("    \"{0}/client\",\n    \"{0}/harness\",\n", ready.spec.folder));
    }
    manifest.push_str("]\n\n");
    // No debug info and no incremental state: the largest clients' would
    // take gigabytes of disk, and nobody debugs the harness.
    manifest.push_str("[profile.dev]\ndebug = false\nincremental = false\n");
    write(&scratch.join("Cargo.toml"), &manifest)?;
    let lock = root.join("Cargo.lock");
    if !scratch.join("Cargo.lock").is_file() {
        fs::copy(&lock, scratch.join("Cargo.lock")).with_context(|| format!("cannot copy {} to {}", lock.display(), scratch.display()))?;
    }
    eprintln!("sweep: cargo build --workspace in {SWEEP_DIR} (target folder {SWEEP_TARGET_DIR})");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // As in `corpus`: cargo run's package variables would make this build
    // and one typed in target/sweep/ rebuild the dependencies for each other.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_MANIFEST_") {
            command.env_remove(name.as_ref());
        }
    }
    let mut child = command
        .current_dir(scratch)
        .args(["build", "--workspace", "--keep-going", "--message-format=json-diagnostic-rendered-ansi"])
        .env("CARGO_TARGET_DIR", root.join(SWEEP_TARGET_DIR))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo build")?;
    let mut binaries = BTreeMap::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("cannot read cargo build's output")?;
            let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
            match message.get("reason").and_then(Value::as_str) {
                Some("compiler-artifact") => {
                    let executable = message.get("executable").and_then(Value::as_str);
                    let package = message.pointer("/target/name").and_then(Value::as_str);
                    if let (Some(executable), Some(package)) = (executable, package) {
                        binaries.insert(package.to_owned(), PathBuf::from(executable));
                    }
                }
                Some("compiler-message") if message.pointer("/message/level").and_then(Value::as_str).is_some_and(|l| l.starts_with("error")) => {
                    if let Some(rendered) = message.pointer("/message/rendered").and_then(Value::as_str) {
                        eprint!("{rendered}");
                    }
                }
                _ => {}
            }
        }
    }
    child.wait().context("cannot wait for cargo build")?;
    Ok(binaries)
}

/// Sweeps one spec: Prism on each chunk of its operations in turn, the
/// harness against it.
fn sweep_spec(scratch: &Path, executable: &Path, binary: &Path, ready: &Prepared, args: &Args) -> anyhow::Result<SpecReport> {
    let folder = scratch.join(&ready.spec.folder);
    let text = fs::read_to_string(&ready.document).with_context(|| format!("cannot read {}", ready.document.display()))?;
    let document: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", ready.document.display()))?;
    let mut report = SpecReport::new(&ready.spec.file_name);
    let mut runnable = Vec::new();
    for planned in &ready.operations {
        match &planned.input {
            Ok(input) => runnable.push((planned, input)),
            Err(reason) => report.skip(&planned.name, reason),
        }
    }
    let chunks = plan_chunks(&runnable, args.chunk as usize);
    let whole = chunks.len() <= 1;
    let mut progress = Progress::new(&ready.spec.file_name, runnable.len() * args.calls as usize);
    // Set when Prism did not start on a chunk: the spec's other chunks reach
    // as many components, so they are not tried.
    let mut not_started: Option<String> = None;
    for (index, chunk) in chunks.iter().enumerate() {
        let keys: Vec<OperationKey> = chunk.iter().map(|(planned, _)| planned.key.clone()).collect();
        let mut served = if whole { document.clone() } else { document::chunk(&document, &keys) };
        let queried = keys.iter().any(|key| key.path.contains('?'));
        document::serve_query_keys(&mut served);
        let narrowed = document::too_wide(&served);
        if narrowed {
            document::narrow_unions(&mut served);
            report.narrowed += 1;
        }
        let path = if whole && !queried && !narrowed {
            ready.document.clone()
        } else {
            let path = folder.join(format!("prism-{}.json", index + 1));
            write(&path, &serde_json::to_string(&served)?)?;
            path
        };
        drop(served);
        let mut calls: Vec<Call> = Vec::new();
        let mut pending: Vec<(&Planned, &Value)> = chunk.to_vec();
        let mut start = 0;
        // Prism can crash on a request (an absent array header, for one); it
        // is started again for the operations after the one that crashed it.
        while !pending.is_empty() {
            start += 1;
            let inputs: serde_json::Map<String, Value> = pending.iter().map(|(planned, input)| (planned.name.clone(), (*input).clone())).collect();
            let inputs_path = folder.join(format!("inputs-{}.json", index + 1));
            write(&inputs_path, &serde_json::to_string_pretty(&Value::Object(inputs))?)?;
            let log = folder.join(format!("prism-{}{}.log", index + 1, if start > 1 { format!("-{start}") } else { String::new() }));
            let port = prism::free_port()?;
            let starting = Instant::now();
            if let Some(reason) = &not_started {
                calls.extend(not_made(&pending, args.calls, &format!("Prism did not start on an earlier chunk of this spec: {reason}")));
                progress.skip(pending.len() * args.calls as usize);
                break;
            }
            let mut server = Prism::start(executable, &path, port, &log, &["--errors", "-d", "--seed", SEED])?;
            if let Err(error) = server.wait_until_listening(STARTUP_LIMIT) {
                let reason = format!("{error:#}").lines().next().unwrap_or_default().to_owned();
                calls.extend(not_made(&pending, args.calls, &reason));
                progress.skip(pending.len() * args.calls as usize);
                report.startup.push(starting.elapsed());
                not_started = Some(reason);
                break;
            }
            if start == 1 {
                report.startup.push(starting.elapsed());
            }
            let mut made = run_harness(binary, &server.url(), &inputs_path, args.calls, &mut progress)?;
            if !server.has_exited() {
                server.stop()?;
                calls.append(&mut made);
                break;
            }
            // The first call that could not reach Prism crashed it.
            let Some(crash) = made.iter().position(|call| call.line.get("kind").and_then(Value::as_str) == Some("error")) else {
                calls.append(&mut made);
                break;
            };
            let crashed = made[crash].operation.clone();
            made.truncate(crash + 1);
            if let Some(line) = made.last_mut().and_then(|call| call.line.as_object_mut()) {
                line.insert("kind".to_owned(), Value::String("prism-crash".to_owned()));
                let output = fs::read_to_string(&log).unwrap_or_default();
                let trace: String = output.lines().skip_while(|l| !l.contains("Error")).take(3).collect::<Vec<_>>().join("\n");
                line.insert("error".to_owned(), Value::String(format!("Prism crashed on this request (log {}): {trace}", log.display())));
            }
            // Its other calls were not made: Prism was down.
            let made_for_crashed = made.iter().filter(|call| call.operation == crashed).count();
            if let Some(last) = made.last().cloned() {
                made.extend(std::iter::repeat_n(last, (args.calls as usize).saturating_sub(made_for_crashed)));
            }
            calls.append(&mut made);
            let after = pending.iter().position(|(planned, _)| planned.name == crashed).map_or(pending.len(), |i| i + 1);
            pending.drain(..after);
        }
        for (planned, input) in chunk.iter() {
            let made: Vec<&Call> = calls.iter().filter(|call| call.operation == planned.name).collect();
            let operation = Operation { name: planned.name.clone(), method: planned.key.method.clone(), path: planned.key.path.clone(), input: (*input).clone() };
            report.add(&document, operation, &made, args.calls as usize);
        }
    }
    progress.finish();
    let failures = folder.join("failures.json");
    write(&failures, &format!("{:#}\n", Value::Array(report.failures.clone())))?;
    Ok(report)
}

/// The operations in chunks of at most `size` (at least one), in order,
/// none with two operations served at one path and method: an operation
/// whose path key carries a query string is served at the path alone
/// ([`document::serve_query_keys`]), in a later chunk than the operation of
/// that path.
fn plan_chunks<'a>(runnable: &[(&'a Planned, &'a Value)], size: usize) -> Vec<Vec<(&'a Planned, &'a Value)>> {
    let mut chunks: Vec<Vec<(&Planned, &Value)>> = Vec::new();
    for &(planned, input) in runnable {
        let served = document::query_free_key(&planned.key);
        let fits = |chunk: &&mut Vec<(&Planned, &Value)>| chunk.len() < size.max(1) && !chunk.iter().any(|(other, _)| document::query_free_key(&other.key) == served);
        match chunks.iter_mut().find(fits) {
            Some(chunk) => chunk.push((planned, input)),
            None => chunks.push(vec![(planned, input)]),
        }
    }
    chunks
}

/// The calls of operations Prism was not there for.
fn not_made(pending: &[(&Planned, &Value)], calls: u32, reason: &str) -> Vec<Call> {
    let line = |name: &str| Call { operation: name.to_owned(), line: serde_json::json!({"operation": name, "kind": "prism-start", "error": reason}) };
    pending.iter().flat_map(|(planned, _)| (0..calls).map(|_| line(&planned.name))).collect()
}

/// Runs the harness against `url` and reads the line of each call as it
/// comes, counting it in `progress`.
fn run_harness(binary: &Path, url: &str, inputs: &Path, calls: u32, progress: &mut Progress) -> anyhow::Result<Vec<Call>> {
    let mut child = Command::new(binary)
        .arg(url)
        .arg(inputs)
        .arg(calls.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let mut made = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("cannot read the harness's output")?;
            if let Some(call) = Call::parse(&line) {
                progress.call();
                made.push(call);
            }
        }
    }
    let status = child.wait().context("cannot wait for the harness")?;
    if !status.success() {
        // The calls it did not make count as panics in the report.
        eprintln!("\nsweep: the harness {} exited with {status}", binary.display());
    }
    Ok(made)
}

/// The counter of calls on stderr: rewritten in place on a terminal, a
/// line every tenth of the way otherwise (CI logs).
struct Progress {
    spec: String,
    total: usize,
    done: usize,
    terminal: bool,
}

impl Progress {
    fn new(spec: &str, total: usize) -> Progress {
        Progress { spec: spec.to_owned(), total, done: 0, terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()) }
    }

    fn call(&mut self) {
        self.done += 1;
        let step = (self.total / 10).max(1);
        if self.terminal {
            eprint!("\rsweep: {} {}/{} calls", self.spec, self.done, self.total);
            let _ = std::io::stderr().flush();
        } else if self.done.is_multiple_of(step) || self.done == self.total {
            eprintln!("sweep: {} {}/{} calls", self.spec, self.done, self.total);
        }
    }

    /// Counts calls that were not made.
    fn skip(&mut self, calls: usize) {
        for _ in 0..calls {
            self.call();
        }
    }

    fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}
