//! Used as a user would: build a request, validate it, parse a response.

use alipay_downstream_example::alipay::METHODS;
use alipay_downstream_example::alipay::alipay_fund_trans_order_query::{
    AlipayFundTransOrderQueryErrorCode, AlipayFundTransOrderQueryRequest,
    AlipayFundTransOrderQueryResponse, Status,
};
use alipay_downstream_example::alipay::alipay_fund_trans_refund::AlipayFundTransRefundRequest;
use alipay_runtime::{AlipayRequest, AlipayResponse, DateTime, ErrorCode, Money, Rule};

#[test]
fn only_the_chosen_methods_are_generated() {
    assert_eq!(
        METHODS,
        [
            "alipay.fund.trans.order.query",
            "alipay.fund.trans.refund",
            "alipay.trade.fastpay.refund.query"
        ]
    );
}

#[test]
fn a_bundled_method_builds_validates_and_serializes() {
    let request = AlipayFundTransRefundRequest::new(
        "20190703110075000006530004756875",
        "2018999960760005838333",
        "8.88".parse().unwrap(),
    );
    assert!(request.validate().is_ok());
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"order_id":"20190703110075000006530004756875","out_request_no":"2018999960760005838333","refund_amount":"8.88"}"#
    );
    let invalid = AlipayFundTransRefundRequest::new("", "x", Money::ZERO);
    let paths: Vec<_> = invalid
        .validate()
        .unwrap_err()
        .iter()
        .map(|v| (v.path.clone(), v.rule))
        .collect();
    assert_eq!(
        paths,
        [
            ("order_id".to_owned(), Rule::Required),
            ("refund_amount".to_owned(), Rule::Minimum)
        ]
    );
}

#[test]
fn the_crates_own_method_works_like_a_bundled_one() {
    assert_eq!(
        AlipayFundTransOrderQueryRequest::METHOD,
        "alipay.fund.trans.order.query"
    );
    let neither = AlipayFundTransOrderQueryRequest::new();
    assert_eq!(
        neither.validate().unwrap_err().iter().next().unwrap().rule,
        Rule::AtLeastOne
    );
    assert!(
        AlipayFundTransOrderQueryRequest::new()
            .out_biz_no("3142321423432")
            .validate()
            .is_ok()
    );

    let body = r#"{"code":"10000","msg":"Success","order_id":"2912381923","status":"SUCCESS","pay_date":"2013-01-01 08:08:08","order_fee":"0.02","out_biz_no":"3142321423432"}"#;
    let response: AlipayFundTransOrderQueryResponse = serde_json::from_str(body).unwrap();
    assert!(response.is_success());
    assert_eq!(response.status, Some(Status::Success));
    assert_eq!(response.order_fee, Some(Money::from_fen(2)));
    assert_eq!(
        response.pay_date,
        Some(DateTime::new(2013, 1, 1, 8, 8, 8).unwrap())
    );
    assert!(AlipayFundTransOrderQueryErrorCode::from_code("ORDER_NOT_EXIST").is_outcome_unknown());
}
