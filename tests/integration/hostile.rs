//! The client against a hostile or broken server on 127.0.0.1: ids that
//! would change the path, money with more digits than a decimal holds,
//! absurd `Retry-After` values and timers, pagination that echoes or never
//! ends, unbounded bodies, redirects to another origin, and the smaller
//! leaks (a password in the base URL, header values that are not HTTP).
//!
//! Like `faults.rs`, the server is a bare `TcpListener`, so that it can
//! promise bodies it never sends, stream without end, and redirect anywhere;
//! it journals every request, so each test asserts what reached it.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rust_decimal::Decimal;
use sequence_invoices::runtime::DEFAULT_USER_AGENT;
use sequence_invoices::types::{CreateLineItemGroup, CreateOrUpdateLineItem, UpdateLineItemGroup};
use sequence_invoices::{Client, Environment, Error, RedirectPolicy, RetryPolicy, Timeouts};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the server read it; header names are lowercase.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What the server does with one request.
enum Reply {
    /// A complete response with a `Content-Length`.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// A head declaring `length` bytes of body, none of which follow.
    Promise { status: u16, length: u64 },
    /// A chunked body that never ends: chunks of 64 KiB until the client
    /// hangs up. The bytes written are counted in the server's `streamed`.
    Endless { status: u16 },
}

impl Reply {
    fn json(status: u16, body: &Value) -> Reply {
        Reply::Full { status, headers: Vec::new(), body: body.to_string().into_bytes() }
    }

    fn with_header(status: u16, name: &str, value: &str, body: &[u8]) -> Reply {
        Reply::Full { status, headers: vec![(name.to_owned(), value.to_owned())], body: body.to_vec() }
    }
}

type Handler = Arc<dyn Fn(&Received) -> Reply + Send + Sync>;

/// A loopback HTTP/1.1 server answering every request with `handler`.
struct Server {
    url: String,
    journal: Arc<Mutex<Vec<Received>>>,
    streamed: Arc<AtomicUsize>,
    accepting: JoinHandle<()>,
}

impl Server {
    async fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let journal = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(AtomicUsize::new(0));
        let handler: Handler = Arc::new(handler);
        let (shared, counter) = (journal.clone(), streamed.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone(), handler.clone(), counter.clone()));
            }
        });
        Ok(Server { url, journal, streamed, accepting })
    }

    fn received(&self) -> Vec<Received> {
        self.journal.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

async fn serve(mut stream: TcpStream, journal: Arc<Mutex<Vec<Received>>>, handler: Handler, streamed: Arc<AtomicUsize>) -> io::Result<()> {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await? {
        journal.lock().unwrap_or_else(PoisonError::into_inner).push(request.clone());
        match handler(&request) {
            Reply::Full { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
            }
            Reply::Promise { status, length } => {
                let head = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                // Wait for the client to hang up; send nothing.
                let _ = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut [0; 1])).await;
                return Ok(());
            }
            Reply::Endless { status } => {
                let head = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                let chunk = vec![b' '; 64 * 1024];
                let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
                // Ends when the client hangs up and a write fails, or at a
                // bound no test comes near (so a client that never stops
                // fails the test instead of hanging it).
                for _ in 0..16_384 {
                    stream.write_all(&framed).await?;
                    streamed.fetch_add(64 * 1024, Ordering::Relaxed);
                }
                return Ok(());
            }
        }
    }
    Ok(())
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<Received>> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut head = httparse::Request::new(&mut headers);
        if let httparse::Status::Complete(head_length) = head.parse(buffer).map_err(io::Error::other)? {
            let headers: Vec<(String, String)> = head
                .headers
                .iter()
                .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                .collect();
            let length: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.trim().parse().ok()).unwrap_or(0);
            let (method, target) = (head.method.unwrap_or_default().to_owned(), head.path.unwrap_or_default().to_owned());
            while buffer.len() < head_length + length {
                if stream.read_buf(buffer).await? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            let body = buffer[head_length..head_length + length].to_vec();
            buffer.drain(..head_length + length);
            return Ok(Some(Received { method, target, headers, body }));
        }
        if stream.read_buf(buffer).await? == 0 {
            return if buffer.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
    }
}

