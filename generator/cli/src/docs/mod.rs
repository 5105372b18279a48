//! Markdown reference docs rendered from the specs.
//!
//! `alipay-codegen docs` checks the specs into the [`ir`] exactly as
//! `generate` does, builds a template context from it ([`context`](mod@context)) and
//! renders it with minijinja into:
//!
//! - `index.md`: every method, grouped by product;
//! - `common.md`: gateways, public request parameters, common response
//!   fields, gateway codes and their sub-codes, shared object types;
//! - `<method>.md`: one page per method (`alipay.fund.trans.refund.md`).
//!
//! The templates are in the repository (`generator/cli/templates/`) and are
//! built in; a directory of templates with the same names overrides them
//! ([`Templates::with_dir`]). Every page starts with the generated header, so
//! the writer ([`alipay_codegen::write`]) knows which files it owns, writes
//! only what changed and removes pages no spec produces any more.
//!
//! ```no_run
//! use std::path::Path;
//! use alipay_codegen::Mode;
//! use alipay_codegen_cli::docs::{self, Templates};
//!
//! let report = docs::docs(
//!     Path::new("specs"),
//!     Path::new(docs::DEFAULT_OUT),
//!     &Templates::builtin(),
//!     Mode::Write,
//! )?;
//! println!("{} pages written", report.written.len());
//! # Ok::<(), docs::Error>(())
//! ```
//!
//! [`ir`]: alipay_codegen::ir

pub mod context;
pub mod markdown;
mod templates;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use alipay_codegen::{Mode, Report, ir};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};

pub use templates::{BUILTIN_DIR, PAGE_TEMPLATES, Templates};

/// Where `alipay-codegen docs` writes by default.
pub const DEFAULT_OUT: &str = "docs/api";

/// The command that regenerates the docs (with the crate), named in every
/// page's header and in the stale-docs error.
pub const REGENERATE: &str = "cargo regen";

/// The generator and its version, as the headers name it.
pub const TOOL: &str = concat!("alipay-codegen ", env!("CARGO_PKG_VERSION"));

/// Why the docs could not be rendered or written.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems, or a file could not be read or written.
    Codegen(alipay_codegen::Error),
    /// Check mode: the docs are not what the specs produce.
    Stale {
        /// Pages that are missing or differ.
        changed: Vec<PathBuf>,
        /// Generated pages no spec produces any more.
        removed: Vec<PathBuf>,
    },
    /// A template has a syntax error or failed to render.
    Template {
        /// The template file (a user's file, or a built-in one).
        file: String,
        /// The line in that file, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
        /// The failing line with the failing part marked, when known.
        excerpt: Option<String>,
    },
}

impl From<alipay_codegen::Error> for Error {
    fn from(e: alipay_codegen::Error) -> Self {
        match e {
            alipay_codegen::Error::Stale { changed, removed } => Error::Stale { changed, removed },
            e => Error::Codegen(e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Codegen(e) => e.fmt(f),
            Error::Stale { changed, removed } => {
                writeln!(
                    f,
                    "error: the reference docs are not what the specs produce"
                )?;
                for p in changed {
                    writeln!(f, "  - differs or is missing: {}", p.display())?;
                }
                for p in removed {
                    writeln!(f, "  - no spec produces it any more: {}", p.display())?;
                }
                write!(f, "   = help: run `{REGENERATE}` and commit the result")
            }
            Error::Template {
                file,
                line,
                message,
                excerpt,
            } => {
                write!(f, "error: template `{file}`")?;
                if let Some(line) = line {
                    write!(f, ", line {line}")?;
                }
                write!(f, ": {message}")?;
                if let Some(excerpt) = excerpt {
                    write!(f, "\n{excerpt}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Codegen(e) => Some(e),
            _ => None,
        }
    }
}

/// Renders every page from a checked API: relative path → Markdown.
pub fn render(api: &ir::Api, templates: &Templates) -> Result<BTreeMap<String, String>, Error> {
    let env = templates.environment()?;
    let render = |template: &str, from: &str, ctx: Value| -> Result<String, Error> {
        let body = env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| templates.error(&e))?;
        Ok(page(from, &body))
    };

    let base = Value::from(Serde(context::Site::new(api, TOOL)));
    let mut files = BTreeMap::new();
    files.insert(
        "index.md".to_owned(),
        render("index.md.j2", "all specs", base.clone())?,
    );
    files.insert(
        "common.md".to_owned(),
        render("common.md.j2", &api.common.file, base.clone())?,
    );
    for method in &api.methods {
        let ctx = context! {
            method => Value::from(Serde(context::Method::new(api, method))),
            ..base.clone()
        };
        files.insert(
            context::page_of(&method.name),
            render("method.md.j2", &method.file, ctx)?,
        );
    }
    Ok(files)
}

/// Loads and checks the specs in `spec_root`, and renders every page.
pub fn render_specs(
    spec_root: &Path,
    templates: &Templates,
) -> Result<BTreeMap<String, String>, Error> {
    let sources = alipay_codegen::load::read_sources(spec_root)?;
    let api = alipay_codegen::check_sources(&sources)
        .map_err(|d| Error::Codegen(alipay_codegen::Error::Specs(d)))?;
    render(&api, templates)
}

/// Renders the docs of `spec_root` into `out_dir`: only changed pages are
/// written, and pages no spec produces any more are removed.
///
/// In [`Mode::Check`] nothing is written and [`Error::Stale`] says what
/// would change. On a spec or template error nothing is written either.
pub fn docs(
    spec_root: &Path,
    out_dir: &Path,
    templates: &Templates,
    mode: Mode,
) -> Result<Report, Error> {
    let files = render_specs(spec_root, templates)?;
    Ok(alipay_codegen::write::write(out_dir, &files, mode)?)
}

/// A page: the generated header, then the rendered body with one final newline.
fn page(from: &str, body: &str) -> String {
    format!(
        "<!-- @generated by {TOOL} from {from}. Do not edit: change the spec and run `{REGENERATE}`. -->\n\n{}\n",
        body.trim()
    )
}

/// The settings every template is rendered with, built-in or not.
fn configure(env: &mut Environment<'static>) {
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("cell", markdown::cell);
    env.add_filter("text", markdown::text);
    env.add_filter("code", markdown::code);
}
