//! The golden fixture: `golden/specs` (every type and rule, and a naming
//! obstacle course) generates exactly `golden/out/src`, which is a workspace
//! crate and so is compiled, linted and documented with everything else.
//!
//! After an intended change to the output, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p alipay-tests --test golden` and review the diff.

use std::path::Path;

use alipay_codegen::{Mode, generate};
use alipay_golden::golden_every_type::{
    Channel, GoldenEveryTypeErrorCode, GoldenEveryTypeRequest, GoldenEveryTypeResponse, Goods,
    QueryOption, Status,
};
use alipay_golden::golden_naming_obstacle::{
    GoldenNamingObstacleRequest, GoldenNamingObstacleResponse, Kind, Result as ResultType,
};
use alipay_golden::types::FundChannel;
use alipay_runtime::{AlipayRequest, AlipayResponse, DateTime, ErrorCode, Money};
use serde_json::json;

#[test]
fn output_matches_the_committed_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mode = if std::env::var_os("UPDATE_GOLDEN").is_some() {
        Mode::Write
    } else {
        Mode::Check
    };
    if let Err(e) = generate(&dir.join("specs"), &dir.join("out"), mode) {
        panic!(
            "{e}\n(if the change is intended: UPDATE_GOLDEN=1 cargo test -p alipay-tests --test golden)"
        );
    }
}

#[test]
fn request_serializes_to_wire_names_and_leaves_unset_fields_out() {
    let req = GoldenEveryTypeRequest::new("8.88".parse().unwrap(), Channel::Alipay)
        .out_trade_no("20150320010101001")
        .quantity(3)
        .deadline("2024-02-29 23:59:59".parse().unwrap())
        .query_options(vec![
            QueryOption::GmtRefundPay,
            QueryOption::from("brand_new"),
        ])
        .goods(vec![Goods::new("apple-01", Money::from_fen(150))]);
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({
            "out_trade_no": "20150320010101001",
            "amount": "8.88",
            "quantity": 3,
            "deadline": "2024-02-29 23:59:59",
            "channel": "ALIPAY",
            "query_options": ["gmt_refund_pay", "brand_new"],
            "goods": [{"goods_id": "apple-01", "price": "1.50"}],
        })
    );
    assert_eq!(GoldenEveryTypeRequest::METHOD, "golden.every.type");
}

#[test]
fn obstacle_course_fields_keep_their_wire_names() {
    let req = GoldenNamingObstacleRequest::new("T")
        .r#ref("R")
        .self_("S")
        .r#match(7)
        ._1st_choice("first")
        .result(ResultType::new("ok"))
        .default(true)
        .r#async("A")
        .r#gen("G")
        .kind(Kind::Some);
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"type": "T", "ref": "R", "self": "S", "match": 7, "1st_choice": "first",
               "Result": {"ok": "ok"}, "default": true, "async": "A", "gen": "G", "kind": "Some"})
    );
    let back: GoldenNamingObstacleRequest =
        serde_json::from_value(serde_json::to_value(&req).unwrap()).unwrap();
    assert_eq!(back, req);
    for (value, kind) in [
        ("None", Kind::None),
        ("10000", Kind::V10000),
        ("type", Kind::Type),
        ("Self", Kind::SelfValue),
    ] {
        assert_eq!(Kind::from(value), kind);
        assert_eq!(kind.as_str(), value);
    }
    let resp: GoldenNamingObstacleResponse =
        serde_json::from_value(json!({"super": "s", "crate": {"while": "w"}, "String": "x"}))
            .unwrap();
    assert_eq!(resp.super_.as_deref(), Some("s"));
    assert_eq!(resp.crate_.unwrap().r#while.as_deref(), Some("w"));
    assert_eq!(resp.string.as_deref(), Some("x"));
}

