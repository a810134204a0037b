//! The harness: a binary, generated per spec, that calls every operation
//! through the typed client. It reads each operation's inputs as JSON (from
//! a file the sweep writes, see [`super::inputs`]), deserializes them into the
//! argument types the model names, sends the call to the URL it is given, and
//! prints one JSON line per call: `kind` (`passed`, `flagged`, `decode`,
//! `status`, `timeout`, `panic`, `input`, `error`), status, `sl-violations`
//! header, and the raw body and error when the call did not pass.

use generator::model::{Api, Operation, SecurityKind, TypeRef};
use std::fmt::Write as _;

/// One call may take this long before it counts as timed out.
pub const CALL_TIMEOUT_SECONDS: u64 = 30;

/// The harness crate's `Cargo.toml`: the client at `../client` and what
/// the harness itself uses, at the versions the client uses.
pub fn manifest(package: &str, client_package: &str) -> String {
    let mut out = format!(
        "# Written by `cargo xtask sweep`: calls every operation of {client_package} against Prism.\n\
         [package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{client_package} = {{ path = \"../client\" }}\n"
    );
    for (name, version) in generator::emit::DEPENDENCIES {
        if matches!(*name, "serde" | "serde_json" | "futures-util" | "chrono" | "rust_decimal") {
            let _ = writeln!(out, "{name} = {version}");
        }
    }
    out.push_str("tokio = { version = \"1\", default-features = false, features = [\"rt\", \"time\"] }\n");
    out
}

/// The credentials the harness gives the client, as builder calls: one for
/// each way the model says the client takes credentials. `basic` is true
/// when an `Authorization` header parameter is to carry HTTP basic rather
/// than a bearer token. Every security scheme gets a credential of its kind,
/// so that each operation finds the ones its requirement names. Prism checks
/// only that credentials of the right kind are there.
pub fn credentials(api: &Api, basic: bool) -> Vec<String> {
    let mut calls = Vec::new();
    if api.auth.is_some() {
        calls.push(if basic { ".basic_auth(\"sweep\", \"sweep\")".to_owned() } else { ".bearer_auth(\"sweep\")".to_owned() });
    }
    for scheme in &api.security_schemes {
        calls.push(match scheme.kind {
            SecurityKind::Basic => format!(".{}(\"sweep\", \"sweep\")", scheme.setter),
            SecurityKind::Token { .. } | SecurityKind::ApiKey { .. } => format!(".{}(\"sweep\")", scheme.setter),
        });
    }
    calls
}

/// The harness's `src/main.rs` for the client crate `library` (its Rust
/// name) with `credentials` from [`credentials`].
pub fn main_rs(api: &Api, library: &str, credentials: &[String]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"// Written by `cargo xtask sweep`: do not edit.
//! Calls every operation of `{library}` with the inputs of a JSON file,
//! one JSON line per call on stdout.
#![allow(deprecated, clippy::all)]

use {library} as api;
use serde_json::{{Value, json}};
use std::time::{{Duration, Instant}};

const TIMEOUT: Duration = Duration::from_secs({CALL_TIMEOUT_SECONDS});

fn main() {{
    let args: Vec<String> = std::env::args().collect();
    let [_, url, inputs, calls] = args.as_slice() else {{
        eprintln!("usage: harness <base url> <inputs.json> <calls>");
        std::process::exit(2);
    }};
    let calls: usize = calls.parse().unwrap_or(1);
    let text = std::fs::read_to_string(inputs).unwrap_or_else(|e| {{
        eprintln!("cannot read {{inputs}}: {{e}}");
        std::process::exit(2)
    }});
    let inputs: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap_or_else(|e| {{
        eprintln!("{{inputs}} is not a JSON object: {{e}}");
        std::process::exit(2)
    }});
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| {{
        eprintln!("cannot start the runtime: {{e}}");
        std::process::exit(2)
    }});
    runtime.block_on(run(url.clone(), inputs, calls));
}}

