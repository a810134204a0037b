//! One spec change touches one small region of the generated code: the
//! scripted edits of `xtask::semver` are applied to a copy of specs/, the
//! client is generated before and after, and the changed files and lines
//! are counted.

use std::collections::BTreeMap;

use xtask::semver::{LineChanges, changed_lines, edit};

use crate::support::{root, vendored};

/// The generated files before and after the scripted edit `name`, and the
/// files that differ.
struct Edited {
    before: BTreeMap<String, String>,
    after: BTreeMap<String, String>,
    changed: BTreeMap<String, LineChanges>,
}

impl Edited {
    fn new(name: &str) -> Edited {
        let (config, inputs) = vendored();
        let before = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}")).files;
        let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let edit = edit(name).unwrap_or_else(|e| panic!("{e}"));
        let (config, inputs) = edit.specs(&root(), work.path()).unwrap_or_else(|e| panic!("{e}"));
        let after = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{name}: {}", e.render(&inputs))).files;
        let changed = changed_lines(&before, &after);
        Edited { before, after, changed }
    }

    fn files(&self) -> Vec<&str> {
        self.changed.keys().map(String::as_str).collect()
    }

    fn lines(&self) -> usize {
        self.changed.values().map(LineChanges::total).sum()
    }

    fn in_file(&self, path: &str) -> LineChanges {
        self.changed.get(path).copied().unwrap_or_default()
    }
}

const TYPES: &str = "src/generated/types.rs";
const API: &str = "src/generated/api.rs";
const OPERATIONS: &str = "src/generated/invoice_line_items.rs";

#[test]
fn adding_an_optional_field_changes_one_file_and_at_most_15_lines() {
    let edited = Edited::new("add-optional-field");
    assert_eq!(edited.files(), [TYPES], "{:?}", edited.changed);
    let lines = edited.in_file(TYPES);
    assert!(lines.total() <= 15, "{lines:?}");
    assert_eq!(lines.deleted, 0, "adding a field should only add lines: {lines:?}");
    // The field (doc, declaration), its line in `new` and its line in `Debug`.
    let types = &edited.after[TYPES];
    assert!(types.contains("pub memo: ::std::option::Option<::std::string::String>,"));
    assert!(types.contains("memo: ::std::default::Default::default(),"));
    assert!(types.contains(r#"out.field("memo", &self.memo);"#));
}

#[test]
fn adding_an_optional_field_to_a_request_body_adds_the_field_and_its_setter() {
    let edited = Edited::new("add-optional-request-field");
    assert_eq!(edited.files(), [TYPES], "{:?}", edited.changed);
    // The field (doc, serde attribute, declaration), its lines in `new` and
    // in `Debug`, and its setter: nothing else moves.
    let lines = edited.in_file(TYPES);
    assert!(lines.total() <= 20, "{lines:?}");
    assert_eq!(lines.deleted, 0, "{lines:?}");
}

#[test]
fn adding_an_operation_touches_only_the_trait_and_its_module() {
    let edited = Edited::new("add-operation");
    assert_eq!(edited.files(), [API, OPERATIONS], "{:?}", edited.changed);
    for (path, lines) in &edited.changed {
        assert_eq!(lines.deleted, 0, "{path}: an added operation should not rewrite existing lines: {lines:?}");
    }
    assert!(edited.after[API].contains("fn delete_line_item_group("));
    assert!(
        edited.after[API].contains("super::runtime::not_implemented(self, \"delete_line_item_group\", request)"),
        "the trait method has a default body"
    );
}

#[test]
fn adding_an_enum_value_adds_a_few_lines_to_the_enum() {
    let edited = Edited::new("add-enum-value");
    assert_eq!(edited.files(), [TYPES], "{:?}", edited.changed);
    let lines = edited.in_file(TYPES);
    // The variant and its doc line, and one arm in `as_str` and in each `From`.
    assert!(lines.total() <= 10, "{lines:?}");
    assert_eq!(lines.deleted, 0, "{lines:?}");
}

#[test]
fn renaming_a_schema_changes_exactly_the_lines_naming_it() {
    let edited = Edited::new("rename-schema");
    assert!(!edited.changed.is_empty());
    // Besides the name, only the layout moves: a longer name can make a
    // signature wrap, and a wrapped list gets a trailing comma.
    let squeezed = |text: &str| text.chars().filter(|c| !c.is_whitespace() && *c != ',').collect::<String>();
    for path in edited.changed.keys() {
        let (expected, actual) = (squeezed(&replace_word(&edited.before[path], "LineItem", "InvoiceLineItem")), squeezed(&edited.after[path]));
        let first_difference = expected.chars().zip(actual.chars()).take_while(|(a, b)| a == b).count();
        let around = |text: &str| text.chars().skip(first_difference.saturating_sub(80)).take(160).collect::<String>();
        assert!(expected == actual, "{path}: something besides the name changed:\n expected …{}…\n   actual …{}…", around(&expected), around(&actual));
    }
    // The type keeps its place in the sorted file, so no block moves.
    assert!(edited.lines() <= 40, "{:?}", edited.changed);
}

#[test]
fn changing_a_description_changes_one_line() {
    let edited = Edited::new("change-description");
    assert_eq!(edited.files(), [TYPES], "{:?}", edited.changed);
    assert_eq!(edited.in_file(TYPES), LineChanges { inserted: 1, deleted: 1 });
}

/// The headers name the spec files but hold no hash of them: an edit that
/// changes nothing generated changes no file.
#[test]
fn a_spec_edit_that_changes_no_code_changes_no_file() {
    let (config, inputs) = vendored();
    let before = generator::generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}")).files;
    let mut commented = inputs.clone();
    for input in &mut commented {
        input.text.push_str("\n# Reviewed: no change to the API.\n");
    }
    let after = generator::generate(&config, &commented).unwrap_or_else(|e| panic!("{e}")).files;
    assert_eq!(changed_lines(&before, &after), BTreeMap::new());
}

/// No scripted edit reaches the runtime or the root module, and none
/// changes more than three files.
#[test]
fn no_scripted_edit_touches_the_runtime_or_the_root_module() {
    for edit in xtask::semver::EDITS {
        let edited = Edited::new(edit.name);
        for path in edited.files() {
            assert!(!path.contains("/runtime/") && !path.ends_with("generated/mod.rs"), "{}: {path} changed", edit.name);
        }
        assert!(edited.files().len() <= 3, "{}: {:?}", edit.name, edited.changed);
    }
}

/// `text` with every whole-word `from` (an identifier, not part of a
/// longer one) replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let (head, tail) = rest.split_at(at);
        let after = &tail[from.len()..];
        let whole = !head.chars().next_back().is_some_and(is_ident) && !after.chars().next().is_some_and(is_ident);
        out.push_str(head);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}
