//! The intermediate model: what the client is, in plain sorted data.
//!
//! It holds no `openapiv3` types and no tokens, every name in it is already
//! the final Rust name next to its wire name, and it serializes, so tests can
//! snapshot it.

use std::collections::BTreeMap;

use serde::Serialize;

/// The client to generate, as [`crate::model()`] returns it: every operation
/// and type with its final Rust names, sorted, ready for `emit`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Api {
    /// The spec's `info.title`: the first line of the generated crate's docs.
    pub title: String,
    /// The spec's `info.description`; `None` when it has none.
    pub description: Option<String>,
    /// The spec's servers, in its order: one variant of the generated
    /// `Environment` each.
    pub servers: Vec<Server>,
    /// Credentials the client sends on every call, from an `Authorization`
    /// header parameter; `None` when no operation has one.
    pub auth: Option<Auth>,
    /// Header parameters that every operation takes: set once on the client.
    pub client_headers: Vec<ClientHeader>,
    /// The spec's `components/securitySchemes`, sorted by key: credentials
    /// set once on the client, sent by the operations whose requirement
    /// names them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_schemes: Vec<SecurityScheme>,
    /// Sorted by Rust name.
    pub operations: Vec<Operation>,
    /// Sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Credentials are read from `<env_prefix>_CLIENT_ID` and `…_CLIENT_SECRET`.
    pub env_prefix: String,
    /// What the generator did on the spec's behalf or could not do as
    /// asked, each with its place.
    pub warnings: Vec<crate::error::Warning>,
    /// What the generator decided that a reviewer may want to know, which
    /// is not a problem (info level): component schemas made one type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A server the spec lists: a variant of the generated `Environment` enum.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Server {
    /// The `Environment` variant's name: PascalCase from the description,
    /// else `Server<n>` (counting from 1), numbered when taken.
    pub variant: String,
    /// The base URL, without a trailing `/`.
    pub url: String,
    /// The spec's description of the server; `None` when it has none.
    pub description: Option<String>,
}

/// How the client sends credentials: in one header, set once on the client
/// (`basic_auth`, `bearer_auth`, `credentials` of the generated builder).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Auth {
    /// The header's name, in the spelling most operations use (`Authorization`).
    pub header: String,
}

/// A security scheme of the spec: one credential the client holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's key in `components/securitySchemes`, which requirements name.
    pub key: String,
    /// snake_case name of the builder method that sets the credential.
    pub setter: String,
    /// snake_case name of the builder method that reads it from the environment.
    pub env_setter: String,
    /// snake_case name of the builder method that sets a token provider;
    /// `Some` for OAuth 2 and OpenID Connect schemes.
    pub provider_setter: Option<String>,
    /// The environment variables `env_setter` reads: one, or two for HTTP
    /// Basic (user name, password).
    pub env_variables: Vec<String>,
    /// SCREAMING_CASE name of the crate-private constant describing it,
    /// which operations refer to.
    pub constant: String,
    /// How the credential is sent.
    pub kind: SecurityKind,
    /// The spec's description; `None` when it has none.
    pub description: Option<String>,
}

/// How a security scheme's credential is sent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub enum SecurityKind {
    /// HTTP Basic: `Authorization: Basic base64(user:password)`.
    Basic,
    /// A token in the `Authorization` header after the scheme's name
    /// (`Bearer` for HTTP bearer, OAuth 2 and OpenID Connect).
    Token {
        /// The HTTP authorization scheme written before the token.
        scheme: String,
        /// Where the token comes from in the spec's terms.
        source: TokenSource,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it is sent.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        wire_name: String,
    },
}

/// What kind of scheme a token belongs to.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum TokenSource {
    /// `type: http` with a scheme other than basic.
    Http,
    /// `type: oauth2`: a static token or one from a provider.
    OAuth2,
    /// `type: openIdConnect`: a static token or one from a provider.
    OpenIdConnect,
}

/// A header parameter the client sets once and sends on every call,
/// instead of each operation taking it as an argument.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientHeader {
    /// The header's name as sent, in the spelling most operations use.
    pub wire_name: String,
    /// snake_case name of the builder method that sets it.
    pub method: String,
    /// SCREAMING_CASE name of the public constant holding the default.
    pub constant: Option<String>,
    /// The value sent when neither the caller nor the operation sets one:
    /// the newest of the operations' only enum values.
    pub default: Option<String>,
    /// The spec's description of the parameter (its first definition); `None`
    /// when it has none.
    pub description: Option<String>,
}

