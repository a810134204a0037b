//! Credentials of the API's security schemes: which schemes an operation
//! accepts, the credential the client holds for each, and how each is put
//! on a request (a header, a query parameter, a cookie, `Authorization`).
//!
//! No secret shows in any formatted output: `Debug` prints `<redacted>`,
//! header values are marked sensitive, and an API key sent in the query
//! string is replaced in every URL an error shows.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine as _;

use super::Error;

/// One security scheme of the API, as the generated code describes it:
/// its key in the spec, the builder method that sets its credential, and
/// where the credential goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in the spec's `components/securitySchemes`.
    pub key: &'static str,
    /// The client builder's method that sets the credential.
    pub setter: &'static str,
    /// Where the credential is sent.
    pub placement: Placement,
}

/// Where a scheme's credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// `Authorization: <scheme> <token>` (`Bearer` for HTTP bearer, OAuth 2
    /// and OpenID Connect).
    Authorization(&'static str),
    /// An API key in this header.
    Header(&'static str),
    /// An API key in this query parameter.
    Query(&'static str),
    /// An API key in this cookie.
    Cookie(&'static str),
}

/// The boxed future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'a>>;

/// Gives the token of an OAuth 2 or OpenID Connect scheme. The client asks
/// before every attempt of a call, a retry included, so a provider can
/// refresh a token that expired; caching it in between is the provider's
/// business.
///
/// A closure `|| async { … }` returning `Result<String, Error>` is one:
///
/// ```ignore
/// let client = Client::builder(environment)
///     .oauth2_token_provider(|| async { Ok(fetch_token().await?) })
///     .build()?;
/// ```
///
/// An error it returns ends the call with that error, before anything is
/// sent.
pub trait TokenProvider: Send + Sync {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, Error>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// A credential the client holds for one scheme.
#[derive(Clone)]
pub(crate) enum Secret {
    Basic { user: String, password: String },
    Token(String),
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Basic { user, .. } => f.debug_struct("Basic").field("user", user).field("password", &"<redacted>").finish(),
            Secret::Token(_) => f.write_str("<redacted>"),
            Secret::Provider(_) => f.write_str("<token provider>"),
        }
    }
}

impl Secret {
    /// Reads an environment variable that must be set and not empty.
    pub(crate) fn env(name: &str) -> Result<String, Error> {
        match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            _ => Err(Error::InvalidRequest(format!("the environment variable {name} is not set"))),
        }
    }

    /// Checks a static credential once, when the client is built, so that a
    /// call never fails for it.
    pub(crate) fn check(&self, scheme: &SecurityScheme) -> Result<(), Error> {
        let token = match self {
            Secret::Provider(_) => return Ok(()),
            Secret::Token(token) => token.clone(),
            Secret::Basic { .. } => String::new(),
        };
        Applied::default().add(scheme, self, token)
    }
}

/// The credentials an attempt sends, ready to go on the request.
#[derive(Default)]
pub(crate) struct Applied {
    pub(crate) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) cookies: Vec<String>,
}

impl Applied {
    /// Adds one scheme's credential; `token` is the token or API key (the
    /// provider's answer for a provider), unused for Basic.
    fn add(&mut self, scheme: &SecurityScheme, secret: &Secret, token: String) -> Result<(), Error> {
        let invalid = || {
            Error::InvalidRequest(format!(
                "the credential set with `{}` holds characters not allowed in HTTP (only visible ASCII, spaces and tabs are)",
                scheme.setter
            ))
        };
        let sensitive = |text: String| -> Result<http::HeaderValue, Error> {
            if !text.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
                return Err(invalid());
            }
            let mut value = http::HeaderValue::try_from(text).map_err(|_| invalid())?;
            value.set_sensitive(true);
            Ok(value)
        };
        let name = |name: &str| http::HeaderName::try_from(name).map_err(|_| Error::InvalidRequest(format!("{name:?} is not a valid header name")));
        match (scheme.placement, secret) {
            (Placement::Basic, Secret::Basic { user, password }) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                self.headers.push((http::header::AUTHORIZATION, sensitive(format!("Basic {encoded}"))?));
            }
            (Placement::Basic, _) => {
                return Err(Error::InvalidRequest(format!("`{}` takes a user name and a password", scheme.setter)));
            }
            (_, Secret::Basic { .. }) => return Err(Error::InvalidRequest(format!("`{}` takes a token", scheme.setter))),
            (Placement::Authorization(kind), _) => self.headers.push((http::header::AUTHORIZATION, sensitive(format!("{kind} {token}"))?)),
            (Placement::Header(header), _) => self.headers.push((name(header)?, sensitive(token)?)),
            (Placement::Query(parameter), _) => self.query.push((parameter, token)),
            (Placement::Cookie(cookie), _) => {
                // Checked as it will travel, inside the `Cookie` header.
                sensitive(token.clone())?;
                if token.contains([';', ',', '"', ' ', '\t']) {
                    return Err(invalid());
                }
                self.cookies.push(format!("{cookie}={token}"));
            }
        }
        Ok(())
    }
}

