//! Values that satisfy a schema of the spec: the inputs of the sweep's calls.
//!
//! The spec's own example is used where it is valid against the schema
//! (checked with [`super::schema::check`]); otherwise a value is built from
//! the schema: `const` and `enum` values, the required properties of
//! objects, one item per array (or `minItems`), the first alternative of a
//! `oneOf`/`anyOf` that can be built, every part of an `allOf` merged, and
//! for scalars the formats, bounds and simple patterns. References are
//! followed a bounded number of times, and a recursive schema is not entered
//! again on the same path.

use fancy_regex::Regex;
use serde_json::{Map, Value, json};

use super::schema;

/// How deeply objects and arrays nest in a built value.
const MAX_DEPTH: usize = 16;
/// References followed in a row before the schema counts as unbuildable.
const MAX_REFS: usize = 64;

/// Builds values for the schemas of one spec.
pub struct Values<'a> {
    spec: &'a Value,
}

impl<'a> Values<'a> {
    pub fn new(spec: &'a Value) -> Values<'a> {
        Values { spec }
    }

    /// The first of `examples` that is valid against `schema`, else a value
    /// built from it; `None` when neither is possible.
    pub fn value(&self, schema: &Value, examples: &[&Value]) -> Option<Value> {
        for example in examples {
            if schema::check(self.spec, schema, example).is_ok() {
                return Some((*example).clone());
            }
        }
        self.build(schema)
    }

    /// A value built from `schema` alone.
    pub fn build(&self, schema: &Value) -> Option<Value> {
        self.build_at(schema, 0, &mut Vec::new())
    }

    /// `path` holds the references entered on the way here.
    fn build_at(&self, schema: &Value, depth: usize, path: &mut Vec<String>) -> Option<Value> {
        if depth > MAX_DEPTH || path.len() > MAX_REFS {
            return None;
        }
        let object = schema.as_object()?;
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            if path.iter().any(|entered| entered == reference) {
                return None;
            }
            let target = reference.strip_prefix('#').and_then(|pointer| self.spec.pointer(pointer))?;
            path.push(reference.to_owned());
            let built = self.build_at(target, depth, path);
            path.pop();
            return built;
        }
        let nullable = object.get("nullable") == Some(&Value::Bool(true));
        let built = self.build_object_schema(object, depth, path);
        if built.is_none() && nullable { Some(Value::Null) } else { built }
    }

    fn build_object_schema(&self, object: &Map<String, Value>, depth: usize, path: &mut Vec<String>) -> Option<Value> {
        if let Some(value) = object.get("const") {
            return Some(value.clone());
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            return values.iter().find(|v| !v.is_null()).or(values.first()).cloned();
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            let mut merged: Option<Value> = None;
            let own = without(object, "allOf");
            let own_is_schema = own.keys().any(|k| matches!(k.as_str(), "type" | "properties" | "required" | "items"));
            let built_own = if own_is_schema { Some(self.build_object_schema(&own, depth, path)?) } else { None };
            for part in parts.iter().map(|part| self.build_at(part, depth, path)).chain([built_own].into_iter().filter(Option::is_some)) {
                let part = part?;
                merged = Some(match (merged, part) {
                    (Some(Value::Object(mut a)), Value::Object(b)) => {
                        for (key, value) in b {
                            a.entry(key).or_insert(value);
                        }
                        Value::Object(a)
                    }
                    (Some(a), _) => a,
                    (None, part) => part,
                });
            }
            return merged;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = object.get(key).and_then(Value::as_array) {
                let not_null = |a: &&Value| a.get("type").and_then(Value::as_str) != Some("null");
                // The schema's own keywords apply beside the alternative
                // (`type: object` with `anyOf: [{required: [a]}, {required: [b]}]`).
                let own = without(object, key);
                let structural = own.keys().any(|k| matches!(k.as_str(), "type" | "properties" | "required" | "items"));
                // `oneOf` wants exactly one alternative to match. In a path,
                // query or header every value is text, and Prism reads the
                // text of a number as a string too (GitHub's `workflow_id`,
                // integer or file name): a string alternative, tried first,
                // is built with text no number has. An alternative that is
                // only a reference comes last: the documents Prism serves may
                // leave it out ([`super::document::narrow_unions`]).
                let mut alternatives: Vec<&Value> = alternatives.iter().filter(not_null).collect();
                alternatives.sort_by_key(|a| (a.get("$ref").is_some(), key == "oneOf" && a.get("type").and_then(Value::as_str) != Some("string")));
                return alternatives.into_iter().find_map(|alternative| match alternative.as_object() {
                    Some(alternative) if structural && !alternative.contains_key("$ref") => {
                        self.build_object_schema(&merge(&own, alternative), depth, path)
                    }
                    _ => self.build_at(alternative, depth, path),
                });
            }
        }
        let kind = object.get("type").and_then(Value::as_str).or_else(|| {
            if object.contains_key("properties") || object.contains_key("additionalProperties") {
                Some("object")
            } else if object.contains_key("items") {
                Some("array")
            } else {
                None
            }
        });
        match kind {
            Some("object") => self.object(object, depth, path),
            Some("array") => self.array(object, depth, path),
            Some("integer") => integer(object),
            Some("number") => number(object),
            Some("boolean") => Some(Value::Bool(true)),
            Some("null") => Some(Value::Null),
            Some(_) | None => string(object),
        }
    }

