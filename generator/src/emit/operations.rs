//! Operations → one module per tag: a method on `Client` per operation and
//! the request builder it returns.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, doc_lines, ident, rust_type};
use crate::model::{Operation, Param, ParamLocation, PathSegment, TypeRef};

pub fn emit(ctx: &Context<'_>, module: &str) -> TokenStream {
    let operations: Vec<&Operation> = ctx.api.operations.iter().filter(|o| o.module == module).collect();
    let methods = operations.iter().map(|op| client_method(op));
    let builders = operations.iter().map(|op| builder(ctx, op));
    let doc = format!(" The operations of the `{module}` module.");
    quote! {
        #![doc = #doc]
        impl super::Client {
            #(#methods)*
        }
        #(#builders)*
    }
}

fn types_path() -> TokenStream {
    quote!(super::types::)
}

/// Arguments of the client method: path parameters, required parameters,
/// and a required body; everything else is a builder setter.
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

fn success_type(op: &Operation) -> TokenStream {
    match op.success.iter().find_map(|s| s.ty.as_ref()) {
        Some(ty) => rust_type(ty, &types_path()),
        None => quote!(()),
    }
}

fn operation_doc(op: &Operation) -> TokenStream {
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
    doc_lines(text.trim_start())
}

fn client_method(op: &Operation) -> TokenStream {
    let doc = operation_doc(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let arguments = op.params.iter().filter(|p| is_argument(p));
    let arg_names: Vec<_> = arguments.clone().map(|p| ident(&p.name)).collect();
    let arg_types = arguments.clone().map(argument_type);
    let arg_values = arguments.map(argument_value);
    let optional_names = op.params.iter().filter(|p| !is_argument(p)).map(|p| ident(&p.name));
    let (body_arg, body_init) = match &op.body {
        Some(body) if body.required => {
            let ty = rust_type(&body.ty, &types_path());
            (Some(quote!(body: #ty,)), Some(quote!(body,)))
        }
        Some(_) => (None, Some(quote!(body: ::std::option::Option::None,))),
        None => (None, None),
    };
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#arg_names: #arg_types,)* #body_arg) -> #builder<'_> {
            #builder {
                client: self,
                #(#arg_names: #arg_values,)*
                #(#optional_names: ::std::option::Option::None,)*
                #body_init
            }
        }
    }
}

fn builder(ctx: &Context<'_>, op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let method_name = &op.name;
    let doc = doc_lines(&format!(
        "A `{} {}` request, made by [`Client::{method_name}`](super::Client::{method_name}): set optional parameters, then `.await` it or call [`send`](Self::send).",
        op.method.as_str(),
        op.path.replace('`', "'"),
    ));

    let fields = op.params.iter().map(|p| {
        let field = ident(&p.name);
        let ty = rust_type(&p.ty, &types_path());
        if is_argument(p) { quote!(#field: #ty,) } else { quote!(#field: ::std::option::Option<#ty>,) }
    });
    let body_field = op.body.as_ref().map(|body| {
        let ty = rust_type(&body.ty, &types_path());
        if body.required { quote!(body: #ty,) } else { quote!(body: ::std::option::Option<#ty>,) }
    });

    let setters = op.params.iter().filter(|p| !is_argument(p)).map(|p| {
        let field = ident(&p.name);
        let ty = argument_type(p);
        let value = argument_value(p);
        let doc = doc_lines(p.description.as_deref().map(str::trim).unwrap_or_default());
        quote! {
            #doc
            pub fn #field(mut self, #field: #ty) -> Self {
                self.#field = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|body| {
        let ty = rust_type(&body.ty, &types_path());
        quote! {
            /// The request body.
            pub fn body(mut self, body: #ty) -> Self {
                self.body = ::std::option::Option::Some(body);
                self
            }
        }
    });

    let path = build_path(op);
    let method = ident(op.method.as_str());
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| add_param(ctx, p));
    let body = op.body.as_ref().map(|body| {
        let content_type = &body.content_type;
        if body.required {
            quote!(request.json(#content_type, &self.body)?;)
        } else {
            quote! {
                if let ::std::option::Option::Some(body) = &self.body {
                    request.json(#content_type, body)?;
                }
            }
        }
    });
    let output = success_type(op);
    let decode = if op.success.iter().any(|s| s.ty.is_some()) { quote!(raw.json()) } else { quote!(::std::result::Result::Ok(raw.empty())) };

    quote! {
        #doc
        #[derive(::std::fmt::Debug)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name<'a> {
            client: &'a super::Client,
            #(#fields)*
            #body_field
        }

        impl<'a> #name<'a> {
            #(#setters)*
            #body_setter

            /// Sends the request and returns the decoded body.
            pub async fn send(self) -> ::std::result::Result<#output, super::Error> {
                self.send_with_response().await.map(super::Response::into_body)
            }

            /// Sends the request and returns the body with the status and headers.
            pub async fn send_with_response(self) -> ::std::result::Result<super::Response<#output>, super::Error> {
                #path
                #[allow(unused_mut)]
                let mut request = super::runtime::Request::new(super::runtime::Method::#method, path);
                #(#params)*
                #body
                let raw = self.client.core.send(request).await?;
                #decode
            }
        }

        impl<'a> ::std::future::IntoFuture for #name<'a> {
            type Output = ::std::result::Result<#output, super::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
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
                    TypeRef::String => quote!(path.push_str(&super::runtime::path_segment(&self.#field));),
                    _ => quote!(path.push_str(&super::runtime::path_segment(&self.#field.to_string()));),
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
    let adder = match param.location {
        ParamLocation::Header => quote!(header),
        _ => quote!(query),
    };
    let add_one = |value: TokenStream, ty: &TypeRef| -> TokenStream {
        let text = matches!(ty, TypeRef::Named(n) if !ctx.is_enum(n)) || matches!(ty, TypeRef::Json | TypeRef::Map(_) | TypeRef::Array(_));
        if text {
            quote!(request.#adder(#wire, ::serde_json::to_string(#value).unwrap_or_default());)
        } else {
            quote!(request.#adder(#wire, #value);)
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
        quote! { { let value = &self.#field; #add } }
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &self.#field { #add }
        }
    }
}
