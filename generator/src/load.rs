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
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) api: OpenAPI,
    /// What reading the file left out, each with its place: the parts of
    /// an OpenAPI 3.1 document that 3.0 cannot say.
    pub notes: Vec<crate::error::Warning>,
    /// Where the content taken from referenced files came from.
    pub provenance: crate::bundle::Provenance,
}

/// The OpenAPI editions the generator reads.
enum Edition {
    V30,
    /// Rewritten into 3.0 before it is read ([`openapi31`]).
    V31,
}

/// Loads a spec file that refers to no other file.
pub fn load(input: &SpecInput) -> Result<Document> {
    load_with(input, &std::collections::BTreeMap::new())
}

/// Loads the entry file `input`, taking what its references to other files
/// name from `files` (bundling them into one document). A later error in content taken
/// from another file points into that file.
pub fn load_with(input: &SpecInput, files: &std::collections::BTreeMap<&str, &SpecInput>) -> Result<Document> {
    let mut value = parse_any(input)?;
    let edition = check_version(input, &value)?;
    let provenance = crate::bundle::bundle(input, &mut value, files)?;
    let inputs: Vec<SpecInput> = if provenance.is_empty() { Vec::new() } else { files.values().map(|f| (*f).clone()).collect() };
    let mut document = loaded(input, value, edition, provenance.clone()).map_err(|mut error| {
        for location in error.locations_mut() {
            provenance.relocate(location, &input.name, &inputs);
        }
        error
    })?;
    for location in document.notes.iter_mut().filter_map(|note| note.location.as_mut()) {
        provenance.relocate(location, &input.name, &inputs);
    }
    Ok(document)
}

/// The text of any spec file, an entry or a referenced one, as a JSON value.
pub(crate) fn parse_any(input: &SpecInput) -> Result<serde_json::Value> {
    check_size(input)?;
    parse_text(input)
}

fn loaded(input: &SpecInput, mut value: serde_json::Value, edition: Edition, provenance: crate::bundle::Provenance) -> Result<Document> {
    let mut notes = match edition {
        Edition::V30 => Vec::new(),
        Edition::V31 => {
            let locator = crate::locate::Locator::default();
            openapi31::downgrade(&mut value)
                .into_iter()
                .map(|note| crate::error::Warning::at(locator.locate(input, &note.pointer), note.what))
                .collect()
        }
    };
    notes.extend(check::schemas(input, &mut value)?);
    notes.extend(check::responses(input, &mut value));
    notes.extend(check::parameter_schemas(input, &mut value));
    notes.extend(check::info_version(input, &mut value));
    crate::ref_siblings::wrap(&mut value);
    let api = match (read_openapi(input, &value), edition) {
        (Ok(api), _) => api,
        (Err(error), Edition::V30) => read_as_openapi31(input, value, error, &mut notes)?,
        (Err(error), Edition::V31) => return Err(error),
    };
    notes.extend(check::operation_ids(input, &api));
    Ok(Document { name: input.name.clone(), version: input.version.clone(), api, notes, provenance })
}

/// A document that says OpenAPI 3.0 but does not read as 3.0, read as 3.1
/// when that works: real specs declare 3.0 and use 3.1's schema keywords
/// (`type: [string, "null"]`, a numeric `exclusiveMinimum`). The warning is
/// where reading it as 3.0 failed; when 3.1 fails too, that first error
/// stands.
fn read_as_openapi31(input: &SpecInput, mut value: serde_json::Value, error: Error, notes: &mut Vec<crate::error::Warning>) -> Result<OpenAPI> {
    let Error::Schema { location, message } = &error else { return Err(error) };
    if !uses_openapi31_schema_keywords(&value) {
        return Err(error);
    }
    let said = value.get("openapi").map(scalar_text).unwrap_or_default();
    let rewrites = openapi31::downgrade(&mut value);
    let Ok(api) = read_openapi(input, &value) else { return Err(error) };
    notes.push(crate::error::Warning::at(
        location.clone(),
        format!("the document says OpenAPI {said} but is not valid 3.0 here ({message}); it is valid OpenAPI 3.1, and is read as that"),
    ));
    let locator = crate::locate::Locator::default();
    notes.extend(rewrites.into_iter().map(|note| crate::error::Warning::at(locator.locate(input, &note.pointer), note.what)));
    Ok(api)
}

