//! The local gateway, driven with raw HTTP/1.1 over a TCP stream and requests
//! signed by hand, as a client would.

use std::time::{Duration, Instant};

use alipay_local_gateway::{Fault, GatewayConfig, LocalGateway};
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use alipay_runtime::{DateTime, Money, extract};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const APP_ID: &str = "2021000000000001";
const APP_PRIVATE: &str = include_str!("../../runtime/tests/vectors/app_private_pkcs8.txt");
const APP_PUBLIC: &str = include_str!("../../runtime/tests/vectors/app_public.txt");
const ALIPAY_PRIVATE: &str = include_str!("../../runtime/tests/vectors/alipay_private_pkcs8.txt");
const ALIPAY_PUBLIC: &str = include_str!("../../runtime/tests/vectors/alipay_public.txt");

const COUPON_REFUND: &str = "alipay.fund.coupon.order.refund";
const TRANS_REFUND: &str = "alipay.fund.trans.refund";
const REFUND_QUERY: &str = "alipay.trade.fastpay.refund.query";
const OPERATION_QUERY: &str = "alipay.fund.coupon.operation.query";

const AUTH_NO: &str = "2017122810002001950287006752";
const OUT_ORDER_NO: &str = "2017122716463224";

async fn gateway() -> LocalGateway {
    LocalGateway::start(GatewayConfig {
        app_id: APP_ID.to_owned(),
        app_public_key: PublicKey::from_text(APP_PUBLIC, KeyRole::AppPublicKey).unwrap(),
        gateway_private_key: PrivateKey::from_text(ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey)
            .unwrap(),
    })
    .await
    .unwrap()
}

fn app_key() -> PrivateKey {
    PrivateKey::from_text(APP_PRIVATE, KeyRole::AppPrivateKey).unwrap()
}

fn alipay_public() -> PublicKey {
    PublicKey::from_text(ALIPAY_PUBLIC, KeyRole::AlipayPublicKey).unwrap()
}

/// The system parameters of a call, signed together with `biz_content`.
fn signed_query(method: &str, biz_content: &str) -> Vec<(String, String)> {
    signed_query_at(method, biz_content, DateTime::now())
}

/// [`signed_query`] with the given `timestamp`.
fn signed_query_at(method: &str, biz_content: &str, at: DateTime) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("app_id", APP_ID),
        ("method", method),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("version", "1.0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    params.push(("timestamp".into(), at.to_string()));
    let content = sign_content(
        params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("biz_content", biz_content)]),
    );
    params.push(("sign".into(), sign(&app_key(), SignType::Rsa2, &content)));
    params
}

