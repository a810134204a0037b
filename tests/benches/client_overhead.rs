//! The generated client's per-call overhead: `list_line_item_groups` against
//! a bare reqwest call of the same request, both on one loopback server, for
//! a page of 1 item and a page of 1,000. Results: BENCHMARKS.md.
//!
//! Both sides decode the body into the same generated
//! `types::LineItemGroupPage`: parsing the three decimals of every item is
//! work any caller has to do, so the difference between the two is only
//! what the client adds around the HTTP call (request building, the retry
//! and timeout wrappers, the trace span, copying the response headers).
//!
//! `cargo bench -p tests --bench client_overhead` (or `cargo xtask bench`);
//! on a virtual machine, `taskset -c 1` in front keeps the figures steady
//! (BENCHMARKS.md says why).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use sequence_invoices::types::LineItemGroupPage;
use sequence_invoices::{Client, Environment, SEQUENCE_VERSION};
use serde_json::{Value, json};

const KEY_ID: &str = "key-id";
const KEY_SECRET: &str = "key-secret";
/// `Basic base64("key-id:key-secret")`; the server rejects anything else, so
/// a wrong constant here fails the run instead of skewing it.
const BASIC_AUTHORIZATION: &str = "Basic a2V5LWlkOmtleS1zZWNyZXQ=";
/// The API's largest page size; the server ignores it and sends the whole
/// page it holds, so both sizes send the same query.
const LIMIT: i64 = 100;

/// The two invoices the server knows, and how many line item groups each has.
const SIZES: [(&str, usize); 2] =
    [("cd11218d-fa00-4faa-8684-a43113d076a8", 1), ("5b0d6c1e-2f7a-4f43-9a64-0c1f1b7e9d20", 1_000)];

/// A page of `count` line item groups as the API sends it.
fn page_json(invoice: &str, count: usize) -> Vec<u8> {
    let cents = |value: usize| format!("{}.{:02}", value / 100, value % 100);
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let net = 5_120 + 37 * i;
            let tax = net / 5;
            json!({
                "id": format!("4639a112-f821-4bc1-bc2d-{i:012x}"),
                "invoiceId": invoice,
                "title": format!("Users, seat band {i}"),
                "description": "Charges for users",
                "index": i,
                "netTotal": cents(net),
                "totalTax": cents(tax),
                "grossTotal": cents(net + tax),
                "taxCategory": { "id": "28227c88-6dba-455f-9b30-b9c76957e610", "name": "VAT" },
            })
        })
        .collect();
    let page = json!({
        "items": items,
        "pagination": {
            "after": "MDE4NDUyNjYtNmQ2NC03N2M4LTlhZGYtNDQ4N2Q5NGQxNDU3",
            "before": "MDE4NDQyMWUtYTljYy03MTFiLWFmOTMtYmYwNTExZDRkODMz",
            "totalResultSize": count,
        },
    });
    serde_json::to_vec(&page).unwrap_or_else(|e| panic!("{e}"))
}

/// The server's canned answers: path (with query) to pre-serialized body.
struct Pages {
    bodies: Vec<(String, Bytes)>,
}

impl Pages {
    fn new() -> Self {
        let bodies = SIZES
            .iter()
            .map(|&(invoice, count)| {
                (
                    format!("/api/invoices/{invoice}/line-item-groups?limit={LIMIT}"),
                    Bytes::from(page_json(invoice, count)),
                )
            })
            .collect();
        Pages { bodies }
    }

    /// The page for a request carrying every header the API requires, or a
    /// 400 naming what is missing: both sides must send the same request.
    fn answer<B>(&self, request: &Request<B>) -> Response<Full<Bytes>> {
        let expected = [
            (AUTHORIZATION, BASIC_AUTHORIZATION),
            (ACCEPT, "application/json"),
            (HeaderName::from_static("sequence-version"), SEQUENCE_VERSION),
        ];
        let missing = expected.iter().find(|(name, value)| request.headers().get(name).is_none_or(|v| v != value));
        if let Some((name, _)) = missing {
            return plain(StatusCode::BAD_REQUEST, format!("missing or wrong header {name}"));
        }
        let target = request.uri().path_and_query().map_or("", |p| p.as_str());
        match self.bodies.iter().find(|(path, _)| path == target) {
            Some((_, body)) => Response::builder()
                .header(CONTENT_TYPE, "application/json")
                .header("x-request-id", "req-123")
                .body(Full::new(body.clone()))
                .unwrap_or_else(|e| panic!("{e}")),
            None => plain(StatusCode::NOT_FOUND, format!("no page at {target}")),
        }
    }
}

fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
}

/// Serves `pages` over HTTP/1.1 on 127.0.0.1 from a thread and runtime of
/// its own, as a separate server would; the measured calls run on another.
fn start_server(pages: Pages) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    listener.set_nonblocking(true).unwrap_or_else(|e| panic!("{e}"));
    let pages = Arc::new(pages);
    std::thread::spawn(move || {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap_or_else(|e| panic!("{e}"));
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let pages = Arc::clone(&pages);
                let service = hyper::service::service_fn(move |request| {
                    std::future::ready(Ok::<_, Infallible>(pages.answer(&request)))
                });
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
    });
    address
}

