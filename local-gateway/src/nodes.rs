//! Response nodes built from the spec: successes from the method's success
//! example, refusals from its documented error codes.

use alipay_codegen::ir::{Method, Type};
use alipay_codegen::spec::ExampleKind;
use alipay_runtime::{DateTime, Money};
use serde_json::{Map, Value};

use crate::spec::Specs;

/// `code`/`msg` of a business failure.
pub(crate) const BUSINESS_FAILED: (&str, &str) = ("40004", "Business Failed");
/// `code`/`msg` of an invalid argument at the gateway.
pub(crate) const INVALID_ARGUMENTS: (&str, &str) = ("40002", "Invalid Arguments");

/// A JSON value whose objects keep their members in the order built, so a
/// node reads like Alipay's: `code` and `msg` first, then the fields in spec
/// order (serde_json's own map sorts its keys).
#[derive(Debug, Clone)]
pub(crate) enum Json {
    /// A string, number, boolean or null.
    Leaf(Value),
    /// Members in order.
    Object(Vec<(String, Json)>),
    /// Elements.
    Array(Vec<Json>),
}

impl Json {
    /// Compact JSON text.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Leaf(v) => out.push_str(&v.to_string()),
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
        }
    }
}

fn text(s: &str) -> Json {
    Json::Leaf(Value::String(s.to_owned()))
}

/// `{"code":…,"msg":…,"sub_code":…,"sub_msg":…}`; `sub_msg` is empty for a
/// code whose meaning Alipay does not publish.
pub(crate) fn refusal(code: (&str, &str), sub_code: &str, sub_msg: Option<&str>) -> String {
    Json::Object(vec![
        ("code".into(), text(code.0)),
        ("msg".into(), text(code.1)),
        ("sub_code".into(), text(sub_code)),
        ("sub_msg".into(), text(sub_msg.unwrap_or_default())),
    ])
    .to_text()
}

/// `40004 Business Failed` with `code` and, as `sub_msg`, its meaning from
/// the method's spec.
pub(crate) fn business_failed(method: Option<&Method>, code: &str) -> String {
    let message = method
        .and_then(|m| m.errors.iter().find(|e| e.code == code))
        .and_then(|e| e.message.as_deref());
    refusal(BUSINESS_FAILED, code, message)
}

/// The system-error refusal of a method: the first code its spec marks
/// outcome-unknown (`SYSTEM_ERROR`, `ACQ.SYSTEM_ERROR`); for a method whose
/// spec lists none (the coupon methods publish no error list), the
/// `SYSTEM_ERROR` 系统繁忙 that `alipay.fund.trans.refund`, a sibling fund
/// method, documents.
pub(crate) fn system_error(method: Option<&Method>) -> String {
    match method.and_then(|m| m.errors.iter().find(|e| e.outcome_unknown)) {
        Some(e) => refusal(BUSINESS_FAILED, &e.code, e.message.as_deref()),
        None => refusal(BUSINESS_FAILED, "SYSTEM_ERROR", Some("系统繁忙")),
    }
}

/// The answer to a `biz_content` that breaks the method's spec.
///
/// Alipay refuses a missing or invalid business parameter with the method's
/// own business code when it has one: `40004 Business Failed`,
/// `ACQ.INVALID_PARAMETER` (参数无效) for the trade methods (a real answer to
/// `alipay.trade.precreate` with a malformed `subject`, quoted in
/// <https://github.com/fzlee/alipay/issues/47>) and `INVALID_PARAMETER` for
/// the fund methods (a missing `biz_scene` on the transfer API,
/// <https://github.com/yansongda/pay/pull/354>). So a method whose spec lists
/// a code ending in `INVALID_PARAMETER` answers with it and its documented
/// message. Otherwise the answer is the gateway's own `40002 Invalid
/// Arguments`, `isv.invalid-parameter` (参数无效), from Alipay's public error
/// code page 公共错误码
/// (<https://open.alitrip.com/docs/doc.htm?articleId=105806&docType=1&treeId=262>,
/// as common.yaml lists it).
pub(crate) fn invalid_parameter(method: &Method) -> String {
    let documented = method.errors.iter().find(|e| {
        e.code
            .rsplit('.')
            .next()
            .is_some_and(|last| last == "INVALID_PARAMETER")
    });
    match documented {
        Some(e) => refusal(BUSINESS_FAILED, &e.code, e.message.as_deref()),
        None => refusal(INVALID_ARGUMENTS, "isv.invalid-parameter", Some("参数无效")),
    }
}

/// `alipay.fund.trans.refund` → `alipay_fund_trans_refund_response`.
pub(crate) fn node_key(method: &str) -> String {
    format!("{}_response", method.replace('.', "_"))
}

/// The success node of `method` for the request `biz`: the spec's success
/// example (its first `10000` response example; without one, the fields'
/// own examples), every value typed as the spec types its field, and each
/// identifier the request sent and the response echoes (`Method::echoes`)
/// set to the value sent, as the client checks.
pub(crate) fn success(specs: &Specs, method: &Method, biz: &Map<String, Value>) -> String {
    let key = node_key(&method.name);
    let example: Option<Map<String, Value>> = method
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .find_map(|e| {
            let body: Value = serde_json::from_str(&e.json).ok()?;
            let node = body.get(&key)?.as_object()?;
            (node.get("code")?.as_str()? == "10000").then(|| node.clone())
        });
    let msg = example
        .as_ref()
        .and_then(|n| n.get("msg"))
        .and_then(Value::as_str)
        .unwrap_or("Success")
        .to_owned();
    let mut members = vec![
        ("code".to_owned(), text("10000")),
        ("msg".to_owned(), text(&msg)),
    ];
    for field in &method.response.fields {
        let echoed = method
            .echoes()
            .any(|(_, got)| got.name == field.name)
            .then(|| {
                biz.get(&field.name)
                    .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            })
            .flatten();
        let value = match (echoed, &example) {
            (Some(sent), _) => Some(sent.clone()),
            (None, Some(example)) => example.get(&field.name).cloned(),
            (None, None) => field.example.clone(),
        };
        if let Some(typed) = value.and_then(|v| typed(specs, method, &field.ty, &v)) {
            members.push((field.name.clone(), typed));
        }
    }
    Json::Object(members).to_text()
}

/// `v` as the spec's type `ty` sends it; `None` if it cannot be.
fn typed(specs: &Specs, method: &Method, ty: &Type, v: &Value) -> Option<Json> {
    let as_text = || match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    Some(match ty {
        Type::String | Type::Enum(_) => Json::Leaf(Value::String(as_text()?)),
        // Amounts travel as strings with two decimals ("8.88").
        Type::Price => Json::Leaf(Value::String(as_text()?.parse::<Money>().ok()?.to_string())),
        Type::Integer => Json::Leaf(Value::from(as_text()?.parse::<i64>().ok()?)),
        Type::Boolean => Json::Leaf(Value::Bool(as_text()?.parse::<bool>().ok()?)),
        Type::DateTime => Json::Leaf(Value::String(
            as_text()?.parse::<DateTime>().ok()?.to_string(),
        )),
        Type::Object { name, shared } => {
            let object = specs.object(method, name, *shared)?;
            let map = v.as_object()?;
            Json::Object(
                object
                    .fields
                    .iter()
                    .filter_map(|f| {
                        let value = typed(specs, method, &f.ty, map.get(&f.name)?)?;
                        Some((f.name.clone(), value))
                    })
                    .collect(),
            )
        }
        Type::Array(item) => Json::Array(
            v.as_array()?
                .iter()
                .filter_map(|e| typed(specs, method, item, e))
                .collect(),
        ),
    })
}
