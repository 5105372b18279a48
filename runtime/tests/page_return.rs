//! The synchronous return of a page payment (`return_url`'s query): verified
//! and typed by `notify::page_return`, refused on every failed check.

use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::{
    NotifyError, NotifyVariant, PageReturnError, check_content, page_return,
};
use alipay_runtime::sign::{SignType, sign};
use alipay_runtime::{DateTime, Money};

const APP_ID: &str = "2014073000007292";

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn alipay_public() -> PublicKey {
    PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap()
}

/// The published sample's parameters (the 支付宝同步通知说明 sample's shape).
fn params() -> Vec<(&'static str, String)> {
    [
        ("charset", "utf-8"),
        ("out_trade_no", "page20187272054511544764"),
        ("method", "alipay.trade.page.pay.return"),
        ("total_amount", "0.01"),
        ("trade_no", "2020032622001409860523801721"),
        ("auth_app_id", APP_ID),
        ("version", "1.0"),
        ("app_id", APP_ID),
        ("sign_type", "RSA2"),
        ("seller_id", "2088411964605312"),
        ("timestamp", "2020-03-26 20:55:01"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The query Alipay appends to return_url: V1 check content signed with its
/// key, form-encoded (the timestamp's space as `+`).
fn query(params: &[(&'static str, String)]) -> Vec<u8> {
    let key = PrivateKey::from_text(
        &vector("alipay_private_pkcs8.txt"),
        KeyRole::GatewayPrivateKey,
    )
    .unwrap();
    let content = check_content(
        params.iter().map(|(k, v)| (*k, v.as_str())),
        NotifyVariant::V1,
    );
    let mut all = params.to_vec();
    all.push(("sign", sign(&key, SignType::Rsa2, &content)));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish()
        .into_bytes()
}

fn with(name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut all: Vec<_> = params().into_iter().filter(|(k, _)| *k != name).collect();
    all.push((name, value.to_owned()));
    all
}

fn without(name: &'static str) -> Vec<(&'static str, String)> {
    params().into_iter().filter(|(k, _)| *k != name).collect()
}

#[test]
fn a_signed_return_is_typed() {
    let r = page_return(&query(&params()), &alipay_public(), APP_ID).unwrap();
    assert_eq!(r.method, "alipay.trade.page.pay.return");
    assert_eq!(r.app_id, APP_ID);
    assert_eq!(r.auth_app_id.as_deref(), Some(APP_ID));
    assert_eq!(r.out_trade_no, "page20187272054511544764");
    assert_eq!(r.trade_no, "2020032622001409860523801721");
    assert_eq!(r.total_amount, Money::from_fen(1));
    assert_eq!(r.seller_id.as_deref(), Some("2088411964605312"));
    assert_eq!(
        r.timestamp,
        Some("2020-03-26 20:55:01".parse::<DateTime>().unwrap())
    );
    assert_eq!(r.raw.get("charset"), Some("utf-8"));
}

#[test]
fn a_wap_return_is_a_return_too() {
    let q = query(&with("method", "alipay.trade.wap.pay.return"));
    let r = page_return(&q, &alipay_public(), APP_ID).unwrap();
    assert_eq!(r.method, "alipay.trade.wap.pay.return");
}

#[test]
fn an_altered_amount_is_untrusted() {
    let q = String::from_utf8(query(&params())).unwrap();
    let altered = q.replace("total_amount=0.01", "total_amount=100.00");
    assert_ne!(q, altered);
    assert_eq!(
        page_return(altered.as_bytes(), &alipay_public(), APP_ID),
        Err(PageReturnError::Untrusted(NotifyError::Mismatch))
    );
}

#[test]
fn an_unsigned_return_is_untrusted() {
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params())
        .finish();
    let err = page_return(q.as_bytes(), &alipay_public(), APP_ID).unwrap_err();
    assert_eq!(err, PageReturnError::Untrusted(NotifyError::MissingSign));
    assert!(err.to_string().contains("no `sign` parameter"), "{err}");
}

#[test]
fn a_notification_is_not_a_return() {
    let q = query(&with("method", "alipay.trade.page.pay"));
    let err = page_return(&q, &alipay_public(), APP_ID).unwrap_err();
    assert_eq!(
        err,
        PageReturnError::NotAReturn("alipay.trade.page.pay".into())
    );
    assert!(err.to_string().contains("is this the return_url's query?"));
    assert_eq!(
        page_return(&query(&without("method")), &alipay_public(), APP_ID),
        Err(PageReturnError::Field {
            name: "method",
            problem: "missing".into()
        })
    );
}

#[test]
fn another_apps_return_is_refused() {
    let err = page_return(&query(&params()), &alipay_public(), "2021000000000001").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("the return parameters are for app `{APP_ID}`, not this app `2021000000000001`")
    );
}

#[test]
fn missing_and_malformed_fields_are_named() {
    for name in ["app_id", "out_trade_no", "trade_no", "total_amount"] {
        let err = page_return(&query(&without(name)), &alipay_public(), APP_ID).unwrap_err();
        assert_eq!(
            err,
            PageReturnError::Field {
                name,
                problem: "missing".into()
            },
            "{name}"
        );
    }
    let err = page_return(
        &query(&with("total_amount", "0.011")),
        &alipay_public(),
        APP_ID,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the return parameters' `total_amount` is `0.011`, not an amount"),
        "{err}"
    );
    let err = page_return(
        &query(&with("timestamp", "2020-03-26T20:55:01")),
        &alipay_public(),
        APP_ID,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the return parameters' `timestamp` is `2020-03-26T20:55:01`"),
        "{err}"
    );
}
