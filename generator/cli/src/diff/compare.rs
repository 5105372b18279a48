//! The comparison itself: method by method, field by field, nested types,
//! rules, constraints, values and error codes.

use alipay_codegen::ir::{
    Api, Direction, EnumDef, ErrorCodeDef, GatewayCode, Method, ObjectType, Rule, RuleKind,
};

use super::fields::{Kind, field_list};
use super::{Change, Class};

/// Collects the changes of one scope.
pub(super) struct Out<'a> {
    scope: &'a str,
    changes: &'a mut Vec<Change>,
}

impl Out<'_> {
    pub(super) fn push(&mut self, path: impl Into<String>, class: Class, what: impl Into<String>) {
        self.changes.push(Change {
            scope: self.scope.to_owned(),
            path: path.into(),
            class,
            what: what.into(),
        });
    }
}

/// Where enums are looked up: the method's own, then the shared ones.
#[derive(Clone, Copy)]
pub(super) struct Env<'a> {
    api: &'a Api,
    method: Option<&'a Method>,
}

impl<'a> Env<'a> {
    pub(super) fn enum_def(&self, rust_name: &str) -> Option<&'a EnumDef> {
        self.method
            .into_iter()
            .flat_map(|m| &m.enums)
            .chain(&self.api.enums)
            .find(|e| e.rust_name == rust_name)
    }
}

pub(super) fn api(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    common(
        old,
        new,
        &mut Out {
            scope: "common",
            changes: &mut changes,
        },
    );
    for (name, o, n) in pair(&old.methods, &new.methods, |m| m.name.clone()) {
        let mut out = Out {
            scope: &name,
            changes: &mut changes,
        };
        match (o, n) {
            (Some(o), Some(n)) => method(old, new, o, n, &mut out),
            (None, Some(n)) => out.push(
                "",
                Class::Compatible,
                format!("new method (module `alipay_api::{}`)", n.rust.module),
            ),
            (Some(o), None) => out.push(
                "",
                Class::Breaking,
                format!(
                    "method removed: the module `alipay_api::{}` is gone",
                    o.rust.module
                ),
            ),
            (None, None) => unreachable!(),
        }
    }
    changes
}

/// Items of both lists by key: the old order first, then what is new.
pub(super) fn pair<'a, T, K: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<(K, Option<&'a T>, Option<&'a T>)> {
    let mut out: Vec<(K, Option<&T>, Option<&T>)> = old
        .iter()
        .map(|o| {
            let k = key(o);
            let n = new.iter().find(|n| key(n) == k);
            (k, Some(o), n)
        })
        .collect();
    for n in new {
        let k = key(n);
        if !old.iter().any(|o| key(o) == k) {
            out.push((k, None, Some(n)));
        }
    }
    out
}

pub(super) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn common(old: &Api, new: &Api, out: &mut Out) {
    for (name, o, n) in pair(&old.common.gateways, &new.common.gateways, |g| g.0.clone()) {
        let path = format!("gateways.{name}");
        let konst = format!("alipay_api::common::{}_GATEWAY", name.to_uppercase());
        match (o, n) {
            (Some(o), Some(n)) if o.1 != n.1 => out.push(
                path,
                Class::Compatible,
                format!("URL changed from {} to {} (`{konst}`)", o.1, n.1),
            ),
            (None, Some(_)) => out.push(path, Class::Compatible, format!("new gateway `{konst}`")),
            (Some(_), None) => out.push(
                path,
                Class::Breaking,
                format!("gateway removed: `{konst}` is gone"),
            ),
            _ => {}
        }
    }
    let (old_env, new_env) = (
        Env {
            api: old,
            method: None,
        },
        Env {
            api: new,
            method: None,
        },
    );
    // Public parameters and common response fields are set and read through
    // the client, not a generated model, so only their presence and type
    // matter to code.
    for (list, o, n) in [
        (
            "request_params",
            &old.common.request_params,
            &new.common.request_params,
        ),
        (
            "response_fields",
            &old.common.response_fields,
            &new.common.response_fields,
        ),
    ] {
        field_list(list, o, n, Kind::Common, (old_env, new_env), out);
    }
    for (code, o, n) in pair(&old.common.gateway_codes, &new.common.gateway_codes, |c| {
        c.code.clone()
    }) {
        gateway_code(&code, o, n, out);
    }
    types(&old.types, &new.types, (old_env, new_env), out);
}

