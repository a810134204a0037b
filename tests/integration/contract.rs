//! The generated client against Stoplight Prism, a mock server nobody here
//! wrote, serving the merged spec. Prism checks every request against the
//! spec and names what breaks it in the `sl-violations` response header; any
//! such header fails these tests. `cargo xtask contract` installs and starts
//! Prism, then runs them with `PRISM_URL` set.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use sequence_invoices::runtime::{HeaderMap, StatusCode};
use sequence_invoices::types::{
    CreateLineItemGroup, CreateOrUpdateLineItem, DateRange, InclusiveDateRange, IntegrationExternalIdentifier, IntegrationService,
    RateDisplay, RevenueClassification, RevenueRecognitionMethod, SortOrder, UpdateLineItemGroup,
};
use sequence_invoices::{Client, Environment, Error, Response, RetryPolicy};
use serde_json::Value;

use crate::support::{at, vendored};

const VIOLATIONS: &str = "sl-violations";

/// Prism's base URL; the tests cannot run without it.
fn prism_url() -> String {
    std::env::var("PRISM_URL")
        .unwrap_or_else(|_| panic!("PRISM_URL is not set: the contract tests need a running Prism; run `cargo xtask contract`"))
}

/// A client for Prism as an application would build it.
fn client() -> Client {
    Client::builder(Environment::Custom(prism_url())).basic_auth("key-id", "key-secret").build().unwrap_or_else(|e| panic!("{e}"))
}

