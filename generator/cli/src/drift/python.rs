//! A small, tolerant reader of the Python files Alipay's SDK generates: it
//! knows their one shape (a class, an `__init__` listing `self._field =
//! None`, a property setter per field that says when the value is a nested
//! type or a list of one) and checks just enough syntax to refuse a file
//! that is not Python, with its line, instead of misreading it.

/// A field's type as the SDK's setter reveals it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyType {
    /// Assigned as given: a string, number or boolean.
    Plain,
    /// `isinstance(value, T)` / `T.from_alipay_dict(value)`.
    Object(String),
    /// `isinstance(value, list)`, of `T` or (None) of plain values.
    List(Option<String>),
}

impl PyType {
    /// The nested type's class name, if any.
    pub fn class(&self) -> Option<&str> {
        match self {
            PyType::Object(t) | PyType::List(Some(t)) => Some(t),
            _ => None,
        }
    }
}

impl std::fmt::Display for PyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyType::Plain => f.write_str("a plain value"),
            PyType::Object(t) => write!(f, "`{t}`"),
            PyType::List(Some(t)) => write!(f, "a list of `{t}`"),
            PyType::List(None) => f.write_str("a list of plain values"),
        }
    }
}

/// One field of an SDK class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyField {
    /// The wire name.
    pub name: String,
    /// Its type.
    pub ty: PyType,
}

/// The parts of one SDK file this reader understands.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PyFile {
    /// `class Name(...)`.
    pub class: Option<String>,
    /// `from alipay.aop.api.domain.T import T`.
    pub domain_imports: Vec<String>,
    /// The fields `__init__` declares, in order, with their types.
    pub fields: Vec<PyField>,
    /// `params[P_METHOD] = 'alipay.trade.refund'` (request classes).
    pub method: Option<String>,
}

/// Not Python: where and why, in Python's words where it has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

fn indent_of(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 8 } else { 1 })
        .sum()
}

/// Checks the syntax this reader relies on: brackets and string literals
/// closed and matched, and indentation that opens a block after every `:`
/// and closes back to an outer level.
pub fn check(text: &str) -> Result<(), SyntaxError> {
    let err = |line, reason: &str| {
        Err(SyntaxError {
            line,
            reason: reason.into(),
        })
    };
    let mut brackets: Vec<(char, usize)> = Vec::new();
    let mut triple: Option<(&str, usize)> = None;
    let mut indents = vec![0usize];
    let mut block_expected: Option<usize> = None;
    let mut continued = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let mut rest = raw;
        if let Some((quote, _)) = triple {
            match rest.find(quote) {
                Some(end) => {
                    rest = &rest[end + 3..];
                    triple = None;
                }
                None => continue,
            }
        } else if brackets.is_empty() && !continued {
            let code = raw.trim();
            if code.is_empty() || code.starts_with('#') {
                continue;
            }
            let indent = indent_of(raw);
            let top = *indents.last().expect("never empty");
            if let Some(opened) = block_expected.take() {
                if indent <= top {
                    return err(
                        n,
                        &format!("expected an indented block after line {opened}"),
                    );
                }
                indents.push(indent);
            } else if indent > top {
                return err(n, "unexpected indent");
            } else {
                while indent < *indents.last().expect("never empty") {
                    indents.pop();
                }
                if indent != *indents.last().expect("never empty") {
                    return err(n, "unindent does not match any outer indentation level");
                }
            }
        }
        // The line's code, outside strings and comments.
        let mut last = None;
        let mut chars = rest.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '#' => break,
                '\'' | '"' => {
                    let q3 = if c == '"' { "\"\"\"" } else { "'''" };
                    if rest[at..].starts_with(q3) {
                        match rest[at + 3..].find(q3) {
                            Some(end) => {
                                let skip = rest[at..at + 3 + end + 3].chars().count() - 1;
                                for _ in 0..skip {
                                    chars.next();
                                }
                            }
                            None => {
                                triple = Some((q3, n));
                                break;
                            }
                        }
                    } else {
                        let mut closed = false;
                        while let Some((_, d)) = chars.next() {
                            if d == '\\' {
                                chars.next();
                            } else if d == c {
                                closed = true;
                                break;
                            }
                        }
                        if !closed {
                            return err(n, "unterminated string literal");
                        }
                    }
                    last = Some(c);
                }
                '(' | '[' | '{' => {
                    brackets.push((c, n));
                    last = Some(c);
                }
                ')' | ']' | '}' => {
                    let want = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    match brackets.pop() {
                        Some((open, _)) if open == want => {}
                        Some((open, line)) => {
                            return err(
                                n,
                                &format!(
                                    "closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {line}"
                                ),
                            );
                        }
                        None => return err(n, &format!("unmatched '{c}'")),
                    }
                    last = Some(c);
                }
                c if !c.is_whitespace() => last = Some(c),
                _ => {}
            }
        }
        continued = last == Some('\\');
        if brackets.is_empty() && triple.is_none() && !continued && last == Some(':') {
            block_expected = Some(n);
        }
    }
    if let Some((open, line)) = brackets.pop() {
        return err(line, &format!("'{open}' was never closed"));
    }
    if let Some((_, line)) = triple {
        return err(line, "unterminated triple-quoted string literal");
    }
    if let Some(opened) = block_expected {
        return err(
            text.lines().count().max(1),
            &format!("expected an indented block after line {opened}"),
        );
    }
    Ok(())
}

