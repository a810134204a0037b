//! What a production billing integration relies on: exact money, dates,
//! update semantics, retries, timeouts, pagination, validation, a trait to
//! test against, credentials that never leak, and traces.

use std::str::FromStr;
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt;
use rust_decimal::Decimal;
use sequence_invoices::invoice_line_items::{ListLineItemGroups, ListLineItemGroupsRequest};
use sequence_invoices::types::{CreateLineItemGroup, CreateOrUpdateLineItem, DateRange, LineItemGroup, LineItemGroupPage, PaginationMeta};
use sequence_invoices::{Api, Client, Environment, Error, Response, RetryPolicy, Timeouts, Update};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries without noticeable waits, so tests count attempts, not time.
fn quick_retries(retries: usize) -> RetryPolicy {
    RetryPolicy::default().max_retries(retries).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder(Environment::Custom(server.uri()))
        .basic_auth("key-id", "key-secret")
        .retry_policy(policy)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn group(id: &str) -> Value {
    json!({"id": id, "invoiceId": "inv", "title": id, "index": 0, "netTotal": "1.00", "totalTax": "0.10", "grossTotal": "1.10"})
}

fn page(ids: &[&str], after: Option<&str>) -> Value {
    let items: Vec<Value> = ids.iter().map(|id| group(id)).collect();
    json!({"items": items, "pagination": {"after": after, "totalResultSize": 5}})
}

fn line_item() -> CreateOrUpdateLineItem {
    let rate = Decimal::from_str("20000.10").unwrap_or_default();
    let tax = Decimal::from_str("0.20").unwrap_or_default();
    CreateOrUpdateLineItem::new(Vec::new(), Decimal::from(2), rate, tax, "Ferrari")
}

fn response_for_line_item() -> Value {
    json!({
        "id": "li", "invoiceId": "inv", "title": "Ferrari", "quantity": "2", "rate": "20000.10", "taxRate": "0.20",
        "index": 0, "netTotal": "40000.20", "totalTax": "8000.04", "grossTotal": "48000.24", "rateDisplay": "ABSOLUTE",
        "externalIds": [], "servicePeriodStart": "2022-10-20T00:00:00+02:00", "servicePeriod": {"startDate": "2022-10-20", "endDate": "2022-10-24"}
    })
}

fn body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

#[tokio::test]
async fn money_keeps_its_scale_and_timestamps_their_offset() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(response_for_line_item())).mount(&server).await;
    let start = chrono::DateTime::parse_from_rfc3339("2022-10-20T00:00:00Z").unwrap_or_default();
    let item = line_item().service_period_start(start);
    let answer = client(&server, RetryPolicy::never()).update_line_item("inv", "li", item).await.unwrap_or_else(|e| panic!("{e}"));

    let sent = body(&received(&server).await[0]);
    assert_eq!(sent["rate"], json!("20000.10"));
    assert_eq!(sent["taxRate"], json!("0.20"));
    assert_eq!(sent["quantity"], json!("2"));
    assert_eq!(sent["servicePeriodStart"], json!("2022-10-20T00:00:00Z"));

    assert_eq!(answer.gross_total, Decimal::from_str("48000.24").unwrap_or_default());
    assert_eq!(answer.gross_total.to_string(), "48000.24");
    assert_eq!(answer.tax_rate.to_string(), "0.20");
    let start = answer.service_period_start.unwrap_or_default();
    assert_eq!(start.offset().local_minus_utc(), 2 * 3600);
    assert_eq!(serde_json::to_value(&answer).ok().map(|v| v["servicePeriodStart"].clone()), Some(json!("2022-10-20T00:00:00+02:00")));
    let period = answer.service_period.unwrap_or_else(|| panic!("no service period"));
    assert_eq!(period.start_date, chrono::NaiveDate::from_ymd_opt(2022, 10, 20).unwrap_or_default());
}

