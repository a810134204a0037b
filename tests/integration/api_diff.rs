//! The API change report: what each scripted spec edit is classified as,
//! in both directions, how the report reads in each format, and the
//! changelog entry `cargo xtask regen` keeps.

use generator::diff::{Change, Impact, Kind, Report, diff};
use xtask::diff::{Base, Format, changelog_entry, render, short, update_changelog};
use xtask::semver::{EDITS, Release, agrees, edit, parse_verdict};

use crate::support::{root, vendored};

/// The models before and after the scripted edit `name`.
fn models(name: &str) -> (generator::model::Api, generator::model::Api) {
    let (config, inputs) = vendored();
    let before = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let edit = edit(name).unwrap_or_else(|e| panic!("{e}"));
    let (config, inputs) = edit.specs(&root(), work.path()).unwrap_or_else(|e| panic!("{e}"));
    let after = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{name}: {}", e.render(&inputs)));
    (before, after)
}

fn report(name: &str) -> Report {
    let (before, after) = models(name);
    diff(&before, &after)
}

/// The one change of a report, or a panic listing them all.
fn only_change(report: &Report) -> &Change {
    match &report.changes[..] {
        [only] => only,
        other => panic!("expected one change, got {other:#?}"),
    }
}

#[test]
fn every_scripted_edit_is_classified_as_expected() {
    let mut wrong = Vec::new();
    for edit in EDITS {
        let report = report(edit.name);
        if report.impact() != edit.expected {
            wrong.push(format!("{}: {:?}, expected {:?}\n{report:#?}", edit.name, report.impact(), edit.expected));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_unchanged_api_has_an_empty_report() {
    let (config, inputs) = vendored();
    let model = generator::model(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(diff(&model, &model), Report::default());
    assert!(report("change-description").is_empty(), "a reworded description is documentation, not API");
}

/// Structs end in a hidden field, so no code outside the crate names every
/// field: a new optional one breaks nothing.
#[test]
fn a_new_optional_response_field_is_compatible() {
    let report = report("add-optional-field");
    let change = only_change(&report);
    assert_eq!((change.impact, change.kind, change.item.as_str()), (Impact::Compatible, Kind::Added, "types::LineItem"));
    assert_eq!(change.change, "optional field `memo` added as `memo: Option<String>`");
    assert_eq!(change.effect, "`LineItem::new` and literals ending in `..LineItem::new(…)` keep compiling");
}

#[test]
fn a_new_required_field_is_a_new_constructor_argument() {
    let change = only_change(&report("add-required-request-field")).clone();
    assert_eq!((change.impact, change.item.as_str()), (Impact::Breaking, "types::CreateLineItemGroup"));
    assert_eq!(change.effect, "`CreateLineItemGroup::new` takes a new argument `currency`");

    // Response types have `new` too, for fakes of the `Api` trait to build them.
    let change = only_change(&report("add-required-response-field")).clone();
    assert_eq!((change.impact, change.item.as_str()), (Impact::Breaking, "types::LineItem"));
    assert_eq!(change.effect, "`LineItem::new` takes a new argument `currency`");
}

#[test]
fn a_new_optional_request_field_gets_a_setter() {
    let change = only_change(&report("add-optional-request-field")).clone();
    assert_eq!(change.impact, Impact::Compatible);
    assert_eq!(
        change.effect,
        "new setter `CreateLineItemGroup::color`; `CreateLineItemGroup::new`, its setters and literals ending in `..CreateLineItemGroup::new(…)` keep compiling"
    );
}

/// Request structs are `#[non_exhaustive]`: an optional parameter is a new
/// setter of the builder, a required one a new argument.
#[test]
fn a_new_optional_parameter_is_compatible() {
    let change = only_change(&report("add-optional-query-parameter")).clone();
    assert_eq!((change.impact, change.kind, change.item.as_str()), (Impact::Compatible, Kind::Added, "Client::list_line_item_groups"));
    assert!(change.effect.starts_with("new setter `ListLineItemGroups::status`"), "{}", change.effect);
    let (before, after) = models("add-optional-query-parameter");
    assert_eq!(diff(&after, &before).impact(), Some(Impact::Breaking), "removing it again breaks the setter");
}

/// The direction matters: `T` → `Option<T>` breaks readers of a response,
/// `Update<T>` → `T` breaks writers of a request.
#[test]
fn required_ness_changes_break_in_both_directions() {
    let optional = only_change(&report("response-field-becomes-optional")).clone();
    assert_eq!((optional.impact, optional.item.as_str()), (Impact::Breaking, "types::LineItem"));
    assert_eq!(optional.effect, "`LineItem.index` changes type from `i64` to `Option<i64>`; `LineItem::new` loses the argument `index`");

    let required = only_change(&report("request-field-becomes-required")).clone();
    assert_eq!(required.impact, Impact::Breaking);
    assert_eq!(
        required.effect,
        "`UpdateLineItemGroup.index` changes type from `Update<i64>` to `i64`; `UpdateLineItemGroup::new` takes a new argument `index` and the setter `UpdateLineItemGroup::index` is gone"
    );

    // And back: the reverse edits break too.
    let (before, after) = models("response-field-becomes-optional");
    assert_eq!(diff(&after, &before).impact(), Some(Impact::Breaking));
    let (before, after) = models("request-field-becomes-required");
    assert_eq!(diff(&after, &before).impact(), Some(Impact::Breaking));
}

/// A new value of an open enum is compatible; taking it away again is not.
#[test]
fn enum_values_are_compatible_to_add_and_breaking_to_remove() {
    let (before, after) = models("add-enum-value");
    let added = diff(&before, &after);
    let change = only_change(&added);
    assert_eq!((change.impact, change.kind, change.item.as_str()), (Impact::Compatible, Kind::Added, "types::RateDisplay"));
    assert!(change.change.contains("`MIXED`") && change.change.contains("`RateDisplay::Mixed`"), "{}", change.change);

    let removed = diff(&after, &before);
    let change = only_change(&removed);
    assert_eq!((change.impact, change.kind), (Impact::Breaking, Kind::Removed));
}

/// A new operation is a new method of the `Api` trait with a default body.
#[test]
fn operations_are_compatible_to_add_and_break_callers_when_removed() {
    let (before, after) = models("add-operation");
    let added = diff(&before, &after);
    let change = only_change(&added);
    assert_eq!((change.impact, change.kind, change.item.as_str()), (Impact::Compatible, Kind::Added, "Client::delete_line_item_group"));
    assert!(change.effect.contains("`Api::delete_line_item_group` has a default body"), "{}", change.effect);
    assert_eq!(diff(&after, &before).changes.iter().map(|c| c.kind).collect::<Vec<_>>(), [Kind::Removed]);

    let removed = report("remove-operation");
    let items: Vec<(&str, Kind)> = removed.changes.iter().map(|c| (c.item.as_str(), c.kind)).collect();
    assert_eq!(items, [("Client::create_line_item_group", Kind::Removed), ("types::CreateLineItemGroup", Kind::Changed)]);
}

/// A rename through the manifest is one change, not a removed type, an
/// added one and every use of it changed.
#[test]
fn a_renamed_schema_is_reported_once() {
    let report = report("rename-schema");
    let change = only_change(&report);
    assert_eq!((change.impact, change.item.as_str()), (Impact::Breaking, "types::LineItem"));
    assert_eq!(change.change, "schema `Stable20240101LineItemResponse` renamed to `InvoiceLineItem`");
}

#[test]
fn documentation_only_changes_are_compatible() {
    for name in ["add-error-status", "add-schema", "deprecate-operation", "add-server"] {
        let report = report(name);
        assert!(!report.is_empty(), "{name}");
        assert_eq!(report.impact(), Some(Impact::Compatible), "{name}: {report:#?}");
    }
}

/// Breaking changes come first, then by item; two runs give the same report.
#[test]
fn reports_are_sorted_and_deterministic() {
    let (before, after) = models("add-operation");
    let (_, more) = models("remove-enum-value");
    let mut combined = after.clone();
    combined.types = more.types.clone();
    let first = diff(&before, &combined);
    assert_eq!(first, diff(&before, &combined));
    let changes: Vec<(Impact, &str)> = first.changes.iter().map(|c| (c.impact, c.item.as_str())).collect();
    assert_eq!(changes, [(Impact::Breaking, "types::IntegrationService"), (Impact::Compatible, "Client::delete_line_item_group")]);
}

/// The model of a small spec, for changes the vendored specs have no place for.
fn model_of(yaml: &str) -> generator::model::Api {
    let inputs = [generator::SpecInput { name: "api.yaml".to_owned(), version: None, text: yaml.to_owned() }];
    generator::model(&generator::Config::new("fixture"), &inputs).unwrap_or_else(|e| panic!("{}", e.render(&inputs)))
}

const UNIONS: &str = "\
openapi: 3.0.0
info: {title: unions, version: '1'}
paths:
  /shapes:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Shape'}}
components:
  schemas:
    Circle: {type: object, required: [kind], properties: {kind: {type: string}, radius: {type: number}}}
    Square: {type: object, required: [kind], properties: {kind: {type: string}, side: {type: number}}}
    Shape:
      oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
      discriminator: {propertyName: kind}
    IdOrName:
      oneOf: [{type: integer}, {type: string}]
";

/// Unions are `#[non_exhaustive]`: a new kind is compatible, a lost one is not.
#[test]
fn union_variants_are_compatible_to_add_and_breaking_to_remove() {
    let before = model_of(UNIONS);
    let after = model_of(
        &UNIONS
            .replace("{$ref: '#/components/schemas/Square'}]", "{$ref: '#/components/schemas/Square'}, {$ref: '#/components/schemas/Circle2'}]")
            .replace("oneOf: [{type: integer}, {type: string}]", "oneOf: [{type: integer}, {type: string}, {type: boolean}]")
            .replace("    Shape:\n", "    Circle2: {type: object, properties: {kind: {type: string}}}\n    Shape:\n"),
    );
    let report = diff(&before, &after);
    let changes: Vec<(Impact, &str, &str)> = report.changes.iter().map(|c| (c.impact, c.item.as_str(), c.change.as_str())).collect();
    assert_eq!(
        changes,
        [
            (Impact::Compatible, "types::Circle2", "schema `Circle2` added"),
            (Impact::Compatible, "types::IdOrName", "variant `Boolean` (`bool`) added"),
            (Impact::Compatible, "types::Shape", "variant `Circle2` (`Circle2`) added"),
        ]
    );
    assert!(report.changes[2].effect.contains("#[non_exhaustive]"), "{}", report.changes[2].effect);
    assert_eq!(diff(&after, &before).impact(), Some(Impact::Breaking));
}

const STATUSES: &str = "\
openapi: 3.0.0
info: {title: statuses, version: '1'}
paths:
  /jobs:
    post:
      responses:
        '200':
          description: Done
          content: {application/json: {schema: {type: object, properties: {value: {type: string}}}}}
        '202':
          description: Accepted
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
";

/// The enum of a call's success statuses is `#[non_exhaustive]` too.
#[test]
fn a_new_success_status_of_a_multi_status_call_is_compatible() {
    let before = model_of(STATUSES);
    let after = model_of(&STATUSES.replace("        '202':\n", "        '204':\n          description: Nothing to do\n        '202':\n"));
    let report = diff(&before, &after);
    let change = only_change(&report);
    assert_eq!((change.impact, change.kind, change.change.as_str()), (Impact::Compatible, Kind::Added, "success status 204 added"));
    assert!(change.effect.contains("#[non_exhaustive]"), "{}", change.effect);
    assert_eq!(diff(&after, &before).impact(), Some(Impact::Breaking));
}

const BODIES: &str = "\
openapi: 3.0.0
info: {title: bodies, version: '1'}
paths:
  /notes:
    post:
      responses:
        '204': {description: Done}
";

/// An optional body is a new setter of the builder; a required one a new argument.
#[test]
fn a_new_request_body_breaks_only_when_required() {
    let before = model_of(BODIES);
    let body = |required: bool| {
        BODIES.replace(
            "      responses:\n",
            &format!("      requestBody:\n        required: {required}\n        content: {{text/plain: {{schema: {{type: string}}}}}}\n      responses:\n"),
        )
    };
    let optional = diff(&before, &model_of(&body(false)));
    assert_eq!(only_change(&optional).impact, Impact::Compatible, "{optional:#?}");
    let required = diff(&before, &model_of(&body(true)));
    assert_eq!(only_change(&required).impact, Impact::Breaking, "{required:#?}");
}

fn sample_report() -> Report {
    let (before, after) = models("add-enum-value");
    let mut report = diff(&before, &after);
    report.changes.extend(self::report("add-required-request-field").changes);
    report.changes.sort();
    report
}

#[test]
fn the_text_report_groups_breaking_and_compatible_changes() {
    let text = render(&sample_report(), "HEAD (e2d644a705f6)", Format::Text);
    let expected = "\
API changes since HEAD (e2d644a705f6): 1 breaking, 1 compatible

breaking:
  - types::CreateLineItemGroup: required field `currency` added as `currency: String`
      `CreateLineItemGroup::new` takes a new argument `currency`

compatible:
  - types::RateDisplay: value `MIXED` added as `RateDisplay::Mixed`
      the enum is #[non_exhaustive], so `match`es already have a `_` arm; `MIXED` now decodes into `RateDisplay::Mixed` instead of `RateDisplay::Unknown`
";
    assert_eq!(text, expected);
    assert_eq!(render(&Report::default(), "main (0123456789ab)", Format::Text), "No API changes since main (0123456789ab).\n");
}

#[test]
fn the_markdown_report_is_one_table_with_escaped_cells() {
    let mut report = sample_report();
    report.changes[0].change.push_str(" (a | b)");
    let markdown = render(&report, "HEAD", Format::Markdown);
    let lines: Vec<&str> = markdown.lines().collect();
    assert_eq!(lines[0], "### API changes since `HEAD`: 1 breaking, 1 compatible");
    assert_eq!(lines[2], "| impact | item | change | effect on code using the crate |");
    assert!(lines[4].starts_with("| **breaking** | `types::CreateLineItemGroup` |") && lines[4].contains("(a \\| b)"), "{}", lines[4]);
    assert!(lines[5].starts_with("| compatible | `types::RateDisplay` |"), "{}", lines[5]);
    assert_eq!(lines.len(), 6);
}

#[test]
fn the_json_report_carries_every_field() {
    let json: serde_json::Value = serde_json::from_str(&render(&sample_report(), "HEAD", Format::Json)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["base"], "HEAD");
    assert_eq!(json["impact"], "breaking");
    assert_eq!((json["breaking"].as_u64(), json["compatible"].as_u64()), (Some(1), Some(1)));
    let first = &json["changes"][0];
    assert_eq!(first["impact"], "breaking");
    assert_eq!(first["kind"], "added");
    assert_eq!(first["item"], "types::CreateLineItemGroup");
    assert!(first["change"].as_str().is_some_and(|c| c.contains("currency")));
    assert!(first["effect"].as_str().is_some_and(|e| e.contains("CreateLineItemGroup::new")));
}

#[test]
fn the_short_report_is_one_line_per_change() {
    let text = short(&sample_report(), "HEAD (e2d644a705f6)");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("API changes since HEAD (e2d644a705f6): 1 breaking, 1 compatible"));
    assert!(lines[1].trim_start().starts_with("breaking    types::CreateLineItemGroup: required field `currency`"), "{}", lines[1]);
    assert!(lines[2].trim_start().starts_with("compatible  types::RateDisplay: value `MIXED`"), "{}", lines[2]);
}

fn base(commit: &str) -> Base {
    Base { rev: "HEAD".to_owned(), commit: commit.to_owned() }
}

/// Regenerating again rewrites the same entry: the changelog depends only
/// on the base commit and the report, never on the clock.
#[test]
fn the_changelog_entry_is_replaced_not_repeated() {
    let report = sample_report();
    let head = base("1111111111111111111111111111111111111111");
    let entry = changelog_entry(&report, &head);
    assert!(entry.starts_with("## API changes on top of 111111111111\n\n1 breaking, 1 compatible.\n"), "{entry}");
    assert!(entry.contains("\nBreaking:\n\n- `types::CreateLineItemGroup`: required field `currency` added as `currency: String`. `CreateLineItemGroup::new` takes"));

    let first = update_changelog("", &head, Some(&entry));
    assert!(first.starts_with(xtask::diff::CHANGELOG_INTRO), "{first}");
    assert_eq!(first.matches("## API changes on top of").count(), 1);
    assert_eq!(update_changelog(&first, &head, Some(&entry)), first, "a second regen must change nothing");

    // After a commit, the next change gets an entry of its own, on top.
    let next = base("2222222222222222222222222222222222222222");
    let (before, after) = models("add-schema");
    let later = changelog_entry(&diff(&before, &after), &next);
    let second = update_changelog(&first, &next, Some(&later));
    let headings: Vec<&str> = second.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings, ["## API changes on top of 222222222222", "## API changes on top of 111111111111"]);
    assert!(second.ends_with(&entry), "the older entry stays as it was:\n{second}");

    // Undoing the uncommitted change removes its entry again.
    assert_eq!(update_changelog(&second, &next, None), first);
}

#[test]
fn the_base_is_read_from_git_without_touching_the_working_tree() {
    let head = Base::resolve(&root(), "HEAD").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.commit.len(), 40, "{head:?}");
    assert_eq!(head.label(), format!("HEAD ({})", &head.commit[..12]));
    let model = head.model(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.operations.iter().any(|o| o.name == "update_line_item"));

    let error = Base::resolve(&root(), "no-such-branch").err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(error.contains("`no-such-branch` is not a commit of a git repository at"), "{error}");
    let error = Base::resolve(&root(), "--output=x").err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(error.contains("is not a git revision"), "{error}");
}

/// Outside a git checkout regen still works; it says why there is no report.
#[test]
fn regen_outside_git_notes_that_there_is_no_report_and_writes_no_changelog() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    crate::support::copy_tree(&root().join("specs"), &work.path().join("specs"));
    crate::support::copy_tree(&root().join("generated-client").join("src"), &work.path().join("generated-client").join("src"));
    let summary = xtask::regen::regen(work.path(), xtask::regen::Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.contains("note: no API change report and no generated-client/CHANGELOG.md entry:"), "{summary}");
    assert!(!work.path().join("generated-client").join("CHANGELOG.md").exists());
}

