//! Checks a JSON value against a schema of the spec with an independent JSON
//! Schema validator (the `jsonschema` crate), so that a body the client
//! could not decode is attributed: valid against its schema means the
//! client is wrong, invalid means the server sent what the spec forbids.
//!
//! The merged spec is OpenAPI 3.0, whose schemas are JSON Schema draft 4
//! plus `nullable`; `nullable: true` is rewritten into draft 4 (`null`
//! added to the types) before validating.

use serde_json::{Map, Value, json};

use super::document;

/// Nesting deeper than this is refused rather than walked.
const MAX_DEPTH: usize = 256;

/// Whether `instance` satisfies `schema` (references into `spec`'s
/// components resolved); `Err` with the validator's first complaints when not.
pub fn check(spec: &Value, schema: &Value, instance: &Value) -> Result<(), String> {
    let root = standalone(spec, schema).map_err(|e| format!("{e:#}"))?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .map_err(|e| format!("the schema cannot be compiled: {e}"))?;
    let errors: Vec<String> = validator.iter_errors(instance).take(3).map(|e| format!("{} at `{}`", e, e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

/// `schema` as a draft-4 document of its own: the schema, with the
/// components it reaches under `components` where its references point.
pub fn standalone(spec: &Value, schema: &Value) -> anyhow::Result<Value> {
    let mut components = Map::new();
    for (kind, name) in document::reachable(spec, [schema]) {
        let Some(value) = spec.get("components").and_then(|c| c.get(&kind)).and_then(|k| k.get(&name)) else { continue };
        let mut value = value.clone();
        to_draft4(&mut value, 0)?;
        if let Value::Object(entries) = components.entry(kind).or_insert_with(|| Value::Object(Map::new())) {
            entries.insert(name, value);
        }
    }
    let mut schema = schema.clone();
    to_draft4(&mut schema, 0)?;
    Ok(json!({"allOf": [schema], "components": components}))
}

/// Rewrites OpenAPI 3.0's `nullable: true` into draft 4 in `schema` and the
/// schemas inside it.
fn to_draft4(schema: &mut Value, depth: usize) -> anyhow::Result<()> {
    if depth > MAX_DEPTH {
        return Err(anyhow::anyhow!("a schema nests deeper than {MAX_DEPTH} levels"));
    }
    let Value::Object(object) = schema else { return Ok(()) };
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get_mut(key) {
            to_draft4(child, depth + 1)?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = object.get_mut(key) {
            for child in children {
                to_draft4(child, depth + 1)?;
            }
        }
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for child in properties.values_mut() {
            to_draft4(child, depth + 1)?;
        }
    }
    if object.remove("nullable") != Some(Value::Bool(true)) {
        return Ok(());
    }
    if let Some(Value::Array(values)) = object.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match object.get("type").cloned() {
        Some(Value::String(kind)) => {
            object.insert("type".to_owned(), json!([kind, "null"]));
        }
        _ => {
            let rest = Value::Object(std::mem::take(object));
            object.insert("anyOf".to_owned(), json!([{"type": "null"}, rest]));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "tag": {"type": "string", "nullable": true},
                "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true}
            }},
            "Owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}}}
        }}})
    }

    #[test]
    fn references_resolve_and_nullable_admits_null() {
        let schema = json!({"$ref": "#/components/schemas/Pet"});
        assert_eq!(check(&spec(), &schema, &json!({"name": "Rex", "tag": null, "owner": null})), Ok(()));
        assert_eq!(check(&spec(), &schema, &json!({"name": "Rex", "owner": {"id": 2}})), Ok(()));
    }

    #[test]
    fn a_body_that_breaks_its_schema_is_named_with_the_place() {
        let schema = json!({"$ref": "#/components/schemas/Pet"});
        let error = check(&spec(), &schema, &json!({"name": 3, "owner": {"id": 0}})).expect_err("invalid");
        assert!(error.contains("/name") || error.contains("/owner"), "{error}");
        assert!(check(&spec(), &schema, &json!({})).is_err(), "the required name is missing");
    }
}
