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
    /// The input's name, as in [`SpecInput::name`](crate::SpecInput::name)
    /// (`<merged spec>` for a place in no one file).
    pub file: String,
    /// The line, counting from 1; `None` when it is not known.
    pub line: Option<u64>,
    /// The column, counting from 1; `None` when it is not known.
    pub column: Option<u64>,
    /// The JSON pointer of the object (`""` for the whole document); `None`
    /// when the error has no place in the document's tree (a syntax error).
    pub pointer: Option<String>,
}

impl Location {
    pub(crate) fn file(file: &str) -> Self {
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
    /// Where in which spec; `None` when it has no place.
    pub location: Option<Location>,
    /// What was done or could not be done.
    pub message: String,
}

impl Warning {
    pub(crate) fn at(location: Location, message: impl Into<String>) -> Self {
        Warning { location: Some(location), message: message.into() }
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

/// Why generation failed: what is wrong, where when there is a place (in a
/// spec, or the manifest), and, through [`Error::parts`], what to do.
#[derive(Debug)]
pub enum Error {
    /// A file is empty, not YAML or JSON, or its syntax is broken.
    Syntax {
        /// Where the parser stopped (the file alone for an empty file).
        location: Location,
        /// What the parser found.
        message: String,
    },
    /// A file parses but is not an OpenAPI document at `location`: not a
    /// mapping, no `openapi` field, or a value of the wrong shape.
    Schema {
        /// The value that is wrong.
        location: Location,
        /// What is wrong there.
        message: String,
    },
    /// The document is a Swagger document, or its `openapi` version is
    /// neither 3.0.x nor 3.1.x.
    UnsupportedVersion {
        /// The `openapi` (or `swagger`) field.
        location: Location,
        /// The version as written (`swagger 2.0` for Swagger).
        found: String,
        /// What to use instead.
        help: &'static str,
    },
    /// A `$ref` points at a component that does not exist.
    DanglingRef {
        /// Where the `$ref` is.
        location: Location,
        /// The reference as written.
        reference: String,
    },
    /// A `$ref` the generator does not follow: a URL or an absolute path, a
    /// path item `$ref`, a pointer outside `#/components/schemas/` where a
    /// schema is needed, or one to a component of another kind.
    UnsupportedRef {
        /// Where the `$ref` is.
        location: Location,
        /// The reference as written.
        reference: String,
        /// What to do instead.
        help: &'static str,
    },
    /// Two spec files define the same operation differently, and the
    /// manifest's `[prefer]` picks neither.
    DuplicateOperation {
        /// The HTTP method, upper-case.
        method: String,
        /// The path template.
        path: String,
        /// The definition read first.
        first: Location,
        /// The other definition.
        second: Location,
    },
    /// A component (of any kind) has different definitions in two spec
    /// files, and the manifest's `[prefer]` picks neither.
    ConflictingComponent {
        /// The component's name.
        name: String,
        /// The definition read first.
        first: Location,
        /// The other definition.
        second: Location,
    },
    /// Several operations or components defined differently in several
    /// files, all found in one run.
    Conflicts {
        /// Each conflict with its places, in the order found.
        conflicts: Vec<Conflict>,
    },
    /// The manifest's `[renames]` give two schemas the same Rust name.
    TypeNameCollision {
        /// The Rust name both would have.
        rust_name: String,
        /// One schema, as the spec names it.
        first: String,
        /// The other schema, as the spec names it.
        second: String,
    },
    /// The spec or the manifest asks for something that cannot be
    /// generated: a path template and path parameters that do not match, a
    /// binary file, a YAML document over the reader's limits, a `$ref` into
    /// another file that is missing or has nothing there, a `$ref` chain
    /// that does not end, an override that does not fit the field or
    /// parameter it names.
    Invalid {
        /// Where the problem is.
        location: Location,
        /// The problem.
        message: String,
        /// The fix.
        help: String,
    },
    /// Components that are only references to each other, round in a loop:
    /// each member's reference, in the order the loop runs.
    AliasLoop {
        /// The components' kind as the spec names it (`schemas`, `parameters`).
        kind: &'static str,
        /// The members' names, joined by ` → ` and back to the first.
        names: String,
        /// Each member's place, in the loop's order.
        places: Vec<Location>,
    },
    /// The manifest cannot be used: it is not valid TOML of the expected
    /// form, lists no spec or a spec twice, names a file outside its folder,
    /// or renames a schema to a name that is not PascalCase.
    Manifest {
        /// The manifest, as it was named to the generator.
        file: String,
        /// The problem.
        message: String,
        /// The fix.
        help: String,
    },
    /// An override of the manifest matched nothing in the specs.
    UnusedOverride {
        /// The manifest, as it was named to the generator.
        file: String,
        /// Its section (`[renames] entry`, `[pagination] section`, …).
        kind: &'static str,
        /// Its key as written (for `[pagination]`, the cursor parameter).
        key: String,
    },
    /// The [`Config`](crate::Config) cannot be used: the crate name is not a
    /// valid package name, or no spec file was given. Holds the problem.
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

    /// The error taken apart into headline, places, file and help, of which
    /// both its forms are made.
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

/// A result whose error is the generator's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
