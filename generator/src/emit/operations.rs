//! Operations → one module per tag. For each operation: the request struct
//! (its parameters as plain data), the request builder the client method
//! returns, and the function that sends it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::FieldShape as Shape;
use super::{Context, Part, doc_lines, ident, rust_type};
use crate::model::{
    Encoding, Operation, PageStyle, Pagination, Param, ParamLocation, ParamStyle, PartEncoding, PathSegment, RequestBody, TypeDef, TypeKind, TypeRef, UnionVariant,
};

/// The module's attributes and the client methods, then one part per
/// operation.
pub fn emit<'a>(ctx: Context<'a>, module: &str) -> Vec<Part<'a>> {
    let operations: Vec<&'a Operation> = ctx.api.operations.iter().filter(|o| o.module == module).collect();
    let doc = format!(" The operations of the `{module}` module.");
    let methods = operations.clone();
    let header: Part<'a> = Box::new(move || {
        let methods = methods.into_iter().map(|op| client_method(&ctx, op));
        quote! {
            #![doc = #doc]
            #![allow(deprecated)]
            impl super::Client {
                #(#methods)*
            }
        }
    });
    let items = operations.into_iter().map(move |op| -> Part<'a> { Box::new(move || operation_items(&ctx, op)) });
    std::iter::once(header).chain(items).collect()
}