/// The credentials a client holds, by scheme.
#[derive(Clone, Default)]
pub(crate) struct SchemeCredentials {
    held: Vec<(SecurityScheme, Secret)>,
}

impl fmt::Debug for SchemeCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.held.iter().map(|(scheme, secret)| (scheme.setter, secret))).finish()
    }
}

impl SchemeCredentials {
    /// Sets the credential of `scheme`, replacing an earlier one.
    pub(crate) fn set(&mut self, scheme: SecurityScheme, secret: Secret) {
        self.held.retain(|(held, _)| held.key != scheme.key);
        self.held.push((scheme, secret));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        self.held.iter().try_for_each(|(scheme, secret)| secret.check(scheme))
    }

    fn get(&self, key: &str) -> Option<&(SecurityScheme, Secret)> {
        self.held.iter().find(|(scheme, _)| scheme.key == key)
    }

    /// What a request with this requirement sends: the first alternative
    /// that names schemes and whose schemes all have a credential; else
    /// nothing when an alternative is empty (credentials are optional);
    /// else an error naming the setters, before anything is sent.
    pub(crate) fn choose(
        &self,
        requirement: &'static [&'static [SecurityScheme]],
        method: &http::Method,
        template: &str,
    ) -> Result<Vec<&(SecurityScheme, Secret)>, Error> {
        if requirement.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in requirement.iter().filter(|a| !a.is_empty()) {
            let held: Option<Vec<_>> = alternative.iter().map(|scheme| self.get(scheme.key)).collect();
            if let Some(held) = held {
                return Ok(held);
            }
        }
        if requirement.iter().any(|a| a.is_empty()) {
            return Ok(Vec::new());
        }
        let options: Vec<String> = requirement
            .iter()
            .map(|alternative| alternative.iter().map(|s| format!("`{}`", s.setter)).collect::<Vec<_>>().join(" and "))
            .collect();
        Err(Error::InvalidRequest(format!(
            "{method} {template} needs credentials that the client does not have: set {} on the client builder; nothing was sent",
            options.join(" or ")
        )))
    }
}

/// The credentials of one attempt: a provider is asked now, so that each
/// attempt sends a fresh token.
pub(crate) async fn apply(chosen: &[&(SecurityScheme, Secret)]) -> Result<Applied, Error> {
    let mut applied = Applied::default();
    for (scheme, secret) in chosen {
        let token = match secret {
            Secret::Basic { .. } => String::new(),
            Secret::Token(token) => token.clone(),
            Secret::Provider(provider) => provider.token().await.map_err(|error| match error {
                Error::InvalidRequest(message) => {
                    Error::InvalidRequest(format!("the token provider of `{}` failed: {message}", scheme.setter))
                }
                other => other,
            })?,
        };
        applied.add(scheme, secret, token)?;
    }
    Ok(applied)
}

/// `url` with the value of each of the `secret` query parameters replaced,
/// for showing.
pub(crate) fn redact_query(url: &reqwest::Url, secret: &[&str]) -> reqwest::Url {
    if secret.is_empty() || url.query().is_none() {
        return url.clone();
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if secret.contains(&name.as_ref()) { "redacted".to_owned() } else { value.into_owned() };
            (name.into_owned(), value)
        })
        .collect();
    let mut shown = url.clone();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: SecurityScheme = SecurityScheme { key: "key", setter: "api_key", placement: Placement::Query("api_key") };
    const BASIC: SecurityScheme = SecurityScheme { key: "basic", setter: "basic_auth", placement: Placement::Basic };

    #[test]
    fn the_first_alternative_fully_set_is_chosen_and_a_missing_one_names_the_setters() {
        let mut held = SchemeCredentials::default();
        let both: &'static [&'static [SecurityScheme]] = &[&[KEY, BASIC], &[KEY]];
        let none = held.choose(both, &http::Method::GET, "/x").err();
        assert!(
            matches!(&none, Some(Error::InvalidRequest(m)) if m.contains("set `api_key` and `basic_auth` or `api_key` on the client builder")),
            "{none:?}"
        );
        held.set(KEY, Secret::Token("k".to_owned()));
        let chosen = held.choose(both, &http::Method::GET, "/x").unwrap_or_default();
        assert_eq!(chosen.iter().map(|(s, _)| s.key).collect::<Vec<_>>(), ["key"]);
        let optional: &'static [&'static [SecurityScheme]] = &[&[], &[BASIC]];
        assert!(held.choose(optional, &http::Method::GET, "/x").is_ok_and(|c| c.is_empty()));
    }

    #[test]
    fn query_secrets_are_replaced_in_urls_shown() {
        let url = reqwest::Url::parse("http://h/p?a=1&api_key=s3cret&b=2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(redact_query(&url, &["api_key"]).as_str(), "http://h/p?a=1&api_key=redacted&b=2");
    }
}
