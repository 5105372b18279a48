//! Field by field: types, Rust names, `required`, lengths and ranges,
//! allowed values, and what each change means where the field is.

use alipay_codegen::ir::{Bound, EnumDef, Field, Type};
use alipay_codegen::spec::{LengthCounting, Required};

use super::Class;
use super::compare::{Env, Out, documentation, join, pair};

/// What changes to a field mean, by where the field is.
#[derive(Clone, Copy)]
pub(super) enum Kind<'a> {
    /// Built by callers: `new(required…)` plus setters; `validated` when
    /// `validate()` checks it.
    Request { validated: bool, rust: &'a str },
    /// Parsed: every field optional; `echoed` are checked by the client.
    Response { echoed: &'a [&'a str] },
    /// Public parameters and common response fields.
    Common,
}

pub(super) fn field_list(
    path: &str,
    old: &[Field],
    new: &[Field],
    kind: Kind,
    envs: (Env, Env),
    out: &mut Out,
) {
    for (name, o, n) in pair(old, new, |f| f.name.clone()) {
        let path = join(path, &name);
        match (o, n) {
            (Some(o), Some(n)) => field(&path, o, n, kind, envs, out),
            (None, Some(n)) => {
                let ty = type_text(&n.ty);
                match kind {
                    Kind::Request { rust, .. } if n.required == Required::Yes => out.push(
                        path,
                        Class::Breaking,
                        format!("new required field ({ty}): `{rust}::new` takes it"),
                    ),
                    Kind::Request { .. } => out.push(
                        path,
                        Class::Compatible,
                        format!("new optional field ({ty}), with a setter"),
                    ),
                    _ => out.push(path, Class::Compatible, format!("new field ({ty})")),
                }
            }
            (Some(o), None) => out.push(
                path,
                Class::Breaking,
                format!(
                    "field removed ({}): `{}` is gone",
                    type_text(&o.ty),
                    o.rust_name
                ),
            ),
            (None, None) => unreachable!(),
        }
    }
}

pub(super) fn type_text(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Price => "price".into(),
        Type::Integer => "integer".into(),
        Type::Boolean => "boolean".into(),
        Type::DateTime => "datetime".into(),
        Type::Enum(name) => format!("string, enum `{name}`"),
        Type::Object { name, .. } => name.clone(),
        Type::Array(item) => format!("{}[]", type_text(item)),
    }
}

pub(super) fn innermost(ty: &Type) -> &Type {
    match ty {
        Type::Array(item) => innermost(item),
        other => other,
    }
}

/// The same type but for names: a renamed enum or object type.
pub(super) fn same_shape(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Enum(_), Type::Enum(_)) => true,
        (Type::Object { .. }, Type::Object { .. }) => true,
        (Type::Array(a), Type::Array(b)) => same_shape(a, b),
        (a, b) => a == b,
    }
}

pub(super) fn field(path: &str, o: &Field, n: &Field, kind: Kind, envs: (Env, Env), out: &mut Out) {
    if o.rust_name != n.rust_name {
        out.push(
            path,
            Class::Breaking,
            format!("Rust name `{}` → `{}`", o.rust_name, n.rust_name),
        );
    }
    if o.ty != n.ty {
        let what = if same_shape(&o.ty, &n.ty) {
            "type renamed"
        } else {
            "type changed"
        };
        out.push(
            path,
            Class::Breaking,
            format!(
                "{what} from `{}` to `{}`",
                type_text(&o.ty),
                type_text(&n.ty)
            ),
        );
    } else if let Type::Enum(name) = innermost(&n.ty) {
        if let (Some(oe), Some(ne)) = (envs.0.enum_def(name), envs.1.enum_def(name)) {
            values(path, oe, ne, kind, out);
        }
    }
    if o.boxed != n.boxed {
        let what = if n.boxed {
            "now held in a `Box` (it closes a type cycle)"
        } else {
            "no longer held in a `Box`"
        };
        out.push(path, Class::Breaking, what);
    }
    required(path, o, n, kind, out);
    constraints(path, o, n, kind, out);
    let mut docs = Vec::new();
    if o.description != n.description {
        docs.push("description");
    }
    if o.example != n.example {
        docs.push("example");
    }
    if o.source != n.source {
        docs.push("source");
    }
    if o.note != n.note {
        docs.push("note");
    }
    documentation(path, &docs, out);
}

pub(super) fn required_text(r: Required) -> &'static str {
    match r {
        Required::Yes => "true",
        Required::No => "false",
        Required::Conditional => "conditional",
    }
}

