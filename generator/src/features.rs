//! Cargo features of the generated crate: one per product group of methods,
//! derived from the method names, and for every shared type the features
//! whose methods use it, so the dependency graph is computed, never kept by
//! hand.
//!
//! The rule: a method's feature is the second segment of its name when the
//! first is `alipay` (`alipay.trade.query` → `trade`,
//! `alipay.fund.trans.refund` → `fund`), and otherwise the first two segments
//! joined by `-` (`koubei.trade.order.query` → `koubei-trade`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Field, Method, Type};

/// The feature that adds the serde impls of the opposite direction
/// (requests `Deserialize`, responses `Serialize`) and the `for_each_method`
/// registry, which needs them: see [`Reverse`](crate::emit::Reverse).
pub const REVERSE_FEATURE: &str = "full-serde";

/// Feature names a product may not take: Cargo's own, and the crate's.
pub const RESERVED: &[&str] = &["default", REVERSE_FEATURE];

/// Marks a shared type that no method uses: emitted without a gate, so the
/// crate keeps it whatever features are enabled.
const UNGATED: &str = "";

/// The Cargo feature a method belongs to (see the module docs for the rule).
pub fn method_feature(method: &str) -> String {
    let mut segments = method.split('.');
    match (segments.next(), segments.next()) {
        (Some("alipay"), Some(second)) => second.to_owned(),
        (Some(first), Some(second)) => format!("{first}-{second}"),
        (Some(first), None) => first.to_owned(),
        (None, _) => String::new(),
    }
}

/// Every feature of the crate, sorted.
pub fn all(api: &Api) -> BTreeSet<String> {
    api.methods
        .iter()
        .map(|m| method_feature(&m.name))
        .collect()
}

/// For each shared object type (by spec name) and shared enum (by Rust
/// name), the features whose methods use it, directly or through other
/// shared types.
#[derive(Debug, Default)]
pub struct Usage {
    /// Shared object types, by spec name.
    pub types: BTreeMap<String, BTreeSet<String>>,
    /// Shared enums, by Rust name.
    pub enums: BTreeMap<String, BTreeSet<String>>,
}

impl Usage {
    /// Computes the usage of every shared type by the methods of `api`.
    /// With `keep_unused`, shared types no method uses are marked to be
    /// emitted ungated, with everything they use.
    pub fn of(api: &Api, keep_unused: bool) -> Usage {
        let mut usage = Usage::default();
        for m in &api.methods {
            let feature = method_feature(&m.name);
            for f in method_fields(m) {
                usage.walk(api, &f.ty, &feature);
            }
        }
        if keep_unused {
            for t in &api.types {
                if !usage.types.contains_key(&t.name) {
                    let ty = Type::Object {
                        name: t.name.clone(),
                        shared: true,
                    };
                    usage.walk(api, &ty, UNGATED);
                }
            }
            for e in &api.enums {
                usage
                    .enums
                    .entry(e.rust_name.clone())
                    .or_insert_with(|| BTreeSet::from([UNGATED.to_owned()]));
            }
        }
        usage
    }

    fn walk(&mut self, api: &Api, ty: &Type, feature: &str) {
        match ty {
            Type::Array(inner) => self.walk(api, inner, feature),
            Type::Object { name, shared: true } => {
                let new = self
                    .types
                    .entry(name.clone())
                    .or_default()
                    .insert(feature.to_owned());
                if let (true, Some(t)) = (new, api.types.iter().find(|t| &t.name == name)) {
                    for f in &t.fields {
                        self.walk(api, &f.ty, feature);
                    }
                }
            }
            Type::Enum(name) if api.enums.iter().any(|e| &e.rust_name == name) => {
                self.enums
                    .entry(name.clone())
                    .or_default()
                    .insert(feature.to_owned());
            }
            _ => {}
        }
    }

    /// Removes the shared types and enums no method uses: a build script's
    /// selection of methods gets only the types it needs.
    pub fn prune(&self, api: &mut Api) {
        api.types.retain(|t| self.types.contains_key(&t.name));
        api.enums.retain(|e| self.enums.contains_key(&e.rust_name));
    }
}

/// Everything emitted into a method's module: its request, response and
/// local types.
fn method_fields(m: &Method) -> impl Iterator<Item = &Field> {
    std::iter::once(&m.request)
        .chain(std::iter::once(&m.response))
        .chain(&m.types)
        .flat_map(|t| &t.fields)
}

