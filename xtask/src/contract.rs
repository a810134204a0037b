//! `cargo xtask contract`: the generated client against Stoplight Prism, a
//! mock server that reads the merged spec and flags every request and
//! response that does not match it. Prism (`crate::prism`) is installed under
//! target/, started on a free port, and stopped by its process id whatever the
//! tests do.

use anyhow::Context as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::prism::{self, PRISM_VERSION, Prism};

/// Everything this command writes: the spec and Prism's log (Prism is
/// installed in its folder `prism/`).
pub const CONTRACT_DIR: &str = "target/contract";
/// How long Prism may take to load the spec and listen.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let dir = root.join(CONTRACT_DIR);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let spec = write_spec(&root, &dir)?;
    let prism = prism::install(&root)?;
    let port = prism::free_port()?;
    let log = dir.join("prism.log");
    // Prism answers a request that breaks the spec with 400/422 and the
    // `sl-violations` header in any case; --errors matters for the responses
    // it builds. Without it, a response that breaks the spec (a stale example)
    // is still sent as a success and only the header tells; with it, Prism
    // sends a 500 problem instead, so a bad response can never pass as a
    // success the client decoded.
    let mut server = Prism::start(&prism, &spec, port, &log, &["--errors"])?;
    server.wait_until_listening(STARTUP_LIMIT)?;
    println!("contract: Prism {PRISM_VERSION} listens on {} (log: {})", server.url(), relative(&root, &log));
    let tests = run_tests(&root, &server.url());
    server.stop()?;
    match tests? {
        true => Ok(()),
        false => Err(anyhow::anyhow!("the contract tests failed; Prism's log of every request is in {}", relative(&root, &log))),
    }
}

/// The merged document, as Prism reads it, in `dir/spec.json`.
fn write_spec(root: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let (config, inputs) = crate::regen::read_specs(root)?;
    let merged = generator::merged_spec(&config, &inputs).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let path = dir.join("spec.json");
    fs::write(&path, format!("{merged:#}\n")).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Runs the ignored tests of the `contract` module against `url`; true when
/// they passed.
fn run_tests(root: &Path, url: &str) -> anyhow::Result<bool> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-p", "tests", "--test", "integration", "contract::", "--", "--ignored", "--test-threads=1"])
        .env("PRISM_URL", url)
        .status()
        .context("cannot run cargo test")?;
    Ok(status.success())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
