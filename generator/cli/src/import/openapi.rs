//! `import openapi`: drafts from an OpenAPI 3.0 file in the shape of
//! Alipay's v3 file (`operationId` is the v2 method name; a request model,
//! a response model, and an error model whose `code` enum lists the codes).
//! Such a file states names, types, descriptions, examples and nesting, but
//! no required flags for body fields and no maximum lengths, and it types
//! amounts and dates as plain strings: each of those is marked
//! `unconfirmed` for a person to decide.

use std::collections::{BTreeMap, BTreeSet};

use alipay_codegen::spec::{FieldFact, MethodFact, Required};
use serde_json::Value;
use serde_yaml_ng::Value as Yaml;

use super::ImportError;
use super::model::{Draft, ErrorDraft, FieldDraft, TypeDraft};

/// What `import openapi` is told besides the file.
#[derive(Debug, Default, Clone)]
pub struct OpenApiOptions {
    /// Only these operations (`operationId`s); all when empty.
    pub methods: Vec<String>,
    /// The product group, which the file does not state.
    pub product: Option<String>,
    /// The spec's `source`; by default the file's title, version and the
    /// operation's path.
    pub source: Option<String>,
}

/// The file's operations, as drafts, with the report lines of each.
pub fn parse(
    text: &str,
    file: &str,
    options: &OpenApiOptions,
) -> Result<Vec<(Draft, Vec<String>)>, ImportError> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let at = e.location().map(|l| format!("{}:{}", l.line(), l.column()));
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        ImportError {
            file: file.to_owned(),
            at,
            message: format!("not a readable OpenAPI file: {message}"),
            help: Some("the file must be OpenAPI 3.0 as YAML or JSON".into()),
        }
    })?;
    let shape = |at: &str, message: String| {
        ImportError {
        file: file.to_owned(),
        at: Some(at.to_owned()),
        message,
        help: Some("the file must be OpenAPI 3.0 in the shape of Alipay's v3 file: `paths` → path → `get`/`post` with an `operationId`, schemas under `components.schemas`".into()),
    }
    };
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'))
    {
        return Err(shape(
            "openapi",
            "the file does not declare `openapi: 3.x`".into(),
        ));
    }
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| shape("paths", "the file has no `paths` mapping".into()))?;
    let reader = Reader { doc: &doc, file };
    let info = |key: &str| {
        doc.pointer(&format!("/info/{key}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let mut out = Vec::new();
    let mut found = BTreeSet::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            return Err(shape(
                &format!("paths.{path}"),
                format!("`{path}` is not a mapping of operations"),
            ));
        };
        for (verb, op) in item {
            if !["get", "post", "put", "delete", "patch"].contains(&verb.as_str()) {
                continue;
            }
            let at = format!("paths.{path}.{verb}");
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| shape(&at, "the operation has no `operationId`".into()))?;
            if !options.methods.is_empty() && !options.methods.iter().any(|m| m == id) {
                continue;
            }
            found.insert(id.to_owned());
            let source = options.source.clone().unwrap_or_else(|| {
                format!(
                    "{} {}, {} {path} (OpenAPI)",
                    info("title"),
                    info("version"),
                    verb.to_uppercase()
                )
            });
            out.push(reader.operation(&at, id, op, source, options.product.as_deref())?);
        }
    }
    for m in &options.methods {
        if !found.contains(m) {
            return Err(ImportError {
                file: file.to_owned(),
                at: None,
                message: format!("no operation has the operationId `{m}`"),
                help: Some("the operationId of Alipay's v3 operations is the v2 method name, e.g. `alipay.trade.refund`".into()),
            });
        }
    }
    if out.is_empty() {
        return Err(shape("paths", "the file has no operations".into()));
    }
    Ok(out)
}

struct Reader<'a> {
    doc: &'a Value,
    file: &'a str,
}

