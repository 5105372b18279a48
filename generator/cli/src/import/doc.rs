//! `import doc`: one of Alipay's API reference pages (plain text, Markdown
//! or HTML) into a draft spec, with every fact the page states and nothing
//! it does not.

use std::collections::{BTreeMap, VecDeque};

use alipay_codegen::spec::{ExampleKind, FieldFact, MethodFact, Required};
use serde_yaml_ng::Value as Yaml;

use super::ImportError;
use super::example::{java_biz_content, json_block, quote_numbers};
use super::model::{Draft, ErrorDraft, ExampleDraft, FieldDraft, TypeDraft};
use super::page::{self, Line};
use super::table::{self, Row, Table};

/// What `import doc` is told besides the page.
#[derive(Debug, Default, Clone)]
pub struct DocOptions {
    /// The page's URL: the spec's `source`.
    pub url: Option<String>,
    /// The product group, which pages do not state.
    pub product: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Common,
    Request,
    Response,
    RequestExample,
    ResponseExample,
    ErrorExample,
    Errors,
    Other,
}

fn section(heading: &str) -> Option<Section> {
    Some(match heading {
        "公共参数" | "公共请求参数" | "公共响应参数" => Section::Common,
        "请求参数" => Section::Request,
        "响应参数" => Section::Response,
        "请求示例" => Section::RequestExample,
        "响应示例" => Section::ResponseExample,
        "异常示例" => Section::ErrorExample,
        "业务错误码" | "公共错误码" | "错误码" => Section::Errors,
        "请求地址" => Section::Other,
        _ => return None,
    })
}

/// `alipay.fund.trans.refund(资金退回接口) 在线调试` → method and title.
fn title_line(text: &str) -> Option<(String, String)> {
    let open = text.find(['(', '（'])?;
    let method = text[..open].trim();
    let rest = &text[open + text[open..].chars().next()?.len_utf8()..];
    let close = rest.find([')', '）'])?;
    let valid = method.split('.').count() >= 2
        && method.split('.').all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    valid.then(|| (method.to_owned(), rest[..close].trim().to_owned()))
}