/// The same call written by hand with reqwest: headers built once, the URL
/// formatted per call, the body decoded into the generated types.
struct Bare {
    http: reqwest::Client,
    base_url: String,
    headers: [(HeaderName, HeaderValue); 3],
}

impl Bare {
    fn new(base_url: &str) -> Self {
        // Built after the generated client, whose build installs the ring
        // TLS provider reqwest needs; the same connect timeout as its default.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut authorization = HeaderValue::from_static(BASIC_AUTHORIZATION);
        authorization.set_sensitive(true);
        let headers = [
            (ACCEPT, HeaderValue::from_static("application/json")),
            (AUTHORIZATION, authorization),
            (HeaderName::from_static("sequence-version"), HeaderValue::from_static(SEQUENCE_VERSION)),
        ];
        Bare { http, base_url: base_url.to_owned(), headers }
    }

    async fn list_line_item_groups(&self, invoice: &str) -> LineItemGroupPage {
        let url = format!("{}/invoices/{invoice}/line-item-groups", self.base_url);
        let mut request = self.http.get(url).query(&[("limit", LIMIT)]);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        let response = response.error_for_status().unwrap_or_else(|e| panic!("{e}"));
        let body = response.bytes().await.unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"))
    }
}

async fn generated(client: &Client, invoice: &str) -> LineItemGroupPage {
    client.list_line_item_groups(invoice).limit(LIMIT).await.unwrap_or_else(|e| panic!("{e}"))
}

fn client_overhead(c: &mut Criterion) {
    let address = start_server(Pages::new());
    let base_url = format!("http://{address}/api");
    let client = Client::builder(Environment::Custom(base_url.clone()))
        .basic_auth(KEY_ID, KEY_SECRET)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let bare = Bare::new(&base_url);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));

    // Both sides must get the same, complete page before their times mean anything.
    for (invoice, count) in SIZES {
        let (by_hand, by_client) =
            runtime.block_on(async { (bare.list_line_item_groups(invoice).await, generated(&client, invoice).await) });
        assert_eq!(by_hand.items.len(), count);
        assert_eq!(by_hand, by_client, "the two calls decoded different pages");
    }

    let mut group = c.benchmark_group("list_line_item_groups");
    for (invoice, count) in SIZES {
        let size = if count == 1 { "1 item".to_owned() } else { format!("{count} items") };
        group.throughput(Throughput::Elements(count as u64));
        // A 1,000-item call takes about a millisecond: 50 samples fit the time.
        group.sample_size(if count == 1 { 100 } else { 50 });
        group.bench_function(BenchmarkId::new("bare reqwest", &size), |b| {
            b.to_async(&runtime).iter(|| bare.list_line_item_groups(invoice));
        });
        group.bench_function(BenchmarkId::new("generated client", &size), |b| {
            b.to_async(&runtime).iter(|| generated(&client, invoice));
        });
    }
    group.finish();

    // Criterion measures the cases one after another, so load that comes and
    // goes between them (other builds on a shared machine) moves one side
    // only. The ratio the goal is about is measured again here, the two
    // calls alternating in short blocks. Skipped when criterion only tests
    // that the benchmarks run (`cargo test --benches`) or lists them.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|arg| arg == "--bench") && !args.iter().any(|arg| arg == "--list") {
        for (invoice, count) in SIZES {
            let ratio = runtime.block_on(paired_ratio(
                || bare.list_line_item_groups(invoice),
                || generated(&client, invoice),
                if count == 1 { 200 } else { 5 },
            ));
            println!(
                "paired, {count:>5} item(s): generated client / bare reqwest = {ratio:.3} (median of {ROUNDS} rounds)"
            );
        }
    }
}

const ROUNDS: usize = 100;

/// The median over [`ROUNDS`] rounds of (time of `calls` client calls) /
/// (time of `calls` bare calls), the two blocks taking turns going first.
async fn paired_ratio<B, C>(bare: impl Fn() -> B, client: impl Fn() -> C, calls: usize) -> f64
where
    B: Future<Output = LineItemGroupPage>,
    C: Future<Output = LineItemGroupPage>,
{
    async fn block<F: Future<Output = LineItemGroupPage>>(call: &impl Fn() -> F, calls: usize) -> f64 {
        let start = std::time::Instant::now();
        for _ in 0..calls {
            std::hint::black_box(call().await);
        }
        start.elapsed().as_secs_f64()
    }
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (by_hand, by_client) = if round % 2 == 0 {
            let by_hand = block(&bare, calls).await;
            (by_hand, block(&client, calls).await)
        } else {
            let by_client = block(&client, calls).await;
            (block(&bare, calls).await, by_client)
        };
        ratios.push(by_client / by_hand);
    }
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

criterion_group! {
    name = benches;
    // A few seconds per case keeps the whole run to a couple of minutes on
    // two cores; pass `-- --measurement-time 10` for tighter intervals.
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = client_overhead
}
criterion_main!(benches);
