//! Credentials of security schemes: the client builder's setters, and
//! which credentials each operation sends.

use super::{Changes, Kind, match_by};
use crate::model::{Api, Operation, ParamLocation, SecurityKind, SecurityScheme};

/// The setters a scheme gives the client builder.
fn setters(scheme: &SecurityScheme) -> Vec<&str> {
    let mut names = vec![scheme.setter.as_str(), scheme.env_setter.as_str()];
    names.extend(scheme.provider_setter.as_deref());
    names
}

fn listed(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Schemes added, removed or changed: new setters are compatible, setters
/// gone or taking other arguments are breaking, a credential sent
/// elsewhere changes only the request on the wire.
pub(super) fn compare_schemes(old: &Api, new: &Api, out: &mut Changes) {
    let schemes = match_by(&old.security_schemes, &new.security_schemes, |s| s.key.clone());
    for added in schemes.added {
        out.compatible(
            &format!("ClientBuilder::{}", added.setter),
            Kind::Added,
            format!("security scheme `{}` added", added.key),
            format!("new methods {} of the client builder; nothing existing changes", listed(&setters(added))),
        );
    }
    for removed in schemes.removed {
        out.breaking(
            &format!("ClientBuilder::{}", removed.setter),
            Kind::Removed,
            format!("security scheme `{}` removed", removed.key),
            format!("calls of {} no longer compile", listed(&setters(removed))),
        );
    }
    for (before, after) in schemes.both {
        let item = format!("ClientBuilder::{}", after.setter);
        let gone: Vec<&str> = setters(before).into_iter().filter(|name| !setters(after).contains(name)).collect();
        let basic = |s: &SecurityScheme| matches!(s.kind, SecurityKind::Basic);
        if !gone.is_empty() {
            out.breaking(
                &item,
                Kind::Changed,
                format!("security scheme `{}` is set with {} (was {})", after.key, listed(&setters(after)), listed(&setters(before))),
                format!("calls of {} no longer compile", listed(&gone)),
            );
        } else if basic(before) != basic(after) {
            out.breaking(
                &item,
                Kind::Changed,
                format!("security scheme `{}` takes {}", after.key, if basic(after) { "a user name and a password" } else { "a token" }),
                format!("`{}` takes other arguments", after.setter),
            );
        } else if setters(after).len() > setters(before).len() {
            out.compatible(
                &item,
                Kind::Added,
                format!("security scheme `{}` takes a token provider", after.key),
                format!("new methods {}; nothing existing changes", listed(setters(after).get(setters(before).len()..).unwrap_or_default())),
            );
        }
        if before.kind != after.kind && basic(before) == basic(after) {
            out.compatible(
                &item,
                Kind::Changed,
                format!("security scheme `{}` is sent {} (was {})", after.key, sent(&after.kind), sent(&before.kind)),
                "only the request on the wire changes".to_owned(),
            );
        }
        if before.env_variables != after.env_variables {
            out.compatible(
                &format!("ClientBuilder::{}", after.env_setter),
                Kind::Changed,
                format!("reads {} (was {})", listed_owned(&after.env_variables), listed_owned(&before.env_variables)),
                "set the new environment variables".to_owned(),
            );
        }
    }
}

/// Where a credential goes, in words.
fn sent(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Basic => "as HTTP Basic credentials".to_owned(),
        SecurityKind::Token { scheme, .. } => format!("as `Authorization: {scheme} <token>`"),
        SecurityKind::ApiKey { location, wire_name } => format!("in the {} `{wire_name}`", match location {
            ParamLocation::Query => "query parameter",
            ParamLocation::Cookie => "cookie",
            _ => "header",
        }),
    }
}

fn listed_owned(names: &[String]) -> String {
    listed(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The credentials an operation's requirement accepts, in setter names:
/// `` `api_key` or `basic_auth` and `bearer_auth` ``, `none` or `optional: …`.
fn requirement(api: &Api, op: &Operation) -> String {
    let Some(alternatives) = &op.security else { return "none".to_owned() };
    let setter = |key: &String| api.security_schemes.iter().find(|s| s.key == *key).map_or_else(|| key.clone(), |s| s.setter.clone());
    let described: Vec<String> = alternatives
        .iter()
        .filter(|a| !a.is_empty())
        .map(|a| a.iter().map(|k| format!("`{}`", setter(k))).collect::<Vec<_>>().join(" and "))
        .collect();
    let optional = alternatives.iter().any(Vec::is_empty);
    match (optional, described.is_empty()) {
        (true, true) => "none".to_owned(),
        (true, false) => format!("optional: {}", described.join(" or ")),
        _ => described.join(" or "),
    }
}

/// An operation that accepts other credentials: every call still
/// compiles, but one made without them now fails before sending.
pub(super) fn operation(item: &str, old_api: &Api, new_api: &Api, old: &Operation, new: &Operation, out: &mut Changes) {
    let (before, after) = (requirement(old_api, old), requirement(new_api, new));
    if before == after {
        return;
    }
    out.compatible(
        item,
        Kind::Changed,
        format!("credentials: {after} (was {before})"),
        "the code compiles as before; a call made without these credentials fails with `Error::InvalidRequest` before anything is sent".to_owned(),
    );
}
