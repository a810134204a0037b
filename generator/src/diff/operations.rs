//! Operations: calls, their parameters, bodies and responses.

use std::collections::{BTreeMap, BTreeSet};

use super::{Changes, Kind, match_by, presence, renames};
use crate::model::{Api, Operation, Param, ParamLocation, TypeRef};

pub(super) fn compare(old: &Api, new: &Api, out: &mut Changes) {
    let mut matched = match_by(&old.operations, &new.operations, |o| o.name.clone());
    for (before, after) in renames(&mut matched, |a, b| a.method == b.method && a.path == b.path) {
        out.breaking(
            &format!("Client::{}", before.name),
            Kind::Changed,
            format!("`{} {}` renamed to `{}`", before.method.as_str(), before.path, after.name),
            format!("`Client::{}`, `Api::{}` and `{}` are now `{}`, `Api::{}` and `{}`", before.name, before.name, before.builder, after.name, after.name, after.builder),
        );
        operation(before, after, out);
        super::security::operation(&format!("Client::{}", after.name), old, new, before, after, out);
    }
    for removed in matched.removed {
        out.breaking(
            &format!("Client::{}", removed.name),
            Kind::Removed,
            format!("operation `{} {}` removed", removed.method.as_str(), removed.path),
            format!("calls of `Client::{0}` and implementations of `Api::{0}` no longer compile", removed.name),
        );
    }
    for added in matched.added {
        out.compatible(
            &format!("Client::{}", added.name),
            Kind::Added,
            format!("operation `{} {}` added{}", added.method.as_str(), added.path, from_version(added)),
            format!(
                "new method `Client::{0}` and builder `{1}`; `Api::{0}` has a default body (it returns `Error::InvalidRequest`), so implementations of the `Api` trait keep compiling",
                added.name, added.builder
            ),
        );
    }
    for (before, after) in matched.both {
        operation(before, after, out);
        super::security::operation(&format!("Client::{}", after.name), old, new, before, after, out);
    }
}

fn operation(old: &Operation, new: &Operation, out: &mut Changes) {
    let item = format!("Client::{}", new.name);
    if (old.method, &old.path) != (new.method, &new.path) {
        out.compatible(
            &item,
            Kind::Changed,
            format!("now `{} {}` (was `{} {}`)", new.method.as_str(), new.path, old.method.as_str(), old.path),
            "calls go to the new address; no code changes".to_owned(),
        );
    }
    if old.module != new.module {
        out.breaking(
            &item,
            Kind::Changed,
            format!("moved from module `{}` to `{}` (its first tag changed)", old.module, new.module),
            format!("`{0}::{1}` and `{0}::{1}Request` are now `{2}::{3}` and `{2}::{3}Request`", old.module, old.builder, new.module, new.builder),
        );
    }
    version(&item, old, new, out);
    out.deprecation(&item, old.deprecated, new.deprecated);
    parameters(&item, old, new, out);
    body(&item, old, new, out);
    responses(&item, old, new, out);
    pagination(&item, old, new, out);
    idempotency_key(&item, old, new, out);
    events(&item, old, new, out);
    accept(&item, old, new, out);
}

/// Whether the call can be read as a stream of server-sent events, and of
/// which type: `send_stream` and the `Api` method that makes it.
fn events(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    match (&old.events, &new.events) {
        (None, Some(events)) => out.compatible(
            item,
            Kind::Added,
            "now answers with a stream of server-sent events too".to_owned(),
            format!("new method `{}::send_stream` and `Api::{}`, which has a default body", new.builder, events.method),
        ),
        (Some(events), None) => out.breaking(
            item,
            Kind::Removed,
            "no longer answers with a stream of server-sent events".to_owned(),
            format!("`{}::send_stream` and `Api::{}` are gone", old.builder, events.method),
        ),
        (Some(before), Some(after)) if before.ty.rust_type() != after.ty.rust_type() => out.breaking(
            item,
            Kind::Changed,
            format!("its events are now `{}` (were `{}`)", after.ty.rust_type(), before.ty.rust_type()),
            format!("`{}::send_stream` streams another type", new.builder),
        ),
        (Some(before), Some(after)) if before.method != after.method => out.breaking(
            item,
            Kind::Changed,
            format!("its streaming call is `Api::{}` (was `Api::{}`)", after.method, before.method),
            "implementations of `Api` that stand in for the stream rename the method".to_owned(),
        ),
        _ => {}
    }
}

