//! Reading the parameter and error-code tables of a page, whether their
//! cells are separated by spaces (a page copied as plain text, where empty
//! cells simply vanish) or by `|` (Markdown, and HTML turned into Markdown).

use super::page::{Line, is_separator, markdown_cells};

/// One row of a parameter table, as the page states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line it is on.
    pub no: usize,
    /// 参数.
    pub name: String,
    /// 类型, as written (`String`, `Price`, `GoodsDetail[]`).
    pub ty: String,
    /// 是否必填, when the cell is not empty.
    pub required: Option<String>,
    /// 最大长度, when the cell is not empty.
    pub max_length: Option<String>,
    /// 描述.
    pub description: String,
    /// 示例值, when the cell is not empty.
    pub example: Option<String>,
    /// A plain-text row whose description and example had to be told apart
    /// by position (the description has spaces): a person should look.
    pub guessed_split: bool,
}

/// A parameter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header's line.
    pub no: usize,
    /// The text just above the header, if any (it may name the object type
    /// the table describes).
    pub caption: Option<String>,
    /// Its rows.
    pub rows: Vec<Row>,
}

/// One row of an error-code table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// The line it is on.
    pub no: usize,
    /// 错误码.
    pub code: String,
    /// 错误描述.
    pub message: Option<String>,
    /// 解决方案.
    pub action: Option<String>,
    /// Plain text with spaces inside a cell: a person should look.
    pub guessed_split: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    required: Option<usize>,
    max_length: Option<usize>,
    description: Option<usize>,
    example: Option<usize>,
    name: usize,
    ty: usize,
    markdown: bool,
}

fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '|')
        .collect()
}

/// The columns of a parameter-table header, or `None` if the line is not one.
fn param_header(line: &str) -> Option<Columns> {
    let c = compact(line);
    if !(c.starts_with("参数类型")
        || c.contains("参数") && c.contains("类型") && c.contains("描述"))
    {
        return None;
    }
    let mut cols = Columns::default();
    if let Some(cells) = markdown_cells(line) {
        cols.markdown = true;
        for (i, cell) in cells.iter().enumerate() {
            match cell.as_str() {
                s if s.contains("类型") => cols.ty = i,
                s if s.contains("必") => cols.required = Some(i),
                s if s.contains("长度") => cols.max_length = Some(i),
                s if s.contains("描述") || s.contains("说明") => cols.description = Some(i),
                s if s.contains("示例") => cols.example = Some(i),
                s if s.contains("参数") || s.contains("名称") => cols.name = i,
                _ => {}
            }
        }
    } else {
        let flag = |words: &[&str]| words.iter().any(|w| c.contains(w)).then_some(0);
        cols.required = flag(&["是否必填", "是否必须", "是否必选", "必填", "必选"]);
        cols.max_length = flag(&["最大长度"]);
        cols.description = flag(&["描述", "说明"]);
        cols.example = flag(&["示例"]);
    }
    Some(cols)
}

/// Whether an error-code table header is on this line.
fn error_header(line: &str) -> bool {
    let c = compact(line);
    c.starts_with("错误码") && (c.contains("描述") || c.contains("解决方案"))
}

/// The words a page uses in 是否必填.
pub fn is_required_word(word: &str) -> bool {
    matches!(
        word,
        "必选"
            | "必须"
            | "必填"
            | "是"
            | "可选"
            | "特殊可选"
            | "否"
            | "选填"
            | "非必填"
            | "非必须"
            | "非必选"
            | "条件必选"
            | "条件必填"
            | "条件必须"
    )
}

fn is_field_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_type_word(text: &str) -> bool {
    let base = text.strip_suffix("[]").unwrap_or(text);
    base.starts_with(|c: char| c.is_ascii_alphabetic())
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_length(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) || text == "不限"
}

/// `2019-01-01` and `08:08:08`: a date-time that plain text split in two.
fn is_date_then_time(date: &str, time: &str) -> bool {
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    d.len() == 3
        && t.len() == 3
        && d.iter()
            .chain(&t)
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn plain_row(no: usize, line: &str, cols: &Columns) -> Option<Row> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    if tokens.len() < 2 || !is_field_name(tokens[0]) || !is_type_word(tokens[1]) {
        return None;
    }
    let mut i = 2;
    let mut required = None;
    if cols.required.is_some() && tokens.get(i).is_some_and(|t| is_required_word(t)) {
        required = Some(tokens[i].to_owned());
        i += 1;
    }
    let mut max_length = None;
    if cols.max_length.is_some() && tokens.get(i).is_some_and(|t| is_length(t)) {
        max_length = Some(tokens[i].to_owned());
        i += 1;
    }
    let mut rest: Vec<&str> = tokens[i..].to_vec();
    let mut example = None;
    if cols.example.is_some() && rest.len() >= 2 {
        let n = rest.len();
        let take = if n >= 3 && is_date_then_time(rest[n - 2], rest[n - 1]) {
            2
        } else {
            1
        };
        example = Some(rest.split_off(n - take).join(" "));
    }
    Some(Row {
        no,
        name: tokens[0].to_owned(),
        ty: tokens[1].to_owned(),
        required,
        max_length,
        guessed_split: example.is_some() && rest.len() > 1,
        description: rest.join(" "),
        example,
    })
}

