//! OpenAPI 3.1 → 3.0: rewrites a 3.1 document, still held as JSON, into the
//! 3.0 document that means the same, before `openapiv3` (which reads only
//! 3.0) sees it. Whatever 3.0 cannot say is dropped with a [`Note`] naming
//! the place, so a 3.1 file is never half-read without anyone being told.
//!
//! Schemas are rewritten bottom-up: the subschemas of a schema are 3.0
//! already when the schema's own keywords are rewritten, so a rewrite that
//! moves a subschema up (`anyOf: [X, {type: "null"}]` → X + `nullable`)
//! moves 3.0 text.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::locate::{escape_pointer_token, unescape_pointer_token};

/// Something of the 3.1 document that its 3.0 rewrite does not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where it stood, as a JSON pointer into the original document.
    pub pointer: String,
    pub what: String,
}

/// Whether the `openapi` field names OpenAPI 3.1.
pub fn is_openapi31(version: &str) -> bool {
    version == "3.1" || version.starts_with("3.1.")
}

/// Rewrites the OpenAPI 3.1 `document` in place into OpenAPI 3.0.3 and
/// returns what could not be carried over.
pub fn downgrade(document: &mut Value) -> Vec<Note> {
    let mut rewriter = Rewriter { notes: Vec::new(), schema_types: schema_types(document), path_items: Map::new() };
    rewriter.document(document);
    rewriter.notes
}

/// The keywords of an OpenAPI 3.0 schema object; anything else that is not
/// an `x-` extension is 3.1 (JSON Schema 2020-12) only.
const SCHEMA_KEYWORDS_30: &[&str] = &[
    "$ref", "title", "description", "default", "example", "deprecated", "readOnly", "writeOnly", "nullable", "externalDocs",
    "xml", "discriminator", "type", "format", "enum", "multipleOf", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "items", "minItems", "maxItems", "uniqueItems", "properties",
    "required", "additionalProperties", "minProperties", "maxProperties", "allOf", "oneOf", "anyOf", "not",
];

/// Keywords that describe a value without constraining it: a schema made of
/// these and one subschema is that subschema.
fn is_annotation(key: &str) -> bool {
    matches!(key, "title" | "description" | "default" | "example" | "deprecated" | "readOnly" | "writeOnly" | "nullable" | "externalDocs")
        || key.starts_with("x-")
}

/// The keywords that only apply to values of one JSON type, which go with
/// that type when a schema of several types is split into one per type.
fn type_keywords(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => &["format", "pattern", "minLength", "maxLength"],
        "integer" | "number" => &["format", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        _ => &[],
    }
}


use crate::refs::SCHEMA_PREFIX;
const PATH_ITEM_PREFIX: &str = "#/components/pathItems/";

struct Rewriter {
    notes: Vec<Note>,
    /// Component schema name → its `type` or the reference it is, as
    /// written: to tell a `type` next to a `$ref` that only repeats the
    /// target's.
    schema_types: BTreeMap<String, Target>,
    /// `components/pathItems`, taken out of the document (3.0 has no such
    /// section) and copied to where paths reference them.
    path_items: Map<String, Value>,
}

/// What a component schema is, for [`Rewriter::target_type`].
enum Target {
    Type(Value),
    Ref(String),
}

fn schema_types(document: &Value) -> BTreeMap<String, Target> {
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    schemas
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| {
            let target = match (schema.get("type"), schema.get("$ref").and_then(Value::as_str)) {
                (Some(ty), _) => Target::Type(ty.clone()),
                (None, Some(reference)) => Target::Ref(reference.to_owned()),
                (None, None) => return None,
            };
            Some((name.clone(), target))
        })
        .collect()
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_pointer_token(token))
}

fn for_each_entry(value: Option<&mut Value>, pointer: &str, mut visit: impl FnMut(&mut Value, &str)) {
    if let Some(Value::Object(map)) = value {
        for (key, entry) in map.iter_mut().filter(|(key, _)| !key.starts_with("x-")) {
            visit(entry, &child(pointer, key));
        }
    }
}

fn for_each_element(value: Option<&mut Value>, pointer: &str, mut visit: impl FnMut(&mut Value, &str)) {
    if let Some(Value::Array(list)) = value {
        for (index, element) in list.iter_mut().enumerate() {
            visit(element, &child(pointer, &index.to_string()));
        }
    }
}

impl Rewriter {
    fn note(&mut self, pointer: String, what: impl Into<String>) {
        self.notes.push(Note { pointer, what: what.into() });
    }

