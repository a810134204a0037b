//! Every way generation can fail, each carrying where in which spec it happened
//! and what to do about it.

use std::fmt;

/// A place in an input file: the file as it was named to the generator, the
/// line and column when they are known, and the JSON pointer of the object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub pointer: Option<String>,
}

impl Location {
    pub fn file(file: &str) -> Self {
        Location { file: file.to_owned(), line: None, column: None, pointer: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {})", if pointer.is_empty() { "#" } else { pointer })?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{location}: {message}\n  help: fix the syntax of this file; it must be a YAML or JSON OpenAPI document")]
    Syntax { location: Location, message: String },

    #[error("{location}: {message}\n  help: this is not a valid OpenAPI 3.0 document at that place; correct the value the message names")]
    Schema { location: Location, message: String },

    #[error("{location}: OpenAPI version {found:?} is not supported\n  help: {help}")]
    UnsupportedVersion { location: Location, found: String, help: &'static str },

    #[error("{location}: reference {reference:?} points at nothing\n  help: define {reference:?} in this file, or correct the reference")]
    DanglingRef { location: Location, reference: String },

    #[error("{location}: reference {reference:?} is not supported\n  help: {help}")]
    UnsupportedRef { location: Location, reference: String, help: &'static str },

    #[error("{method} {path} is defined differently in two files:\n  first:  {first}\n  second: {second}\n  help: keep one definition, or make both identical")]
    DuplicateOperation { method: String, path: String, first: Location, second: Location },

    #[error("component {name:?} has different definitions in two files:\n  first:  {first}\n  second: {second}\n  help: make them identical, or say which version wins in specs/codegen.toml:\n        [prefer]\n        {name} = \"<version label>\"")]
    ConflictingComponent { name: String, first: Location, second: Location },

    #[error("two operations would both be named `{rust_name}`:\n  first:  {first}\n  second: {second}\n  help: name one of them in specs/codegen.toml: [operations] <operationId> = \"<method name>\"")]
    OperationNameCollision { rust_name: String, first: Location, second: Location },

    #[error("two types would both be named `{rust_name}`: {first:?} and {second:?}\n  help: rename one in specs/codegen.toml: [renames] <schema name> = \"<RustName>\"")]
    TypeNameCollision { rust_name: String, first: String, second: String },

    #[error("{location}: {message}\n  help: {help}")]
    Invalid { location: Location, message: String, help: String },

    #[error("{file}: {message}\n  help: {help}")]
    Manifest { file: String, message: String, help: String },

    #[error("{file}: {kind} `{key}` matched nothing in the specs\n  help: correct the name (it must be spelled as in the spec), or remove the entry")]
    UnusedOverride { file: String, kind: &'static str, key: String },

    #[error("invalid configuration: {0}")]
    Config(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