    fn object(&self, object: &Map<String, Value>, depth: usize, path: &mut Vec<String>) -> Option<Value> {
        let properties = object.get("properties").and_then(Value::as_object);
        let mut out = Map::new();
        for name in object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let value = match properties.and_then(|p| p.get(name)) {
                Some(property) => self.build_at(property, depth + 1, path)?,
                None => match object.get("additionalProperties") {
                    Some(Value::Object(schema)) => self.build_at(&Value::Object(schema.clone()), depth + 1, path)?,
                    _ => Value::String("sweep".to_owned()),
                },
            };
            out.insert(name.to_owned(), value);
        }
        let wanted = object.get("minProperties").and_then(Value::as_u64).unwrap_or(0);
        let mut extra = 0;
        while (out.len() as u64) < wanted && extra < 64 {
            extra += 1;
            let schema = properties.and_then(|p| p.iter().find(|(name, _)| !out.contains_key(*name)));
            match schema {
                Some((name, schema)) => {
                    let value = self.build_at(schema, depth + 1, path)?;
                    out.insert(name.clone(), value);
                }
                None => {
                    let value = match object.get("additionalProperties") {
                        Some(Value::Object(schema)) => self.build_at(&Value::Object(schema.clone()), depth + 1, path)?,
                        _ => Value::String("sweep".to_owned()),
                    };
                    out.insert(format!("key{extra}"), value);
                }
            }
        }
        Some(Value::Object(out))
    }

    fn array(&self, object: &Map<String, Value>, depth: usize, path: &mut Vec<String>) -> Option<Value> {
        let minimum = object.get("minItems").and_then(Value::as_u64).unwrap_or(0).min(64) as usize;
        let maximum = object.get("maxItems").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
        let wanted = minimum.max(1).min(maximum);
        let item = object.get("items").and_then(|items| self.build_at(items, depth + 1, path));
        match item {
            Some(item) if object.get("uniqueItems") == Some(&Value::Bool(true)) && wanted > 1 => {
                // Distinct items: numbered strings or numbers where the item is one.
                let items: Vec<Value> = (0..wanted)
                    .map(|i| match &item {
                        Value::String(text) => Value::String(format!("{text}{i}")),
                        Value::Number(n) => json!(n.as_i64().unwrap_or(0).saturating_add(i as i64)),
                        other => other.clone(),
                    })
                    .collect();
                Some(Value::Array(items))
            }
            Some(item) => Some(Value::Array(vec![item; wanted])),
            None if minimum == 0 => Some(Value::Array(Vec::new())),
            None => None,
        }
    }
}

