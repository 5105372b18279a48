//! Signing and verification against vectors made with the openssl command
//! line (see tests/vectors/README.md and make-vectors.sh).

use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn app_key(file: &str) -> PrivateKey {
    PrivateKey::from_text(&vector(file), KeyRole::AppPrivateKey).unwrap()
}

#[test]
fn rsa2_signatures_match_openssl_for_every_key_form() {
    for file in [
        "app_private_pkcs8.txt",
        "app_private_pkcs1.txt",
        "app_private_pkcs8.pem",
        "app_private_pkcs1.pem",
    ] {
        let key = app_key(file);
        for content in ["basic", "special", "response"] {
            let expected = vector(&format!("sig_{content}_rsa2_app.txt"));
            let text = vector(&format!("content_{content}.txt"));
            assert_eq!(
                sign(&key, SignType::Rsa2, &text),
                expected,
                "{file} {content}"
            );
        }
    }
}

#[cfg(feature = "legacy-rsa")]
#[test]
fn legacy_rsa_signatures_match_openssl() {
    for file in ["app_private_pkcs8.txt", "app_private_pkcs1.pem"] {
        let key = app_key(file);
        for content in ["basic", "special", "response"] {
            let expected = vector(&format!("sig_{content}_rsa_app.txt"));
            let text = vector(&format!("content_{content}.txt"));
            assert_eq!(
                sign(&key, SignType::Rsa, &text),
                expected,
                "{file} {content}"
            );
        }
    }
    let alipay =
        PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap();
    let content = vector("content_response.txt");
    assert!(verify(
        &alipay,
        SignType::Rsa,
        &content,
        &vector("sig_response_rsa_alipay.txt")
    ));
    assert!(!verify(
        &alipay,
        SignType::Rsa2,
        &content,
        &vector("sig_response_rsa_alipay.txt")
    ));
}

#[test]
fn verifies_openssl_signatures_with_bare_and_pem_public_keys() {
    let content = vector("content_response.txt");
    let signature = vector("sig_response_rsa2_alipay.txt");
    for file in ["alipay_public.txt", "alipay_public.pem"] {
        let key = PublicKey::from_text(&vector(file), KeyRole::AlipayPublicKey).unwrap();
        assert!(verify(&key, SignType::Rsa2, &content, &signature), "{file}");
        assert!(
            !verify(&key, SignType::Rsa2, &format!("{content} "), &signature),
            "{file}: altered content"
        );
        assert!(
            !verify(
                &key,
                SignType::Rsa2,
                &content,
                &vector("sig_response_rsa2_app.txt")
            ),
            "{file}: other key"
        );
        assert!(
            !verify(&key, SignType::Rsa2, &content, "not base64!"),
            "{file}: garbage"
        );
    }
}

#[test]
fn the_sign_content_vector_is_what_sign_content_builds() {
    let content = sign_content([
        ("version", "1.0"),
        ("method", "alipay.fund.coupon.order.refund"),
        ("sign_type", "RSA2"),
        ("app_id", "2014072300007148"),
        ("charset", "utf-8"),
        ("format", "JSON"),
        ("timestamp", "2014-07-24 03:07:50"),
        ("app_auth_token", ""),
        (
            "biz_content",
            r#"{"auth_no":"2017122810002001950287006752","out_request_no":"refund20171228254","amount":"0.01","remark":"红包退款"}"#,
        ),
    ]);
    assert_eq!(content, vector("content_basic.txt"));
    let special = sign_content([
        ("d", r#"{"k":"v=1&w=2"}"#),
        ("c", "中文 值"),
        ("b", "x&y=z%20"),
        ("a", "1"),
        ("e", ""),
    ]);
    assert_eq!(special, vector("content_special.txt"));
}

#[test]
fn public_key_matches_its_private_key() {
    let app = app_key("app_private_pkcs1.txt");
    let app_public =
        PublicKey::from_text(&vector("app_public.txt"), KeyRole::AppPublicKey).unwrap();
    let alipay_public =
        PublicKey::from_text(&vector("alipay_public.pem"), KeyRole::AlipayPublicKey).unwrap();
    assert!(app_public.matches(&app));
    assert!(!alipay_public.matches(&app));
    assert!(app.public_key().matches(&app));
}

fn private_err(text: &str) -> String {
    PrivateKey::from_text(text, KeyRole::AppPrivateKey)
        .unwrap_err()
        .to_string()
}

fn public_err(text: &str) -> String {
    PublicKey::from_text(text, KeyRole::AlipayPublicKey)
        .unwrap_err()
        .to_string()
}

#[test]
fn mixed_up_keys_are_named_and_explained() {
    let cases = [
        (
            public_err(&vector("app_private_pkcs8.txt")),
            "the Alipay public key (支付宝公钥) cannot be used: this is a private key, not a public key",
        ),
        (
            public_err(&vector("app_private_pkcs1.pem")),
            "the Alipay public key (支付宝公钥) cannot be used: this is a private key",
        ),
        (
            private_err(&vector("app_public.txt")),
            "the app private key (应用私钥) cannot be used: this is a public key, not a private key",
        ),
        (
            private_err(&vector("alipay_public.pem")),
            "this is a public key, not a private key",
        ),
        (
            private_err(&vector("app_private_truncated.txt")),
            "it is truncated: 450 of the 1219 bytes its header declares",
        ),
        (
            private_err("hello world"),
            "it is neither PEM nor valid base64",
        ),
        (private_err(""), "the key text is empty"),
        (
            private_err("-----BEGIN PRIVATE KEY-----\nMIIE"),
            "has no `-----END PRIVATE KEY-----` line",
        ),
        (
            public_err(&vector("alipay_public.txt")[..200]),
            "it is truncated",
        ),
    ];
    for (message, expected) in cases {
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message:?}"
        );
        assert!(message.contains("expected an RSA"), "{message}");
    }
}

#[test]
fn private_keys_never_show_in_debug() {
    let key = app_key("app_private_pkcs8.txt");
    let shown = format!("{key:?}");
    assert_eq!(shown, "PrivateKey(RSA-2048, redacted)");
    let secret = vector("app_private_pkcs8.txt");
    assert!(!shown.contains(&secret[40..60]));
}

#[test]
fn a_key_error_chains_to_the_decoder_error() {
    use std::error::Error as _;
    let err = PrivateKey::from_text("hello world", KeyRole::AppPrivateKey).unwrap_err();
    assert_eq!(err.problem, "it is neither PEM nor valid base64");
    let cause = err.source().expect("the base64 decoder's error");
    assert!(
        cause.to_string().contains("Invalid"),
        "the decoder says what is wrong: {cause}"
    );
    // Said once: the message does not repeat its cause.
    assert!(!err.to_string().contains(&cause.to_string()), "{err}");
    let no_cause = PrivateKey::from_text("", KeyRole::AppPrivateKey).unwrap_err();
    assert!(no_cause.source().is_none());
}