/// Parses a page into a draft and the report lines (each a place and what a
/// person should know).
pub fn parse(
    text: &str,
    file: &str,
    options: &DocOptions,
) -> Result<(Draft, Vec<String>), ImportError> {
    let lines = page::lines(text);
    let heading_at = |l: &Line| section(&l.text);
    let first_heading = lines
        .iter()
        .position(|l| heading_at(l).is_some())
        .unwrap_or(lines.len());
    let (title_index, (method, title)) = lines[..first_heading]
        .iter()
        .enumerate()
        .find_map(|(i, l)| title_line(&l.text).map(|t| (i, t)))
        .ok_or_else(|| ImportError {
            file: file.to_owned(),
            at: None,
            message: "the page has no title line `method(名称)`".into(),
            help: Some("the page must start with the method and its name, e.g. `alipay.fund.trans.refund(资金退回接口)`".into()),
        })?;
    let mut report = Vec::new();
    let mut draft = Draft::new(&method);
    draft.title = title;
    let intro: Vec<&str> = lines[title_index + 1..first_heading]
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    if intro.is_empty() {
        draft.unconfirm(MethodFact::Summary);
    } else {
        let first = intro[0];
        draft.summary = match first.find('。') {
            Some(i) => first[..i + '。'.len_utf8()].to_owned(),
            None => first.to_owned(),
        };
        draft.description = Some(intro.join("\n") + "\n");
    }
    match &options.product {
        Some(p) => draft.product = p.clone(),
        None => draft.unconfirm(MethodFact::Product),
    }
    draft.source = options.url.clone();

    // The page's sections, each with the lines under its heading.
    let mut sections: Vec<(Section, &[Line])> = Vec::new();
    let mut start = first_heading;
    while start < lines.len() {
        let kind = heading_at(&lines[start]).expect("a heading");
        let end = lines[start + 1..]
            .iter()
            .position(|l| heading_at(l).is_some())
            .map_or(lines.len(), |i| start + 1 + i);
        sections.push((kind, &lines[start + 1..end]));
        start = end;
    }

    let mut ignored = Vec::new();
    let mut tables_found = 0;
    let mut pending: VecDeque<(String, String, String)> = VecDeque::new();
    let mut errors_seen = false;
    for (kind, body) in &sections {
        match kind {
            Section::Request | Section::Response => {
                let tables = table::param_tables(body, &mut ignored);
                tables_found += tables.len();
                let (top, rest) = match tables.split_first() {
                    Some(split) => split,
                    None => continue,
                };
                let path = if *kind == Section::Request {
                    "request.fields"
                } else {
                    "response.fields"
                };
                let fields = fields(top, path, &mut pending, &mut report);
                if *kind == Section::Request {
                    draft.request = fields;
                } else {
                    draft.response = fields;
                }
                nested(rest, &mut pending, &mut draft.types, &mut report);
            }
            Section::Common => {
                let tables = table::param_tables(body, &mut ignored);
                if let Some(t) = tables.first() {
                    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
                    report.push(format!(
                        "{file}:{}: the public parameters ({}) are common.yaml's, not the method's: not imported",
                        t.no,
                        names.join(", ")
                    ));
                }
            }
            Section::Errors => {
                let (found, rows) = table::error_rows(body, &mut ignored);
                errors_seen |= found;
                for r in rows {
                    if draft.errors.iter().any(|e| e.code == r.code) {
                        report.push(format!(
                            "{file}:{}: `{}` is listed twice; the first row is kept",
                            r.no, r.code
                        ));
                        continue;
                    }
                    let path = format!("errors[{}]", draft.errors.len());
                    if r.guessed_split {
                        report.push(format!("{path} {}: plain text: 错误描述 taken as the first word, the rest as 解决方案; check them against the page", r.code));
                    }
                    let text = format!(
                        "{}{}",
                        r.message.as_deref().unwrap_or(""),
                        r.action.as_deref().unwrap_or("")
                    );
                    if ["无法判定", "结果未知", "状态未知", "不确定"]
                        .iter()
                        .any(|w| text.contains(w))
                    {
                        report.push(format!("{path} {}: the page speaks of an undetermined result; if the outcome is unknown, write `outcome_unknown: true`", r.code));
                    }
                    draft.errors.push(ErrorDraft {
                        code: r.code,
                        message: r.message,
                        action: r.action,
                        outcome_unknown: false,
                        rust_name: None,
                        source: None,
                    });
                }
            }
            Section::RequestExample => {
                request_example(body, &draft.request, &mut draft.examples, &mut report)
            }
            Section::ResponseExample | Section::ErrorExample => {
                let (name, caption) = if *kind == Section::ResponseExample {
                    ("success", "响应示例")
                } else {
                    ("error", "异常示例")
                };
                match json_block(body) {
                    Some(json) => draft.examples.push(ExampleDraft {
                        name: name.into(),
                        kind: ExampleKind::Response,
                        description: Some(caption.into()),
                        source: None,
                        note: None,
                        json,
                    }),
                    None => report.push(format!(
                        "{caption}: no JSON found under the heading; not imported"
                    )),
                }
            }
            Section::Other => {}
        }
    }
    if tables_found == 0 {
        return Err(ImportError {
            file: file.to_owned(),
            at: None,
            message: "the page has no parameter table under 请求参数 or 响应参数".into(),
            help: Some("a table starts with the header `参数 类型 是否必填 最大长度 描述 示例值` (plain text, Markdown `| 参数 | 类型 | … |` or an HTML <table>) under a 请求参数 or 响应参数 heading".into()),
        });
    }
    for (name, by, _) in pending {
        report.push(format!(
            "types.{name}: the page has no table for `{name}` (the type of {by}); write it by hand"
        ));
    }
    if !errors_seen {
        report.push("errors: the page has no error-code table (错误码 错误描述 解决方案)".into());
    }
    for (no, text) in ignored {
        report.push(format!(
            "{file}:{no}: `{text}` is not a row of the table above it; ignored"
        ));
    }
    Ok((draft, report))
}

