//! A spec file's YAML as a small tree whose every node knows its line and
//! column, read with a nesting limit so that any input is accepted or
//! rejected in time linear in its size.
//!
//! The events come from `yaml-rust2` (pure Rust, YAML 1.2). Its scanner, like
//! libyaml's, looks ahead over a whole flow collection (`[…]`, `{…}`) before
//! it yields the collection's first event, doing work proportional to the
//! nesting depth for every token: 100,000 nested `[` took 21 s. So the flow
//! nesting is measured first by [`flow_depth`], a linear pass over the text
//! that follows the scanner's rules for where `[` and `{` open a collection;
//! the exact limit, over block and flow nesting together, is then enforced on
//! the events as they stream, before any deeper event is read.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The deepest nesting of lists and mappings a spec file may have. A spec
/// needs 6 (a method's `request.fields[i].values[j]` mapping); the margin
/// leaves room for any `example` value.
pub const MAX_DEPTH: usize = 64;

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line of the node's first character.
    pub line: usize,
    /// 1-based column (in characters) of the node's first character.
    pub column: usize,
    /// What it holds.
    pub value: Value,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written. `plain` is false when it was quoted or a block
    /// scalar (`|`, `>`), i.e. certainly text.
    Scalar {
        /// The text, quotes and escapes resolved.
        text: String,
        /// Written without quotes, so YAML may read it as a number, a
        /// boolean or null.
        plain: bool,
    },
    /// A sequence.
    List(Vec<Node>),
    /// A mapping, in file order, duplicates kept (the shape check reports
    /// them).
    Map(Vec<(Node, Node)>),
}

/// Why a file could not be read as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl YamlError {
    fn at(mark: Marker, message: impl Into<String>, help: impl Into<String>) -> YamlError {
        YamlError {
            line: mark.line(),
            column: mark.col() + 1,
            message: message.into(),
            help: help.into(),
        }
    }
}

fn too_deep(line: usize, column: usize) -> YamlError {
    YamlError {
        line,
        column,
        message: format!("the YAML is nested more than {MAX_DEPTH} lists and mappings deep here"),
        help: format!(
            "a spec needs at most 6 levels (request → fields → a field → values → a value); \
             look for an unclosed `[` or `{{`. The limit of {MAX_DEPTH} keeps loading time \
             proportional to the file's size"
        ),
    }
}

/// Reads one YAML document. `Ok(None)` for a file with no document (empty,
/// or only comments).
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    if let Some((line, column)) = flow_depth(text, MAX_DEPTH) {
        return Err(too_deep(line, column));
    }
    let mut parser = Parser::new_from_str(text);
    // Open lists and mappings, innermost last; a mapping's pending key.
    let mut open: Vec<(Node, Option<Node>)> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            explain(
                text,
                YamlError {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                    message: e.info().to_owned(),
                    help: "see specs/README.md for the format".into(),
                },
            )
        })?;
        let node = |value| Node {
            line: mark.line(),
            column: mark.col() + 1,
            value,
        };
        let done = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::at(
                        mark,
                        "a second YAML document (`---`) in one spec file",
                        "a spec file holds one document: move the second one to its own file",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(YamlError::at(
                    mark,
                    "YAML aliases (`*name`) are not used in spec files",
                    "write the value out in full, so that each fact is read where it is written",
                ));
            }
            Event::Scalar(_, _, _, Some(tag))
            | Event::SequenceStart(_, Some(tag))
            | Event::MappingStart(_, Some(tag)) => {
                return Err(YamlError::at(
                    mark,
                    format!(
                        "YAML tags (`{}{}`) are not used in spec files",
                        match tag.handle.as_str() {
                            "tag:yaml.org,2002:" => "!!",
                            handle => handle,
                        },
                        tag.suffix
                    ),
                    "remove the tag; quote a value to make it text",
                ));
            }
            Event::Scalar(text, style, _, None) => node(Value::Scalar {
                text,
                plain: style == TScalarStyle::Plain,
            }),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if open.len() == MAX_DEPTH {
                    // A block mapping's start is marked past its first key:
                    // point at the key.
                    let mut at = (mark.line(), mark.col() + 1);
                    if let Ok((_, next)) = parser.peek() {
                        at = at.min((next.line(), next.col() + 1));
                    }
                    return Err(too_deep(at.0, at.1));
                }
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::List(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                open.push((node(value), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some((mut node, _)) => {
                    // A block collection's start event is marked past its
                    // first token; where it begins is its first item or key.
                    let first = match &node.value {
                        Value::List(items) => items.first(),
                        Value::Map(entries) => entries.first().map(|(k, _)| k),
                        Value::Scalar { .. } => None,
                    };
                    if let Some(first) = first {
                        if (first.line, first.column) < (node.line, node.column) {
                            (node.line, node.column) = (first.line, first.column);
                        }
                    }
                    node
                }
                None => continue,
            },
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
        };
        match open.last_mut() {
            None => root = Some(done),
            Some((parent, key)) => match &mut parent.value {
                Value::List(items) => items.push(done),
                Value::Map(entries) => match key.take() {
                    None => *key = Some(done),
                    Some(k) => entries.push((k, done)),
                },
                Value::Scalar { .. } => unreachable!("only lists and mappings are opened"),
            },
        }
    }
    Ok(root)
}

