//! Documents → one merged document.
//!
//! Sequence publishes each API version as separate files. Their union is the
//! API: paths are added up, identical components collapse into one, and a
//! component defined differently in two files is an error unless the manifest
//! says which version wins. Nothing is ever picked silently.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Operation, Parameter, PathItem, ReferenceOr};
use serde::Serialize;

use crate::config::{Config, SpecInput};
use crate::error::{Error, Location, Result};
use crate::load::Document;
use crate::locate::{Locator, escape_pointer_token};

/// The merged API together with where each part came from.
pub struct Merged<'a> {
    pub(crate) api: OpenAPI,
    pub(crate) origins: Origins<'a>,
    /// What loading had to leave out (3.1 parts with no 3.0 form).
    pub notes: Vec<crate::error::Warning>,
}

/// Which input file defined each operation and component, so that later
/// steps can report errors at the right place.
pub struct Origins<'a> {
    inputs: BTreeMap<&'a str, &'a SpecInput>,
    operations: BTreeMap<(String, String), &'a str>,
    components: BTreeMap<(&'static str, String), &'a str>,
    locator: Locator,
}

impl Origins<'_> {
    fn at(&self, file: Option<&str>, pointer: String) -> Location {
        match file.and_then(|f| self.inputs.get(f)) {
            Some(input) => self.locator.locate(input, &pointer),
            None => Location { file: "<merged spec>".to_owned(), line: None, column: None, pointer: Some(pointer) },
        }
    }

    /// Location of a pointer inside the operation `method path`.
    pub fn operation(&self, path: &str, method: &str, rest: &str) -> Location {
        let file = self.operations.get(&(path.to_owned(), method.to_owned())).copied();
        self.at(file, format!("/paths/{}/{method}{rest}", escape_pointer_token(path)))
    }

    /// The version label of the file whose definition of `method path` was
    /// kept.
    pub fn operation_version(&self, path: &str, method: &str) -> Option<&str> {
        let file = self.operations.get(&(path.to_owned(), method.to_owned()))?;
        self.inputs.get(file)?.version.as_deref()
    }

    /// Location of a pointer inside the component `#/components/{kind}/{name}`.
    pub fn component(&self, kind: &'static str, name: &str, rest: &str) -> Location {
        let file = self.components.get(&(kind, name.to_owned())).copied();
        self.at(file, format!("/components/{kind}/{}{rest}", escape_pointer_token(name)))
    }

    /// The names of all input files, sorted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.inputs.keys().copied()
    }
}