/// The fields of one table; object types they name join `pending`.
fn fields(
    table: &Table,
    path: &str,
    pending: &mut VecDeque<(String, String, String)>,
    report: &mut Vec<String>,
) -> Vec<FieldDraft> {
    let mut out = Vec::new();
    for row in &table.rows {
        let fpath = format!("{path}[{}]", out.len());
        if out.iter().any(|f: &FieldDraft| f.name == row.name) {
            report.push(format!(
                "{fpath}: `{}` is listed twice in the table; the first row is kept",
                row.name
            ));
            continue;
        }
        let field = field(row, &fpath, report);
        let base = field.ty.trim_end_matches("[]");
        if base.starts_with(|c: char| c.is_ascii_uppercase())
            && !pending.iter().any(|(n, _, _)| n == base)
        {
            pending.push_back((
                base.to_owned(),
                format!("{fpath} {}", row.name),
                row.description.clone(),
            ));
        }
        out.push(field);
    }
    out
}

/// The tables after a section's first: each describes the next object type
/// waiting for one (or the one its caption names).
fn nested(
    tables: &[Table],
    pending: &mut VecDeque<(String, String, String)>,
    types: &mut BTreeMap<String, TypeDraft>,
    report: &mut Vec<String>,
) {
    for t in tables {
        let index = t
            .caption
            .as_ref()
            .and_then(|c| {
                pending
                    .iter()
                    .position(|(n, _, _)| c.split_whitespace().next() == Some(n.as_str()))
            })
            .or_else(|| (!pending.is_empty()).then_some(0));
        let Some((name, _, description)) = index.and_then(|i| pending.remove(i)) else {
            report.push(format!(
                "line {}: a table that no object field names; ignored",
                t.no
            ));
            continue;
        };
        let fields = fields(t, &format!("types.{name}.fields"), pending, report);
        let draft = TypeDraft {
            description,
            source: None,
            fields,
        };
        match types.get(&name) {
            Some(existing) if *existing != draft => report.push(format!(
                "types.{name}: the page gives two different tables for it; the first is kept"
            )),
            Some(_) => {}
            None => {
                types.insert(name, draft);
            }
        }
    }
}

/// Our type for the page's 类型, and whether that reading is certain.
fn map_type(ty: &str, example: Option<&str>) -> (String, bool, Option<String>) {
    let (base, array) = match ty.strip_suffix("[]") {
        Some(b) => (b, "[]"),
        None => (ty, ""),
    };
    let ours = match base.to_ascii_lowercase().as_str() {
        "string" => "string",
        "price" => "price",
        "date" => "datetime",
        "boolean" => "boolean",
        "integer" | "long" | "int" => "integer",
        "number" => {
            if example.is_some_and(|e| e.parse::<i64>().is_err()) {
                let note = format!(
                    "The page types it Number, with the example {}.",
                    example.unwrap_or("")
                );
                return (format!("integer{array}"), false, Some(note));
            }
            "integer"
        }
        _ if base.starts_with(|c: char| c.is_ascii_uppercase()) => {
            return (ty.to_owned(), true, None);
        }
        _ => {
            let note = format!("The page types it {ty}.");
            return (format!("string{array}"), false, Some(note));
        }
    };
    (format!("{ours}{array}"), true, None)
}