fn form(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A raw HTTP response: status (0 if the connection ended before one) and
/// body.
struct Raw {
    status: u16,
    content_type: String,
    body: String,
}

/// POSTs to `path?query` with the form `body`, `Connection: close`, and
/// reads until the server closes.
async fn post_raw(gateway: &LocalGateway, path: &str, query: &str, body: &str) -> Raw {
    let mut stream = TcpStream::connect(gateway.addr()).await.unwrap();
    let request = format!(
        "POST {path}?{query} HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/x-www-form-urlencoded;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        gateway.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    // A reset is as good as an EOF for a dropped connection.
    let _ = stream.read_to_end(&mut bytes).await;
    let text = String::from_utf8(bytes).unwrap();
    if text.is_empty() {
        return Raw {
            status: 0,
            content_type: String::new(),
            body: String::new(),
        };
    }
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    Raw {
        status,
        content_type,
        body: body.to_owned(),
    }
}

/// Sends signed `query` with `biz_content` in the body.
async fn post(gateway: &LocalGateway, query: &[(String, String)], biz_content: &str) -> Raw {
    let body = form(&[("biz_content".to_owned(), biz_content.to_owned())]);
    post_raw(gateway, "/gateway.do", &form(query), &body).await
}

/// A verified answer: the key of the node, its exact text and its JSON.
struct Answer {
    key: String,
    text: String,
    node: Value,
}

/// Checks the HTTP envelope and the signature and returns the node.
fn verified(raw: &Raw, method: &str) -> Answer {
    assert_eq!(raw.status, 200, "{}", raw.body);
    assert_eq!(raw.content_type, "application/json;charset=utf-8");
    let span = extract::extract(&raw.body, method).unwrap();
    let sign = span.sign.expect("a sign");
    assert!(
        verify(&alipay_public(), SignType::Rsa2, span.content, &sign),
        "signature does not verify: {}",
        raw.body
    );
    Answer {
        key: span.key.to_owned(),
        text: span.content.to_owned(),
        node: serde_json::from_str(span.content).unwrap(),
    }
}

/// A signed call of `method`, verified.
async fn call(gateway: &LocalGateway, method: &str, biz_content: &str) -> Answer {
    let raw = post(gateway, &signed_query(method, biz_content), biz_content).await;
    let answer = verified(&raw, method);
    assert_eq!(answer.key, format!("{}_response", method.replace('.', "_")));
    answer
}

fn assert_failed(answer: &Answer, sub_code: &str, sub_msg: &str) {
    assert_eq!(answer.node["code"], "40004", "{}", answer.text);
    assert_eq!(answer.node["msg"], "Business Failed");
    assert_eq!(answer.node["sub_code"], sub_code);
    assert_eq!(answer.node["sub_msg"], sub_msg);
}

fn coupon_refund(out_request_no: &str, amount: &str) -> String {
    serde_json::json!({
        "auth_no": AUTH_NO,
        "out_request_no": out_request_no,
        "amount": amount,
        "remark": "红包退款 a+b%20c&d=e",
    })
    .to_string()
}

fn yuan(text: &str) -> Money {
    text.parse().unwrap()
}

// ---------------------------------------------------------------- successes

#[tokio::test]
async fn coupon_order_refund_succeeds_signed() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.01")).await;
    let node = &answer.node;
    assert!(
        answer
            .text
            .starts_with(r#"{"code":"10000","msg":"Success","#),
        "{}",
        answer.text
    );
    assert_eq!(node["amount"], "0.01");
    assert_eq!(node["auth_no"], AUTH_NO);
    assert_eq!(node["out_order_no"], OUT_ORDER_NO);
    assert_eq!(node["out_request_no"], "refund-1");
    assert_eq!(node["status"], "SUCCESS");
    let operation_id = node["operation_id"].as_str().unwrap();
    assert!(!operation_id.is_empty() && operation_id.bytes().all(|b| b.is_ascii_digit()));
    node["gmt_trans"]
        .as_str()
        .unwrap()
        .parse::<DateTime>()
        .unwrap();
    assert!(node.get("sub_code").is_none());
    assert_eq!(gw.refunded(AUTH_NO), yuan("0.01"));
}

#[tokio::test]
async fn fund_trans_refund_succeeds_signed() {
    let gw = gateway().await;
    gw.seed_transfer("20190703110075000006530004756875", yuan("8.88"));
    let biz = r#"{"order_id":"20190703110075000006530004756875","out_request_no":"2018999960760005838333","refund_amount":"8.88","remark":"红包超时退回"}"#;
    let answer = call(&gw, TRANS_REFUND, biz).await;
    let node = &answer.node;
    assert_eq!(node["code"], "10000");
    assert_eq!(node["msg"], "Success");
    assert_eq!(node["order_id"], "20190703110075000006530004756875");
    assert_eq!(node["out_request_no"], "2018999960760005838333");
    assert_eq!(node["refund_amount"], "8.88");
    assert_eq!(node["status"], "SUCCESS");
    assert!(
        node["refund_order_id"]
            .as_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    node["refund_date"]
        .as_str()
        .unwrap()
        .parse::<DateTime>()
        .unwrap();
    assert_eq!(
        gw.refunded("20190703110075000006530004756875"),
        yuan("8.88")
    );
}

#[tokio::test]
async fn fastpay_refund_query_answers_by_trade_no_or_out_trade_no() {
    let gw = gateway().await;
    gw.seed_trade(
        "2019031922001494891000002604",
        "sao201881610515614516",
        yuan("10.00"),
    );
    gw.seed_trade_refund(
        "2019031922001494891000002604",
        "HZ01RF001",
        yuan("3.00"),
        Some("正常退款"),
    );

    let answer = call(
        &gw,
        REFUND_QUERY,
        r#"{"out_trade_no":"sao201881610515614516","out_request_no":"HZ01RF001"}"#,
    )
    .await;
    let node = &answer.node;
    assert_eq!(node["code"], "10000");
    assert_eq!(node["trade_no"], "2019031922001494891000002604");
    assert_eq!(node["out_trade_no"], "sao201881610515614516");
    assert_eq!(node["out_request_no"], "HZ01RF001");
    assert_eq!(node["total_amount"], "10.00");
    assert_eq!(node["refund_amount"], "3.00");
    assert_eq!(node["refund_status"], "REFUND_SUCCESS");
    assert_eq!(node["refund_reason"], "正常退款");
    assert!(node.get("gmt_refund_pay").is_none());

    // trade_no wins over a wrong out_trade_no; query_options adds fields.
    let answer = call(
        &gw,
        REFUND_QUERY,
        r#"{"trade_no":"2019031922001494891000002604","out_trade_no":"nope","out_request_no":"HZ01RF001","query_options":["gmt_refund_pay"]}"#,
    )
    .await;
    assert_eq!(answer.node["refund_amount"], "3.00");
    assert!(answer.node["gmt_refund_pay"].is_string());

    // A trade without that refund: success, no refund details.
    let answer = call(
        &gw,
        REFUND_QUERY,
        r#"{"trade_no":"2019031922001494891000002604","out_request_no":"HZ01RF999"}"#,
    )
    .await;
    assert_eq!(
        answer.text,
        r#"{"code":"10000","msg":"Success","trade_no":"2019031922001494891000002604","out_trade_no":"sao201881610515614516","out_request_no":"HZ01RF999"}"#
    );

    let answer = call(
        &gw,
        REFUND_QUERY,
        r#"{"trade_no":"2019000000000000000000000000","out_request_no":"HZ01RF001"}"#,
    )
    .await;
    assert_failed(&answer, "ACQ.TRADE_NOT_EXIST", "交易不存在");

    let answer = call(&gw, REFUND_QUERY, r#"{"out_request_no":"HZ01RF001"}"#).await;
    assert_failed(&answer, "ACQ.INVALID_PARAMETER", "参数无效");
}

#[tokio::test]
async fn coupon_operation_query_finds_pay_and_refund_operations() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    let refund = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "1.50")).await;
    let operation_id = refund.node["operation_id"].as_str().unwrap();

    // auth_no + operation_id
    let biz = serde_json::json!({"auth_no": AUTH_NO, "operation_id": operation_id}).to_string();
    let answer = call(&gw, OPERATION_QUERY, &biz).await;
    let node = &answer.node;
    assert_eq!(node["code"], "10000");
    assert_eq!(node["amount"], "1.50");
    assert_eq!(node["auth_no"], AUTH_NO);
    assert_eq!(node["operation_id"], operation_id);
    assert_eq!(node["operation_type"], "REFUND");
    assert_eq!(node["out_order_no"], OUT_ORDER_NO);
    assert_eq!(node["out_request_no"], "refund-1");
    assert_eq!(node["status"], "SUCCESS");
    assert_eq!(node["remark"], "红包退款 a+b%20c&d=e");
    assert_eq!(node["total_pay_refund_amount"], "1.50");
    assert!(node["gmt_create"].is_string() && node["gmt_trans"].is_string());

    // auth_no + out_request_no (the document's 四.4)
    let biz = serde_json::json!({"auth_no": AUTH_NO, "out_request_no": "refund-1"}).to_string();
    let answer = call(&gw, OPERATION_QUERY, &biz).await;
    assert_eq!(answer.node["operation_id"], operation_id);

    // out_order_no + out_request_no: the seeded payment
    let biz = serde_json::json!({"out_order_no": OUT_ORDER_NO, "out_request_no": format!("seed-{AUTH_NO}")})
        .to_string();
    let answer = call(&gw, OPERATION_QUERY, &biz).await;
    assert_eq!(answer.node["operation_type"], "PAY");
    assert_eq!(answer.node["amount"], "10.00");
    assert_ne!(answer.node["operation_id"], operation_id);
    assert_eq!(answer.node["total_pay_refund_amount"], "1.50");

    let biz = serde_json::json!({"auth_no": AUTH_NO, "operation_id": "1"}).to_string();
    let answer = call(&gw, OPERATION_QUERY, &biz).await;
    assert_eq!(answer.node["code"], "40004");
    assert_eq!(answer.node["sub_code"], "AUTH_OPERATION_NOT_EXIST");
}

// ------------------------------------------------- public params, signature

/// Sends the call with `edit` applied to the signed query and returns the
/// raw answer, checking that no money moved.
async fn refused(edit: impl FnOnce(&mut Vec<(String, String)>)) -> Raw {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    let biz = coupon_refund("refund-1", "0.01");
    let mut query = signed_query(COUPON_REFUND, &biz);
    edit(&mut query);
    let raw = post(&gw, &query, &biz).await;
    assert_eq!(gw.refunded(AUTH_NO), Money::ZERO);
    raw
}

/// [`refused`], answered in a verified `error_response` node.
async fn gateway_error(edit: impl FnOnce(&mut Vec<(String, String)>)) -> Answer {
    let answer = verified(&refused(edit).await, COUPON_REFUND);
    assert_eq!(answer.key, "error_response");
    answer
}

const COUPON_KEY: &str = "alipay_fund_coupon_order_refund_response";

/// A change to a signed query.
type Edit = fn(&mut Vec<(String, String)>);

fn remove(query: &mut Vec<(String, String)>, key: &str) {
    query.retain(|(k, _)| k != key);
}

fn set(query: &mut [(String, String)], key: &str, value: &str) {
    for (k, v) in query.iter_mut() {
        if k == key {
            *v = value.to_owned();
        }
    }
}

#[tokio::test]
async fn missing_sign_is_40001_in_error_response() {
    let answer = gateway_error(|q| remove(q, "sign")).await;
    assert_eq!(
        answer.text,
        r#"{"code":"40001","msg":"Missing Required Arguments","sub_code":"isv.missing-signature","sub_msg":"缺少签名参数"}"#
    );
}

#[tokio::test]
async fn bad_signature_is_invalid_signature_inside_the_method_node() {
    // Signed, then a signed parameter changed. Alipay answers inside
    // `<method>_response`, signed, with the content it checked (the Node
    // SDK's example, src/alipay.ts): an SDK can verify it.
    let answer = verified(&refused(|q| set(q, "version", "1.1")).await, COUPON_REFUND);
    assert_eq!(answer.key, COUPON_KEY);
    assert_eq!(answer.node["code"], "40002");
    assert_eq!(answer.node["msg"], "Invalid Arguments");
    assert_eq!(answer.node["sub_code"], "isv.invalid-signature");
    let sub_msg = answer.node["sub_msg"].as_str().unwrap();
    assert!(
        sub_msg.starts_with(
            "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：app_id=2021000000000001&amp;biz_content="
        ),
        "{sub_msg}"
    );
    assert!(sub_msg.contains("&amp;version=1.1"), "{sub_msg}");
    assert!(!sub_msg.contains("sign="), "{sub_msg}");
}

#[tokio::test]
async fn public_params_are_checked_in_order() {
    // (edit, code, sub_code, under the method's key?)
    let cases: [(Edit, &str, &str, bool); 9] = [
        (
            |q| {
                remove(q, "method");
                remove(q, "sign");
            },
            "40001",
            "isv.missing-method",
            false,
        ),
        (
            |q| {
                remove(q, "sign_type");
                remove(q, "app_id");
            },
            "40001",
            "isv.missing-signature-type",
            false,
        ),
        (
            |q| remove(q, "app_id"),
            "40001",
            "isv.missing-app-id",
            false,
        ),
        (
            |q| remove(q, "timestamp"),
            "40001",
            "isv.missing-timestamp",
            false,
        ),
        (
            |q| remove(q, "version"),
            "40001",
            "isv.missing-version",
            false,
        ),
        (
            |q| {
                set(q, "timestamp", "yesterday");
                set(q, "sign_type", "SM2");
            },
            "40002",
            "isv.invalid-timestamp",
            true,
        ),
        (
            |q| set(q, "timestamp", "2024-01-01T10:00:00"),
            "40002",
            "isv.invalid-timestamp",
            true,
        ),
        (
            |q| set(q, "sign_type", "SM2"),
            "40002",
            "isv.invalid-signature-type",
            false,
        ),
        (
            |q| set(q, "sign", "bm90IGEgc2lnbmF0dXJl"),
            "40002",
            "isv.invalid-signature",
            true,
        ),
    ];
    for (edit, code, sub_code, in_method_node) in cases {
        let answer = verified(&refused(edit).await, COUPON_REFUND);
        let key = if in_method_node {
            COUPON_KEY
        } else {
            "error_response"
        };
        assert_eq!(answer.key, key, "{sub_code}");
        assert_eq!(answer.node["code"], code, "{}", answer.text);
        assert_eq!(answer.node["sub_code"], sub_code, "{}", answer.text);
        assert!(!answer.node["sub_msg"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_unknown_app_id_is_refused_unsigned_in_the_method_node() {
    // Alipay has no key pair for an app it does not know, so it cannot sign.
    let raw = refused(|q| {
        set(q, "app_id", "2021999999999999");
        set(q, "timestamp", "yesterday");
    })
    .await;
    assert_eq!(raw.status, 200);
    assert_eq!(
        raw.body,
        r#"{"alipay_fund_coupon_order_refund_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的appId参数"}}"#
    );
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_as_invalid() {
    let biz = coupon_refund("refund-1", "0.01");
    for (offset, refused_) in [(-16 * 60, true), (16 * 60, true), (-14 * 60, false)] {
        let gw = gateway().await;
        gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
        let at = DateTime::from_unix_timestamp(DateTime::now().unix_timestamp() + offset);
        let query = signed_query_at(COUPON_REFUND, &biz, at);
        let answer = verified(&post(&gw, &query, &biz).await, COUPON_REFUND);
        assert_eq!(answer.key, COUPON_KEY);
        if refused_ {
            assert_eq!(
                answer.text,
                r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-timestamp","sub_msg":"非法的时间戳参数"}"#,
                "{offset}"
            );
            assert_eq!(gw.refunded(AUTH_NO), Money::ZERO);
        } else {
            assert_eq!(answer.node["code"], "10000", "{offset}");
        }
    }
}

#[tokio::test]
async fn unknown_method_and_bad_biz_content_are_rejected_after_the_signature() {
    let gw = gateway().await;
    let biz = "{}";
    let raw = post(&gw, &signed_query("alipay.no.such.method", biz), biz).await;
    let answer = verified(&raw, "alipay.no.such.method");
    assert_eq!(answer.key, "error_response");
    assert_eq!(answer.node["sub_code"], "isv.invalid-method");
    assert_eq!(answer.node["sub_msg"], "不存在的方法名");

    // The coupon refund documents no invalid-parameter code of its own.
    for biz in [
        "not json",
        r#"{"auth_no":"1"}"#,
        r#"{"auth_no":"1","out_request_no":"2","amount":8.888,"remark":"x"}"#,
    ] {
        let raw = post(&gw, &signed_query(COUPON_REFUND, biz), biz).await;
        let answer = verified(&raw, COUPON_REFUND);
        assert_eq!(answer.key, COUPON_KEY);
        assert_eq!(
            answer.text,
            r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-parameter","sub_msg":"参数无效"}"#,
            "{biz}"
        );
    }
    // The transfer refund does: 40004 INVALID_PARAMETER, with its message.
    let biz = r#"{"order_id":"1","out_request_no":"2"}"#;
    let answer = call(&gw, TRANS_REFUND, biz).await;
    assert_failed(&answer, "INVALID_PARAMETER", "参数有误参数有误");
}

#[tokio::test]
async fn params_are_decoded_once_and_recorded() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    assert_eq!(gw.last_params(), None);
    let biz = coupon_refund("refund-1", "0.01");
    // The remark holds `+` and `%20`: decoding twice would break the signature.
    let answer = call(&gw, COUPON_REFUND, &biz).await;
    assert_eq!(answer.node["code"], "10000");
    let params = gw.last_params().unwrap();
    assert_eq!(params["biz_content"], biz);
    assert_eq!(params["method"], COUPON_REFUND);
    params["timestamp"].parse::<DateTime>().unwrap();
    assert_eq!(
        params.keys().collect::<Vec<_>>(),
        [
            "app_id",
            "biz_content",
            "charset",
            "format",
            "method",
            "sign",
            "sign_type",
            "timestamp",
            "version"
        ]
    );
    assert_eq!(gw.request_count(), 1);

    let raw = post_raw(&gw, "/other", "", "").await;
    assert_eq!(raw.status, 404);
    assert_eq!(gw.request_count(), 2);
}

// ------------------------------------------------------------ business rules

#[tokio::test]
async fn coupon_refund_beyond_the_remaining_amount_is_money_not_enough() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("1.00"));
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.60")).await;
    assert_eq!(answer.node["code"], "10000");
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-2", "0.41")).await;
    assert_eq!(
        answer.text,
        r#"{"code":"40004","msg":"Business Failed","sub_code":"MONEY_NOT_ENOUGH","sub_msg":"本次操作退款的金额超过剩余可退款金额","out_request_no":"refund-2"}"#
    );
    assert_eq!(gw.refunded(AUTH_NO), yuan("0.60"));
    // Exactly the rest is fine.
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-2", "0.40")).await;
    assert_eq!(answer.node["code"], "10000");
    assert_eq!(gw.refunded(AUTH_NO), yuan("1.00"));
}

#[tokio::test]
async fn coupon_refund_of_an_unknown_auth_no_fails() {
    let gw = gateway().await;
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.01")).await;
    assert_eq!(answer.node["code"], "40004");
    assert_eq!(answer.node["sub_code"], "AUTH_ORDER_NOT_EXIST");
}

#[tokio::test]
async fn reused_out_request_no_with_other_content_is_unique_violation() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.01")).await;
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.02")).await;
    assert_eq!(
        answer.text,
        r#"{"code":"40004","msg":"Business Failed","sub_code":"UNIQUE_VIOLATION","sub_msg":"退款失败,商户本次资金操作的请求流水号与之前有重复","out_request_no":"refund-1"}"#
    );
    assert_eq!(gw.refunded(AUTH_NO), yuan("0.01"));
}

#[tokio::test]
async fn out_request_no_is_unique_per_order_not_across_orders() {
    let gw = gateway().await;
    // Two red packets refunded under the same request number: two refunds.
    let other_auth_no = "2017122810002001950287006753";
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.seed_red_packet(other_auth_no, "other-order", yuan("10.00"));
    let first = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "1.00")).await;
    assert_eq!(first.node["code"], "10000");
    let biz = serde_json::json!({
        "auth_no": other_auth_no,
        "out_request_no": "refund-1",
        "amount": "2.00",
        "remark": "红包退款",
    })
    .to_string();
    let second = call(&gw, COUPON_REFUND, &biz).await;
    assert_eq!(second.node["code"], "10000", "{}", second.text);
    assert_eq!(second.node["auth_no"], other_auth_no);
    assert_eq!(gw.refunded(AUTH_NO), yuan("1.00"));
    assert_eq!(gw.refunded(other_auth_no), yuan("2.00"));

    // The same for two transfers.
    gw.seed_transfer("order-1", yuan("5.00"));
    gw.seed_transfer("order-2", yuan("5.00"));
    for (order, amount) in [("order-1", "1.00"), ("order-2", "2.00")] {
        let biz = format!(
            r#"{{"order_id":"{order}","out_request_no":"r-1","refund_amount":"{amount}"}}"#
        );
        let answer = call(&gw, TRANS_REFUND, &biz).await;
        assert_eq!(answer.node["code"], "10000", "{}", answer.text);
        assert_eq!(answer.node["order_id"], order);
    }
    assert_eq!(gw.refunded("order-1"), yuan("1.00"));
    assert_eq!(gw.refunded("order-2"), yuan("2.00"));
}