async fn run(url: String, inputs: serde_json::Map<String, Value>, calls: usize) {{
    let client = api::Client::builder(api::Environment::Custom(url))
"#
    );
    for call in credentials {
        let _ = writeln!(out, "        {call}");
    }
    out.push_str(
        r#"        .retry_policy(api::runtime::RetryPolicy::never())
        .build()
        .unwrap_or_else(|e| {
            eprintln!("cannot build the client: {e}");
            std::process::exit(2)
        });
    for (operation, input) in &inputs {
        for call in 0..calls {
            let started = Instant::now();
            let future = std::panic::AssertUnwindSafe(dispatch(&client, operation, input));
            let outcome = match tokio::time::timeout(TIMEOUT, futures_util::FutureExt::catch_unwind(future)).await {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(panic)) => {
                    let message = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                    json!({"kind": "panic", "error": message})
                }
                Err(_) => json!({"kind": "timeout", "error": format!("no answer within {} s", TIMEOUT.as_secs())}),
            };
            let mut line = json!({"operation": operation, "call": call, "millis": started.elapsed().as_millis() as u64});
            if let (Some(line), Value::Object(outcome)) = (line.as_object_mut(), outcome) {
                line.extend(outcome);
            }
            println!("{line}");
        }
    }
}

fn header(headers: &api::runtime::HeaderMap, name: &str) -> Value {
    headers.get(name).map_or(Value::Null, |v| Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()))
}

fn outcome<T>(result: Result<api::runtime::Response<T>, api::runtime::Error>) -> Value {
    match result {
        Ok(response) => {
            let violations = header(&response.headers, "sl-violations");
            let kind = if violations.is_null() { "passed" } else { "flagged" };
            json!({"kind": kind, "status": response.status.as_u16(), "violations": violations})
        }
        Err(api::runtime::Error::Decode(error)) => json!({
            "kind": "decode",
            "status": error.status().as_u16(),
            "violations": header(error.headers(), "sl-violations"),
            "content_type": header(error.headers(), "content-type"),
            "body": String::from_utf8_lossy(error.body()),
            "error": error.to_string(),
        }),
        Err(api::runtime::Error::Api(error)) => json!({
            "kind": "status",
            "status": error.status().as_u16(),
            "violations": header(error.headers(), "sl-violations"),
            "content_type": header(error.headers(), "content-type"),
            "body": error.body_text(),
            "error": format!("status {}", error.status()),
        }),
        Err(api::runtime::Error::Timeout(limit)) => json!({"kind": "timeout", "error": format!("the client's total timeout ({limit:?}) ran out")}),
        Err(error) => json!({"kind": "error", "error": error.to_string()}),
    }
}

fn input_error(what: &str, error: impl std::fmt::Display) -> Value {
    json!({"kind": "input", "error": format!("{what}: {error}")})
}

/// A parameter's value, deserialized into its argument type.
fn param<T: serde::de::DeserializeOwned>(input: &Value, name: &str) -> Result<T, Value> {
    let value = input.get("params").and_then(|p| p.get(name)).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| input_error(&format!("parameter `{name}`"), e))
}

/// The body, deserialized into its type.
fn body<T: serde::de::DeserializeOwned>(input: &Value) -> Result<T, Value> {
    serde_json::from_value(input.get("body").cloned().unwrap_or(Value::Null)).map_err(|e| input_error("body", e))
}

/// A text body: the value as it is when a string, else its JSON.
fn text_body(input: &Value) -> String {
    match input.get("body") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

"#,
    );
    out.push_str("async fn dispatch(client: &api::Client, operation: &str, input: &Value) -> Value {\n    match operation {\n");
    for op in &api.operations {
        let _ = writeln!(out, "        {:?} => {}(client, input).await,", op.name, function(op));
    }
    out.push_str("        other => json!({\"kind\": \"input\", \"error\": format!(\"no operation `{other}` in the client\")}),\n    }\n}\n");
    for op in &api.operations {
        out.push('\n');
        out.push_str(&operation_fn(op));
    }
    out
}

fn function(op: &Operation) -> String {
    format!("call_{}", op.name.trim_start_matches("r#"))
}

/// One operation's function: its required parameters and body from the
/// input, then the call.
fn operation_fn(op: &Operation) -> String {
    let mut out = format!("async fn {}(client: &api::Client, input: &Value) -> Value {{\n", function(op));
    let mut arguments = Vec::new();
    for (index, param) in op.params.iter().enumerate().filter(|(_, p)| p.required) {
        let variable = format!("p{index}");
        let _ = writeln!(
            out,
            "    let {variable}: {} = match param(input, {:?}) {{ Ok(v) => v, Err(e) => return e }};",
            rust_type(&param.ty),
            param.name
        );
        arguments.push(variable);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        match &body.ty {
            TypeRef::Bytes => out.push_str("    let body = api::runtime::Bytes::from(text_body(input).into_bytes());\n"),
            TypeRef::String => out.push_str("    let body = text_body(input);\n"),
            other => {
                let _ = writeln!(out, "    let body: {} = match body(input) {{ Ok(v) => v, Err(e) => return e }};", rust_type(other));
            }
        }
        arguments.push("body".to_owned());
    }
    let _ = writeln!(out, "    outcome(client.{}({}).send_with_response().await)\n}}", op.name, arguments.join(", "));
    out
}

