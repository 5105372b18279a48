//! Reading spec files from disk (or from memory) into their raw shapes.
//!
//! Layout: `<root>/common.yaml` and `<root>/methods/*.yaml`. A YAML syntax or
//! shape error is reported with file, line and column, every one of a file's
//! shape errors at once; every file is read before reporting, so one run
//! shows every broken file.

use std::fs;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::spec::{CommonFile, MethodFile};
use crate::{Error, io_error};
use crate::{shape, yaml};

/// One spec file's text and names.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path relative to the spec root, with `/` separators
    /// (`methods/alipay.fund.trans.refund.yaml`); goes into generated headers.
    pub relative: String,
    /// The path as shown in diagnostics (the file as it was opened).
    pub display: String,
    /// The file's contents.
    pub text: String,
}

/// A parsed spec file.
#[derive(Debug)]
pub struct Loaded<T> {
    /// Where it came from.
    pub relative: String,
    /// The path as shown in diagnostics.
    pub display: String,
    /// What it says.
    pub spec: T,
}

/// Every spec file of one spec root.
#[derive(Debug)]
pub struct SpecSet {
    /// `common.yaml`.
    pub common: Loaded<CommonFile>,
    /// `methods/*.yaml`, sorted by file name.
    pub methods: Vec<Loaded<MethodFile>>,
}

/// Reads `<root>/common.yaml` and `<root>/methods/*.yaml`.
pub fn read_sources(root: &Path) -> Result<Vec<Source>, Error> {
    let path = root.join("common.yaml");
    let text = fs::read_to_string(&path).map_err(|e| io_error(&path, "read the spec", e))?;
    let mut sources = vec![Source {
        relative: "common.yaml".to_owned(),
        display: path.display().to_string(),
        text,
    }];
    sources.extend(read_methods(root)?);
    Ok(sources)
}

/// Reads `<root>/methods/*.yaml`, sorted by file name.
pub fn read_methods(root: &Path) -> Result<Vec<Source>, Error> {
    let methods_dir = root.join("methods");
    let entries = fs::read_dir(&methods_dir)
        .map_err(|e| io_error(&methods_dir, "read the spec directory", e))?;
    let mut methods = Vec::new();
    let mut problems = Diagnostics::default();
    for entry in entries {
        let path = entry
            .map_err(|e| io_error(&methods_dir, "read the spec directory", e))?
            .path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".yaml") {
            methods.push((path, format!("methods/{name}")));
        } else if name.ends_with(".yml") {
            problems.push(Diagnostic {
                file: path.display().to_string(),
                location: Location::File,
                message: "method specs must end in `.yaml`".into(),
                help: Some(format!(
                    "rename it to `{}.yaml`",
                    name.trim_end_matches(".yml")
                )),
            });
        }
    }
    if !problems.is_empty() {
        return Err(Error::Specs(problems));
    }
    methods.sort();
    methods
        .into_iter()
        .map(|(path, relative)| {
            let text =
                fs::read_to_string(&path).map_err(|e| io_error(&path, "read the spec", e))?;
            Ok(Source {
                relative,
                display: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// Parses sources: the one named `common.yaml` and the `methods/` ones.
///
/// Returns what parsed, even when some files did not, so that the checker can
/// still report the problems of the good files in the same run. The set is
/// `None` only when `common.yaml` itself did not parse.
pub fn parse(sources: &[Source]) -> (Option<SpecSet>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut common = None;
    let mut methods = Vec::new();
    for source in sources {
        if source.relative == "common.yaml" {
            common = parse_one::<CommonFile>(source, &shape::COMMON_FILE, &mut problems);
        } else if let Some(m) = parse_one::<MethodFile>(source, &shape::METHOD_FILE, &mut problems)
        {
            methods.push(m);
        }
    }
    methods.sort_by(|a, b| a.relative.cmp(&b.relative));
    if common.is_none() && !sources.iter().any(|s| s.relative == "common.yaml") {
        problems.push(Diagnostic {
            file: "common.yaml".into(),
            location: Location::File,
            message: "the spec root has no `common.yaml`".into(),
            help: Some("every spec root needs common.yaml beside methods/".into()),
        });
    }
    (common.map(|common| SpecSet { common, methods }), problems)
}

/// Reads one file in three steps: YAML into a located tree (syntax errors
/// and the nesting limit), the tree against the file's shape (every problem,
/// each at its own line and column), then, only when both are clean, the
/// serde types.
fn parse_one<T: serde::de::DeserializeOwned>(
    source: &Source,
    shape: &'static shape::Struct,
    problems: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let at = |line, column, message: String, help: String| Diagnostic {
        file: source.display.clone(),
        location: Location::LineColumn { line, column },
        message,
        help: Some(help),
    };
    let tree = match yaml::parse(&source.text) {
        Ok(tree) => tree,
        Err(e) => {
            problems.push(at(
                e.line,
                e.column,
                format!("invalid spec: {}", e.message),
                e.help,
            ));
            return None;
        }
    };
    let shape_problems = shape::check(tree.as_ref(), shape);
    if !shape_problems.is_empty() {
        for p in shape_problems {
            problems.push(at(p.line, p.column, p.message, p.help));
        }
        return None;
    }
    // The shape walker accepts what these types accept (a test in
    // `shape` keeps them in step), so an error here is a disagreement
    // between the two YAML readers; it is still reported, not lost.
    match serde_yaml_ng::from_str::<T>(&source.text) {
        Ok(spec) => Some(Loaded {
            relative: source.relative.clone(),
            display: source.display.clone(),
            spec,
        }),
        Err(e) => {
            let location = match e.location() {
                Some(l) => Location::LineColumn {
                    line: l.line(),
                    column: l.column(),
                },
                None => Location::File,
            };
            let text = e.to_string();
            // The parser appends the position we already show after `-->`.
            let message = match text.rfind(" at line ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            problems.push(Diagnostic {
                file: source.display.clone(),
                location,
                message: format!("invalid spec: {message}"),
                help: Some("see specs/README.md for the format".into()),
            });
            None
        }
    }
}

/// Reads and parses a spec root; any problem is an error.
pub fn load(root: &Path) -> Result<SpecSet, Error> {
    let sources = read_sources(root)?;
    match parse(&sources) {
        (Some(set), problems) if problems.is_empty() => Ok(set),
        (_, problems) => Err(Error::Specs(problems)),
    }
}
