//! Everything a call can fail with.

use std::fmt;
use std::time::Duration;

use super::response::{SHOWN_BODY, request_id};
use super::{Bytes, HeaderMap, HookError, RawResponse, StatusCode, StreamError};

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 200–299.
    Api(ApiError),
    /// The request could not be sent or the response not read: no
    /// connection, a reset, or an attempt that ran past its timeout.
    Transport(reqwest::Error),
    /// The server answered with a success status but a body that does not
    /// match the spec.
    Decode(DecodeError),
    /// The whole call, retries included, ran past its total timeout.
    Timeout(Duration),
    /// The server's answers cannot be followed (a pagination cursor that
    /// repeats).
    InvalidResponse(String),
    /// The request was not sent because an argument or setting is invalid.
    InvalidRequest(String),
    /// The response body is longer than the client's limit
    /// (`max_response_body`); reading stopped there.
    ResponseTooLarge {
        /// The status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// The length the server declared (`Content-Length`), when it did
        /// and it alone was past the limit.
        length: Option<u64>,
    },
    /// A [`Hook`](super::Hook) of the client failed; never retried. Its
    /// [`sent`](HookError::sent) says whether the attempt had gone out.
    Hook(HookError),
    /// A stream of server-sent events failed after it started: an `error`
    /// event, a body cut off inside an event, or the idle timeout.
    Stream(StreamError),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.raw.status),
            Error::Transport(e) => e.status(),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Timeout(_) | Error::InvalidResponse(_) | Error::InvalidRequest(_) | Error::Hook(_) | Error::Stream(_) => None,
        }
    }

    /// The raw response, when the server answered.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::Decode(e) => Some(&e.raw),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Decode(e) => e.fmt(f),
            Error::Timeout(after) => write!(f, "no answer within the total timeout of {after:?}"),
            Error::InvalidResponse(message) => write!(f, "invalid response: {message}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::ResponseTooLarge { status, limit, length: Some(length) } => {
                write!(f, "the {status} response body of {length} bytes is larger than the limit of {limit} bytes")
            }
            Error::ResponseTooLarge { status, limit, length: None } => {
                write!(f, "the {status} response body is larger than the limit of {limit} bytes")
            }
            Error::Hook(e) => e.fmt(f),
            Error::Stream(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(&e.source),
            Error::Hook(e) => Some(e),
            Error::Stream(e) => Some(e),
            _ => None,
        }
    }
}

/// A status outside 200–299, with the headers and the body as sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    // Boxed so that `Result<T, Error>` stays small on the success path.
    pub(crate) raw: Box<RawResponse>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.raw.headers
    }

    pub fn body(&self) -> &Bytes {
        &self.raw.body
    }

    /// The body as text (lossy for bytes that are not UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.raw.body).into_owned()
    }

    /// The body decoded as JSON, when it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw.body).ok()
    }

    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.raw.headers)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.raw.status)?;
        // Only the start of the body is looked at, however long it is.
        let body = &self.raw.body;
        let start = body.get(..SHOWN_BODY).unwrap_or(body);
        let text = String::from_utf8_lossy(start);
        let text = text.trim();
        if !text.is_empty() {
            let short: String = text.chars().take(200).collect();
            write!(f, ": {short}")?;
            if body.len() > start.len() || text.chars().nth(200).is_some() {
                write!(f, "… ({} bytes in all)", body.len())?;
            }
        }
        Ok(())
    }
}

/// A success status whose body did not decode.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) raw: Box<RawResponse>,
    /// Where in the body decoding failed (`items[0].rate`); empty for the
    /// body as a whole.
    pub(crate) path: String,
    pub(crate) source: serde_json::Error,
}

impl DecodeError {
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.raw.headers
    }

    pub fn body(&self) -> &Bytes {
        &self.raw.body
    }

    /// Where in the body decoding failed, such as `items[0].rate`; empty
    /// when the body as a whole is wrong.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "the {} response body does not match the spec: {}", self.raw.status, self.source)
        } else {
            write!(f, "the {} response body does not match the spec at `{}`: {}", self.raw.status, self.path, self.source)
        }
    }
}
