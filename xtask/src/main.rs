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
  cargo xtask semver --history <dir>
      Replay the spec files of <dir>, in name order, as successive versions
      of one spec (each named with the record the one before left); print a
      row per update: the report's verdict and counts, the changed files and
      lines, and cargo-semver-checks' verdict beside it.
  cargo xtask bench [client|generation|check|build|regen] [options]
      Benchmarks, results in BENCHMARKS.md; with no name, all of them.
      client [-- <criterion options>]: the generated client's per-call
        overhead against bare reqwest (`bench -- <options>` also runs it).
      generation [--corpus <dir>] [--runs <n>] [--plot <file.svg>] [--spec <name>]...:
        time per stage and peak memory of the generator on specs/ and every
        spec of <dir> (default ../shared/corpus), against parsing the same
        files into openapiv3 and against progenitor; plots time against size.
      check [--corpus <dir>] [--runs <n>]: `cargo check` time and lines of the
        crates we and progenitor generate for Sequence, Oxide Nexus, GitHub.
      build [--runs <n>]: cold build of generated-client/, ring and aws-lc-rs.
      regen [--runs <n>] [--write]: `xtask regen --check` on specs/, binary
        already built, dev profile and faster builds (--write: also `regen`).
      All but client run benchmarks/generation/ (its own workspace, built in
      release into target/bench-generation/).";

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
