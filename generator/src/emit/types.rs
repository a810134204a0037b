//! Model types → `types.rs`: structs, open enums and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, Part, doc_attrs, doc_lines, ident, inner_doc, rust_type};
use crate::model::{Field, Flattened, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use crate::model::FieldShape as Shape;
use crate::naming::NON_EXHAUSTIVE_FIELD;

/// The module's attributes, then one part per type.
pub fn emit(ctx: Context<'_>) -> Vec<Part<'_>> {
    let header: Part<'_> = Box::new(header);
    let types = ctx.api.types.iter().map(|def| -> Part<'_> { Box::new(move || type_def(def)) });
    std::iter::once(header).chain(types).collect()
}

fn header() -> TokenStream {
    let doc = inner_doc(
        "The request and response types of the API.\n\n\
         Every struct has a hidden last field, so that a field the API adds later breaks no code. \
         Build a struct with `new`, which takes the required fields (request bodies also have a setter \
         per optional field), or write a literal that ends in `..Type::new(…)`: \
         `Type { optional_field: Some(value), ..Type::new(required_field) }`.\n\n\
         Enums of values and of types are `#[non_exhaustive]`: a `match` on one needs a `_` arm, \
         so that a value or variant the API adds later breaks no code either.",
    );
    quote! {
        #doc
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::new_without_default, deprecated)]
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(None, def.description.as_deref(), def.example.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional, flattened } => {
            let field_tokens = fields.iter().map(field);
            let additional_field = additional.as_ref().map(|additional| {
                let name = ident(&additional.name);
                let value = value_rust_type(&additional.ty);
                quote! {
                    /// Properties beyond the declared ones.
                    #[serde(flatten)]
                    pub #name: ::std::collections::BTreeMap<::std::string::String, #value>,
                }
            });
            let flattened_fields = flattened.iter().map(|union| {
                let name = ident(&union.name);
                let ty = flattened_type(union);
                quote! {
                    /// The rest of the object, one of the kinds the union allows; on the
                    /// wire its properties stand beside the fields above.
                    #[serde(flatten)]
                    pub #name: #ty,
                }
            });
            let additional = additional.as_ref().map(|a| a.name.as_str());
            let constructor = constructor(def, fields, flattened, additional);
            let debug = debug_impl(def, fields, flattened, additional);
            let marker = ident(NON_EXHAUSTIVE_FIELD);
            quote! {
                #doc
                #deprecated
                #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name {
                    #(#field_tokens)*
                    #(#flattened_fields)*
                    #additional_field
                    #[doc(hidden)]
                    #[serde(skip)]
                    pub #marker: super::runtime::NonExhaustive,
                }
                #constructor
                #debug
            }
        }
        TypeKind::Union { variants, discriminator, fallback } => union(def, &doc, variants, discriminator.as_deref().zip(fallback.as_deref())),
        TypeKind::Enum { variants, fallback } => open_enum(def, &doc, variants, fallback),
        TypeKind::Alias { target } => {
            let target = value_rust_type(target);
            quote! {
                #doc
                #deprecated
                pub type #name = #target;
            }
        }
    }
}

