//! Names that survive a vendor's renumbering and growth, checked as
//! properties over the construct fixtures and the shared history:
//! rotating the numbers of numbered schema families changes no byte of the
//! crate; adding an operation or a schema renames nothing that exists.

use std::collections::{BTreeMap, BTreeSet};

use generator::model::Api;
use generator::{Config, Layout, SpecInput};
use serde_json::Value;

use crate::history::snapshots;
use crate::support::construct_fixtures;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The spec as JSON values, whatever it was written in.
fn parse(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}"))
}

fn generate(document: &Value) -> Result<generator::Output, String> {
    let config = Config::new("renumbered").layout(Layout::Crate);
    let text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
    let inputs = [SpecInput { name: "spec.json".to_owned(), version: None, text }];
    generator::generate(&config, &inputs).map_err(|e| e.render(&inputs))
}

/// The stem of a schema name and whether it has a numeric suffix.
fn stem(name: &str) -> &str {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.is_empty() { name } else { stem }
}

/// The renaming that rotates the numbered names within each family
/// (`State` → `State1` → `State2` → `State`); a family of one numbered
/// schema gets another number. Empty when the spec has no numbered names.
pub fn rotation(document: &Value) -> BTreeMap<String, String> {
    let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) else { return BTreeMap::new() };
    let mut families: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for name in schemas.keys() {
        families.entry(stem(name)).or_default().push(name);
    }
    let mut renames = BTreeMap::new();
    for (stem, mut members) in families {
        members.sort();
        match members.as_slice() {
            [only] if *only != stem => {
                let mut number = 7;
                while schemas.contains_key(&format!("{stem}{number}")) {
                    number += 1;
                }
                renames.insert((*only).to_owned(), format!("{stem}{number}"));
            }
            [_] | [] => {}
            several => {
                for (index, name) in several.iter().enumerate() {
                    let next = several.get(index + 1).or(several.first()).copied().unwrap_or(name);
                    renames.insert((*name).to_owned(), next.to_owned());
                }
            }
        }
    }
    renames
}

/// The document with its component schemas renamed and every reference
/// (and discriminator mapping) following.
pub fn renamed(document: &Value, renames: &BTreeMap<String, String>) -> Value {
    fn walk(value: &Value, renames: &BTreeMap<String, String>, in_schemas: bool) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, v)| {
                        let key = if in_schemas { renames.get(key).cloned().unwrap_or_else(|| key.clone()) } else { key.clone() };
                        let in_schemas = key == "schemas";
                        (key, walk(v, renames, in_schemas))
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| walk(v, renames, false)).collect()),
            Value::String(text) => match text.strip_prefix(SCHEMA_PREFIX).and_then(|name| renames.get(name)) {
                Some(new) => Value::String(format!("{SCHEMA_PREFIX}{new}")),
                None => value.clone(),
            },
            other => other.clone(),
        }
    }
    walk(document, renames, false)
}

/// Every name the crate declares, with where it stands.
pub fn declared_names(api: &Api) -> BTreeSet<String> {
    use generator::model::TypeKind;
    let mut names = BTreeSet::new();
    for op in &api.operations {
        let key = format!("{} {}", op.method.as_str(), op.path);
        names.insert(format!("operation {key}: {} in {}, {} / {}", op.name, op.module, op.builder, op.request_struct));
        for param in &op.params {
            names.insert(format!("parameter {key} {}: {}", param.wire_name, param.name));
        }
    }
    for def in &api.types {
        names.insert(format!("type {}", def.name));
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields {
                    names.insert(format!("field {}.{}: {}", def.name, field.wire_name, field.name));
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    names.insert(format!("variant {}::{}", def.name, variant.name));
                }
            }
            TypeKind::Enum { variants, .. } => {
                for variant in variants {
                    names.insert(format!("value {}::{} = {}", def.name, variant.name, variant.wire_name));
                }
            }
            TypeKind::Alias { .. } => {}
        }
    }
    names
}

/// The files that differ between two generations.
fn differing(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let changed = xtask::semver::changed_lines(a, b);
    changed.iter().map(|(path, lines)| format!("{path}: {} lines", lines.total())).collect()
}

#[test]
fn the_rotation_renames_every_numbered_family() {
    let document = parse(
        "components:\n  schemas:\n    State: {type: string}\n    State1: {type: string}\n    State2: {$ref: '#/components/schemas/State1'}\n    Code3: {type: string}\n    Plain: {type: string}\n",
    );
    let renames = rotation(&document);
    let expected: BTreeMap<String, String> =
        [("Code3", "Code7"), ("State", "State1"), ("State1", "State2"), ("State2", "State")].into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect();
    assert_eq!(renames, expected);
    let rotated = renamed(&document, &renames);
    assert_eq!(rotated.pointer("/components/schemas/State/$ref"), Some(&Value::String("#/components/schemas/State2".into())));
}

#[test]
fn rotating_numbered_names_in_the_construct_fixtures_changes_no_byte() {
    let mut rotated_any = 0;
    for (stem, input) in construct_fixtures() {
        let document = parse(&input.text);
        let renames = rotation(&document);
        if renames.is_empty() {
            continue;
        }
        rotated_any += 1;
        let before = generate(&document).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let after = generate(&renamed(&document, &renames)).unwrap_or_else(|e| panic!("{stem} renumbered: {e}"));
        assert_eq!(differing(&before.files, &after.files), Vec::<String>::new(), "{stem}: {renames:?}");
        let report = generator::diff::diff(&before.model, &after.model);
        assert!(report.is_empty(), "{stem}: {:?}", report.changes);
    }
    assert!(rotated_any >= 1, "no construct fixture has numbered schema names");
}

#[test]
fn rotating_numbered_names_in_the_shared_history_changes_no_byte() {
    let Some(snapshots) = snapshots() else { return };
    for (name, text) in snapshots {
        let document = parse(&text);
        let renames = rotation(&document);
        assert!(renames.len() >= 10, "{name}: expected numbered families, found {renames:?}");
        let before = generate(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        let after = generate(&renamed(&document, &renames)).unwrap_or_else(|e| panic!("{name} renumbered: {e}"));
        let report = generator::diff::diff(&before.model, &after.model);
        assert!(report.is_empty(), "{name}: {} changes, the first {:?}", report.changes.len(), report.changes.first());
        assert_eq!(differing(&before.files, &after.files), Vec::<String>::new(), "{name}");
    }
}
