//! The generic behaviour, for every method of the spec set (the IR is
//! iterated, never a hand list): a valid request example gets a signed
//! success echoing what it sent; each kind of malformed `biz_content` gets
//! Alipay's refusal; every documented business code can be asked for.

use std::path::Path;

use alipay_codegen::Builder;
use alipay_codegen::ir::{Api, Field, Method, RuleKind, Type};
use alipay_codegen::spec::{ExampleKind, Required};
use alipay_local_gateway::{Fault, GatewayConfig, GatewayOptions, LocalGateway};
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use alipay_runtime::{DateTime, extract};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const APP_ID: &str = "2021000000000001";
const APP_PRIVATE: &str = include_str!("../../runtime/tests/vectors/app_private_pkcs8.txt");
const APP_PUBLIC: &str = include_str!("../../runtime/tests/vectors/app_public.txt");
const ALIPAY_PRIVATE: &str = include_str!("../../runtime/tests/vectors/alipay_private_pkcs8.txt");
const ALIPAY_PUBLIC: &str = include_str!("../../runtime/tests/vectors/alipay_public.txt");

/// The page calls the gateway's cashier serves (the other page calls keep
/// the generic answer).
const CASHIER: [&str; 2] = ["alipay.trade.page.pay", "alipay.trade.wap.pay"];

fn api() -> Api {
    Builder::new().api().unwrap()
}

async fn gateway(options: GatewayOptions) -> std::io::Result<LocalGateway> {
    LocalGateway::start_with(
        GatewayConfig {
            app_id: APP_ID.to_owned(),
            app_public_key: PublicKey::from_text(APP_PUBLIC, KeyRole::AppPublicKey).unwrap(),
            gateway_private_key: PrivateKey::from_text(ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey)
                .unwrap(),
        },
        options,
    )
    .await
}

/// Only the spec: no plug-in, so no seeds are needed for a success.
async fn stateless() -> LocalGateway {
    gateway(GatewayOptions {
        plugins: false,
        ..GatewayOptions::default()
    })
    .await
    .unwrap()
}

/// Sends a signed call and returns the verified node (key, text, JSON).
async fn call(gw: &LocalGateway, method: &str, biz: &str) -> (String, String, Value) {
    let text = send(gw, method, biz).await;
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    let span = extract::extract(body, method).unwrap();
    let alipay_public = PublicKey::from_text(ALIPAY_PUBLIC, KeyRole::AlipayPublicKey).unwrap();
    assert!(
        verify(
            &alipay_public,
            SignType::Rsa2,
            span.content,
            span.sign.as_deref().expect("signed")
        ),
        "{body}"
    );
    (
        span.key.to_owned(),
        span.content.to_owned(),
        serde_json::from_str(span.content).unwrap(),
    )
}

/// Sends a signed call as a form would; the raw HTTP response.
async fn send(gw: &LocalGateway, method: &str, biz: &str) -> String {
    let app_key = PrivateKey::from_text(APP_PRIVATE, KeyRole::AppPrivateKey).unwrap();
    let mut params: Vec<(String, String)> = [
        ("app_id", APP_ID),
        ("method", method),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("version", "1.0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    params.push(("timestamp".into(), DateTime::now().to_string()));
    let content = sign_content(
        params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("biz_content", biz)]),
    );
    params.push(("sign".into(), sign(&app_key, SignType::Rsa2, &content)));
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("biz_content", biz)
        .finish();
    let mut stream = TcpStream::connect(gw.addr()).await.unwrap();
    let request = format!(
        "POST /gateway.do?{query} HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/x-www-form-urlencoded;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        gw.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    String::from_utf8(bytes).unwrap()
}

fn key(method: &Method) -> String {
    format!("{}_response", method.name.replace('.', "_"))
}

/// The method's request examples; for a method whose spec has none, one
/// request built from the spec (see [`built_request`]).
fn request_examples(api: &Api, method: &Method) -> Vec<Map<String, Value>> {
    let examples: Vec<Map<String, Value>> = method
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Request)
        .map(|e| serde_json::from_str::<Value>(&e.json).unwrap())
        .map(|v| v.as_object().unwrap().clone())
        .collect();
    if examples.is_empty() {
        return vec![built_request(api, method)];
    }
    examples
}

