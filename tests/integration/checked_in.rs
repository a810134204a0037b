//! The checked-in client: every generated file is a snapshot, it matches what
//! specs/ produce, and generation is deterministic.

use generator::generate;

use crate::support::{root, vendored};

#[test]
fn every_generated_file_is_snapshotted() {
    let (config, inputs) = vendored();
    let output = generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    assert!(output.files.contains_key("src/generated/mod.rs"));
    for (path, contents) in &output.files {
        let name = format!("client__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, contents);
    }
}

#[test]
fn checked_in_client_is_fresh() {
    // The same code `cargo xtask regen --check` runs.
    match xtask::regen::regen(&root(), xtask::regen::Mode::Check) {
        Ok(summary) => assert!(summary.contains("up to date"), "{summary}"),
        Err(diff) => panic!("{diff}"),
    }
}

#[test]
fn generation_is_deterministic_across_runs_and_input_order() {
    let (config, inputs) = vendored();
    let first = generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}")).files;
    let second = generate(&config, &inputs).unwrap_or_else(|e| panic!("{e}")).files;
    let mut reversed_inputs = inputs.clone();
    reversed_inputs.reverse();
    let reversed = generate(&config, &reversed_inputs).unwrap_or_else(|e| panic!("{e}")).files;
    assert_eq!(first, second);
    assert_eq!(first, reversed);
}

#[test]
fn merged_model_has_the_four_operations_with_readable_names() {
    let (config, inputs) = vendored();
    let model = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    let operations: Vec<(&str, &str, &str)> =
        model.operations.iter().map(|o| (o.name.as_str(), o.method.as_str(), o.path.as_str())).collect();
    assert_eq!(
        operations,
        [
            ("create_line_item_group", "POST", "/invoices/{invoice}/line-item-groups"),
            ("list_line_item_groups", "GET", "/invoices/{invoice}/line-item-groups"),
            ("update_line_item", "PUT", "/invoices/{invoice}/line-items/{id}"),
            ("update_line_item_group", "PUT", "/invoices/{invoice}/line-item-groups/{id}"),
        ]
    );
    // The headers every operation takes are client settings, not arguments.
    for operation in &model.operations {
        assert!(operation.params.iter().all(|p| !p.wire_name.eq_ignore_ascii_case("authorization")
            && !p.wire_name.eq_ignore_ascii_case("sequence-version")));
    }
    assert_eq!(model.auth.as_ref().map(|a| a.header.as_str()), Some("Authorization"));
    let version = model.client_headers.iter().find(|h| h.wire_name == "Sequence-Version");
    assert_eq!(version.and_then(|h| h.default.as_deref()), Some("2024-07-30"));
    // Version-prefixed names come out clean; the manifest's renames apply.
    let names: Vec<&str> = model.types.iter().map(|t| t.name.as_str()).collect();
    for expected in ["CreateOrUpdateLineItem", "LineItem", "LineItemGroup", "LineItemGroupPage", "UpdateLineItemGroup"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    assert!(names.iter().all(|n| !n.starts_with("Stable")), "{names:?}");
}

#[test]
fn checked_in_manifest_has_the_dependencies_generated_crates_get() {
    let manifest = std::fs::read_to_string(root().join("generated-client/Cargo.toml")).unwrap_or_default();
    let section = manifest.split("[dependencies]").nth(1).unwrap_or_default();
    let section = section.split("\n[").next().unwrap_or_default();
    let mut names: Vec<&str> = section
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains('='))
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .collect();
    names.sort_unstable();
    let expected: Vec<&str> = generator::emit::DEPENDENCIES.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected);
    // The TLS provider features, word for word.
    assert!(manifest.contains(generator::emit::FEATURES), "generated-client/Cargo.toml lacks:{}", generator::emit::FEATURES);
}

/// Files are formatted in parts on several threads: the text is the same
/// with one thread or many, and the same as formatting each file whole.
#[test]
fn rendering_in_parts_on_threads_is_formatting_whole_files() {
    let mut specs = vec![vendored()];
    specs.extend(crate::support::construct_fixtures().into_iter().map(|(stem, input)| (crate::support::fixture_config(&stem), vec![input])));
    assert!(specs.len() > 10);
    for (config, inputs) in &specs {
        let model = generator::model(config, inputs).unwrap_or_else(|e| panic!("{e}"));
        let provenance = generator::render::Provenance { command: "test", inputs };
        let emit = || generator::emit::emit(&model, "fixture", generator::Layout::Crate);
        let one = generator::render::render_on(emit(), &provenance, 1).unwrap_or_else(|e| panic!("{e}"));
        let five = generator::render::render_on(emit(), &provenance, 5).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one, five, "{}", inputs[0].name);
        let mut rust_files = 0;
        for (path, content) in emit() {
            let generator::emit::FileContent::Rust(parts) = content else { continue };
            let many_parts = parts.len() > 1;
            let mut tokens = proc_macro2::TokenStream::new();
            for part in parts {
                tokens.extend(part());
            }
            let whole = generator::render::format(tokens, &path).unwrap_or_else(|e| panic!("{e}"));
            let rendered = &one[&path];
            assert!(rendered.ends_with(&whole), "{path} of {} differs from the file formatted whole", inputs[0].name);
            rust_files += usize::from(many_parts);
        }
        assert!(rust_files >= 2, "types.rs and api.rs come in parts");
    }
}
