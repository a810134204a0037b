//! One request as the generated code describes it, and the per-request
//! settings a caller may give.

use std::time::Duration;

use super::{Error, Method, RetryPolicy};

/// Settings of one call that override the client's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// The retry policy for this call instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// Limit on one attempt (connecting, sending, and reading the response).
    pub attempt_timeout: Option<Duration>,
    /// Limit on the whole call, retries and waits included.
    pub total_timeout: Option<Duration>,
}

/// One request: method, path template and filled-in path, query, headers
/// and body.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<(&'static str, bytes::Bytes)>,
    pub(crate) options: RequestOptions,
}

impl Request {
    /// `template` is the spec's path (`/invoices/{invoice}`), used in traces;
    /// `path` is the same with the parameters filled in and encoded.
    pub fn new(method: Method, template: &'static str, path: String, options: RequestOptions) -> Self {
        Request { method, template, path, query: Vec::new(), headers: Vec::new(), body: None, options }
    }

    pub fn query(&mut self, name: &'static str, value: impl ToString) {
        self.query.push((name, value.to_string()));
    }

    /// A query parameter whose value is a JSON document.
    pub fn query_json<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let text = serde_json::to_string(value)
            .map_err(|e| Error::InvalidRequest(format!("the query parameter {name} could not be encoded: {e}")))?;
        self.query.push((name, text));
        Ok(())
    }

    pub fn header(&mut self, name: &'static str, value: impl ToString) {
        self.headers.push((name, value.to_string()));
    }

    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("the request body could not be encoded: {e}")))?;
        self.body = Some((content_type, bytes.into()));
        Ok(())
    }

    /// Checks an integer parameter against the range the API accepts, before
    /// anything is sent.
    pub fn check_range(name: &str, value: i64, minimum: Option<i64>, maximum: Option<i64>) -> Result<(), Error> {
        let below = minimum.is_some_and(|m| value < m);
        let above = maximum.is_some_and(|m| value > m);
        if below || above {
            let range = match (minimum, maximum) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => String::new(),
            };
            return Err(Error::InvalidRequest(format!("{name} must be {range}, not {value}")));
        }
        Ok(())
    }
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved
/// characters, so that `/`, `?`, `#` and `%` in an id cannot change the path.
pub fn path_segment(value: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}
