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