/// Whether some object of the document has a schema keyword only OpenAPI
/// 3.1 writes that way: a list of types, `type: "null"`, or a numeric
/// `exclusiveMinimum` or `exclusiveMaximum`. Walked with a stack of its own:
/// the reader bounds the depth, but no recursion is needed.
fn uses_openapi31_schema_keywords(document: &serde_json::Value) -> bool {
    use serde_json::Value;
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                let typed_31 = matches!(object.get("type"), Some(Value::Array(_))) || object.get("type").and_then(Value::as_str) == Some("null");
                let bound_31 = ["exclusiveMinimum", "exclusiveMaximum"].iter().any(|key| object.get(*key).is_some_and(Value::is_number));
                if typed_31 || bound_31 {
                    return true;
                }
                stack.extend(object.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

fn is_json(input: &SpecInput) -> bool {
    input.name.ends_with(".json") || input.text.trim_start().starts_with('{')
}

/// How deep schemas may nest inside one another (`items`, `properties`,
/// `allOf`…) before a $ref. Arrays and maps nested in place become one
/// Rust type expression (`Vec<Vec<…>>`), which emitting and formatting
/// walk recursively; 32 levels fit the 2 MiB stack of a spawned thread
/// even in a debug build, and real specs stay under 10.
pub const MAX_SCHEMA_DEPTH: usize = 32;

/// The largest spec file read, in bytes. The largest public OpenAPI documents
/// (GitHub's, Stripe's) are 10 to 15 MB; four times that still generates in
/// bounded time and memory, and anything larger is more likely a mistake than
/// an API.
pub const MAX_SPEC_BYTES: usize = 64 * 1024 * 1024;

fn check_size(input: &SpecInput) -> Result<()> {
    if input.text.len() <= MAX_SPEC_BYTES {
        return Ok(());
    }
    Err(Error::Invalid {
        location: Location::file(&input.name),
        message: format!("the file is {} MiB, more than the {} MiB a spec may have", input.text.len() >> 20, MAX_SPEC_BYTES >> 20),
        help: "split the spec into several files (each is read on its own and merged), or check that this is the right file".to_owned(),
    })
}

/// The limits of the YAML reader, set explicitly so that no input can make
/// it take unbounded time, memory or stack. Each is far above what a real
/// spec needs (the vendored ones use at most a few thousand nodes, depth 20
/// and no aliases) and far below what hurts.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // Nesting of mappings and sequences: the same limit serde_json puts on
    // JSON, so both formats fail alike, and deep enough for any schema. The
    // readers after this one (openapiv3, lowering) recurse once per level.
    budget.max_depth = 128;
    // Enough for a MAX_SPEC_BYTES spec of short scalars (about 10 bytes a
    // node, 2 events a node).
    budget.max_nodes = 8_000_000;
    budget.max_events = 16_000_000;
    budget.max_total_scalar_bytes = MAX_SPEC_BYTES;
    // Aliases are rare in specs (the vendored ones have none), and one that
    // is used stands for a block of tens of nodes. A "billion laughs"
    // document needs a billion replayed events; it is stopped after 100,000
    // (well under a second, even in a debug build) by whichever of these
    // limits it reaches first.
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_recorded_anchor_events = 100_000;
    budget.max_documents = 1;
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    aliases.max_total_replayed_events = 100_000;
    aliases.max_replay_stack_depth = 32;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = aliases;
    // OpenAPI 3 specs are YAML 1.2, where `y`, `no` or `on` are strings (a
    // property named `y` in a `required` list, say), not YAML 1.1 booleans.
    options.strict_booleans = true;
    options
}

/// Text that is not text: a NUL or other control character, or bytes that
/// were not UTF-8 (read lossily, they became U+FFFD).
fn binary_at(text: &str) -> Option<(u64, u64)> {
    let at = text.find(|c: char| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')))?;
    let line = text[..at].matches('\n').count() as u64 + 1;
    let column = text[..at].rsplit('\n').next().unwrap_or_default().chars().count() as u64 + 1;
    Some((line, column))
}

fn parse_text(input: &SpecInput) -> Result<serde_json::Value> {
    if input.text.trim().is_empty() {
        return Err(Error::Syntax {
            location: Location::file(&input.name),
            message: "the file is empty".to_owned(),
        });
    }
    if let Some((line, column)) = binary_at(&input.text) {
        return Err(Error::Invalid {
            location: Location::file(&input.name),
            message: format!("the file is binary, not YAML or JSON text (a control character or invalid UTF-8 at line {line}, column {column})"),
            help: "pass the OpenAPI document itself (a .yaml or .json text file), saved as UTF-8".to_owned(),
        });
    }
    if is_json(input) {
        json::from_str(&input.text).map_err(|e| Error::Syntax {
            location: Location {
                file: input.name.clone(),
                line: Some(e.line() as u64),
                // serde_json says column 0 at the very start of a line (an
                // early end of the input); columns start at 1.
                column: Some(e.column().max(1) as u64),
                pointer: None,
            },
            message: format!("invalid JSON: {}", strip_position(&e.to_string())),
        })
    } else {
        serde_saphyr::from_str_with_options(&input.text, yaml_options()).map_err(|e| {
            let at = e.location();
            let location = Location {
                file: input.name.clone(),
                line: at.map(|l| l.line()).filter(|l| *l > 0),
                column: at.map(|l| l.column()).filter(|c| *c > 0),
                pointer: None,
            };
            match limit_breached(&e) {
                Some((message, help)) => Error::Invalid { location, message, help: help.to_owned() },
                None => Error::Syntax { location, message: format!("invalid YAML: {}", yaml_message(&e.to_string())) },
            }
        })
    }
}

/// A limit of [`yaml_options`] that the file went over, as a message and a
/// fix; `None` for every other YAML error.
fn limit_breached(error: &serde_saphyr::Error) -> Option<(String, &'static str)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    const ALIASES: &str = "expand fewer YAML aliases (`*name`): write the repeated parts out, or use $ref";
    let mut error = error;
    while let E::WithSnippet { error: inner, .. } | E::AliasError { error: inner, .. } = error {
        error = inner;
    }
    Some(match error {
        E::AliasReplayLimitExceeded { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            ("YAML aliases expand to more than the reader allows (an alias bomb?)".to_owned(), ALIASES)
        }
        E::Budget { breach, .. } => match breach {
            B::Aliases { .. }
            | B::Anchors { .. }
            | B::AliasAnchorRatio { .. }
            | B::RecordedAnchorEvents { .. }
            | B::RecordedAnchorBytes { .. } => {
                ("the file uses more YAML aliases than the reader allows (an alias bomb?)".to_owned(), ALIASES)
            }
            B::Depth { .. } => (
                "the document nests more than 128 levels deep".to_owned(),
                "flatten the nesting: move inner schemas to components and refer to them with $ref",
            ),
            B::Documents { .. } => (
                "the file holds more than one YAML document".to_owned(),
                "keep one OpenAPI document per file: remove the `---` separators and what follows",
            ),
            other => (
                format!("the file is larger than the reader allows ({other:?})"),
                "split the spec into several files, each read on its own and merged",
            ),
        },
        _ => return None,
    })
}

fn check_version(input: &SpecInput, value: &serde_json::Value) -> Result<Edition> {
    let location = |pointer: &str| locate::locate(input, pointer);
    let Some(object) = value.as_object() else {
        return Err(Error::Schema {
            location: location(""),
            message: "the document is not a mapping of OpenAPI fields".to_owned(),
        });
    };
    // Swagger 1.x named its version `swaggerVersion`.
    if let Some((key, swagger)) = ["swagger", "swaggerVersion"].into_iter().find_map(|key| object.get(key).map(|v| (key, v))) {
        return Err(Error::UnsupportedVersion {
            location: location(&format!("/{key}")),
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
        let message = first_line(&e.inner().to_string());
        let pointer = path_to_pointer(e.path());
        let pointer = refine(value, pointer, &message);
        Error::Schema { location: locate::locate(input, &pointer), message }
    })
}

/// serde_path_to_error's path ends where openapiv3 tries several shapes in
/// turn (a schema or a $ref, a parameter by its `in`), often objects above
/// the mistake. When the message quotes the offending value, or names a
/// missing field, the first place under the pointer that fits is where the
/// mistake is: the pointer is moved there.
fn refine(document: &serde_json::Value, pointer: String, message: &str) -> String {
    use serde_json::Value;
    let Some(subtree) = document.pointer(&pointer) else { return pointer };
    let quoted = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').nth(1));
    type Wanted = Box<dyn Fn(&str, &Value) -> bool>;
    let wanted: Wanted = if let Some(variant) = quoted("unknown variant ") {
        let variant = variant.to_owned();
        Box::new(move |_, v| v.as_str() == Some(variant.as_str()))
    } else if let Some(field) = quoted("missing field ") {
        // An object that looks like the one missing the field: an operation
        // without `responses`, say, has the keys its siblings have.
        let field = field.to_owned();
        let operation = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        Box::new(move |key, v| {
            v.as_object().is_some_and(|o| {
                !o.contains_key(&field) && (field != "responses" || operation.contains(&key)) && !o.contains_key("$ref")
            })
        })
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let found = rest.split(", expected").next().unwrap_or_default().to_owned();
        Box::new(move |_, v| match v {
            Value::String(s) => found == format!("string {s:?}"),
            Value::Bool(b) => found == format!("boolean `{b}`"),
            Value::Number(n) => found == format!("integer `{n}`") || found == format!("floating point `{n}`"),
            _ => false,
        })
    } else {
        return pointer;
    };
    fn first(value: &Value, key: &str, pointer: &mut String, wanted: &dyn Fn(&str, &Value) -> bool) -> bool {
        if wanted(key, value) {
            return true;
        }
        let children: Vec<(String, &Value)> = match value {
            Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => return false,
        };
        for (child_key, child) in children {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&locate::escape_pointer_token(&child_key));
            if first(child, &child_key, pointer, wanted) {
                return true;
            }
            pointer.truncate(len);
        }
        false
    }
    let mut refined = pointer.clone();
    let key = pointer.rsplit('/').next().unwrap_or_default().to_owned();
    // The pointer itself fitting says nothing new.
    if first(subtree, &key, &mut refined, wanted.as_ref()) { refined } else { pointer }
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

/// JSON reading that, unlike `serde_json::from_str` into a `Value`, rejects a
/// key given twice in one object instead of silently keeping the last value.
mod json {
    use std::fmt;

    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    pub fn from_str(text: &str) -> serde_json::Result<Value> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let Unique(value) = Unique::deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }

    struct Unique(Value);

    impl<'de> Deserialize<'de> for Unique {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(UniqueVisitor).map(Unique)
        }
    }

    struct UniqueVisitor;

    impl<'de> Visitor<'de> for UniqueVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Unique(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut object = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if object.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate key {key:?} (each key may appear once in an object)")));
                }
                let Unique(value) = map.next_value()?;
                object.insert(key, value);
            }
            Ok(Value::Object(object))
        }
    }
}

