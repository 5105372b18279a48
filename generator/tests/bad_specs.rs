//! One test per kind of spec error: the message says which file, where (line
//! and column, or field path) and what is wrong, and nothing is written.

mod common;

use std::fs;
use std::path::Path;

use alipay_codegen::{Error, Mode, generate};
use common::{COMMON, OK_FIELD, assert_contains, fails, method, one};

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let text = method("alipay.a.b", OK_FIELD) + "notes: [unclosed\n";
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "error: invalid spec:",
            "methods/alipay.a.b.yaml:",
            "help: see specs/README.md",
        ],
    );
    // The line the parser points at is real: the file has 12 lines.
    let position = err.split("alipay.a.b.yaml:").nth(1).unwrap();
    let line: usize = position.split(':').next().unwrap().parse().unwrap();
    assert!((10..=13).contains(&line), "{err}");
}

#[test]
fn misspelt_key_is_a_shape_error_with_line_and_column() {
    let fields = "    - name: out_request_no\n      type: string\n      max_lenght: 64\n      description: 请求号";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: unknown key `max_lenght` in `request.fields[0]`",
            "help: did you mean `max_length`? the keys of a field are: name, type, required,",
            "methods/alipay.a.b.yaml:9:7",
        ],
    );
}

#[test]
fn wrong_value_type_is_a_shape_error_with_line_and_column() {
    let fields = "    - name: out_request_no\n      type: string\n      max_length: eleven\n      description: 请求号";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: `request.fields[0].max_length` is a whole number, found the text \"eleven\"",
            "help: write a whole number such as `max_length: 256`",
            "methods/alipay.a.b.yaml:9:19",
        ],
    );
}

#[test]
fn bad_required_value_is_explained() {
    let fields = "    - {name: a, type: string, required: maybe, description: a}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "`request.fields[0].required` is true, false or conditional, found the text \"maybe\"",
            "alipay.a.b.yaml:7:41",
            "help: write true (must be given), false (may be left out, the default) or conditional",
        ],
    );
}

#[test]
fn unknown_type_suggests_the_nearest() {
    let fields = "    - {name: amount, type: prise, description: 金额}\n    - {name: bills, type: 'TradeFundBil[]', description: 渠道}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: unknown type `prise`",
            "--> ",
            "methods/alipay.a.b.yaml: request.fields[0].type",
            "help: did you mean `price`?",
            "error: unknown type `TradeFundBil[]`",
            "request.fields[1].type",
            "did you mean `TradeFundBill`?",
        ],
    );
}

#[test]
fn duplicate_field() {
    let fields = format!("{OK_FIELD}\n{OK_FIELD}");
    let err = one("alipay.a.b", method("alipay.a.b", &fields));
    assert_contains(
        &err,
        &[
            "duplicate field `out_request_no` (also request.fields[0])",
            "request.fields[1]",
        ],
    );
}

#[test]
fn rule_naming_an_unknown_field() {
    let text = method("alipay.a.b", "    - {name: trade_no, type: string, required: conditional, description: 交易号}\n    - {name: out_trade_no, type: string, required: conditional, description: 订单号}")
        .replace("response:", "  rules:\n    - {at_least_one: [trade_no, out_trade_n], description: 二选一}\nresponse:");
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "the rule names `out_trade_n`, which is not a request field",
            "request.rules[0]",
            "did you mean `out_trade_no`?",
        ],
    );
    // out_trade_no is conditional and the only rule naming it was broken.
    assert_contains(
        &err,
        &["`out_trade_no` is conditional but no rule names it"],
    );
}

#[test]
fn rule_with_two_kinds_or_one_field() {
    let text = method("alipay.a.b", OK_FIELD).replace(
        "response:",
        "  rules:\n    - {at_least_one: [out_request_no], together: [out_request_no], description: x}\n    - {together: [out_request_no], description: y}\nresponse:",
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "a rule needs exactly one of `at_least_one`, `together`, `precedence` (found 2)",
            "request.rules[0]",
            "a rule must name at least two fields",
            "request.rules[1]",
        ],
    );
}

#[test]
fn conditional_field_without_a_rule() {
    let fields = "    - {name: trade_no, type: string, required: conditional, description: 交易号}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "`trade_no` is conditional but no rule names it",
            "request.fields[0].required",
            "add an `at_least_one` or `together` rule",
        ],
    );
}

#[test]
fn max_length_on_a_non_string() {
    let fields = "    - {name: count, type: integer, max_length: 10, description: 数量}\n    - {name: tags, type: 'string[]', max_length: 1024, description: 标签}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "`max_length: 10` on a field of type `integer`",
            "request.fields[0].max_length",
            "`max_length: 1024` on a field of type `string[]`",
            "max_length applies to `string` and `price` only",
        ],
    );
}

