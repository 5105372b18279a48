//! Generated validators, method by method: the rules of the transcribed
//! methods with their messages, several broken at once, the boundaries, and
//! as properties. `constraints.rs` checks every constraint of every spec
//! generically.

use alipay_api::alipay_fund_coupon_operation_query::AlipayFundCouponOperationQueryRequest as OperationQuery;
use alipay_api::alipay_fund_coupon_order_refund::AlipayFundCouponOrderRefundRequest as CouponRefund;
use alipay_api::alipay_fund_trans_refund::AlipayFundTransRefundRequest as TransRefund;
use alipay_api::alipay_trade_fastpay_refund_query::{
    AlipayTradeFastpayRefundQueryRequest as RefundQuery, QueryOptions,
};
use alipay_golden::golden_every_type::{Channel, GoldenEveryTypeRequest, Goods};
use alipay_runtime::{AlipayRequest, Money, Rule, Violations};
use proptest::prelude::*;

fn yuan(text: &str) -> Money {
    text.parse().unwrap()
}

/// `(path, rule)` of every violation, in order.
fn found(result: Result<(), Violations>) -> Vec<(String, Rule)> {
    match result {
        Ok(()) => Vec::new(),
        Err(v) => v.iter().map(|v| (v.path.clone(), v.rule)).collect(),
    }
}

fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
    vec![(path.to_owned(), rule)]
}

fn refund() -> CouponRefund {
    CouponRefund::new(
        "2017122810002001950287006752",
        "refund20171228254",
        yuan("0.01"),
        "红包退款",
    )
}

#[test]
fn coupon_refund_each_rule_alone() {
    let long = "1".repeat(65);
    let cases: Vec<(CouponRefund, &str, Rule)> = vec![
        (
            {
                let mut r = refund();
                r.auth_no = String::new();
                r
            },
            "auth_no",
            Rule::Required,
        ),
        (
            {
                let mut r = refund();
                r.auth_no = long.clone();
                r
            },
            "auth_no",
            Rule::MaxLength,
        ),
        (
            {
                let mut r = refund();
                r.out_request_no = long.clone();
                r
            },
            "out_request_no",
            Rule::MaxLength,
        ),
        (
            {
                let mut r = refund();
                r.amount = Money::ZERO;
                r
            },
            "amount",
            Rule::Minimum,
        ),
        (
            {
                let mut r = refund();
                r.amount = yuan("100000000.01");
                r
            },
            "amount",
            Rule::Maximum,
        ),
        (
            {
                let mut r = refund();
                r.remark = String::new();
                r
            },
            "remark",
            Rule::Required,
        ),
        (
            {
                let mut r = refund();
                r.remark = "退".repeat(51);
                r
            },
            "remark",
            Rule::MaxLength,
        ),
    ];
    for (request, path, rule) in cases {
        assert_eq!(found(request.validate()), one(path, rule), "{path}");
        // The client's hook is the same check.
        assert_eq!(found(AlipayRequest::validate(&request)), one(path, rule));
    }
}

#[test]
fn several_broken_at_once_are_all_reported() {
    let mut r = refund();
    r.auth_no = String::new();
    r.amount = Money::ZERO;
    r.remark = "退".repeat(60);
    let err = r.validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the request breaks 3 constraint(s)\n  - auth_no: is required but missing or empty\n  - amount: 0.00 is below the minimum of 0.01\n  - remark: is 120 long, over the maximum of 100 (a Chinese character counting as two)"
    );
}

#[test]
fn length_boundaries_count_chinese_as_two_where_documented() {
    for (remark, ok) in [
        ("退".repeat(50), true),
        ("退".repeat(49) + "ab", true),
        ("退".repeat(49) + "abc", false),
        ("a".repeat(100), true),
        ("a".repeat(101), false),
        ("a".repeat(98) + "退", true),
        ("a".repeat(99) + "退", false),
    ] {
        let mut r = refund();
        r.remark = remark.clone();
        assert_eq!(r.validate().is_ok(), ok, "{remark}");
    }
    // auth_no counts plain characters: 64 pass, 65 fail, Chinese or not.
    let mut r = refund();
    r.auth_no = "号".repeat(64);
    assert!(r.validate().is_ok());
    r.auth_no.push('1');
    assert_eq!(found(r.validate()), one("auth_no", Rule::MaxLength));
}

