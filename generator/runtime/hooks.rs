//! Hooks: code of the application's own that runs around every attempt of
//! every call, to sign requests, propagate traces, count and time answers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::{Error, HeaderMap, Method, StatusCode};

/// The future [`Hook::before_attempt`] returns: boxed, so that the trait
/// stays object-safe and several hooks of different types fit in one client.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HookError>> + Send + 'a>>;

/// Code the application runs around every attempt of every call, set with
/// the client builder's `.hook(…)`. Several hooks run in the order they were
/// added; both methods do nothing unless implemented.
///
/// `before_attempt` is async because what it needs may be (a signing key
/// fetched from a key service, a token refreshed); `after_attempt` only
/// looks at what happened, so it is a plain function and cannot hold up the
/// call.
///
/// An error of either fails the call with [`Error::Hook`], which is never
/// retried: a `before_attempt` error stops the attempt before anything is
/// sent (and the hooks after it do not run); an `after_attempt` error
/// replaces the attempt's result, success or failure.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt, retries included, with the request about
    /// to go out; it may add or replace headers.
    fn before_attempt<'a>(&'a self, request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        let _ = request;
        Box::pin(std::future::ready(Ok(())))
    }

    /// Called after each attempt that was sent, with its answer (status and
    /// headers) or its failure, its number and how long it took.
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) -> Result<(), HookError> {
        let _ = outcome;
        Ok(())
    }
}

/// A hook shared with the rest of the application (its counters read
/// elsewhere) is set as an `Arc` of it.
impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn before_attempt<'a>(&'a self, request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        (**self).before_attempt(request)
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) -> Result<(), HookError> {
        (**self).after_attempt(outcome)
    }
}

/// What a hook fails with: the hook's own error, and where it stopped the
/// call. It is the content of [`Error::Hook`].
#[derive(Debug)]
pub struct HookError {
    source: Box<dyn std::error::Error + Send + Sync>,
    attempt: u32,
    sent: bool,
}

impl HookError {
    /// An error of a hook: any error type, or a message (`HookError::new("no
    /// signing key")`).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        HookError { source: error.into(), attempt: 0, sent: false }
    }

    /// The attempt (1 for the first) whose hook failed.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether that attempt had been sent: `false` when `before_attempt`
    /// failed (nothing went out), `true` when `after_attempt` did (the
    /// server may have acted on the request).
    pub fn sent(&self) -> bool {
        self.sent
    }

    /// The hook's own error.
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.source
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sent {
            write!(f, "a hook failed after attempt {}: {}", self.attempt, self.source)
        } else {
            write!(f, "a hook failed before attempt {}, which was not sent: {}", self.attempt, self.source)
        }
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The request of one attempt as [`Hook::before_attempt`] sees it, with
/// every header the client sends (credentials included: `Debug` of the
/// headers hides them).
pub struct OutgoingRequest {
    http: reqwest::Request,
    template: &'static str,
    attempt: u32,
    /// Query parameters that carry a credential: `Debug` hides their values.
    secret_query: Vec<&'static str>,
}

impl OutgoingRequest {
    pub fn method(&self) -> &Method {
        self.http.method()
    }

    /// The full URL, query included.
    pub fn url(&self) -> &reqwest::Url {
        self.http.url()
    }

    /// The operation's path template as the spec writes it (`/invoices/{id}`).
    pub fn path_template(&self) -> &'static str {
        self.template
    }

    /// 1 for the first attempt of the call, 2 for the first retry, ….
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn headers(&self) -> &HeaderMap {
        self.http.headers()
    }

    /// The headers, to add, replace or remove any of them.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.http.headers_mut()
    }

    /// Sets the header `name`, replacing any value it had. The value must be
    /// visible ASCII, spaces or tabs, as the client's own headers are.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), HookError> {
        let checked = super::transport::header_name(name)
            .and_then(|header| Ok((header, super::transport::header_value(name, value)?)));
        match checked {
            Ok((header, value)) => {
                self.http.headers_mut().insert(header, value);
                Ok(())
            }
            Err(error) => Err(HookError::new(error.to_string())),
        }
    }

    /// The body as it is sent; `None` when there is none.
    pub fn body(&self) -> Option<&[u8]> {
        self.http.body().and_then(reqwest::Body::as_bytes)
    }
}

