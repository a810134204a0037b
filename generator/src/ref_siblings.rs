//! `$ref` with sibling keywords. OpenAPI 3.0 says siblings of a `$ref` are
//! ignored, and `openapiv3` drops them, yet real specs put a field's
//! description (and `nullable`, `deprecated`, `readOnly`) next to the
//! reference to a shared schema. Rewriting `{$ref, description}` into
//! `{allOf: [{$ref}], description}` keeps them: the type is still the
//! referenced schema, and the field gets its own documentation.

use serde_json::{Map, Value};

use crate::refs::SCHEMA_PREFIX;

/// Rewrites every schema reference that has sibling keywords.
pub fn wrap(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for inner in map.values_mut() {
                wrap(inner);
            }
            let is_schema_ref = map.get("$ref").and_then(Value::as_str).is_some_and(|r| r.starts_with(SCHEMA_PREFIX));
            if is_schema_ref && map.len() > 1 {
                let mut reference = Map::new();
                if let Some(target) = map.remove("$ref") {
                    reference.insert("$ref".to_owned(), target);
                }
                map.insert("allOf".to_owned(), Value::Array(vec![Value::Object(reference)]));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(wrap),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn references_with_siblings_become_single_member_all_ofs() {
        let mut value = json!({
            "properties": {
                "kind": {"$ref": "#/components/schemas/Kind", "description": "What it is", "nullable": true},
                "plain": {"$ref": "#/components/schemas/Kind"},
                "param": {"$ref": "#/components/parameters/P", "description": "not a schema"}
            }
        });
        super::wrap(&mut value);
        assert_eq!(
            value,
            json!({
                "properties": {
                    "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "description": "What it is", "nullable": true},
                    "plain": {"$ref": "#/components/schemas/Kind"},
                    "param": {"$ref": "#/components/parameters/P", "description": "not a schema"}
                }
            })
        );
    }
}