#[tokio::test]
async fn update_bodies_tell_absent_from_null_from_value() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(response_for_line_item())).mount(&server).await;
    let client = client(&server, RetryPolicy::never());

    let mut item = line_item().description("Red").group_id("grp");
    item.group_id = Update::Clear;
    // `new` takes its arguments in the order of the fields' names: end, start.
    item.service_period = Update::Set(DateRange::new(
        chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default(),
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
    ));
    client.update_line_item("inv", "li", item).await.unwrap_or_else(|e| panic!("{e}"));

    let sent = body(&received(&server).await[0]);
    let object = sent.as_object().cloned().unwrap_or_default();
    assert_eq!(sent["description"], json!("Red"), "a set field is sent");
    assert_eq!(object.get("groupId"), Some(&Value::Null), "a cleared field is sent as null");
    assert!(!object.contains_key("priceId"), "an unchanged field is not sent");
    assert_eq!(sent["servicePeriod"], json!({"startDate": "2024-01-01", "endDate": "2024-01-31"}));
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0")).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(page(&["a"], None))).mount(&server).await;

    let page = client(&server, quick_retries(2)).list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.items.len(), 1);
    assert_eq!(received(&server).await.len(), 3, "two retries, then success");
}

#[tokio::test]
async fn retries_stop_at_the_limit_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(502).set_body_string("bad gateway")).mount(&server).await;
    let error = client(&server, quick_retries(2)).list_line_item_groups("inv").await.err();
    assert_eq!(error.as_ref().and_then(Error::status).map(|s| s.as_u16()), Some(502));
    assert_eq!(received(&server).await.len(), 3, "the first attempt and two retries");
}

#[tokio::test]
async fn a_post_is_not_resent_unless_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(group("g"))).mount(&server).await;

    let error = client(&server, quick_retries(2)).create_line_item_group("inv", CreateLineItemGroup::new("x")).await.err();
    assert_eq!(error.as_ref().and_then(Error::status).map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1, "a POST is sent once");

    // Per request, the caller may allow it.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(group("g"))).mount(&server).await;
    let created = client(&server, RetryPolicy::never())
        .create_line_item_group("inv", CreateLineItemGroup::new("x"))
        .retry_policy(quick_retries(2).retry_non_idempotent(true))
        .await;
    assert_eq!(created.map(|g| g.id).ok(), Some("g".to_owned()));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn internal_server_errors_are_retried_only_for_idempotent_methods() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let client = client(&server, quick_retries(1));
    let _ = client.update_line_item("inv", "li", line_item()).await;
    assert_eq!(received(&server).await.len(), 2, "PUT is retried on 500");
    server.reset().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let _ = client.create_line_item_group("inv", CreateLineItemGroup::new("x")).await;
    assert_eq!(received(&server).await.len(), 1, "POST is not");
    server.reset().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(400)).mount(&server).await;
    let _ = client.list_line_item_groups("inv").await;
    assert_eq!(received(&server).await.len(), 1, "400 is never retried");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600")).mount(&server).await;
    let policy = quick_retries(3).max_retry_after(Duration::from_secs(10));
    let error = client(&server, policy).list_line_item_groups("inv").await.err();
    assert_eq!(error.as_ref().and_then(Error::status).map(|s| s.as_u16()), Some(429));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn attempt_and_total_timeouts_end_slow_calls() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[], None)).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client(&server, quick_retries(1));

    let error = client.list_line_item_groups("inv").attempt_timeout(Duration::from_millis(50)).await.err();
    assert!(matches!(&error, Some(Error::Transport(e)) if e.is_timeout()), "{error:?}");
    assert_eq!(received(&server).await.len(), 2, "a timed-out GET is retried once");

    let error = client.list_line_item_groups("inv").timeout(Duration::from_millis(80)).await.err();
    assert!(matches!(error, Some(Error::Timeout(limit)) if limit == Duration::from_millis(80)), "{error:?}");

    // The client's own default applies when the call sets none.
    let timeouts = Timeouts { attempt: Some(Duration::from_millis(50)), ..Timeouts::default() };
    let strict = Client::builder(Environment::Custom(server.uri()))
        .retry_policy(RetryPolicy::never())
        .timeouts(timeouts)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = strict.list_line_item_groups("inv").await.err();
    assert!(matches!(&error, Some(Error::Transport(e)) if e.is_timeout()), "{error:?}");
}

