//! Operations → one module per tag. For each operation: the request struct
//! (its parameters as plain data), the request builder the client method
//! returns, and the function that sends it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, doc_lines, ident, rust_type};
use crate::model::{Operation, Param, ParamLocation, PathSegment, TypeRef};

pub fn emit(ctx: &Context<'_>, module: &str) -> TokenStream {
    let operations: Vec<&Operation> = ctx.api.operations.iter().filter(|o| o.module == module).collect();
    let methods = operations.iter().map(|op| client_method(op));
    let items = operations.iter().map(|op| {
        let request = request_struct(op);
        let builder = builder(op);
        let send = send_fn(ctx, op);
        quote!(#request #builder #send)
    });
    let doc = format!(" The operations of the `{module}` module.");
    quote! {
        #![doc = #doc]
        impl super::Client {
            #(#methods)*
        }
        #(#items)*
    }
}

fn types_path() -> TokenStream {
    quote!(super::types::)
}

/// Required parameters are arguments of the client method; the others are
/// builder setters.
fn is_argument(param: &Param) -> bool {
    param.required
}

fn argument_type(param: &Param) -> TokenStream {
    match param.ty {
        TypeRef::String => quote!(impl ::std::convert::Into<::std::string::String>),
        _ => rust_type(&param.ty, &types_path()),
    }
}

fn argument_value(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    match param.ty {
        TypeRef::String => quote!(#name.into()),
        _ => quote!(#name),
    }
}

pub fn success_type(op: &Operation) -> TokenStream {
    match op.success_type() {
        Some(ty) => rust_type(ty, &types_path()),
        None => quote!(()),
    }
}

pub fn request_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}Request", op.builder))
}

fn operation_doc(op: &Operation) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim());
    }
    if let Some(description) = op.description.as_deref().map(str::trim)
        && Some(description) != op.summary.as_deref().map(str::trim)
        && !description.is_empty()
    {
        text.push_str("\n\n");
        text.push_str(description);
    }
    text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path.replace('`', "'")));
    if !op.errors.is_empty() {
        text.push_str("\n\n# Errors\n\n[`Error::Api`](super::Error::Api) with the documented statuses:\n");
        for error in &op.errors {
            text.push_str(&format!("\n- `{}`: {}", error.status, error.description.trim().replace('\n', " ")));
        }
    }
    text.trim_start().to_owned()
}

