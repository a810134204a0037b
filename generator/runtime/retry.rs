//! When a failed attempt is tried again, and after how long.

use std::time::{Duration, SystemTime};

use super::{Error, Method, StatusCode};

/// How calls are retried: exponential backoff with jitter, a bounded number
/// of retries, and the server's `Retry-After` honoured up to a cap.
///
/// A connection that could not be made is retried for every method. For
/// `GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE` and `TRACE`, and for calls
/// that send an idempotency key, so are other transport errors (resets,
/// attempt timeouts) and the statuses 408, 429, 500, 502, 503 and 504. Any
/// other `POST` or `PATCH` is re-sent only when it never reached the server
/// (the connection could not be made), unless
/// [`retry_non_idempotent`](Self::retry_non_idempotent) is set. A
/// `Retry-After` longer than [`max_retry_after`](Self::max_retry_after), or
/// too large to represent, ends the call with that answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: usize,
    /// The wait before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The longest `Retry-After` waited for; an answer asking for more is
    /// returned to the caller instead.
    pub max_retry_after: Duration,
    /// Re-send `POST` and `PATCH` requests too (only safe when the server
    /// deduplicates them, for example by an idempotency key).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn never() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    pub fn max_retries(mut self, retries: usize) -> Self {
        self.max_retries = retries;
        self
    }

    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Whether a failed attempt may be tried again, and the wait the server
    /// asked for (`Retry-After`), if any. `keyed`: the request carries an
    /// idempotency key, so the server runs it at most once however often it
    /// is sent.
    pub(crate) fn decide(&self, method: &Method, keyed: bool, error: &Error) -> (bool, Option<Duration>) {
        let idempotent = self.retry_non_idempotent
            || keyed
            || matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE);
        match error {
            // The request never left: re-sending cannot duplicate it.
            Error::Transport(e) if e.is_connect() => (true, None),
            Error::Transport(e) if e.is_builder() || e.is_redirect() => (false, None),
            Error::Transport(_) => (idempotent, None),
            Error::Api(e) => {
                let status = e.status();
                let transient = matches!(
                    status,
                    StatusCode::REQUEST_TIMEOUT
                        | StatusCode::TOO_MANY_REQUESTS
                        | StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                ) || status == StatusCode::INTERNAL_SERVER_ERROR;
                if !transient || !idempotent {
                    return (false, None);
                }
                match e.headers().get(http::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after) {
                    // Duration::MAX stands for a wait too long to represent.
                    Some(wait) if wait > self.max_retry_after || wait == Duration::MAX => (false, None),
                    wait => (true, wait),
                }
            }
            Error::Decode(_)
            | Error::Timeout(_)
            | Error::InvalidResponse(_)
            | Error::InvalidRequest(_)
            | Error::ResponseTooLarge { .. }
            | Error::Hook(_)
            | Error::Stream(_) => (false, None),
        }
    }
}

/// `Retry-After` as seconds (`120`) or as an HTTP date. A number of
/// seconds too large for a `u64` is the longest wait there is, so that it
/// counts as longer than any cap.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("18446744073709551615"), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(parse_retry_after("18446744073709551616"), Some(Duration::MAX));
        assert_eq!(parse_retry_after("+3"), None);
    }

    fn answer(status: u16) -> Error {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
        let raw = super::super::RawResponse { status, headers: super::super::HeaderMap::new(), body: super::super::Bytes::new() };
        Error::Api(super::super::ApiError { raw: Box::new(raw) })
    }

    #[test]
    fn a_post_with_an_idempotency_key_is_retried_like_a_put() {
        let policy = RetryPolicy::default();
        for status in [408, 429, 500, 502, 503, 504] {
            assert_eq!(policy.decide(&Method::POST, true, &answer(status)), (true, None), "{status} with a key");
            assert_eq!(policy.decide(&Method::PATCH, true, &answer(status)), (true, None), "{status} with a key");
            assert_eq!(policy.decide(&Method::POST, false, &answer(status)), (false, None), "{status} without one");
        }
        // A key makes re-sending safe, not every answer worth retrying.
        assert_eq!(policy.decide(&Method::POST, true, &answer(400)), (false, None));
        assert_eq!(policy.decide(&Method::POST, true, &answer(409)), (false, None));
    }
}