impl Reader<'_> {
    fn error(&self, at: &str, message: String) -> ImportError {
        ImportError {
            file: self.file.to_owned(),
            at: Some(at.to_owned()),
            message,
            help: Some("references must point into `components.schemas` (`$ref: '#/components/schemas/Name'`)".into()),
        }
    }

    /// The schema a `$ref` names, and its name.
    fn resolve<'v>(
        &'v self,
        at: &str,
        schema: &'v Value,
    ) -> Result<(Option<String>, &'v Value), ImportError> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/components/schemas/").ok_or_else(|| {
                    self.error(
                        at,
                        format!("`{r}` is not a reference into components.schemas"),
                    )
                })?;
                let target = self
                    .doc
                    .pointer(&format!("/components/schemas/{name}"))
                    .ok_or_else(|| self.error(at, format!("`{r}` names no schema")))?;
                Ok((Some(name.to_owned()), target))
            }
            None => Ok((None, schema)),
        }
    }

    fn operation(
        &self,
        at: &str,
        id: &str,
        op: &Value,
        source: String,
        product: Option<&str>,
    ) -> Result<(Draft, Vec<String>), ImportError> {
        let mut report = Vec::new();
        let mut d = Draft::new(id);
        let text = |k: &str| {
            op.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        match text("summary") {
            Some(s) => d.title = s.to_owned(),
            None => d.unconfirm(MethodFact::Title),
        }
        match text("description") {
            Some(s) => {
                d.summary = s.lines().next().unwrap_or(s).to_owned();
                if s.contains('\n') {
                    d.description = Some(format!("{s}\n"));
                }
            }
            None => d.unconfirm(MethodFact::Summary),
        }
        match product {
            Some(p) => d.product = p.to_owned(),
            None => d.unconfirm(MethodFact::Product),
        }
        d.source = Some(source);
        let mut types = BTreeMap::new();
        let mut todo = Vec::new();

        // The request: a JSON body model, a multipart body's `data` model,
        // and query and path parameters.
        for content in ["application/json", "multipart/form-data"] {
            let Some(schema) = op.pointer(&format!(
                "/requestBody/content/{}/schema",
                content.replace('/', "~1")
            )) else {
                continue;
            };
            let here = format!("{at}.requestBody");
            let (_, mut model) = self.resolve(&here, schema)?;
            if content == "multipart/form-data" {
                for name in model
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|p| p.keys())
                {
                    if name != "data" {
                        report.push(format!("request: the multipart part `{name}` (a file upload) is not a biz_content field; not imported"));
                    }
                }
                match model.pointer("/properties/data") {
                    Some(data) => model = self.resolve(&here, data)?.1,
                    None => continue,
                }
            }
            d.request.extend(self.fields(&here, model, &mut todo)?);
        }
        for (i, p) in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let here = format!("{at}.parameters[{i}]");
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| self.error(&here, "a parameter has no `name`".into()))?;
            if !matches!(p.get("in").and_then(Value::as_str), Some("query" | "path")) {
                continue;
            }
            let mut schema = p.get("schema").cloned().unwrap_or(Value::Null);
            if let (Some(obj), Some(desc)) = (schema.as_object_mut(), p.get("description")) {
                obj.entry("description").or_insert(desc.clone());
            }
            let mut f = self.field(&here, name, &schema, &mut todo)?;
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                f.required = Required::Yes;
                f.unconfirmed.retain(|x| *x != FieldFact::Required);
            }
            d.request.push(f);
        }
        if let Some(schema) = op.pointer("/responses/200/content/application~1json/schema") {
            let here = format!("{at}.responses.200");
            let (_, model) = self.resolve(&here, schema)?;
            d.response = self.fields(&here, model, &mut todo)?;
        }
        if let Some(schema) = op.pointer("/responses/default/content/application~1json/schema") {
            let here = format!("{at}.responses.default");
            let (_, model) = self.resolve(&here, schema)?;
            let variants: Vec<&Value> = match model.get("anyOf").or_else(|| model.get("oneOf")) {
                Some(Value::Array(list)) => list.iter().collect(),
                _ => vec![model],
            };
            for v in variants {
                let (name, v) = self.resolve(&here, v)?;
                if name.as_deref() == Some("CommonErrorType") {
                    continue;
                }
                for code in v
                    .pointer("/properties/code/enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(code) = code.as_str() else { continue };
                    if !d.errors.iter().any(|e| e.code == code) {
                        d.errors.push(ErrorDraft {
                            code: code.to_owned(),
                            message: None,
                            action: None,
                            outcome_unknown: false,
                            rust_name: None,
                            source: None,
                        });
                    }
                }
            }
            if !d.errors.is_empty() {
                report.push(format!("errors: {} codes listed without meaning or fix (the file gives none); add them from the method's document", d.errors.len()));
            }
        }

        // The object types the fields reference, and the ones theirs do.
        while let Some((name, by)) = todo.pop() {
            if types.contains_key(&name) {
                continue;
            }
            let here = format!("components.schemas.{name}");
            let schema = self
                .doc
                .pointer(&format!("/components/schemas/{name}"))
                .ok_or_else(|| self.error(&by, format!("`{name}` names no schema")))?;
            let description = schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if description.is_empty() {
                report.push(format!("types.{name}.description: the file describes the type with nothing; write what it is"));
            }
            types.insert(
                name.clone(),
                TypeDraft {
                    description,
                    source: None,
                    fields: Vec::new(),
                },
            );
            let fields = self.fields(&here, schema, &mut todo)?;
            types.get_mut(&name).expect("inserted").fields = fields;
        }
        d.types = types;
        let marks: usize = d
            .request
            .iter()
            .chain(&d.response)
            .chain(d.types.values().flat_map(|t| &t.fields))
            .map(|f| f.unconfirmed.len())
            .sum();
        if marks > 0 {
            report.push(format!("{marks} field facts the file does not state are marked `unconfirmed`: `cargo regen` lists each until a person decides it"));
        }
        Ok((d, report))
    }

    fn fields(
        &self,
        at: &str,
        model: &Value,
        todo: &mut Vec<(String, String)>,
    ) -> Result<Vec<FieldDraft>, ImportError> {
        let required: Vec<&str> = model
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Vec::new();
        let props = match model.get("properties") {
            None => return Ok(out),
            Some(Value::Object(p)) => p,
            Some(_) => {
                return Err(self.error(
                    &format!("{at}.properties"),
                    "`properties` is not a mapping".into(),
                ));
            }
        };
        for (name, schema) in props {
            let mut f = self.field(&format!("{at}.properties.{name}"), name, schema, todo)?;
            if required.contains(&name.as_str()) {
                f.required = Required::Yes;
                f.unconfirmed.retain(|x| *x != FieldFact::Required);
            }
            out.push(f);
        }
        Ok(out)
    }

    fn field(
        &self,
        at: &str,
        name: &str,
        schema: &Value,
        todo: &mut Vec<(String, String)>,
    ) -> Result<FieldDraft, ImportError> {
        let description = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let (ty, sure) = self.type_of(at, name, schema, todo)?;
        let mut f = FieldDraft::new(name, &ty, description);
        f.unconfirm(FieldFact::Required);
        if description.is_empty() {
            f.unconfirm(FieldFact::Description);
        }
        if !sure {
            f.unconfirm(FieldFact::Type);
        }
        let example = schema.get("example");
        if ty == "string" {
            f.unconfirm(FieldFact::MaxLength);
            let ex = example.map(|e| match e {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let amount = ex.as_deref().is_some_and(|e| {
                e.split_once('.').is_some_and(|(y, c)| {
                    !y.is_empty()
                        && y.chars().all(|x| x.is_ascii_digit())
                        && (1..=2).contains(&c.len())
                        && c.chars().all(|x| x.is_ascii_digit())
                })
            }) || description.contains("金额");
            let time = ex.as_deref().is_some_and(|e| {
                e.len() == 19
                    && e.as_bytes()[10] == b' '
                    && e[..4].chars().all(|c| c.is_ascii_digit())
            });
            if amount || time {
                f.unconfirm(FieldFact::Type);
                f.add_note(if amount {
                    "The OpenAPI file types it string; it reads like an amount (price?)."
                } else {
                    "The OpenAPI file types it string; it reads like a date-time (datetime?)."
                });
            }
            f.example = ex.map(Yaml::String);
        } else if ty == "integer" || ty == "boolean" {
            f.example = example.and_then(|e| serde_yaml_ng::to_value(e).ok());
        } else if let Some(e) = example {
            f.add_note(&format!(
                "The OpenAPI file's example: {}",
                e.as_str().map_or_else(|| e.to_string(), str::to_owned)
            ));
        }
        Ok(f)
    }

    /// Our type for a schema, and whether the file states it.
    fn type_of(
        &self,
        at: &str,
        name: &str,
        schema: &Value,
        todo: &mut Vec<(String, String)>,
    ) -> Result<(String, bool), ImportError> {
        if let (Some(target), _) = self.resolve(at, schema)? {
            todo.push((target.clone(), at.to_owned()));
            return Ok((target, true));
        }
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
        Ok(match ty {
            "string" if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
                ("datetime".into(), true)
            }
            "string" => ("string".into(), true),
            "integer" => ("integer".into(), true),
            "number" => ("integer".into(), false),
            "boolean" => ("boolean".into(), true),
            "array" => {
                let items = schema
                    .get("items")
                    .ok_or_else(|| self.error(at, format!("the array `{name}` has no `items`")))?;
                let (inner, sure) = self.type_of(&format!("{at}.items"), name, items, todo)?;
                (format!("{inner}[]"), sure)
            }
            // Inline objects, free-form values and missing types: our nearest
            // reading, for a person to decide.
            _ => ("string".into(), false),
        })
    }
}