/// `own` with `alternative`'s keywords added: `required` lists and
/// `properties` joined, any other keyword the alternative's.
fn merge(own: &Map<String, Value>, alternative: &Map<String, Value>) -> Map<String, Value> {
    let mut merged = own.clone();
    for (key, value) in alternative {
        match (key.as_str(), merged.get_mut(key), value) {
            ("required", Some(Value::Array(list)), Value::Array(more)) => list.extend(more.iter().filter(|v| !list.contains(v)).cloned().collect::<Vec<_>>()),
            ("properties", Some(Value::Object(map)), Value::Object(more)) => map.extend(more.clone()),
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    merged
}

fn without(object: &Map<String, Value>, key: &str) -> Map<String, Value> {
    object.iter().filter(|(k, _)| *k != key).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// A bound and whether it is exclusive.
type Bound = Option<(f64, bool)>;

/// The bounds of a number schema, exclusive ones as OpenAPI 3.0 writes them
/// (a boolean beside `minimum`) or as 3.1 does (a number).
fn bounds(object: &Map<String, Value>) -> (Bound, Bound) {
    let bound = |value: &str, exclusive: &str| {
        match (object.get(value).and_then(Value::as_f64), object.get(exclusive)) {
            (_, Some(Value::Number(n))) => n.as_f64().map(|n| (n, true)),
            (Some(n), Some(Value::Bool(true))) => Some((n, true)),
            (Some(n), _) => Some((n, false)),
            (None, _) => None,
        }
    };
    (bound("minimum", "exclusiveMinimum"), bound("maximum", "exclusiveMaximum"))
}

fn integer(object: &Map<String, Value>) -> Option<Value> {
    let (low, high) = bounds(object);
    let low = low.map(|(n, exclusive)| if exclusive { (n.floor() as i64).saturating_add(1) } else { n.ceil() as i64 });
    let high = high.map(|(n, exclusive)| if exclusive { (n.ceil() as i64).saturating_sub(1) } else { n.floor() as i64 });
    let step = object.get("multipleOf").and_then(Value::as_i64).filter(|m| *m > 0).unwrap_or(1);
    let mut value = low.map_or(1, |low| low.max(1));
    if let Some(high) = high
        && value > high
    {
        value = high.max(low.unwrap_or(high));
    }
    // The first multiple of the step at or above the value.
    let remainder = value.rem_euclid(step);
    if remainder != 0 {
        value = value.checked_add(step - remainder)?;
    }
    Some(json!(value))
}

fn number(object: &Map<String, Value>) -> Option<Value> {
    let (low, high) = bounds(object);
    let mut value = 1.0_f64;
    if let Some((n, exclusive)) = low
        && (value < n || exclusive && value <= n)
    {
        value = if exclusive { n + 1.0 } else { n };
    }
    if let Some((n, exclusive)) = high
        && (value > n || exclusive && value >= n)
    {
        value = match low {
            Some((l, _)) => (l + n) / 2.0,
            None if exclusive => n - 1.0,
            None => n,
        };
    }
    if let Some(step) = object.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
        value = (value / step).ceil() * step;
    }
    if value.fract() == 0.0 && value.abs() < 1e15 { Some(json!(value as i64)) } else { serde_json::Number::from_f64(value).map(Value::Number) }
}

fn string(object: &Map<String, Value>) -> Option<Value> {
    let format = object.get("format").and_then(Value::as_str).unwrap_or_default();
    let fixed = match format {
        "date-time" => Some("2024-01-02T03:04:05Z"),
        "date" => Some("2024-01-02"),
        "time" => Some("03:04:05Z"),
        "uuid" => Some("123e4567-e89b-42d3-a456-426614174000"),
        "email" => Some("sweep@example.com"),
        "uri" | "url" | "uri-reference" | "iri" => Some("https://example.com/sweep"),
        "hostname" => Some("example.com"),
        "ipv4" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "byte" => Some("c3dlZXA="),
        "duration" => Some("P1D"),
        "decimal" => Some("1.5"),
        _ => None,
    };
    let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0).min(4096) as usize;
    let max = object.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
    if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
        return matching(pattern, min, max).map(Value::String);
    }
    if let Some(text) = fixed {
        return Some(Value::String(text.to_owned()));
    }
    let mut text = "sweep".to_owned();
    while text.len() < min {
        text.push('x');
    }
    text.truncate(max);
    Some(Value::String(text))
}

/// A string of `min..=max` characters the pattern matches: one written
/// from the pattern's syntax tree (the shortest repetition of the first
/// alternative and the first character of each class), else the first of a
/// few candidates that matches. Patterns are ECMA 262; `fancy-regex` reads
/// them with their look-arounds (Oxide's names), which `regex` refuses.
fn matching(pattern: &str, min: usize, max: usize) -> Option<String> {
    let regex = Regex::new(pattern).ok()?;
    let fits = |text: &str| regex.is_match(text).unwrap_or(false) && (min..=max).contains(&text.chars().count());
    if let Ok(hir) = regex_syntax::Parser::new().parse(pattern) {
        let mut text = String::new();
        write_hir(&hir, &mut text, 0);
        if fits(&text) {
            return Some(text);
        }
    }
    let alphabets = ["a", "A", "1", "a1", "sweep", "-", "_", "0"];
    (min.max(1)..=max.min(min.max(1) + 64)).flat_map(|length| alphabets.iter().map(move |alphabet| alphabet.chars().cycle().take(length).collect::<String>())).find(|text| fits(text))
}