pub(super) fn required(path: &str, o: &Field, n: &Field, kind: Kind, out: &mut Out) {
    if o.required == n.required {
        return;
    }
    let change = format!(
        "required {} → {}",
        required_text(o.required),
        required_text(n.required)
    );
    let was = o.required == Required::Yes;
    let is = n.required == Required::Yes;
    match kind {
        Kind::Request { rust, .. } if is => out.push(
            path,
            Class::Breaking,
            format!("{change}: `{rust}::new` now takes it"),
        ),
        Kind::Request { rust, .. } if was => out.push(
            path,
            Class::Breaking,
            format!("{change}: `{rust}::new` no longer takes it; it becomes an `Option` with a setter"),
        ),
        Kind::Response { echoed } if echoed.contains(&n.name.as_str()) && is => out.push(
            path,
            Class::Stricter,
            format!(
                "{change}: an echoed identifier; a success without it now fails with `Error::Mismatch`"
            ),
        ),
        Kind::Response { echoed } if echoed.contains(&n.name.as_str()) && was => out.push(
            path,
            Class::Compatible,
            format!("{change}: an echoed identifier; a success may now leave it out"),
        ),
        _ => out.push(path, Class::Documentation, change),
    }
}

pub(super) fn counting_text(c: LengthCounting) -> &'static str {
    match c {
        LengthCounting::Characters => "characters",
        LengthCounting::ChineseAsTwo => "chinese_as_two",
    }
}

pub(super) fn bound_text(b: Option<Bound>) -> String {
    match b {
        None => "none".into(),
        Some(Bound::Integer(i)) => i.to_string(),
        Some(Bound::Price(fen)) => format!("\"{}.{:02}\"", fen / 100, fen % 100),
    }
}

/// Lengths and ranges: stricter or relaxed where `validate()` checks them,
/// documentation elsewhere (responses are never validated).
pub(super) fn constraints(path: &str, o: &Field, n: &Field, kind: Kind, out: &mut Out) {
    let checked = matches!(
        kind,
        Kind::Request {
            validated: true,
            ..
        }
    );
    let mut push = |tighter: bool, what: String| {
        let class = match (checked, tighter) {
            (false, _) => Class::Documentation,
            (true, true) => Class::Stricter,
            (true, false) => Class::Compatible,
        };
        let what = match class {
            Class::Stricter => format!("{what}: requests that passed may now fail"),
            Class::Compatible => format!("{what}: relaxed"),
            _ => what,
        };
        out.push(path, class, what);
    };
    if o.max_length != n.max_length {
        let tighter = match (o.max_length, n.max_length) {
            (Some(a), Some(b)) => b < a,
            (None, Some(_)) => true,
            _ => false,
        };
        let text = |m: Option<u32>| m.map_or("none".into(), |m| m.to_string());
        push(
            tighter,
            format!("max_length {} → {}", text(o.max_length), text(n.max_length)),
        );
    }
    if o.length_counting != n.length_counting && n.max_length.is_some() {
        push(
            n.length_counting == LengthCounting::ChineseAsTwo,
            format!(
                "length_counting {} → {}",
                counting_text(o.length_counting),
                counting_text(n.length_counting)
            ),
        );
    }
    if o.minimum != n.minimum {
        let tighter = match (o.minimum, n.minimum) {
            (Some(a), Some(b)) => b > a,
            (None, Some(_)) => true,
            _ => false,
        };
        push(
            tighter,
            format!(
                "minimum {} → {}",
                bound_text(o.minimum),
                bound_text(n.minimum)
            ),
        );
    }
    if o.maximum != n.maximum {
        let tighter = match (o.maximum, n.maximum) {
            (Some(a), Some(b)) => b < a,
            (None, Some(_)) => true,
            _ => false,
        };
        push(
            tighter,
            format!(
                "maximum {} → {}",
                bound_text(o.maximum),
                bound_text(n.maximum)
            ),
        );
    }
}

/// The allowed values of an enum field.
pub(super) fn values(path: &str, o: &EnumDef, n: &EnumDef, kind: Kind, out: &mut Out) {
    let e = &n.rust_name;
    for (value, ov, nv) in pair(&o.values, &n.values, |v| v.value.clone()) {
        let path = format!("{path}.values.{value}");
        match (ov, nv) {
            (Some(ov), Some(nv)) => {
                if ov.variant != nv.variant {
                    out.push(
                        &path,
                        Class::Breaking,
                        format!(
                            "variant renamed `{e}::{}` → `{e}::{}`",
                            ov.variant, nv.variant
                        ),
                    );
                }
                if ov.meaning != nv.meaning {
                    out.push(path, Class::Documentation, "meaning changed");
                }
            }
            (None, Some(nv)) => {
                let what = match kind {
                    Kind::Request { .. } => "a request may now send it",
                    _ => "it arrives as this variant instead of `Unknown`",
                };
                out.push(
                    path,
                    Class::Compatible,
                    format!("new value `{e}::{}`: {what}", nv.variant),
                );
            }
            (Some(ov), None) => out.push(
                path,
                Class::Breaking,
                format!("value removed: `{e}::{}` is gone", ov.variant),
            ),
            (None, None) => unreachable!(),
        }
    }
}