    fn document(&mut self, document: &mut Value) {
        let Some(root) = document.as_object_mut() else { return };
        if let Some(webhooks) = root.remove("webhooks") {
            let count = webhooks.as_object().map_or(0, |w| w.keys().filter(|k| !k.starts_with("x-")).count());
            if count > 0 {
                self.note(
                    "/webhooks".to_owned(),
                    format!("{count} webhooks dropped: they are requests the API sends to your server, so a client has nothing to call"),
                );
            }
        }
        if let Some(dialect) = root.remove("jsonSchemaDialect") {
            self.note("/jsonSchemaDialect".to_owned(), format!("`jsonSchemaDialect` {dialect} dropped: schemas are read as OpenAPI 3.0 schemas"));
        }
        if let Some(Value::Object(info)) = root.get_mut("info") {
            if info.remove("summary").is_some() {
                self.note("/info/summary".to_owned(), "`summary` dropped: OpenAPI 3.0 has no summary of the API");
            }
            if let Some(Value::Object(license)) = info.get_mut("license")
                && let Some(identifier) = license.remove("identifier")
            {
                self.note("/info/license/identifier".to_owned(), format!("SPDX identifier {identifier} dropped: OpenAPI 3.0 licenses have none"));
            }
        }
        if let Some(Value::Object(components)) = root.get_mut("components")
            && let Some(path_items) = components.remove("pathItems")
        {
            self.path_items = match path_items {
                Value::Object(items) => items,
                _ => Map::new(),
            };
            if !self.path_items.is_empty() {
                self.note(
                    "/components/pathItems".to_owned(),
                    format!(
                        "{} path items dropped from components (OpenAPI 3.0 has no such section); the ones paths reference were copied in place",
                        self.path_items.len()
                    ),
                );
            }
        }
        // 3.1 lets a document have no paths (webhooks only); 3.0 requires them.
        let paths = root.entry("paths").or_insert_with(|| json!({}));
        for_each_entry(Some(paths), "/paths", |item, pointer| self.path_item(item, pointer));
        if let Some(Value::Object(components)) = root.get_mut("components") {
            self.components(components);
        }
        root.insert("openapi".to_owned(), json!("3.0.3"));
    }

    fn components(&mut self, components: &mut Map<String, Value>) {
        let at = "/components";
        for_each_entry(components.get_mut("schemas"), &child(at, "schemas"), |s, p| self.schema(s, p));
        for_each_entry(components.get_mut("responses"), &child(at, "responses"), |r, p| self.response(r, p));
        for_each_entry(components.get_mut("parameters"), &child(at, "parameters"), |r, p| self.parameter(r, p));
        for_each_entry(components.get_mut("requestBodies"), &child(at, "requestBodies"), |r, p| self.request_body(r, p));
        for_each_entry(components.get_mut("headers"), &child(at, "headers"), |h, p| self.parameter(h, p));
        for_each_entry(components.get_mut("callbacks"), &child(at, "callbacks"), |c, p| self.callback(c, p));
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            let mutual_tls: Vec<String> = schemes
                .iter()
                .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
                .map(|(name, _)| name.clone())
                .collect();
            for name in mutual_tls {
                schemes.remove(&name);
                self.note(
                    child(&child(at, "securitySchemes"), &name),
                    "mutual TLS security scheme dropped: OpenAPI 3.0 cannot describe it; configure the client certificate on the HTTP client",
                );
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, pointer: &str) {
        self.inline_path_item(item);
        let Some(object) = item.as_object_mut() else { return };
        for_each_element(object.get_mut("parameters"), &child(pointer, "parameters"), |p, at| self.parameter(p, at));
        for (method, _) in crate::refs::METHODS {
            if let Some(operation) = object.get_mut(method) {
                self.operation(operation, &child(pointer, method));
            }
        }
    }

    /// Replaces a reference to `components/pathItems` by a copy of the
    /// item; the reference's own summary and description win (as in 3.1).
    fn inline_path_item(&self, item: &mut Value) {
        // A chain longer than the section must loop; it is left to fail later.
        for _ in 0..=self.path_items.len() {
            let Some(name) = item.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(PATH_ITEM_PREFIX)) else {
                return;
            };
            let Some(Value::Object(mut target)) = self.path_items.get(&unescape_pointer_token(name)).cloned() else { return };
            if let Value::Object(reference) = std::mem::take(item) {
                target.extend(reference.into_iter().filter(|(key, _)| key != "$ref"));
            }
            *item = Value::Object(target);
        }
    }

    fn operation(&mut self, operation: &mut Value, pointer: &str) {
        let Some(object) = operation.as_object_mut() else { return };
        for_each_element(object.get_mut("parameters"), &child(pointer, "parameters"), |p, at| self.parameter(p, at));
        if let Some(body) = object.get_mut("requestBody") {
            self.request_body(body, &child(pointer, "requestBody"));
        }
        // 3.1 lets an operation document no responses; 3.0 requires the field.
        let responses = object.entry("responses").or_insert_with(|| json!({}));
        for_each_entry(Some(responses), &child(pointer, "responses"), |r, at| self.response(r, at));
        for_each_entry(object.get_mut("callbacks"), &child(pointer, "callbacks"), |c, at| self.callback(c, at));
    }

    fn callback(&mut self, callback: &mut Value, pointer: &str) {
        for_each_entry(Some(callback), pointer, |item, at| self.path_item(item, at));
    }

