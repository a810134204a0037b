//! Every way generation can fail, each carrying where in which spec it happened
//! and what to do about it.
//!
//! An error has two forms: `Display`, one short paragraph naming the place
//! (`file:line:column (at pointer)`), the problem and the fix; and
//! [`Error::render`](crate::diagnostic), the same with the offending source
//! lines shown, which is what `cargo xtask` prints.

use std::fmt;

/// A place in an input file: the file as it was named to the generator, the
/// line and column when they are known, and the JSON pointer of the object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
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

    /// The pointer as written in messages: `#` for the whole document.
    pub fn pointer_text(&self) -> Option<&str> {
        self.pointer.as_deref().map(|pointer| if pointer.is_empty() { "#" } else { pointer })
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
        if let Some(pointer) = self.pointer_text() {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

/// Something the generator did on the spec's behalf, or could not do as
/// the spec asks, with the place in the spec when there is one: a name
/// changed to stay clear of another, a schema read as any JSON value.
/// Rendered like an error, with the source lines ([`Warning::render`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Warning {
    pub location: Option<Location>,
    pub message: String,
}

impl Warning {
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Warning { location: Some(location), message: message.into() }
    }

    pub fn unplaced(message: impl Into<String>) -> Self {
        Warning { location: None, message: message.into() }
    }

    /// Whether the message says `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

/// `place: message`, as errors are written.
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One operation or component defined differently in several files, with
/// nothing in the manifest to say which definition the client uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `GET /things`, or `schema "Thing"`.
    pub what: String,
    /// Each definition's place, in the order the files were merged.
    pub places: Vec<Location>,
}

/// How many conflicts [`Error::Conflicts`] shows in full before it counts the rest.
const CONFLICTS_SHOWN: usize = 200;

/// What to write in the manifest so that the merge can choose: the policy,
/// and a pin of `section` for `key`.
fn merge_help(pins: &[(&str, &str)]) -> String {
    let mut help = "say in specs/codegen.toml which version's definition the client uses: the newest one's of everything,\n        [merge]\n        prefer = \"newest\"\n      and, where another version's is wanted, a pin:".to_owned();
    for (section, key) in pins {
        help.push_str(&format!("\n        [{section}]\n        {key} = \"<version label>\""));
    }
    help
}

const SYNTAX_HELP: &str = "fix the syntax of this file; it must be a YAML or JSON OpenAPI document";
const SCHEMA_HELP: &str = "this is not a valid OpenAPI 3.0 document at that place; correct the value the message names";

