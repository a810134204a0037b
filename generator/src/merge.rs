//! Documents → one merged document.
//!
//! Sequence publishes each API version as separate files. Their union is the
//! API: paths are added up, identical components collapse into one, and a
//! component defined differently in two files is an error unless the manifest
//! says which version wins. Nothing is ever picked silently.

use std::collections::BTreeMap;

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
    let mut preferences = Preferences {
        prefer: &config.prefer,
        versions: documents.iter().map(|d| (d.name.clone(), d.version.clone())).collect(),
        used: config.prefer.keys().map(|k| (k.clone(), false)).collect(),
    };

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
            for (method, operation) in operations_with_path_parameters(item, api.components.as_ref()) {
                let key = (path.clone(), method.to_owned());
                let slot = operation_slot(target, method);
                match slot {
                    Some(existing) if same(existing, &operation) => {}
                    Some(_) => {
                        let first = origins.operations.get(&key).copied();
                        let entry = format!("{} {path}", method.to_uppercase());
                        match preferences.decide(&entry, first.unwrap_or_default(), file) {
                            Some(true) => {
                                *slot = Some(operation);
                                origins.operations.insert(key, file);
                                continue;
                            }
                            Some(false) => continue,
                            None => {}
                        }
                        let pointer = format!("/paths/{}/{method}", escape_pointer_token(&path));
                        return Err(Error::DuplicateOperation {
                            method: method.to_uppercase(),
                            path,
                            first: origins.at(first, pointer.clone()),
                            second: origins.at(Some(file), pointer),
                        });
                    }
                    None => {
                        *slot = Some(operation);
                        origins.operations.insert(key, file);
                    }
                }
            }
        }

        if let Some(incoming) = api.components.take() {
            let mut ctx = ComponentMerge { origins: &mut origins, file, preferences: &mut preferences };
            ctx.merge("schemas", &mut components.schemas, incoming.schemas)?;
            ctx.merge("responses", &mut components.responses, incoming.responses)?;
            ctx.merge("parameters", &mut components.parameters, incoming.parameters)?;
            ctx.merge("examples", &mut components.examples, incoming.examples)?;
            ctx.merge("requestBodies", &mut components.request_bodies, incoming.request_bodies)?;
            ctx.merge("headers", &mut components.headers, incoming.headers)?;
            ctx.merge("securitySchemes", &mut components.security_schemes, incoming.security_schemes)?;
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

    if let Some((name, _)) = preferences.used.iter().find(|(_, used)| !**used) {
        return Err(Error::UnusedOverride { file: config.manifest_name.clone(), kind: "[prefer] entry", key: name.clone() });
    }

    let Some(mut api) = merged else {
        return Err(Error::Config("no spec files were given".to_owned()));
    };
    paths.sort_keys();
    api.paths.paths = paths.into_iter().map(|(k, v)| (k, ReferenceOr::Item(v))).collect();
    components.schemas.sort_keys();
    api.components = Some(components);
    Ok(Merged { api, origins, notes })
}

/// The manifest's `[prefer]` entries: for a conflict on a component name or
/// on `METHOD /path` (or on anything, `*`), the version label or spec file
/// whose definition wins.
struct Preferences<'c> {
    prefer: &'c BTreeMap<String, String>,
    versions: BTreeMap<String, Option<String>>,
    used: BTreeMap<String, bool>,
}

impl Preferences<'_> {
    fn matches(&self, winner: &str, file: &str) -> bool {
        let version = self.versions.get(file).and_then(|v| v.as_deref());
        version == Some(winner) || file == winner || file.ends_with(&format!("/{winner}"))
    }

    /// `Some(true)` when the incoming definition wins, `Some(false)` when
    /// the existing one stays, `None` when no entry decides between them.
    fn decide(&mut self, key: &str, existing_file: &str, incoming_file: &str) -> Option<bool> {
        let (entry, winner) = [key, "*"].into_iter().find_map(|k| self.prefer.get(k).map(|w| (k, w.as_str())))?;
        let incoming = self.matches(winner, incoming_file);
        let existing = self.matches(winner, existing_file);
        if incoming == existing {
            return None;
        }
        if let Some(used) = self.used.get_mut(entry) {
            *used = true;
        }
        Some(incoming)
    }
}

struct ComponentMerge<'m, 'a, 'c> {
    origins: &'m mut Origins<'a>,
    file: &'a str,
    preferences: &'m mut Preferences<'c>,
}

impl ComponentMerge<'_, '_, '_> {
    fn merge<T: Serialize>(
        &mut self,
        kind: &'static str,
        target: &mut IndexMap<String, T>,
        incoming: IndexMap<String, T>,
    ) -> Result<()> {
        for (name, definition) in incoming {
            let key = (kind, name.clone());
            match target.get(&name) {
                None => {
                    target.insert(name, definition);
                    self.origins.components.insert(key, self.file);
                }
                Some(existing) if same(existing, &definition) => {}
                Some(_) => {
                    let first = self.origins.components.get(&key).copied();
                    match self.preferences.decide(&name, first.unwrap_or_default(), self.file) {
                        Some(true) => {
                            target.insert(name, definition);
                            self.origins.components.insert(key, self.file);
                            continue;
                        }
                        Some(false) => continue,
                        None => {}
                    }
                    let pointer = format!("/components/{kind}/{}", escape_pointer_token(&name));
                    return Err(Error::ConflictingComponent {
                        name,
                        first: self.origins.at(first, pointer.clone()),
                        second: self.origins.at(Some(self.file), pointer),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Whether two definitions mean the same to a client: compared through
/// their serialized form (openapiv3's types have no `PartialEq`), ignoring
/// documentation (summaries, descriptions, examples) and the spelling case
/// of header names, which HTTP ignores too.
fn same<T: Serialize>(a: &T, b: &T) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(mut a), Ok(mut b)) => {
            normalize(&mut a, false);
            normalize(&mut b, false);
            a == b
        }
        _ => false,
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