/// Turns the two scanner errors that a mis-indented key causes into a
/// message about that key, at its own line and column.
fn explain(text: &str, e: YamlError) -> YamlError {
    let lines: Vec<&str> = text.lines().collect();
    let Some(line) = lines.get(e.line.wrapping_sub(1)) else {
        return e;
    };
    let indent = line.len() - line.trim_start_matches(' ').len();
    let Some((key, _)) = line[indent..].split_once(':') else {
        return e;
    };
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    // The key column of the nearest line above with content: after any `- `.
    let above = lines[..e.line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            let rest = l.trim_start_matches([' ', '-']);
            let word = rest.split(':').next().unwrap_or(rest).trim();
            (l.len() - rest.len() + 1, word.to_owned())
        });
    let (Some((column, above_key)), true) = (above, is_key) else {
        return e;
    };
    let at_key = |message: String, help: String| YamlError {
        line: e.line,
        column: indent + 1,
        message,
        help,
    };
    if e.message.contains("mapping values are not allowed") && e.column == indent + key.len() + 1 {
        at_key(
            format!(
                "`{key}` is indented deeper than the line above it, so YAML reads it as part of that line's value"
            ),
            format!("indent `{key}` to column {column}, in line with `{above_key}`"),
        )
    } else if e.message.contains("did not find expected '-' indicator") {
        at_key(
            format!(
                "`{key}` is in line with the `- ` of the list above it, so it is neither a list item nor a key of one"
            ),
            format!(
                "indent `{key}` to column {column}, in line with `{above_key}`, or start a new item with `- `"
            ),
        )
    } else {
        e
    }
}

