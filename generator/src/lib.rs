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
#![warn(missing_docs)]

mod bundle;
mod config;
mod diagnostic;
pub mod diff;
pub mod emit;
mod error;
pub mod load;
mod locate;
pub mod lower;
mod manifest;
pub mod merge;
pub mod model;
pub mod naming;
mod openapi31;
pub mod record;
mod ref_siblings;
mod refs;
pub mod render;

use std::collections::BTreeMap;

pub use bundle::referenced_files;
pub use diagnostic::SHOWN_LINE_CHARS;
pub use config::{Config, FieldType, Idempotency, Layout, MergePolicy, PageRule, PageStyleName, Pagination, ParameterOverride, SpecInput};
pub use error::{Conflict, Error, Location, Parts, Result, Warning};
pub use manifest::Manifest;
pub use record::NameRecord;

/// The generated files and what went into them.
#[derive(Debug)]
pub struct Output {
    /// File path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    /// The model the files were made from.
    pub model: model::Api,
}

/// Parses, merges and lowers the specs into the model.
pub fn model(config: &Config, inputs: &[SpecInput]) -> Result<model::Api> {
    let (merged, origins) = merged_with_origins(config, inputs)?;
    let mut api = lower::lower(config, &merged).map_err(|error| origins.relocate(error, inputs))?;
    for location in api.warnings.iter_mut().filter_map(|warning| warning.location.as_mut()) {
        origins.relocate_location(location, inputs);
    }
    Ok(api)
}

fn merged<'a>(config: &Config, inputs: &'a [SpecInput]) -> Result<merge::Merged<'a>> {
    merged_with_origins(config, inputs).map(|(merged, _)| merged)
}

/// Entry files are loaded, each bundled with the files it refers to
/// ([`bundle`]); referenced files are read only through those references.
fn merged_with_origins<'a>(config: &Config, inputs: &'a [SpecInput]) -> Result<(merge::Merged<'a>, Origins)> {
    config.validate()?;
    let referenced: BTreeMap<&str, &SpecInput> =
        inputs.iter().filter(|i| config.is_referenced_file(&i.name)).map(|i| (i.name.as_str(), i)).collect();
    let documents = inputs
        .iter()
        .filter(|i| !config.is_referenced_file(&i.name))
        .map(|i| load::load_with(i, &referenced))
        .collect::<Result<Vec<_>>>()?;
    let origins = Origins(documents.iter().filter(|d| !d.provenance.is_empty()).map(|d| (d.name.clone(), d.provenance.clone())).collect());
    let merged = merge::merge(config, inputs, documents).map_err(|error| origins.relocate(error, inputs))?;
    Ok((merged, origins))
}

/// Each bundled entry's [`bundle::Provenance`], by entry name.
struct Origins(BTreeMap<String, bundle::Provenance>);

impl Origins {
    /// Points the error's locations into the referenced files where its
    /// content came from.
    fn relocate(&self, mut error: Error, inputs: &[SpecInput]) -> Error {
        for location in error.locations_mut() {
            self.relocate_location(location, inputs);
        }
        error
    }

    fn relocate_location(&self, location: &mut Location, inputs: &[SpecInput]) {
        if let Some(provenance) = self.0.get(&location.file) {
            let file = location.file.clone();
            provenance.relocate(location, &file, inputs);
        }
    }
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
