//! Small OpenAPI 3.0 documents built from the fuzzer's bytes with
//! `arbitrary`: a few paths, operations, parameters and component schemas,
//! every name drawn from an alphabet of keywords, digits, symbols, quotes,
//! the generated crate's own names and case variants of one another, that
//! naming has to turn into valid, distinct Rust identifiers. Some of the
//! schemas may stand in a second file, so that references (and loops of
//! them) cross files.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::{Map, Value, json};

/// Pieces names are glued from: Rust keywords and prelude names, digits,
/// case changes, separators, quotes, escapes and non-ASCII letters.
const PIECES: &[&str] = &[
    "a", "B", "id", "type", "self", "Self", "super", "crate", "match", "async", "gen", "try", "fn", "r#",
    "Option", "Result", "String", "Box", "Vec", "Client", "Error", "Response", "Request", "Unknown",
    "Default", "0", "1", "42", "_", "-", ".", " ", "\"", "'", "\\", "/", "$", "#", "{", "}", "%", "é",
    "ß", "日本", "\u{0}", "\n", "Stable20240101", "V2", "",
    // The generated crate's own names, and spellings that meet after case
    // conversion.
    "Types", "types", "Runtime", "API", "Api", "client", "generated", "Environment", "RetryPolicy",
    "ClientBuilder", "builder", "base_url", "Custom", "items", "timeout", "body", "options", "fooBar",
    "foo_bar", "FooBar", "FOO-BAR",
];

/// A name glued from one to four pieces of [`PIECES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Word(pub String);

