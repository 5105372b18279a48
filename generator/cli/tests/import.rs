//! `alipay-codegen import doc`: the page's facts, and only those; the merge
//! into an existing spec; the error paths, which write nothing.

use std::fs;

use alipay_codegen::spec::{ExampleKind, FieldFact, MethodFact, Required};
use alipay_codegen_cli::import::doc::{self, DocOptions};
use alipay_codegen_cli::import::model::{Draft, FieldDraft};
use alipay_codegen_cli::import::{self, merge, write};
use import_common::{fixture, generate, listing, repo, run, spec_root};

mod import_common;

fn page(name: &str) -> (Draft, Vec<String>) {
    let text = fs::read_to_string(fixture(name)).unwrap();
    doc::parse(&text, name, &DocOptions::default()).unwrap()
}

fn transcribed() -> Draft {
    import::read_spec(&repo().join("specs/methods/alipay.fund.trans.refund.yaml")).unwrap()
}

/// The document facts of a field: name, type, required, max length, example.
fn facts(f: &FieldDraft) -> (String, String, Required, Option<u32>, Option<String>) {
    let example = f
        .example
        .as_ref()
        .map(|e| serde_json::to_string(e).unwrap());
    (
        f.name.clone(),
        f.ty.clone(),
        f.required,
        f.max_length,
        example,
    )
}

/// The spec's fields that come from the document (no other `source`).
fn from_document(fields: &[FieldDraft]) -> Vec<&FieldDraft> {
    fields.iter().filter(|f| f.source.is_none()).collect()
}

