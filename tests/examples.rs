//! Every example in `specs/` against the generated types: each request
//! example deserializes and serializes back to the same JSON, each response
//! example parses and serializes back to the same node (so no field was lost
//! and every amount and date kept its value), and the values the documents
//! show are checked by hand.

#[path = "support/spec_set.rs"]
mod spec_set;

use alipay_api::alipay_fund_coupon_operation_query as operation_query;
use alipay_api::alipay_fund_coupon_order_refund as coupon_refund;
use alipay_api::alipay_fund_trans_refund as trans_refund;
use alipay_api::alipay_trade_fastpay_refund_query as refund_query;
use alipay_api::common::{GatewayCode, GatewaySubCode};
use alipay_codegen::ir::Method;
use alipay_codegen::spec::ExampleKind;
use alipay_runtime::{AlipayRequest, AlipayResponse, DateTime, ErrorCode, MethodVisitor, Money};
use serde::de::DeserializeOwned;
use serde_json::Value;
use spec_set::{SpecSet, response_node};

fn methods() -> Vec<Method> {
    spec_set::workspace().api.methods
}

/// The bounds every check of a method needs; the registry provides them.
macro_rules! visit_bounds {
    () => {
        fn visit<R>(&mut self)
        where
            R: AlipayRequest + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
            R::Response: serde::Serialize + std::fmt::Debug + Send + 'static,
        {
            let m = self.specs.method(R::METHOD);
            self.visited.push(R::METHOD);
            Self::check::<R>(m);
        }
    };
}

/// Round-trips every example of every method through its generated types:
/// a request example deserializes into the request and serializes back to
/// the same JSON; a response example's node parses into the response and
/// serializes back to the same node.
struct RoundTrip<'a> {
    specs: &'a SpecSet,
    visited: Vec<&'static str>,
}

impl RoundTrip<'_> {
    fn check<R>(m: &Method)
    where
        R: AlipayRequest + DeserializeOwned,
        R::Response: serde::Serialize,
    {
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
                    // A refusal's sub_code arrives as the method's typed code.
                    if let Some(sub_code) = node.get("sub_code").and_then(Value::as_str) {
                        let code = resp.error_code().unwrap();
                        assert_eq!(code.as_str(), sub_code, "{} example {}", m.name, e.name);
                        let listed = m.errors.iter().any(|c| c.code == sub_code);
                        assert_eq!(code.is_listed(), listed, "{} example {}", m.name, e.name);
                    }
                }
            }
        }
        println!(
            "checked {}: {} example(s) round-trip",
            m.name,
            m.examples.len()
        );
    }
}

impl MethodVisitor for RoundTrip<'_> {
    visit_bounds!();
}

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let specs = spec_set::workspace();
    let mut visitor = RoundTrip {
        specs: &specs,
        visited: Vec::new(),
    };
    alipay_api::for_each_method(&mut visitor);
    specs.assert_covers(&visitor.visited);

    let golden = spec_set::golden();
    let mut visitor = RoundTrip {
        specs: &golden,
        visited: Vec::new(),
    };
    alipay_golden::for_each_method(&mut visitor);
    golden.assert_covers(&visitor.visited);
}

/// Every business error code a spec lists arrives as a listed variant of the
/// method's generated error code, with the spec's meaning, fix and outcome;
/// a code it does not list is `Unknown`, with none of them.
struct ErrorCodes<'a> {
    specs: &'a SpecSet,
    visited: Vec<&'static str>,
}

impl ErrorCodes<'_> {
    fn check<R: AlipayRequest>(m: &Method) {
        type Code<R> = <<R as AlipayRequest>::Response as AlipayResponse>::ErrorCode;
        for def in &m.errors {
            let code = Code::<R>::from_code(&def.code);
            let at = format!("{} {}", m.name, def.code);
            assert_eq!(code.as_str(), def.code, "{at}");
            assert!(code.is_listed(), "{at}");
            assert_eq!(code.meaning(), def.message.as_deref(), "{at}");
            assert_eq!(code.action(), def.action.as_deref(), "{at}");
            assert_eq!(code.is_outcome_unknown(), def.outcome_unknown, "{at}");
        }
        let unlisted = Code::<R>::from_code("NO_SPEC_LISTS_THIS_CODE");
        assert_eq!(unlisted.as_str(), "NO_SPEC_LISTS_THIS_CODE");
        assert!(!unlisted.is_listed(), "{}", m.name);
        assert_eq!((unlisted.meaning(), unlisted.action()), (None, None));
        println!(
            "checked {}: {} documented error code(s) typed",
            m.name,
            m.errors.len()
        );
    }
}

impl MethodVisitor for ErrorCodes<'_> {
    visit_bounds!();
}

#[test]
fn every_documented_error_code_is_typed_with_the_specs_facts() {
    let specs = spec_set::workspace();
    let mut visitor = ErrorCodes {
        specs: &specs,
        visited: Vec::new(),
    };
    alipay_api::for_each_method(&mut visitor);
    specs.assert_covers(&visitor.visited);

    let golden = spec_set::golden();
    let mut visitor = ErrorCodes {
        specs: &golden,
        visited: Vec::new(),
    };
    alipay_golden::for_each_method(&mut visitor);
    golden.assert_covers(&visitor.visited);
}

#[test]
fn each_registry_holds_exactly_the_methods_of_its_specs() {
    let mut names = spec_set::Names::default();
    alipay_api::for_each_method(&mut names);
    spec_set::workspace().assert_covers(&names.0);
    assert_eq!(names.0, alipay_api::METHODS);

    let mut names = spec_set::Names::default();
    alipay_golden::for_each_method(&mut names);
    spec_set::golden().assert_covers(&names.0);
    assert_eq!(names.0, alipay_golden::METHODS);
}

#[test]
#[should_panic(expected = "does not visit it: run `cargo regen`")]
fn a_spec_method_missing_from_the_registry_fails_the_coverage_check() {
    // The golden registry against the workspace specs: as if specs had been
    // added without regenerating.
    let mut names = spec_set::Names::default();
    alipay_golden::for_each_method(&mut names);
    spec_set::workspace().assert_covers(&names.0);
}

#[test]
#[should_panic(expected = "defines no such method: run `cargo regen`")]
fn a_registry_method_without_a_spec_fails_the_coverage_check() {
    // As if a spec had been deleted without regenerating.
    let mut specs = spec_set::workspace();
    specs.api.methods.pop();
    let mut names = spec_set::Names::default();
    alipay_api::for_each_method(&mut names);
    specs.assert_covers(&names.0);
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
