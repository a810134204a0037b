//! Sequence's full API (../shared/corpus) merged with the vendored invoice
//! specs: one client, identical components collapsed, version prefixes and
//! header spellings normalized.

use generator::SpecInput;

use crate::support::{root, vendored};

#[test]
fn full_sequence_api_merges_with_the_vendored_specs() {
    let full_path = root().join("../shared/corpus/sequence-2024-07-30.product.json");
    let text = std::fs::read_to_string(&full_path)
        .unwrap_or_else(|e| panic!("{}: {e} (the corpus is expected beside the repository)", full_path.display()));
    let (config, mut inputs) = vendored();
    inputs.push(SpecInput { name: "sequence-2024-07-30.product.json".to_owned(), version: Some("2024-07-30".to_owned()), text });

    // Without a preference the differences between the files are errors,
    // naming both places.
    let error = generator::model(&config, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("sequence-2024-07-30.product.json") && error.contains("specs/"), "{error}");

    // The full file is the newer, complete description: it wins conflicts.
    let config = config.prefer("*", "sequence-2024-07-30.product.json");
    let model = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(model.operations.len(), 173, "the vendored operations are among the full API's");
    // Invoices and credit notes both have line items. The invoice calls keep
    // the names specs/names.toml records for them; the credit notes' calls,
    // which arrive later, take their parent into the name instead.
    let name_of = |method: &str, path: &str| {
        model.operations.iter().find(|o| o.method.as_str() == method && o.path == path).map(|o| o.name.clone())
    };
    assert_eq!(name_of("POST", "/invoices/{invoice}/line-item-groups").as_deref(), Some("create_line_item_group"));
    assert_eq!(name_of("GET", "/invoices/{invoice}/line-item-groups").as_deref(), Some("list_line_item_groups"));
    assert_eq!(name_of("PUT", "/invoices/{invoice}/line-items/{id}").as_deref(), Some("update_line_item"));
    assert_eq!(name_of("PUT", "/invoices/{invoice}/line-item-groups/{id}").as_deref(), Some("update_line_item_group"));
    let credit_note_groups = model.operations.iter().find(|o| o.method.as_str() == "POST" && o.path.starts_with("/credit-notes/") && o.path.ends_with("/line-item-groups"));
    assert_eq!(credit_note_groups.map(|o| o.name.as_str()), Some("create_credit_note_line_item_group"));
    assert_eq!(generator::lower::namespace_problems(&model), Vec::<String>::new());
    // `sequence-version` and `Sequence-Version` are one client setting.
    let headers: Vec<&str> = model.client_headers.iter().map(|h| h.wire_name.as_str()).collect();
    assert_eq!(headers.len(), 1, "{headers:?}");
    assert!(headers[0].eq_ignore_ascii_case("sequence-version"));
    assert_eq!(model.client_headers[0].default.as_deref(), Some("2024-07-30"));
    assert_eq!(model.auth.as_ref().map(|a| a.header.as_str()), Some("Authorization"));
    assert!(model.operations.iter().all(|o| o.params.iter().all(|p| !p.wire_name.eq_ignore_ascii_case("sequence-version"))));

    let names: Vec<&str> = model.types.iter().map(|t| t.name.as_str()).collect();
    assert!(names.iter().all(|n| !n.starts_with("Stable")), "version prefixes remain");
    assert!(names.contains(&"ProductResponse") && names.contains(&"ProductResponseV20240509"), "two versions of one name");
    assert_eq!(names.iter().filter(|n| **n == "RevenueClassification").count(), 1, "identical components collapse");
    assert!(names.contains(&"LineItemGroup"), "the manifest's renames still apply");
}
