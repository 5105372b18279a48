//! The client against a scripted transport: what it sends, how it reads what
//! comes back, and how it classifies outcomes. No network.

use std::collections::BTreeMap;
use std::time::Duration;

use alipay_api::alipay_fund_coupon_order_refund::{
    AlipayFundCouponOrderRefundErrorCode as RefundCode,
    AlipayFundCouponOrderRefundRequest as RefundRequest, Status,
};
use alipay_api::common::GatewayCode;
use alipay_runtime::error::SignatureError;
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use alipay_runtime::transport::{Delivery, Transport, TransportError};
use alipay_runtime::{Client, Config, DateTime, Error, Money, Outcome, Retry, outcome};

mod support;
use bytes::Bytes;
use support::{Scripted, config, signed_under, vector};

const METHOD: &str = "alipay.fund.coupon.order.refund";

/// A body as the gateway sends it: the node, signed with Alipay's key.
fn signed(node: &str) -> String {
    signed_under("alipay_fund_coupon_order_refund_response", node)
}

const SUCCESS: &str = r#"{"code":"10000","msg":"Success","amount":"0.01","auth_no":"2017122810002001950287006752","gmt_trans":"2017-12-28 10:39:25","operation_id":"20171228312616259502","out_request_no":"refund20171228254","status":"SUCCESS"}"#;
const SYSTEM_ERROR: &str =
    r#"{"code":"40004","msg":"Business Failed","sub_code":"SYSTEM_ERROR","sub_msg":"系统繁忙"}"#;

fn request() -> RefundRequest {
    RefundRequest::new(
        "2017122810002001950287006752",
        "refund20171228254",
        Money::from_fen(1),
        "红包退款",
    )
}

fn client(replies: Vec<Result<(u16, String), TransportError>>) -> Client<Scripted> {
    Client::with_transport(config(), Scripted::new(replies))
}

#[tokio::test]
async fn sends_system_params_in_the_query_and_biz_content_in_the_form_body_signed() {
    let client = client(vec![Ok((200, signed(SUCCESS)))]);
    let response = client.execute(&request()).await.unwrap();
    assert_eq!(response.amount, Some(Money::from_fen(1)));
    assert_eq!(response.status, Some(Status::Success));

    let transport = client_transport(&client);
    let seen = transport.seen.lock().unwrap();
    let req = &seen[0];
    assert_eq!(req.method(), http::Method::POST);
    assert!(
        req.uri()
            .to_string()
            .starts_with("https://openapi.alipay.com/gateway.do?")
    );
    assert_eq!(
        req.headers()[http::header::CONTENT_TYPE],
        "application/x-www-form-urlencoded;charset=utf-8"
    );
    let query: BTreeMap<String, String> =
        form_urlencoded::parse(req.uri().query().unwrap().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    assert_eq!(
        query.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "app_id",
            "charset",
            "format",
            "method",
            "sign",
            "sign_type",
            "timestamp",
            "version"
        ]
    );
    assert_eq!(query["method"], METHOD);
    assert_eq!(query["sign_type"], "RSA2");
    let body: Vec<(String, String)> = form_urlencoded::parse(req.body())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        body,
        [(
            "biz_content".to_owned(),
            serde_json::to_string(&request()).unwrap()
        )]
    );
    drop(seen);

    // The signature covers every parameter but sign, as the gateway checks it.
    let params = transport.params(0);
    let content = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let app_public =
        PublicKey::from_text(&vector("app_public.txt"), KeyRole::AppPublicKey).unwrap();
    assert!(verify(
        &app_public,
        SignType::Rsa2,
        &content,
        &params["sign"]
    ));
}

fn client_transport(client: &Client<Scripted>) -> &Scripted {
    client.transport()
}

#[tokio::test]
async fn responses_are_trusted_only_when_verified() {
    let tampered = signed(SUCCESS).replace(r#""amount":"0.01""#, r#""amount":"9.99""#);
    let unsigned = format!(r#"{{"alipay_fund_coupon_order_refund_response":{SUCCESS}}}"#);
    let unsigned_business =
        format!(r#"{{"alipay_fund_coupon_order_refund_response":{SYSTEM_ERROR}}}"#);
    let spliced = format!(
        r#"{},"alipay_fund_coupon_order_refund_response":{{"code":"10000"}}}}"#,
        signed(SUCCESS).trim_end_matches('}')
    );
    let client = client(vec![
        Ok((200, tampered)),
        Ok((200, unsigned)),
        Ok((200, unsigned_business)),
        Ok((200, spliced)),
    ]);
    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(err, Error::Signature(SignatureError::Mismatch)),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);
    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(err, Error::Signature(SignatureError::Missing)),
        "{err}"
    );
    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Gateway(g) if !g.verified && g.code == "40004"),
        "an unsigned business refusal is not typed as one: {err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);
    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("appears more than once")),
        "{err}"
    );
}

