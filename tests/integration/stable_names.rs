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
    generator::naming::numeric_stem(name)
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

/// The document with one more operation: a copy of its first one under
/// `/zz-added`, whose short name is the same as the original's.
fn with_added_operation(document: &Value) -> Option<Value> {
    let mut document = document.clone();
    let paths = document.get_mut("paths")?.as_object_mut()?;
    let (path, item) = paths.iter().next().map(|(p, i)| (p.clone(), i.clone()))?;
    let mut item = item;
    for operation in item.as_object_mut()?.values_mut() {
        if let Some(id) = operation.get_mut("operationId") {
            *id = Value::String(format!("{}ZzAdded", id.as_str().unwrap_or("op")));
        }
    }
    paths.insert(format!("/zz-added{path}"), item);
    Some(document)
}

/// The document with one more component schema.
fn with_added_schema(document: &Value) -> Value {
    let mut document = document.clone();
    let added = serde_json::json!({"type": "object", "properties": {"note": {"type": "string"}}});
    if let Some(root) = document.as_object_mut() {
        let components = root.entry("components").or_insert_with(|| serde_json::json!({}));
        if let Some(components) = components.as_object_mut() {
            let schemas = components.entry("schemas").or_insert_with(|| serde_json::json!({}));
            if let Some(schemas) = schemas.as_object_mut() {
                schemas.insert("ZzAddedSchema".to_owned(), added);
            }
        }
    }
    document
}

fn generate_with_record(document: &Value, record: &generator::NameRecord) -> Result<generator::Output, String> {
    let config = Config::new("renumbered").layout(Layout::Crate).name_record(record.clone());
    let text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
    let inputs = [SpecInput { name: "spec.json".to_owned(), version: None, text }];
    generator::generate(&config, &inputs).map_err(|e| e.render(&inputs))
}

/// The names of `before` that `after` lacks.
fn lost_names(before: &Api, after: &Api) -> Vec<String> {
    let after = declared_names(after);
    declared_names(before).into_iter().filter(|n| !after.contains(n)).collect()
}

#[test]
fn adding_an_operation_or_a_schema_to_a_construct_renames_nothing() {
    for (stem, input) in construct_fixtures() {
        let document = parse(&input.text);
        let Ok(before) = generate(&document) else { continue };
        let record = generator::NameRecord::of(&before.model);
        if let Some(grown) = with_added_operation(&document) {
            let after = generate_with_record(&grown, &record).unwrap_or_else(|e| panic!("{stem} with an operation: {e}"));
            assert!(after.model.operations.len() > before.model.operations.len(), "{stem}: no operation was added");
            assert_eq!(lost_names(&before.model, &after.model), Vec::<String>::new(), "{stem}: an operation was added");
            assert_eq!(generator::lower::namespace_problems(&after.model), Vec::<String>::new(), "{stem}");
        }
        let grown = with_added_schema(&document);
        let after = generate_with_record(&grown, &record).unwrap_or_else(|e| panic!("{stem} with a schema: {e}"));
        assert_eq!(lost_names(&before.model, &after.model), Vec::<String>::new(), "{stem}: a schema was added");
    }
}

#[test]
fn without_the_record_a_colliding_newcomer_renames_the_existing_operation() {
    // What the record is for: the pure rule gives both colliding operations
    // their qualified names.
    let (_, input) = construct_fixtures().into_iter().find(|(stem, _)| stem == "path-and-query").unwrap_or_else(|| panic!("fixture"));
    let document = parse(&input.text);
    let before = generate(&document).unwrap_or_else(|e| panic!("{e}"));
    let grown = with_added_operation(&document).unwrap_or_else(|| panic!("no operation"));
    let fresh = generate(&grown).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(lost_names(&before.model, &fresh.model), Vec::<String>::new());
    let kept = generate_with_record(&grown, &generator::NameRecord::of(&before.model)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lost_names(&before.model, &kept.model), Vec::<String>::new());
}

#[test]
fn no_operation_of_the_shared_history_is_renamed_when_others_arrive() {
    let Some(snapshots) = snapshots() else { return };
    let mut record = generator::NameRecord::default();
    let mut previous: Option<generator::Output> = None;
    for (name, text) in snapshots {
        let document = parse(&text);
        let output = generate_with_record(&document, &record).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(previous) = &previous {
            let now = generator::NameRecord::of(&output.model);
            let renamed: Vec<String> = generator::NameRecord::of(&previous.model)
                .operations
                .iter()
                .filter(|(key, old)| now.operations.get(*key).is_some_and(|new| new != *old))
                .map(|(key, old)| format!("{key}: {old} → {}", now.operations.get(key).map_or("", String::as_str)))
                .collect();
            assert_eq!(renamed, Vec::<String>::new(), "{name}");
        }
        record = generator::NameRecord::of(&output.model);
        previous = Some(output);
    }
}

