//! What is measured: the vendored invoice specs as `cargo xtask regen` reads
//! them, and single corpus files as `cargo xtask corpus` reads them.

use std::fs;
use std::path::{Path, PathBuf};

use generator::{Config, Layout, SpecInput};

/// The id of the vendored set on command lines and in tables.
pub const VENDORED: &str = "vendored";

/// The corpus files named in the comparison tables; the plot takes the whole
/// corpus.
pub const HEADLINE: &[&str] =
    &["sequence-2024-07-30.product.json", "oxide-nexus.json", "github-api.github.com.json", "stripe-spec3.yaml"];

/// The corpus files whose generated crates are compiled by `check`.
pub const CHECKED: &[&str] = &["sequence-2024-07-30.product.json", "oxide-nexus.json", "github-api.github.com.json"];

/// One generator input: a set of files and the configuration it is
/// generated with.
pub struct SpecSet {
    /// `vendored`, or the corpus file's path.
    pub id: String,
    /// Short name for tables.
    pub label: String,
    pub inputs: Vec<SpecInput>,
    pub config: Config,
    /// What `config` says but does not expose: emit and render need them.
    pub layout: Layout,
    pub command: String,
}

impl SpecSet {
    pub fn bytes(&self) -> usize {
        self.inputs.iter().map(|input| input.text.len()).sum()
    }

    pub fn is_vendored(&self) -> bool {
        self.id == VENDORED
    }
}

/// The repository root.
pub fn repository_root() -> PathBuf {
    xtask::workspace_root()
}

/// `vendored` or a path to a spec file.
pub fn load(id: &str) -> Result<SpecSet, String> {
    if id == VENDORED { vendored() } else { corpus_file(Path::new(id)) }
}

/// specs/ as `cargo xtask regen` reads it.
fn vendored() -> Result<SpecSet, String> {
    let (config, inputs) = xtask::regen::read_specs(&repository_root()).map_err(|e| format!("{e:#}"))?;
    Ok(SpecSet {
        id: VENDORED.to_owned(),
        label: format!("invoice specs (specs/, {} files)", inputs.len()),
        inputs,
        config,
        layout: Layout::Module,
        command: "cargo xtask regen".to_owned(),
    })
}

/// One corpus file as `cargo xtask corpus` reads it: a crate meant as a
/// workspace member.
fn corpus_file(path: &Path) -> Result<SpecSet, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let name = file_name(path);
    let command = "cargo xtask bench generation".to_owned();
    let config = Config::new(&crate_name("ours", &name)).layout(Layout::Member).command(&command).manifest_name("(command line)");
    Ok(SpecSet {
        id: path.display().to_string(),
        label: name.clone(),
        inputs: vec![SpecInput { name, version: None, text }],
        config,
        layout: Layout::Member,
        command,
    })
}

pub use xtask::corpus::{file_name, spec_files as corpus_files};

/// `ours-oxide-nexus`, `progenitor-builder-oxide-nexus`: the spec's file stem
/// in lowercase letters, digits and single dashes, after a prefix.
pub fn crate_name(prefix: &str, file_name: &str) -> String {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    format!("{prefix}-{}", xtask::corpus::sanitize(stem))
}

/// The generator's rule: JSON by name, or by its first character.
pub fn is_json(input: &SpecInput) -> bool {
    input.name.ends_with(".json") || input.text.trim_start().starts_with('{')
}