impl<'a> Arbitrary<'a> for Word {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u.int_in_range(1..=4)?;
        let mut word = String::new();
        for _ in 0..count {
            word.push_str(u.choose(PIECES)?);
        }
        Ok(Word(word))
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Scalar {
    String,
    Integer,
    Int64,
    Number,
    Boolean,
    Date,
    DateTime,
    Decimal,
    Binary,
}

/// Where a schema is used: a scalar, a component by index, or a container.
#[derive(Arbitrary, Debug)]
pub enum Use {
    Scalar(Scalar),
    Ref(u8),
    ArrayOf(Box<Use>),
    MapOf(Box<Use>),
    Nullable(Box<Use>),
    InlineObject(Vec<Property>),
    InlineEnum(Vec<Word>),
    Any,
}

#[derive(Arbitrary, Debug)]
pub struct Property {
    pub name: Word,
    pub schema: Use,
    pub required: bool,
    pub read_only: bool,
}

#[derive(Arbitrary, Debug)]
pub enum SchemaDef {
    Object { properties: Vec<Property>, additional: Option<Use> },
    Enum { values: Vec<Word>, nullable: bool },
    Alias(Use),
    OneOf { variants: Vec<Use>, discriminator: Option<Word> },
    AllOf(Vec<Use>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Location {
    Query,
    Header,
    Cookie,
}

#[derive(Arbitrary, Debug)]
pub struct Parameter {
    pub name: Word,
    pub location: Location,
    pub required: bool,
    pub schema: Use,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

#[derive(Arbitrary, Debug)]
pub enum Body {
    Json(Use),
    Form(Use),
    Bytes,
    Text,
}

#[derive(Arbitrary, Debug)]
pub struct Response {
    /// Mapped onto a handful of status codes, ranges and `default`.
    pub status: u8,
    pub body: Option<Body>,
}

#[derive(Arbitrary, Debug)]
pub struct OperationDef {
    pub method: Method,
    pub operation_id: Option<Word>,
    pub tag: Option<Word>,
    pub summary: Option<Word>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
}

#[derive(Arbitrary, Debug)]
pub enum Segment {
    Literal(Word),
    /// A `{name}` template variable, declared as a required path parameter.
    Variable(Word, Scalar),
}

#[derive(Arbitrary, Debug)]
pub struct PathDef {
    pub segments: Vec<Segment>,
    pub operations: Vec<OperationDef>,
}

#[derive(Arbitrary, Debug)]
pub struct SpecDef {
    pub title: Word,
    pub paths: Vec<PathDef>,
    pub schemas: Vec<(Word, SchemaDef)>,
    pub server: Option<Word>,
    /// Schemas from this index on stand in a second file.
    pub split: u8,
}

/// Nesting beyond this renders as a plain string, so that specs stay small.
const MAX_DEPTH: usize = 3;
const MAX_ITEMS: usize = 4;

/// The document as JSON, with what it contains counted from the JSON itself
/// (later duplicates of a path, method or schema name replace earlier ones).
pub struct Rendered {
    pub document: Value,
    /// The second file: the schemas split off, and no paths.
    pub second: Option<Value>,
    /// The component schema names, as spelled in the document.
    pub schema_names: Vec<String>,
    pub operations: usize,
}

impl SpecDef {
    pub fn render(&self) -> Rendered {
        let names: Vec<String> = self.schemas.iter().take(MAX_ITEMS).map(|(name, _)| name.0.clone()).collect();
        let ctx = Context { names: &names };

        let mut schemas = Map::new();
        let mut split_off = Map::new();
        for (index, (name, def)) in self.schemas.iter().take(MAX_ITEMS).enumerate() {
            // A later schema of a name replaces an earlier one, in whichever file.
            schemas.remove(&name.0);
            split_off.remove(&name.0);
            let file = if index >= usize::from(self.split) { &mut split_off } else { &mut schemas };
            file.insert(name.0.clone(), ctx.schema_def(def));
        }

        let mut paths = Map::new();
        for path in self.paths.iter().take(MAX_ITEMS) {
            let mut template = String::new();
            let mut variables = Vec::new();
            for segment in path.segments.iter().take(MAX_ITEMS) {
                template.push('/');
                match segment {
                    Segment::Literal(word) => template.push_str(&word.0),
                    Segment::Variable(word, scalar) => {
                        template.push('{');
                        template.push_str(&word.0);
                        template.push('}');
                        variables.push(json!({
                            "name": word.0, "in": "path", "required": true, "schema": scalar_schema(*scalar),
                        }));
                    }
                }
            }
            if template.is_empty() {
                template.push('/');
            }
            let mut item = Map::new();
            for operation in path.operations.iter().take(MAX_ITEMS) {
                item.insert(method_key(operation.method).to_owned(), ctx.operation(operation, &variables));
            }
            paths.insert(template, Value::Object(item));
        }

        let operations = paths.values().map(|item| item.as_object().map_or(0, Map::len)).sum();
        let schema_names = schemas.keys().chain(split_off.keys()).cloned().collect();
        let second = (!split_off.is_empty()).then(|| {
            json!({
                "openapi": "3.0.3",
                "info": { "title": self.title.0, "version": "1" },
                "paths": {},
                "components": { "schemas": split_off },
            })
        });
        let mut document = json!({
            "openapi": "3.0.3",
            "info": { "title": self.title.0, "version": "1" },
            "paths": paths,
            "components": { "schemas": schemas },
        });
        if let Some(server) = &self.server {
            document["servers"] = json!([{ "url": format!("https://{}.example.com", server.0) }]);
        }
        Rendered { document, second, schema_names, operations }
    }
}

struct Context<'n> {
    names: &'n [String],
}

impl Context<'_> {
    fn schema_def(&self, def: &SchemaDef) -> Value {
        match def {
            SchemaDef::Object { properties, additional } => {
                let mut schema = self.object(properties, 0);
                if let Some(additional) = additional {
                    schema["additionalProperties"] = self.schema(additional, 1);
                }
                schema
            }
            SchemaDef::Enum { values, nullable } => {
                let values: Vec<&str> = values.iter().take(MAX_ITEMS).map(|w| w.0.as_str()).collect();
                json!({ "type": "string", "enum": values, "nullable": nullable })
            }
            SchemaDef::Alias(target) => self.schema(target, 0),
            SchemaDef::OneOf { variants, discriminator } => {
                let variants: Vec<Value> = variants.iter().take(MAX_ITEMS).map(|v| self.schema(v, 1)).collect();
                let mut schema = json!({ "oneOf": variants });
                if let Some(property) = discriminator {
                    schema["discriminator"] = json!({ "propertyName": property.0 });
                }
                schema
            }
            SchemaDef::AllOf(parts) => {
                let parts: Vec<Value> = parts.iter().take(MAX_ITEMS).map(|p| self.schema(p, 1)).collect();
                json!({ "allOf": parts })
            }
        }
    }

    fn object(&self, properties: &[Property], depth: usize) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        for property in properties.iter().take(MAX_ITEMS) {
            let mut schema = self.schema(&property.schema, depth + 1);
            if property.read_only {
                schema["readOnly"] = Value::Bool(true);
            }
            props.insert(property.name.0.clone(), schema);
            if property.required {
                required.push(property.name.0.clone());
            }
        }
        let mut schema = json!({ "type": "object", "properties": props });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        schema
    }

