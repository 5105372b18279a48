//! The payment-core plug-ins (trades and transfers), driven with raw signed
//! requests: every refusal they answer, with the code and message the
//! method's spec documents, and that a refusal changes nothing.

mod support;

use alipay_local_gateway::{LocalGateway, PayError, TradeStatus};
use alipay_runtime::Money;
use serde_json::{Value, json};
use support::{Answer, assert_failed, call, gateway, post_raw, request_raw, yuan};

const PRECREATE: &str = "alipay.trade.precreate";
const CREATE: &str = "alipay.trade.create";
const PAY: &str = "alipay.trade.pay";
const QUERY: &str = "alipay.trade.query";
const REFUND: &str = "alipay.trade.refund";
const REFUND_QUERY: &str = "alipay.trade.fastpay.refund.query";
const CLOSE: &str = "alipay.trade.close";
const CANCEL: &str = "alipay.trade.cancel";
const TRANSFER: &str = "alipay.fund.trans.uni.transfer";
const COMMON_QUERY: &str = "alipay.fund.trans.common.query";
const ORDER_QUERY: &str = "alipay.fund.trans.order.query";

async fn send(gw: &LocalGateway, method: &str, biz: Value) -> Answer {
    call(gw, method, &biz.to_string()).await
}

/// A paid trade of `total`, made by barcode pay.
async fn paid(gw: &LocalGateway, out_trade_no: &str, total: &str) -> Answer {
    let answer = send(
        gw,
        PAY,
        json!({"out_trade_no": out_trade_no, "subject": "s", "total_amount": total,
               "scene": "bar_code", "auth_code": "28763443825664394"}),
    )
    .await;
    assert_eq!(answer.node["code"], "10000", "{}", answer.text);
    answer
}

fn refund(out_trade_no: &str, out_request_no: Option<&str>, amount: &str) -> Value {
    let mut biz = json!({"out_trade_no": out_trade_no, "refund_amount": amount});
    if let Some(no) = out_request_no {
        biz["out_request_no"] = json!(no);
    }
    biz
}