#[test]
fn cargo_semver_checks_verdicts_are_read_from_its_summary() {
    let major = "\
     Parsed [   0.013s] parsed rustdoc
--- failure constructible_struct_adds_field: externally-constructible struct adds field ---

Description:
A pub struct constructible with a struct literal has a new pub field.
     Summary semver requires new major version: 1 major and 0 minor checks failed
";
    let verdict = parse_verdict(major).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((verdict.release, verdict.lints), (Release::Major, vec!["constructible_struct_adds_field".to_owned()]));
    let minor = "--- failure function_marked_deprecated: function #[deprecated] added ---\n     Summary semver requires new minor version: 0 major and 1 minor checks failed\n";
    assert_eq!(parse_verdict(minor).map(|v| v.release).ok(), Some(Release::Minor));
    assert_eq!(parse_verdict("     Summary no semver update required\n").map(|v| v.release).ok(), Some(Release::None));
    let error = parse_verdict("error: failed to build rustdoc for crate\n").err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(error.contains("no summary") && error.contains("failed to build rustdoc"), "{error}");
}

#[test]
fn the_report_agrees_when_breaking_means_major() {
    assert!(agrees(Some(Impact::Breaking), Release::Major, false));
    assert!(agrees(Some(Impact::Compatible), Release::Minor, false));
    assert!(agrees(Some(Impact::Compatible), Release::None, false));
    assert!(agrees(None, Release::None, false));
    assert!(!agrees(Some(Impact::Compatible), Release::Major, false));
    assert!(!agrees(Some(Impact::Breaking), Release::None, false));
    // A break the tool cannot see: the report must still call it breaking.
    assert!(agrees(Some(Impact::Breaking), Release::None, true));
    assert!(!agrees(Some(Impact::Compatible), Release::Major, true));
}

