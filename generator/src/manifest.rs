//! `specs/codegen.toml`: which spec files make up the API, their version
//! labels, and the overrides, all as data.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::{Config, FieldType, Idempotency, Pagination, ParameterOverride};
use crate::error::{Error, Result};

/// The manifest, read: the spec files that make up the API, and the
/// overrides that [`Manifest::config`] turns into a [`Config`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "crate")]
    pub(crate) krate: CrateSection,
    /// The `[[spec]]` entries: the entry files, in the manifest's order.
    #[serde(default, rename = "spec")]
    pub specs: Vec<SpecEntry>,
    #[serde(default)]
    pub(crate) renames: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) operations: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) prefer: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) merge: MergeSection,
    #[serde(default)]
    pub(crate) fields: BTreeMap<String, FieldType>,
    #[serde(default)]
    pub(crate) parameters: BTreeMap<String, ParameterOverride>,
    #[serde(default)]
    pub(crate) pagination: Option<Pagination>,
    #[serde(default)]
    pub(crate) idempotency: Option<Idempotency>,
    #[serde(default)]
    pub(crate) client: ClientSection,
    #[serde(default)]
    pub(crate) names: NamesSection,
}

/// `[merge]`: which definition the client uses where versions differ.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeSection {
    /// `"newest"`: the newest version's definition of everything.
    pub prefer: Option<MergePreference>,
    /// `"METHOD /path"` = version label: that version's definition of the operation.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Schema name = version label: that version's definition of the schema.
    #[serde(default)]
    pub schemas: BTreeMap<String, String>,
}

/// The values of `[merge] prefer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MergePreference {
    Newest,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesSection {
    /// Schemas named `<prefix><eight-digit date><Name>` are `Name` as of
    /// that version.
    pub version_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSection {
    /// Credentials are read from `<PREFIX>_CLIENT_ID` and `<PREFIX>_CLIENT_SECRET`.
    pub env_prefix: Option<String>,
    /// Header parameters set once on the client instead of on each call.
    pub headers: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateSection {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecEntry {
    /// Path relative to the manifest's folder.
    pub file: String,
    /// The API version label the file documents (`latest`, `2024-07-30`).
    pub version: String,
    /// Where the file came from, for people.
    #[serde(default)]
    pub source: Option<String>,
}

impl Manifest {
    /// Parses the manifest text; `name` is how the file is shown in errors.
    pub fn parse(name: &str, text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| Error::Manifest {
            file: name.to_owned(),
            message: e.to_string().trim_end().to_owned(),
            help: "see the comments at the top of the manifest for its format".to_owned(),
        })?;
        if manifest.specs.is_empty() {
            return Err(Error::Manifest {
                file: name.to_owned(),
                message: "no [[spec]] entries".to_owned(),
                help: "list each spec file: [[spec]] file = \"x.yaml\" version = \"2024-07-30\"".to_owned(),
            });
        }
        let mut seen = BTreeMap::new();
        for spec in &manifest.specs {
            if seen.insert(spec.file.as_str(), ()).is_some() {
                return Err(Error::Manifest {
                    file: name.to_owned(),
                    message: format!("spec file {:?} is listed twice", spec.file),
                    help: "remove the second [[spec]] entry".to_owned(),
                });
            }
            if spec.file.contains("..") || spec.file.starts_with('/') {
                return Err(Error::Manifest {
                    file: name.to_owned(),
                    message: format!("spec file {:?} is outside the manifest's folder", spec.file),
                    help: "vendor the file into specs/ and name it relative to specs/".to_owned(),
                });
            }
        }
        Ok(manifest)
    }

    /// The generator configuration this manifest describes.
    pub fn config(&self, manifest_name: &str) -> Config {
        let mut config = Config::new(&self.krate.name).manifest_name(manifest_name);
        config.renames = self.renames.clone();
        config.operation_names = self.operations.clone();
        config.prefer = self.prefer.clone();
        config.merge = crate::config::MergePolicy {
            prefer_newest: self.merge.prefer == Some(MergePreference::Newest),
            operations: self.merge.operations.clone(),
            schemas: self.merge.schemas.clone(),
        };
        config.field_types = self.fields.clone();
        config.parameters = self.parameters.clone();
        config.pagination = self.pagination.clone();
        config.idempotency = self.idempotency.clone();
        config.env_prefix = self.client.env_prefix.clone();
        config.version_prefix = self.names.version_prefix.clone();
        config.client_headers = self.client.headers.clone();
        config
    }
}
