//! Specs split across files (`tests/fixtures/multi/<case>/openapi.yaml` and
//! the files it refers to): each `$ref` form bundles into one document,
//! whose model and code are snapshotted; the output does not depend on the
//! order the files come in. `standalone.rs` compiles them.

use std::path::{Path, PathBuf};

use generator::{Config, SpecInput};

use crate::support::fixtures_dir;

/// One split spec: its inputs (entry first, then the files it refers to,
/// read the way `cargo xtask generate` reads them) and the referenced names.
pub struct Split {
    pub case: String,
    pub inputs: Vec<SpecInput>,
    pub referenced: Vec<String>,
}

impl Split {
    pub fn config(&self, name: &str) -> Config {
        Config::new(name).referenced_files(self.referenced.clone())
    }
}

/// Reads the split spec whose entry is `entry`, naming files relative to `names_from`.
pub fn read_split(case: &str, entry: &Path, names_from: &Path) -> Split {
    let name_of = |path: &Path| path.strip_prefix(names_from).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let (inputs, referenced) =
        xtask::references::read_with_references(&[entry.to_path_buf()], &name_of).unwrap_or_else(|e| panic!("{case}: {e:#}"));
    Split { case: case.to_owned(), inputs, referenced }
}

/// Every case under `tests/fixtures/multi/`, sorted.
pub fn multi_fixtures() -> Vec<Split> {
    let dir = fixtures_dir().join("multi");
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path().join("openapi.yaml")).filter(|p| p.is_file()).collect();
    entries.sort();
    assert!(entries.len() >= 3, "expected the split fixtures in {}", dir.display());
    entries
        .iter()
        .map(|entry| {
            let case = entry.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            read_split(&case, entry, &dir)
        })
        .collect()
}

#[test]
fn split_specs_produce_the_expected_model_and_code() {
    for split in multi_fixtures() {
        let output = generator::generate(&split.config("fixture"), &split.inputs).unwrap_or_else(|e| panic!("{}: {}", split.case, e.render(&split.inputs)));
        insta::assert_yaml_snapshot!(format!("multi_model__{}", split.case), output.model);
        let code = crate::support::code_snapshot(&output.files);
        insta::assert_snapshot!(format!("multi_code__{}", split.case), code);
    }
}

#[test]
fn the_referenced_files_are_found_transitively_and_normalized() {
    let split = multi_fixtures().into_iter().find(|s| s.case == "split-paths").unwrap_or_else(|| panic!("no split-paths fixture"));
    assert_eq!(
        split.referenced,
        [
            "shared/label.yaml",
            "shared/parameters.yaml",
            "split-paths/content/things.yaml",
            "split-paths/operations/get-thing.yaml",
            "split-paths/paths/things.yaml",
            "split-paths/schemas/thing.yaml",
        ]
    );
    let entry = SpecInput { name: "a/b/openapi.yaml".to_owned(), version: None, text: "openapi: 3.0.3\npaths:\n  /x:\n    $ref: './c/../d.yaml#/x'\n".to_owned() };
    assert_eq!(generator::referenced_files(&entry).unwrap_or_else(|e| panic!("{e}")), ["a/b/d.yaml"]);
}

#[test]
fn a_remote_reference_is_a_located_error_and_never_fetched() {
    let entry = SpecInput {
        name: "openapi.yaml".to_owned(),
        version: None,
        text: "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /x:\n    $ref: 'https://example.com/x.yaml'\n".to_owned(),
    };
    // Not a file to read…
    assert!(generator::referenced_files(&entry).unwrap_or_else(|e| panic!("{e}")).is_empty());
    // …and an error where it is followed.
    let error = generator::generate(&Config::new("fixture"), &[entry]).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.starts_with("openapi.yaml:7:11"), "{error}");
    assert!(error.contains("never fetched"), "{error}");
}