/// What regen does after writing the files: the entry for the base goes
/// into generated-client/CHANGELOG.md, once, and goes away with the change.
#[test]
fn regen_records_the_changes_in_the_changelog_once() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = work.path().join(xtask::regen::CHANGELOG);
    std::fs::create_dir_all(work.path().join("generated-client")).unwrap_or_else(|e| panic!("{e}"));
    let head = base("3333333333333333333333333333333333333333");
    let (before, after) = models("add-optional-query-parameter");

    let printed = xtask::regen::record_api_changes(work.path(), &head, &before, &before).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(printed, None);
    assert!(!path.exists(), "no API change, no changelog");

    let printed = xtask::regen::record_api_changes(work.path(), &head, &before, &after).unwrap_or_else(|e| panic!("{e}")).unwrap_or_default();
    assert!(printed.starts_with("API changes since HEAD (333333333333): 0 breaking, 1 compatible"), "{printed}");
    let written = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.contains("## API changes on top of 333333333333\n"), "{written}");
    assert!(written.contains("optional query parameter `status`"), "{written}");

    xtask::regen::record_api_changes(work.path(), &head, &before, &after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), written, "a second regen must not change the changelog");

    xtask::regen::record_api_changes(work.path(), &head, &before, &before).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), xtask::diff::CHANGELOG_INTRO);
}