#[tokio::test]
async fn identical_resend_gets_the_same_answer_and_moves_money_once() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    let biz = coupon_refund("refund-1", "2.00");
    let first = call(&gw, COUPON_REFUND, &biz).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = call(&gw, COUPON_REFUND, &biz).await;
    assert_eq!(first.text, second.text);
    assert_eq!(gw.refunded(AUTH_NO), yuan("2.00"));

    // The same for alipay.fund.trans.refund, whose conflicts have their own code.
    gw.seed_transfer("order-1", yuan("5.00"));
    let biz = r#"{"order_id":"order-1","out_request_no":"r-1","refund_amount":"3.00"}"#;
    let first = call(&gw, TRANS_REFUND, biz).await;
    let second = call(&gw, TRANS_REFUND, biz).await;
    assert_eq!(first.text, second.text);
    assert_eq!(gw.refunded("order-1"), yuan("3.00"));
    let other = r#"{"order_id":"order-1","out_request_no":"r-1","refund_amount":"1.00"}"#;
    assert_failed(
        &call(&gw, TRANS_REFUND, other).await,
        "REFUND_INFO_INCONSISTENCY",
        "不一致的请求",
    );
    let too_much = r#"{"order_id":"order-1","out_request_no":"r-2","refund_amount":"2.01"}"#;
    assert_failed(
        &call(&gw, TRANS_REFUND, too_much).await,
        "REFUND_MONEY_NOT_ENOUGH",
        "可用金额为0或不足",
    );
    let unknown = r#"{"order_id":"order-2","out_request_no":"r-3","refund_amount":"1.00"}"#;
    assert_failed(
        &call(&gw, TRANS_REFUND, unknown).await,
        "ORDER_NOT_EXIST",
        "退款单据不存在",
    );
    assert_eq!(gw.refunded("order-1"), yuan("3.00"));
}

