//! The documents Prism serves: the merged spec as JSON without the parts
//! Prism trips on, whole or as chunks of operations with only the components
//! they reach.
//!
//! Prism resolves every `$ref` it finds, examples included; a `$ref` inside an
//! example that names a public URL (GitHub's spec has them) makes it exit at
//! start-up with no network. In dynamic mode Prism builds answers from the
//! schemas and never reads examples, so they are dropped, with the `x-`
//! extensions (nothing Prism reads, and some hold such refs too).
//! Prism needs minutes to start on the largest specs (Stripe's, whole, did not
//! start within 8.5 minutes), so a spec with many operations is served in
//! chunks, one Prism each.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Objects whose keys are names (a property, a path, a status), never
/// keywords: `example` there is a property called so, not an example.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "paths",
    "responses",
    "content",
    "headers",
    "encoding",
    "links",
    "callbacks",
    "mapping",
    "variables",
    "definitions",
    "$defs",
    "scopes",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "pathItems",
];
/// Keywords whose values are data, not schemas or spec objects.
const DATA_KEYWORDS: &[&str] = &["enum", "default", "const", "required"];
/// Nesting deeper than this is refused rather than walked.
const MAX_DEPTH: usize = 256;
/// The HTTP methods of a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The merged spec as Prism should read it: examples, `components/examples`
/// and `x-` extensions removed.
pub fn prepare(spec: &Value) -> anyhow::Result<Value> {
    let mut document = spec.clone();
    if let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("examples");
    }
    strip(&mut document, false, 0)?;
    Ok(document)
}