#[test]
fn the_checked_in_changelog_starts_with_its_intro() {
    let changelog = std::fs::read_to_string(root().join(xtask::regen::CHANGELOG)).unwrap_or_else(|e| panic!("{e}"));
    assert!(changelog.starts_with(xtask::diff::CHANGELOG_INTRO), "{changelog}");
}

const SECURED: &str = "\
openapi: 3.0.0
info: {title: secured, version: '1'}
security: [{token: []}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
paths:
  /notes:
    get:
      responses:
        '204': {description: Done}
";

/// A new scheme is new setters; a scheme gone takes its setters with it; an
/// operation that accepts other credentials still compiles.
#[test]
fn security_schemes_and_requirements_are_reported() {
    let before = model_of(SECURED);
    let added = SECURED.replace(
        "    token: {type: http, scheme: bearer}\n",
        "    token: {type: http, scheme: bearer}\n    key: {type: apiKey, in: query, name: api_key}\n",
    );
    let after = model_of(&added.replace("security: [{token: []}]", "security: [{token: []}, {key: []}]"));
    let report = diff(&before, &after);
    let changes: Vec<(Impact, &str, &str)> = report.changes.iter().map(|c| (c.impact, c.item.as_str(), c.change.as_str())).collect();
    assert_eq!(
        changes,
        [
            (Impact::Compatible, "Client::list_notes", "credentials: `bearer_auth` or `api_key` (was `bearer_auth`)"),
            (Impact::Compatible, "ClientBuilder::api_key", "security scheme `key` added"),
        ]
    );
    assert_eq!(report.changes[1].effect, "new methods `api_key`, `api_key_from_env` of the client builder; nothing existing changes");
    let back = diff(&after, &before);
    let removed = back.changes.iter().find(|c| c.item == "ClientBuilder::api_key").unwrap_or_else(|| panic!("{back:#?}"));
    assert_eq!((removed.impact, removed.effect.as_str()), (Impact::Breaking, "calls of `api_key`, `api_key_from_env` no longer compile"));

    let public = diff(&before, &model_of(&SECURED.replace("      responses:\n", "      security: []\n      responses:\n")));
    assert_eq!(only_change(&public).change, "credentials: none (was `bearer_auth`)");
    let basic = diff(&before, &model_of(&SECURED.replace("scheme: bearer", "scheme: basic")));
    let changed = basic.changes.iter().map(|c| (c.impact, c.item.as_str())).collect::<Vec<_>>();
    assert!(changed.contains(&(Impact::Breaking, "ClientBuilder::basic_auth")), "{basic:#?}");
}

const STREAMS: &str = "\
openapi: 3.0.0
info: {title: streams, version: '1'}
paths:
  /completions:
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {stream: {type: boolean}}}}}
      responses:
        '200':
          description: One completion
          content:
            application/json: {schema: {type: object, properties: {text: {type: string}}}}
  /page:
    get:
      responses:
        '200':
          description: A page
          content: {application/json: {schema: {type: string}}}