/// The Rust type of a value, with paths that resolve in the harness.
pub fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("api::types::{name}"),
        TypeRef::String => "String".to_owned(),
        TypeRef::Bytes => "api::runtime::Bytes".to_owned(),
        TypeRef::Decimal => "rust_decimal::Decimal".to_owned(),
        TypeRef::Date => "chrono::NaiveDate".to_owned(),
        TypeRef::DateTime => "chrono::DateTime<chrono::FixedOffset>".to_owned(),
        TypeRef::Array(item) => format!("Vec<{}>", rust_type(item)),
        TypeRef::Map(value) => format!("std::collections::BTreeMap<String, {}>", rust_type(value)),
        TypeRef::Nullable(inner) => format!("Option<{}>", rust_type(inner)),
        TypeRef::Json => "serde_json::Value".to_owned(),
        other => other.rust_type(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::{Config, SpecInput};

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: integer, format: int64}}
    get:
      operationId: showPet
      parameters:
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
    put:
      operationId: putPet
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses: {"204": {description: done}}
components:
  schemas:
    Pet: {type: object, required: [name], properties: {name: {type: string}}}
"##;

    fn api() -> Api {
        let input = SpecInput { name: "pets.yaml".to_owned(), version: None, text: SPEC.to_owned() };
        generator::model(&Config::new("pets"), &[input]).expect("the spec makes a model")
    }

    #[test]
    fn each_operation_is_called_with_its_required_inputs_as_their_types() {
        let source = main_rs(&api(), "pets", &[]);
        // Method names come from the paths, not the operation ids.
        assert!(source.contains("\"get_pet\" => call_get_pet(client, input).await,"), "{source}");
        assert!(source.contains("let p0: i64 = match param(input, \"pet_id\")"), "{source}");
        assert!(source.contains("let p1: String = match param(input, \"x_trace\")"), "{source}");
        assert!(source.contains("client.get_pet(p0, p1).send_with_response()"), "the optional limit is left out: {source}");
        assert!(source.contains("let body: api::types::Pet = match body(input)"), "{source}");
        assert!(source.contains("client.update_pet(p0, body)"), "{source}");
    }

    #[test]
    fn credentials_follow_the_model() {
        let api = api();
        assert!(credentials(&api, false).is_empty(), "no Authorization parameter, no credentials to give");
        let with_auth = Api { auth: Some(generator::model::Auth { header: "Authorization".to_owned() }), ..api };
        assert_eq!(credentials(&with_auth, true), [".basic_auth(\"sweep\", \"sweep\")"]);
        assert_eq!(credentials(&with_auth, false), [".bearer_auth(\"sweep\")"]);
        assert!(main_rs(&with_auth, "pets", &credentials(&with_auth, false)).contains("        .bearer_auth(\"sweep\")\n"));
        let scheme = |key: &str, setter: &str, kind: SecurityKind| generator::model::SecurityScheme {
            key: key.to_owned(),
            setter: setter.to_owned(),
            env_setter: format!("{setter}_from_env"),
            provider_setter: None,
            env_variables: Vec::new(),
            constant: key.to_ascii_uppercase(),
            kind,
            description: None,
        };
        let with_schemes = Api {
            security_schemes: vec![
                scheme("basic", "basic_auth", SecurityKind::Basic),
                scheme("key", "api_key", SecurityKind::ApiKey { location: generator::model::ParamLocation::Query, wire_name: "key".to_owned() }),
            ],
            ..with_auth
        };
        assert_eq!(
            credentials(&with_schemes, false),
            [".bearer_auth(\"sweep\")", ".basic_auth(\"sweep\", \"sweep\")", ".api_key(\"sweep\")"],
            "the header parameter's credentials, then one per scheme in the model's order"
        );
    }

    #[test]
    fn the_manifest_uses_the_clients_dependency_versions() {
        let manifest = manifest("sweep-pets", "corpus-pets");
        assert!(manifest.contains("corpus-pets = { path = \"../client\" }"));
        for (name, version) in generator::emit::DEPENDENCIES.iter().filter(|(n, _)| *n == "serde_json" || *n == "chrono") {
            assert!(manifest.contains(&format!("{name} = {version}")), "{manifest}");
        }
    }
}
