//! Stoplight Prism, the mock server `contract` and `sweep` run: installed
//! with npm under target/, started on a free port of 127.0.0.1, and stopped by
//! its process id whatever happens.

use anyhow::Context as _;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub const PRISM_PACKAGE: &str = "@stoplight/prism-cli";
pub const PRISM_VERSION: &str = "5.14.2";
/// Where Prism is installed, shared by every command that runs it.
pub const PRISM_DIR: &str = "target/contract/prism";

/// Prism's executable under [`PRISM_DIR`], installed with npm unless the
/// pinned version is already there.
pub fn install(root: &Path) -> anyhow::Result<PathBuf> {
    let prefix = root.join(PRISM_DIR);
    let executable = prefix.join("node_modules/.bin/prism");
    let manifest = prefix.join("node_modules").join(PRISM_PACKAGE).join("package.json");
    let installed = fs::read_to_string(&manifest).unwrap_or_default();
    if executable.is_file() && installed.contains(&format!("\"version\": \"{PRISM_VERSION}\"")) {
        return Ok(executable);
    }
    eprintln!("prism: installing {PRISM_PACKAGE}@{PRISM_VERSION} into {}", prefix.display());
    let status = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(&prefix)
        .arg(format!("{PRISM_PACKAGE}@{PRISM_VERSION}"))
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run npm ({e})\n  help: Prism needs Node.js (18.20 or newer) and npm on PATH"))?;
    if !status.success() || !executable.is_file() {
        return Err(anyhow::anyhow!("`npm install {PRISM_PACKAGE}@{PRISM_VERSION}` failed ({status}); see npm's output above"));
    }
    Ok(executable)
}

/// A port nothing listens on right now. Prism binds it a moment later; if
/// something else took it in between, Prism exits and its log says so.
pub fn free_port() -> anyhow::Result<u16> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .context("cannot find a free port on 127.0.0.1")
}

/// A running Prism. Dropping it stops the process, so an early return or a
/// panic never leaves Prism behind.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock` on `spec`, on 127.0.0.1:`port`, with `options`
    /// before the spec (`--errors`, `-d`, `--seed`), writing its output to `log`.
    pub fn start(executable: &Path, spec: &Path, port: u16, log: &Path, options: &[&str]) -> anyhow::Result<Prism> {
        let output = fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let errors = output.try_clone().with_context(|| format!("cannot share {}", log.display()))?;
        let child = Command::new(executable)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(options)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .with_context(|| format!("cannot start {}", executable.display()))?;
        Ok(Prism { child, port, log: log.to_path_buf() })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until Prism accepts connections, failing early if it exits.
    pub fn wait_until_listening(&mut self, limit: Duration) -> anyhow::Result<()> {
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

    /// Whether Prism has exited (crashed: it never exits on its own).
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops Prism by its process id (Prism keeps no state worth a graceful
    /// shutdown) and reaps it.
    pub fn stop(mut self) -> anyhow::Result<()> {
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
