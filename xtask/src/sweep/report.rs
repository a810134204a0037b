//! What the sweep found: each call classified, per spec a row of the table,
//! the failures in full for `failures.json`, and the closing line.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

use super::{inputs, schema};

/// Statuses Prism answers a request it refuses with: it breaks the spec
/// (400, 422), lacks credentials (401, 403), or names no operation of the
/// document (404, 405), or asks for a media type it does not serve (406, 415).
const REFUSALS: &[u64] = &[400, 401, 403, 404, 405, 406, 415, 422];

/// One call's line from the harness.
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: String,
    pub line: Value,
}

impl Call {
    pub fn parse(line: &str) -> Option<Call> {
        let line: Value = serde_json::from_str(line).ok()?;
        let operation = line.get("operation")?.as_str()?.to_owned();
        Some(Call { operation, line })
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.line.get(key).and_then(Value::as_str)
    }
}

/// Why a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Prism refused the request or flagged it (`sl-violations`).
    Flagged,
    /// The body is valid against its schema and the client could not decode it: our bug.
    DecodeOurs,
    /// The body breaks its schema: Prism sent what the spec forbids.
    DecodePrism,
    /// Prism's answer broke the spec (its `sl-violations` name the
    /// response, not the request): Prism's fault.
    PrismAnswer,
    /// Prism crashed on the request (its process ended).
    PrismCrash,
    /// Prism did not start on the document of the call's chunk.
    PrismStart,
    /// Any other non-2xx answer.
    Status,
    /// The harness could not make the typed input from the value.
    Input,
    Panic,
    Timeout,
    /// A transport or other client error.
    Error,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Flagged,
        Kind::DecodeOurs,
        Kind::DecodePrism,
        Kind::PrismAnswer,
        Kind::PrismCrash,
        Kind::PrismStart,
        Kind::Status,
        Kind::Input,
        Kind::Panic,
        Kind::Timeout,
        Kind::Error,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Flagged => "flagged",
            Kind::DecodeOurs => "decode (ours)",
            Kind::DecodePrism => "decode (Prism's)",
            Kind::PrismAnswer => "bad answer (Prism's)",
            Kind::PrismCrash => "Prism crashed",
            Kind::PrismStart => "Prism did not start",
            Kind::Status => "other status",
            Kind::Input => "input",
            Kind::Panic => "panic",
            Kind::Timeout => "timeout",
            Kind::Error => "error",
        }
    }
}

/// The operation a call was made for, as `failures.json` shows it.
pub struct Operation {
    pub name: String,
    pub method: String,
    pub path: String,
    pub input: Value,
}

/// `None` when the call passed; else its kind and, for a decode failure,
/// what the validator said about the body.
pub fn classify(spec: &Value, operation: &Operation, call: &Call) -> Option<(Kind, Option<String>)> {
    let status = call.line.get("status").and_then(Value::as_u64);
    let (request, response) = violations(call);
    let flagged = request;
    match call.text("kind").unwrap_or_default() {
        "passed" => None,
        "flagged" | "status" | "decode" if response && !request => Some((Kind::PrismAnswer, None)),
        "flagged" => Some((Kind::Flagged, None)),
        "status" if flagged || status.is_some_and(|s| REFUSALS.contains(&s)) => Some((Kind::Flagged, None)),
        "status" => Some((Kind::Status, None)),
        "decode" if flagged => Some((Kind::Flagged, None)),
        "decode" => Some(attribute(spec, operation, call)),
        "input" => Some((Kind::Input, None)),
        "prism-crash" => Some((Kind::PrismCrash, None)),
        "prism-start" => Some((Kind::PrismStart, None)),
        "panic" => Some((Kind::Panic, None)),
        "timeout" => Some((Kind::Timeout, None)),
        _ => Some((Kind::Error, None)),
    }
}

