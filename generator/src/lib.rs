//! An OpenAPI client generator: spec files in, the files of a formatted Rust
//! client crate out. It never touches the disk; `xtask` does.
//!
//! The steps, one module each, in the order data flows through them:
//! [`load`] (text → documents) → [`merge`] (documents → one API) →
//! [`lower`] (API → [`model`](mod@model), named by [`naming`]) → [`emit`] (model →
//! tokens) → [`render`] (tokens → text). [`diff`] compares two models for
//! the API change report.

// Errors carry two locations with their files and pointers; they are built
// once per failed run, so their size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod error;
pub mod load;
pub mod locate;
pub mod lower;
pub mod manifest;
pub mod merge;
pub mod model;
pub mod naming;
pub mod openapi31;
pub mod record;
pub mod ref_siblings;
pub mod refs;
pub mod render;

use std::collections::BTreeMap;

pub use config::{Config, Layout, SpecInput};
pub use error::{Error, Location, Result};
pub use manifest::Manifest;
pub use record::NameRecord;

/// The generated files and what went into them.
#[derive(Debug)]
pub struct Output {
    /// File path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    pub model: model::Api,
}

/// Parses, merges and lowers the specs into the model.
pub fn model(config: &Config, inputs: &[SpecInput]) -> Result<model::Api> {
    lower::lower(config, &merged(config, inputs)?)
}

fn merged<'a>(config: &Config, inputs: &'a [SpecInput]) -> Result<merge::Merged<'a>> {
    config.validate()?;
    let documents = inputs.iter().map(load::load).collect::<Result<Vec<_>>>()?;
    merge::merge(config, inputs, documents)
}

/// The merged API as one OpenAPI document, for tools that read specs (mock
/// servers, linters).
pub fn merged_spec(config: &Config, inputs: &[SpecInput]) -> Result<serde_json::Value> {
    serde_json::to_value(&merged(config, inputs)?.api).map_err(|e| Error::Internal(format!("the merged document could not be written as JSON: {e}")))
}

/// The whole pipeline. Inputs may come in any order: the output is the same.
pub fn generate(config: &Config, inputs: &[SpecInput]) -> Result<Output> {
    let model = model(config, inputs)?;
    let tokens = emit::emit(&model, config.crate_name(), config.layout);
    let provenance = render::Provenance { command: &config.command, inputs };
    let files = render::render(tokens, &provenance)?;
    Ok(Output { files, model })
}
