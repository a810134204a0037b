//! Model → tokens: for each generated file, its parts, each a closure that
//! makes the tokens of some whole items when [`render`](crate::render)
//! asks for them.
//!
//! Every piece of spec text reaches the code as a token literal (string
//! literals, doc attributes) and every name as an `Ident` made from a name
//! the naming module produced, never by pasting text into code.

mod api;
mod client;
mod crate_files;
mod operations;
mod types;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::config::Layout;
use crate::model::{Api, TypeRef};
use crate::naming::reserved;

pub use crate_files::{DEPENDENCIES, FEATURES, cargo_toml};
use crate_files::lib_rs;

/// Some whole items of a Rust file (the first part of a file opens with its
/// inner attributes). The tokens are made when the part is called, in the
/// thread that formats them: token streams cannot move between threads, and
/// a file's tokens need never all exist at once.
pub type Part<'a> = Box<dyn FnOnce() -> TokenStream + Send + 'a>;

/// What a file becomes: Rust code in parts, formatted one after the other
/// into one text, or text that is already final.
pub enum FileContent<'a> {
    /// Rust code, in parts that [`render`](crate::render) makes and formats
    /// in order.
    Rust(Vec<Part<'a>>),
    /// The file's final text (`Cargo.toml`, the runtime's files), written as
    /// it is.
    Verbatim(String),
}

/// A file of one part.
fn whole<'a>(make: impl FnOnce() -> TokenStream + Send + 'a) -> FileContent<'a> {
    FileContent::Rust(vec![Box::new(make)])
}

/// The generated files, keyed by their path relative to the crate root.
pub fn emit<'a>(api: &'a Api, crate_name: &str, layout: Layout) -> BTreeMap<String, FileContent<'a>> {
    let mut files = BTreeMap::new();
    let ctx = Context::new(api);

    let mut modules: Vec<&str> = api.operations.iter().map(|o| o.module.as_str()).collect();
    modules.sort_unstable();
    modules.dedup();

    let root_modules = modules.clone();
    files.insert("src/generated/mod.rs".to_owned(), whole(move || root_module(api, &root_modules)));
    files.insert("src/generated/types.rs".to_owned(), FileContent::Rust(types::emit(ctx)));
    files.insert("src/generated/client.rs".to_owned(), whole(move || client::emit(ctx)));
    files.insert("src/generated/api.rs".to_owned(), FileContent::Rust(api::emit(ctx)));
    for (name, text) in RUNTIME {
        files.insert(format!("src/generated/runtime/{name}"), FileContent::Verbatim((*text).to_owned()));
    }
    for module in modules {
        files.insert(format!("src/generated/{module}.rs"), FileContent::Rust(operations::emit(ctx, module)));
    }
    if layout != Layout::Module {
        files.insert("Cargo.toml".to_owned(), FileContent::Verbatim(cargo_toml(crate_name, layout == Layout::Crate)));
        files.insert("src/lib.rs".to_owned(), whole(lib_rs));
    }
    files
}

/// The hand-written support module every generated crate carries, file by file.
const RUNTIME: &[(&str, &str)] = &[
    ("call.rs", include_str!("../../runtime/call.rs")),
    ("codec.rs", include_str!("../../runtime/codec.rs")),
    ("credentials.rs", include_str!("../../runtime/credentials.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("file.rs", include_str!("../../runtime/file.rs")),
    ("hooks.rs", include_str!("../../runtime/hooks.rs")),
    ("idempotency.rs", include_str!("../../runtime/idempotency.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("non_exhaustive.rs", include_str!("../../runtime/non_exhaustive.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("security.rs", include_str!("../../runtime/security.rs")),
    ("sse.rs", include_str!("../../runtime/sse.rs")),
    ("transport.rs", include_str!("../../runtime/transport.rs")),
    ("update.rs", include_str!("../../runtime/update.rs")),
];

fn root_module(api: &Api, modules: &[&str]) -> TokenStream {
    let mut doc = safe_markdown(api.title.trim());
    if let Some(description) = api.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        doc.push_str("\n\n");
        doc.push_str(&safe_markdown(description));
    }
    let doc = inner_doc(&doc);
    let module_idents: Vec<Ident> = modules.iter().map(|m| ident(m)).collect();
    let header_constants: Vec<Ident> = api.client_headers.iter().filter_map(|h| h.constant.as_deref()).map(ident).collect();
    // The crate's own names come from the lists the naming pass reserved.
    let client_exports = reserved::CLIENT_EXPORTS.iter().map(|name| ident(name));
    let runtime_exports = reserved::RUNTIME_EXPORTS.iter().map(|name| ident(name));
    let api_trait = ident(reserved::API_TRAIT);
    // The docs carry the spec's prose, Markdown written for other
    // renderers: its links, HTML and list layout are not this crate's to fix.
    quote! {
        #doc
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
        pub mod runtime;
        pub mod types;
        mod api;
        mod client;
        #(pub mod #module_idents;)*

        pub use api::#api_trait;
        pub use client::{#(#client_exports,)* #(#header_constants),*};
        pub use runtime::{#(#runtime_exports),*};
    }
}

/// What the emitters share; a copy goes into every part.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub(crate) api: &'a Api,
}

impl<'a> Context<'a> {
    fn new(api: &'a Api) -> Self {
        Context { api }
    }
}

/// An identifier from a name the naming module made (`r#type` included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type of a `TypeRef`, with absolute paths so that no spec name
/// can shadow a standard type; `types` is the path to the types module.
pub fn rust_type(ty: &TypeRef, types: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#types #name)
        }
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Bytes => quote!(super::runtime::Bytes),
        TypeRef::Decimal => quote!(::rust_decimal::Decimal),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::FixedOffset>),
        TypeRef::Integer { bits: 32, signed: true } => quote!(i32),
        TypeRef::Integer { bits: 32, signed: false } => quote!(u32),
        TypeRef::Integer { signed: false, .. } => quote!(u64),
        TypeRef::Integer { .. } => quote!(i64),
        TypeRef::Float { bits: 32 } => quote!(f32),
        TypeRef::Float { .. } => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Array(item) => {
            let item = rust_type(item, types);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, types);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, types);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Json => quote!(::serde_json::Value),
    }
}