/// The document with every `required` list reversed, and with `properties`
/// maps and `parameters` lists too when `properties` is set.
fn reversed(value: &Value, properties: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| match (key.as_str(), v) {
                    ("required", Value::Array(names)) if names.iter().all(Value::is_string) => {
                        (key.clone(), Value::Array(names.iter().rev().cloned().collect()))
                    }
                    ("parameters", Value::Array(list)) if properties => {
                        (key.clone(), Value::Array(list.iter().rev().map(|p| reversed(p, properties)).collect()))
                    }
                    ("properties", Value::Object(fields)) if properties => {
                        let fields: Vec<(String, Value)> = fields.iter().map(|(k, f)| (k.clone(), reversed(f, properties))).collect();
                        (key.clone(), Value::Object(fields.into_iter().rev().collect()))
                    }
                    _ => (key.clone(), reversed(v, properties)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| reversed(v, properties)).collect()),
        other => other.clone(),
    }
}

/// Every `fn new(…)` signature of the generated files.
fn constructors(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        let mut rest = text.as_str();
        while let Some(start) = rest.find("pub fn new(") {
            let tail = rest.get(start..).unwrap_or("");
            let end = tail.find(") -> Self").unwrap_or(tail.len());
            found.push(format!("{path}: {}", tail.get(..end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")));
            rest = tail.get(end..).unwrap_or("");
        }
    }
    found
}

#[test]
fn reordering_required_or_properties_changes_no_constructor_in_the_fixtures_and_the_history() {
    let mut specs: Vec<(String, Value)> = construct_fixtures().into_iter().map(|(stem, input)| (stem, parse(&input.text))).collect();
    specs.extend(snapshots().unwrap_or_default().into_iter().map(|(name, text)| (name, parse(&text))));
    let mut with_arguments = 0;
    for (name, document) in specs {
        let Ok(before) = generate(&document) else { continue };
        let after = generate(&reversed(&document, false)).unwrap_or_else(|e| panic!("{name} reordered: {e}"));
        let signatures = constructors(&before.files);
        with_arguments += signatures.iter().filter(|s| s.contains(", ")).count();
        // `required` orders nothing in the crate.
        assert_eq!(differing(&before.files, &after.files), Vec::<String>::new(), "{name}");
        assert!(generator::diff::diff(&before.model, &after.model).is_empty(), "{name}");
        // `properties` orders the fields' declarations (and which of two
        // properties with one Rust name is numbered), `parameters` the
        // setters; neither orders the arguments of a `new` or a call.
        let after = generate(&reversed(&document, true)).unwrap_or_else(|e| panic!("{name} reordered: {e}"));
        assert_eq!(signatures, constructors(&after.files), "{name}");
    }
    assert!(with_arguments >= 5, "too few constructors with several arguments to tell: {with_arguments}");
}

/// The schema names `value` refers to.
fn references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => map.values().for_each(|v| references(v, out)),
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        Value::String(text) => {
            if let Some(name) = text.strip_prefix(SCHEMA_PREFIX) {
                out.insert(name.to_owned());
            }
        }
        _ => {}
    }
}

/// The document without the component schemas nothing outside them reaches.
fn without_unused_schemas(document: &Value) -> Value {
    let mut document = document.clone();
    let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object).cloned() else { return document };
    let mut outside = document.clone();
    if let Some(components) = outside.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("schemas");
    }
    let mut used = BTreeSet::new();
    references(&outside, &mut used);
    let mut frontier: Vec<String> = used.iter().cloned().collect();
    while let Some(name) = frontier.pop() {
        let mut next = BTreeSet::new();
        if let Some(schema) = schemas.get(&name) {
            references(schema, &mut next);
        }
        for found in next {
            if used.insert(found.clone()) {
                frontier.push(found);
            }
        }
    }
    if let Some(kept) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        kept.retain(|name, _| used.contains(name));
    }
    document
}

