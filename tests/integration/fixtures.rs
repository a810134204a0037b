//! Small fixture specs, one construct each: the model and the code they
//! produce are snapshotted.



use crate::support::{construct_fixtures, fixture_config};

#[test]
fn constructs_produce_the_expected_model_and_code() {
    for (stem, input) in construct_fixtures() {
        let name = input.name.clone();
        let output = generator::generate(&fixture_config(&stem), &[input]).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_yaml_snapshot!(format!("model__{stem}"), output.model);
        let code = crate::support::code_snapshot(&output.files);
        insta::assert_snapshot!(format!("code__{stem}"), code);
    }
}

/// The fixtures of specs with a defect that has one sensible reading: each
/// generates, with a warning at the defect.
const SLOPPY: [&str; 7] = [
    "duplicate-operation-id",
    "enum-without-type",
    "openapi30-with-31-keywords",
    "operation-without-responses",
    "parameter-without-schema",
    "path-key-query-string",
    "path-parameters-undeclared",
];

/// Every warning of every fixture, as `cargo xtask` prints it (the spec's
/// lines underlined); the fixtures of sloppy specs must have one.
#[test]
fn construct_warnings_are_located_and_snapshotted() {
    let mut sloppy_seen = Vec::new();
    for (stem, input) in construct_fixtures() {
        let name = input.name.clone();
        let inputs = [input];
        let model = generator::model(&fixture_config(&stem), &inputs).unwrap_or_else(|e| panic!("{name}: {e}"));
        if SLOPPY.contains(&stem.as_str()) {
            assert!(!model.warnings.is_empty(), "{name}: a sloppy spec should get a warning");
            sloppy_seen.push(stem.clone());
        }
        if model.warnings.is_empty() {
            continue;
        }
        for warning in &model.warnings {
            let place = warning.location.as_ref().unwrap_or_else(|| panic!("{name}: a warning without a place: {warning}"));
            assert!(place.line.is_some(), "{name}: a warning without a line: {warning}");
        }
        let rendered: String = model.warnings.iter().map(|w| w.render(&inputs)).collect();
        insta::assert_snapshot!(format!("warnings__{stem}"), rendered);
    }
    assert_eq!(sloppy_seen, SLOPPY, "every sloppy fixture should be among the constructs");
}
