//! `cargo xtask …`: the project's commands, thin shells over the generator.
//! The generator computes file contents; only this crate reads and writes disk.

use xtask::{bench, contract, corpus, diff, generate, regen, semver};

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask regen [--check]
      Regenerate generated-client/ from specs/ (writes only changed files).
      --check: change nothing; fail with a diff if generated-client/ is stale.
  cargo xtask generate --spec <file>... --out <dir> [--name <crate>]
      Generate a standalone client crate from any OpenAPI 3.0 files.
  cargo xtask corpus <dir>
      Generate a client from every *.json, *.yaml and *.yml in <dir> into
      target/corpus/, cargo check them together and print a table; fails if
      any spec does not generate or any crate has a rustc error or warning.
  cargo xtask contract
      Run the contract tests against Stoplight Prism serving the merged spec
      (needs Node.js and npm; installs Prism under target/contract/).
  cargo xtask diff [--base <git-rev>] [--format text|markdown|json] [--fail-on-breaking]
      Report how the API made from specs/ differs from the one specs/ at
      <git-rev> (default HEAD) make, each change classified as breaking or
      compatible for code using the crate. --fail-on-breaking: exit non-zero
      when anything breaks.
  cargo xtask semver [--edit <name>]...
      Apply scripted spec edits, generate the crate before and after, and
      check that cargo-semver-checks agrees with the report (installs it
      under target/tools/ when missing).
  cargo xtask bench [-- <criterion options>]
      Benchmark the generated client's per-call overhead against bare reqwest
      (results in BENCHMARKS.md).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen::run(&args[1..]),
        Some("generate") => generate::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("contract") => contract::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("semver") => semver::run(&args[1..]),
        // Hidden: one spec of `corpus`, in a process of its own.
        Some(corpus::ONE_COMMAND) => corpus::run_one(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // A generator error rendered with its source lines
            // (`generator::Error::render`) already starts with `error:` and
            // ends with a newline.
            if message.starts_with("error: ") {
                eprint!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}
