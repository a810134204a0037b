//! `NonExhaustive`: the hidden last field of every generated struct.

/// Keeps a generated struct open to new fields: code outside the crate
/// cannot write a literal of the struct without `..`, so a field the API
/// adds later breaks nobody. Build structs with their `new` function, or as
/// a literal that ends in `..Type::new(…)`.
///
/// It holds nothing, is never sent or read (`#[serde(skip)]`), and is left
/// out of the structs' `Debug` output.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NonExhaustive(());