fn field(row: &Row, path: &str, report: &mut Vec<String>) -> FieldDraft {
    let (ty, sure, note) = map_type(&row.ty, row.example.as_deref());
    let mut f = FieldDraft::new(&row.name, &ty, &row.description);
    if !sure {
        f.unconfirm(FieldFact::Type);
    }
    if let Some(n) = note {
        f.add_note(&n);
    }
    if row.description.is_empty() {
        f.unconfirm(FieldFact::Description);
    }
    match row.required.as_deref() {
        Some("必选" | "必须" | "必填" | "是") => f.required = Required::Yes,
        Some("条件必选" | "条件必填" | "条件必须") => {
            f.required = Required::Conditional
        }
        Some("特殊可选") => {
            f.required = Required::No;
            f.add_note("The page marks it 特殊可选.");
        }
        Some(_) => f.required = Required::No,
        None => f.unconfirm(FieldFact::Required),
    }
    if row.guessed_split {
        report.push(format!("{path} {}: plain text: the description and the example were told apart at the last space; check them against the page", row.name));
    }
    let base = ty.trim_end_matches("[]");
    let is_array = ty.ends_with("[]");
    let stringy = matches!(base, "string" | "price") && !is_array;
    if let Some(len) = row
        .max_length
        .as_deref()
        .and_then(|m| m.parse::<u32>().ok())
    {
        if stringy {
            f.max_length = Some(len);
        } else {
            f.add_note(&format!("The page gives 最大长度 {len}."));
        }
    }
    if let (Some((min, max)), "price" | "integer") = (range(&row.description), base) {
        if base == "price" {
            f.minimum = Some(Yaml::String(min.clone()));
            f.maximum = Some(Yaml::String(max.clone()));
            if let Some(len) = f.max_length.filter(|&l| max.len() > l as usize) {
                report.push(format!("{path}.max_length: the page contradicts itself: max_length {len} cannot hold the documented maximum {max} ({} characters)", max.len()));
            }
        } else if let (Ok(min), Ok(max)) = (min.parse::<i64>(), max.parse::<i64>()) {
            f.minimum = Some(Yaml::Number(min.into()));
            f.maximum = Some(Yaml::Number(max.into()));
        }
    }
    if let Some(ex) = &row.example {
        if !is_array && !base.starts_with(|c: char| c.is_ascii_uppercase()) {
            f.example = Some(match base {
                "integer" => ex
                    .parse::<i64>()
                    .map_or_else(|_| Yaml::String(ex.clone()), |n| Yaml::Number(n.into())),
                "boolean" if ex == "true" || ex == "false" => Yaml::Bool(ex == "true"),
                _ => Yaml::String(ex.clone()),
            });
        } else {
            f.add_note(&format!("The page's example: {ex}"));
        }
        if let Some(len) = f.max_length.filter(|&l| ex.chars().count() > l as usize) {
            report.push(format!("{path}.example: the page contradicts itself: the example `{ex}` is {} characters, over the max_length {len}", ex.chars().count()));
        }
        if base == "string" && !is_array {
            if looks_like_amount(ex)
                && (row.description.contains('元') || row.description.contains("金额"))
            {
                report.push(format!("{path} {}: typed {} on the page, but its example `{ex}` and description read like an amount in yuan; if it is one, write `type: price`", row.name, row.ty));
            } else if looks_like_datetime(ex) {
                report.push(format!("{path} {}: typed {} on the page, but its example `{ex}` is a date-time; if it always is, write `type: datetime` (and move max_length into note)", row.name, row.ty));
            }
        }
    }
    f
}

/// `取值范围[0.01,100000000]` in a description.
fn range(description: &str) -> Option<(String, String)> {
    let at = description.find("范围")?;
    let rest = &description[at..];
    let open = rest.find(['[', '［'])?;
    let rest = &rest[open + rest[open..].chars().next()?.len_utf8()..];
    let close = rest.find([']', '］'])?;
    let (a, b) = rest[..close].split_once([',', '，'])?;
    let (a, b) = (a.trim(), b.trim());
    let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    (number(a) && number(b)).then(|| (a.to_owned(), b.to_owned()))
}

fn looks_like_amount(text: &str) -> bool {
    text.split_once('.').is_some_and(|(y, f)| {
        !y.is_empty()
            && y.chars().all(|c| c.is_ascii_digit())
            && (1..=2).contains(&f.len())
            && f.chars().all(|c| c.is_ascii_digit())
    })
}

fn looks_like_datetime(text: &str) -> bool {
    text.split_once(' ').is_some_and(|(d, t)| {
        d.len() == 10 && t.len() == 8 && d.split('-').count() == 3 && t.split(':').count() == 3
    })
}

fn request_example(
    body: &[Line],
    fields: &[FieldDraft],
    examples: &mut Vec<ExampleDraft>,
    report: &mut Vec<String>,
) {
    let (name, json) = match json_block(body) {
        Some(json) => ("request", json),
        None => match java_biz_content(body) {
            Some(json) => ("java_request", json),
            None => {
                report.push("请求示例: neither a JSON object nor a Java setBizContent(…) call; not imported".into());
                return;
            }
        },
    };
    let prices: Vec<&str> = fields
        .iter()
        .filter(|f| f.ty == "price")
        .map(|f| f.name.as_str())
        .collect();
    let (json, quoted) = quote_numbers(&json, &prices);
    let note = (!quoted.is_empty()).then(|| {
        let list: Vec<String> = quoted.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!(
            "The page's example sends {} as a JSON number; written here as a string, our wire form for price.",
            list.join(", ")
        )
    });
    examples.push(ExampleDraft {
        name: name.into(),
        kind: ExampleKind::Request,
        description: Some("请求示例".into()),
        source: None,
        note,
        json: json + "\n",
    });
}
