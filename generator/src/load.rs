//! Files → OpenAPI documents: parse YAML or JSON, check the OpenAPI version
//! (3.1 is rewritten into 3.0 first), and read the document into `openapiv3`
//! types, with every error located.

use openapiv3::OpenAPI;

use crate::config::SpecInput;
use crate::error::{Error, Location, Result};
use crate::{locate, openapi31};

/// One parsed spec file.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub version: Option<String>,
    pub api: OpenAPI,
    /// What reading the file left out, as "<file>: <pointer>: <what>": the
    /// parts of an OpenAPI 3.1 document that 3.0 cannot say.
    pub notes: Vec<String>,
}

/// The OpenAPI editions the generator reads.
enum Edition {
    V30,
    /// Rewritten into 3.0 before it is read ([`openapi31`]).
    V31,
}

pub fn load(input: &SpecInput) -> Result<Document> {
    let mut value = parse_text(input)?;
    let notes = match check_version(input, &value)? {
        Edition::V30 => Vec::new(),
        Edition::V31 => openapi31::downgrade(&mut value)
            .into_iter()
            .map(|note| format!("{}: {}: {}", input.name, if note.pointer.is_empty() { "#" } else { &note.pointer }, note.what))
            .collect(),
    };
    let api = read_openapi(input, &value)?;
    Ok(Document { name: input.name.clone(), version: input.version.clone(), api, notes })
}

fn is_json(input: &SpecInput) -> bool {
    input.name.ends_with(".json") || input.text.trim_start().starts_with('{')
}

fn parse_text(input: &SpecInput) -> Result<serde_json::Value> {
    if input.text.trim().is_empty() {
        return Err(Error::Syntax {
            location: Location::file(&input.name),
            message: "the file is empty".to_owned(),
        });
    }
    if is_json(input) {
        serde_json::from_str(&input.text).map_err(|e| Error::Syntax {
            location: Location {
                file: input.name.clone(),
                line: Some(e.line() as u64),
                column: Some(e.column() as u64),
                pointer: None,
            },
            message: format!("invalid JSON: {}", strip_position(&e.to_string())),
        })
    } else {
        // OpenAPI 3 specs are YAML 1.2, where `y`, `no` or `on` are strings (a
        // property named `y` in a `required` list, say), not YAML 1.1 booleans.
        let options = serde_saphyr::options! { strict_booleans: true };
        serde_saphyr::from_str_with_options(&input.text, options).map_err(|e| {
            let at = e.location();
            Error::Syntax {
                location: Location {
                    file: input.name.clone(),
                    line: at.map(|l| l.line()).filter(|l| *l > 0),
                    column: at.map(|l| l.column()).filter(|c| *c > 0),
                    pointer: None,
                },
                message: format!("invalid YAML: {}", yaml_message(&e.to_string())),
            }
        })
    }
}

fn check_version(input: &SpecInput, value: &serde_json::Value) -> Result<Edition> {
    let location = |pointer: &str| locate::locate(input, pointer);
    let Some(object) = value.as_object() else {
        return Err(Error::Schema {
            location: location(""),
            message: "the document is not a mapping of OpenAPI fields".to_owned(),
        });
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(Error::UnsupportedVersion {
            location: location("/swagger"),
            found: format!("swagger {}", scalar_text(swagger)),
            help: "convert the Swagger 2.0 document to OpenAPI 3.0 (for example with swagger2openapi) and vendor the result",
        });
    }
    let Some(version) = object.get("openapi") else {
        return Err(Error::Schema {
            location: location(""),
            message: "missing the `openapi` field".to_owned(),
        });
    };
    let version = scalar_text(version);
    if version.starts_with("3.0.") || version == "3.0" {
        return Ok(Edition::V30);
    }
    if openapi31::is_openapi31(&version) {
        return Ok(Edition::V31);
    }
    let help = if version.starts_with("3.") {
        "this OpenAPI version is not read yet; use the 3.1 or 3.0 edition of the spec"
    } else {
        "only OpenAPI 3.0.x and 3.1.x documents are supported"
    };
    Err(Error::UnsupportedVersion { location: location("/openapi"), found: version, help })
}

fn read_openapi(input: &SpecInput, value: &serde_json::Value) -> Result<OpenAPI> {
    let deserializer = value;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Error::Schema {
            location: locate::locate(input, &pointer),
            message: first_line(&e.inner().to_string()),
        }
    })
}

/// Turns serde_path_to_error's path into a JSON pointer, stopping where the
/// path becomes ambiguous (untagged enums report no further segments).
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&locate::escape_pointer_token(key));
            }
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Enum { .. } | Segment::Unknown => break,
        }
    }
    pointer
}

fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// serde-saphyr's message without the position (the location says it) and
/// without advice addressed to programmers using the library.
fn yaml_message(message: &str) -> String {
    let mut text = first_line(message);
    if let Some(rest) = text.strip_prefix("error: ") {
        text = rest.to_owned();
    }
    if text.starts_with("line ")
        && let Some((_, rest)) = text.split_once(": ")
    {
        text = rest.to_owned();
    }
    if let Some((head, _)) = text.split_once(", set DuplicateKeyPolicy") {
        text = format!("{head} (each key may appear once in a mapping)");
    }
    text
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().trim().to_owned()
}

/// serde_json appends " at line L column C", which the location already says.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