";

/// A stream of events is `send_stream` and an `Api` method with a default
/// body: compatible to gain, breaking to lose; the `Accept` a call sends is
/// a wire change that asks nothing of callers.
#[test]
fn a_stream_of_events_is_compatible_to_add_and_breaking_to_remove() {
    let before = model_of(STREAMS);
    let after = model_of(
        &STREAMS
            .replace(
                "            application/json: {schema: {type: object, properties: {text: {type: string}}}}\n",
                "            application/json: {schema: {type: object, properties: {text: {type: string}}}}\n            text/event-stream: {schema: {type: object, properties: {delta: {type: string}}}}\n",
            )
            .replace("content: {application/json: {schema: {type: string}}}", "content: {text/html: {schema: {type: string}}}"),
    );
    let report = diff(&before, &after);
    let changes: Vec<(Impact, &str, &str)> = report.changes.iter().map(|c| (c.impact, c.item.as_str(), c.change.as_str())).collect();
    assert!(changes.contains(&(Impact::Compatible, "Client::create_completion", "now answers with a stream of server-sent events too")), "{changes:?}");
    assert!(changes.contains(&(Impact::Compatible, "Client::list_page", "sends `Accept: text/html` (was `application/json`)")), "{changes:?}");
    assert_eq!(report.impact(), Some(Impact::Compatible), "{changes:?}");
    let back = diff(&after, &before);
    let lost: Vec<(Impact, &str)> = back.changes.iter().map(|c| (c.impact, c.change.as_str())).collect();
    assert!(lost.contains(&(Impact::Breaking, "no longer answers with a stream of server-sent events")), "{lost:?}");
}
