//! Several published versions of one API merged into one client: the
//! fixtures of `tests/fixtures/versions/<case>/`, each a `codegen.toml` with
//! its spec files, snapshotted as model and code, and the rules checked on
//! what they produce.

use std::path::{Path, PathBuf};

use generator::{Config, SpecInput};

use crate::support::fixtures_dir;

/// One case: its configuration and inputs, as `cargo xtask regen` reads
/// them (named `specs/<file>`, with the manifest's version labels).
pub struct Case {
    pub name: String,
    pub config: Config,
    pub inputs: Vec<SpecInput>,
}

pub fn read_case(dir: &Path) -> Case {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let specs = xtask::regen::specs_from(&|file: &str| std::fs::read_to_string(dir.join(file.strip_prefix("specs/").unwrap_or(file))).map_err(Into::into))
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    Case { name, config: specs.config, inputs: specs.inputs }
}

/// Every case, sorted.
pub fn cases() -> Vec<Case> {
    let dir = fixtures_dir().join("versions");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "expected the version fixtures in {}", dir.display());
    dirs.iter().map(|d| read_case(d)).collect()
}

fn case(name: &str) -> Case {
    read_case(&fixtures_dir().join("versions").join(name))
}

fn model(case: &Case) -> generator::model::Api {
    generator::model(&case.config, &case.inputs).unwrap_or_else(|e| panic!("{}: {}", case.name, e.render(&case.inputs)))
}

fn operation<'a>(api: &'a generator::model::Api, name: &str) -> &'a generator::model::Operation {
    api.operations.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("no operation {name}"))
}

/// What an operation sends of its own, as `(header, value)`.
fn sends(op: &generator::model::Operation) -> Vec<(&str, &str)> {
    op.client_header_values.iter().map(|h| (h.wire_name.as_str(), h.value.as_str())).collect()
}

fn type_names(api: &generator::model::Api) -> Vec<&str> {
    api.types.iter().map(|t| t.name.as_str()).collect()
}

fn field_names<'a>(api: &'a generator::model::Api, ty: &str) -> Vec<&'a str> {
    let def = api.types.iter().find(|t| t.name == ty).unwrap_or_else(|| panic!("no type {ty}"));
    match &def.kind {
        generator::model::TypeKind::Struct { fields, .. } => fields.iter().map(|f| f.wire_name.as_str()).collect(),
        _ => panic!("{ty} is not a struct"),
    }
}

#[test]
fn version_cases_produce_the_expected_model_and_code() {
    for case in cases() {
        let output = generator::generate(&case.config, &case.inputs).unwrap_or_else(|e| panic!("{}: {}", case.name, e.render(&case.inputs)));
        insta::assert_yaml_snapshot!(format!("versions_model__{}", case.name), output.model);
        let code: String = output
            .files
            .iter()
            .filter(|(path, _)| !path.contains("/runtime/"))
            .map(|(path, contents)| format!("==> {path}\n{contents}\n"))
            .collect();
        insta::assert_snapshot!(format!("versions_code__{}", case.name), code);

        // The same output whatever order the files come in.
        let mut reversed = case.inputs.clone();
        reversed.reverse();
        let again = generator::generate(&case.config, &reversed).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert!(again.files == output.files, "{}: the output depends on the order of the files", case.name);
    }
}

#[test]
fn definitions_that_differ_only_in_the_version_header_are_one() {
    let api = model(&case("header-only"));
    assert_eq!(api.operations.len(), 2);
    for op in &api.operations {
        // The newest version that defines it so.
        assert_eq!(op.version.as_deref(), Some("2024-05-09"), "{}", op.name);
        assert_eq!(sends(op), [("Sequence-Version", "2024-05-09")], "{}", op.name);
        assert!(op.params.iter().all(|p| p.wire_name != "Sequence-Version"), "{}: the header is a client setting", op.name);
    }
    assert_eq!(api.client_headers.first().and_then(|h| h.default.as_deref()), Some("2024-05-09"));

    // The header makes no difference only when it names its own file's version.
    let mut mislabelled = case("header-only");
    for input in &mut mislabelled.inputs {
        input.version = Some("2030-01-01".to_owned());
    }
    let error = generator::model(&mislabelled.config, &mislabelled.inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("2 definitions differ") && error.contains("GET /things") && error.contains("POST /things"), "{error}");
}

#[test]
fn definitions_that_differ_only_in_descriptions_are_one_with_the_newest_docs() {
    let api = model(&case("descriptions-only"));
    let list = operation(&api, "list_things");
    assert_eq!(list.version.as_deref(), Some("2024-05-09"));
    assert_eq!(list.summary.as_deref(), Some("List all things"));
    assert_eq!(sends(list), [("Sequence-Version", "2024-05-09")]);
}

