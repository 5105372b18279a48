//! End to end over HTTP: the reqwest client, through the generated models,
//! against the local gateway on 127.0.0.1. Nothing touches the internet.

#[path = "support/spec_set.rs"]
mod spec_set;

use std::time::Duration;

use alipay_api::alipay_fund_coupon_operation_query::{
    AlipayFundCouponOperationQueryRequest as OperationQuery, OperationType,
};
use alipay_api::alipay_fund_coupon_order_refund::{
    AlipayFundCouponOrderRefundErrorCode as CouponCode,
    AlipayFundCouponOrderRefundRequest as CouponRefund, Status,
};
use alipay_api::alipay_fund_trans_refund::{
    AlipayFundTransRefundErrorCode as TransCode, AlipayFundTransRefundRequest as TransRefund,
};
use alipay_api::alipay_trade_fastpay_refund_query::{
    AlipayTradeFastpayRefundQueryErrorCode as QueryCode,
    AlipayTradeFastpayRefundQueryRequest as RefundQuery, RefundStatus,
};
use alipay_local_gateway::{Fault, LocalGateway};
use alipay_runtime::error::{ResponseKey, SignatureError};
use alipay_runtime::{
    AlipayRequest, CallOptions, Client, Config, Error, ErrorCode, MethodVisitor, Money, Outcome,
    Retry, ServerCall, outcome,
};
use serde::de::DeserializeOwned;

mod support;
use support::{APP_ID, gateway_config, local_gateway, vector, yuan};

fn config(gateway: &LocalGateway) -> Config {
    gateway_config(gateway)
}

#[tokio::test]
async fn coupon_refund_success_resend_and_business_errors() {
    let gw = local_gateway().await;
    gw.seed_red_packet(
        "2017122810002001950287006752",
        "2017122716463224",
        yuan("10.00"),
    );
    let client = Client::new(config(&gw));

    let refund = CouponRefund::new(
        "2017122810002001950287006752",
        "refund20171228254",
        yuan("3.00"),
        "红包退款",
    );
    let options = CallOptions::new().notify_url("https://merchant.example/notify");
    let first = client.execute_with(&refund, &options).await.unwrap();
    assert_eq!(first.status, Some(Status::Success));
    assert_eq!(first.amount, Some(yuan("3.00")));
    assert!(first.gmt_trans.is_some() && first.operation_id.is_some());
    assert_eq!(
        gw.last_params().unwrap()["notify_url"],
        "https://merchant.example/notify"
    );

    // The same request again: the same answer, the money moved once.
    let again = client.execute(&refund).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(gw.refunded("2017122810002001950287006752"), yuan("3.00"));

    // The same out_request_no with other content.
    let changed = CouponRefund::new(
        "2017122810002001950287006752",
        "refund20171228254",
        yuan("4.00"),
        "红包退款",
    );
    let err = client.execute(&changed).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: CouponCode::UniqueViolation,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Failed);

    // More than remains (7.00).
    let greedy = CouponRefund::new(
        "2017122810002001950287006752",
        "refund2",
        yuan("7.01"),
        "红包退款",
    );
    let err = client.execute(&greedy).await.unwrap_err();
    let Error::Business { code, sub_msg, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(code, &CouponCode::MoneyNotEnough);
    assert_eq!(
        sub_msg.as_deref(),
        Some("本次操作退款的金额超过剩余可退款金额")
    );
    let rest = CouponRefund::new(
        "2017122810002001950287006752",
        "refund3",
        yuan("7.00"),
        "红包退款",
    );
    assert!(client.execute(&rest).await.is_ok());
    assert_eq!(gw.refunded("2017122810002001950287006752"), yuan("10.00"));

    // The operation query finds the refund by each documented pairing,
    // including the document's own auth_no + out_request_no (四、显示效果 4),
    // which the client validates before signing.
    let by_refund_nos = OperationQuery::new()
        .auth_no("2017122810002001950287006752")
        .out_request_no("refund20171228254");
    assert_eq!(
        client.execute(&by_refund_nos).await.unwrap().operation_id,
        first.operation_id
    );
    let by_ids = OperationQuery::new()
        .auth_no("2017122810002001950287006752")
        .operation_id(first.operation_id.clone().unwrap());
    let found = client.execute(&by_ids).await.unwrap();
    assert_eq!(found.operation_type, Some(OperationType::Refund));
    assert_eq!(found.amount, Some(yuan("3.00")));
    assert_eq!(found.total_pay_refund_amount, Some(yuan("10.00")));
    let by_merchant_nos = OperationQuery::new()
        .out_order_no("2017122716463224")
        .out_request_no("refund20171228254");
    assert_eq!(
        client.execute(&by_merchant_nos).await.unwrap().operation_id,
        first.operation_id
    );
}

