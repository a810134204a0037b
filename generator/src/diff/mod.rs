//! Two models → what changed for code that uses the generated crate.
//!
//! [`diff`] compares the model of a base with the model of a change and
//! classifies every difference the way semver sees the Rust crate (and the
//! way cargo-semver-checks does): **breaking** when some code that compiled
//! against the old crate may not compile against the new one, **compatible**
//! otherwise. The rules follow from the shape of the generated code:
//!
//! - every struct ends in a hidden field (`#[doc(hidden)] pub
//!   __non_exhaustive`), so code outside the crate builds one only through
//!   `new(required fields…)`, the setters of request bodies, or a literal
//!   ending in `..T::new(…)`: a new optional field is compatible, a new
//!   required field (or a flattened union) is a new argument of `new`, and a
//!   field whose Rust type changes (`T` ↔ `Option<T>`, in either direction)
//!   breaks the code reading it;
//! - string enums, unions and the enums of multi-status responses are
//!   `#[non_exhaustive]`: a new value, variant or status is compatible;
//! - the `Api` trait's methods have default bodies (an
//!   `Error::InvalidRequest`): a new operation is compatible;
//! - an operation's `…Request` struct is `#[non_exhaustive]`: a new optional
//!   parameter is a new setter, compatible; a required one is a new argument.
//!
//! Descriptions, summaries and examples are documentation: not reported.
//!
//! The shapes come from the model, never from a copy of `emit`'s rules:
//! each field's declaration and setter, the request struct, the response
//! enum and its variants, the fallback variants and the map field are all
//! decided by `lower`.

mod client;
mod operations;
mod security;
mod types;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Api, TypeKind, TypeRef};

/// Whether code using the crate has to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Some code that compiled before may not compile now: a major release.
    Breaking,
    /// Everything that compiled still compiles: a minor release.
    Compatible,
}

/// What sort of difference a [`Change`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Something new: an operation, type, field, parameter, value, header.
    Added,
    /// Something gone.
    Removed,
    /// Something still there, but different: a type, a name, a default.
    Changed,
}

/// One difference between the two APIs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Change {
    /// Whether code using the crate has to change for it.
    pub impact: Impact,
    /// The Rust item it is about: `types::LineItem`, `Client::update_line_item`.
    pub item: String,
    /// What sort of difference it is.
    pub kind: Kind,
    /// What changed, naming spec things by their wire names.
    pub change: String,
    /// What it means for code using the crate.
    pub effect: String,
}

/// Every change, breaking ones first, then sorted by item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes, breaking ones first, then sorted by item.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether nothing changed for code using the crate.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.impact == Impact::Breaking).count()
    }

    /// How many changes are compatible.
    pub fn compatible(&self) -> usize {
        self.changes.iter().filter(|c| c.impact == Impact::Compatible).count()
    }

    /// The impact of the whole change: the worst of its parts.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).min()
    }
}

/// What changed from `old` to `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut out = Changes::default();
    // A renamed type is reported once; everywhere else the old model uses
    // its new name, so that the fields and calls using it do not show up as
    // changed types.
    let renamed = type_renames(old, new);
    for (before, after) in &renamed {
        let wire = old.types.iter().find(|t| &t.name == before).map_or("", |t| t.wire_name.as_str());
        out.breaking(
            &format!("types::{before}"),
            Kind::Changed,
            format!("schema `{wire}` renamed to `{after}`"),
            format!("code naming `types::{before}` must name `types::{after}`"),
        );
    }
    let old = &with_new_names(old, &renamed);
    operations::compare(old, new, &mut out);
    types::compare(old, new, &mut out);
    client::compare(old, new, &mut out);
    security::compare_schemes(old, new, &mut out);
    let mut changes = out.0;
    changes.sort();
    changes.dedup();
    Report { changes }
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn breaking(&mut self, item: &str, kind: Kind, change: String, effect: String) {
        self.0.push(Change { impact: Impact::Breaking, item: item.to_owned(), kind, change, effect });
    }

    fn compatible(&mut self, item: &str, kind: Kind, change: String, effect: String) {
        self.0.push(Change { impact: Impact::Compatible, item: item.to_owned(), kind, change, effect });
    }

    fn deprecation(&mut self, item: &str, old: bool, new: bool) {
        match (old, new) {
            (false, true) => self.compatible(item, Kind::Changed, "marked deprecated".to_owned(), "uses of it warn".to_owned()),
            (true, false) => self.compatible(item, Kind::Changed, "no longer deprecated".to_owned(), "uses of it stop warning".to_owned()),
            _ => {}
        }
    }
}

