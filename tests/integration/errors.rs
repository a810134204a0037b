//! Bad input gets a clear, located error (snapshotted), and `regen` writes
//! nothing when generation fails.

use std::path::Path;

use generator::{Config, SpecInput};

use crate::support::{copy_tree, fixtures_dir, root, snapshot_tree};

/// The inputs of an error fixture: a file, or a folder of files that are
/// generated together (named `<version>.<anything>.yaml` to give labels).
fn inputs(path: &Path) -> Vec<SpecInput> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut files = Vec::new();
        crate::support::list_files(path, &mut files);
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    files
        .iter()
        .map(|file| {
            let name = file.strip_prefix(fixtures_dir().join("errors")).unwrap_or(file).to_string_lossy().replace('\\', "/");
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
            let version = file.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('.').next()).map(str::to_owned);
            SpecInput { name, version, text }
        })
        .collect()
}

/// Each fixture's error in both forms: the short `Display` line that other
/// code matches on, then the rendering `cargo xtask` prints, with the source
/// lines. A fixture that generates, or panics, fails the test; all of them
/// are tried before it fails, so one run lists every problem.
#[test]
fn every_bad_spec_gets_a_located_error() {
    let dir = fixtures_dir().join("errors");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    assert!(entries.len() >= 40, "expected at least 40 error fixtures in {}", dir.display());
    let mut problems = Vec::new();
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").to_owned();
        let inputs = inputs(&path);
        // A folder with an `openapi.yaml` is a split spec: that is the entry, the rest are files it refers to.
        let split = inputs.iter().any(|i| i.name.ends_with("/openapi.yaml"));
        let referenced: Vec<String> = inputs.iter().filter(|i| split && !i.name.ends_with("/openapi.yaml")).map(|i| i.name.clone()).collect();
        let config = Config::new("fixture").referenced_files(referenced);
        let outcome = std::panic::catch_unwind(|| generator::generate(&config, &inputs).err());
        let error = match outcome {
            Ok(Some(error)) => error,
            Ok(None) => {
                problems.push(format!("{stem}: generated without an error"));
                continue;
            }
            Err(_) => {
                problems.push(format!("{stem}: the generator panicked"));
                continue;
            }
        };
        let short = error.to_string();
        let rendered = error.render(&inputs);
        if !short.contains("help:") || !rendered.contains("= help:") {
            problems.push(format!("{stem}: the message should say what to do:\n{rendered}"));
        }
        for (location, _) in error.parts().places {
            let (Some(line), Some(column)) = (location.line, location.column) else { continue };
            let place = format!("{}:{line}:{column}", location.file);
            if !rendered.contains(&place) {
                problems.push(format!("{stem}: the rendering should show {place}:\n{rendered}"));
            }
        }
        insta::assert_snapshot!(format!("error__{stem}"), format!("{short}\n\n{rendered}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A spec that is fine except for what `tail` adds at the end of it.
fn spec_with(tail: &str) -> SpecInput {
    let text = format!("openapi: 3.0.3\ninfo:\n  title: Fixture\n  version: '1'\npaths: {{}}\n{tail}");
    SpecInput { name: "spec.yaml".to_owned(), version: None, text }
}

/// Runs `work` on a thread with the default 2 MiB stack of spawned threads
/// (`RUST_MIN_STACK` aside), so a recursion that only fits the main thread's
/// 8 MiB would overflow here and fail the test.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(work)
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"));
    handle.join().unwrap_or_else(|_| panic!("the generator panicked or overflowed its stack"))
}

#[test]
fn a_yaml_alias_bomb_is_rejected_fast() {
    // Nine levels of ten aliases each: a billion strings if expanded.
    let mut tail = String::from("x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*l{}", level - 1);
        tail.push_str(&format!("x-l{level}: &l{level} [{}]\n", vec![previous; 10].join(", ")));
    }
    let input = spec_with(&tail);
    let started = std::time::Instant::now();
    let message = on_small_stack(move || generator::generate(&Config::new("bomb"), &[input]).err().map(|e| e.to_string()));
    let elapsed = started.elapsed();
    let message = message.unwrap_or_else(|| panic!("an alias bomb was accepted"));
    assert!(message.starts_with("spec.yaml:"), "{message}");
    assert!(message.contains("alias"), "{message}");
    assert!(elapsed < std::time::Duration::from_secs(5), "rejecting the bomb took {elapsed:?}");
}

/// Twenty thousand levels of nesting, in each form a parser recurses on:
/// rejected with a located error, never a stack overflow.
#[test]
fn nesting_twenty_thousand_deep_is_an_error_not_a_stack_overflow() {
    const DEPTH: usize = 20_000;
    let block_yaml = {
        let mut text = String::from("components:\n  schemas:\n    Deep:\n");
        for level in 0..DEPTH {
            let indent = "  ".repeat(level + 3);
            text.push_str(&format!("{indent}items:\n"));
        }
        text.push_str(&format!("{}type: string\n", "  ".repeat(DEPTH + 3)));
        spec_with(&text)
    };
    let flow_yaml = spec_with(&format!("x-deep: {}{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH)));
    let json = SpecInput {
        name: "spec.json".to_owned(),
        version: None,
        text: format!(
            "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"Deep\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
            "{\"a\": ".repeat(DEPTH),
            "}".repeat(DEPTH)
        ),
    };
    for input in [block_yaml, flow_yaml, json] {
        let name = input.name.clone();
        let message = on_small_stack(move || generator::generate(&Config::new("deep"), &[input]).err().map(|e| e.to_string()));
        let message = message.unwrap_or_else(|| panic!("{name}: 20,000 levels were accepted"));
        assert!(message.starts_with(&format!("{name}:")), "{message}");
        assert!(message.contains("help:"), "{message}");
    }
}

/// The deepest schemas the reader accepts go through every step on a small
/// stack: the depth limit is what keeps lowering and emitting safe. Arrays
/// and maps nest into one Rust type expression; objects into named types.
#[test]
fn the_deepest_accepted_schemas_generate_on_a_small_stack() {
    let nested = generator::load::MAX_SCHEMA_DEPTH - 1;
    let mut text = String::from("components:\n  schemas:\n");
    for (name, open) in [("Arrays", "type: array|items:"), ("Maps", "type: object|additionalProperties:"), ("Objects", "type: object|properties:|  inner:")] {
        text.push_str(&format!("    {name}:\n"));
        let mut indent = 3;
        for _ in 0..nested {
            for line in open.split('|') {
                text.push_str(&format!("{}{line}\n", "  ".repeat(indent)));
            }
            indent += open.split('|').count();
        }
        text.push_str(&format!("{}type: string\n", "  ".repeat(indent)));
    }
    let input = spec_with(&text);
    let result = on_small_stack(move || generator::generate(&Config::new("deep"), &[input]).map(|o| o.model.types.len()).map_err(|e| e.to_string()));
    let types = result.unwrap_or_else(|e| panic!("{e}"));
    assert!(types >= nested, "every nested object should be a type of its own, got {types}");

    let flow = format!("{}{{type: string}}{}", "{items: ".repeat(nested + 1), "}".repeat(nested + 1));
    let too_deep = spec_with(&format!("components:\n  schemas:\n    Deep: {flow}\n"));
    let message = on_small_stack(move || generator::generate(&Config::new("deep"), &[too_deep]).err().map(|e| e.to_string()));
    let message = message.unwrap_or_else(|| panic!("one level more should be rejected"));
    assert!(message.contains("schemas nest more than"), "{message}");
}

/// The peak resident memory of this process, on Linux.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A 50 MB spec: 2,000 operations and their schemas with long descriptions
/// (big specs are big mostly by prose). It must generate within bounds of
/// time and memory generous enough for a debug build on a busy machine.
#[test]
fn a_fifty_megabyte_spec_generates_in_bounded_time_and_memory() {
    const TARGET: usize = 50 * 1000 * 1000;
    const OPERATIONS: usize = 2_000;
    let prose = "This field is described at length, as big specs do. ".repeat(TARGET / OPERATIONS / 4 / 52);
    let mut text = String::from("openapi: 3.0.3\ninfo:\n  title: Big\n  version: '1'\npaths:\n");
    for n in 0..OPERATIONS {
        text.push_str(&format!(
            "  /things{n}/{{id}}:\n    get:\n      operationId: getThing{n}\n      description: '{prose}'\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing{n}'}}\n"
        ));
    }
    text.push_str("components:\n  schemas:\n");
    for n in 0..OPERATIONS {
        text.push_str(&format!(
            "    Thing{n}:\n      type: object\n      description: '{prose}'\n      required: [id]\n      properties:\n        id: {{type: string, description: '{prose}'}}\n        size: {{type: integer, format: int64, description: '{prose}'}}\n        tags: {{type: array, items: {{type: string}}}}\n"
        ));
    }
    assert!(text.len() >= TARGET - TARGET / 20, "the spec is only {} bytes", text.len());
    let input = SpecInput { name: "big.yaml".to_owned(), version: None, text };
    let started = std::time::Instant::now();
    let output = generator::generate(&Config::new("big"), &[input]).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    assert_eq!(output.model.operations.len(), OPERATIONS);
    assert!(elapsed < std::time::Duration::from_secs(300), "generating 50 MB took {elapsed:?}");
    if let Some(peak) = peak_memory_bytes() {
        // The whole test binary, other tests included, stays under 3 GiB.
        assert!(peak < 3 << 30, "peak memory {} MiB", peak >> 20);
    }
}

#[test]
fn a_spec_over_the_size_limit_is_rejected_before_parsing() {
    let text = format!("openapi: 3.0.3\nx-padding: '{}'\n", "x".repeat(generator::load::MAX_SPEC_BYTES));
    let input = SpecInput { name: "huge.yaml".to_owned(), version: None, text };
    let started = std::time::Instant::now();
    let message = generator::generate(&Config::new("huge"), &[input]).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("huge.yaml: the file is 64 MiB, more than the 64 MiB"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// Typed non-string enums are kept, as their type: nothing is dropped.
#[test]
fn integer_and_boolean_enums_become_their_type() {
    let input = spec_with("components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        level: {type: integer, enum: [1, 2, 3]}\n        ratio: {type: number, enum: [0.5, 1]}\n        flag: {type: boolean, enum: [true]}\n");
    let model = generator::model(&Config::new("enums"), &[input]).unwrap_or_else(|e| panic!("{e}"));
    let thing = model.types.iter().find(|t| t.name == "Thing").unwrap_or_else(|| panic!("no Thing"));
    let generator::model::TypeKind::Struct { fields, .. } = &thing.kind else { panic!("Thing is not a struct") };
    let types: Vec<String> = fields.iter().map(|f| format!("{}: {:?}", f.wire_name, f.ty)).collect();
    insta::assert_debug_snapshot!("error__typed_enums", types);
}

/// The vendored specs give the same bytes however they are handed over:
/// twice, in reverse order, with Windows line endings, or under another
/// folder (which changes only the header lines naming the files). The output
/// has no carriage returns, absolute paths or timestamps.
#[test]
fn output_is_identical_bytes_across_order_names_and_line_endings() {
    let (config, inputs) = crate::support::vendored();
    let files = |inputs: &[SpecInput]| generator::generate(&config, inputs).unwrap_or_else(|e| panic!("{e}")).files;
    let first = files(&inputs);
    assert_eq!(first, files(&inputs), "two runs differ");

    let mut reversed = inputs.clone();
    reversed.reverse();
    assert_eq!(first, files(&reversed), "the input order changes the output");

    // Windows line endings change the file hashes in the headers, nothing else.
    let crlf: Vec<SpecInput> = inputs.iter().map(|i| SpecInput { text: i.text.replace('\n', "\r\n"), ..i.clone() }).collect();
    assert_same_but_headers(&first, &files(&crlf), &["sha256 "]);

    let moved: Vec<SpecInput> = inputs.iter().map(|i| SpecInput { name: i.name.replacen("specs/", "elsewhere/api/", 1), ..i.clone() }).collect();
    let moved_files = files(&moved);
    assert_same_but_headers(&first, &moved_files, &["elsewhere/api/", "specs/"]);
    assert!(moved_files.values().any(|text| text.contains("elsewhere/api/")), "the headers should name the moved files");

    let root = crate::support::root().to_string_lossy().into_owned();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/nonexistent-home".to_owned());
    for (path, text) in &first {
        assert!(!text.contains('\r'), "{path} has a carriage return");
        assert!(!text.contains(&root) && !text.contains(&home), "{path} names an absolute path");
        assert!(!text.contains(&today()), "{path} has today's date in it");
        // The runtime's own tests hold HTTP dates; the header must hold none.
        for line in text.lines().take_while(|l| l.starts_with("//")) {
            assert!(!looks_like_a_timestamp(line), "{path} has a timestamp: {line}");
        }
    }
}

fn assert_same_but_headers(
    expected: &std::collections::BTreeMap<String, String>,
    actual: &std::collections::BTreeMap<String, String>,
    allowed: &[&str],
) {
    assert_eq!(expected.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>());
    for (path, text) in expected {
        let other = &actual[path];
        let (a, b): (Vec<&str>, Vec<&str>) = (text.lines().collect(), other.lines().collect());
        assert_eq!(a.len(), b.len(), "{path}: line counts differ");
        for (x, y) in a.iter().zip(&b) {
            if x != y {
                assert!(
                    x.starts_with("//") && allowed.iter().any(|token| x.contains(token) || y.contains(token)),
                    "{path}: a line other than a header differs:\n- {x}\n+ {y}"
                );
            }
        }
    }
}

/// Today as `YYYY-MM-DD` (UTC), from the civil-from-days algorithm.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `12:34:56` or `2024-01-01T…`: a time of day, which no generated file may hold.
fn looks_like_a_timestamp(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.windows(8).any(|w| {
        let digit = |i: usize| w[i].is_ascii_digit();
        digit(0) && digit(1) && w[2] == b':' && digit(3) && digit(4) && w[5] == b':' && digit(6) && digit(7)
    }) || bytes.windows(11).any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T')
}

/// Output order must never depend on a hash seed: the generator keeps its
/// collections in `BTreeMap`, `BTreeSet` or `IndexMap` (insertion order,
/// itself sorted), never `HashMap` or `HashSet`. A hash map used only for
/// lookups would be harmless, but one iterated into output would make
/// files differ from run to run only now and then; this pins the rule.
#[test]
fn the_generator_uses_no_hash_ordered_collections() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (number, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    if code.contains("HashMap") || code.contains("HashSet") {
                        found.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join("generator").join("src"), &mut found);
    assert!(found.is_empty(), "use BTreeMap/BTreeSet/IndexMap so output never depends on a hash seed:\n{}", found.join("\n"));
}

#[test]
fn overrides_that_match_nothing_fail_the_run() {
    let (config, inputs) = crate::support::vendored();
    let renamed = config.clone().rename("NoSuchSchema", "Thing");
    let message = generator::generate(&renamed, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`NoSuchSchema` matched nothing"), "{message}");

    let named = config.clone().operation_name("noSuchOperation", "thing");
    let message = generator::generate(&named, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`noSuchOperation` matched nothing"), "{message}");

    let preferred = config.prefer("NoSuchComponent", "latest");
    let message = generator::generate(&preferred, &inputs).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`NoSuchComponent` matched nothing"), "{message}");
}

#[test]
fn prefer_picks_the_winning_version_of_a_conflicting_component() {
    let files = inputs(&fixtures_dir().join("errors").join("conflicting-components"));
    let config = Config::new("fixture").prefer("Thing", "v2");
    let model = generator::model(&config, &files).unwrap_or_else(|e| panic!("{e}"));
    let thing = model.types.iter().find(|t| t.name == "Thing").unwrap_or_else(|| panic!("no Thing"));
    let generator::model::TypeKind::Struct { fields, .. } = &thing.kind else { panic!("Thing is not a struct") };
    let names: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(names, ["id", "size"], "the v2 definition should win");
}

#[test]
fn a_failing_regen_writes_nothing() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_tree(&root().join("specs"), &work.path().join("specs"));
    copy_tree(&root().join("generated-client"), &work.path().join("generated-client"));
    let before = snapshot_tree(work.path());

    // A dangling reference in one of the vendored files.
    let spec = work.path().join("specs").join("invoices.2024-07-30.update-line-item.yaml");
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    let broken = text.replacen("#/components/schemas/DateRange", "#/components/schemas/DateRnage", 1);
    assert_ne!(text, broken);
    std::fs::write(&spec, &broken).unwrap_or_else(|e| panic!("{e}"));

    let error = xtask::regen::regen(work.path(), xtask::regen::Mode::Write).err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(error.contains("specs/invoices.2024-07-30.update-line-item.yaml:"), "{error}");
    assert!(error.contains("#/components/schemas/DateRnage"), "{error}");

    let after: Vec<_> = snapshot_tree(work.path()).into_iter().filter(|(p, _)| !p.ends_with("update-line-item.yaml")).collect();
    let before: Vec<_> = before.into_iter().filter(|(p, _)| !p.ends_with("update-line-item.yaml")).collect();
    assert!(before == after, "a failed regen changed files on disk");
}

#[test]
fn check_reports_a_stale_client_with_a_diff() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_tree(&root().join("specs"), &work.path().join("specs"));
    copy_tree(&root().join("generated-client"), &work.path().join("generated-client"));
    // A description only this file has (the field `rate` of line items).
    let spec = work.path().join("specs").join("invoices.2024-07-30.update-line-item.yaml");
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    std::fs::write(&spec, text.replace("Price per Item", "Unit price")).unwrap_or_else(|e| panic!("{e}"));

    let report = xtask::regen::regen(work.path(), xtask::regen::Mode::Check).err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(report.contains("-    /// Price per Item"), "{report}");
    assert!(report.contains("+    /// Unit price"), "{report}");
    assert!(report.contains("+++ b/src/generated/types.rs"), "{report}");
    assert!(report.contains("run `cargo xtask regen`"), "{report}");

    // Regenerating then brings it up to date, touching only what changed.
    let summary = xtask::regen::regen(work.path(), xtask::regen::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.contains("changed"), "{summary}");
    let check = xtask::regen::regen(work.path(), xtask::regen::Mode::Check).unwrap_or_else(|e| panic!("{e}"));
    assert!(check.contains("up to date"), "{check}");
}

/// A minified JSON spec: one line holding `schemas` filler schemas (each
/// with a description of multi-byte text), then a property whose `$ref`
/// points at nothing.
fn one_line_spec(schemas: usize) -> SpecInput {
    let mut text = String::from(r#"{"openapi":"3.0.3","info":{"title":"Minified","version":"1"},"paths":{},"components":{"schemas":{"#);
    for index in 0..schemas {
        text.push_str(&format!(r#""Filler{index}":{{"type":"object","description":"Größe – 名前 №{index}","properties":{{"id":{{"type":"string"}}}}}},"#));
    }
    text.push_str(r##""Broken":{"type":"object","properties":{"owner":{"$ref":"#/components/schemas/Missing"}}},"Tail":{"description":"Größe – 名前 – the line goes on after the mistake","type":"string"}}}}"##);
    SpecInput { name: "minified.json".to_owned(), version: None, text }
}

/// An error in a spec of one multi-megabyte line shows a window of that line
/// around the mistake, not the whole line twice: the message stays a few
/// hundred bytes.
#[test]
fn an_error_in_a_multi_megabyte_line_gets_a_short_message() {
    let input = one_line_spec(50_000);
    assert!(input.text.len() > 4 << 20, "the spec should be over 4 MiB, not {} bytes", input.text.len());
    assert_eq!(input.text.lines().count(), 1);
    let error = generator::generate(&Config::new("minified"), std::slice::from_ref(&input)).err().unwrap_or_else(|| panic!("a dangling $ref was accepted"));
    let rendered = error.render(std::slice::from_ref(&input));
    assert!(rendered.len() < 800, "{} bytes:\n{rendered}", rendered.len());
    assert!(rendered.contains("Missing"), "{rendered}");
    let longest = rendered.lines().map(|line| line.chars().count()).max().unwrap_or(0);
    assert!(longest <= generator::SHOWN_LINE_CHARS + 10, "a line of {longest} characters:\n{rendered}");
    // The place is still the file's own line and column.
    let location = error.parts().places.first().map(|(location, _)| (*location).clone()).unwrap_or_else(|| panic!("no place: {rendered}"));
    let place = format!("minified.json:1:{}", location.column.unwrap_or_default());
    assert!(location.column.unwrap_or_default() > 4_000_000, "{place}");
    assert!(rendered.contains(&place), "{place} not in\n{rendered}");
}

/// The window of a long line, snapshotted: cut at both ends with `…`, the
/// caret under the place, multi-byte text cut between characters.
#[test]
fn a_long_line_is_windowed_around_the_place() {
    let input = one_line_spec(12);
    let error = generator::generate(&Config::new("minified"), std::slice::from_ref(&input)).err().unwrap_or_else(|| panic!("a dangling $ref was accepted"));
    insta::assert_snapshot!(error.render(std::slice::from_ref(&input)));
}