/// The `Accept` header each call sends.
fn accept(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    if old.accept != new.accept {
        let shown = |accept: &Option<String>| accept.clone().unwrap_or_else(|| "application/json".to_owned());
        out.compatible(
            item,
            Kind::Changed,
            format!("sends `Accept: {}` (was `{}`)", shown(&new.accept), shown(&old.accept)),
            "no code changes".to_owned(),
        );
    }
}

/// ` (from API version `X`)`, or nothing when the spec has no labels.
fn from_version(op: &Operation) -> String {
    op.version.as_ref().map(|v| format!(" (from API version `{v}`)")).unwrap_or_default()
}

/// The version an operation's definition is taken from, and the client
/// header values it sends because of it: a call that asks the server for
/// another version is an API change even where the code reads the same.
fn version(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    let sends = |op: &Operation| -> Vec<String> { op.client_header_values.iter().map(|h| format!("`{}: {}`", h.wire_name, h.value)).collect() };
    let (old_sends, new_sends) = (sends(old), sends(new));
    if old.version == new.version && old_sends == new_sends {
        return;
    }
    let label = |v: &Option<String>| v.as_ref().map_or_else(|| "no version label".to_owned(), |v| format!("API version `{v}`"));
    let mut change = format!("now taken from {} (was {})", label(&new.version), label(&old.version));
    if old_sends != new_sends {
        let list = |s: &[String]| if s.is_empty() { "nothing of its own".to_owned() } else { s.join(", ") };
        change.push_str(&format!(", sends {} (was {})", list(&new_sends), list(&old_sends)));
    }
    out.compatible(
        item,
        Kind::Changed,
        change,
        "the call asks the server for that version's behaviour unless the client sets the header; the changes of its parameters, body and responses are listed with it".to_owned(),
    );
}

fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn parameters(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    let request = new.request_struct.clone();
    let matched = match_by(&old.params, &new.params, |p| p.name.clone());
    for removed in matched.removed {
        out.breaking(
            item,
            Kind::Removed,
            format!("{} parameter `{}` removed", location(removed.location), removed.wire_name),
            if removed.required {
                format!("`Client::{}` and `{}::new` lose the argument `{}`", new.name, new.builder, removed.name)
            } else {
                format!("the setter `{}::{}` and the field `{request}.{}` are gone", new.builder, removed.name, removed.name)
            },
        );
    }
    for added in matched.added {
        let change = format!("{} {} parameter `{}` (`{}`) added", presence(added.required), location(added.location), added.wire_name, added.ty.rust_type());
        if added.required {
            out.breaking(item, Kind::Added, change, format!("`Client::{}` and `{}::new` take a new argument `{}`", new.name, new.builder, added.name));
        } else {
            out.compatible(
                item,
                Kind::Added,
                change,
                format!("new setter `{}::{}` and field `{request}.{}` (the struct is #[non_exhaustive]); existing calls keep compiling", new.builder, added.name, added.name),
            );
        }
    }
    for (before, after) in matched.both {
        parameter(item, &request, before, after, out);
    }
}

fn parameter(item: &str, request: &str, old: &Param, new: &Param, out: &mut Changes) {
    let wire = &new.wire_name;
    let (old_ty, new_ty) = (old.ty.rust_type(), new.ty.rust_type());
    if old.required != new.required || old_ty != new_ty {
        let mut what = Vec::new();
        if old.required != new.required {
            what.push(format!("became {}", presence(new.required)));
        }
        if old_ty != new_ty {
            what.push(format!("type changed from `{old_ty}` to `{new_ty}`"));
        }
        let effect = if old.required != new.required {
            format!(
                "`{}` moves between the arguments of the call and its setters; `{request}.{}` changes type",
                new.name, new.name
            )
        } else {
            format!("the argument or setter `{}` and `{request}.{}` take `{new_ty}` instead of `{old_ty}`", new.name, new.name)
        };
        out.breaking(item, Kind::Changed, format!("{} parameter `{wire}` {}", location(new.location), what.join(", ")), effect);
    }
    if old.location != new.location || old.wire_name != new.wire_name || old.style != new.style {
        out.compatible(
            item,
            Kind::Changed,
            format!("parameter `{}` is now sent as {} parameter `{wire}`", old.wire_name, location(new.location)),
            "only the request on the wire changes".to_owned(),
        );
    }
    if (old.minimum, old.maximum) != (new.minimum, new.maximum) {
        let range = |min: Option<i64>, max: Option<i64>| match (min, max) {
            (None, None) => "any value".to_owned(),
            (min, max) => format!("{}..={}", min.map(|m| m.to_string()).unwrap_or_default(), max.map(|m| m.to_string()).unwrap_or_default()),
        };
        out.compatible(
            item,
            Kind::Changed,
            format!("parameter `{wire}` accepts {} (was {})", range(new.minimum, new.maximum), range(old.minimum, old.maximum)),
            "values outside the range are refused before sending; no code changes".to_owned(),
        );
    }
}

