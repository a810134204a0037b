//! Which operations are paginated lists and in which style: recognised on
//! real specs, declared in `[pagination]`, and the errors of a declaration
//! that does not apply. (The styles on the wire are tested by
//! `fixtures/crate-tests/pagination.rs`.)

use std::collections::BTreeMap;

use generator::model::{Api, PageStyle};
use generator::{Config, PageRule, PageStyleName, Pagination, SpecInput};

use crate::support::root;

fn corpus(file: &str) -> Api {
    let path = root().join("../shared/corpus").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (the corpus is expected beside the repository)", path.display()));
    let inputs = [SpecInput { name: file.to_owned(), version: None, text }];
    generator::model(&Config::new("corpus"), &inputs).unwrap_or_else(|e| panic!("{}", e.render(&inputs)))
}

/// `"METHOD /path" style` of every paginated operation.
fn styles(api: &Api) -> BTreeMap<String, String> {
    api.operations
        .iter()
        .filter_map(|o| o.pagination.as_ref().map(|p| (format!("{} {}", o.method.as_str(), o.path), p.style.name().to_owned())))
        .collect()
}

const PATHS: &str = "
  /things:
    get:
      parameters:
        - {name: page_token, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: string}}
                  next_page: {type: string}
                  cursor: {type: object, properties: {next: {type: string}}}
  /things/archived:
    get:
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
";

fn spec() -> Vec<SpecInput> {
    let text = format!("openapi: 3.0.0\ninfo: {{title: Lists, version: '1'}}\npaths:{PATHS}");
    vec![SpecInput { name: "lists.yaml".to_owned(), version: None, text }]
}

fn rule(style: PageStyleName) -> PageRule {
    PageRule { style, param: None, items: None, next: None, has_more: None, id: None }
}

fn with(operations: &[(&str, PageRule)]) -> Config {
    let pagination = Pagination { operations: operations.iter().map(|(k, r)| ((*k).to_owned(), r.clone())).collect(), ..Pagination::default() };
    Config::new("lists").pagination(pagination)
}

fn first_line(config: &Config) -> String {
    let message = generator::model(config, &spec()).err().map(|e| e.to_string()).unwrap_or_default();
    message.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn oxide_pages_by_token_and_openai_by_the_last_id() {
    let oxide = corpus("oxide-nexus.json");
    let found = styles(&oxide);
    assert!(found.len() >= 40, "{found:#?}");
    assert!(found.values().all(|s| s == "cursor"), "{found:#?}");
    let projects = oxide.operations.iter().find(|o| o.path == "/v1/projects" && o.method.as_str() == "GET").and_then(|o| o.pagination.as_ref());
    match projects.map(|p| (&p.style, p.items_field.as_deref(), p.detected)) {
        Some((PageStyle::Cursor { param, next }, Some("items"), true)) => {
            assert_eq!(param, "page_token");
            assert_eq!(next, &[("next_page".to_owned(), true)]);
        }
        other => panic!("{other:?}"),
    }
    // Each recognised list is a located warning that names how to switch it off.
    let warned = oxide.warnings.iter().filter(|w| w.contains("is read as a paginated list")).count();
    assert_eq!(warned, found.len());
    assert!(oxide.warnings.iter().any(|w| w.contains("[pagination.operations] \"GET /v1/projects\" = { style = \"none\" }")));

    let openai = styles(&corpus("openai-openapi.yaml"));
    assert_eq!(openai.get("GET /files").map(String::as_str), Some("last-item"), "{openai:#?}");
}

#[test]
fn an_entry_wins_over_detection_and_the_most_specific_entry_wins() {
    let detected = styles(&generator::model(&Config::new("lists"), &spec()).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(detected.get("GET /things").map(String::as_str), Some("cursor"), "a token before page numbers");
    assert_eq!(detected.get("GET /things/archived").map(String::as_str), Some("page"));

    let declared = with(&[("GET /things/*", rule(PageStyleName::None)), ("GET /things", PageRule { param: Some("page".into()), ..rule(PageStyleName::Page) })]);
    let api = generator::model(&declared, &spec()).unwrap_or_else(|e| panic!("{e}"));
    let found = styles(&api);
    assert_eq!(found.get("GET /things").map(String::as_str), Some("page"), "the exact entry");
    assert_eq!(found.get("GET /things/archived"), None, "switched off by the prefix");
    assert!(api.warnings.iter().all(|w| !w.contains("is read as a paginated list")), "nothing was guessed");

    let nested = with(&[("GET /things", PageRule { next: Some("cursor.next".into()), ..rule(PageStyleName::Cursor) })]);
    let api = generator::model(&nested, &spec()).unwrap_or_else(|e| panic!("{e}"));
    let style = api.operations.iter().find(|o| o.path == "/things").and_then(|o| o.pagination.as_ref()).map(|p| p.style.clone());
    assert_eq!(style, Some(PageStyle::Cursor { param: "page_token".into(), next: vec![("cursor".into(), true), ("next".into(), true)] }));

    let off = Config::new("lists").pagination(Pagination { detect: false, ..Pagination::default() });
    assert!(styles(&generator::model(&off, &spec()).unwrap_or_else(|e| panic!("{e}"))).is_empty());
}

#[test]
fn a_declaration_that_does_not_apply_fails_the_run() {
    assert_eq!(
        first_line(&with(&[("GET /widgets", rule(PageStyleName::Link))])),
        "specs/codegen.toml: [pagination.operations] entry `GET /widgets` matched nothing in the specs"
    );
    let missing = first_line(&with(&[("GET /things", PageRule { next: Some("next_cursor".into()), ..rule(PageStyleName::Cursor) })]));
    assert!(missing.contains("[pagination.operations] \"GET /things\" declares the `cursor` style, but its response has no field `next_cursor`"), "{missing}");
    let no_flag = first_line(&with(&[("GET /things", PageRule { param: Some("page_token".into()), ..rule(PageStyleName::LastItem) })]));
    assert!(no_flag.contains("its response has no field `has_more`"), "{no_flag}");
    let wrong_type = first_line(&with(&[("GET /things/archived", PageRule { param: Some("page".into()), ..rule(PageStyleName::Cursor) })]));
    assert!(wrong_type.contains("a cursor entry needs `next`") || wrong_type.contains("is not a string"), "{wrong_type}");
    let malformed = first_line(&with(&[("/things", rule(PageStyleName::Link))]));
    assert!(malformed.contains("[pagination.operations] \"/things\" is not \"METHOD /path\""), "{malformed}");
    let partial = Config::new("lists").pagination(Pagination { cursor: Some("after".into()), ..Pagination::default() });
    assert!(first_line(&partial).contains("gives some of `cursor`, `items` and `next`, but not all three"));
    let unused = Config::new("lists").pagination(Pagination { cursor: Some("after".into()), items: Some("items".into()), next: Some("next".into()), ..Pagination::default() });
    assert_eq!(first_line(&unused), "specs/codegen.toml: [pagination] section `after` matched nothing in the specs");
}