/// The fields of the request struct, in the order the struct declares them.
fn request_fields(op: &Operation) -> Vec<(proc_macro2::Ident, TokenStream, Option<String>)> {
    let mut fields: Vec<_> = op
        .params
        .iter()
        .map(|p| {
            let ty = rust_type(&p.ty, &types_path());
            let ty = if is_argument(p) { ty } else { quote!(::std::option::Option<#ty>) };
            (ident(&p.name), ty, p.description.clone())
        })
        .collect();
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty, &types_path());
        let ty = if body.required { ty } else { quote!(::std::option::Option<#ty>) };
        fields.push((ident("body"), ty, Some("The request body.".to_owned())));
    }
    fields
}

fn request_struct(op: &Operation) -> TokenStream {
    let name = request_name(op);
    let doc = doc_lines(&format!(
        "The parameters of `{} {}`, as [`Api::{}`](super::Api::{}) takes them.",
        op.method.as_str(),
        op.path.replace('`', "'"),
        op.name.trim_start_matches("r#"),
        op.name.trim_start_matches("r#"),
    ));
    let fields = request_fields(op).into_iter().map(|(field, ty, description)| {
        let doc = doc_lines(description.as_deref().map(str::trim).unwrap_or_default());
        quote!(#doc pub #field: #ty,)
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub struct #name {
            #(#fields)*
            /// Retry and timeout settings for this call only.
            pub options: super::runtime::RequestOptions,
        }
    }
}

/// The arguments of the client method and of the builder's `new`.
fn arguments(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut declared = Vec::new();
    let mut inits = Vec::new();
    for param in &op.params {
        let name = ident(&param.name);
        if is_argument(param) {
            let ty = argument_type(param);
            let value = argument_value(param);
            declared.push(quote!(#name: #ty));
            inits.push(quote!(#name: #value));
        } else {
            inits.push(quote!(#name: ::std::option::Option::None));
        }
    }
    match &op.body {
        Some(body) if body.required => {
            let ty = rust_type(&body.ty, &types_path());
            declared.push(quote!(body: #ty));
            inits.push(quote!(body));
        }
        Some(_) => inits.push(quote!(body: ::std::option::Option::None)),
        None => {}
    }
    (declared, inits)
}

fn client_method(op: &Operation) -> TokenStream {
    let doc = doc_lines(&operation_doc(op));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let (declared, _) = arguments(op);
    let names = declared_names(op);
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#declared),*) -> #builder<'_> {
            #builder::new(self, #(#names),*)
        }
    }
}

fn declared_names(op: &Operation) -> Vec<proc_macro2::Ident> {
    let mut names: Vec<_> = op.params.iter().filter(|p| is_argument(p)).map(|p| ident(&p.name)).collect();
    if op.body.as_ref().is_some_and(|b| b.required) {
        names.push(ident("body"));
    }
    names
}

fn builder(op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let request = request_name(op);
    let method_name = op.name.trim_start_matches("r#");
    let doc = doc_lines(&format!(
        "A `{} {}` call, made by [`Client::{method_name}`](super::Client::{method_name}) (or `new` with any [`Api`](super::Api)): set optional parameters, then `.await` it or call [`send`](Self::send).",
        op.method.as_str(),
        op.path.replace('`', "'"),
    ));
    let (declared, inits) = arguments(op);

    let setters = op.params.iter().filter(|p| !is_argument(p)).map(|p| {
        let field = ident(&p.name);
        let ty = argument_type(p);
        let value = argument_value(p);
        let doc = doc_lines(p.description.as_deref().map(str::trim).unwrap_or_default());
        quote! {
            #doc
            pub fn #field(mut self, #field: #ty) -> Self {
                self.request.#field = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|body| {
        let ty = rust_type(&body.ty, &types_path());
        quote! {
            /// The request body.
            pub fn body(mut self, body: #ty) -> Self {
                self.request.body = ::std::option::Option::Some(body);
                self
            }
        }
    });
    let output = success_type(op);
    let operation = ident(&op.name);
    let stream = op.pagination.as_ref().map(|pagination| {
        let item = rust_type(&pagination.item_type, &types_path());
        let page = output.clone();
        let items = ident(&pagination.items_field);
        let cursor = ident(&pagination.cursor_param);
        // page.a.b, stepping through optional fields with `and_then`.
        let mut next = quote!(page);
        let mut optional = false;
        for (step, step_optional) in &pagination.next_cursor {
            let step = ident(step);
            next = if optional { quote!(#next.and_then(|value| value.#step)) } else { quote!(#next.#step) };
            optional |= *step_optional;
        }
        let next = if optional { next } else { quote!(::std::option::Option::Some(#next)) };
        quote! {
            /// Every item of every page, fetched page by page as the stream is
            /// read: each next request carries the `after` cursor of the page
            /// before, until the server sends none.
            ///
            /// A cursor the server repeats ends the stream with
            /// [`Error::InvalidResponse`](super::Error::InvalidResponse).
            pub fn items(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#item, super::Error>> + ::std::marker::Send + 'a {
                let api = self.api;
                super::runtime::paginate(
                    self.request,
                    move |request| api.#operation(request),
                    |page: #page| {
                        let items = page.#items;
                        (items, #next)
                    },
                    |request: &mut #request, cursor| request.#cursor = ::std::option::Option::Some(cursor),
                )
            }
        }
    });

    quote! {
        #doc
        #[derive(::std::fmt::Debug)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name<'a, A = super::Client> {
            api: &'a A,
            request: #request,
        }

        impl<'a, A: super::Api> #name<'a, A> {
            /// Starts the call with its required inputs.
            pub fn new(api: &'a A, #(#declared),*) -> Self {
                #name { api, request: #request { #(#inits,)* options: ::std::default::Default::default() } }
            }

            #(#setters)*
            #body_setter

            /// Uses this retry policy for this call instead of the client's.
            pub fn retry_policy(mut self, policy: super::RetryPolicy) -> Self {
                self.request.options.retry = ::std::option::Option::Some(policy);
                self
            }

            /// Limits one attempt of this call (connect, send, read the response).
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request.options.attempt_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Limits this whole call, retries and waits included.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request.options.total_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// The parameters as plain data.
            pub fn into_request(self) -> #request {
                self.request
            }

            /// Sends the request and returns the decoded body.
            pub async fn send(self) -> ::std::result::Result<#output, super::Error> {
                self.send_with_response().await.map(super::Response::into_body)
            }

            /// Sends the request and returns the body with the status and headers.
            pub async fn send_with_response(self) -> ::std::result::Result<super::Response<#output>, super::Error> {
                self.api.#operation(self.request).await
            }

            #stream
        }

        impl<'a, A: super::Api> ::std::future::IntoFuture for #name<'a, A> {
            type Output = ::std::result::Result<#output, super::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    }
}

/// `async fn <operation>(core, request)`: builds the HTTP request from the
/// request struct and sends it. `Client`'s [`Api`] implementation calls it.
fn send_fn(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let request = request_name(op);
    let output = success_type(op);
    let path = build_path(op);
    let method = ident(op.method.as_str());
    let template = &op.path;
    let checks = op.params.iter().filter(|p| p.minimum.is_some() || p.maximum.is_some()).map(range_check);
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| add_param(ctx, p));
    let body = op.body.as_ref().map(|body| {
        let content_type = &body.content_type;
        if body.required {
            quote!(http.json(#content_type, &request.body)?;)
        } else {
            quote! {
                if let ::std::option::Option::Some(body) = &request.body {
                    http.json(#content_type, body)?;
                }
            }
        }
    });
    let decode = if op.success_type().is_some() {
        quote!(raw.json())
    } else {
        quote!(::std::result::Result::Ok(raw.empty()))
    };
    quote! {
        pub(crate) async fn #name(core: &super::runtime::Core, request: #request) -> ::std::result::Result<super::Response<#output>, super::Error> {
            #(#checks)*
            #path
            #[allow(unused_mut)]
            let mut http = super::runtime::Request::new(super::runtime::Method::#method, #template, path, request.options.clone());
            #(#params)*
            #body
            let raw = core.send(http).await?;
            #decode
        }
    }
}

fn range_check(param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let wire = &param.wire_name;
    let bound = |b: Option<i64>| match b {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let (minimum, maximum) = (bound(param.minimum), bound(param.maximum));
    let value = if is_argument(param) {
        quote!(::std::option::Option::Some(request.#field))
    } else {
        quote!(request.#field)
    };
    let widened = match param.ty {
        TypeRef::Integer { bits: 64, signed: true } => quote!(value),
        _ => quote!(::std::convert::From::from(value)),
    };
    quote! {
        if let ::std::option::Option::Some(value) = #value {
            super::runtime::Request::check_range(#wire, #widened, #minimum, #maximum)?;
        }
    }
}

/// Builds `path` from literal pieces and percent-encoded parameters; no
/// format string, so no spec text is ever read as one.
fn build_path(op: &Operation) -> TokenStream {
    let pieces = op.path_segments.iter().map(|segment| match segment {
        PathSegment::Literal(text) => quote!(path.push_str(#text);),
        PathSegment::Param(index) => match op.params.get(*index) {
            Some(param) => {
                let field = ident(&param.name);
                match param.ty {
                    TypeRef::String => quote!(path.push_str(&super::runtime::path_segment(&request.#field));),
                    _ => quote!(path.push_str(&super::runtime::path_segment(&request.#field.to_string()));),
                }
            }
            None => TokenStream::new(),
        },
    });
    let capacity = op.path.len() + 16;
    quote! {
        let mut path = ::std::string::String::with_capacity(#capacity);
        #(#pieces)*
    }
}

fn add_param(ctx: &Context<'_>, param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let wire = &param.wire_name;
    let add_one = |value: TokenStream, ty: &TypeRef| -> TokenStream {
        let structured = matches!(ty, TypeRef::Named(n) if !ctx.is_enum(n))
            || matches!(ty, TypeRef::Json | TypeRef::Map(_) | TypeRef::Array(_));
        match (param.location, structured) {
            (ParamLocation::Header, _) => quote!(http.header(#wire, #value);),
            (_, true) => quote!(http.query_json(#wire, #value)?;),
            (_, false) => quote!(http.query(#wire, #value);),
        }
    };
    let add = match &param.ty {
        TypeRef::Array(item) => {
            let one = add_one(quote!(item), item);
            quote!(for item in value { #one })
        }
        ty => add_one(quote!(value), ty),
    };
    if is_argument(param) {
        quote! { { let value = &request.#field; #add } }
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &request.#field { #add }
        }
    }
}
