//! `api.rs`: the [`Api`] trait, one method per operation, implemented by
//! `Client`. Code written against the trait can be tested with any other
//! implementation.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{request_name, success_type};
use super::{Context, Part, doc_lines, ident};

/// Two parts: the trait, and `Client`'s implementation.
pub fn emit(ctx: Context<'_>) -> Vec<Part<'_>> {
    vec![Box::new(move || declaration(ctx)), Box::new(move || implementation(ctx))]
}

fn signature(op: &crate::model::Operation) -> TokenStream {
    let name = ident(&op.name);
    let module = ident(&op.module);
    let request = request_name(op);
    let output = success_type(op, &quote!(super::#module::));
    quote! {
        fn #name(&self, request: super::#module::#request)
            -> impl ::std::future::Future<Output = ::std::result::Result<super::Response<#output>, super::Error>> + ::std::marker::Send
    }
}

/// The signature of the method that makes an operation's streaming call.
fn stream_signature(op: &crate::model::Operation) -> Option<TokenStream> {
    let events = op.events.as_ref()?;
    let name = ident(&events.method);
    let module = ident(&op.module);
    let request = request_name(op);
    let event = super::rust_type(&events.ty, &quote!(super::types::));
    Some(quote! {
        fn #name(&self, request: super::#module::#request)
            -> impl ::std::future::Future<Output = ::std::result::Result<super::runtime::EventStream<#event>, super::Error>> + ::std::marker::Send
    })
}

fn implementation(ctx: Context<'_>) -> TokenStream {
    let operations = &ctx.api.operations;
    let signatures = operations.iter().map(signature);
    let bodies = operations.iter().map(|op| {
        let name = ident(&op.name);
        let module = ident(&op.module);
        quote!({ super::#module::#name(&self.core, request) })
    });
    let streams = operations.iter().filter_map(|op| {
        let signature = stream_signature(op)?;
        let name = ident(&op.events.as_ref()?.method);
        let module = ident(&op.module);
        Some(quote!(#signature { super::#module::#name(&self.core, request) }))
    });
    quote! {
        impl Api for super::Client {
            #(#signatures #bodies)*
            #(#streams)*
        }
    }
}

fn declaration(ctx: Context<'_>) -> TokenStream {
    let operations = &ctx.api.operations;
    let signatures = operations.iter().map(signature);
    let docs = operations.iter().map(|op| {
        let summary = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&op.path);
        doc_lines(&format!("{summary}\n\n`{} {}`", op.method.as_str(), op.path.replace('`', "'")))
    });
    // The runtime's `NotImplemented` rather than `std::future::ready`: it is
    // `Send` whatever its output, while `Ready<T>` is `Send` only when the
    // response type is, a proof that the recursive types of large specs
    // (Stripe's) take past rustc's recursion limit.
    let defaults = operations.iter().map(|op| {
        let method = op.name.trim_start_matches("r#");
        quote!({ super::runtime::not_implemented(self, #method, request) })
    });
    let streams = operations.iter().filter_map(|op| {
        let signature = stream_signature(op)?;
        let method = op.events.as_ref()?.method.clone();
        let doc = doc_lines(&format!("`{}`, read as a stream of server-sent events.", op.name.trim_start_matches("r#")));
        Some(quote!(#doc #signature { super::runtime::not_implemented(self, #method, request) }))
    });
    quote! {
        #![doc = " The API as a trait, so that code using it can be tested without a server."]
        #![allow(deprecated)]

        /// Every operation of the API. [`Client`](super::Client) implements it
        /// over HTTP; implement it yourself to stand in for the API in tests.
        ///
        /// Each method takes the operation's request struct and returns the
        /// full response. The request builders (`client.list_…(…)`) work with
        /// any implementation through their `new` function.
        ///
        /// Every method has a default body that returns
        /// [`Error::InvalidRequest`](super::Error::InvalidRequest) naming the
        /// method and the implementing type, so an implementation writes only
        /// the methods its tests call, and an operation the API adds later
        /// breaks no implementation. `Client` implements all of them.
        pub trait Api: ::std::marker::Send + ::std::marker::Sync {
            #(#docs #signatures #defaults)*
            #(#streams)*
        }
    }
}
