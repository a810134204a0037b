//! Security schemes → the credentials a client holds, and each
//! operation's requirement → which of them it sends.
//!
//! Names are decided here: one setter per scheme on the client builder
//! (`basic_auth`, `bearer_auth`, `api_key`, `oauth2_token`… when the spec has
//! one scheme of that sort, else named after the scheme's key), a
//! `…_from_env` beside each, a `…_provider` for OAuth 2 and OpenID Connect,
//! and the environment variables `<PREFIX>_<SETTER>` (`_USERNAME` and
//! `_PASSWORD` for HTTP Basic), all unique.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement};

use crate::error::Warning;
use crate::merge::Origins;
use crate::model::{ParamLocation, SecurityKind, SecurityScheme, TokenSource};
use crate::naming;

/// What sort of scheme it is, for naming: a spec with one scheme of a sort
/// gets that sort's plain setter name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Sort {
    Basic,
    Bearer,
    OtherHttp(String),
    ApiKey,
    OAuth2,
    OpenIdConnect,
}

impl Sort {
    fn plain_name(&self) -> String {
        match self {
            Sort::Basic => "basic_auth".to_owned(),
            Sort::Bearer => "bearer_auth".to_owned(),
            Sort::OtherHttp(scheme) => format!("{}_auth", naming::method_name(scheme)),
            Sort::ApiKey => "api_key".to_owned(),
            Sort::OAuth2 => "oauth2_token".to_owned(),
            Sort::OpenIdConnect => "open_id_connect_token".to_owned(),
        }
    }
}

/// The names the client builder already declares, and the constants of the
/// client module, which scheme names must stay clear of.
pub(super) struct Taken {
    pub methods: naming::Namespace,
    pub constants: naming::Namespace,
}

/// Every security scheme of the document, sorted by key and named. A
/// scheme given as a `$ref` is followed (a few steps at most); one that
/// cannot be read is left out with a warning at its place.
pub(super) fn schemes(
    defined: &IndexMap<String, ReferenceOr<openapiv3::SecurityScheme>>,
    mut taken: Taken,
    env_prefix: &str,
    origins: &Origins<'_>,
    warnings: &mut Vec<Warning>,
) -> Vec<SecurityScheme> {
    let mut read: BTreeMap<&str, (Sort, SecurityKind, Option<String>)> = BTreeMap::new();
    for (key, scheme) in defined {
        let at = || origins.component("securitySchemes", key, "");
        let Some(scheme) = resolve(defined, scheme) else {
            warnings.push(Warning::at(at(), format!("security scheme `{key}` is a reference that leads to no scheme; it is left out, and requirements naming it are ignored")));
            continue;
        };
        let (sort, kind, description) = match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, description, .. } => {
                let sort = match scheme.to_ascii_lowercase().as_str() {
                    "basic" => Sort::Basic,
                    "bearer" => Sort::Bearer,
                    other => {
                        warnings.push(Warning::at(
                            origins.component("securitySchemes", key, "/scheme"),
                            format!(
                                "security scheme `{key}` uses the HTTP scheme `{scheme}`, which the client does not implement: it sends `Authorization: {scheme} <token>` with the token you set as it is"
                            ),
                        ));
                        Sort::OtherHttp(other.to_owned())
                    }
                };
                let kind = match sort {
                    Sort::Basic => SecurityKind::Basic,
                    Sort::Bearer => SecurityKind::Token { scheme: "Bearer".to_owned(), source: TokenSource::Http },
                    _ => SecurityKind::Token { scheme: scheme.clone(), source: TokenSource::Http },
                };
                (sort, kind, description.clone())
            }
            openapiv3::SecurityScheme::APIKey { location, name, description, .. } => {
                let location = match location {
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                (Sort::ApiKey, SecurityKind::ApiKey { location, wire_name: name.clone() }, description.clone())
            }
            openapiv3::SecurityScheme::OAuth2 { description, .. } => {
                (Sort::OAuth2, SecurityKind::Token { scheme: "Bearer".to_owned(), source: TokenSource::OAuth2 }, description.clone())
            }
            openapiv3::SecurityScheme::OpenIDConnect { description, .. } => (
                Sort::OpenIdConnect,
                SecurityKind::Token { scheme: "Bearer".to_owned(), source: TokenSource::OpenIdConnect },
                description.clone(),
            ),
        };
        read.insert(key.as_str(), (sort, kind, description));
    }

    let mut per_sort: BTreeMap<&Sort, usize> = BTreeMap::new();
    for (sort, _, _) in read.values() {
        *per_sort.entry(sort).or_default() += 1;
    }
    let mut environment = naming::Namespace::default();
    let mut named = Vec::with_capacity(read.len());
    for (key, (sort, kind, description)) in &read {
        let desired = if per_sort.get(sort).copied().unwrap_or(0) == 1 { sort.plain_name() } else { key_name(key) };
        let (setter, renamed) = taken.methods.claim(&desired);
        if renamed {
            warnings.push(Warning::at(
                origins.component("securitySchemes", key, ""),
                format!("the credential of security scheme `{key}` is set with `{setter}`: `{desired}` is another method of the client builder"),
            ));
        }
        let env_setter = taken.methods.claim(&format!("{setter}_from_env")).0;
        let provider_setter = matches!(kind, SecurityKind::Token { source: TokenSource::OAuth2 | TokenSource::OpenIdConnect, .. })
            .then(|| taken.methods.claim(&format!("{setter}_provider")).0);
        let variable = format!("{env_prefix}_{}", naming::constant_name(&setter));
        let env_variables = match kind {
            SecurityKind::Basic => vec![
                environment.claim(&format!("{variable}_USERNAME")).0,
                environment.claim(&format!("{variable}_PASSWORD")).0,
            ],
            _ => vec![environment.claim(&variable).0],
        };
        named.push(SecurityScheme {
            key: (*key).to_owned(),
            setter,
            env_setter,
            provider_setter,
            env_variables,
            constant: taken.constants.claim(&format!("SECURITY_{}", naming::constant_name(key))).0,
            kind: kind.clone(),
            description: description.clone(),
        });
    }
    named
}

