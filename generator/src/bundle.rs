//! Multi-file specs → one self-contained document, on the parsed JSON value
//! of an entry file, before it is read into `openapiv3` types.
//!
//! A `$ref` may name another file by a path relative to the folder of the
//! file that holds it, whole (`schemas/pet.yaml`) or with a pointer
//! (`../shared/parameters.yml#/per_page`). The generator never reads the
//! disk: [`referenced_files`] lists the files one file refers to, the caller
//! (xtask) reads them and asks again until nothing new is named, and passes
//! them all in, marked as referenced files ([`crate::Config::referenced_files`]).
//! [`bundle`] then makes each entry self-contained:
//!
//! - a schema that lives in another file becomes a component schema, named
//!   after the pointer's last token, or the file's stem for a whole-file
//!   reference; a name the document already has gets a number (`Pet2`), and
//!   the same target always gets the same name. A component of the entry
//!   that is nothing but a `$ref` to another file takes that file's schema
//!   under its own name. Schemas that refer to each other across files
//!   become components that refer to each other;
//! - anything else (a path item, an operation, a parameter, a response, a
//!   `content` map, an example) is copied in place, wherever real specs put
//!   the `$ref`, even where OpenAPI allows none;
//! - `#/…` references inside a referenced file mean that file's own pointers;
//! - `discriminator.mapping` values that name other files are rewritten to
//!   the components their schemas became.
//!
//! Files are looked up by name, never by the order they were given in, and
//! the document is walked in its own order, so the output is the same
//! whatever order the inputs come in. A missing file or pointer is an error
//! at the `$ref`; a loop of copies (a path item that includes itself) is an
//! error; nesting is bounded. [`Provenance`] remembers where copied and
//! hoisted content came from, so that later errors point into its file.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use crate::config::SpecInput;
use crate::error::{Error, Location, Result};
use crate::locate;

/// How many files deep copies may nest (a path item file that refers to an
/// operation file that refers to a parameter file…); real specs use 3 or 4.
pub const MAX_COPY_DEPTH: usize = 32;
/// How deep the walk may go, counting every level of every copied file.
const MAX_DEPTH: usize = 256;
const SCHEMAS: &str = "/components/schemas/";

/// The files `input` refers to, as names resolved against its folder and
/// normalized (`a/./b/../c.yaml` → `a/c.yaml`; leading `..` are kept), sorted.
/// Remote (`https://…`) and absolute references are left out: bundling
/// reports them where it follows one.
pub fn referenced_files(input: &SpecInput) -> Result<Vec<String>> {
    let value = crate::load::parse_any(input)?;
    let mut found = BTreeSet::new();
    collect(input, &value, &mut String::new(), false, &mut found, 0)?;
    found.remove(&input.name);
    Ok(found.into_iter().collect())
}

fn collect(input: &SpecInput, value: &Value, pointer: &mut String, in_mapping: bool, found: &mut BTreeSet<String>, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let note = |reference: &str, found: &mut BTreeSet<String>| -> Result<()> {
        // A remote reference is reported by `bundle` where it is followed:
        // in example data (GitHub's spec has some) it is only text.
        if let Ok(Some((file, _))) = split(&input.name, reference)
            && is_spec_file(&file)
        {
            found.insert(file);
        }
        Ok(())
    };
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&locate::escape_pointer_token(key));
                match child {
                    Value::String(reference) if key == "$ref" => note(reference, found)?,
                    Value::String(reference) if in_mapping && looks_like_reference(reference) => note(reference, found)?,
                    _ => collect(input, child, pointer, key == "mapping", found, depth + 1)?,
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                collect(input, child, pointer, false, found, depth + 1)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A file that can hold parts of a spec: YAML or JSON (or named without an
/// extension). Others (code samples in `x-codeSamples`, Markdown) are not
/// read, and a `$ref` to one is left as it is.
fn is_spec_file(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((_, extension)) => ["yaml", "yml", "json"].contains(&extension.to_ascii_lowercase().as_str()),
        None => true,
    }
}

/// A discriminator mapping value that is a reference rather than a bare
/// schema name.
fn looks_like_reference(value: &str) -> bool {
    value.contains('#') || value.contains('/') || [".yaml", ".yml", ".json"].iter().any(|ext| value.ends_with(ext))
}

fn unsupported(input: &SpecInput, at: &str, reference: &str, help: &'static str) -> Error {
    Error::UnsupportedRef { location: locate::locate(input, at), reference: reference.to_owned(), help }
}

/// `reference` as written in the file `from`: `None` for a pointer into the
/// same file (`#/…`), else the file it names, resolved, and the pointer.
fn split(from: &str, reference: &str) -> std::result::Result<Option<(String, String)>, &'static str> {
    let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if path.is_empty() {
        return Ok(None);
    }
    let lower = path.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Err("remote references are never fetched: download the file beside the spec and refer to it by a relative path");
    }
    if path.contains("://") || path.starts_with('/') || path.starts_with('\\') || path.get(1..2) == Some(":") {
        return Err("refer to other files by a path relative to the folder of the file that holds the $ref");
    }
    let folder = from.replace('\\', "/");
    let folder = folder.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
    Ok(Some((normalize(&format!("{folder}/{}", percent_decode(path))), percent_decode(fragment))))
}