/// `#[doc = …]` attributes: a title line, the description, and an example.
pub fn doc_attrs(title: Option<&str>, description: Option<&str>, example: Option<&str>) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        paragraphs.push(safe_markdown(title));
    }
    if let Some(description) = description.map(str::trim).filter(|d| !d.is_empty())
        && paragraphs.first().map(String::as_str) != Some(description)
    {
        paragraphs.push(safe_markdown(description));
    }
    if let Some(example) = example {
        if example.contains('\n') {
            paragraphs.push(format!("Example:\n```json\n{example}\n```"));
        } else {
            paragraphs.push(format!("Example: `{}`", example.replace('`', "'")));
        }
    }
    doc_lines(&paragraphs.join("\n\n"))
}

/// Inner `#![doc]` attributes: the documentation of the file's own module.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = safe_markdown(text);
    let lines = lines.lines().map(doc_line);
    quote!(#(#![doc = #lines])*)
}

/// One `#[doc]` attribute per line, each a string literal.
pub fn doc_lines(text: &str) -> TokenStream {
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = safe_markdown(text);
    let lines = lines.lines().map(doc_line);
    quote!(#(#[doc = #lines])*)
}

/// One line of documentation as rustc accepts it in a `///` comment: a bare
/// carriage return is an error there and bidirectional controls (which can
/// make the text read differently from what it is) are denied by a lint, so
/// those and other control characters are shown escaped (`\u{202e}`).
fn doc_line(line: &str) -> String {
    if line.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(line.len() + 1);
    out.push(' ');
    for c in line.chars() {
        let bidi = matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if bidi || (c.is_control() && c != '\t') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Spec descriptions are Markdown written for a website. Code blocks in them
/// would become doctests, so fences get a language that is not Rust,
/// indented lines lose the indentation that would make them code, and a
/// fence inside a quote or list item is escaped into plain text.
fn safe_markdown(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```").or_else(|| trimmed.strip_prefix("~~~")) {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push(format!("```{}", fence_language(rest.trim())));
            }
            in_fence = !in_fence;
        } else if in_fence {
            out.push(line.to_owned());
        } else {
            let content = trimmed.trim_start_matches(|c: char| matches!(c, '>' | '-' | '*' | '+' | '.' | ')' | ' ' | '\t') || c.is_ascii_digit());
            if content.starts_with("```") || content.starts_with("~~~") {
                let container = &trimmed[..trimmed.len() - content.len()];
                out.push(format!("{container}\\{content}"));
            } else {
                out.push(trimmed.to_owned());
            }
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

/// The language of a fence: kept when it is one plain word rustdoc does
/// not read as Rust (`json`, `yaml`), otherwise `text`. rustdoc runs blocks
/// tagged `rust`, `no_run`, `should_panic`, `edition2021`… even beside
/// another word (`json,no_run`).
fn fence_language(language: &str) -> &str {
    const RUST_TAGS: &[&str] = &["rust", "ignore", "no_run", "should_panic", "compile_fail", "test_harness", "standalone_crate"];
    let plain = !language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+'));
    let lower = language.to_ascii_lowercase();
    let rusty = RUST_TAGS.contains(&lower.as_str())
        || lower.starts_with("edition")
        || lower.starts_with("ignore-")
        || (lower.starts_with('e') && lower.len() > 1 && lower[1..].chars().all(|c| c.is_ascii_digit()));
    if plain && !rusty { language } else { "text" }
}
