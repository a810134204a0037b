//! Responses: raw (status, headers, bytes) and decoded.

use super::{Bytes, DecodeError, Error, HeaderMap, StatusCode};

/// A response whose body has not been decoded.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
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
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(source) => Err(Error::Decode(DecodeError { raw: Box::new(self), source })),
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