/// One operation of the spec: a method on the client.
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
    /// The spec's `operationId`; `None` when it has none.
    pub operation_id: Option<String>,
    /// The HTTP method.
    pub method: Method,
    /// The path template as the spec writes it (`/invoices/{id}`), relative to
    /// the server's URL.
    pub path: String,
    /// The path template split into literal text and path parameters.
    pub path_segments: Vec<PathSegment>,
    /// The spec's summary; `None` when it has none.
    pub summary: Option<String>,
    /// The spec's description; `None` when it has none.
    pub description: Option<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The parameters the call takes, in the spec's order, without the headers
    /// the client holds ([`Api::client_headers`], [`Api::auth`]).
    pub params: Vec<Param>,
    /// The request body; `None` when the operation takes none, or its
    /// `content` lists no media type.
    pub body: Option<RequestBody>,
    /// The responses with a single 2XX status code, sorted by status; for an
    /// operation that documents no 2XX, its 3XX redirects, which are then
    /// what a call answers (the client follows no redirect).
    pub success: Vec<SuccessResponse>,
    /// Every other response the spec lists (other codes, ranges such as `4XX`,
    /// `default`), sorted by status text; the method's docs list them.
    pub errors: Vec<ErrorResponse>,
    /// Set when the operation is a cursor-paginated list.
    pub pagination: Option<Pagination>,
    /// The version label of the spec file whose definition the client uses
    /// (`2024-01-01`); `None` when that file has no label.
    pub version: Option<String>,
    /// What the operation sends of each client header whose value its
    /// definition fixes (the version header's only value), unless the
    /// client sets the header.
    pub client_header_values: Vec<ClientHeaderValue>,
    /// Query parameters the operation always sends with a fixed value, in
    /// the order its path key lists them: the key's query string
    /// (`/batches?beta=true` sends `beta=true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constant_query: Vec<ConstantQuery>,
    /// The `Accept` header the operation sends: the media types its success
    /// responses are read from, in status order. `None` when they are all
    /// `application/json` (or there are none), which every call sends
    /// unless told otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// Set when a success response is a stream of server-sent events
    /// (`text/event-stream`): the call can also be read as that stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<EventStream>,
    /// Which credentials the operation sends: alternatives, each a list of
    /// scheme keys sent together; an empty alternative makes credentials
    /// optional. `None` when the operation names no requirement or says
    /// `security: []`: it sends none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Vec<Vec<String>>>,
    /// Set when each call sends an idempotency key, and is therefore
    /// retried like an idempotent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// A query parameter an operation always sends with one value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConstantQuery {
    /// The parameter's name, as sent.
    pub name: String,
    /// Its value, as sent.
    pub value: String,
}

/// The idempotency key a call sends: the caller's, else a fresh UUID v4 per
/// call, the same on every attempt of that call.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdempotencyKey {
    /// The header that carries it, as the operation's parameter spells it
    /// (`Idempotency-Key`).
    pub wire_name: String,
    /// Rust name of the optional `String` parameter (in
    /// [`Operation::params`]) with which the caller sets a key of their own.
    pub param: String,
    /// Whether the spec declares the parameter; `false` when the manifest's
    /// `[idempotency]` named the operation and the parameter was added.
    pub declared: bool,
}

/// The value an operation sends for one client header.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientHeaderValue {
    /// The client header's wire name ([`ClientHeader::wire_name`]).
    pub wire_name: String,
    /// The value sent when the caller set none on the client.
    pub value: String,
}

impl Operation {
    /// The path template without the query string its key may carry
    /// ([`Operation::constant_query`]): what the path is built from.
    pub fn path_template(&self) -> &str {
        path_template(&self.path)
    }

    /// The body type of the first success response that has one.
    pub fn success_type(&self) -> Option<&TypeRef> {
        self.success.iter().find_map(|s| s.ty.as_ref())
    }
}

/// The path template of a path key: the part before any `?`.
pub fn path_template(path_key: &str) -> &str {
    path_key.split_once('?').map_or(path_key, |(path, _)| path)
}

