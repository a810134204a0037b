//! `cargo xtask regen [--check]`: specs/ → generated-client/.

use std::time::Instant;

use generator::{Layout, Manifest, SpecInput};

use crate::files;

const MANIFEST: &str = "specs/codegen.toml";
const CLIENT_DIR: &str = "generated-client";
const OWNED: &str = "src/generated";

pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask regen [--check]".to_owned()),
    };
    let started = Instant::now();
    let root = crate::workspace_root();
    let (config, inputs) = read_specs(&root)?;
    let output = generator::generate(&config, &inputs).map_err(|e| e.to_string())?;

    let client_root = root.join(CLIENT_DIR);
    let plan = files::plan(&client_root, &output.files, OWNED)?;
    let stale = plan.changed.len() + plan.stale.len();
    if check {
        if stale == 0 {
            println!("generated-client/ is up to date with specs/ ({} files)", plan.unchanged);
            return Ok(());
        }
        print!("{}", files::diff(&client_root, &output.files, &plan));
        return Err(format!(
            "generated-client/ differs from what specs/ produce ({} files); run `cargo xtask regen` and commit the result",
            stale
        ));
    }
    files::apply(&client_root, &output.files, &plan)?;
    for warning in &output.model.warnings {
        eprintln!("note: {warning}");
    }
    println!(
        "regen: {} changed, {} unchanged, {} removed; {} operations, {} types; {} ms",
        plan.changed.len(),
        plan.unchanged,
        plan.stale.len(),
        output.model.operations.len(),
        output.model.types.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Reads the manifest and the spec files it lists.
pub fn read_specs(root: &std::path::Path) -> Result<(generator::Config, Vec<SpecInput>), String> {
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