#[tokio::test]
async fn a_retry_that_would_end_past_the_total_timeout_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503).insert_header("retry-after", "2").set_body_string("busy")).mount(&server).await;
    let started = std::time::Instant::now();
    let error = client(&server, quick_retries(3)).list_line_item_groups("inv").timeout(Duration::from_millis(500)).await.err();
    // The server asks for 2 s, the call has 0.5 s: the 503 comes back at once.
    assert!(matches!(&error, Some(Error::Api(e)) if e.status().as_u16() == 503 && e.body().as_ref() == b"busy"), "{error:?}");
    assert_eq!(received(&server).await.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2), "waited for the retry: {:?}", started.elapsed());
}

#[tokio::test]
async fn all_items_stream_across_pages() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after")).respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], Some("c1")))).mount(&server).await;
    Mock::given(query_param("after", "c1")).respond_with(ResponseTemplate::new(200).set_body_json(page(&["c", "d"], Some("c2")))).mount(&server).await;
    Mock::given(query_param("after", "c2")).respond_with(ResponseTemplate::new(200).set_body_json(page(&["e"], None))).mount(&server).await;

    let client = client(&server, RetryPolicy::never());
    let first = client.list_line_item_groups("inv").limit(2).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.items.len(), 2, "a list call returns one page");
    assert_eq!(first.pagination.after.as_deref(), Some("c1"));

    let all: Vec<LineItemGroup> = client.list_line_item_groups("inv").limit(2).items().try_collect().await.unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = all.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let requests = received(&server).await;
    assert!(requests.iter().skip(1).all(|r| r.url.query().is_some_and(|q| q.contains("limit=2"))), "every page keeps the limit");
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after")).respond_with(ResponseTemplate::new(200).set_body_json(page(&["a"], Some("c1")))).mount(&server).await;
    Mock::given(query_param("after", "c1")).respond_with(ResponseTemplate::new(200).set_body_json(page(&["b"], Some("c1")))).mount(&server).await;

    let results: Vec<Result<LineItemGroup, Error>> = {
        let client = client(&server, RetryPolicy::never());
        let stream = client.list_line_item_groups("inv").items();
        futures_util::StreamExt::collect(stream).await
    };
    assert_eq!(results.len(), 3, "two items, then the error");
    assert!(matches!(results.last(), Some(Err(Error::InvalidResponse(m))) if m.contains("\"c1\" twice")));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn limit_is_checked_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(page(&[], None))).mount(&server).await;
    let client = client(&server, RetryPolicy::never());
    for limit in [0, 101, -5] {
        let error = client.list_line_item_groups("inv").limit(limit).await.err();
        assert!(matches!(&error, Some(Error::InvalidRequest(m)) if m.contains("limit must be between 1 and 100")), "{error:?}");
    }
    assert!(received(&server).await.is_empty());
    for limit in [1, 100] {
        assert!(client.list_line_item_groups("inv").limit(limit).await.is_ok());
    }
}

/// A stand-in for the API, as a user would write one for their tests: it
/// implements only the operation the code under test calls.
struct FakeApi {
    calls: Mutex<Vec<ListLineItemGroupsRequest>>,
}

impl Api for FakeApi {
    async fn list_line_item_groups(&self, request: ListLineItemGroupsRequest) -> Result<Response<LineItemGroupPage>, Error> {
        let after = request.after.clone();
        self.calls.lock().map(|mut calls| calls.push(request)).unwrap_or_default();
        let (items, next) = match after.as_deref() {
            None => (vec!["x", "y"], Some("next".to_owned())),
            _ => (vec!["z"], None),
        };
        let items = items.into_iter().map(|id| serde_json::from_value(group(id))).collect::<Result<Vec<LineItemGroup>, _>>();
        let items = items.map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let pagination = PaginationMeta { after: next, total_result_size: Some(3), ..PaginationMeta::new() };
        Ok(Response::new(LineItemGroupPage::new(items, pagination)))
    }
}

/// Application code written against the trait, not the HTTP client.
async fn count_groups(api: &impl Api, invoice: &str) -> Result<usize, Error> {
    let all: Vec<LineItemGroup> = ListLineItemGroups::new(api, invoice).limit(10).items().try_collect().await?;
    Ok(all.len())
}