/// Entries of two lists by key: only in the old, only in the new, in both.
struct Matched<'a, T> {
    removed: Vec<&'a T>,
    added: Vec<&'a T>,
    both: Vec<(&'a T, &'a T)>,
}

fn match_by<'a, T, K: Ord>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> K) -> Matched<'a, T> {
    let old_by_key: BTreeMap<K, &T> = old.iter().map(|t| (key(t), t)).collect();
    let new_by_key: BTreeMap<K, &T> = new.iter().map(|t| (key(t), t)).collect();
    let removed = old_by_key.iter().filter(|(k, _)| !new_by_key.contains_key(*k)).map(|(_, t)| *t).collect();
    let added = new_by_key.iter().filter(|(k, _)| !old_by_key.contains_key(*k)).map(|(_, t)| *t).collect();
    let both = old_by_key.iter().filter_map(|(k, o)| new_by_key.get(k).map(|n| (*o, *n))).collect();
    Matched { removed, added, both }
}

/// Pairs a removed entry with the one added entry that has the same
/// identity (`same`), which makes the pair a rename.
fn renames<'a, T>(matched: &mut Matched<'a, T>, same: impl Fn(&T, &T) -> bool) -> Vec<(&'a T, &'a T)> {
    let mut pairs = Vec::new();
    let mut unmatched = Vec::new();
    for old in std::mem::take(&mut matched.removed) {
        let candidates: Vec<usize> = matched.added.iter().enumerate().filter(|(_, new)| same(old, new)).map(|(i, _)| i).collect();
        match candidates[..] {
            [only] => pairs.push((old, matched.added.remove(only))),
            _ => unmatched.push(old),
        }
    }
    matched.removed = unmatched;
    pairs
}

/// Types that only changed their Rust name (the manifest renamed them, or a
/// name they collided with went away): old name → new name. The schema
/// name stays.
fn type_renames(old: &Api, new: &Api) -> BTreeMap<String, String> {
    let mut matched = match_by(&old.types, &new.types, |t| t.name.clone());
    renames(&mut matched, |a, b| !a.wire_name.is_empty() && a.wire_name == b.wire_name)
        .into_iter()
        .map(|(before, after)| (before.name.clone(), after.name.clone()))
        .collect()
}

/// `api` with the renamed types under their new names, wherever they are used.
fn with_new_names(api: &Api, renamed: &BTreeMap<String, String>) -> Api {
    fn rename(ty: &mut TypeRef, renamed: &BTreeMap<String, String>) {
        match ty {
            TypeRef::Named(name) => {
                if let Some(new) = renamed.get(name.as_str()) {
                    name.clone_from(new);
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => rename(inner, renamed),
            _ => {}
        }
    }
    let mut api = api.clone();
    if renamed.is_empty() {
        return api;
    }
    for operation in &mut api.operations {
        operation.params.iter_mut().for_each(|p| rename(&mut p.ty, renamed));
        operation.body.iter_mut().for_each(|b| rename(&mut b.ty, renamed));
        operation.success.iter_mut().filter_map(|s| s.ty.as_mut()).for_each(|ty| rename(ty, renamed));
        operation.pagination.iter_mut().for_each(|p| rename(&mut p.item_type, renamed));
    }
    for def in &mut api.types {
        if let Some(new) = renamed.get(&def.name) {
            def.name.clone_from(new);
        }
        match &mut def.kind {
            TypeKind::Struct { fields, additional, flattened } => {
                fields.iter_mut().for_each(|f| rename(&mut f.ty, renamed));
                additional.iter_mut().for_each(|a| rename(&mut a.ty, renamed));
                flattened.iter_mut().for_each(|f| rename(&mut f.ty, renamed));
            }
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| rename(&mut v.ty, renamed)),
            TypeKind::Alias { target } => rename(target, renamed),
            TypeKind::Enum { .. } => {}
        }
    }
    api
}

fn presence(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}