/// The Rust type of a value inside a type: as `rust_type`, except that raw
/// bytes (a file part of a multipart body) are a `File`, which carries its
/// own file name and content type.
fn value_rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bytes => quote!(super::runtime::File),
        TypeRef::Array(item) => {
            let item = value_rust_type(item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = value_rust_type(value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        TypeRef::Nullable(inner) => {
            let inner = value_rust_type(inner);
            quote!(::std::option::Option<#inner>)
        }
        other => rust_type(other, &TokenStream::new()),
    }
}

fn flattened_type(union: &Flattened) -> TokenStream {
    let ty = value_rust_type(&union.ty);
    if union.boxed { quote!(::std::boxed::Box<#ty>) } else { ty }
}

/// The value type of a field, boxed where the type contains itself.
fn value_type(field: &Field) -> TokenStream {
    let ty = value_rust_type(&field.ty);
    if field.boxed { quote!(::std::boxed::Box<#ty>) } else { ty }
}

fn declared_type(field: &Field, shape: Shape) -> TokenStream {
    let ty = value_type(field);
    match shape {
        Shape::Plain => ty,
        Shape::Nullable | Shape::Optional => quote!(::std::option::Option<#ty>),
        Shape::Update => quote!(super::runtime::Update<#ty>),
    }
}

fn field(field: &Field) -> TokenStream {
    let mut description = field.description.clone();
    if let Some(default) = &field.default {
        let line = format!("Defaults to `{}` when not sent.", default.replace('`', "'"));
        description = Some(match description {
            Some(d) => format!("{d}\n\n{line}"),
            None => line,
        });
    }
    let doc = doc_attrs(None, description.as_deref(), field.example.as_deref());
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&field.name);
    let shape = field.shape;
    let ty = declared_type(field, shape);

    let mut serde = Vec::new();
    let wire = &field.wire_name;
    if field.name.trim_start_matches("r#") != wire {
        serde.push(quote!(rename = #wire));
    }
    match shape {
        Shape::Plain | Shape::Nullable => {}
        Shape::Optional => serde.push(quote!(default, skip_serializing_if = "::std::option::Option::is_none")),
        Shape::Update => serde.push(quote!(default, skip_serializing_if = "super::runtime::Update::is_unchanged")),
    }
    // Decimals and timestamps travel as strings, through the runtime's codec.
    if matches!(field.ty, TypeRef::Decimal | TypeRef::DateTime) && !field.boxed {
        let codec = match shape {
            Shape::Plain => "super::runtime::codec::as_string",
            Shape::Nullable | Shape::Optional => "super::runtime::codec::as_string_option",
            Shape::Update => "super::runtime::codec::as_string_update",
        };
        serde.push(quote!(with = #codec));
    }
    let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    quote! {
        #doc
        #deprecated
        #serde
        pub #name: #ty,
    }
}

/// `Debug` as derived, but without the hidden marker field: the output
/// ends in `..`, the way `#[non_exhaustive]` structs print.
fn debug_impl(def: &TypeDef, fields: &[Field], flattened: &[Flattened], additional: Option<&str>) -> TokenStream {
    let name = ident(&def.name);
    let label = def.name.trim_start_matches("r#");
    let mut names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    names.extend(flattened.iter().map(|f| f.name.as_str()));
    names.extend(additional);
    let entries = names.iter().map(|field| {
        let field_ident = ident(field);
        let field_label = field.trim_start_matches("r#");
        quote!(out.field(#field_label, &self.#field_ident);)
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut out = f.debug_struct(#label);
                #(#entries)*
                out.finish_non_exhaustive()
            }
        }
    }
}

/// `new` with the required fields, for every struct (its hidden marker
/// field leaves no other way to build one outside the crate), and a setter
/// per optional field for the types sent as request bodies.
fn constructor(def: &TypeDef, fields: &[Field], flattened: &[Flattened], additional: Option<&str>) -> TokenStream {
    let name = ident(&def.name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for field in fields {
        let field_name = ident(&field.name);
        let shape = field.shape;
        let value = value_type(field);
        let (param_ty, convert) = match (&field.ty, field.boxed) {
            (TypeRef::String, false) => (quote!(impl ::std::convert::Into<::std::string::String>), Some(quote!(#field_name.into()))),
            (TypeRef::Bytes, false) => (quote!(impl ::std::convert::Into<super::runtime::File>), Some(quote!(#field_name.into()))),
            (_, true) => (value_rust_type(&field.ty), Some(quote!(::std::boxed::Box::new(#field_name)))),
            _ => (value.clone(), None),
        };
        let init = match &convert {
            Some(convert) => quote!(#field_name: #convert),
            None => quote!(#field_name),
        };
        let convert = convert.unwrap_or_else(|| quote!(#field_name));
        match shape {
            Shape::Plain => {
                params.push((field.name.as_str(), quote!(#field_name: #param_ty)));
                inits.push(init);
            }
            Shape::Nullable => {
                params.push((field.name.as_str(), quote!(#field_name: ::std::option::Option<#value>)));
                inits.push(quote!(#field_name));
            }
            Shape::Optional | Shape::Update => {
                inits.push(quote!(#field_name: ::std::default::Default::default()));
                let Some(setter) = &field.setter else { continue };
                let setter = ident(setter);
                let wrapped = if shape == Shape::Update {
                    quote!(super::runtime::Update::Set(#convert))
                } else {
                    quote!(::std::option::Option::Some(#convert))
                };
                let doc = doc_lines(&match shape {
                    Shape::Update => format!("Sets `{}`. To clear it, assign `Update::Clear` to the field.", field.wire_name),
                    _ => format!("Sets `{}`.", field.wire_name),
                });
                setters.push(quote! {
                    #doc
                    pub fn #setter(mut self, #field_name: #param_ty) -> Self {
                        self.#field_name = #wrapped;
                        self
                    }
                });
            }
        }
    }
    // The arguments in the model's order (`model::constructor_fields`),
    // then the flattened unions'.
    let order: Vec<&str> = crate::model::constructor_fields(fields).iter().map(|f| f.name.as_str()).collect();
    params.sort_by_key(|(name, _)| order.iter().position(|o| o == name));
    let mut params: Vec<TokenStream> = params.into_iter().map(|(_, param)| param).collect();
    for union in flattened {
        let union_name = ident(&union.name);
        let ty = value_rust_type(&union.ty);
        params.push(quote!(#union_name: #ty));
        inits.push(if union.boxed { quote!(#union_name: ::std::boxed::Box::new(#union_name)) } else { quote!(#union_name) });
    }
    if let Some(name) = additional {
        let name = ident(name);
        inits.push(quote!(#name: ::std::default::Default::default()));
    }
    let marker = ident(NON_EXHAUSTIVE_FIELD);
    inits.push(quote!(#marker: ::std::default::Default::default()));
    let has_optional = additional.is_some() || fields.iter().any(|f| matches!(f.shape, Shape::Optional | Shape::Update));
    let doc = if !has_optional {
        format!("A `{}` with its fields.", def.name)
    } else if def.request {
        format!(
            "A `{0}` with its required fields; set optional ones with the methods below, or write a literal that ends in `..{0}::new(…)`.",
            def.name
        )
    } else {
        format!(
            "A `{0}` with its required fields and the optional ones empty; to set those, write a literal that ends in `..{0}::new(…)`.",
            def.name
        )
    };
    let doc = doc_lines(&doc);
    quote! {
        impl #name {
            #doc
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    }
}

/// A string enum that keeps values it does not know: they deserialize into
/// the fallback variant and serialize back unchanged.
fn open_enum(def: &TypeDef, doc: &TokenStream, variants: &[Variant], fallback: &str) -> TokenStream {
    let name = ident(&def.name);
    let fallback = ident(fallback);
    let variant_idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire_name.as_str()).collect();
    let variant_docs = wires.iter().map(|w| doc_lines(&format!("`{}`", w.replace('`', "'"))));
    let known = if variants.is_empty() {
        quote!(let _ = value; ::std::option::Option::None)
    } else {
        quote! {
            ::std::option::Option::Some(match value {
                #(#wires => Self::#variant_idents,)*
                _ => return ::std::option::Option::None,
            })
        }
    };
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variant_idents,)*
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

            /// The variant of a value this client knows.
            fn known(value: &str) -> ::std::option::Option<Self> {
                #known
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#fallback(::std::borrow::ToOwned::to_owned(value)))
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::#fallback(value))
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

/// oneOf / anyOf as an enum. Without a discriminator serde tries each
/// variant in turn; with one, the property's value picks the variant, and a
/// value this client does not know is kept whole in `Unknown`.
fn union(def: &TypeDef, doc: &TokenStream, variants: &[UnionVariant], discriminator: Option<(&str, &str)>) -> TokenStream {
    let name = ident(&def.name);
    let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let ty = value_rust_type(&v.ty);
            if v.boxed { quote!(::std::boxed::Box<#ty>) } else { ty }
        })
        .collect();
    let Some((property, fallback)) = discriminator else {
        return quote! {
            #doc
            #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#names(#types),)*
            }
        };
    };
    let fallback = ident(fallback);
    let arms = variants.iter().zip(&names).map(|(variant, variant_name)| {
        let tags = &variant.tags;
        let wrap = if variant.boxed { quote!(|v| Self::#variant_name(::std::boxed::Box::new(v))) } else { quote!(Self::#variant_name) };
        quote!(#(::std::option::Option::Some(#tags))|* => ::serde_json::from_value(value).map(#wrap).map_err(::serde::de::Error::custom),)
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#names(#types),)*
            /// A variant this client does not know yet, kept whole.
            #fallback(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#fallback(value)),
                }
            }
        }
    }
}