/// Reads an SDK file: checks its syntax, then picks out the class, its
/// fields and their types, the domain imports and the method name.
pub fn read(text: &str) -> Result<PyFile, SyntaxError> {
    check(text)?;
    let mut file = PyFile::default();
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines {
        let code = line.trim();
        if let Some(rest) = code.strip_prefix("from alipay.aop.api.domain.") {
            if let Some((module, name)) = rest.split_once(" import ") {
                if module.trim() == name.trim() {
                    file.domain_imports.push(name.trim().to_owned());
                }
            }
        } else if let Some(rest) = code.strip_prefix("class ") {
            if file.class.is_none() {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                file.class = Some(name);
            }
        } else if let Some(rest) = code.strip_prefix("params[P_METHOD] = ") {
            file.method = Some(rest.trim_matches(|c| c == '\'' || c == '"').to_owned());
        }
    }
    // __init__'s body: `self._name = …` at its own indentation.
    if let Some(start) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("def __init__("))
    {
        let def_indent = indent_of(lines[start]);
        for line in &lines[start + 1..] {
            if line.trim().is_empty() {
                continue;
            }
            if indent_of(line) <= def_indent {
                break;
            }
            let code = line.trim();
            if let Some(rest) = code.strip_prefix("self._") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && rest[name.len()..].trim_start().starts_with('=') {
                    let ty = setter_type(&lines, &name, &file.domain_imports);
                    file.fields.push(PyField { name, ty });
                }
            }
        }
    }
    Ok(file)
}

/// What the `@name.setter` body says about the value's type.
fn setter_type(lines: &[&str], name: &str, imports: &[String]) -> PyType {
    let decorator = format!("@{name}.setter");
    let Some(start) = lines.iter().position(|l| l.trim() == decorator) else {
        return PyType::Plain;
    };
    let mut list = false;
    let mut class = None;
    for line in lines[start + 1..].iter().skip(1) {
        let code = line.trim();
        if code.starts_with('@') || code.starts_with("def ") {
            break;
        }
        if code.contains("isinstance(value, list)") {
            list = true;
        }
        for t in imports {
            if code.contains(&format!("isinstance(i, {t})"))
                || code.contains(&format!("isinstance(value, {t})"))
                || code.contains(&format!("{t}.from_alipay_dict("))
            {
                class = Some(t.clone());
            }
        }
    }
    match (list, class) {
        (true, class) => PyType::List(class),
        (false, Some(t)) => PyType::Object(t),
        (false, None) => PyType::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_found_with_their_line() {
        let cases = [
            ("x = (1,\ny = 2\n", 1, "'(' was never closed"),
            ("x = [1)\n", 1, "closing parenthesis ')' does not match"),
            ("x = 1)\n", 1, "unmatched ')'"),
            ("x = 'abc\n", 1, "unterminated string literal"),
            (
                "def f():\nreturn 1\n",
                2,
                "expected an indented block after line 1",
            ),
            ("x = 1\n    y = 2\n", 2, "unexpected indent"),
            ("if x:\n        y\n    z\n", 3, "unindent does not match"),
            ("s = '''open\n", 1, "unterminated triple-quoted"),
            ("class A(object):\n", 1, "expected an indented block"),
        ];
        for (text, line, reason) in cases {
            let e = check(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e:?}");
            assert!(e.reason.starts_with(reason), "{text:?}: {e:?}");
        }
    }

    #[test]
    fn valid_python_passes() {
        let text = "# a comment (\nclass A(object):\n\n    def f(self, x):\n        s = \"a ) # ]\" + 'b'\n        t = '''x\n(\n'''\n        return [x,\n                x]\n\n    @property\n    def g(self):\n        return 1\n";
        assert_eq!(check(text), Ok(()));
    }
}
