//! What the caller asks for: the inputs, the crate to produce, and the
//! overrides (renames, version preferences) that must each apply somewhere.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// One spec file handed to the generator: its name (as shown in messages and
/// generated headers, never an absolute path), its API version label when the
/// manifest gives one, and its text.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// The file's name as messages and headers show it (`specs/invoices.yaml`);
    /// a file named `….json`, or whose text starts with `{`, is read as
    /// JSON, any other as YAML.
    pub name: String,
    /// The API version label the manifest gives the file (`2024-07-30`),
    /// which [`Config::prefer`] names; `None` when there is none (a spec
    /// given on its own, a referenced file).
    pub version: Option<String>,
    /// The file's contents.
    pub text: String,
}

/// A Rust type a string field is read as, chosen by an override because the
/// spec gives no format (`"51.20"` is money, not text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    /// An exact decimal (`rust_decimal::Decimal`), kept as a string on the wire.
    Decimal,
    /// A calendar date (`chrono::NaiveDate`).
    Date,
    /// An RFC 3339 timestamp that keeps its offset (`chrono::DateTime<FixedOffset>`).
    DateTime,
}

/// What the spec does not say about a parameter: its range or its values.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterOverride {
    /// The smallest value the parameter may take; `None` keeps the spec's.
    pub minimum: Option<i64>,
    /// The largest value the parameter may take; `None` keeps the spec's.
    pub maximum: Option<i64>,
    /// The values it takes (`enum` in the manifest): the parameter becomes a
    /// string enum of them; empty keeps the spec's type.
    #[serde(default, rename = "enum")]
    pub values: Vec<String>,
}

/// How paginated lists are followed (`[pagination]` in the manifest).
///
/// Each operation's style comes from the first of: its entry in
/// `operations` (an exact `"METHOD /path"` before a path prefix, a longer
/// prefix before a shorter one); the crate-wide cursor style of `cursor`,
/// `items` and `next`, for an operation with that cursor parameter; and,
/// when `detect` is on, the common styles the generator recognises, each
/// reported as a warning so that a wrong guess can be switched off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The query parameter carrying the cursor (`after`), for every
    /// operation that has it.
    pub cursor: Option<String>,
    /// The response field holding the page's items (`items`), dotted.
    pub items: Option<String>,
    /// The response field holding the next cursor, dotted (`pagination.after`).
    pub next: Option<String>,
    /// Whether lists nothing else declares are recognised (default: yes).
    #[serde(default = "detect_by_default")]
    pub detect: bool,
    /// `"METHOD /path"` (or a path ending in `*`) = how that operation pages.
    #[serde(default)]
    pub operations: BTreeMap<String, PageRule>,
}

fn detect_by_default() -> bool {
    true
}

impl Default for Pagination {
    fn default() -> Self {
        Pagination { cursor: None, items: None, next: None, detect: true, operations: BTreeMap::new() }
    }
}

/// How the operations of one `[pagination.operations]` entry page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRule {
    /// The style; `none` makes the operation no paginated list.
    pub style: PageStyleName,
    /// The query parameter the style sets: the cursor (`cursor`), the last
    /// item's id (`last-item`, default `starting_after` or `after`), or the
    /// page number (`page`, default `page`).
    pub param: Option<String>,
    /// The response field holding the page's items, dotted; default: the
    /// page's one list field, or the page itself when it is a list.
    pub items: Option<String>,
    /// `cursor`: the response field holding the next cursor, dotted.
    pub next: Option<String>,
    /// `last-item`: the response field that says whether more pages follow,
    /// dotted (default `has_more`).
    pub has_more: Option<String>,
    /// `last-item`: the item's field whose value the next request sends
    /// (default `id`).
    pub id: Option<String>,
}

/// The styles a `[pagination.operations]` entry can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageStyleName {
    /// A cursor from the page, sent in a query parameter.
    Cursor,
    /// The last item's id, while a flag says more pages follow.
    LastItem,
    /// Page numbers, until a page has no items.
    Page,
    /// The `Link` header's `rel="next"` URL.
    Link,
    /// Not a paginated list (switches a detected style off).
    None,
}

/// Which operations send an idempotency key (`[idempotency]` in the
/// manifest). Every operation that declares a header parameter named
/// `header` (any case) sends one; `operations` names more, whose spec is
/// silent about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// The header that carries the key (default `Idempotency-Key`).
    #[serde(default = "default_idempotency_header")]
    pub header: String,
    /// Operations as `"METHOD /path"` (`"POST /customer-aliases"`); a path
    /// ending in `*` names every path that starts with what comes before it
    /// (`"POST /v1/*"`, `"POST *"`). Each entry must name at least one
    /// operation.
    #[serde(default)]
    pub operations: Vec<String>,
}

