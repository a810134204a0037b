//! The configured client and the sending of one request: attempts,
//! retries, timeouts and the trace span around them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use tracing::Instrument;

use super::error::ApiError;
use super::hooks::Hooks;
use super::security::{self, Applied, SchemeCredentials, Secret};
use super::sse::EventStream;
use super::{Bytes, Credentials, Error, Hook, RawResponse, Request, RetryPolicy, SecurityScheme, TokenProvider};

/// Time limits of a call. `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Option<Duration>,
    /// One attempt: connecting, sending, and reading the whole response.
    pub attempt: Option<Duration>,
    /// The whole call, retries and waits included. A retry whose wait would
    /// end past it is not made: the last error is returned at once. For a
    /// stream of events, the wait for its response to start.
    pub total: Option<Duration>,
    /// A stream of events: the longest wait for its next bytes. A stream
    /// that keeps sending runs as long as it lasts; the attempt and total
    /// limits end with its start.
    pub idle: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            attempt: Some(Duration::from_secs(30)),
            total: Some(Duration::from_secs(120)),
            idle: Some(Duration::from_secs(60)),
        }
    }
}

/// The settings a generated `ClientBuilder` collects.
#[derive(Clone)]
pub struct CoreBuilder {
    base_url: String,
    credentials: Option<(&'static str, Credentials)>,
    /// The credentials of the API's security schemes, by scheme.
    schemes: SchemeCredentials,
    headers: Vec<(&'static str, String)>,
    /// Headers sent when neither the caller nor the operation sets them.
    defaults: Vec<(&'static str, String)>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    redirects: RedirectPolicy,
    max_response_body: usize,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    hooks: Hooks,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut builder = f.debug_struct("ClientBuilder");
        builder.field("base_url", &redact_userinfo(&self.base_url)).field("credentials", &self.credentials.as_ref().map(|(_, c)| c));
        if !self.schemes.is_empty() {
            builder.field("security", &self.schemes);
        }
        builder
            .field("headers", &self.headers)
            .field("default_headers", &self.defaults)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("redirects", &self.redirects)
            .field("max_response_body", &self.max_response_body)
            .field("hooks", &self.hooks)
            .finish_non_exhaustive()
    }
}

/// Which redirects the client follows. A `3xx` it does not follow comes back
/// as [`Error::Api`](super::Error::Api) with that status, unless the
/// operation documents it as its answer (one that documents no 2XX, such as
/// an archive download answering `302` with a `Location`): then the call
/// returns it, headers included (`.send_with_response()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RedirectPolicy {
    /// None (the default): every `3xx` is returned to the caller.
    #[default]
    None,
    /// Redirects to the same origin (scheme, host and port) as the request,
    /// at most this many in a row; a redirect to another origin is returned
    /// to the caller, so that neither the body nor a header of the request
    /// ever goes there.
    SameOrigin {
        /// Redirects followed in a row before the call fails.
        max_hops: usize,
    },
}

impl RedirectPolicy {
    fn to_reqwest(self) -> reqwest::redirect::Policy {
        match self {
            RedirectPolicy::None => reqwest::redirect::Policy::none(),
            RedirectPolicy::SameOrigin { max_hops } => reqwest::redirect::Policy::custom(move |attempt| {
                let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
                if !same_origin {
                    attempt.stop()
                } else if attempt.previous().len() > max_hops {
                    attempt.error(format!("more than {max_hops} redirects in a row"))
                } else {
                    attempt.follow()
                }
            }),
        }
    }
}

/// The largest response body read by default: 32 MiB. The API's largest
/// answers (a page of 100 line item groups) are well under 1 MiB; the limit
/// is far above them, yet keeps a broken or hostile server from filling the
/// memory of the process.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

/// The `User-Agent` sent unless the caller sets another: the generated
/// crate's name and version.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The base URL as `Debug` shows it: a password in it is replaced.
fn redact_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("redacted"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) if url.contains('@') => "<not a URL>".to_owned(),
        Err(_) => url.to_owned(),
    }
}

