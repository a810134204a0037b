//! The intermediate model: what the client is, in plain sorted data.
//!
//! It holds no `openapiv3` types and no tokens, every name in it is already
//! the final Rust name next to its wire name, and it serializes, so tests can
//! snapshot it.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Credentials the client sends on every call (from an `Authorization`
    /// header parameter or a security scheme).
    pub auth: Option<Auth>,
    /// Header parameters that every operation takes: set once on the client.
    pub client_headers: Vec<ClientHeader>,
    /// Sorted by Rust name.
    pub operations: Vec<Operation>,
    /// Sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Credentials are read from `<env_prefix>_CLIENT_ID` and `…_CLIENT_SECRET`.
    pub env_prefix: String,
    /// Things that could not be generated as asked, each with its place.
    pub warnings: Vec<String>,
    /// What the generator decided that a reviewer may want to know, which
    /// is not a problem (info level): component schemas made one type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Server {
    pub variant: String,
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Auth {
    pub header: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientHeader {
    pub wire_name: String,
    /// snake_case name of the builder method that sets it.
    pub method: String,
    /// SCREAMING_CASE name of the public constant holding the default.
    pub constant: Option<String>,
    /// The value sent when the caller sets none: the spec's only enum value.
    pub default: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Operation {
    /// snake_case method on the client.
    pub name: String,
    /// PascalCase name of the request builder (a type alias of the
    /// runtime's generic call).
    pub builder: String,
    /// PascalCase name of the struct holding the call's parameters and body.
    pub request_struct: String,
    /// PascalCase name of the enum of the call's success bodies, when they
    /// differ by status; `None` when the call returns one type.
    pub response_enum: Option<String>,
    /// The module (file) it is emitted in, from its first tag.
    pub module: String,
    pub operation_id: Option<String>,
    pub method: Method,
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<SuccessResponse>,
    pub errors: Vec<ErrorResponse>,
    /// Set when the operation is a cursor-paginated list.
    pub pagination: Option<Pagination>,
}

impl Operation {
    /// The body type of the first success response that has one.
    pub fn success_type(&self) -> Option<&TypeRef> {
        self.success.iter().find_map(|s| s.ty.as_ref())
    }
}

/// How to follow a paginated list: which parameter takes the cursor, and
/// where the items and the next cursor are in the response.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pagination {
    /// Rust name of the cursor parameter.
    pub cursor_param: String,
    /// Rust name of the items field of the response.
    pub items_field: String,
    pub item_type: TypeRef,
    /// Rust field names from the response to the next cursor; each says
    /// whether that step is optional.
    pub next_cursor: Vec<(String, bool)>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum PathSegment {
    Literal(String),
    /// Index into the operation's `params`.
    Param(usize),
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub description: Option<String>,
    /// The range an integer parameter must be in; checked before sending.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// How an array or object value is written (query parameters).
    pub style: ParamStyle,
}

/// OpenAPI's serialization styles for query parameters.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ParamStyle {
    Form { explode: bool },
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
}

/// How a body travels.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequestBody {
    pub content_type: String,
    pub encoding: Encoding,
    pub ty: TypeRef,
    pub required: bool,
    /// Multipart bodies: how the spec's `encoding` writes a part, by
    /// property name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub part_encodings: BTreeMap<String, PartEncoding>,
}

/// How one property of a multipart body is written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PartEncoding {
    /// The part's content type (only a usable, concrete media type); a
    /// file's own content type comes first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The style an object or array value is written in, as parts of
    /// their own (`field[key]` for deepObject). Files keep their parts, and
    /// values of a property with a style carry no content type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<ParamStyle>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SuccessResponse {
    pub status: u16,
    /// The variant of the operation's response enum for this status.
    pub variant: String,
    pub description: String,
    /// `None` when the response has no body.
    pub ty: Option<TypeRef>,
    pub encoding: Encoding,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorResponse {
    /// A code (`404`), a range (`4XX`) or `default`.
    pub status: String,
    pub description: String,
}

/// A use of a type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A type defined in `Api::types`, by Rust name.
    Named(String),
    String,
    Integer { bits: u8, signed: bool },
    Float { bits: u8 },
    Boolean,
    /// Raw bytes: a binary body, or a `format: binary` property of a
    /// multipart body (a file part).
    Bytes,
    /// An exact decimal, a string on the wire.
    Decimal,
    Date,
    DateTime,
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// Any JSON value: free-form schemas.
    Json,
}

impl TypeRef {
    /// The Rust type, as the generated code spells it without paths.
    pub fn rust_type(&self) -> String {
        match self {
            TypeRef::Named(name) => name.clone(),
            TypeRef::String => "String".to_owned(),
            TypeRef::Bytes => "Bytes".to_owned(),
            TypeRef::Decimal => "Decimal".to_owned(),
            TypeRef::Date => "NaiveDate".to_owned(),
            TypeRef::DateTime => "DateTime<FixedOffset>".to_owned(),
            TypeRef::Integer { bits: 32, signed: true } => "i32".to_owned(),
            TypeRef::Integer { bits: 32, signed: false } => "u32".to_owned(),
            TypeRef::Integer { signed: false, .. } => "u64".to_owned(),
            TypeRef::Integer { .. } => "i64".to_owned(),
            TypeRef::Float { bits: 32 } => "f32".to_owned(),
            TypeRef::Float { .. } => "f64".to_owned(),
            TypeRef::Boolean => "bool".to_owned(),
            TypeRef::Array(item) => format!("Vec<{}>", item.rust_type()),
            TypeRef::Map(value) => format!("BTreeMap<String, {}>", value.rust_type()),
            TypeRef::Json => "serde_json::Value".to_owned(),
        }
    }

