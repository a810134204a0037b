//! Faults and load: five thousand calls, 64 at a time, against a loopback
//! server that throttles, fails, resets, stalls, garbles, floods, redirects
//! elsewhere and asks for absurd waits on a fixed schedule, and with ids
//! that would change the path, so that the outcome of every call, and how
//! many times the server sees it, is known before the run.
//!
//! The server is written on a bare `TcpListener` because wiremock (hyper
//! underneath) only sends well-formed responses: it cannot reset a connection
//! after reading a request, or promise more body than it sends.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rust_decimal::Decimal;
use sequence_invoices::types::{CreateLineItemGroup, CreateOrUpdateLineItem, UpdateLineItemGroup};
use sequence_invoices::{Client, Environment, Error, RedirectPolicy, RetryPolicy, Timeouts};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const CALLS: usize = 5_000;
const CONCURRENCY: usize = 64;
const RETRIES: usize = 3;
/// The attempt timeout of calls whose schedule holds a stall: far above what
/// a healthy answer takes on a loaded two-core machine, yet short enough that
/// the few hundred stalled attempts cost a second or two of the run.
const STALL_TIMEOUT: Duration = Duration::from_millis(500);
/// The attempt timeout of every other call (the client's default). A
/// spurious timeout would add an attempt and break the exact counts, so only
/// the calls that need a short one are exposed to it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stalled attempt waits for the client to hang up before the
/// server drops it unanswered.
const STALL_LIMIT: Duration = Duration::from_secs(10);
/// The whole run, which takes a few seconds.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// The client's response body limit; an oversized answer sends four times it.
const BODY_LIMIT: usize = 64 * 1024;
/// A `Retry-After` no `u64` holds.
const ABSURD_RETRY_AFTER: &str = "99999999999999999999999";
/// Ids that are, or decode to, an empty, `.` or `..` path segment.
const SHAPE_CHANGING_IDS: [&str; 6] = ["..", ".", "", "%2e%2E", ".%2e", "%252e"];

/// What the server does to one attempt instead of answering it properly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// 429 with `Retry-After: 0`.
    Throttled,
    /// 503.
    Unavailable,
    /// 500, which only idempotent methods retry.
    InternalError,
    /// The request is read in full, then the connection is reset (RST).
    Reset,
    /// The request is read in full and never answered.
    Stall,
    /// A 2xx head whose `Content-Length` promises more bytes than are sent
    /// before the connection closes.
    Truncated,
    /// A 2xx answer, framed correctly, whose JSON stops halfway.
    Malformed,
    /// A 2xx answer whose chunked body runs past the client's limit.
    Oversized,
    /// A `307` to another origin (a second listener), which must never be
    /// followed there.
    Redirect,
    /// 503 with a `Retry-After` too large for a `u64`.
    AbsurdRetryAfter,
}

impl Fault {
    const ALL: [Fault; 10] = [
        Fault::Throttled,
        Fault::Unavailable,
        Fault::InternalError,
        Fault::Reset,
        Fault::Stall,
        Fault::Truncated,
        Fault::Malformed,
        Fault::Oversized,
        Fault::Redirect,
        Fault::AbsurdRetryAfter,
    ];

    /// The fault's name in an invoice id.
    fn token(self) -> &'static str {
        match self {
            Fault::Throttled => "429",
            Fault::Unavailable => "503",
            Fault::InternalError => "500",
            Fault::Reset => "reset",
            Fault::Stall => "stall",
            Fault::Truncated => "truncated",
            Fault::Malformed => "malformed",
            Fault::Oversized => "oversized",
            Fault::Redirect => "redirect",
            Fault::AbsurdRetryAfter => "absurd",
        }
    }

    fn parse(token: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|fault| fault.token() == token)
    }

    /// How a call ends when this fault is its last attempt.
    ///
    /// A truncated body is a `Transport` error: the runtime reads the whole
    /// body before decoding, so the failure is the connection's, nothing of
    /// the answer is known, and an idempotent call may safely try again. A
    /// malformed body is a `Decode` error: the bytes arrived exactly as the
    /// server sent them, the server answered wrongly, and asking again is
    /// not expected to help.
    fn outcome(self) -> Outcome {
        match self {
            Fault::Throttled => Outcome::Status(429),
            Fault::Unavailable => Outcome::Status(503),
            Fault::InternalError => Outcome::Status(500),
            Fault::Reset | Fault::Truncated => Outcome::Transport,
            Fault::Stall => Outcome::TimedOut,
            Fault::Malformed => Outcome::Decode,
            Fault::Oversized => Outcome::TooLarge,
            Fault::Redirect => Outcome::Status(307),
            Fault::AbsurdRetryAfter => Outcome::Status(503),
        }
    }

    /// Whether the runtime's documented policy tries again after this fault.
    /// Every fault here strikes after the request reached the server, so a
    /// `POST` is never re-sent; a wrong or oversized body, a redirect and a
    /// wait longer than the cap are final for every method.
    fn retried(self, operation: Operation) -> bool {
        operation.idempotent() && !matches!(self, Fault::Malformed | Fault::Oversized | Fault::Redirect | Fault::AbsurdRetryAfter)
    }
}

