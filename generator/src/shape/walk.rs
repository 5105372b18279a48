//! Checks a YAML tree against a [`Struct`], collecting every problem.

use super::{Key, Kind, Struct};
use crate::check::closest;
use crate::yaml::{Node, Value};

/// One shape problem, at a line and column of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, naming the key by its path (`request.fields[2].max_length`).
    pub message: String,
    /// How to fix it, in the spec's words.
    pub help: String,
}

/// Every shape problem of a file whose root must be `root`. `tree` is `None`
/// for a file with no YAML document.
pub fn check(tree: Option<&Node>, root: &'static Struct) -> Vec<Problem> {
    let mut out = Vec::new();
    match tree {
        Some(node) => walk_struct(node, root, "", &mut out),
        None => out.push(Problem {
            line: 1,
            column: 1,
            message: format!(
                "the file is empty; {} needs {}",
                root.what,
                required_list(root)
            ),
            help: "see specs/README.md for the format".into(),
        }),
    }
    out
}

/// How YAML reads a plain scalar (the core schema, as serde_yaml_ng does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plain {
    Null,
    Bool,
    Integer,
    Float,
    Text,
}

fn classify(text: &str) -> Plain {
    let digits =
        |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix) || c == '_');
    let unsigned = text.trim_start_matches(['-', '+']);
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Plain::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Plain::Bool,
        ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | "+.inf" | ".nan" | ".NaN"
        | ".NAN" => Plain::Float,
        _ if unsigned.len() + 1 >= text.len() && digits(unsigned, 10) => Plain::Integer,
        _ if text.strip_prefix("0x").is_some_and(|s| digits(s, 16))
            || text.strip_prefix("0o").is_some_and(|s| digits(s, 8)) =>
        {
            Plain::Integer
        }
        _ if text.parse::<f64>().is_ok() && text.chars().any(|c| c.is_ascii_digit()) => {
            Plain::Float
        }
        _ => Plain::Text,
    }
}

/// "the text \"256\"", "a list", … : what was found, for messages.
fn found(node: &Node) -> String {
    match &node.value {
        Value::List(_) => "a list".into(),
        Value::Map(_) => "a mapping (`key: value` lines)".into(),
        Value::Scalar { text, plain: false } => format!("the quoted text {text:?}"),
        Value::Scalar { text, plain: true } => match classify(text) {
            Plain::Null => "nothing".into(),
            Plain::Bool => format!("the boolean {text}"),
            Plain::Integer | Plain::Float => format!("the number {text}"),
            Plain::Text => format!("the text {text:?}"),
        },
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar { text, plain: true } if classify(text) == Plain::Null)
}

fn required_list(s: &Struct) -> String {
    let names: Vec<_> = s
        .keys
        .iter()
        .filter(|k| k.required)
        .map(|k| format!("`{}`", k.name))
        .collect();
    match names.len() {
        0 => "no key in particular".into(),
        _ => names.join(", "),
    }
}

