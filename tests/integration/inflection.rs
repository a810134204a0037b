//! The singulars method names are made of, checked on every word of every
//! path in the shared corpus: the whole table is a snapshot to review, and
//! the words a suffix rule gets wrong are spelled out.

use std::collections::BTreeSet;

use heck::ToSnakeCase;

use crate::support::root;

/// Every word of every literal path segment of the corpus's specs, or
/// `None` (with a note) when `../shared` is absent.
fn corpus_path_words() -> Option<BTreeSet<String>> {
    let dir = root().join("..").join("shared").join("corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent", dir.display());
        return None;
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    let mut words = BTreeSet::new();
    for file in files {
        let Some(ext) = file.extension().and_then(|e| e.to_str()) else { continue };
        if !matches!(ext, "json" | "yaml" | "yml") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let document: serde_json::Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let Some(paths) = document.get("paths").and_then(|p| p.as_object()) else { continue };
        for path in paths.keys() {
            for segment in path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')) {
                for word in segment.to_snake_case().split('_').filter(|w| !w.is_empty()) {
                    words.insert(word.to_owned());
                }
            }
        }
    }
    Some(words)
}

#[test]
fn every_path_word_of_the_corpus_has_a_reviewed_singular() {
    let Some(words) = corpus_path_words() else { return };
    assert!(words.len() > 300, "{} words", words.len());
    let mut table = String::new();
    for word in &words {
        let singular = generator::naming::singular(word);
        assert!(!singular.is_empty() && singular.is_ascii(), "{word} → {singular:?}");
        if singular != *word {
            table.push_str(&format!("{word} → {singular}\n"));
        }
    }
    insta::assert_snapshot!("corpus_singulars", table);
}

#[test]
fn plurals_a_suffix_rule_gets_wrong() {
    let cases = [
        ("aliases", "alias"),
        ("addresses", "address"),
        ("analyses", "analysis"),
        ("statuses", "status"),
        ("policies", "policy"),
        ("people", "person"),
        ("groups", "group"),
        ("branches", "branch"),
        ("status", "status"),
        ("data", "data"),
        ("sms", "sms"),
        ("as", "as"),
        ("timeseries", "timeseries"),
        ("v2", "v2"),
    ];
    for (plural, expected) in cases {
        assert_eq!(generator::naming::singular(plural), expected, "{plural}");
    }
}