// -------------------------------------------------------------------- faults

#[tokio::test]
async fn delay_answers_late_but_processes() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.inject(Fault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "0.01")).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.node["code"], "10000");
    assert_eq!(gw.refunded(AUTH_NO), yuan("0.01"));
}

#[tokio::test]
async fn dropped_connection_moves_money_and_the_retry_gets_the_answer() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.inject(Fault::DropConnection);
    let biz = coupon_refund("refund-1", "1.00");
    let raw = post(&gw, &signed_query(COUPON_REFUND, &biz), &biz).await;
    assert_eq!(raw.status, 0, "expected no response, got {}", raw.body);
    assert_eq!(gw.refunded(AUTH_NO), yuan("1.00"));
    let retry = call(&gw, COUPON_REFUND, &biz).await;
    assert_eq!(retry.node["code"], "10000");
    assert_eq!(gw.refunded(AUTH_NO), yuan("1.00"));
    assert_eq!(gw.request_count(), 2);
}

#[tokio::test]
async fn http_status_fault_answers_html_without_processing() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.inject(Fault::HttpStatus(502));
    let biz = coupon_refund("refund-1", "1.00");
    let raw = post(&gw, &signed_query(COUPON_REFUND, &biz), &biz).await;
    assert_eq!(raw.status, 502);
    assert!(raw.content_type.starts_with("text/html"));
    assert!(raw.body.contains("502 Bad Gateway"));
    assert_eq!(gw.refunded(AUTH_NO), Money::ZERO);
}

