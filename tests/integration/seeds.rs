//! Seed 003 is a second rendering of the "Update a line item" page whose
//! OpenAPI text was vendored from seed 001: the two must agree.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{at, seeds_dir, spec_value};

const SEED_003: &str = "003_609697015c8c6593.txt";
const SPEC_001: &str = "invoices.2024-07-30.update-line-item.yaml";

/// The JSON objects in the rendered page, in order: the curl `--data` body
/// and the response example come first.
fn json_objects(text: &str) -> Vec<Value> {
    let mut objects = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let candidate = &rest[start..];
        let mut stream = serde_json::Deserializer::from_str(candidate).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) if value.is_object() => {
                objects.push(value);
                rest = &candidate[stream.byte_offset()..];
            }
            _ => rest = &candidate[1..],
        }
    }
    objects
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn rendered_page_agrees_with_the_vendored_spec() {
    let page = std::fs::read_to_string(seeds_dir().join(SEED_003)).unwrap_or_else(|e| panic!("{SEED_003}: {e}"));
    let spec = spec_value(SPEC_001);
    let operation = "/paths/~1invoices~1{invoice}~1line-items~1{id}/put";

    // Method and path.
    assert!(page.contains("--request PUT"));
    assert!(page.contains("/invoices/{invoice}/line-items/{id}"));
    assert!(spec.pointer(operation).is_some());

    let objects = json_objects(&page);
    let (request, response) = match objects.as_slice() {
        [request, response, ..] => (request, response),
        _ => panic!("the page should show a request and a response body"),
    };

    let schemas = "/components/schemas";
    let request_fields = keys(at(&spec, &format!("{schemas}/Stable20240101CreateOrUpdateLineItem/properties")));
    let response_fields = keys(at(&spec, &format!("{schemas}/Stable20240101LineItemResponse/properties")));
    assert_eq!(keys(request), request_fields, "request fields");
    assert_eq!(keys(response), response_fields, "response fields");

    // The examples agree value for value.
    assert_eq!(request, at(&spec, &format!("{operation}/requestBody/content/application~1json/schema/example")));
    assert_eq!(response, at(&spec, &format!("{operation}/responses/200/content/application~1json/schema/example")));
}