/// A setter named after the scheme's key, without a trailing `auth` word
/// (`ApiKeyAuth` → `api_key`), which the builder's methods all are.
fn key_name(key: &str) -> String {
    let name = naming::method_name(key);
    match name.strip_suffix("_auth") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => name,
    }
}

/// The scheme a `$ref` leads to, within a few steps.
fn resolve<'s>(
    defined: &'s IndexMap<String, ReferenceOr<openapiv3::SecurityScheme>>,
    scheme: &'s ReferenceOr<openapiv3::SecurityScheme>,
) -> Option<&'s openapiv3::SecurityScheme> {
    let mut current = scheme;
    for _ in 0..8 {
        match current {
            ReferenceOr::Item(scheme) => return Some(scheme),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/securitySchemes/")?;
                current = defined.get(&crate::locate::unescape_pointer_token(name))?;
            }
        }
    }
    None
}

/// What an operation sends: its `security` (the document's when it has
/// none of its own, as the merge left it), each alternative the keys of
/// its schemes in sorted order, repeats dropped. An alternative naming a
/// scheme the document does not define can never be met: it is dropped,
/// with a warning at `place`. `None` when nothing is left to send.
pub(super) fn requirement(
    security: Option<&Vec<SecurityRequirement>>,
    schemes: &[SecurityScheme],
    place: impl Fn() -> crate::error::Location,
    warnings: &mut Vec<Warning>,
) -> Option<Vec<Vec<String>>> {
    let mut alternatives: Vec<Vec<String>> = Vec::new();
    for alternative in security? {
        let mut keys: Vec<String> = alternative.keys().cloned().collect();
        keys.sort();
        if let Some(unknown) = keys.iter().find(|key| !schemes.iter().any(|s| s.key == **key)) {
            warnings.push(Warning::at(
                place(),
                format!("the security requirement names `{unknown}`, which `components/securitySchemes` does not define: that alternative is ignored; define the scheme or remove it from the requirement"),
            ));
            continue;
        }
        if !alternatives.contains(&keys) {
            alternatives.push(keys);
        }
    }
    (!alternatives.is_empty()).then_some(alternatives)
}
