//! `cargo xtask regen [--check]`: specs/ → generated-client/.

use std::path::Path;
use std::time::Instant;

use generator::{Layout, Manifest, SpecInput};

use crate::files;

pub const MANIFEST: &str = "specs/codegen.toml";
pub const CLIENT_DIR: &str = "generated-client";
const OWNED: &str = "src/generated";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => return Err("usage: cargo xtask regen [--check]".to_owned()),
    };
    let summary = regen(&crate::workspace_root(), mode)?;
    println!("{summary}");
    Ok(())
}

/// Regenerates (or checks) the client under `root`. Nothing is written
/// unless the whole generation succeeded.
pub fn regen(root: &Path, mode: Mode) -> Result<String, String> {
    let started = Instant::now();
    let (config, inputs) = read_specs(root)?;
    let output = generator::generate(&config, &inputs).map_err(|e| e.render(&inputs))?;

    let client_root = root.join(CLIENT_DIR);
    if mode == Mode::Write {
        // A run killed mid-swap left its siblings of src/generated/ behind.
        files::recover(&client_root, OWNED)?;
    }
    let plan = files::plan(&client_root, &output.files, OWNED)?;
    let differing = plan.changed.len() + plan.stale.len();
    if mode == Mode::Check {
        if differing == 0 {
            return Ok(format!("generated-client/ is up to date with specs/ ({} files)", plan.unchanged));
        }
        return Err(format!(
            "{}generated-client/ differs from what specs/ produce ({differing} files); run `cargo xtask regen` and commit the result",
            files::diff(&client_root, &output.files, &plan)
        ));
    }
    files::apply(&client_root, &output.files, &plan)?;
    let mut summary = String::new();
    for warning in &output.model.warnings {
        summary.push_str(&format!("note: {warning}\n"));
    }
    summary.push_str(&format!(
        "regen: {} changed, {} unchanged, {} removed; {} operations, {} types; {} ms",
        plan.changed.len(),
        plan.unchanged,
        plan.stale.len(),
        output.model.operations.len(),
        output.model.types.len(),
        started.elapsed().as_millis()
    ));
    Ok(summary)
}

/// Reads the manifest and the spec files it lists.
pub fn read_specs(root: &Path) -> Result<(generator::Config, Vec<SpecInput>), String> {
    let manifest_path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| format!("{MANIFEST}: cannot read: {e}"))?;
    let manifest = Manifest::parse(MANIFEST, &text).map_err(|e| e.to_string())?;
    let mut inputs = Vec::new();
    for spec in &manifest.specs {
        let name = format!("specs/{}", spec.file);
        let text = std::fs::read_to_string(root.join(&name))
            .map_err(|e| format!("{name}: cannot read ({e})\n  help: the file is listed in {MANIFEST}; vendor it or remove the entry"))?;
        inputs.push(SpecInput { name, version: Some(spec.version.clone()), text });
    }
    Ok((manifest.config(MANIFEST).layout(Layout::Module), inputs))
}
