//! The manifest's operation entries: `"METHOD /path"`, or a path prefix
//! ending in `*` (`"POST /v1/*"`), matched against operations.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Operation;

/// One entry: a method and a path, or a path prefix.
pub struct Entry<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub prefix: bool,
}

impl Entry<'_> {
    pub fn matches(&self, operation: &Operation) -> bool {
        operation.method.as_str().eq_ignore_ascii_case(self.method)
            && if self.prefix { operation.path.starts_with(self.path) } else { operation.path == self.path }
    }

    /// How closely the entry names what it matches: an exact path before
    /// any prefix, a longer prefix before a shorter one.
    pub fn specificity(&self) -> (bool, usize) {
        (!self.prefix, self.path.len())
    }
}

/// Reads `entry` of the manifest's `section` (`[idempotency] operation`).
pub fn parse<'a>(config: &Config, section: &str, entry: &'a str) -> Result<Entry<'a>> {
    let invalid = || Error::Manifest {
        file: config.manifest_name.clone(),
        message: format!("{section} {entry:?} is not \"METHOD /path\""),
        help: "write the method and the path as the spec does, such as \"POST /customer-aliases\", or end the path in * for every path it starts (\"POST /v1/*\")".to_owned(),
    };
    let (method, path) = entry.trim().split_once(char::is_whitespace).ok_or_else(invalid)?;
    let path = path.trim();
    let known = crate::refs::METHODS.iter().any(|(_, m)| m.as_str().eq_ignore_ascii_case(method));
    if !known || !(path.starts_with('/') || path == "*") {
        return Err(invalid());
    }
    match path.strip_suffix('*') {
        Some(prefix) => Ok(Entry { method, path: prefix, prefix: true }),
        None => Ok(Entry { method, path, prefix: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Option<(String, String, bool)> {
        parse(&Config::new("x"), "[idempotency] operation", text).ok().map(|e| (e.method.to_owned(), e.path.to_owned(), e.prefix))
    }

    #[test]
    fn entries_name_a_method_and_a_path_or_a_prefix() {
        assert_eq!(entry("POST /customer-aliases"), Some(("POST".into(), "/customer-aliases".into(), false)));
        assert_eq!(entry("post /v1/*"), Some(("post".into(), "/v1/".into(), true)));
        assert_eq!(entry("POST *"), Some(("POST".into(), String::new(), true)));
        assert_eq!(entry("POST"), None);
        assert_eq!(entry("FETCH /x"), None);
        assert_eq!(entry("POST x"), None);
    }
}
