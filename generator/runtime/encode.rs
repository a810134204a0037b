//! Turning values into query parameters, headers, form and multipart
//! bodies, following the OpenAPI serialization styles.

use serde_json::Value;

use super::Error;

/// How a query parameter that is an array or an object is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `a=1&a=2` (explode) or `a=1,2`; objects `k=v&k2=v2` or `a=k,v,k2,v2`.
    Form { explode: bool },
    /// `a=1%202`.
    SpaceDelimited,
    /// `a=1|2`.
    PipeDelimited,
    /// `a[k]=v&a[k2][x]=w`.
    DeepObject,
}

pub(crate) fn to_value<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("{name} could not be encoded: {e}")))
}

/// A scalar as parameter text: strings as they are, everything else as JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The text of a path parameter or header value (simple style).
pub fn param_text<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    Ok(simple(&to_value(name, value)?))
}

/// RFC 6570 simple style: arrays and objects comma-separated.
pub(crate) fn simple(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        Value::Object(map) => map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect::<Vec<_>>().join(","),
        scalar => scalar_text(scalar),
    }
}

/// The query pairs of one parameter.
pub(crate) fn query_pairs(name: &str, value: &Value, style: Style) -> Vec<(String, String)> {
    match (value, style) {
        (Value::Null, _) => Vec::new(),
        (Value::Array(items), Style::Form { explode: true }) => items.iter().map(|v| (name.to_owned(), scalar_text(v))).collect(),
        (Value::Array(items), Style::SpaceDelimited) => vec![(name.to_owned(), join(items, " "))],
        (Value::Array(items), Style::PipeDelimited) => vec![(name.to_owned(), join(items, "|"))],
        (Value::Array(_), _) => vec![(name.to_owned(), simple(value))],
        (Value::Object(map), Style::Form { explode: true }) => map.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect(),
        (Value::Object(_), Style::DeepObject) => {
            let mut pairs = Vec::new();
            brackets(name, value, &mut pairs);
            pairs
        }
        (Value::Object(_), _) => vec![(name.to_owned(), simple(value))],
        (scalar, _) => vec![(name.to_owned(), scalar_text(scalar))],
    }
}

fn join(items: &[Value], separator: &str) -> String {
    items.iter().map(scalar_text).collect::<Vec<_>>().join(separator)
}

/// Nested values as `name[key][0]=value` pairs, the way form bodies and
/// deepObject parameters write them.
pub(crate) fn brackets(prefix: &str, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                brackets(&format!("{prefix}[{key}]"), inner, pairs);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                brackets(&format!("{prefix}[{index}]"), inner, pairs);
            }
        }
        Value::Null => {}
        scalar => pairs.push((prefix.to_owned(), scalar_text(scalar))),
    }
}

/// An `application/x-www-form-urlencoded` body: top-level fields by name,
/// nested ones in brackets.
pub(crate) fn form_body(value: &Value) -> String {
    let mut pairs = Vec::new();
    if let Value::Object(map) = value {
        for (key, inner) in map {
            brackets(key, inner, &mut pairs);
        }
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        serializer.append_pair(key, value);
    }
    serializer.finish()
}

/// A `multipart/form-data` body with one text part per top-level field
/// (objects and arrays as JSON); returns the boundary and the bytes.
pub(crate) fn multipart_body(value: &Value) -> (String, Vec<u8>) {
    let parts: Vec<(String, String)> = match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), if v.is_object() || v.is_array() { v.to_string() } else { scalar_text(v) }))
            .collect(),
        _ => Vec::new(),
    };
    // A boundary that occurs in no part.
    let mut boundary = String::from("----openapi-client-boundary");
    while parts.iter().any(|(k, v)| k.contains(&boundary) || v.contains(&boundary)) {
        boundary.push('x');
    }
    let mut body = Vec::new();
    for (name, text) in &parts {
        let name = name.replace('"', "%22").replace(['\r', '\n'], " ");
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn styles_write_arrays_and_objects_as_the_spec_says() {
        let list = json!(["a", "b"]);
        assert_eq!(query_pairs("x", &list, Style::Form { explode: true }), [("x".into(), "a".into()), ("x".into(), "b".into())]);
        assert_eq!(query_pairs("x", &list, Style::Form { explode: false }), [("x".to_owned(), "a,b".to_owned())]);
        assert_eq!(query_pairs("x", &list, Style::PipeDelimited), [("x".to_owned(), "a|b".to_owned())]);
        let object = json!({"gt": 1, "lt": {"n": true}});
        assert_eq!(
            query_pairs("created", &object, Style::DeepObject),
            [("created[gt]".to_owned(), "1".to_owned()), ("created[lt][n]".to_owned(), "true".to_owned())]
        );
    }

    #[test]
    fn form_bodies_nest_with_brackets() {
        let body = json!({"amount": 100, "metadata": {"order": "7"}, "expand": ["a", "b"], "skip": null});
        assert_eq!(form_body(&body), "amount=100&metadata%5Border%5D=7&expand%5B0%5D=a&expand%5B1%5D=b");
    }

    #[test]
    fn multipart_bodies_have_a_part_per_field() {
        let (boundary, body) = multipart_body(&json!({"purpose": "fine-tune", "meta": {"a": 1}}));
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n")));
        assert!(text.contains("name=\"meta\"\r\n\r\n{\"a\":1}\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
