//! `cargo xtask …`: the project's commands, thin shells over the generator.
//! The generator computes file contents; only this crate reads and writes disk.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use xtask::{bench, contract, corpus, diff, generate, regen, semver, sweep, versions};

/// The project's commands: regenerate the client, try the generator on any
/// spec, compare APIs, run the benchmarks.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", disable_version_flag = true, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated-client/ from specs/ (writes only changed files).
    Regen(regen::Args),
    /// Generate a standalone client crate from OpenAPI files (entry files;
    /// the files they reference are read too).
    Generate(generate::Args),
    /// Generate a client from every *.json, *.yaml and *.yml in <dir> (and
    /// from each folder of <dir>/multi/, entry openapi.yaml) into
    /// target/corpus/, cargo check them together and print a table; fails if
    /// any spec does not generate or any crate has a rustc error or warning.
    Corpus(corpus::Args),
    /// Run the contract tests against Stoplight Prism serving the merged spec
    /// (needs Node.js and npm; installs Prism under target/contract/).
    Contract,
    /// Call every operation of every spec in <DIR> (or of each --spec FILE)
    /// through its generated client against Stoplight Prism in dynamic mode,
    /// K times each (--calls), and print a table per spec; failures go to
    /// target/sweep/<spec>/failures.json. Ends with the line `sweep: N
    /// operations, P passed, F failed, S skipped`.
    Sweep(sweep::Args),
    /// Report how the API made from specs/ differs from the one specs/ at a
    /// git revision make, each change classified as breaking or compatible
    /// for code using the crate.
    Diff(diff::Args),
    /// Apply scripted spec edits, generate the crate before and after, and
    /// check that cargo-semver-checks agrees with the report (installs it
    /// under target/tools/ when missing).
    Semver(semver::Args),
    /// Benchmarks, results in BENCHMARKS.md; with no name, all of them. All
    /// but client run benchmarks/generation/ (its own workspace, built in
    /// release into target/bench-generation/).
    Bench(bench::Args),
    /// One spec of `corpus`, in a process of its own.
    #[command(name = corpus::ONE_COMMAND, hide = true)]
    CorpusOne(corpus::OneArgs),
    /// One step of `bench versions`, in a process of its own.
    #[command(name = versions::ONE_COMMAND, hide = true)]
    VersionsOne(versions::OneArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help asked for (or no command at all) is not a failure; a wrong
            // argument exits with 1 like any other failure.
            let asked = matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand);
            if asked {
                println!("{}", error.render());
                return ExitCode::SUCCESS;
            }
            let _ = error.print();
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Regen(args) => regen::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Corpus(args) => corpus::run(&args),
        Command::Contract => contract::run(),
        Command::Sweep(args) => sweep::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Semver(args) => semver::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::CorpusOne(args) => corpus::run_one(&args),
        Command::VersionsOne(args) => versions::run_one(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let message = format!("{error:#}");
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
