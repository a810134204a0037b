//! `cargo xtask contract`: the generated client against Stoplight Prism, a
//! mock server that reads the merged spec and flags every request and
//! response that does not match it. Prism is installed under target/, started
//! on a free port, and stopped by its process id whatever the tests do.

use anyhow::Context as _;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub const PRISM_PACKAGE: &str = "@stoplight/prism-cli";
pub const PRISM_VERSION: &str = "5.14.2";
/// Everything this command writes: the spec, Prism's install and its log.
pub const CONTRACT_DIR: &str = "target/contract";
/// How long Prism may take to load the spec and listen.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let dir = root.join(CONTRACT_DIR);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let spec = write_spec(&root, &dir)?;
    let prism = install_prism(&dir)?;
    let port = free_port()?;
    let log = dir.join("prism.log");
    let mut server = Prism::start(&prism, &spec, port, &log)?;
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

/// Prism's executable under `dir/prism`, installed with npm unless the pinned
/// version is already there.
fn install_prism(dir: &Path) -> anyhow::Result<PathBuf> {
    let prefix = dir.join("prism");
    let executable = prefix.join("node_modules/.bin/prism");
    let manifest = prefix.join("node_modules").join(PRISM_PACKAGE).join("package.json");
    let installed = fs::read_to_string(&manifest).unwrap_or_default();
    if executable.is_file() && installed.contains(&format!("\"version\": \"{PRISM_VERSION}\"")) {
        return Ok(executable);
    }
    println!("contract: installing {PRISM_PACKAGE}@{PRISM_VERSION} into {}", prefix.display());
    let status = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(&prefix)
        .arg(format!("{PRISM_PACKAGE}@{PRISM_VERSION}"))
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run npm ({e})\n  help: the contract test needs Node.js (18.20 or newer) and npm on PATH"))?;
    if !status.success() || !executable.is_file() {
        return Err(anyhow::anyhow!("`npm install {PRISM_PACKAGE}@{PRISM_VERSION}` failed ({status}); see npm's output above"));
    }
    Ok(executable)
}

/// A port nothing listens on right now. Prism binds it a moment later; if
/// something else took it in between, Prism exits and its log says so.
fn free_port() -> anyhow::Result<u16> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .context("cannot find a free port on 127.0.0.1")
}

/// A running Prism. Dropping it stops the process, so an early return or a
/// panic never leaves Prism behind.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    fn start(executable: &Path, spec: &Path, port: u16, log: &Path) -> anyhow::Result<Prism> {
        let output = fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let errors = output.try_clone().with_context(|| format!("cannot share {}", log.display()))?;
        let child = Command::new(executable)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            // Prism answers a request that breaks the spec with 400/422 and the
            // `sl-violations` header in any case; --errors matters for the
            // responses it builds. Without it, a response that breaks the spec
            // (a stale example) is still sent as a success and only the header
            // tells; with it, Prism sends a 500 problem instead, so a bad
            // response can never pass as a success the client decoded.
            .arg("--errors")
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .with_context(|| format!("cannot start {}", executable.display()))?;
        Ok(Prism { child, port, log: log.to_path_buf() })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until Prism accepts connections, failing early if it exits.
    fn wait_until_listening(&mut self, limit: Duration) -> anyhow::Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let started = Instant::now();
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            let exited = self.child.try_wait().context("cannot watch Prism")?;
            if exited.is_some() || started.elapsed() > limit {
                let why = match exited {
                    Some(status) => format!("exited ({status})"),
                    None => format!("did not listen within {} s", limit.as_secs()),
                };
                let output = fs::read_to_string(&self.log).unwrap_or_default();
                return Err(anyhow::anyhow!("Prism {why} (port {}); its output:\n{}", self.port, output.trim_end()));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops Prism by its process id (Prism keeps no state worth a graceful
    /// shutdown) and reaps it.
    fn stop(mut self) -> anyhow::Result<()> {
        self.kill().with_context(|| format!("cannot stop Prism (pid {})", self.child.id()))
    }

    fn kill(&mut self) -> std::io::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        self.child.kill()?;
        self.child.wait().map(drop)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.kill();
    }
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
