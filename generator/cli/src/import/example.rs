//! The examples of a page: JSON blocks, the `biz_content` of a Java
//! sample, and amounts the page sends as JSON numbers.

use super::page::Line;

/// The first JSON object under a heading, its lines as the page has them.
pub fn json_block(body: &[Line]) -> Option<String> {
    let start = body.iter().position(|l| l.text.starts_with('{'))?;
    let mut text = String::new();
    for line in &body[start..] {
        text.push_str(&line.raw);
        text.push('\n');
        if line.text.ends_with('}')
            && serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.is_object())
        {
            return Some(text);
        }
    }
    None
}

/// The JSON a Java sample passes to `setBizContent("{" + "\"a\":1" + …)`:
/// its string literals, joined and unescaped.
pub fn java_biz_content(body: &[Line]) -> Option<String> {
    let text: String = body
        .iter()
        .map(|l| l.raw.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let start = text.find("setBizContent(")? + "setBizContent(".len();
    let mut out = String::new();
    let mut chars = text[start..].chars();
    let mut in_literal = false;
    while let Some(c) = chars.next() {
        match (in_literal, c) {
            (false, '"') => in_literal = true,
            (false, ')') => break,
            (false, _) => {}
            (true, '"') => in_literal = false,
            (true, '\\') => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            (true, c) => out.push(c),
        }
    }
    serde_json::from_str::<serde_json::Value>(&out)
        .ok()
        .filter(|v| v.is_object())
        .map(|_| out)
}

/// `json` without insignificant whitespace, with the numbers under the
/// top-level `keys` written as strings (`"refund_amount":8.88` →
/// `"refund_amount":"8.88"`), digit for digit. Returns the quoted ones.
/// `json` must be valid JSON.
pub fn quote_numbers(json: &str, keys: &[&str]) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(json.len());
    let mut quoted = Vec::new();
    let mut depth = 0usize;
    let mut key: Option<String> = None;
    let mut expect_key = false;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::from('"');
                while let Some(c) = chars.next() {
                    s.push(c);
                    if c == '\\' {
                        s.extend(chars.next());
                    } else if c == '"' {
                        break;
                    }
                }
                if expect_key && depth == 1 {
                    key = serde_json::from_str::<String>(&s).ok();
                    expect_key = false;
                }
                out.push_str(&s);
            }
            '{' | '[' => {
                depth += 1;
                expect_key = c == '{';
                out.push(c);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                out.push(c);
            }
            ',' => {
                expect_key = depth == 1;
                out.push(c);
            }
            c if c.is_whitespace() => {}
            c if c == '-' || c.is_ascii_digit() => {
                let mut number = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_digit() || matches!(n, '.' | 'e' | 'E' | '+' | '-') {
                        number.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match key.as_deref() {
                    Some(k) if depth == 1 && keys.contains(&k) => {
                        out.push('"');
                        out.push_str(&number);
                        out.push('"');
                        quoted.push((k.to_owned(), number));
                    }
                    _ => out.push_str(&number),
                }
            }
            c => out.push(c),
        }
    }
    (out, quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Line {
                no: i + 1,
                text: l.trim().to_owned(),
                raw: l.to_owned(),
            })
            .collect()
    }

    #[test]
    fn java_literals_are_joined_and_amounts_quoted() {
        let body = lines(
            "request.setBizContent(\"{\" +\n\"\\\"a\\\":\\\"x y\\\",\" +\n\"\\\"amount\\\":8.80,\\\"n\\\":[1, 2]\" +\n\"  }\");",
        );
        let json = java_biz_content(&body).unwrap();
        assert_eq!(json, "{\"a\":\"x y\",\"amount\":8.80,\"n\":[1, 2]  }");
        let (compact, quoted) = quote_numbers(&json, &["amount"]);
        assert_eq!(compact, r#"{"a":"x y","amount":"8.80","n":[1,2]}"#);
        assert_eq!(quoted, [("amount".to_owned(), "8.80".to_owned())]);
    }

    #[test]
    fn a_json_block_ends_where_the_object_does() {
        let body = lines("说明\n{\n  \"a\": {\"b\": 1}\n}\n之后");
        assert_eq!(json_block(&body).unwrap(), "{\n  \"a\": {\"b\": 1}\n}\n");
        assert!(json_block(&lines("{ not json")).is_none());
    }
}