#[tokio::test]
async fn tampered_signature_fails_verification() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.inject(Fault::TamperSignature);
    let biz = coupon_refund("refund-1", "1.00");
    let raw = post(&gw, &signed_query(COUPON_REFUND, &biz), &biz).await;
    assert_eq!(raw.status, 200);
    let span = extract::extract(&raw.body, COUPON_REFUND).unwrap();
    let node: Value = serde_json::from_str(span.content).unwrap();
    assert_eq!(node["code"], "10000");
    assert!(!verify(
        &alipay_public(),
        SignType::Rsa2,
        span.content,
        span.sign.as_deref().unwrap()
    ));
    // Processed normally: the money moved.
    assert_eq!(gw.refunded(AUTH_NO), yuan("1.00"));
}

#[tokio::test]
async fn system_error_fault_is_the_methods_system_error_without_processing() {
    let gw = gateway().await;
    gw.seed_red_packet(AUTH_NO, OUT_ORDER_NO, yuan("10.00"));
    gw.seed_transfer("order-1", yuan("5.00"));
    gw.seed_trade("trade-1", "out-trade-1", yuan("5.00"));

    gw.inject(Fault::SystemError);
    let answer = call(&gw, COUPON_REFUND, &coupon_refund("refund-1", "1.00")).await;
    assert_failed(&answer, "SYSTEM_ERROR", "系统繁忙");
    assert_eq!(gw.refunded(AUTH_NO), Money::ZERO);

    gw.inject(Fault::SystemError);
    let biz = r#"{"order_id":"order-1","out_request_no":"r-1","refund_amount":"1.00"}"#;
    assert_failed(
        &call(&gw, TRANS_REFUND, biz).await,
        "SYSTEM_ERROR",
        "系统繁忙",
    );
    assert_eq!(gw.refunded("order-1"), Money::ZERO);

    gw.inject(Fault::SystemError);
    let biz = r#"{"trade_no":"trade-1","out_request_no":"r-1"}"#;
    assert_failed(
        &call(&gw, REFUND_QUERY, biz).await,
        "ACQ.SYSTEM_ERROR",
        "系统错误",
    );

    gw.inject(Fault::SystemError);
    let biz = serde_json::json!({"auth_no": AUTH_NO, "out_request_no": format!("seed-{AUTH_NO}")})
        .to_string();
    assert_failed(
        &call(&gw, OPERATION_QUERY, &biz).await,
        "SYSTEM_ERROR",
        "系统繁忙",
    );
    // And the queue is empty again.
    assert_eq!(call(&gw, OPERATION_QUERY, &biz).await.node["code"], "10000");
}

