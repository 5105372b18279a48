//! The Markdown reference docs: `docs/api/` is what `alipay-codegen docs`
//! renders from `specs/`, and every page, parsed as Markdown, says what the
//! specs say: a page per method, one table row per field, links that land.
//!
//! The pages are checked against the raw specs (`alipay_codegen::load`),
//! not against the IR the renderer used, so a renderer that drops or
//! reorders a field cannot agree with itself by accident.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use alipay_codegen::Mode;
use alipay_codegen::spec::{ErrorSpec, FieldSpec, Required};
use alipay_codegen_cli::docs::{self, Templates};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const PARAM_HEADER: [&str; 6] = [
    "name",
    "type",
    "required",
    "max length",
    "description",
    "example",
];
const CODES_HEADER: [&str; 4] = ["code", "meaning", "what to do", "outcome unknown"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Renders the docs of a spec root into a fresh temporary directory.
fn render_into_temp(specs: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Err(e) = docs::docs(specs, dir.path(), &Templates::builtin(), Mode::Write) {
        panic!("{e}");
    }
    dir
}

/// Every file of a directory (not recursive): name → contents.
fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

// ---------------------------------------------------------------------------
// A page, as pulldown-cmark reads it.

#[derive(Debug, Default)]
struct Table {
    /// The `##` and `###` headings it is under.
    h2: String,
    h3: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
struct Page {
    /// (level, text)
    headings: Vec<(HeadingLevel, String)>,
    tables: Vec<Table>,
    /// (the `##` heading it is under, destination)
    links: Vec<(String, String)>,
    /// Links inside list items: (the `##` heading, destination).
    list_links: Vec<(String, String)>,
    /// (language, body)
    code_blocks: Vec<(String, String)>,
}

impl Page {
    fn parse(markdown: &str) -> Page {
        let mut page = Page::default();
        let (mut h2, mut h3) = (String::new(), String::new());
        let mut heading: Option<(HeadingLevel, String)> = None;
        let mut table: Option<Table> = None;
        let mut row: Vec<String> = Vec::new();
        let mut cell: Option<String> = None;
        let mut in_head = false;
        let mut list_depth = 0;
        let mut code: Option<(String, String)> = None;
        for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
            let text = match &event {
                Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                Event::InlineHtml(h) if h.as_ref() == "<br>" => Some("\n".to_owned()),
                Event::SoftBreak | Event::HardBreak => Some("\n".to_owned()),
                _ => None,
            };
            if let Some(text) = text {
                if let Some((_, body)) = &mut code {
                    body.push_str(&text);
                } else if let Some(cell) = &mut cell {
                    cell.push_str(&text);
                } else if let Some((_, h)) = &mut heading {
                    h.push_str(&text);
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
                Event::End(TagEnd::Heading(_)) => {
                    let (level, text) = heading.take().unwrap();
                    match level {
                        HeadingLevel::H1 => {}
                        HeadingLevel::H2 => {
                            h2 = text.clone();
                            h3.clear();
                        }
                        _ => h3 = text.clone(),
                    }
                    page.headings.push((level, text));
                }
                Event::Start(Tag::Table(_)) => {
                    table = Some(Table {
                        h2: h2.clone(),
                        h3: h3.clone(),
                        ..Table::default()
                    })
                }
                Event::End(TagEnd::Table) => page.tables.push(table.take().unwrap()),
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => {
                    in_head = false;
                    table.as_mut().unwrap().header = std::mem::take(&mut row);
                }
                Event::End(TagEnd::TableRow) => {
                    table.as_mut().unwrap().rows.push(std::mem::take(&mut row))
                }
                Event::Start(Tag::TableCell) => cell = Some(String::new()),
                Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap().trim().to_owned()),
                Event::Start(Tag::List(_)) => list_depth += 1,
                Event::End(TagEnd::List(_)) => list_depth -= 1,
                Event::Start(Tag::Link { dest_url, .. }) => {
                    page.links.push((h2.clone(), dest_url.to_string()));
                    if list_depth > 0 {
                        page.list_links.push((h2.clone(), dest_url.to_string()));
                    }
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(lang) => lang.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::End(TagEnd::CodeBlock) => page.code_blocks.push(code.take().unwrap()),
                _ => {}
            }
        }
        let _ = in_head;
        page
    }

    /// The anchors of its headings, as GitHub makes them.
    fn anchors(&self) -> BTreeSet<String> {
        self.headings
            .iter()
            .map(|(_, text)| {
                text.trim()
                    .to_lowercase()
                    .chars()
                    .filter_map(|c| match c {
                        ' ' => Some('-'),
                        c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    /// The tables under a `##` (and `###`, when given) heading.
    fn tables_under(&self, h2: &str, h3: Option<&str>) -> Vec<&Table> {
        self.tables
            .iter()
            .filter(|t| t.h2 == h2 && h3.is_none_or(|h3| t.h3 == h3))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// What a row must say, from the raw spec.

/// Spec text as a cell shows it: lines trimmed, outer blank lines dropped.
/// What a code table shows for a meaning or action the spec leaves out.
const NOT_PUBLISHED: &str = "not published";

fn as_cell(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

fn required_word(r: Required) -> &'static str {
    match r {
        Required::Yes => "yes",
        Required::No => "no",
        Required::Conditional => "conditional",
    }
}

/// The one parameter table under the heading, checked row by row against
/// the spec's fields.
fn check_param_table(page: &Page, file: &str, h2: &str, h3: Option<&str>, fields: &[FieldSpec]) {
    let tables = page.tables_under(h2, h3);
    let at = format!(
        "{file} § {h2}{}",
        h3.map(|h| format!(" / {h}")).unwrap_or_default()
    );
    assert_eq!(tables.len(), 1, "{at}: expected exactly one table");
    let table = tables[0];
    assert_eq!(table.header, PARAM_HEADER, "{at}: header");
    assert_eq!(
        table.rows.len(),
        fields.len(),
        "{at}: one row per field of the spec"
    );
    for (row, field) in table.rows.iter().zip(fields) {
        let at = format!("{at}, field `{}`", field.name);
        assert_eq!(row.len(), PARAM_HEADER.len(), "{at}: cells in {row:?}");
        assert_eq!(row[0], field.name, "{at}: name");
        assert_eq!(row[1], field.ty, "{at}: type");
        assert_eq!(row[2], required_word(field.required), "{at}: required");
        match field.max_length {
            Some(n) => assert!(
                row[3].starts_with(&n.to_string()),
                "{at}: max length {row:?}"
            ),
            None => assert_eq!(row[3], "", "{at}: max length"),
        }
        let description = as_cell(&field.description);
        assert!(
            row[4].starts_with(&description),
            "{at}: the description, verbatim:\n  {:?}\nis not the start of\n  {:?}",
            description,
            row[4]
        );
        for value in &field.values {
            assert!(row[4].contains(&value.value), "{at}: value {}", value.value);
        }
        let example = field
            .example
            .as_ref()
            .map(|e| match serde_json::to_value(e).unwrap() {
                serde_json::Value::String(s) => s,
                v => v.to_string(),
            });
        assert_eq!(row[5], example.unwrap_or_default(), "{at}: example");
    }
}

/// The one code table under the heading, checked against the spec's codes.
fn check_codes_table(page: &Page, file: &str, h2: &str, h3: Option<&str>, codes: &[ErrorSpec]) {
    let tables = page.tables_under(h2, h3);
    let at = format!(
        "{file} § {h2}{}",
        h3.map(|h| format!(" / {h}")).unwrap_or_default()
    );
    if codes.is_empty() {
        assert!(tables.is_empty(), "{at}: a table of no codes");
        return;
    }
    assert_eq!(tables.len(), 1, "{at}: expected exactly one table");
    let table = tables[0];
    assert_eq!(table.header, CODES_HEADER, "{at}: header");
    assert_eq!(table.rows.len(), codes.len(), "{at}: one row per code");
    for (row, code) in table.rows.iter().zip(codes) {
        assert_eq!(row[0], code.code, "{at}");
        // A text the spec leaves out is one Alipay does not publish, and the
        // page must say so rather than show an empty cell.
        let shown = |text: &Option<String>| text.as_deref().map_or(NOT_PUBLISHED.into(), as_cell);
        assert!(row[1].starts_with(&shown(&code.message)), "{at}: {row:?}");
        assert_eq!(row[2], shown(&code.action), "{at}");
        let flag = if code.outcome_unknown { "yes" } else { "no" };
        assert_eq!(row[3], flag, "{at}: outcome unknown");
    }
}

/// Every page of a rendered directory checked against the specs it came from.
fn check_docs(specs: &Path, out: &Path) {
    let set = alipay_codegen::load::load(specs).unwrap_or_else(|e| panic!("{e}"));
    let files = read_dir(out);
    let pages: BTreeMap<&str, Page> = files
        .iter()
        .map(|(name, text)| (name.as_str(), Page::parse(text)))
        .collect();

    // Every page carries the generated header on its first line.
    for (name, text) in &files {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("<!-- @generated by alipay-codegen ")
                && first.contains("Do not edit")
                && first.contains("run `cargo regen`"),
            "{name}: first line {first:?}"
        );
    }

    // Exactly the pages the specs make.
    let mut expected: BTreeSet<String> = set
        .methods
        .iter()
        .map(|m| format!("{}.md", m.spec.method))
        .collect();
    expected.insert("index.md".into());
    expected.insert("common.md".into());
    assert_eq!(files.keys().cloned().collect::<BTreeSet<_>>(), expected);

    // Every table with a `name` column is a parameter table, with exactly its columns.
    for (name, page) in &pages {
        for table in &page.tables {
            if table.header.first().is_some_and(|h| h == "name") {
                assert_eq!(table.header, PARAM_HEADER, "{name} § {}", table.h2);
            }
            for row in &table.rows {
                assert_eq!(
                    row.len(),
                    table.header.len(),
                    "{name} § {}: {row:?}",
                    table.h2
                );
            }
        }
    }

    // Every relative link lands on a page that exists, at a heading that exists.
    for (name, page) in &pages {
        for (_, link) in &page.links {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() { *name } else { file };
            assert!(
                out.join(target).is_file(),
                "{name}: link `{link}` to a page that does not exist"
            );
            if !fragment.is_empty() {
                let anchors = pages[target].anchors();
                assert!(
                    anchors.contains(fragment),
                    "{name}: link `{link}`: no such heading in {target} (has {anchors:?})"
                );
            }
        }
    }

    // The index lists every method under its product, and nothing else.
    let index = &pages["index.md"];
    let mut by_product: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &set.methods {
        by_product
            .entry(m.spec.product.clone())
            .or_default()
            .insert(format!("{}.md", m.spec.method));
    }
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (product, link) in &index.list_links {
        assert!(
            listed
                .entry(product.clone())
                .or_default()
                .insert(link.clone()),
            "index.md: {link} listed twice under {product}"
        );
    }
    assert_eq!(
        listed, by_product,
        "index.md: the methods under each product"
    );

    // common.md: public parameters, common response fields, gateway codes, shared types.
    let common = &set.common.spec;
    let page = &pages["common.md"];
    check_param_table(
        page,
        "common.md",
        "Public request parameters",
        None,
        &common.request_params,
    );
    check_param_table(
        page,
        "common.md",
        "Common response fields",
        None,
        &common.response_fields,
    );
    let gateway = page.tables_under("Gateway codes", Some(""));
    assert_eq!(gateway.len(), 1);
    assert_eq!(gateway[0].rows.len(), common.gateway_codes.len());
    for (row, code) in gateway[0].rows.iter().zip(&common.gateway_codes) {
        assert_eq!(row[0], code.code);
        assert_eq!(row[1], code.msg);
        let flag = if code.outcome_unknown { "yes" } else { "no" };
        assert_eq!(row[4], flag, "common.md: gateway code {}", code.code);
        let heading = format!("{} {}", code.code, code.msg);
        check_codes_table(
            page,
            "common.md",
            "Gateway codes",
            Some(&heading),
            &code.sub_codes,
        );
    }
    for (name, ty) in &common.types {
        check_param_table(
            page,
            "common.md",
            "Shared object types",
            Some(name),
            &ty.fields,
        );
    }

    // One page per method, saying what its spec says.
    for m in &set.methods {
        let spec = &m.spec;
        let file = format!("{}.md", spec.method);
        let page = &pages[file.as_str()];
        let text = &files[&file];
        assert!(
            text.contains(&format!("from {}.", m.relative)),
            "{file}: header names the spec"
        );
        check_param_table(
            page,
            &file,
            "Request parameters",
            None,
            &spec.request.fields,
        );
        check_param_table(
            page,
            &file,
            "Response parameters",
            None,
            &spec.response.fields,
        );
        for (name, ty) in &spec.types {
            check_param_table(page, &file, "Object types", Some(name), &ty.fields);
        }
        check_codes_table(page, &file, "Error codes", None, &spec.errors);

        let rules = page.tables_under("Cross-field rules", None);
        assert_eq!(
            rules.iter().map(|t| t.rows.len()).sum::<usize>(),
            spec.request.rules.len(),
            "{file}: rules"
        );

        // The examples, as JSON code blocks, in spec order.
        let json: Vec<&String> = page
            .code_blocks
            .iter()
            .filter(|(lang, _)| lang == "json")
            .map(|(_, body)| body)
            .collect();
        assert_eq!(
            json.len(),
            spec.examples.len(),
            "{file}: one JSON block per example"
        );
        for (body, example) in json.iter().zip(&spec.examples) {
            assert_eq!(
                body.trim_end(),
                example.json.trim_end(),
                "{file}: example {}",
                example.name
            );
        }

        // The Rust example names the generated request type.
        let module = alipay_codegen::naming::method_module(&spec.method);
        let ty = format!(
            "{}Request",
            alipay_codegen::naming::method_type_stem(&spec.method)
        );
        let rust: Vec<&String> = page
            .code_blocks
            .iter()
            .filter(|(lang, _)| lang == "rust")
            .map(|(_, body)| body)
            .collect();
        assert_eq!(rust.len(), 1, "{file}: one Rust example");
        assert!(
            rust[0].contains(&format!("use alipay_api::{module}::{ty};")),
            "{file}:\n{}",
            rust[0]
        );
        assert!(
            rust[0].contains(&format!("let request = {ty}::new(")),
            "{file}:\n{}",
            rust[0]
        );
        for f in spec
            .request
            .fields
            .iter()
            .filter(|f| f.required == Required::Yes)
        {
            assert!(
                rust[0].contains(&format!("// {}", f.name)),
                "{file}: `{}` in new()",
                f.name
            );
        }
    }
}

// ---------------------------------------------------------------------------

#[test]
fn committed_docs_are_what_the_specs_render() {
    let root = root();
    let rendered = render_into_temp(&root.join("specs"));
    let fresh = read_dir(rendered.path());
    let committed_dir = root.join("docs/api");
    let committed: BTreeMap<String, String> = read_dir(&committed_dir)
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .next()
                .is_some_and(|l| l.contains("@generated by alipay-codegen"))
        })
        .collect();
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "docs/api/ holds other pages than the specs make: run `cargo regen`"
    );
    for (name, text) in &fresh {
        assert!(
            committed[name] == *text,
            "docs/api/{name} is stale: run `cargo regen`"
        );
    }
    // And the writer's own check agrees.
    if let Err(e) = docs::docs(
        &root.join("specs"),
        &committed_dir,
        &Templates::builtin(),
        Mode::Check,
    ) {
        panic!("{e}");
    }
}

#[test]
fn every_page_says_what_the_specs_say() {
    let specs = root().join("specs");
    let out = render_into_temp(&specs);
    check_docs(&specs, out.path());
}

#[test]
fn the_golden_specs_render_too() {
    // Every type and rule, keyword field names, `|`-free but Markdown-hostile
    // prose: the same checks hold.
    let specs = root().join("tests/golden/specs");
    let out = render_into_temp(&specs);
    check_docs(&specs, out.path());
}

#[test]
fn rendering_is_deterministic() {
    let specs = root().join("specs");
    let first = docs::render_specs(&specs, &Templates::builtin()).unwrap();
    let second = docs::render_specs(&specs, &Templates::builtin()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_user_template_overrides_the_built_in_one() {
    let specs = root().join("specs");
    let templates = tempfile::tempdir().unwrap();
    fs::write(
        templates.path().join("index.md.j2"),
        "# Our methods\n\n{% for p in products %}{% for m in p.methods %}\n- {{ m.name }} ({{ p.name }})\n{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let custom = Templates::with_dir(templates.path()).unwrap();
    let files = docs::render_specs(&specs, &custom).unwrap();
    let builtin = docs::render_specs(&specs, &Templates::builtin()).unwrap();

    let index = &files["index.md"];
    assert!(
        index
            .lines()
            .next()
            .unwrap()
            .contains("@generated by alipay-codegen"),
        "{index}"
    );
    assert!(index.contains("# Our methods"), "{index}");
    assert!(
        index.contains("- alipay.fund.trans.refund (现金红包)"),
        "{index}"
    );
    // The other pages still come from the built-in templates.
    for (name, text) in &builtin {
        if name != "index.md" {
            assert_eq!(files[name], *text, "{name}");
        }
    }
}

#[test]
fn user_template_errors_name_the_file() {
    let specs = root().join("specs");
    let cases = [
        (
            "an unknown variable",
            "# Methods\n\n{{ no_such_variable }}\n",
            3,
        ),
        (
            "a syntax error",
            "# Methods\n{% for p in products %}\n{{ p.name }}\n",
            4,
        ),
        ("an unknown filter", "{{ products | no_such_filter }}\n", 1),
    ];
    for (what, source, line) in cases {
        let templates = tempfile::tempdir().unwrap();
        let path = templates.path().join("index.md.j2");
        fs::write(&path, source).unwrap();
        let custom = Templates::with_dir(templates.path()).unwrap();
        let err = docs::render_specs(&specs, &custom).expect_err(what);
        let shown = err.to_string();
        match &err {
            docs::Error::Template { file, line: at, .. } => {
                assert_eq!(*file, path.display().to_string(), "{what}: {shown}");
                assert!(
                    at.is_some_and(|at| at <= line),
                    "{what}: line {at:?}: {shown}"
                );
            }
            other => panic!("{what}: not a template error: {other}"),
        }
        assert!(
            shown.contains(&path.display().to_string()),
            "{what}: {shown}"
        );
    }

    // An error in a built-in template imported by the user's names that one.
    let templates = tempfile::tempdir().unwrap();
    fs::write(
        templates.path().join("macros.md.j2"),
        "{% macro params_table(fields) %}{{ fields.nope.nope }}{% endmacro %}\n\
         {% macro codes_table(codes) %}{% endmacro %}{% macro outcome_cell(e) %}{% endmacro %}",
    )
    .unwrap();
    let custom = Templates::with_dir(templates.path()).unwrap();
    let shown = docs::render_specs(&specs, &custom).unwrap_err().to_string();
    assert!(shown.contains("macros.md.j2"), "{shown}");
}