#[derive(Debug)]
pub enum Error {
    Syntax { location: Location, message: String },
    Schema { location: Location, message: String },
    UnsupportedVersion { location: Location, found: String, help: &'static str },
    DanglingRef { location: Location, reference: String },
    UnsupportedRef { location: Location, reference: String, help: &'static str },
    DuplicateOperation { method: String, path: String, first: Location, second: Location },
    DuplicateOperationId { operation_id: String, first: Location, second: Location },
    ConflictingComponent { name: String, first: Location, second: Location },
    /// Several operations or components defined differently in several
    /// files, all found in one run.
    Conflicts { conflicts: Vec<Conflict> },
    TypeNameCollision { rust_name: String, first: String, second: String },
    Invalid { location: Location, message: String, help: String },
    /// Components that are only references to each other, round in a loop:
    /// each member's reference, in the order the loop runs.
    AliasLoop { kind: &'static str, names: String, places: Vec<Location> },
    Manifest { file: String, message: String, help: String },
    UnusedOverride { file: String, kind: &'static str, key: String },
    Config(String),
    /// A bug in the generator, not in the spec or the configuration: code it
    /// made that does not parse, a model it cannot write.
    Internal(String),
}

/// What an error says, taken apart: both of its forms are built from this.
#[derive(Debug)]
pub struct Parts<'e> {
    /// The problem, without the place.
    pub headline: String,
    /// The places, each with what is there ("first definition"); the first
    /// one is where the problem is.
    pub places: Vec<(&'e Location, &'static str)>,
    /// A file that is not a spec (the manifest), named in place of a location.
    pub file: Option<&'e str>,
    /// What to do, possibly over several lines.
    pub help: Option<String>,
}

impl Error {
    /// Every location the error names, to be moved (into the referenced file
    /// bundled content came from).
    pub fn locations_mut(&mut self) -> Vec<&mut Location> {
        match self {
            Error::Syntax { location, .. }
            | Error::Schema { location, .. }
            | Error::UnsupportedVersion { location, .. }
            | Error::DanglingRef { location, .. }
            | Error::UnsupportedRef { location, .. }
            | Error::Invalid { location, .. } => vec![location],
            Error::DuplicateOperation { first, second, .. }
            | Error::DuplicateOperationId { first, second, .. }
            | Error::ConflictingComponent { first, second, .. } => vec![first, second],
            Error::AliasLoop { places, .. } => places.iter_mut().collect(),
            Error::Conflicts { conflicts } => conflicts.iter_mut().flat_map(|c| c.places.iter_mut()).collect(),
            Error::TypeNameCollision { .. }
            | Error::Manifest { .. }
            | Error::UnusedOverride { .. }
            | Error::Config(_)
            | Error::Internal(_) => Vec::new(),
        }
    }

    pub fn parts(&self) -> Parts<'_> {
        let one = |location, headline: String, help: String| Parts {
            headline,
            places: vec![(location, "here")],
            file: None,
            help: Some(help),
        };
        let two = |first, second, headline: String, help: String| Parts {
            headline,
            places: vec![(first, "first definition"), (second, "second definition")],
            file: None,
            help: Some(help),
        };
        match self {
            Error::Syntax { location, message } => one(location, message.clone(), SYNTAX_HELP.to_owned()),
            Error::Schema { location, message } => one(location, message.clone(), SCHEMA_HELP.to_owned()),
            Error::UnsupportedVersion { location, found, help } => {
                one(location, format!("OpenAPI version {found:?} is not supported"), (*help).to_owned())
            }
            Error::DanglingRef { location, reference } => one(
                location,
                format!("reference {reference:?} points at nothing"),
                format!("define {reference:?} in this file, or correct the reference"),
            ),
            Error::UnsupportedRef { location, reference, help } => {
                one(location, format!("reference {reference:?} is not supported"), (*help).to_owned())
            }
            Error::DuplicateOperation { method, path, first, second } => two(
                first,
                second,
                format!("{method} {path} is defined differently in two files"),
                format!("make both identical, or {}", merge_help(&[("merge.operations", &format!("\"{method} {path}\""))])),
            ),
            Error::DuplicateOperationId { operation_id, first, second } => two(
                first,
                second,
                format!("operationId {operation_id:?} is used by two operations"),
                "give each operation an operationId of its own".to_owned(),
            ),
            Error::ConflictingComponent { name, first, second } => two(
                first,
                second,
                format!("component {name:?} has different definitions in two files"),
                format!("make them identical, or {}", merge_help(&[(component_section(first), name)])),
            ),
            Error::Conflicts { conflicts } => {
                let mut headline = format!("{} definitions differ between the spec files, with nothing to say which one the client uses:", conflicts.len());
                for conflict in conflicts.iter().take(CONFLICTS_SHOWN) {
                    let places: Vec<String> = conflicts_places(conflict);
                    headline.push_str(&format!("\n  {}: {}", conflict.what, places.join(", ")));
                }
                if conflicts.len() > CONFLICTS_SHOWN {
                    headline.push_str(&format!("\n  … and {} more", conflicts.len() - CONFLICTS_SHOWN));
                }
                Parts { headline, places: Vec::new(), file: None, help: Some(merge_help(&[("merge.operations", "\"GET /path\""), ("merge.schemas", "Name")])) }
            }
            Error::TypeNameCollision { rust_name, first, second } => Parts {
                headline: format!("two types would both be named `{rust_name}`: {first:?} and {second:?}"),
                places: Vec::new(),
                file: None,
                help: Some("rename one in specs/codegen.toml: [renames] <schema name> = \"<RustName>\"".to_owned()),
            },
            Error::Invalid { location, message, help } => one(location, message.clone(), help.clone()),
            Error::AliasLoop { kind, names, places } => Parts {
                headline: format!("these {kind} only refer to each other, round in a loop, and define nothing: {names}"),
                places: places.iter().map(|place| (place, "alias")).collect(),
                file: None,
                help: Some("make one of the components in the loop a definition instead of a $ref".to_owned()),
            },
            Error::Manifest { file, message, help } => {
                Parts { headline: message.clone(), places: Vec::new(), file: Some(file), help: Some(help.clone()) }
            }
            Error::UnusedOverride { file, kind, key } => Parts {
                headline: format!("{kind} `{key}` matched nothing in the specs"),
                places: Vec::new(),
                file: Some(file),
                help: Some("correct the name (it must be spelled as in the spec), or remove the entry".to_owned()),
            },
            Error::Internal(message) => Parts {
                headline: format!("internal error in the generator: {message}"),
                places: Vec::new(),
                file: None,
                help: Some("this is a bug in the generator, not in the spec; report it with the spec files that trigger it".to_owned()),
            },
            Error::Config(message) => Parts {
                headline: format!("invalid configuration: {message}"),
                places: Vec::new(),
                file: None,
                help: None,
            },
        }
    }
}

/// The short form: `place: problem`, or the problem followed by each place
/// on a line of its own, then `help:`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = self.parts();
        match (parts.places.as_slice(), parts.file) {
            ([(only, _)], _) => write!(f, "{only}: {}", parts.headline)?,
            ([], Some(file)) => write!(f, "{file}: {}", parts.headline)?,
            ([], None) => f.write_str(&parts.headline)?,
            (places, _) => {
                write!(f, "{}:", parts.headline)?;
                let width = places.iter().map(|(_, what)| ordinal(what).len()).max().unwrap_or(0) + 1;
                for (location, what) in places {
                    write!(f, "\n  {:<width$} {location}", format!("{}:", ordinal(what)))?;
                }
            }
        }
        if let Some(help) = &parts.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The manifest section that pins the component at `place`: `[merge.schemas]`
/// for a schema, `[prefer]` for any other kind.
fn component_section(place: &Location) -> &'static str {
    match &place.pointer {
        Some(pointer) if pointer.starts_with("/components/schemas/") => "merge.schemas",
        _ => "prefer",
    }
}

/// Each place of a conflict as `file:line:column`, the pointer left out
/// (it is the same in every file).
fn conflicts_places(conflict: &Conflict) -> Vec<String> {
    conflict
        .places
        .iter()
        .map(|place| Location { pointer: None, ..place.clone() }.to_string())
        .collect()
}

/// "first definition" → "first", as the short form labels its places.
fn ordinal(what: &str) -> &str {
    what.split(' ').next().unwrap_or(what)
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
