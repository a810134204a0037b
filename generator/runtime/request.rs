//! One request as the generated code describes it, and the per-request
//! settings a caller may give.

use std::borrow::Cow;
use std::time::Duration;

use super::encode::{self, Multipart, Style};
use super::{Error, Method, RetryPolicy, SecurityScheme};

/// Settings of one call that override the client's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// The retry policy for this call instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// Limit on one attempt (connecting, sending, and reading the response).
    pub attempt_timeout: Option<Duration>,
    /// Limit on the whole call, retries and waits included.
    pub total_timeout: Option<Duration>,
    /// For streams of events: the longest wait for the next bytes, instead
    /// of the client's [`Timeouts::idle`](super::Timeouts::idle).
    pub idle_timeout: Option<Duration>,
    /// For `.items()` streams: empty pages in a row (each with a new cursor)
    /// followed before the stream ends with an error; `None` is the default,
    /// [`DEFAULT_MAX_EMPTY_PAGES`](super::DEFAULT_MAX_EMPTY_PAGES).
    pub max_empty_pages: Option<usize>,
    /// For `.pages()` and `.items()` of a list paged by `Link` headers
    /// (RFC 8288): the next page's URL as the server gave it, sent instead
    /// of the operation's path and query. It must have the client's origin
    /// (scheme, host and port); a relative URL is read against the client's
    /// base URL.
    pub page_url: Option<String>,
}

/// One request: method, path template and filled-in path, query, headers
/// and body.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Headers the operation sends unless the client sets them.
    pub(crate) defaults: Vec<(&'static str, &'static str)>,
    pub(crate) body: Option<(Cow<'static, str>, bytes::Bytes)>,
    pub(crate) options: RequestOptions,
    /// The credentials the operation accepts: alternatives of schemes sent
    /// together; empty when it sends none.
    pub(crate) security: &'static [&'static [SecurityScheme]],
    /// Whether the request carries an idempotency key
    /// ([`idempotency_key`](Self::idempotency_key)), which makes re-sending
    /// it safe.
    pub(crate) idempotency_key: bool,
    /// Statuses outside 2XX that the operation reads as its answers: the
    /// redirects of one that documents no 2XX.
    pub(crate) answers: &'static [u16],
}

impl Request {
    /// `template` is the spec's path (`/invoices/{invoice}`), used in traces;
    /// `path` is the same with the parameters filled in and encoded.
    pub fn new(method: Method, template: &'static str, path: String, options: RequestOptions) -> Self {
        Request {
            method,
            template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            defaults: Vec::new(),
            body: None,
            options,
            security: &[],
            idempotency_key: false,
            answers: &[],
        }
    }

    /// Statuses outside 2XX that are this call's answers rather than
    /// [`Error::Api`]: the documented redirects of an operation that
    /// documents no 2XX (the client follows no redirect).
    pub fn answers(&mut self, statuses: &'static [u16]) {
        self.answers = statuses;
    }

    /// A query parameter whose value is text (strings, numbers, dates).
    pub fn query(&mut self, name: &'static str, value: impl ToString) {
        self.query.push((Cow::Borrowed(name), value.to_string()));
    }

    /// A query parameter of any type, written in the parameter's style.
    pub fn query_value<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style) -> Result<(), Error> {
        let value = encode::to_value(name, value)?;
        self.query.extend(encode::query_pairs(name, &value, style).into_iter().map(|(k, v)| (Cow::Owned(k), v)));
        Ok(())
    }

    /// The operation's security requirement: the client sends the
    /// credentials of the first alternative whose schemes it holds all of,
    /// and refuses to send the request when it holds none (unless an
    /// alternative is empty: credentials are optional then).
    pub fn security(&mut self, requirement: &'static [&'static [SecurityScheme]]) {
        self.security = requirement;
    }

    pub fn header(&mut self, name: &'static str, value: impl ToString) {
        self.headers.push((name, value.to_string()));
    }

    /// A header this operation sends unless the client sets one: the API
    /// version its definition is from (`Sequence-Version: 2024-01-01`), which
    /// the client's setting (`.sequence_version(…)`) overrides.
    pub fn default_header(&mut self, name: &'static str, value: &'static str) {
        self.defaults.push((name, value));
    }

    /// A header of any type, in the simple style (lists comma-separated).
    pub fn header_value<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let text = encode::param_text(name, value)?;
        self.headers.push((name, text));
        Ok(())
    }

    /// A cookie, sent with the others in one `Cookie` header.
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let text = encode::param_text(name, value)?;
        let pair = format!("{name}={text}");
        match self.headers.iter_mut().find(|(n, _)| *n == "cookie") {
            Some((_, existing)) => {
                existing.push_str("; ");
                existing.push_str(&pair);
            }
            None => self.headers.push(("cookie", pair)),
        }
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), Error> {
        let value = encode::to_value("the request body", body)?;
        self.body = Some((Cow::Borrowed(content_type), encode::form_body(&value).into_bytes().into()));
        Ok(())
    }

    /// A `multipart/form-data` body with the parts of every field, as
    /// OpenAPI's defaults for multipart bodies say.
    pub fn multipart<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let value = encode::to_value("the request body", body)?;
        self.multipart_body(encode::multipart_body(&value));
        Ok(())
    }

    /// A `multipart/form-data` body that `build` fills part by part.
    pub fn multipart_parts(&mut self, build: impl FnOnce(&mut Multipart) -> Result<(), Error>) -> Result<(), Error> {
        let mut form = Multipart::default();
        build(&mut form)?;
        self.multipart_body(form);
        Ok(())
    }

    fn multipart_body(&mut self, form: Multipart) {
        let (boundary, bytes) = form.finish();
        self.body = Some((Cow::Owned(format!("multipart/form-data; boundary={boundary}")), bytes.into()));
    }

    /// A body sent as it is (`application/octet-stream`, `text/plain`, …).
    pub fn raw_body(&mut self, content_type: &'static str, body: impl Into<bytes::Bytes>) {
        self.body = Some((Cow::Borrowed(content_type), body.into()));
    }

    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("the request body could not be encoded: {e}")))?;
        self.body = Some((Cow::Borrowed(content_type), bytes.into()));
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
/// A value with nothing to encode is borrowed, not copied.
pub fn path_segment(value: &str) -> Cow<'_, str> {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).into()
}