    /// A parameter or a header: a schema, or content.
    fn parameter(&mut self, parameter: &mut Value, pointer: &str) {
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &child(pointer, "schema"));
        }
        if let Some(content) = parameter.get_mut("content") {
            self.content(content, &child(pointer, "content"));
        }
    }

    fn request_body(&mut self, body: &mut Value, pointer: &str) {
        if let Some(content) = body.get_mut("content") {
            self.content(content, &child(pointer, "content"));
        }
    }

    fn response(&mut self, response: &mut Value, pointer: &str) {
        for_each_entry(response.get_mut("headers"), &child(pointer, "headers"), |h, at| self.parameter(h, at));
        if let Some(content) = response.get_mut("content") {
            self.content(content, &child(pointer, "content"));
        }
    }

    fn content(&mut self, content: &mut Value, pointer: &str) {
        for_each_entry(Some(content), pointer, |media, at| {
            if let Some(schema) = media.get_mut("schema") {
                self.schema(schema, &child(at, "schema"));
            }
            for_each_entry(media.get_mut("encoding"), &child(at, "encoding"), |encoding, at| {
                for_each_entry(encoding.get_mut("headers"), &child(at, "headers"), |h, at| self.parameter(h, at));
            });
        });
    }

    fn schema(&mut self, schema: &mut Value, pointer: &str) {
        match schema {
            Value::Bool(true) => *schema = json!({}),
            Value::Bool(false) => *schema = json!({ "not": {} }),
            Value::Object(object) => {
                self.subschemas(object, pointer);
                self.keywords(object, pointer);
            }
            // Not a schema: openapiv3 says so, with the place.
            _ => {}
        }
    }

    fn subschemas(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(map)) = object.get_mut(key) {
                let at = child(pointer, key);
                for (name, schema) in map.iter_mut() {
                    self.schema(schema, &child(&at, name));
                }
            }
        }
        for key in ["items", "not"] {
            if let Some(schema) = object.get_mut(key) {
                self.schema(schema, &child(pointer, key));
            }
        }
        // `additionalProperties: true/false` means the same in 3.0.
        if let Some(schema @ Value::Object(_)) = object.get_mut("additionalProperties") {
            self.schema(schema, &child(pointer, "additionalProperties"));
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            for_each_element(object.get_mut(key), &child(pointer, key), |s, at| self.schema(s, at));
        }
    }

    /// Rewrites the keywords of one schema whose subschemas are 3.0 already.
    fn keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        constant(object);
        self.examples(object, pointer);
        exclusive_bounds(object);
        self.content_keywords(object, pointer);
        self.prefix_items(object, pointer);
        self.pattern_properties(object, pointer);
        recursive_reference(object, pointer);
        self.unsupported_keywords(object, pointer);
        types(object);
        null_branches(object);
        self.reference_siblings(object);
    }

    /// A schema's `examples` list → its first entry as `example`.
    fn examples(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        match object.remove("examples") {
            Some(Value::Array(list)) => {
                if let Some(first) = list.into_iter().next()
                    && !object.contains_key("example")
                {
                    object.insert("example".to_owned(), first);
                }
            }
            Some(_) => self.note(child(pointer, "examples"), "`examples` dropped: in a schema it must be a list of values"),
            None => {}
        }
    }

    /// `contentEncoding: base64` is `format: byte`; a non-text
    /// `contentMediaType` is `format: binary`.
    fn content_keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let encoding = object.remove("contentEncoding");
        let media_type = object.remove("contentMediaType");
        if object.remove("contentSchema").is_some() {
            self.note(child(pointer, "contentSchema"), "`contentSchema` dropped: OpenAPI 3.0 cannot describe what an encoded string holds");
        }
        let format = match (encoding.as_ref(), media_type.as_ref().and_then(Value::as_str)) {
            (Some(encoding), _) if encoding.as_str().is_some_and(|e| e.eq_ignore_ascii_case("base64")) => Some("byte"),
            (Some(encoding), _) => {
                self.note(
                    child(pointer, "contentEncoding"),
                    format!("`contentEncoding: {encoding}` dropped: OpenAPI 3.0 only knows base64 (`format: byte`); the value is read as a plain string"),
                );
                None
            }
            (None, Some(media_type)) if is_text(media_type) => {
                self.note(child(pointer, "contentMediaType"), format!("`contentMediaType: {media_type}` dropped: the value is read as a plain string"));
                None
            }
            (None, Some(_)) => Some("binary"),
            (None, None) => None,
        };
        if let Some(format) = format
            && !object.contains_key("format")
        {
            object.insert("format".to_owned(), json!(format));
        }
    }

    /// Tuples: 3.0 has only arrays whose items are all alike.
    fn prefix_items(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let Some(prefix) = object.remove("prefixItems") else { return };
        // After `prefixItems`, `items: false` (rewritten to `not: {}`) closes the tuple.
        if object.get("items") == Some(&json!({ "not": {} })) {
            object.remove("items");
        }
        let prefix = match prefix {
            Value::Array(prefix) => prefix,
            _ => Vec::new(),
        };
        let alike = prefix.first().filter(|first| prefix.iter().all(|p| p == *first));
        match (alike, object.contains_key("items")) {
            (Some(item), false) => {
                object.insert("items".to_owned(), item.clone());
            }
            (_, true) => self.note(
                child(pointer, "prefixItems"),
                "`prefixItems` dropped: OpenAPI 3.0 has no tuples; every item is read with the schema of `items`",
            ),
            (None, false) => self.note(
                child(pointer, "prefixItems"),
                "`prefixItems` dropped: OpenAPI 3.0 has no tuples; the items are read as any JSON value",
            ),
        }
    }

    fn pattern_properties(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Object(patterns)) = object.remove("patternProperties") else { return };
        let at = child(pointer, "patternProperties");
        let single = if patterns.len() == 1 { patterns.into_iter().next() } else { None };
        match single {
            Some((pattern, schema)) if !object.contains_key("additionalProperties") => {
                object.insert("additionalProperties".to_owned(), schema);
                self.note(at, format!("read as `additionalProperties`: OpenAPI 3.0 cannot require the keys to match {pattern:?}"));
            }
            _ => self.note(at, "`patternProperties` dropped: OpenAPI 3.0 cannot type properties by the pattern of their names"),
        }
    }

    fn unsupported_keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let unsupported: Vec<String> = object
            .keys()
            .filter(|key| !key.starts_with("x-") && !SCHEMA_KEYWORDS_30.contains(&key.as_str()))
            .cloned()
            .collect();
        for key in unsupported {
            object.remove(&key);
            // A comment says nothing about the value, and an anchor only
            // marks where a `$recursiveRef` lands (those are rewritten).
            if !matches!(key.as_str(), "$comment" | "$recursiveAnchor") {
                let why = match key.as_str() {
                    "propertyNames" => "OpenAPI 3.0 cannot constrain the keys of a map",
                    "$defs" | "definitions" => "OpenAPI 3.0 has no local definitions; references to them do not resolve",
                    "if" | "then" | "else" | "dependentSchemas" | "dependentRequired" => "OpenAPI 3.0 has no conditional schemas",
                    "unevaluatedProperties" | "unevaluatedItems" => "OpenAPI 3.0 cannot constrain unevaluated properties or items",
                    "contains" | "minContains" | "maxContains" => "OpenAPI 3.0 cannot require an array to contain an item",
                    "$id" | "$anchor" | "$dynamicAnchor" | "$dynamicRef" | "$schema" | "$vocabulary" => {
                        "OpenAPI 3.0 schemas have no identifiers or dialects; only JSON-pointer references resolve"
                    }
                    _ => "not an OpenAPI 3.0 schema keyword",
                };
                self.note(child(pointer, &key), format!("`{key}` dropped: {why}"));
            }
        }
    }

    /// 3.0 ignores everything next to a `$ref`; 3.1 does not. Keywords that
    /// would change the value move next to an `allOf` holding the reference.
    fn reference_siblings(&self, object: &mut Map<String, Value>) {
        let Some(reference) = object.get("$ref").and_then(Value::as_str).map(str::to_owned) else { return };
        if object.get("type").is_some_and(|ty| self.target_type(&reference) == Some(ty)) {
            object.remove("type");
        }
        let keeps_meaning = |key: &str| matches!(key, "$ref" | "description" | "title") || key.starts_with("x-");
        if object.keys().all(|key| keeps_meaning(key)) {
            return;
        }
        let mut wrapped = Map::new();
        wrapped.insert("allOf".to_owned(), json!([{ "$ref": reference }]));
        wrapped.extend(std::mem::take(object).into_iter().filter(|(key, _)| key != "$ref"));
        *object = wrapped;
    }

    /// The `type` of the component schema `reference` leads to.
    fn target_type(&self, reference: &str) -> Option<&Value> {
        let mut reference = reference;
        for _ in 0..=self.schema_types.len() {
            let name = unescape_pointer_token(reference.strip_prefix(SCHEMA_PREFIX)?);
            match self.schema_types.get(&name)? {
                Target::Ref(next) => reference = next,
                Target::Type(ty) => return Some(ty),
            }
        }
        None
    }
}