    fn schema(&self, used: &Use, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return json!({ "type": "string" });
        }
        match used {
            Use::Scalar(scalar) => scalar_schema(*scalar),
            Use::Ref(index) if self.names.is_empty() => json!({ "type": "integer", "minimum": index }),
            Use::Ref(index) => {
                let name = &self.names[usize::from(*index) % self.names.len()];
                json!({ "$ref": format!("#/components/schemas/{}", escape_pointer(name)) })
            }
            Use::ArrayOf(items) => json!({ "type": "array", "items": self.schema(items, depth + 1) }),
            Use::MapOf(values) => json!({ "type": "object", "additionalProperties": self.schema(values, depth + 1) }),
            Use::Nullable(inner) => json!({ "allOf": [self.schema(inner, depth + 1)], "nullable": true }),
            Use::InlineObject(properties) => self.object(properties, depth),
            Use::InlineEnum(values) => {
                let values: Vec<&str> = values.iter().take(MAX_ITEMS).map(|w| w.0.as_str()).collect();
                json!({ "type": "string", "enum": values })
            }
            Use::Any => json!({}),
        }
    }

    fn body(&self, body: &Body) -> Value {
        let (media, schema) = match body {
            Body::Json(used) => ("application/json", self.schema(used, 0)),
            Body::Form(used) => ("application/x-www-form-urlencoded", self.schema(used, 0)),
            Body::Bytes => ("application/octet-stream", json!({ "type": "string", "format": "binary" })),
            Body::Text => ("text/plain", json!({ "type": "string" })),
        };
        json!({ media: { "schema": schema } })
    }

    fn operation(&self, operation: &OperationDef, path_variables: &[Value]) -> Value {
        let mut parameters: Vec<Value> = path_variables.to_vec();
        for parameter in operation.parameters.iter().take(MAX_ITEMS) {
            let location = match parameter.location {
                Location::Query => "query",
                Location::Header => "header",
                Location::Cookie => "cookie",
            };
            parameters.push(json!({
                "name": parameter.name.0,
                "in": location,
                "required": parameter.required,
                "schema": self.schema(&parameter.schema, 1),
            }));
        }
        let mut responses = Map::new();
        for response in operation.responses.iter().take(MAX_ITEMS) {
            let status = match response.status % 8 {
                0 => "200",
                1 => "201",
                2 => "204",
                3 => "2XX",
                4 => "400",
                5 => "404",
                6 => "5XX",
                _ => "default",
            };
            let mut value = json!({ "description": "a response" });
            if let Some(body) = &response.body {
                value["content"] = self.body(body);
            }
            responses.insert(status.to_owned(), value);
        }
        if responses.is_empty() {
            responses.insert("204".to_owned(), json!({ "description": "nothing" }));
        }
        let mut value = json!({ "parameters": parameters, "responses": responses, "deprecated": operation.deprecated });
        if let Some(id) = &operation.operation_id {
            value["operationId"] = json!(id.0);
        }
        if let Some(tag) = &operation.tag {
            value["tags"] = json!([tag.0]);
        }
        if let Some(summary) = &operation.summary {
            value["summary"] = json!(summary.0);
        }
        if let Some(body) = &operation.body {
            value["requestBody"] = json!({ "required": true, "content": self.body(body) });
        }
        value
    }
}

fn scalar_schema(scalar: Scalar) -> Value {
    match scalar {
        Scalar::String => json!({ "type": "string" }),
        Scalar::Integer => json!({ "type": "integer" }),
        Scalar::Int64 => json!({ "type": "integer", "format": "int64" }),
        Scalar::Number => json!({ "type": "number" }),
        Scalar::Boolean => json!({ "type": "boolean" }),
        Scalar::Date => json!({ "type": "string", "format": "date" }),
        Scalar::DateTime => json!({ "type": "string", "format": "date-time" }),
        Scalar::Decimal => json!({ "type": "string", "format": "decimal" }),
        Scalar::Binary => json!({ "type": "string", "format": "binary" }),
    }
}

fn method_key(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Put => "put",
        Method::Post => "post",
        Method::Delete => "delete",
        Method::Patch => "patch",
        Method::Head => "head",
        Method::Options => "options",
        Method::Trace => "trace",
    }
}

/// A schema name as a JSON pointer token (RFC 6901).
fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
