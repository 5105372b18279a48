//! Each kind of change is classified as a user of the generated crate feels
//! it. The fixture is small and self-contained; each test edits one line.

use alipay_codegen::load::Source;

use super::*;

const COMMON: &str = r#"gateways:
  production: https://openapi.alipay.com/gateway.do
request_params:
  - {name: app_id, type: string, required: true, max_length: 32, description: 应用ID}
response_fields:
  - {name: code, type: string, description: 网关返回码}
  - {name: msg, type: string, description: 网关返回码描述}
  - {name: sub_code, type: string, description: 业务返回码}
  - {name: sub_msg, type: string, description: 业务返回码描述}
gateway_codes:
  - {code: "10000", rust_name: Success, msg: Success, meaning: 接口调用成功}
types:
  TradeFundBill:
    description: 交易支付的渠道属性
    fields:
      - {name: amount, type: price, description: 金额}
"#;

const METHOD: &str = r#"method: alipay.a.refund
title: 退款
product: 测试
summary: 退款
request:
  fields:
    - {name: out_request_no, type: string, required: true, max_length: 64, description: 请求号}
    - {name: trade_no, type: string, required: conditional, description: 交易号}
    - {name: out_trade_no, type: string, required: conditional, description: 订单号}
    - {name: amount, type: price, required: true, minimum: "0.01", maximum: "100.00", description: 金额}
    - {name: remark, type: string, max_length: 100, length_counting: chinese_as_two, description: 备注}
    - {name: count, type: integer, minimum: 1, description: 数量}
    - name: scene
      type: string
      description: 场景
      values:
        - {value: A, meaning: 甲}
        - {value: B, meaning: 乙}
    - {name: detail, type: Detail, description: 明细}
  rules:
    - {at_least_one: [trade_no, out_trade_no], description: 至少一个}
response:
  fields:
    - {name: out_request_no, type: string, description: 请求号}
    - {name: status, type: string, max_length: 8, description: 状态}
    - {name: bills, type: "TradeFundBill[]", description: 资金渠道}
types:
  Detail:
    description: 明细
    fields:
      - {name: goods_id, type: string, max_length: 32, description: 商品}
errors:
  - {code: SYSTEM_ERROR, message: 系统繁忙, outcome_unknown: true}
  - {code: TRADE_NOT_EXIST, message: 交易不存在}
"#;

fn sources(common: &str, method: &str) -> Vec<Source> {
    vec![
        Source {
            relative: "common.yaml".into(),
            display: "common.yaml".into(),
            text: common.into(),
        },
        Source {
            relative: "methods/alipay.a.refund.yaml".into(),
            display: "methods/alipay.a.refund.yaml".into(),
            text: method.into(),
        },
    ]
}

fn api(common: &str, method: &str) -> Api {
    load_sources(&sources(common, method), "test", "test")
        .unwrap_or_else(|e| panic!("the fixture does not check:\n{e}"))
}

/// The changes made by replacing `from` with `to` in the method file.
fn edit(from: &str, to: &str) -> Vec<Change> {
    let changed = METHOD.replacen(from, to, 1);
    assert_ne!(changed, METHOD, "`{from}` is not in the fixture");
    diff(&api(COMMON, METHOD), &api(COMMON, &changed))
}

/// The single change an edit makes, as (path, class).
#[track_caller]
fn one(from: &str, to: &str) -> (String, Class, String) {
    let changes = edit(from, to);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!(c.scope, "alipay.a.refund");
    (c.path.clone(), c.class, c.what.clone())
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(diff(&api(COMMON, METHOD), &api(COMMON, METHOD)).is_empty());
}

#[test]
fn new_fields() {
    let optional = "    - {name: memo, type: string, description: 备忘}\n  rules:";
    let (path, class, what) = one("  rules:", optional);
    assert_eq!((path.as_str(), class), ("request.memo", Class::Compatible));
    assert!(what.contains("new optional field"), "{what}");

    let required = "    - {name: memo, type: string, required: true, description: 备忘}\n  rules:";
    let (path, class, what) = one("  rules:", required);
    assert_eq!((path.as_str(), class), ("request.memo", Class::Breaking));
    assert!(
        what.contains("`AlipayARefundRequest::new` takes it"),
        "{what}"
    );

    let response = "    - {name: status, type: string, max_length: 8, description: 状态}\n    - {name: memo, type: string, required: true, description: 备忘}";
    let (path, class, _) = one(
        "    - {name: status, type: string, max_length: 8, description: 状态}",
        response,
    );
    assert_eq!((path.as_str(), class), ("response.memo", Class::Compatible));
}

