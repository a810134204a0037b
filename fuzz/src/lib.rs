//! What the fuzz targets share: running the generator on one spec, the
//! properties every successful output must have, and the structured specs
//! `structured_spec` builds from the fuzzer's bytes.

pub mod structured;

use generator::{Config, Output, SpecInput};

/// The crate name every fuzz run generates.
pub const CRATE_NAME: &str = "fuzz";

/// What the rendered code of one output holds, read back with syn.
#[derive(Debug, Default)]
pub struct Items {
    /// `pub fn` in every inherent `impl super::Client` block: the operations.
    pub client_methods: usize,
    /// `pub struct`, `pub enum` and `pub type` of `types.rs`, by name.
    pub type_names: Vec<String>,
}

/// Runs the generator on one spec text. `Err` is a clean refusal of the
/// spec; a panic or code that does not parse is a bug, and panics here.
pub fn generate(name: &str, text: String) -> Option<(Output, Items)> {
    generate_files(vec![(name.to_owned(), text)])
}

/// The same for a spec in several files, merged.
pub fn generate_files(files: Vec<(String, String)>) -> Option<(Output, Items)> {
    let inputs: Vec<SpecInput> = files.into_iter().map(|(name, text)| SpecInput { name, version: None, text }).collect();
    match generator::generate(&Config::new(CRATE_NAME), &inputs) {
        Ok(output) => {
            let problems = generator::lower::namespace_problems(&output.model);
            assert!(problems.is_empty(), "names collide: {problems:#?}");
            let items = check_files(&output);
            Some((output, items))
        }
        Err(error) => {
            // render() reports its own unparsable tokens as an error rather than panicking.
            let message = error.to_string();
            assert!(!message.contains("bug in the generator"), "{message}");
            None
        }
    }
}

/// Parses every Rust file of the output with syn (panics when one does not
/// parse) and collects the items the properties count.
pub fn check_files(output: &Output) -> Items {
    let mut items = Items::default();
    assert!(output.files.contains_key("src/generated/mod.rs"), "no module root among {:?}", output.files.keys());
    for (path, text) in &output.files {
        if !path.ends_with(".rs") {
            continue;
        }
        let file = match syn::parse_file(text) {
            Ok(file) => file,
            Err(error) => panic!("{path} does not parse: {error}\n{text}"),
        };
        for item in &file.items {
            match item {
                syn::Item::Impl(block) if block.trait_.is_none() && is_super_client(&block.self_ty) => {
                    items.client_methods += block
                        .items
                        .iter()
                        .filter(|item| matches!(item, syn::ImplItem::Fn(f) if is_pub(&f.vis)))
                        .count();
                }
                syn::Item::Struct(s) if path.ends_with("/types.rs") && is_pub(&s.vis) => {
                    items.type_names.push(s.ident.to_string());
                }
                syn::Item::Enum(e) if path.ends_with("/types.rs") && is_pub(&e.vis) => {
                    items.type_names.push(e.ident.to_string());
                }
                syn::Item::Type(t) if path.ends_with("/types.rs") && is_pub(&t.vis) => {
                    items.type_names.push(t.ident.to_string());
                }
                _ => {}
            }
        }
    }
    items
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_super_client(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    path.qself.is_none() && names == ["super", "Client"]
}
