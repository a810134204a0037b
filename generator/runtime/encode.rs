//! Turning values into query parameters, headers, form and multipart
//! bodies, following the OpenAPI serialization styles.

use bytes::Bytes;
use serde_json::Value;

use super::{Error, File};

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
        // OpenAPI defines deepObject for objects only; APIs that use it for
        // arrays (Stripe's `expand`) read them indexed, as in form bodies:
        // `expand[0]=a&expand[1]=b`.
        (Value::Array(_) | Value::Object(_), Style::DeepObject) => {
            let mut pairs = Vec::new();
            brackets(name, value, &mut pairs);
            pairs
        }
        (Value::Array(_), _) => vec![(name.to_owned(), simple(value))],
        (Value::Object(map), Style::Form { explode: true }) => map.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect(),
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

/// A `multipart/form-data` body with the parts of every top-level field.
pub(crate) fn multipart_body(value: &Value) -> Multipart {
    let mut form = Multipart::default();
    if let Value::Object(map) = value {
        for (name, inner) in map {
            form.value_parts(name, None, inner);
        }
    }
    form
}

/// A `multipart/form-data` body, built part by part: values as text parts,
/// [`File`]s as file parts.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug)]
struct Part {
    /// The part's header lines, without the final line break.
    head: String,
    data: Bytes,
}

impl Multipart {
    /// The parts of a value, as OpenAPI's defaults for multipart bodies
    /// say: a string as it is and other scalars as their text, an object as
    /// JSON (`application/json` unless `content_type` is given), an array
    /// as a part per item (written the same way), all with the same name. A
    /// null value sends no part.
    pub fn text<T: serde::Serialize + ?Sized>(&mut self, name: &str, content_type: Option<&str>, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        self.value_parts(name, content_type, &value);
        Ok(())
    }

    /// The text parts of a value in the `style` the spec's `encoding` gives
    /// it: deepObject a part per leaf, named `name[key]` (`name[0]` for an
    /// item of an array); form with explode a part per item of an array
    /// (named `name`) or per entry of an object (named by its key); other
    /// styles one part, the items joined. The parts carry no content type.
    pub fn styled<T: serde::Serialize + ?Sized>(&mut self, name: &str, style: Style, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        for (part_name, text) in query_pairs(name, &value, style) {
            self.parts.push(Part { head: part_head(&part_name, None, None), data: Bytes::from(text) });
        }
        Ok(())
    }

