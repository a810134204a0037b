//! The client: servers, headers sent on every call, credentials.

use super::{Changes, Kind, match_by};
use crate::model::Api;

pub(super) fn compare(old: &Api, new: &Api, out: &mut Changes) {
    let servers = match_by(&old.servers, &new.servers, |s| s.variant.clone());
    for added in servers.added {
        out.compatible(
            &format!("Environment::{}", added.variant),
            Kind::Added,
            format!("server `{}` added", added.url),
            "`Environment` is #[non_exhaustive]: nothing existing changes".to_owned(),
        );
    }
    for removed in servers.removed {
        out.breaking(
            &format!("Environment::{}", removed.variant),
            Kind::Removed,
            format!("server `{}` removed", removed.url),
            format!("code naming `Environment::{}` no longer compiles", removed.variant),
        );
    }
    for (before, after) in servers.both.into_iter().filter(|(b, a)| b.url != a.url) {
        out.compatible(
            &format!("Environment::{}", after.variant),
            Kind::Changed,
            format!("now `{}` (was `{}`)", after.url, before.url),
            "calls go to the new address; no code changes".to_owned(),
        );
    }
    let headers = match_by(&old.client_headers, &new.client_headers, |h| h.method.clone());
    for added in headers.added {
        out.compatible(
            &format!("ClientBuilder::{}", added.method),
            Kind::Added,
            format!("header `{}` added, sent on every call", added.wire_name),
            "a new setting of the client builder; nothing existing changes".to_owned(),
        );
    }
    for removed in headers.removed {
        out.breaking(
            &format!("ClientBuilder::{}", removed.method),
            Kind::Removed,
            format!("header `{}` removed", removed.wire_name),
            format!("calls of `ClientBuilder::{}` no longer compile", removed.method),
        );
    }
    for (before, after) in headers.both {
        match (&before.constant, &after.constant) {
            (Some(constant), None) => out.breaking(
                constant,
                Kind::Removed,
                format!("header `{}` has no fixed default any more", after.wire_name),
                format!("code naming `{constant}` no longer compiles"),
            ),
            (None, Some(constant)) => out.compatible(
                constant,
                Kind::Added,
                format!("header `{}` has a fixed default", after.wire_name),
                "a new constant; nothing existing changes".to_owned(),
            ),
            _ => {}
        }
        if let (Some(constant), Some(old_default), Some(new_default)) = (&after.constant, &before.default, &after.default)
            && old_default != new_default
        {
            out.compatible(
                constant,
                Kind::Changed,
                format!("header `{}` defaults to `{new_default}` (was `{old_default}`)", after.wire_name),
                "calls send the new value unless the client sets another".to_owned(),
            );
        }
    }
    match (&old.auth, &new.auth) {
        (None, Some(auth)) => out.compatible(
            "ClientBuilder",
            Kind::Added,
            format!("credentials in the `{}` header", auth.header),
            "new methods `basic_auth`, `bearer_auth` and `basic_auth_from_env`".to_owned(),
        ),
        (Some(auth), None) => out.breaking(
            "ClientBuilder",
            Kind::Removed,
            format!("credentials in the `{}` header", auth.header),
            "`basic_auth`, `bearer_auth` and `basic_auth_from_env` are gone".to_owned(),
        ),
        (Some(before), Some(after)) if before.header != after.header => out.compatible(
            "ClientBuilder",
            Kind::Changed,
            format!("credentials are sent in the `{}` header (was `{}`)", after.header, before.header),
            "only the request on the wire changes".to_owned(),
        ),
        _ => {}
    }
    if old.env_prefix != new.env_prefix && new.auth.is_some() {
        out.compatible(
            "ClientBuilder::basic_auth_from_env",
            Kind::Changed,
            format!("reads `{0}_CLIENT_ID` and `{0}_CLIENT_SECRET` (was `{1}_…`)", new.env_prefix, old.env_prefix),
            "set the new environment variables".to_owned(),
        );
    }
}
