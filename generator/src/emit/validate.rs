//! `validate()` for every object a request can contain: one runtime check
//! per field (`alipay_runtime::validate`), recursion into nested objects with
//! the path extended, then the cross-field rules. Every violation is
//! collected; nothing is allocated unless one is found.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Bound, Direction, Field, ObjectType, Rule, RuleKind, Type};
use crate::naming::ident;
use crate::spec::{LengthCounting, Required};

/// `validate()` and `validate_at()` for `o`, checking `rules` too.
pub fn emit(o: &ObjectType, rules: &[Rule], enum_values: &dyn Fn(&str) -> String) -> TokenStream {
    let name = ident(&o.rust_name);
    let checks = o
        .fields
        .iter()
        .map(|f| field_check(f, o.direction, enum_values));
    let rule_checks = rules
        .iter()
        .filter(|r| r.kind != RuleKind::Precedence)
        .map(|r| {
            let pairs = r.fields.iter().map(|n| {
                let f = o
                    .fields
                    .iter()
                    .find(|f| &f.name == n)
                    .expect("checked: rules name fields");
                let given = given(f, o.direction);
                quote! { (#n, #given) }
            });
            let check = match r.kind {
                RuleKind::AtLeastOne => quote! { at_least_one },
                _ => quote! { together },
            };
            quote! { v::#check(out, at, &[#(#pairs),*]); }
        });
    quote! {
        impl #name {
            /// Checks every constraint the spec gives (required fields, lengths,
            /// amounts, allowed values, rules), in nested objects too, and
            /// returns every violation with its field path.
            pub fn validate(&self) -> ::std::result::Result<(), ::alipay_runtime::Violations> {
                let mut out = ::alipay_runtime::Violations::new();
                self.validate_at(&::alipay_runtime::validate::Path::ROOT, &mut out);
                out.into_result()
            }

            #[doc(hidden)]
            pub fn validate_at(&self, at: &::alipay_runtime::validate::Path<'_>, out: &mut ::alipay_runtime::Violations) {
                use ::alipay_runtime::validate as v;
                // Imported here, so a type or value the spec names `Some`
                // or `None` cannot shadow them. Not every object uses both.
                #[allow(unused_imports)]
                use ::std::option::Option::{None, Some};
                #(#checks)*
                #(#rule_checks)*
            }
        }
    }
}

/// `Some(&value)` for a plain field, `self.field.as_ref()` otherwise.
fn value(f: &Field, direction: Direction) -> TokenStream {
    let n = ident(&f.rust_name);
    if direction == Direction::Request && f.required == Required::Yes {
        quote! { Some(&self.#n) }
    } else {
        quote! { self.#n.as_ref() }
    }
}

/// Whether a field counts as given for a rule: present and, for strings and
/// lists, not empty.
fn given(f: &Field, direction: Direction) -> TokenStream {
    let value = value(f, direction);
    match f.ty {
        Type::String | Type::Array(_) => quote! { #value.is_some_and(|x| !x.is_empty()) },
        _ => quote! { #value.is_some() },
    }
}

fn field_check(
    f: &Field,
    direction: Direction,
    enum_values: &dyn Fn(&str) -> String,
) -> TokenStream {
    let wire = &f.name;
    let required = f.required == Required::Yes;
    let value = value(f, direction);
    let path = quote! { &at.field(#wire) };
    match &f.ty {
        Type::Array(inner) => {
            let item = check(
                f,
                inner,
                quote! { Some(item) },
                quote! { &path.index(i) },
                false,
                true,
                enum_values,
            );
            let empty = required.then(|| quote! { v::required(out, &path, !items.is_empty()); });
            let missing = required.then(|| quote! { else { v::required(out, &path, false) } });
            quote! {
                let path = at.field(#wire);
                if let Some(items) = #value {
                    #empty
                    for (i, item) in items.iter().enumerate() {
                        #item
                    }
                } #missing
            }
        }
        ty => check(f, ty, value, path, required, false, enum_values),
    }
}

/// The check of one value (a field, or one item of an array field).
/// `item` is true for one item of an array: present, and named `item`.
fn check(
    f: &Field,
    ty: &Type,
    value: TokenStream,
    path: TokenStream,
    required: bool,
    item: bool,
    enum_values: &dyn Fn(&str) -> String,
) -> TokenStream {
    match ty {
        Type::String => {
            let max = match f.max_length {
                Some(m) => {
                    let m = m as usize;
                    let unit = match f.length_counting {
                        LengthCounting::Characters => quote! { Chars },
                        LengthCounting::ChineseAsTwo => quote! { ChineseAsTwo },
                    };
                    quote! { Some((#m, v::LengthUnit::#unit)) }
                }
                None => quote! { None },
            };
            quote! { v::string(out, #path, #value, #required, #max); }
        }
        Type::Enum(name) => {
            let allowed = enum_values(name);
            quote! { v::listed(out, #path, #value, #required, #allowed); }
        }
        Type::Price => {
            let bound = |b: Option<Bound>| match b {
                Some(Bound::Price(fen)) => {
                    quote! { Some(::alipay_runtime::Money::from_fen(#fen)) }
                }
                _ => quote! { None },
            };
            let (min, max) = (bound(f.minimum), bound(f.maximum));
            let len = match f.max_length {
                Some(m) => {
                    let m = m as usize;
                    quote! { Some(#m) }
                }
                None => quote! { None },
            };
            quote! { v::money(out, #path, #value, #required, #min, #max, #len); }
        }
        Type::Integer => {
            let bound = |b: Option<Bound>| match b {
                Some(Bound::Integer(n)) => quote! { Some(#n) },
                _ => quote! { None },
            };
            let (min, max) = (bound(f.minimum), bound(f.maximum));
            quote! { v::integer(out, #path, #value, #required, #min, #max); }
        }
        Type::Boolean | Type::DateTime => {
            if required {
                quote! { v::required(out, #path, #value.is_some()); }
            } else {
                quote! {}
            }
        }
        Type::Object { .. } if item => quote! { item.validate_at(#path, out); },
        Type::Object { .. } => {
            let missing = required.then(|| quote! { else { v::required(out, #path, false) } });
            quote! {
                if let Some(object) = #value {
                    object.validate_at(#path, out)
                } #missing
            }
        }
        Type::Array(_) => {
            // Arrays of arrays do not occur in Alipay's surface; the items
            // are left unchecked rather than guessed at.
            quote! {}
        }
    }
}