#[tokio::test]
async fn trans_refund_and_refund_query() {
    let gw = local_gateway().await;
    gw.seed_transfer("20190703110075000006530004756875", yuan("8.88"));
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
    let client = Client::new(config(&gw));

    let refund = TransRefund::new(
        "20190703110075000006530004756875",
        "2018999960760005838333",
        yuan("8.88"),
    )
    .remark("红包超时退回");
    let ok = client.execute(&refund).await.unwrap();
    assert_eq!(ok.refund_amount, Some(yuan("8.88")));
    assert!(ok.refund_date.is_some() && ok.refund_order_id.is_some());
    assert_eq!(
        client.execute(&refund).await.unwrap(),
        ok,
        "an identical resend answers the same"
    );
    assert_eq!(
        gw.refunded("20190703110075000006530004756875"),
        yuan("8.88")
    );

    let more = TransRefund::new("20190703110075000006530004756875", "another", yuan("0.01"));
    let err = client.execute(&more).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: TransCode::RefundMoneyNotEnough,
                ..
            }
        ),
        "{err}"
    );
    let reused = TransRefund::new(
        "20190703110075000006530004756875",
        "2018999960760005838333",
        yuan("1.00"),
    );
    let err = client.execute(&reused).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: TransCode::RefundInfoInconsistency,
                ..
            }
        ),
        "{err}"
    );
    let missing = TransRefund::new("nope", "x", yuan("1.00"));
    let err = client.execute(&missing).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: TransCode::OrderNotExist,
                ..
            }
        ),
        "{err}"
    );

    // Found by the merchant's order number, or by Alipay's trade number.
    let by_out = RefundQuery::new("HZ01RF001").out_trade_no("sao201881610515614516");
    let found = client.execute(&by_out).await.unwrap();
    assert_eq!(
        (found.refund_amount, found.total_amount),
        (Some(yuan("3.00")), Some(yuan("10.00")))
    );
    assert_eq!(found.refund_status, Some(RefundStatus::RefundSuccess));
    let by_trade = RefundQuery::new("HZ01RF001").trade_no("2019031922001494891000002604");
    assert_eq!(
        client.execute(&by_trade).await.unwrap().refund_amount,
        Some(yuan("3.00"))
    );
    // No such refund: a success without refund details, as the document says.
    let none = client
        .execute(&RefundQuery::new("HZ01RF999").trade_no("2019031922001494891000002604"))
        .await
        .unwrap();
    assert_eq!((none.refund_amount, none.refund_status), (None, None));
    let err = client
        .execute(&RefundQuery::new("HZ01RF001").trade_no("unknown"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: QueryCode::AcqTradeNotExist,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn every_fault_is_classified() {
    let gw = local_gateway().await;
    gw.seed_transfer("order-1", yuan("100.00"));
    let client = Client::new(config(&gw).timeout(Duration::from_millis(300)));
    let refund = |no: &str| TransRefund::new("order-1", no, yuan("1.00"));

    gw.inject(Fault::Delay(Duration::from_millis(800)));
    let err = client.execute(&refund("delay")).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.timed_out), "{err}");
    assert_eq!(err.outcome(), Outcome::Unknown);

    gw.inject(Fault::DropConnection);
    let err = client.execute(&refund("drop")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err}");
    assert_eq!(err.outcome(), Outcome::Unknown);

    gw.inject(Fault::HttpStatus(502));
    let err = client.execute(&refund("502")).await.unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 502, .. }),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);

    gw.inject(Fault::TamperSignature);
    let err = client.execute(&refund("tamper")).await.unwrap_err();
    assert!(
        matches!(err, Error::Signature(SignatureError::Mismatch)),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);

    gw.inject(Fault::SystemError);
    let result = client.execute(&refund("system")).await;
    assert_eq!(
        outcome(&result),
        Outcome::Unknown,
        "SYSTEM_ERROR is documented as unknown"
    );
    assert!(matches!(
        result,
        Err(Error::Business {
            code: TransCode::SystemError,
            ..
        })
    ));

    gw.inject(Fault::GatewayUnavailable);
    let err = client.execute(&refund("busy")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Gateway(g) if g.code == "20000"),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);

    // Nothing listening: the request never left.
    let closed = Client::new(config(&gw).gateway("http://127.0.0.1:9/gateway.do"));
    let err = closed.execute(&refund("closed")).await.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Failed, "{err}");
}