/// Merges the loaded `documents` into one API: paths added up, identical
/// components collapsed into one, and a definition that differs between two
/// files an error unless `config`'s `[prefer]` picks one. `inputs` are the
/// files, which errors point into.
pub fn merge<'a>(config: &Config, inputs: &'a [SpecInput], documents: Vec<Document>) -> Result<Merged<'a>> {
    let mut documents = documents;
    documents.sort_by(|a, b| a.name.cmp(&b.name));

    let mut origins = Origins {
        inputs: inputs.iter().map(|i| (i.name.as_str(), i)).collect(),
        operations: BTreeMap::new(),
        components: BTreeMap::new(),
        locator: Locator::default(),
    };
    let file_of = |name: &str| -> &'a str {
        inputs.iter().find(|i| i.name == name).map_or("", |i| i.name.as_str())
    };

    let mut merged: Option<OpenAPI> = None;
    let mut notes = Vec::new();
    let mut components = Components::default();
    let mut paths: IndexMap<String, PathItem> = IndexMap::new();
    let mut policy = Policy::new(config, documents.iter().map(|d| (d.name.clone(), d.version.clone())).collect());
    let mut conflicts = Conflicts::default();
    let mut discarded: Vec<serde_json::Value> = Vec::new();

    for document in documents {
        let file = file_of(&document.name);
        notes.extend(document.notes);
        let mut api = document.api;

        for (path, item) in std::mem::take(&mut api.paths.paths) {
            let ReferenceOr::Item(item) = item else {
                return Err(Error::UnsupportedRef {
                    location: origins.at(Some(file), format!("/paths/{}", escape_pointer_token(&path))),
                    reference: "path item $ref".to_owned(),
                    help: "inline the path item",
                });
            };
            let target = paths.entry(path.clone()).or_default();
            for (method, mut operation) in operations_with_path_parameters(item, api.components.as_ref()) {
                // The document's `security` is the default of its own
                // operations only: files merged together may differ in it.
                if operation.security.is_none() {
                    operation.security.clone_from(&api.security);
                }
                let key = (path.clone(), method.to_owned());
                let entry = format!("{} {path}", method.to_uppercase());
                policy.seen(Subject::Operation(&entry), file);
                let slot = operation_slot(target, method);
                let Some(existing) = slot.as_ref() else {
                    *slot = Some(operation);
                    origins.operations.insert(key, file);
                    continue;
                };
                let first = origins.operations.get(&key).copied().unwrap_or_default();
                let identical = same_in_versions(existing, policy.version(first), &operation, policy.version(file));
                match policy.choose(Subject::Operation(&entry), first, file, identical) {
                    Choice::Incoming => {
                        if let Some(old) = slot.replace(operation) {
                            discarded.extend(serde_json::to_value(&old).ok());
                        }
                        origins.operations.insert(key, file);
                    }
                    Choice::Existing => discarded.extend(serde_json::to_value(&operation).ok()),
                    Choice::Conflict => {
                        let pointer = format!("/paths/{}/{method}", escape_pointer_token(&path));
                        let subject = Conflicting::Operation { method: method.to_uppercase(), path: path.clone() };
                        conflicts.add(entry, subject, origins.at(Some(first), pointer.clone()), origins.at(Some(file), pointer));
                    }
                }
            }
        }

        if let Some(incoming) = api.components.take() {
            let mut ctx = ComponentMerge { origins: &mut origins, file, policy: &mut policy, conflicts: &mut conflicts, discarded: &mut discarded };
            ctx.merge("schemas", &mut components.schemas, incoming.schemas);
            ctx.merge("responses", &mut components.responses, incoming.responses);
            ctx.merge("parameters", &mut components.parameters, incoming.parameters);
            ctx.merge("examples", &mut components.examples, incoming.examples);
            ctx.merge("requestBodies", &mut components.request_bodies, incoming.request_bodies);
            ctx.merge("headers", &mut components.headers, incoming.headers);
            ctx.merge("securitySchemes", &mut components.security_schemes, incoming.security_schemes);
        }

        match &mut merged {
            None => merged = Some(api),
            Some(first) => {
                for server in api.servers {
                    if !first.servers.iter().any(|s| s.url == server.url) {
                        first.servers.push(server);
                    }
                }
                for tag in api.tags {
                    if !first.tags.iter().any(|t| t.name == tag.name) {
                        first.tags.push(tag);
                    }
                }
            }
        }
    }

    if let Some(error) = conflicts.into_error() {
        return Err(error);
    }
    policy.check_used(&config.manifest_name)?;

    let Some(mut api) = merged else {
        return Err(Error::Config("no spec files were given".to_owned()));
    };
    paths.sort_keys();
    api.paths.paths = paths.into_iter().map(|(k, v)| (k, ReferenceOr::Item(v))).collect();
    components.schemas.sort_keys();
    if !discarded.is_empty() {
        drop_orphans(&api, &mut components, &discarded, &mut origins);
    }
    api.components = Some(components);
    Ok(Merged { api, origins, notes })
}

/// What the merge does with a second definition of an operation or a
/// component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// The definition already merged stays; the incoming one is discarded.
    Existing,
    /// The incoming definition replaces the one merged so far.
    Incoming,
    /// The definitions differ and nothing says which one wins.
    Conflict,
}

/// What a choice is about: an operation (`GET /path`) or a component.
#[derive(Debug, Clone, Copy)]
enum Subject<'s> {
    Operation(&'s str),
    Component(&'static str, &'s str),
}

/// How a version label orders: dates by date, then any other label by its
/// text, then `latest`, the newest of all. A file without a label is older
/// than every labelled one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum VersionOrder<'v> {
    /// A file given without a version label.
    Unlabelled,
    /// A `YYYY-MM-DD` label: year, month, day.
    Date(u32, u32, u32),
    /// Any other label, ordered by its text.
    Other(&'v str),
    /// `latest`.
    Latest,
}