/// Removes `example`, `examples` and `x-…` keys wherever they are keywords.
/// `names` is true for an object whose keys are names.
fn strip(value: &mut Value, names: bool, depth: usize) -> anyhow::Result<()> {
    if depth > MAX_DEPTH {
        return Err(anyhow::anyhow!("the spec nests deeper than {MAX_DEPTH} levels; the sweep cannot prepare it for Prism"));
    }
    match value {
        Value::Object(object) => {
            if !names {
                object.retain(|key, _| key != "example" && key != "examples" && !key.starts_with("x-"));
            }
            for (key, child) in object.iter_mut() {
                if !names && DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                // `components` holds maps of names; so do the name maps of a keyword position.
                let child_names = !names && (NAME_MAPS.contains(&key.as_str()) && !matches!(child, Value::Array(_)) || key == "components");
                if key == "components" && !names {
                    if let Value::Object(kinds) = child {
                        for kind in kinds.values_mut() {
                            strip(kind, true, depth + 2)?;
                        }
                    }
                    continue;
                }
                strip(child, child_names, depth + 1)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                strip(item, false, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// An operation of the spec: its path and lowercase method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationKey {
    pub path: String,
    pub method: String,
}

/// The operations of a document, in the order of its paths.
pub fn operations(document: &Value) -> Vec<OperationKey> {
    let mut keys = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else { return keys };
    for (path, item) in paths {
        for method in METHODS {
            if item.get(*method).is_some_and(Value::is_object) {
                keys.push(OperationKey { path: path.clone(), method: (*method).to_owned() });
            }
        }
    }
    keys
}

/// A component named by a local reference: its kind (`schemas`) and name.
pub type Component = (String, String);

/// The component a `#/components/<kind>/<name>` reference names.
pub fn component_of(reference: &str) -> Option<Component> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    let unescape = |text: &str| text.replace("~1", "/").replace("~0", "~");
    Some((unescape(kind), unescape(name)))
}

/// Every component reachable from `seeds` through local references,
/// followed with a work list (no recursion, each component once).
pub fn reachable<'a>(document: &'a Value, seeds: impl IntoIterator<Item = &'a Value>) -> BTreeSet<Component> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<&Value> = seeds.into_iter().collect();
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                if let Some(component) = object.get("$ref").and_then(Value::as_str).and_then(component_of) {
                    let target = document.get("components").and_then(|c| c.get(&component.0)).and_then(|k| k.get(&component.1));
                    if found.insert(component) {
                        stack.extend(target);
                    }
                }
                stack.extend(object.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// A document holding only `operations` of `document` and the components
/// they reach (all security schemes, which operations name without `$ref`).
pub fn chunk(document: &Value, operations: &[OperationKey]) -> Value {
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let source_paths = document.get("paths").and_then(Value::as_object);
    for key in operations {
        let Some(item) = source_paths.and_then(|p| p.get(&key.path)).and_then(Value::as_object) else { continue };
        let entry = paths.entry(key.path.as_str()).or_insert_with(|| {
            // Everything of the path item but its operations: shared parameters, servers.
            item.iter().filter(|(k, _)| !METHODS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
        });
        if let Some(operation) = item.get(&key.method) {
            entry.insert(key.method.clone(), operation.clone());
        }
    }
    let paths: Map<String, Value> = source_paths
        .into_iter()
        .flatten()
        .filter_map(|(path, _)| paths.remove(path.as_str()).map(|item| (path.clone(), Value::Object(item))))
        .collect();
    let seeds: Vec<&Value> = paths.values().collect();
    let components = reachable(document, seeds.iter().copied());
    let mut out = Map::new();
    for (key, value) in document.as_object().into_iter().flatten() {
        match key.as_str() {
            "paths" | "components" | "tags" | "webhooks" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out.insert("paths".to_owned(), Value::Object(paths));
    let mut kept = Map::new();
    for (kind, name) in &components {
        let Some(value) = document.get("components").and_then(|c| c.get(kind)).and_then(|k| k.get(name)) else { continue };
        if let Value::Object(entries) = kept.entry(kind.clone()).or_insert_with(|| Value::Object(Map::new())) {
            entries.insert(name.clone(), value.clone());
        }
    }
    if let Some(schemes) = document.get("components").and_then(|c| c.get("securitySchemes")) {
        kept.insert("securitySchemes".to_owned(), schemes.clone());
    }
    out.insert("components".to_owned(), Value::Object(kept));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/pets": {
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pets"},
                        "example": {"$ref": "https://example.com/pets.json"},
                        "examples": {"one": {"$ref": "#/components/examples/One"}}
                    }}}}},
                    "post": {"responses": {"204": {"description": "ok"}}}
                },
                "/owners": {"get": {"x-meta": {"$ref": "https://example.com/x"}, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}}}}}}
            },
            "components": {
                "schemas": {
                    "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "Pet": {"type": "object", "properties": {
                        "example": {"type": "string", "example": "a property called example"},
                        "parent": {"$ref": "#/components/schemas/Pet"}
                    }, "example": {"$ref": "https://example.com/pet"}},
                    "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "Unused": {"type": "string"}
                },
                "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}, "example": 3}},
                "examples": {"One": {"value": {"$ref": "https://example.com/one"}}},
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
            }
        })
    }

    fn refs(value: &Value) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(object) => {
                    found.extend(object.get("$ref").and_then(Value::as_str).map(str::to_owned));
                    stack.extend(object.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        found.sort();
        found
    }

    #[test]
    fn examples_and_their_refs_are_gone_and_properties_called_example_stay() {
        let prepared = prepare(&spec()).expect("prepared");
        let remaining = refs(&prepared);
        assert!(remaining.iter().all(|r| r.starts_with("#/components/") && !r.contains("examples")), "{remaining:?}");
        assert!(prepared.pointer("/components/examples").is_none());
        assert!(prepared.pointer("/components/parameters/Limit/example").is_none());
        assert!(prepared.pointer("/components/schemas/Pet/example").is_none());
        assert!(prepared.pointer("/paths/~1owners/get/x-meta").is_none());
        let property = prepared.pointer("/components/schemas/Pet/properties/example").expect("the property called example");
        assert_eq!(property, &json!({"type": "string"}));
        // Everything else is as it was.
        assert_eq!(prepared.pointer("/components/schemas/Owner"), spec().pointer("/components/schemas/Owner"));
    }

    #[test]
    fn a_chunk_holds_exactly_the_components_its_operations_reach() {
        let prepared = prepare(&spec()).expect("prepared");
        let pets = [OperationKey { path: "/pets".into(), method: "get".into() }];
        let chunk = chunk(&prepared, &pets);
        let paths: Vec<&String> = chunk["paths"].as_object().expect("paths").keys().collect();
        assert_eq!(paths, ["/pets"]);
        assert!(chunk.pointer("/paths/~1pets/post").is_none(), "only the chosen operation");
        assert!(chunk.pointer("/paths/~1pets/parameters").is_some(), "the path item's own parameters stay");
        let schemas: Vec<&String> = chunk["components"]["schemas"].as_object().expect("schemas").keys().collect();
        assert_eq!(schemas, ["Pet", "Pets"]);
        let parameters: Vec<&String> = chunk["components"]["parameters"].as_object().expect("parameters").keys().collect();
        assert_eq!(parameters, ["Limit"]);
        assert!(chunk.pointer("/components/securitySchemes/key").is_some());
        // Every reference of the chunk resolves inside it.
        for reference in refs(&chunk) {
            assert!(chunk.pointer(&reference[1..]).is_some(), "{reference} dangles");
        }
        let owners = chunk_of(&prepared, "/owners");
        let schemas: Vec<&String> = owners["components"]["schemas"].as_object().expect("schemas").keys().collect();
        assert_eq!(schemas, ["Owner"]);
        assert!(owners["components"].get("parameters").is_none());
    }

    fn chunk_of(document: &Value, path: &str) -> Value {
        chunk(document, &[OperationKey { path: path.into(), method: "get".into() }])
    }

    #[test]
    fn operations_are_listed_in_path_order() {
        let keys: Vec<(String, String)> = operations(&spec()).into_iter().map(|k| (k.path, k.method)).collect();
        assert_eq!(keys, [("/pets".to_owned(), "get".to_owned()), ("/pets".into(), "post".into()), ("/owners".into(), "get".into())]);
    }

    #[test]
    fn references_to_components_are_read_with_escapes() {
        assert_eq!(component_of("#/components/schemas/a~1b"), Some(("schemas".to_owned(), "a/b".to_owned())));
        assert_eq!(component_of("https://example.com/x"), None);
    }
}