/// Checks of the document that its reading into `openapiv3` types does not
/// make, because a wrong value there would be dropped rather than rejected;
/// and the defects real specs have that have one sensible reading, which
/// are changed into what they mean, each with a located warning.
mod check {
    use std::collections::BTreeMap;

    use openapiv3::{OpenAPI, ReferenceOr};
    use serde_json::Value;

    use crate::config::SpecInput;
    use crate::error::{Error, Result, Warning};
    use super::MAX_SCHEMA_DEPTH;
    use crate::locate::{self, escape_pointer_token};

    /// Checks every schema of the document, and reads what has one sensible
    /// reading the way it is meant: its nesting depth, and its enum.
    ///
    /// Enum values must have the schema's type. openapiv3 reads a `type:
    /// string` schema whose enum holds a number as an untyped schema, and a
    /// mixed enum has no one Rust type, so either would lose the values
    /// without a word. Typed non-string enums are fine: `type: integer,
    /// enum: [1, 2]` becomes the integer type (every value round-trips), and
    /// so do `number` and `boolean`; an `object` or `array` schema keeps its
    /// type whatever its enum says. `null` is allowed in any enum (it is how
    /// a nullable enum lists its null).
    ///
    /// Where the spec's intent is plain, the document is changed to say it
    /// and a warning tells where: an enum without `type` whose values share
    /// one type gets that type (`enum: [true]` is a boolean), a mixed one is
    /// left untyped (any JSON value), and a number or boolean in the enum of
    /// a `type: string` schema is that value's text (YAML reads `enum: [v1,
    /// 2]` as a string and a number). A value that contradicts any other
    /// declared type has no such reading and stops the run.
    pub fn schemas(input: &SpecInput, document: &mut Value) -> Result<Vec<Warning>> {
        let mut refused: Option<(String, String, String)> = None;
        let mut readings: Vec<(String, Reading, String)> = Vec::new();
        walk_document(document, &mut String::new(), &mut |schema, pointer, depth| {
            if refused.is_some() {
                return;
            }
            if depth > MAX_SCHEMA_DEPTH {
                refused = Some((
                    pointer.to_owned(),
                    format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here"),
                    "move an inner schema to components/schemas and refer to it with $ref".to_owned(),
                ));
                return;
            }
            match enum_problem(schema) {
                None => {}
                Some(EnumProblem::Refused { index, message, help }) => {
                    refused = Some((enum_pointer(pointer, index), message, help));
                }
                Some(EnumProblem::Read { reading, message }) => readings.push((pointer.to_owned(), reading, message)),
            }
            if let Some((declared, foreign)) = foreign_keywords(schema) {
                let keywords: Vec<&'static str> = foreign.iter().map(|(keyword, _)| *keyword).collect();
                let message = match foreign.as_slice() {
                    [(keyword, owner)] => {
                        format!("`{keyword}` is a keyword of {owner}s, and this schema is `type: {declared}`: it is ignored")
                    }
                    _ => format!(
                        "`{}` are keywords of other types, and this schema is `type: {declared}`: they are ignored",
                        keywords.join("`, `")
                    ),
                };
                readings.push((pointer.to_owned(), Reading::Ignored(keywords), message));
            }
        });
        if let Some((pointer, message, help)) = refused {
            return Err(Error::Invalid { location: locate::locate(input, &pointer), message, help });
        }
        let mut warnings = Vec::with_capacity(readings.len());
        for (pointer, reading, message) in readings {
            let at = match &reading {
                Reading::Type(_) | Reading::Untyped => format!("{pointer}/enum"),
                Reading::Ignored(keywords) => format!("{pointer}/{}", keywords.first().copied().unwrap_or_default()),
                Reading::Text(indices) => enum_pointer(&pointer, indices.first().copied()),
            };
            warnings.push(Warning::at(locate::locate(input, &at), message));
            let Some(Value::Object(schema)) = document.pointer_mut(&pointer) else { continue };
            match reading {
                Reading::Type(kind) => {
                    schema.insert("type".to_owned(), Value::String(kind.to_owned()));
                }
                Reading::Untyped => {}
                Reading::Ignored(keywords) => {
                    for keyword in keywords {
                        schema.remove(keyword);
                    }
                }
                Reading::Text(indices) => {
                    if let Some(Value::Array(values)) = schema.get_mut("enum") {
                        for index in indices {
                            if let Some(value) = values.get_mut(index) {
                                *value = Value::String(value.to_string());
                            }
                        }
                    }
                }
            }
        }
        Ok(warnings)
    }