/// How to follow a paginated list: where a page's items are, and how the
/// next page is asked for.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pagination {
    /// Rust name of the page's items field; `None` when the page is the
    /// list itself (an array body).
    pub items_field: Option<String>,
    /// Whether the items field is optional (an absent list is no items).
    pub items_optional: bool,
    /// The type of one item of the list.
    pub item_type: TypeRef,
    /// How the next page is asked for.
    pub style: PageStyle,
    /// Whether the generator found the style on its own rather than from
    /// the manifest.
    pub detected: bool,
}

/// How a paginated list asks for its next page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum PageStyle {
    /// The page names the next cursor, which the next request sends in a
    /// query parameter (Sequence's `pagination.after` as `after`, Oxide's
    /// `next_page` as `page_token`); no cursor ends the list.
    Cursor {
        /// Rust name of the cursor parameter (a string).
        param: String,
        /// Rust field names from the page to the next cursor; each says
        /// whether that step is optional.
        next: Vec<(String, bool)>,
    },
    /// While the page's flag says there are more, the next request sends
    /// the last item's id (Stripe's `starting_after` with `has_more`).
    LastItem {
        /// Rust name of the parameter taking the id (a string).
        param: String,
        /// Rust field names from the page to the flag, as in `Cursor`.
        has_more: Vec<(String, bool)>,
        /// Rust name of the item's id field, and whether it is optional.
        id: (String, bool),
    },
    /// Page numbers: the next request asks for the page after the one
    /// before, counting from `first`, until a page has no items.
    Page {
        /// Rust name of the page-number parameter (an integer).
        param: String,
        /// The number of the first page, which a request without the
        /// parameter gets: the parameter's minimum, else 1.
        first: i64,
    },
    /// The answer's `Link` header names the next page's URL (RFC 8288
    /// `rel="next"`), which the next request fetches; no such link ends
    /// the list.
    Link,
}

impl PageStyle {
    /// The style's name, as the manifest spells it (`last-item`).
    pub fn name(&self) -> &'static str {
        match self {
            PageStyle::Cursor { .. } => "cursor",
            PageStyle::LastItem { .. } => "last-item",
            PageStyle::Page { .. } => "page",
            PageStyle::Link => "link",
        }
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl Method {
    /// The method's name as sent, upper-case (`GET`).
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

/// A piece of an operation's path template.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum PathSegment {
    /// Text of the template between parameters, as written.
    Literal(String),
    /// Index into the operation's `params`.
    Param(usize),
}

/// Where a parameter is sent (OpenAPI's `in`).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// In the path, in place of its `{name}`.
    Path,
    /// In the query string.
    Query,
    /// As a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// A parameter an operation takes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Param {
    /// The name as the spec writes it, which is the name sent.
    pub wire_name: String,
    /// The snake_case Rust name of its argument or setter, unique among the
    /// operation's parameters.
    pub name: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// Whether the call must give it; a path parameter always must.
    pub required: bool,
    /// The type of its value (text where the spec says `format: binary`).
    pub ty: TypeRef,
    /// The spec's description; `None` when it has none.
    pub description: Option<String>,
    /// The range an integer parameter must be in; checked before sending.
    pub minimum: Option<i64>,
    /// The largest value an integer parameter may take, from the spec (an
    /// exclusive bound made inclusive) or the manifest's `[parameters]`; `None`
    /// when there is no bound.
    pub maximum: Option<i64>,
    /// How an array or object value is written (query parameters).
    pub style: ParamStyle,
}

/// OpenAPI's serialization styles for query parameters.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form`: `name=a,b`, or exploded `name=a&name=b`; a query parameter's
    /// default style, and how a cookie is written.
    Form {
        /// Whether each value is sent as a `name=value` pair of its own.
        explode: bool,
    },
    /// `spaceDelimited`: the values joined by spaces.
    SpaceDelimited,
    /// `pipeDelimited`: the values joined by `|`.
    PipeDelimited,
    /// `deepObject`: an object's entries as `name[key]=value`.
    DeepObject,
    /// `simple`: the values joined by commas; how path and header parameters
    /// are written.
    Simple,
}

/// How a body travels.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Encoding {
    /// JSON: `application/json`, any `…+json` type, or `*/*`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: a part per property.
    Multipart,
    /// Any `text/*` type: the body is a `String`.
    Text,
    /// Any other media type: the body is raw bytes.
    Binary,
}