impl<'v> VersionOrder<'v> {
    /// Where `label` (or no label) stands among versions.
    pub fn of(label: Option<&'v str>) -> Self {
        let Some(label) = label else { return VersionOrder::Unlabelled };
        if label == "latest" {
            return VersionOrder::Latest;
        }
        let parts: Vec<&str> = label.split('-').collect();
        if let [year, month, day] = parts.as_slice()
            && year.len() == 4
            && month.len() == 2
            && day.len() == 2
            && let (Ok(y), Ok(m), Ok(d)) = (year.parse(), month.parse(), day.parse())
        {
            return VersionOrder::Date(y, m, d);
        }
        VersionOrder::Other(label)
    }
}

/// The manifest's say in the merge: `[merge] prefer = "newest"`, the pins of
/// `[merge.operations]` and `[merge.schemas]`, and the older `[prefer]`
/// entries (a component name, `METHOD /path` or `*` → the version label or
/// spec file whose definition wins a conflict).
struct Policy<'c> {
    prefer: &'c BTreeMap<String, String>,
    newest: bool,
    operation_pins: &'c BTreeMap<String, String>,
    schema_pins: &'c BTreeMap<String, String>,
    versions: BTreeMap<String, Option<String>>,
    used_prefer: BTreeSet<String>,
    used_operation_pins: BTreeSet<String>,
    used_schema_pins: BTreeSet<String>,
}

impl<'c> Policy<'c> {
    fn new(config: &'c Config, versions: BTreeMap<String, Option<String>>) -> Self {
        Policy {
            prefer: &config.prefer,
            newest: config.merge.prefer_newest,
            operation_pins: &config.merge.operations,
            schema_pins: &config.merge.schemas,
            versions,
            used_prefer: BTreeSet::new(),
            used_operation_pins: BTreeSet::new(),
            used_schema_pins: BTreeSet::new(),
        }
    }

    fn version(&self, file: &str) -> Option<&str> {
        self.versions.get(file).and_then(|v| v.as_deref())
    }

    fn matches(&self, winner: &str, file: &str) -> bool {
        self.version(file) == Some(winner) || file == winner || file.ends_with(&format!("/{winner}"))
    }

    fn pin(&self, subject: Subject<'_>) -> Option<&'c str> {
        match subject {
            Subject::Operation(entry) => self.operation_pins.get(entry).map(String::as_str),
            Subject::Component("schemas", name) => self.schema_pins.get(name).map(String::as_str),
            Subject::Component(..) => None,
        }
    }

    /// Notes that `file` defines `subject`: a pin is used once the version
    /// it names defines what it pins.
    fn seen(&mut self, subject: Subject<'_>, file: &str) {
        let Some(pin) = self.pin(subject) else { return };
        if !self.matches(pin, file) {
            return;
        }
        match subject {
            Subject::Operation(entry) => self.used_operation_pins.insert(entry.to_owned()),
            Subject::Component(_, name) => self.used_schema_pins.insert(name.to_owned()),
        };
    }

    /// Which of two definitions of `subject` the client uses: the pinned
    /// version's; else a `[prefer]` entry's; else, when they are the same
    /// or `[merge] prefer = "newest"` is set, the newer one's (so that an
    /// operation sends the newest version that defines it so).
    fn choose(&mut self, subject: Subject<'_>, existing: &str, incoming: &str, identical: bool) -> Choice {
        if let Some(pin) = self.pin(subject) {
            match (self.matches(pin, existing), self.matches(pin, incoming)) {
                (true, false) => return Choice::Existing,
                (false, true) => return Choice::Incoming,
                // The pinned version may come later; if it never does, the
                // pin is reported as matching nothing.
                (false, false) => return Choice::Existing,
                (true, true) => {}
            }
        }
        let key = match subject {
            Subject::Operation(entry) => entry,
            Subject::Component(_, name) => name,
        };
        if !identical && let Some((entry, winner)) = [key, "*"].into_iter().find_map(|k| self.prefer.get(k).map(|w| (k, w.clone()))) {
            let (existing_wins, incoming_wins) = (self.matches(&winner, existing), self.matches(&winner, incoming));
            if existing_wins != incoming_wins {
                self.used_prefer.insert(entry.to_owned());
                return if incoming_wins { Choice::Incoming } else { Choice::Existing };
            }
        }
        let (old, new) = (VersionOrder::of(self.version(existing)), VersionOrder::of(self.version(incoming)));
        if identical || (self.newest && old != new) {
            return if new > old { Choice::Incoming } else { Choice::Existing };
        }
        Choice::Conflict
    }

    /// Every entry must have decided something.
    fn check_used(&self, manifest: &str) -> Result<()> {
        let unused = |entries: &BTreeMap<String, String>, used: &BTreeSet<String>| entries.keys().find(|k| !used.contains(*k)).cloned();
        let sections = [
            ("[prefer] entry", unused(self.prefer, &self.used_prefer)),
            ("[merge.operations] entry", unused(self.operation_pins, &self.used_operation_pins)),
            ("[merge.schemas] entry", unused(self.schema_pins, &self.used_schema_pins)),
        ];
        for (kind, key) in sections {
            if let Some(key) = key {
                return Err(Error::UnusedOverride { file: manifest.to_owned(), kind, key });
            }
        }
        Ok(())
    }
}

/// The definitions that differ with nothing to choose between them, each
/// with every place it is defined, in the order found.
#[derive(Default)]
struct Conflicts {
    found: IndexMap<String, (Conflicting, Vec<Location>)>,
}

/// What a conflict is about, for the error of a single one.
#[derive(Clone)]
enum Conflicting {
    Operation { method: String, path: String },
    Component { name: String },
}

impl Conflicts {
    fn add(&mut self, what: String, subject: Conflicting, first: Location, second: Location) {
        let (_, places) = self.found.entry(what).or_insert_with(|| (subject, Vec::new()));
        for place in [first, second] {
            if !places.contains(&place) {
                places.push(place);
            }
        }
    }