fn markdown_row(no: usize, cells: &[String], cols: &Columns) -> Option<Row> {
    let cell = |i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|c| c.replace("<br>", " ").trim().to_owned())
            .filter(|c| !c.is_empty())
    };
    let name = cell(Some(cols.name))?;
    let ty = cell(Some(cols.ty))?;
    if !is_field_name(&name) || !is_type_word(&ty) {
        return None;
    }
    Some(Row {
        no,
        name,
        ty,
        required: cell(cols.required),
        max_length: cell(cols.max_length),
        description: cell(cols.description).unwrap_or_default(),
        example: cell(cols.example),
        guessed_split: false,
    })
}

/// The parameter tables among `lines`, in order. Lines inside a table that
/// are not rows are reported and skipped.
pub fn param_tables(lines: &[Line], ignored: &mut Vec<(usize, String)>) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    let mut open: Option<Columns> = None;
    let mut previous: Option<&str> = None;
    for line in lines {
        if let Some(cols) = param_header(&line.text) {
            let caption = previous
                .filter(|p| !p.is_empty() && markdown_cells(p).is_none())
                .map(str::to_owned);
            tables.push(Table {
                no: line.no,
                caption,
                rows: Vec::new(),
            });
            open = Some(cols);
        } else if let Some(cols) = open {
            if line.text.is_empty() || cols.markdown && !line.text.starts_with('|') {
                open = None;
            } else {
                let row = match markdown_cells(&line.text) {
                    Some(cells) if is_separator(&cells) => {
                        previous = Some(&line.text);
                        continue;
                    }
                    Some(cells) => markdown_row(line.no, &cells, &cols),
                    None => plain_row(line.no, &line.text, &cols),
                };
                match row {
                    Some(row) => tables.last_mut().expect("open").rows.push(row),
                    None => ignored.push((line.no, line.text.clone())),
                }
            }
        }
        previous = Some(&line.text);
    }
    tables
}

/// The rows of the error-code tables among `lines`, and whether any
/// header was found.
pub fn error_rows(lines: &[Line], ignored: &mut Vec<(usize, String)>) -> (bool, Vec<ErrorRow>) {
    let mut rows = Vec::new();
    let mut found = false;
    let mut open = false;
    for line in lines {
        if error_header(&line.text) {
            found = true;
            open = true;
            continue;
        }
        if !open || line.text.is_empty() {
            open = open && !line.text.is_empty();
            continue;
        }
        let row = match markdown_cells(&line.text) {
            Some(cells) if is_separator(&cells) => continue,
            Some(cells) => cells.first().filter(|c| is_code(c)).map(|code| ErrorRow {
                no: line.no,
                code: code.clone(),
                message: cells.get(1).filter(|c| !c.is_empty()).cloned(),
                action: cells.get(2).filter(|c| !c.is_empty()).cloned(),
                guessed_split: false,
            }),
            None => {
                let tokens: Vec<&str> = line.text.split_whitespace().collect();
                (tokens.len() >= 2 && is_code(tokens[0])).then(|| ErrorRow {
                    no: line.no,
                    code: tokens[0].to_owned(),
                    message: Some(tokens[1].to_owned()),
                    action: (tokens.len() > 2).then(|| tokens[2..].join(" ")),
                    guessed_split: tokens.len() > 3,
                })
            }
        };
        match row {
            Some(r) => rows.push(r),
            None => ignored.push((line.no, line.text.clone())),
        }
    }
    (found, rows)
}

fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(no: usize, text: &str) -> Line {
        Line {
            no,
            text: text.to_owned(),
            raw: text.to_owned(),
        }
    }

    #[test]
    fn plain_rows_tolerate_empty_cells_and_split_date_times() {
        let cols = param_header("参数 类型 是否必填 最大长度 描述 示例值").unwrap();
        let row = plain_row(
            1,
            "refund_date String 必填 20 退款资金退回 2019-01-01 08:08:08",
            &cols,
        )
        .unwrap();
        assert_eq!(row.example.as_deref(), Some("2019-01-01 08:08:08"));
        assert_eq!(row.description, "退款资金退回");
        let row = plain_row(2, "app_id String 32 应用ID 2014072300007148", &cols).unwrap();
        assert_eq!(
            (row.required, row.max_length.as_deref()),
            (None, Some("32"))
        );
        let row = plain_row(3, "biz_content String 请求参数的集合", &cols).unwrap();
        assert_eq!(
            (row.description.as_str(), row.example),
            ("请求参数的集合", None)
        );
        let row = plain_row(4, "remark String 可选 200 资金 退回 备注 红包", &cols).unwrap();
        assert!(row.guessed_split);
        assert!(plain_row(5, "这不是一行", &cols).is_none());
    }

    #[test]
    fn error_rows_skip_what_is_not_a_row() {
        let lines = [
            line(1, "错误码错误描述解决方案"),
            line(2, "SYSTEM_ERROR 系统繁忙 稍后 重试"),
            line(3, "onlineServer"),
        ];
        let mut ignored = Vec::new();
        let (found, rows) = error_rows(&lines, &mut ignored);
        assert!(found);
        assert_eq!(rows[0].action.as_deref(), Some("稍后 重试"));
        assert!(rows[0].guessed_split);
        assert_eq!(ignored, [(3, "onlineServer".to_owned())]);
    }
}