/// The body an operation sends.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequestBody {
    /// The media type chosen from the spec's `content`, as written: JSON
    /// first, then form, multipart, text, and any other.
    pub content_type: String,
    /// How the body is written, from its media type.
    pub encoding: Encoding,
    /// The body's type: `Bytes` for a binary body, `String` for text, any JSON
    /// value when the media type has no schema.
    pub ty: TypeRef,
    /// The spec's `required`: whether the call must send a body.
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

/// The server-sent events an operation can answer with.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventStream {
    /// The type of each event's data: the `text/event-stream` schema.
    pub ty: TypeRef,
    /// The method of the `Api` trait that makes the streaming call
    /// (`<operation>_stream`), claimed beside the operations' names.
    pub method: String,
    /// The body field that asks for a stream, which the streaming call
    /// sets to `true`: an operation that answers JSON unless the body's
    /// boolean `stream` says otherwise (OpenAI's). `None` when it needs none.
    pub flag: Option<StreamFlag>,
}

/// The body field the streaming call sets to `true`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StreamFlag {
    /// Its Rust name.
    pub field: String,
    /// How the body struct declares it.
    pub shape: FieldShape,
}

/// A response with a single 2XX status code, or a documented redirect of an
/// operation with no 2XX ([`Operation::success`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SuccessResponse {
    /// The status code (200 to 299, or 300 to 399).
    pub status: u16,
    /// The variant of the operation's response enum for this status.
    pub variant: String,
    /// The spec's description of the response.
    pub description: String,
    /// `None` when the response has no body.
    pub ty: Option<TypeRef>,
    /// How the body is read; `Json` when the response has no body.
    pub encoding: Encoding,
    /// The headers the spec documents for the response, lower-cased, in
    /// name order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
}

/// A response the spec lists other than a single 2XX code: one the
/// operation's docs list under its errors.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorResponse {
    /// A code (`404`), a range (`4XX`) or `default`.
    pub status: String,
    /// The spec's description of the response.
    pub description: String,
}

/// A use of a type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A type defined in `Api::types`, by Rust name.
    Named(String),
    /// A `String`: a string schema without a format the model types otherwise.
    String,
    /// An integer: `i32` for `format: int32`, else `i64`.
    Integer {
        /// Its width: 32 or 64.
        bits: u8,
        /// Whether it takes negative values (`u32`, `u64` when not); `lower`
        /// makes only signed integers.
        signed: bool,
    },
    /// A floating-point number: `f32` for `format: float`, else `f64`.
    Float {
        /// Its width: 32 or 64.
        bits: u8,
    },
    /// `bool`.
    Boolean,
    /// Raw bytes: a binary body, or a `format: binary` property of a
    /// multipart body (a file part).
    Bytes,
    /// An exact decimal, a string on the wire.
    Decimal,
    /// A calendar date (`chrono::NaiveDate`): `format: date`, or a `[fields]`
    /// override.
    Date,
    /// A timestamp that keeps its offset (`chrono::DateTime<FixedOffset>`):
    /// `format: date-time`, or a `[fields]` override.
    DateTime,
    /// A list (`Vec<T>`).
    Array(Box<TypeRef>),
    /// An object of free keys, each with a value of the type
    /// (`BTreeMap<String, T>`).
    Map(Box<TypeRef>),
    /// A value that may be JSON `null` where no field can be left out
    /// instead: the item of a list, or the value of a map, whose schema is
    /// `nullable` (`Option<T>`).
    Nullable(Box<TypeRef>),
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
            TypeRef::Nullable(inner) => format!("Option<{}>", inner.rust_type()),
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
            TypeRef::Nullable(inner) => format!("Option<{}>", inner.value_type()),
            other => other.rust_type(),
        }
    }
}