/// The fault schedules, one fault per attempt before a proper answer. Calls
/// go round the operations and, half of them, round these schedules; the
/// other half meet no fault. Stalls are few because each costs a timeout.
const SCHEDULES: [&[Fault]; 20] = {
    use Fault::*;
    [
        &[Throttled],
        &[Unavailable],
        &[InternalError],
        &[Reset],
        &[Stall],
        &[Truncated],
        &[Malformed],
        // As many faults as retries: an idempotent call still succeeds.
        &[Throttled, Unavailable, Reset],
        &[Truncated, Reset, InternalError],
        // One fault more than retries: the last one is the call's error.
        &[Truncated, InternalError, Unavailable, Throttled],
        &[Throttled, Reset, Truncated, Unavailable],
        &[Unavailable, Throttled, InternalError, Reset],
        &[Unavailable, Throttled, Reset, Stall],
        // A wrong body after a retry ends the call at once.
        &[Unavailable, Malformed],
        // So do an oversized body, a redirect elsewhere and an absurd wait.
        &[Oversized],
        &[Redirect],
        &[AbsurdRetryAfter],
        &[Throttled, Oversized],
        &[Reset, Redirect],
        &[Unavailable, AbsurdRetryAfter],
    ]
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    ListGroups,
    UpdateItem,
    CreateGroup,
    UpdateGroup,
}

impl Operation {
    const ALL: [Operation; 4] = [Operation::ListGroups, Operation::UpdateItem, Operation::CreateGroup, Operation::UpdateGroup];

    fn method(self) -> &'static str {
        match self {
            Operation::ListGroups => "GET",
            Operation::CreateGroup => "POST",
            Operation::UpdateItem | Operation::UpdateGroup => "PUT",
        }
    }

    fn idempotent(self) -> bool {
        self != Operation::CreateGroup
    }

    fn path(self, invoice: &str) -> String {
        match self {
            Operation::ListGroups | Operation::CreateGroup => format!("/invoices/{invoice}/line-item-groups"),
            Operation::UpdateItem => format!("/invoices/{invoice}/line-items/li"),
            Operation::UpdateGroup => format!("/invoices/{invoice}/line-item-groups/grp"),
        }
    }

    /// The operation a request is for, as the server tells it.
    fn of(method: &str, path: &str, invoice: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|operation| operation.method() == method && operation.path(invoice) == path)
    }

    /// A healthy server's status and body. Every id in it echoes the invoice,
    /// so that a call can tell the answer it decoded was meant for it.
    fn proper_answer(self, invoice: &str) -> (u16, Value) {
        let group = json!({
            "id": invoice, "invoiceId": invoice, "title": invoice, "index": 0,
            "netTotal": "1.00", "totalTax": "0.10", "grossTotal": "1.10"
        });
        match self {
            Operation::ListGroups => (200, json!({"items": [group], "pagination": {"after": null, "totalResultSize": 1}})),
            Operation::CreateGroup => (201, group),
            Operation::UpdateGroup => (200, group),
            Operation::UpdateItem => (
                200,
                json!({
                    "id": "li", "invoiceId": invoice, "title": invoice, "quantity": "2", "rate": "20000.10", "taxRate": "0.20",
                    "index": 0, "netTotal": "40000.20", "totalTax": "8000.04", "grossTotal": "48000.24",
                    "rateDisplay": "ABSOLUTE", "externalIds": []
                }),
            ),
        }
    }
}

