//! Turning values into query parameters, headers, form and multipart
//! bodies, following the OpenAPI serialization styles.

use std::borrow::Cow;

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
    let mut form = Multipart::default();
    if let Value::Object(map) = value {
        for (name, inner) in map {
            form.text_value(name, None, inner);
        }
    }
    form.finish()
}

/// A `multipart/form-data` body, built part by part: values as text parts,
/// bytes as file parts.
#[derive(Debug, Default)]
pub struct Multipart<'a> {
    parts: Vec<Part<'a>>,
}

#[derive(Debug)]
struct Part<'a> {
    /// The part's header lines, without the final line break.
    head: String,
    data: Cow<'a, [u8]>,
}

impl<'a> Multipart<'a> {
    /// A text part: a string as it is, any other value as JSON text; a
    /// null value sends no part.
    pub fn text<T: serde::Serialize + ?Sized>(&mut self, name: &str, content_type: Option<&str>, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        self.text_value(name, content_type, &value);
        Ok(())
    }

    /// A text part per property of an object value (a map, or a union
    /// flattened into the body).
    pub fn entries<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if let Value::Object(map) = to_value("the request body", value)? {
            for (name, inner) in &map {
                self.text_value(name, None, inner);
            }
        }
        Ok(())
    }

    /// A file part: the bytes as they are, with a file name and a content type.
    pub fn file(&mut self, name: &str, file_name: &str, content_type: &str, bytes: &'a [u8]) {
        self.parts.push(Part { head: part_head(name, Some(file_name), Some(content_type)), data: Cow::Borrowed(bytes) });
    }

    fn text_value(&mut self, name: &str, content_type: Option<&str>, value: &Value) {
        let text = match value {
            Value::Null => return,
            Value::Object(_) | Value::Array(_) => value.to_string(),
            scalar => scalar_text(scalar),
        };
        self.parts.push(Part { head: part_head(name, None, content_type), data: Cow::Owned(text.into_bytes()) });
    }

    /// The boundary, and the body with the parts between boundaries.
    pub(crate) fn finish(self) -> (String, Vec<u8>) {
        // A boundary that occurs in no part; growing, it ends up longer
        // than any of them.
        let mut boundary = String::from("----openapi-client-boundary");
        while self.parts.iter().any(|part| contains(part.head.as_bytes(), &boundary) || contains(&part.data, &boundary)) {
            boundary.push('x');
        }
        let size: usize = self.parts.iter().map(|part| part.head.len() + part.data.len() + boundary.len() + 10).sum();
        let mut body = Vec::with_capacity(size + boundary.len() + 6);
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n{}\r\n\r\n", part.head).as_bytes());
            body.extend_from_slice(&part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (boundary, body)
    }
}

impl super::Request {
    /// A `multipart/form-data` body that `build` fills part by part.
    pub fn multipart_parts<'a>(&mut self, build: impl FnOnce(&mut Multipart<'a>) -> Result<(), Error>) -> Result<(), Error> {
        let mut form = Multipart::default();
        build(&mut form)?;
        let (boundary, bytes) = form.finish();
        self.body = Some((Cow::Owned(format!("multipart/form-data; boundary={boundary}")), bytes.into()));
        Ok(())
    }
}

/// `Content-Disposition` (and `Content-Type`) of a part. Quotes and line
/// breaks in names are percent-encoded, as browsers do, so a name cannot
/// end its header or start another.
fn part_head(name: &str, file_name: Option<&str>, content_type: Option<&str>) -> String {
    let quoted = |text: &str| text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
    let mut head = format!("Content-Disposition: form-data; name=\"{}\"", quoted(name));
    if let Some(file_name) = file_name {
        head.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
    }
    if let Some(content_type) = content_type {
        head.push_str("\r\nContent-Type: ");
        head.extend(content_type.chars().filter(|c| !c.is_control()));
    }
    head
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty() || haystack.windows(needle.len()).any(|window| window == needle)
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
    fn multipart_file_parts_carry_the_bytes_a_file_name_and_a_content_type() {
        let bytes = [0x89, b'P', b'N', b'G', 0xff, 0x00, b'\r', b'\n'];
        let mut form = Multipart::default();
        form.file("image", "image", "image/png", &bytes);
        assert!(form.text("n", Some("text/plain"), &2).is_ok());
        let (boundary, body) = form.finish();
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"image\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&bytes);
        expected.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"n\"\r\nContent-Type: text/plain\r\n\r\n2\r\n--{boundary}--\r\n")
                .as_bytes(),
        );
        assert_eq!(body, expected);
    }

    #[test]
    fn the_boundary_occurs_in_no_part_and_names_cannot_break_their_header() {
        let data = b"--------openapi-client-boundary and ----openapi-client-boundaryx".to_vec();
        let mut form = Multipart::default();
        form.file("a\"b\r\nX-Injected: 1", "f\"", "application/octet-stream\r\nX: y", &data);
        let (boundary, body) = form.finish();
        assert_eq!(boundary, "----openapi-client-boundaryxx");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("name=\"a%22b%0D%0AX-Injected: 1\"; filename=\"f%22\"\r\nContent-Type: application/octet-streamX: y\r\n"));
        assert_eq!(text.matches(&format!("--{boundary}")).count(), 2);
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
