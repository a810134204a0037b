//! Responses: raw (status, headers, bytes) and decoded.

use std::fmt;

use super::{Bytes, DecodeError, Error, HeaderMap, StatusCode};

/// A response whose body has not been decoded.
#[derive(Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// The most of a body `Debug` shows; [`RawResponse::body`] has all of it.
pub(crate) const SHOWN_BODY: usize = 4096;

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &ShownBody(&self.body))
            .finish()
    }
}

/// The first [`SHOWN_BODY`] bytes of a body, and its length when it is
/// longer.
pub(crate) struct ShownBody<'a>(pub(crate) &'a Bytes);

impl fmt::Debug for ShownBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.get(..SHOWN_BODY) {
            Some(shown) if self.0.len() > SHOWN_BODY => {
                write!(f, "{:?}… ({} bytes in all)", Bytes::copy_from_slice(shown), self.0.len())
            }
            _ => fmt::Debug::fmt(self.0, f),
        }
    }
}

impl RawResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Decodes the body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<Response<T>, Error> {
        // serde_path_to_error keeps where in the body decoding failed
        // (`items[0].rate`), which serde_json's own error does not name.
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| (e.path().to_string(), e.into_inner()));
        match decoded.and_then(|body| deserializer.end().map(|()| body).map_err(|e| (String::new(), e))) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err((path, source)) => {
                let path = if path == "." { String::new() } else { path };
                Err(Error::Decode(DecodeError { raw: Box::new(self), path, source }))
            }
        }
    }

    /// The body as text.
    pub fn text(self) -> Result<Response<String>, Error> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(_) => Err(Error::InvalidResponse(format!("the {} response body is not UTF-8 text", self.status))),
        }
    }

    /// The body as bytes.
    pub fn bytes(self) -> Response<Bytes> {
        Response { status: self.status, headers: self.headers, body: self.body }
    }

    /// A response without a body (or whose body is not read).
    pub fn empty(self) -> Response<()> {
        Response { status: self.status, headers: self.headers, body: () }
    }
}

/// A decoded response with its status and headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T> Response<T> {
    /// A response for tests and mock implementations: status 200, no headers.
    pub fn new(body: T) -> Self {
        Response { status: StatusCode::OK, headers: HeaderMap::new(), body }
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }

    pub fn into_body(self) -> T {
        self.body
    }

    /// The server's request id (`x-request-id` or `request-id`), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id"].iter().find_map(|name| headers.get(*name)).and_then(|v| v.to_str().ok())
}
