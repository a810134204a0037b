//! Which operations send an idempotency key, and the parameter with which
//! the caller may set a key of their own.
//!
//! An operation sends one when it declares the key's header parameter
//! (`Idempotency-Key`, any case), or when the manifest's `[idempotency]`
//! names it; the client then makes a fresh key for each call that sets
//! none, so the parameter is optional even where the spec requires it.

use std::collections::BTreeSet;

use crate::config::{Config, Idempotency};
use crate::error::{Error, Result, Warning};
use crate::merge::Origins;
use crate::model::{IdempotencyKey, Operation, Param, ParamLocation, ParamStyle, TypeRef};
use crate::naming;

use super::patterns;

/// What the setter of an added key parameter says.
const ADDED_DESCRIPTION: &str = "A key of your own that makes this call safe to retry: the server runs the \
    operation at most once per key. Without one, the client sends a fresh UUID v4 for each call.";

/// Marks the operations that send an idempotency key. Each `operations`
/// entry of the manifest must match an operation, and a header named in
/// the manifest must then be sent by some operation.
pub fn mark(config: &Config, operations: &mut [Operation], origins: &Origins<'_>, warnings: &mut Vec<Warning>) -> Result<()> {
    let settings = config.idempotency.clone().unwrap_or_default();
    let held = config.client_headers.iter().flatten().any(|h| h.eq_ignore_ascii_case(&settings.header));
    if held {
        // A client setting is one value for every call: it cannot be a key per call.
        if config.idempotency.is_none() {
            return Ok(());
        }
        return Err(Error::Manifest {
            file: config.manifest_name.clone(),
            message: format!("`{}` is both a [client] header and the [idempotency] header", settings.header),
            help: "remove it from [client] headers: each call sends a key of its own".to_owned(),
        });
    }
    let entries = settings.operations.iter().map(|entry| patterns::parse(config, "[idempotency] operation", entry)).collect::<Result<Vec<_>>>()?;
    let mut matched = vec![false; entries.len()];
    let mut any = false;
    for operation in operations.iter_mut() {
        let mut named = false;
        for (entry, seen) in entries.iter().zip(matched.iter_mut()) {
            if entry.matches(operation) {
                *seen = true;
                named = true;
            }
        }
        any |= mark_one(&settings, operation, named, origins, warnings)?;
    }
    let manifest = &config.manifest_name;
    if let Some((entry, _)) = settings.operations.iter().zip(&matched).find(|(_, seen)| !**seen) {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[idempotency] operation", key: entry.clone() });
    }
    if config.idempotency.is_some() && !any {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[idempotency] header", key: settings.header });
    }
    Ok(())
}

/// Marks `operation` when it declares the header or the manifest `named`
/// it; says whether it was marked.
fn mark_one(settings: &Idempotency, operation: &mut Operation, named: bool, origins: &Origins<'_>, warnings: &mut Vec<Warning>) -> Result<bool> {
    let header = settings.header.as_str();
    let declared = operation.params.iter_mut().find(|p| p.location == ParamLocation::Header && p.wire_name.eq_ignore_ascii_case(header));
    let key = match declared {
        Some(param) if param.ty != TypeRef::String => {
            let location = origins.operation(&operation.path, &operation.method.as_str().to_ascii_lowercase(), "");
            let message = format!(
                "the header parameter `{}` of {} {} is not a string, so the client cannot fill it with a UUID",
                param.wire_name,
                operation.method.as_str(),
                operation.path
            );
            if named {
                return Err(Error::Invalid { location, message, help: "remove the operation from [idempotency] operations".to_owned() });
            }
            warnings.push(Warning::at(location, format!("{message}; it stays a parameter, and the call sends no key of its own")));
            return Ok(false);
        }
        Some(param) => {
            param.required = false;
            IdempotencyKey { wire_name: param.wire_name.clone(), param: param.name.clone(), declared: true }
        }
        None if named => {
            let mut taken: BTreeSet<String> = naming::reserved_parameter_names(operation.body.is_some());
            taken.extend(operation.params.iter().map(|p| p.name.clone()));
            let name = naming::unique(naming::field_name(header), &mut taken);
            operation.params.push(Param {
                wire_name: header.to_owned(),
                name: name.clone(),
                location: ParamLocation::Header,
                required: false,
                ty: TypeRef::String,
                description: Some(ADDED_DESCRIPTION.to_owned()),
                minimum: None,
                maximum: None,
                style: ParamStyle::Simple,
            });
            IdempotencyKey { wire_name: header.to_owned(), param: name, declared: false }
        }
        None => return Ok(false),
    };
    operation.idempotency_key = Some(key);
    Ok(true)
}