/// `a/./b/../c` → `a/c`; `..` that climb above the start are kept in front.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `%7B` → `{` in a URI reference; anything that is not a valid escape is
/// kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes.get(index + 1..index + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Where the parts of a bundled document came from: a pointer in the
/// bundled document → the file and pointer its content was taken from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    origins: BTreeMap<String, (String, String)>,
}

impl Provenance {
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// The file and pointer `pointer` (of the bundled document) came from,
    /// by the longest recorded prefix; `None` for the entry's own content.
    pub fn origin(&self, pointer: &str) -> Option<(&str, String)> {
        let mut prefix = pointer;
        loop {
            if let Some((file, at)) = self.origins.get(prefix) {
                return Some((file, format!("{at}{}", pointer.get(prefix.len()..).unwrap_or_default())));
            }
            prefix = prefix.rsplit_once('/')?.0;
        }
    }

    /// Points `location`, when it is in the bundled document `file`, into
    /// the referenced file its content came from, where that file has it.
    pub fn relocate(&self, location: &mut Location, file: &str, inputs: &[SpecInput]) {
        if location.file != file {
            return;
        }
        let Some(pointer) = location.pointer.as_deref() else { return };
        let Some((origin, at)) = self.origin(pointer) else { return };
        let Some(input) = inputs.iter().find(|i| i.name == origin) else { return };
        let moved = locate::locate(input, &at);
        if moved.line.is_some() {
            *location = moved;
        }
    }
}

/// What a place in the document holds, which decides what a `$ref` there
/// becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Root,
    Components,
    /// Path items, operations, parameters, responses, content maps…: a
    /// `$ref` here is copied in place.
    Other,
    /// A schema: a `$ref` here names a component schema.
    Schema,
    /// A map of names to schemas (`properties`, `components/schemas`).
    SchemaMap,
    /// A list of schemas (`allOf`, `oneOf`, `anyOf`).
    SchemaList,
    Discriminator,
    /// Examples, defaults, enums: data, whose `$ref` keys are not references.
    Data,
}

fn child_context(context: Context, key: &str) -> Context {
    match context {
        Context::Root => match key {
            "components" => Context::Components,
            _ => Context::Other,
        },
        Context::Components => match key {
            "schemas" => Context::SchemaMap,
            _ => Context::Other,
        },
        Context::Other => match key {
            "schema" => Context::Schema,
            // Example objects' values and extensions are data.
            "example" | "value" => Context::Data,
            key if key.starts_with("x-") => Context::Data,
            _ => Context::Other,
        },
        Context::SchemaMap | Context::SchemaList => Context::Schema,
        Context::Schema => match key {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => Context::SchemaMap,
            "items" | "additionalProperties" | "not" | "contains" | "if" | "then" | "else" | "propertyNames"
            | "additionalItems" | "unevaluatedProperties" | "unevaluatedItems" => Context::Schema,
            "allOf" | "oneOf" | "anyOf" | "prefixItems" => Context::SchemaList,
            "discriminator" => Context::Discriminator,
            _ => Context::Data,
        },
        Context::Discriminator | Context::Data => Context::Data,
    }
}

/// A place in a file: the file's name and a JSON pointer in it.
type Target = (String, String);

