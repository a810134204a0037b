//! Support code every generated client shares: it knows HTTP, credentials and
//! errors, and nothing about any particular API.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;

pub use bytes::Bytes;
pub use http::{HeaderMap, Method, StatusCode};

/// Credentials sent in the `Authorization` header of every request.
///
/// Their `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP Basic: `Authorization: Basic base64(id:secret)`.
    Basic { id: String, secret: String },
    /// `Authorization: Bearer <token>`.
    Bearer { token: String },
}

impl Credentials {
    pub fn basic(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials::Basic { id: id.into(), secret: secret.into() }
    }

    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer { token: token.into() }
    }

    fn header_value(&self) -> Result<http::HeaderValue, Error> {
        let text = match self {
            Credentials::Basic { id, secret } => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
                format!("Basic {encoded}")
            }
            Credentials::Bearer { token } => format!("Bearer {token}"),
        };
        let mut value = http::HeaderValue::try_from(text)
            .map_err(|_| Error::InvalidRequest("credentials contain characters not allowed in a header".to_owned()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { id, .. } => f.debug_struct("Basic").field("id", id).field("secret", &"<redacted>").finish(),
            Credentials::Bearer { .. } => f.debug_struct("Bearer").field("token", &"<redacted>").finish(),
        }
    }
}

/// The settings a generated `ClientBuilder` collects.
#[derive(Clone)]
pub struct CoreBuilder {
    base_url: String,
    credentials: Option<(&'static str, Credentials)>,
    headers: Vec<(&'static str, String)>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.as_ref().map(|(_, c)| c))
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    pub fn new(base_url: &str) -> Self {
        CoreBuilder { base_url: base_url.to_owned(), credentials: None, headers: Vec::new(), http: None }
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

    /// Uses a `reqwest::Client` the caller configured (proxies, TLS roots).
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    pub fn build(self) -> Result<Core, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::InvalidRequest(format!("base URL {base_url:?} is not a valid URL: {e}")))?;
        if parsed.cannot_be_a_base() {
            return Err(Error::InvalidRequest(format!("base URL {base_url:?} cannot have paths appended")));
        }
        let mut headers = Vec::with_capacity(self.headers.len() + 1);
        if let Some((name, credentials)) = &self.credentials {
            headers.push((header_name(name)?, credentials.header_value()?));
        }
        for (name, value) in &self.headers {
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|_| Error::InvalidRequest(format!("the value of header {name} is not a valid header value")))?;
            headers.push((header_name(name)?, value));
        }
        let http = match self.http {
            Some(client) => client,
            None => {
                // reqwest is built without a default TLS crypto provider (ring
                // builds much faster than aws-lc); install ring unless the
                // application already chose one.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder().build().map_err(Error::Transport)?
            }
        };
        Ok(Core { inner: Arc::new(CoreInner { http, base_url, headers }) })
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
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .inner
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), if v.is_sensitive() { "<redacted>" } else { v.to_str().unwrap_or("<binary>") }))
            .collect();
        f.debug_struct("Client").field("base_url", &self.inner.base_url).field("headers", &headers).finish_non_exhaustive()
    }
}

impl Core {
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends the request and reads the whole response; a status outside
    /// 200–299 becomes [`Error::Api`].
    pub async fn send(&self, request: Request) -> Result<RawResponse, Error> {
        let url = format!("{}{}", self.inner.base_url, request.path);
        let mut builder = self.inner.http.request(request.method, url);
        for (name, value) in &self.inner.headers {
            builder = builder.header(name, value);
        }
        builder = builder.header(http::header::ACCEPT, "application/json");
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some((content_type, body)) = request.body {
            builder = builder.header(http::header::CONTENT_TYPE, content_type).body(body);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::Transport)?;
        let raw = RawResponse { status, headers, body };
        if status.is_success() { Ok(raw) } else { Err(Error::Api(ApiError { raw: Box::new(raw) })) }
    }
}

/// One request, as the generated code describes it.
#[derive(Debug)]
pub struct Request {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, Vec<u8>)>,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request { method, path, query: Vec::new(), headers: Vec::new(), body: None }
    }

    pub fn query(&mut self, name: &'static str, value: impl ToString) {
        self.query.push((name, value.to_string()));
    }

    pub fn header(&mut self, name: &'static str, value: impl ToString) {
        self.headers.push((name, value.to_string()));
    }

    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("the request body could not be encoded: {e}")))?;
        self.body = Some((content_type, bytes));
        Ok(())
    }
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved
/// characters, so that `/`, `?`, `#` and `%` in an id cannot change the path.
pub fn path_segment(value: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// A response whose body has not been decoded.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// Decodes the body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<Response<T>, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(source) => Err(Error::Decode(DecodeError { raw: Box::new(self), source })),
        }
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
    pub fn into_body(self) -> T {
        self.body
    }

    /// The server's request id (`x-request-id` or `request-id`), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id", "x-amzn-requestid"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
}

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 200–299.
    Api(ApiError),
    /// The request could not be sent, or the response not read.
    Transport(reqwest::Error),
    /// The server answered with a success status but a body that does not
    /// match the spec.
    Decode(DecodeError),
    /// The request was not sent because an argument or setting is invalid.
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.raw.status),
            Error::Transport(e) => e.status(),
            Error::InvalidRequest(_) => None,
        }
    }

    /// The raw response, when the server answered.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::Decode(e) => Some(&e.raw),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Decode(e) => e.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(&e.source),
            Error::Api(_) | Error::InvalidRequest(_) => None,
        }
    }
}

/// A status outside 200–299, with the headers and the body as sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    // Boxed so that `Result<T, Error>` stays small on the success path.
    raw: Box<RawResponse>,
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
        let text = self.body_text();
        let text = text.trim();
        if !text.is_empty() {
            let short: String = text.chars().take(200).collect();
            write!(f, ": {short}")?;
        }
        Ok(())
    }
}

/// A success status whose body did not decode.
#[derive(Debug)]
pub struct DecodeError {
    raw: Box<RawResponse>,
    source: serde_json::Error,
}

impl DecodeError {
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    pub fn body(&self) -> &Bytes {
        &self.raw.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} response body does not match the spec: {}", self.raw.status, self.source)
    }
}
