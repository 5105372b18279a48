//! The payment flows end to end: the reqwest client, through the generated
//! request and response types, against the local gateway's trade and
//! transfer plug-ins on 127.0.0.1. Each test is one flow a merchant runs,
//! checked both through the answers and through the gateway's books.

use alipay_api::alipay_fund_trans_common_query::{
    AlipayFundTransCommonQueryErrorCode as CommonQueryCode,
    AlipayFundTransCommonQueryRequest as CommonQuery, TransCommonStatus,
};
use alipay_api::alipay_fund_trans_order_query::{
    AlipayFundTransOrderQueryRequest as OrderQuery, TransOrderStatus,
};
use alipay_api::alipay_fund_trans_uni_transfer::{
    AlipayFundTransUniTransferErrorCode as TransferCode,
    AlipayFundTransUniTransferRequest as Transfer, TransferStatus,
};
use alipay_api::alipay_trade_cancel::{Action, AlipayTradeCancelRequest as Cancel};
use alipay_api::alipay_trade_close::{
    AlipayTradeCloseErrorCode as CloseCode, AlipayTradeCloseRequest as Close,
};
use alipay_api::alipay_trade_create::AlipayTradeCreateRequest as Create;
use alipay_api::alipay_trade_fastpay_refund_query::{
    AlipayTradeFastpayRefundQueryRequest as RefundQuery, RefundStatus,
};
use alipay_api::alipay_trade_pay::{AlipayTradePayRequest as BarcodePay, Scene};
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest as Precreate;
use alipay_api::alipay_trade_query::{
    AlipayTradeQueryErrorCode as QueryCode, AlipayTradeQueryRequest as Query, TradeStatus,
};
use alipay_api::alipay_trade_refund::{
    AlipayTradeRefundErrorCode as RefundCode, AlipayTradeRefundRequest as Refund,
};
use alipay_api::types::Participant;
use alipay_local_gateway::{LocalGateway, PayError};
use alipay_runtime::{Client, Error, Money, Outcome};

mod support;
use support::{gateway_config, local_gateway, yuan};

fn client(gateway: &LocalGateway) -> Client {
    Client::new(gateway_config(gateway))
}

/// The business code of a refusal, checking it is a trusted, verified
/// failure: nothing happened, safe to treat as failed.
fn refused<C: alipay_runtime::ErrorCode + Clone, T: std::fmt::Debug>(
    result: Result<T, Error<C>>,
) -> C {
    let err = result.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Failed, "{err}");
    match err {
        Error::Business { code, .. } => code,
        other => panic!("not a business refusal: {other}"),
    }
}

