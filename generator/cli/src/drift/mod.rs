//! `alipay-codegen drift --python-sdk DIR`: what Alipay's Python SDK knows
//! that our specs lack.
//!
//! `alipay-sdk-python` is regenerated from Alipay's own metadata as fields
//! are added, so an unpacked copy is a list of every method's fields and
//! nested types. For each method in our specs this reads the SDK's
//! `request/<Name>Request.py` (the method name and its biz model),
//! `domain/<Name>Model.py` (the request fields), `response/<Name>Response.py`
//! (the response fields) and the nested `domain/<Type>.py` classes they use,
//! and reports the fields the SDK has and the spec lacks, and the nested
//! types whose shape differs. Files are read only as needed; one that is not
//! valid Python is reported with its line and skipped.

pub mod python;
mod report;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use alipay_codegen::ir::{Api, Field, Method, ObjectType, Type};

pub use report::{human, json};

use python::{PyField, PyFile, PyType};

/// An SDK file that could not be read as Python, and was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, 0 for the whole file.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// A field the SDK has and the spec lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Where, by wire names: `request.refund_currency`,
    /// `response.refund_detail_item_list[].fund_type`.
    pub path: String,
    /// Its type in the SDK.
    pub sdk_type: PyType,
}

/// A field whose nested type has another shape in the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDiff {
    /// The field, by wire names.
    pub path: String,
    /// Its type in the SDK.
    pub sdk_type: PyType,
    /// Its type in the spec.
    pub spec_type: String,
}

/// One method's drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodDrift {
    /// The method.
    pub method: String,
    /// The SDK classes read: request model and response, where they exist.
    pub classes: Vec<String>,
    /// Fields the SDK has and the spec lacks.
    pub missing: Vec<Missing>,
    /// Nested types that differ.
    pub types: Vec<TypeDiff>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

/// The whole comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// Methods the SDK has, in spec order.
    pub methods: Vec<MethodDrift>,
    /// Methods of the specs the SDK has no request class for.
    pub not_in_sdk: Vec<String>,
    /// SDK files skipped.
    pub skipped: Vec<Skipped>,
}

