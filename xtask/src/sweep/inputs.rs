//! Each operation's inputs as JSON, for the harness to deserialize: a value
//! for every required parameter (by its Rust name) and the required body,
//! from the spec's examples where valid, else built from the schema
//! ([`super::values`]).

use generator::model::{Operation, ParamLocation};
use serde_json::{Map, Value, json};

use super::values::Values;

/// References followed to reach a parameter, body or example.
const MAX_REFS: usize = 16;

/// An operation's inputs (`{"params": {…}, "body": …}`), or why none could
/// be made: the operation is then skipped, with that reason.
pub fn inputs(spec: &Value, op: &Operation) -> Result<Value, String> {
    let values = Values::new(spec);
    let method = op.method.as_str().to_ascii_lowercase();
    let item = spec.get("paths").and_then(|p| p.get(&op.path)).ok_or_else(|| format!("`{}` is not among the spec's paths", op.path))?;
    let operation = item.get(&method).ok_or_else(|| format!("`{} {}` is not in the spec", op.method.as_str(), op.path))?;
    let statuses: Vec<&String> = operation.get("responses").and_then(Value::as_object).into_iter().flat_map(|r| r.keys()).collect();
    if statuses.iter().any(|s| *s == "101") && !statuses.iter().any(|s| s.starts_with('2') || s.starts_with('3')) {
        return Err("it answers only `101 Switching Protocols` (a WebSocket upgrade), which Prism cannot serve".to_owned());
    }
    // The operation's parameters override the path item's of the same name and place.
    let mut declared: Vec<&Value> = Vec::new();
    for list in [operation.get("parameters"), item.get("parameters")] {
        for parameter in list.and_then(Value::as_array).into_iter().flatten() {
            let parameter = resolve(spec, parameter);
            let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
            if !declared.iter().any(|d| key(d) == key(parameter)) {
                declared.push(parameter);
            }
        }
    }
    let mut params = Map::new();
    for param in op.params.iter().filter(|p| p.required) {
        let place = location(param.location);
        let parameter = declared
            .iter()
            .find(|d| d.get("name").and_then(Value::as_str) == Some(param.wire_name.as_str()) && d.get("in").and_then(Value::as_str) == Some(place))
            .ok_or_else(|| format!("the {place} parameter `{}` is not in the spec", param.wire_name))?;
        let schema = match parameter.get("schema") {
            Some(schema) => schema.clone(),
            // A parameter with `content` instead: its one media type's schema.
            None => parameter.get("content").and_then(Value::as_object).and_then(|c| c.values().next()).and_then(|m| m.get("schema")).cloned().unwrap_or(json!({})),
        };
        let mut examples: Vec<&Value> = parameter.get("example").into_iter().collect();
        examples.extend(example_values(spec, parameter.get("examples")));
        examples.extend(resolve(spec, &schema).get("example"));
        let value = values.value(&schema, &examples).ok_or_else(|| format!("no value satisfies the schema of the {place} parameter `{}`", param.wire_name))?;
        params.insert(param.name.clone(), value);
    }
    let mut input = Map::new();
    input.insert("params".to_owned(), Value::Object(params));
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let request = operation.get("requestBody").map(|b| resolve(spec, b));
        let media = request.and_then(|r| r.get("content")).and_then(|c| c.get(&body.content_type));
        let schema = media.and_then(|m| m.get("schema")).cloned().unwrap_or(json!({}));
        let mut examples: Vec<&Value> = media.and_then(|m| m.get("example")).into_iter().collect();
        examples.extend(example_values(spec, media.and_then(|m| m.get("examples"))));
        examples.extend(resolve(spec, &schema).get("example"));
        let value = values.value(&schema, &examples).ok_or_else(|| format!("no value satisfies the schema of the {} body", body.content_type))?;
        input.insert("body".to_owned(), value);
    }
    Ok(Value::Object(input))
}

/// OpenAPI's name for a parameter's place.
pub fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The `value` of each of an `examples` map's Example objects.
fn example_values<'a>(spec: &'a Value, examples: Option<&'a Value>) -> Vec<&'a Value> {
    examples.and_then(Value::as_object).into_iter().flat_map(|map| map.values()).filter_map(|example| resolve(spec, example).get("value")).collect()
}

/// The object a local `$ref` points to (followed a bounded number of times);
/// the value itself when it is no reference or the reference leads nowhere.
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_REFS {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { return current };
        match reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer)) {
            Some(target) => current = target,
            None => return current,
        }
    }
    current
}