impl fmt::Debug for OutgoingRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("method", self.http.method())
            .field("url", &super::security::redact_query(self.http.url(), &self.secret_query).as_str())
            .field("attempt", &self.attempt)
            .field("headers", self.http.headers())
            .finish_non_exhaustive()
    }
}

/// One attempt as [`Hook::after_attempt`] sees it: the server's answer, or
/// why there is none.
#[derive(Debug)]
pub struct AttemptOutcome<'a> {
    method: &'a Method,
    url: &'a reqwest::Url,
    template: &'static str,
    attempt: u32,
    elapsed: Duration,
    status: Option<StatusCode>,
    headers: Option<&'a HeaderMap>,
    error: Option<&'a Error>,
}

impl AttemptOutcome<'_> {
    pub fn method(&self) -> &Method {
        self.method
    }

    pub fn url(&self) -> &reqwest::Url {
        self.url
    }

    /// The operation's path template as the spec writes it (`/invoices/{id}`).
    pub fn path_template(&self) -> &'static str {
        self.template
    }

    /// 1 for the first attempt of the call, 2 for the first retry, ….
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// From sending the request to the end of the response body, or to
    /// the failure.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The status the server answered with; `None` when there was no
    /// answer (no connection, a reset, a timeout).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The response's headers; `None` when there was no answer, or when it
    /// was refused before they were kept (a body too large).
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.headers
    }

    /// Why the attempt failed ([`Error::Api`] for a status outside
    /// 200–299); `None` for a success.
    pub fn error(&self) -> Option<&Error> {
        self.error
    }
}

/// The hooks of one client, in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Hooks(Vec<Arc<dyn Hook>>);

impl Hooks {
    pub(crate) fn push(&mut self, hook: Arc<dyn Hook>) {
        self.0.push(hook);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs every `before_attempt` in order on `http`, within `limit` when
    /// there is one (what is left of the call's total time, `total`).
    pub(crate) async fn before(
        &self,
        http: reqwest::Request,
        template: &'static str,
        attempt: u32,
        secret_query: Vec<&'static str>,
        limit: Option<(Duration, Duration)>,
    ) -> Result<reqwest::Request, Error> {
        let mut request = OutgoingRequest { http, template, attempt, secret_query };
        let run = async {
            for hook in &self.0 {
                hook.before_attempt(&mut request).await.map_err(|e| Error::Hook(HookError { attempt, sent: false, ..e }))?;
            }
            Ok::<(), Error>(())
        };
        match limit {
            Some((left, total)) => tokio::time::timeout(left, run).await.map_err(|_| Error::Timeout(total))??,
            None => run.await?,
        }
        Ok(request.http)
    }

    /// Runs every `after_attempt` in order on the attempt's result.
    pub(crate) fn after(
        &self,
        method: &Method,
        url: &reqwest::Url,
        template: &'static str,
        attempt: u32,
        elapsed: Duration,
        result: &Result<super::transport::Answer, Error>,
    ) -> Result<(), Error> {
        let (status, headers, error) = match result {
            Ok(answer) => (Some(answer.status()), Some(answer.headers()), None),
            Err(error) => (error.status(), error.response().map(|raw| &raw.headers), Some(error)),
        };
        let outcome = AttemptOutcome { method, url, template, attempt, elapsed, status, headers, error };
        for hook in &self.0 {
            hook.after_attempt(&outcome).map_err(|e| Error::Hook(HookError { attempt, sent: true, ..e }))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}