#[tokio::test]
async fn code_written_against_the_trait_runs_on_a_fake() {
    let fake = FakeApi { calls: Mutex::new(Vec::new()) };
    assert_eq!(count_groups(&fake, "inv_1").await.ok(), Some(3));
    let calls = fake.calls.lock().map(|c| c.clone()).unwrap_or_default();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].invoice, "inv_1");
    assert_eq!(calls[0].limit, Some(10));
    assert_eq!(calls[1].after.as_deref(), Some("next"));
}

/// The methods a fake leaves out answer with an error that names them and
/// the fake, instead of failing to compile.
#[tokio::test]
async fn a_method_the_fake_does_not_implement_says_so() {
    let fake = FakeApi { calls: Mutex::new(Vec::new()) };
    let body = CreateLineItemGroup::new("x");
    let error = sequence_invoices::invoice_line_items::CreateLineItemGroup::new(&fake, "inv_1", body).await.err();
    let expected = "`Api::create_line_item_group` is not implemented by integration::client_features::FakeApi";
    assert!(matches!(&error, Some(Error::InvalidRequest(m)) if m == expected), "{error:?}");
    assert!(fake.calls.lock().map(|c| c.is_empty()).unwrap_or_default(), "the implemented method was not called");
}

#[test]
fn request_bodies_build_with_a_constructor_or_a_literal() {
    let built = CreateLineItemGroup::new("Users").description("Charges for users");
    let literal = CreateLineItemGroup { description: Some("Charges for users".into()), ..CreateLineItemGroup::new("Users") };
    assert_eq!(built, literal);
}

/// A body written as a literal sends exactly its fields: the hidden field
/// that keeps the struct open is neither sent nor printed.
#[tokio::test]
async fn a_literal_body_sends_only_its_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(group("g"))).mount(&server).await;
    let body = CreateLineItemGroup { description: Some("Charges".into()), ..CreateLineItemGroup::new("Users") };
    let debug = format!("{body:?}");
    let created = client(&server, RetryPolicy::never()).create_line_item_group("inv", body).await.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(body_of_only_request(&server).await, json!({"title": "Users", "description": "Charges"}));
    assert_eq!(debug, r#"CreateLineItemGroup { title: "Users", description: Some("Charges"), tax_category_id: None, .. }"#);
    assert!(!debug.contains("non_exhaustive"), "{debug}");
    let printed = format!("{created:?}");
    assert!(printed.starts_with("LineItemGroup { id: \"g\", ") && printed.ends_with(", .. }"), "{printed}");
    assert!(!printed.contains("non_exhaustive"), "{printed}");
}

async fn body_of_only_request(server: &MockServer) -> Value {
    match &received(server).await[..] {
        [only] => body(only),
        other => panic!("expected one request, got {}", other.len()),
    }
}

#[test]
fn credentials_come_from_the_environment() {
    // SAFETY: no other test reads or writes these two variables.
    unsafe {
        std::env::set_var("SEQUENCE_CLIENT_ID", "env-id");
        std::env::remove_var("SEQUENCE_CLIENT_SECRET");
    }
    let error = Client::builder(Environment::Sandbox).basic_auth_from_env().err();
    assert!(matches!(&error, Some(Error::InvalidRequest(m)) if m.contains("SEQUENCE_CLIENT_SECRET")), "{error:?}");
    unsafe {
        std::env::set_var("SEQUENCE_CLIENT_SECRET", "env-secret-value");
    }
    let builder = Client::builder(Environment::Sandbox).basic_auth_from_env().unwrap_or_else(|e| panic!("{e}"));
    assert!(format!("{builder:?}").contains("env-id"));
    assert!(!format!("{builder:?}").contains("env-secret-value"));
}

