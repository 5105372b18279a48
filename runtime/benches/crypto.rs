//! RSA2 signing and verification with a 2048-bit key, and the whole request
//! and response paths around them. Compare with `openssl speed rsa2048` run
//! in the same session (see BENCHMARKS.md).
//!
//! Run: `cargo bench -p alipay-runtime --bench crypto`

use alipay_runtime::extract::extract;
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use alipay_runtime::{DateTime, Money};

fn main() {
    divan::main();
}

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const BIZ: &str = r#"{"auth_no":"2017122810002001950287006752","out_request_no":"refund20171228254","amount":"0.01","remark":"红包退款"}"#;

/// The signed request parameters, as the client builds them.
fn request_params(key: &PrivateKey) -> (String, String) {
    let timestamp = DateTime::now().to_string();
    let params = [
        ("app_id", "2014072300007148"),
        ("method", "alipay.fund.coupon.order.refund"),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", timestamp.as_str()),
        ("version", "1.0"),
    ];
    let content = sign_content(params.iter().copied().chain([("biz_content", BIZ)]));
    let signature = sign(key, SignType::Rsa2, &content);
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().copied().chain([("sign", signature.as_str())]))
        .finish();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("biz_content", BIZ)
        .finish();
    (query, body)
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Response {
    code: Option<String>,
    msg: Option<String>,
    amount: Option<Money>,
    auth_no: Option<String>,
    gmt_trans: Option<DateTime>,
    operation_id: Option<String>,
    out_request_no: Option<String>,
    status: Option<String>,
}

fn response_body() -> String {
    let node = vector("content_response.txt");
    format!(
        r#"{{"alipay_fund_coupon_order_refund_response":{node},"sign":"{}"}}"#,
        vector("sig_response_rsa2_alipay.txt")
    )
}

#[divan::bench]
fn rsa2_sign(bencher: divan::Bencher) {
    let key =
        PrivateKey::from_text(&vector("app_private_pkcs8.txt"), KeyRole::AppPrivateKey).unwrap();
    let content = vector("content_basic.txt");
    bencher.bench(|| key.sign(SignType::Rsa2, divan::black_box(content.as_bytes())));
}

#[divan::bench]
fn rsa2_verify(bencher: divan::Bencher) {
    let key = PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap();
    let content = vector("content_response.txt");
    let signature = vector("sig_response_rsa2_alipay.txt");
    bencher.bench(|| {
        assert!(verify(
            &key,
            SignType::Rsa2,
            divan::black_box(&content),
            &signature
        ))
    });
}

/// Sign content + sign + URL-encode: everything a request needs.
#[divan::bench]
fn request_path(bencher: divan::Bencher) {
    let key =
        PrivateKey::from_text(&vector("app_private_pkcs8.txt"), KeyRole::AppPrivateKey).unwrap();
    bencher.bench(|| request_params(divan::black_box(&key)));
}

/// The request path without the RSA operation.
#[divan::bench]
fn request_path_without_rsa(bencher: divan::Bencher) {
    bencher.bench(|| {
        let timestamp = DateTime::now().to_string();
        let params = [
            ("app_id", "2014072300007148"),
            ("method", "alipay.fund.coupon.order.refund"),
            ("timestamp", timestamp.as_str()),
        ];
        let content = sign_content(params.iter().copied().chain([("biz_content", BIZ)]));
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("biz_content", BIZ)
            .finish();
        (divan::black_box(content), query, body)
    });
}

/// Extract + verify + parse a typed response.
#[divan::bench]
fn response_path(bencher: divan::Bencher) {
    let key = PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap();
    let body = response_body();
    bencher.bench(|| {
        let span = extract(divan::black_box(&body), "alipay.fund.coupon.order.refund").unwrap();
        assert!(verify(
            &key,
            SignType::Rsa2,
            span.content,
            span.sign.as_deref().unwrap()
        ));
        serde_json::from_str::<Response>(span.content).unwrap()
    });
}

/// The response path without the RSA operation.
#[divan::bench]
fn response_path_without_rsa(bencher: divan::Bencher) {
    let body = response_body();
    bencher.bench(|| {
        let span = extract(divan::black_box(&body), "alipay.fund.coupon.order.refund").unwrap();
        serde_json::from_str::<Response>(span.content).unwrap()
    });
}
