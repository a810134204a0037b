//! Client hooks on the wire: what a hook adds arrives, what it sees is what
//! happened to each attempt, several run in order, and a hook's error stops
//! the call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sequence_invoices::types::CreateLineItemGroup;
use sequence_invoices::{AttemptOutcome, Client, Environment, Error, Hook, HookError, HookFuture, OutgoingRequest, RetryPolicy};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quick_retries(retries: usize) -> RetryPolicy {
    RetryPolicy::default().max_retries(retries).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn group() -> serde_json::Value {
    json!({"id": "g", "invoiceId": "inv", "title": "x", "index": 0, "netTotal": "1.00", "totalTax": "0.10", "grossTotal": "1.10"})
}

fn empty_page() -> serde_json::Value {
    json!({"items": [], "pagination": {"after": null, "totalResultSize": 0}})
}

fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Signs what goes on the wire: method, path and query, body length and a
/// digest of the body's bytes, keyed (a stand-in for an HMAC).
struct Signer {
    key: &'static str,
}

fn signature(key: &str, method: &str, path_and_query: &str, body: &[u8]) -> String {
    let digest = body.iter().fold(0u64, |sum, byte| sum.wrapping_mul(31).wrapping_add(u64::from(*byte)));
    format!("{key}:{method}:{path_and_query}:{}:{digest:x}", body.len())
}

impl Hook for Signer {
    fn before_attempt<'a>(&'a self, request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        Box::pin(async move {
            let url = request.url();
            let target = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            };
            let value = signature(self.key, request.method().as_str(), &target, request.body().unwrap_or_default());
            request.set_header("x-signature", &value)
        })
    }
}

#[tokio::test]
async fn a_signing_hook_signs_exactly_what_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(group())).mount(&server).await;
    let client = Client::builder(Environment::Custom(server.uri())).hook(Signer { key: "k1" }).build().unwrap_or_else(|e| panic!("{e}"));
    let body = CreateLineItemGroup { description: Some("Seats".into()), ..CreateLineItemGroup::new("Users") };
    client.create_line_item_group("inv_1", body).await.unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv_1").limit(5).await.err();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let expected = signature("k1", request.method.as_str(), &target, &request.body);
        assert_eq!(header(request, "x-signature"), Some(expected), "{} {target}", request.method);
    }
    assert_eq!(requests[0].url.path(), "/invoices/inv_1/line-item-groups");
    assert!(!requests[0].body.is_empty(), "the POST's body was signed");
    assert_eq!(requests[1].url.query(), Some("limit=5"));
}

#[tokio::test]
async fn hooks_run_with_a_reqwest_client_of_ones_own() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(empty_page())).mount(&server).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    let client = Client::builder(Environment::Custom(server.uri()))
        .http_client(http)
        .hook(Signer { key: "own" })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "x-signature"), Some(signature("own", "GET", "/invoices/inv/line-item-groups", b"")));
}

/// What `after_attempt` saw of one attempt.
#[derive(Debug, Clone)]
struct Seen {
    attempt: u32,
    status: Option<u16>,
    marker: Option<String>,
    elapsed: Duration,
    error: Option<String>,
    path: String,
    template: &'static str,
}

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

impl Hook for Recorder {
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) -> Result<(), HookError> {
        let seen = Seen {
            attempt: outcome.attempt(),
            status: outcome.status().map(|s| s.as_u16()),
            marker: outcome.headers().and_then(|h| h.get("x-marker")).and_then(|v| v.to_str().ok()).map(str::to_owned),
            elapsed: outcome.elapsed(),
            error: outcome.error().map(|e| match e {
                Error::Api(_) => "api".to_owned(),
                Error::Transport(e) if e.is_timeout() => "timeout".to_owned(),
                other => format!("{other}"),
            }),
            path: outcome.url().path().to_owned(),
            template: outcome.path_template(),
        };
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).push(seen);
        Ok(())
    }
}

#[tokio::test]
async fn after_hooks_see_every_attempt_with_its_status_number_and_time() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503).insert_header("x-marker", "first")).up_to_n_times(1).mount(&server).await;
    // The second attempt gets no answer within its timeout.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).insert_header("x-marker", "third").set_body_json(empty_page()).set_delay(Duration::from_millis(30)))
        .mount(&server)
        .await;
    // Shared: the test reads what the client's hook recorded.
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder(Environment::Custom(server.uri()))
        .retry_policy(quick_retries(2))
        .hook(recorder.clone())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv").attempt_timeout(Duration::from_millis(300)).await.unwrap_or_else(|e| panic!("{e}"));

    let seen = recorder.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen.iter().map(|s| s.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(seen.iter().map(|s| s.status).collect::<Vec<_>>(), [Some(503), None, Some(200)]);
    assert_eq!(seen.iter().map(|s| s.marker.as_deref()).collect::<Vec<_>>(), [Some("first"), None, Some("third")]);
    assert_eq!(seen.iter().map(|s| s.error.as_deref()).collect::<Vec<_>>(), [Some("api"), Some("timeout"), None]);
    assert!(seen[1].elapsed >= Duration::from_millis(300) && seen[1].elapsed < Duration::from_secs(3), "{:?}", seen[1].elapsed);
    assert!(seen[2].elapsed >= Duration::from_millis(30), "{:?}", seen[2].elapsed);
    assert!(seen.iter().all(|s| s.path == "/invoices/inv/line-item-groups" && s.template == "/invoices/{invoice}/line-item-groups"), "{seen:?}");
    assert_eq!(received(&server).await.len(), 3);
}

