//! Every example in `specs/` against the generated types: each request
//! example deserializes and serializes back to the same JSON, each response
//! example parses and serializes back to the same node (so no field was lost
//! and every amount and date kept its value), and the values the documents
//! show are checked by hand.

use std::path::Path;

use alipay_api::alipay_fund_coupon_operation_query as operation_query;
use alipay_api::alipay_fund_coupon_order_refund as coupon_refund;
use alipay_api::alipay_fund_trans_refund as trans_refund;
use alipay_api::alipay_trade_fastpay_refund_query as refund_query;
use alipay_api::common::{GatewayCode, GatewaySubCode};
use alipay_codegen::ir::Method;
use alipay_codegen::spec::ExampleKind;
use alipay_runtime::{AlipayRequest, AlipayResponse, DateTime, ErrorCode, Money};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn methods() -> Vec<Method> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let set = alipay_codegen::load::load(&root).unwrap();
    alipay_codegen::check::check(&set).unwrap().methods
}

fn response_node<'a>(method: &str, body: &'a Value) -> &'a Value {
    let key = format!("{}_response", method.replace('.', "_"));
    body.get(&key)
        .or_else(|| body.get("error_response"))
        .expect("the envelope holds the response node")
}

/// Round-trips every example of one method through its generated types.
fn round_trip<R>(m: &Method) -> usize
where
    R: AlipayRequest + DeserializeOwned + PartialEq + std::fmt::Debug,
    R::Response: serde::Serialize,
{
    assert_eq!(R::METHOD, m.name);
    for e in &m.examples {
        let json: Value = serde_json::from_str(&e.json).unwrap();
        match e.kind {
            ExampleKind::Request => {
                let req: R = serde_json::from_value(json.clone())
                    .unwrap_or_else(|err| panic!("{} example {}: {err}", m.name, e.name));
                assert_eq!(
                    serde_json::to_value(&req).unwrap(),
                    json,
                    "{} example {}",
                    m.name,
                    e.name
                );
            }
            ExampleKind::Response => {
                let node = response_node(&m.name, &json);
                let resp: R::Response = serde_json::from_value(node.clone())
                    .unwrap_or_else(|err| panic!("{} example {}: {err}", m.name, e.name));
                assert_eq!(
                    &serde_json::to_value(&resp).unwrap(),
                    node,
                    "{} example {}",
                    m.name,
                    e.name
                );
            }
        }
    }
    m.examples.len()
}

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let methods = methods();
    let mut covered = Vec::new();
    let mut examples = 0;
    for m in &methods {
        examples += match m.name.as_str() {
            coupon_refund::METHOD => {
                round_trip::<coupon_refund::AlipayFundCouponOrderRefundRequest>(m)
            }
            refund_query::METHOD => {
                round_trip::<refund_query::AlipayTradeFastpayRefundQueryRequest>(m)
            }
            trans_refund::METHOD => round_trip::<trans_refund::AlipayFundTransRefundRequest>(m),
            operation_query::METHOD => {
                round_trip::<operation_query::AlipayFundCouponOperationQueryRequest>(m)
            }
            other => panic!("add `{other}` to this test"),
        };
        covered.push(m.name.as_str());
    }
    assert_eq!(covered, alipay_api::METHODS);
    assert!(examples >= 14, "only {examples} examples found");
}

fn example<'a>(methods: &'a [Method], method: &str, name: &str) -> &'a str {
    let m = methods.iter().find(|m| m.name == method).unwrap();
    &m.examples
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no example {name} in {method}"))
        .json
}

fn parse<T: DeserializeOwned>(method: &str, body: &str) -> T {
    let body: Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(response_node(method, &body).clone()).unwrap()
}

#[test]
fn coupon_refund_examples_hold_the_documented_values() {
    let methods = methods();
    let ok: coupon_refund::AlipayFundCouponOrderRefundResponse = parse(
        coupon_refund::METHOD,
        example(&methods, coupon_refund::METHOD, "success"),
    );
    assert!(ok.is_success());
    assert_eq!(ok.amount, Some(Money::from_fen(1)));
    assert_eq!(
        ok.gmt_trans,
        Some(DateTime::new(2017, 12, 28, 10, 39, 25).unwrap())
    );
    assert_eq!(ok.status, Some(coupon_refund::Status::Success));
    assert_eq!(ok.auth_no.as_deref(), Some("2017122810002001950287006752"));

    let dup: coupon_refund::AlipayFundCouponOrderRefundResponse = parse(
        coupon_refund::METHOD,
        example(&methods, coupon_refund::METHOD, "unique_violation"),
    );
    assert_eq!(dup.code(), "40004");
    assert_eq!(
        dup.error_code(),
        Some(coupon_refund::AlipayFundCouponOrderRefundErrorCode::UniqueViolation)
    );
    let code = dup.error_code().unwrap();
    assert!(code.meaning().unwrap().contains("请求流水号与之前有重复"));
    assert!(code.action().is_some());
    assert!(!code.is_outcome_unknown());
}

