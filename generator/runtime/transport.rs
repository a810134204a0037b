//! The configured client and the sending of one request: attempts,
//! retries, timeouts and the trace span around them.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
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
    /// The whole call, retries and waits included.
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
                // reqwest is built without a default TLS crypto provider (ring
                // builds much faster than aws-lc); install ring unless the
                // application already chose one.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut builder = reqwest::Client::builder();
                if let Some(connect) = self.timeouts.connect {
                    builder = builder.connect_timeout(connect);
                }
                builder.build().map_err(Error::Transport)?
            }
        };
        Ok(Core { inner: Arc::new(CoreInner { http, base_url, headers, retry: self.retry, timeouts: self.timeouts }) })
    }
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

/// A failed attempt and whether to try again.
struct Failed {
    error: Error,
    retry: bool,
    wait: Option<Duration>,
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
        let total = request.options.total_timeout.or(self.inner.timeouts.total);
        let work = self.send_with_retries(&request, &span);
        let result = match total {
            Some(limit) => tokio::time::timeout(limit, work).instrument(span.clone()).await.unwrap_or(Err(Error::Timeout(limit))),
            None => work.instrument(span.clone()).await,
        };
        if let Some(status) = result.as_ref().map(|r| Some(r.status)).unwrap_or_else(Error::status) {
            span.record("http.response.status_code", status.as_u16());
        }
        result
    }

    async fn send_with_retries(&self, request: &Request, span: &tracing::Span) -> Result<RawResponse, Error> {
        let policy = request.options.retry.as_ref().unwrap_or(&self.inner.retry);
        let attempts = AtomicUsize::new(0);
        let attempt = || async {
            let number = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            span.record("attempts", number);
            self.attempt(request).await.map_err(|error| {
                let (retry, wait) = policy.decide(&request.method, &error);
                Failed { error, retry, wait }
            })
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.initial_backoff)
            .with_max_delay(policy.max_backoff)
            .with_max_times(policy.max_retries)
            .with_jitter();
        attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|failed: &Failed| failed.retry)
            // The server's Retry-After replaces the backoff, but never adds
            // attempts beyond the policy's (`None` from backon means stop).
            .adjust(|failed: &Failed, backoff| backoff.map(|b| failed.wait.unwrap_or(b)))
            .await
            .map_err(|failed| failed.error)
    }

    async fn attempt(&self, request: &Request) -> Result<RawResponse, Error> {
        let url = format!("{}{}", self.inner.base_url, request.path);
        let mut builder = self.inner.http.request(request.method.clone(), url);
        for (name, value) in &self.inner.headers {
            builder = builder.header(name, value);
        }
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some((content_type, body)) = &request.body {
            builder = builder.header(http::header::CONTENT_TYPE, content_type.as_ref()).body(body.clone());
        }
        if let Some(limit) = request.options.attempt_timeout.or(self.inner.timeouts.attempt) {
            builder = builder.timeout(limit);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::Transport)?;
        let raw = RawResponse { status, headers, body };
        if status.is_success() { Ok(raw) } else { Err(Error::Api(ApiError { raw: Box::new(raw) })) }
    }
}