#[tokio::test]
async fn gateway_unavailable_is_20000_in_the_method_node() {
    let gw = gateway().await;
    gw.seed_transfer("order-1", yuan("5.00"));
    gw.inject(Fault::GatewayUnavailable);
    let biz = r#"{"order_id":"order-1","out_request_no":"r-1","refund_amount":"1.00"}"#;
    let answer = call(&gw, TRANS_REFUND, biz).await;
    assert_eq!(
        answer.text,
        r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error","sub_msg":"系统繁忙"}"#
    );
    assert_eq!(gw.refunded("order-1"), Money::ZERO);
}

#[tokio::test]
async fn faults_apply_one_per_request_in_order() {
    let gw = gateway().await;
    gw.seed_transfer("order-1", yuan("5.00"));
    gw.inject(Fault::HttpStatus(503));
    gw.inject(Fault::GatewayUnavailable);
    let biz = r#"{"order_id":"order-1","out_request_no":"r-1","refund_amount":"1.00"}"#;
    let raw = post(&gw, &signed_query(TRANS_REFUND, biz), biz).await;
    assert_eq!(raw.status, 503);
    assert_eq!(call(&gw, TRANS_REFUND, biz).await.node["code"], "20000");
    assert_eq!(call(&gw, TRANS_REFUND, biz).await.node["code"], "10000");
    assert_eq!(gw.refunded("order-1"), yuan("1.00"));
}