/// Appends its name to a shared log and to the `x-order` header.
struct Named {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Hook for Named {
    fn before_attempt<'a>(&'a self, request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        Box::pin(async move {
            self.log.lock().unwrap_or_else(|e| e.into_inner()).push(format!("before {} #{}", self.name, request.attempt()));
            let order = match request.headers().get("x-order").and_then(|v| v.to_str().ok()) {
                Some(earlier) => format!("{earlier},{}", self.name),
                None => self.name.to_owned(),
            };
            request.set_header("x-order", &order)
        })
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) -> Result<(), HookError> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(format!("after {} #{}", self.name, outcome.attempt()));
        Ok(())
    }
}

#[tokio::test]
async fn several_hooks_run_in_the_order_they_were_added() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(empty_page())).mount(&server).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder(Environment::Custom(server.uri()))
        .retry_policy(quick_retries(1))
        .hook(Named { name: "a", log: log.clone() })
        .hook(Named { name: "b", log: log.clone() })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));

    let log = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(log, ["before a #1", "before b #1", "after a #1", "after b #1", "before a #2", "before b #2", "after a #2", "after b #2"]);
    let requests = received(&server).await;
    assert_eq!(requests.iter().map(|r| header(r, "x-order")).collect::<Vec<_>>(), [Some("a,b".to_owned()), Some("a,b".to_owned())]);
}

/// Fails before the attempt, as a signer without a key would.
struct Refuses;

impl Hook for Refuses {
    fn before_attempt<'a>(&'a self, _request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        Box::pin(async { Err(HookError::new("no signing key")) })
    }
}

#[tokio::test]
async fn a_hook_error_fails_the_call_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(group())).mount(&server).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder(Environment::Custom(server.uri()))
        .retry_policy(quick_retries(3))
        .hook(Named { name: "a", log: log.clone() })
        .hook(Refuses)
        .hook(Named { name: "c", log: log.clone() })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = client.create_line_item_group("inv", CreateLineItemGroup::new("x")).await.err();

    let Some(Error::Hook(hook)) = &error else { panic!("expected Error::Hook, got {error:?}") };
    assert_eq!((hook.attempt(), hook.sent()), (1, false));
    assert_eq!(hook.inner().to_string(), "no signing key");
    assert_eq!(error.as_ref().map(ToString::to_string).as_deref(), Some("a hook failed before attempt 1, which was not sent: no signing key"));
    assert_eq!(error.as_ref().and_then(Error::status), None);
    assert!(received(&server).await.is_empty(), "nothing was sent");
    let log = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(log, ["before a #1"], "the hooks after the failing one do not run, nor any after_attempt, nor a retry");
}

/// Fails after an attempt, as a metrics hook whose sink is gone might.
struct RefusesAfter;

impl Hook for RefusesAfter {
    fn after_attempt(&self, _outcome: &AttemptOutcome<'_>) -> Result<(), HookError> {
        Err(HookError::new(std::io::Error::other("metrics sink closed")))
    }
}

#[tokio::test]
async fn an_after_hook_error_replaces_the_answer_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = Client::builder(Environment::Custom(server.uri()))
        .retry_policy(quick_retries(3))
        .hook(RefusesAfter)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = client.list_line_item_groups("inv").await.err();
    let Some(Error::Hook(hook)) = &error else { panic!("expected Error::Hook, got {error:?}") };
    assert_eq!((hook.attempt(), hook.sent()), (1, true));
    assert_eq!(error.as_ref().map(ToString::to_string).as_deref(), Some("a hook failed after attempt 1: metrics sink closed"));
    assert_eq!(received(&server).await.len(), 1, "a GET on 503 would be retried, but not after a hook failed");
}

/// Never finishes: the call's total timeout still ends the call.
struct Hangs;

impl Hook for Hangs {
    fn before_attempt<'a>(&'a self, _request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_hook_that_hangs_is_cut_by_the_total_timeout() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(empty_page())).mount(&server).await;
    let client = Client::builder(Environment::Custom(server.uri())).hook(Hangs).build().unwrap_or_else(|e| panic!("{e}"));
    let error = client.list_line_item_groups("inv").timeout(Duration::from_millis(100)).await.err();
    assert!(matches!(error, Some(Error::Timeout(limit)) if limit == Duration::from_millis(100)), "{error:?}");
    assert!(received(&server).await.is_empty());
}

/// Keeps the `Debug` of what it is shown.
struct Prints(Arc<Mutex<Vec<String>>>);

impl Hook for Prints {
    fn before_attempt<'a>(&'a self, request: &'a mut OutgoingRequest) -> HookFuture<'a> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{request:?}"));
        Box::pin(std::future::ready(Ok(())))
    }
}

#[tokio::test]
async fn what_a_hook_prints_of_a_request_hides_the_credentials() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(empty_page())).mount(&server).await;
    let printed = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder(Environment::Custom(server.uri()))
        .basic_auth("key-id", "key-secret")
        .hook(Prints(printed.clone()))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    client.list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));
    let printed = printed.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
    assert!(printed.contains("OutgoingRequest") && printed.contains("/invoices/inv/line-item-groups"), "{printed}");
    assert!(printed.contains("\"authorization\": Sensitive"), "{printed}");
    // `key-id:key-secret` in base64, as the Authorization header carries it.
    assert!(!printed.contains("key-secret") && !printed.contains("a2V5LWlkOmtleS1zZWNyZXQ="), "{printed}");
    assert!(format!("{client:?}").contains("hooks: 1 hook(s)"), "{client:?}");
}
