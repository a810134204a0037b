//! Any bytes as a spec text (lossy UTF-8), read as JSON or YAML: the
//! generator either refuses the text with an error or returns code that parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    // The file name decides nothing for a text starting with `{`; otherwise it picks the parser.
    let name = if data.first().is_some_and(|b| b % 2 == 0) { "fuzz.json" } else { "fuzz.yaml" };
    generator_fuzz::generate(name, text);
});