#[tokio::test]
async fn the_secret_appears_in_no_formatted_output() {
    const SECRET: &str = "s3cr3t-do-not-print";
    // base64("key-id:s3cr3t-do-not-print") minus padding, to catch the header value too.
    const ENCODED: &str = "a2V5LWlkOnMzY3IzdC1kby1ub3QtcHJpbnQ";
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(401).set_body_string("who are you")).mount(&server).await;
    let builder = Client::builder(Environment::Custom(server.uri())).basic_auth("key-id", SECRET).retry_policy(RetryPolicy::never());
    let client = builder.clone().build().unwrap_or_else(|e| panic!("{e}"));
    let request = client.list_line_item_groups("inv").limit(5);
    let request_text = format!("{request:?}");
    let api_error = request.await.err();
    let unreachable = Client::builder(Environment::Custom("http://127.0.0.1:9".to_owned()))
        .basic_auth("key-id", SECRET)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let transport_error = unreachable.list_line_item_groups("inv").await.err();

    let outputs = [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{:?}", sequence_invoices::Credentials::basic("key-id", SECRET)),
        request_text,
        format!("{api_error:?}"),
        api_error.as_ref().map(ToString::to_string).unwrap_or_default(),
        format!("{transport_error:?}"),
        transport_error.as_ref().map(ToString::to_string).unwrap_or_default(),
    ];
    for text in &outputs {
        assert!(!text.contains(SECRET) && !text.contains(ENCODED), "leaked: {text}");
    }
    assert!(matches!(api_error, Some(Error::Api(_))));
    assert!(matches!(transport_error, Some(Error::Transport(_))));
}

/// Records every span's fields as text.
#[derive(Clone, Default)]
struct SpanRecorder(Arc<Mutex<Vec<String>>>);

struct FieldText<'a>(&'a mut String);

impl tracing::field::Visit for FieldText<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl<S> tracing_subscriber::Layer<S> for SpanRecorder
where
    S: tracing::Subscriber + for<'l> tracing_subscriber::registry::LookupSpan<'l>,
{
    fn on_new_span(&self, attrs: &tracing::span::Attributes<'_>, id: &tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        let parent = ctx.span(id).and_then(|span| span.parent()).map(|parent| parent.name().to_owned()).unwrap_or_default();
        let mut text = format!("{id:?} parent={parent} {} ", attrs.metadata().name());
        attrs.record(&mut FieldText(&mut text));
        self.0.lock().map(|mut spans| spans.push(text)).unwrap_or_default();
    }

    fn on_record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut text = format!("{id:?} record ");
        values.record(&mut FieldText(&mut text));
        self.0.lock().map(|mut spans| spans.push(text)).unwrap_or_default();
    }
}

/// One recorder for the whole test binary, installed as the global default:
/// a thread-local subscriber races with other tests over tracing's callsite
/// interest cache.
fn span_recorder() -> &'static SpanRecorder {
    static RECORDER: std::sync::OnceLock<SpanRecorder> = std::sync::OnceLock::new();
    RECORDER.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let recorder = SpanRecorder::default();
        let subscriber = tracing_subscriber::registry().with(recorder.clone());
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            panic!("another global tracing subscriber is installed");
        }
        recorder
    })
}

#[tokio::test]
async fn each_request_has_a_span_without_secrets() {
    use tracing::Instrument;
    let recorder = span_recorder();

    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(page(&[], None))).mount(&server).await;
    let client = Client::builder(Environment::Custom(server.uri()))
        .basic_auth("key-id", "span-secret")
        .retry_policy(quick_retries(2))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    // A parent span singles out this test's request among other tests' spans.
    let marker = tracing::info_span!("span_test_marker");
    client.list_line_item_groups("inv_9").into_future().instrument(marker).await.unwrap_or_else(|e| panic!("{e}"));

    let lines = recorder.0.lock().map(|s| s.clone()).unwrap_or_default();
    let Some(opening) = lines.iter().find(|l| l.contains("parent=span_test_marker http_request")) else {
        panic!("no request span under the marker in:\n{}", lines.join("\n"))
    };
    let id = opening.split(' ').next().unwrap_or_default().to_owned();
    let text: Vec<&String> = lines.iter().filter(|l| l.split(' ').next() == Some(id.as_str())).collect();
    let text = text.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n");
    assert!(text.contains("http.request.method=GET"), "{text}");
    assert!(text.contains("http.route=\"/invoices/{invoice}/line-item-groups\""), "{text}");
    assert!(text.contains("attempts=2"), "{text}");
    assert!(text.contains("http.response.status_code=200"), "{text}");
    let everything = lines.join("\n");
    assert!(!everything.contains("span-secret") && !everything.contains("inv_9"), "{everything}");
}