#[test]
fn seed_page_gives_the_transcribed_specs_document_facts() {
    let (page, report) = page("alipay.fund.trans.refund.txt");
    let spec = transcribed();
    assert_eq!(
        (page.method.as_str(), page.title.as_str()),
        ("alipay.fund.trans.refund", "资金退回接口")
    );
    assert_eq!(page.summary, spec.summary);
    assert_eq!(page.description, spec.description);
    assert_eq!(
        page.unconfirmed,
        [MethodFact::Product],
        "pages name no product"
    );

    // Request: every fact equal.
    let ours: Vec<_> = from_document(&spec.request)
        .into_iter()
        .map(facts)
        .collect();
    let theirs: Vec<_> = page.request.iter().map(facts).collect();
    assert_eq!(theirs, ours);
    for (p, s) in page.request.iter().zip(from_document(&spec.request)) {
        assert_eq!(p.description, s.description);
        assert!(p.unconfirmed.is_empty());
    }

    // Response: equal except the two fields the spec retypes by hand (its
    // notes say why); the page types them String, so the importer does
    // too, and says what they look like.
    let retyped = ["refund_amount", "refund_date"];
    let spec_response = from_document(&spec.response);
    assert_eq!(
        page.response.iter().map(|f| &f.name).collect::<Vec<_>>(),
        spec_response.iter().map(|f| &f.name).collect::<Vec<_>>()
    );
    for (p, s) in page.response.iter().zip(&spec_response) {
        assert_eq!(p.description, s.description);
        assert_eq!(p.required, s.required);
        assert_eq!(p.example, s.example);
        if retyped.contains(&p.name.as_str()) {
            assert_eq!(p.ty, "string");
        } else {
            assert_eq!(facts(p), facts(s));
        }
    }
    assert_eq!(
        (page.response[4].ty.as_str(), page.response[4].max_length),
        ("string", Some(16))
    );
    assert_eq!(
        (page.response[5].ty.as_str(), page.response[5].max_length),
        ("string", Some(20))
    );
    assert!(
        report.iter().any(|l| l.starts_with(
            "response.fields[4] refund_amount: typed String on the page, but its example `8.88`"
        ) && l.ends_with("write `type: price`")),
        "{report:#?}"
    );
    assert!(
        report.iter().any(|l| l
            .starts_with("response.fields[5] refund_date: typed String on the page")
            && l.contains("`type: datetime`")),
        "{report:#?}"
    );

    // Error codes and texts: the table verbatim.
    let codes = |errors: &[import::model::ErrorDraft]| {
        errors
            .iter()
            .filter(|e| e.source.is_none())
            .map(|e| (e.code.clone(), e.message.clone(), e.action.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&page.errors), codes(&spec.errors));
    assert_eq!(page.errors.len(), 9);
    assert!(report.iter().any(|l| {
        l.starts_with("errors[1] SYSTEM_ERROR: the page speaks of an undetermined result")
    }));

    // Examples, as JSON, by kind and caption; the Java sample's amount is
    // quoted, as the spec's is.
    let examples = |d: &Draft| {
        d.examples
            .iter()
            .map(|e| {
                (
                    e.kind == ExampleKind::Request,
                    e.description.clone(),
                    serde_json::from_str::<serde_json::Value>(&e.json).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(examples(&page), examples(&spec));
    assert!(
        page.examples[0]
            .note
            .as_deref()
            .unwrap()
            .contains("\"refund_amount\":8.88 as a JSON number")
    );

    // What the page has that is not the method's is reported, not taken.
    assert!(report.iter().any(
        |l| l.contains(":14: the public parameters (app_id, method,")
            && l.ends_with("not imported")
    ));
    assert!(
        report.iter().any(
            |l| l.ends_with(":103: `onlineServer` is not a row of the table above it; ignored")
        )
    );
}

#[test]
fn markdown_and_html_variants_give_the_same_draft() {
    let (text, _) = page("alipay.fund.trans.refund.txt");
    let (markdown, _) = page("alipay.fund.trans.refund.md");
    let (html, _) = page("alipay.fund.trans.refund.html");
    assert_eq!(markdown, text);
    assert_eq!(html, text);
}

#[test]
fn nested_types_missing_cells_and_contradictions() {
    let (d, report) = page("alipay.test.order.create.md");
    let field = |name: &str| {
        d.request
            .iter()
            .chain(&d.response)
            .find(|f| f.name == name)
            .unwrap()
    };
    assert_eq!(field("goods_detail").ty, "GoodsDetail[]");
    assert_eq!(field("extend_params").ty, "ExtendParams");
    let goods = &d.types["GoodsDetail"];
    assert_eq!(goods.description, "订单包含的商品列表信息");
    assert_eq!(
        goods
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["goods_id", "price"]
    );
    assert_eq!(goods.fields[1].ty, "price");
    assert_eq!(
        d.types["ExtendParams"].fields[0].name,
        "sys_service_provider_id"
    );
    // 特殊可选 is optional, and said so.
    assert_eq!(field("extend_params").required, Required::No);
    assert_eq!(
        field("extend_params").note.as_deref(),
        Some("The page marks it 特殊可选.")
    );
    // An empty 是否必填 cell is not a fact: marked.
    assert_eq!(field("memo").unconfirmed, [FieldFact::Required]);
    // Number with a whole example is an integer; with 1.5 it is undecided.
    assert_eq!(
        (
            field("quantity").ty.as_str(),
            field("quantity").unconfirmed.len()
        ),
        ("integer", 0)
    );
    assert_eq!(
        field("quantity").note.as_deref(),
        Some("The page gives 最大长度 10.")
    );
    assert_eq!(field("weight").unconfirmed, [FieldFact::Type]);
    // Date is our datetime.
    assert_eq!(field("gmt_payment").ty, "datetime");
    // The range is taken, and the page contradicts itself.
    let total = field("total_amount");
    assert_eq!(
        total.maximum,
        Some(serde_yaml_ng::Value::String("100000000.00".into()))
    );
    assert!(report.contains(&"request.fields[1].max_length: the page contradicts itself: max_length 11 cannot hold the documented maximum 100000000.00 (12 characters)".to_owned()), "{report:#?}");
    assert_eq!(d.errors[0].code, "ACQ.SYSTEM_ERROR");
}

#[test]
fn an_imported_page_is_a_valid_spec_once_its_product_is_given() {
    let text = fs::read_to_string(fixture("alipay.fund.trans.refund.txt")).unwrap();
    let options = DocOptions {
        url: Some("https://docs.open.alipay.com/api_28/alipay.fund.trans.refund/".into()),
        product: Some("现金红包".into()),
    };
    let (d, _) = doc::parse(&text, "page", &options).unwrap();
    let yaml = write::to_yaml(&d);
    generate(&d.method, &yaml).unwrap();
    // Written deterministically, and read back as written.
    let again = serde_yaml_ng::from_str::<alipay_codegen::spec::MethodFile>(&yaml).unwrap();
    assert_eq!(write::to_yaml(&Draft::from(again)), yaml);

    // Without the product, the check names the one fact left to decide.
    let (d, _) = doc::parse(&text, "page", &DocOptions::default()).unwrap();
    let err = generate(&d.method, &write::to_yaml(&d)).unwrap_err();
    assert!(
        err.contains(
            "error: the source did not state the method's `product`: a person must decide it"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("the specs have 1 problem; nothing was written"),
        "{err}"
    );
}

#[test]
fn merge_keeps_hand_additions_and_reports_each_difference() {
    let mut spec = transcribed();
    spec.request[2].max_length = Some(64);
    spec.request[3].description = "备注".into();
    spec.errors[0].message = Some("参数有误".into());
    spec.request[0].unconfirmed = vec![FieldFact::Required];
    spec.request[0].required = Required::No;
    let before = spec.clone();
    let (page, _) = page("alipay.fund.trans.refund.txt");
    let (merged, lines) = merge::merge(spec, &page, "page");
    assert_eq!(
        lines,
        [
            "request.fields[0].required: confirmed from the page",
            "request.fields[2].max_length: spec 64, page 16",
            "request.fields[3].description: spec \"备注\", page \"资金退回备注\"",
            "response.fields[4].type: spec price, page string",
            "response.fields[5].type: spec datetime, page string",
            "response.fields[5].max_length: spec (none), page 20",
            "errors[0].message: spec \"参数有误\", page \"参数有误参数有误\"",
        ]
    );
    // Differences are reported, not applied; the undecided fact is decided.
    assert_eq!(merged.request[2].max_length, Some(64));
    assert_eq!(merged.request[0].required, Required::Yes);
    assert!(merged.request[0].unconfirmed.is_empty());
    // Hand additions stay: notes, public parameters, allowed values, fields
    // and codes from other sources, outcome flags, example names.
    assert_eq!(merged.notes, before.notes);
    assert_eq!(merged.public_params, ["app_auth_token"]);
    assert_eq!(merged.response[3].values, before.response[3].values);
    assert_eq!(merged.request.len(), 8);
    assert_eq!(merged.errors.len(), 14);
    assert!(merged.errors[1].outcome_unknown);
    assert_eq!(merged.examples, before.examples);
}

#[test]
fn merge_adds_what_is_new() {
    let mut spec = transcribed();
    spec.request.remove(3);
    spec.errors.remove(2);
    spec.examples.remove(2);
    let (page, _) = page("alipay.fund.trans.refund.txt");
    let (merged, lines) = merge::merge(spec, &page, "page");
    assert!(
        lines.contains(&"request.fields[7] remark: added from the page".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"errors[13] NO_ORDER_PERMISSION: added from the page".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"examples[2] error: added from the page".to_owned()),
        "{lines:#?}"
    );
    assert_eq!(merged.request[7].max_length, Some(200));
}

#[test]
fn import_doc_writes_then_merges() {
    let root = spec_root();
    let specs = root.path().to_str().unwrap();
    let page = fixture("alipay.fund.trans.refund.txt");
    let page = page.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "import",
        "doc",
        page,
        "--specs",
        specs,
        "--product",
        "现金红包",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("wrote ")
            && stdout.contains("methods/alipay.fund.trans.refund.yaml (new)\n"),
        "{stdout}"
    );
    let path = root.path().join("methods/alipay.fund.trans.refund.yaml");
    let first = fs::read_to_string(&path).unwrap();
    assert!(first.contains("product: \"现金红包\""));
    // Importing again changes nothing and reports nothing but the page's notes.
    let (code, stdout, _) = run(&["import", "doc", page, "--specs", specs]);
    assert_eq!(code, 0);
    assert!(stdout.contains("(merged into)"), "{stdout}");
    assert!(!stdout.contains(": spec "), "{stdout}");
    assert_eq!(fs::read_to_string(&path).unwrap(), first);
    assert_eq!(
        listing(&root.path().join("methods")),
        ["alipay.fund.trans.refund.yaml"]
    );
}

#[test]
fn a_page_without_a_table_is_an_error_and_nothing_is_written() {
    let root = spec_root();
    let bad = root.path().join("page.txt");
    fs::write(
        &bad,
        "alipay.a.b(名称)\n\n介绍\n\n请求参数\n\n这里没有表格\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&[
        "import",
        "doc",
        bad.to_str().unwrap(),
        "--specs",
        root.path().to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with(
            "error: the page has no parameter table under 请求参数 or 响应参数\n  --> "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: a table starts with the header `参数 类型 是否必填 最大长度 描述 示例值`"
        ),
        "{stderr}"
    );
    assert!(stderr.ends_with("error: nothing was written\n"), "{stderr}");
    assert!(listing(&root.path().join("methods")).is_empty());

    fs::write(&bad, "没有标题\n\n请求参数\n").unwrap();
    let (code, _, stderr) = run(&[
        "import",
        "doc",
        bad.to_str().unwrap(),
        "--specs",
        root.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: the page has no title line `method(名称)`"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["import", "doc", "/nonexistent/page.txt"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: could not read the file: ")
            && stderr.contains("--> /nonexistent/page.txt"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_spec_directory_or_spec_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let page = fixture("alipay.fund.trans.refund.txt");
    let (code, _, stderr) = run(&[
        "import",
        "doc",
        page.to_str().unwrap(),
        "--specs",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: could not read the spec directory: "),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: pass `--specs DIR`, a spec root holding a readable `methods/` directory"
        ),
        "{stderr}"
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());

    let root = spec_root();
    let existing = root.path().join("methods/alipay.fund.trans.refund.yaml");
    fs::write(
        &existing,
        "method: alipay.fund.trans.refund\ntitle: x\nmax_lenght: 1\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&[
        "import",
        "doc",
        page.to_str().unwrap(),
        "--specs",
        root.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: the existing spec cannot be read: unknown field `max_lenght`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("alipay.fund.trans.refund.yaml:3:1"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&existing).unwrap(),
        "method: alipay.fund.trans.refund\ntitle: x\nmax_lenght: 1\n"
    );
}
