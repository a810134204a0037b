//! `Update<T>`: a field of an update request that can be left alone,
//! cleared, or set.

/// A field of a `PUT`/`PATCH` body: left out of the request
/// ([`Unchanged`](Update::Unchanged), the default), sent as `null` to clear
/// it ([`Clear`](Update::Clear)), or sent with a value ([`Set`](Update::Set)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Update<T> {
    #[default]
    Unchanged,
    Clear,
    Set(T),
}

impl<T> Update<T> {
    /// True for [`Update::Unchanged`]: the field is not sent.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Update::Unchanged)
    }

    /// The value, when one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Update::Set(value) => Some(value),
            Update::Unchanged | Update::Clear => None,
        }
    }
}

impl<T> From<T> for Update<T> {
    fn from(value: T) -> Self {
        Update::Set(value)
    }
}

impl<T> From<Option<T>> for Update<T> {
    /// `Some` sets the field, `None` clears it.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Update::Set(value),
            None => Update::Clear,
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Update<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Fields use `skip_serializing_if = "Update::is_unchanged"`; an
            // unchanged value serialized anyway (inside a list, say) is null.
            Update::Unchanged | Update::Clear => serializer.serialize_none(),
            Update::Set(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Update<T> {
    /// A missing field is `Unchanged` (with `#[serde(default)]`), `null` is
    /// `Clear`, anything else is `Set`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}
