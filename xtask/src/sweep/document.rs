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
/// and `x-` extensions removed, empty schemas of media types other than
/// JSON made strings ([`text_for_empty_schemas`]), optional array headers
/// left out ([`drop_optional_array_headers`]), exclusive bounds made
/// inclusive ones a step inside ([`inclusive_bounds`]), and the form
/// encodings of optional properties left out
/// ([`drop_optional_form_encodings`]).
pub fn prepare(spec: &Value) -> anyhow::Result<Value> {
    let mut document = spec.clone();
    if let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("examples");
    }
    strip(&mut document, false, 0)?;
    text_for_empty_schemas(&mut document);
    drop_optional_array_headers(&mut document);
    inclusive_bounds(&mut document);
    drop_optional_form_encodings(&mut document);
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

/// The most references a chunk's operation may reach, counted along every
/// path (a reference is not entered again within its own path), before the
/// chunk's unions are narrowed ([`narrow_unions`]). Prism resolves every
/// path at start-up: OpenAI's largest operation reaches 7,216 and Prism
/// starts on it in seconds; each of Stripe's reaches more than 100,000 (its
/// expandable fields, `anyOf: [id, $ref object]`), and Prism did not start
/// within minutes.
pub const MAX_EXPANSION: usize = 20_000;

/// How many references `seed` reaches along every path in `document`,
/// counting up to `cap`: a reference already on the path is not entered
/// again. A work list, no recursion.
pub fn expansion(document: &Value, seed: &Value, cap: usize) -> usize {
    enum Step<'a> {
        Visit(&'a Value),
        Leave(&'a str),
    }
    let mut on_path: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![Step::Visit(seed)];
    let mut count = 0;
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(reference) => {
                on_path.remove(reference);
            }
            Step::Visit(Value::Object(object)) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    if on_path.contains(reference) {
                        continue;
                    }
                    let Some(target) = reference.strip_prefix('#').and_then(|pointer| document.pointer(pointer)) else { continue };
                    count += 1;
                    if count >= cap {
                        return count;
                    }
                    on_path.insert(reference);
                    stack.push(Step::Leave(reference));
                    stack.push(Step::Visit(target));
                    continue;
                }
                stack.extend(object.values().map(Step::Visit));
            }
            Step::Visit(Value::Array(items)) => stack.extend(items.iter().map(Step::Visit)),
            Step::Visit(_) => {}
        }
    }
    count
}

/// Whether some operation of `document` reaches more than
/// [`MAX_EXPANSION`] references.
pub fn too_wide(document: &Value) -> bool {
    operations(document).iter().any(|key| {
        let item = document.get("paths").and_then(|p| p.get(&key.path));
        let seed = serde_json::json!([item.and_then(|i| i.get(&key.method)), item.and_then(|i| i.get("parameters"))]);
        expansion(document, &seed, MAX_EXPANSION + 1) > MAX_EXPANSION
    })
}

