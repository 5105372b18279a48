//! `alipay-codegen diff`: what changed between two spec roots, classified by
//! what each change does to a user of the generated crate.
//!
//! Both sides are loaded and checked into the IR first, so the comparison
//! sees what the generator emits: Rust names, resolved types, enums and
//! boxing, not the YAML text. Every change is one of four [`Class`]es; the
//! command exits 1 when any is [`Class::Breaking`], so CI can require a
//! major version bump.

mod compare;
mod fields;
pub mod git;
mod report;

use std::fmt;
use std::path::{Path, PathBuf};

use alipay_codegen::ir::Api;
use alipay_codegen::load::{self, Source};

pub use report::{human, json};

/// What a change does to a user of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code that compiled may not compile, or behaves differently: a new
    /// required request field, a removed field, type or error code, a type
    /// change, a renamed Rust item, a changed outcome.
    Breaking,
    /// Code still compiles, but requests that passed `validate()` may now
    /// fail: a tightened length or range, a new rule, a removed value.
    Stricter,
    /// Nothing that worked stops working: a new optional request field, a
    /// new response field, type, error code or value, a relaxed constraint.
    Compatible,
    /// Only rustdoc and the reference docs change.
    Documentation,
}

impl Class {
    /// The word used in reports and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Stricter => "stricter",
            Class::Compatible => "compatible",
            Class::Documentation => "documentation",
        }
    }

    /// The heading in the human report.
    fn heading(self) -> &'static str {
        match self {
            Class::Breaking => "breaking for callers",
            Class::Stricter => "stricter validation",
            Class::Compatible => "compatible",
            Class::Documentation => "documentation only",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The method it belongs to, or `common` for common.yaml (its gateways,
    /// codes, public parameters and shared types).
    pub scope: String,
    /// Where, by wire names: `request.remark`, `types.RefundDetail.amount`,
    /// `errors.SYSTEM_ERROR`.
    pub path: String,
    /// What it does to a user.
    pub class: Class,
    /// What changed, and for breaking or stricter changes, what it means.
    pub what: String,
}

/// Every change from `old` to `new`, grouped by scope (`common` first, then
/// methods by name), each scope's changes in spec order.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    compare::api(old, new)
}

/// How many changes of each class.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// [`Class::Breaking`].
    pub breaking: usize,
    /// [`Class::Stricter`].
    pub stricter: usize,
    /// [`Class::Compatible`].
    pub compatible: usize,
    /// [`Class::Documentation`].
    pub documentation: usize,
}

impl Counts {
    /// Counts `changes`.
    pub fn of(changes: &[Change]) -> Counts {
        let mut c = Counts::default();
        for change in changes {
            *match change.class {
                Class::Breaking => &mut c.breaking,
                Class::Stricter => &mut c.stricter,
                Class::Compatible => &mut c.compatible,
                Class::Documentation => &mut c.documentation,
            } += 1;
        }
        c
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} breaking, {} stricter, {} compatible, {} documentation only",
            self.breaking, self.stricter, self.compatible, self.documentation
        )
    }
}

/// Why a diff could not be made.
#[derive(Debug)]
pub enum Error {
    /// One side's specs could not be read or do not check.
    Specs {
        /// Which side: "old" or "new".
        side: &'static str,
        /// Where they were read from (a directory, or `REV:specs`).
        from: String,
        /// The generator's error, with every problem.
        error: alipay_codegen::Error,
    },
    /// `--git`: git could not give the specs at a revision.
    Git(git::Error),
    /// The arguments do not say what to compare.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Specs { side, from, error } => {
                writeln!(f, "error: the {side} specs ({from}) cannot be compared")?;
                write!(f, "{error}")
            }
            Error::Git(e) => e.fmt(f),
            Error::Usage(what) => write!(
                f,
                "error: {what}\n   = help: `alipay-codegen diff OLD NEW` compares two spec roots; \
                 `alipay-codegen diff --git REV [DIR]` compares DIR (default `specs`) at REV \
                 with the working tree"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Loads and checks a spec root from disk.
pub fn load_dir(dir: &Path, side: &'static str) -> Result<Api, Error> {
    let from = dir.display().to_string();
    let sources = load::read_sources(dir).map_err(|error| Error::Specs {
        side,
        from: from.clone(),
        error,
    })?;
    load_sources(&sources, side, &from)
}

/// Checks spec sources already in memory (e.g. read from git).
pub fn load_sources(sources: &[Source], side: &'static str, from: &str) -> Result<Api, Error> {
    alipay_codegen::check_sources(sources).map_err(|d| Error::Specs {
        side,
        from: from.to_owned(),
        error: alipay_codegen::Error::Specs(d),
    })
}

/// The command: two directories, or `--git REV` and at most one directory
/// (default `specs`), compared at REV and in the working tree.
pub fn run(dirs: &[PathBuf], rev: Option<&str>) -> Result<Vec<Change>, Error> {
    match (rev, dirs) {
        (Some(rev), [] | [_]) => {
            let dir = dirs.first().map_or(Path::new("specs"), PathBuf::as_path);
            let place = git::place(dir).map_err(Error::Git)?;
            let sources = git::sources_at(&place, rev).map_err(Error::Git)?;
            let from = format!("{rev}:{}", place.prefix);
            let old = load_sources(&sources, "old", &from)?;
            let new = load_dir(dir, "new")?;
            Ok(diff(&old, &new))
        }
        (Some(_), _) => Err(Error::Usage(
            "with --git, give at most one directory: the working tree's spec root".into(),
        )),
        (None, [old, new]) => {
            let old = load_dir(old, "old")?;
            let new = load_dir(new, "new")?;
            Ok(diff(&old, &new))
        }
        (None, _) => Err(Error::Usage(format!(
            "diff needs two spec roots, OLD and NEW, or --git REV; {} given",
            dirs.len()
        ))),
    }
}

/// `cargo regen`'s summary: the changes from the specs committed at `HEAD`
/// (what the committed generated code came from) to `dir` in the working
/// tree. `None` when there is nothing to compare with: outside a git
/// repository, before the first commit, or where `dir` is not in `HEAD`.
pub fn since_head(dir: &Path) -> Option<String> {
    let place = git::place(dir).ok()?;
    let sources = git::sources_at(&place, "HEAD").ok()?;
    if sources.is_empty() {
        return None;
    }
    let label = dir.display();
    let old = match load_sources(&sources, "old", "HEAD") {
        Ok(api) => api,
        Err(_) => {
            return Some(format!(
                "{label} since HEAD: the committed specs do not load with this generator, so \
                 there is no change summary"
            ));
        }
    };
    let new = load_dir(dir, "new").ok()?;
    let changes = diff(&old, &new);
    if changes.is_empty() {
        return Some(format!("{label} since HEAD: no changes"));
    }
    let mut text = format!("{label} since HEAD: {}", Counts::of(&changes));
    for c in changes.iter().filter(|c| c.class == Class::Breaking) {
        let place = if c.path.is_empty() {
            c.scope.clone()
        } else {
            format!("{} {}", c.scope, c.path)
        };
        text.push_str(&format!("\n  breaking: {place}: {}", c.what));
    }
    text.push_str("\n  (`alipay-codegen diff --git HEAD` shows every change)");
    Some(text)
}

#[cfg(test)]
mod tests;