#[test]
fn malformed_method_name() {
    let err = one(
        "Alipay.Trade-Refund",
        method("Alipay.Trade-Refund", OK_FIELD),
    );
    assert_contains(
        &err,
        &[
            "`Alipay.Trade-Refund` is not a valid method name",
            "methods/Alipay.Trade-Refund.yaml: method",
            "lower-case ASCII segments",
        ],
    );
}

#[test]
fn method_whose_feature_name_is_taken() {
    for (name, feature) in [
        ("alipay.default.query", "default"),
        ("full.serde.query", "full-serde"),
    ] {
        let err = one(name, method(name, OK_FIELD));
        assert_contains(
            &err,
            &[
                &format!("`{name}` would belong to the Cargo feature `{feature}`"),
                &format!("methods/{name}.yaml: method"),
                "are taken",
            ],
        );
    }
}

#[test]
fn method_name_must_match_the_file_name() {
    let err = one("alipay.a.b", method("alipay.a.c", OK_FIELD));
    assert_contains(
        &err,
        &[
            "the file declares `alipay.a.c` but is named `methods/alipay.a.b.yaml`",
            "name the file `methods/alipay.a.c.yaml`",
        ],
    );
}

#[test]
fn examples_that_break_their_own_field() {
    let fields = r#"    - {name: out_request_no, type: string, max_length: 4, description: 请求号, example: "12345"}
    - {name: amount, type: price, description: 金额, example: "0.001"}
    - {name: refund, type: price, description: 金额, example: 10.00}
    - {name: gmt, type: datetime, description: 时间, example: "2019-02-30 08:00:00"}
    - {name: count, type: integer, description: 数量, example: "3"}
    - name: status
      type: string
      description: 状态
      values: [{value: INIT, meaning: 初始}]
      example: DONE"#;
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "request.fields[0].example",
            "it is 5 characters long, over the max_length of 4",
            "request.fields[1].example",
            "`0.001` is not an amount in yuan: more than two decimals",
            "a price example must be a quoted string, found the number 10.0",
            "`2019-02-30 08:00:00` is not a date-time: that day does not exist in that month",
            "an integer example must be a plain integer, found the string \"3\"",
            "`DONE` is not one of the allowed values (INIT)",
        ],
    );
}

#[test]
fn field_names_that_collide_in_rust() {
    let fields = "    - {name: out_trade_no, type: string, description: a}\n    - {name: outTradeNo, type: string, description: b}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "fields `out_trade_no` and `outTradeNo` would both become the Rust field `out_trade_no`",
            "request.fields[1]",
        ],
    );
}

#[test]
fn enum_values_that_collide_or_take_the_reserved_name() {
    let fields = r#"    - name: status
      type: string
      description: 状态
      values:
        - {value: TRADE-CLOSED, meaning: a}
        - {value: TRADE_CLOSED, meaning: b}
        - {value: UNKNOWN, meaning: c}"#;
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "values `TRADE-CLOSED` and `TRADE_CLOSED` would both become the variant `TradeClosed`",
            "request.fields[0].values[1]",
            "the variant name `Unknown` is reserved",
            "request.fields[0].values[2].rust_name",
        ],
    );
}

#[test]
fn two_enums_with_one_name_and_different_values() {
    let text = method(
        "alipay.a.b",
        "    - {name: status, type: string, description: a, values: [{value: A, meaning: a}]}",
    )
    .replace(
        "  fields: []",
        "  fields:\n    - {name: status, type: string, description: b, values: [{value: B, meaning: b}]}",
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "the enum `Status` is also declared at request.fields[0] with other values",
            "set `enum_name`",
        ],
    );
}

#[test]
fn type_names_that_collide_in_rust() {
    let text = method("alipay.a.b", OK_FIELD)
        + "types:\n  AlipayABRequest:\n    description: clashes with the request struct\n    fields: []\n  TradeFundBill:\n    description: shadows common\n    fields: []\n";
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "the Rust name `AlipayABRequest` is already used by request",
            "types.AlipayABRequest",
            "the local type `TradeFundBill` has the name of a type in common.yaml",
        ],
    );
}

#[test]
fn common_response_fields_cannot_be_redeclared() {
    let text = method("alipay.a.b", OK_FIELD).replace(
        "  fields: []",
        "  fields:\n    - {name: sub_code, type: string, description: x}",
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "`sub_code` is a common response field",
            "response.fields[0]",
        ],
    );
}

