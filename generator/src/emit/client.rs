//! `client.rs`: the `Client`, its builder, the environments from `servers`,
//! and the headers the client sends on every call.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, doc_lines, ident};
use crate::model::{ParamLocation, SecurityKind, SecurityScheme, TokenSource};

pub fn emit(ctx: Context<'_>) -> TokenStream {
    let api = ctx.api;

    let constants = api.client_headers.iter().filter_map(|h| {
        let (constant, default) = (h.constant.as_deref()?, h.default.as_deref()?);
        let constant = ident(constant);
        let doc = doc_lines(&format!("The `{}` header value this client was generated for.", h.wire_name));
        Some(quote!(#doc pub const #constant: &str = #default;))
    });

    let variants: Vec<_> = api.servers.iter().map(|s| ident(&s.variant)).collect();
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    let variant_docs = api.servers.iter().map(|s| match &s.description {
        Some(d) => doc_lines(&format!("{d}: <{}>", s.url)),
        None => doc_lines(&format!("<{}>", s.url)),
    });

    let header_defaults = api.client_headers.iter().filter_map(|h| {
        let constant = ident(h.constant.as_deref()?);
        let wire = &h.wire_name;
        Some(quote!(core.default_header(#wire, ::std::string::String::from(#constant));))
    });
    let header_setters = api.client_headers.iter().map(|h| {
        let method = ident(&h.method);
        let wire = &h.wire_name;
        let mut text = format!("Sets the `{wire}` header sent on every request, in place of the value an operation would send.");
        if let Some(description) = &h.description {
            text.push_str("\n\n");
            text.push_str(description);
        }
        let own_values = api.operations.iter().any(|op| op.client_header_values.iter().any(|v| v.wire_name == *wire));
        match (&h.constant, own_values) {
            (Some(constant), true) => text.push_str(&format!(
                "\n\nWhen it is not set, each operation sends the value its definition fixes (the API version the definition is from, named in its documentation), and any other operation [`{constant}`]."
            )),
            (Some(constant), false) => text.push_str(&format!("\n\nDefaults to [`{constant}`].")),
            (None, true) => text.push_str("\n\nWhen it is not set, each operation sends the value its definition fixes (the API version the definition is from, named in its documentation)."),
            (None, false) => {}
        }
        let doc = doc_lines(&text);
        quote! {
            #doc
            pub fn #method(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.header(#wire, value.into());
                self
            }
        }
    });
    let id_var = format!("{}_CLIENT_ID", api.env_prefix);
    let secret_var = format!("{}_CLIENT_SECRET", api.env_prefix);
    let env_doc = format!(" Sends HTTP Basic credentials read from the environment variables `{id_var}` and `{secret_var}`.");
    let auth_setters = api.auth.as_ref().map(|auth| {
        let header = &auth.header;
        quote! {
            /// Sends HTTP Basic credentials (an API key id and secret) on every request.
            pub fn basic_auth(self, id: impl ::std::convert::Into<::std::string::String>, secret: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.credentials(super::runtime::Credentials::basic(id, secret))
            }

            /// Sends a bearer token on every request.
            pub fn bearer_auth(self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.credentials(super::runtime::Credentials::bearer(token))
            }

            /// Sends these credentials on every request.
            pub fn credentials(mut self, credentials: super::runtime::Credentials) -> Self {
                self.core.credentials(#header, credentials);
                self
            }

            #[doc = #env_doc]
            ///
            /// # Errors
            ///
            /// [`Error::InvalidRequest`](super::Error::InvalidRequest) naming the
            /// variable that is missing (never a value).
            pub fn basic_auth_from_env(self) -> ::std::result::Result<Self, super::runtime::Error> {
                let credentials = super::runtime::Credentials::basic_from_env(#id_var, #secret_var)?;
                ::std::result::Result::Ok(self.credentials(credentials))
            }
        }
    });

    let scheme_constants = api.security_schemes.iter().map(scheme_constant);
    let scheme_setters = api.security_schemes.iter().map(|scheme| scheme_setters(ctx, scheme));

    quote! {
        #![doc = " The client, its configuration, and the environments it can talk to."]

        #(#constants)*

        #(#scheme_constants)*

        /// Where the API is served: the spec's servers, or any base URL.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variant_docs #variants,)*
            /// Any other base URL, such as a local server in tests.
            Custom(::std::string::String),
        }

        impl Environment {
            /// The base URL requests are sent to (paths are appended to it).
            pub fn base_url(&self) -> &str {
                match self {
                    #(Self::#variants => #urls,)*
                    Self::Custom(url) => url.as_str(),
                }
            }
        }

        /// The API client. Cheap to clone; clones share connections.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct Client {
            pub(crate) core: super::runtime::Core,
        }

        impl Client {
            /// Starts configuring a client for `environment`.
            pub fn builder(environment: Environment) -> ClientBuilder {
                #[allow(unused_mut)]
                let mut core = super::runtime::CoreBuilder::new(environment.base_url());
                #(#header_defaults)*
                ClientBuilder { core }
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }
        }

        /// Configures a [`Client`].
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[must_use]
        pub struct ClientBuilder {
            core: super::runtime::CoreBuilder,
        }

        impl ClientBuilder {
            /// Sends requests to this base URL instead of the environment's.
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.base_url(url.into());
                self
            }

            #auth_setters

            #(#scheme_setters)*

            #(#header_setters)*

            /// How failed calls are retried (default: [`RetryPolicy::default`](super::RetryPolicy::default),
            /// two retries with exponential backoff and jitter).
            pub fn retry_policy(mut self, policy: super::runtime::RetryPolicy) -> Self {
                self.core.retry(policy);
                self
            }

            /// Connect, per-attempt and total time limits (default: [`Timeouts::default`](super::Timeouts::default)).
            pub fn timeouts(mut self, timeouts: super::runtime::Timeouts) -> Self {
                self.core.timeouts(timeouts);
                self
            }

            /// Which redirects are followed (default: [`RedirectPolicy::None`](super::RedirectPolicy::None),
            /// none: a `3xx` comes back as [`Error::Api`](super::Error::Api)).
            pub fn redirects(mut self, policy: super::runtime::RedirectPolicy) -> Self {
                self.core.redirects(policy);
                self
            }

            /// The largest response body read, in bytes (default:
            /// [`DEFAULT_MAX_RESPONSE_BODY`](super::runtime::DEFAULT_MAX_RESPONSE_BODY), 32 MiB);
            /// a longer one fails the call with [`Error::ResponseTooLarge`](super::Error::ResponseTooLarge).
            pub fn max_response_body(mut self, bytes: usize) -> Self {
                self.core.max_response_body(bytes);
                self
            }

            /// The `User-Agent` header sent on every request (default: this
            /// crate's name and version, [`DEFAULT_USER_AGENT`](super::runtime::DEFAULT_USER_AGENT)).
            pub fn user_agent(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.user_agent(value.into());
                self
            }

            /// Uses this `reqwest::Client` for the connections (proxies, TLS roots).
            /// Its own connect timeout and redirect policy then apply, not
            /// [`Timeouts::connect`](super::Timeouts::connect) nor [`redirects`](Self::redirects):
            /// give it `reqwest::redirect::Policy::none()` unless it is meant to follow them.
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.core.http_client(client);
                self
            }

            /// Runs `hook` around every attempt of every call, retries included:
            /// before the request goes out (it may add headers, such as a
            /// signature or a trace context) and after its answer or failure
            /// (status, headers, attempt number, time taken). Several hooks run
            /// in the order they were added; a hook's error fails the call with
            /// [`Error::Hook`](super::Error::Hook).
            pub fn hook(mut self, hook: impl super::runtime::Hook) -> Self {
                self.core.hook(::std::sync::Arc::new(hook));
                self
            }

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// When the base URL is not a URL, holds a control character or a
            /// user name or password, a header value is not visible ASCII, or
            /// the HTTP client cannot be initialised.
            pub fn build(self) -> ::std::result::Result<Client, super::runtime::Error> {
                ::std::result::Result::Ok(Client { core: self.core.build()? })
            }
        }
    }
}

/// The runtime's description of a scheme, which the setters and the
/// operations whose requirement names it refer to.
fn scheme_constant(scheme: &SecurityScheme) -> TokenStream {
    let constant = ident(&scheme.constant);
    let (key, setter) = (&scheme.key, &scheme.setter);
    let placement = match &scheme.kind {
        SecurityKind::Basic => quote!(Basic),
        SecurityKind::Token { scheme, .. } => quote!(Authorization(#scheme)),
        SecurityKind::ApiKey { location: ParamLocation::Query, wire_name } => quote!(Query(#wire_name)),
        SecurityKind::ApiKey { location: ParamLocation::Cookie, wire_name } => quote!(Cookie(#wire_name)),
        SecurityKind::ApiKey { wire_name, .. } => quote!(Header(#wire_name)),
    };
    let doc = doc_lines(&format!("The security scheme `{key}`."));
    quote! {
        #doc
        pub(crate) const #constant: super::runtime::SecurityScheme =
            super::runtime::SecurityScheme { key: #key, setter: #setter, placement: super::runtime::Placement::#placement };
    }
}

/// Where a scheme's credential goes, in the words of its setter's docs.
fn placement_text(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Basic => "as HTTP Basic credentials (`Authorization: Basic …`)".to_owned(),
        SecurityKind::Token { scheme, .. } => format!("in the `Authorization` header (`{scheme} <token>`)"),
        SecurityKind::ApiKey { location: ParamLocation::Query, wire_name } => format!("in the query parameter `{wire_name}`"),
        SecurityKind::ApiKey { location: ParamLocation::Cookie, wire_name } => format!("in the cookie `{wire_name}`"),
        SecurityKind::ApiKey { wire_name, .. } => format!("in the header `{wire_name}`"),
    }
}

/// The builder methods of one scheme: the credential, the same from the
/// environment, and for OAuth 2 and OpenID Connect a token provider.
fn scheme_setters(ctx: Context<'_>, scheme: &SecurityScheme) -> TokenStream {
    let constant = ident(&scheme.constant);
    let setter = ident(&scheme.setter);
    let env_setter = ident(&scheme.env_setter);
    let used_by = ctx.api.operations.iter().filter(|op| op.security.iter().flatten().any(|alternative| alternative.contains(&scheme.key))).count();
    let mut about = format!(
        "Sends the credential of the security scheme `{}` {}, on each call whose requirement names it ({used_by} of {} operations).",
        scheme.key,
        placement_text(&scheme.kind),
        ctx.api.operations.len()
    );
    if let Some(description) = &scheme.description {
        about.push_str("\n\n");
        about.push_str(description);
    }
    let doc = doc_lines(&about);
    let errors = "\n\n# Errors\n\n[`Error::InvalidRequest`](super::Error::InvalidRequest) naming the variable that is unset or empty (never a value).";
    match &scheme.kind {
        SecurityKind::Basic => {
            let (user, password) = (
                scheme.env_variables.first().cloned().unwrap_or_default(),
                scheme.env_variables.get(1).cloned().unwrap_or_default(),
            );
            let env_doc = doc_lines(&format!("[`{}`](Self::{}) with the user name and password read from the environment variables `{user}` and `{password}`.{errors}", scheme.setter, scheme.setter));
            quote! {
                #doc
                pub fn #setter(mut self, user: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.core.scheme_basic(#constant, user.into(), password.into());
                    self
                }

                #env_doc
                pub fn #env_setter(mut self) -> ::std::result::Result<Self, super::runtime::Error> {
                    self.core.scheme_basic_from_env(#constant, #user, #password)?;
                    ::std::result::Result::Ok(self)
                }
            }
        }
        SecurityKind::Token { .. } | SecurityKind::ApiKey { .. } => {
            let variable = scheme.env_variables.first().cloned().unwrap_or_default();
            let (argument, what) = match &scheme.kind {
                SecurityKind::ApiKey { .. } => (quote!(key), "key"),
                _ => (quote!(token), "token"),
            };
            let env_doc = doc_lines(&format!("[`{}`](Self::{}) with the {what} read from the environment variable `{variable}`.{errors}", scheme.setter, scheme.setter));
            let provider = scheme.provider_setter.as_ref().map(|name| {
                let method = ident(name);
                let source = match &scheme.kind {
                    SecurityKind::Token { source: TokenSource::OpenIdConnect, .. } => "OpenID Connect",
                    _ => "OAuth 2",
                };
                let doc = doc_lines(&format!(
                    "Asks `provider` for the {source} token of the security scheme `{}` before every attempt of a call that sends it (a retry included), so that it can be refreshed; replaces a token set with [`{}`](Self::{}).\n\nAn error the provider returns ends the call before anything is sent.",
                    scheme.key, scheme.setter, scheme.setter
                ));
                quote! {
                    #doc
                    pub fn #method(mut self, provider: impl super::runtime::TokenProvider + 'static) -> Self {
                        self.core.scheme_token_provider(#constant, ::std::sync::Arc::new(provider));
                        self
                    }
                }
            });
            quote! {
                #doc
                pub fn #setter(mut self, #argument: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.core.scheme_token(#constant, #argument.into());
                    self
                }

                #env_doc
                pub fn #env_setter(mut self) -> ::std::result::Result<Self, super::runtime::Error> {
                    self.core.scheme_token_from_env(#constant, #variable)?;
                    ::std::result::Result::Ok(self)
                }

                #provider
            }
        }
    }
}