/// Everything of one operation but its client method.
fn operation_items(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let request = request_struct(op);
    let builder = builder(op);
    let send = send_fn(ctx, op);
    let response = response_enum(op);
    quote!(#request #response #builder #send)
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

/// What a call returns: the one body type of its success responses, `()`
/// when none has a body, or an enum over the statuses when they differ.
/// `module` is the path to the operation's module from where the type is named.
pub fn success_type(op: &Operation, module: &TokenStream) -> TokenStream {
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        return quote!(#module #name);
    }
    match op.success_type() {
        Some(ty) => rust_type(ty, &types_path()),
        None => quote!(()),
    }
}

/// The enum of a call whose success responses differ.
fn response_enum(op: &Operation) -> TokenStream {
    let Some(name) = &op.response_enum else {
        return TokenStream::new();
    };
    let name = ident(name);
    let doc = doc_lines(&format!(
        "The successful answers of `{} {}`, by status.\n\n\
         `#[non_exhaustive]`: a status the spec documents later gets a variant of its own (until then it \
         arrives as `Other`), so a `match` needs a `_` arm.",
        op.method.as_str(),
        op.path.replace('`', "'")
    ));
    let variants = op.success.iter().map(|s| {
        let variant = ident(&s.variant);
        let doc = doc_lines(&format!("`{}`: {}", s.status, s.description.trim().replace('\n', " ")));
        match &s.ty {
            Some(ty) => {
                let ty = rust_type(ty, &types_path());
                quote!(#doc #variant(#ty),)
            }
            None => quote!(#doc #variant,),
        }
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A success status the spec does not document, as received.
            Other(super::runtime::RawResponse),
        }
    }
}

/// Decodes `raw` into the call's output.
fn decode(op: &Operation) -> TokenStream {
    let decode_one = |ty: Option<&TypeRef>, encoding: Encoding| match (ty, encoding) {
        (None, _) => quote!(::std::result::Result::Ok(raw.empty())),
        (Some(_), Encoding::Text) => quote!(raw.text()),
        (Some(_), Encoding::Binary) => quote!(::std::result::Result::Ok(raw.bytes())),
        (Some(_), _) => quote!(raw.json()),
    };
    let Some(name) = &op.response_enum else {
        let first = op.success.iter().find(|s| s.ty.is_some());
        return decode_one(first.and_then(|s| s.ty.as_ref()), first.map_or(Encoding::Json, |s| s.encoding));
    };
    let name = ident(name);
    let arms = op.success.iter().map(|s| {
        let status = s.status;
        let variant = ident(&s.variant);
        let decoded = decode_one(s.ty.as_ref(), s.encoding);
        let wrap = if s.ty.is_some() { quote!(#name::#variant) } else { quote!(|()| #name::#variant) };
        quote!(#status => #decoded.map(|response| response.map(#wrap)),)
    });
    quote! {
        match raw.status().as_u16() {
            #(#arms)*
            _ => ::std::result::Result::Ok(super::Response {
                status: raw.status(),
                headers: raw.headers().clone(),
                body: #name::Other(raw),
            }),
        }
    }
}

pub fn request_name(op: &Operation) -> proc_macro2::Ident {
    ident(&op.request_struct)
}

fn operation_doc(ctx: &Context<'_>, op: &Operation) -> String {
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
    if !op.constant_query.is_empty() {
        let pairs: Vec<String> = op.constant_query.iter().map(|c| format!("`{}={}`", c.name.replace('`', "'"), c.value.replace('`', "'"))).collect();
        text.push_str(&format!("; always sends {} in the query string.", pairs.join(", ")));
    }
    text.push_str(&provenance_doc(op));
    text.push_str(&credentials_doc(ctx, op));
    if let Some(key) = &op.idempotency_key {
        let setter = key.param.trim_start_matches("r#");
        let retried = match op.method {
            crate::model::Method::Post | crate::model::Method::Patch => {
                ", which is therefore retried like an idempotent one (on 408, 429, 5xx and timeouts)"
            }
            _ => "",
        };
        text.push_str(&format!(
            "\n\nSends an `{}` header: the key set with `.{setter}(…)`, else a fresh UUID v4 for each call, the same \
             on every retry of the call{retried}.",
            key.wire_name.replace('`', "'")
        ));
    }
    if !op.errors.is_empty() {
        text.push_str("\n\n# Errors\n\n[`Error::Api`](super::Error::Api) with the documented statuses:\n");
        for error in &op.errors {
            text.push_str(&format!("\n- `{}`: {}", error.status, error.description.trim().replace('\n', " ")));
        }
    }
    text.trim_start().to_owned()
}

/// The credentials the operation sends, in the client builder's setter
/// names, as a paragraph (empty when it sends none).
fn credentials_doc(ctx: &Context<'_>, op: &Operation) -> String {
    let Some(alternatives) = &op.security else { return String::new() };
    let setter = |key: &String| ctx.api.security_schemes.iter().find(|s| s.key == *key).map(|s| format!("[`{0}`](super::ClientBuilder::{0})", s.setter));
    let described: Vec<String> =
        alternatives.iter().filter(|a| !a.is_empty()).map(|a| a.iter().filter_map(setter).collect::<Vec<_>>().join(" and ")).collect();
    match (alternatives.iter().any(Vec::is_empty), described.is_empty()) {
        (_, true) => String::new(),
        (true, false) => format!("\n\nSends the credentials of {} when the client holds them, else none.", described.join(" or ")),
        (false, false) => format!(
            "\n\nSends the credentials of {}; without them the call fails with [`Error::InvalidRequest`](super::Error::InvalidRequest) before anything is sent.",
            described.join(" or ")
        ),
    }
}

/// Which version of the API the operation's definition is from, and the
/// header values it sends because of that, as a paragraph (empty when the
/// spec files have no version labels and fix no header).
pub fn provenance_doc(op: &Operation) -> String {
    let sends: Vec<String> = op.client_header_values.iter().map(|h| format!("`{}: {}`", h.wire_name, h.value.replace('`', "'"))).collect();
    let sends = match sends.as_slice() {
        [] => String::new(),
        [one] => format!("sends {one} unless the client sets another"),
        many => format!("sends {} unless the client sets others", many.join(", ")),
    };
    match (&op.version, sends.is_empty()) {
        (Some(version), true) => format!("\n\nDefined by API version `{}`.", version.replace('`', "'")),
        (Some(version), false) => format!("\n\nDefined by API version `{}`; {sends}.", version.replace('`', "'")),
        (None, false) => format!("\n\nS{}.", sends.get(1..).unwrap_or_default()),
        (None, true) => String::new(),
    }
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
    let method_name = op.name.trim_start_matches("r#");
    let builder = &op.builder;
    let doc = doc_lines(&format!(
        "The parameters of `{} {}`, as [`Api::{method_name}`](super::Api::{method_name}) takes them.\n\n\
         The call's builder makes it: [`{builder}::new`], its setters, then \
         [`into_request`](super::runtime::Call::into_request). It is `#[non_exhaustive]`, so that a parameter \
         the API adds later breaks no code: read its fields, or match it with `..`.",
        op.method.as_str(),
        op.path.replace('`', "'"),
    ));
    let fields = request_fields(op).into_iter().map(|(field, ty, description)| {
        let doc = doc_lines(description.as_deref().map(str::trim).unwrap_or_default());
        quote!(#doc pub #field: #ty,)
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
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
            declared.push(quote!(#name: #ty));
            let value = argument_value(param);
            // Shorthand where the argument goes in as it is (clippy's
            // redundant_field_names).
            inits.push(if name == value.to_string() { quote!(#name) } else { quote!(#name: #value) });
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

fn client_method(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let doc = doc_lines(&operation_doc(ctx, op));
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
        "A `{} {}` call, made by [`Client::{method_name}`](super::Client::{method_name}) (or `new` with any [`Api`](super::Api)): set optional parameters, then `.await` it or call [`send`](super::runtime::Call::send).",
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
    let output = success_type(op, &TokenStream::new());
    let operation = ident(&op.name);
    let stream = op.pagination.as_ref().map(|pagination| paged_calls(op, pagination, &request, &output));

    let events = op.events.as_ref().map(stream_call);
    quote! {
        #doc
        pub type #name<'a, A = super::Client> = super::runtime::Call<'a, A, #request>;

        impl<'a, A: super::Api> #name<'a, A> {
            /// Starts the call with its required inputs.
            pub fn new(api: &'a A, #(#declared),*) -> Self {
                Self::from_request(api, #request { #(#inits,)* options: ::std::default::Default::default() })
            }

            #(#setters)*
            #body_setter
            #stream
            #events
        }

        impl<A: super::Api> super::runtime::Operation<A> for #request {
            type Output = #output;

            fn options(&mut self) -> &mut super::RequestOptions {
                &mut self.options
            }

            fn call(self, api: &A) -> impl ::std::future::Future<Output = ::std::result::Result<super::Response<#output>, super::Error>> + ::std::marker::Send + '_ {
                api.#operation(self)
            }
        }
    }
}

/// The builder's `pages` and `items`: the list's pages, and their items,
/// as streams that ask for each next page the way `pagination` says.
fn paged_calls(op: &Operation, pagination: &Pagination, request: &proc_macro2::Ident, page: &TokenStream) -> TokenStream {
    let item = rust_type(&pagination.item_type, &types_path());
    let operation = ident(&op.name);
    let wire = |param: &str| op.params.iter().find(|p| p.name == param).map_or(param.to_owned(), |p| p.wire_name.clone()).replace('`', "'");
    // The page's items: by reference (for counting and the last item), and taken out.
    let (last, count, split) = match (&pagination.items_field, pagination.items_optional) {
        (None, _) => (quote!(page.last()?), quote!(page.len()), quote!(page)),
        (Some(field), false) => {
            let field = ident(field);
            (quote!(page.#field.last()?), quote!(page.#field.len()), quote!(page.#field))
        }
        (Some(field), true) => {
            let field = ident(field);
            (quote!(page.#field.as_ref()?.last()?), quote!(page.#field.as_ref().map_or(0, ::std::vec::Vec::len)), quote!(page.#field.unwrap_or_default()))
        }
    };
    let (position, advance, how) = match &pagination.style {
        PageStyle::Cursor { param, next } => {
            let field = ident(param);
            let next = match field_steps(quote!(page), next) {
                (steps, true) => quote!(#steps?),
                (steps, false) => quote!(&#steps),
            };
            (
                quote!(request.#field.clone()),
                quote! {
                    let next = #next;
                    if next.is_empty() {
                        return ::std::option::Option::None;
                    }
                    request.#field = ::std::option::Option::Some(::std::clone::Clone::clone(next));
                    ::std::option::Option::Some(request)
                },
                format!("each next request carries the cursor the page before names, in `{}`, until a page names none", wire(param)),
            )
        }
        PageStyle::LastItem { param, has_more, id: (id, id_optional) } => {
            let field = ident(param);
            let no_more = match field_steps(quote!(page), has_more) {
                (steps, true) => quote!(#steps != ::std::option::Option::Some(&true)),
                (steps, false) => quote!(!#steps),
            };
            let id = ident(id);
            let id = if *id_optional { quote!(last.#id.as_ref()?) } else { quote!(&last.#id) };
            (
                quote!(request.#field.clone()),
                quote! {
                    if #no_more {
                        return ::std::option::Option::None;
                    }
                    let last = #last;
                    request.#field = ::std::option::Option::Some(::std::clone::Clone::clone(#id));
                    ::std::option::Option::Some(request)
                },
                format!("while a page says more follow, each next request carries the last item's id in `{}`", wire(param)),
            )
        }
        PageStyle::Page { param, first } => {
            let field = ident(param);
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            (
                quote!(request.#field.map(|page| page.to_string())),
                quote! {
                    if #count == 0 {
                        return ::std::option::Option::None;
                    }
                    request.#field = ::std::option::Option::Some(request.#field.unwrap_or(#first).saturating_add(1));
                    ::std::option::Option::Some(request)
                },
                format!("each next request asks for the next page number in `{}`, until a page has no items", wire(param)),
            )
        }
        PageStyle::Link => (
            quote!(request.options.page_url.clone()),
            quote! {
                request.options.page_url = ::std::option::Option::Some(super::runtime::next_link(headers)?);
                ::std::option::Option::Some(request)
            },
            "each next request fetches the URL of the answer's `Link: <…>; rel=\"next\"` header (same origin only), until an answer has none".to_owned(),
        ),
    };
    // The Link style reads only the headers, every other only the page.
    let (page_arg, headers) = if matches!(pagination.style, PageStyle::Link) { (quote!(_page), quote!(headers)) } else { (quote!(page), quote!(_headers)) };
    let pager = quote! {
        super::runtime::Pager {
            position: |request: &#request| #position,
            advance: |mut request: #request, #page_arg: &#page, #headers: &super::runtime::HeaderMap| -> ::std::option::Option<#request> {
                #advance
            },
            count: |page: &#page| #count,
        }
    };
    let guard = "A position the server repeats (the starting one included) ends the stream with \
        [`Error::InvalidResponse`](super::Error::InvalidResponse), and so do more empty pages in a row than \
        [`max_empty_pages`](super::runtime::Call::max_empty_pages) allows; any other error ends it after the pages before.";
    let pages_doc = doc_lines(&format!("Every page of the list, fetched as the stream is read: {how}.\n\n{guard}"));
    let items_doc = doc_lines(&format!("Every item of every page, fetched page by page as the stream is read: {how}.\n\n{guard}"));
    quote! {
        /// How the list steps from page to page.
        fn pager() -> super::runtime::Pager<#request, #page> {
            #pager
        }

        #pages_doc
        pub fn pages(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#page, super::Error>> + ::std::marker::Send + 'a {
            let api = self.api;
            super::runtime::pages(self, move |request| api.#operation(request), Self::pager())
        }

        #items_doc
        pub fn items(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#item, super::Error>> + ::std::marker::Send + 'a {
            let api = self.api;
            super::runtime::items(self, move |request| api.#operation(request), Self::pager(), |page: #page| #split)
        }
    }
}

/// `page.a.b`: the field itself when no step is optional, else an `Option`
/// of a reference to it, stepping through optional fields with `and_then`;
/// says which.
fn field_steps(start: TokenStream, steps: &[(String, bool)]) -> (TokenStream, bool) {
    let mut expr = start;
    let mut in_option = false;
    for (step, optional) in steps {
        let step = ident(step);
        expr = match (in_option, optional) {
            (false, false) => quote!(#expr.#step),
            (false, true) => quote!(#expr.#step.as_ref()),
            (true, false) => quote!(#expr.map(|value| &value.#step)),
            (true, true) => quote!(#expr.and_then(|value| value.#step.as_ref())),
        };
        in_option |= *optional;
    }
    (expr, in_option)
}

/// The builder's `send_stream`: the call read as server-sent events, with
/// the body's flag set when the operation answers JSON without it.
fn stream_call(events: &crate::model::EventStream) -> TokenStream {
    let method = ident(&events.method);
    let event = rust_type(&events.ty, &types_path());
    let (flag, flag_doc) = match &events.flag {
        Some(flag) => {
            let field = ident(&flag.field);
            let value = match flag.shape {
                Shape::Plain => quote!(true),
                Shape::Nullable | Shape::Optional => quote!(::std::option::Option::Some(true)),
                Shape::Update => quote!(super::runtime::Update::Set(true)),
            };
            let doc = doc_lines(&format!("Sets the body's `{}` to `true`, which asks the server for the stream.", flag.field));
            (quote!(request.body.#field = #value;), quote!(#[doc = ""] #doc))
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let request = if events.flag.is_some() { quote!(let mut request = self.request;) } else { quote!(let request = self.request;) };
    quote! {
        /// Sends the request and reads the answer as it arrives: a stream of
        /// server-sent events, each one's data decoded. Retries, the attempt
        /// timeout and the total timeout apply until the stream starts; then
        /// each wait for more is limited by the idle timeout
        /// ([`Timeouts::idle`](super::Timeouts::idle)). The stream ends at the
        /// end of the body or at a `[DONE]` event, and dropping it closes the
        /// connection.
        #flag_doc
        pub async fn send_stream(self) -> ::std::result::Result<super::runtime::EventStream<#event>, super::Error> {
            #request
            #flag
            self.api.#method(request).await
        }
    }
}

/// `async fn <operation>(core, request)`: builds the HTTP request from the
/// request struct and sends it. `Client`'s [`Api`] implementation calls it.
/// With it, for an operation that can answer with server-sent events,
/// `async fn <operation>_stream(core, request)`, which reads them.
fn send_fn(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let request = request_name(op);
    let output = success_type(op, &TokenStream::new());
    let accept = op.accept.as_ref().map(|accept| quote!(http.default_header("accept", #accept);));
    let redirects: Vec<u16> = op.success.iter().map(|s| s.status).filter(|status| !(200..300).contains(status)).collect();
    let answers = (!redirects.is_empty()).then(|| quote!(http.answers(&[#(#redirects),*]);));
    let build = build_request(ctx, op);
    let decode = decode(op);
    let plain = quote! {
        pub(crate) async fn #name(core: &super::runtime::Core, request: #request) -> ::std::result::Result<super::Response<#output>, super::Error> {
            #build
            #accept
            #answers
            let raw = core.send(http).await?;
            #decode
        }
    };
    let Some(events) = &op.events else { return plain };
    let stream = ident(&events.method);
    let event = rust_type(&events.ty, &types_path());
    quote! {
        #plain

        pub(crate) async fn #stream(core: &super::runtime::Core, request: #request) -> ::std::result::Result<super::runtime::EventStream<#event>, super::Error> {
            #build
            http.default_header("accept", "text/event-stream");
            core.send_stream(http).await
        }
    }
}

/// The statements that build the HTTP request `http` of a call from its
/// request struct `request`.
fn build_request(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let path = build_path(op);
    let method = ident(op.method.as_str());
    let template = op.path_template();
    let constant_query = op.constant_query.iter().map(|constant| {
        let (name, value) = (&constant.name, &constant.value);
        quote!(http.query(#name, #value);)
    });
    let checks = op.params.iter().filter(|p| p.minimum.is_some() || p.maximum.is_some()).map(range_check);
    let key_param = op.idempotency_key.as_ref().map(|key| key.param.as_str());
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path && Some(p.name.as_str()) != key_param).map(add_param);
    let idempotency_key = op.idempotency_key.as_ref().map(|key| {
        let wire = &key.wire_name;
        let field = ident(&key.param);
        quote!(http.idempotency_key(#wire, request.#field.as_deref());)
    });
    let body = op.body.as_ref().map(|body| {
        let content_type = &body.content_type;
        let send = |value: TokenStream| match body.encoding {
            Encoding::Json => quote!(http.json(#content_type, #value)?;),
            Encoding::Form => quote!(http.form(#content_type, #value)?;),
            Encoding::Multipart => match body_struct(ctx, &body.ty) {
                Some(def) => multipart_parts(ctx, body, def, &value),
                None => quote!(http.multipart(#value)?;),
            },
            Encoding::Text | Encoding::Binary => quote!(http.raw_body(#content_type, ::std::clone::Clone::clone(#value));),
        };
        if body.required {
            send(quote!(&request.body))
        } else {
            let send = send(quote!(body));
            quote! {
                if let ::std::option::Option::Some(body) = &request.body {
                    #send
                }
            }
        }
    });
    let fixed_headers = op.client_header_values.iter().map(|h| {
        let (wire, value) = (&h.wire_name, &h.value);
        quote!(http.default_header(#wire, #value);)
    });
    let security = op.security.as_ref().map(|alternatives| {
        let alternatives = alternatives.iter().map(|keys| {
            let schemes = keys.iter().filter_map(|key| ctx.api.security_schemes.iter().find(|s| s.key == *key)).map(|s| ident(&s.constant));
            quote!(&[#(super::client::#schemes),*])
        });
        quote!(http.security(&[#(#alternatives),*]);)
    });
    quote! {
        #(#checks)*
        #path
        #[allow(unused_mut)]
        let mut http = super::runtime::Request::new(super::runtime::Method::#method, #template, path, request.options.clone());
        #(#constant_query)*
        #(#params)*
        #idempotency_key
        #(#fixed_headers)*
        #security
        #body
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
                let wire = &param.wire_name;
                match param.ty {
                    TypeRef::String => quote!(path.push_str(&super::runtime::path_segment(&request.#field));),
                    _ if is_text(&param.ty) => quote!(path.push_str(&super::runtime::path_segment(&request.#field.to_string()));),
                    _ => quote!(path.push_str(&super::runtime::path_segment(&super::runtime::param_text(#wire, &request.#field)?));),
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

/// Types whose `Display` is their parameter text.
fn is_text(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Integer { .. } | TypeRef::Float { .. } | TypeRef::Boolean | TypeRef::Decimal | TypeRef::Date)
}

fn add_param(param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let wire = &param.wire_name;
    let style = runtime_style(param.style);
    let add = match (param.location, is_text(&param.ty)) {
        (ParamLocation::Header, true) => quote!(http.header(#wire, value);),
        (ParamLocation::Header, false) => quote!(http.header_value(#wire, value)?;),
        (ParamLocation::Cookie, _) => quote!(http.cookie(#wire, value)?;),
        (_, true) => quote!(http.query(#wire, value);),
        (_, false) => quote!(http.query_value(#wire, value, #style)?;),
    };
    if is_argument(param) {
        quote! { { let value = &request.#field; #add } }
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &request.#field { #add }
        }
    }
}

/// The runtime's `Style` for a model style.
fn runtime_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form { explode } => quote!(super::runtime::Style::Form { explode: #explode }),
        ParamStyle::SpaceDelimited => quote!(super::runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(super::runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(super::runtime::Style::DeepObject),
        ParamStyle::Simple => quote!(super::runtime::Style::Form { explode: false }),
    }
}

/// A type of the API by Rust name.
fn find_type<'a>(ctx: &Context<'a>, name: &str) -> Option<&'a TypeDef> {
    let types = &ctx.api.types;
    types.binary_search_by(|t| t.name.as_str().cmp(name)).ok().and_then(|index| types.get(index))
}

/// `ty` with aliases looked through.
fn resolved<'a>(ctx: &Context<'a>, ty: &'a TypeRef) -> &'a TypeRef {
    let mut current = ty;
    // A chain longer than the list of types must loop.
    for _ in 0..=ctx.api.types.len() {
        let TypeRef::Named(name) = current else { break };
        match find_type(ctx, name).map(|def| &def.kind) {
            Some(TypeKind::Alias { target }) => current = target,
            _ => break,
        }
    }
    current
}

/// The struct a multipart body is, if it is one.
fn body_struct<'a>(ctx: &Context<'a>, ty: &'a TypeRef) -> Option<&'a TypeDef> {
    let TypeRef::Named(name) = resolved(ctx, ty) else { return None };
    find_type(ctx, name).filter(|def| matches!(def.kind, TypeKind::Struct { .. }))
}

/// How a property of a multipart body travels.
enum PartKind<'a> {
    /// Text parts: the value as OpenAPI's defaults or the encoding's style
    /// write it.
    Text,
    /// A file part.
    File,
    /// A file part per item.
    Files,
    /// A union some of whose variants are files.
    Union { name: &'a str, variants: &'a [UnionVariant], open: bool, depth: usize },
}

/// Unions of unions of files are opened this deep; deeper ones, which only
/// a union that contains itself has, travel as text.
const UNION_DEPTH: usize = 8;

fn part_kind<'a>(ctx: &Context<'a>, ty: &'a TypeRef, depth: usize) -> PartKind<'a> {
    match resolved(ctx, ty) {
        TypeRef::Bytes => PartKind::File,
        TypeRef::Array(item) if *resolved(ctx, item) == TypeRef::Bytes => PartKind::Files,
        TypeRef::Named(name) if depth < UNION_DEPTH => match find_type(ctx, name).map(|def| &def.kind) {
            Some(TypeKind::Union { variants, discriminator, .. })
                if variants.iter().any(|v| !matches!(part_kind(ctx, &v.ty, depth + 1), PartKind::Text)) =>
            {
                PartKind::Union { name, variants, open: discriminator.is_some(), depth }
            }
            _ => PartKind::Text,
        },
        _ => PartKind::Text,
    }
}

/// Sends `value` (an expression of type `&T`) as the part(s) named `name`
/// (an expression of type `&str`), written as `encoding` says.
fn add_part(ctx: &Context<'_>, kind: &PartKind<'_>, name: &TokenStream, encoding: Option<&PartEncoding>, value: &TokenStream) -> TokenStream {
    let content_type = match encoding.and_then(|e| e.content_type.as_deref()) {
        Some(content_type) => quote!(::std::option::Option::Some(#content_type)),
        None => quote!(::std::option::Option::None),
    };
    let text = match encoding.and_then(|e| e.style) {
        Some(style) => {
            let style = runtime_style(style);
            quote!(form.styled(#name, #style, #value)?;)
        }
        None => quote!(form.text(#name, #content_type, #value)?;),
    };
    match kind {
        PartKind::Text => text,
        PartKind::File => quote!(form.file(#name, #content_type, #value);),
        PartKind::Files => quote! {
            for item in #value {
                form.file(#name, #content_type, item);
            }
        },
        PartKind::Union { name: union_name, variants, open, depth } => {
            let union = ident(union_name);
            let arms = variants.iter().map(|variant| {
                let variant_name = ident(&variant.name);
                let kind = part_kind(ctx, &variant.ty, depth + 1);
                let add = add_part(ctx, &kind, name, encoding, &quote!(variant));
                quote!(super::types::#union::#variant_name(variant) => { #add })
            });
            // Unions with a discriminator keep unknown variants as JSON.
            let fallback = open.then(|| {
                let add = add_part(ctx, &PartKind::Text, name, encoding, &quote!(other));
                quote!(other => { #add })
            });
            quote! {
                match #value {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

/// A multipart body from the struct `def`: the parts of every property,
/// files as file parts and anything else as text, written as the spec's
/// `encoding` says.
fn multipart_parts(ctx: &Context<'_>, body: &RequestBody, def: &TypeDef, value: &TokenStream) -> TokenStream {
    let TypeKind::Struct { fields, additional, flattened } = &def.kind else {
        return quote!(http.multipart(#value)?;);
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let kind = part_kind(ctx, &field.ty, 0);
        let wire = &field.wire_name;
        let wire = quote!(#wire);
        let encoding = body.part_encodings.get(&field.wire_name);
        match field.shape {
            Shape::Plain => add_part(ctx, &kind, &wire, encoding, &quote!(&source.#name)),
            Shape::Nullable | Shape::Optional => {
                let add = add_part(ctx, &kind, &wire, encoding, &quote!(value));
                quote!(if let ::std::option::Option::Some(value) = &source.#name { #add })
            }
            Shape::Update => {
                let add = add_part(ctx, &kind, &wire, encoding, &quote!(value));
                quote!(if let super::runtime::Update::Set(value) = &source.#name { #add })
            }
        }
    });
    let unions = flattened.iter().map(|union| {
        let name = ident(&union.name);
        quote!(form.entries(&source.#name)?;)
    });
    let additional = additional.as_ref().map(|additional| {
        let name = ident(&additional.name);
        match part_kind(ctx, &additional.ty, 0) {
            PartKind::Text => quote!(form.entries(&source.#name)?;),
            // Undeclared properties that hold files: a file part per entry.
            kind => {
                let add = add_part(ctx, &kind, &quote!(key), None, &quote!(value));
                quote! {
                    for (key, value) in &source.#name {
                        #add
                    }
                }
            }
        }
    });
    quote! {
        let source = #value;
        http.multipart_parts(|form| {
            #(#parts)*
            #(#unions)*
            #additional
            ::std::result::Result::Ok(())
        })?;
    }
}