#[test]
fn examples_must_be_json_with_declared_keys() {
    let text = method("alipay.a.b", OK_FIELD)
        + "examples:\n  - {name: broken, kind: request, json: '{\"out_request_no\": '}\n  - {name: typo, kind: request, json: '{\"out_reqest_no\": \"1\"}'}\n  - {name: envelope, kind: response, json: '{\"alipay_a_c_response\": {}}'}\n";
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "examples[0].json",
            "the example is not valid JSON",
            "the example has the key `out_reqest_no`, which the spec does not declare",
            "did you mean `out_request_no`?",
            "the response example has neither `alipay_a_b_response` nor `error_response`",
        ],
    );
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let err = fails(&[
        (
            "methods/alipay.a.b.yaml",
            method("alipay.a.b", "    - {name: x, type: prise, description: x}"),
        ),
        (
            "methods/alipay.a.c.yaml",
            method("alipay.a.c", OK_FIELD) + "bogus: 1\n",
        ),
        ("methods/alipay.a.d.yml", String::new()),
    ]);
    // The .yml file is reported first (it stops the read), then a fixed run
    // reports both remaining files.
    assert_contains(
        &err,
        &[
            "method specs must end in `.yaml`",
            "rename it to `alipay.a.d.yaml`",
        ],
    );
    let err = fails(&[
        (
            "methods/alipay.a.b.yaml",
            method("alipay.a.b", "    - {name: x, type: prise, description: x}"),
        ),
        (
            "methods/alipay.a.c.yaml",
            method("alipay.a.c", OK_FIELD) + "bogus: 1\n",
        ),
        (
            "methods/alipay.a.d.yaml",
            method(
                "alipay.a.d",
                "    - {name: n, type: integer, max_length: 3, description: n}",
            ),
        ),
    ]);
    assert_contains(
        &err,
        &[
            "unknown type `prise`",
            "unknown key `bogus` in the file",
            "`max_length: 3` on a field",
            "the specs have 3 problems",
        ],
    );
}

#[test]
fn a_missing_spec_root_is_an_io_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(
        &dir.path().join("nope"),
        &dir.path().join("out"),
        Mode::Write,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert_contains(
        &err.to_string(),
        &["could not read the spec", "nope/common.yaml"],
    );
    assert!(!Path::new(&dir.path().join("out")).exists());
}

#[test]
fn public_params_must_be_optional_public_parameters() {
    let text = method("alipay.a.b", OK_FIELD) + "public_params: [notfy_url, app_id]\n";
    let common_with_notify = COMMON.replace(
        "response_fields:",
        "  - {name: notify_url, type: string, max_length: 256, description: 通知地址}\nresponse_fields:",
    );
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    fs::create_dir_all(specs.join("methods")).unwrap();
    fs::write(specs.join("common.yaml"), common_with_notify).unwrap();
    fs::write(specs.join("methods/alipay.a.b.yaml"), text).unwrap();
    let err = generate(&specs, &dir.path().join("out"), Mode::Write)
        .unwrap_err()
        .to_string();
    assert_contains(
        &err,
        &[
            "`notfy_url` is not an optional public parameter in common.yaml",
            "public_params[0]",
            "did you mean `notify_url`? list only optional request_params of common.yaml: notify_url",
            "`app_id` is not an optional public parameter",
            "public_params[1]",
        ],
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_request_field_named_new_is_reported() {
    let err = one(
        "alipay.a.b",
        method(
            "alipay.a.b",
            "    - {name: new, type: string, description: 新}",
        ),
    );
    assert_contains(
        &err,
        &[
            "alipay.a.b.yaml: request.fields[0]",
            "would clash with its constructor `new()`",
        ],
    );
}

#[test]
fn impossible_rule_combinations() {
    let text = method(
        "alipay.a.b",
        "    - {name: trade_no, type: string, required: true, description: a}\n    - {name: out_trade_no, type: string, required: conditional, description: b}\n    - {name: auth_no, type: string, required: conditional, description: c}",
    )
    .replace(
        "response:",
        "  rules:\n    - {at_least_one: [trade_no, out_trade_no], description: x}\n    - {together: [trade_no, auth_no], description: y}\nresponse:",
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "`trade_no` is required, so this at_least_one rule can never fail",
            "request.rules[0]",
            "make `trade_no` `required: conditional`, or drop the rule",
            "`trade_no` is required, so this together rule makes every field of it required",
            "request.rules[1]",
        ],
    );
}

#[test]
fn bounds_and_length_counting_are_checked() {
    let fields = r#"    - {name: a, type: price, minimum: "5.00", maximum: "1.00", description: a}
    - {name: b, type: price, minimum: 0.01, description: b}
    - {name: c, type: string, minimum: "1", description: c}
    - {name: d, type: integer, maximum: "9", description: d}
    - {name: e, type: string, length_counting: chinese_as_two, description: e}
    - {name: f, type: price, max_length: 11, maximum: "100000000.00", description: f}
    - {name: g, type: integer, minimum: 1, maximum: 9, example: 10, description: g}
    - {name: h, type: string, max_length: 4, length_counting: chinese_as_two, example: "红包红", description: h}"#;
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "request.fields[0].minimum",
            "`minimum` is above `maximum`: no value is allowed",
            "a price bound must be a quoted amount such as \"0.01\", found the number 0.01",
            "bounds apply to `price` and `integer` fields, not `string`",
            "an integer bound must be a plain integer, found the string \"9\"",
            "`length_counting` without `max_length`",
            "`max_length: 11` cannot hold the field's own maximum `100000000.00` (12 characters)",
            "10 is above the maximum",
            "it is 6 long, a Chinese character counting as two, over the max_length of 4",
        ],
    );
}