#[test]
fn changed_definitions_need_a_policy_and_newest_takes_the_newest() {
    let changed = case("changed");
    // Without the policy: every conflict at once.
    let strict = Config::new("strict").client_headers(&["Sequence-Version"]).version_prefix("Stable");
    let error = generator::model(&strict, &changed.inputs).err().unwrap_or_else(|| panic!("conflicts were merged without a policy"));
    let message = error.to_string();
    assert!(message.starts_with("3 definitions differ"), "{message}");
    for what in ["GET /things:", "POST /things:", "schema \"CreateThing\":"] {
        assert!(message.contains(what), "{what} missing:\n{message}");
    }
    assert!(message.contains("[merge]\n        prefer = \"newest\""), "{message}");

    let api = model(&changed);
    for op in &api.operations {
        assert_eq!(op.version.as_deref(), Some("2024-05-09"), "{}", op.name);
        assert_eq!(sends(op), [("Sequence-Version", "2024-05-09")], "{}", op.name);
    }
    assert_eq!(field_names(&api, "CreateThing"), ["name", "size"]);
    assert_eq!(field_names(&api, "Thing"), ["id", "name", "size"]);
    // Only the discarded 2024-01-01 definitions used `Stable20240101Thing`.
    assert_eq!(type_names(&api), ["CreateThing", "Thing"]);
}

#[test]
fn an_operation_only_an_older_version_has_sends_that_version() {
    let api = model(&case("older-only"));
    let seats = operation(&api, "list_seat_types");
    assert_eq!(seats.version.as_deref(), Some("2024-01-01"));
    assert_eq!(sends(seats), [("Sequence-Version", "2024-01-01")]);
    let things = operation(&api, "list_things");
    assert_eq!(things.version.as_deref(), Some("2024-05-09"));
    assert_eq!(sends(things), [("Sequence-Version", "2024-05-09")]);
    assert_eq!(field_names(&api, "Thing"), ["id", "name"], "the newest Thing");
    assert!(type_names(&api).contains(&"SeatType"), "a kept operation's type stays");
}

#[test]
fn pins_choose_one_version_for_an_operation_or_a_schema() {
    let api = model(&case("pin"));
    let list = operation(&api, "list_things");
    assert_eq!(list.version.as_deref(), Some("2024-01-01"));
    assert_eq!(sends(list), [("Sequence-Version", "2024-01-01")]);
    let get = operation(&api, "get_thing");
    assert_eq!(get.version.as_deref(), Some("2024-05-09"));
    // Both versions of Thing survive: the newest has the clean name.
    assert_eq!(field_names(&api, "Thing"), ["id", "name", "size"]);
    assert_eq!(field_names(&api, "ThingV20240101"), ["id", "name"]);
    assert_eq!(list.success_type(), Some(&generator::model::TypeRef::Named("ThingV20240101".to_owned())));
    // The schema pin holds although the operation using it is the newest's.
    assert_eq!(field_names(&api, "Widget"), ["id", "colour"]);
    assert_eq!(operation(&api, "list_widgets").version.as_deref(), Some("2024-05-09"));
}

#[test]
fn a_pin_that_matches_nothing_fails_the_run() {
    let pin = case("pin");
    for (config, key) in [
        (pin.config.clone().pin_operation("GET /nothing", "2024-01-01"), "`GET /nothing` matched nothing"),
        (pin.config.clone().pin_operation("GET /things/{id}", "2023-01-01"), "`GET /things/{id}` matched nothing"),
        (pin.config.clone().pin_schema("Nothing", "2024-01-01"), "[merge.schemas] entry `Nothing` matched nothing"),
    ] {
        let message = generator::model(&config, &pin.inputs).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(key), "{message}");
    }
}

#[test]
fn the_manifest_refuses_an_unknown_merge_preference() {
    let text = "[crate]\nname = \"x\"\n\n[[spec]]\nfile = \"a.yaml\"\nversion = \"1\"\n\n[merge]\nprefer = \"oldest\"\n";
    let message = generator::Manifest::parse("codegen.toml", text).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("oldest") && message.contains("newest"), "{message}");
}