#[test]
fn removed_fields_and_type_changes_break() {
    let (path, class, _) = one(
        "    - {name: status, type: string, max_length: 8, description: 状态}\n",
        "",
    );
    assert_eq!((path.as_str(), class), ("response.status", Class::Breaking));

    let changes = edit(
        "{name: count, type: integer, minimum: 1,",
        "{name: count, type: string,",
    );
    assert!(
        changes.iter().any(|c| c.path == "request.count"
            && c.class == Class::Breaking
            && c.what.contains("type changed from `integer` to `string`")),
        "{changes:#?}"
    );
}

#[test]
fn required_flips_break_requests_and_only_document_responses() {
    let (_, class, what) = one(
        "{name: remark, type: string,",
        "{name: remark, type: string, required: true,",
    );
    assert_eq!(class, Class::Breaking, "{what}");
    let (_, class, _) = one(
        "{name: amount, type: price, required: true,",
        "{name: amount, type: price,",
    );
    assert_eq!(class, Class::Breaking);
    let (_, class, _) = one(
        "{name: status, type: string,",
        "{name: status, type: string, required: true,",
    );
    assert_eq!(class, Class::Documentation);
    // An echoed identifier: the client refuses a success without it.
    let (path, class, _) = one(
        "    - {name: out_request_no, type: string, description: 请求号}",
        "    - {name: out_request_no, type: string, required: true, description: 请求号}",
    );
    assert_eq!(
        (path.as_str(), class),
        ("response.out_request_no", Class::Stricter)
    );
}

#[test]
fn tightened_constraints_are_stricter_and_relaxed_ones_compatible() {
    let cases = [
        ("max_length: 100,", "max_length: 50,", Class::Stricter),
        ("max_length: 100,", "max_length: 200,", Class::Compatible),
        (" length_counting: chinese_as_two,", "", Class::Compatible),
        ("minimum: \"0.01\"", "minimum: \"1.00\"", Class::Stricter),
        ("maximum: \"100.00\"", "maximum: \"50.00\"", Class::Stricter),
        ("maximum: \"100.00\", ", "", Class::Compatible),
        (
            "{name: count, type: integer, minimum: 1,",
            "{name: count, type: integer, minimum: 1, maximum: 9,",
            Class::Stricter,
        ),
        // Nested request types are validated too.
        (
            "max_length: 32, description: 商品",
            "max_length: 16, description: 商品",
            Class::Stricter,
        ),
    ];
    for (from, to, want) in cases {
        let (_, class, what) = one(from, to);
        assert_eq!(class, want, "{from} → {to}: {what}");
    }
    let (_, _, what) = one("minimum: \"0.01\"", "minimum: \"1.00\"");
    assert_eq!(
        what,
        "minimum \"0.01\" → \"1.00\": requests that passed may now fail"
    );
    // Responses are never validated: their limits are documentation.
    let (path, class, _) = one("max_length: 8,", "max_length: 4,");
    assert_eq!(
        (path.as_str(), class),
        ("response.status", Class::Documentation)
    );
}

#[test]
fn values_rules_and_error_codes() {
    let (path, class, _) = one(
        "        - {value: B, meaning: 乙}",
        "        - {value: B, meaning: 乙}\n        - {value: C, meaning: 丙}",
    );
    assert_eq!(
        (path.as_str(), class),
        ("request.scene.values.C", Class::Compatible)
    );
    let (path, class, what) = one("        - {value: B, meaning: 乙}\n", "");
    assert_eq!(
        (path.as_str(), class),
        ("request.scene.values.B", Class::Breaking)
    );
    assert!(what.contains("`Scene::B` is gone"), "{what}");
    let (_, class, _) = one("{value: B, meaning: 乙}", "{value: B, meaning: 乙二}");
    assert_eq!(class, Class::Documentation);

    let (path, class, _) = one(
        "  rules:\n",
        "  rules:\n    - {together: [remark, count], description: 同时}\n",
    );
    assert_eq!(
        (path.as_str(), class),
        ("request.rules.together[count, remark]", Class::Stricter)
    );
    let (_, class, _) = one(
        "    - {at_least_one: [trade_no, out_trade_no], description: 至少一个}\n",
        "    - {at_least_one: [trade_no, out_trade_no], description: 至少一个}\n    - {precedence: [trade_no, out_trade_no], description: 优先}\n",
    );
    assert_eq!(class, Class::Documentation);

    let (path, class, _) = one("errors:\n", "errors:\n  - {code: NEW_CODE, message: 新}\n");
    assert_eq!(
        (path.as_str(), class),
        ("errors.NEW_CODE", Class::Compatible)
    );
    let (_, class, _) = one("  - {code: TRADE_NOT_EXIST, message: 交易不存在}\n", "");
    assert_eq!(class, Class::Breaking);
    let (_, class, what) = one(
        "message: 系统繁忙, outcome_unknown: true",
        "message: 系统繁忙",
    );
    assert_eq!(class, Class::Breaking, "{what}");
    let (_, class, _) = one("message: 交易不存在", "message: 交易不存在或已关闭");
    assert_eq!(class, Class::Documentation);
}