#[tokio::test]
async fn business_and_gateway_errors_are_typed_and_classified() {
    let money = r#"{"code":"40004","msg":"Business Failed","sub_code":"MONEY_NOT_ENOUGH","sub_msg":"本次操作退款的金额超过剩余可退款金额","out_request_no":"refund20171228254"}"#;
    let busy = r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error","sub_msg":"系统繁忙"}"#;
    let bad_sig = r#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"无效签名"}}"#;
    let client = client(vec![
        Ok((200, signed(money))),
        Ok((200, signed(SYSTEM_ERROR))),
        Ok((200, signed(busy))),
        Ok((200, bad_sig.to_owned())),
        Ok((502, "<html>Bad Gateway</html>".to_owned())),
        Err(TransportError::new(Delivery::NotSent, "connection refused")),
        Err(TransportError::timeout("timed out")),
    ]);
    let result = client.execute(&request()).await;
    assert_eq!(outcome(&result), Outcome::Failed);
    let err = result.unwrap_err();
    let Error::Business {
        code,
        sub_msg,
        node,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(code, &RefundCode::MoneyNotEnough);
    assert_eq!(
        sub_msg.as_deref(),
        Some("本次操作退款的金额超过剩余可退款金额")
    );
    assert!(node.contains("MONEY_NOT_ENOUGH"));
    assert!(err.to_string().contains("business error MONEY_NOT_ENOUGH"));

    let err = client.execute(&request()).await.unwrap_err();
    assert!(matches!(&err, Error::Business { code, .. } if code.as_str() == "SYSTEM_ERROR"));
    assert_eq!(
        err.outcome(),
        Outcome::Unknown,
        "the coupon refund spec does not list SYSTEM_ERROR, so nothing says no money moved"
    );

    let err = client.execute(&request()).await.unwrap_err();
    let Error::Gateway(g) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        GatewayCode::from(g.code.as_str()),
        GatewayCode::ServiceUnavailable
    );
    assert!(g.verified);
    assert_eq!(err.outcome(), Outcome::Unknown);

    let err = client.execute(&request()).await.unwrap_err();
    let Error::Gateway(g) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        (g.sub_code.as_deref(), g.verified),
        (Some("isv.invalid-signature"), false)
    );
    assert_eq!(
        err.outcome(),
        Outcome::Unknown,
        "an unsigned answer cannot promise that nothing happened"
    );

    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(&err, Error::HttpStatus { status: 502, excerpt } if excerpt.contains("Bad Gateway"))
    );
    assert_eq!(err.outcome(), Outcome::Unknown);
    let err = client.execute(&request()).await.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Failed);
    assert!(err.to_string().contains("did not reach Alipay"));
    let err = client.execute(&request()).await.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert!(err.to_string().contains("may have reached Alipay"));
}

