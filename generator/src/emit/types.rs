//! Model types → `types.rs`: structs, open enums and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, doc_attrs, ident, rust_type};
use crate::model::{Field, TypeDef, TypeKind, Variant};

pub fn emit(ctx: &Context<'_>) -> TokenStream {
    let items = ctx.api.types.iter().map(type_def);
    quote! {
        #![doc = " The request and response types of the API."]
        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(None, def.description.as_deref(), def.example.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let fields = fields.iter().map(field);
            quote! {
                #doc
                #deprecated
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name {
                    #(#fields)*
                }
            }
        }
        TypeKind::Enum { variants, fallback } => open_enum(def, &doc, variants, fallback),
        TypeKind::Alias { target } => {
            let target = rust_type(target, &TokenStream::new());
            quote! {
                #doc
                #deprecated
                pub type #name = #target;
            }
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let doc = doc_attrs(None, field.description.as_deref(), field.example.as_deref());
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&field.name);
    let mut ty = rust_type(&field.ty, &TokenStream::new());
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let wire = &field.wire_name;
    let rename = (field.name.trim_start_matches("r#") != wire).then(|| quote!(rename = #wire,));
    let (ty, serde) = match (field.required, field.nullable) {
        (true, false) => (ty, rename.map(|r| quote!(#[serde(#r)]))),
        (true, true) => (quote!(::std::option::Option<#ty>), rename.map(|r| quote!(#[serde(#r)]))),
        (false, _) => (
            quote!(::std::option::Option<#ty>),
            Some(quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")])),
        ),
    };
    quote! {
        #doc
        #deprecated
        #serde
        pub #name: #ty,
    }
}

/// A string enum that keeps values it does not know: they deserialize into
/// the fallback variant and serialize back unchanged.
fn open_enum(def: &TypeDef, doc: &TokenStream, variants: &[Variant], fallback: &str) -> TokenStream {
    let name = ident(&def.name);
    let fallback = ident(fallback);
    let variant_idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire_name.as_str()).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{}`", w.replace('`', "'")));
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variant_idents,)*
            /// A value this client does not know yet, kept exactly as sent.
            #fallback(::std::string::String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variant_idents => #wires,)*
                    Self::#fallback(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variant_idents,)*
                    other => Self::#fallback(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#variant_idents,)*
                    _ => Self::#fallback(value),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize<'de>>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