#[test]
fn refund_query_examples_hold_the_documented_values() {
    let methods = methods();
    let ok: refund_query::AlipayTradeFastpayRefundQueryResponse = parse(
        refund_query::METHOD,
        example(&methods, refund_query::METHOD, "java_response"),
    );
    assert_eq!(ok.refund_amount, Some("3.00".parse().unwrap()));
    assert_eq!(ok.total_amount, Some(Money::from_fen(1000)));
    assert_eq!(ok.out_request_no.as_deref(), Some("HZ01RF001"));
}

#[test]
fn trans_refund_examples_hold_the_documented_values() {
    let methods = methods();
    let ok: trans_refund::AlipayFundTransRefundResponse = parse(
        trans_refund::METHOD,
        example(&methods, trans_refund::METHOD, "success"),
    );
    assert_eq!(ok.refund_amount, Some(Money::from_fen(888)));
    assert_eq!(ok.refund_date, Some("2019-01-01 08:08:08".parse().unwrap()));
    assert_eq!(ok.status, Some(trans_refund::Status::Success));

    // The document's error example is a gateway-level 20000, not a business code.
    let busy: trans_refund::AlipayFundTransRefundResponse = parse(
        trans_refund::METHOD,
        example(&methods, trans_refund::METHOD, "service_unavailable"),
    );
    assert_eq!(
        GatewayCode::from(busy.code()),
        GatewayCode::ServiceUnavailable
    );
    assert!(GatewayCode::from(busy.code()).is_outcome_unknown());
    let sub = GatewaySubCode::from(busy.sub_code().unwrap());
    assert_eq!(sub, GatewaySubCode::IspUnknowError);
    assert!(sub.is_outcome_unknown());
    assert_eq!(sub.gateway_code(), Some(GatewayCode::ServiceUnavailable));

    // SYSTEM_ERROR is documented as neither success nor failure.
    let system = trans_refund::AlipayFundTransRefundErrorCode::from_code("SYSTEM_ERROR");
    assert!(system.is_outcome_unknown());
    assert!(
        !trans_refund::AlipayFundTransRefundErrorCode::RefundMoneyNotEnough.is_outcome_unknown()
    );
}

#[test]
fn operation_query_request_example_builds_from_the_generated_api() {
    let methods = methods();
    let documented: Value =
        serde_json::from_str(example(&methods, operation_query::METHOD, "request")).unwrap();
    let built = operation_query::AlipayFundCouponOperationQueryRequest::new()
        .auth_no("2018081710002001860294782485")
        .out_order_no("2017122716463222")
        .operation_id("20180817587432998602")
        .out_request_no("201712271645328");
    assert_eq!(serde_json::to_value(&built).unwrap(), documented);
}

#[test]
fn trans_refund_codes_without_a_published_meaning_answer_none() {
    // The five codes only the v3 SDK's error enum lists: Alipay publishes no
    // meaning or fix, so the generated code must not invent one.
    use trans_refund::AlipayFundTransRefundErrorCode as Code;
    for (wire, code) in [
        ("MAX_VISIT_LIMIT", Code::MaxVisitLimit),
        ("INVALID_AMOUNT", Code::InvalidAmount),
        ("REMARK_HAS_SENSITIVE_WORD", Code::RemarkHasSensitiveWord),
        (
            "CURRENT_ORDER_STATUS_NOT_ALLOW_REFUND_ERROR",
            Code::CurrentOrderStatusNotAllowRefundError,
        ),
        ("USER_CANCEL", Code::UserCancel),
    ] {
        assert_eq!(Code::from_code(wire), code, "{wire}");
        assert_eq!((code.meaning(), code.action()), (None, None), "{wire}");
        assert!(!code.is_outcome_unknown(), "{wire}");
    }
    // The document's own codes keep theirs.
    assert_eq!(Code::SystemError.meaning(), Some("系统繁忙"));
    assert!(Code::SystemError.action().is_some());
}