/// Each amount text either cannot become a `Money` at all (so it cannot be
/// sent), or becomes one that validation refuses, or passes.
#[test]
fn amount_boundaries() {
    #[derive(Debug, PartialEq)]
    enum Fate {
        Unrepresentable,
        Refused(Rule),
        Passes,
    }
    for (text, expected) in [
        ("0.01", Fate::Passes),
        ("100000000.00", Fate::Passes),
        ("100000000", Fate::Passes),
        ("0.001", Fate::Unrepresentable),
        ("0", Fate::Refused(Rule::Minimum)),
        ("0.00", Fate::Refused(Rule::Minimum)),
        ("-1", Fate::Unrepresentable),
        ("1e2", Fate::Unrepresentable),
        (" 1.00", Fate::Unrepresentable),
        ("１.00", Fate::Unrepresentable),
        ("100000000.01", Fate::Refused(Rule::Maximum)),
        (".5", Fate::Unrepresentable),
        ("01.00", Fate::Unrepresentable),
    ] {
        let fate = match text.parse::<Money>() {
            Err(_) => Fate::Unrepresentable,
            Ok(amount) => {
                let mut r = refund();
                r.amount = amount;
                match found(r.validate()).as_slice() {
                    [] => Fate::Passes,
                    [(path, rule)] if path == "amount" => Fate::Refused(*rule),
                    other => panic!("{text}: {other:?}"),
                }
            }
        };
        assert_eq!(fate, expected, "{text}");
    }
}

#[test]
fn trans_refund_rules() {
    let ok = TransRefund::new(
        "20190703110075000006530004756875",
        "2018999960760005838333",
        yuan("8.88"),
    )
    .remark("红包超时退回");
    assert!(ok.validate().is_ok());
    let zero = TransRefund::new("x", "y", Money::ZERO);
    assert_eq!(found(zero.validate()), one("refund_amount", Rule::Minimum));
    // max_length 16 applies to the amount's text.
    let at_limit = TransRefund::new("x", "y", yuan("1000000000000.00"));
    assert!(at_limit.validate().is_ok(), "16 characters is the limit");
    let huge = TransRefund::new("x", "y", yuan("10000000000000.00"));
    assert_eq!(
        found(huge.validate()),
        one("refund_amount", Rule::MaxLength)
    );
    let long_remark = TransRefund::new("x", "y", yuan("1.00")).remark("r".repeat(201));
    assert_eq!(
        found(long_remark.validate()),
        one("remark", Rule::MaxLength)
    );
}

#[test]
fn refund_query_rules_and_allowed_values() {
    let missing = RefundQuery::new("HZ01RF001");
    assert_eq!(found(missing.validate()), one("", Rule::AtLeastOne));
    let options = RefundQuery::new("HZ01RF001")
        .trade_no("2019031922001494891000002604")
        .query_options(vec![
            QueryOptions::RefundDetailItemList,
            QueryOptions::from("no_such_option"),
        ]);
    let err = options.validate().unwrap_err();
    assert_eq!(
        found(Err(err.clone())),
        one("query_options[1]", Rule::AllowedValues)
    );
    assert!(
        err.to_string()
            .contains("`no_such_option` is not one of the allowed values (refund_detail_item_list"),
        "{err}"
    );
}

#[test]
fn operation_query_pairings() {
    assert_eq!(
        found(OperationQuery::new().validate()),
        vec![("".into(), Rule::AtLeastOne), ("".into(), Rule::AtLeastOne)]
    );
    // The two pairings of 二、参数说明 ...
    let by_ids = OperationQuery::new()
        .auth_no("2018081710002001860294782485")
        .operation_id("20180817587432998602");
    assert!(by_ids.validate().is_ok());
    let by_merchant_nos = OperationQuery::new()
        .out_order_no("2017122716463222")
        .out_request_no("201712271645328");
    assert!(by_merchant_nos.validate().is_ok());
    // ... and the one the document itself uses in 四、显示效果 4 to find a
    // refund: auth_no + out_request_no, as the refund call set them. The
    // pairings are guidance, so this must validate (it was refused when
    // they were `together` rules).
    let refund_detail = OperationQuery::new()
        .auth_no("2017122810002001950287006752")
        .out_request_no("refund20171228254");
    assert_eq!(found(refund_detail.validate()), vec![]);
    // Each 不能同时为空 rule still holds on its own.
    let err = OperationQuery::new()
        .auth_no("2018081710002001860294782485")
        .validate()
        .unwrap_err();
    assert_eq!(found(Err(err.clone())), one("", Rule::AtLeastOne));
    assert!(
        err.to_string().contains("operation_id, out_request_no"),
        "{err}"
    );
}