#[test]
fn nested_and_shared_types() {
    let (path, class, _) = one(
        "      - {name: goods_id, type: string, max_length: 32, description: 商品}",
        "      - {name: goods_id, type: string, max_length: 32, description: 商品}\n      - {name: price, type: price, description: 价格}",
    );
    assert_eq!(
        (path.as_str(), class),
        ("types.Detail.price", Class::Compatible)
    );

    let renamed = METHOD
        .replace("type: Detail,", "type: Item,")
        .replace("  Detail:\n", "  Item:\n");
    let changes = diff(&api(COMMON, METHOD), &api(COMMON, &renamed));
    let summary: Vec<_> = changes.iter().map(|c| (c.path.as_str(), c.class)).collect();
    assert_eq!(
        summary,
        [
            ("request.detail", Class::Breaking),
            ("types.Detail", Class::Breaking),
            ("types.Item", Class::Compatible),
        ],
        "{changes:#?}"
    );
    assert!(
        changes[0]
            .what
            .starts_with("type renamed from `Detail` to `Item`")
    );

    // A shared type is reported once, under common.
    let common = COMMON.replace(
        "      - {name: amount, type: price, description: 金额}",
        "      - {name: amount, type: price, description: 金额}\n      - {name: fund_channel, type: string, description: 渠道}",
    );
    let changes = diff(&api(COMMON, METHOD), &api(&common, METHOD));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (
            changes[0].scope.as_str(),
            changes[0].path.as_str(),
            changes[0].class
        ),
        (
            "common",
            "types.TradeFundBill.fund_channel",
            Class::Compatible
        )
    );
}

#[test]
fn documentation_only_changes() {
    let (path, class, what) = one("description: 备注}", "description: 退款备注}");
    assert_eq!(
        (path.as_str(), class, what.as_str()),
        (
            "request.remark",
            Class::Documentation,
            "description changed"
        )
    );
    let (path, class, _) = one("summary: 退款", "summary: 退款接口");
    assert_eq!((path.as_str(), class), ("", Class::Documentation));
}

#[test]
fn added_and_removed_methods() {
    let old = api(COMMON, METHOD);
    let mut more = sources(COMMON, METHOD);
    more.push(Source {
        relative: "methods/alipay.a.query.yaml".into(),
        display: "methods/alipay.a.query.yaml".into(),
        text: METHOD.replace("method: alipay.a.refund", "method: alipay.a.query"),
    });
    let new = load_sources(&more, "new", "test").unwrap();
    let changes = diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (changes[0].scope.as_str(), changes[0].class),
        ("alipay.a.query", Class::Compatible)
    );
    let changes = diff(&new, &old);
    assert_eq!(
        (changes[0].scope.as_str(), changes[0].class),
        ("alipay.a.query", Class::Breaking)
    );
}

#[test]
fn the_reports_group_by_method_and_say_what_it_means() {
    let mut changes = edit("max_length: 100,", "max_length: 50,");
    changes.extend(edit(
        "  - {code: TRADE_NOT_EXIST, message: 交易不存在}\n",
        "",
    ));
    let text = human(&changes);
    assert_eq!(
        text,
        "## alipay.a.refund\n  breaking for callers:\n    - errors.TRADE_NOT_EXIST: error code removed: \
         `AlipayARefundErrorCode::TradeNotExist` is gone\n  stricter validation:\n    - request.remark: \
         max_length 100 → 50: requests that passed may now fail\n\n1 breaking, 1 stricter, 0 compatible, \
         0 documentation only.\nBreaking: the generated crate needs a major version bump.\n"
    );
    let value: serde_json::Value = serde_json::from_str(&json(&changes)).unwrap();
    assert_eq!(value["breaking"], true);
    assert_eq!(value["counts"]["stricter"], 1);
    assert_eq!(value["changes"][0]["class"], "stricter");
    assert_eq!(value["changes"][0]["path"], "request.remark");
    assert_eq!(human(&[]), "No changes.\n");
}
