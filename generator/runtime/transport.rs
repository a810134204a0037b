//! The configured client and the sending of one request: attempts,
//! retries, timeouts and the trace span around them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use tracing::Instrument;

use super::error::ApiError;
use super::{Credentials, Error, RawResponse, Request, RetryPolicy};

/// Time limits of a call. `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Option<Duration>,
    /// One attempt: connecting, sending, and reading the whole response.
    pub attempt: Option<Duration>,
    /// The whole call, retries and waits included. A retry whose wait would
    /// end past it is not made: the last error is returned at once.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            attempt: Some(Duration::from_secs(30)),
            total: Some(Duration::from_secs(120)),
        }
    }
}

/// The settings a generated `ClientBuilder` collects.
#[derive(Clone)]
pub struct CoreBuilder {
    base_url: String,
    credentials: Option<(&'static str, Credentials)>,
    headers: Vec<(&'static str, String)>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.as_ref().map(|(_, c)| c))
            .field("headers", &self.headers)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    pub fn new(base_url: &str) -> Self {
        CoreBuilder {
            base_url: base_url.to_owned(),
            credentials: None,
            headers: Vec::new(),
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            http: None,
        }
    }

    pub fn base_url(&mut self, url: String) {
        self.base_url = url;
    }

    /// Sends `credentials` in the header `name` of every request.
    pub fn credentials(&mut self, name: &'static str, credentials: Credentials) {
        self.credentials = Some((name, credentials));
    }

    /// Sends the header `name` on every request, replacing an earlier value.
    pub fn header(&mut self, name: &'static str, value: String) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value));
    }

    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    pub fn timeouts(&mut self, timeouts: Timeouts) {
        self.timeouts = timeouts;
    }

    /// Uses a `reqwest::Client` the caller configured (proxies, TLS roots);
    /// its own connect timeout then applies.
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    pub fn build(self) -> Result<Core, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::InvalidRequest(format!("the base URL {base_url:?} is not a valid URL: {e}")))?;
        if parsed.cannot_be_a_base() {
            return Err(Error::InvalidRequest(format!("the base URL {base_url:?} cannot have paths appended")));
        }
        let mut headers = Vec::with_capacity(self.headers.len() + 2);
        headers.push((http::header::ACCEPT, http::HeaderValue::from_static("application/json")));
        if let Some((name, credentials)) = &self.credentials {
            headers.push((header_name(name)?, credentials.header_value()?));
        }
        for (name, value) in &self.headers {
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|_| Error::InvalidRequest(format!("the value of the header {name} is not valid in HTTP")))?;
            headers.push((header_name(name)?, value));
        }
        let http = match self.http {
            Some(client) => client,
            None => {
                // reqwest is built without a TLS crypto provider: install the
                // one the crate's features choose, unless the application
                // already installed one.
                install_crypto_provider();
                let mut builder = reqwest::Client::builder();
                if let Some(connect) = self.timeouts.connect {
                    builder = builder.connect_timeout(connect);
                }
                builder.build().map_err(Error::Transport)?
            }
        };
        let base_path = parsed.path().trim_end_matches('/').to_owned();
        Ok(Core { inner: Arc::new(CoreInner { http, base_url, base: parsed, base_path, headers, retry: self.retry, timeouts: self.timeouts }) })
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

fn header_name(name: &str) -> Result<http::HeaderName, Error> {
    http::HeaderName::try_from(name).map_err(|_| Error::InvalidRequest(format!("{name:?} is not a valid header name")))
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
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .inner
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), if v.is_sensitive() { "<redacted>" } else { v.to_str().unwrap_or("<binary>") }))
            .collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("headers", &headers)
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .finish_non_exhaustive()
    }
}

impl Core {
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends the request, retrying as the policy allows, within the
    /// timeouts; a status outside 200–299 becomes [`Error::Api`].
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "http_request",
            http.request.method = %request.method,
            http.route = request.template,
            http.response.status_code = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let result = self.send_with_retries(&request, &span).instrument(span.clone()).await;
        if let Some(status) = result.as_ref().map(|r| Some(r.status)).unwrap_or_else(Error::status) {
            span.record("http.response.status_code", status.as_u16());
        }
        result
    }

    /// The attempts of one call. Each attempt runs under one timer: the
    /// attempt timeout or, when it ends sooner, what is left of the total.
    /// A retry whose wait would end past the total deadline is not made: the
    /// last error is returned at once.
    async fn send_with_retries(&self, request: &Request, span: &tracing::Span) -> Result<RawResponse, Error> {
        let started = Instant::now();
        let total = request.options.total_timeout.or(self.inner.timeouts.total);
        let deadline = total.map(|limit| started + limit);
        let attempt_limit = request.options.attempt_timeout.or(self.inner.timeouts.attempt);
        let policy = request.options.retry.as_ref().unwrap_or(&self.inner.retry);
        let url = self.url(request);
        let mut backoff = None;
        let mut attempts = 0;
        loop {
            attempts += 1;
            span.record("attempts", attempts);
            // The first attempt starts now: what is left of the total is all of it.
            let left = match (total, deadline) {
                (Some(limit), _) if attempts == 1 => Some(limit),
                (_, Some(at)) => Some(at.saturating_duration_since(Instant::now())),
                _ => None,
            };
            let error = match self.attempt(request, &url, attempt_limit, left.zip(total)).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            let (retry, asked) = policy.decide(&request.method, &error);
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
            if deadline.is_some_and(|at| Instant::now() + wait >= at) {
                return Err(error);
            }
            // Boxed: only a retry pays for the timer's room in the future.
            Box::pin(tokio::time::sleep(wait)).await;
        }
    }

    /// The request's URL: the base URL's path, then the request's path and
    /// query.
    fn url(&self, request: &Request) -> reqwest::Url {
        let mut url = self.inner.base.clone();
        let mut path = String::with_capacity(self.inner.base_path.len() + request.path.len());
        path.push_str(&self.inner.base_path);
        path.push_str(&request.path);
        url.set_path(&path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
        }
        url
    }

    /// One attempt; `total` is the time left of the call and the call's
    /// limit.
    async fn attempt(&self, request: &Request, url: &reqwest::Url, limit: Option<Duration>, total: Option<(Duration, Duration)>) -> Result<RawResponse, Error> {
        let mut http = reqwest::Request::new(request.method.clone(), url.clone());
        let headers = http.headers_mut();
        headers.reserve(self.inner.headers.len() + request.headers.len() + 1);
        for (name, value) in &self.inner.headers {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in &request.headers {
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|_| Error::InvalidRequest(format!("the value of the header {name} is not valid in HTTP")))?;
            headers.append(header_name(name)?, value);
        }
        if let Some((content_type, body)) = &request.body {
            let value = http::HeaderValue::try_from(content_type.as_ref())
                .map_err(|_| Error::InvalidRequest(format!("the content type {content_type:?} is not valid in HTTP")))?;
            headers.insert(http::header::CONTENT_TYPE, value);
            *http.body_mut() = Some(body.clone().into());
        }
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
        let timed_out = |error: reqwest::Error| match total {
            Some(limit) if error.is_timeout() => Error::Timeout(limit),
            _ => Error::Transport(error),
        };
        *http.timeout_mut() = timer;
        let mut response = self.inner.http.execute(http).await.map_err(timed_out)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(timed_out)?;
        let raw = RawResponse { status, headers, body };
        if status.is_success() { Ok(raw) } else { Err(Error::Api(ApiError { raw: Box::new(raw) })) }
    }
}