impl CoreBuilder {
    pub fn new(base_url: &str) -> Self {
        CoreBuilder {
            base_url: base_url.to_owned(),
            credentials: None,
            schemes: SchemeCredentials::default(),
            headers: Vec::new(),
            defaults: Vec::new(),
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            redirects: RedirectPolicy::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            user_agent: None,
            http: None,
            hooks: Hooks::default(),
        }
    }

    pub fn base_url(&mut self, url: String) {
        self.base_url = url;
    }

    /// Sends `credentials` in the header `name` of every request.
    pub fn credentials(&mut self, name: &'static str, credentials: Credentials) {
        self.credentials = Some((name, credentials));
    }

    /// HTTP Basic credentials of a security scheme.
    pub fn scheme_basic(&mut self, scheme: SecurityScheme, user: String, password: String) {
        self.schemes.set(scheme, Secret::Basic { user, password });
    }

    /// The token or API key of a security scheme.
    pub fn scheme_token(&mut self, scheme: SecurityScheme, token: String) {
        self.schemes.set(scheme, Secret::Token(token));
    }

    /// A provider asked for the token of a security scheme before every attempt.
    pub fn scheme_token_provider(&mut self, scheme: SecurityScheme, provider: Arc<dyn TokenProvider>) {
        self.schemes.set(scheme, Secret::Provider(provider));
    }

    /// HTTP Basic credentials of a security scheme from two environment variables.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the variable that is unset or empty
    /// (never its value).
    pub fn scheme_basic_from_env(&mut self, scheme: SecurityScheme, user: &str, password: &str) -> Result<(), Error> {
        let (user, password) = (Secret::env(user)?, Secret::env(password)?);
        self.scheme_basic(scheme, user, password);
        Ok(())
    }

    /// The token or API key of a security scheme from an environment variable.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the variable when it is unset or
    /// empty (never its value).
    pub fn scheme_token_from_env(&mut self, scheme: SecurityScheme, variable: &str) -> Result<(), Error> {
        self.scheme_token(scheme, Secret::env(variable)?);
        Ok(())
    }

    /// Sends the header `name` on every request, replacing an earlier value:
    /// it overrides the value an operation sends of its own
    /// ([`Request::default_header`](super::Request::default_header)).
    pub fn header(&mut self, name: &'static str, value: String) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value));
    }

    /// Sends the header `name` on requests that set no value of it: neither
    /// the caller ([`header`](Self::header)) nor the operation does.
    pub fn default_header(&mut self, name: &'static str, value: String) {
        self.defaults.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.defaults.push((name, value));
    }

    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    pub fn timeouts(&mut self, timeouts: Timeouts) {
        self.timeouts = timeouts;
    }

    /// Which redirects are followed (default: none).
    pub fn redirects(&mut self, policy: RedirectPolicy) {
        self.redirects = policy;
    }

    /// The largest response body read, in bytes; a longer one fails the call
    /// with [`Error::ResponseTooLarge`].
    pub fn max_response_body(&mut self, bytes: usize) {
        self.max_response_body = bytes;
    }