#[tokio::test]
async fn an_opt_in_retry_resolves_an_unknown_outcome_without_moving_money_twice() {
    let gw = local_gateway().await;
    gw.seed_transfer("order-2", yuan("5.00"));
    let client = Client::new(
        config(&gw)
            .timeout(Duration::from_millis(300))
            .retry(Retry {
                max_resends: 2,
                backoff: Duration::from_millis(10),
            }),
    );
    // The first attempt is processed but its answer is lost.
    gw.inject(Fault::DropConnection);
    let ok = client
        .execute(&TransRefund::new("order-2", "r-1", yuan("2.00")))
        .await
        .unwrap();
    assert_eq!(ok.refund_amount, Some(yuan("2.00")));
    assert_eq!(gw.request_count(), 2);
    assert_eq!(
        gw.refunded("order-2"),
        yuan("2.00"),
        "the resend was idempotent"
    );
}

#[tokio::test]
async fn wrong_keys_are_rejected_on_both_sides() {
    let gw = local_gateway().await;
    gw.seed_transfer("order-3", yuan("5.00"));
    let request = TransRefund::new("order-3", "r", yuan("1.00"));

    // The app signs with a key the gateway does not know: refused, and no
    // money moves. As Alipay does, the gateway answers under the method's
    // key, signed (40002 isv.invalid-signature): a verified refusal, so the
    // outcome is failed.
    let unknown_app = Config::new(
        APP_ID,
        &vector("stranger_private_pkcs8.txt"),
        &vector("alipay_public.txt"),
    )
    .unwrap()
    .gateway(gw.url());
    let err = Client::new(unknown_app)
        .execute(&request)
        .await
        .unwrap_err();
    let Error::Gateway(g) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        (g.code.as_str(), g.sub_code.as_deref()),
        ("40002", Some("isv.invalid-signature"))
    );
    assert_eq!(g.key, ResponseKey::Method);
    assert!(g.verified);
    assert_eq!(err.outcome(), Outcome::Failed);
    assert_eq!(gw.refunded("order-3"), Money::ZERO);

    // The client trusts only the configured Alipay key: a response signed by
    // any other key is refused, and its outcome is unknown (the money moved).
    let wrong_alipay = Config::new(
        APP_ID,
        &vector("app_private_pkcs8.txt"),
        &vector("stranger_public.txt"),
    )
    .unwrap()
    .gateway(gw.url());
    let err = Client::new(wrong_alipay)
        .execute(&request)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Signature(SignatureError::Mismatch)),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert_eq!(gw.refunded("order-3"), yuan("1.00"));
}

/// Calls every method of the generated crate through the client against the
/// local gateway, driven by the specs with no method named: each request
/// example once as it is (the gateway must answer it as the method, with a
/// verified, typed success or listed refusal), then once per documented
/// business code, injected, which must arrive typed, with its meaning, and
/// classified as the spec says.
struct EndToEnd<'a> {
    specs: &'a spec_set::SpecSet,
    runtime: &'a tokio::runtime::Runtime,
    gateway: &'a LocalGateway,
    client: &'a Client,
    visited: Vec<&'static str>,
    /// Requests sent, to compare with what the gateway counted.
    sent: usize,
}

