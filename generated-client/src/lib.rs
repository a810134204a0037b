//! A typed async client for Sequence's invoice line item API.
//!
//! Everything in this crate except this file is generated from `specs/` by
//! `cargo xtask regen`; see the repository README for how to use it.

#[rustfmt::skip]
mod generated;
pub use generated::*;

/// The README's examples compile as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
