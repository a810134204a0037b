//! No text from a spec can change the generated program: hostile
//! descriptions, titles, examples, defaults, names, enum values, server URLs,
//! paths and operationIds end up in doc attributes and string literals, the
//! code still parses and compiles, and it defines exactly the items the same
//! spec with plain words defines.

use std::path::Path;
use std::process::Command;

use proc_macro2::{TokenStream, TokenTree};
use serde_json::{Value, json};

use crate::support::root;

/// Text that would end a comment, a string, a raw string or an item, start
/// a doctest, or reorder what a reader sees.
const FRAGMENTS: &[&str] = &[
    "*/",
    "/*",
    "\"",
    "\\",
    "#",
    "\"#",
    "\"##",
    "\n}",
    "\nfn evil() {}",
    "*/ fn evil() {} /*",
    "\"#; fn evil() {} r#\"",
    "\"); fn evil() {} (\"",
    "\n}\nfn evil() {}\n",
    "\r\n}",
    "\r",
    "\t",
    "\u{0}",
    "\u{202A}",
    "\u{202B}",
    "\u{202C}",
    "\u{202D}",
    "\u{202E}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{200E}",
    "\u{200F}",
    "\u{061C}",
    "\u{2028}",
    "`",
    "```",
    "\n```\nfn evil() {}\n```\n",
    "\n```rust\nfn evil() {}\n```",
    "\n```json,no_run\nfn evil() {}\n```",
    "\n~~~\nfn evil() {}\n~~~",
    "\n> ```\n> fn evil() {}\n> ```",
    "\n- ```\n  fn evil() {}\n  ```",
    "\n\n    fn evil() {}\n",
    "{",
    "}",
    "{}",
    "$",
    "'",
];

/// Spec text for a slot: every fragment after the slot's own words, or
/// plain words only.
fn text(slot: &str, hostile: bool) -> String {
    if hostile { format!("{slot} {}", FRAGMENTS.concat()) } else { format!("{slot} plain words") }
}

/// One spec that puts spec text everywhere spec text can go.
fn spec(hostile: bool) -> Value {
    let t = |slot: &str| text(slot, hostile);
    let thing = t("Thing");
    let status = t("Status");
    let enum_values: Vec<String> =
        if hostile { FRAGMENTS.iter().map(|f| (*f).to_owned()).collect() } else { (0..FRAGMENTS.len()).map(|i| format!("value {i}")).collect() };
    let path_literal = if hostile { "/things/{thing_id}/x\"#*/\u{202E}".to_owned() } else { "/things/{thing_id}/x".to_owned() };
    json!({
        "openapi": "3.0.3",
        "info": { "title": t("API title"), "description": t("API description"), "version": "1" },
        "servers": [
            { "url": format!("https://one.example.com/{}", if hostile { "\"#*/\u{202E}\\" } else { "plain" }), "description": t("server one") },
            { "url": "https://two.example.com", "description": t("server two") }
        ],
        "paths": {
            path_literal: {
                "get": {
                    "operationId": t("getThing"),
                    "tags": [t("tag")],
                    "summary": t("get summary"),
                    "description": t("get description"),
                    "parameters": [
                        { "name": "thing_id", "in": "path", "required": true, "description": t("path parameter"), "schema": { "type": "string" } },
                        { "name": t("query parameter"), "in": "query", "description": t("query description"),
                          "schema": { "type": "string", "default": t("query default"), "example": t("query example") } },
                        { "name": t("header parameter"), "in": "header", "description": t("header description"), "schema": { "type": "string" } }
                    ],
                    "responses": {
                        "200": { "description": t("found"), "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", pointer(&thing)) } } } },
                        "404": { "description": t("not found") }
                    }
                },
                "put": {
                    "operationId": t("putThing"),
                    "tags": [t("tag")],
                    "summary": t("put summary"),
                    "parameters": [{ "name": "thing_id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "requestBody": { "required": true, "description": t("body description"),
                                     "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", pointer(&thing)) } } } },
                    "responses": {
                        "200": { "description": t("replaced"), "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", pointer(&thing)) } } } },
                        "202": { "description": t("accepted") }
                    }
                }
            }
        },
        "components": { "schemas": {
            thing.clone(): {
                "type": "object",
                "title": t("thing title"),
                "description": t("thing description"),
                "example": { t("example key"): t("example value") },
                "required": [t("name property")],
                "properties": {
                    t("name property"): { "type": "string", "title": t("name title"), "description": t("name description"),
                                          "example": t("name example"), "default": t("name default") },
                    t("status property"): { "$ref": format!("#/components/schemas/{}", pointer(&status)) },
                    t("count property"): { "type": "integer", "description": t("count description"), "default": 3, "example": 4 },
                    t("tags property"): { "type": "array", "items": { "type": "string", "example": t("item example") } }
                }
            },
            status.clone(): {
                "type": "string",
                "title": t("status title"),
                "description": t("status description"),
                "example": enum_values[0].clone(),
                "enum": enum_values
            }
        } }
    })
}

