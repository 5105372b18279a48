//! A document page as lines: plain text as it is, Markdown with its heading
//! marks and code fences removed, HTML with its tables turned into Markdown
//! rows (`| a | b |`), so that one table reader serves all three.

/// One line of the page, with its line number in the file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it starts in the file.
    pub no: usize,
    /// Its text, trimmed.
    pub text: String,
    /// Its text with its indentation kept, for examples.
    pub raw: String,
}

/// The page's lines, whatever its format.
pub fn lines(text: &str) -> Vec<Line> {
    let text = text.trim_start_matches('\u{feff}');
    if looks_like_html(text) {
        return html_lines(text);
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("```"))
        .map(|(i, l)| Line {
            no: i + 1,
            text: strip_heading(l.trim()).to_owned(),
            raw: l.trim_end().to_owned(),
        })
        .collect()
}

fn looks_like_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("<table") || lower.contains("<html") || lower.contains("<body")
}

/// `## 请求参数` is the heading `请求参数`.
fn strip_heading(line: &str) -> &str {
    let rest = line.trim_start_matches('#');
    if rest.len() != line.len() && (rest.is_empty() || rest.starts_with(' ')) {
        rest.trim()
    } else {
        line
    }
}

/// Splits a Markdown table row into its cells (`\|` is a `|` inside a cell).
/// `None` when the line is not a row.
pub fn markdown_cells(line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix('|')?;
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        cells.push(cell.trim().to_owned());
    }
    Some(cells)
}

/// Whether a Markdown row is the `| --- | --- |` line under a header.
pub fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

const BLOCK_TAGS: &[&str] = &[
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "table",
    "thead", "tbody", "title", "header", "footer", "article", "hr", "dt", "dd",
];

struct HtmlReader {
    out: Vec<Line>,
    current: String,
    current_no: usize,
    line_no: usize,
    pre: bool,
    row: Option<Vec<String>>,
    cell: Option<String>,
}

impl HtmlReader {
    fn push_text(&mut self, text: &str) {
        if let Some(cell) = &mut self.cell {
            cell.push_str(text);
            return;
        }
        if self.row.is_some() {
            return;
        }
        if self.current.is_empty() {
            self.current_no = self.line_no;
        }
        self.current.push_str(text);
    }

    fn flush(&mut self) {
        let text = if self.pre {
            self.current.trim_end().to_owned()
        } else {
            collapse(&self.current)
        };
        if !text.is_empty() || self.pre {
            self.out.push(Line {
                no: self.current_no.max(1),
                raw: text.clone(),
                text,
            });
        }
        self.current.clear();
    }

    fn tag(&mut self, raw: &str) {
        let closing = raw.starts_with('/');
        let name: String = raw
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "pre" => {
                self.flush();
                self.pre = !closing;
            }
            "tr" if !closing => {
                self.flush();
                self.current_no = self.line_no;
                self.row = Some(Vec::new());
            }
            "tr" => self.end_row(),
            "td" | "th" if !closing => {
                self.end_cell();
                self.cell = Some(String::new());
            }
            "td" | "th" => self.end_cell(),
            "br" if self.cell.is_some() => self.push_text(" "),
            n if BLOCK_TAGS.contains(&n) && self.row.is_none() => self.flush(),
            _ => {}
        }
    }

    fn end_cell(&mut self) {
        if let (Some(cell), Some(row)) = (self.cell.take(), self.row.as_mut()) {
            row.push(collapse(&cell).replace('|', "\\|"));
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(cells) = self.row.take() {
            let text = format!("| {} |", cells.join(" | "));
            self.out.push(Line {
                no: self.current_no.max(1),
                raw: text.clone(),
                text,
            });
        }
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML into lines: block elements end a line, `<pre>` keeps its line
/// breaks, each `<tr>` becomes one Markdown row; scripts, styles and
/// comments are dropped and entities decoded.
fn html_lines(text: &str) -> Vec<Line> {
    let mut r = HtmlReader {
        out: Vec::new(),
        current: String::new(),
        current_no: 1,
        line_no: 1,
        pre: false,
        row: None,
        cell: None,
    };
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |i| i + 3);
            r.line_no += after[..end].matches('\n').count();
            rest = &after[end..];
        } else if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let raw = rest[1..end].trim_end_matches('>');
            r.line_no += raw.matches('\n').count();
            let lower = raw.to_ascii_lowercase();
            rest = &rest[end..];
            let name: String = lower
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            // Not the page's text: the head repeats the title, scripts and
            // styles are code.
            if matches!(name.as_str(), "head" | "script" | "style") {
                let close = format!("</{name}");
                let skip = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                r.line_no += rest[..skip].matches('\n').count();
                rest = &rest[skip..];
                continue;
            }
            r.tag(raw);
        } else {
            // At least one character, so that a `<` that opens no tag moves on.
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
            let chunk = &rest[..end];
            rest = &rest[end..];
            for (i, piece) in chunk.split('\n').enumerate() {
                if i > 0 {
                    r.line_no += 1;
                    if r.pre {
                        r.flush();
                        r.current_no = r.line_no;
                    } else {
                        r.push_text(" ");
                    }
                }
                r.push_text(&decode_entities(piece));
            }
        }
    }
    r.end_row();
    r.flush();
    r.out
        .into_iter()
        .map(|l| Line {
            text: strip_heading(l.text.trim()).to_owned(),
            no: l.no,
            raw: l.raw,
        })
        .collect()
}

/// The entities a page's text uses: the five named ones, `&nbsp;` and
/// numeric references.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_tables_become_rows_and_pre_keeps_lines() {
        let html = "<h1>a.b.c(名称)</h1>\n<p>介绍 &amp; 更多</p>\n<table><tr><th>参数</th><th>类型</th></tr>\n<tr><td>x</td><td>A|B</td></tr></table>\n<pre>{\n  \"a\": 1\n}</pre><script>var x = '<p>';</script>";
        let lines = lines(html);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "a.b.c(名称)",
                "介绍 & 更多",
                "| 参数 | 类型 |",
                "| x | A\\|B |",
                "{",
                "\"a\": 1",
                "}"
            ]
        );
        assert_eq!(lines[5].raw, "  \"a\": 1");
        assert_eq!(
            lines.iter().map(|l| l.no).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(markdown_cells("| x | A\\|B |").unwrap(), ["x", "A|B"]);
    }

    #[test]
    fn markdown_headings_and_fences_are_dropped() {
        let texts: Vec<String> = lines("## 请求参数\n```json\n{}\n```\n#hashtag")
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(texts, ["请求参数", "{}", "#hashtag"]);
    }
}