/// `$recursiveRef: "#"` in a component schema (draft 2019-09 recursion)
/// refers to that component: a `$ref` to it.
fn recursive_reference(object: &mut Map<String, Value>, pointer: &str) {
    let Some(component) = pointer.strip_prefix("/components/schemas/").map(|rest| rest.split('/').next().unwrap_or_default()) else {
        return;
    };
    if object.get("$recursiveRef").and_then(Value::as_str) == Some("#") && !object.contains_key("$ref") {
        object.remove("$recursiveRef");
        object.insert("$ref".to_owned(), json!(format!("{SCHEMA_PREFIX}{component}")));
    }
}

/// `const: v` → `enum: [v]`, typed after `v` when nothing else types it.
fn constant(object: &mut Map<String, Value>) {
    let Some(value) = object.remove("const") else { return };
    let typed = ["type", "$ref", "allOf", "oneOf", "anyOf", "not"].iter().any(|k| object.contains_key(*k));
    if value.is_null() {
        object.insert("nullable".to_owned(), json!(true));
    } else if !typed && let Some(ty) = json_type(&value) {
        object.insert("type".to_owned(), json!(ty));
    }
    object.insert("enum".to_owned(), json!([value]));
}


/// Numeric `exclusiveMinimum: n` → `minimum: n` + `exclusiveMinimum: true`
/// (and the same for the maximum), keeping whichever bound is tighter.
fn exclusive_bounds(object: &mut Map<String, Value>) {
    for (exclusive, inclusive, tighter) in [
        ("exclusiveMinimum", "minimum", (|new, old| new >= old) as fn(f64, f64) -> bool),
        ("exclusiveMaximum", "maximum", |new, old| new <= old),
    ] {
        let Some(Value::Number(bound)) = object.get(exclusive).cloned() else { continue };
        let current = object.get(inclusive).and_then(Value::as_f64);
        if current.is_none_or(|old| bound.as_f64().is_some_and(|new| tighter(new, old))) {
            object.insert(inclusive.to_owned(), Value::Number(bound));
            object.insert(exclusive.to_owned(), json!(true));
        } else {
            object.remove(exclusive);
        }
    }
}

/// `type: [T, "null"]` → `type: T` + `nullable: true`; several types → one
/// `oneOf` branch per type, each with the keywords that apply to it.
fn types(object: &mut Map<String, Value>) {
    let names: Vec<String> = match object.get("type") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(name)) if name == "null" => vec![name.clone()],
        _ => return,
    };
    object.remove("type");
    let mut types: Vec<String> = Vec::new();
    for name in names {
        if !types.contains(&name) {
            types.push(name);
        }
    }
    if let Some(null) = types.iter().position(|t| t == "null") {
        types.remove(null);
        object.insert("nullable".to_owned(), json!(true));
        if types.is_empty() {
            object.insert("enum".to_owned(), json!([null]));
        }
    }
    // Every integer is a number.
    if types.iter().any(|t| t == "number") {
        types.retain(|t| t != "integer");
    }
    match types.as_slice() {
        [] => {}
        [only] => {
            object.insert("type".to_owned(), json!(only));
        }
        _ => split_types(object, &types),
    }
}

