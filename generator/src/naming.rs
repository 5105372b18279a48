//! Turning wire names into Rust names.
//!
//! The rules are few and predictable (they are documented in
//! `specs/README.md`): the wire name itself never changes, only the Rust
//! identifier that holds it.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords usable as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The Rust identifier for a field or module: `snake_case`, `r#` for
/// keywords, `_` after `self`/`super`/`crate`, `_` before a leading digit.
pub fn field_ident(wire: &str) -> String {
    let snake = wire.to_snake_case();
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    if NON_RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The Rust name for a type or variant: `UpperCamelCase`, `V` before a
/// leading digit (`10000` → `V10000`).
pub fn type_ident(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

/// The module for a method: dots become underscores.
pub fn method_module(method: &str) -> String {
    method.replace('.', "_")
}

/// The type-name stem for a method: `AlipayFundCouponOrderRefund`.
pub fn method_type_stem(method: &str) -> String {
    method.split('.').map(type_ident).collect()
}

/// The JSON key of a method's response node.
pub fn response_key(method: &str) -> String {
    format!("{}_response", method_module(method))
}

/// Whether `name` can be used as given for a Rust type or variant.
pub fn is_valid_type_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !NON_RAW_KEYWORDS.contains(&name)
}

/// Turns an identifier string (possibly `r#type`) into a token.
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_idents_survive_the_obstacle_course() {
        for (wire, rust) in [
            ("out_trade_no", "out_trade_no"),
            ("outTradeNo", "out_trade_no"),
            ("type", "r#type"),
            ("ref", "r#ref"),
            ("match", "r#match"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("1st_choice", "_1st_choice"),
            ("Result", "result"),
        ] {
            assert_eq!(field_ident(wire), rust, "{wire}");
            let _ = ident(&field_ident(wire));
        }
    }

    #[test]
    fn type_and_variant_names() {
        assert_eq!(type_ident("REFUND_SUCCESS"), "RefundSuccess");
        assert_eq!(type_ident("isp.unknow-error"), "IspUnknowError");
        assert_eq!(type_ident("ACQ.SYSTEM_ERROR"), "AcqSystemError");
        assert_eq!(type_ident("10000"), "V10000");
        assert_eq!(type_ident("S"), "S");
        assert_eq!(
            method_type_stem("alipay.fund.coupon.order.refund"),
            "AlipayFundCouponOrderRefund"
        );
        assert_eq!(
            method_module("alipay.fund.trans.refund"),
            "alipay_fund_trans_refund"
        );
        assert_eq!(
            response_key("alipay.fund.trans.refund"),
            "alipay_fund_trans_refund_response"
        );
        assert!(is_valid_type_ident("FundStatus"));
        assert!(!is_valid_type_ident("fund_status"));
        assert!(!is_valid_type_ident("Self"));
    }
}
