//! Small fixture specs, one construct each: the model and the code they
//! produce are snapshotted.

use generator::{Config, SpecInput};

use crate::support::fixtures_dir;

#[test]
fn constructs_produce_the_expected_model_and_code() {
    let dir = fixtures_dir().join("constructs");
    let mut files: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() >= 8, "expected the construct fixtures in {}", dir.display());
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let inputs = [SpecInput { name: name.clone(), version: None, text }];
        let output = generator::generate(&Config::new("fixture"), &inputs).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_yaml_snapshot!(format!("model__{stem}"), output.model);
        // Everything but the runtime, which does not depend on the spec.
        let code: String = output
            .files
            .iter()
            .filter(|(path, _)| !path.contains("/runtime/"))
            .map(|(path, contents)| format!("==> {path}\n{contents}\n"))
            .collect();
        insta::assert_snapshot!(format!("code__{stem}"), code);
    }
}