fn split_types(object: &mut Map<String, Value>, types: &[String]) {
    let values = match object.remove("enum") {
        Some(Value::Array(values)) => Some(values),
        _ => None,
    };
    let mut branches: Vec<Map<String, Value>> = Vec::new();
    for ty in types {
        let mut branch = Map::new();
        branch.insert("type".to_owned(), json!(ty));
        for key in type_keywords(ty) {
            let Some(value) = object.get(*key) else { continue };
            if *key == "format" && !format_fits(value, ty) {
                continue;
            }
            branch.insert((*key).to_owned(), value.clone());
        }
        if let Some(values) = &values {
            let own: Vec<Value> = values.iter().filter(|v| json_type(v).is_some_and(|t| t == ty || (t == "integer" && ty == "number"))).cloned().collect();
            if own.is_empty() {
                continue;
            }
            branch.insert("enum".to_owned(), Value::Array(own));
        }
        branches.push(branch);
    }
    for ty in types {
        for key in type_keywords(ty) {
            object.remove(*key);
        }
    }
    if branches.len() <= 1 {
        // One type left (the enum rules the others out), or none: the enum says it all.
        object.extend(branches.into_iter().flatten());
        if let (Some(values), false) = (values, object.contains_key("enum")) {
            object.insert("enum".to_owned(), Value::Array(values));
        }
        return;
    }
    let split = Value::Array(branches.into_iter().map(Value::Object).collect());
    if object.contains_key("oneOf") {
        let all_of = object.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(all_of) = all_of {
            all_of.push(json!({ "oneOf": split }));
        }
    } else {
        object.insert("oneOf".to_owned(), split);
    }
}

/// Whether `format` belongs to a schema of type `ty`.
fn format_fits(format: &Value, ty: &str) -> bool {
    let numeric = match format.as_str() {
        Some("int32" | "int64") => "integer",
        Some("float" | "double") => "number",
        _ => "string",
    };
    numeric == ty || (numeric == "integer" && ty == "number")
}

/// `oneOf`/`anyOf` with a null branch → the other branches + `nullable`;
/// a single other branch takes the place of the composition.
fn null_branches(object: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = object.get_mut(key) else { continue };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = std::mem::take(branches).into_iter().filter(|b| !is_null_schema(b)).collect();
        object.insert("nullable".to_owned(), json!(true));
        let alone = object.keys().all(|k| k == key || is_annotation(k));
        match <[Value; 1]>::try_from(rest) {
            Ok([branch]) if alone => {
                object.remove(key);
                hoist(object, branch);
            }
            Ok([branch]) => {
                object.insert(key.to_owned(), json!([branch]));
            }
            Err(rest) if rest.is_empty() => {
                object.remove(key);
                object.insert("enum".to_owned(), json!([null]));
            }
            Err(rest) => {
                object.insert(key.to_owned(), Value::Array(rest));
            }
        }
    }
}

/// Puts the only non-null branch of a composition in its place; the outer
/// schema's annotations (its description, say) win over the branch's.
fn hoist(object: &mut Map<String, Value>, branch: Value) {
    match branch {
        Value::Object(branch) if !branch.contains_key("$ref") => {
            for (key, value) in branch {
                if !(is_annotation(&key) && object.contains_key(&key)) {
                    object.insert(key, value);
                }
            }
        }
        // A reference takes no siblings in 3.0: it goes into an `allOf`.
        branch => {
            object.insert("allOf".to_owned(), json!([branch]));
        }
    }
}

/// `{type: "null"}` as [`types`] rewrites it, or its 3.0 spelling.
fn is_null_schema(schema: &Value) -> bool {
    let Value::Object(object) = schema else { return false };
    object.get("enum") == Some(&json!([null])) && object.keys().all(|k| k == "enum" || is_annotation(k))
}

/// The JSON Schema type of a value (`None` for null).
fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    })
}

