//! One namespace per scope: whatever names a spec uses, every scope of the
//! generated crate declares each name once, and never one the crate
//! declares itself. Checked on the model, so no compiling is needed.

use std::collections::BTreeSet;

use generator::lower::namespace_problems;
use generator::naming::reserved;
use generator::{Config, SpecInput};

use crate::support::{construct_fixtures, fixture_config, root};

#[test]
fn every_construct_and_the_checked_in_client_have_unique_names_in_every_scope() {
    let mut problems = Vec::new();
    for (stem, input) in construct_fixtures() {
        let model = generator::model(&fixture_config(&stem), &[input]).unwrap_or_else(|e| panic!("{stem}: {e}"));
        problems.extend(namespace_problems(&model).into_iter().map(|p| format!("{stem}: {p}")));
    }
    let (config, inputs) = crate::support::vendored();
    let model = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("specs/: {e}"));
    problems.extend(namespace_problems(&model).into_iter().map(|p| format!("specs/: {p}")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_corpus_specs_have_unique_names_in_every_scope() {
    let dir = root().join("..").join("shared").join("corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no corpus at {}", dir.display());
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml"));
    paths.sort();
    let mut problems = Vec::new();
    for path in &paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("spec").to_owned();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let input = SpecInput { name: name.clone(), version: None, text };
        let model = generator::model(&Config::new("corpus"), &[input]).unwrap_or_else(|e| panic!("{name}: {e}"));
        problems.extend(namespace_problems(&model).into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(paths.len() >= 5, "expected the corpus specs in {}", dir.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn spec(paths: &str) -> SpecInput {
    let text = format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}");
    SpecInput { name: "names.yaml".to_owned(), version: None, text }
}

fn input_again() -> SpecInput {
    spec(
        "  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      operationId: b\n      responses: {'200': {description: ok}}\n",
    )
}

#[test]
fn operations_named_like_the_clients_own_methods_are_renamed_and_reported() {
    let input = input_again();
    let config = Config::new("names").operation_name("a", "builder").operation_name("b", "base_url");
    let model = generator::model(&config, &[input]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["base_url2", "builder2"]);
    let reported: Vec<&generator::Warning> = model.warnings.iter().filter(|w| w.contains("is the client's own")).collect();
    assert_eq!(reported.len(), 2, "{:#?}", model.warnings);
    let builder = reported.iter().find(|w| w.contains("GET /a is named `builder2`: `Client::builder`"));
    let place = builder.and_then(|w| w.location.as_ref());
    assert_eq!(place.map(|l| (l.file.as_str(), l.line, l.pointer.as_deref())), Some(("names.yaml", Some(6), Some("/paths/~1a/get"))), "{reported:#?}");
    // Rendered like an error: the line of the spec, underlined.
    let rendered = builder.map(|w| w.render(&[input_again()])).unwrap_or_default();
    assert!(rendered.starts_with("warning: GET /a is named `builder2`"), "{rendered}");
    assert!(rendered.contains("--> names.yaml:6:7") && rendered.contains("operationId: a"), "{rendered}");
}

#[test]
fn tags_named_like_the_crates_modules_get_modules_of_their_own() {
    let input = spec(
        "  /a:\n    get:\n      tags: [Types]\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      tags: [types]\n      responses: {'200': {description: ok}}\n  /c:\n    get:\n      tags: [Client]\n      responses: {'200': {description: ok}}\n",
    );
    let output = generator::generate(&Config::new("names").layout(generator::Layout::Crate), &[input]).unwrap_or_else(|e| panic!("{e}"));
    let modules: BTreeSet<&str> = output.model.operations.iter().map(|o| o.module.as_str()).collect();
    assert_eq!(modules, BTreeSet::from(["client2", "types2", "types3"]));
    // The crate's own files are still the crate's.
    let types = output.files.get("src/generated/types.rs").map(String::as_str).unwrap_or_default();
    assert!(!types.contains("impl super::Client"), "types.rs holds operations:\n{types}");
    for module in ["client2", "types2", "types3"] {
        assert!(output.files.contains_key(&format!("src/generated/{module}.rs")), "no {module}.rs");
    }
    let declared = output.files.get("src/generated/mod.rs").map(String::as_str).unwrap_or_default();
    for module in ["runtime", "types", "api", "client", "client2", "types2", "types3"] {
        assert_eq!(declared.matches(&format!("mod {module};")).count(), 1, "mod {module} in:\n{declared}");
    }
}

/// The reserved lists are the crate's real names: each re-export exists
/// in the runtime, and each method of the call builder, the client and its
/// builder is in its list, so a name the runtime adds cannot be missed.
#[test]
fn the_reserved_names_match_what_the_runtime_and_client_declare() {
    let runtime_dir = root().join("generator").join("runtime");
    let runtime: String = std::fs::read_dir(&runtime_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", runtime_dir.display()))
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    for name in reserved::RUNTIME_EXPORTS {
        let declared = ["struct", "enum", "type", "trait"].iter().any(|kind| runtime.contains(&format!("pub {kind} {name}")));
        assert!(declared, "the runtime declares no `{name}`");
    }
    let call = std::fs::read_to_string(runtime_dir.join("call.rs")).unwrap_or_default();
    for method in public_fns(&call) {
        assert!(reserved::CALL_METHODS.contains(&method.as_str()), "runtime::Call::{method} is missing from reserved::CALL_METHODS");
    }
    let client = std::fs::read_to_string(root().join("generated-client/src/generated/client.rs")).unwrap_or_default();
    let (client_impl, builder_impl) = client.split_once("pub struct ClientBuilder").unwrap_or((&client, ""));
    for method in public_fns(client_impl) {
        assert!(reserved::CLIENT_METHODS.contains(&method.as_str()), "Client::{method} is missing from reserved::CLIENT_METHODS");
    }
    // `sequence_version` is the invoice API's client header.
    for method in public_fns(builder_impl).into_iter().filter(|m| m != "sequence_version") {
        let listed = reserved::CLIENT_BUILDER_METHODS.contains(&method.as_str()) || reserved::HEADER_AUTH_METHODS.contains(&method.as_str());
        assert!(listed, "ClientBuilder::{method} is missing from reserved::CLIENT_BUILDER_METHODS and HEADER_AUTH_METHODS");
    }
}

/// The public methods in `source` (indented: inside an `impl`).
fn public_fns(source: &str) -> Vec<String> {
    source
        .split("\n    pub fn ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
        .map(str::to_owned)
        .collect()
}

/// A scheme's setter is its sort's plain name when it is the only one of its
/// sort, else its key's (without a trailing `auth`); each keeps clear of the
/// builder's own methods, and of the `Authorization` parameter style's when
/// the spec has that too. Environment variables follow the setters.
#[test]
fn security_scheme_setters_are_named_by_sort_or_key_and_never_collide() {
    let spec = "\
openapi: 3.0.0
info: {title: schemes, version: '1'}
components:
  securitySchemes:
    ApiKeyAuth: {type: http, scheme: bearer}
    AdminApiKeyAuth: {type: http, scheme: bearer}
    retry_policy: {type: apiKey, in: header, name: X-Retry}
    basic: {type: http, scheme: basic}
paths:
  /models:
    get:
      parameters: [{name: Authorization, in: header, schema: {type: string}}]
      responses: {'204': {description: Done}}
";
    let input = SpecInput { name: "schemes.yaml".to_owned(), version: None, text: spec.to_owned() };
    let model = generator::model(&Config::new("openai"), &[input]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<(&str, &str, Vec<&str>)> = model
        .security_schemes
        .iter()
        .map(|s| (s.key.as_str(), s.setter.as_str(), s.env_variables.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        names,
        [
            ("AdminApiKeyAuth", "admin_api_key", vec!["OPENAI_ADMIN_API_KEY"]),
            ("ApiKeyAuth", "api_key", vec!["OPENAI_API_KEY"]),
            // `basic_auth` is the `Authorization` parameter's setter here.
            ("basic", "basic_auth2", vec!["OPENAI_BASIC_AUTH2_USERNAME", "OPENAI_BASIC_AUTH2_PASSWORD"]),
            ("retry_policy", "api_key2", vec!["OPENAI_API_KEY2"]),
        ]
    );
    assert!(namespace_problems(&model).is_empty(), "{:?}", namespace_problems(&model));
    // Warnings are in the order of their places in the spec.
    let renamed: Vec<&str> = model.warnings.iter().map(|w| w.message.as_str()).filter(|m| m.contains("is set with")).collect();
    assert_eq!(renamed, [
        "the credential of security scheme `retry_policy` is set with `api_key2`: `api_key` is another method of the client builder",
        "the credential of security scheme `basic` is set with `basic_auth2`: `basic_auth` is another method of the client builder",
    ]);
}
