//! A path key that carries a query string (`/v1/messages/batches?beta=true`).
//!
//! OpenAPI's path keys are templates of the path alone, but real specs put
//! a query string in one to tell a variant of an operation apart from
//! another on the same path. There is one sensible reading: the path is the
//! part before `?`, and each `name=value` of the rest is a query parameter
//! that the operation always sends with that value. The key as written
//! stays the operation's identity (two keys that differ only by their query
//! string are two operations), and a warning says how it was read.

use crate::error::{Error, Location, Result, Warning};
use crate::model::ConstantQuery;

/// The query parameters the path key fixes, in its order, and the warning
/// that says so; nothing for a key without `?`. `declared` are the wire
/// names of the operation's own query parameters, which the key may not
/// fix as well: which of the two would be sent has no one answer.
pub fn constant_query(path_key: &str, declared: &[&str], at: &dyn Fn() -> Location) -> Result<(Vec<ConstantQuery>, Option<Warning>)> {
    let Some((path, query)) = path_key.split_once('?') else { return Ok((Vec::new(), None)) };
    let refuse = |message: String, help: &str| Error::Invalid { location: at(), message, help: help.to_owned() };
    if query.contains(['{', '}']) {
        return Err(refuse(
            format!("the path key {path_key:?} has a parameter in its query string, where a path template cannot have one"),
            "remove the query string from the path key and declare the parameter with `in: query`",
        ));
    }
    let mut constants = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.is_empty() {
            return Err(refuse(
                format!("the query string of the path key {path_key:?} has a value without a name"),
                "remove the query string from the path key, or give each value a name (`?name=value`)",
            ));
        }
        if declared.contains(&name.as_ref()) {
            return Err(refuse(
                format!("the path key {path_key:?} fixes the query parameter {name:?}, which the operation also declares"),
                "remove the query string from the path key, or the parameter from the operation",
            ));
        }
        constants.push(ConstantQuery { name: name.into_owned(), value: value.into_owned() });
    }
    if constants.is_empty() {
        return Ok((constants, Some(Warning::at(at(), format!("the path key {path_key:?} ends in an empty query string; the path is {path:?}")))));
    }
    let pairs: Vec<String> = constants.iter().map(|c| format!("{}={}", c.name, c.value)).collect();
    let warning = Warning::at(
        at(),
        format!(
            "the path key {path_key:?} carries a query string; the path is {path:?}, and the operation always sends {} in the query",
            pairs.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        ),
    );
    Ok((constants, Some(warning)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Location {
        Location { file: "spec.yaml".to_owned(), line: Some(3), column: Some(3), pointer: Some("/paths/x".to_owned()) }
    }

    #[test]
    fn the_template_is_the_part_before_the_question_mark() {
        assert_eq!(crate::model::path_template("/v1/messages/batches?beta=true"), "/v1/messages/batches");
        assert_eq!(crate::model::path_template("/v1/messages/{id}"), "/v1/messages/{id}");
    }

    #[test]
    fn each_pair_is_a_constant_decoded_once() {
        let (constants, warning) = constant_query("/a?beta=true&x=a%20b+c&flag", &[], &place).unwrap_or_else(|e| panic!("{e}"));
        let pairs: Vec<(&str, &str)> = constants.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect();
        assert_eq!(pairs, [("beta", "true"), ("x", "a b c"), ("flag", "")]);
        assert!(warning.is_some_and(|w| w.contains("always sends `beta=true`, `x=a b c`, `flag=`")));
    }

    #[test]
    fn a_key_without_a_query_string_fixes_nothing() {
        let (constants, warning) = constant_query("/a/{b}", &[], &place).unwrap_or_else(|e| panic!("{e}"));
        assert!(constants.is_empty() && warning.is_none());
    }

    #[test]
    fn what_has_no_one_reading_is_refused() {
        for (key, declared, expected) in [
            ("/a?x={x}", &[][..], "has a parameter in its query string"),
            ("/a?=1", &[][..], "a value without a name"),
            ("/a?limit=1", &["limit"][..], "which the operation also declares"),
        ] {
            let error = constant_query(key, declared, &place).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains(expected), "{key}: {error}");
        }
    }
}