#[tokio::test]
async fn dropping_the_gateway_stops_the_server() {
    let gw = gateway().await;
    let addr = gw.addr();
    drop(gw);
    // Give the aborted task a moment to release the socket.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}

// ------------------------------------------------------------ control errors

#[tokio::test]
async fn control_errors_say_what_to_send_and_are_not_counted() {
    let gw = gateway().await;
    let cases = [
        ("/__control/nope", "{}", 404, "the control endpoints are"),
        ("/__control/state", "", 405, "the control endpoints are"),
        (
            "/__control/seed",
            r#"{"kind":"trade_refund","trade_no":"t-1","out_request_no":"r","amount":"1.00"}"#,
            400,
            "was never seeded",
        ),
        (
            "/__control/seed",
            r#"{"kind":"transfer","order_id":"o","amount":"1.001"}"#,
            400,
            "send JSON such as",
        ),
        (
            "/__control/fault",
            r#"{"fault":"http_status","status":7}"#,
            400,
            "use 100 to 999",
        ),
    ];
    for (path, body, status, says) in cases {
        let raw = post_raw(&gw, path, "", body).await;
        assert_eq!(raw.status, status, "{path} {body}: {}", raw.body);
        let error: Value = serde_json::from_str(&raw.body).unwrap();
        assert!(
            error["error"].as_str().unwrap().contains(says),
            "{path} {body}: {}",
            raw.body
        );
    }
    assert_eq!(gw.request_count(), 0);
}