/// A named type of the generated `types` module: a component schema, an
/// object, enum or union defined in place, or a parameter's `[parameters]`
/// enum.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeDef {
    /// The PascalCase Rust name, unique among the types.
    pub name: String,
    /// The component name in the spec for a component schema; for a type
    /// defined in place, the name made from its place (`…Body`); for a
    /// `[parameters]` enum, the parameter's wire name.
    pub wire_name: String,
    /// The schema's description; `None` when it has none.
    pub description: Option<String>,
    /// The schema's example, as pretty-printed JSON; `None` when it has none.
    pub example: Option<String>,
    /// Whether the schema is marked deprecated.
    pub deprecated: bool,
    /// Sent as a request body: gets a constructor and setters.
    pub request: bool,
    /// Sent as the body of a PUT or PATCH: its optional fields can be left
    /// alone, cleared or set.
    pub update: bool,
    /// What sort of type it is, with its contents.
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum TypeKind {
    /// An object; `additional` is the value type of properties beyond the
    /// declared ones, when the schema allows them. `flattened` are the
    /// unions an `allOf` combines with the object: their properties stand
    /// beside the fields on the wire.
    Struct {
        /// The declared properties, in the spec's order (those of `allOf`
        /// members added up, the first definition of a name winning).
        fields: Vec<Field>,
        /// The map field of the undeclared properties; `None` when the schema
        /// allows none or says nothing of them.
        additional: Option<Additional>,
        /// The unions an `allOf` combines with the object; usually empty.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        flattened: Vec<Flattened>,
    },
    /// One of several types (oneOf / anyOf). With a discriminator, the
    /// variant is chosen by that property's value; without, by trying each.
    /// A discriminated union keeps a variant it does not know whole, in
    /// `fallback`.
    Union {
        /// One per member schema, in the spec's order.
        variants: Vec<UnionVariant>,
        /// The wire name of the property whose value picks the variant;
        /// `None` without a discriminator, or when a member has no value
        /// to be picked by (one defined in place).
        discriminator: Option<String>,
        /// The name of the variant that keeps an object of an unknown tag
        /// whole (`Unknown`); `Some` exactly when `discriminator` is.
        fallback: Option<String>,
    },
    /// A string enum that keeps values it does not know.
    Enum {
        /// One per value, in the spec's order, repeats dropped.
        variants: Vec<Variant>,
        /// The name of the variant that keeps a value the spec does not list
        /// (`Unknown`, numbered when a value takes that name).
        fallback: String,
    },
    /// A named schema that is another type (`type Foo = Vec<Bar>`).
    Alias {
        /// The type it stands for.
        target: TypeRef,
    },
}

/// A field of a struct: one declared property of the object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    /// The snake_case Rust name, unique in the struct.
    pub name: String,
    /// The property's name in JSON.
    pub wire_name: String,
    /// The type of its value, without the `Option`, `Update` or `Box` its
    /// declaration adds ([`Field::declared_type`]).
    pub ty: TypeRef,
    /// Whether the schema lists it as required; a `readOnly` or `writeOnly`
    /// property never is, since one direction leaves it out.
    pub required: bool,
    /// Whether its value may be `null` (`nullable: true` on the property or
    /// the schema it refers to).
    pub nullable: bool,
    /// Boxed because the field's type contains its owner, or would take more
    /// than [`MAX_INLINE_BYTES`](crate::lower::MAX_INLINE_BYTES) inline.
    pub boxed: bool,
    /// The description of a property defined in place; `None` for a `$ref`
    /// (the referenced type carries its own) or when there is none.
    pub description: Option<String>,
    /// The example of a property defined in place, as one line of JSON; `None`
    /// for a `$ref` or when there is none.
    pub example: Option<String>,
    /// The server's default, as JSON text, for the docs.
    pub default: Option<String>,
    /// Whether a property defined in place is marked deprecated.
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
    /// The Rust field's name: `additional_properties`, numbered when a
    /// declared field has that name.
    pub name: String,
    /// The type of each undeclared property's value.
    pub ty: TypeRef,
}

/// A union whose properties a struct carries beside its own fields
/// (`#[serde(flatten)]`): `allOf: [object, oneOf: […]]`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flattened {
    /// The Rust field that holds it; it has no name on the wire.
    pub name: String,
    /// The union's type.
    pub ty: TypeRef,
    /// Boxed because the union contains the struct, or is large.
    pub boxed: bool,
}

/// A variant of a union: one of its member schemas.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnionVariant {
    /// The PascalCase variant name, after the member's type (`LineItem`,
    /// `String`, `IntegerList`), numbered when taken.
    pub name: String,
    /// The member's type.
    pub ty: TypeRef,
    /// Boxed because the variant's type contains the union, or is large.
    pub boxed: bool,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// A value of a string enum.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    /// The PascalCase variant name, numbered when two values would share one.
    pub name: String,
    /// The value as sent.
    pub wire_name: String,
}
