//! The naming pass's promise, checked on its result: every scope of the
//! generated crate declares each name once, and never one the crate
//! declares itself. `lower` runs it on every model it makes, so a broken
//! promise is an internal error, never a crate that does not compile; the
//! tests and the fuzz targets read the problems themselves.

use std::collections::BTreeSet;

use crate::model::{Api, TypeKind};
use crate::naming::reserved;

/// Every namespace problem of `api`, as text; empty when there is none.
pub fn namespace_problems(api: &Api) -> Vec<String> {
    let mut problems = Vec::new();
    let mut scope = |what: String, reserved_names: &[&str], names: Vec<&str>| {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for name in names {
            if reserved_names.contains(&name) {
                problems.push(format!("{what}: `{name}` is one of the crate's own names"));
            }
            if !seen.insert(name) {
                problems.push(format!("{what}: `{name}` is declared twice"));
            }
        }
    };

    let mut modules: Vec<&str> = api.operations.iter().map(|o| o.module.as_str()).collect();
    modules.sort_unstable();
    modules.dedup();
    scope("crate root modules".into(), reserved::ROOT_MODULES, modules.clone());
    let streams = api.operations.iter().filter_map(|o| o.events.as_ref().map(|e| e.method.as_str()));
    scope("Client methods".into(), reserved::CLIENT_METHODS, api.operations.iter().map(|o| o.name.as_str()).chain(streams).collect());
    for module in &modules {
        let in_module = api.operations.iter().filter(|o| o.module == *module);
        let items = in_module.flat_map(|o| [Some(o.builder.as_str()), Some(o.request_struct.as_str()), o.response_enum.as_deref()].into_iter().flatten());
        scope(format!("module {module}"), &[], items.collect());
    }
    for op in &api.operations {
        let variants = op.response_enum.as_ref().map(|_| op.success.iter().map(|s| s.variant.as_str()).chain(["Other"]).collect());
        scope(format!("{}'s response enum", op.name), &[], variants.unwrap_or_default());
        let mut params: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        if op.body.is_some() {
            params.push("body");
        }
        scope(format!("{}'s parameters", op.name), reserved::CALL_METHODS, params);
    }
    scope("types".into(), &[], api.types.iter().map(|t| t.name.as_str()).collect());
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct { fields, additional, flattened } => {
                let names = fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(flattened.iter().map(|f| f.name.as_str()))
                    .chain(additional.iter().map(|a| a.name.as_str()))
                    .collect();
                scope(format!("fields of {}", def.name), &[crate::naming::NON_EXHAUSTIVE_FIELD], names);
            }
            TypeKind::Union { variants, fallback, .. } => {
                let names = variants.iter().map(|v| v.name.as_str()).chain(fallback.as_deref()).collect();
                scope(format!("variants of {}", def.name), &[], names);
            }
            TypeKind::Enum { variants, fallback } => {
                let names = variants.iter().map(|v| v.name.as_str()).chain([fallback.as_str()]).collect();
                scope(format!("variants of {}", def.name), &[], names);
            }
            TypeKind::Alias { .. } => {}
        }
    }
    scope("Environment variants".into(), reserved::ENVIRONMENT_VARIANTS, api.servers.iter().map(|s| s.variant.as_str()).collect());
    let mut builder: Vec<&str> = api.client_headers.iter().map(|h| h.method.as_str()).collect();
    for scheme in &api.security_schemes {
        builder.extend([scheme.setter.as_str(), scheme.env_setter.as_str()]);
        builder.extend(scheme.provider_setter.as_deref());
    }
    let builder_reserved: Vec<&str> = match api.auth {
        Some(_) => reserved::CLIENT_BUILDER_METHODS.iter().chain(reserved::HEADER_AUTH_METHODS).copied().collect(),
        None => reserved::CLIENT_BUILDER_METHODS.to_vec(),
    };
    scope("ClientBuilder methods".into(), &builder_reserved, builder);
    let constants = api.client_headers.iter().filter_map(|h| h.constant.as_deref()).chain(api.security_schemes.iter().map(|s| s.constant.as_str()));
    scope("client constants".into(), &[], constants.collect());
    let variables = api.security_schemes.iter().flat_map(|s| s.env_variables.iter().map(String::as_str));
    scope("environment variables".into(), &[], variables.collect());
    problems
}

