//! Every input the fuzzers ever crashed the generator with (`fuzz/regressions/`)
//! now gets an answer: generated files, or an error that is not an internal one.

use std::panic::{AssertUnwindSafe, catch_unwind};

use generator::{Config, SpecInput};

use crate::support::root;

#[test]
fn no_fuzz_regression_panics() {
    let dir = root().join("fuzz").join("regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.file_name().is_some_and(|name| name != "README.md"))
        .collect();
    files.sort();

    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // The fuzz targets read bytes the same way.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let input = SpecInput { name: name.clone(), version: None, text };
        let run = || generator::generate(&Config::new("fuzz"), &[input]).map_err(|e| e.to_string());
        match catch_unwind(AssertUnwindSafe(run)) {
            Err(_) => failures.push(format!("{name}: panicked")),
            Ok(Err(error)) if error.contains("bug in the generator") => {
                failures.push(format!("{name}: {error}"));
            }
            Ok(Ok(output)) if output.files.is_empty() => failures.push(format!("{name}: no files")),
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "fuzz regressions fail again:\n{}", failures.join("\n"));
}