fn gateway_code(code: &str, o: Option<&GatewayCode>, n: Option<&GatewayCode>, out: &mut Out) {
    let path = format!("gateway_codes.{code}");
    let (o, n) = match (o, n) {
        (Some(o), Some(n)) => (o, n),
        (None, Some(n)) => {
            out.push(
                path,
                Class::Compatible,
                format!("new gateway code `GatewayCode::{}`", n.variant),
            );
            return;
        }
        (Some(o), None) => {
            out.push(
                path,
                Class::Breaking,
                format!("gateway code removed: `GatewayCode::{}` is gone", o.variant),
            );
            return;
        }
        (None, None) => unreachable!(),
    };
    if o.variant != n.variant {
        out.push(
            &path,
            Class::Breaking,
            format!("Rust variant renamed `{}` → `{}`", o.variant, n.variant),
        );
    }
    outcome(&path, o.outcome_unknown, n.outcome_unknown, out);
    let mut docs = Vec::new();
    if o.msg != n.msg {
        docs.push("msg");
    }
    if o.meaning != n.meaning {
        docs.push("meaning");
    }
    if o.action != n.action {
        docs.push("action");
    }
    if o.source != n.source {
        docs.push("source");
    }
    documentation(&path, &docs, out);
    errors(
        &format!("{path}.sub_codes"),
        &o.sub_codes,
        &n.sub_codes,
        "GatewayCode",
        out,
    );
}

fn outcome(path: &str, old: bool, new: bool, out: &mut Out) {
    if old != new {
        let (from, to) = if new {
            ("failed", "unknown")
        } else {
            ("unknown", "failed")
        };
        out.push(
            path,
            Class::Breaking,
            format!(
                "outcome_unknown {old} → {new}: `Error::outcome()` for it changes from {from} to {to}, \
                 so callers that retry or query on unknown outcomes act differently"
            ),
        );
    }
}

pub(super) fn documentation(path: &str, what: &[&str], out: &mut Out) {
    if !what.is_empty() {
        out.push(
            path,
            Class::Documentation,
            format!("{} changed", what.join(", ")),
        );
    }
}

fn method(old_api: &Api, new_api: &Api, o: &Method, n: &Method, out: &mut Out) {
    let envs = (
        Env {
            api: old_api,
            method: Some(o),
        },
        Env {
            api: new_api,
            method: Some(n),
        },
    );
    if o.rust.module != n.rust.module {
        out.push(
            "",
            Class::Breaking,
            format!("module renamed `{}` → `{}`", o.rust.module, n.rust.module),
        );
    }
    if o.call != n.call {
        out.push(
            "call",
            Class::Breaking,
            format!(
                "call changed from {:?} to {:?}: it is invoked differently",
                o.call, n.call
            )
            .to_lowercase(),
        );
    }
    let mut docs = Vec::new();
    for (name, changed) in [
        ("title", o.title != n.title),
        ("product", o.product != n.product),
        ("summary", o.summary != n.summary),
        ("description", o.description != n.description),
        ("source", o.source != n.source),
        ("notes", o.notes != n.notes),
        ("public_params", o.public_params != n.public_params),
    ] {
        if changed {
            docs.push(name);
        }
    }
    documentation("", &docs, out);

    object("request", &o.request, &n.request, Side::Top, envs, out);
    rules(&o.rules, &n.rules, out);
    // A success must carry every echoed identifier its response spec marks
    // required (the client's Mismatch check), so for those fields the
    // response's `required` is a check, not documentation.
    let echoed: Vec<&str> = n.echoes().map(|(_, got)| got.name.as_str()).collect();
    object(
        "response",
        &o.response,
        &n.response,
        Side::Response { echoed: &echoed },
        envs,
        out,
    );
    types(&o.types, &n.types, envs, out);
    errors("errors", &o.errors, &n.errors, &n.rust.error_code, out);
    if o.examples.len() != n.examples.len()
        || o.examples
            .iter()
            .zip(&n.examples)
            .any(|(a, b)| a.name != b.name || a.json != b.json || a.description != b.description)
    {
        out.push("examples", Class::Documentation, "examples changed");
    }
}

/// Which object a field list belongs to, for what its changes mean.
#[derive(Clone, Copy)]
enum Side<'a> {
    /// A method's request, or a nested type: follows its own direction.
    Top,
    /// A method's response, whose echoed identifiers are checked.
    Response { echoed: &'a [&'a str] },
}

