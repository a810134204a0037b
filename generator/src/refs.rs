//! References, resolved in one place, over the merged document.
//!
//! Every later step looks components up through [`Resolver`]: one typed
//! lookup per component kind, each bounded. Before any of them runs,
//! [`check_alias_loops`] rejects the one shape a lookup could never finish:
//! components that are only another component of their kind, round in a
//! loop (`X: {$ref: Y}` in one file, `Y: {$ref: X}` in another). Such a loop
//! defines nothing, so it is an error that names every place in it. A
//! schema that contains itself through a property, an array or a union
//! member is recursion, not a loop of aliases, and stays legal.

use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind};

use crate::error::{Error, Location, Result};
use crate::merge::Origins;
use crate::model::Method;

/// The HTTP methods an OpenAPI path item holds, with their keys there.
pub const METHODS: [(&str, Method); 8] = [
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("options", Method::Options),
    ("head", Method::Head),
    ("patch", Method::Patch),
    ("trace", Method::Trace),
];

/// The operation a path item holds for `method`.
pub fn operation(item: &openapiv3::PathItem, method: Method) -> Option<&openapiv3::Operation> {
    match method {
        Method::Get => item.get.as_ref(),
        Method::Put => item.put.as_ref(),
        Method::Post => item.post.as_ref(),
        Method::Delete => item.delete.as_ref(),
        Method::Options => item.options.as_ref(),
        Method::Head => item.head.as_ref(),
        Method::Patch => item.patch.as_ref(),
        Method::Trace => item.trace.as_ref(),
    }
}

/// Where component schemas live; every schema reference the generator
/// follows starts so.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The component a local reference names in its section: `Pet` for
/// `#/components/schemas/Pet`, with pointer escapes undone.
pub fn component_name(reference: &str, kind: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    (!rest.contains('/')).then(|| crate::locate::unescape_pointer_token(rest))
}

/// Typed lookups of the merged document's components.
#[derive(Clone, Copy)]
pub struct Resolver<'d> {
    components: &'d Components,
}

impl<'d> Resolver<'d> {
    pub fn new(components: &'d Components) -> Self {
        Resolver { components }
    }

    pub fn parameter(&self, item: &'d ReferenceOr<Parameter>, at: &dyn Fn() -> Location) -> Result<&'d Parameter> {
        follow(item, &self.components.parameters, "parameters", at)
    }

    pub fn request_body(&self, item: &'d ReferenceOr<RequestBody>, at: &dyn Fn() -> Location) -> Result<&'d RequestBody> {
        follow(item, &self.components.request_bodies, "requestBodies", at)
    }

    pub fn response(&self, item: &'d ReferenceOr<Response>, at: &dyn Fn() -> Location) -> Result<&'d Response> {
        follow(item, &self.components.responses, "responses", at)
    }

    /// The parameter `item` is, when it resolves; for steps that report
    /// an unresolved reference later or not at all.
    pub fn find_parameter(&self, item: &'d ReferenceOr<Parameter>) -> Option<&'d Parameter> {
        follow(item, &self.components.parameters, "parameters", &|| Location::file("")).ok()
    }
}

/// The schema `reference` names in `schemas`, through any aliases; `None`
/// when it is not a local component schema.
pub fn schema<'d>(schemas: &'d IndexMap<String, ReferenceOr<Schema>>, reference: &str) -> Option<&'d Schema> {
    let mut reference = reference;
    for _ in 0..=schemas.len() {
        match schemas.get(&component_name(reference, "schemas")?)? {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}

/// `item`, or the component of `kind` it refers to, through aliases.
fn follow<'d, T>(
    item: &'d ReferenceOr<T>,
    map: &'d IndexMap<String, ReferenceOr<T>>,
    kind: &str,
    at: &dyn Fn() -> Location,
) -> Result<&'d T> {
    let mut current = item;
    // A chain longer than the map would be a loop, which
    // `check_alias_loops` has ruled out; the bound keeps this total anyway.
    for _ in 0..=map.len() {
        match current {
            ReferenceOr::Item(value) => return Ok(value),
            ReferenceOr::Reference { reference } => {
                let Some(name) = component_name(reference, kind) else {
                    return Err(Error::UnsupportedRef {
                        location: at(),
                        reference: reference.clone(),
                        help: "only references to components of the same kind are followed here",
                    });
                };
                current = map.get(&name).ok_or_else(|| Error::DanglingRef { location: at(), reference: reference.clone() })?;
            }
        }
    }
    Err(Error::Invalid {
        location: at(),
        message: format!("the {kind} reference chain from here does not end"),
        help: "make one of the components along it a definition instead of a $ref".to_owned(),
    })
}

/// Fails on the first loop of components that are only references to
/// each other, naming each member with its file and pointer.
pub fn check_alias_loops(components: &Components, origins: &Origins<'_>) -> Result<()> {
    let found = None
        .or_else(|| alias_loop("schemas", &components.schemas, schema_alias))
        .or_else(|| alias_loop("responses", &components.responses, |_| None))
        .or_else(|| alias_loop("parameters", &components.parameters, |_| None))
        .or_else(|| alias_loop("requestBodies", &components.request_bodies, |_| None))
        .or_else(|| alias_loop("headers", &components.headers, |_| None))
        .or_else(|| alias_loop("examples", &components.examples, |_| None))
        .or_else(|| alias_loop("links", &components.links, |_| None))
        .or_else(|| alias_loop("securitySchemes", &components.security_schemes, |_| None));
    let Some((kind, members)) = found else { return Ok(()) };
    let names: Vec<&str> = members.iter().chain(members.first()).map(|(name, _)| name.as_str()).collect();
    Err(Error::AliasLoop {
        kind,
        names: names.join(" → "),
        places: members.iter().map(|(name, rest)| origins.component(kind, name, rest)).collect(),
    })
}

/// A schema that lowering reads as its only member (`allOf`, `oneOf` or
/// `anyOf` of one reference) is an alias of it: the member's reference and
/// its pointer inside the schema.
fn schema_alias(schema: &Schema) -> Option<(&str, String)> {
    let (key, members) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => ("allOf", all_of),
        SchemaKind::OneOf { one_of } => ("oneOf", one_of),
        SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
        _ => return None,
    };
    match members.as_slice() {
        [ReferenceOr::Reference { reference }] => Some((reference, format!("/{key}/0/$ref"))),
        _ => None,
    }
}

/// The first loop (in the components' order) of aliases, each member with
/// the pointer of its reference. `item_alias` says which definitions are
/// aliases too.
fn alias_loop<T>(
    kind: &'static str,
    map: &IndexMap<String, ReferenceOr<T>>,
    item_alias: fn(&T) -> Option<(&str, String)>,
) -> Option<(&'static str, Vec<(String, String)>)> {
    let target = |name: &str| -> Option<(String, String)> {
        let (reference, rest) = match map.get(name)? {
            ReferenceOr::Reference { reference } => (reference.as_str(), "/$ref".to_owned()),
            ReferenceOr::Item(item) => item_alias(item)?,
        };
        Some((component_name(reference, kind)?, rest))
    };
    for start in map.keys() {
        let mut members: Vec<(String, String)> = Vec::new();
        let mut current = start.clone();
        while let Some((next, rest)) = target(&current) {
            members.push((current.clone(), rest));
            if next == *start {
                return Some((kind, members));
            }
            if members.iter().any(|(name, _)| *name == next) || members.len() > map.len() {
                // A loop that `start` only leads into: found from one of its members.
                break;
            }
            current = next;
        }
    }
    None
}
