//! The templates: built in, or overridden from a directory.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use minijinja::Environment;

use super::{Error, configure};

/// Where the built-in templates live in the repository.
pub const BUILTIN_DIR: &str = "generator/cli/templates";

/// The templates that make pages: `index.md`, `common.md`, and one
/// `<method>.md` per method. `macros.md.j2` holds the tables they share.
pub const PAGE_TEMPLATES: [&str; 3] = ["index.md.j2", "common.md.j2", "method.md.j2"];

const BUILTIN: [(&str, &str); 4] = [
    ("index.md.j2", include_str!("../../templates/index.md.j2")),
    ("common.md.j2", include_str!("../../templates/common.md.j2")),
    ("method.md.j2", include_str!("../../templates/method.md.j2")),
    ("macros.md.j2", include_str!("../../templates/macros.md.j2")),
];

/// A set of named templates, each remembering the file it came from so
/// that errors can name it.
#[derive(Debug, Clone)]
pub struct Templates {
    /// name → (file shown in errors, source).
    files: BTreeMap<String, (String, String)>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::builtin()
    }
}

impl Templates {
    /// The built-in templates (`generator/cli/templates/*.md.j2`).
    pub fn builtin() -> Templates {
        Templates {
            files: BUILTIN
                .iter()
                .map(|(name, source)| {
                    let origin = format!("{BUILTIN_DIR}/{name} (built in)");
                    ((*name).to_owned(), (origin, (*source).to_owned()))
                })
                .collect(),
        }
    }

    /// The built-in templates, with every `*.j2` file of `dir` replacing
    /// the built-in one of the same name (or added beside them, for
    /// templates of one's own to include or import).
    pub fn with_dir(dir: &Path) -> Result<Templates, Error> {
        let io = |source| {
            Error::Codegen(alipay_codegen::Error::Io {
                path: dir.to_path_buf(),
                action: "read the template directory",
                source,
            })
        };
        let mut templates = Templates::builtin();
        let mut paths = Vec::new();
        for entry in fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_file() && path.extension().is_some_and(|e| e == "j2") {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            let source = fs::read_to_string(&path).map_err(|source| {
                Error::Codegen(alipay_codegen::Error::Io {
                    path: path.clone(),
                    action: "read the template",
                    source,
                })
            })?;
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            templates
                .files
                .insert(name, (path.display().to_string(), source));
        }
        Ok(templates)
    }

    /// The built-in templates, or those overridden from `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Error> {
        dir.map_or_else(|| Ok(Templates::builtin()), Templates::with_dir)
    }

    /// The file a template comes from, as errors name it.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|(origin, _)| origin.as_str())
    }

    /// An environment holding every template, with the filters and
    /// settings of [`configure`]. Syntax errors are reported here.
    pub(super) fn environment(&self) -> Result<Environment<'static>, Error> {
        let mut env = Environment::new();
        configure(&mut env);
        for (name, (_, source)) in &self.files {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|e| self.error(&e))?;
        }
        Ok(env)
    }

    /// A minijinja error as an [`Error::Template`] naming the template file.
    pub(super) fn error(&self, e: &minijinja::Error) -> Error {
        let name = e.name().unwrap_or("?");
        let file = self
            .origin(name)
            .map_or_else(|| name.to_owned(), str::to_owned);
        let message = match e.detail() {
            Some(detail) => format!("{}: {detail}", e.kind()),
            None => e.kind().to_string(),
        };
        let source = e
            .template_source()
            .or_else(|| self.files.get(name).map(|(_, s)| s.as_str()));
        let excerpt = source.and_then(|source| excerpt(source, e.line(), e.range()));
        Error::Template {
            file,
            line: e.line(),
            message,
            excerpt,
        }
    }
}

/// The failing line, numbered, with the failing part underlined.
fn excerpt(
    source: &str,
    line: Option<usize>,
    range: Option<std::ops::Range<usize>>,
) -> Option<String> {
    let line = line?;
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let mut out = format!("{pad} |\n{number} | {text}");
    // Underline the range when it lies on this line.
    let start_of_line: usize = source
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let on_this_line =
        range.filter(|r| r.start >= start_of_line && r.start <= start_of_line + text.len());
    if let Some(range) = on_this_line {
        let column = text
            .get(..range.start - start_of_line)
            .map_or(0, |s| s.chars().count());
        let end = range.end.min(start_of_line + text.len());
        let width = source
            .get(range.start..end)
            .map_or(1, |s| s.chars().count().max(1));
        let _ = write!(out, "\n{pad} | {}{}", " ".repeat(column), "^".repeat(width));
    }
    Some(out)
}