    /// One conflict keeps the error of its kind, shown with its source
    /// lines; several are listed together, one line each.
    fn into_error(self) -> Option<Error> {
        if self.found.len() == 1 {
            let (_, (subject, places)) = self.found.into_iter().next()?;
            let mut places = places.into_iter();
            let (first, second) = (places.next()?, places.next()?);
            return Some(match subject {
                Conflicting::Operation { method, path } => Error::DuplicateOperation { method, path, first, second },
                Conflicting::Component { name } => Error::ConflictingComponent { name, first, second },
            });
        }
        if self.found.is_empty() {
            return None;
        }
        Some(Error::Conflicts { conflicts: self.found.into_iter().map(|(what, (_, places))| crate::error::Conflict { what, places }).collect() })
    }
}

struct ComponentMerge<'m, 'a, 'c> {
    origins: &'m mut Origins<'a>,
    file: &'a str,
    policy: &'m mut Policy<'c>,
    conflicts: &'m mut Conflicts,
    discarded: &'m mut Vec<serde_json::Value>,
}

impl ComponentMerge<'_, '_, '_> {
    fn merge<T: Serialize>(&mut self, kind: &'static str, target: &mut IndexMap<String, T>, incoming: IndexMap<String, T>) {
        for (name, definition) in incoming {
            let key = (kind, name.clone());
            self.policy.seen(Subject::Component(kind, &name), self.file);
            let Some(existing) = target.get(&name) else {
                target.insert(name, definition);
                self.origins.components.insert(key, self.file);
                continue;
            };
            let first = self.origins.components.get(&key).copied().unwrap_or_default();
            let identical = same_in_versions(existing, self.policy.version(first), &definition, self.policy.version(self.file));
            match self.policy.choose(Subject::Component(kind, &name), first, self.file, identical) {
                Choice::Incoming => {
                    if let Some(old) = target.insert(name, definition) {
                        self.discarded.extend(serde_json::to_value(&old).ok());
                    }
                    self.origins.components.insert(key, self.file);
                }
                Choice::Existing => self.discarded.extend(serde_json::to_value(&definition).ok()),
                Choice::Conflict => {
                    let pointer = format!("/components/{kind}/{}", escape_pointer_token(&name));
                    let what = if kind == "schemas" { format!("schema {name:?}") } else { format!("{kind} {name:?}") };
                    let subject = Conflicting::Component { name: name.clone() };
                    self.conflicts.add(what, subject, self.origins.at(Some(first), pointer.clone()), self.origins.at(Some(self.file), pointer));
                }
            }
        }
    }
}