struct Bundler<'a> {
    entry: &'a SpecInput,
    files: &'a BTreeMap<&'a str, &'a SpecInput>,
    parsed: BTreeMap<String, Value>,
    /// Each schema taken from another file → its component name.
    names: BTreeMap<Target, String>,
    taken: BTreeSet<String>,
    queue: VecDeque<(Target, String, Value)>,
    /// The copies being made, innermost last: one that recurs is a loop.
    copying: Vec<Target>,
    provenance: Provenance,
}

/// Makes the entry document `value` (of `entry`) self-contained, taking what
/// its references name from `files`. Does nothing to a document without
/// references to other files.
pub fn bundle(entry: &SpecInput, value: &mut Value, files: &BTreeMap<&str, &SpecInput>) -> Result<Provenance> {
    let taken: BTreeSet<String> = value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut bundler = Bundler {
        entry,
        files,
        parsed: BTreeMap::new(),
        names: BTreeMap::new(),
        taken,
        queue: VecDeque::new(),
        copying: Vec::new(),
        provenance: Provenance::default(),
    };
    bundler.name_aliased_components(value)?;
    bundler.walk(value, &entry.name, &mut String::new(), &mut String::new(), Context::Root, 0)?;
    let mut hoisted = Vec::new();
    while let Some(((file, pointer), name, mut content)) = bundler.queue.pop_front() {
        let mut at = format!("{SCHEMAS}{}", locate::escape_pointer_token(&name));
        bundler.provenance.origins.insert(at.clone(), (file.clone(), pointer.clone()));
        bundler.walk(&mut content, &file, &mut pointer.clone(), &mut at, Context::Schema, 0)?;
        hoisted.push((name, content));
    }
    if !hoisted.is_empty() {
        let schemas = schemas_of(value).ok_or_else(|| Error::Invalid {
            location: locate::locate(entry, "/components"),
            message: "`components` is not a mapping, so the schemas of other files cannot be added to it".to_owned(),
            help: "make `components` a mapping of component kinds".to_owned(),
        })?;
        for (name, content) in hoisted {
            schemas.insert(name, content);
        }
    }
    Ok(bundler.provenance)
}