    fn enum_pointer(schema: &str, index: Option<usize>) -> String {
        match index {
            Some(index) => format!("{schema}/enum/{index}"),
            None => format!("{schema}/enum"),
        }
    }

    /// How an enum that does not fit its schema's type is read.
    enum Reading {
        /// The schema has no `type`, and every value is of this one.
        Type(&'static str),
        /// The schema has no `type`, and its values are of several: any JSON value.
        Untyped,
        /// The schema is a string, and these values are numbers or booleans:
        /// their text.
        Text(Vec<usize>),
        /// Keywords of other types than the schema's declared one, which
        /// JSON Schema applies only to values of those types: dropped.
        Ignored(Vec<&'static str>),
    }

    /// The keywords that apply to values of one type only, by type. `enum`
    /// and `format` are not among them: enums are checked on their own
    /// ([`enum_problem`]), and a format the model does not know is ignored.
    const TYPE_KEYWORDS: [(&str, &[&str]); 4] = [
        ("string", &["pattern", "minLength", "maxLength"]),
        ("number", &["multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
        ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
        ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    ];

    /// A schema of one declared type that also holds keywords of another
    /// (GitHub's `type: string` with `additionalProperties: true`). JSON
    /// Schema applies a keyword only to values of its type, so a value of
    /// the declared type meets them all: the one reading is the declared
    /// type. Read as it is, openapiv3 would take the schema for an untyped
    /// one, and the client for a map.
    fn foreign_keywords(schema: &serde_json::Map<String, Value>) -> Option<(&'static str, Vec<(&'static str, &'static str)>)> {
        let declared = schema.get("type")?.as_str()?;
        let (declared, own) = match declared {
            "integer" => ("integer", "number"),
            "boolean" => ("boolean", "boolean"),
            _ => TYPE_KEYWORDS.iter().find(|(ty, _)| *ty == declared).map(|(ty, _)| (*ty, *ty))?,
        };
        let foreign: Vec<(&'static str, &'static str)> = TYPE_KEYWORDS
            .iter()
            .filter(|(ty, _)| *ty != own)
            .flat_map(|(ty, keywords)| keywords.iter().map(move |keyword| (*keyword, *ty)))
            .filter(|(keyword, _)| schema.contains_key(*keyword))
            .collect();
        (!foreign.is_empty()).then_some((declared, foreign))
    }

    enum EnumProblem {
        /// Read one way, with a warning that says which.
        Read { reading: Reading, message: String },
        /// No one reading: an error.
        Refused { index: Option<usize>, message: String, help: String },
    }

    fn enum_problem(schema: &serde_json::Map<String, Value>) -> Option<EnumProblem> {
        let values = schema.get("enum")?.as_array()?;
        let kind = |value: &Value| match value {
            Value::String(_) => "string",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::Bool(_) => "boolean",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Null => "null",
        };
        // A list of types is OpenAPI 3.1's; a 3.0 document that has one is
        // read as 3.1 (`read_as_openapi31`), which checks its enums itself.
        if schema.get("type").is_some_and(|ty| !ty.is_string()) {
            return None;
        }
        let declared = schema.get("type").and_then(Value::as_str);
        let fits = |declared: &str, value: &Value| match (declared, kind(value)) {
            (_, "null") => true,
            ("number", "integer") => true,
            (declared, found) => declared == found,
        };
        match declared {
            // The enum of an object or array schema does not change its type
            // (untyped JSON, or the object's struct), which takes every value
            // as it is. Real specs list JSON-encoded examples there.
            Some("array" | "object") => None,
            Some("string") => {
                let misfits: Vec<usize> = values.iter().enumerate().filter(|(_, v)| !fits("string", v)).map(|(i, _)| i).collect();
                if misfits.is_empty() {
                    return None;
                }
                match values.iter().enumerate().find(|(_, v)| !fits("string", v) && !matches!(v, Value::Number(_) | Value::Bool(_))) {
                    Some((index, value)) => Some(EnumProblem::Refused {
                        index: Some(index),
                        message: format!("enum value {value} is {} {}, but the schema's type is string", article(kind(value)), kind(value)),
                        help: "make every enum value a string, or correct `type`".to_owned(),
                    }),
                    None => {
                        let values: Vec<&Value> = misfits.iter().filter_map(|i| values.get(*i)).collect();
                        let written: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                        let message = match written.as_slice() {
                            [one] => format!("enum value {one} is not a string, but the schema's type is string; it is read as the string {one:?}"),
                            _ => format!(
                                "enum values {} are not strings, but the schema's type is string; they are read as the strings {}",
                                written.join(", "),
                                written.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
                            ),
                        };
                        Some(EnumProblem::Read {
                            reading: Reading::Text(misfits),
                            message: format!("{message} (quote them in the spec to say so)"),
                        })
                    }
                }
            }
            Some(declared) => values.iter().enumerate().find(|(_, v)| !fits(declared, v)).map(|(index, value)| EnumProblem::Refused {
                index: Some(index),
                message: format!("enum value {value} is {} {}, but the schema's type is {declared}", article(kind(value)), kind(value)),
                help: format!("make every enum value {} {declared}, or correct `type`", article(declared)),
            }),
            None => {
                let mut kinds: Vec<&'static str> = values.iter().map(kind).filter(|k| *k != "null").collect();
                kinds.sort_unstable();
                kinds.dedup();
                // Integers among numbers are numbers.
                if kinds == ["integer", "number"] {
                    kinds = vec!["number"];
                }
                match kinds.as_slice() {
                    [] | ["string"] => None,
                    [only @ ("boolean" | "integer" | "number")] => Some(EnumProblem::Read {
                        reading: Reading::Type(only),
                        message: format!("the enum's values are {only}s but the schema has no `type`; it is read as `type: {only}`"),
                    }),
                    [only] => Some(EnumProblem::Read {
                        reading: Reading::Untyped,
                        message: format!("the enum's values are {only}s but the schema has no `type`; it is read as any JSON value"),
                    }),
                    _ => Some(EnumProblem::Read {
                        reading: Reading::Untyped,
                        message: format!(
                            "the enum mixes values of types {}, which no one Rust type holds; it is read as any JSON value",
                            kinds.join(", ")
                        ),
                    }),
                }
            }
        }
    }

    fn article(kind: &str) -> &'static str {
        if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
    }

    /// Calls `visit` on every schema object of the document with its pointer:
    /// the components' schemas and every `schema` of a parameter, header or
    /// media type, and within each schema its subschemas.
    fn walk_document(value: &Value, pointer: &mut String, visit: &mut Visit<'_>) {
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    // Examples and extensions hold data, not spec objects.
                    if key == "example" || key == "examples" || key.starts_with("x-") {
                        continue;
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(key));
                    if key == "schema" {
                        walk_schema(child, pointer, 1, visit);
                    } else if key == "schemas" && pointer.as_str() == "/components/schemas" {
                        for_each_entry(child, pointer, &mut |schema, pointer| walk_schema(schema, pointer, 1, visit));
                    } else {
                        walk_document(child, pointer, visit);
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(_) => for_each_entry(value, pointer, &mut |item, pointer| walk_document(item, pointer, visit)),
            _ => {}
        }
    }

    fn for_each_entry(value: &Value, pointer: &mut String, each: &mut dyn FnMut(&Value, &mut String)) {
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(key));
                    each(child, pointer);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    each(child, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Called with each schema, its pointer and its depth (1 for a schema
    /// that is not inside another).
    type Visit<'v> = dyn FnMut(&serde_json::Map<String, Value>, &str, usize) + 'v;

    fn walk_schema(value: &Value, pointer: &mut String, depth: usize, visit: &mut Visit<'_>) {
        let Value::Object(schema) = value else { return };
        visit(schema, pointer, depth);
        // Deeper than the limit has been reported; walking on would only
        // recurse further.
        if depth > MAX_SCHEMA_DEPTH {
            return;
        }
        for (key, child) in schema {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&escape_pointer_token(key));
            match key.as_str() {
                "items" | "additionalProperties" | "not" => walk_schema(child, pointer, depth + 1, visit),
                "properties" | "allOf" | "oneOf" | "anyOf" => {
                    for_each_entry(child, pointer, &mut |schema, pointer| walk_schema(schema, pointer, depth + 1, visit));
                }
                _ => {}
            }
            pointer.truncate(len);
        }
    }

    /// An operation without `responses` (which OpenAPI requires) documents
    /// none: it is read with an empty list, so its call returns no body and
    /// any status outside 2XX is an `Error::Api`, as for a documented error.
    pub fn responses(input: &SpecInput, document: &mut Value) -> Vec<Warning> {
        const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        let mut warnings = Vec::new();
        let Some(Value::Object(paths)) = document.get_mut("paths") else { return warnings };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            if item.contains_key("$ref") {
                continue;
            }
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get_mut(method) else { continue };
                if operation.contains_key("responses") || operation.contains_key("$ref") {
                    continue;
                }
                operation.insert("responses".to_owned(), Value::Object(serde_json::Map::new()));
                let pointer = format!("/paths/{}/{method}", escape_pointer_token(path));
                warnings.push(Warning::at(
                    locate::locate(input, &pointer),
                    format!(
                        "{} {path} has no `responses`; it is read as documenting none: the call returns no body, and a status outside 2XX is an error",
                        method.to_ascii_uppercase()
                    ),
                ));
            }
        }
        warnings
    }

    /// A parameter with neither `schema` nor `content` (OpenAPI requires
    /// one) says nothing of its value, which travels as text in a path,
    /// query, header or cookie: it is read as a string.
    pub fn parameter_schemas(input: &SpecInput, document: &mut Value) -> Vec<Warning> {
        let mut found = Vec::new();
        let visit = |list: Option<&mut Value>, pointer: String, found: &mut Vec<String>| {
            let Some(Value::Array(parameters)) = list else { return };
            for (index, parameter) in parameters.iter_mut().enumerate() {
                let Value::Object(parameter) = parameter else { continue };
                if ["$ref", "schema", "content"].iter().any(|key| parameter.contains_key(*key)) || !parameter.contains_key("in") {
                    continue;
                }
                parameter.insert("schema".to_owned(), serde_json::json!({"type": "string"}));
                found.push(format!("{pointer}/parameters/{index}"));
            }
        };
        if let Some(Value::Object(paths)) = document.get_mut("paths") {
            for (path, item) in paths.iter_mut() {
                let Value::Object(item) = item else { continue };
                let pointer = format!("/paths/{}", escape_pointer_token(path));
                for (key, value) in item.iter_mut() {
                    match key.as_str() {
                        "parameters" => visit(Some(value), pointer.clone(), &mut found),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                            visit(value.get_mut("parameters"), format!("{pointer}/{key}"), &mut found);
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Some(Value::Object(parameters)) = document.pointer_mut("/components/parameters") {
            for (name, parameter) in parameters.iter_mut() {
                let Value::Object(object) = parameter else { continue };
                if ["$ref", "schema", "content"].iter().any(|key| object.contains_key(*key)) || !object.contains_key("in") {
                    continue;
                }
                object.insert("schema".to_owned(), serde_json::json!({"type": "string"}));
                found.push(format!("/components/parameters/{}", escape_pointer_token(name)));
            }
        }
        found
            .into_iter()
            .map(|pointer| {
                Warning::at(locate::locate(input, &pointer), "the parameter has neither `schema` nor `content`; it is read as a string".to_owned())
            })
            .collect()
    }

    /// An `info` without `version` (which OpenAPI requires): the client does
    /// not use it, so it is read as empty.
    pub fn info_version(input: &SpecInput, document: &mut Value) -> Vec<Warning> {
        let Some(Value::Object(info)) = document.get_mut("info") else { return Vec::new() };
        if info.contains_key("version") {
            return Vec::new();
        }
        info.insert("version".to_owned(), Value::String(String::new()));
        vec![Warning::at(locate::locate(input, "/info"), "`info` has no `version`; the client does not use it, so it is read as empty".to_owned())]
    }

    /// An operationId should name one operation, but real specs reuse one
    /// now and then (for a copy of an operation on another path). Method
    /// names come from paths, and the naming pass keeps them apart, so the
    /// reuse changes nothing but is worth a warning at the second use.
    pub fn operation_ids(input: &SpecInput, api: &OpenAPI) -> Vec<Warning> {
        let mut seen: BTreeMap<&str, (String, String)> = BTreeMap::new();
        let mut warnings = Vec::new();
        for (path, item) in &api.paths.paths {
            let ReferenceOr::Item(item) = item else { continue };
            for (method, operation) in item.iter() {
                let Some(id) = operation.operation_id.as_deref() else { continue };
                let pointer = format!("/paths/{}/{method}", escape_pointer_token(path));
                let what = format!("{} {path}", method.to_ascii_uppercase());
                match seen.get(id) {
                    Some((first_pointer, first_what)) => {
                        let first = locate::locate(input, &format!("{first_pointer}/operationId"));
                        let line = first.line.map(|line| format!(", line {line}")).unwrap_or_default();
                        warnings.push(Warning::at(
                            locate::locate(input, &format!("{pointer}/operationId")),
                            format!(
                                "operationId {id:?} of {what} is also the operationId of {first_what}{line}; both are generated, with method names made from their paths"
                            ),
                        ));
                    }
                    None => {
                        seen.insert(id, (pointer, what));
                    }
                }
            }
        }
        warnings
    }
}