/// Drops the components that only discarded definitions referred to: those
/// a discarded definition reaches that nothing the merged API keeps
/// reaches. A component no definition referred to stays, as it would in
/// one file.
fn drop_orphans(api: &OpenAPI, components: &mut Components, discarded: &[serde_json::Value], origins: &mut Origins<'_>) {
    let Ok(all) = serde_json::to_value(&*components) else { return };
    let mut candidates = BTreeSet::new();
    let mut pending: Vec<(String, String)> = Vec::new();
    for value in discarded {
        collect_refs(value, &mut pending);
    }
    while let Some(reference) = pending.pop() {
        if candidates.insert(reference.clone())
            && let Some(definition) = all.get(&reference.0).and_then(|kind| kind.get(&reference.1))
        {
            collect_refs(definition, &mut pending);
        }
    }
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    if let Ok(paths) = serde_json::to_value(&api.paths) {
        collect_refs(&paths, &mut pending);
    }
    if let Some(kinds) = all.as_object() {
        for (kind, entries) in kinds {
            for name in entries.as_object().into_iter().flat_map(|e| e.keys()) {
                if !candidates.contains(&(kind.clone(), name.clone())) {
                    pending.push((kind.clone(), name.clone()));
                }
            }
        }
    }
    while let Some(reference) = pending.pop() {
        if reached.insert(reference.clone())
            && let Some(definition) = all.get(&reference.0).and_then(|kind| kind.get(&reference.1))
        {
            collect_refs(definition, &mut pending);
        }
    }
    for (kind, name) in candidates.difference(&reached) {
        let removed = match kind.as_str() {
            "schemas" => components.schemas.shift_remove(name).is_some(),
            "responses" => components.responses.shift_remove(name).is_some(),
            "parameters" => components.parameters.shift_remove(name).is_some(),
            "examples" => components.examples.shift_remove(name).is_some(),
            "requestBodies" => components.request_bodies.shift_remove(name).is_some(),
            "headers" => components.headers.shift_remove(name).is_some(),
            _ => false,
        };
        if removed {
            origins.components.retain(|(k, n), _| !(*k == kind.as_str() && n == name));
        }
    }
}

/// Every `#/components/<kind>/<name>` a value refers to.
fn collect_refs(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(reference)) = map.get("$ref")
                && let Some(rest) = reference.strip_prefix("#/components/")
                && let Some((kind, name)) = rest.split_once('/')
            {
                found.push((kind.to_owned(), name.replace("~1", "/").replace("~0", "~")));
            }
            map.values().for_each(|inner| collect_refs(inner, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_refs(item, found)),
        _ => {}
    }
}

/// Whether two definitions, from files of the versions `a_version` and
/// `b_version`, mean the same to a client: compared through their
/// serialized form (openapiv3's types have no `PartialEq`), ignoring
/// documentation (summaries, descriptions, examples), the spelling case of
/// header names, which HTTP ignores too, and the version header: a header parameter whose only value is its file's
/// own version label (`Sequence-Version: [2024-01-01]` in the 2024-01-01
/// file) says which version the file is, not what the operation does.
fn same_in_versions<T: Serialize>(a: &T, a_version: Option<&str>, b: &T, b_version: Option<&str>) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(mut a), Ok(mut b)) => {
            normalize(&mut a, false);
            normalize(&mut b, false);
            if let Some(version) = a_version {
                forget_version_header(&mut a, version);
            }
            if let Some(version) = b_version {
                forget_version_header(&mut b, version);
            }
            a == b
        }
        _ => false,
    }
}