/// A valid request from the spec alone: every required field and the first
/// field of each at-least-one rule, each with its documented example or a
/// value of its type.
fn built_request(api: &Api, method: &Method) -> Map<String, Value> {
    let wanted = |field: &Field| {
        field.required == Required::Yes
            || method
                .rules
                .iter()
                .any(|r| r.kind == RuleKind::AtLeastOne && r.fields[0] == field.name)
    };
    method
        .request
        .fields
        .iter()
        .filter(|f| wanted(f))
        .map(|f| (f.name.clone(), value_of(api, method, f)))
        .collect()
}

/// A valid value for `field`: its example where it has one of a plain type,
/// else one made for its type.
fn value_of(api: &Api, method: &Method, field: &Field) -> Value {
    let plain = matches!(
        field.ty,
        Type::String | Type::Price | Type::Integer | Type::Boolean | Type::DateTime
    );
    match &field.example {
        Some(example) if plain => example.clone(),
        _ => value_of_type(api, method, &field.ty),
    }
}

fn value_of_type(api: &Api, method: &Method, ty: &Type) -> Value {
    match ty {
        Type::String => json!("x1"),
        Type::Price => json!("1.00"),
        Type::Integer => json!(1),
        Type::Boolean => json!(true),
        Type::DateTime => json!(DateTime::now().to_string()),
        Type::Enum(rust_name) => {
            let def = method
                .enums
                .iter()
                .chain(&api.enums)
                .find(|e| &e.rust_name == rust_name)
                .unwrap();
            json!(def.values[0].value)
        }
        Type::Object { name, shared } => {
            let local = (!shared)
                .then(|| method.types.iter().find(|t| &t.name == name))
                .flatten();
            let object = local
                .or_else(|| api.types.iter().find(|t| &t.name == name))
                .unwrap();
            Value::Object(
                object
                    .fields
                    .iter()
                    .filter(|f| f.required == Required::Yes)
                    .map(|f| (f.name.clone(), value_of(api, method, f)))
                    .collect(),
            )
        }
        Type::Array(item) => json!([value_of_type(api, method, item)]),
    }
}

/// The refusal the spec leads to for a malformed request: the method's own
/// `…INVALID_PARAMETER` business code if it lists one, else the gateway's
/// `40002 isv.invalid-parameter`.
fn expected_refusal(method: &Method) -> Value {
    match method
        .errors
        .iter()
        .find(|e| e.code.rsplit('.').next() == Some("INVALID_PARAMETER"))
    {
        Some(e) => json!({"code": "40004", "msg": "Business Failed", "sub_code": e.code,
                          "sub_msg": e.message.clone().unwrap_or_default()}),
        None => json!({"code": "40002", "msg": "Invalid Arguments",
                       "sub_code": "isv.invalid-parameter", "sub_msg": "参数无效"}),
    }
}

