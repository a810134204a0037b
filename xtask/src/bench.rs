//! `cargo xtask bench [<benchmark>] [options]`: the benchmarks, results in
//! BENCHMARKS.md.
//!
//! - `client`: the generated client's per-call overhead against bare reqwest
//!   (criterion, tests/benches/client_overhead.rs).
//! - `generation`, `check`, `build`, `regen`: the generator against progenitor
//!   and the parse floor, in benchmarks/generation/, a crate with a workspace
//!   of its own so that nothing else builds progenitor. It is built in
//!   release, into target/bench-generation/.
//! - `versions`: merging three versions of a large spec, in xtask itself
//!   (`crate::versions`).

use anyhow::Context as _;
use std::process::Command;

/// The benchmarks of benchmarks/generation/, in the order `bench` alone runs them.
const GENERATION: &[&str] = &["generation", "check", "build", "regen"];
const GENERATION_CRATE: &str = "benchmarks/generation/Cargo.toml";
const GENERATION_TARGET: &str = "target/bench-generation";

/// `cargo xtask bench`'s arguments.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub benchmark: Option<Benchmark>,
    /// `bench -- <criterion options>` runs the client benchmark, as before the others existed.
    #[arg(last = true, value_name = "CRITERION OPTIONS")]
    pub criterion: Vec<String>,
}

/// One benchmark. The options of those in benchmarks/generation/ are passed on to it as given.
#[derive(Debug, clap::Subcommand)]
pub enum Benchmark {
    /// The generated client's per-call overhead against bare reqwest.
    Client {
        /// Options for criterion, after `--`.
        #[arg(last = true, value_name = "CRITERION OPTIONS")]
        criterion: Vec<String>,
    },
    /// Time per stage and peak memory of the generator on specs/ and every spec
    /// of the corpus, against parsing the same files into openapiv3 and against
    /// progenitor; plots time against size.
    Generation {
        /// The corpus folder (default ../shared/corpus).
        #[arg(long, value_name = "DIR")]
        corpus: Option<String>,
        #[arg(long, value_name = "N")]
        runs: Option<String>,
        /// Where to write the plot.
        #[arg(long, value_name = "FILE.svg")]
        plot: Option<String>,
        /// Only this spec (repeatable).
        #[arg(long = "spec", value_name = "NAME")]
        specs: Vec<String>,
    },
    /// `cargo check` time and lines of the crates we and progenitor generate
    /// for Sequence, Oxide Nexus, GitHub.
    Check {
        #[arg(long, value_name = "DIR")]
        corpus: Option<String>,
        #[arg(long, value_name = "N")]
        runs: Option<String>,
    },
    /// Cold build of generated-client/, ring and aws-lc-rs.
    Build {
        #[arg(long, value_name = "N")]
        runs: Option<String>,
    },
    /// Merging three versions of Sequence's product spec (made at run time from
    /// the corpus's 2024-07-30 one) against parsing them: time and peak memory.
    Versions {
        /// The corpus folder (default ../shared/corpus).
        #[arg(long, value_name = "DIR")]
        corpus: Option<String>,
        #[arg(long, value_name = "N", default_value_t = 5)]
        runs: usize,
    },
    /// `xtask regen --check` on specs/, binary already built, dev profile and faster builds.
    Regen {
        #[arg(long, value_name = "N")]
        runs: Option<String>,
        /// Also time `regen`.
        #[arg(long)]
        write: bool,
    },
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let Some(benchmark) = &args.benchmark else {
        return if args.criterion.is_empty() { all() } else { client(&args.criterion) };
    };
    let option = |name: &str, value: &Option<String>| value.iter().flat_map(|v| [format!("--{name}"), v.clone()]).collect::<Vec<_>>();
    match benchmark {
        Benchmark::Client { criterion } => client(criterion),
        Benchmark::Generation { corpus, runs, plot, specs } => {
            let mut passed = [option("corpus", corpus), option("runs", runs), option("plot", plot)].concat();
            passed.extend(specs.iter().flat_map(|s| ["--spec".to_owned(), s.clone()]));
            generation("generation", &passed)
        }
        Benchmark::Check { corpus, runs } => generation("check", &[option("corpus", corpus), option("runs", runs)].concat()),
        Benchmark::Build { runs } => generation("build", &option("runs", runs)),
        Benchmark::Versions { corpus, runs } => {
            let corpus = corpus.as_ref().map_or_else(|| crate::workspace_root().join("../shared/corpus"), std::path::PathBuf::from);
            crate::versions::bench(&corpus, *runs)
        }
        Benchmark::Regen { runs, write } => {
            let mut passed = option("runs", runs);
            if *write {
                passed.push("--write".to_owned());
            }
            generation("regen", &passed)
        }
    }
}

/// Every benchmark with its default settings; one that fails does not stop
/// the others.
fn all() -> anyhow::Result<()> {
    let mut failed = Vec::new();
    if let Err(message) = client(&[]) {
        eprintln!("error: bench client: {message:#}");
        failed.push("client");
    }
    for name in GENERATION {
        if let Err(message) = generation(name, &[]) {
            eprintln!("error: bench {name}: {message:#}");
            failed.push(name);
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(anyhow::anyhow!("failed: {}", failed.join(", "))) }
}

/// The criterion benchmark; `args` go to criterion (after an optional `--`).
fn client(args: &[String]) -> anyhow::Result<()> {
    let passed = args;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(crate::workspace_root())
        .args(["bench", "-p", "tests", "--bench", "client_overhead", "--"])
        .args(passed)
        .status()
        .context("cannot run cargo bench")?;
    if status.success() { Ok(()) } else { Err(anyhow::anyhow!("cargo bench failed ({status})")) }
}

/// `benchmarks/generation <name> <args>`, built in release with its own lock
/// file (which cargo extends when the generator gains a dependency).
fn generation(name: &str, args: &[String]) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let status = cargo()
        .args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(root.join(GENERATION_CRATE))
        .env("CARGO_TARGET_DIR", root.join(GENERATION_TARGET))
        .arg("--")
        .arg(name)
        .args(args)
        .status()
        .context("cannot run cargo run")?;
    if status.success() { Ok(()) } else { Err(anyhow::anyhow!("benchmarks/generation {name} failed ({status})")) }
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