/// A client whose requests carry `Prefer: code=<status>`, which makes Prism
/// answer with that documented response; no retries, so one call is one
/// request.
fn client_preferring(status: u16) -> Client {
    // Building a generated client first installs the TLS provider that
    // reqwest (built without one) needs.
    client();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", reqwest::header::HeaderValue::from_str(&format!("code={status}")).unwrap_or_else(|e| panic!("{e}")));
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap_or_else(|e| panic!("{e}"));
    Client::builder(Environment::Custom(prism_url()))
        .basic_auth("key-id", "key-secret")
        .http_client(http)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Fails with Prism's own words when it found the exchange off-spec.
fn assert_on_spec(call: &str, headers: &HeaderMap) {
    if let Some(violations) = headers.get(VIOLATIONS) {
        panic!("Prism flags {call}: {}", String::from_utf8_lossy(violations.as_bytes()));
    }
}

/// A successful call that Prism found entirely on-spec.
fn accepted<T>(call: &str, result: Result<Response<T>, Error>) -> Response<T> {
    match result {
        Ok(response) => {
            assert_on_spec(call, &response.headers);
            response
        }
        Err(error) => {
            if let Some(response) = error.response() {
                assert_on_spec(call, response.headers());
            }
            panic!("{call} failed: {error}")
        }
    }
}

/// A call Prism answered with `status` (an error the spec documents), with
/// nothing in the request it would flag.
fn rejected<T: std::fmt::Debug>(call: &str, status: u16, result: Result<T, Error>) {
    let error = match result {
        Ok(value) => panic!("{call}: expected the documented {status}, got a success: {value:?}"),
        Err(error) => error,
    };
    let Some(response) = error.response() else { panic!("{call}: expected the documented {status}, got {error}") };
    assert_on_spec(call, response.headers());
    assert!(matches!(error, Error::Api(_)), "{call}: expected Error::Api, got {error:?}");
    assert_eq!(error.status(), StatusCode::from_u16(status).ok(), "{call}: {error}");
    // The spec documents the error statuses without a body.
    assert!(response.body().is_empty(), "{call}: unexpected body {:?}", response.body());
}

/// The example Prism serves for a response, read from the same merged
/// document Prism reads, in Prism's order: the first of the media type's
/// `examples`, its `example`, then the schema's own `example`, then the
/// referenced schema's.
fn served_example(path: &str, method: &str, status: u16) -> Value {
    let (config, inputs) = vendored();
    let merged = generator::merged_spec(&config, &inputs).unwrap_or_else(|e| panic!("{e}"));
    let pointer = format!("/paths/{}/{method}/responses/{status}/content/application~1json", path.replace('/', "~1"));
    let media = at(&merged, &pointer);
    if let Some(first) = media.get("examples").and_then(Value::as_object).and_then(|examples| examples.values().next()) {
        return at(first, "/value").clone();
    }
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    let schema = at(media, "/schema");
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    // A reference, possibly wrapped as `allOf: [{$ref}]` (the merged
    // document keeps a `$ref`'s siblings that way).
    let reference = schema
        .pointer("/$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer}: the schema is neither a $ref nor has an example"));
    at(&merged, &format!("{}/example", reference.trim_start_matches('#'))).clone()
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A line item with every field the spec knows set, so that Prism checks
/// how each one is written.
fn full_line_item() -> CreateOrUpdateLineItem {
    let start = DateTime::parse_from_rfc3339("2022-10-20T00:00:00+02:00").unwrap_or_else(|e| panic!("{e}"));
    let end = DateTime::parse_from_rfc3339("2022-10-24T00:00:00Z").unwrap_or_else(|e| panic!("{e}"));
    let external = IntegrationExternalIdentifier::new(IntegrationService::Xero, "123");
    CreateOrUpdateLineItem::new(vec![external], decimal("2"), decimal("20000.10"), decimal("0.2"), "Ferraris")
        .description("Red")
        .service_period_start(start)
        .service_period_end(end)
        .service_period(DateRange::new(date("2022-10-24"), date("2022-10-20")))
        .group_id("cd11218d-fa00-4faa-8684-a43113d076a8")
        .price_id("fe2fcd0b-4c53-45c7-b2ae-b6c1a7d21e95")
        .rate_display(RateDisplay::Absolute)
        .revenue_classification(RevenueClassification::Earned)
        .credit_grant_id("fe2fcd0b-4c53-45c7-b2ae-b6c1a7d21e95")
        .revenue_recognition_method(RevenueRecognitionMethod::StraightLine)
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn create_line_item_group_is_accepted_and_decodes_the_created_group() {
    let body = CreateLineItemGroup::new("Users").description("Charges for users").tax_category_id("28227c88-6dba-455f-9b30-b9c76957e610");
    let response = accepted("create_line_item_group", client().create_line_item_group("inv_1", body).send_with_response().await);

    assert_eq!(response.status, StatusCode::CREATED);
    let expected = served_example("/invoices/{invoice}/line-item-groups", "post", 201);
    assert_eq!(serde_json::to_value(&response.body).ok(), Some(expected));
    let group = response.body;
    assert_eq!(group.title, "Users");
    assert_eq!(group.net_total, decimal("51.20"));
    assert_eq!(group.tax_category.map(|t| t.name), Some("VAT".to_owned()));
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn list_line_item_groups_with_every_parameter_is_accepted_and_decodes_the_page() {
    let client = client();
    let request = client.list_line_item_groups("inv_1").before("MDE4NDQy").after("MDE4NDUy").limit(50).sort_order(SortOrder::Desc);
    let response = accepted("list_line_item_groups", request.send_with_response().await);

    assert_eq!(response.status, StatusCode::OK);
    let expected = served_example("/invoices/{invoice}/line-item-groups", "get", 200);
    assert_eq!(serde_json::to_value(&response.body).ok(), Some(expected));
    assert_eq!(response.body.items.len(), 1);
    assert_eq!(response.body.items[0].gross_total, decimal("101.23"));
    assert_eq!(response.body.pagination.total_result_size, Some(10));
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn update_line_item_with_every_field_is_accepted_and_decodes_the_item() {
    let client = client();
    let call = client.update_line_item("inv_1", "li_1", full_line_item());
    let response = accepted("update_line_item", call.send_with_response().await);

    assert_eq!(response.status, StatusCode::OK);
    let expected = served_example("/invoices/{invoice}/line-items/{id}", "put", 200);
    assert_eq!(serde_json::to_value(&response.body).ok(), Some(expected));
    assert_eq!(response.body.rate.to_string(), "20000.10");
    assert_eq!(response.body.rate_display, RateDisplay::Absolute);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn update_line_item_with_only_required_fields_is_accepted() {
    let body = CreateOrUpdateLineItem::new(Vec::new(), decimal("2"), decimal("20000.10"), decimal("0.2"), "Ferraris");
    let response = accepted("update_line_item", client().update_line_item("inv_1", "li_1", body).send_with_response().await);
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn update_line_item_group_with_every_field_is_accepted_and_decodes_the_group() {
    let body = UpdateLineItemGroup::new("Users")
        .description("Charges for users")
        .tax_category_id("28227c88-6dba-455f-9b30-b9c76957e610")
        .revenue_recognition_method(RevenueRecognitionMethod::StraightLine)
        .revenue_classification(RevenueClassification::Earned)
        .service_period(InclusiveDateRange::new(date("2022-10-24"), date("2022-10-20")))
        .index(10);
    let client = client();
    let call = client.update_line_item_group("inv_1", "grp_1", body);
    let response = accepted("update_line_item_group", call.send_with_response().await);

    assert_eq!(response.status, StatusCode::OK);
    let expected = served_example("/invoices/{invoice}/line-item-groups/{id}", "put", 200);
    assert_eq!(serde_json::to_value(&response.body).ok(), Some(expected));
    assert_eq!(response.body.id, "4639a112-f821-4bc1-bc2d-6f9ece5b7c0f");
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn a_bad_request_on_create_line_item_group_is_an_api_error() {
    let result = client_preferring(400).create_line_item_group("inv_1", CreateLineItemGroup::new("Users")).await;
    rejected("create_line_item_group", 400, result);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn unauthorized_on_list_line_item_groups_is_an_api_error() {
    let result = client_preferring(401).list_line_item_groups("inv_1").await;
    rejected("list_line_item_groups", 401, result);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn not_found_on_update_line_item_is_an_api_error() {
    let body = CreateOrUpdateLineItem::new(Vec::new(), decimal("2"), decimal("20000.10"), decimal("0.2"), "Ferraris");
    let result = client_preferring(404).update_line_item("inv_missing", "li_1", body).await;
    rejected("update_line_item", 404, result);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn a_server_error_on_update_line_item_group_is_an_api_error() {
    let result = client_preferring(500).update_line_item_group("inv_1", "grp_1", UpdateLineItemGroup::new("Users")).await;
    rejected("update_line_item_group", 500, result);
}

/// The check above is only worth something if Prism really flags requests
/// that break the spec: a `Sequence-Version` the spec does not list must
/// come back flagged.
#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn prism_flags_a_request_that_breaks_the_spec() {
    let client = Client::builder(Environment::Custom(prism_url()))
        .basic_auth("key-id", "key-secret")
        .sequence_version("1999-01-01")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = client.list_line_item_groups("inv_1").await.err();
    let response = error.as_ref().and_then(Error::response).unwrap_or_else(|| panic!("expected an answer, got {error:?}"));
    let violations = response.headers().get(VIOLATIONS).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    assert!(violations.as_deref().is_some_and(|v| v.contains("sequence-version")), "not flagged: {violations:?}");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