fn body(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    match (&old.body, &new.body) {
        (None, None) => {}
        (None, Some(added)) if added.required => out.breaking(
            item,
            Kind::Added,
            format!("required request body (`{}`) added", added.ty.rust_type()),
            format!("`Client::{}` and `{}::new` take a new argument `body`", new.name, new.builder),
        ),
        (None, Some(added)) => out.compatible(
            item,
            Kind::Added,
            format!("optional request body (`{}`) added", added.ty.rust_type()),
            format!("new setter `{0}::body` and field `{0}Request.body` (the struct is #[non_exhaustive]); existing calls keep compiling", new.builder),
        ),
        (Some(removed), None) => out.breaking(
            item,
            Kind::Removed,
            format!("request body (`{}`) removed", removed.ty.rust_type()),
            format!("`Client::{}` takes no body; `{}Request.body` is gone", new.name, new.builder),
        ),
        (Some(before), Some(after)) => {
            let (old_ty, new_ty) = (before.ty.rust_type(), after.ty.rust_type());
            if old_ty != new_ty || before.required != after.required {
                let mut what = Vec::new();
                if before.required != after.required {
                    what.push(format!("became {}", presence(after.required)));
                }
                if old_ty != new_ty {
                    what.push(format!("type changed from `{old_ty}` to `{new_ty}`"));
                }
                out.breaking(
                    item,
                    Kind::Changed,
                    format!("request body {}", what.join(", ")),
                    format!("the body argument of `Client::{}` and `{}Request.body` change type", new.name, new.builder),
                );
            }
            if before.content_type != after.content_type || before.encoding != after.encoding {
                out.compatible(
                    item,
                    Kind::Changed,
                    format!("request body sent as `{}` (was `{}`)", after.content_type, before.content_type),
                    "only the request on the wire changes".to_owned(),
                );
            }
        }
    }
}

/// What a call returns: one type, or an enum with a variant per status (as
/// `emit::operations` decides).
#[derive(PartialEq)]
enum Returns {
    One(String),
    ByStatus(BTreeMap<u16, Option<String>>),
}

fn returns(op: &Operation) -> Returns {
    if op.response_enum.is_some() {
        return Returns::ByStatus(op.success.iter().map(|s| (s.status, s.ty.as_ref().map(TypeRef::rust_type))).collect());
    }
    Returns::One(op.success_type().map_or_else(|| "()".to_owned(), TypeRef::rust_type))
}

fn describe(returns: &Returns, op: &Operation) -> String {
    match returns {
        Returns::One(ty) => format!("`{ty}`"),
        Returns::ByStatus(_) => format!("the enum `{}Response`", op.builder),
    }
}

