//! The checks generated `validate()` methods are made of. For generated code
//! only: each is one call per field, and nothing allocates unless a
//! violation is found, so validating costs far less than signing.

use std::fmt;

use crate::api::{Rule, Violation, Violations};
use crate::money::Money;

/// Where a value sits in the request: `refund_royalty_parameters[2].trans_in`.
/// A borrowed chain, built on the stack as validation descends.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment,
}

#[derive(Clone, Copy)]
enum Segment {
    Root,
    Field(&'static str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The request itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// A field of the value at this path.
    pub fn field(&'a self, name: &'static str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// An element of the array at this path.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(i),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) if matches!(self.parent, Some(p) if !matches!(p.segment, Segment::Root)) =>
            {
                write!(f, ".{name}")
            }
            Segment::Field(name) => f.write_str(name),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// How a string's length is counted against its `max_length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Characters (Unicode scalar values): the default.
    Chars,
    /// Every non-ASCII character counts as two, as in GBK, where limits like
    /// "≤100字母/50汉字" (100 letters or 50 Chinese characters) come from.
    ChineseAsTwo,
}

/// The length of `value` counted in `unit`.
pub fn length(value: &str, unit: LengthUnit) -> usize {
    match unit {
        LengthUnit::Chars => value.chars().count(),
        LengthUnit::ChineseAsTwo => value
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum(),
    }
}

fn push(
    out: &mut Violations,
    path: &Path<'_>,
    rule: Rule,
    limit: Option<String>,
    found: Option<String>,
) {
    out.push(Violation::with_details(
        path.to_string(),
        rule,
        limit,
        found,
    ));
}

/// A required value that is absent (or an empty string or list).
pub fn required(out: &mut Violations, path: &Path<'_>, given: bool) {
    if !given {
        push(out, path, Rule::Required, None, None);
    }
}

/// A string: required and non-empty if `required`; at most `max` long.
pub fn string(
    out: &mut Violations,
    path: &Path<'_>,
    value: Option<&String>,
    required: bool,
    max: Option<(usize, LengthUnit)>,
) {
    match value.map(String::as_str) {
        None | Some("") if required => push(out, path, Rule::Required, None, None),
        Some(v) => {
            if let Some((max, unit)) = max {
                let len = length(v, unit);
                if len > max {
                    let unit_name = match unit {
                        LengthUnit::Chars => "characters",
                        LengthUnit::ChineseAsTwo => "(a Chinese character counting as two)",
                    };
                    push(
                        out,
                        path,
                        Rule::MaxLength,
                        Some(format!("{max} {unit_name}")),
                        Some(len.to_string()),
                    );
                }
            }
        }
        None => {}
    }
}

/// An amount: greater than zero, within `[min, max]` where documented, and
/// its text (`"8.88"`) at most `max_length` long.
pub fn money(
    out: &mut Violations,
    path: &Path<'_>,
    value: Option<&Money>,
    required: bool,
    min: Option<Money>,
    max: Option<Money>,
    max_length: Option<usize>,
) {
    let Some(&v) = value else {
        if required {
            push(out, path, Rule::Required, None, None);
        }
        return;
    };
    // An amount is always above zero, whatever the spec says.
    bounds(out, path, v, Some(min.unwrap_or(Money::from_fen(1))), max);
    if let Some(max_length) = max_length {
        let len = v.to_string().len();
        if len > max_length {
            push(
                out,
                path,
                Rule::MaxLength,
                Some(format!("{max_length} characters")),
                Some(len.to_string()),
            );
        }
    }
}

/// An integer within `[min, max]` where documented.
pub fn integer(
    out: &mut Violations,
    path: &Path<'_>,
    value: Option<&i64>,
    required: bool,
    min: Option<i64>,
    max: Option<i64>,
) {
    let Some(&v) = value else {
        if required {
            push(out, path, Rule::Required, None, None);
        }
        return;
    };
    bounds(out, path, v, min, max);
}

fn bounds<T: PartialOrd + fmt::Display>(
    out: &mut Violations,
    path: &Path<'_>,
    v: T,
    min: Option<T>,
    max: Option<T>,
) {
    if let Some(min) = min.filter(|min| v < *min) {
        push(
            out,
            path,
            Rule::Minimum,
            Some(min.to_string()),
            Some(v.to_string()),
        );
    }
    if let Some(max) = max.filter(|max| v > *max) {
        push(
            out,
            path,
            Rule::Maximum,
            Some(max.to_string()),
            Some(v.to_string()),
        );
    }
}

/// An enum value: it must be one of the listed values (`listed` is false
/// for the opaque `Unknown` variant).
pub fn listed<E: OpenEnum>(
    out: &mut Violations,
    path: &Path<'_>,
    value: Option<&E>,
    required: bool,
    allowed: &'static str,
) {
    match value {
        None if required => push(out, path, Rule::Required, None, None),
        Some(e) if !e.is_listed() => push(
            out,
            path,
            Rule::AllowedValues,
            Some(allowed.to_owned()),
            Some(e.wire().to_owned()),
        ),
        _ => {}
    }
}

/// What validation needs of a generated open enum.
pub trait OpenEnum {
    /// Whether the value is one the spec lists (not `Unknown`).
    fn is_listed(&self) -> bool;
    /// The value as sent.
    fn wire(&self) -> &str;
}

/// At least one of `fields` (name, given) must be given.
pub fn at_least_one(out: &mut Violations, path: &Path<'_>, fields: &[(&'static str, bool)]) {
    if !fields.iter().any(|(_, given)| *given) {
        let names = fields
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        push(out, path, Rule::AtLeastOne, Some(names), None);
    }
}

/// All of `fields` or none.
pub fn together(out: &mut Violations, path: &Path<'_>, fields: &[(&'static str, bool)]) {
    let given = fields.iter().filter(|(_, g)| *g).count();
    if given > 0 && given < fields.len() {
        let names = fields
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let missing = fields
            .iter()
            .filter(|(_, g)| !*g)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        push(
            out,
            path,
            Rule::Together,
            Some(names),
            Some(format!("missing {missing}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_field_access() {
        let root = Path::ROOT;
        let a = root.field("refund_royalty_parameters");
        let b = a.index(2);
        let c = b.field("trans_in");
        assert_eq!(c.to_string(), "refund_royalty_parameters[2].trans_in");
        assert_eq!(root.field("amount").to_string(), "amount");
        assert_eq!(root.to_string(), "");
    }

    #[test]
    fn lengths_count_as_documented() {
        assert_eq!(length("红包abc", LengthUnit::Chars), 5);
        assert_eq!(length("红包abc", LengthUnit::ChineseAsTwo), 7);
        assert_eq!(length("", LengthUnit::ChineseAsTwo), 0);
    }
}