fn group(id: &str) -> Value {
    json!({"id": id, "invoiceId": "inv", "title": id, "index": 0, "netTotal": "1.00", "totalTax": "0.10", "grossTotal": "1.10"})
}

fn line_item(rate: &str) -> Value {
    json!({
        "id": "li", "invoiceId": "inv", "title": "t", "quantity": "2", "rate": rate, "taxRate": "0.20",
        "index": 0, "netTotal": "40000.20", "totalTax": "8000.04", "grossTotal": "48000.24",
        "rateDisplay": "ABSOLUTE", "externalIds": []
    })
}

fn builder(url: &str) -> sequence_invoices::ClientBuilder {
    Client::builder(Environment::Custom(url.to_owned()))
        .basic_auth("key-id", "key-secret")
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
}

fn client(url: &str) -> Client {
    builder(url).build().unwrap_or_else(|e| panic!("{e}"))
}

async fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Server {
    Server::start(handler).await.unwrap_or_else(|e| panic!("{e}"))
}

fn item(rate: Decimal) -> CreateOrUpdateLineItem {
    CreateOrUpdateLineItem::new(Vec::new(), Decimal::from(2), rate, Decimal::ZERO, "t")
}

// ---- 1. Path traversal through ids -----------------------------------------

/// Ids that are, or decode to, an empty, `.` or `..` segment.
const SHAPE_CHANGING: [&str; 11] = [".", "..", "", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2E", "%2e.", "%252e%252E", "%25252e"];

/// Every path parameter of every operation of the checked-in client, with
/// every shape-changing value: `InvalidRequest`, and nothing reaches the
/// server.
#[tokio::test]
async fn ids_that_would_change_the_path_are_refused_before_anything_is_sent() {
    let server = start(|_| Reply::json(200, &group("g"))).await;
    let client = client(&server.url);
    let rate = Decimal::ONE;
    let mut calls = 0;
    for bad in SHAPE_CHANGING {
        let results = [
            ("list invoice", client.list_line_item_groups(bad).await.map(drop)),
            ("create invoice", client.create_line_item_group(bad, CreateLineItemGroup::new("g")).await.map(drop)),
            ("update item invoice", client.update_line_item(bad, "li", item(rate)).await.map(drop)),
            ("update item id", client.update_line_item("inv", bad, item(rate)).await.map(drop)),
            ("update group invoice", client.update_line_item_group(bad, "grp", UpdateLineItemGroup::new("g")).await.map(drop)),
            ("update group id", client.update_line_item_group("inv", bad, UpdateLineItemGroup::new("g")).await.map(drop)),
        ];
        for (parameter, result) in results {
            calls += 1;
            match result {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.contains("names another resource") && message.contains("it is not sent"), "{parameter} {bad:?}: {message}");
                }
                other => panic!("{parameter} {bad:?}: expected InvalidRequest, got {other:?}"),
            }
        }
    }
    assert_eq!(calls, SHAPE_CHANGING.len() * 6);
    assert_eq!(server.received().len(), 0, "nothing reached the server: {:?}", server.received());

    // Dots that do not make a dot segment are ids like any other.
    client.update_line_item_group("...", "a.b", UpdateLineItemGroup::new("g")).await.unwrap_or_else(|e| panic!("{e}"));
    client.update_line_item_group("inv", "%2e%2e%2e", UpdateLineItemGroup::new("g")).await.unwrap_or_else(|e| panic!("{e}"));
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/invoices/.../line-item-groups/a.b", "/invoices/inv/line-item-groups/%252e%252e%252e"]);
}

// ---- 2. Money ---------------------------------------------------------------

async fn decode_rate(rate: &str) -> Result<Decimal, Error> {
    let answer = line_item(rate);
    let server = start(move |_| Reply::json(200, &answer)).await;
    client(&server.url).update_line_item("inv", "li", item(Decimal::ONE)).await.map(|item| item.rate)
}

