//! Every constraint of every request spec, checked through the generated
//! validators with no method named: each request example passes; each
//! constraint, broken alone by editing a request example's JSON, gives
//! exactly one violation at its path; each value at a limit passes.
//!
//! The cases are derived from the spec (`alipay_codegen::ir`) of each method
//! the generated crate's `for_each_method` visits: an empty required string
//! or list, a string one past `max_length` as the spec counts it, an amount
//! below its minimum (or zero) or above its maximum, an integer out of its
//! range, a value no `values` list holds, and each `at_least_one` and
//! `together` rule broken. Nested objects present in the example are
//! entered, with their path (`goods[0].goods_id`).

#[path = "support/spec_set.rs"]
mod spec_set;

use alipay_codegen::ir::{Api, Bound, Field, Method, ObjectType, RuleKind, Type};
use alipay_codegen::spec::{LengthCounting, Required};
use alipay_runtime::{AlipayRequest, MethodVisitor, Money, Rule};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use spec_set::SpecSet;

/// A value no spec lists.
const UNLISTED: &str = "NOT_LISTED_BY_THE_SPEC";

/// One step into the example's JSON.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

/// One edit of a request example and what validation must say about it.
#[derive(Debug)]
struct Case {
    /// For messages.
    what: String,
    /// The object holding the edited key, from the root.
    at: Vec<Seg>,
    key: String,
    /// `None` removes the key.
    value: Option<Value>,
    /// The violation the edit itself causes (`None`: the value is at a limit
    /// and passes), and for a length its counted length.
    breaks: Option<(String, Rule)>,
    found: Option<String>,
}

impl Case {
    fn apply(&self, root: &Value) -> Value {
        let mut root = root.clone();
        let mut node = &mut root;
        for seg in &self.at {
            node = match seg {
                Seg::Key(k) => node.get_mut(k.as_str()),
                Seg::Index(i) => node.get_mut(*i),
            }
            .expect("the path exists in the example");
        }
        let object = node.as_object_mut().expect("an object");
        match &self.value {
            Some(v) => object.insert(self.key.clone(), v.clone()),
            None => object.remove(&self.key),
        };
        root
    }
}

