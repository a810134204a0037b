//! `cargo xtask generate --spec <file>... --out <dir> [--name <crate>]`: any
//! OpenAPI 3.0 files → a standalone crate.

use std::path::{Path, PathBuf};

use generator::{Config, Layout, SpecInput};

use crate::files;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut name: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => specs.push(args.next().ok_or("--spec needs a file")?.into()),
            "--out" => out = Some(args.next().ok_or("--out needs a folder")?.into()),
            "--name" => name = Some(args.next().ok_or("--name needs a crate name")?.clone()),
            other if !other.starts_with('-') && !specs.is_empty() && out.is_none() => specs.push(other.into()),
            other => return Err(format!("unexpected argument {other:?}; see `cargo xtask help`")),
        }
    }
    let out = out.ok_or("--out <dir> is required")?;
    if specs.is_empty() {
        return Err("at least one --spec <file> is required".to_owned());
    }
    let name = name.unwrap_or_else(|| default_name(&out));
    let summary = generate(&specs, &out, &name)?;
    println!("{summary}");
    Ok(())
}

/// Generates the crate `name` from `specs` into `out`.
pub fn generate(specs: &[PathBuf], out: &Path, name: &str) -> Result<String, String> {
    let mut inputs = Vec::new();
    for spec in specs {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: cannot read: {e}", spec.display()))?;
        inputs.push(SpecInput { name: display_name(spec), version: None, text });
    }
    let command = format!("cargo xtask generate --name {name}");
    let config = Config::new(name).layout(Layout::Crate).command(&command).manifest_name("(command line)");
    let output = generator::generate(&config, &inputs).map_err(|e| e.render(&inputs))?;

    let plan = files::plan(out, &output.files, "src/generated")?;
    files::apply(out, &output.files, &plan)?;
    let mut summary = String::new();
    for warning in &output.model.warnings {
        summary.push_str(&format!("warning: {warning}\n"));
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
