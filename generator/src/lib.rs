//! `alipay-codegen`: the Alipay YAML specs in, a typed Rust model crate out.
//!
//! The pipeline is one module per stage:
//!
//! 1. [`load`]: read `common.yaml` and `methods/*.yaml` into their raw shapes
//!    ([`spec`]): first into a located tree with a nesting limit ([`yaml`]),
//!    checked against the format ([`shape`]), every problem with file, line
//!    and column.
//! 2. [`check`]: check them into the [`ir`], collecting every problem with its
//!    file and field path ([`diagnostic`]); fields that make a type contain
//!    itself are marked to be boxed ([`recursion`]).
//! 3. [`emit`]: turn the IR into Rust with `quote!`, formatted by prettyplease.
//! 4. [`write`](mod@write): write atomically, only what changed; remove what no spec
//!    produces any more. On any earlier error nothing is written.
//!
//! This crate has no CLI and no template engine, so a build script that
//! depends on it stays cheap; the `alipay-codegen` binary lives in
//! `generator/cli`. Build scripts use [`Builder`].
//!
//! ```no_run
//! use std::path::Path;
//! use alipay_codegen::{Mode, generate};
//!
//! let report = generate(Path::new("specs"), Path::new("generated"), Mode::Write)?;
//! println!("{} written, {} removed", report.written.len(), report.removed.len());
//! # Ok::<(), alipay_codegen::Error>(())
//! ```

pub mod build_script;
pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod features;
pub mod ir;
pub mod load;
pub mod naming;
pub mod recursion;
pub mod shape;
pub mod spec;
pub mod write;
pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use build_script::{BuildReport, Builder};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use write::{Mode, Report};

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems; each says file, place, what and how to fix.
    Specs(Diagnostics),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// Check mode: the output is not what the specs produce.
    Stale {
        /// Files that are missing or differ.
        changed: Vec<PathBuf>,
        /// Generated files no spec produces any more.
        removed: Vec<PathBuf>,
    },
}

pub(crate) fn io_error(path: &Path, action: &'static str, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Specs(d) => d.fmt(f),
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(
                    f,
                    "error: could not {action} `{}`: {source}",
                    path.display()
                )
            }
            Error::Stale { changed, removed } => {
                writeln!(f, "error: the generated code is not what the specs produce")?;
                for p in changed {
                    writeln!(f, "  - differs or is missing: {}", p.display())?;
                }
                for p in removed {
                    writeln!(f, "  - no spec produces it any more: {}", p.display())?;
                }
                write!(
                    f,
                    "   = help: regenerate (`cargo regen`) and commit the result"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Specs(d) => Some(d),
            Error::Stale { .. } => None,
        }
    }
}

/// Parses and checks sources into the IR, reporting the problems of every
/// file together: parse errors of some files do not hide check errors of
/// the others.
pub fn check_sources(sources: &[load::Source]) -> Result<ir::Api, Diagnostics> {
    let (set, mut problems) = load::parse(sources);
    let api = set.map(|set| check::check(&set));
    match api {
        Some(Ok(api)) if problems.is_empty() => Ok(api),
        Some(Err(more)) => {
            problems.0.extend(more.0);
            Err(problems)
        }
        _ => Err(problems),
    }
}

/// Renders from sources already in memory (paths relative to the output
/// crate, e.g. `src/lib.rs`).
pub fn render_sources(sources: &[load::Source]) -> Result<BTreeMap<String, String>, Diagnostics> {
    Ok(emit::render(&check_sources(sources)?))
}

/// Loads and checks a spec root, and renders every output file in memory.
pub fn render(spec_root: &Path) -> Result<BTreeMap<String, String>, Error> {
    let sources = load::read_sources(spec_root)?;
    render_sources(&sources).map_err(Error::Specs)
}

/// Generates the crate in `out_dir` from the specs in `spec_root`.
///
/// In [`Mode::Check`] nothing is written and [`Error::Stale`] says what would
/// change. On a spec error nothing is written either.
pub fn generate(spec_root: &Path, out_dir: &Path, mode: Mode) -> Result<Report, Error> {
    let sources = load::read_sources(spec_root)?;
    let api = check_sources(&sources).map_err(Error::Specs)?;
    let mut files = emit::render(&api);
    add_manifest(out_dir, &api, &mut files)?;
    write::write(out_dir, &files, mode)
}

/// Adds the crate's `Cargo.toml` to `files`, if `out_dir` has one: its
/// hand-written part (package, dependencies) kept, its `[features]` section
/// (one feature per product group, see [`features`]) generated, so it is
/// written only when changed and checked for freshness like the sources.
///
/// # Errors
///
/// [`Error::Io`] if the existing `Cargo.toml` cannot be read.
pub fn add_manifest(
    out_dir: &Path,
    api: &ir::Api,
    files: &mut BTreeMap<String, String>,
) -> Result<(), Error> {
    let path = out_dir.join("Cargo.toml");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(&path, "read the crate manifest", e)),
    };
    let section = features::manifest_section(api);
    files.insert(
        "Cargo.toml".to_owned(),
        features::splice_manifest(&existing, &section),
    );
    Ok(())
}