/// Narrows every `anyOf` and `oneOf` that has an alternative other than a
/// bare reference to those alternatives (Stripe's expandable field keeps its
/// id and drops the expanded object). What Prism answers then still
/// satisfies the spec, and the requests the harness builds, which try a
/// bare reference last, satisfy the narrowed document.
pub fn narrow_unions(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                for key in ["anyOf", "oneOf"] {
                    if let Some(Value::Array(alternatives)) = object.get_mut(key) {
                        let bare = |a: &Value| a.as_object().is_some_and(|a| a.contains_key("$ref"));
                        if alternatives.iter().any(|a| !bare(a)) {
                            alternatives.retain(|a| !bare(a));
                        }
                    }
                }
                stack.extend(object.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Serves the operations whose path key carries a query string
/// (`/responses/{id}?beta=true`) at the path alone, the query string as
/// required parameters of those values: Prism matches path keys literally.
/// A chunk must not hold such an operation and one at the same path alone
/// ([`query_free_key`] tells which).
pub fn serve_query_keys(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let keys: Vec<String> = paths.keys().filter(|k| k.contains('?')).cloned().collect();
    for key in keys {
        let Some(mut item) = paths.remove(&key) else { continue };
        let (path, query) = key.split_once('?').unwrap_or((key.as_str(), ""));
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let parameter = serde_json::json!({"name": name, "in": "query", "required": true, "schema": {"type": "string", "enum": [value]}});
            for method in METHODS {
                if let Some(Value::Object(operation)) = item.get_mut(*method)
                    && let Value::Array(parameters) = operation.entry("parameters").or_insert_with(|| Value::Array(Vec::new()))
                {
                    parameters.push(parameter.clone());
                }
            }
        }
        paths.insert(path.to_owned(), item);
    }
}

/// The path key an operation is served at ([`serve_query_keys`]).
pub fn query_free_key(key: &OperationKey) -> (&str, &str) {
    (key.path.split_once('?').map_or(key.path.as_str(), |(path, _)| path), key.method.as_str())
}

/// Gives a response of any media type whose schema is empty (`*/*` with
/// `{}`, Oxide's device login) a string schema: Prism makes up an object for
/// `{}` and then cannot write it as text (`NO_COMPLEX_OBJECT_TEXT`). A
/// string satisfies `{}`.
pub fn text_for_empty_schemas(document: &mut Value) {
    for operation in operations_mut(document) {
        let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        for response in responses.values_mut() {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
            for (media_type, media) in content.iter_mut() {
                let json = media_type.contains("json");
                if let Some(schema) = media.get_mut("schema").filter(|s| s.as_object().is_some_and(Map::is_empty))
                    && !json
                {
                    *schema = serde_json::json!({"type": "string"});
                }
            }
        }
    }
}

/// Each operation object of the document's paths.
fn operations_mut(document: &mut Value) -> impl Iterator<Item = &mut Value> {
    let paths = document.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    paths.filter_map(Value::as_object_mut).flat_map(|item| item.iter_mut().filter(|(key, _)| METHODS.contains(&key.as_str())).map(|(_, operation)| operation))
}

/// `value`, or what its local `$ref` names in `document` (itself when that
/// names nothing there).
fn followed<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// Leaves out the optional header parameters whose schema is an array
/// (OpenAI's `openai-beta`): Prism 5.14.2 crashes on a request without one
/// (`Cannot read properties of undefined (reading 'split')` in its simple
/// style deserializer). The harness sends only required parameters, so
/// nothing it sends goes unchecked.
pub fn drop_optional_array_headers(document: &mut Value) {
    let resolved = document.clone();
    let optional_array_header = |parameter: &Value| {
        let parameter = followed(&resolved, parameter);
        let schema = parameter.get("schema").map(|schema| followed(&resolved, schema));
        parameter.get("in").and_then(Value::as_str) == Some("header")
            && parameter.get("required").and_then(Value::as_bool) != Some(true)
            && schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array")
    };
    let items = document.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|paths| paths.values_mut());
    for item in items {
        if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
            parameters.retain(|p| !optional_array_header(p));
        }
    }
    for operation in operations_mut(document) {
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            parameters.retain(|p| !optional_array_header(p));
        }
    }
}