/// Appends a string `hir` matches. Nesting is bounded by the parser's own
/// limit; this stops deeper still.
fn write_hir(hir: &regex_syntax::hir::Hir, out: &mut String, depth: usize) {
    use regex_syntax::hir::{Class, HirKind};
    if depth > 256 || out.len() > 4096 {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let pick = ranges.iter().flat_map(|r| [r.start(), r.end()]).find(char::is_ascii_alphanumeric).or_else(|| ranges.first().map(|r| r.start()));
            out.extend(pick);
        }
        HirKind::Class(Class::Bytes(class)) => {
            let pick = class.ranges().iter().flat_map(|r| [r.start(), r.end()]).find(u8::is_ascii_alphanumeric).or_else(|| class.ranges().first().map(|r| r.start()));
            out.extend(pick.map(char::from));
        }
        HirKind::Repetition(repetition) => {
            let times = repetition.min.max(u32::from(repetition.max.is_none_or(|m| m > 0))).min(64);
            for _ in 0..times {
                write_hir(&repetition.sub, out, depth + 1);
            }
        }
        HirKind::Capture(capture) => write_hir(&capture.sub, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().for_each(|part| write_hir(part, out, depth + 1)),
        HirKind::Alternation(alternatives) => {
            if let Some(first) = alternatives.first() {
                write_hir(first, out, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["id", "children"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"$ref": "#/components/schemas/Node"}
            }},
            "Kind": {"type": "string", "enum": ["alpha", "beta"]},
            "Pet": {"allOf": [
                {"$ref": "#/components/schemas/Named"},
                {"type": "object", "required": ["kind", "born"], "properties": {
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "born": {"type": "string", "format": "date-time"}
                }}
            ]},
            "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 8, "maxLength": 10}}},
            "Shape": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["sides"], "properties": {"sides": {"type": "integer", "minimum": 3, "maximum": 12}}}]}
        }}})
    }

    /// Builds a value for `schema` and checks it with the independent validator.
    fn built(schema: Value) -> Value {
        let spec = spec();
        let value = Values::new(&spec).build(&schema).unwrap_or_else(|| panic!("a value for {schema}"));
        if let Err(error) = schema::check(&spec, &schema, &value) {
            panic!("{value} does not satisfy {schema}: {error}");
        }
        value
    }

    #[test]
    fn one_of_a_number_or_a_string_is_text_no_number_has() {
        // As a path parameter, `1` would match both alternatives.
        assert_eq!(built(json!({"oneOf": [{"type": "integer"}, {"type": "string"}]})), json!("sweep"));
        assert_eq!(built(json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})), json!(1));
    }

    #[test]
    fn scalars_respect_formats_bounds_and_patterns() {
        built(json!({"type": "string", "format": "date-time"}));
        built(json!({"type": "string", "format": "email"}));
        built(json!({"type": "string", "minLength": 12}));
        built(json!({"type": "string", "maxLength": 2}));
        assert_eq!(built(json!({"type": "string", "pattern": "^[0-9]{4}$"})), json!("0000"));
        assert_eq!(built(json!({"type": "string", "pattern": "^ch_[a-zA-Z0-9]+$"})), json!("ch_0"));
        built(json!({"type": "string", "pattern": "^(v1|v2)/[a-z]{2,3}-\\d+$"}));
        built(json!({"type": "string", "pattern": "^[a-z]+$", "minLength": 6}));
        // A look-ahead, as Oxide's names have: not a UUID, then a name.
        let name = "^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$";
        built(json!({"type": "string", "pattern": name, "maxLength": 63}));
        assert_eq!(built(json!({"type": "integer", "minimum": 10, "maximum": 20})), json!(10));
        assert_eq!(built(json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true})), json!(-1));
        assert_eq!(built(json!({"type": "integer", "minimum": 5, "multipleOf": 4})), json!(8));
        built(json!({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true}));
        built(json!({"type": "number", "minimum": 2.5}));
        assert_eq!(built(json!({"type": "string", "enum": ["x", "y"]})), json!("x"));
    }

    #[test]
    fn objects_hold_their_required_properties_and_unions_an_alternative() {
        let pet = built(json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(pet.as_object().map(|o| o.len()), Some(3), "{pet}");
        let either = json!({"type": "object", "additionalProperties": false, "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                            "anyOf": [{"required": ["a"]}, {"required": ["b"]}]});
        assert_eq!(built(either), json!({"a": 1}));
        let shape = built(json!({"$ref": "#/components/schemas/Shape"}));
        assert_eq!(shape, json!({"sides": 3}));
        built(json!({"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}}));
        built(json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "string"}}));
    }

    #[test]
    fn a_recursive_schema_ends() {
        let node = built(json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(node["children"], json!([]), "the recursion stops at an empty array");
        assert!(node.get("parent").is_none());
        let unbuildable = json!({"type": "object", "required": ["me"], "properties": {"me": {"$ref": "#/components/schemas/Loop"}}});
        let spec = json!({"components": {"schemas": {"Loop": {"type": "object", "required": ["me"], "properties": {"me": {"$ref": "#/components/schemas/Loop"}}}}}});
        assert_eq!(Values::new(&spec).build(&unbuildable), None);
    }

    #[test]
    fn a_valid_example_is_used_and_an_invalid_one_is_not() {
        let spec = spec();
        let values = Values::new(&spec);
        let schema = json!({"$ref": "#/components/schemas/Named"});
        assert_eq!(values.value(&schema, &[&json!({"name": "examples"})]), Some(json!({"name": "examples"})));
        let built = values.value(&schema, &[&json!({"name": "short"})]).expect("a value");
        assert_ne!(built, json!({"name": "short"}));
        assert_eq!(schema::check(&spec, &schema, &built), Ok(()));
    }
}
