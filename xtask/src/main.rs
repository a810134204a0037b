//! `cargo xtask …`: the project's commands, thin shells over the generator.
//! The generator computes file contents; only this crate reads and writes disk.

use xtask::{generate, regen};

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask regen [--check]
      Regenerate generated-client/ from specs/ (writes only changed files).
      --check: change nothing; fail with a diff if generated-client/ is stale.
  cargo xtask generate --spec <file>... --out <dir> [--name <crate>]
      Generate a standalone client crate from any OpenAPI 3.0 files.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen::run(&args[1..]),
        Some("generate") => generate::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
