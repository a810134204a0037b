//! The generated client against a real HTTP server on 127.0.0.1: what goes
//! on the wire, what comes back decoded, and how failures surface.

use sequence_invoices::types::{CreateLineItemGroup, CreateOrUpdateLineItem, LineItem, RateDisplay, SortOrder, UpdateLineItemGroup};
use sequence_invoices::{Client, Environment, Error, SEQUENCE_VERSION};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{at, spec_value};

const CREATE: &str = "invoices.2024-07-30.create-line-item-group.transcribed.yaml";
const LIST: &str = "invoices.2024-07-30.list-line-item-groups.yaml";
const UPDATE_ITEM: &str = "invoices.2024-07-30.update-line-item.yaml";
const UPDATE_GROUP: &str = "invoices.latest.update-line-item-group.yaml";

/// An awkward invoice id: every character here must be percent-encoded.
const INVOICE: &str = "inv/1 ?#%é";
const INVOICE_ENCODED: &str = "inv%2F1%20%3F%23%25%C3%A9";

fn example(file: &str, operation: &str, rest: &str) -> Value {
    at(&spec_value(file), &format!("{operation}{rest}")).clone()
}

const CREATE_OP: &str = "/paths/~1invoices~1{invoice}~1line-item-groups/post";
const LIST_OP: &str = "/paths/~1invoices~1{invoice}~1line-item-groups/get";
const UPDATE_ITEM_OP: &str = "/paths/~1invoices~1{invoice}~1line-items~1{id}/put";
const UPDATE_GROUP_OP: &str = "/paths/~1invoices~1{invoice}~1line-item-groups~1{id}/put";
const REQUEST_EXAMPLE: &str = "/requestBody/content/application~1json/schema/example";

fn response_example(status: u16) -> String {
    format!("/responses/{status}/content/application~1json/schema/example")
}

/// A server answering every request with `status` and `body`.
async fn server(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body).insert_header("x-request-id", "req-123"))
        .mount(&server)
        .await;
    server
}

/// A client for `server`, under the `/api` prefix the real environments use.
fn client(server: &MockServer) -> Client {
    Client::builder(Environment::Custom(format!("{}/api", server.uri())))
        .basic_auth("key-id", "key-secret")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// What every call sends: credentials, the pinned API version, JSON.
fn assert_common_headers(request: &wiremock::Request) {
    // base64("key-id:key-secret")
    assert_eq!(header(request, "authorization"), Some("Basic a2V5LWlkOmtleS1zZWNyZXQ="));
    assert_eq!(header(request, "sequence-version"), Some("2024-07-30"));
    assert_eq!(header(request, "accept"), Some("application/json"));
}

fn body_json(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("request body is not JSON: {e}"))
}

#[tokio::test]
async fn create_line_item_group_sends_the_spec_example_and_decodes_the_response() {
    let request_example = example(CREATE, CREATE_OP, REQUEST_EXAMPLE);
    let response_example = example(CREATE, CREATE_OP, &response_example(201));
    let server = server(201, response_example.clone()).await;

    let body: CreateLineItemGroup = serde_json::from_value(request_example.clone()).unwrap_or_else(|e| panic!("{e}"));
    let group = client(&server).create_line_item_group(INVOICE, body).await.unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), format!("/api/invoices/{INVOICE_ENCODED}/line-item-groups"));
    assert_eq!(request.url.query(), None);
    assert_common_headers(&request);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(body_json(&request), request_example);

    assert_eq!(group.id, "4639a112-f821-4bc1-bc2d-6f9ece5b7c0f");
    assert_eq!(group.title, "Users");
    assert_eq!(group.index, 2);
    assert_eq!(group.net_total.to_string(), "51.20");
    assert_eq!(group.tax_category.as_ref().map(|t| t.name.as_str()), Some("VAT"));
    assert_eq!(serde_json::to_value(&group).ok(), Some(response_example));
}

