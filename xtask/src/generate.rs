//! `cargo xtask generate --spec <file>... --out <dir> [--name <crate>]`: any
//! OpenAPI 3.0 files → a standalone crate.

use std::path::{Path, PathBuf};

use generator::{Config, Layout};

use crate::files;

/// `cargo xtask generate`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An entry file of the spec (repeatable; `--spec a.yaml b.yaml` works too).
    /// Files it references by relative `$ref` are read as well.
    #[arg(long = "spec", value_name = "FILE", required = true, num_args = 1..)]
    pub specs: Vec<PathBuf>,
    /// The crate's folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The crate's name (default: the folder's name).
    #[arg(long, value_name = "CRATE")]
    pub name: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let name = args.name.clone().unwrap_or_else(|| default_name(&args.out));
    let summary = generate(&args.specs, &args.out, &name)?;
    println!("{summary}");
    Ok(())
}

/// Generates the crate `name` from `specs` into `out`.
pub fn generate(specs: &[PathBuf], out: &Path, name: &str) -> anyhow::Result<String> {
    let (inputs, referenced) = crate::references::read_with_references(specs, &display_name)?;
    let command = format!("cargo xtask generate --name {name}");
    let config =
        Config::new(name).layout(Layout::Crate).command(&command).manifest_name("(command line)").referenced_files(referenced);
    let output = generator::generate(&config, &inputs).map_err(|e| anyhow::anyhow!(e.render(&inputs)))?;

    let plan = files::plan(out, &output.files, "src/generated")?;
    files::apply(out, &output.files, &plan)?;
    let mut summary = String::new();
    for warning in &output.model.warnings {
        summary.push_str(&warning.render(&inputs));
    }
    for note in &output.model.notes {
        summary.push_str(&format!("info: {note}\n"));
    }
    summary.push_str(&format!(
        "generate: {} written to {} ({} changed, {} unchanged); {} operations, {} types, {} warnings",
        name,
        out.display(),
        plan.changed.len(),
        plan.unchanged,
        output.model.operations.len(),
        output.model.types.len(),
        output.model.warnings.len()
    ));
    Ok(summary)
}

/// Spec names appear in generated headers: never an absolute path.
fn display_name(path: &Path) -> String {
    if path.is_absolute() {
        path.file_name().map_or_else(|| "spec".to_owned(), |n| n.to_string_lossy().into_owned())
    } else {
        path.to_string_lossy().replace('\\', "/")
    }
}

fn default_name(out: &Path) -> String {
    let base = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let cleaned: String = base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) { cleaned } else { "openapi-client".to_owned() }
}