/// Media types whose content is text, which a plain string holds as it is.
fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(essence.as_str(), "application/json" | "application/xml" | "application/x-www-form-urlencoded" | "application/javascript")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Note, downgrade};

    /// Rewrites `schema` as the component schema `S` of a 3.1 document that
    /// also defines `Text` (a string) and `Thing` (an object).
    fn rewritten(schema: Value) -> (Value, Vec<Note>) {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": { "title": "T", "version": "1" },
            "paths": {},
            "components": { "schemas": { "Text": { "type": "string" }, "Thing": { "type": "object" }, "S": schema } }
        });
        let notes = downgrade(&mut document);
        assert_eq!(document["openapi"], "3.0.3");
        (document["components"]["schemas"]["S"].take(), notes)
    }

    fn assert_rewrites(schema: Value, expected: Value) {
        let (actual, notes) = rewritten(schema);
        assert_eq!(actual, expected);
        assert_eq!(notes, []);
    }

    fn note(pointer: &str, what: &str) -> Note {
        Note { pointer: pointer.to_owned(), what: what.to_owned() }
    }

    #[test]
    fn a_type_with_null_becomes_nullable() {
        assert_rewrites(json!({ "type": ["string", "null"] }), json!({ "type": "string", "nullable": true }));
        assert_rewrites(json!({ "type": ["null", "object"], "properties": {} }), json!({ "type": "object", "properties": {}, "nullable": true }));
        assert_rewrites(json!({ "type": ["integer"] }), json!({ "type": "integer" }));
    }

    #[test]
    fn null_alone_is_the_nullable_empty_enum() {
        assert_rewrites(json!({ "type": ["null"] }), json!({ "nullable": true, "enum": [null] }));
        assert_rewrites(json!({ "type": "null" }), json!({ "nullable": true, "enum": [null] }));
    }

    #[test]
    fn several_types_become_one_branch_each() {
        let schema = json!({
            "type": ["string", "integer", "null"],
            "description": "An id",
            "format": "int64",
            "maxLength": 10,
            "minimum": 1,
            "enum": ["a", 1, null]
        });
        let expected = json!({
            "description": "An id",
            "nullable": true,
            "oneOf": [
                { "type": "string", "maxLength": 10, "enum": ["a"] },
                { "type": "integer", "format": "int64", "minimum": 1, "enum": [1] }
            ]
        });
        assert_rewrites(schema, expected);
        // Every integer is a number; an enum can rule a type out.
        assert_rewrites(json!({ "type": ["integer", "number"] }), json!({ "type": "number" }));
        assert_rewrites(json!({ "type": ["string", "boolean"], "enum": ["a", "b"] }), json!({ "type": "string", "enum": ["a", "b"] }));
    }

    #[test]
    fn a_null_branch_makes_the_composition_nullable() {
        let inline = json!({
            "anyOf": [{ "type": "string", "description": "Inner" }, { "type": "null" }],
            "description": "Outer",
            "deprecated": true
        });
        assert_rewrites(inline, json!({ "type": "string", "description": "Outer", "deprecated": true, "nullable": true }));

        let reference = json!({ "oneOf": [{ "$ref": "#/components/schemas/Thing" }, { "type": "null" }], "description": "D" });
        let expected = json!({ "allOf": [{ "$ref": "#/components/schemas/Thing" }], "description": "D", "nullable": true });
        assert_rewrites(reference, expected);

        let several = json!({ "anyOf": [{ "$ref": "#/components/schemas/Thing" }, { "type": "string" }, { "type": "null" }] });
        let expected = json!({ "anyOf": [{ "$ref": "#/components/schemas/Thing" }, { "type": "string" }], "nullable": true });
        assert_rewrites(several, expected);

        // The branch is rewritten before it moves up.
        let nested = json!({ "anyOf": [{ "type": "array", "items": { "type": ["number", "null"] } }, { "type": "null" }] });
        let expected = json!({ "type": "array", "items": { "type": "number", "nullable": true }, "nullable": true });
        assert_rewrites(nested, expected);
    }

    #[test]
    fn a_null_branch_next_to_other_constraints_stays_a_composition() {
        let schema = json!({ "required": ["a"], "anyOf": [{ "type": "object" }, { "type": "null" }] });
        assert_rewrites(schema, json!({ "required": ["a"], "anyOf": [{ "type": "object" }], "nullable": true }));
    }

    #[test]
    fn const_is_a_one_value_enum() {
        assert_rewrites(json!({ "type": "string", "const": "click" }), json!({ "type": "string", "enum": ["click"] }));
        assert_rewrites(json!({ "const": "click" }), json!({ "type": "string", "enum": ["click"] }));
        assert_rewrites(json!({ "const": 3 }), json!({ "type": "integer", "enum": [3] }));
        assert_rewrites(json!({ "const": null }), json!({ "nullable": true, "enum": [null] }));
        let reference = json!({ "$ref": "#/components/schemas/Text", "const": "x" });
        assert_rewrites(reference, json!({ "allOf": [{ "$ref": "#/components/schemas/Text" }], "enum": ["x"] }));
    }

    #[test]
    fn the_first_of_examples_is_the_example() {
        assert_rewrites(json!({ "type": "string", "examples": ["a", "b"] }), json!({ "type": "string", "example": "a" }));
        assert_rewrites(json!({ "type": "string", "example": "x", "examples": ["a"] }), json!({ "type": "string", "example": "x" }));
        assert_rewrites(json!({ "type": "string", "examples": [] }), json!({ "type": "string" }));
        let (map, notes) = rewritten(json!({ "type": "string", "examples": { "a": { "value": "a" } } }));
        assert_eq!(map, json!({ "type": "string" }));
        assert_eq!(notes, [note("/components/schemas/S/examples", "`examples` dropped: in a schema it must be a list of values")]);
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags() {
        assert_rewrites(
            json!({ "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5 }),
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true }),
        );
        // The tighter bound wins.
        assert_rewrites(json!({ "type": "integer", "minimum": 5, "exclusiveMinimum": 1 }), json!({ "type": "integer", "minimum": 5 }));
        assert_rewrites(
            json!({ "type": "integer", "minimum": 1, "exclusiveMinimum": 1 }),
            json!({ "type": "integer", "minimum": 1, "exclusiveMinimum": true }),
        );
        // The 3.0 spelling, which 3.1 documents sometimes keep, is left as it is.
        let old = json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true });
        assert_rewrites(old.clone(), old);
    }

    #[test]
    fn encoded_and_binary_strings_get_their_formats() {
        assert_rewrites(json!({ "type": "string", "contentEncoding": "base64" }), json!({ "type": "string", "format": "byte" }));
        assert_rewrites(
            json!({ "type": "string", "contentMediaType": "application/octet-stream" }),
            json!({ "type": "string", "format": "binary" }),
        );
        let (text, notes) = rewritten(json!({ "type": "string", "contentMediaType": "application/json" }));
        assert_eq!(text, json!({ "type": "string" }));
        assert_eq!(
            notes,
            [note("/components/schemas/S/contentMediaType", "`contentMediaType: application/json` dropped: the value is read as a plain string")]
        );
        let (hex, notes) = rewritten(json!({ "type": "string", "contentEncoding": "base16" }));
        assert_eq!(hex, json!({ "type": "string" }));
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn reference_siblings_that_change_the_type_move_next_to_an_all_of() {
        let described = json!({ "$ref": "#/components/schemas/Thing", "description": "Kept; 3.0 readers ignore it" });
        assert_rewrites(described.clone(), described);
        assert_rewrites(
            json!({ "$ref": "#/components/schemas/Thing", "nullable": true, "description": "D" }),
            json!({ "allOf": [{ "$ref": "#/components/schemas/Thing" }], "nullable": true, "description": "D" }),
        );
        assert_rewrites(
            json!({ "$ref": "#/components/schemas/Thing", "deprecated": true }),
            json!({ "allOf": [{ "$ref": "#/components/schemas/Thing" }], "deprecated": true }),
        );
        // A type that repeats the target's adds nothing.
        assert_rewrites(json!({ "$ref": "#/components/schemas/Thing", "type": "object" }), json!({ "$ref": "#/components/schemas/Thing" }));
        assert_rewrites(
            json!({ "$ref": "#/components/schemas/Text", "type": "object" }),
            json!({ "allOf": [{ "$ref": "#/components/schemas/Text" }], "type": "object" }),
        );
    }

    #[test]
    fn tuples_become_arrays_and_say_what_they_lose() {
        assert_rewrites(
            json!({ "type": "array", "prefixItems": [{ "type": "number" }, { "type": "number" }], "items": false }),
            json!({ "type": "array", "items": { "type": "number" } }),
        );
        let (mixed, notes) = rewritten(json!({ "type": "array", "prefixItems": [{ "type": "string" }, { "type": "number" }] }));
        assert_eq!(mixed, json!({ "type": "array" }));
        assert_eq!(
            notes,
            [note(
                "/components/schemas/S/prefixItems",
                "`prefixItems` dropped: OpenAPI 3.0 has no tuples; the items are read as any JSON value"
            )]
        );
    }

    #[test]
    fn keywords_3_0_lacks_are_dropped_with_a_note() {
        let schema = json!({
            "type": "object",
            "$comment": "says nothing about the value",
            "propertyNames": { "maxLength": 3 },
            "properties": { "a": { "type": "string", "if": { "minLength": 1 }, "x-kept": 1 } },
            "additionalProperties": { "type": "string", "dependentRequired": {} },
            "patternProperties": { "^x-": { "type": ["integer", "null"] } }
        });
        let (actual, notes) = rewritten(schema);
        let expected = json!({
            "type": "object",
            "properties": { "a": { "type": "string", "x-kept": 1 } },
            "additionalProperties": { "type": "string" }
        });
        assert_eq!(actual, expected);
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/S/properties/a/if",
                "/components/schemas/S/additionalProperties/dependentRequired",
                "/components/schemas/S/patternProperties",
                "/components/schemas/S/propertyNames",
            ]
        );
        assert_eq!(notes[3].what, "`propertyNames` dropped: OpenAPI 3.0 cannot constrain the keys of a map");
    }

    #[test]
    fn a_single_pattern_property_types_the_other_properties() {
        let (map, notes) = rewritten(json!({ "type": "object", "patternProperties": { "^[a-z]+$": { "type": ["integer", "null"] } } }));
        assert_eq!(map, json!({ "type": "object", "additionalProperties": { "type": "integer", "nullable": true } }));
        assert_eq!(
            notes,
            [note(
                "/components/schemas/S/patternProperties",
                "read as `additionalProperties`: OpenAPI 3.0 cannot require the keys to match \"^[a-z]+$\""
            )]
        );
    }

    #[test]
    fn boolean_schemas_and_recursive_references() {
        assert_rewrites(
            json!({ "type": "object", "properties": { "any": true, "none": false }, "additionalProperties": false }),
            json!({ "type": "object", "properties": { "any": {}, "none": { "not": {} } }, "additionalProperties": false }),
        );
        assert_rewrites(
            json!({ "$recursiveAnchor": true, "type": "array", "items": { "$recursiveRef": "#" } }),
            json!({ "type": "array", "items": { "$ref": "#/components/schemas/S" } }),
        );
    }

    #[test]
    fn schemas_are_rewritten_wherever_they_stand() {
        let nullable = || json!({ "type": ["string", "null"] });
        let rewritten = || json!({ "type": "string", "nullable": true });
        let mut document = json!({
            "openapi": "3.1.1",
            "info": { "title": "T", "version": "1" },
            "paths": {
                "/things/{id}": {
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": nullable() }],
                    "post": {
                        "parameters": [{ "name": "q", "in": "query", "content": { "application/json": { "schema": nullable() } } }],
                        "requestBody": { "content": { "multipart/form-data": {
                            "schema": { "type": "object", "properties": { "file": { "type": "string", "contentMediaType": "image/png" } } },
                            "encoding": { "file": { "headers": { "X-Part": { "schema": nullable() } } } }
                        } } },
                        "responses": { "200": {
                            "description": "OK",
                            "headers": { "X-Rate": { "schema": nullable() } },
                            "content": { "application/json": { "schema": {
                                "allOf": [{ "type": "object", "properties": { "a": { "type": "array", "items": nullable() } } }],
                                "not": { "const": 1 }
                            } } }
                        } },
                        "callbacks": { "done": { "{$request.body#/url}": { "post": {
                            "requestBody": { "content": { "application/json": { "schema": nullable() } } }
                        } } } }
                    }
                }
            },
            "components": {
                "parameters": { "P": { "name": "p", "in": "query", "schema": nullable() } },
                "headers": { "H": { "schema": nullable() } },
                "requestBodies": { "B": { "content": { "application/json": { "schema": { "type": "object", "additionalProperties": nullable() } } } } },
                "responses": { "R": { "description": "R", "content": { "application/json": { "schema": { "oneOf": [nullable()] } } } } }
            }
        });
        let notes = downgrade(&mut document);
        assert_eq!(notes, []);
        for pointer in [
            "/paths/~1things~1{id}/parameters/0/schema",
            "/paths/~1things~1{id}/post/parameters/0/content/application~1json/schema",
            "/paths/~1things~1{id}/post/requestBody/content/multipart~1form-data/encoding/file/headers/X-Part/schema",
            "/paths/~1things~1{id}/post/responses/200/headers/X-Rate/schema",
            "/paths/~1things~1{id}/post/responses/200/content/application~1json/schema/allOf/0/properties/a/items",
            "/paths/~1things~1{id}/post/callbacks/done/{$request.body#~1url}/post/requestBody/content/application~1json/schema",
            "/components/parameters/P/schema",
            "/components/headers/H/schema",
            "/components/requestBodies/B/content/application~1json/schema/additionalProperties",
            "/components/responses/R/content/application~1json/schema/oneOf/0",
        ] {
            assert_eq!(document.pointer(pointer), Some(&rewritten()), "{pointer}");
        }
        let file = "/paths/~1things~1{id}/post/requestBody/content/multipart~1form-data/schema/properties/file";
        assert_eq!(document.pointer(file), Some(&json!({ "type": "string", "format": "binary" })));
        let not = "/paths/~1things~1{id}/post/responses/200/content/application~1json/schema/not";
        assert_eq!(document.pointer(not), Some(&json!({ "type": "integer", "enum": [1] })));
        let api: openapiv3::OpenAPI = serde_json::from_value(document).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(api.openapi, "3.0.3");
    }

    #[test]
    fn parts_3_0_lacks_are_dropped_with_a_note() {
        let mut document = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": { "title": "T", "summary": "S", "version": "1", "license": { "name": "MIT", "identifier": "MIT" } },
            "paths": {
                "/a": { "$ref": "#/components/pathItems/A", "description": "Mine" },
                "/b": { "get": {} }
            },
            "webhooks": { "created": { "post": { "responses": { "200": { "description": "OK" } } } } },
            "components": {
                "pathItems": { "A": { "description": "Theirs", "get": { "responses": { "200": {
                    "description": "OK", "content": { "application/json": { "schema": { "type": ["string", "null"] } } }
                } } } } },
                "securitySchemes": { "mtls": { "type": "mutualTLS" }, "key": { "type": "apiKey", "in": "header", "name": "K" } }
            }
        });
        let notes = downgrade(&mut document);
        let expected = json!({
            "openapi": "3.0.3",
            "info": { "title": "T", "version": "1", "license": { "name": "MIT" } },
            "paths": {
                "/a": { "description": "Mine", "get": { "responses": { "200": {
                    "description": "OK", "content": { "application/json": { "schema": { "type": "string", "nullable": true } } }
                } } } },
                "/b": { "get": { "responses": {} } }
            },
            "components": { "securitySchemes": { "key": { "type": "apiKey", "in": "header", "name": "K" } } }
        });
        assert_eq!(document, expected);
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/webhooks", "/jsonSchemaDialect", "/info/summary", "/info/license/identifier", "/components/pathItems", "/components/securitySchemes/mtls"]
        );
        assert_eq!(notes[0].what, "1 webhooks dropped: they are requests the API sends to your server, so a client has nothing to call");
        serde_json::from_value::<openapiv3::OpenAPI>(document).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn a_document_without_paths_gets_empty_ones() {
        let mut document = json!({ "openapi": "3.1.0", "info": { "title": "T", "version": "1" }, "webhooks": {} });
        assert_eq!(downgrade(&mut document), []);
        assert_eq!(document, json!({ "openapi": "3.0.3", "info": { "title": "T", "version": "1" }, "paths": {} }));
    }

    #[test]
    fn load_reads_3_1_and_keeps_the_notes() {
        let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    S:\n      type: [string, 'null']\n      if: {}\n";
        let input = crate::SpecInput { name: "api.yaml".to_owned(), version: None, text: text.to_owned() };
        let document = crate::load::load(&input).unwrap_or_else(|e| panic!("{e}"));
        let notes: Vec<String> = document.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes, ["api.yaml:8:11 (at /components/schemas/S/if): `if` dropped: OpenAPI 3.0 has no conditional schemas"]);
        let schema = document.api.components.and_then(|c| c.schemas.get("S").cloned()).and_then(|s| s.into_item());
        assert!(schema.is_some_and(|s| s.schema_data.nullable));

        let newer = crate::SpecInput { text: text.replace("3.1.0", "3.2.0"), ..input };
        let error = crate::load::load(&newer).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("OpenAPI version \"3.2.0\" is not supported"), "{error}");
    }
}
