//! A typed async client for Sequence's invoice line item API.
//!
//! Everything in this crate except this file is generated from `specs/` by
//! `cargo xtask regen`; see the repository README for how to use it.

#[rustfmt::skip]
mod generated;
pub use generated::*;