/// Removes the one-value enum equal to `version` from every header
/// parameter (of a normalized definition).
fn forget_version_header(value: &mut serde_json::Value, version: &str) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("in").and_then(|v| v.as_str()) == Some("header")
                && let Some(serde_json::Value::Object(schema)) = map.get_mut("schema")
                && schema.get("enum").and_then(|e| e.as_array()).is_some_and(|values| {
                    matches!(values.as_slice(), [serde_json::Value::String(only)] if only == version)
                })
            {
                schema.remove("enum");
            }
            map.values_mut().for_each(|inner| forget_version_header(inner, version));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| forget_version_header(item, version)),
        _ => {}
    }
}

const DOCUMENTATION: [&str; 4] = ["summary", "description", "example", "examples"];

/// Drops documentation keys and lower-cases header parameter names;
/// `names_map` is set inside maps whose keys are names (`properties`), where
/// a key called `description` is a property, not documentation.
fn normalize(value: &mut serde_json::Value, names_map: bool) {
    match value {
        serde_json::Value::Object(map) => {
            if !names_map {
                map.retain(|key, _| !DOCUMENTATION.contains(&key.as_str()));
                if map.get("in").and_then(|v| v.as_str()) == Some("header")
                    && let Some(serde_json::Value::String(name)) = map.get_mut("name")
                {
                    *name = name.to_ascii_lowercase();
                }
            }
            for (key, inner) in map.iter_mut() {
                normalize(inner, !names_map && key == "properties");
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| normalize(item, false)),
        _ => {}
    }
}

/// The operations of a path item, each with the path-level parameters it
/// does not override, so that an operation stands on its own after merging.
/// An operation's parameter overrides a path-level one with the same name
/// and location, whether either is written inline or as a `$ref`.
fn operations_with_path_parameters(item: PathItem, components: Option<&openapiv3::Components>) -> Vec<(&'static str, Operation)> {
    let all = [
        ("get", item.get),
        ("put", item.put),
        ("post", item.post),
        ("delete", item.delete),
        ("options", item.options),
        ("head", item.head),
        ("patch", item.patch),
        ("trace", item.trace),
    ];
    let resolve = |parameter: &ReferenceOr<Parameter>| -> Option<Parameter> {
        match parameter {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { .. } => crate::refs::Resolver::new(components?).find_parameter(parameter).cloned(),
        }
    };
    // The path-level parameters, each resolved once for all the operations.
    let shared: Vec<(Option<Parameter>, ReferenceOr<Parameter>)> =
        item.parameters.into_iter().map(|parameter| (resolve(&parameter), parameter)).collect();
    all.into_iter()
        .filter_map(|(method, op)| op.map(|op| (method, op)))
        .map(|(method, mut op)| {
            let own: Vec<Option<Parameter>> = op.parameters.iter().map(resolve).collect();
            for (resolved, parameter) in &shared {
                let overridden = match (parameter, resolved) {
                    (_, Some(p)) => own.iter().flatten().any(|q| same_parameter(p, q)),
                    // A reference that does not resolve here is compared as
                    // written; the lowering reports it if it stays unresolved.
                    (ReferenceOr::Reference { reference }, None) => op
                        .parameters
                        .iter()
                        .any(|q| matches!(q, ReferenceOr::Reference { reference: r } if r == reference)),
                    (ReferenceOr::Item(_), None) => false,
                };
                if !overridden {
                    op.parameters.push(parameter.clone());
                }
            }
            (method, op)
        })
        .collect()
}

fn same_parameter(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.parameter_data_ref().name == b.parameter_data_ref().name
}

fn operation_slot<'p>(item: &'p mut PathItem, method: &str) -> &'p mut Option<Operation> {
    match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        _ => &mut item.trace,
    }
}

#[cfg(test)]
mod tests {
    use super::VersionOrder;

    #[test]
    fn versions_order_as_dates_then_other_labels_then_latest() {
        let mut labels = vec![Some("latest"), Some("beta"), Some("2024-07-30"), None, Some("2024-01-01"), Some("2024-05-09"), Some("2023-12-31")];
        labels.sort_by_key(|label| VersionOrder::of(*label));
        assert_eq!(labels, [None, Some("2023-12-31"), Some("2024-01-01"), Some("2024-05-09"), Some("2024-07-30"), Some("beta"), Some("latest")]);
        // Not a date: compared as text, after every date.
        assert!(VersionOrder::of(Some("2024-1-1")) > VersionOrder::of(Some("2099-12-31")));
    }
}