/// Why drift could not run.
#[derive(Debug)]
pub enum Error {
    /// The SDK directory is missing, unreadable, or not the SDK.
    Sdk {
        /// As given.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The specs could not be loaded.
    Specs(alipay_codegen::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sdk { dir, reason } => write!(
                f,
                "error: cannot read the Python SDK at `{}`: {reason}\n   = help: unpack \
                 alipay-sdk-python (its sdist or wheel) and pass the directory that holds \
                 `alipay/aop/api/`, or that directory itself",
                dir.display()
            ),
            Error::Specs(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// `alipay/aop/api/` of an unpacked SDK, and the files read so far.
struct Sdk {
    api: PathBuf,
    files: BTreeMap<PathBuf, Option<PyFile>>,
    skipped: Vec<Skipped>,
}

impl Sdk {
    fn open(dir: &Path) -> Result<Sdk, Error> {
        let fail = |reason: String| Error::Sdk {
            dir: dir.to_path_buf(),
            reason,
        };
        fs::read_dir(dir).map_err(|e| fail(e.to_string()))?;
        let api = [dir.join("alipay/aop/api"), dir.to_path_buf()]
            .into_iter()
            .find(|d| d.join("request").is_dir() && d.join("domain").is_dir())
            .ok_or_else(|| {
                fail("it has neither `alipay/aop/api/request/` and `domain/` nor `request/` and `domain/`".into())
            })?;
        for sub in ["request", "domain"] {
            fs::read_dir(api.join(sub)).map_err(|e| fail(format!("`{sub}/`: {e}")))?;
        }
        Ok(Sdk {
            api,
            files: BTreeMap::new(),
            skipped: Vec::new(),
        })
    }

    /// `request|domain|response/<class>.py`, read once; `None` when absent
    /// or skipped.
    fn class(&mut self, dir: &str, class: &str) -> Option<&PyFile> {
        let path = self.api.join(dir).join(format!("{class}.py"));
        if !self.files.contains_key(&path) {
            let file = match fs::read(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    self.skip(&path, 0, format!("cannot be read: {e}"));
                    None
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => {
                        self.skip(&path, 0, "is not UTF-8".into());
                        None
                    }
                    Ok(text) => match python::read(&text) {
                        Ok(file) => Some(file),
                        Err(e) => {
                            self.skip(&path, e.line, format!("is not valid Python: {}", e.reason));
                            None
                        }
                    },
                },
            };
            self.files.insert(path.clone(), file);
        }
        self.files[&path].as_ref()
    }

    fn skip(&mut self, file: &Path, line: usize, reason: String) {
        self.skipped.push(Skipped {
            file: file.to_path_buf(),
            line,
            reason,
        });
    }
}

/// Compares the specs in `specs` with the SDK unpacked at `sdk_dir`.
pub fn drift(specs: &Path, sdk_dir: &Path) -> Result<Drift, Error> {
    let api = alipay_codegen::load::read_sources(specs)
        .and_then(|s| alipay_codegen::check_sources(&s).map_err(alipay_codegen::Error::Specs))
        .map_err(Error::Specs)?;
    let mut sdk = Sdk::open(sdk_dir)?;
    let mut out = Drift::default();
    for m in &api.methods {
        match method(&api, m, &mut sdk) {
            Some(d) => out.methods.push(d),
            None => out.not_in_sdk.push(m.name.clone()),
        }
    }
    out.skipped = sdk.skipped;
    Ok(out)
}

/// `alipay.trade.refund` → `AlipayTradeRefund`, as the SDK names classes.
fn class_stem(method: &str) -> String {
    method.split('.').map(upper_camel).collect()
}

fn method(api: &Api, m: &Method, sdk: &mut Sdk) -> Option<MethodDrift> {
    let stem = class_stem(&m.name);
    let request = sdk.class("request", &format!("{stem}Request"))?.clone();
    let mut d = MethodDrift {
        method: m.name.clone(),
        classes: Vec::new(),
        missing: Vec::new(),
        types: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(named) = &request.method {
        if *named != m.name {
            d.notes.push(format!(
                "request/{stem}Request.py names the method `{named}`"
            ));
        }
    }
    let model = request
        .domain_imports
        .iter()
        .find(|i| i.ends_with("Model"))
        .cloned()
        .unwrap_or_else(|| format!("{stem}Model"));
    match sdk.class("domain", &model).cloned() {
        Some(file) => {
            d.classes.push(model);
            compare(api, m, "request", &file.fields, &m.request, sdk, &mut d, 0);
        }
        None => d.notes.push(format!(
            "no biz model domain/{model}.py: request fields not compared"
        )),
    }
    let response = format!("{stem}Response");
    match sdk.class("response", &response).cloned() {
        Some(file) => {
            d.classes.push(response);
            compare(
                api,
                m,
                "response",
                &file.fields,
                &m.response,
                sdk,
                &mut d,
                0,
            );
        }
        None => d.notes.push(format!(
            "no response/{response}.py: response fields not compared"
        )),
    }
    Some(d)
}

/// The spec's object type behind a field type (through arrays).
fn object_of<'a>(api: &'a Api, m: &'a Method, ty: &Type) -> Option<&'a ObjectType> {
    match ty {
        Type::Array(item) => object_of(api, m, item),
        Type::Object { name, shared } => {
            let list = if *shared { &api.types } else { &m.types };
            list.iter().find(|t| t.name == *name)
        }
        _ => None,
    }
}

fn spec_type_text(ty: &Type) -> String {
    match ty {
        Type::Array(item) => format!("{}[]", spec_type_text(item)),
        Type::Object { name, .. } => format!("`{name}`"),
        Type::Enum(_) => "string".into(),
        Type::String => "string".into(),
        Type::Price => "price".into(),
        Type::Integer => "integer".into(),
        Type::Boolean => "boolean".into(),
        Type::DateTime => "datetime".into(),
    }
}

/// Whether the SDK's and the spec's types have the same shape: both plain,
/// or both objects, each a list or not alike.
fn same_shape(sdk: &PyType, spec: &Type) -> bool {
    let spec_object = |t: &Type| matches!(t, Type::Object { .. });
    match (sdk, spec) {
        (PyType::Plain, t) => !matches!(t, Type::Array(_)) && !spec_object(t),
        (PyType::Object(_), t) => spec_object(t),
        (PyType::List(None), Type::Array(item)) => !spec_object(item),
        (PyType::List(Some(_)), Type::Array(item)) => spec_object(item),
        _ => false,
    }
}

/// Nested types are compared this deep at most: the SDK's are trees in
/// practice, but a cycle must not loop.
const MAX_DEPTH: usize = 8;

#[allow(clippy::too_many_arguments)]
fn compare(
    api: &Api,
    m: &Method,
    path: &str,
    sdk_fields: &[PyField],
    ours: &ObjectType,
    sdk: &mut Sdk,
    d: &mut MethodDrift,
    depth: usize,
) {
    for f in sdk_fields {
        let here = format!("{path}.{}", f.name);
        let Some(spec) = ours.fields.iter().find(|o| o.name == f.name) else {
            d.missing.push(Missing {
                path: here,
                sdk_type: f.ty.clone(),
            });
            continue;
        };
        nested(api, m, &here, f, spec, sdk, d, depth);
    }
}

#[allow(clippy::too_many_arguments)]
fn nested(
    api: &Api,
    m: &Method,
    here: &str,
    f: &PyField,
    spec: &Field,
    sdk: &mut Sdk,
    d: &mut MethodDrift,
    depth: usize,
) {
    if !same_shape(&f.ty, &spec.ty) {
        d.types.push(TypeDiff {
            path: here.to_owned(),
            sdk_type: f.ty.clone(),
            spec_type: spec_type_text(&spec.ty),
        });
        return;
    }
    let (Some(class), Some(object)) = (f.ty.class(), object_of(api, m, &spec.ty)) else {
        return;
    };
    if depth >= MAX_DEPTH {
        return;
    }
    let Some(file) = sdk.class("domain", class).cloned() else {
        let why = if sdk.api.join("domain").join(format!("{class}.py")).exists() {
            "was skipped"
        } else {
            "is not in the SDK"
        };
        d.notes.push(format!(
            "{here}: domain/{class}.py {why}, so its fields were not compared"
        ));
        return;
    };
    let inner = match f.ty {
        PyType::List(_) => format!("{here}[]"),
        _ => here.to_owned(),
    };
    compare(api, m, &inner, &file.fields, object, sdk, d, depth + 1);
}

/// UpperCamelCase of one method segment, as the SDK's class names have it
/// (`fastpay` → `Fastpay`): only the first letter changes.
fn upper_camel(segment: &str) -> String {
    let mut chars = segment.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_follow_the_sdk() {
        assert_eq!(
            class_stem("alipay.trade.fastpay.refund.query"),
            "AlipayTradeFastpayRefundQuery"
        );
    }
}