/// One logical call of the run.
#[derive(Debug, Clone, Copy)]
struct Call {
    number: usize,
    operation: Operation,
    faults: &'static [Fault],
    /// A path parameter that would change the path: the invoice of a list or
    /// create, the line item or group id of an update.
    shape_changing: Option<&'static str>,
}

impl Call {
    fn new(number: usize) -> Call {
        let operation = Operation::ALL[number % Operation::ALL.len()];
        let slot = (number / Operation::ALL.len()) % (2 * SCHEDULES.len());
        // One call in 37 (37 is prime to the cycles above) has an id that
        // must never reach the server.
        let shape_changing = (number % 37 == 36).then(|| SHAPE_CHANGING_IDS[(number / 37) % SHAPE_CHANGING_IDS.len()]);
        let faults = if shape_changing.is_some() { &[] } else { SCHEDULES.get(slot).copied().unwrap_or(&[]) };
        Call { number, operation, faults, shape_changing }
    }

    /// The id of the update's line item or group.
    fn id(&self, proper: &'static str) -> &'static str {
        match (self.operation, self.shape_changing) {
            (Operation::UpdateItem | Operation::UpdateGroup, Some(bad)) => bad,
            _ => proper,
        }
    }

    /// The invoice id carries the call's schedule (`c17-503-reset`), so the
    /// server needs no state but a count of attempts per invoice.
    fn invoice(&self) -> String {
        if let (Operation::ListGroups | Operation::CreateGroup, Some(bad)) = (self.operation, self.shape_changing) {
            return bad.to_owned();
        }
        let mut invoice = format!("c{}", self.number);
        for fault in self.faults {
            invoice.push('-');
            invoice.push_str(fault.token());
        }
        invoice
    }

    fn attempt_timeout(&self) -> Duration {
        if self.faults.contains(&Fault::Stall) { STALL_TIMEOUT } else { ATTEMPT_TIMEOUT }
    }

    /// The outcome the retry policy predicts, and how many attempts it takes.
    fn expected(&self) -> (Outcome, usize) {
        if self.shape_changing.is_some() {
            return (Outcome::Refused, 0);
        }
        for (index, fault) in self.faults.iter().enumerate() {
            let attempts = index + 1;
            if !fault.retried(self.operation) || attempts > RETRIES {
                return (fault.outcome(), attempts);
            }
        }
        (Outcome::Success, self.faults.len() + 1)
    }
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Decoded, and the answer was the one meant for this call.
    Success,
    /// `Error::Api` with this status.
    Status(u16),
    /// `Error::Transport` for an attempt that ran past its timeout.
    TimedOut,
    /// Any other `Error::Transport`.
    Transport,
    /// `Error::Decode` of a 2xx answer.
    Decode,
    /// `Error::ResponseTooLarge`.
    TooLarge,
    /// `Error::InvalidRequest` for an id that would change the path.
    Refused,
    /// Anything else; never expected.
    Unexpected(String),
}

impl Outcome {
    fn of(error: &Error) -> Outcome {
        match error {
            Error::Api(e) => Outcome::Status(e.status().as_u16()),
            Error::Transport(e) if e.is_timeout() => Outcome::TimedOut,
            Error::Transport(_) => Outcome::Transport,
            Error::Decode(e) if e.status().is_success() => Outcome::Decode,
            Error::ResponseTooLarge { status, limit: BODY_LIMIT, length: None } if status.is_success() => Outcome::TooLarge,
            Error::InvalidRequest(message) if message.contains("names another resource") => Outcome::Refused,
            other => Outcome::Unexpected(format!("{other:?}")),
        }
    }
}

fn client(url: String) -> Client {
    let timeouts = Timeouts { connect: Some(Duration::from_secs(10)), attempt: Some(ATTEMPT_TIMEOUT), total: Some(Duration::from_secs(60)), idle: None };
    Client::builder(Environment::Custom(url))
        .basic_auth("key-id", "key-secret")
        .retry_policy(RetryPolicy::default().max_retries(RETRIES).backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .timeouts(timeouts)
        .max_response_body(BODY_LIMIT)
        .redirects(RedirectPolicy::SameOrigin { max_hops: 3 })
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Makes the call; each body names the invoice, so the server's journal
/// shows which call every request belongs to.
async fn run(client: Client, call: Call) -> Outcome {
    let invoice = call.invoice();
    let limit = call.attempt_timeout();
    let answered_for = match call.operation {
        Operation::ListGroups => {
            let page = client.list_line_item_groups(&invoice).attempt_timeout(limit).await;
            page.map(|page| page.items.first().map(|g| g.invoice_id.clone()))
        }
        Operation::UpdateItem => {
            let rate = Decimal::from_str("20000.10").unwrap_or_default();
            let item = CreateOrUpdateLineItem::new(Vec::new(), Decimal::from(2), rate, Decimal::ZERO, invoice.as_str());
            client.update_line_item(&invoice, call.id("li"), item).attempt_timeout(limit).await.map(|item| Some(item.invoice_id))
        }
        Operation::CreateGroup => {
            let body = CreateLineItemGroup::new(invoice.as_str());
            client.create_line_item_group(&invoice, body).attempt_timeout(limit).await.map(|g| Some(g.invoice_id))
        }
        Operation::UpdateGroup => {
            let body = UpdateLineItemGroup::new(invoice.as_str());
            client.update_line_item_group(&invoice, call.id("grp"), body).attempt_timeout(limit).await.map(|g| Some(g.invoice_id))
        }
    };
    match answered_for {
        Ok(Some(id)) if id == invoice => Outcome::Success,
        Ok(other) => Outcome::Unexpected(format!("decoded an answer for {other:?}")),
        Err(error) => Outcome::of(&error),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_faulty_calls_end_as_the_retry_policy_predicts() {
    let elsewhere = Elsewhere::start().await.unwrap_or_else(|e| panic!("{e}"));
    let server = FaultyServer::start(elsewhere.url.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    let client = client(server.url.clone());
    let started = Instant::now();
    let all_calls = futures_util::stream::iter((0..CALLS).map(Call::new))
        .map(|call| {
            let client = client.clone();
            // A task of its own, so that a panic in the client surfaces as a
            // join error of this one call.
            async move { (call, tokio::spawn(run(client, call)).await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let results = tokio::time::timeout(RUN_LIMIT, all_calls).await.unwrap_or_else(|_| panic!("the run took over {RUN_LIMIT:?}"));
    let elapsed = started.elapsed();
    let received = server.received();
    assert_eq!(results.len(), CALLS);

    let mut by_invoice: HashMap<&str, Vec<&Received>> = HashMap::new();
    for request in &received {
        by_invoice.entry(request.invoice()).or_default().push(request);
    }
    let mut problems = Vec::new();
    // How many calls ended how: (method, outcome, attempts).
    let mut tally: BTreeMap<(&str, Outcome, usize), usize> = BTreeMap::new();
    for (call, joined) in &results {
        let invoice = call.invoice();
        let method = call.operation.method();
        let (expected, attempts) = call.expected();
        let outcome = match joined {
            Ok(outcome) => outcome.clone(),
            Err(e) => {
                problems.push(format!("{invoice}: the call panicked: {e}"));
                continue;
            }
        };
        if outcome != expected {
            problems.push(format!("{invoice} ({method}): expected {expected:?}, got {outcome:?}"));
        }
        let requests = by_invoice.get(invoice.as_str()).map(Vec::as_slice).unwrap_or_default();
        if requests.len() != attempts {
            problems.push(format!("{invoice} ({method}): the server received it {} times, the policy allows exactly {attempts}", requests.len()));
        }
        *tally.entry((method, outcome, requests.len())).or_default() += 1;
        let path = call.operation.path(&invoice);
        for request in requests {
            if request.method != method || request.path != path {
                problems.push(format!("{invoice}: expected {method} {path}, received {} {}", request.method, request.path));
            }
            let title = serde_json::from_slice::<Value>(&request.body).ok().and_then(|body| body["title"].as_str().map(str::to_owned));
            let body_as_sent = match method {
                "GET" => request.body.is_empty(),
                _ => title.as_deref() == Some(invoice.as_str()) && request.body == requests[0].body,
            };
            if !body_as_sent {
                problems.push(format!("{invoice}: received the body {:?}", String::from_utf8_lossy(&request.body)));
            }
        }
    }
    let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
    assert!(problems.is_empty(), "{} problems in {CALLS} calls, the first ones:\n{}", problems.len(), shown.join("\n"));

    // The per-call checks above imply the issue's claims; these spell them
    // out, and fail if the schedule stops covering one of them.
    let expected_requests: usize = results.iter().map(|(call, _)| call.expected().1).sum();
    assert_eq!(received.len(), expected_requests, "the server received nothing but the calls' attempts");
    assert_eq!(elsewhere.connections.load(Ordering::Relaxed), 0, "no redirect was followed to the other origin");
    let posts_resent = by_invoice.values().filter(|requests| requests[0].method == "POST" && requests.len() > 1).count();
    assert_eq!(posts_resent, 0, "no POST reached the server twice");
    let ended = |method: &str, outcome: &Outcome, attempts: usize| tally.get(&(method, outcome.clone(), attempts)).copied().unwrap_or(0) > 0;
    for fault in Fault::ALL {
        assert!(ended("POST", &fault.outcome(), 1), "a POST that met {fault:?} ended in {:?} after one attempt: {tally:?}", fault.outcome());
    }
    for method in ["GET", "POST", "PUT"] {
        assert!(ended(method, &Outcome::Refused, 0), "a {method} with an id that changes the path was refused unsent: {tally:?}");
        // After a retry, a fault that is final for every method ends the call.
        for (outcome, attempts) in [(Outcome::TooLarge, 2), (Outcome::Status(307), 2), (Outcome::Status(503), 2)] {
            if method != "POST" {
                assert!(ended(method, &outcome, attempts), "a {method} ended in {outcome:?} after {attempts} attempts: {tally:?}");
            }
        }
    }
    for method in ["GET", "PUT"] {
        assert!(ended(method, &Outcome::Success, RETRIES + 1), "a {method} succeeded on its last retry: {tally:?}");
        for exhausted in [Outcome::Status(429), Outcome::Status(503), Outcome::Transport, Outcome::TimedOut] {
            assert!(ended(method, &exhausted, RETRIES + 1), "a {method} ended in {exhausted:?} after every retry: {tally:?}");
        }
    }
    eprintln!("{CALLS} calls, {} requests, in {elapsed:?}: {tally:?}", received.len());
}

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    body: Vec<u8>,
}

impl Received {
    /// The invoice id, the second segment of every path this API has.
    fn invoice(&self) -> &str {
        self.path.split('/').nth(2).unwrap_or_default()
    }
}

/// Every request the server received, and the attempts per invoice.
#[derive(Default)]
struct Journal {
    received: Vec<Received>,
    attempts: HashMap<String, usize>,
}

impl Journal {
    /// Records the request and returns the fault its invoice's schedule
    /// holds for this attempt (`None` once the schedule is used up).
    fn record(&mut self, request: &Received) -> Result<Option<Fault>, String> {
        self.received.push(request.clone());
        let invoice = request.invoice();
        let attempt = self.attempts.entry(invoice.to_owned()).or_default();
        *attempt += 1;
        let mut tokens = invoice.split('-').skip(1);
        match tokens.nth(*attempt - 1) {
            None => Ok(None),
            Some(token) => Fault::parse(token).map(Some).ok_or_else(|| format!("no fault is called {token:?}")),
        }
    }
}

/// A loopback HTTP/1.1 server that follows the schedule in each invoice id.
/// Connections are kept alive until a fault ends them.
struct FaultyServer {
    url: String,
    journal: Arc<Mutex<Journal>>,
    accepting: JoinHandle<()>,
}

/// The other origin redirects point to: it counts connections, and no call
/// may ever make one.
struct Elsewhere {
    url: String,
    connections: Arc<AtomicUsize>,
    accepting: JoinHandle<()>,
}

impl Elsewhere {
    async fn start() -> io::Result<Elsewhere> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/collect", listener.local_addr()?);
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let accepting = tokio::spawn(async move {
            while let Ok(_connection) = listener.accept().await {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ok(Elsewhere { url, connections, accepting })
    }
}

impl Drop for Elsewhere {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl FaultyServer {
    async fn start(elsewhere: String) -> io::Result<FaultyServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let journal = Arc::new(Mutex::new(Journal::default()));
        let shared = journal.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // A connection's error (the client hung up) ends only that
                // connection; what matters was journaled before.
                tokio::spawn(serve(stream, shared.clone(), elsewhere.clone()));
            }
        });
        Ok(FaultyServer { url, journal, accepting })
    }

    fn received(&self) -> Vec<Received> {
        self.journal.lock().unwrap_or_else(PoisonError::into_inner).received.clone()
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

async fn serve(mut stream: TcpStream, journal: Arc<Mutex<Journal>>, elsewhere: String) -> io::Result<()> {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await? {
        let fault = journal.lock().unwrap_or_else(PoisonError::into_inner).record(&request);
        let invoice = request.invoice();
        let Some(operation) = Operation::of(&request.method, &request.path, invoice) else {
            respond(&mut stream, 404, &[], b"no such operation").await?;
            continue;
        };
        let (status, body) = operation.proper_answer(invoice);
        let body = serde_json::to_vec(&body).map_err(io::Error::other)?;
        match fault {
            Err(message) => respond(&mut stream, 400, &[], message.as_bytes()).await?,
            Ok(None) => respond(&mut stream, status, &[], &body).await?,
            Ok(Some(Fault::Throttled)) => respond(&mut stream, 429, &[("Retry-After", "0")], br#"{"message":"slow down"}"#).await?,
            Ok(Some(Fault::Unavailable)) => respond(&mut stream, 503, &[], br#"{"message":"down"}"#).await?,
            Ok(Some(Fault::InternalError)) => respond(&mut stream, 500, &[], br#"{"message":"oops"}"#).await?,
            Ok(Some(Fault::Malformed)) => respond(&mut stream, status, &[], &body[..body.len() / 2]).await?,
            Ok(Some(Fault::Redirect)) => respond(&mut stream, 307, &[("Location", &elsewhere)], b"").await?,
            Ok(Some(Fault::AbsurdRetryAfter)) => {
                respond(&mut stream, 503, &[("Retry-After", ABSURD_RETRY_AFTER)], br#"{"message":"come back never"}"#).await?
            }
            Ok(Some(Fault::Oversized)) => {
                // Four times the limit, in chunks, then the end: the client
                // stops reading and hangs up partway, so writes may fail.
                let head = format!("HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", reason(status));
                stream.write_all(head.as_bytes()).await?;
                let chunk = [format!("{:x}\r\n", BODY_LIMIT).into_bytes(), vec![b' '; BODY_LIMIT], b"\r\n".to_vec()].concat();
                for _ in 0..4 {
                    stream.write_all(&chunk).await?;
                }
                stream.write_all(b"0\r\n\r\n").await?;
                return stream.shutdown().await;
            }
            Ok(Some(Fault::Reset)) => {
                // Dropping a socket that lingers for zero seconds sends RST.
                stream.set_zero_linger()?;
                return Ok(());
            }
            Ok(Some(Fault::Stall)) => {
                // Never answer; wait for the client to give up and hang up.
                let _ = tokio::time::timeout(STALL_LIMIT, stream.read(&mut [0; 1])).await;
                return Ok(());
            }
            Ok(Some(Fault::Truncated)) => {
                let head = format!("HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", reason(status), body.len() + 100);
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
                return stream.shutdown().await;
            }
        }
    }
    Ok(())
}

/// Reads the next request from a kept-alive connection: `None` when the
/// client closed it between requests. Bodies must have a `Content-Length`,
/// which is all this client sends.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<Received>> {
    loop {
        if let Some((method, path, head_length, body_length)) = parse_head(buffer)? {
            while buffer.len() < head_length + body_length {
                if stream.read_buf(buffer).await? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            let body = buffer[head_length..head_length + body_length].to_vec();
            buffer.drain(..head_length + body_length);
            return Ok(Some(Received { method, path, body }));
        }
        if stream.read_buf(buffer).await? == 0 {
            return if buffer.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
    }
}

/// The method, path, head length and body length of a complete request head
/// at the start of `buffer`; `None` while the head is incomplete.
fn parse_head(buffer: &[u8]) -> io::Result<Option<(String, String, usize, usize)>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut head = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head_length) = head.parse(buffer).map_err(io::Error::other)? else {
        return Ok(None);
    };
    if head.headers.iter().any(|h| h.name.eq_ignore_ascii_case("transfer-encoding")) {
        return Err(io::Error::other("chunked request bodies are not supported by this server"));
    }
    let body_length = match head.headers.iter().find(|h| h.name.eq_ignore_ascii_case("content-length")) {
        None => 0,
        Some(header) => std::str::from_utf8(header.value)
            .ok()
            .and_then(|value| value.trim().parse().ok())
            .ok_or_else(|| io::Error::other("a Content-Length that is not a number"))?,
    };
    let method = head.method.unwrap_or_default().to_owned();
    let path = head.path.unwrap_or_default().to_owned();
    Ok(Some((method, path, head_length, body_length)))
}

async fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, &str)], body: &[u8]) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", reason(status), body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}