/// Makes every exclusive bound an inclusive one a step inside it: Prism's
/// faker ignores `exclusiveMinimum` and `exclusiveMaximum` (the Redocly
/// starter's `volume` is `> 0`, and Prism answered `0`, then flagged its own
/// answer). The step is 1 for an integer, the `multipleOf` where there is
/// one, else a millionth; a value within the new bound is within the old.
/// Both spellings: OpenAPI 3.0's `exclusiveMinimum: true` beside `minimum`,
/// and 3.1's `exclusiveMinimum: <number>`.
pub fn inclusive_bounds(document: &mut Value) {
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                let step = match (object.get("type").and_then(Value::as_str), object.get("multipleOf").and_then(Value::as_f64)) {
                    (_, Some(multiple)) if multiple > 0.0 => multiple,
                    (Some("integer"), None) => 1.0,
                    _ => 1e-6,
                };
                for (exclusive, inclusive, sign) in [("exclusiveMinimum", "minimum", 1.0), ("exclusiveMaximum", "maximum", -1.0)] {
                    let bound = match object.get(exclusive) {
                        Some(Value::Bool(true)) => object.get(inclusive).and_then(Value::as_f64),
                        Some(Value::Number(number)) => number.as_f64(),
                        _ => continue,
                    };
                    object.remove(exclusive);
                    let Some(bound) = bound else { continue };
                    let inside = bound + sign * step;
                    // Whole numbers stay integers in the JSON.
                    let number = if inside.fract() == 0.0 && inside.abs() < 9.0e15 {
                        serde_json::Number::from(inside as i64)
                    } else {
                        let Some(number) = serde_json::Number::from_f64(inside) else { continue };
                        number
                    };
                    let tighter = match object.get(inclusive).and_then(Value::as_f64) {
                        Some(existing) => sign * existing < sign * inside,
                        None => true,
                    };
                    if tighter {
                        object.insert(inclusive.to_owned(), Value::Number(number));
                    }
                }
                stack.extend(object.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Leaves out the `encoding` entries of a form body's optional properties
/// (Stripe declares `style: deepObject` for each object property): Prism
/// 5.14.2 reads such a property as an empty object when the request does
/// not send it, and then flags its missing required fields, so that a body
/// of `success_url=…` alone was refused. The harness sends only required
/// properties, which keep their encoding.
pub fn drop_optional_form_encodings(document: &mut Value) {
    let resolved = document.clone();
    for operation in operations_mut(document) {
        let body = operation.get_mut("requestBody").and_then(|b| b.get_mut("content")).and_then(Value::as_object_mut);
        for (media_type, media) in body.into_iter().flatten() {
            if !media_type.starts_with("application/x-www-form-urlencoded") {
                continue;
            }
            let schema = media.get("schema").map(|schema| followed(&resolved, schema).clone()).unwrap_or(Value::Null);
            let required: Vec<&str> = schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            if let Some(Value::Object(encoding)) = media.get_mut("encoding") {
                encoding.retain(|name, _| required.contains(&name.as_str()));
            }
        }
    }
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
    fn expansion_counts_references_along_every_path_and_stops_at_cycles_and_the_cap() {
        // `A` reaches `B` twice and `B` reaches `C`: five references from the
        // seed; `C` refers back to `A`, which is on the path and not entered.
        let document = json!({"components": {"schemas": {
            "A": {"properties": {"x": {"$ref": "#/components/schemas/B"}, "y": {"$ref": "#/components/schemas/B"}}},
            "B": {"items": {"$ref": "#/components/schemas/C"}},
            "C": {"properties": {"back": {"$ref": "#/components/schemas/A"}}}
        }}});
        let seed = json!({"schema": {"$ref": "#/components/schemas/A"}});
        assert_eq!(expansion(&document, &seed, 100), 5);
        assert_eq!(expansion(&document, &seed, 3), 3);
        assert_eq!(expansion(&document, &json!({"$ref": "https://example.com/x"}), 100), 0);
        assert!(!too_wide(&spec()));
    }

    #[test]
    fn a_union_keeps_its_alternatives_that_are_not_bare_references() {
        let mut schema = json!({"properties": {
            "customer": {"anyOf": [{"type": "string", "maxLength": 5000}, {"$ref": "#/components/schemas/Customer"}]},
            "source": {"oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}]},
            "nested": {"items": {"anyOf": [{"$ref": "#/components/schemas/Card"}, {"type": "array", "items": {"$ref": "#/components/schemas/Card"}}]}}
        }});
        narrow_unions(&mut schema);
        assert_eq!(schema.pointer("/properties/customer/anyOf"), Some(&json!([{"type": "string", "maxLength": 5000}])));
        // Only references: nothing else to keep, so all stay.
        assert_eq!(schema.pointer("/properties/source/oneOf").and_then(Value::as_array).map(Vec::len), Some(2));
        assert_eq!(schema.pointer("/properties/nested/items/anyOf"), Some(&json!([{"type": "array", "items": {"$ref": "#/components/schemas/Card"}}])));
    }

    #[test]
    fn a_path_key_with_a_query_string_is_served_at_its_path_with_required_parameters() {
        let mut document = json!({"paths": {
            "/responses/{id}?beta=true&v=2": {"get": {"parameters": [{"name": "id", "in": "path", "required": true}], "responses": {}}},
            "/batches?beta=true": {"post": {"responses": {}}}
        }});
        serve_query_keys(&mut document);
        let mut paths: Vec<&String> = document["paths"].as_object().expect("paths").keys().collect();
        paths.sort();
        assert_eq!(paths, ["/batches", "/responses/{id}"]);
        let parameters = document.pointer("/paths/~1responses~1{id}/get/parameters").expect("parameters");
        assert_eq!(parameters[1], json!({"name": "beta", "in": "query", "required": true, "schema": {"type": "string", "enum": ["true"]}}));
        assert_eq!(parameters[2]["name"], "v");
        assert_eq!(document.pointer("/paths/~1batches/post/parameters/0/name"), Some(&json!("beta")));
        let key = OperationKey { path: "/batches?beta=true".into(), method: "post".into() };
        assert_eq!(query_free_key(&key), ("/batches", "post"));
    }

    #[test]
    fn an_empty_schema_of_a_media_type_other_than_json_is_served_as_text() {
        let mut document = json!({"paths": {"/device/auth": {"post": {"responses": {
            "default": {"content": {"*/*": {"schema": {}}, "application/json": {"schema": {}}}},
            "200": {"content": {"text/plain": {"schema": {"type": "object"}}}}
        }}}}});
        text_for_empty_schemas(&mut document);
        let responses = document.pointer("/paths/~1device~1auth/post/responses").expect("responses");
        assert_eq!(responses.pointer("/default/content/*~1*/schema"), Some(&json!({"type": "string"})));
        assert_eq!(responses.pointer("/default/content/application~1json/schema"), Some(&json!({})));
        assert_eq!(responses.pointer("/200/content/text~1plain/schema"), Some(&json!({"type": "object"})));
    }

    #[test]
    fn optional_array_headers_are_left_out_and_every_other_parameter_stays() {
        let mut document = json!({
            "paths": {"/responses": {
                "parameters": [{"$ref": "#/components/parameters/Beta"}],
                "post": {"parameters": [
                    {"name": "openai-beta", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "x-required", "in": "header", "required": true, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "x-text", "in": "header", "schema": {"type": "string"}},
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
                ]}
            }},
            "components": {"parameters": {"Beta": {"name": "beta", "in": "header", "schema": {"$ref": "#/components/schemas/Betas"}}},
                "schemas": {"Betas": {"type": "array", "items": {"type": "string"}}}}
        });
        drop_optional_array_headers(&mut document);
        let names: Vec<&str> = document.pointer("/paths/~1responses/post/parameters").and_then(Value::as_array).into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ["x-required", "x-text", "ids"]);
        assert_eq!(document.pointer("/paths/~1responses/parameters"), Some(&json!([])));
    }

    #[test]
    fn exclusive_bounds_become_inclusive_ones_a_step_inside() {
        let mut document = json!({"components": {"schemas": {
            "Volume": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
            "Count": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
            "Price": {"type": "number", "multipleOf": 0.5, "maximum": 100, "exclusiveMaximum": true, "minimum": 1},
            "Loose": {"type": "integer", "minimum": 5, "exclusiveMinimum": false},
            "Kept": {"type": "integer", "minimum": 7, "exclusiveMinimum": 2}
        }}});
        inclusive_bounds(&mut document);
        let schema = |name: &str| document.pointer(&format!("/components/schemas/{name}")).cloned().unwrap_or_default();
        assert_eq!(schema("Volume"), json!({"type": "number", "minimum": 0.000001}));
        assert_eq!(schema("Count"), json!({"type": "integer", "minimum": 1, "maximum": 9}));
        assert_eq!(schema("Price"), json!({"type": "number", "multipleOf": 0.5, "maximum": 99.5, "minimum": 1}));
        assert_eq!(schema("Loose"), json!({"type": "integer", "minimum": 5, "exclusiveMinimum": false}), "not exclusive: left alone");
        assert_eq!(schema("Kept"), json!({"type": "integer", "minimum": 7}), "the tighter bound stays");
    }

    #[test]
    fn a_form_bodys_optional_properties_lose_their_encoding_and_required_ones_keep_it() {
        let encoding = json!({"automatic_tax": {"style": "deepObject", "explode": true}, "line_items": {"style": "deepObject", "explode": true}});
        let mut document = json!({
            "paths": {
                "/v1/checkout/sessions": {"post": {"requestBody": {"content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Session"}, "encoding": encoding.clone()},
                    "application/json": {"schema": {"$ref": "#/components/schemas/Session"}, "encoding": encoding.clone()}
                }}}}
            },
            "components": {"schemas": {"Session": {"type": "object", "required": ["line_items"], "properties": {}}}}
        });
        drop_optional_form_encodings(&mut document);
        let form = document.pointer("/paths/~1v1~1checkout~1sessions/post/requestBody/content/application~1x-www-form-urlencoded/encoding");
        assert_eq!(form, Some(&json!({"line_items": {"style": "deepObject", "explode": true}})));
        let json_body = document.pointer("/paths/~1v1~1checkout~1sessions/post/requestBody/content/application~1json/encoding");
        assert_eq!(json_body, Some(&encoding), "only form bodies");
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