#[tokio::test]
async fn decimals_a_decimal_cannot_hold_or_in_other_forms_are_decode_errors_naming_the_field() {
    let refused = [
        // More digits than 96 bits hold: never rounded.
        "0.12345678901234567890123456789",
        "1234567890.12345678901234567891",
        "79228162514264337593543950336",
        // Forms the API never sends.
        "1_000",
        ".5",
        "5.",
        "+1",
        "1e3",
        " 1",
        "1 ",
        "",
        "-",
        "--1",
        "0x10",
        "١",
    ];
    for text in refused {
        match decode_rate(text).await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.path(), "rate", "{text:?}");
                let message = e.to_string();
                assert!(message.contains("at `rate`") && message.contains(&format!("{text:?}")), "{text:?}: {message}");
            }
            other => panic!("{text:?}: expected a Decode error, got {other:?}"),
        }
    }
    for (text, expected) in [
        ("20000.10", "20000.10"),
        ("-1234.5", "-1234.5"),
        ("007", "7"),
        ("79228162514264337593543950335", "79228162514264337593543950335"),
        ("0.1234567890123456789012345678", "0.1234567890123456789012345678"),
    ] {
        let rate = decode_rate(text).await.unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(rate.to_string(), expected);
    }
}

/// `"-0.00"` keeps its sign: decoded, and sent back, it is `"-0.00"`.
#[tokio::test]
async fn a_negative_zero_keeps_its_sign_when_decoded_and_sent_again() {
    let server = start(|_| Reply::json(200, &line_item("-0.00"))).await;
    let client = client(&server.url);
    let decoded = client.update_line_item("inv", "li", item(Decimal::ONE)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(decoded.rate.is_zero() && decoded.rate.is_sign_negative());
    assert_eq!(decoded.rate, Decimal::ZERO, "a negative zero is still equal to zero");
    client.update_line_item("inv", "li", item(decoded.rate)).await.unwrap_or_else(|e| panic!("{e}"));
    let received = server.received();
    let body: Value = serde_json::from_slice(&received[1].body).unwrap_or_default();
    assert_eq!(body["rate"], "-0.00");
}

// ---- 3. Retry-After and timers ------------------------------------------------

/// A `Retry-After` too large for a `u64` is longer than any cap: returned at
/// once, never retried on ordinary backoff; with the cap at its maximum and
/// a wait the clock cannot add, nothing panics and the call ends within its
/// total timeout.
#[tokio::test]
async fn absurd_retry_after_values_are_returned_to_the_caller_without_panicking() {
    for (retry_after, cap) in [
        ("18446744073709551616", Duration::from_secs(30)),
        ("99999999999999999999999999999", Duration::MAX),
        ("18446744073709551615", Duration::MAX),
    ] {
        let server = start(move |_| Reply::with_header(503, "Retry-After", retry_after, b"{}")).await;
        let client = builder(&server.url)
            .retry_policy(RetryPolicy::default().max_retry_after(cap).backoff(Duration::from_millis(1), Duration::from_millis(5)))
            .timeouts(Timeouts { connect: Some(Duration::MAX), attempt: Some(Duration::MAX), total: Some(Duration::from_secs(5)), idle: None })
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        match client.list_line_item_groups("inv").await {
            Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 503),
            other => panic!("{retry_after}: expected the 503, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(2), "{retry_after}: returned at once, not after {:?}", started.elapsed());
        assert_eq!(server.received().len(), 1, "{retry_after}: not retried");
    }
    // A total timeout the clock cannot add to now is no limit: the call
    // succeeds after its retries.
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    let server = start(move |_| {
        if counter.fetch_add(1, Ordering::Relaxed) < 2 {
            Reply::with_header(503, "Retry-After", "0", b"{}")
        } else {
            Reply::json(200, &json!({"items": [], "pagination": {"totalResultSize": 0}}))
        }
    })
    .await;
    let client = builder(&server.url)
        .timeouts(Timeouts { connect: Some(Duration::MAX), attempt: Some(Duration::MAX), total: Some(Duration::MAX), idle: None })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let page = client.list_line_item_groups("inv").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.items.is_empty());
    assert_eq!(server.received().len(), 3);
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so
/// a connection to it neither succeeds nor fails until a timeout ends it.
async fn unanswering_listener() -> (String, TcpListener, Vec<TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap_or_else(|e| panic!("{e}"));
    socket.bind("127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
    let listener = socket.listen(0).unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let mut held = Vec::new();
    for _ in 0..64 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address)).await {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("connecting to the listener failed: {e}"),
            // The queue is full: this connection was never answered.
            Err(_) => return (format!("http://{address}"), listener, held),
        }
    }
    panic!("the accept queue of a listener with backlog 0 never filled");
}