/// A component name as a JSON pointer token.
fn pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Generates the spec as a standalone crate in a new folder.
fn generate(hostile: bool) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec_path = work.path().join("injection.json");
    let text = serde_json::to_string_pretty(&spec(hostile)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&spec_path, text).unwrap_or_else(|e| panic!("{e}"));
    let out = work.path().join("client");
    xtask::generate::generate(&[spec_path], &out, "injection-client").unwrap_or_else(|e| panic!("hostile={hostile}: {e}"));
    work
}

/// The generated Rust files (runtime excluded: it does not depend on the spec).
fn rust_files(work: &Path) -> Vec<(String, String)> {
    let base = work.join("client");
    crate::support::snapshot_tree(&base)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.contains("runtime/"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

/// What kinds of items a file defines, with their member counts, sorted:
/// names are left out, so two specs that differ only in text compare equal.
fn item_shapes(file: &syn::File) -> Vec<String> {
    fn walk(items: &[syn::Item], depth: usize, out: &mut Vec<String>) {
        for item in items {
            let shape = match item {
                syn::Item::Fn(f) => format!("fn({} args)", f.sig.inputs.len()),
                syn::Item::Struct(s) => format!("struct({} fields)", s.fields.len()),
                syn::Item::Enum(e) => format!("enum({} variants)", e.variants.len()),
                syn::Item::Impl(i) => {
                    let trait_impl = if i.trait_.is_some() { "trait " } else { "" };
                    let fns = i.items.iter().filter(|m| matches!(m, syn::ImplItem::Fn(_))).count();
                    format!("{trait_impl}impl({fns} fns, {} items)", i.items.len())
                }
                syn::Item::Trait(t) => format!("trait({} items)", t.items.len()),
                syn::Item::Const(_) => "const".to_owned(),
                syn::Item::Static(_) => "static".to_owned(),
                syn::Item::Type(_) => "type".to_owned(),
                syn::Item::Use(_) => "use".to_owned(),
                syn::Item::Macro(_) => "macro".to_owned(),
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, depth + 1, out);
                    }
                    "mod".to_owned()
                }
                _ => "other".to_owned(),
            };
            out.push(format!("{depth}:{shape}"));
        }
    }
    let mut out = Vec::new();
    walk(&file.items, 0, &mut out);
    out.sort();
    out
}

/// What a file's tokens hold: identifiers, string literal values (doc
/// comments included: they are `#[doc = "…"]` tokens), and the doc lines alone.
#[derive(Default)]
struct Found {
    idents: Vec<String>,
    strings: Vec<String>,
    docs: Vec<String>,
}

