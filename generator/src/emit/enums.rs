//! Open enums: field values, business error codes, gateway codes.
//!
//! One shape for all of them (the smithy-rs one): the listed values as
//! variants, plus an opaque `Unknown` for what Alipay adds later; `as_str()`,
//! `From<&str>`, and string serde. Per-variant facts (meaning, what to do,
//! whether the outcome is unknown) become methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir::{EnumDef, ErrorCodeDef};
use crate::naming::ident;

/// An open enum to emit.
pub struct OpenEnum {
    /// Its name.
    pub name: String,
    /// Its doc lines.
    pub docs: Vec<String>,
    /// Its variants.
    pub variants: Vec<Variant>,
    /// Methods returning a per-variant fact.
    pub facts: Vec<Fact>,
}

/// One variant.
pub struct Variant {
    /// Rust name.
    pub ident: String,
    /// Wire value.
    pub value: String,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// A method answering one question per variant.
pub struct Fact {
    /// Method name.
    pub method: &'static str,
    /// Its doc line.
    pub doc: &'static str,
    /// The answer per variant, in variant order.
    pub answers: Answers,
}

/// The answers of a [`Fact`].
pub enum Answers {
    /// `Option<&'static str>`; `None` for `Unknown`.
    Text(Vec<Option<String>>),
    /// `bool`; `false` for `Unknown`.
    Flag(Vec<bool>),
}

/// The enum for a field's allowed values.
pub fn values_enum(def: &EnumDef) -> OpenEnum {
    let mut doc = docs::prose(&def.description);
    doc.push(String::new());
    doc.push(format!(
        "The allowed values of {}. Values the spec does not list arrive as `Unknown`; compare those with `as_str()`.",
        docs::code(&def.declared_at)
    ));
    OpenEnum {
        name: def.rust_name.clone(),
        docs: doc,
        variants: def
            .values
            .iter()
            .map(|v| Variant {
                ident: v.variant.clone(),
                value: v.value.clone(),
                docs: vec![format!(
                    "{}: {}",
                    docs::code(&v.value),
                    docs::prose(&v.meaning).join(" ")
                )],
            })
            .collect(),
        facts: vec![Fact {
            method: "meaning",
            doc: "What the value means, from the document; `None` for values the spec does not list.",
            answers: Answers::Text(def.values.iter().map(|v| Some(v.meaning.clone())).collect()),
        }],
    }
}

/// The enum for business error codes or gateway sub-codes.
pub fn error_enum(name: &str, doc: Vec<String>, codes: &[ErrorCodeDef]) -> OpenEnum {
    OpenEnum {
        name: name.to_owned(),
        docs: doc,
        variants: codes
            .iter()
            .map(|c| {
                let mut d = vec![format!("{}: {}", docs::code(&c.code), docs::prose(&c.message).join(" "))];
                if let Some(action) = &c.action {
                    d.push(String::new());
                    d.push(format!("What to do: {}", docs::prose(action).join(" ")));
                }
                if c.outcome_unknown {
                    d.push(String::new());
                    d.push("**The outcome is unknown**: neither success nor failure. Resubmit with the same request number, or query.".into());
                }
                if let Some(source) = &c.source {
                    d.push(String::new());
                    d.push(format!("Source: {}", docs::prose(source).join(" ")));
                }
                Variant { ident: c.variant.clone(), value: c.code.clone(), docs: d }
            })
            .collect(),
        facts: error_facts(codes),
    }
}

fn error_facts(codes: &[ErrorCodeDef]) -> Vec<Fact> {
    vec![
        Fact {
            method: "meaning",
            doc: "What the code means, from the document; `None` for codes the spec does not list.",
            answers: Answers::Text(codes.iter().map(|c| Some(c.message.clone())).collect()),
        },
        Fact {
            method: "action",
            doc: "What to do about it, from the document; `None` where it says nothing or the code is not listed.",
            answers: Answers::Text(codes.iter().map(|c| c.action.clone()).collect()),
        },
        Fact {
            method: "is_outcome_unknown",
            doc: "Whether the outcome is unknown (neither success nor failure): resubmit with the same request number, or query.",
            answers: Answers::Flag(codes.iter().map(|c| c.outcome_unknown).collect()),
        },
    ]
}

/// Emits the enum and its impls.
pub fn emit(e: &OpenEnum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs::outer(&e.docs);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.ident)).collect();
    let values: Vec<_> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = e.variants.iter().map(|v| docs::outer(&v.docs));
    let facts = e.facts.iter().map(|f| {
        let method = format_ident!("{}", f.method);
        let doc = f.doc;
        match &f.answers {
            Answers::Text(answers) => {
                let arms = variants.iter().zip(answers).map(|(v, a)| match a {
                    Some(text) => quote! { Self::#v => ::std::option::Option::Some(#text), },
                    None => quote! { Self::#v => ::std::option::Option::None, },
                });
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> ::std::option::Option<&'static str> {
                        match self {
                            #(#arms)*
                            Self::Unknown(_) => ::std::option::Option::None,
                        }
                    }
                }
            }
            Answers::Flag(answers) => {
                let yes: Vec<_> = variants
                    .iter()
                    .zip(answers)
                    .filter(|(_, a)| **a)
                    .map(|(v, _)| v)
                    .collect();
                let body = if yes.is_empty() {
                    quote! { false }
                } else {
                    quote! { ::std::matches!(self, #(Self::#yes)|*) }
                };
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> bool {
                        #body
                    }
                }
            }
        }
    });
    let from_body = if variants.is_empty() {
        quote! { Self::Unknown(::alipay_runtime::UnknownValue::__new(value)) }
    } else {
        quote! {
            match value {
                #( #values => Self::#variants, )*
                other => Self::Unknown(::alipay_runtime::UnknownValue::__new(other)),
            }
        }
    };
    let unknown_doc = format!(
        " A value the spec does not list. Read it with [`{}::as_str`]; do not match on the payload, so that code keeps working when the value becomes a variant.",
        e.name
    );
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            #[doc = #unknown_doc]
            Unknown(::alipay_runtime::UnknownValue),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            #(#facts)*
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_body
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::alipay_runtime::__private::serde::Serialize for #name {
            fn serialize<S: ::alipay_runtime::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::alipay_runtime::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::alipay_runtime::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::alipay_runtime::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
    }
}

/// `impl ErrorCode for Name`, delegating to the inherent methods.
pub fn error_code_trait(name: &str) -> TokenStream {
    let name = ident(name);
    quote! {
        impl ::alipay_runtime::ErrorCode for #name {
            fn from_code(code: &str) -> Self {
                Self::from(code)
            }
            fn as_str(&self) -> &str {
                self.as_str()
            }
            fn meaning(&self) -> ::std::option::Option<&'static str> {
                self.meaning()
            }
            fn action(&self) -> ::std::option::Option<&'static str> {
                self.action()
            }
            fn is_outcome_unknown(&self) -> bool {
                self.is_outcome_unknown()
            }
        }
    }
}