fn golden() -> GoldenEveryTypeRequest {
    GoldenEveryTypeRequest::new(yuan("8.88"), Channel::Alipay).out_trade_no("T1")
}

#[test]
fn nested_objects_and_arrays_carry_indices_in_the_path() {
    let goods = vec![
        Goods::new("apple-01", yuan("1.50")),
        Goods::new("g".repeat(33), Money::ZERO),
        Goods::new("", yuan("2.00")),
    ];
    let mut request = golden().goods(goods).quantity(0).auth_no("A1");
    request.channel = Channel::from("WECHAT");
    assert_eq!(
        found(request.validate()),
        vec![
            ("quantity".into(), Rule::Minimum),
            ("channel".into(), Rule::AllowedValues),
            ("goods[1].goods_id".into(), Rule::MaxLength),
            ("goods[1].price".into(), Rule::Minimum),
            ("goods[2].goods_id".into(), Rule::Required),
            ("".into(), Rule::Together),
        ]
    );
}

fn remark_strategy(max_counted: usize) -> impl Strategy<Value = String> {
    // A mix of ASCII letters and Chinese characters whose counted length
    // (Chinese as two) stays within `max_counted`.
    proptest::collection::vec(
        prop_oneof![
            Just('a'),
            Just('Z'),
            Just('7'),
            Just('退'),
            Just('款'),
            Just('红')
        ],
        1..=max_counted,
    )
    .prop_map(move |chars| {
        let mut out = String::new();
        let mut counted = 0;
        for c in chars {
            let w = if c.is_ascii() { 1 } else { 2 };
            if counted + w <= max_counted {
                out.push(c);
                counted += w;
            }
        }
        out
    })
}

fn valid_refund() -> impl Strategy<Value = CouponRefund> {
    (
        "[0-9]{1,64}",
        "[a-zA-Z0-9_]{1,64}",
        1u64..=10_000_000_000u64,
        remark_strategy(100),
    )
        .prop_map(|(auth_no, out_request_no, fen, remark)| {
            CouponRefund::new(auth_no, out_request_no, Money::from_fen(fen), remark)
        })
}

#[derive(Debug, Clone)]
enum Mutation {
    EmptyAuthNo,
    LongAuthNo(usize),
    LongRequestNo(usize),
    ZeroAmount,
    OverMaximum(u64),
    EmptyRemark,
    LongRemark(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::EmptyAuthNo),
        (65usize..200).prop_map(Mutation::LongAuthNo),
        (65usize..200).prop_map(Mutation::LongRequestNo),
        Just(Mutation::ZeroAmount),
        (1u64..1_000_000).prop_map(Mutation::OverMaximum),
        Just(Mutation::EmptyRemark),
        (101usize..300).prop_map(Mutation::LongRemark),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn requests_within_the_constraints_always_pass(request in valid_refund()) {
        prop_assert_eq!(found(request.validate()), vec![]);
    }

    #[test]
    fn any_single_mutation_is_caught_at_its_path(mut request in valid_refund(), m in mutation()) {
        let (path, rule) = match m {
            Mutation::EmptyAuthNo => { request.auth_no.clear(); ("auth_no", Rule::Required) }
            Mutation::LongAuthNo(n) => { request.auth_no = "9".repeat(n); ("auth_no", Rule::MaxLength) }
            Mutation::LongRequestNo(n) => { request.out_request_no = "r".repeat(n); ("out_request_no", Rule::MaxLength) }
            Mutation::ZeroAmount => { request.amount = Money::ZERO; ("amount", Rule::Minimum) }
            Mutation::OverMaximum(fen) => { request.amount = Money::from_fen(10_000_000_000 + fen); ("amount", Rule::Maximum) }
            Mutation::EmptyRemark => { request.remark.clear(); ("remark", Rule::Required) }
            Mutation::LongRemark(n) => { request.remark = "a".repeat(n); ("remark", Rule::MaxLength) }
        };
        prop_assert_eq!(found(request.validate()), one(path, rule));
    }
}