/// Whether Prism's `sl-violations` name the request, and whether they name
/// the response. A header that does not parse counts as the request's.
fn violations(call: &Call) -> (bool, bool) {
    let Some(header) = call.text("violations") else { return (false, false) };
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(header) else { return (true, false) };
    let place = |v: &Value| v.pointer("/location/0").and_then(Value::as_str).unwrap_or("request").to_owned();
    let places: Vec<String> = list.iter().map(place).collect();
    (places.iter().any(|p| p != "response"), places.iter().any(|p| p == "response"))
}

/// A decode failure: ours when the body satisfies the response's schema,
/// Prism's when it does not (or is not JSON where JSON was declared).
pub fn attribute(spec: &Value, operation: &Operation, call: &Call) -> (Kind, Option<String>) {
    let status = call.line.get("status").and_then(Value::as_u64).unwrap_or(0);
    let content_type = call.text("content_type").unwrap_or_default();
    let Some(schema) = response_schema(spec, operation, status, content_type) else {
        return (Kind::DecodeOurs, Some(format!("the spec declares no schema for a {status} {content_type} answer")));
    };
    let body = call.text("body").unwrap_or_default();
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return (Kind::DecodePrism, Some("the body is not JSON".to_owned()));
    };
    match schema::check(spec, &schema, &body) {
        Ok(()) => (Kind::DecodeOurs, Some("the body is valid against the response schema".to_owned())),
        Err(error) => (Kind::DecodePrism, Some(format!("the body breaks the response schema: {error}"))),
    }
}

/// The schema of the operation's answer with `status` and `content_type`.
fn response_schema(spec: &Value, operation: &Operation, status: u64, content_type: &str) -> Option<Value> {
    let responses = spec.get("paths")?.get(&operation.path)?.get(&operation.method)?.get("responses")?;
    let range = format!("{}XX", status / 100);
    let response = [status.to_string(), range, "default".to_owned()].iter().find_map(|key| responses.get(key))?;
    let content = inputs::resolve(spec, response).get("content")?.as_object()?;
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let chosen = content.get(media).or_else(|| content.iter().find(|(name, _)| name.contains("json")).map(|(_, v)| v))?;
    chosen.get("schema").cloned()
}

/// One spec's results.
pub struct SpecReport {
    pub spec: String,
    /// Set when the spec could not be swept at all.
    pub error: Option<String>,
    pub operations: usize,
    pub passed: usize,
    pub calls: usize,
    pub calls_passed: usize,
    /// Failed calls by kind.
    pub kinds: BTreeMap<Kind, usize>,
    /// Skipped operations by reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// Prism's start-up time, per document served.
    pub startup: Vec<Duration>,
    /// How many of the documents served had their unions narrowed
    /// ([`super::document::narrow_unions`]).
    pub narrowed: usize,
    pub failures: Vec<Value>,
}

impl SpecReport {
    pub fn new(spec: &str) -> SpecReport {
        SpecReport {
            spec: spec.to_owned(),
            error: None,
            operations: 0,
            passed: 0,
            calls: 0,
            calls_passed: 0,
            kinds: BTreeMap::new(),
            skipped: BTreeMap::new(),
            startup: Vec::new(),
            narrowed: 0,
            failures: Vec::new(),
        }
    }

    pub fn failed(spec: &str, error: String) -> SpecReport {
        SpecReport { error: Some(error), ..SpecReport::new(spec) }
    }

    pub fn skip(&mut self, operation: &str, reason: &str) {
        self.operations += 1;
        self.skipped.entry(reason.to_owned()).or_default().push(operation.to_owned());
    }

    /// Counts one operation's calls; `expected` of them should have been made.
    pub fn add(&mut self, spec: &Value, operation: Operation, calls: &[&Call], expected: usize) {
        self.operations += 1;
        let mut ok = calls.len() == expected;
        for call in calls {
            self.calls += 1;
            match classify(spec, &operation, call) {
                None => self.calls_passed += 1,
                Some((kind, attribution)) => {
                    ok = false;
                    *self.kinds.entry(kind).or_default() += 1;
                    self.failures.push(json!({
                        "operation": operation.name,
                        "kind": kind.label(),
                        "request": {"method": operation.method.to_ascii_uppercase(), "path": operation.path, "inputs": operation.input},
                        "response": {
                            "status": call.line.get("status"),
                            "sl-violations": call.line.get("violations"),
                            "content-type": call.line.get("content_type"),
                            "body": call.line.get("body"),
                        },
                        "error": call.line.get("error"),
                        "attribution": attribution,
                    }));
                }
            }
        }
        for _ in calls.len()..expected {
            self.calls += 1;
            *self.kinds.entry(Kind::Panic).or_default() += 1;
            self.failures.push(json!({"operation": operation.name, "kind": "panic", "error": "the harness ended before this call"}));
        }
        if ok {
            self.passed += 1;
        }
    }

    fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }
}

/// The sums over every spec, for the closing line.
pub struct Totals {
    pub operations: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn of(reports: &[SpecReport]) -> Totals {
        let operations: usize = reports.iter().map(|r| r.operations).sum();
        let passed: usize = reports.iter().map(|r| r.passed).sum();
        let skipped: usize = reports.iter().map(SpecReport::skipped_count).sum();
        Totals { operations, passed, failed: operations.saturating_sub(passed + skipped), skipped }
    }

    /// `sweep: N operations, P passed, F failed, S skipped`.
    pub fn line(&self) -> String {
        format!("sweep: {} operations, {} passed, {} failed, {} skipped", self.operations, self.passed, self.failed, self.skipped)
    }
}

/// The table, in Markdown.
pub fn table(reports: &[SpecReport]) -> String {
    let mut header: Vec<String> = ["spec", "operations", "passed", "calls", "calls passed"].iter().map(|s| (*s).to_owned()).collect();
    header.extend(Kind::ALL.iter().map(|k| k.label().to_owned()));
    header.extend(["skipped".to_owned(), "Prism start-up".to_owned()]);
    let mut out = format!("| {} |\n", header.join(" | "));
    let rule: Vec<&str> = header.iter().enumerate().map(|(i, _)| if i == 0 { "---" } else { "---:" }).collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for report in reports {
        if let Some(error) = &report.error {
            let first = error.lines().next().unwrap_or_default().replace('|', "\\|");
            out.push_str(&format!("| `{}` | not swept: {first} |\n", report.spec));
            continue;
        }
        let mut cells = vec![
            format!("`{}`", report.spec),
            report.operations.to_string(),
            report.passed.to_string(),
            report.calls.to_string(),
            report.calls_passed.to_string(),
        ];
        cells.extend(Kind::ALL.iter().map(|k| report.kinds.get(k).copied().unwrap_or(0).to_string()));
        cells.push(report.skipped_count().to_string());
        let mut time = startup(&report.startup);
        if report.narrowed > 0 {
            time.push_str(&format!(", unions narrowed in {} of {}", report.narrowed, report.startup.len()));
        }
        cells.push(time);
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// One start-up time, or the sum and the slowest of several chunks.
fn startup(times: &[Duration]) -> String {
    match times {
        [] => "-".to_owned(),
        [one] => format!("{:.1} s", one.as_secs_f64()),
        many => {
            let total: Duration = many.iter().sum();
            let slowest = many.iter().max().copied().unwrap_or_default();
            format!("{:.1} s ({} chunks, slowest {:.1} s)", total.as_secs_f64(), many.len(), slowest.as_secs_f64())
        }
    }
}

/// The reasons for each skip and the specs that could not be swept.
pub fn details(reports: &[SpecReport]) -> String {
    let mut out = String::new();
    for report in reports {
        if let Some(error) = &report.error {
            out.push_str(&format!("\n{}: not swept:\n{error}\n", report.spec));
        }
        for (reason, operations) in &report.skipped {
            out.push_str(&format!("\n{}: skipped {} ({reason}): {}\n", report.spec, operations.len(), operations.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"paths": {"/pets": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}}}}}},
               "components": {"schemas": {"Pets": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}}})
    }

    fn operation() -> Operation {
        Operation { name: "list_pets".into(), method: "get".into(), path: "/pets".into(), input: json!({"params": {}}) }
    }

    fn call(line: Value) -> Call {
        Call::parse(&line.to_string()).expect("a call line")
    }

    #[test]
    fn a_decode_failure_on_a_valid_body_is_ours_and_on_an_invalid_one_prisms() {
        let valid = call(json!({"operation": "list_pets", "kind": "decode", "status": 200, "content_type": "application/json", "body": "[{\"id\": 1}]"}));
        assert_eq!(classify(&spec(), &operation(), &valid).map(|(kind, _)| kind), Some(Kind::DecodeOurs));
        let invalid = call(json!({"operation": "list_pets", "kind": "decode", "status": 200, "content_type": "application/json", "body": "[{\"id\": \"one\"}]"}));
        let (kind, why) = classify(&spec(), &operation(), &invalid).expect("a failure");
        assert_eq!(kind, Kind::DecodePrism);
        assert!(why.is_some_and(|why| why.contains("/0/id")));
        let not_json = call(json!({"operation": "list_pets", "kind": "decode", "status": 200, "content_type": "application/json", "body": "<html>"}));
        assert_eq!(classify(&spec(), &operation(), &not_json).map(|(kind, _)| kind), Some(Kind::DecodePrism));
    }

    #[test]
    fn prisms_refusals_and_violations_are_flagged() {
        let refused = call(json!({"operation": "list_pets", "kind": "status", "status": 422}));
        assert_eq!(classify(&spec(), &operation(), &refused).map(|(kind, _)| kind), Some(Kind::Flagged));
        let violated = call(json!({"operation": "list_pets", "kind": "flagged", "status": 200, "violations": "[…]"}));
        assert_eq!(classify(&spec(), &operation(), &violated).map(|(kind, _)| kind), Some(Kind::Flagged));
        let server = call(json!({"operation": "list_pets", "kind": "status", "status": 500}));
        assert_eq!(classify(&spec(), &operation(), &server).map(|(kind, _)| kind), Some(Kind::Status));
        let passed = call(json!({"operation": "list_pets", "kind": "passed", "status": 200}));
        assert_eq!(classify(&spec(), &operation(), &passed), None);
    }

    #[test]
    fn violations_of_prisms_own_answer_are_prisms() {
        let answer = r#"[{"location":["response","body","roles","0"],"severity":"Error","code":"type","message":"must be object"}]"#;
        let bad_answer = call(json!({"operation": "list_pets", "kind": "status", "status": 500, "violations": answer}));
        assert_eq!(classify(&spec(), &operation(), &bad_answer).map(|(kind, _)| kind), Some(Kind::PrismAnswer));
        let both = r#"[{"location":["request","query","limit"]},{"location":["response","body"]}]"#;
        let flagged = call(json!({"operation": "list_pets", "kind": "status", "status": 500, "violations": both}));
        assert_eq!(classify(&spec(), &operation(), &flagged).map(|(kind, _)| kind), Some(Kind::Flagged));
        let crashed = call(json!({"operation": "list_pets", "kind": "prism-crash", "error": "Prism crashed"}));
        assert_eq!(classify(&spec(), &operation(), &crashed).map(|(kind, _)| kind), Some(Kind::PrismCrash));
    }

    #[test]
    fn an_operation_passes_only_when_every_call_does_and_the_line_adds_up() {
        let mut report = SpecReport::new("pets.yaml");
        let passed = call(json!({"operation": "list_pets", "kind": "passed", "status": 200}));
        let refused = call(json!({"operation": "list_pets", "kind": "status", "status": 401}));
        report.add(&spec(), operation(), &[&passed, &passed], 2);
        report.add(&spec(), operation(), &[&passed, &refused], 2);
        report.add(&spec(), operation(), &[&passed], 2);
        report.skip("upload", "a media type Prism cannot serve");
        assert_eq!((report.operations, report.passed, report.calls, report.calls_passed), (4, 1, 6, 4));
        assert_eq!(report.kinds.get(&Kind::Panic), Some(&1), "the call never made");
        assert_eq!(report.failures.len(), 2);
        assert_eq!(Totals::of(&[report]).line(), "sweep: 4 operations, 1 passed, 2 failed, 1 skipped");
    }
}
