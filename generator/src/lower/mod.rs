//! Merged document → model. Resolves every reference, names everything
//! (through `naming`), and decides what the client holds instead of each call.

mod binary;
mod idempotency;
mod namespaces;
mod operation;
mod pagination;
mod patterns;
mod query_string;
mod schema;
mod security;
pub mod shapes;
mod streams;

pub use namespaces::namespace_problems;
pub use schema::MAX_INLINE_BYTES;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ReferenceOr, SchemaKind, Type};

use crate::config::Config;
use crate::error::{Error, Result, Warning};
use crate::merge::Merged;
use crate::model::{Api, Auth, ClientHeader, ClientHeaderValue, Method, Operation, Server};
use crate::naming;
use crate::refs;
use operation::{OperationInput, lower_operation};
use schema::SchemaLowerer;


struct SpecOperation<'d> {
    path: &'d str,
    method_key: &'static str,
    method: Method,
    operation: &'d openapiv3::Operation,
}

/// The model of the merged API: every type and operation named, the
/// client's headers and credentials chosen, the overrides of `config`
/// applied (each must match something), and the names checked for
/// collisions.
pub fn lower(config: &Config, merged: &Merged<'_>) -> Result<Api> {
    let api = &merged.api;
    let components = api.components.clone().unwrap_or_default();
    let origins = &merged.origins;
    refs::check_alias_loops(&components, origins)?;

    let identity = shapes::identify(&components.schemas, &config.renames);
    let type_names = naming::group_type_names(&identity.groups, &config.renames, config.version_prefix.as_deref(), &config.manifest_name)?;
    let mut schemas = SchemaLowerer::new(&components.schemas, &type_names.names, origins, &config.field_types);
    schemas.lower_components(&identity.groups)?;

    let mut spec_operations = Vec::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (method_key, method) in refs::METHODS {
            if let Some(operation) = refs::operation(item, method) {
                spec_operations.push(SpecOperation { path, method_key, method, operation });
            }
        }
    }

    let (auth, client_headers, mut header_values) = client_configuration(config, &spec_operations, &components, merged)?;
    let env_prefix = config.env_prefix.clone().unwrap_or_else(|| naming::constant_name(&config.crate_name));
    let mut security_warnings = Vec::new();
    let security_schemes = {
        let mut methods = naming::Namespace::with_reserved(naming::reserved::CLIENT_BUILDER_METHODS);
        let mut constants = naming::Namespace::default();
        for header in &client_headers {
            methods.claim(&header.method);
            if let Some(constant) = &header.constant {
                constants.claim(constant);
            }
        }
        if auth.is_some() {
            for method in naming::reserved::HEADER_AUTH_METHODS {
                methods.claim(method);
            }
        }
        let taken = security::Taken { methods, constants };
        security::schemes(&components.security_schemes, taken, &env_prefix, origins, &mut security_warnings)
    };
    let mut held: Vec<String> = client_headers.iter().map(|h| h.wire_name.to_ascii_lowercase()).collect();
    if let Some(auth) = &auth {
        held.push(auth.header.to_ascii_lowercase());
    }

    let mut notes = Vec::new();
    let names = operation_names(config, &spec_operations, merged, &mut notes)?;
    let modules = module_names(&spec_operations, merged, &mut notes);
    let used_parameters = std::cell::RefCell::new(BTreeSet::new());
    let mut operations = Vec::new();
    for ((spec, name), client_header_values) in spec_operations.iter().zip(names).zip(header_values.iter_mut().map(std::mem::take)) {
        let builder = naming::type_name(&name);
        let input = OperationInput {
            path: spec.path,
            method: spec.method,
            method_key: spec.method_key,
            builder: &builder,
            operation: spec.operation,
            client_headers: &held,
            parameters: &config.parameters,
            used_parameters: &used_parameters,
        };
        let lowered = lower_operation(&input, &components, &mut schemas, origins)?;
        let module = modules.get(first_tag(spec)).cloned().unwrap_or_else(|| naming::module_name(first_tag(spec)));
        let security = security::requirement(
            spec.operation.security.as_ref(),
            &security_schemes,
            || origins.operation(spec.path, spec.method_key, "/security"),
            &mut security_warnings,
        );
        operations.push(Operation {
            name,
            builder: builder.clone(),
            request_struct: String::new(),
            response_enum: None,
            module,
            operation_id: spec.operation.operation_id.clone(),
            method: input.method,
            path: spec.path.to_owned(),
            path_segments: lowered.path_segments,
            summary: spec.operation.summary.clone(),
            description: spec.operation.description.clone(),
            deprecated: spec.operation.deprecated,
            params: lowered.params,
            body: lowered.body,
            success: lowered.success,
            errors: lowered.errors,
            pagination: None,
            version: merged.origins.operation_version(spec.path, spec.method_key).map(str::to_owned),
            client_header_values,
            constant_query: lowered.constant_query,
            accept: lowered.accept,
            events: lowered.events,
            security,
            idempotency_key: None,
        });
        notes.extend(lowered.warnings);
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    name_module_items(&mut operations, merged, &mut notes);

    let manifest = &config.manifest_name;
    if let Some(key) = config.field_types.keys().find(|k| !schemas.used_field_types.contains(*k)) {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[fields] entry", key: key.clone() });
    }
    if let Some(key) = config.parameters.keys().find(|k| !used_parameters.borrow().contains(*k)) {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[parameters] entry", key: key.clone() });
    }

    schemas.box_recursive_fields();
    schemas.box_large_values();
    let multipart_bodies: Vec<String> = operations
        .iter()
        .filter_map(|o| match &o.body {
            Some(crate::model::RequestBody { encoding: crate::model::Encoding::Multipart, ty: crate::model::TypeRef::Named(name), .. }) => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    binary::settle_bytes(&mut schemas.types, &multipart_bodies);
    mark_request_types(&operations, &mut schemas.types);
    settle_fields(&mut schemas.types);
    streams::settle(&mut operations, &schemas.types, &mut notes, &|op| {
        merged.origins.operation(&op.path, &op.method.as_str().to_ascii_lowercase(), "")
    });
    pagination::settle(config, &mut operations, &schemas.types, origins, &mut notes)?;
    idempotency::mark(config, &mut operations, origins, &mut notes)?;
    let mut info: Vec<String> = identity.notes.into_iter().chain(std::mem::take(&mut schemas.notes)).collect();
    info.sort();
    let mut warnings: Vec<Warning> =
        type_names.notes.into_iter().map(|(schema, note)| Warning::at(origins.component("schemas", &schema, ""), note)).collect();
    warnings.append(&mut notes);
    warnings.extend(merged.notes.iter().cloned());
    warnings.append(&mut schemas.warnings);
    warnings.append(&mut security_warnings);
    warnings.sort();

    let api = Api {
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        servers: servers(&api.servers),
        auth,
        client_headers,
        security_schemes,
        operations,
        types: schemas.types.into_values().collect(),
        env_prefix,
        warnings,
        notes: info,
    };
    let problems = namespace_problems(&api);
    if !problems.is_empty() {
        return Err(Error::Internal(format!("the naming pass left names that collide: {}", problems.join("; "))));
    }
    Ok(api)
}

/// Marks the types sent as request bodies, and among them those sent with
/// PUT or PATCH, whose optional fields can then be cleared.
fn mark_request_types(operations: &[Operation], types: &mut BTreeMap<String, crate::model::TypeDef>) {
    for operation in operations {
        let Some(crate::model::RequestBody { ty: crate::model::TypeRef::Named(name), .. }) = &operation.body else { continue };
        if let Some(def) = types.get_mut(name) {
            def.request = true;
            def.update |= matches!(operation.method, Method::Put | Method::Patch);
        }
    }
}

/// Decides how each field is declared and whether it has a setter, now
/// that it is known which types are sent, and with which method: required
/// fields are arguments of `new`; optional ones of a request body get a
/// setter named like the field, except one called `new`, which the
/// constructor has.
fn settle_fields(types: &mut BTreeMap<String, crate::model::TypeDef>) {
    use crate::model::{FieldShape, TypeKind};
    for def in types.values_mut() {
        let TypeKind::Struct { fields, .. } = &mut def.kind else { continue };
        for field in fields {
            field.shape = match (field.required, field.nullable) {
                (true, false) => FieldShape::Plain,
                (true, true) => FieldShape::Nullable,
                (false, _) if def.update => FieldShape::Update,
                (false, _) => FieldShape::Optional,
            };
            let settable = def.request && !field.shape.in_constructor() && field.name != "new";
            field.setter = settable.then(|| field.name.clone());
        }
    }
}

fn servers(servers: &[openapiv3::Server]) -> Vec<Server> {
    let mut taken: BTreeSet<String> = naming::reserved::ENVIRONMENT_VARIANTS.iter().map(|v| (*v).to_owned()).collect();
    servers
        .iter()
        .enumerate()
        .map(|(index, server)| {
            let base = match &server.description {
                Some(d) if !d.trim().is_empty() => naming::type_name(&d.to_lowercase()),
                _ => format!("Server{}", index + 1),
            };
            Server {
                variant: naming::unique(base, &mut taken),
                url: server.url.trim_end_matches('/').to_owned(),
                description: server.description.clone(),
            }
        })
        .collect()
}

/// The credentials, the client headers, and per operation (in the order
/// given) the client header values it sends of its own.
type ClientConfiguration = (Option<Auth>, Vec<ClientHeader>, Vec<Vec<ClientHeaderValue>>);

/// How a header parameter (by lower-cased name) is used across operations:
/// under which spellings how often, and its first definition.
type HeaderUse = (BTreeMap<String, usize>, Option<openapiv3::ParameterData>);

/// Header parameters the manifest lists (`[client] headers`) are
/// configuration of the client, sent on every call, not arguments of each
/// call; without a list, none. `Authorization` carries the credentials. Header names
/// match case-insensitively. A client header whose value an operation's
/// definition fixes (a one-value enum, as the version header has) is sent
/// with that value by that operation unless the caller sets it; returned
/// per operation, in the order given.
fn client_configuration(
    config: &Config,
    operations: &[SpecOperation<'_>],
    components: &openapiv3::Components,
    merged: &Merged<'_>,
) -> Result<ClientConfiguration> {
    let mut seen: BTreeMap<String, HeaderUse> = BTreeMap::new();
    // Per operation: lower-cased header name → its only value.
    let mut fixed: Vec<BTreeMap<String, String>> = Vec::with_capacity(operations.len());
    for op in operations {
        let mut values = BTreeMap::new();
        let mut names_here = BTreeSet::new();
        for (index, parameter) in op.operation.parameters.iter().enumerate() {
            let at = || merged.origins.operation(op.path, op.method_key, &format!("/parameters/{index}"));
            let parameter = refs::Resolver::new(components).parameter(parameter, &at)?;
            if let Parameter::Header { parameter_data, .. } = parameter {
                let key = parameter_data.name.to_ascii_lowercase();
                if !names_here.insert(key.clone()) {
                    continue;
                }
                if let Some(value) = only_value(parameter_data) {
                    values.insert(key.clone(), value);
                }
                let entry = seen.entry(key).or_insert_with(|| (BTreeMap::new(), Some(parameter_data.clone())));
                *entry.0.entry(parameter_data.name.clone()).or_default() += 1;
            }
        }
        fixed.push(values);
    }

    let spelling = |spellings: &BTreeMap<String, usize>| -> String {
        // The most used spelling; among equals the first in sort order.
        let mut best: Option<(&String, usize)> = None;
        for (name, count) in spellings {
            if best.is_none_or(|(_, c)| *count > c) {
                best = Some((name, *count));
            }
        }
        best.map(|(n, _)| n.clone()).unwrap_or_default()
    };

    if let Some(missing) = config.client_headers.iter().flatten().find(|h| !seen.contains_key(&h.to_ascii_lowercase())) {
        return Err(Error::UnusedOverride { file: config.manifest_name.clone(), kind: "[client] headers entry", key: missing.clone() });
    }
    let mut auth = None;
    let mut headers = Vec::new();
    let mut setters = naming::Namespace::with_reserved(naming::reserved::CLIENT_BUILDER_METHODS);
    for method in naming::reserved::HEADER_AUTH_METHODS {
        setters.claim(method);
    }
    let mut constants = naming::Namespace::default();
    let mut per_operation: Vec<Vec<ClientHeaderValue>> = vec![Vec::new(); operations.len()];
    for (key, (spellings, data)) in &seen {
        if key == "authorization" {
            auth = Some(Auth { header: spelling(spellings) });
            continue;
        }
        let chosen = match &config.client_headers {
            Some(listed) => listed.iter().any(|h| h.eq_ignore_ascii_case(key)),
            // Without a list, no header: which headers all calls share
            // would depend on which operations exist, and an operation added
            // later would take a parameter away from the others.
            None => false,
        };
        if !chosen {
            continue;
        }
        let wire_name = spelling(spellings);
        let newest = fixed
            .iter()
            .filter_map(|values| values.get(key))
            .max_by(|a, b| crate::merge::VersionOrder::of(Some(a)).cmp(&crate::merge::VersionOrder::of(Some(b))).then(a.cmp(b)));
        let default = newest.cloned().or_else(|| data.as_ref().and_then(only_value));
        for (values, sends) in fixed.iter().zip(per_operation.iter_mut()) {
            if let Some(value) = values.get(key) {
                sends.push(ClientHeaderValue { wire_name: wire_name.clone(), value: value.clone() });
            }
        }
        headers.push(ClientHeader {
            method: setters.claim(&naming::field_name(&wire_name)).0,
            constant: default.as_ref().map(|_| constants.claim(&naming::constant_name(&wire_name)).0),
            default,
            description: data.as_ref().and_then(|d| d.description.clone()),
            wire_name,
        });
    }
    Ok((auth, headers, per_operation))
}

/// The only value a string parameter's schema allows, when it allows one.
fn only_value(data: &openapiv3::ParameterData) -> Option<String> {
    match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration.first().cloned().flatten(),
            _ => None,
        },
        _ => None,
    }
}

/// A method name per operation, in the order given: the manifest's choice,
/// else the name the record of assigned names keeps for it, else the REST
/// shape of method and path. Where two operations would share a name, those
/// not named by the manifest or the record fall back to their qualified
/// name, then to their operationId; a recorded name never moves, so an
/// operation added later never renames one that exists.
fn operation_names(
    config: &Config,
    operations: &[SpecOperation<'_>],
    merged: &Merged<'_>,
    notes: &mut Vec<Warning>,
) -> Result<Vec<String>> {
    let mut used_overrides = BTreeSet::new();
    let mut candidates: Vec<(String, bool)> = operations
        .iter()
        .map(|op| {
            let id = op.operation.operation_id.as_deref();
            match id.and_then(|id| config.operation_names.get(id).map(|n| (id, n))) {
                Some((id, name)) => {
                    used_overrides.insert(id.to_owned());
                    (name.clone(), true)
                }
                None => match config.record.operations.get(&crate::record::operation_key(op.method_key, op.path)) {
                    Some(recorded) => (recorded.clone(), true),
                    None => (naming::operation_name(op.method_key, crate::model::path_template(op.path)), false),
                },
            }
        })
        .collect();
    if let Some(unused) = config.operation_names.keys().find(|k| !used_overrides.contains(*k)) {
        return Err(Error::UnusedOverride { file: config.manifest_name.clone(), kind: "[operations] entry", key: unused.clone() });
    }

    // Colliding short names take their parent resource; names that still
    // collide fall back to the operationId.
    let fallbacks: [&dyn Fn(&SpecOperation<'_>) -> String; 2] = [
        &|op| naming::qualified_operation_name(op.method_key, crate::model::path_template(op.path)),
        &|op| match &op.operation.operation_id {
            Some(id) => naming::method_name(id),
            None => naming::method_name(&format!("{} {}", op.method_key, op.path)),
        },
    ];
    for fallback in fallbacks {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (name, _) in &candidates {
            *counts.entry(name.clone()).or_default() += 1;
        }
        for ((name, overridden), op) in candidates.iter_mut().zip(operations) {
            if !*overridden && counts.get(name).copied().unwrap_or(0) > 1 {
                *name = fallback(op);
            }
        }
    }

    // The names still shared, and those the client's own methods have,
    // are numbered: in the order of the names and then of the operations'
    // places, so that the same spec always gets the same names.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| (candidates.get(i).map(|c| c.0.clone()), operations.get(i).map(|op| (op.path, op.method_key))));
    let mut namespace = naming::Namespace::with_reserved(naming::reserved::CLIENT_METHODS);
    for index in order {
        let (Some((name, _)), Some(op)) = (candidates.get_mut(index), operations.get(index)) else { continue };
        let (claimed, renamed) = namespace.claim(name);
        if renamed {
            let place = merged.origins.operation(op.path, op.method_key, "");
            let reason = if naming::reserved::CLIENT_METHODS.contains(&name.as_str()) {
                format!("`Client::{name}` is the client's own")
            } else {
                format!("another operation is `{name}`")
            };
            notes.push(Warning::at(place, format!("{} {} is named `{claimed}`: {reason}", op.method_key.to_uppercase(), op.path)));
            *name = claimed;
        }
    }
    Ok(candidates.into_iter().map(|(n, _)| n).collect())
}

/// The tag an operation is filed under: its first, or `default`.
fn first_tag<'o>(op: &SpecOperation<'o>) -> &'o str {
    op.operation.tags.first().map_or("default", String::as_str)
}

/// A module per tag, named in the crate root's namespace: clear of the
/// crate's own modules (`types`, `client`, …) and of each other.
fn module_names(operations: &[SpecOperation<'_>], merged: &Merged<'_>, notes: &mut Vec<Warning>) -> BTreeMap<String, String> {
    let mut first_use: BTreeMap<(String, &str), &SpecOperation<'_>> = BTreeMap::new();
    for op in operations {
        let tag = first_tag(op);
        first_use.entry((naming::module_name(tag), tag)).or_insert(op);
    }
    let mut namespace = naming::Namespace::with_reserved(naming::reserved::ROOT_MODULES);
    let mut modules = BTreeMap::new();
    for ((desired, tag), op) in first_use {
        let (module, renamed) = namespace.claim(&desired);
        if renamed {
            let place = merged.origins.operation(op.path, op.method_key, "/tags/0");
            let reason = if naming::reserved::ROOT_MODULES.contains(&desired.as_str()) {
                "the crate has a module of that name".to_owned()
            } else {
                "another tag has that module name".to_owned()
            };
            notes.push(Warning::at(place, format!("tag {tag:?} is the module `{module}`, not `{desired}`: {reason}")));
        }
        modules.insert(tag.to_owned(), module);
    }
    modules
}

/// Names the items each operation declares in its tag's module: its
/// builder, its request struct and, when its success bodies differ, its
/// response enum. One namespace per module; builders first, so the names
/// people call stay plain, then request structs, then response enums.
fn name_module_items(operations: &mut [Operation], merged: &Merged<'_>, notes: &mut Vec<Warning>) {
    type Wanted = fn(&Operation) -> Option<String>;
    type Named = fn(&mut Operation, String);
    let kinds: [(&str, Wanted, Named); 3] = [
        ("builder", |op| Some(op.builder.clone()), |op, name| op.builder = name),
        ("request struct", |op| Some(format!("{}Request", op.builder)), |op, name| op.request_struct = name),
        (
            "response enum",
            |op| {
                let mut bodies: Vec<Option<&crate::model::TypeRef>> = op.success.iter().map(|s| s.ty.as_ref()).collect();
                bodies.dedup();
                (bodies.len() > 1).then(|| format!("{}Response", op.builder))
            },
            |op, name| op.response_enum = Some(name),
        ),
    ];
    let mut namespaces: BTreeMap<String, naming::Namespace> = BTreeMap::new();
    for (what, wanted, named) in kinds {
        for op in operations.iter_mut() {
            let Some(desired) = wanted(op) else { continue };
            let (name, renamed) = namespaces.entry(op.module.clone()).or_default().claim(&desired);
            if renamed {
                let place = merged.origins.operation(&op.path, &op.method.as_str().to_ascii_lowercase(), "");
                let message = format!("the {what} of `{}` is `{}::{name}`: `{desired}` is taken in that module", op.name, op.module);
                notes.push(Warning::at(place, message));
            }
            named(op, name);
        }
    }
}