/// The `#[cfg(…)]` for items used by `features`; nothing when one of them
/// is the ungated mark.
pub fn cfg(features: &BTreeSet<String>) -> TokenStream {
    if features.contains(UNGATED) {
        return quote! {};
    }
    let names: Vec<&String> = features.iter().collect();
    match names.as_slice() {
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// Puts `cfg` on every item of `items`.
pub fn gate(cfg: &TokenStream, items: TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return items;
    }
    let file: syn::File = syn::parse2(items).expect("the emitted items parse as Rust");
    let items = file.items.into_iter().map(|i| quote! { #cfg #i });
    quote! { #(#items)* }
}

/// The `[features]` section of the generated crate's `Cargo.toml`: every
/// feature on by default.
pub fn manifest_section(api: &Api) -> String {
    let all = all(api);
    let mut s = String::from(MANIFEST_MARK);
    s.push_str("\n[features]\n");
    let quoted: Vec<String> = all.iter().map(|f| format!("{f:?}")).collect();
    s.push_str(&format!("default = [{}]\n", quoted.join(", ")));
    s.push_str(&format!(
        "# Requests also implement Deserialize and responses Serialize, and the crate has\n\
         # `for_each_method`: for gateways, test doubles and fixtures; a client needs none of it.\n\
         {REVERSE_FEATURE} = []\n"
    ));
    for f in &all {
        let methods: Vec<&str> = api
            .methods
            .iter()
            .filter(|m| &method_feature(&m.name) == f)
            .map(|m| m.name.as_str())
            .collect();
        s.push_str(&format!("# {}\n{f} = []\n", methods.join(", ")));
    }
    s
}

/// The line the generated part of `Cargo.toml` starts with.
pub const MANIFEST_MARK: &str = "# @generated by alipay-codegen from the method names: everything below this line. Do not edit: change the specs and regenerate.";

/// `existing` with everything from [`MANIFEST_MARK`] (or, the first time,
/// from its end) replaced by `section`.
pub fn splice_manifest(existing: &str, section: &str) -> String {
    let kept = match existing.find(MANIFEST_MARK) {
        Some(at) => &existing[..at],
        None => existing,
    };
    let kept = kept.trim_end();
    format!("{kept}\n\n{section}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_come_from_the_method_names() {
        assert_eq!(method_feature("alipay.trade.query"), "trade");
        assert_eq!(method_feature("alipay.fund.trans.refund"), "fund");
        assert_eq!(method_feature("alipay.fund.coupon.order.refund"), "fund");
        assert_eq!(
            method_feature("alipay.data.dataservice.bill.downloadurl.query"),
            "data"
        );
        assert_eq!(method_feature("koubei.trade.order.query"), "koubei-trade");
        assert_eq!(method_feature("monitor.heartbeat.syn"), "monitor-heartbeat");
    }

    #[test]
    fn one_feature_is_gated_alone_and_several_with_any() {
        let one = BTreeSet::from(["trade".to_owned()]);
        assert_eq!(
            cfg(&one).to_string(),
            quote! { #[cfg(feature = "trade")] }.to_string()
        );
        let two = BTreeSet::from(["fund".to_owned(), "trade".to_owned()]);
        assert_eq!(
            cfg(&two).to_string(),
            quote! { #[cfg(any(feature = "fund", feature = "trade"))] }.to_string()
        );
        let unused = BTreeSet::from([UNGATED.to_owned(), "trade".to_owned()]);
        assert!(cfg(&unused).is_empty());
    }

    #[test]
    fn gating_puts_the_cfg_on_every_item() {
        let gated = gate(
            &quote! { #[cfg(feature = "trade")] },
            quote! { pub struct A; impl A {} },
        );
        assert_eq!(
            gated.to_string(),
            quote! { #[cfg(feature = "trade")] pub struct A; #[cfg(feature = "trade")] impl A {} }
                .to_string()
        );
    }

    #[test]
    fn the_manifest_keeps_its_hand_written_part_and_replaces_the_generated_one() {
        let hand = "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n";
        let first = splice_manifest(hand, &format!("{MANIFEST_MARK}\n[features]\na = []\n"));
        assert!(first.starts_with(hand));
        assert!(first.ends_with("[features]\na = []\n"));
        let second = splice_manifest(&first, &format!("{MANIFEST_MARK}\n[features]\nb = []\n"));
        assert!(second.starts_with(hand));
        assert!(
            !second.contains("a = []"),
            "the old section is replaced: {second}"
        );
        assert_eq!(second.matches(MANIFEST_MARK).count(), 1);
        assert_eq!(
            splice_manifest(&second, &format!("{MANIFEST_MARK}\n[features]\nb = []\n")),
            second,
            "splicing is idempotent, so an unchanged manifest is not rewritten"
        );
    }
}