#[tokio::test]
async fn list_line_item_groups_sends_query_parameters_and_decodes_the_page() {
    let response_example = example(LIST, LIST_OP, &response_example(200));
    let server = server(200, response_example.clone()).await;

    let page = client(&server)
        .list_line_item_groups(INVOICE)
        .after("MDE4NDUy")
        .limit(50)
        .sort_order(SortOrder::Asc)
        .send_with_response()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("/api/invoices/{INVOICE_ENCODED}/line-item-groups"));
    assert_eq!(request.url.query(), Some("after=MDE4NDUy&limit=50&sortOrder=ASC"));
    assert_common_headers(&request);
    assert!(request.body.is_empty());
    assert_eq!(header(&request, "content-type"), None);

    assert_eq!(page.status.as_u16(), 200);
    assert_eq!(page.request_id(), Some("req-123"));
    assert_eq!(page.body.items.len(), 1);
    assert_eq!(page.body.pagination.after.as_deref(), Some("MDE4NDUyNjYtNmQ2NC03N2M4LTlhZGYtNDQ4N2Q5NGQxNDU3"));
    assert_eq!(page.body.pagination.total_result_size, Some(10));
    assert_eq!(serde_json::to_value(&page.body).ok(), Some(response_example));
}

#[tokio::test]
async fn update_line_item_sends_the_spec_example_and_decodes_the_response() {
    let request_example = example(UPDATE_ITEM, UPDATE_ITEM_OP, REQUEST_EXAMPLE);
    let response_example = example(UPDATE_ITEM, UPDATE_ITEM_OP, &response_example(200));
    let server = server(200, response_example.clone()).await;

    let body: CreateOrUpdateLineItem = serde_json::from_value(request_example.clone()).unwrap_or_else(|e| panic!("{e}"));
    let item = client(&server).update_line_item(INVOICE, "li 7/8", body).await.unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), format!("/api/invoices/{INVOICE_ENCODED}/line-items/li%207%2F8"));
    assert_common_headers(&request);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(body_json(&request), request_example);

    assert_eq!(item.rate.to_string(), "20000.10");
    assert_eq!(item.rate.scale(), 2);
    assert_eq!(item.rate_display, RateDisplay::Absolute);
    assert_eq!(item.external_ids.len(), 1);
    assert_eq!(serde_json::to_value(&item).ok(), Some(response_example));
}

#[tokio::test]
async fn update_line_item_group_sends_the_spec_example_and_decodes_the_response() {
    let request_example = example(UPDATE_GROUP, UPDATE_GROUP_OP, REQUEST_EXAMPLE);
    let response_example = example(UPDATE_GROUP, UPDATE_GROUP_OP, &response_example(200));
    let server = server(200, response_example.clone()).await;

    let body: UpdateLineItemGroup = serde_json::from_value(request_example.clone()).unwrap_or_else(|e| panic!("{e}"));
    let group = client(&server).update_line_item_group(INVOICE, "grp-1", body).await.unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), format!("/api/invoices/{INVOICE_ENCODED}/line-item-groups/grp-1"));
    assert_common_headers(&request);
    assert_eq!(body_json(&request), request_example);
    assert_eq!(serde_json::to_value(&group).ok(), Some(response_example));
}

#[tokio::test]
async fn optional_fields_that_are_none_are_not_sent() {
    let server = server(201, example(CREATE, CREATE_OP, &response_example(201))).await;
    let body = CreateLineItemGroup::new("Users");
    client(&server).create_line_item_group("inv", body).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body_json(&only_request(&server).await), json!({"title": "Users"}));
}

#[tokio::test]
async fn the_version_header_can_be_overridden_on_the_client() {
    let server = server(200, example(LIST, LIST_OP, &response_example(200))).await;
    let client = Client::builder(Environment::Custom(server.uri()))
        .sequence_version("2025-01-01")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));
    let request = only_request(&server).await;
    assert_eq!(header(&request, "sequence-version"), Some("2025-01-01"));
    assert_eq!(header(&request, "authorization"), None, "no credentials were configured");
    assert_eq!(SEQUENCE_VERSION, "2024-07-30");
}