#[test]
fn trans_refund_each_rule_alone_and_all_at_once() {
    let ok = || {
        TransRefund::new(
            "20190703110075000006530004756875",
            "2018999960760005838333",
            yuan("8.88"),
        )
    };
    let cases: Vec<(TransRefund, &str, Rule)> = vec![
        (
            {
                let mut r = ok();
                r.order_id = String::new();
                r
            },
            "order_id",
            Rule::Required,
        ),
        (
            {
                let mut r = ok();
                r.order_id = "1".repeat(65);
                r
            },
            "order_id",
            Rule::MaxLength,
        ),
        (
            {
                let mut r = ok();
                r.out_request_no = String::new();
                r
            },
            "out_request_no",
            Rule::Required,
        ),
        (
            {
                let mut r = ok();
                r.out_request_no = "1".repeat(65);
                r
            },
            "out_request_no",
            Rule::MaxLength,
        ),
        (ok().remark("备".repeat(201)), "remark", Rule::MaxLength),
    ];
    for (request, path, rule) in cases {
        assert_eq!(found(request.validate()), one(path, rule), "{path}");
    }
    let mut all = ok().remark("r".repeat(201));
    all.order_id = String::new();
    all.out_request_no = "1".repeat(65);
    all.refund_amount = Money::ZERO;
    assert_eq!(
        found(all.validate()),
        vec![
            ("order_id".into(), Rule::Required),
            ("out_request_no".into(), Rule::MaxLength),
            ("refund_amount".into(), Rule::Minimum),
            ("remark".into(), Rule::MaxLength),
        ]
    );
}

#[test]
fn refund_query_each_rule_alone_and_all_at_once() {
    let ok = || RefundQuery::new("HZ01RF001").out_trade_no("sao201881610515614516");
    assert!(ok().validate().is_ok());
    let cases: Vec<(RefundQuery, &str, Rule)> = vec![
        (
            {
                let mut r = ok();
                r.out_request_no = String::new();
                r
            },
            "out_request_no",
            Rule::Required,
        ),
        (
            {
                let mut r = ok();
                r.out_request_no = "1".repeat(65);
                r
            },
            "out_request_no",
            Rule::MaxLength,
        ),
        (
            ok().out_trade_no("1".repeat(65)),
            "out_trade_no",
            Rule::MaxLength,
        ),
        (ok().trade_no("1".repeat(65)), "trade_no", Rule::MaxLength),
        (ok().out_trade_no(""), "", Rule::AtLeastOne),
        (
            ok().query_options(vec![QueryOptions::from("x")]),
            "query_options[0]",
            Rule::AllowedValues,
        ),
    ];
    for (request, path, rule) in cases {
        assert_eq!(found(request.validate()), one(path, rule), "{path:?}");
    }
    let mut all = RefundQuery::new("")
        .query_options(vec![QueryOptions::GmtRefundPay, QueryOptions::from("x")]);
    all.out_trade_no = Some(String::new());
    assert_eq!(
        found(all.validate()),
        vec![
            ("out_request_no".into(), Rule::Required),
            ("query_options[1]".into(), Rule::AllowedValues),
            ("".into(), Rule::AtLeastOne)
        ]
    );
}

#[test]
fn operation_query_each_rule_alone() {
    let ok = || {
        OperationQuery::new()
            .auth_no("2018081710002001860294782485")
            .operation_id("20180817587432998602")
    };
    assert!(ok().validate().is_ok());
    assert!(
        OperationQuery::new()
            .out_order_no("2017122716463222")
            .out_request_no("201712271645328")
            .validate()
            .is_ok()
    );
    for (request, path, rule) in [
        (ok().auth_no("1".repeat(65)), "auth_no", Rule::MaxLength),
        (
            ok().operation_id("1".repeat(65)),
            "operation_id",
            Rule::MaxLength,
        ),
        (
            OperationQuery::new().out_request_no("201712271645328"),
            "",
            Rule::AtLeastOne,
        ),
    ] {
        assert_eq!(found(request.validate()), one(path, rule), "{path:?}");
    }
}
