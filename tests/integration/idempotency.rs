//! Which operations send an idempotency key: those that declare its header,
//! those `[idempotency]` names, and the errors and warnings of a manifest
//! that asks for what the spec cannot give. (The keys on the wire are
//! tested by `fixtures/crate-tests/idempotency.rs`.)

use generator::diff::{Impact, Kind, diff};
use generator::model::{Api, Operation};
use generator::{Config, Idempotency, SpecInput};

use crate::support::root;

fn spec(paths: &str) -> Vec<SpecInput> {
    let text = format!("openapi: 3.0.0\ninfo: {{title: Keys, version: '1'}}\npaths:\n{paths}");
    vec![SpecInput { name: "keys.yaml".to_owned(), version: None, text }]
}

fn settings(header: &str, operations: &[&str]) -> Idempotency {
    Idempotency { header: header.to_owned(), operations: operations.iter().map(|o| (*o).to_owned()).collect() }
}

fn op<'a>(api: &'a Api, method: &str, path: &str) -> &'a Operation {
    api.operations.iter().find(|o| o.method.as_str() == method && o.path == path).unwrap_or_else(|| panic!("no {method} {path}"))
}

/// (wire name, setter, declared) of an operation's key.
fn key(api: &Api, method: &str, path: &str) -> Option<(String, String, bool)> {
    op(api, method, path).idempotency_key.as_ref().map(|k| (k.wire_name.clone(), k.param.clone(), k.declared))
}

const PATHS: &str = "  /v1/charges:\n    post:\n      responses: {'204': {description: ok}}\n    get:\n      responses: {'204': {description: ok}}\n  /v1/refunds:\n    post:\n      parameters:\n        - {name: idempotency_key, in: query, schema: {type: string}}\n      responses: {'204': {description: ok}}\n  /v2/notes:\n    post:\n      responses: {'204': {description: ok}}\n";

#[test]
fn sequences_customer_aliases_send_a_key_from_the_spec_alone() {
    let path = root().join("../shared/corpus/sequence-2024-07-30.product.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (the corpus is expected beside the repository)", path.display()));
    let inputs = [SpecInput { name: "sequence-2024-07-30.product.json".to_owned(), version: None, text }];
    let api = generator::model(&Config::new("sequence"), &inputs).unwrap_or_else(|e| panic!("{}", e.render(&inputs)));
    assert_eq!(key(&api, "POST", "/customer-aliases"), Some(("Idempotency-Key".to_owned(), "idempotency_key".to_owned(), true)));
    let keyed: Vec<String> = api.operations.iter().filter(|o| o.idempotency_key.is_some()).map(|o| format!("{} {}", o.method.as_str(), o.path)).collect();
    assert_eq!(keyed, ["POST /customer-aliases"], "only it declares the header");
    let param = op(&api, "POST", "/customer-aliases").params.iter().find(|p| p.name == "idempotency_key").map(|p| p.required);
    assert_eq!(param, Some(false), "a setter, never an argument");
}

#[test]
fn named_operations_get_a_key_parameter_of_their_own() {
    let config = Config::new("keys").idempotency(settings("Idempotency-Key", &["POST /v1/*"]));
    let api = generator::model(&config, &spec(PATHS)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(key(&api, "POST", "/v1/charges"), Some(("Idempotency-Key".to_owned(), "idempotency_key".to_owned(), false)));
    // The name the query parameter already has is taken: the key's setter is numbered.
    assert_eq!(key(&api, "POST", "/v1/refunds"), Some(("Idempotency-Key".to_owned(), "idempotency_key2".to_owned(), false)));
    assert_eq!(key(&api, "GET", "/v1/charges"), None, "another method");
    assert_eq!(key(&api, "POST", "/v2/notes"), None, "another path");
    assert_eq!(generator::lower::namespace_problems(&api), Vec::<String>::new());

    // `POST *` names every POST; the report calls it compatible.
    let everything = generator::model(&Config::new("keys").idempotency(settings("Idempotency-Key", &["post *"])), &spec(PATHS))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(everything.operations.iter().all(|o| o.idempotency_key.is_some() == (o.method.as_str() == "POST")));
    let report = diff(&api, &everything);
    let added: Vec<_> = report.changes.iter().filter(|c| c.change.contains("idempotency key")).collect();
    assert_eq!(added.len(), 1, "{report:#?}");
    assert_eq!((added[0].impact, added[0].kind, added[0].change.as_str()), (Impact::Compatible, Kind::Added, "sends an idempotency key (`Idempotency-Key`)"));
}

#[test]
fn a_declared_header_of_another_name_is_found_in_any_case() {
    let paths = "  /a:\n    post:\n      parameters:\n        - {name: x-request-key, in: header, required: true, schema: {type: string}}\n      responses: {'204': {description: ok}}\n  /b:\n    post:\n      parameters:\n        - {name: Idempotency-Key, in: header, schema: {type: string}}\n      responses: {'204': {description: ok}}\n";
    let api = generator::model(&Config::new("keys").idempotency(settings("X-Request-Key", &[])), &spec(paths)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(key(&api, "POST", "/a"), Some(("x-request-key".to_owned(), "x_request_key".to_owned(), true)));
    assert_eq!(key(&api, "POST", "/b"), None, "the manifest named another header");
    assert_eq!(op(&api, "POST", "/a").params.first().map(|p| p.required), Some(false), "the client fills in a required key");
}

#[test]
fn what_matches_nothing_fails_the_run() {
    let error = |idempotency: Idempotency| {
        let message = generator::model(&Config::new("keys").idempotency(idempotency), &spec(PATHS)).err().map(|e| e.to_string()).unwrap_or_default();
        message.lines().next().unwrap_or_default().to_owned()
    };
    assert_eq!(
        error(settings("Idempotency-Key", &["POST /v1/charges", "PUT /v1/charges"])),
        "specs/codegen.toml: [idempotency] operation `PUT /v1/charges` matched nothing in the specs"
    );
    assert_eq!(error(settings("X-Key", &[])), "specs/codegen.toml: [idempotency] header `X-Key` matched nothing in the specs");
    let held = generator::model(
        &Config::new("keys").client_headers(&["idempotency-key"]).idempotency(settings("Idempotency-Key", &["POST /v1/charges"])),
        &spec("  /v1/charges:\n    post:\n      parameters:\n        - {name: Idempotency-Key, in: header, schema: {type: string}}\n      responses: {'204': {description: ok}}\n"),
    );
    let held = held.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(held.contains("`Idempotency-Key` is both a [client] header and the [idempotency] header"), "{held}");
    let malformed = error(settings("Idempotency-Key", &["/v1/charges"]));
    assert!(malformed.contains("[idempotency] operation \"/v1/charges\" is not \"METHOD /path\""), "{malformed}");
}

#[test]
fn a_key_header_that_is_not_a_string_stays_a_parameter() {
    let paths = "  /a:\n    post:\n      parameters:\n        - {name: Idempotency-Key, in: header, schema: {type: integer}}\n      responses: {'204': {description: ok}}\n";
    let api = generator::model(&Config::new("keys"), &spec(paths)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(key(&api, "POST", "/a"), None);
    assert!(api.warnings.iter().any(|w| w.contains("is not a string, so the client cannot fill it with a UUID")), "{:?}", api.warnings);
    // Named in the manifest, the same is an error.
    let error = generator::model(&Config::new("keys").idempotency(settings("Idempotency-Key", &["POST /a"])), &spec(paths)).err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("is not a string"), "{message}");
}