#[tokio::test]
async fn qr_payment_paid_queried_refunded_twice_and_refused_beyond_what_remains() {
    let gw = local_gateway().await;
    let client = client(&gw);
    let out_trade_no = "qr-order-1";

    // The merchant shows a QR code.
    let precreate = Precreate::new(out_trade_no, yuan("88.88")).subject("Iphone6 16G");
    let created = client.execute(&precreate).await.unwrap();
    assert_eq!(created.out_trade_no.as_deref(), Some(out_trade_no));
    let qr_code = created.qr_code.unwrap();
    let trade = gw.trade(out_trade_no).unwrap();
    let gateway_base = gw.url().replace("/gateway.do", "");
    assert_eq!(qr_code, format!("{gateway_base}/qr/{}", trade.trade_no));
    assert_eq!(trade.status, TradeStatus::WaitBuyerPay);

    // Before the buyer pays: waiting, and nothing to refund.
    let query = Query::new().out_trade_no(out_trade_no);
    let waiting = client.execute(&query).await.unwrap();
    assert_eq!(waiting.trade_status, Some(TradeStatus::WaitBuyerPay));
    assert_eq!(waiting.buyer_user_id, None);
    let early = Refund::new(yuan("1.00"))
        .out_trade_no(out_trade_no)
        .out_request_no("early");
    assert_eq!(
        refused(client.execute(&early).await),
        RefundCode::AcqTradeStatusError
    );

    // The buyer scans and pays.
    let paid = gw.pay(out_trade_no).unwrap();
    assert_eq!(paid.status, TradeStatus::TradeSuccess);
    let buyer = paid.buyer_user_id.clone().unwrap();
    let answer = client.execute(&query).await.unwrap();
    assert_eq!(answer.trade_status, Some(TradeStatus::TradeSuccess));
    assert_eq!(answer.total_amount, Some(yuan("88.88")));
    assert_eq!(answer.trade_no.as_deref(), Some(paid.trade_no.as_str()));
    assert_eq!(answer.buyer_user_id.as_deref(), Some(buyer.as_str()));
    assert!(answer.buyer_logon_id.is_some() && answer.send_pay_date.is_some());
    // By trade_no too.
    let by_trade_no = Query::new().trade_no(paid.trade_no.clone());
    let answer = client.execute(&by_trade_no).await.unwrap();
    assert_eq!(answer.out_trade_no.as_deref(), Some(out_trade_no));
    // Paying twice is not possible.
    assert!(matches!(
        gw.pay(out_trade_no),
        Err(PayError::NotWaiting { .. })
    ));

    // Two partial refunds, each under its own out_request_no.
    let first = Refund::new(yuan("10.00"))
        .out_trade_no(out_trade_no)
        .out_request_no("refund-1")
        .refund_reason("少发一件");
    let answer = client.execute(&first).await.unwrap();
    assert_eq!(answer.fund_change.as_deref(), Some("Y"));
    assert_eq!(answer.refund_fee, Some(yuan("10.00")));
    let second = Refund::new(yuan("20.00"))
        .trade_no(paid.trade_no.clone())
        .out_request_no("refund-2");
    let answer = client.execute(&second).await.unwrap();
    assert_eq!(answer.fund_change.as_deref(), Some("Y"));
    assert_eq!(answer.refund_fee, Some(yuan("30.00")));
    assert_eq!(gw.trade(out_trade_no).unwrap().refunded, yuan("30.00"));

    // The first one resent (a retry after a timeout): same answer, no money.
    let again = client.execute(&first).await.unwrap();
    assert_eq!(again.fund_change.as_deref(), Some("N"));
    assert_eq!(again.refund_fee, Some(yuan("10.00")));
    assert_eq!(gw.trade(out_trade_no).unwrap().refunded, yuan("30.00"));

    // The refund query shows each refund.
    for (out_request_no, amount) in [("refund-1", "10.00"), ("refund-2", "20.00")] {
        let q = RefundQuery::new(out_request_no).out_trade_no(out_trade_no);
        let answer = client.execute(&q).await.unwrap();
        assert_eq!(answer.refund_status, Some(RefundStatus::RefundSuccess));
        assert_eq!(answer.refund_amount, Some(yuan(amount)));
        assert_eq!(answer.total_amount, Some(yuan("88.88")));
    }
    let q = RefundQuery::new("refund-1").out_trade_no(out_trade_no);
    assert_eq!(
        client.execute(&q).await.unwrap().refund_reason.as_deref(),
        Some("少发一件")
    );

    // More than remains (58.88): refused, nothing moves.
    let greedy = Refund::new(yuan("58.89"))
        .out_trade_no(out_trade_no)
        .out_request_no("refund-3");
    assert_eq!(
        refused(client.execute(&greedy).await),
        RefundCode::AcqRefundAmtNotEqualTotal
    );
    let trade = gw.trade(out_trade_no).unwrap();
    assert_eq!(trade.refunded, yuan("30.00"));
    assert_eq!(trade.status, TradeStatus::TradeSuccess);
    // And the refused number was not used up: the rest under it is a refund.
    let rest = Refund::new(yuan("58.88"))
        .out_trade_no(out_trade_no)
        .out_request_no("refund-3");
    assert_eq!(
        client.execute(&rest).await.unwrap().refund_fee,
        Some(yuan("88.88"))
    );
    // Refunded in full, the trade is closed.
    let answer = client.execute(&query).await.unwrap();
    assert_eq!(answer.trade_status, Some(TradeStatus::TradeClosed));
}

#[tokio::test]
async fn an_unpaid_trade_closes_and_a_paid_one_does_not() {
    let gw = local_gateway().await;
    let client = client(&gw);

    let create = Create::new("close-me", yuan("5.00"), "一杯咖啡");
    let created = client.execute(&create).await.unwrap();
    let trade_no = created.trade_no.unwrap();
    let close = Close::new().trade_no(trade_no.clone());
    let closed = client.execute(&close).await.unwrap();
    assert_eq!(closed.out_trade_no.as_deref(), Some("close-me"));
    let query = Query::new().out_trade_no("close-me");
    let answer = client.execute(&query).await.unwrap();
    assert_eq!(answer.trade_status, Some(TradeStatus::TradeClosed));
    // A closed trade cannot be paid.
    assert!(matches!(
        gw.pay("close-me"),
        Err(PayError::NotWaiting {
            status: TradeStatus::TradeClosed,
            ..
        })
    ));

    // Precreated and paid: closing is refused, the trade stays paid.
    let precreate = Precreate::new("keep-me", yuan("6.00"));
    client.execute(&precreate).await.unwrap();
    gw.pay("keep-me").unwrap();
    let close = Close::new().out_trade_no("keep-me");
    assert_eq!(
        refused(client.execute(&close).await),
        CloseCode::AcqTradeStatusError
    );
    assert_eq!(
        gw.trade("keep-me").unwrap().status,
        TradeStatus::TradeSuccess
    );

    // An unknown trade.
    let close = Close::new().out_trade_no("never-made");
    assert_eq!(
        refused(client.execute(&close).await),
        CloseCode::AcqTradeNotExist
    );
    let query = Query::new().out_trade_no("never-made");
    assert_eq!(
        refused(client.execute(&query).await),
        QueryCode::AcqTradeNotExist
    );
}

