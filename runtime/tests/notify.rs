//! Notifications: V1 and V2 verification, decoded exactly once.

use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::{
    FundRefundNotification, NotifyError, NotifyVariant, check_content, verify_notification,
};
use alipay_runtime::sign::{SignType, sign};
use alipay_runtime::{DateTime, Money};

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn alipay_private() -> PrivateKey {
    PrivateKey::from_text(
        &vector("alipay_private_pkcs8.txt"),
        KeyRole::GatewayPrivateKey,
    )
    .unwrap()
}

fn alipay_public() -> PublicKey {
    PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap()
}

const PARAMS: &[(&str, &str)] = &[
    ("notify_type", "fund_stdtrustee_refund.success"),
    ("notify_id", "2017122800222103925001451000538212"),
    ("notify_time", "2017-12-28 10:39:26"),
    ("app_id", "2014072300007148"),
    ("auth_no", "2017122810002001950287006752"),
    ("out_request_no", "refund20171228254"),
    ("operation_id", "20171228312616259502"),
    ("amount", "0.01"),
    ("status", "SUCCESS"),
    ("gmt_trans", "2017-12-28 10:39:25"),
    // Decoding this twice turns %2B into + and then into a space.
    ("passback_params", r#"{"a":"b&c=d %2B 100%"}"#),
    ("charset", "utf-8"),
    ("version", "1.0"),
];

/// The form Alipay would POST: signed over the V1 or V2 content, then
/// form-encoded once.
fn signed_body(variant: NotifyVariant) -> String {
    let mut params: Vec<(&str, &str)> = PARAMS.to_vec();
    params.push(("sign_type", "RSA2"));
    let content = check_content(params.iter().copied(), variant);
    let signature = sign(&alipay_private(), SignType::Rsa2, &content);
    form_body(params.iter().copied().chain([("sign", signature.as_str())]))
}

fn form_body<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(k);
        s.push('=');
        s.extend(v.bytes().map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        }));
    }
    s
}

