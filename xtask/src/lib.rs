//! The project's commands as a library, so that tests run the same code as
//! `cargo xtask …`.

pub mod bench;
pub mod contract;
pub mod corpus;
pub mod diff;
pub mod files;
pub mod generate;
pub mod history;
pub mod prism;
pub mod process;
pub mod references;
pub mod regen;
pub mod semver;
pub mod sweep;
pub mod versions;

/// The workspace root: xtask lives one folder below it.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}