/// The header of idempotency keys unless the manifest names another.
pub const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

fn default_idempotency_header() -> String {
    DEFAULT_IDEMPOTENCY_HEADER.to_owned()
}

impl Default for Idempotency {
    fn default() -> Self {
        Idempotency { header: default_idempotency_header(), operations: Vec::new() }
    }
}

/// How the merge chooses between definitions of one operation or schema
/// that differ between versions (`[merge]` in the manifest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergePolicy {
    /// `prefer = "newest"`: the newest version's definition of every
    /// operation and schema.
    pub prefer_newest: bool,
    /// `"METHOD /path"` → the version label (or spec file) whose definition
    /// of the operation the client uses.
    pub operations: BTreeMap<String, String>,
    /// Schema name as spelled in the spec → the version label (or spec
    /// file) whose definition the client uses.
    pub schemas: BTreeMap<String, String>,
}

/// Where the generated files go relative to the crate root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Only `src/generated/**`: the crate's `Cargo.toml` and `lib.rs` are
    /// written by hand (the checked-in client).
    Module,
    /// A whole crate: `Cargo.toml`, `src/lib.rs` and `src/generated/**`,
    /// a workspace of its own.
    Crate,
    /// A whole crate meant as a member of a surrounding workspace.
    Member,
}

/// The whole input of [`crate::generate`] besides the specs.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) crate_name: String,
    pub(crate) layout: Layout,
    pub(crate) command: String,
    pub(crate) manifest_name: String,
    /// Schema name as spelled in the spec → Rust type name.
    pub(crate) renames: BTreeMap<String, String>,
    /// operationId → Rust method name.
    pub(crate) operation_names: BTreeMap<String, String>,
    /// Component name → version label whose definition wins a conflict.
    pub(crate) prefer: BTreeMap<String, String>,
    /// How differing definitions of one operation or schema are chosen.
    pub(crate) merge: MergePolicy,
    /// `Schema.property` or `*.property` → the type the string field is read as.
    pub(crate) field_types: BTreeMap<String, FieldType>,
    /// Parameter name (as in the spec) → what the spec leaves out.
    pub(crate) parameters: BTreeMap<String, ParameterOverride>,
    pub(crate) pagination: Option<Pagination>,
    /// Which operations send an idempotency key; `None`: those that declare
    /// an `Idempotency-Key` header parameter.
    pub(crate) idempotency: Option<Idempotency>,
    /// Prefix of the environment variables credentials are read from.
    pub(crate) env_prefix: Option<String>,
    /// The word before an eight-digit date with which the vendor names
    /// schemas for the version that introduced them (`Stable`); `None`: no
    /// such rule.
    pub(crate) version_prefix: Option<String>,
    /// The header parameters set once on the client instead of on each
    /// call; `None`: none (credentials aside).
    pub(crate) client_headers: Option<Vec<String>>,
    /// Inputs that are not entries but files the entries refer to by `$ref`
    /// ([`crate::bundle`]); every other input is an entry.
    pub(crate) referenced_files: std::collections::BTreeSet<String>,
    /// The names earlier runs assigned (`specs/names.toml`).
    pub(crate) record: crate::record::NameRecord,
}

impl Config {
    /// A configuration for the crate `crate_name`, with the defaults: the
    /// [`Layout::Module`] layout, `cargo xtask regen` as the command,
    /// `specs/codegen.toml` as the manifest's name, and no overrides.
    pub fn new(crate_name: &str) -> Self {
        Config {
            crate_name: crate_name.to_owned(),
            layout: Layout::Module,
            command: "cargo xtask regen".to_owned(),
            manifest_name: "specs/codegen.toml".to_owned(),
            renames: BTreeMap::new(),
            operation_names: BTreeMap::new(),
            prefer: BTreeMap::new(),
            merge: MergePolicy::default(),
            field_types: BTreeMap::new(),
            parameters: BTreeMap::new(),
            pagination: None,
            idempotency: None,
            env_prefix: None,
            version_prefix: None,
            client_headers: None,
            referenced_files: std::collections::BTreeSet::new(),
            record: crate::record::NameRecord::default(),
        }
    }