fn all_keys(s: &Struct) -> String {
    s.keys.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn push(out: &mut Vec<Problem>, node: &Node, message: String, help: String) {
    out.push(Problem {
        line: node.line,
        column: node.column,
        message,
        help,
    });
}

fn walk_struct(node: &Node, s: &'static Struct, path: &str, out: &mut Vec<Problem>) {
    let here = if path.is_empty() {
        "the file".to_owned()
    } else {
        format!("`{path}`")
    };
    let Value::Map(entries) = &node.value else {
        let help = if is_null(node) {
            format!("{} needs {}", s.what, required_list(s))
        } else {
            format!(
                "write {} as `key: value` lines; its keys are: {}",
                s.what,
                all_keys(s)
            )
        };
        push(
            out,
            node,
            format!("{here} should be {}, found {}", s.what, found(node)),
            help,
        );
        return;
    };
    let mut seen: Vec<(&str, &Node)> = Vec::new();
    for (index, (key_node, value)) in entries.iter().enumerate() {
        let Value::Scalar { text: key, .. } = &key_node.value else {
            push(
                out,
                key_node,
                format!("a key in {here} is {}", found(key_node)),
                "keys are plain words such as `name`".into(),
            );
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| k == key) {
            push(
                out,
                key_node,
                format!(
                    "`{}` is given twice (first on line {})",
                    child(path, key),
                    first.line
                ),
                "keep one of them".into(),
            );
            continue;
        }
        seen.push((key, key_node));
        let Some(spec) = s.key(key) else {
            let before = index.checked_sub(1).map(|i| &entries[i]);
            push(
                out,
                key_node,
                format!("unknown key `{key}` in {here}"),
                unknown_key_help(s, key, before),
            );
            continue;
        };
        let path = child(path, key);
        if is_null(value) {
            if !spec.empty_ok {
                let what = match spec.kind {
                    Kind::List(_) => "a list: write `[]` for none, or leave the key out",
                    _ => {
                        "a value: write it after the colon, or leave the key out if it is optional"
                    }
                };
                // At the key: an empty value has no position of its own.
                push(
                    out,
                    key_node,
                    format!("`{path}` is empty"),
                    format!("`{key}` needs {what}"),
                );
            }
            continue;
        }
        if let Some(problem) = over_indented(s, key_node, spec, value, &path) {
            out.push(problem);
            continue;
        }
        walk(value, &spec.kind, &path, out);
    }
    let missing: Vec<_> = s
        .keys
        .iter()
        .filter(|k| k.required && !seen.iter().any(|(name, _)| *name == k.name))
        .collect();
    for k in missing {
        push(
            out,
            node,
            format!("{here} has no `{}`", k.name),
            format!("add `{}: …`; {} needs {}", k.name, s.what, required_list(s)),
        );
    }
}

/// A scalar key whose value is a mapping of its siblings' keys: those keys
/// were indented under it by mistake (`description:` then a deeper
/// `max_length: 10`). Reported at the first of them.
fn over_indented(s: &Struct, key: &Node, spec: &Key, value: &Node, path: &str) -> Option<Problem> {
    if matches!(
        spec.kind,
        Kind::Any | Kind::List(_) | Kind::Map(_) | Kind::Struct(_)
    ) {
        return None;
    }
    let Value::Map(entries) = &value.value else {
        return None;
    };
    let (first, _) = entries.first()?;
    let Value::Scalar { text: inner, .. } = &first.value else {
        return None;
    };
    s.key(inner)?;
    let Value::Scalar { text: outer, .. } = &key.value else {
        return None;
    };
    Some(Problem {
        line: first.line,
        column: first.column,
        message: format!("`{inner}` is indented under `{path}`, which takes no keys"),
        help: format!(
            "`{inner}` is a key of {}: indent it to column {}, in line with `{outer}`",
            s.what, key.column
        ),
    })
}

/// Did-you-mean, or, for a key that belongs one level deeper (a dedented
/// `type:` under a field list), where to indent it.
fn unknown_key_help(s: &Struct, key: &str, before: Option<&(Node, Node)>) -> String {
    if let Some((prev_key, prev_value)) = before {
        if let Some((inner, column)) = deeper_struct(s, prev_key, prev_value) {
            if inner.key(key).is_some() {
                return format!(
                    "`{key}` is a key of {}: indent it to column {column}, in line with the keys above it",
                    inner.what
                );
            }
        }
    }
    let keys = all_keys(s);
    let names: Vec<&str> = s.keys.iter().map(|k| k.name).collect();
    match closest(key, &names) {
        Some(near) => format!("did you mean `{near}`? the keys of {} are: {keys}", s.what),
        None => format!("the keys of {} are: {keys}", s.what),
    }
}

/// The struct that the mapping just above a key holds (directly, or as the
/// last item of a list), with the column of its keys.
fn deeper_struct(s: &Struct, key: &Node, value: &Node) -> Option<(&'static Struct, usize)> {
    let Value::Scalar { text, .. } = &key.value else {
        return None;
    };
    let (kind, node) = match (&s.key(text)?.kind, &value.value) {
        (Kind::List(inner), Value::List(items)) => (*inner, items.last()?),
        (kind, _) => (kind, value),
    };
    match (kind, &node.value) {
        (Kind::Struct(inner), Value::Map(entries)) => Some((*inner, entries.first()?.0.column)),
        _ => None,
    }
}

fn walk(node: &Node, kind: &'static Kind, path: &str, out: &mut Vec<Problem>) {
    let name = path.rsplit('.').next().unwrap_or(path);
    let scalar = match &node.value {
        Value::Scalar { text, plain } => Some((text.as_str(), *plain)),
        _ => None,
    };
    match kind {
        Kind::Any => {}
        Kind::Struct(s) => walk_struct(node, s, path, out),
        Kind::List(item) => match &node.value {
            Value::List(items) => {
                for (i, it) in items.iter().enumerate() {
                    walk(it, item, &format!("{path}[{i}]"), out);
                }
            }
            _ => push(
                out,
                node,
                format!("`{path}` is a list, found {}", found(node)),
                format!(
                    "write each item of `{name}` on its own line starting with `- `, or as `[a, b]`"
                ),
            ),
        },
        Kind::Map(item) => match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    match &k.value {
                        Value::Scalar { text, .. } => walk(v, item, &child(path, text), out),
                        _ => push(
                            out,
                            k,
                            format!("a key in `{path}` is {}", found(k)),
                            "keys are plain names".into(),
                        ),
                    }
                }
            }
            _ => push(
                out,
                node,
                format!("`{path}` is a mapping of names, found {}", found(node)),
                format!("write `{name}` as `name: value` lines, one per entry"),
            ),
        },
        Kind::Text => {
            if scalar.is_none() || is_null(node) {
                push(
                    out,
                    node,
                    format!("`{path}` is text, found {}", found(node)),
                    format!(
                        "write the text after `{name}: `, quoted if it holds `: ` or starts with `[`, `{{` or `-`"
                    ),
                );
            }
        }
        Kind::Bool => {
            if !matches!(scalar, Some((t, true)) if classify(t) == Plain::Bool) {
                let help = match scalar {
                    Some((t @ ("true" | "false"), false)) => format!("write {t} without quotes"),
                    _ => format!("write `{name}: true` or `{name}: false`"),
                };
                push(
                    out,
                    node,
                    format!("`{path}` is true or false, found {}", found(node)),
                    help,
                );
            }
        }
        Kind::Count => check_count(node, scalar, path, name, out),
        Kind::Required => match scalar {
            Some((t, true)) if classify(t) == Plain::Bool => {}
            Some(("conditional", _)) => {}
            _ => {
                let help = match scalar {
                    Some((t @ ("true" | "false"), false)) => format!("write {t} without quotes"),
                    _ => "write true (must be given), false (may be left out, the default) or \
                          conditional (named by a rule)"
                        .into(),
                };
                push(
                    out,
                    node,
                    format!(
                        "`{path}` is true, false or conditional, found {}",
                        found(node)
                    ),
                    help,
                );
            }
        },
        Kind::Word(words) => {
            if !matches!(scalar, Some((t, _)) if words.contains(&t)) {
                let list = words.join(", ");
                let help = match scalar.and_then(|(t, _)| closest(t, words)) {
                    Some(near) => format!("did you mean `{near}`? write one of: {list}"),
                    None => format!("write one of: {list}"),
                };
                push(
                    out,
                    node,
                    format!("`{path}` is one of {list}, found {}", found(node)),
                    help,
                );
            }
        }
    }
}

fn check_count(
    node: &Node,
    scalar: Option<(&str, bool)>,
    path: &str,
    name: &str,
    out: &mut Vec<Problem>,
) {
    let help = match scalar {
        Some((t, true)) if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() => {
            if t.parse::<u32>().is_ok() {
                return;
            }
            format!("`{name}` is at most {}", u32::MAX)
        }
        Some((t, false)) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
            format!("write {t} without quotes")
        }
        Some((t, true)) if t.starts_with('-') && classify(t) == Plain::Integer => {
            format!("`{name}` cannot be negative")
        }
        _ => format!("write a whole number such as `{name}: 256`"),
    };
    push(
        out,
        node,
        format!("`{path}` is a whole number, found {}", found(node)),
        help,
    );
}