fn responses(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    let (old_returns, new_returns) = (returns(old), returns(new));
    let old_statuses: BTreeSet<u16> = old.success.iter().map(|s| s.status).collect();
    let new_statuses: BTreeSet<u16> = new.success.iter().map(|s| s.status).collect();
    let list = |statuses: Vec<&u16>| statuses.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    match (&old_returns, &new_returns) {
        (Returns::ByStatus(before), Returns::ByStatus(after)) => {
            let enum_name = new.response_enum.clone().unwrap_or_default();
            for (status, body) in after {
                match before.get(status) {
                    None => out.compatible(
                        item,
                        Kind::Added,
                        format!("success status {status} added"),
                        format!(
                            "`{enum_name}` gains a variant for it, where it arrived as `{enum_name}::Other` before; the enum is #[non_exhaustive], so `match`es on it already have a `_` arm"
                        ),
                    ),
                    Some(old_body) if old_body != body => out.breaking(
                        item,
                        Kind::Changed,
                        format!("the body of success status {status} changed"),
                        format!("the variant of `{enum_name}` for {status} holds another type"),
                    ),
                    Some(_) => {}
                }
            }
            for status in before.keys().filter(|s| !after.contains_key(s)) {
                out.breaking(
                    item,
                    Kind::Removed,
                    format!("success status {status} removed"),
                    format!("code naming its variant of `{enum_name}` no longer compiles"),
                );
            }
        }
        _ if old_returns != new_returns => out.breaking(
            item,
            Kind::Changed,
            if old_statuses == new_statuses {
                format!("the body of success status {} changed", list(new_statuses.iter().collect()))
            } else {
                format!("success statuses changed from {} to {}", list(old_statuses.iter().collect()), list(new_statuses.iter().collect()))
            },
            format!("the call returns {} instead of {}", describe(&new_returns, new), describe(&old_returns, old)),
        ),
        _ => {
            let added: Vec<&u16> = new_statuses.difference(&old_statuses).collect();
            let removed: Vec<&u16> = old_statuses.difference(&new_statuses).collect();
            if !added.is_empty() || !removed.is_empty() {
                let mut what = Vec::new();
                if !added.is_empty() {
                    what.push(format!("success status {} added", list(added)));
                }
                if !removed.is_empty() {
                    what.push(format!("success status {} removed", list(removed)));
                }
                out.compatible(
                    item,
                    Kind::Changed,
                    what.join(", "),
                    format!("the call still returns {}", describe(&new_returns, new)),
                );
            }
        }
    }
    let old_errors: BTreeSet<&str> = old.errors.iter().map(|e| e.status.as_str()).collect();
    let new_errors: BTreeSet<&str> = new.errors.iter().map(|e| e.status.as_str()).collect();
    for status in new_errors.difference(&old_errors) {
        out.compatible(item, Kind::Added, format!("error status {status} documented"), "documentation only: errors stay `Error::Api`".to_owned());
    }
    for status in old_errors.difference(&new_errors) {
        out.compatible(item, Kind::Removed, format!("error status {status} no longer documented"), "documentation only: errors stay `Error::Api`".to_owned());
    }
}

/// Whether each call sends an idempotency key: the parameter that carries
/// the caller's key is reported with the parameters; what changes here is
/// what the client sends and retries on its own.
fn idempotency_key(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    match (&old.idempotency_key, &new.idempotency_key) {
        (None, Some(key)) => out.compatible(
            item,
            Kind::Added,
            format!("sends an idempotency key (`{}`)", key.wire_name),
            "each call sends a fresh key unless the caller sets one, and is retried like an idempotent call (on 408, 429, 5xx and timeouts)".to_owned(),
        ),
        (Some(key), None) => out.compatible(
            item,
            Kind::Removed,
            format!("no longer sends an idempotency key (`{}`)", key.wire_name),
            "calls send no key of their own and are no longer retried once sent, unless the retry policy allows it".to_owned(),
        ),
        (Some(before), Some(after)) if before.wire_name != after.wire_name => out.compatible(
            item,
            Kind::Changed,
            format!("sends its idempotency key in `{}` (was `{}`)", after.wire_name, before.wire_name),
            "no code changes".to_owned(),
        ),
        _ => {}
    }
}

fn pagination(item: &str, old: &Operation, new: &Operation, out: &mut Changes) {
    match (&old.pagination, &new.pagination) {
        (None, Some(_)) => out.compatible(
            item,
            Kind::Added,
            "now a paginated list".to_owned(),
            format!("new methods `{0}::pages` and `{0}::items` stream every page and every item", new.builder),
        ),
        (Some(_), None) => out.breaking(
            item,
            Kind::Removed,
            "no longer a paginated list".to_owned(),
            format!("`{0}::pages` and `{0}::items` are gone", new.builder),
        ),
        (Some(before), Some(after)) if before.style.name() != after.style.name() && before.item_type.rust_type() == after.item_type.rust_type() => out.compatible(
            item,
            Kind::Changed,
            format!("pages in the `{}` style now (was `{}`)", after.style.name(), before.style.name()),
            "no code changes; the streams ask for the next page another way".to_owned(),
        ),
        (Some(before), Some(after)) if before.item_type.rust_type() != after.item_type.rust_type() => out.breaking(
            item,
            Kind::Changed,
            format!("items of the list are now `{}` (were `{}`)", after.item_type.rust_type(), before.item_type.rust_type()),
            format!("`{}::items` streams another type", new.builder),
        ),
        _ => {}
    }
}