    /// The `User-Agent` header (default: [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(&mut self, value: String) {
        self.user_agent = Some(value);
    }

    /// Uses a `reqwest::Client` the caller configured (proxies, TLS roots).
    /// Its own connect timeout and redirect policy then apply instead of the
    /// builder's.
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    /// Runs `hook` around every attempt, after the hooks added before it.
    pub fn hook(&mut self, hook: Arc<dyn Hook>) {
        self.hooks.push(hook);
    }

    pub fn build(self) -> Result<Core, Error> {
        // The URL parser drops tabs and line breaks silently: a base URL that
        // holds any control character is refused instead.
        if self.base_url.chars().any(char::is_control) {
            return Err(Error::InvalidRequest("the base URL holds a control character (a line break or tab)".to_owned()));
        }
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::InvalidRequest(format!("the base URL {:?} is not a valid URL: {e}", redact_userinfo(&base_url)))
        })?;
        if parsed.cannot_be_a_base() {
            return Err(Error::InvalidRequest(format!("the base URL {base_url:?} cannot have paths appended")));
        }
        // Credentials go in `credentials`, where they are kept out of
        // `Debug`, traces and redirects: a base URL with a user or password
        // is refused (and not repeated in the message).
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::InvalidRequest(
                "the base URL holds a user name or password; set credentials on the builder instead".to_owned(),
            ));
        }
        self.schemes.check()?;
        let mut headers = Vec::with_capacity(self.headers.len() + 2);
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        headers.push((http::header::USER_AGENT, header_value("User-Agent", user_agent)?));
        if let Some((name, credentials)) = &self.credentials {
            headers.push((header_name(name)?, credentials.header_value()?));
        }
        for (name, value) in &self.headers {
            headers.push((header_name(name)?, header_value(name, value)?));
        }
        let mut defaults = self
            .defaults
            .iter()
            .map(|(name, value)| Ok((header_name(name)?, header_value(name, value)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        // JSON unless the caller or the operation (one that answers HTML or
        // a stream) asks for something else.
        defaults.push((http::header::ACCEPT, http::HeaderValue::from_static("application/json")));
        let http = match self.http {
            Some(client) => client,
            None => {
                // reqwest is built without a TLS crypto provider: install the
                // one the crate's features choose, unless the application
                // already installed one.
                install_crypto_provider();
                let mut builder = reqwest::Client::builder().redirect(self.redirects.to_reqwest()).referer(false);
                if let Some(connect) = self.timeouts.connect {
                    builder = builder.connect_timeout(connect);
                }
                builder.build().map_err(Error::Transport)?
            }
        };
        let base_path = parsed.path().trim_end_matches('/').to_owned();
        Ok(Core {
            inner: Arc::new(CoreInner {
                http,
                base_url,
                base: parsed,
                base_path,
                headers,
                defaults,
                schemes: self.schemes,
                retry: self.retry,
                timeouts: self.timeouts,
                redirects: self.redirects,
                max_response_body: self.max_response_body,
                hooks: self.hooks,
            }),
        })
    }
}

/// The crate's `aws-lc-rs` feature picks aws-lc-rs; otherwise ring (the
/// `ring` feature, on by default).
#[allow(unexpected_cfgs)]
fn install_crypto_provider() {
    #[cfg(feature = "aws-lc-rs")]
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    #[cfg(not(feature = "aws-lc-rs"))]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub(crate) fn header_name(name: &str) -> Result<http::HeaderName, Error> {
    http::HeaderName::try_from(name).map_err(|_| Error::InvalidRequest(format!("{name:?} is not a valid header name")))
}

/// A header value of visible ASCII, spaces and tabs. `http` also lets bytes
/// above 127 through, which would go out as raw bytes in no defined
/// encoding: they are refused too, as are line breaks.
pub(crate) fn header_value(name: &str, value: &str) -> Result<http::HeaderValue, Error> {
    let invalid = || Error::InvalidRequest(format!("the value of the header {name} is not valid in HTTP (only visible ASCII, spaces and tabs are)"));
    if !value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        return Err(invalid());
    }
    http::HeaderValue::try_from(value).map_err(|_| invalid())
}

/// A configured client, cheap to clone.
#[derive(Clone)]
pub struct Core {
    inner: Arc<CoreInner>,
}