/// Moving a pin, or the policy, from one version to another changes what
/// the calls ask the server for: the change report says so, with the
/// versions and the header values, next to the changes of the types.
#[test]
fn moving_a_pin_reads_as_an_api_change() {
    let pin = case("pin");
    let before = model(&pin);
    let mut config = generator::Config::new("versions-pin").client_headers(&["Sequence-Version"]).version_prefix("Stable").prefer_newest();
    config = config.pin_schema("Widget", "2024-01-01");
    let after = generator::model(&config, &pin.inputs).unwrap_or_else(|e| panic!("{e}"));
    let report = generator::diff::diff(&before, &after);
    let lines: Vec<String> = report.changes.iter().map(|c| format!("{}: {}", c.item, c.change)).collect();
    assert!(
        lines.contains(&"Client::list_things: now taken from API version `2024-05-09` (was API version `2024-01-01`), sends `Sequence-Version: 2024-05-09` (was `Sequence-Version: 2024-01-01`)".to_owned()),
        "{lines:#?}"
    );
    // The old definition's type goes with it.
    assert!(lines.iter().any(|l| l.starts_with("types::ThingV20240101:")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.starts_with("Client::get_thing:")), "get_thing did not move: {lines:#?}");

    // An operation added by a version names it.
    let older = case("older-only");
    let mut without = older.inputs.clone();
    without.retain(|i| i.version.as_deref() == Some("2024-05-09"));
    let report = generator::diff::diff(&model(&Case { name: "newest".to_owned(), config: older.config.clone(), inputs: without }), &model(&older));
    let lines: Vec<String> = report.changes.iter().map(|c| format!("{}: {}", c.item, c.change)).collect();
    assert!(lines.contains(&"Client::list_seat_types: operation `GET /seat-types` added (from API version `2024-01-01`)".to_owned()), "{lines:#?}");
}

/// Three versions of Sequence's product spec, made at run time from the
/// corpus's 2024-07-30 one (`xtask::versions`): the way the vendor's
/// versions differ, at the size of the real thing.
#[test]
fn three_versions_of_the_product_spec_merge() {
    let path = crate::support::root().join("../shared/corpus").join(xtask::versions::PRODUCT_SPEC);
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is absent", path.display());
        return;
    };
    let strict = Config::new("strict").client_headers(&["Sequence-Version"]).version_prefix("Stable");

    // Only the version header differs: one definition each, no policy needed.
    let same = xtask::versions::product_versions(&text, false).unwrap_or_else(|e| panic!("{e:#}"));
    let api = generator::model(&strict, &same).unwrap_or_else(|e| panic!("{}", e.render(&same)));
    assert_eq!(api.operations.len(), 173);
    for op in &api.operations {
        assert_eq!(op.version.as_deref(), Some("2024-07-30"), "{}", op.name);
        assert!(op.client_header_values.iter().all(|h| h.value == "2024-07-30"), "{}: {:?}", op.name, op.client_header_values);
    }

    // Real differences, no policy: every conflict in one run, one located line each.
    let changed = xtask::versions::product_versions(&text, true).unwrap_or_else(|e| panic!("{e:#}"));
    let error = generator::model(&strict, &changed).err().unwrap_or_else(|| panic!("the differing versions merged without a policy"));
    let generator::Error::Conflicts { conflicts } = &error else { panic!("not every conflict listed: {error}") };
    let message = error.to_string();
    assert!(conflicts.len() > 40, "{message}");
    println!("{} conflicts listed in one run", conflicts.len());
    assert!(message.starts_with(&format!("{} definitions differ", conflicts.len())), "{message}");
    for conflict in conflicts {
        assert!(conflict.places.len() >= 2 && conflict.places.iter().all(|p| p.line.is_some()), "{conflict:?}");
        assert_eq!(message.lines().filter(|l| l.starts_with(&format!("  {}: ", conflict.what))).count(), 1, "{}", conflict.what);
    }

    // The policy: the newest definition of each, and operations the newest
    // version dropped sent with the version that still has them.
    let api = generator::model(&xtask::versions::config("merged"), &changed).unwrap_or_else(|e| panic!("{}", e.render(&changed)));
    assert_eq!(api.operations.len(), 173, "every operation of every version");
    let older: Vec<&str> = api.operations.iter().filter(|o| o.version.as_deref() == Some("2024-05-09")).map(|o| o.name.as_str()).collect();
    assert_eq!(older.len(), 14, "{older:?}");
    for op in &api.operations {
        let version = op.version.as_deref().unwrap_or_default();
        assert!(op.client_header_values.iter().all(|h| h.value == version), "{}: {:?}", op.name, op.client_header_values);
        assert!(op.params.iter().all(|p| p.wire_name != "legacySort"), "{}: a 2024-01-01 definition was used", op.name);
    }
    let fields = |def: &generator::model::TypeDef| match &def.kind {
        generator::model::TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.wire_name == "legacyCode"),
        _ => false,
    };
    assert!(!api.types.iter().any(fields), "a 2024-01-01 schema was used");
}
