//! The files that make the generated code a crate of its own: `Cargo.toml`
//! and `src/lib.rs` (only for `Layout::Crate`; the checked-in client has
//! hand-written ones).

use proc_macro2::TokenStream;
use quote::quote;

/// The dependencies the generated code and its runtime use. The checked-in
/// client's hand-written `Cargo.toml` lists the same.
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("backon", "{ version = \"1.6\", default-features = false, features = [\"std\", \"tokio-sleep\"] }"),
    ("base64", "\"0.22\""),
    ("bytes", "\"1\""),
    ("chrono", "{ version = \"0.4.42\", default-features = false, features = [\"std\", \"serde\"] }"),
    ("form_urlencoded", "\"1\""),
    ("futures-util", "{ version = \"0.3\", default-features = false, features = [\"std\"] }"),
    ("http", "\"1\""),
    ("httpdate", "\"1\""),
    ("percent-encoding", "\"2\""),
    ("reqwest", "{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"rustls-no-provider\"] }"),
    ("rust_decimal", "{ version = \"1.37\", default-features = false, features = [\"std\", \"serde\"] }"),
    ("rustls", "{ version = \"0.23\", default-features = false, features = [\"std\", \"tls12\"] }"),
    ("serde", "{ version = \"1\", features = [\"derive\"] }"),
    // Free-form JSON objects keep their keys in the order received, and form
    // and multipart bodies send fields in their declared order.
    ("serde_json", "{ version = \"1\", features = [\"preserve_order\"] }"),
    // Names the field a response body failed to decode at (`items[0].rate`).
    ("serde_path_to_error", "\"0.1\""),
    ("tokio", "{ version = \"1\", default-features = false, features = [\"time\"] }"),
    ("tracing", "{ version = \"0.1\", default-features = false, features = [\"std\"] }"),
    // Idempotency keys: UUID v4 only, drawn from the operating system.
    ("uuid", "{ version = \"1\", default-features = false, features = [\"std\", \"v4\"] }"),
];

/// The TLS crypto provider is chosen by feature: ring by default, since the
/// crate builds faster with it; aws-lc-rs (rustls' own default,
/// FIPS-capable) instead when `aws-lc-rs` is on. The checked-in client's
/// `Cargo.toml` has the same features.
pub const FEATURES: &str = "\n[features]\ndefault = [\"ring\"]\n# TLS crypto provider: ring (the default) or aws-lc-rs; aws-lc-rs wins when both are on.\nring = [\"rustls/ring\"]\naws-lc-rs = [\"rustls/aws-lc-rs\"]\n";

/// `Cargo.toml` of a generated crate; `standalone` makes it a workspace of
/// its own. The crate name was validated by `Config`, so it needs no
/// quoting beyond the TOML string.
pub fn cargo_toml(crate_name: &str, standalone: bool) -> String {
    let mut text = String::new();
    text.push_str("[package]\n");
    text.push_str(&format!("name = \"{crate_name}\"\n"));
    text.push_str("version = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n");
    for (name, requirement) in DEPENDENCIES {
        text.push_str(&format!("{name} = {requirement}\n"));
    }
    text.push_str(FEATURES);
    if standalone {
        text.push_str("\n# A crate of its own, not a member of any surrounding workspace.\n[workspace]\n");
    }
    text
}

pub(crate) fn lib_rs() -> TokenStream {
    quote! {
        #![doc = " A client generated from OpenAPI specs."]
        #[rustfmt::skip]
        mod generated;
        pub use generated::*;
    }
}
