//! A small, mostly valid spec built with `arbitrary`: the generator either
//! refuses it with an error or returns code that parses and holds one client
//! method per operation and one type per component schema.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use generator_fuzz::structured::{Rendered, SpecDef};
use libfuzzer_sys::fuzz_target;

/// The input as the JSON text it renders to, so that `cargo fuzz fmt`
/// prints a spec that can be saved under `fuzz/regressions/`.
struct Spec(Rendered);

impl<'a> Arbitrary<'a> for Spec {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Spec(SpecDef::arbitrary(u)?.render()))
    }
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string_pretty(&self.0.document).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)?;
        if let Some(second) = &self.0.second {
            let text = serde_json::to_string_pretty(second).map_err(|_| std::fmt::Error)?;
            write!(f, "\n// fuzz-schemas.json\n{text}")?;
        }
        Ok(())
    }
}

fuzz_target!(|spec: Spec| {
    let Rendered { document, second, schema_names, operations } = spec.0;
    let mut files = vec![("fuzz.json".to_owned(), document.to_string())];
    files.extend(second.map(|second| ("fuzz-schemas.json".to_owned(), second.to_string())));
    let Some((output, items)) = generator_fuzz::generate_files(files) else { return };

    assert_eq!(items.client_methods, operations, "client methods for {operations} operations");
    assert_eq!(output.model.operations.len(), operations, "operations in the model");

    // Every component schema is one type; inline schemas may add more.
    let components: Vec<_> = output.model.types.iter().filter(|t| schema_names.contains(&t.wire_name)).collect();
    assert_eq!(components.len(), schema_names.len(), "types for the schemas {schema_names:?}");
    let mut declared = items.type_names.clone();
    declared.sort();
    let mut modelled: Vec<String> = output.model.types.iter().map(|t| t.name.clone()).collect();
    modelled.sort();
    assert_eq!(declared, modelled, "the items of types.rs are the model's types");
});
