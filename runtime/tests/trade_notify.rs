//! Trade notifications (`trade_status_sync`): typed, and accepted only after
//! every check Alipay prescribes.

use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::trade::{ExpectedOrder, TradeNotifyError, TradeStatus, accept, answer};
use alipay_runtime::notify::{NotifyError, NotifyVariant, check_content};
use alipay_runtime::sign::{SignType, sign};
use alipay_runtime::{DateTime, Money};

const APP_ID: &str = "2014072300007148";
const SELLER: &str = "2088101106499364";

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

/// A real sandbox notification's shape (values all strings), with
/// `buyer_logon_id` empty as Alipay sometimes sends it.
fn params() -> Vec<(&'static str, String)> {
    [
        ("notify_time", "2015-04-27 15:45:58"),
        ("notify_type", "trade_status_sync"),
        ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
        ("app_id", APP_ID),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("sign_type", "RSA2"),
        ("trade_no", "2013112011001004330000121536"),
        ("out_trade_no", "6823789339978248"),
        ("buyer_id", "2088102122524333"),
        ("buyer_logon_id", ""),
        ("seller_id", SELLER),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "460.00"),
        ("receipt_amount", "460.00"),
        ("point_amount", "0.00"),
        ("subject", "当面付交易 & 测试"),
        ("gmt_create", "2015-04-27 15:45:57"),
        ("gmt_payment", "2015-04-27 15:45:58"),
        ("gmt_refund", "2015-04-28 15:45:57.320"),
        (
            "fund_bill_list",
            r#"[{"amount":"460.00","fundChannel":"ALIPAYACCOUNT"}]"#,
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The form body Alipay would POST: V1 check content signed with its key.
fn body(params: &[(&'static str, String)]) -> Vec<u8> {
    let key = PrivateKey::from_text(
        &vector("alipay_private_pkcs8.txt"),
        KeyRole::GatewayPrivateKey,
    )
    .unwrap();
    let content = check_content(
        params.iter().map(|(k, v)| (*k, v.as_str())),
        NotifyVariant::V1,
    );
    let signature = sign(&key, SignType::Rsa2, &content);
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
        .append_pair("sign", &signature)
        .finish()
        .into_bytes()
}

fn with(name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut p = params();
    match p.iter_mut().find(|(k, _)| *k == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => p.push((name, value.to_owned())),
    }
    p
}

fn order(out_trade_no: &str) -> Option<ExpectedOrder> {
    (out_trade_no == "6823789339978248")
        .then(|| ExpectedOrder::new("460.00".parse().unwrap()).seller_id(SELLER))
}

#[test]
fn a_genuine_notification_is_accepted_and_typed() {
    let result = accept(&body(&params()), &alipay_public(), APP_ID, order);
    assert_eq!(answer(&result), "success");
    let n = result.unwrap();
    assert_eq!(n.out_trade_no, "6823789339978248");
    assert_eq!(n.trade_status, Some(TradeStatus::TradeSuccess));
    assert!(n.trade_status.as_ref().unwrap().is_paid());
    assert_eq!(n.total_amount, Some(Money::from_fen(46000)));
    assert_eq!(n.point_amount, Some(Money::ZERO));
    assert_eq!(
        n.gmt_payment,
        Some("2015-04-27 15:45:58".parse::<DateTime>().unwrap())
    );
    assert_eq!(n.gmt_refund.as_deref(), Some("2015-04-28 15:45:57.320"));
    assert_eq!(n.buyer_logon_id, None, "empty is absent");
    assert_eq!(n.subject.as_deref(), Some("当面付交易 & 测试"));
    assert_eq!(
        n.raw.get("fund_bill_list"),
        Some(r#"[{"amount":"460.00","fundChannel":"ALIPAYACCOUNT"}]"#)
    );
}

#[test]
fn every_prescribed_check_refuses_what_it_should() {
    let key = alipay_public();
    type Expected = fn(&TradeNotifyError) -> bool;
    let cases: Vec<(Vec<u8>, Expected)> = vec![
        // 1. The signature: an altered amount.
        (
            {
                let genuine = String::from_utf8(body(&params())).unwrap();
                genuine
                    .replace("total_amount=460.00", "total_amount=0.01")
                    .into_bytes()
            },
            |e| matches!(e, TradeNotifyError::Untrusted(NotifyError::Mismatch)),
        ),
        // 2. An order this merchant did not create.
        (
            body(&with("out_trade_no", "someone-elses")),
            |e| matches!(e, TradeNotifyError::UnknownOrder(o) if o == "someone-elses"),
        ),
        // 3. Another amount than the order's.
        (
            body(&with("total_amount", "0.01")),
            |e| matches!(e, TradeNotifyError::Amount { got: Some(m), .. } if *m == Money::from_fen(1)),
        ),
        // 4. Another seller.
        (
            body(&with("seller_id", "2088000000000000")),
            |e| matches!(e, TradeNotifyError::Seller { got: Some(s), .. } if s == "2088000000000000"),
        ),
        // 5. Another app.
        (
            body(&with("app_id", "2021000000000000")),
            |e| matches!(e, TradeNotifyError::OtherApp { got, .. } if got == "2021000000000000"),
        ),
        // Not a trade notification at all.
        (
            body(&with("notify_type", "fund_stdtrustee_refund.success")),
            |e| matches!(e, TradeNotifyError::NotATradeNotification(t) if t == "fund_stdtrustee_refund.success"),
        ),
        // An amount that is not one, a time that is not one, no order number.
        (body(&with("total_amount", "460.001")), |e| {
            matches!(
                e,
                TradeNotifyError::Field {
                    name: "total_amount",
                    ..
                }
            )
        }),
        (body(&with("gmt_payment", "2015/04/27")), |e| {
            matches!(
                e,
                TradeNotifyError::Field {
                    name: "gmt_payment",
                    ..
                }
            )
        }),
        (
            body(&with("out_trade_no", "")),
            |e| matches!(e, TradeNotifyError::Field { name: "out_trade_no", problem } if problem == "missing"),
        ),
    ];
    for (i, (body, expected)) in cases.into_iter().enumerate() {
        let result = accept(&body, &key, APP_ID, order);
        assert_eq!(answer(&result), "failure", "case {i}");
        let err = result.unwrap_err();
        assert!(expected(&err), "case {i}: {err}");
    }
}

#[test]
fn refusals_say_what_was_expected() {
    let err = accept(
        &body(&with("total_amount", "0.01")),
        &alipay_public(),
        APP_ID,
        order,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the notification for out_trade_no `6823789339978248` says total_amount 0.01, but the order is for 460.00: not credited"
    );
}

#[test]
fn the_seller_check_is_skipped_when_the_order_names_none() {
    let result = accept(
        &body(&with("seller_id", "2088000000000000")),
        &alipay_public(),
        APP_ID,
        |_| Some(ExpectedOrder::new("460.00".parse().unwrap())),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn statuses_are_open() {
    assert!(!TradeStatus::from("WAIT_BUYER_PAY").is_paid());
    assert!(TradeStatus::from("TRADE_FINISHED").is_paid());
    let later = TradeStatus::from("TRADE_PENDING_SOMETHING");
    assert_eq!(later.as_str(), "TRADE_PENDING_SOMETHING");
    assert!(!later.is_paid());
}
