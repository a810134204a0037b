//! The record of assigned names (`specs/names.toml`): the method name each
//! operation was given, so that an operation added later never renames one
//! that exists.
//!
//! Without it, an operation's name can depend on the others: the short REST
//! name (`create_mark_as_sent`) is taken only while no other operation wants
//! it, and two that want it both fall back to their qualified names. With
//! it, a recorded name stays (like a manifest override) and a newcomer that
//! wants a taken name falls back instead. `cargo xtask regen` writes the
//! record from the model it generated, so it always lists every operation
//! and nothing else; it is deterministic text, sorted, one line per
//! operation, and reads as a review of every name change. Deleting it is
//! safe: the names are then made from the spec alone, as for the first
//! regen of a new spec.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::Api;
use crate::naming;

/// Where regen keeps the record, beside the manifest.
pub const FILE: &str = "specs/names.toml";

/// Operation key (`POST /credit-notes/{}/mark-as-sent`) → method name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameRecord {
    /// `METHOD /path` (path variables as `{}`) → the method name it was given.
    pub operations: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordFile {
    #[serde(default)]
    operations: BTreeMap<String, String>,
}

/// The key of an operation in the record: its method and its path with the
/// parameters' names left out, since renaming `{id}` to `{invoice}` changes
/// no call.
pub fn operation_key(method: &str, path: &str) -> String {
    let mut key = format!("{} ", method.to_ascii_uppercase());
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                key.push('{');
            }
            '}' => {
                in_parameter = false;
                key.push('}');
            }
            _ if in_parameter => {}
            c => key.push(c),
        }
    }
    key
}

impl NameRecord {
    /// Reads the record's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<NameRecord> {
        let parsed: RecordFile = toml::from_str(text).map_err(|e| Error::Manifest {
            file: file.to_owned(),
            message: e.to_string(),
            help: format!("delete {file} and run `cargo xtask regen` to write it again"),
        })?;
        for name in parsed.operations.values() {
            if naming::method_name(name) != *name {
                return Err(Error::Manifest {
                    file: file.to_owned(),
                    message: format!("{name:?} is not a snake_case method name"),
                    help: format!("delete {file} and run `cargo xtask regen` to write it again"),
                });
            }
        }
        Ok(NameRecord { operations: parsed.operations })
    }

    /// The names `api` gives its operations.
    pub fn of(api: &Api) -> NameRecord {
        let operations = api.operations.iter().map(|op| (operation_key(op.method.as_str(), &op.path), op.name.clone())).collect();
        NameRecord { operations }
    }

    /// The record as the text regen writes.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# The method name each operation was given, so that an operation added\n\
             # later never renames one that exists. Written by `cargo xtask regen`:\n\
             # review its changes like the generated code; delete it to name every\n\
             # operation afresh from the spec.\n\n[operations]\n",
        );
        for (key, name) in &self.operations {
            out.push_str(&format!("{} = {}\n", toml_string(key), toml_string(name)));
        }
        out
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_leave_parameter_names_out() {
        assert_eq!(operation_key("post", "/credit-notes/{id}/mark-as-sent"), "POST /credit-notes/{}/mark-as-sent");
        assert_eq!(operation_key("GET", "/a/{b}/{c}"), "GET /a/{}/{}");
    }

    #[test]
    fn the_record_reads_back_what_it_writes() {
        let record = NameRecord {
            operations: BTreeMap::from([("GET /x/{}".to_owned(), "get_x".to_owned()), ("POST /\"q\"".to_owned(), "create_q".to_owned())]),
        };
        assert_eq!(NameRecord::parse(FILE, &record.render()).map_err(|e| e.to_string()), Ok(record));
    }

    #[test]
    fn a_name_that_is_no_method_name_is_refused() {
        let err = NameRecord::parse(FILE, "[operations]\n\"GET /x\" = \"Not A Name\"\n").err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("not a snake_case method name")), "{err:?}");
    }
}
