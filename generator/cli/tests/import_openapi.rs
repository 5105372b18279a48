//! `alipay-codegen import openapi`: drafts with every missing fact marked;
//! a malformed file writes nothing.

use std::fs;

use alipay_codegen::spec::{FieldFact, MethodFact, Required};
use alipay_codegen_cli::import::model::Draft;
use alipay_codegen_cli::import::openapi::OpenApiOptions;
use alipay_codegen_cli::import::{self, write};
use import_common::{fixture, generate, listing, run, spec_root};

mod import_common;

fn openapi(methods: &[&str]) -> Vec<(Draft, Vec<String>)> {
    let text = fs::read_to_string(fixture("openapi.yaml")).unwrap();
    let options = OpenApiOptions {
        methods: methods.iter().map(|m| m.to_string()).collect(),
        ..OpenApiOptions::default()
    };
    import::openapi::parse(&text, "openapi.yaml", &options).unwrap()
}

#[test]
fn openapi_operations_become_drafts_with_every_missing_fact_marked() {
    let drafts = openapi(&[]);
    assert_eq!(drafts.len(), 2);
    let (refund, report) = &openapi(&["alipay.test.order.refund"])[0];
    assert_eq!(
        (refund.title.as_str(), refund.summary.as_str()),
        ("测试退款", "测试用的退款接口")
    );
    assert_eq!(
        refund.source.as_deref(),
        Some("测试用开放平台API 2024-01-01, POST /v3/alipay/test/order/refund (OpenAPI)")
    );
    assert_eq!(refund.unconfirmed, [MethodFact::Product]);
    let f = |name: &str| {
        refund
            .request
            .iter()
            .chain(&refund.response)
            .find(|f| f.name == name)
            .unwrap()
    };
    // No required flags, no max lengths: marked.
    assert_eq!(
        f("out_trade_no").unconfirmed,
        [FieldFact::Required, FieldFact::MaxLength]
    );
    assert_eq!(f("refund_count").unconfirmed, [FieldFact::Required]);
    // An amount and a date-time typed as plain strings: undecided.
    assert_eq!(
        f("refund_amount").unconfirmed,
        [FieldFact::Type, FieldFact::Required, FieldFact::MaxLength]
    );
    assert_eq!(f("gmt_refund_pay").unconfirmed[0], FieldFact::Type);
    // References are named types, arrays of references arrays of them.
    assert_eq!(f("goods_detail").ty, "RefundItemDetail[]");
    assert_eq!(f("refund_detail").ty, "RefundDetail");
    assert_eq!(
        refund.types.keys().collect::<Vec<_>>(),
        ["RefundDetail", "RefundItemDetail"]
    );
    assert_eq!(refund.types["RefundDetail"].fields[1].ty, "boolean");
    assert_eq!(refund.types["RefundDetail"].description, "退款明细");
    // Descriptions verbatim; examples kept.
    assert_eq!(f("refund_amount").description, "退款金额，单位为元");
    assert_eq!(
        f("refund_amount").example,
        Some(serde_yaml_ng::Value::String("88.88".into()))
    );
    // The error model's codes, without the common error type's, and no texts.
    assert_eq!(
        refund
            .errors
            .iter()
            .map(|e| e.code.as_str())
            .collect::<Vec<_>>(),
        ["SYSTEM_ERROR", "TRADE_NOT_EXIST"]
    );
    assert!(
        refund
            .errors
            .iter()
            .all(|e| e.message.is_none() && e.action.is_none())
    );
    assert!(
        report
            .iter()
            .any(|l| l.starts_with("errors: 2 codes listed without meaning or fix"))
    );

    let (query, _) = &openapi(&["alipay.test.order.query"])[0];
    assert_eq!(query.request[0].name, "out_trade_no");
    assert!(
        query.request[0].unconfirmed.contains(&FieldFact::Required),
        "required: false is no statement"
    );
    assert_eq!(
        (query.request[1].ty.as_str(), query.request[1].required),
        ("string[]", Required::Yes)
    );
    assert!(query.request[1].unconfirmed.is_empty());

    // Written, the draft is a spec whose only problems are the marks.
    let yaml = write::to_yaml(refund);
    let err = generate(&refund.method, &yaml).unwrap_err();
    let problems: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("error: ") && !l.contains("nothing was written"))
        .collect();
    assert_eq!(problems.len(), 1 + 19, "{err}");
    assert!(
        problems.iter().all(|p| p.contains("did not state")),
        "{err}"
    );
}

#[test]
fn a_malformed_openapi_file_is_an_error_and_nothing_is_written() {
    let root = spec_root();
    let specs = root.path().to_str().unwrap();
    let bad = root.path().join("openapi.yaml");
    let cases: &[(&str, &str)] = &[
        (
            "openapi: 3.0.3\npaths:\n  /v3/a: [unclosed\n",
            "error: not a readable OpenAPI file: ",
        ),
        (
            "swagger: '2.0'\npaths: {}\n",
            "error: the file does not declare `openapi: 3.x`\n  --> ",
        ),
        (
            "openapi: 3.0.3\ninfo: {}\n",
            "error: the file has no `paths` mapping",
        ),
        (
            "openapi: 3.0.3\npaths:\n  /v3/a:\n    post: {description: x}\n",
            "error: the operation has no `operationId`",
        ),
        (
            "openapi: 3.0.3\npaths:\n  /v3/a:\n    post:\n      operationId: alipay.a.b\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Missing'}\n",
            "error: `#/components/schemas/Missing` names no schema",
        ),
    ];
    for (text, expected) in cases {
        fs::write(&bad, text).unwrap();
        let (code, stdout, stderr) =
            run(&["import", "openapi", bad.to_str().unwrap(), "--specs", specs]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{text}");
        assert!(stderr.starts_with(expected), "{text}\n{stderr}");
        assert!(stderr.ends_with("error: nothing was written\n"), "{stderr}");
        assert!(listing(&root.path().join("methods")).is_empty());
    }
    // The YAML error is located.
    fs::write(&bad, cases[0].0).unwrap();
    let (_, _, stderr) = run(&["import", "openapi", bad.to_str().unwrap(), "--specs", specs]);
    assert!(stderr.contains("openapi.yaml:4:1\n"), "{stderr}");

    let (code, _, stderr) = run(&[
        "import",
        "openapi",
        fixture("openapi.yaml").to_str().unwrap(),
        "--specs",
        specs,
        "--method",
        "alipay.no.such",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: no operation has the operationId `alipay.no.such`"),
        "{stderr}"
    );
    assert!(listing(&root.path().join("methods")).is_empty());
}

#[test]
fn import_openapi_writes_the_chosen_operations() {
    let root = spec_root();
    let (code, stdout, stderr) = run(&[
        "import",
        "openapi",
        fixture("openapi.yaml").to_str().unwrap(),
        "--specs",
        root.path().to_str().unwrap(),
        "--method",
        "alipay.test.order.query",
        "--product",
        "测试",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("alipay.test.order.query.yaml (new)\n  4 field facts the file does not state are marked `unconfirmed`"), "{stdout}");
    assert_eq!(
        listing(&root.path().join("methods")),
        ["alipay.test.order.query.yaml"]
    );
}