#[test]
fn response_is_tolerant_and_typed() {
    let body = json!({
        "code": "10000", "msg": "Success", "amount": "8.88", "amounts": ["0.01", "100000000.00"],
        "gmt_refund": "2024-02-29 23:59:59", "status": "UNKNOWN", "field_added_later": {"x": 1},
        "bills": [{"fund_channel": "NEW_CHANNEL"}], "detail": {}
    });
    let resp: GoldenEveryTypeResponse = serde_json::from_value(body).unwrap();
    assert!(resp.is_success());
    assert_eq!(resp.amount, Some(Money::from_fen(888)));
    assert_eq!(
        resp.amounts,
        Some(vec![Money::from_fen(1), Money::from_fen(10_000_000_000)])
    );
    assert_eq!(
        resp.gmt_refund,
        Some(DateTime::new(2024, 2, 29, 23, 59, 59).unwrap())
    );
    // A listed value named UNKNOWN is not the catch-all.
    assert_eq!(resp.status, Some(Status::UnknownStatus));
    let channel = resp.bills.as_ref().unwrap()[0]
        .fund_channel
        .clone()
        .unwrap();
    assert!(matches!(channel, FundChannel::Unknown(_)));
    assert_eq!(channel.as_str(), "NEW_CHANNEL");
    assert_eq!(channel.meaning(), None);
    assert_eq!(FundChannel::Alipayaccount.meaning(), Some("支付宝账户"));
    assert_eq!(resp.trade_no, None);
    assert!(resp.error_code().is_none());

    // Everything missing is fine too.
    let empty: GoldenEveryTypeResponse = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty, GoldenEveryTypeResponse::default());
    assert!(!empty.is_success());
}

#[test]
fn error_codes_carry_meaning_action_and_unknown_outcome() {
    let resp: GoldenEveryTypeResponse = serde_json::from_value(
        json!({"code": "40004", "msg": "Business Failed", "sub_code": "SYSTEM_ERROR", "sub_msg": "系统繁忙"}),
    )
    .unwrap();
    let code = resp.error_code().unwrap();
    assert_eq!(code, GoldenEveryTypeErrorCode::SystemError);
    assert!(code.is_outcome_unknown());
    assert_eq!(code.meaning(), Some("系统繁忙"));
    assert_eq!(code.action(), Some("用相同的 out_request_no 重试或查询"));
    assert!(!GoldenEveryTypeErrorCode::AcqTradeNotExist.is_outcome_unknown());
    assert_eq!(GoldenEveryTypeErrorCode::IspWeirdCode.action(), None);
    // Listed, but with no meaning or fix published: both are None, not "".
    let listed_only = GoldenEveryTypeErrorCode::from_code("LISTED_ONLY");
    assert_eq!(listed_only, GoldenEveryTypeErrorCode::ListedOnly);
    assert_eq!((listed_only.meaning(), listed_only.action()), (None, None));
    assert_eq!(ErrorCode::meaning(&listed_only), None);
    let unknown = GoldenEveryTypeErrorCode::from_code("NEW_CODE");
    assert_eq!(
        (
            unknown.as_str(),
            unknown.meaning(),
            unknown.is_outcome_unknown()
        ),
        ("NEW_CODE", None, false)
    );
    assert_eq!(unknown.to_string(), "NEW_CODE");
}

#[test]
fn obstacle_course_with_a_case_collision_is_rejected() {
    // The committed obstacle course plus `Type`, which becomes `r#type` like
    // the existing `type`: the generator must refuse, naming both.
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/specs");
    let dir = std::env::temp_dir().join(format!("alipay-golden-collision-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("methods")).unwrap();
    for file in [
        "common.yaml",
        "methods/golden.every.type.yaml",
        "methods/golden.naming.obstacle.yaml",
    ] {
        let mut text = std::fs::read_to_string(golden.join(file)).unwrap();
        if file.ends_with("obstacle.yaml") {
            text = text.replacen(
                "    - name: ref\n",
                "    - name: Type\n      type: string\n      description: 与 type 冲突\n    - name: ref\n",
                1,
            );
        }
        std::fs::write(dir.join(file), text).unwrap();
    }
    let result = generate(&dir, &dir.join("out"), Mode::Write);
    std::fs::remove_dir_all(&dir).unwrap();
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("fields `type` and `Type` would both become the Rust field `r#type`")
            && err.contains("golden.naming.obstacle.yaml: request.fields[1]"),
        "{err}"
    );
}