#[tokio::test]
async fn every_request_example_gets_a_signed_success_echoing_what_it_sent() {
    let api = api();
    let gw = stateless().await;
    let mut calls = 0;
    for method in &api.methods {
        for (n, mut example) in request_examples(&api, method).into_iter().enumerate() {
            // Fresh identifiers, so an echo cannot be the example's own value.
            let mut sent = Vec::new();
            for (i, (field, _)) in method.echoes().enumerate() {
                if example.get(&field.name).is_some_and(Value::is_string) {
                    let value = format!("echo{n}x{i}");
                    example.insert(field.name.clone(), json!(value));
                    sent.push((field.name.clone(), value));
                }
            }
            let biz = Value::Object(example).to_string();
            let (got_key, text, node) = call(&gw, &method.name, &biz).await;
            assert_eq!(got_key, key(method));
            assert!(
                text.starts_with(r#"{"code":"10000","msg":""#),
                "{}: {text}",
                method.name
            );
            for (name, value) in &sent {
                assert_eq!(node[name], *value, "{} echoes {name}: {text}", method.name);
            }
            // Every field is typed as the spec says.
            for field in &method.response.fields {
                let Some(v) = node.get(&field.name) else {
                    continue;
                };
                let ok = match field.ty {
                    Type::Price => v
                        .as_str()
                        .is_some_and(|s| s.parse::<alipay_runtime::Money>().is_ok()),
                    Type::DateTime => v.as_str().is_some_and(|s| s.parse::<DateTime>().is_ok()),
                    Type::Integer => v.is_i64(),
                    Type::Boolean => v.is_boolean(),
                    Type::String | Type::Enum(_) => v.is_string(),
                    Type::Object { .. } => v.is_object(),
                    Type::Array(_) => v.is_array(),
                };
                assert!(ok, "{}.{} is {v}", method.name, field.name);
            }
            calls += 1;
        }
    }
    assert!(
        calls >= api.methods.len(),
        "every method has a request example or one built from its spec"
    );
}

/// Each kind of malformed `biz_content`, derived from the method's first
/// request example and its spec: (what, biz_content).
fn malformed(api: &Api, method: &Method) -> Vec<(String, String)> {
    let example = request_examples(api, method).remove(0);
    let mut cases = vec![
        ("not JSON".to_owned(), "{".to_owned()),
        ("not an object".to_owned(), "[]".to_owned()),
    ];
    let with = |name: &str, value: Option<Value>| {
        let mut biz = example.clone();
        match value {
            Some(v) => biz.insert(name.to_owned(), v),
            None => biz.remove(name),
        };
        Value::Object(biz).to_string()
    };
    for field in &method.request.fields {
        let name = &field.name;
        if field.required == Required::Yes {
            cases.push((format!("{name} missing"), with(name, None)));
            cases.push((format!("{name} empty"), with(name, Some(json!("")))));
        }
        if !matches!(field.ty, Type::Object { .. }) {
            cases.push((
                format!("{name} an object"),
                with(name, Some(json!({"x": 1}))),
            ));
        }
        match &field.ty {
            Type::String if field.max_length.is_some() => {
                let long = "x".repeat(field.max_length.unwrap() as usize + 1);
                cases.push((format!("{name} too long"), with(name, Some(json!(long)))));
            }
            Type::Price => {
                cases.push((
                    format!("{name} 3 decimals"),
                    with(name, Some(json!("1.001"))),
                ));
                cases.push((format!("{name} zero"), with(name, Some(json!("0.00")))));
            }
            Type::Enum(_) => {
                cases.push((
                    format!("{name} unlisted"),
                    with(name, Some(json!("NOT_LISTED"))),
                ));
            }
            Type::DateTime => {
                cases.push((
                    format!("{name} not a time"),
                    with(name, Some(json!("2024-01-01T00:00:00"))),
                ));
            }
            Type::Integer => {
                cases.push((
                    format!("{name} not an integer"),
                    with(name, Some(json!(1.5))),
                ));
            }
            Type::Boolean => {
                cases.push((
                    format!("{name} not a boolean"),
                    with(name, Some(json!("yes"))),
                ));
            }
            Type::Array(_) => {
                cases.push((format!("{name} not an array"), with(name, Some(json!("x")))));
            }
            _ => {}
        }
    }
    for rule in method
        .rules
        .iter()
        .filter(|r| r.kind == RuleKind::AtLeastOne)
    {
        let mut biz = example.clone();
        for name in &rule.fields {
            biz.remove(name);
        }
        cases.push((
            format!("none of {}", rule.fields.join(", ")),
            Value::Object(biz).to_string(),
        ));
    }
    cases
}

#[tokio::test]
async fn every_kind_of_malformed_biz_content_is_refused_as_alipay_refuses_it() {
    let api = api();
    // With the plug-ins on: validation comes before any business rule.
    let gw = gateway(GatewayOptions::default()).await.unwrap();
    for method in &api.methods {
        let expected = expected_refusal(method);
        let cases = malformed(&api, method);
        assert!(cases.len() > 3, "{}", method.name);
        for (what, biz) in cases {
            if CASHIER.contains(&method.name.as_str()) {
                // A browser submits these page calls: the refusal is the
                // cashier's error page, with the same sub-code and message.
                let text = send(&gw, &method.name, &biz).await;
                assert!(text.starts_with("HTTP/1.1 400"), "{text}");
                let sub_code = expected["sub_code"].as_str().unwrap();
                let shown = sub_code.strip_prefix("isv.").unwrap_or(sub_code);
                assert!(text.contains(&format!("错误代码 {shown}<")), "{text}");
                let reason = format!("错误原因: {}<", expected["sub_msg"].as_str().unwrap());
                assert!(
                    text.contains(&reason),
                    "{} with {what}: {text}",
                    method.name
                );
                continue;
            }
            let (got_key, text, node) = call(&gw, &method.name, &biz).await;
            assert_eq!(got_key, key(method), "{} {what}", method.name);
            assert_eq!(node, expected, "{} with {what}: {text}", method.name);
        }
    }
    assert_eq!(
        gw.refunded("20190703110075000006530004756875"),
        alipay_runtime::Money::ZERO
    );
}

#[tokio::test]
async fn every_documented_business_code_is_answered_on_request_with_its_message() {
    let api = api();
    let gw = stateless().await;
    for method in &api.methods {
        let biz = Value::Object(request_examples(&api, method).remove(0)).to_string();
        for error in &method.errors {
            gw.inject(Fault::Business(Box::leak(
                error.code.clone().into_boxed_str(),
            )));
            let (got_key, text, _) = call(&gw, &method.name, &biz).await;
            assert_eq!(got_key, key(method));
            assert_eq!(
                text,
                json!({"code": "40004", "msg": "Business Failed", "sub_code": error.code,
                       "sub_msg": error.message.clone().unwrap_or_default()})
                // serde_json sorts keys, which is Alipay's order here.
                .to_string(),
                "{} {}",
                method.name,
                error.code
            );
        }
        // And the queue is empty again: the next call is answered normally.
        let (_, text, _) = call(&gw, &method.name, &biz).await;
        assert!(text.starts_with(r#"{"code":"10000""#), "{text}");
    }
}

/// A copy of a bundled spec under another method name.
fn renamed_spec(dir: &Path, from: &str, to: &str) {
    let text =
        std::fs::read_to_string(Builder::bundled_specs_dir().join(format!("methods/{from}.yaml")))
            .unwrap()
            .replace(from, to)
            .replace(&from.replace('.', "_"), &to.replace('.', "_"));
    std::fs::create_dir_all(dir.join("methods")).unwrap();
    std::fs::write(dir.join(format!("methods/{to}.yaml")), text).unwrap();
}

#[tokio::test]
async fn a_layered_spec_directory_adds_methods_served_without_a_plug_in() {
    let dir = tempfile::tempdir().unwrap();
    renamed_spec(
        dir.path(),
        "alipay.fund.trans.refund",
        "alipay.fund.trans.extra",
    );
    let gw = gateway(GatewayOptions {
        specs: vec![dir.path().to_owned()],
        ..GatewayOptions::default()
    })
    .await
    .unwrap();
    assert!(gw.methods().contains(&"alipay.fund.trans.extra"));
    let biz = r#"{"order_id":"o-1","out_request_no":"r-1","refund_amount":"8.88"}"#;
    let (_, text, node) = call(&gw, "alipay.fund.trans.extra", biz).await;
    assert_eq!(node["code"], "10000", "{text}");
    assert_eq!(node["order_id"], "o-1");
    assert_eq!(node["out_request_no"], "r-1");
    assert_eq!(node["refund_amount"], "8.88");
    // The bundled method keeps its plug-in: an unseeded order is unknown.
    let (_, _, node) = call(&gw, "alipay.fund.trans.refund", biz).await;
    assert_eq!(node["sub_code"], "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn a_layered_spec_replacing_a_bundled_method_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    renamed_spec(
        dir.path(),
        "alipay.fund.trans.refund",
        "alipay.fund.trans.refund",
    );
    let err = gateway(GatewayOptions {
        specs: vec![dir.path().to_owned()],
        ..GatewayOptions::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    let message = err.to_string();
    assert!(
        message.contains("alipay.fund.trans.refund.yaml") && message.contains("would replace"),
        "{message}"
    );
}