    /// The Rust type of a value inside a generated type: raw bytes there
    /// are a file part of a multipart body, a `File`.
    pub fn value_type(&self) -> String {
        match self {
            TypeRef::Bytes => "File".to_owned(),
            TypeRef::Array(item) => format!("Vec<{}>", item.value_type()),
            TypeRef::Map(value) => format!("BTreeMap<String, {}>", value.value_type()),
            other => other.rust_type(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// The component name in the spec, when the type comes from one.
    pub wire_name: String,
    pub description: Option<String>,
    pub example: Option<String>,
    pub deprecated: bool,
    /// Sent as a request body: gets a constructor and setters.
    pub request: bool,
    /// Sent as the body of a PUT or PATCH: its optional fields can be left
    /// alone, cleared or set.
    pub update: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum TypeKind {
    /// An object; `additional` is the value type of properties beyond the
    /// declared ones, when the schema allows them. `flattened` are the
    /// unions an `allOf` combines with the object: their properties stand
    /// beside the fields on the wire.
    Struct {
        fields: Vec<Field>,
        additional: Option<Additional>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        flattened: Vec<Flattened>,
    },
    /// One of several types (oneOf / anyOf). With a discriminator, the
    /// variant is chosen by that property's value; without, by trying each.
    /// A discriminated union keeps a variant it does not know whole, in
    /// `fallback`.
    Union { variants: Vec<UnionVariant>, discriminator: Option<String>, fallback: Option<String> },
    /// A string enum that keeps values it does not know.
    Enum { variants: Vec<Variant>, fallback: String },
    /// A named schema that is another type (`type Foo = Vec<Bar>`).
    Alias { target: TypeRef },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Boxed because the field's type contains its owner.
    pub boxed: bool,
    pub description: Option<String>,
    pub example: Option<String>,
    /// The server's default, as JSON text, for the docs.
    pub default: Option<String>,
    pub deprecated: bool,
    /// How the field is declared and built.
    pub shape: FieldShape,
    /// The method that sets the field on a request body, when it has one.
    pub setter: Option<String>,
}

/// How a struct field is declared, and how `new` treats it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum FieldShape {
    /// Required, not nullable: `T`, an argument of `new`.
    Plain,
    /// Required and nullable: `Option<T>`, an argument of `new`.
    Nullable,
    /// Optional: `Option<T>`, left out when `None`; not in `new`.
    Optional,
    /// Optional in a PUT or PATCH body: `Update<T>` (unchanged, cleared or
    /// set); not in `new`.
    Update,
}

impl FieldShape {
    /// Whether `new` takes the field as an argument.
    pub fn in_constructor(self) -> bool {
        matches!(self, FieldShape::Plain | FieldShape::Nullable)
    }
}

/// The fields `new` takes, in the order it takes them: sorted by their Rust
/// names, never in the spec's order of `required` or `properties`. A vendor
/// that reorders those lists then changes no signature; were the order the
/// spec's, swapping two arguments of one type would still compile and
/// silently swap the values in code calling `new`.
pub fn constructor_fields(fields: &[Field]) -> Vec<&Field> {
    let mut arguments: Vec<&Field> = fields.iter().filter(|f| f.shape.in_constructor()).collect();
    // `r#type` sorts as `type`.
    arguments.sort_by(|a, b| a.name.trim_start_matches("r#").cmp(b.name.trim_start_matches("r#")));
    arguments
}

impl Field {
    /// The field's Rust type as the generated code declares it, without
    /// paths: `Option<Vec<LineItem>>`.
    pub fn declared_type(&self) -> String {
        let value = if self.boxed { format!("Box<{}>", self.ty.value_type()) } else { self.ty.value_type() };
        match self.shape {
            FieldShape::Plain => value,
            FieldShape::Nullable | FieldShape::Optional => format!("Option<{value}>"),
            FieldShape::Update => format!("Update<{value}>"),
        }
    }
}

/// The properties an object has beyond its declared ones: the Rust field
/// that holds them, clear of the declared fields, and their value type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Additional {
    pub name: String,
    pub ty: TypeRef,
}

/// A union whose properties a struct carries beside its own fields
/// (`#[serde(flatten)]`): `allOf: [object, oneOf: […]]`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flattened {
    /// The Rust field that holds it; it has no name on the wire.
    pub name: String,
    pub ty: TypeRef,
    /// Boxed because the union contains the struct.
    pub boxed: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Boxed because the variant's type contains the union.
    pub boxed: bool,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    pub name: String,
    pub wire_name: String,
}