    /// Names the inputs that are files the entry files refer to (by `$ref`
    /// with a relative path), as [`crate::referenced_files`] named them: they
    /// are read only through those references, never as documents of their
    /// own. Every other input is an entry file.
    pub fn referenced_files<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.referenced_files.extend(names.into_iter().map(Into::into));
        self
    }

    /// Whether the input `name` is a referenced file rather than an entry.
    pub fn is_referenced_file(&self, name: &str) -> bool {
        self.referenced_files.contains(name)
    }

    /// Where the generated files go ([`Layout::Module`] unless set).
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// The command named in every generated file's header.
    pub fn command(mut self, command: &str) -> Self {
        self.command = command.to_owned();
        self
    }

    /// How the manifest is named in error messages.
    pub fn manifest_name(mut self, name: &str) -> Self {
        self.manifest_name = name.to_owned();
        self
    }

    /// Names the Rust type of the schema `schema` (as the spec spells it)
    /// `rust_name`; a name no schema has is an error.
    pub fn rename(mut self, schema: &str, rust_name: &str) -> Self {
        self.renames.insert(schema.to_owned(), rust_name.to_owned());
        self
    }

    /// Names the client method of the operation `operation_id` `method`; an
    /// operationId no operation has is an error.
    pub fn operation_name(mut self, operation_id: &str, method: &str) -> Self {
        self.operation_names.insert(operation_id.to_owned(), method.to_owned());
        self
    }

    /// Where `component` (a component name, an operation's `METHOD /path`,
    /// or `*` for anything) is defined differently in two files, the
    /// definition of the file labelled `version` (or named so) wins; an entry
    /// that decides no conflict is an error.
    pub fn prefer(mut self, component: &str, version: &str) -> Self {
        self.prefer.insert(component.to_owned(), version.to_owned());
        self
    }

    /// Takes the newest version's definition of every operation and schema
    /// that differs between versions (`[merge] prefer = "newest"`).
    pub fn prefer_newest(mut self) -> Self {
        self.merge.prefer_newest = true;
        self
    }

    /// Uses `version`'s definition of the operation `METHOD /path`.
    pub fn pin_operation(mut self, operation: &str, version: &str) -> Self {
        self.merge.operations.insert(operation.to_owned(), version.to_owned());
        self
    }

    /// Uses `version`'s definition of the schema `name`.
    pub fn pin_schema(mut self, name: &str, version: &str) -> Self {
        self.merge.schemas.insert(name.to_owned(), version.to_owned());
        self
    }

    /// Reads the string field `key` (`Schema.property` or `*.property`) as `ty`.
    pub fn field_type(mut self, key: &str, ty: FieldType) -> Self {
        self.field_types.insert(key.to_owned(), ty);
        self
    }

    /// Gives the parameter `name` (as the spec spells it) what the spec leaves
    /// out: a range, or the values it takes; a name no parameter has is an
    /// error.
    pub fn parameter(mut self, name: &str, parameter: ParameterOverride) -> Self {
        self.parameters.insert(name.to_owned(), parameter);
        self
    }

    /// Follows the cursor-paginated lists that match `pagination`; an error
    /// when no operation does.
    pub fn pagination(mut self, pagination: Pagination) -> Self {
        self.pagination = Some(pagination);
        self
    }

    /// Sends an idempotency key from the operations `idempotency` names, and
    /// those that declare its header; the header must be declared by some
    /// operation unless operations are named, and each named one must match.
    pub fn idempotency(mut self, idempotency: Idempotency) -> Self {
        self.idempotency = Some(idempotency);
        self
    }

    /// Reads credentials from `<prefix>_CLIENT_ID` and `<prefix>_CLIENT_SECRET`;
    /// the default prefix is the crate name in SCREAMING_CASE.
    pub fn env_prefix(mut self, prefix: &str) -> Self {
        self.env_prefix = Some(prefix.to_owned());
        self
    }

    /// Schemas named `<prefix><eight-digit date><Name>` are `Name` as of that
    /// version (Sequence's `Stable20240101LineItem`).
    pub fn version_prefix(mut self, prefix: &str) -> Self {
        self.version_prefix = Some(prefix.to_owned());
        self
    }

    /// The header parameters (by name, any case) set once on the client.
    pub fn client_headers(mut self, headers: &[&str]) -> Self {
        self.client_headers = Some(headers.iter().map(|h| (*h).to_owned()).collect());
        self
    }

    /// The same configuration for a crate of another name.
    pub fn renamed(mut self, crate_name: &str) -> Self {
        self.crate_name = crate_name.to_owned();
        self
    }

    /// The name of the crate to generate.
    /// Keeps the names an earlier run assigned (see [`crate::record`]).
    pub fn name_record(mut self, record: crate::record::NameRecord) -> Self {
        self.record = record;
        self
    }

    /// The name of the crate to generate.
    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let valid = !self.crate_name.is_empty()
            && self.crate_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && self.crate_name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if !valid {
            return Err(Error::Config(format!(
                "crate name {:?} is not a valid package name: use ASCII letters, digits, '-' and '_', starting with a letter",
                self.crate_name
            )));
        }
        Ok(())
    }
}