#[tokio::test]
async fn retries_resend_the_same_biz_content_only_when_opted_in() {
    let timeout = || Err(TransportError::timeout("timed out"));
    let busy = r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error","sub_msg":"系统繁忙"}"#;
    let retrying = Client::with_transport(
        config().retry(Retry {
            max_resends: 3,
            backoff: Duration::from_millis(1),
        }),
        Scripted::new(vec![
            timeout(),
            Ok((200, signed(busy))),
            Ok((200, signed(SUCCESS))),
        ]),
    );
    let response = retrying.execute(&request()).await.unwrap();
    assert_eq!(
        response.operation_id.as_deref(),
        Some("20171228312616259502")
    );
    let t = retrying.transport();
    assert_eq!(t.seen.lock().unwrap().len(), 3);
    let first = t.params(0);
    for i in 1..3 {
        assert_eq!(
            t.params(i)["biz_content"],
            first["biz_content"],
            "resend {i} changed biz_content"
        );
    }

    // A known failure is not retried.
    let money =
        r#"{"code":"40004","msg":"Business Failed","sub_code":"MONEY_NOT_ENOUGH","sub_msg":"x"}"#;
    let retrying = Client::with_transport(
        config().retry(Retry {
            max_resends: 3,
            backoff: Duration::from_millis(1),
        }),
        Scripted::new(vec![Ok((200, signed(money)))]),
    );
    assert!(retrying.execute(&request()).await.is_err());
    assert_eq!(retrying.transport().seen.lock().unwrap().len(), 1);

    // Bounded: gives up after max_resends with the last answer.
    let retrying = Client::with_transport(
        config().retry(Retry {
            max_resends: 2,
            backoff: Duration::from_millis(1),
        }),
        Scripted::new(vec![timeout(), timeout(), timeout()]),
    );
    assert_eq!(
        retrying.execute(&request()).await.unwrap_err().outcome(),
        Outcome::Unknown
    );
    assert_eq!(retrying.transport().seen.lock().unwrap().len(), 3);

    // Off by default.
    let plain = client(vec![timeout()]);
    assert_eq!(
        plain.execute(&request()).await.unwrap_err().outcome(),
        Outcome::Unknown
    );
    assert_eq!(plain.transport().seen.lock().unwrap().len(), 1);
}

#[test]
fn the_alipay_key_slot_refuses_the_apps_own_public_key() {
    let err = Config::new(
        "1",
        &vector("app_private_pkcs1.pem"),
        &vector("app_public.pem"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "the Alipay public key (支付宝公钥) cannot be used: this is your app's own public key"
        ),
        "{err}"
    );
    let err = Config::new(
        "1",
        &vector("alipay_public.txt"),
        &vector("alipay_public.txt"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("the app private key (应用私钥) cannot be used: this is a public key"),
        "{err}"
    );
    let shown = format!("{:?}", config());
    assert!(
        shown.contains("PrivateKey(RSA-2048, redacted)")
            && !shown.contains(&vector("app_private_pkcs8.txt")[50..80]),
        "{shown}"
    );
}

#[test]
fn runtime_gateway_urls_and_outcome_rules_agree_with_the_spec() {
    use alipay_api::common::{GatewaySubCode, PRODUCTION_GATEWAY, SANDBOX_GATEWAY};
    use alipay_runtime::error::{GatewayError, ResponseKey};
    assert_eq!(
        alipay_runtime::client::PRODUCTION_GATEWAY,
        PRODUCTION_GATEWAY
    );
    assert_eq!(alipay_runtime::client::SANDBOX_GATEWAY, SANDBOX_GATEWAY);
    for code in [
        "10000", "20000", "20001", "40001", "40002", "40003", "40004", "40006",
    ] {
        let typed = GatewayCode::from(code);
        let g = GatewayError::new(code, "", None, None, true, ResponseKey::Method);
        assert_eq!(g.is_outcome_unknown(), typed.is_outcome_unknown(), "{code}");
    }
    for sub in [
        "isp.unknow-error",
        "aop.unknow-error",
        "isv.invalid-signature",
        "aop.invalid-auth-token",
    ] {
        let typed = GatewaySubCode::from(sub);
        let g = GatewayError::new(
            "40002",
            "",
            Some(sub.into()),
            None,
            true,
            ResponseKey::Method,
        );
        assert_eq!(g.is_outcome_unknown(), typed.is_outcome_unknown(), "{sub}");
    }
}

/// Run by `timestamp_is_beijing_time_whatever_the_host_zone` in a child
/// process with a given `TZ`.
#[tokio::test]
#[ignore = "run as a child process with TZ set"]
async fn timestamp_probe() {
    let client = client(vec![Ok((200, signed(SUCCESS)))]);
    client.execute(&request()).await.unwrap();
    let sent: DateTime = client.transport().params(0)["timestamp"].parse().unwrap();
    let beijing = std::process::Command::new("date")
        .env("TZ", "Asia/Shanghai")
        .arg("+%Y-%m-%d %H:%M:%S")
        .output()
        .unwrap();
    let beijing: DateTime = String::from_utf8(beijing.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        (sent.unix_timestamp() - beijing.unix_timestamp()).abs() <= 2,
        "sent {sent}, Beijing is {beijing}"
    );
}

#[test]
fn timestamp_is_beijing_time_whatever_the_host_zone() {
    for tz in ["UTC", "America/New_York", "Asia/Shanghai"] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "timestamp_probe", "--ignored", "--nocapture"])
            .env("TZ", tz)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("1 passed"),
            "TZ={tz}:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn certificate_mode_sends_sns_and_checks_the_response_certificate() {
    let certs = |name: &str| vector(&format!("certs/{name}"));
    let config = Config::with_certificates(
        "2014072300007148",
        &vector("app_private_pkcs8.txt"),
        &certs("app.crt"),
        &certs("alipay.crt"),
        &certs("alipay_root_bundle.crt"),
    )
    .unwrap();
    let alipay_sn = certs("alipay_cert_sn.txt");
    let with_sn = |sn: &str| {
        format!(
            r#"{},"alipay_cert_sn":"{sn}"}}"#,
            signed(SUCCESS).trim_end_matches('}')
        )
    };
    let client = Client::with_transport(
        config,
        Scripted::new(vec![
            Ok((200, with_sn(&alipay_sn))),
            Ok((200, with_sn("0123456789abcdef0123456789abcdef"))),
        ]),
    );
    client.execute(&request()).await.unwrap();
    let params = client.transport().params(0);
    assert_eq!(params["app_cert_sn"], certs("app_cert_sn.txt"));
    assert_eq!(
        params["alipay_root_cert_sn"],
        certs("alipay_root_cert_sn.txt")
    );
    // Both SNs are signed like every other parameter.
    let content = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let app_public =
        PublicKey::from_text(&vector("app_public.txt"), KeyRole::AppPublicKey).unwrap();
    assert!(verify(
        &app_public,
        SignType::Rsa2,
        &content,
        &params["sign"]
    ));

    let err = client.execute(&request()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Signature(SignatureError::UnknownCertificate { cert_sn }) if cert_sn == "0123456789abcdef0123456789abcdef"),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);
}

