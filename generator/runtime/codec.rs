//! Per-field serde adapters for values whose wire form is a string: exact
//! decimals and timestamps. Fields opt in with `#[serde(with = …)]`.

use super::Update;

/// A value sent as a string, read back exactly.
pub trait WireString: Sized {
    fn to_wire(&self) -> String;
    fn from_wire(text: &str) -> Result<Self, String>;
}

impl WireString for rust_decimal::Decimal {
    /// Keeps the scale: `"20000.10"` stays `"20000.10"`, and the sign of a
    /// negative zero: `"-0.00"` stays `"-0.00"`.
    fn to_wire(&self) -> String {
        self.to_string()
    }

    /// Only the plain form the API sends: an optional `-`, digits, and
    /// optionally `.` and more digits (`"-1234.50"`). No `+`, exponent,
    /// underscores, spaces, or missing digits on either side of the point
    /// (`".5"`, `"1."`). A value with more digits than a `Decimal` holds
    /// (28 or 29 significant digits) is an error, never rounded.
    fn from_wire(text: &str) -> Result<Self, String> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !plain(whole) || !plain(fraction) {
            return Err(format!("{text:?} is not a plain decimal number (digits, optionally a `-` and a `.`)"));
        }
        let mut value = rust_decimal::Decimal::from_str_exact(text)
            .map_err(|e| format!("{text:?} cannot be held exactly by a 96-bit decimal: {e}"))?;
        // rust_decimal's parser drops the sign of a zero; put it back, so
        // that the value is written back as it came.
        if text.starts_with('-') {
            value.set_sign_negative(true);
        }
        Ok(value)
    }
}

impl WireString for chrono::DateTime<chrono::FixedOffset> {
    /// RFC 3339 with the offset kept; UTC is written `Z`.
    fn to_wire(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    fn from_wire(text: &str) -> Result<Self, String> {
        chrono::DateTime::parse_from_rfc3339(text).map_err(|e| format!("{text:?} is not an RFC 3339 timestamp: {e}"))
    }
}

fn parse<'de, T: WireString, D: serde::Deserializer<'de>>(text: &str) -> Result<T, D::Error> {
    T::from_wire(text).map_err(serde::de::Error::custom)
}

/// A required field.
pub mod as_string {
    use super::WireString;
    use serde::Deserialize;

    pub fn serialize<T: WireString, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_wire())
    }

    pub fn deserialize<'de, T: WireString, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        super::parse::<T, D>(&text)
    }
}

/// An optional field.
pub mod as_string_option {
    use super::WireString;
    use serde::Deserialize;

    pub fn serialize<T: WireString, S: serde::Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_some(&value.to_wire()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: WireString, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(deserializer)? {
            Some(text) => super::parse::<T, D>(&text).map(Some),
            None => Ok(None),
        }
    }
}

/// An optional field of an update body.
pub mod as_string_update {
    use super::{Update, WireString};
    use serde::Deserialize;

    pub fn serialize<T: WireString, S: serde::Serializer>(value: &Update<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Update::Set(value) => serializer.serialize_some(&value.to_wire()),
            Update::Clear | Update::Unchanged => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: WireString, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Update<T>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(deserializer)? {
            Some(text) => super::parse::<T, D>(&text).map(Update::Set),
            None => Ok(Update::Clear),
        }
    }
}
