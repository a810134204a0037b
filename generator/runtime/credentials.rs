//! Credentials, which never show in any formatted output.

use std::fmt;

use base64::Engine as _;

use super::Error;

/// Credentials sent in the `Authorization` header of every request.
///
/// Neither `Debug` nor any error message ever shows the secret.
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

    /// Basic credentials from two environment variables.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the variable that is unset or empty
    /// (never its value).
    pub fn basic_from_env(id_variable: &str, secret_variable: &str) -> Result<Self, Error> {
        let read = |name: &str| match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            _ => Err(Error::InvalidRequest(format!("the environment variable {name} is not set"))),
        };
        Ok(Credentials::basic(read(id_variable)?, read(secret_variable)?))
    }

    pub(crate) fn header_value(&self) -> Result<http::HeaderValue, Error> {
        let text = match self {
            Credentials::Basic { id, secret } => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
                format!("Basic {encoded}")
            }
            Credentials::Bearer { token } => format!("Bearer {token}"),
        };
        let mut value = http::HeaderValue::try_from(text)
            .map_err(|_| Error::InvalidRequest("the credentials contain characters not allowed in a header".to_owned()))?;
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