#[test]
fn a_cycle_of_required_fields_is_refused() {
    // Locally: A requires B, B requires C, C requires A. B's optional way
    // back to A and A's list of itself are fine and not reported.
    let local = method(
        "alipay.a.b",
        "    - {name: a, type: A, required: true, description: a}",
    ) + r#"types:
  A:
    description: a
    fields:
      - {name: b, type: B, required: true, description: b}
      - {name: all, type: "A[]", required: true, description: all}
  B:
    description: b
    fields:
      - {name: a, type: A, description: optional}
      - {name: c, type: C, required: true, description: c}
  C:
    description: c
    fields:
      - {name: a, type: A, required: true, description: a}
"#;
    // Shared: a type that requires itself.
    let common = COMMON.replace(
        "types:\n",
        "types:\n  Node:\n    description: n\n    fields:\n      - {name: next, type: Node, required: true, description: n}\n",
    );
    let err = fails(&[("common.yaml", common), ("methods/alipay.a.b.yaml", local)]);
    assert_contains(
        &err,
        &[
            "common.yaml: types.Node.fields[next]",
            "`Node` contains itself through required fields only (`Node.next` → `Node`): no finite value has them all",
            "alipay.a.b.yaml: types.A.fields[b]",
            "`A` contains itself through required fields only (`A.b` → `B.c` → `C.a` → `A`)",
            "make one field on the cycle optional (`required: false`)",
        ],
    );
    assert_eq!(err.matches("contains itself").count(), 2, "{err}");
}

#[test]
fn error_texts_are_given_or_left_out_never_empty() {
    // Leaving `message` and `action` out is how a spec says Alipay publishes
    // none; an empty string would hide that, so it is refused.
    let text = format!(
        "{}errors:\n  - {{code: UNPUBLISHED}}\n  - {{code: BLANK_MESSAGE, message: \"\", action: 重试}}\n  - {{code: BLANK_ACTION, message: 失败, action: \"  \"}}\n",
        method("alipay.a.b", OK_FIELD)
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "the error code `BLANK_MESSAGE` has an empty `message`",
            "errors[1].message",
            "leave `message` out where Alipay publishes none: `meaning()` then returns None",
            "the error code `BLANK_ACTION` has an empty `action`",
            "errors[2].action",
        ],
    );
    assert!(!err.contains("UNPUBLISHED"), "{err}");
}

#[test]
fn unconfirmed_facts_are_errors_until_a_person_decides() {
    let fields = "    - name: amount\n      type: string\n      description: 金额\n      unconfirmed: [type, required]\n    - {name: remark, type: string, description: '', unconfirmed: [max_length, description]}";
    let text = method("alipay.a.b", fields).replace("product: 测试\n", "product: ''\n")
        + "unconfirmed: [product]\n";
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "error: the source did not state the method's `product`: a person must decide it\n  --> ",
            "methods/alipay.a.b.yaml: unconfirmed[0]\n   = help: write the `product`",
            "then remove `product` from `unconfirmed`",
            "error: the source did not state `type` of the field `amount`: a person must decide it",
            "methods/alipay.a.b.yaml: request.fields[0].unconfirmed[0]\n   = help: write the field's type from the method's document (`price` for an amount in yuan",
            "then remove `type` from `unconfirmed`",
            "error: the source did not state `required` of the field `amount`",
            "request.fields[0].unconfirmed[1]\n   = help: write `required: true`, `false` or `conditional`",
            "error: the source did not state `max_length` of the field `remark`",
            "request.fields[1].unconfirmed[0]\n   = help: write the document's `max_length`, or leave it out",
            "error: the source did not state `description` of the field `remark`",
            "request.fields[1].unconfirmed[1]",
            "error: the specs have 5 problems; nothing was written",
        ],
    );
}

#[test]
fn an_unknown_unconfirmed_key_is_a_shape_error() {
    let fields = "    - {name: a, type: string, description: a, unconfirmed: [example]}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &["unconfirmed", "example", "methods/alipay.a.b.yaml:7:"],
    );
}
