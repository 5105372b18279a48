//! Open enums: field values, business error codes, gateway codes.
//!
//! One shape for all of them (the smithy-rs one): the listed values as
//! variants plus an opaque `Unknown` for what Alipay adds later. What differs
//! per enum is emitted here: the variants, a table of what the spec says about
//! each (`LISTED`), a `position` match and a `From<&str>` match. The rest
//! (`as_str()`, `meaning()`, `Display`, serde, `ErrorCode`) comes from the
//! runtime's `__open_enum!` / `__error_code!`, so it is not repeated in every
//! enum of every module.

use proc_macro2::TokenStream;
use quote::quote;

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
    /// Whether it is a list of error codes (with actions and outcomes).
    pub error_codes: bool,
}

/// One variant and what the spec says about it.
pub struct Variant {
    /// Rust name.
    pub ident: String,
    /// Wire value.
    pub value: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// What it means.
    pub meaning: String,
    /// What to do.
    pub action: Option<String>,
    /// Neither success nor failure.
    pub outcome_unknown: bool,
}

/// The enum for a field's allowed values.
pub fn values_enum(def: &EnumDef) -> OpenEnum {
    let mut doc = docs::prose(&def.description);
    doc.push(String::new());
    // The owner, not the full path: an index would change the docs whenever
    // a field is added above this one.
    let owner = def.declared_at.split(".fields[").next().unwrap_or_default();
    doc.push(format!(
        "The allowed values of the {} field of {}. Values the spec does not list arrive as `Unknown`; compare those with `as_str()`.",
        docs::code(&def.field),
        docs::code(owner)
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
                meaning: v.meaning.clone(),
                action: None,
                outcome_unknown: false,
            })
            .collect(),
        error_codes: false,
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
                error_variant(
                    &c.variant,
                    &c.code,
                    c.message.as_deref(),
                    c.message.as_deref(),
                    c.action.as_deref(),
                    c.outcome_unknown,
                    c.source.as_deref(),
                )
            })
            .collect(),
        error_codes: true,
    }
}

/// A variant for an error code: its facts, and rustdoc saying them.
/// `shown_meaning` is the meaning as the docs show it. A meaning or action
/// Alipay does not publish is `None`: the rustdoc says so, and the table
/// gets `""`, which `meaning()`/`action()` turn into `None`.
pub fn error_variant(
    ident: &str,
    code: &str,
    shown_meaning: Option<&str>,
    meaning: Option<&str>,
    action: Option<&str>,
    outcome_unknown: bool,
    source: Option<&str>,
) -> Variant {
    let shown = shown_meaning.map_or_else(
        || "meaning not published by Alipay.".to_owned(),
        |m| docs::prose(m).join(" "),
    );
    let mut d = vec![format!("{}: {}", docs::code(code), shown)];
    d.push(String::new());
    d.push(match action {
        Some(action) => format!("What to do: {}", docs::prose(action).join(" ")),
        None => "What to do: not published by Alipay.".to_owned(),
    });
    if outcome_unknown {
        d.push(String::new());
        d.push("**The outcome is unknown**: neither success nor failure. Resubmit with the same request number, or query.".into());
    }
    if let Some(source) = source {
        d.push(String::new());
        d.push(format!("Source: {}", docs::prose(source).join(" ")));
    }
    Variant {
        ident: ident.to_owned(),
        value: code.to_owned(),
        docs: d,
        meaning: meaning.unwrap_or_default().to_owned(),
        action: action.map(str::to_owned),
        outcome_unknown,
    }
}

/// Emits the enum and its impls.
pub fn emit(e: &OpenEnum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs::outer(&e.docs);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.ident)).collect();
    let values: Vec<_> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let positions = 0..e.variants.len();
    let variant_docs = e.variants.iter().map(|v| docs::outer(&v.docs));
    let listed = e.variants.iter().map(|v| {
        let (value, meaning, unknown) = (&v.value, &v.meaning, v.outcome_unknown);
        let action = v.action.as_deref().unwrap_or_default();
        quote! { (#value, #meaning, #action, #unknown) }
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
    let common = if e.error_codes {
        quote! { ::alipay_runtime::__error_code!(#name); }
    } else {
        quote! { ::alipay_runtime::__open_enum!(#name); }
    };
    let unknown_doc = format!(
        " A value the spec does not list. Read it with [`{}::as_str`]; do not match on the payload, so that code keeps working when the value becomes a variant.",
        e.name
    );
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            #[doc = #unknown_doc]
            Unknown(::alipay_runtime::UnknownValue),
        }

        impl #name {
            const LISTED: &'static [::alipay_runtime::__private::Listed] = &[#(#listed),*];

            fn position(&self) -> usize {
                match self {
                    #( Self::#variants => #positions, )*
                    Self::Unknown(_) => usize::MAX,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_body
            }
        }

        #common
    }
}