fn collect(tokens: TokenStream, found: &mut Found) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => found.idents.push(ident.to_string()),
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                if let [TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Literal(literal)] = inner.as_slice()
                    && name == "doc"
                    && eq.as_char() == '='
                    && let Ok(doc) = syn::parse_str::<syn::LitStr>(&literal.to_string())
                {
                    found.docs.push(doc.value());
                }
                collect(group.stream(), found);
            }
            TokenTree::Literal(literal) => {
                if let Ok(string) = syn::parse_str::<syn::LitStr>(&literal.to_string()) {
                    found.strings.push(string.value());
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn hostile_spec_text_cannot_change_the_generated_program() {
    let hostile = generate(true);
    let plain = generate(false);
    let hostile_files = rust_files(hostile.path());
    let plain_files = rust_files(plain.path());

    let mut hostile_shapes = Vec::new();
    let mut found = Found::default();
    for (path, text) in &hostile_files {
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
        hostile_shapes.push(item_shapes(&file));
        let tokens: TokenStream = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        collect(tokens, &mut found);
        // rustc denies bidirectional controls in comments and literals
        // alike: they must appear escaped, never raw.
        assert!(!text.chars().any(is_bidi_control), "{path} holds a raw bidirectional control character");
    }
    let mut plain_shapes: Vec<Vec<String>> = plain_files
        .iter()
        .map(|(path, text)| item_shapes(&syn::parse_file(text).unwrap_or_else(|e| panic!("{path} (plain) does not parse: {e}"))))
        .collect();
    hostile_shapes.sort();
    plain_shapes.sort();
    assert_eq!(hostile_files.len(), plain_files.len(), "the hostile spec made a different number of files");
    assert_eq!(hostile_shapes, plain_shapes, "the hostile spec made different items than the plain one");

    let Found { idents, strings, docs } = found;
    assert!(!idents.iter().any(|i| i == "evil" || i == "r#evil"), "an `evil` item or name appeared");
    let odd: Vec<&String> = idents.iter().filter(|i| !i.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#')).collect();
    assert!(odd.is_empty(), "identifiers with characters beyond ASCII: {odd:?}");

    // Wire text is carried exactly, in string literals.
    let spec = spec(true);
    let schemas = &spec["components"]["schemas"];
    let status = schemas.as_object().and_then(|s| s.values().find(|v| v.get("enum").is_some())).unwrap_or_else(|| panic!("no enum"));
    let mut exact: Vec<String> = status["enum"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    let thing = schemas.as_object().and_then(|s| s.values().find(|v| v.get("properties").is_some())).unwrap_or_else(|| panic!("no object"));
    exact.extend(thing["properties"].as_object().into_iter().flat_map(|p| p.keys().cloned()));
    let path = spec["paths"].as_object().and_then(|p| p.keys().next().cloned()).unwrap_or_default();
    let servers = spec["servers"].as_array().into_iter().flatten().filter_map(|s| s["url"].as_str()).map(str::to_owned);
    exact.extend(servers);
    let operation = &spec["paths"][path.as_str()]["get"];
    for parameter in operation["parameters"].as_array().into_iter().flatten().skip(1) {
        exact.extend(parameter["name"].as_str().map(str::to_owned));
    }
    let missing: Vec<&String> = exact.iter().filter(|wire| !strings.contains(wire)).collect();
    assert!(missing.is_empty(), "wire text not carried as an exact string literal: {missing:?}");
    assert!(strings.iter().any(|s| s.contains(&path)), "the path template {path:?} is not a literal");

    // Descriptions and titles reach the docs with every fragment that fits
    // on a line (fences and line breaks are Markdown structure).
    let all_docs = docs.concat();
    let slots = [
        "API title",
        "API description",
        "server one",
        "get summary",
        "get description",
        "query description",
        "found",
        "not found",
        "thing description",
        "name description",
        "status description",
    ];
    let lost: Vec<&str> = slots
        .into_iter()
        .filter(|slot| {
            let expected = text(slot, true);
            let first_line = expected.lines().next().unwrap_or_default().to_owned();
            !all_docs.contains(first_line.trim_end())
        })
        .collect();
    assert!(lost.is_empty(), "the docs lost the text of {lost:?}");
    // Defaults are shown as JSON.
    assert!(all_docs.contains("Defaults to `\"name default *//*\\\"\\\\#"), "the docs lost the default");
    for fragment in FRAGMENTS.iter().filter(|f| !f.contains(['\n', '\r', '`']) && !f.trim().is_empty()) {
        // Control characters are shown escaped (`\u{202e}`), the rest as is.
        let shown: String = fragment.chars().map(|c| if c.is_control() || is_bidi_control(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect();
        assert!(all_docs.contains(&shown), "the docs lost {fragment:?}");
    }

    // Docs start no Rust code block (a doctest): every fence has a language
    // that is not Rust, and no line after a blank one is indented as code.
    let mut in_fence = false;
    let mut after_blank = false;
    for (index, doc) in docs.iter().enumerate() {
        let context = &docs[index.saturating_sub(3)..index];
        let line = doc.strip_prefix(' ').unwrap_or(doc);
        if let Some(language) = line.trim_start().strip_prefix("```") {
            let language = language.trim();
            assert!(in_fence || (!language.is_empty() && language != "rust"), "a doc line opens a Rust code block: {doc:?} after {context:?}");
            in_fence = !in_fence;
        } else if !in_fence {
            let content = line.trim_start_matches(|c: char| matches!(c, '>' | '-' | '*' | '+' | '.' | ')' | ' ' | '\t') || c.is_ascii_digit());
            assert!(!content.starts_with("```") && !content.starts_with("~~~"), "a code block in a quote or list: {doc:?}");
            assert!(!(after_blank && line.starts_with("    ") && !line.trim().is_empty()), "an indented code block in the docs: {doc:?} after {context:?}");
        }
        after_blank = line.trim().is_empty();
    }
}

#[test]
fn hostile_spec_text_compiles_without_warnings() {
    let hostile = generate(true);
    let out = hostile.path().join("client");
    std::fs::copy(root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root().join("target").join("standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success(), "the crate of the hostile spec does not compile cleanly:\n{}", String::from_utf8_lossy(&output.stderr));
}
