//! Spec text made safe for Markdown: the template filters.
//!
//! Descriptions are the documents' Chinese verbatim and hold what Markdown
//! would misread: `<a href=…>`, `[0.01,100000000.00]`, `*`, `$…$` (math on
//! GitHub), `|` (a table column), line breaks inside a table cell. The
//! filters escape them so that the rendered page shows the text as written:
//!
//! | filter | for | what it does |
//! |---|---|---|
//! | `cell` | table cells, list items, headings | escapes, and joins lines with `<br>` |
//! | `text` | paragraphs | escapes, and keeps lines from starting a list, heading or quote |
//! | `code` | names and values in table cells | a code span, `\|` escaped, on one line |

/// ASCII punctuation Markdown (CommonMark, GFM, GitHub's math) may act on
/// anywhere in a line; `_` is handled apart.
const ACTIVE: &[char] = &['\\', '`', '*', '[', ']', '<', '>', '|', '~', '&', '$'];

/// Escapes one line of text for inline Markdown.
fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            // An underscore between two letters or digits can neither open
            // nor close emphasis (`out_trade_no`): leave it readable.
            '_' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
            }
            c => ACTIVE.contains(&c),
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The lines of `text` without surrounding blank lines, each trimmed.
fn lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |e| e + 1);
    lines[start..end.max(start)].to_vec()
}

/// Text for one line of Markdown (a table cell, a list item, a heading):
/// escaped, with line breaks as `<br>`.
pub fn cell(text: &str) -> String {
    lines(text)
        .into_iter()
        .map(escape_line)
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Text for a paragraph: escaped, line by line, and no line can start a
/// heading, list, quote or code block. Blank lines separate paragraphs.
pub fn text(text: &str) -> String {
    lines(text)
        .into_iter()
        .map(|line| {
            let escaped = escape_line(line);
            if escaped.starts_with(['#', '-', '+', '=']) {
                return format!("\\{escaped}");
            }
            // `1.` or `1)` would start an ordered list.
            let digits = escaped.chars().take_while(char::is_ascii_digit).count();
            match escaped[digits..].chars().next() {
                Some('.' | ')') if digits > 0 => {
                    format!("{}\\{}", &escaped[..digits], &escaped[digits..])
                }
                _ => escaped,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A code span for a table cell: on one line, `|` escaped, fenced with more
/// backticks than the value holds in a row. Empty for an empty value.
pub fn code(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    if value.trim().is_empty() {
        return String::new();
    }
    let longest_run = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", value.replace('|', "\\|"))
}

/// A fence for a code block holding `body`: three backticks, or more than
/// the body's longest run of them.
pub fn fence(body: &str) -> String {
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest_run + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_and_show_the_text() {
        assert_eq!(cell("a|b\nc\n"), "a\\|b<br>c");
        assert_eq!(cell("out_trade_no和trade_no"), "out_trade_no和trade_no");
        assert_eq!(cell("_x_ *y*"), "\\_x\\_ \\*y\\*");
        assert_eq!(
            cell("<a href=\"u\">支付渠道列表</a> [0.01,1] $a $b"),
            "\\<a href=\"u\"\\>支付渠道列表\\</a\\> \\[0.01,1\\] \\$a \\$b"
        );
    }

    #[test]
    fn paragraph_lines_cannot_start_blocks() {
        assert_eq!(
            text("# a\n- b\n1. c\n12) d\n  e"),
            "\\# a\n\\- b\n1\\. c\n12\\) d\ne"
        );
        assert_eq!(text("\n\na\n\nb\n\n"), "a\n\nb");
    }

    #[test]
    fn code_spans() {
        assert_eq!(code("order_id"), "`order_id`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code(""), "");
        assert_eq!(fence("{}"), "```");
        assert_eq!(fence("````"), "`````");
    }
}