#[test]
fn an_update_that_only_adds_operations_reports_only_what_was_added() {
    let Some(snapshots) = snapshots() else { return };
    let Some((name, text)) = snapshots.last() else { return };
    let full = parse(text);
    let Some(paths) = full.get("paths").and_then(Value::as_object) else { panic!("{name}: no paths") };
    let mut problems = Vec::new();
    let mut tried = 0;
    for path in paths.keys().step_by(7) {
        let mut before = full.clone();
        if let Some(paths) = before.get_mut("paths").and_then(Value::as_object_mut) {
            paths.shift_remove(path);
        }
        // The schemas only the removed operations used go too: the vendor
        // added them with the operations.
        let before = without_unused_schemas(&before);
        let Ok(old) = generate(&before) else { continue };
        let new = generate_with_record(&full, &generator::NameRecord::of(&old.model)).unwrap_or_else(|e| panic!("{e}"));
        tried += 1;
        let report = generator::diff::diff(&old.model, &new.model);
        for change in &report.changes {
            let operation_added = change.kind == generator::diff::Kind::Added && change.item.starts_with("Client::");
            let type_added = change.kind == generator::diff::Kind::Added && change.change.starts_with("schema ");
            if change.impact != generator::diff::Impact::Compatible || !(operation_added || type_added) {
                problems.push(format!("adding {path}: {:?} {} {}", change.impact, change.item, change.change));
            }
        }
        if !report.changes.iter().any(|c| c.item.starts_with("Client::")) {
            problems.push(format!("adding {path}: no operation reported"));
        }
    }
    assert!(tried >= 10, "{tried}");
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn rotating_numbered_names_in_the_shared_corpus_changes_no_byte() {
    let dir = crate::support::root().join("..").join("shared").join("corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    let mut rotated = 0;
    for file in files {
        if !file.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let document = parse(&text);
        let renames = rotation(&document);
        if renames.is_empty() {
            continue;
        }
        let name = file.display();
        // A YAML spec read as JSON values may not mean the same any more
        // (keys such as `on` or `200` change type); such a file is left out.
        let Ok(before) = generate(&document) else {
            println!("{name}: left out, it does not generate once read as JSON values");
            continue;
        };
        rotated += 1;
        let after = generate(&renamed(&document, &renames)).unwrap_or_else(|e| panic!("{name} renumbered: {e}"));
        let report = generator::diff::diff(&before.model, &after.model);
        println!("{name}: {} schemas renamed, {} changes", renames.len(), report.changes.len());
        assert!(report.is_empty(), "{name}: {} changes, the first {:?}", report.changes.len(), report.changes.first());
        assert_eq!(differing(&before.files, &after.files), Vec::<String>::new(), "{name}");
    }
    assert!(rotated >= 1, "no spec of the corpus has numbered schema names");
}

/// specs/ and generated-client/ copied into a scratch folder.
fn scratch_repository() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for dir in ["specs", "generated-client"] {
        crate::support::copy_tree(&crate::support::root().join(dir), &work.path().join(dir));
    }
    work
}

#[test]
fn regen_keeps_the_record_of_names_and_check_fails_without_it() {
    let work = scratch_repository();
    let record = work.path().join(generator::record::FILE);
    let checked_in = std::fs::read_to_string(&record).unwrap_or_else(|e| panic!("{e}"));
    assert!(checked_in.contains("\"POST /invoices/{}/line-item-groups\" = \"create_line_item_group\""), "{checked_in}");

    std::fs::remove_file(&record).unwrap_or_else(|e| panic!("{e}"));
    let error = xtask::regen::regen(work.path(), xtask::regen::Mode::Check).err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(error.contains("specs/names.toml differs") && error.contains("cargo xtask regen"), "{error}");

    // Deleted, the record is written again from the spec alone, and the
    // crate is the same: the recorded names are the ones the rules make.
    let client_before = crate::support::snapshot_tree(&work.path().join("generated-client/src"));
    xtask::regen::regen(work.path(), xtask::regen::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(&record).ok().as_deref(), Some(checked_in.as_str()));
    assert_eq!(crate::support::snapshot_tree(&work.path().join("generated-client/src")), client_before);
    assert!(xtask::regen::regen(work.path(), xtask::regen::Mode::Check).is_ok());

    // A recorded name is kept even where the rules would now choose another.
    let edited = checked_in.replace("= \"update_line_item\"", "= \"replace_line_item\"");
    std::fs::write(&record, &edited).unwrap_or_else(|e| panic!("{e}"));
    let (config, inputs) = xtask::regen::read_specs(work.path()).unwrap_or_else(|e| panic!("{e}"));
    let model = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.operations.iter().any(|o| o.name == "replace_line_item"));
    assert!(!model.operations.iter().any(|o| o.name == "update_line_item"));
}