/// The line and column of the first `[` or `{` that opens a flow collection
/// nested deeper than `limit`, if any, found in one linear pass.
///
/// It follows the scanner's rules for where a flow collection opens: not
/// inside a quoted, plain or block scalar, nor in a comment. Where the rules
/// need context it does not track (a plain scalar continued on a more
/// indented line), it leans towards counting, so that it may overcount in
/// text no spec contains but never lets a deep nest through to the scanner.
pub fn flow_depth(text: &str, limit: usize) -> Option<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Token,
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut depth = 0usize;
    let mut state = State::Token;
    // A block scalar's header was on a line of this indentation: the lines
    // more indented than it are its text.
    let mut block_scalar: Option<usize> = None;
    // A plain scalar in block context started on a line of this indentation
    // and ran to the end of its line: more indented lines continue it.
    let mut plain_from: Option<usize> = None;
    for (index, line) in text.split('\n').enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(n) = block_scalar {
            if blank || indent > n {
                continue;
            }
            block_scalar = None;
        }
        if depth == 0 && matches!(state, State::Plain | State::Token | State::Comment) {
            state = match plain_from {
                Some(n)
                    if !blank && indent > n && !line.trim_start().starts_with(['#', '[', '{']) =>
                {
                    State::Plain
                }
                _ => State::Token,
            };
            if state == State::Token {
                plain_from = None;
            }
        } else if state == State::Comment {
            state = State::Token;
        }
        // Bytes, not chars: every character that matters is ASCII, and no
        // byte of a multi-byte UTF-8 character is.
        let chars = line.as_bytes();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i] as char;
            let prev_blank = i == 0 || chars[i - 1] == b' ' || chars[i - 1] == b'\t';
            let next = chars.get(i + 1).map(|&b| b as char);
            let next_blank = matches!(next, None | Some(' ' | '\t' | '\r'));
            let flow = depth > 0;
            match state {
                State::Comment => break,
                State::Single => {
                    if c == '\'' {
                        if next == Some('\'') {
                            i += 1;
                        } else {
                            state = State::Token;
                        }
                    }
                }
                State::Double => {
                    if c == '\\' {
                        i += 1;
                    } else if c == '"' {
                        state = State::Token;
                    }
                }
                State::Plain => {
                    if c == '#' && prev_blank {
                        state = State::Comment;
                        plain_from = None;
                    } else if c == ':'
                        && (next_blank
                            || (flow && matches!(next, Some(',' | '[' | ']' | '{' | '}'))))
                    {
                        state = State::Token;
                        plain_from = None;
                    } else if flow && matches!(c, ',' | '[' | ']' | '{' | '}') {
                        state = State::Token;
                        continue;
                    }
                }
                State::Token => match c {
                    ' ' | '\t' | '\r' => {}
                    '[' | '{' => {
                        depth += 1;
                        if depth > limit {
                            return Some((index + 1, line[..i].chars().count() + 1));
                        }
                    }
                    ']' | '}' if flow => depth -= 1,
                    ',' if flow => {}
                    '-' | '?' | ':'
                        if next_blank
                            || (flow
                                && c != '-'
                                && matches!(next, Some(',' | '[' | ']' | '{' | '}'))) => {}
                    '\'' => state = State::Single,
                    '"' => state = State::Double,
                    '#' if prev_blank => state = State::Comment,
                    '|' | '>' if !flow => {
                        block_scalar = Some(indent);
                        break;
                    }
                    '&' | '!' | '*' => {
                        // An anchor, tag or alias: one word, then a token.
                        while i + 1 < chars.len()
                            && !matches!(
                                chars[i + 1],
                                b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}'
                            )
                        {
                            i += 1;
                        }
                    }
                    _ => {
                        state = State::Plain;
                        if !flow {
                            plain_from = Some(indent);
                        }
                    }
                },
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(node: &Node) -> (usize, usize) {
        (node.line, node.column)
    }

    #[test]
    fn nodes_know_where_they_start() {
        let tree = parse("a: 1\nb:\n  - x: 'q'\n    y: [1, {z: 2}]\n")
            .unwrap()
            .unwrap();
        let Value::Map(root) = &tree.value else {
            panic!()
        };
        assert_eq!(at(&tree), (1, 1));
        assert_eq!((at(&root[0].0), at(&root[0].1)), ((1, 1), (1, 4)));
        let Value::List(items) = &root[1].1.value else {
            panic!()
        };
        assert_eq!(at(&root[1].1), (3, 3));
        let Value::Map(item) = &items[0].value else {
            panic!()
        };
        assert_eq!(at(&items[0]), (3, 5));
        assert_eq!(at(&item[1].0), (4, 5));
        assert_eq!(at(&item[1].1), (4, 8));
        assert_eq!(
            item[0].1.value,
            Value::Scalar {
                text: "q".into(),
                plain: false
            }
        );
        let Value::List(flow) = &item[1].1.value else {
            panic!()
        };
        assert_eq!(at(&flow[1]), (4, 12));
    }

    #[test]
    fn the_flow_guard_counts_only_collection_openers() {
        let deep = "[".repeat(5);
        assert_eq!(flow_depth(&format!("a: {deep}"), 4), Some((1, 8)));
        assert_eq!(flow_depth(&format!("a: {deep}"), 5), None);
        assert_eq!(flow_depth(&format!("- - {{a: {deep}"), 5), Some((1, 13)));
        // Brackets that YAML reads as text do not count.
        for text in [
            "a: x[[[[[[[[",
            "a: '[[[[[['\nb: \"[[[[[[\\\"[[\"",
            "a: 1 # [[[[[[[[",
            "a: |\n  [[[[[[[[\n  [[[[\nb: 1",
            "a: >-\n\n  {{{{{{{{\nb: 1",
            "a: [x[, 'y[[[[[[[[', \"z[[[[[[[\"]",
            "a: text\n  continued [[[[[[[[\n",
            "[a, b]: [c]",
            "a: &x [1]\nb: !t [2]",
        ] {
            assert_eq!(flow_depth(text, 4), None, "{text}");
        }
        // After a quoted or block scalar ends, counting resumes.
        assert_eq!(flow_depth("a: '['\nb: [[[[[", 4), Some((2, 8)));
        assert_eq!(flow_depth("a: |\n  \"\nb: [[[[[", 4), Some((3, 8)));
        assert_eq!(flow_depth("a: x\n  \"\nb: [[[[[", 4), Some((3, 8)));
    }
}
