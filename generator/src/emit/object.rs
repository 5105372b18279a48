//! Structs: requests, responses and nested object types.
//!
//! Forward compatible the smithy-rs way: `#[non_exhaustive]` everywhere.
//! Sent objects are built with `new(required…)` plus chainable setters and
//! leave unset optional fields out of the JSON; received objects have every
//! field optional and ignore keys they do not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::ir::{Direction, Field, ObjectType, Type};
use crate::naming::ident;
use crate::spec::Required;

/// Where the struct is emitted, which decides how shared types are reached.
#[derive(Clone, Copy)]
pub enum Home {
    /// A method module: shared types are `super::types::Name`.
    Method,
    /// The `types` module.
    Types,
}

/// The Rust type of a field's value (without the `Option`).
pub fn rust_type(ty: &Type, home: Home) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::string::String },
        Type::Price => quote! { ::alipay_runtime::Money },
        Type::Integer => quote! { i64 },
        Type::Boolean => quote! { bool },
        Type::DateTime => quote! { ::alipay_runtime::DateTime },
        Type::Enum(name) => {
            let name = ident(name);
            quote! { #name }
        }
        Type::Object { name, shared } => {
            let name = ident(name);
            match (shared, home) {
                (true, Home::Method) => quote! { super::types::#name },
                _ => quote! { #name },
            }
        }
        Type::Array(inner) => {
            let inner = rust_type(inner, home);
            quote! { ::std::vec::Vec<#inner> }
        }
    }
}

/// The Rust type of a field's value (without the `Option`), boxed when the
/// field closes a cycle of types.
fn field_type(f: &Field, home: Home) -> TokenStream {
    let ty = rust_type(&f.ty, home);
    if f.boxed {
        quote! { ::std::boxed::Box<#ty> }
    } else {
        ty
    }
}

/// Whether the struct field holds the value directly rather than an `Option`.
fn is_plain(f: &Field, direction: Direction) -> bool {
    direction == Direction::Request && f.required == Required::Yes
}

/// `#[serde(rename = "...")]` when the Rust name differs from the wire name.
fn rename(f: &Field) -> TokenStream {
    let rust = f.rust_name.trim_start_matches("r#");
    if rust == f.name {
        quote! {}
    } else {
        let wire = &f.name;
        quote! { #[serde(rename = #wire)] }
    }
}

/// The struct field declarations, `common` first (response only).
fn field_decls(fields: &[&Field], direction: Direction, home: Home) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let doc = docs::outer(&docs::field(f));
            let name = ident(&f.rust_name);
            let ty = field_type(f, home);
            let rename = rename(f);
            if is_plain(f, direction) {
                quote! { #doc #rename pub #name: #ty, }
            } else {
                quote! {
                    #doc
                    #rename
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub #name: ::std::option::Option<#ty>,
                }
            }
        })
        .collect()
}

/// The struct and its inherent impl. `common` holds fields every instance
/// carries before its own (the common response fields).
pub fn emit(o: &ObjectType, common: &[Field], head_docs: &[String], home: Home) -> TokenStream {
    let name = ident(&o.rust_name);
    let mut doc = head_docs.to_vec();
    if doc.is_empty() {
        doc = docs::prose(&o.description);
        if let Some(source) = &o.source {
            doc.push(String::new());
            doc.push(format!("Source: {}", docs::prose(source).join(" ")));
        }
    }
    let doc = docs::outer(&doc);
    let all: Vec<&Field> = common.iter().chain(&o.fields).collect();
    match o.direction {
        Direction::Response => {
            let fields = field_decls(&all, Direction::Response, home);
            quote! {
                #doc
                #[derive(Clone, Debug, Default, PartialEq, ::alipay_runtime::__private::serde::Serialize, ::alipay_runtime::__private::serde::Deserialize)]
                #[serde(crate = "::alipay_runtime::__private::serde", default)]
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }
            }
        }
        Direction::Request => {
            let fields = field_decls(&all, Direction::Request, home);
            let required: Vec<&Field> = all
                .iter()
                .copied()
                .filter(|f| is_plain(f, Direction::Request))
                .collect();
            let derive_default = if required.is_empty() {
                quote! { Default, }
            } else {
                quote! {}
            };
            let builder = builder(o, &all, &required, home);
            quote! {
                #doc
                #[derive(Clone, Debug, #derive_default PartialEq, ::alipay_runtime::__private::serde::Serialize, ::alipay_runtime::__private::serde::Deserialize)]
                #[serde(crate = "::alipay_runtime::__private::serde")]
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }

                #builder
            }
        }
    }
}

/// How a constructor or setter takes a value, and the expression that turns
/// `value` into what the field holds: strings and enums by `Into`, a boxed
/// object by value (the caller never sees the `Box`).
fn param(f: &Field, value: TokenStream, home: Home) -> (TokenStream, TokenStream) {
    let rust = rust_type(&f.ty, home);
    match &f.ty {
        Type::String | Type::Enum(_) => (
            quote! { impl ::std::convert::Into<#rust> },
            quote! { #value.into() },
        ),
        _ if f.boxed => (rust, quote! { ::std::boxed::Box::new(#value) }),
        _ => (rust, value),
    }
}

fn builder(o: &ObjectType, all: &[&Field], required: &[&Field], home: Home) -> TokenStream {
    let name = ident(&o.rust_name);
    let params = required.iter().map(|f| {
        let n = ident(&f.rust_name);
        let (ty, _) = param(f, quote! { #n }, home);
        quote! { #n: #ty }
    });
    let inits = all.iter().map(|f| {
        let n = ident(&f.rust_name);
        if is_plain(f, Direction::Request) {
            match (&f.ty, f.boxed) {
                (Type::String | Type::Enum(_), _) | (_, true) => {
                    let (_, value) = param(f, quote! { #n }, home);
                    quote! { #n: #value, }
                }
                // Shorthand, as clippy's `redundant_field_names` wants.
                _ => quote! { #n, },
            }
        } else {
            quote! { #n: ::std::option::Option::None, }
        }
    });
    let new_doc = if required.is_empty() {
        " A value with every field unset; set fields with the setters.".to_owned()
    } else {
        format!(
            " A value from its required fields ({}); set the optional ones with the setters.",
            required
                .iter()
                .map(|f| docs::code(&f.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let many = (required.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let setters = all
        .iter()
        .filter(|f| !is_plain(f, Direction::Request))
        .map(|f| {
            let n = ident(&f.rust_name);
            let (ty, value) = param(f, quote! { value }, home);
            let first = f.description.lines().next().unwrap_or_default();
            let doc = format!(
                " Sets {}: {}",
                docs::code(&f.name),
                docs::prose(first).join(" ")
            );
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #n(mut self, value: #ty) -> Self {
                    self.#n = ::std::option::Option::Some(#value);
                    self
                }
            }
        });
    quote! {
        impl #name {
            #[doc = #new_doc]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }

            #(#setters)*
        }
    }
}