impl MethodVisitor for EndToEnd<'_> {
    /// Page and app calls are never sent by the server: `tests/page.rs`
    /// covers how they are signed and shaped.
    fn visit<R>(&mut self)
    where
        R: AlipayRequest + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
        R::Response: serde::Serialize + std::fmt::Debug + Send + 'static,
    {
        self.visited.push(R::METHOD);
        println!("checked {}: not a server call, not sent", R::METHOD);
    }

    fn visit_server<R>(&mut self)
    where
        R: ServerCall + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
        R::Response: serde::Serialize + std::fmt::Debug + Send + 'static,
    {
        let m = self.specs.method(R::METHOD);
        self.visited.push(R::METHOD);
        let examples = spec_set::request_examples(m);
        let Some((name, example)) = examples.first() else {
            println!("checked {}: no request example to send", m.name);
            return;
        };
        let request: R = serde_json::from_value(example.clone()).unwrap();
        let (client, gw) = (self.client, self.gateway);

        // As it is: answered as this method, verified, bound to the request
        // and typed: a success, or a refusal with a business code (the
        // gateway may know no order the example names). Anything else (a
        // gateway error such as `isv.invalid-method`, a signature or decode
        // failure, a mismatch) means the method was not served.
        let result = self.runtime.block_on(client.execute(&request));
        self.sent += 1;
        if let Err(e) = &result {
            assert!(
                matches!(e, Error::Business { .. }),
                "{} example {name}: {e}",
                m.name
            );
        }

        for code in &m.errors {
            gw.inject(Fault::Business(Box::leak(
                code.code.clone().into_boxed_str(),
            )));
            let err = self.runtime.block_on(client.execute(&request)).unwrap_err();
            self.sent += 1;
            let Error::Business {
                code: typed,
                sub_msg,
                ..
            } = &err
            else {
                panic!("{} {}: {err}", m.name, code.code)
            };
            assert_eq!(typed.as_str(), code.code);
            assert!(typed.is_listed(), "{} {}", m.name, code.code);
            assert_eq!(typed.meaning(), code.message.as_deref(), "{}", code.code);
            // A code listed without a published meaning has none to give (and
            // the local gateway has no sub_msg to send for it).
            assert_eq!(
                sub_msg.as_deref().filter(|m| !m.is_empty()),
                code.message.as_deref(),
                "{} {}",
                m.name,
                code.code
            );
            let expected = if code.outcome_unknown {
                Outcome::Unknown
            } else {
                Outcome::Failed
            };
            assert_eq!(err.outcome(), expected, "{} {}", m.name, code.code);
        }
        println!(
            "checked {}: called end to end ({}), and {} documented business code(s) arrived typed and classified",
            m.name,
            match &result {
                Ok(_) => "success".to_owned(),
                Err(e) => e.to_string(),
            },
            m.errors.len()
        );
    }
}

#[test]
fn every_method_is_called_end_to_end_with_every_documented_business_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let gw = runtime.block_on(local_gateway());
    // The examples are sent as the documents give them; an injected code
    // answers whatever was sent.
    let client = Client::new(config(&gw));
    let specs = spec_set::workspace();
    let mut visitor = EndToEnd {
        specs: &specs,
        runtime: &runtime,
        gateway: &gw,
        client: &client,
        visited: Vec::new(),
        sent: 0,
    };
    alipay_api::for_each_method(&mut visitor);
    specs.assert_covers(&visitor.visited);
    assert_eq!(gw.request_count(), visitor.sent);
}

#[tokio::test]
async fn a_refund_query_without_trade_numbers_is_caught_locally_or_refused_by_the_gateway() {
    let gw = local_gateway().await;
    let query = RefundQuery::new("HZ01RF001");

    let err = Client::new(config(&gw)).execute(&query).await.unwrap_err();
    let Error::InvalidRequest(violations) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        violations.to_string(),
        "the request breaks 1 constraint(s)\n  - the request: at least one of out_trade_no, trade_no must be given"
    );
    assert_eq!(err.outcome(), Outcome::Failed);
    assert_eq!(
        gw.request_count(),
        0,
        "an invalid request never reaches the gateway"
    );

    let unchecked = Client::new(config(&gw).validate_requests(false));
    let err = unchecked.execute(&query).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: QueryCode::AcqInvalidParameter,
                ..
            }
        ),
        "{err}"
    );
}