fn types(old: &[ObjectType], new: &[ObjectType], envs: (Env, Env), out: &mut Out) {
    for (name, o, n) in pair(old, new, |t| t.name.clone()) {
        let path = format!("types.{name}");
        match (o, n) {
            (Some(o), Some(n)) => object(&path, o, n, Side::Top, envs, out),
            (None, Some(n)) => out.push(
                path,
                Class::Compatible,
                format!("new type `{}`", n.rust_name),
            ),
            (Some(o), None) => out.push(
                path,
                Class::Breaking,
                format!("type removed: `{}` is gone", o.rust_name),
            ),
            (None, None) => unreachable!(),
        }
    }
}

fn object(path: &str, o: &ObjectType, n: &ObjectType, side: Side, envs: (Env, Env), out: &mut Out) {
    if o.rust_name != n.rust_name {
        out.push(
            path,
            Class::Breaking,
            format!("type renamed `{}` → `{}`", o.rust_name, n.rust_name),
        );
    }
    if o.direction != n.direction {
        let what = match n.direction {
            Direction::Response => {
                "now also parsed from responses: every field becomes an `Option`"
            }
            Direction::Request => "now only sent: its required fields stop being `Option`s",
        };
        out.push(
            path,
            Class::Breaking,
            format!("`{}` is {what}", n.rust_name),
        );
    }
    let mut docs = Vec::new();
    if o.description != n.description {
        docs.push("description");
    }
    if o.source != n.source {
        docs.push("source");
    }
    documentation(path, &docs, out);
    let side = match side {
        Side::Top if n.direction == Direction::Request && n.validated => Kind::Request {
            validated: true,
            rust: &n.rust_name,
        },
        Side::Top if n.direction == Direction::Request => Kind::Request {
            validated: false,
            rust: &n.rust_name,
        },
        Side::Top => Kind::Response { echoed: &[] },
        Side::Response { echoed } => Kind::Response { echoed },
    };
    field_list(path, &o.fields, &n.fields, side, envs, out);
}

fn rule_kind(k: RuleKind) -> &'static str {
    match k {
        RuleKind::AtLeastOne => "at_least_one",
        RuleKind::Together => "together",
        RuleKind::Precedence => "precedence",
    }
}

fn rules(old: &[Rule], new: &[Rule], out: &mut Out) {
    let key = |r: &Rule| {
        let mut fields = r.fields.clone();
        if r.kind != RuleKind::Precedence {
            fields.sort();
        }
        (rule_kind(r.kind), fields)
    };
    for ((kind, fields), o, n) in pair(old, new, key) {
        let path = format!("request.rules.{kind}[{}]", fields.join(", "));
        let checked = kind != "precedence";
        match (o, n) {
            (Some(o), Some(n)) => {
                let mut docs = Vec::new();
                if o.description != n.description {
                    docs.push("description");
                }
                if o.source != n.source {
                    docs.push("source");
                }
                documentation(&path, &docs, out);
            }
            (None, Some(_)) if checked => out.push(
                path,
                Class::Stricter,
                "new rule: requests that passed may now fail",
            ),
            (Some(_), None) if checked => out.push(
                path,
                Class::Compatible,
                "rule removed: requests it refused now pass",
            ),
            (None, Some(_)) => out.push(path, Class::Documentation, "new precedence rule"),
            (Some(_), None) => out.push(path, Class::Documentation, "precedence rule removed"),
            (None, None) => unreachable!(),
        }
    }
}

fn errors(path: &str, old: &[ErrorCodeDef], new: &[ErrorCodeDef], e: &str, out: &mut Out) {
    for (code, o, n) in pair(old, new, |c| c.code.clone()) {
        let path = format!("{path}.{code}");
        match (o, n) {
            (Some(o), Some(n)) => {
                if o.variant != n.variant {
                    out.push(
                        &path,
                        Class::Breaking,
                        format!(
                            "variant renamed `{e}::{}` → `{e}::{}`",
                            o.variant, n.variant
                        ),
                    );
                }
                outcome(&path, o.outcome_unknown, n.outcome_unknown, out);
                let mut docs = Vec::new();
                if o.message != n.message {
                    docs.push("message");
                }
                if o.action != n.action {
                    docs.push("action");
                }
                if o.source != n.source {
                    docs.push("source");
                }
                documentation(&path, &docs, out);
            }
            (None, Some(n)) => out.push(
                path,
                Class::Compatible,
                format!("new error code `{e}::{}`", n.variant),
            ),
            (Some(o), None) => out.push(
                path,
                Class::Breaking,
                format!("error code removed: `{e}::{}` is gone", o.variant),
            ),
            (None, None) => unreachable!(),
        }
    }
}
