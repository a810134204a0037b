//! What the caller asks for: the inputs, the crate to produce, and the
//! overrides (renames, version preferences) that must each apply somewhere.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// One spec file handed to the generator: its name (as shown in messages and
/// generated headers, never an absolute path), its API version label when the
/// manifest gives one, and its text.
#[derive(Debug, Clone)]
pub struct SpecInput {
    pub name: String,
    pub version: Option<String>,
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
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    #[serde(default, rename = "enum")]
    pub values: Vec<String>,
}

/// How a cursor-paginated list is followed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The query parameter carrying the cursor (`after`).
    pub cursor: String,
    /// The response field holding the page's items (`items`).
    pub items: String,
    /// The response field holding the next cursor, dotted (`pagination.after`).
    pub next: String,
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
    /// `Schema.property` or `*.property` → the type the string field is read as.
    pub(crate) field_types: BTreeMap<String, FieldType>,
    /// Parameter name (as in the spec) → what the spec leaves out.
    pub(crate) parameters: BTreeMap<String, ParameterOverride>,
    pub(crate) pagination: Option<Pagination>,
    /// Prefix of the environment variables credentials are read from.
    pub(crate) env_prefix: Option<String>,
    /// The names earlier runs assigned (`specs/names.toml`).
    pub(crate) record: crate::record::NameRecord,
}

impl Config {
    pub fn new(crate_name: &str) -> Self {
        Config {
            crate_name: crate_name.to_owned(),
            layout: Layout::Module,
            command: "cargo xtask regen".to_owned(),
            manifest_name: "specs/codegen.toml".to_owned(),
            renames: BTreeMap::new(),
            operation_names: BTreeMap::new(),
            prefer: BTreeMap::new(),
            field_types: BTreeMap::new(),
            parameters: BTreeMap::new(),
            pagination: None,
            env_prefix: None,
            record: crate::record::NameRecord::default(),
        }
    }

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

    pub fn rename(mut self, schema: &str, rust_name: &str) -> Self {
        self.renames.insert(schema.to_owned(), rust_name.to_owned());
        self
    }

    pub fn operation_name(mut self, operation_id: &str, method: &str) -> Self {
        self.operation_names.insert(operation_id.to_owned(), method.to_owned());
        self
    }

    pub fn prefer(mut self, component: &str, version: &str) -> Self {
        self.prefer.insert(component.to_owned(), version.to_owned());
        self
    }

    /// Reads the string field `key` (`Schema.property` or `*.property`) as `ty`.
    pub fn field_type(mut self, key: &str, ty: FieldType) -> Self {
        self.field_types.insert(key.to_owned(), ty);
        self
    }

    pub fn parameter(mut self, name: &str, parameter: ParameterOverride) -> Self {
        self.parameters.insert(name.to_owned(), parameter);
        self
    }

    pub fn pagination(mut self, pagination: Pagination) -> Self {
        self.pagination = Some(pagination);
        self
    }

    pub fn env_prefix(mut self, prefix: &str) -> Self {
        self.env_prefix = Some(prefix.to_owned());
        self
    }

    /// Keeps the names an earlier run assigned (see [`crate::record`]).
    pub fn name_record(mut self, record: crate::record::NameRecord) -> Self {
        self.record = record;
        self
    }

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