    /// The parts of every property of an object value (a map, or a union
    /// flattened into the body).
    pub fn entries<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if let Value::Object(map) = to_value("the request body", value)? {
            for (name, inner) in &map {
                self.value_parts(name, None, inner);
            }
        }
        Ok(())
    }

    /// A file part with the bytes as they are. Its `filename` is the file's
    /// name, else `name`; its `Content-Type` the file's content type, else
    /// `content_type` (the spec's), else `application/octet-stream`.
    pub fn file(&mut self, name: &str, content_type: Option<&str>, file: &File) {
        let file_name = file.name.as_deref().unwrap_or(name);
        let content_type = file.content_type.as_deref().or(content_type).unwrap_or("application/octet-stream");
        self.parts.push(Part { head: part_head(name, Some(file_name), Some(content_type)), data: file.bytes.clone() });
    }

    fn value_parts(&mut self, name: &str, content_type: Option<&str>, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.value_part(name, content_type, item)),
            other => self.value_part(name, content_type, other),
        }
    }

    fn value_part(&mut self, name: &str, content_type: Option<&str>, value: &Value) {
        let (text, default_type) = match value {
            Value::Null => return,
            Value::Object(_) | Value::Array(_) => (value.to_string(), Some("application/json")),
            scalar => (scalar_text(scalar), None),
        };
        self.parts.push(Part { head: part_head(name, None, content_type.or(default_type)), data: Bytes::from(text) });
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
            query_pairs("expand", &json!(["a", "b"]), Style::DeepObject),
            [("expand[0]".to_owned(), "a".to_owned()), ("expand[1]".to_owned(), "b".to_owned())]
        );
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

    /// The body that parts with these heads and data make under `boundary`.
    fn wire(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (head, data) in parts {
            out.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }

    #[test]
    fn file_parts_take_name_and_type_from_the_file_then_the_spec_then_the_default() {
        let bytes: &'static [u8] = &[0x89, b'P', b'N', b'G', 0xff, 0x00, b'\r', b'\n'];
        let mut form = Multipart::default();
        form.file("image", Some("image/png"), &File::new(bytes).name("cat.webp").content_type("image/webp"));
        form.file("image", Some("image/png"), &File::new(bytes));
        form.file("mask", None, &File::new(bytes).name("mask.bin"));
        let (boundary, body) = form.finish();
        let expected = wire(
            &boundary,
            &[
                ("Content-Disposition: form-data; name=\"image\"; filename=\"cat.webp\"\r\nContent-Type: image/webp", bytes),
                ("Content-Disposition: form-data; name=\"image\"; filename=\"image\"\r\nContent-Type: image/png", bytes),
                ("Content-Disposition: form-data; name=\"mask\"; filename=\"mask.bin\"\r\nContent-Type: application/octet-stream", bytes),
            ],
        );
        assert_eq!(body, expected, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn values_follow_the_multipart_defaults() {
        let mut form = Multipart::default();
        let sent = [
            form.text("n", Some("text/plain"), &2),
            form.text("s", None, "plain \"text\""),
            form.text("meta", None, &json!({"a": [1, 2]})),
            form.text("typed", Some("application/vnd.x+json"), &json!({"b": null})),
            form.text("tags", None, &json!(["x", 3, {"k": "v"}, null])),
            form.text("none", None, &json!(null)),
            form.text("empty", None, &json!([])),
        ];
        assert!(sent.iter().all(Result::is_ok), "{sent:?}");
        let (boundary, body) = form.finish();
        let expected = wire(
            &boundary,
            &[
                ("Content-Disposition: form-data; name=\"n\"\r\nContent-Type: text/plain", b"2"),
                ("Content-Disposition: form-data; name=\"s\"", b"plain \"text\""),
                ("Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json", br#"{"a":[1,2]}"#),
                ("Content-Disposition: form-data; name=\"typed\"\r\nContent-Type: application/vnd.x+json", br#"{"b":null}"#),
                ("Content-Disposition: form-data; name=\"tags\"", b"x"),
                ("Content-Disposition: form-data; name=\"tags\"", b"3"),
                ("Content-Disposition: form-data; name=\"tags\"\r\nContent-Type: application/json", br#"{"k":"v"}"#),
            ],
        );
        assert_eq!(body, expected, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn styled_values_are_written_as_their_style_says() {
        let mut form = Multipart::default();
        let link = json!({"create": true, "expires_at": 1700000000, "metadata": {"order": "7", "none": null}});
        let sent = [
            form.styled("file_link_data", Style::DeepObject, &link),
            form.styled("expand", Style::DeepObject, &json!(["data.file", "links"])),
            form.styled("ids", Style::Form { explode: true }, &json!(["a", "b"])),
            form.styled("pair", Style::Form { explode: true }, &json!({"k1": "v1", "k2": 2})),
            form.styled("joined", Style::Form { explode: false }, &json!(["a", "b"])),
            form.styled("piped", Style::PipeDelimited, &json!(["a", "b"])),
            form.styled("scalar", Style::DeepObject, &json!("s")),
            form.styled("nothing", Style::DeepObject, &json!(null)),
        ];
        assert!(sent.iter().all(Result::is_ok), "{sent:?}");
        let (boundary, body) = form.finish();
        let head = |name: &str| format!("Content-Disposition: form-data; name=\"{name}\"");
        let parts = [
            (head("file_link_data[create]"), "true"),
            (head("file_link_data[expires_at]"), "1700000000"),
            (head("file_link_data[metadata][order]"), "7"),
            (head("expand[0]"), "data.file"),
            (head("expand[1]"), "links"),
            (head("ids"), "a"),
            (head("ids"), "b"),
            (head("k1"), "v1"),
            (head("k2"), "2"),
            (head("joined"), "a,b"),
            (head("piped"), "a|b"),
            (head("scalar"), "s"),
        ];
        let parts: Vec<(&str, &[u8])> = parts.iter().map(|(head, data)| (head.as_str(), data.as_bytes())).collect();
        assert_eq!(body, wire(&boundary, &parts), "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn the_boundary_occurs_in_no_part_and_names_cannot_break_their_header() {
        let data = b"--------openapi-client-boundary and ----openapi-client-boundaryx".to_vec();
        let mut form = Multipart::default();
        let file = File::new(data).name("f\"").content_type("application/octet-stream\r\nX: y");
        form.file("a\"b\r\nX-Injected: 1", None, &file);
        let (boundary, body) = form.finish();
        assert_eq!(boundary, "----openapi-client-boundaryxx");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("name=\"a%22b%0D%0AX-Injected: 1\"; filename=\"f%22\"\r\nContent-Type: application/octet-streamX: y\r\n"));
        assert_eq!(text.matches(&format!("--{boundary}")).count(), 2);
    }

    #[test]
    fn multipart_bodies_have_the_parts_of_every_field() {
        let (boundary, body) = multipart_body(&json!({"purpose": "fine-tune", "meta": {"a": 1}, "tags": ["x", "y"]})).finish();
        let expected = wire(
            &boundary,
            &[
                ("Content-Disposition: form-data; name=\"purpose\"", b"fine-tune"),
                ("Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json", br#"{"a":1}"#),
                ("Content-Disposition: form-data; name=\"tags\"", b"x"),
                ("Content-Disposition: form-data; name=\"tags\"", b"y"),
            ],
        );
        assert_eq!(body, expected, "{}", String::from_utf8_lossy(&body));
    }
}