fn schemas_of(value: &mut Value) -> Option<&mut Map<String, Value>> {
    let components = value.as_object_mut()?.entry("components").or_insert_with(|| Value::Object(Map::new()));
    components.as_object_mut()?.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

impl Bundler<'_> {
    fn input(&self, file: &str) -> Option<&SpecInput> {
        if file == self.entry.name { Some(self.entry) } else { self.files.get(file).copied() }
    }

    /// The target of `reference` written in `file`: `None` when it stays a
    /// reference into the entry document as it is.
    fn target(&self, file: &str, reference: &str, at: &str) -> Result<Option<Target>> {
        let input = self.input(file).unwrap_or(self.entry);
        let split = split(file, reference).map_err(|help| unsupported(input, at, reference, help))?;
        let (target_file, pointer) = match split {
            Some(target) => target,
            None => (file.to_owned(), percent_decode(reference.trim_start_matches('#'))),
        };
        Ok((target_file != self.entry.name).then_some((target_file, pointer)))
    }

    /// `#…` for a reference that resolved into the entry itself.
    fn entry_reference(reference: &str) -> String {
        reference.split_once('#').map_or_else(|| "#".to_owned(), |(_, fragment)| format!("#{fragment}"))
    }

    /// The content at `pointer` in `file` (`None` when it has none), each
    /// file parsed once.
    fn find(&mut self, file: &str, pointer: &str) -> Result<Option<Value>> {
        if !self.parsed.contains_key(file) {
            let Some(input) = self.files.get(file) else { return Ok(None) };
            let value = crate::load::parse_any(input)?;
            self.parsed.insert(file.to_owned(), value);
        }
        let found = self.parsed.get(file).and_then(|value| if pointer.is_empty() { Some(value) } else { value.pointer(pointer) });
        Ok(found.cloned())
    }

    /// The content the target of `reference` (at `at` in `file`) names, or
    /// a located error when there is none.
    fn check(&mut self, target: &Target, file: &str, at: &str, reference: &str) -> Result<Value> {
        if !self.files.contains_key(target.0.as_str()) {
            return Err(Error::Invalid {
                location: locate::locate(self.input(file).unwrap_or(self.entry), at),
                message: format!("reference {reference:?} names the file {:?}, which was not found", target.0),
                help: "correct the path: it is relative to the folder of the file that holds the $ref (with `cargo xtask`, pass only entry files; the files they reference are read from beside them)".to_owned(),
            });
        }
        let found = self.find(&target.0, &target.1)?;
        found.ok_or_else(|| Error::Invalid {
            location: locate::locate(self.input(file).unwrap_or(self.entry), at),
            message: format!("reference {reference:?} points at nothing: {} has no {}", target.0, if target.1.is_empty() { "#" } else { &target.1 }),
            help: format!("correct the pointer after `#`, or add {} to {}", target.1, target.0),
        })
    }

    /// The component name of the schema at `target`, reserved on first use.
    fn schema_name(&mut self, target: &Target, content: Value) -> String {
        if let Some(name) = self.names.get(target) {
            return name.clone();
        }
        let (file, pointer) = target;
        let stem = file.rsplit('/').next().unwrap_or(file);
        let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
        let token = pointer.rsplit('/').next().filter(|_| !pointer.is_empty()).map(locate::unescape_pointer_token);
        let base = token.unwrap_or_else(|| stem.to_owned());
        let base = if base.is_empty() { "Schema".to_owned() } else { base };
        let mut name = base.clone();
        let mut number = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{number}");
            number += 1;
        }
        self.taken.insert(name.clone());
        self.names.insert(target.clone(), name.clone());
        self.queue.push_back((target.clone(), name.clone(), content));
        name
    }

    /// A component schema of the entry that is only a `$ref` to another
    /// file's schema gives that schema its name.
    fn name_aliased_components(&mut self, value: &Value) -> Result<()> {
        let Some(schemas) = value.pointer("/components/schemas").and_then(Value::as_object) else { return Ok(()) };
        for (name, schema) in schemas {
            let Some(reference) = schema.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("$ref")).and_then(Value::as_str) else {
                continue;
            };
            let at = format!("{SCHEMAS}{}/$ref", locate::escape_pointer_token(name));
            let Some(target) = self.target(&self.entry.name.clone(), reference, &at)? else { continue };
            if self.names.contains_key(&target) {
                continue;
            }
            let content = self.check(&target, &self.entry.name.clone(), &at, reference)?;
            self.names.insert(target.clone(), name.clone());
            self.queue.push_back((target, name.clone(), content));
        }
        Ok(())
    }

    /// Rewrites the references of `value`, found at `source` in `file` and
    /// at `bundled` in the bundled document.
    fn walk(&mut self, value: &mut Value, file: &str, source: &mut String, bundled: &mut String, context: Context, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            let input = self.input(file).unwrap_or(self.entry);
            return Err(Error::Invalid {
                location: locate::locate(input, source),
                message: format!("the document nests more than {MAX_DEPTH} levels deep across its files"),
                help: "flatten the nesting: move inner schemas to components and refer to them with $ref".to_owned(),
            });
        }
        if context == Context::Data {
            return Ok(());
        }
        if let Some(reference) = value.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            return self.reference(value, &reference, file, source, bundled, context, depth);
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let child_context = child_context(context, key);
                    if context == Context::Discriminator && key == "mapping" {
                        self.mapping(child, file, source)?;
                        continue;
                    }
                    let (source_len, bundled_len) = (source.len(), bundled.len());
                    let token = format!("/{}", locate::escape_pointer_token(key));
                    source.push_str(&token);
                    bundled.push_str(&token);
                    self.walk(child, file, source, bundled, child_context, depth + 1)?;
                    source.truncate(source_len);
                    bundled.truncate(bundled_len);
                }
            }
            Value::Array(items) => {
                let item_context = if matches!(context, Context::SchemaList | Context::Schema) { Context::Schema } else { context };
                for (index, child) in items.iter_mut().enumerate() {
                    let (source_len, bundled_len) = (source.len(), bundled.len());
                    source.push_str(&format!("/{index}"));
                    bundled.push_str(&format!("/{index}"));
                    self.walk(child, file, source, bundled, item_context, depth + 1)?;
                    source.truncate(source_len);
                    bundled.truncate(bundled_len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        value: &mut Value,
        reference: &str,
        file: &str,
        source: &mut String,
        bundled: &mut String,
        context: Context,
        depth: usize,
    ) -> Result<()> {
        let at = format!("{source}/$ref");
        let target = self.target(file, reference, &at)?;
        if target.as_ref().is_some_and(|(target_file, _)| !is_spec_file(target_file)) {
            return Ok(());
        }
        let Some(target) = target else {
            if file != self.entry.name
                && let Some(object) = value.as_object_mut()
            {
                object.insert("$ref".to_owned(), Value::String(Self::entry_reference(reference)));
            }
            return Ok(());
        };
        let mut content = self.check(&target, file, &at, reference)?;
        if matches!(context, Context::Schema | Context::SchemaMap | Context::SchemaList) {
            let name = self.schema_name(&target, content);
            if let Some(object) = value.as_object_mut() {
                object.insert("$ref".to_owned(), Value::String(format!("#{SCHEMAS}{}", locate::escape_pointer_token(&name))));
            }
            return Ok(());
        }
        if self.copying.contains(&target) || self.copying.len() >= MAX_COPY_DEPTH {
            let input = self.input(file).unwrap_or(self.entry);
            let chain: Vec<String> = self.copying.iter().map(|(f, p)| format!("{f}#{p}")).collect();
            return Err(Error::Invalid {
                location: locate::locate(input, &at),
                message: format!("reference {reference:?} includes itself (through {})", chain.join(" → ")),
                help: format!("only schemas may refer to themselves; break the loop (copies nest at most {MAX_COPY_DEPTH} files deep)"),
            });
        }
        self.copying.push(target.clone());
        self.provenance.origins.insert(bundled.clone(), target.clone());
        let walked = self.walk(&mut content, &target.0, &mut target.1.clone(), bundled, context, depth + 1);
        self.copying.pop();
        walked?;
        // Keys beside the $ref (a summary, a description) win over the copy's.
        if let (Some(siblings), Value::Object(copied)) = (value.as_object(), &mut content) {
            for (key, sibling) in siblings.iter().filter(|(key, _)| *key != "$ref") {
                copied.insert(key.clone(), sibling.clone());
            }
        }
        *value = content;
        Ok(())
    }

    /// `discriminator.mapping` values naming schemas of other files.
    fn mapping(&mut self, mapping: &mut Value, file: &str, source: &str) -> Result<()> {
        let Some(map) = mapping.as_object_mut() else { return Ok(()) };
        for (key, value) in map.iter_mut() {
            let Some(reference) = value.as_str().filter(|r| looks_like_reference(r)).map(str::to_owned) else { continue };
            let at = format!("{source}/mapping/{}", locate::escape_pointer_token(key));
            match self.target(file, &reference, &at)? {
                Some(target) => {
                    let content = self.check(&target, file, &at, &reference)?;
                    let name = self.schema_name(&target, content);
                    *value = Value::String(format!("#{SCHEMAS}{}", locate::escape_pointer_token(&name)));
                }
                None if file != self.entry.name => *value = Value::String(Self::entry_reference(&reference)),
                None => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_against_the_folder_and_normalized() {
        assert_eq!(split("a/b/openapi.yaml", "c.yaml#/x"), Ok(Some(("a/b/c.yaml".to_owned(), "/x".to_owned()))));
        assert_eq!(split("a/b/openapi.yaml", "../../../s/./p.yml"), Ok(Some(("../s/p.yml".to_owned(), String::new()))));
        assert_eq!(split("openapi.yaml", "#/components/schemas/A"), Ok(None));
        assert_eq!(split("x.yaml", "p.yaml#/paths/~1a%7Bid%7D"), Ok(Some(("p.yaml".to_owned(), "/paths/~1a{id}".to_owned()))));
        assert!(split("x.yaml", "https://example.com/a.yaml").is_err());
        assert!(split("x.yaml", "/etc/a.yaml").is_err());
        assert_eq!(normalize("../a/../../b"), "../../b");
    }

    #[test]
    fn provenance_takes_the_longest_prefix() {
        let mut provenance = Provenance::default();
        provenance.origins.insert("/paths/~1a".to_owned(), ("a.yaml".to_owned(), String::new()));
        provenance.origins.insert("/paths/~1a/get/responses/200".to_owned(), ("r.yaml".to_owned(), "/ok".to_owned()));
        assert_eq!(provenance.origin("/paths/~1a/get/summary"), Some(("a.yaml", "/get/summary".to_owned())));
        assert_eq!(provenance.origin("/paths/~1a/get/responses/200/content"), Some(("r.yaml", "/ok/content".to_owned())));
        assert_eq!(provenance.origin("/info"), None);
    }
}