struct CoreInner {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` parsed, and its path (without a trailing `/`).
    base: reqwest::Url,
    base_path: String,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// Sent when neither the caller nor the operation sets the header.
    defaults: Vec<(http::HeaderName, http::HeaderValue)>,
    schemes: SchemeCredentials,
    retry: RetryPolicy,
    timeouts: Timeouts,
    redirects: RedirectPolicy,
    max_response_body: usize,
    hooks: Hooks,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .inner
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), if v.is_sensitive() { "<redacted>" } else { v.to_str().unwrap_or("<binary>") }))
            .collect();
        let mut client = f.debug_struct("Client");
        client.field("base_url", &self.inner.base_url);
        if !self.inner.schemes.is_empty() {
            client.field("security", &self.inner.schemes);
        }
        client
            .field("headers", &headers)
            .field("default_headers", &self.inner.defaults.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or("<binary>"))).collect::<Vec<_>>())
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .field("redirects", &self.inner.redirects)
            .field("max_response_body", &self.inner.max_response_body)
            .field("hooks", &self.inner.hooks)
            .finish_non_exhaustive()
    }
}

impl Core {
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends the request, retrying as the policy allows, within the
    /// timeouts; a status outside 200–299 and the request's
    /// [`answers`](Request::answers) becomes [`Error::Api`].
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        let span = call_span(&request);
        let result = self.send_with_retries(&request, &span, Reading::Whole).instrument(span.clone()).await;
        record_status(&span, &result);
        match result? {
            Answer::Whole(raw) => Ok(raw),
            Answer::Stream(response) => read_whole(response, self.inner.max_response_body, request.answers, &|error| Error::Transport(error)).await,
        }
    }

    /// Sends the request of an operation that answers with server-sent
    /// events, retrying as [`send`](Self::send) does until its response
    /// starts; a status outside 200–299 becomes [`Error::Api`]. The events
    /// then arrive as the stream is read, each within the idle timeout.
    pub async fn send_stream<T: serde::de::DeserializeOwned>(&self, request: Request) -> Result<EventStream<T>, Error> {
        let span = call_span(&request);
        let result = self.send_with_retries(&request, &span, Reading::Stream).instrument(span.clone()).await;
        record_status(&span, &result);
        let idle = request.options.idle_timeout.or(self.inner.timeouts.idle);
        match result? {
            Answer::Stream(response) => Ok(EventStream::new(response, idle, self.inner.max_response_body)),
            Answer::Whole(raw) => Ok(EventStream::from_body(raw.body)),
        }
    }

    /// The attempts of one call. Each attempt runs under one timer: the
    /// attempt timeout or, when it ends sooner, what is left of the total.
    /// A retry whose wait would end past the total deadline is not made: the
    /// last error is returned at once.
    async fn send_with_retries(&self, request: &Request, span: &tracing::Span, reading: Reading) -> Result<Answer, Error> {
        check_path(request.template, &request.path)?;
        let chosen = self.inner.schemes.choose(request.security, &request.method, request.template)?;
        // The names of query parameters that carry a secret: their values are
        // replaced in every URL an error shows.
        let secret_query: Vec<&str> = chosen
            .iter()
            .filter_map(|(scheme, _)| match scheme.placement {
                super::Placement::Query(name) => Some(name),
                _ => None,
            })
            .collect();
        let started = Instant::now();
        let total = request.options.total_timeout.or(self.inner.timeouts.total);
        // A total too long for the clock to represent is no limit at all.
        let deadline = total.and_then(|limit| started.checked_add(limit));
        let attempt_limit = request.options.attempt_timeout.or(self.inner.timeouts.attempt);
        let policy = request.options.retry.as_ref().unwrap_or(&self.inner.retry);
        let url = self.url(request)?;
        let mut backoff = None;
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            span.record("attempts", attempts);
            // The first attempt starts now: what is left of the total is all of it.
            let left = match (total, deadline) {
                (Some(limit), _) if attempts == 1 => Some(limit),
                (Some(_), Some(at)) => Some(at.saturating_duration_since(Instant::now())),
                _ => None,
            };
            // Asked before each attempt: a provider's token may have been refreshed.
            let credentials = security::apply(&chosen).await?;
            let error = match self.attempt(request, &url, &credentials, attempt_limit, left.zip(total), attempts, reading).await {
                Ok(response) => return Ok(response),
                Err(Error::Transport(error)) => match error.url().map(|url| security::redact_query(url, &secret_query)) {
                    Some(shown) => Error::Transport(error.with_url(shown)),
                    None => Error::Transport(error),
                },
                Err(error) => error,
            };
            let (retry, asked) = policy.decide(&request.method, request.idempotency_key, &error);
            if !retry {
                return Err(error);
            }
            // backon computes the waits (exponential, jittered, bounded in
            // number); the server's Retry-After replaces a wait, never adds one.
            let waits = backoff.get_or_insert_with(|| {
                ExponentialBuilder::default()
                    .with_min_delay(policy.initial_backoff)
                    .with_max_delay(policy.max_backoff)
                    .with_max_times(policy.max_retries)
                    .with_jitter()
                    .build()
            });
            let Some(wait) = waits.next().map(|backoff| asked.unwrap_or(backoff)) else {
                return Err(error);
            };
            // A wait the clock cannot add ends past any deadline.
            if deadline.is_some_and(|at| Instant::now().checked_add(wait).is_none_or(|end| end >= at)) {
                return Err(error);
            }
            // Boxed: only a retry pays for the timer's room in the future.
            Box::pin(tokio::time::sleep(wait)).await;
        }
    }

    /// The request's URL: the base URL's path, then the request's path and
    /// query; or the next page's URL a server gave, when it has the
    /// client's origin.
    fn url(&self, request: &Request) -> Result<reqwest::Url, Error> {
        if let Some(page) = &request.options.page_url {
            let url = self.inner.base.join(page).map_err(|e| Error::InvalidResponse(format!("the next page's link is not a URL: {e}")))?;
            if url.origin() != self.inner.base.origin() {
                return Err(Error::InvalidResponse(format!(
                    "the next page's link goes to {}, another origin than the client's; it is not followed, so that no credential leaves the client's server",
                    url.origin().ascii_serialization()
                )));
            }
            return Ok(url);
        }
        let mut url = self.inner.base.clone();
        let mut path = String::with_capacity(self.inner.base_path.len() + request.path.len());
        path.push_str(&self.inner.base_path);
        path.push_str(&request.path);
        url.set_path(&path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
        }
        Ok(url)
    }

    /// One attempt, the number `number` of the call, with the client's
    /// hooks around it; `total` is the time left of the call and the call's
    /// limit.
    #[allow(clippy::too_many_arguments, reason = "the attempt's inputs, each of its own kind; a struct of them would be built once here")]
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        credentials: &Applied,
        limit: Option<Duration>,
        total: Option<(Duration, Duration)>,
        number: u32,
        reading: Reading,
    ) -> Result<Answer, Error> {
        let mut sent = url.clone();
        if !credentials.query.is_empty() {
            sent.query_pairs_mut().extend_pairs(credentials.query.iter().map(|(name, value)| (*name, value.as_str())));
        }
        let mut http = reqwest::Request::new(request.method.clone(), sent);
        let headers = http.headers_mut();
        headers.reserve(self.inner.headers.len() + request.headers.len() + self.inner.defaults.len() + 1);
        for (name, value) in &self.inner.headers {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in &request.headers {
            headers.append(header_name(name)?, header_value(name, value)?);
        }
        // The caller's value, else the operation's own, else the client's default.
        for (name, value) in &request.defaults {
            let header = header_name(name)?;
            if !headers.contains_key(&header) {
                headers.append(header, header_value(name, value)?);
            }
        }
        for (name, value) in &self.inner.defaults {
            if !headers.contains_key(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        for (name, value) in &credentials.headers {
            headers.insert(name.clone(), value.clone());
        }
        if !credentials.cookies.is_empty() {
            // One `Cookie` header: the operation's cookies, then the credentials'.
            let mut cookies: Vec<String> = headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
            cookies.extend(credentials.cookies.iter().cloned());
            let mut value = header_value("Cookie", &cookies.join("; "))?;
            value.set_sensitive(true);
            headers.insert(http::header::COOKIE, value);
        }
        if let Some((content_type, body)) = &request.body {
            headers.insert(http::header::CONTENT_TYPE, header_value("Content-Type", content_type)?);
            *http.body_mut() = Some(body.clone().into());
        }
        let hooks = &self.inner.hooks;
        if hooks.is_empty() {
            return self.exchange(http, limit, total, reading, request.answers).await;
        }
        // The hooks' time counts against the call's total, not the attempt's.
        // Boxed: only a client with hooks pays for their room in the future.
        let before = Instant::now();
        let secret_query = credentials.query.iter().map(|(name, _)| *name).collect();
        let http = Box::pin(hooks.before(http, request.template, number, secret_query, total)).await?;
        let total = total.map(|(left, limit)| (left.saturating_sub(before.elapsed()), limit));
        let started = Instant::now();
        let result = self.exchange(http, limit, total, reading, request.answers).await;
        hooks.after(&request.method, url, request.template, number, started.elapsed(), &result)?;
        result
    }

    /// Sends one attempt's request and reads its response, under one timer
    /// (see [`attempt`](Self::attempt)). A stream's timer ends when its
    /// response starts, unless that is an error, which is read whole.
    async fn exchange(
        &self,
        mut http: reqwest::Request,
        limit: Option<Duration>,
        total: Option<(Duration, Duration)>,
        reading: Reading,
        answers: &'static [u16],
    ) -> Result<Answer, Error> {
        // One timer: the attempt's limit or, when it ends sooner, what is
        // left of the total (and then its expiry is the total's).
        let (timer, total) = match total {
            Some((left, total)) => {
                if left.is_zero() {
                    return Err(Error::Timeout(total));
                }
                if limit.is_none_or(|limit| left < limit) { (Some(left), Some(total)) } else { (limit, None) }
            }
            None => (limit, None),
        };
        // A connection that could not be made within the connect timeout is
        // a connect failure (retried as such), even while the timer running
        // is the total's: only the timer itself running out is the total's.
        let timed_out = |error: reqwest::Error| match total {
            Some(limit) if error.is_timeout() && !error.is_connect() => Error::Timeout(limit),
            _ => Error::Transport(error),
        };
        let max = self.inner.max_response_body;
        let response = match (reading, timer) {
            (Reading::Whole, _) => {
                *http.timeout_mut() = timer;
                self.inner.http.execute(http).await.map_err(timed_out)?
            }
            (Reading::Stream, None) => self.inner.http.execute(http).await.map_err(timed_out)?,
            (Reading::Stream, Some(timer)) => match tokio::time::timeout(timer, self.inner.http.execute(http)).await {
                Ok(response) => response.map_err(timed_out)?,
                Err(_) => return Err(Error::Timeout(total.unwrap_or(timer))),
            },
        };
        match reading {
            Reading::Stream if response.status().is_success() => Ok(Answer::Stream(response)),
            Reading::Stream => match timer {
                Some(timer) => match tokio::time::timeout(timer, read_whole(response, max, answers, &timed_out)).await {
                    Ok(answer) => answer.map(Answer::Whole),
                    Err(_) => Err(Error::Timeout(total.unwrap_or(timer))),
                },
                None => read_whole(response, max, answers, &timed_out).await.map(Answer::Whole),
            },
            Reading::Whole => read_whole(response, max, answers, &timed_out).await.map(Answer::Whole),
        }
    }
}

/// The span of one call: method, path template, and later its status and
/// attempts.
fn call_span(request: &Request) -> tracing::Span {
    tracing::info_span!(
        "http_request",
        http.request.method = %request.method,
        http.route = request.template,
        http.response.status_code = tracing::field::Empty,
        attempts = tracing::field::Empty,
    )
}

/// Records the status the call ended with, when the server answered.
fn record_status(span: &tracing::Span, result: &Result<Answer, Error>) {
    if let Some(status) = result.as_ref().map(|r| Some(r.status())).unwrap_or_else(Error::status) {
        span.record("http.response.status_code", status.as_u16());
    }
}

/// How a call reads a successful response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// All of it, before the call returns.
    Whole,
    /// As it arrives: a stream of events.
    Stream,
}

/// A successful attempt's response: read whole, or still arriving.
pub(crate) enum Answer {
    Whole(RawResponse),
    Stream(reqwest::Response),
}

impl Answer {
    pub(crate) fn status(&self) -> http::StatusCode {
        match self {
            Answer::Whole(raw) => raw.status,
            Answer::Stream(response) => response.status(),
        }
    }

    pub(crate) fn headers(&self) -> &http::HeaderMap {
        match self {
            Answer::Whole(raw) => &raw.headers,
            Answer::Stream(response) => response.headers(),
        }
    }
}

/// Reads the whole body of `response`, at most `limit` bytes; a status
/// outside 200–299 and `answers` becomes [`Error::Api`].
async fn read_whole(
    mut response: reqwest::Response,
    limit: usize,
    answers: &[u16],
    timed_out: &(dyn Fn(reqwest::Error) -> Error + Sync),
) -> Result<RawResponse, Error> {
    let status = response.status();
    let too_large = |length: u64| Error::ResponseTooLarge { status, limit, length: Some(length) };
    // A declared length past the limit fails before a byte is read; the
    // body is read chunk by chunk, and reading stops at the limit.
    if let Some(length) = response.content_length().filter(|&length| length > limit as u64) {
        return Err(too_large(length));
    }
    let headers = std::mem::take(response.headers_mut());
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut read = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(timed_out)? {
        read = read.saturating_add(chunk.len());
        if read > limit {
            return Err(Error::ResponseTooLarge { status, limit, length: None });
        }
        chunks.push(chunk);
    }
    let body = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().unwrap_or_default(),
        _ => Bytes::from(chunks.concat()),
    };
    let raw = RawResponse { status, headers, body };
    if status.is_success() || answers.contains(&status.as_u16()) { Ok(raw) } else { Err(Error::Api(ApiError { raw: Box::new(raw) })) }
}

/// Refuses a filled-in path whose parameters would change its shape: a
/// segment that is empty, `.` or `..`, also once percent-decoded (the URL
/// library resolves `%2E%2E` like `..`), would send the request to another
/// resource than the one the operation names.
fn check_path(template: &str, path: &str) -> Result<(), Error> {
    let mut patterns = template.split('/');
    let mut segments = path.split('/');
    loop {
        match (patterns.next(), segments.next()) {
            (None, None) => return Ok(()),
            (Some(pattern), Some(segment)) => {
                if pattern.contains('{') && changes_shape(segment) {
                    return Err(Error::InvalidRequest(format!(
                        "the path parameter {pattern} of {template} would be {segment:?}, which names another resource; it is not sent"
                    )));
                }
            }
            _ => {
                return Err(Error::InvalidRequest(format!("the path {path:?} does not have the shape of {template}; it is not sent")));
            }
        }
    }
}

/// Whether a path segment is empty, `.` or `..`, as it is or after one or
/// more rounds of percent-decoding.
fn changes_shape(segment: &str) -> bool {
    let mut text = std::borrow::Cow::Borrowed(segment);
    // Each round removes at least two characters, so the rounds are few.
    loop {
        if text.is_empty() || text == "." || text == ".." {
            return true;
        }
        let decoded: std::borrow::Cow<'_, [u8]> = percent_encoding::percent_decode_str(&text).into();
        if *decoded == *text.as_bytes() {
            return false;
        }
        text = std::borrow::Cow::Owned(String::from_utf8_lossy(&decoded).into_owned());
    }
}