/// How the spec counts a string's length.
fn counted(text: &str, counting: LengthCounting) -> usize {
    match counting {
        LengthCounting::Characters => text.chars().count(),
        LengthCounting::ChineseAsTwo => {
            text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Values for one string, amount or integer (a field, or an item of an
/// array field): (what, value, the rule it breaks if any, found).
type Probe = (String, Value, Option<Rule>, Option<String>);

fn scalar_values(f: &Field, ty: &Type) -> Vec<Probe> {
    let mut out = Vec::new();
    match ty {
        Type::String => {
            if let Some(n) = f.max_length {
                let n = n as usize;
                let (at, over) = match f.length_counting {
                    // Characters, not bytes: a Chinese character counts one.
                    LengthCounting::Characters => ("号".repeat(n), "号".repeat(n + 1)),
                    // One more Chinese character than fits, though as
                    // characters it would fit.
                    LengthCounting::ChineseAsTwo => (
                        "退".repeat(n / 2) + &"a".repeat(n % 2),
                        "退".repeat(n / 2 + 1),
                    ),
                };
                let found = counted(&over, f.length_counting).to_string();
                out.push((format!("{n} long"), json!(at), None, None));
                out.push((
                    format!("{found} long"),
                    json!(over),
                    Some(Rule::MaxLength),
                    Some(found),
                ));
            }
        }
        Type::Enum(_) => out.push((
            UNLISTED.into(),
            json!(UNLISTED),
            Some(Rule::AllowedValues),
            None,
        )),
        Type::Price => {
            let fits = |m: Money| {
                f.max_length
                    .is_none_or(|n| m.to_string().len() <= n as usize)
            };
            // An amount is always above zero, whatever the spec says.
            let min = match f.minimum {
                Some(Bound::Price(fen)) => fen,
                _ => 1,
            };
            let max = match f.maximum {
                Some(Bound::Price(fen)) => Some(fen),
                _ => None,
            };
            let below = min.checked_sub(1).map(|fen| (fen, Some(Rule::Minimum)));
            for (fen, rule) in below.into_iter().chain([(min, None)]).chain(
                max.into_iter()
                    .flat_map(|max| [(max, None), (max + 1, Some(Rule::Maximum))]),
            ) {
                let amount = Money::from_fen(fen);
                if fits(amount) {
                    out.push((amount.to_string(), json!(amount.to_string()), rule, None));
                }
            }
            // Its text's length, where no maximum already bounds it.
            if let (Some(n), None) = (f.max_length, max) {
                let n = n as usize;
                for len in [n, n + 1] {
                    // "1000.00": a 1, zeros, and two decimals.
                    let Some(zeros) = len.checked_sub(4) else {
                        continue;
                    };
                    let text = format!("1{}.00", "0".repeat(zeros));
                    if text.parse::<Money>().is_ok() {
                        let rule = (len > n).then_some(Rule::MaxLength);
                        let found = rule.map(|_| len.to_string());
                        out.push((text.clone(), json!(text), rule, found));
                    }
                }
            }
        }
        Type::Integer => {
            if let Some(Bound::Integer(min)) = f.minimum {
                out.push((min.to_string(), json!(min), None, None));
                out.push((
                    (min - 1).to_string(),
                    json!(min - 1),
                    Some(Rule::Minimum),
                    None,
                ));
            }
            if let Some(Bound::Integer(max)) = f.maximum {
                out.push((max.to_string(), json!(max), None, None));
                out.push((
                    (max + 1).to_string(),
                    json!(max + 1),
                    Some(Rule::Maximum),
                    None,
                ));
            }
        }
        Type::Boolean | Type::DateTime | Type::Object { .. } | Type::Array(_) => {}
    }
    out
}

/// The spec of an object type a field names.
fn object_type<'a>(api: &'a Api, m: &'a Method, ty: &Type) -> Option<&'a ObjectType> {
    let Type::Object { name, shared } = ty else {
        return None;
    };
    let types = if *shared { &api.types } else { &m.types };
    types.iter().find(|t| &t.name == name)
}

/// The cases of every field of one object of the example.
fn field_cases(
    api: &Api,
    m: &Method,
    fields: &[alipay_codegen::ir::Field],
    object: &Map<String, Value>,
    at: &[Seg],
    prefix: &str,
    out: &mut Vec<Case>,
) {
    for f in fields {
        let path = join(prefix, &f.name);
        let case = |what: String, value: Value, breaks: Option<(String, Rule)>, found| Case {
            what: format!("{path} = {what}"),
            at: at.to_vec(),
            key: f.name.clone(),
            value: Some(value),
            breaks,
            found,
        };
        let required = f.required == Required::Yes;
        match &f.ty {
            Type::Array(item) => {
                if required {
                    out.push(case(
                        "[]".into(),
                        json!([]),
                        Some((path.clone(), Rule::Required)),
                        None,
                    ));
                }
                let item_path = format!("{path}[0]");
                for (what, v, rule, found) in scalar_values(f, item) {
                    let breaks = rule.map(|r| (item_path.clone(), r));
                    out.push(case(format!("[{what}]"), json!([v]), breaks, found));
                }
                if let (Some(t), Some(Value::Object(first))) = (
                    object_type(api, m, item),
                    object.get(&f.name).and_then(|v| v.get(0)),
                ) {
                    let mut inner = at.to_vec();
                    inner.extend([Seg::Key(f.name.clone()), Seg::Index(0)]);
                    field_cases(api, m, &t.fields, first, &inner, &item_path, out);
                }
            }
            Type::Object { .. } => {
                if let (Some(t), Some(Value::Object(inner_object))) =
                    (object_type(api, m, &f.ty), object.get(&f.name))
                {
                    let mut inner = at.to_vec();
                    inner.push(Seg::Key(f.name.clone()));
                    field_cases(api, m, &t.fields, inner_object, &inner, &path, out);
                }
            }
            ty => {
                if required && *ty == Type::String {
                    out.push(case(
                        "\"\"".into(),
                        json!(""),
                        Some((path.clone(), Rule::Required)),
                        None,
                    ));
                }
                for (what, v, rule, found) in scalar_values(f, ty) {
                    out.push(case(what, v, rule.map(|r| (path.clone(), r)), found));
                }
            }
        }
    }
}

/// Whether a top-level field counts as given for a rule: present and, for
/// strings and lists, not empty.
fn given(m: &Method, root: &Value, name: &str) -> bool {
    let f = m.request.fields.iter().find(|f| f.name == name).unwrap();
    match (root.get(name), &f.ty) {
        (None | Some(Value::Null), _) => false,
        (Some(Value::String(s)), _) => !s.is_empty(),
        (Some(Value::Array(a)), Type::Array(_)) => !a.is_empty(),
        _ => true,
    }
}

/// The rules `root` breaks, in spec order, as the validator reports them
/// (after every field's own violations).
fn broken_rules(m: &Method, root: &Value) -> Vec<(String, Rule)> {
    m.rules
        .iter()
        .filter_map(|r| {
            let n = r.fields.iter().filter(|f| given(m, root, f)).count();
            match r.kind {
                RuleKind::AtLeastOne if n == 0 => Some((String::new(), Rule::AtLeastOne)),
                RuleKind::Together if n > 0 && n < r.fields.len() => {
                    Some((String::new(), Rule::Together))
                }
                _ => None,
            }
        })
        .collect()
}

/// One case per `at_least_one` and `together` rule: every field of an
/// `at_least_one` group removed; for `together`, one removed from a complete
/// group or one added (its spec example) to an empty one.
fn rule_cases(m: &Method, root: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for r in &m.rules {
        let mut edited = root.clone();
        let object = edited.as_object_mut().unwrap();
        let what = match r.kind {
            RuleKind::AtLeastOne => {
                for f in &r.fields {
                    object.remove(f);
                }
                format!("none of {}", r.fields.join(", "))
            }
            RuleKind::Together => {
                let all = r.fields.iter().all(|f| given(m, root, f));
                let first = &r.fields[0];
                if all {
                    object.remove(first);
                    format!("{} without {first}", r.fields.join(", "))
                } else {
                    let f = m.request.fields.iter().find(|f| &f.name == first).unwrap();
                    let Some(example) = &f.example else { continue };
                    for other in &r.fields[1..] {
                        object.remove(other);
                    }
                    object.insert(first.clone(), example.clone());
                    format!("{first} alone of {}", r.fields.join(", "))
                }
            }
            RuleKind::Precedence => continue,
        };
        out.push((what, edited));
    }
    out
}

/// `(path, rule, found)` of every violation, in order.
fn violations<R: AlipayRequest>(request: &R) -> Vec<(String, Rule, Option<String>)> {
    match request.validate() {
        Ok(()) => Vec::new(),
        Err(v) => v
            .iter()
            .map(|v| (v.path.clone(), v.rule, v.found.clone()))
            .collect(),
    }
}

fn parse<R: DeserializeOwned>(m: &Method, what: &str, json: &Value) -> R {
    serde_json::from_value(json.clone()).unwrap_or_else(|e| {
        panic!(
            "{} ({what}): the edited example does not parse: {e}\n{json}",
            m.name
        )
    })
}

fn paths(found: &[(String, Rule, Option<String>)]) -> Vec<(String, Rule)> {
    found.iter().map(|(p, r, _)| (p.clone(), *r)).collect()
}

/// Checks every request example of every visited method, and every
/// constraint broken alone.
struct Constraints<'a> {
    specs: &'a SpecSet,
    visited: Vec<&'static str>,
}

impl MethodVisitor for Constraints<'_> {
    fn visit<R>(&mut self)
    where
        R: AlipayRequest + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
        R::Response: serde::Serialize + std::fmt::Debug + Send + 'static,
    {
        let api = &self.specs.api;
        let m = self.specs.method(R::METHOD);
        self.visited.push(R::METHOD);
        let examples = spec_set::request_examples(m);
        let (mut broken, mut held) = (0, 0);
        for (name, example) in &examples {
            let request: R = parse(m, name, example);
            assert_eq!(violations(&request), vec![], "{} example {name}", m.name);

            let mut cases = Vec::new();
            let object = example.as_object().expect("a request example is an object");
            field_cases(api, m, &m.request.fields, object, &[], "", &mut cases);
            for case in &cases {
                let edited = case.apply(example);
                let found = violations(&parse::<R>(m, &case.what, &edited));
                let mut expected: Vec<(String, Rule)> = case.breaks.iter().cloned().collect();
                expected.extend(broken_rules(m, &edited));
                assert_eq!(
                    paths(&found),
                    expected,
                    "{} example {name}: {}",
                    m.name,
                    case.what
                );
                if case.found.is_some() {
                    assert_eq!(found[0].2, case.found, "{}: {}", m.name, case.what);
                }
                if case.breaks.is_some() {
                    broken += 1;
                } else {
                    held += 1;
                }
            }
            for (what, edited) in rule_cases(m, example) {
                let found = violations(&parse::<R>(m, &what, &edited));
                let expected = broken_rules(m, &edited);
                assert!(!expected.is_empty(), "{}: {what} breaks its rule", m.name);
                assert_eq!(paths(&found), expected, "{} example {name}: {what}", m.name);
                broken += 1;
            }
        }
        println!(
            "checked {}: {} request example(s) valid, {broken} constraint(s) broken alone at their paths, {held} value(s) at a limit accepted",
            m.name,
            examples.len()
        );
    }
}

fn check_all(specs: &SpecSet, for_each: impl FnOnce(&mut Constraints<'_>)) {
    let mut visitor = Constraints {
        specs,
        visited: Vec::new(),
    };
    for_each(&mut visitor);
    specs.assert_covers(&visitor.visited);
}

#[test]
fn every_request_example_validates_and_every_constraint_broken_alone_is_one_violation() {
    check_all(&spec_set::workspace(), |v| alipay_api::for_each_method(v));
}

#[test]
fn the_golden_fixture_too() {
    check_all(&spec_set::golden(), |v| alipay_golden::for_each_method(v));
}

/// The case generator itself: on the golden fixture's request it finds the
/// constraints a person would list, so a generator that found nothing could
/// not pass the tests above by checking nothing.
#[test]
fn the_cases_cover_each_kind_of_constraint() {
    let golden = spec_set::golden();
    let m = golden.method("golden.every.type");
    let (_, example) = spec_set::request_examples(m).remove(0);
    let mut cases = Vec::new();
    field_cases(
        &golden.api,
        m,
        &m.request.fields,
        example.as_object().unwrap(),
        &[],
        "",
        &mut cases,
    );
    let breaks: Vec<(String, Rule)> = cases.iter().filter_map(|c| c.breaks.clone()).collect();
    for expected in [
        ("out_trade_no", Rule::MaxLength),
        ("amount", Rule::Minimum),
        ("amount", Rule::Maximum),
        ("quantity", Rule::Minimum),
        ("quantity", Rule::Maximum),
        ("remark", Rule::MaxLength),
        ("channel", Rule::AllowedValues),
        ("query_options[0]", Rule::AllowedValues),
        ("goods[0].goods_id", Rule::Required),
        ("goods[0].goods_id", Rule::MaxLength),
        ("goods[0].price", Rule::Minimum),
    ] {
        let expected = (expected.0.to_owned(), expected.1);
        assert!(breaks.contains(&expected), "{expected:?} not in {breaks:?}");
    }
    let rules: Vec<String> = rule_cases(m, &example)
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    assert_eq!(
        rules,
        [
            "none of out_trade_no, trade_no",
            "auth_no, operation_id without auth_no"
        ]
    );
    // "红包ab" is 6 as counted; one Chinese character more than fits 10.
    let remark = cases
        .iter()
        .find(|c| c.breaks == Some(("remark".into(), Rule::MaxLength)))
        .unwrap();
    assert_eq!(remark.value, Some(json!("退退退退退退")));
    assert_eq!(remark.found.as_deref(), Some("12"));
}