#[test]
fn v1_and_v2_verify_their_own_content_only() {
    let key = alipay_public();
    let v1 = signed_body(NotifyVariant::V1);
    let v2 = signed_body(NotifyVariant::V2);
    let n = verify_notification(v1.as_bytes(), &key, NotifyVariant::V1).unwrap();
    assert_eq!(
        n.get("passback_params"),
        Some(r#"{"a":"b&c=d %2B 100%"}"#),
        "decoded exactly once"
    );
    assert!(verify_notification(v2.as_bytes(), &key, NotifyVariant::V2).is_ok());
    assert_eq!(
        verify_notification(v1.as_bytes(), &key, NotifyVariant::V2),
        Err(NotifyError::Mismatch)
    );
    assert_eq!(
        verify_notification(v2.as_bytes(), &key, NotifyVariant::V1),
        Err(NotifyError::Mismatch)
    );
}

#[test]
fn tampering_and_wrong_keys_are_rejected() {
    let body = signed_body(NotifyVariant::V1);
    let tampered = body.replace("amount=0.01", "amount=100.00");
    assert_eq!(
        verify_notification(tampered.as_bytes(), &alipay_public(), NotifyVariant::V1),
        Err(NotifyError::Mismatch)
    );
    let app_public =
        PublicKey::from_text(&vector("app_public.txt"), KeyRole::AppPublicKey).unwrap();
    assert_eq!(
        verify_notification(body.as_bytes(), &app_public, NotifyVariant::V1),
        Err(NotifyError::Mismatch)
    );
    let unsigned = form_body(PARAMS.iter().copied());
    assert_eq!(
        verify_notification(unsigned.as_bytes(), &alipay_public(), NotifyVariant::V1),
        Err(NotifyError::MissingSign)
    );
    // An empty parameter the signature does not cover.
    let added = format!("{body}&foo=");
    assert_eq!(
        verify_notification(added.as_bytes(), &alipay_public(), NotifyVariant::V1),
        Err(NotifyError::Mismatch)
    );
    let twice = format!("{body}&amount=1.00");
    assert_eq!(
        verify_notification(twice.as_bytes(), &alipay_public(), NotifyVariant::V1),
        Err(NotifyError::DuplicateParam("amount".into()))
    );
    let sm2 = body.replace("sign_type=RSA2", "sign_type=SM2");
    assert_eq!(
        verify_notification(sm2.as_bytes(), &alipay_public(), NotifyVariant::V2),
        Err(NotifyError::UnsupportedSignType("SM2".into()))
    );
}

#[test]
fn the_refund_notification_is_typed() {
    let n = verify_notification(
        signed_body(NotifyVariant::V1).as_bytes(),
        &alipay_public(),
        NotifyVariant::V1,
    )
    .unwrap();
    let refund = FundRefundNotification::from_notification(&n).unwrap();
    assert_eq!(refund.amount, Some(Money::from_fen(1)));
    assert_eq!(
        refund.gmt_trans,
        Some("2017-12-28 10:39:25".parse::<DateTime>().unwrap())
    );
    assert_eq!(
        refund.notify_time,
        Some("2017-12-28 10:39:26".parse::<DateTime>().unwrap())
    );
    assert_eq!(
        refund.auth_no.as_deref(),
        Some("2017122810002001950287006752")
    );
    assert_eq!(refund.status.as_deref(), Some("SUCCESS"));
    assert_eq!(refund.out_order_no, None);

    let other = form_body([("notify_type", "trade_status_sync")]);
    let content = check_content([("notify_type", "trade_status_sync")], NotifyVariant::V1);
    let body = format!(
        "{other}&sign={}",
        form_body([(
            "x",
            sign(&alipay_private(), SignType::Rsa2, &content).as_str()
        )])
        .trim_start_matches("x=")
    );
    let n = verify_notification(body.as_bytes(), &alipay_public(), NotifyVariant::V1).unwrap();
    assert_eq!(FundRefundNotification::from_notification(&n), None);
}

/// A notification as Alipay sends it, with an empty `buyer_logon_id`; the
/// signatures come from OpenSSL over the check content the Java SDK builds
/// (`make-vectors.sh`), not from this crate.
const WITH_EMPTY: &[(&str, &str)] = &[
    ("notify_type", "fund_stdtrustee_refund.success"),
    ("notify_id", "2017122800222103925001451000538212"),
    ("notify_time", "2017-12-28 10:39:26"),
    ("app_id", "2014072300007148"),
    ("auth_no", "2017122810002001950287006752"),
    ("buyer_logon_id", ""),
    ("out_request_no", "refund20171228254"),
    ("operation_id", "20171228312616259502"),
    ("amount", "0.01"),
    ("status", "SUCCESS"),
    ("gmt_trans", "2017-12-28 10:39:25"),
    ("charset", "utf-8"),
    ("version", "1.0"),
    ("sign_type", "RSA2"),
];

#[test]
fn empty_values_are_part_of_the_check_content() {
    for (variant, name) in [
        (NotifyVariant::V1, "notify_empty_v1"),
        (NotifyVariant::V2, "notify_empty_v2"),
    ] {
        assert_eq!(
            check_content(WITH_EMPTY.iter().copied(), variant),
            vector(&format!("content_{name}.txt")),
            "{variant:?}"
        );
        let signature = vector(&format!("sig_{name}_rsa2_alipay.txt"));
        let body = form_body(
            WITH_EMPTY
                .iter()
                .copied()
                .chain([("sign", signature.as_str())]),
        );
        let n = verify_notification(body.as_bytes(), &alipay_public(), variant)
            .unwrap_or_else(|e| panic!("{variant:?}: a genuine notification is rejected: {e}"));
        assert_eq!(n.get("buyer_logon_id"), Some(""));

        // An empty parameter no signature covers is an alteration.
        for added in [format!("{body}&foo="), format!("foo&{body}")] {
            assert_eq!(
                verify_notification(added.as_bytes(), &alipay_public(), variant),
                Err(NotifyError::Mismatch),
                "{variant:?}: {added}"
            );
        }
        // And so is dropping the empty one.
        let dropped = body.replace("buyer_logon_id=&", "");
        assert_ne!(dropped, body);
        assert_eq!(
            verify_notification(dropped.as_bytes(), &alipay_public(), variant),
            Err(NotifyError::Mismatch),
            "{variant:?}"
        );
    }
}