#[tokio::test]
async fn documented_error_statuses_are_distinguishable_and_keep_the_body() {
    for status in [400u16, 401, 404, 500] {
        let body = json!({"message": format!("failed with {status}")});
        let server = server(status, body.clone()).await;
        let request = CreateOrUpdateLineItem::new(Vec::new(), 1.into(), 1.into(), 0.into(), "x");
        let error = client(&server).update_line_item("inv", "li", request).await.err();
        let Some(Error::Api(api)) = &error else { panic!("{status}: expected Error::Api, got {error:?}") };
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.body_json(), Some(body));
        assert_eq!(api.request_id(), Some("req-123"));
        assert_eq!(error.as_ref().and_then(Error::status).map(|s| s.as_u16()), Some(status));
        assert!(error.as_ref().is_some_and(|e| e.to_string().contains(&format!("failed with {status}"))));
    }
}

#[tokio::test]
async fn a_success_body_that_does_not_match_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{\"items\": [tru")).mount(&server).await;
    let error = client(&server).list_line_item_groups("inv").await.err();
    let Some(Error::Decode(decode)) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.body().as_ref(), b"{\"items\": [tru");
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    // Bind a port, then close it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    let port = port.unwrap_or_else(|e| panic!("{e}"));
    let client = Client::builder(Environment::Custom(format!("http://127.0.0.1:{port}")))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = client.list_line_item_groups("inv").await.err();
    assert!(matches!(error, Some(Error::Transport(_))), "{error:?}");
    assert_eq!(error.as_ref().and_then(Error::status), None);
}

#[tokio::test]
async fn unknown_enum_values_survive_a_round_trip() {
    let mut response = example(UPDATE_ITEM, UPDATE_ITEM_OP, &response_example(200));
    response["rateDisplay"] = json!("FRACTIONAL");
    response["externalIds"][0]["key"] = json!("Brand_New_Integration");
    let server = server(200, response.clone()).await;
    let body: CreateOrUpdateLineItem =
        serde_json::from_value(example(UPDATE_ITEM, UPDATE_ITEM_OP, REQUEST_EXAMPLE)).unwrap_or_else(|e| panic!("{e}"));
    let item: LineItem = client(&server).update_line_item("inv", "li", body).await.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(item.rate_display, RateDisplay::Unknown("FRACTIONAL".to_owned()));
    assert_eq!(item.rate_display.as_str(), "FRACTIONAL");
    assert_eq!(serde_json::to_value(&item).ok(), Some(response));
}

#[test]
fn environments_come_from_the_spec_servers() {
    assert_eq!(Environment::Dev.base_url(), "https://dev.seqhq.io/api");
    assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.sequencehq.com/api");
    assert_eq!(Environment::Production.base_url(), "https://eu.sequencehq.com/api");
}

#[test]
fn a_bad_base_url_is_rejected_when_building() {
    let error = Client::builder(Environment::Custom("not a url".to_owned())).build().err();
    assert!(matches!(error, Some(Error::InvalidRequest(_))), "{error:?}");
}

#[test]
fn credentials_never_show_in_debug_output() {
    let builder = Client::builder(Environment::Production).basic_auth("key-id", "very-secret-value");
    let client = builder.clone().build().unwrap_or_else(|e| panic!("{e}"));
    for text in [format!("{builder:?}"), format!("{client:?}"), format!("{:?}", sequence_invoices::Credentials::basic("a", "very-secret-value"))] {
        assert!(!text.contains("very-secret-value"), "{text}");
        assert!(!text.contains("a2V5LWlk"), "the encoded header leaked: {text}");
    }
}