/// A connect timeout is a connect failure, retried as the policy says, even
/// when the timer running is the total's; only the total running out is
/// `Error::Timeout`.
#[tokio::test]
async fn a_connect_timeout_is_retried_and_only_the_total_running_out_is_a_timeout() {
    let (url, _listener, _held) = unanswering_listener().await;
    let connect = Duration::from_millis(150);
    let client = builder(&url)
        .retry_policy(RetryPolicy::default().max_retries(2).backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .timeouts(Timeouts { connect: Some(connect), attempt: Some(Duration::from_secs(60)), total: Some(Duration::from_secs(20)), idle: None })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let result = client.list_line_item_groups("inv").await;
    let elapsed = started.elapsed();
    match &result {
        Err(Error::Transport(e)) => assert!(e.is_connect() && e.is_timeout(), "{e:?}"),
        other => panic!("expected the connect failure of the last attempt, got {other:?}"),
    }
    // Three attempts of 150 ms each; one attempt alone would end near 150 ms.
    assert!(elapsed >= connect * 3 && elapsed < Duration::from_secs(10), "three attempts took {elapsed:?}");

    // The total shorter than the connect timeout: the total ran out.
    let total = Duration::from_millis(300);
    let client = builder(&url)
        .timeouts(Timeouts { connect: Some(Duration::from_secs(30)), attempt: None, total: Some(total), idle: None })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    match client.list_line_item_groups("inv").await {
        Err(Error::Timeout(after)) => assert_eq!(after, total),
        other => panic!("expected Timeout({total:?}), got {other:?}"),
    }
}

// ---- 4. Pagination --------------------------------------------------------------

fn query(target: &str, name: &str) -> Option<String> {
    let (_, query) = target.split_once('?')?;
    query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

/// The caller's starting cursor counts as seen: a server that echoes it
/// ends the stream after the first page, with no item twice.
#[tokio::test]
async fn a_server_echoing_the_starting_cursor_ends_the_stream_without_duplicates() {
    let server = start(|request| {
        let after = query(&request.target, "after").unwrap_or_default();
        Reply::json(200, &json!({"items": [group(&format!("g-{after}"))], "pagination": {"after": after, "totalResultSize": 9}}))
    })
    .await;
    let client = client(&server.url);
    let results: Vec<Result<String, String>> =
        client.list_line_item_groups("inv").after("c0").items().map(|r| r.map(|g| g.id).map_err(|e| e.to_string())).collect().await;
    assert_eq!(
        results,
        [Ok("g-c0".to_owned()), Err("invalid response: the server returned the pagination cursor \"c0\" twice; stopping instead of looping".to_owned())]
    );
    assert_eq!(server.received().len(), 1);
}

/// Empty pages that each carry a fresh cursor are followed up to a bound
/// (10 by default, or the call's `max_empty_pages`), then the stream ends
/// with an error; a page with items resets the count.
#[tokio::test]
async fn empty_pages_with_fresh_cursors_are_bounded() {
    let server = start(|request| {
        let after = query(&request.target, "after").unwrap_or_default();
        let n: usize = after.strip_prefix('e').and_then(|n| n.parse().ok()).unwrap_or(0);
        // Page 0 has an item; every later page is empty.
        let items = if n == 0 { vec![group("first")] } else { Vec::new() };
        Reply::json(200, &json!({"items": items, "pagination": {"after": format!("e{}", n + 1), "totalResultSize": 1}}))
    })
    .await;
    let client = client(&server.url);
    for (bound, requests) in [(None, 12), (Some(3), 5), (Some(0), 2)] {
        let before = server.received().len();
        let call = client.list_line_item_groups("inv");
        let call = match bound {
            Some(pages) => call.max_empty_pages(pages),
            None => call,
        };
        let results: Vec<Result<String, Error>> = call.items().map(|r| r.map(|g| g.id)).collect().await;
        let limit = bound.unwrap_or(sequence_invoices::runtime::DEFAULT_MAX_EMPTY_PAGES);
        assert_eq!(results.len(), 2, "{bound:?}: {results:?}");
        assert!(matches!(&results[0], Ok(id) if id == "first"), "{results:?}");
        match &results[1] {
            Err(Error::InvalidResponse(message)) => assert_eq!(
                message,
                &format!("the server sent {} empty pages in a row, each with a new cursor; stopping after the limit of {limit}", limit + 1)
            ),
            other => panic!("{bound:?}: expected InvalidResponse, got {other:?}"),
        }
        // The first page, then `limit` empty pages followed, and the one past the limit.
        assert_eq!(server.received().len() - before, requests, "{bound:?}");
    }
}

// ---- 5. Unbounded responses ------------------------------------------------------------

#[tokio::test]
async fn a_declared_body_past_the_limit_fails_before_it_is_read() {
    let server = start(|_| Reply::Promise { status: 200, length: 300 * 1024 * 1024 }).await;
    let client = client(&server.url);
    match client.list_line_item_groups("inv").await {
        Err(Error::ResponseTooLarge { status, limit, length }) => {
            assert_eq!((status.as_u16(), limit, length), (200, 32 * 1024 * 1024, Some(300 * 1024 * 1024)));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(server.received().len(), 1, "not retried");
}

#[tokio::test]
async fn an_endless_body_is_read_up_to_the_limit_and_no_further() {
    let server = start(|_| Reply::Endless { status: 200 }).await;
    let limit = 1024 * 1024;
    let client = builder(&server.url).max_response_body(limit).build().unwrap_or_else(|e| panic!("{e}"));
    match client.list_line_item_groups("inv").await {
        Err(error @ Error::ResponseTooLarge { .. }) => {
            assert_eq!(error.to_string(), "the 200 OK response body is larger than the limit of 1048576 bytes");
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    // Socket buffers hold some of what the server wrote; far less than the
    // 1 GiB it would have sent to a client that kept reading.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let streamed = server.streamed.load(Ordering::Relaxed);
    assert!(streamed < 16 * limit, "the server wrote {streamed} bytes");
    assert_eq!(server.received().len(), 1);
}

/// A body of exactly the limit is read; one byte more is not.
#[tokio::test]
async fn the_limit_is_exact() {
    let server = start(|request| {
        let size: usize = request.target.split('/').nth(2).and_then(|n| n.parse().ok()).unwrap_or(0);
        Reply::Full { status: 404, headers: Vec::new(), body: vec![b'x'; size] }
    })
    .await;
    let client = builder(&server.url).max_response_body(1000).build().unwrap_or_else(|e| panic!("{e}"));
    match client.list_line_item_groups("1000").await {
        Err(Error::Api(e)) => assert_eq!(e.body().len(), 1000),
        other => panic!("expected the 404 with its body, got {other:?}"),
    }
    match client.list_line_item_groups("1001").await {
        Err(Error::ResponseTooLarge { status, limit: 1000, length: Some(1001) }) => assert_eq!(status.as_u16(), 404),
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

/// `Debug` and `Display` of an error show the start of a long body and its
/// length; the accessor has every byte.
#[tokio::test]
async fn errors_show_the_start_of_a_long_body_and_keep_all_of_it() {
    let body: Vec<u8> = (0..200_000).map(|i| b'a' + (i % 26) as u8).collect();
    let answer = body.clone();
    let server = start(move |_| Reply::Full { status: 500, headers: Vec::new(), body: answer.clone() }).await;
    let client = builder(&server.url).retry_policy(RetryPolicy::never()).build().unwrap_or_else(|e| panic!("{e}"));
    let error = client.list_line_item_groups("inv").await.err().unwrap_or_else(|| panic!("expected an error"));
    let debug = format!("{error:?}");
    let display = error.to_string();
    assert!(debug.len() < 6_000 && debug.contains("… (200000 bytes in all)"), "{} bytes: {}", debug.len(), &debug[..300]);
    assert!(display.len() < 400 && display.ends_with("… (200000 bytes in all)"), "{display}");
    assert!(display.starts_with("the server answered 500 Internal Server Error: abcdefghijklmnopqrstuvwxyzabc"), "{display}");
    match error {
        Error::Api(e) => assert_eq!(e.body().as_ref(), body.as_slice()),
        other => panic!("{other:?}"),
    }

    // A short body is shown whole, with no note.
    let server = start(|_| Reply::json(404, &json!({"message": "no such invoice"}))).await;
    let error = client_for(&server).list_line_item_groups("inv").await.err().unwrap_or_else(|| panic!("expected an error"));
    assert_eq!(error.to_string(), r#"the server answered 404 Not Found: {"message":"no such invoice"}"#);
}

fn client_for(server: &Server) -> Client {
    client(&server.url)
}

// ---- 6. Redirects --------------------------------------------------------------------

/// A `307` to a server on another port (another origin) with a `POST`: by
/// default nothing is followed; with same-origin redirects on, a redirect to
/// another origin is still not followed. The other origin receives nothing
/// either way, and the `307` comes back to the caller.
#[tokio::test]
async fn a_redirect_to_another_origin_is_never_followed() {
    let elsewhere = start(|_| Reply::json(201, &group("stolen"))).await;
    let location = format!("{}/collect", elsewhere.url);
    let server = start(move |_| Reply::with_header(307, "Location", &location, b"")).await;
    for policy in [None, Some(RedirectPolicy::SameOrigin { max_hops: 10 })] {
        let builder = builder(&server.url).sequence_version("2024-07-30");
        let builder = match policy {
            Some(policy) => builder.redirects(policy),
            None => builder,
        };
        let client = builder.build().unwrap_or_else(|e| panic!("{e}"));
        match client.create_line_item_group("inv_secret", CreateLineItemGroup::new("body")).await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status().as_u16(), 307);
                assert_eq!(e.headers().get("location").and_then(|v| v.to_str().ok()), Some(format!("{}/collect", elsewhere.url).as_str()));
            }
            other => panic!("{policy:?}: expected the 307, got {other:?}"),
        }
    }
    assert_eq!(elsewhere.received().len(), 0, "the other origin received {:?}", elsewhere.received());
    assert_eq!(server.received().len(), 2);
}

/// Same-origin redirects, when turned on, are followed: a `307` re-sends the
/// body to the new path with the API's headers and no `Referer`; a chain
/// longer than `max_hops` fails. Off (the default), the `307` is returned.
#[tokio::test]
async fn same_origin_redirects_are_followed_only_when_turned_on() {
    let server = start(|request| {
        if request.target.contains("/line-item-groups") && request.target.starts_with("/invoices/inv/") {
            Reply::with_header(307, "Location", "/moved/inv/line-item-groups", b"")
        } else if request.target.starts_with("/moved/") {
            Reply::json(201, &group("g"))
        } else {
            // `/loop/n` redirects to `/loop/n+1` for ever.
            let n: usize = request.target.rsplit('/').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            Reply::with_header(307, "Location", &format!("/loop/{}", n + 1), b"")
        }
    })
    .await;
    let default = client(&server.url);
    match default.create_line_item_group("inv", CreateLineItemGroup::new("body")).await {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 307),
        other => panic!("expected the 307, got {other:?}"),
    }
    assert_eq!(server.received().len(), 1);

    let following = builder(&server.url).redirects(RedirectPolicy::SameOrigin { max_hops: 3 }).build().unwrap_or_else(|e| panic!("{e}"));
    let created = following.create_line_item_group("inv", CreateLineItemGroup::new("body")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.id, "g");
    let received = server.received();
    let (first, moved) = (&received[1], &received[2]);
    assert_eq!((first.method.as_str(), moved.method.as_str(), moved.target.as_str()), ("POST", "POST", "/moved/inv/line-item-groups"));
    assert_eq!(moved.body, first.body);
    for name in ["authorization", "sequence-version", "user-agent"] {
        assert_eq!(moved.header(name), first.header(name), "{name}");
    }
    assert_eq!(moved.header("referer"), None);

    let before = server.received().len();
    let loop_client = builder(&format!("{}/loop", server.url))
        .redirects(RedirectPolicy::SameOrigin { max_hops: 3 })
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    match loop_client.list_line_item_groups("0").await {
        Err(Error::Transport(e)) => assert!(e.is_redirect(), "{e:?}"),
        other => panic!("expected a redirect error, got {other:?}"),
    }
    assert_eq!(server.received().len() - before, 4, "the request and three redirects");
}

// ---- 7. Smaller leaks ------------------------------------------------------------------

#[tokio::test]
async fn a_password_in_the_base_url_is_refused_and_never_shown() {
    let url = "http://key-id:hunter2@127.0.0.1:9/api";
    let builder = Client::builder(Environment::Custom(url.to_owned()));
    let debug = format!("{builder:?}");
    assert!(!debug.contains("hunter2") && debug.contains("http://key-id:redacted@127.0.0.1:9/api"), "{debug}");
    match builder.build() {
        Err(Error::InvalidRequest(message)) => {
            assert_eq!(message, "the base URL holds a user name or password; set credentials on the builder instead");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    let unparsable = Client::builder(Environment::Custom("http://key-id:hunter2@[::1".to_owned()));
    assert!(!format!("{unparsable:?}").contains("hunter2"));
    let message = unparsable.build().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("invalid request: the base URL \"<not a URL>\" is not a valid URL") && !message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_can_be_replaced() {
    let server = start(|_| Reply::json(201, &group("g"))).await;
    client(&server.url).create_line_item_group("inv", CreateLineItemGroup::new("g")).await.unwrap_or_else(|e| panic!("{e}"));
    builder(&server.url).user_agent("billing/2.1").build().unwrap_or_else(|e| panic!("{e}"))
        .create_line_item_group("inv", CreateLineItemGroup::new("g")).await.unwrap_or_else(|e| panic!("{e}"));
    let agents: Vec<Option<String>> = server.received().iter().map(|r| r.header("user-agent").map(str::to_owned)).collect();
    assert_eq!(DEFAULT_USER_AGENT, "sequence-invoices/0.1.0");
    assert_eq!(agents, [Some("sequence-invoices/0.1.0".to_owned()), Some("billing/2.1".to_owned())]);
}

/// Header values that are not visible ASCII and base URLs with control
/// characters are refused when the client is built, never stripped or sent
/// as raw bytes.
#[tokio::test]
async fn header_values_and_base_urls_that_are_not_clean_are_refused() {
    let server = start(|_| Reply::json(201, &group("g"))).await;
    for value in ["2024-07-30é", "2024-07-30\r\nX-Injected: 1", "2024\n", "2024\0"] {
        match builder(&server.url).sequence_version(value).build() {
            Err(Error::InvalidRequest(message)) => assert_eq!(
                message,
                "the value of the header Sequence-Version is not valid in HTTP (only visible ASCII, spaces and tabs are)",
                "{value:?}"
            ),
            other => panic!("{value:?}: expected InvalidRequest, got {other:?}"),
        }
        match builder(&server.url).user_agent(value).build() {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("User-Agent"), "{message}"),
            other => panic!("{value:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    for url in [format!("{}/api\r\n", server.url), format!("{}/a\r\npi", server.url), format!("{}/a\tpi", server.url)] {
        match builder(&url).build() {
            Err(Error::InvalidRequest(message)) => {
                assert_eq!(message, "the base URL holds a control character (a line break or tab)", "{url:?}");
            }
            other => panic!("{url:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(server.received().len(), 0);
}
