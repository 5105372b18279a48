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

/// Whether a struct also gets the serde impl of the opposite direction
/// (`Deserialize` for a request, `Serialize` for a response). A client needs
/// neither; a gateway, a test double or recorded fixtures need both. They
/// cost about a third of the crate's compile time (BENCHMARKS.md, issue
/// 13), so the crate puts them behind a feature.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reverse {
    /// Leave them out.
    Omit,
    /// Derive them.
    Derive,
    /// Derive them when the crate's [`REVERSE_FEATURE`](crate::features::REVERSE_FEATURE) is on.
    Feature,
}

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

/// `serde(rename = "...")` when the Rust name differs from the wire name,
/// for the derived `Deserialize` of a request (under `cfg_attr` when gated).
fn rename(f: &Field, reverse: Reverse) -> TokenStream {
    let rust = f.rust_name.trim_start_matches("r#");
    if rust == f.name {
        quote! {}
    } else {
        let wire = &f.name;
        reverse.attr(quote! { serde(rename = #wire) })
    }
}

impl Reverse {
    /// `#[attr]`, `#[cfg_attr(feature = "…", attr)]` or nothing: for the
    /// derived `Deserialize` of a request and the `serde` attributes that
    /// follow it.
    fn attr(self, attr: TokenStream) -> TokenStream {
        let feature = crate::features::REVERSE_FEATURE;
        match self {
            Reverse::Omit => quote! {},
            Reverse::Derive => quote! { #[#attr] },
            Reverse::Feature => quote! { #[cfg_attr(feature = #feature, #attr)] },
        }
    }

    /// The `cfg` of a hand-written reverse impl (empty when always there),
    /// or `None` when it is left out.
    fn item(self) -> Option<TokenStream> {
        let feature = crate::features::REVERSE_FEATURE;
        match self {
            Reverse::Omit => None,
            Reverse::Derive => Some(quote! {}),
            Reverse::Feature => Some(quote! { #[cfg(feature = #feature)] }),
        }
    }
}

/// The struct field declarations, `common` first (response only).
fn field_decls(
    fields: &[&Field],
    direction: Direction,
    home: Home,
    reverse: Reverse,
) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let doc = docs::outer(&docs::field(f));
            let name = ident(&f.rust_name);
            let ty = field_type(f, home);
            let rename = match direction {
                Direction::Request => rename(f, reverse),
                Direction::Response => quote! {},
            };
            if is_plain(f, direction) {
                quote! { #doc #rename pub #name: #ty, }
            } else {
                quote! { #doc #rename pub #name: ::std::option::Option<#ty>, }
            }
        })
        .collect()
}

/// `Serialize` as a JSON object, one line per field: unset optional fields
/// are left out (see the runtime's `wire` module for why not the derive).
fn serialize_impl(name: &syn::Ident, fields: &[&Field], direction: Direction) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.name;
        if is_plain(f, direction) {
            quote! { w::entry(&mut m, #wire, &self.#n)?; }
        } else {
            quote! { w::optional_entry(&mut m, #wire, &self.#n)?; }
        }
    });
    quote! {
        impl ::alipay_runtime::__private::serde::Serialize for #name {
            fn serialize<S: ::alipay_runtime::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::alipay_runtime::__private::{serde::ser::SerializeMap as _, wire as w};
                let mut m = w::begin(s)?;
                #(#entries)*
                m.end()
            }
        }
    }
}

/// `Deserialize` of a received struct: one `match` arm per field, the rest
/// in the runtime's `wire` module.
fn deserialize_impl(name: &syn::Ident, fields: &[&Field]) -> TokenStream {
    let arms = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.name;
        quote! { #wire => w::read(&mut self.#n, key, map), }
    });
    let type_name = name.to_string();
    quote! {
        impl ::alipay_runtime::__private::wire::Fields for #name {
            const NAME: &'static str = #type_name;
            fn field<'de, A: ::alipay_runtime::__private::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::std::result::Result<(), A::Error> {
                use ::alipay_runtime::__private::wire as w;
                match key {
                    #(#arms)*
                    _ => w::skip(map),
                }
            }
        }
        ::alipay_runtime::__deserialize!(#name);
    }
}

/// The struct and its impls. `common` holds fields every instance carries
/// before its own (the common response fields).
pub fn emit(
    o: &ObjectType,
    common: &[Field],
    head_docs: &[String],
    home: Home,
    reverse: Reverse,
) -> TokenStream {
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
    // A shared type may travel both ways (a request's goods list, a
    // response's), so it always has both impls.
    let reverse = match home {
        Home::Types => Reverse::Derive,
        Home::Method => reverse,
    };
    match o.direction {
        Direction::Response => {
            let fields = field_decls(&all, Direction::Response, home, reverse);
            let de = deserialize_impl(&name, &all);
            let ser = reverse.item().map(|cfg| {
                let ser = serialize_impl(&name, &all, Direction::Response);
                quote! { #cfg #ser }
            });
            quote! {
                #doc
                #[derive(Clone, Debug, Default, PartialEq)]
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }
                #de
                #ser
            }
        }
        Direction::Request => {
            let fields = field_decls(&all, Direction::Request, home, reverse);
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
            let ser = serialize_impl(&name, &all, Direction::Request);
            let de = reverse.attr(quote! {
                derive(::alipay_runtime::__private::serde::Deserialize)
            });
            let de_crate =
                reverse.attr(quote! { serde(crate = "::alipay_runtime::__private::serde") });
            quote! {
                #doc
                #[derive(Clone, Debug, #derive_default PartialEq)]
                #de
                #de_crate
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }
                #ser
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