/// A transport that fails the test if anything is sent.
struct MustNotSend;

impl Transport for MustNotSend {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        _: Duration,
    ) -> Result<http::Response<Bytes>, TransportError> {
        panic!(
            "an invalid request reached the transport: {}",
            request.uri()
        );
    }
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_transport() {
    let client = Client::with_transport(config(), MustNotSend);
    let mut bad = request();
    bad.auth_no = String::new();
    bad.amount = Money::ZERO;
    bad.remark = "退".repeat(51);
    let err = client.execute(&bad).await.unwrap_err();
    let Error::InvalidRequest(violations) = &err else {
        panic!("{err}")
    };
    let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["auth_no", "amount", "remark"]);
    assert_eq!(err.outcome(), Outcome::Failed);
    assert!(
        err.to_string()
            .starts_with("invalid request, not sent: the request breaks 3 constraint(s)"),
        "{err}"
    );
}

#[tokio::test]
async fn unreadable_responses_are_decode_errors_with_an_unknown_outcome() {
    let key = PrivateKey::from_text(
        &vector("alipay_private_pkcs8.txt"),
        KeyRole::GatewayPrivateKey,
    )
    .unwrap();
    // An encrypted (encrypt_type=AES) response: the node is a JSON string,
    // signed with its quotes.
    let encrypted_node = r#""c2VjcmV0IGJ5dGVz""#;
    let encrypted = format!(
        r#"{{"alipay_fund_coupon_order_refund_response":{encrypted_node},"sign":"{}"}}"#,
        sign(&key, SignType::Rsa2, encrypted_node)
    );
    let misfit = signed(r#"{"code":"10000","msg":"Success","amount":"0.001"}"#);
    let client = client(vec![
        Ok((200, encrypted)),
        Ok((200, misfit)),
        Ok((200, "not json at all".into())),
    ]);
    for expected in [
        "the response is encrypted",
        "the response node does not fit its type",
        "not json at all",
    ] {
        let err = client.execute(&request()).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
        assert!(
            err.to_string().contains(expected),
            "expected {expected:?} in {err}"
        );
        assert_eq!(err.outcome(), Outcome::Unknown);
    }
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error() {
    struct Latin1;
    impl Transport for Latin1 {
        async fn send(
            &self,
            _: http::Request<Bytes>,
            _: Duration,
        ) -> Result<http::Response<Bytes>, TransportError> {
            Ok(http::Response::new(Bytes::from_static(b"{\"x\":\"\xe9\"}")))
        }
    }
    let err = Client::with_transport(config(), Latin1)
        .execute(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("not UTF-8")),
        "{err}"
    );
}