#[test]
fn a_reference_in_example_data_is_left_alone() {
    let entry = SpecInput {
        name: "openapi.yaml".to_owned(),
        version: None,
        text: "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths: {}\ncomponents:\n  examples:\n    e:\n      value:\n        $ref: 'https://example.com/users/1'\n".to_owned(),
    };
    generator::generate(&Config::new("fixture"), &[entry]).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn output_is_the_same_whatever_the_order_of_the_files() {
    for split in multi_fixtures() {
        let config = split.config("fixture");
        let first = generator::generate(&config, &split.inputs).unwrap_or_else(|e| panic!("{}: {e}", split.case)).files;
        let mut reversed = split.inputs.clone();
        reversed.reverse();
        let mut rotated = split.inputs.clone();
        rotated.rotate_left(split.inputs.len() / 2);
        for (order, inputs) in [("reversed", reversed), ("rotated", rotated)] {
            let again = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{}: {e}", split.case)).files;
            assert!(first == again, "{}: the {order} order of the files changed the output", split.case);
        }
    }
}

#[test]
fn a_schema_split_across_files_becomes_components_that_refer_to_each_other() {
    let split = multi_fixtures().into_iter().find(|s| s.case == "recursive").unwrap_or_else(|| panic!("no recursive fixture"));
    let merged = generator::merged_spec(&split.config("fixture"), &split.inputs).unwrap_or_else(|e| panic!("{e}"));
    let schemas = merged.pointer("/components/schemas").and_then(|s| s.as_object()).map(|s| s.keys().cloned().collect::<Vec<_>>());
    assert_eq!(schemas.unwrap_or_default(), ["Tree", "node"]);
    assert_eq!(merged.pointer("/components/schemas/node/properties/children/items/$ref").and_then(|v| v.as_str()), Some("#/components/schemas/node"));
    assert_eq!(merged.pointer("/components/schemas/node/properties/subtree/$ref").and_then(|v| v.as_str()), Some("#/components/schemas/Tree"));
}

#[test]
fn an_error_in_a_referenced_file_points_into_that_file() {
    let entry = SpecInput {
        name: "api/openapi.yaml".to_owned(),
        version: None,
        text: "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /x:\n    $ref: paths/x.yaml\n".to_owned(),
    };
    let path_item = SpecInput {
        name: "api/paths/x.yaml".to_owned(),
        version: None,
        text: "get:\n  parameters:\n    - name: a\n      in: querystring\n  responses:\n    '200':\n      description: OK\n".to_owned(),
    };
    let inputs = [entry, path_item];
    let config = Config::new("fixture").referenced_files(["api/paths/x.yaml"]);
    let error = generator::generate(&config, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.starts_with("api/paths/x.yaml:"), "{error}");
}

/// The real split spec of the corpus, when `../shared` is there.
pub fn redocly_starter() -> Option<Split> {
    let dir = crate::support::root().join("../shared/corpus/multi");
    let entry = dir.join("redocly-openapi-starter/openapi.yaml");
    if !entry.is_file() {
        println!("note: {} is absent; the real split spec is not tried", entry.display());
        return None;
    }
    Some(read_split("redocly-openapi-starter", &entry, &dir))
}

#[test]
fn the_redocly_starter_generates() {
    let Some(split) = redocly_starter() else { return };
    assert!(split.referenced.len() >= 30, "{:?}", split.referenced);
    let output = generator::generate(&split.config("redocly"), &split.inputs).unwrap_or_else(|e| panic!("{}", e.render(&split.inputs)));
    assert_eq!(output.model.operations.len(), 12);
    assert!(output.files.get("src/generated/types.rs").is_some_and(|types| types.contains("pub struct MenuItemList")));
}

#[test]
fn a_taken_name_gets_a_number_and_mappings_name_the_components() {
    let split = multi_fixtures().into_iter().find(|s| s.case == "discriminator").unwrap_or_else(|| panic!("no discriminator fixture"));
    let merged = generator::merged_spec(&split.config("fixture"), &split.inputs).unwrap_or_else(|e| panic!("{e}"));
    let schemas = merged.pointer("/components/schemas").and_then(|s| s.as_object()).map(|s| s.keys().cloned().collect::<Vec<_>>());
    assert_eq!(schemas.unwrap_or_default(), ["Error", "Error2", "Pet", "cat", "dog"]);
    assert_eq!(merged.pointer("/components/schemas/Error2/properties/message/type").and_then(|v| v.as_str()), Some("string"));
    assert_eq!(merged.pointer("/components/schemas/Pet/discriminator/mapping/cat").and_then(|v| v.as_str()), Some("#/components/schemas/cat"));
    assert_eq!(merged.pointer("/components/schemas/Pet/oneOf/1/$ref").and_then(|v| v.as_str()), Some("#/components/schemas/dog"));
}