#[tokio::test]
async fn barcode_payment_is_paid_at_once_and_cancel_refunds_or_closes() {
    let gw = local_gateway().await;
    let client = client(&gw);

    let pay = BarcodePay::new("barcode-1", "一杯咖啡", yuan("12.50"))
        .scene(Scene::BarCode)
        .auth_code("28763443825664394");
    let paid = client.execute(&pay).await.unwrap();
    assert_eq!(paid.out_trade_no.as_deref(), Some("barcode-1"));
    assert_eq!(paid.total_amount, Some(yuan("12.50")));
    assert!(paid.buyer_user_id.is_some() && paid.gmt_payment.is_some());
    let query = Query::new().out_trade_no("barcode-1");
    let answer = client.execute(&query).await.unwrap();
    assert_eq!(answer.trade_status, Some(TradeStatus::TradeSuccess));

    // The pay result was unknown to the till: it cancels, which refunds.
    let cancel = Cancel::new().out_trade_no("barcode-1");
    let answer = client.execute(&cancel).await.unwrap();
    assert_eq!(answer.action, Some(Action::Refund));
    assert_eq!(answer.retry_flag.as_deref(), Some("N"));
    assert_eq!(answer.trade_no, paid.trade_no);
    let trade = gw.trade("barcode-1").unwrap();
    assert_eq!(trade.refunded, yuan("12.50"));
    assert_eq!(trade.status, TradeStatus::TradeClosed);
    // A resent cancel answers the same, and refunds nothing more.
    let again = client.execute(&cancel).await.unwrap();
    assert_eq!(again.action, Some(Action::Refund));
    assert_eq!(gw.trade("barcode-1").unwrap().refunded, yuan("12.50"));

    // Cancelling an unpaid trade closes it, without a refund.
    let create = Create::new("unpaid-1", yuan("3.00"), "一杯茶");
    client.execute(&create).await.unwrap();
    let cancel = Cancel::new().out_trade_no("unpaid-1");
    let answer = client.execute(&cancel).await.unwrap();
    assert_eq!(answer.action, Some(Action::Close));
    let trade = gw.trade("unpaid-1").unwrap();
    assert_eq!(
        (trade.status, trade.refunded),
        (TradeStatus::TradeClosed, Money::ZERO)
    );
}

#[tokio::test]
async fn a_transfer_is_queried_by_either_id_and_a_resend_transfers_once() {
    let gw = local_gateway().await;
    let client = client(&gw);

    let transfer = Transfer::new()
        .out_biz_no("payout-20240101-1")
        .trans_amount(yuan("100.00"))
        .product_code("TRANS_ACCOUNT_NO_PWD")
        .biz_scene("DIRECT_TRANSFER")
        .order_title("佣金")
        .payee_info(
            Participant::new()
                .identity("2088123412341234")
                .identity_type("ALIPAY_USER_ID"),
        );
    let done = client.execute(&transfer).await.unwrap();
    assert_eq!(done.out_biz_no.as_deref(), Some("payout-20240101-1"));
    assert_eq!(done.status, Some(TransferStatus::Success));
    let order_id = done.order_id.clone().unwrap();
    assert!(done.pay_fund_order_id.is_some() && done.trans_date.is_some());

    // A resend after a timeout: the same transfer, not a second one.
    let again = client.execute(&transfer).await.unwrap();
    assert_eq!(again, done);
    // The same out_biz_no for another amount is refused.
    let other = transfer.clone().trans_amount(yuan("200.00"));
    assert_eq!(
        refused(client.execute(&other).await),
        TransferCode::PaymentInfoInconsistency
    );

    // The transfer's status, by out_biz_no and by order_id.
    let by_out_biz_no = CommonQuery::new().out_biz_no("payout-20240101-1");
    let answer = client.execute(&by_out_biz_no).await.unwrap();
    assert_eq!(answer.status, Some(TransCommonStatus::Success));
    assert_eq!(answer.order_id.as_deref(), Some(order_id.as_str()));
    assert_eq!(answer.trans_amount, Some(yuan("100.00")));
    let by_order_id = CommonQuery::new().order_id(order_id.clone());
    let answer = client.execute(&by_order_id).await.unwrap();
    assert_eq!(answer.out_biz_no.as_deref(), Some("payout-20240101-1"));
    let answer = client
        .execute(&OrderQuery::new().order_id(order_id.clone()))
        .await
        .unwrap();
    assert_eq!(answer.status, Some(TransOrderStatus::Success));
    assert_eq!(answer.out_biz_no.as_deref(), Some("payout-20240101-1"));
    let answer = client
        .execute(&OrderQuery::new().out_biz_no("payout-20240101-1"))
        .await
        .unwrap();
    assert_eq!(answer.order_id.as_deref(), Some(order_id.as_str()));

    let unknown = CommonQuery::new().out_biz_no("never-sent");
    assert_eq!(
        refused(client.execute(&unknown).await),
        CommonQueryCode::OrderNotExist
    );
}
