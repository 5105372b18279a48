//! `biz_content` checked against the method's spec, at the JSON level: the
//! same constraints the generated validators enforce on the client side
//! (required fields, the rules between fields, lengths counted as the spec
//! counts them, bounds, types and listed values, nested objects and arrays),
//! so a request the client would refuse to send is refused here too.

use std::fmt;

use alipay_codegen::ir::{Bound, Field, Method, ObjectType, RuleKind, Type};
use alipay_codegen::spec::{LengthCounting, Required};
use alipay_runtime::validate::{LengthUnit, length};
use alipay_runtime::{DateTime, Money};
use serde_json::{Map, Value};

use crate::spec::Specs;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Where: `refund_royalty_parameters[2].trans_in`, or `biz_content`.
    pub(crate) path: String,
    /// What is wrong.
    pub(crate) problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Every violation of `biz` (the parsed `biz_content`) against `method`.
pub(crate) fn validate(specs: &Specs, method: &Method, biz: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(object) = biz.as_object() else {
        out.push(Violation {
            path: "biz_content".into(),
            problem: "is not a JSON object".into(),
        });
        return out;
    };
    let checker = Checker { specs, method };
    checker.object(&mut out, "", &method.request, object);
    for rule in &method.rules {
        let given: Vec<bool> = rule
            .fields
            .iter()
            .map(|f| object.get(f).is_some_and(given))
            .collect();
        let count = given.iter().filter(|g| **g).count();
        let broken = match rule.kind {
            RuleKind::AtLeastOne => count == 0,
            RuleKind::Together => count > 0 && count < given.len(),
            // Which one wins is for Alipay to decide; nothing to refuse.
            RuleKind::Precedence => false,
        };
        if broken {
            out.push(Violation {
                path: rule.fields.join(", "),
                problem: format!("breaks the rule \"{}\"", rule.description),
            });
        }
    }
    out
}

/// A value counts as given unless it is null, `""` or `[]`, as for the
/// client's validators.
fn given(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

struct Checker<'a> {
    specs: &'a Specs,
    method: &'a Method,
}

impl Checker<'_> {
    fn object(
        &self,
        out: &mut Vec<Violation>,
        prefix: &str,
        ty: &ObjectType,
        value: &Map<String, Value>,
    ) {
        for field in &ty.fields {
            let path = if prefix.is_empty() {
                field.name.clone()
            } else {
                format!("{prefix}.{}", field.name)
            };
            match value.get(&field.name).filter(|v| given(v)) {
                None if field.required == Required::Yes => out.push(Violation {
                    path,
                    problem: "is required".into(),
                }),
                None => {}
                Some(v) => self.value(out, &path, field, &field.ty, v),
            }
        }
    }

    fn value(&self, out: &mut Vec<Violation>, path: &str, field: &Field, ty: &Type, v: &Value) {
        let mut fail = |problem: String| {
            out.push(Violation {
                path: path.to_owned(),
                problem,
            })
        };
        match ty {
            Type::String => match v.as_str() {
                Some(s) => {
                    if let Some(problem) = too_long(field, s) {
                        fail(problem);
                    }
                }
                None => fail(format!("must be a string, found {v}")),
            },
            Type::Price => {
                // A price travels as a string ("8.88"); Alipay's own Java
                // sample sends a JSON number, which is taken by its text.
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return fail(format!("must be an amount in yuan, found {v}")),
                };
                let Ok(money) = text.parse::<Money>() else {
                    return fail(format!(
                        "must be an amount in yuan with at most two decimals, found {v}"
                    ));
                };
                // An amount is always above zero, as the client checks.
                let min = match field.minimum {
                    Some(Bound::Price(fen)) => Money::from_fen(fen),
                    _ => Money::from_fen(1),
                };
                if money < min {
                    fail(format!("must be at least {min}, found {money}"));
                }
                if let Some(Bound::Price(fen)) = field.maximum {
                    let max = Money::from_fen(fen);
                    if money > max {
                        fail(format!("must be at most {max}, found {money}"));
                    }
                }
                if let Some(problem) = too_long(field, &money.to_string()) {
                    fail(problem);
                }
            }
            Type::Integer => {
                let n = match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return fail(format!("must be an integer, found {v}"));
                };
                if let Some(Bound::Integer(min)) = field.minimum {
                    if n < min {
                        fail(format!("must be at least {min}, found {n}"));
                    }
                }
                if let Some(Bound::Integer(max)) = field.maximum {
                    if n > max {
                        fail(format!("must be at most {max}, found {n}"));
                    }
                }
            }
            Type::Boolean => {
                if !matches!(v, Value::Bool(_)) && !matches!(v.as_str(), Some("true" | "false")) {
                    fail(format!("must be true or false, found {v}"));
                }
            }
            Type::DateTime => {
                if v.as_str()
                    .and_then(|s| s.parse::<DateTime>().ok())
                    .is_none()
                {
                    fail(format!("must be a time \"yyyy-MM-dd HH:mm:ss\", found {v}"));
                }
            }
            Type::Enum(rust_name) => {
                let Some(s) = v.as_str() else {
                    return fail(format!("must be a string, found {v}"));
                };
                if let Some(def) = self.specs.enum_def(self.method, rust_name) {
                    if !def.values.iter().any(|value| value.value == s) {
                        let allowed: Vec<&str> =
                            def.values.iter().map(|v| v.value.as_str()).collect();
                        fail(format!(
                            "must be one of {}, found {s:?}",
                            allowed.join(", ")
                        ));
                    }
                }
                if let Some(problem) = too_long(field, s) {
                    fail(problem);
                }
            }
            Type::Object { name, shared } => {
                let Some(map) = v.as_object() else {
                    return fail(format!("must be an object, found {v}"));
                };
                if let Some(ty) = self.specs.object(self.method, name, *shared) {
                    self.object(out, path, ty, map);
                }
            }
            Type::Array(item) => {
                let Some(items) = v.as_array() else {
                    return fail(format!("must be an array, found {v}"));
                };
                for (i, element) in items.iter().enumerate() {
                    self.value(out, &format!("{path}[{i}]"), field, item, element);
                }
            }
        }
    }
}

/// The problem with `s` against the field's `max_length`, counted as the
/// spec says.
fn too_long(field: &Field, s: &str) -> Option<String> {
    let max = field.max_length? as usize;
    let (unit, unit_name) = match field.length_counting {
        LengthCounting::Characters => (LengthUnit::Chars, "characters"),
        LengthCounting::ChineseAsTwo => (
            LengthUnit::ChineseAsTwo,
            "characters (a Chinese character counting as two)",
        ),
    };
    let len = length(s, unit);
    (len > max).then(|| format!("is {len} {unit_name} long, at most {max} allowed"))
}