#[tokio::test]
async fn refunds_are_refused_as_documented_and_move_nothing() {
    let gw = gateway().await;

    let answer = send(&gw, REFUND, refund("nope", Some("r-1"), "1.00")).await;
    assert_failed(&answer, "ACQ.TRADE_NOT_EXIST", "交易不存在");

    // Unpaid.
    send(
        &gw,
        CREATE,
        json!({"out_trade_no": "unpaid", "total_amount": "9.00", "subject": "s"}),
    )
    .await;
    let answer = send(&gw, REFUND, refund("unpaid", Some("r-1"), "1.00")).await;
    assert_failed(&answer, "ACQ.TRADE_STATUS_ERROR", "交易状态非法");

    paid(&gw, "t-1", "10.00").await;
    // A partial refund needs an out_request_no.
    let answer = send(&gw, REFUND, refund("t-1", None, "1.00")).await;
    assert_failed(&answer, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    let answer = send(&gw, REFUND, refund("t-1", Some("r-1"), "4.00")).await;
    assert_eq!(answer.node["fund_change"], "Y", "{}", answer.text);
    assert_eq!(answer.node["refund_fee"], "4.00");
    // The same number for another amount.
    let answer = send(&gw, REFUND, refund("t-1", Some("r-1"), "5.00")).await;
    assert_failed(&answer, "ACQ.DISCORDANT_REPEAT_REQUEST", "不一致的请求");
    // More than remains (6.00).
    let answer = send(&gw, REFUND, refund("t-1", Some("r-2"), "6.01")).await;
    assert_failed(&answer, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    let trade = gw.trade("t-1").unwrap();
    assert_eq!(
        (trade.refunded, trade.status),
        (yuan("4.00"), TradeStatus::TradeSuccess)
    );
    assert_eq!(gw.refunded(&trade.trade_no), yuan("4.00"));
    // An identical resend of r-1 answers fund_change N and moves nothing.
    let answer = send(&gw, REFUND, refund("t-1", Some("r-1"), "4.00")).await;
    assert_eq!(answer.node["fund_change"], "N");
    assert_eq!(gw.trade("t-1").unwrap().refunded, yuan("4.00"));
    // The rest, under the number refused above (a refusal does not use it
    // up): the trade closes, and is refused from then on.
    let answer = send(&gw, REFUND, refund("t-1", Some("r-2"), "6.00")).await;
    assert_eq!(answer.node["refund_fee"], "10.00");
    assert_eq!(gw.trade("t-1").unwrap().status, TradeStatus::TradeClosed);
    let answer = send(&gw, REFUND, refund("t-1", Some("r-3"), "0.01")).await;
    assert_failed(&answer, "ACQ.TRADE_HAS_CLOSE", "");
}

#[tokio::test]
async fn a_full_refund_without_out_request_no_is_filed_under_out_trade_no() {
    let gw = gateway().await;
    paid(&gw, "t-full", "3.00").await;
    let answer = send(&gw, REFUND, refund("t-full", None, "3.00")).await;
    assert_eq!(answer.node["fund_change"], "Y", "{}", answer.text);
    let answer = send(
        &gw,
        REFUND_QUERY,
        json!({"out_trade_no": "t-full", "out_request_no": "t-full"}),
    )
    .await;
    assert_eq!(answer.node["refund_amount"], "3.00", "{}", answer.text);
    assert_eq!(answer.node["refund_status"], "REFUND_SUCCESS");
}

#[tokio::test]
async fn a_seeded_trade_is_paid_and_refundable() {
    let gw = gateway().await;
    gw.seed_trade("2019031922001494891000002604", "seeded-1", yuan("10.00"));
    gw.seed_trade_refund("2019031922001494891000002604", "old", yuan("8.00"), None);
    let answer = send(&gw, QUERY, json!({"out_trade_no": "seeded-1"})).await;
    assert_eq!(
        answer.node["trade_status"], "TRADE_SUCCESS",
        "{}",
        answer.text
    );
    let answer = send(&gw, REFUND, refund("seeded-1", Some("new"), "2.01")).await;
    assert_failed(&answer, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    let answer = send(&gw, REFUND, refund("seeded-1", Some("new"), "2.00")).await;
    assert_eq!(answer.node["refund_fee"], "10.00", "{}", answer.text);
    assert_eq!(answer.node["trade_no"], "2019031922001494891000002604");
}

#[tokio::test]
async fn an_out_trade_no_is_used_once() {
    let gw = gateway().await;
    let precreate = json!({"out_trade_no": "o-1", "total_amount": "5.00"});
    let first = send(&gw, PRECREATE, precreate.clone()).await;
    let qr_code = first.node["qr_code"].as_str().unwrap().to_owned();
    let trade_no = gw.trade("o-1").unwrap().trade_no;
    assert_eq!(
        qr_code,
        format!("http://{}/qr/{trade_no}", gw.addr()),
        "{}",
        first.text
    );
    assert_eq!(trade_no.len(), 28);
    assert!(trade_no.bytes().all(|b| b.is_ascii_digit()));
    // A resend while unpaid: the same QR code, no second trade.
    let again = send(&gw, PRECREATE, precreate.clone()).await;
    assert_eq!(again.node["qr_code"], qr_code.as_str());
    // The same number for another amount.
    let answer = send(
        &gw,
        PRECREATE,
        json!({"out_trade_no": "o-1", "total_amount": "6.00"}),
    )
    .await;
    assert_failed(&answer, "ACQ.CONTEXT_INCONSISTENT", "");
    assert_eq!(gw.trade("o-1").unwrap().total, yuan("5.00"));

    gw.pay("o-1").unwrap();
    let answer = send(&gw, PRECREATE, precreate).await;
    assert_failed(&answer, "ACQ.TRADE_HAS_SUCCESS", "");
    let answer = send(
        &gw,
        PAY,
        json!({"out_trade_no": "o-1", "subject": "s", "total_amount": "5.00"}),
    )
    .await;
    assert_failed(&answer, "ACQ.TRADE_HAS_SUCCESS", "交易已被支付");

    let create = json!({"out_trade_no": "o-2", "total_amount": "1.00", "subject": "s"});
    send(&gw, CREATE, create.clone()).await;
    send(&gw, CLOSE, json!({"out_trade_no": "o-2"})).await;
    let answer = send(&gw, CREATE, create).await;
    assert_failed(&answer, "ACQ.TRADE_HAS_CLOSE", "");
    let answer = send(
        &gw,
        PAY,
        json!({"out_trade_no": "o-2", "subject": "s", "total_amount": "1.00"}),
    )
    .await;
    assert_failed(&answer, "ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
}

#[tokio::test]
async fn query_close_and_cancel_refusals() {
    let gw = gateway().await;
    let answer = send(
        &gw,
        QUERY,
        json!({"trade_no": "2024000000000000000000000000"}),
    )
    .await;
    assert_failed(&answer, "ACQ.TRADE_NOT_EXIST", "查询的交易不存在");
    let answer = send(&gw, CLOSE, json!({"out_trade_no": "nope"})).await;
    assert_failed(&answer, "ACQ.TRADE_NOT_EXIST", "交易不存在");

    paid(&gw, "p-1", "2.00").await;
    let answer = send(&gw, CLOSE, json!({"out_trade_no": "p-1"})).await;
    assert_failed(&answer, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    // Closing twice.
    send(
        &gw,
        CREATE,
        json!({"out_trade_no": "c-1", "total_amount": "1.00", "subject": "s"}),
    )
    .await;
    let answer = send(&gw, CLOSE, json!({"out_trade_no": "c-1"})).await;
    assert_eq!(answer.node["code"], "10000", "{}", answer.text);
    let answer = send(&gw, CLOSE, json!({"out_trade_no": "c-1"})).await;
    assert_failed(&answer, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");

    // Cancel of an unknown trade: success without an action.
    let answer = send(&gw, CANCEL, json!({"out_trade_no": "nope"})).await;
    assert_eq!(
        answer.text,
        r#"{"code":"10000","msg":"Success","out_trade_no":"nope","retry_flag":"N"}"#
    );
    // Cancel after a refund is refused, and refunds nothing.
    send(&gw, REFUND, refund("p-1", Some("r"), "0.50")).await;
    let answer = send(&gw, CANCEL, json!({"out_trade_no": "p-1"})).await;
    assert_failed(&answer, "ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额无效");
    let trade = gw.trade("p-1").unwrap();
    assert_eq!(
        (trade.refunded, trade.status),
        (yuan("0.50"), TradeStatus::TradeSuccess)
    );
}

#[tokio::test]
async fn transfers_are_idempotent_by_out_biz_no_and_refused_as_documented() {
    let gw = gateway().await;
    let transfer = json!({"out_biz_no": "b-1", "trans_amount": "1.00",
                          "product_code": "TRANS_ACCOUNT_NO_PWD", "biz_scene": "DIRECT_TRANSFER"});
    let first = send(&gw, TRANSFER, transfer.clone()).await;
    assert_eq!(first.node["status"], "SUCCESS", "{}", first.text);
    let again = send(&gw, TRANSFER, transfer).await;
    assert_eq!(again.text, first.text);
    let answer = send(
        &gw,
        TRANSFER,
        json!({"out_biz_no": "b-1", "trans_amount": "2.00"}),
    )
    .await;
    assert_failed(&answer, "PAYMENT_INFO_INCONSISTENCY", "");
    // No out_biz_no or no amount: the method's INVALID_PARAMETER.
    for biz in [
        json!({"trans_amount": "1.00"}),
        json!({"out_biz_no": "b-2"}),
    ] {
        let answer = send(&gw, TRANSFER, biz).await;
        assert_failed(&answer, "INVALID_PARAMETER", "");
    }
    let order_id = first.node["order_id"].as_str().unwrap();
    let pay_fund_order_id = first.node["pay_fund_order_id"].as_str().unwrap();
    assert_ne!(order_id, pay_fund_order_id);
    // pay_fund_order_id wins over the others.
    let answer = send(
        &gw,
        COMMON_QUERY,
        json!({"pay_fund_order_id": pay_fund_order_id, "out_biz_no": "other"}),
    )
    .await;
    assert_eq!(answer.node["order_id"], order_id, "{}", answer.text);
    for query in [COMMON_QUERY, ORDER_QUERY] {
        let answer = send(&gw, query, json!({"out_biz_no": "b-9"})).await;
        assert_failed(&answer, "ORDER_NOT_EXIST", "");
        let answer = send(&gw, query, json!({"order_id": "2024"})).await;
        assert_failed(&answer, "ORDER_NOT_EXIST", "");
    }
}

#[tokio::test]
async fn the_buyer_pays_through_the_library_or_the_control_endpoint() {
    let gw = gateway().await;
    assert_eq!(
        gw.pay("nope").unwrap_err(),
        PayError::UnknownTrade {
            out_trade_no: "nope".into()
        }
    );
    assert!(
        gw.pay("nope")
            .unwrap_err()
            .to_string()
            .contains("create it first")
    );
    send(
        &gw,
        PRECREATE,
        json!({"out_trade_no": "ctl-1", "total_amount": "7.00"}),
    )
    .await;
    let raw = post_raw(&gw, "/__control/pay", "", r#"{"out_trade_no":"ctl-1"}"#).await;
    assert_eq!(raw.status, 200, "{}", raw.body);
    let paid: Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(paid["trade_status"], "TRADE_SUCCESS");
    assert_eq!(paid["total_amount"], "7.00");
    assert!(paid["buyer_user_id"].is_string());
    let answer = send(&gw, QUERY, json!({"out_trade_no": "ctl-1"})).await;
    assert_eq!(answer.node["trade_status"], "TRADE_SUCCESS");
    assert_eq!(answer.node["buyer_user_id"], paid["buyer_user_id"]);

    let cases = [
        (r#"{"out_trade_no":"ctl-1"}"#, 409, "not WAIT_BUYER_PAY"),
        (
            r#"{"out_trade_no":"ctl-2"}"#,
            404,
            "no trade has out_trade_no",
        ),
        (r#"{"trade_no":"1"}"#, 400, "send JSON such as"),
    ];
    for (body, status, says) in cases {
        let raw = post_raw(&gw, "/__control/pay", "", body).await;
        assert_eq!(raw.status, status, "{body}: {}", raw.body);
        let error: Value = serde_json::from_str(&raw.body).unwrap();
        assert!(
            error["error"].as_str().unwrap().contains(says),
            "{}",
            raw.body
        );
    }
    let raw = request_raw(&gw, "GET", "/__control/pay", "", "").await;
    assert_eq!(raw.status, 405);

    let raw = request_raw(&gw, "GET", "/__control/state", "", "").await;
    let state: Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(state["trades"][0]["out_trade_no"], "ctl-1");
    assert_eq!(state["trades"][0]["trade_status"], "TRADE_SUCCESS");
    assert_eq!(state["trades"][0]["refunded"], "0.00");
    // Control requests are not gateway requests.
    assert_eq!(gw.request_count(), 2);
    assert_eq!(gw.trade("ctl-1").unwrap().refunded, Money::ZERO);
}
