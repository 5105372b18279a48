//! The `alipay-codegen` command.
//!
//! `alipay-codegen generate` regenerates everything the specs produce: the
//! model crate (`generated/`) and the Markdown reference (`docs/api/`).
//! `alipay-codegen docs` renders the reference alone (with its own
//! `--templates`). With `--check`, either writes nothing and fails if the
//! output is stale (used in CI).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipay_codegen::{Mode, Report};
use alipay_codegen_cli::docs::{self, Templates};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "alipay-codegen",
    version,
    about = "Typed Rust for the Alipay OpenAPI, generated from YAML specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate everything the specs produce: the model crate and the
    /// Markdown reference docs.
    Generate {
        /// The spec root (holding common.yaml and methods/).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// The crate directory to write (its src/ is generated).
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// The directory to write the reference docs into.
        #[arg(long, value_name = "DIR", default_value = docs::DEFAULT_OUT)]
        docs: PathBuf,
        /// Generate the crate only, not the reference docs.
        #[arg(long, conflicts_with = "docs")]
        no_docs: bool,
        /// Write nothing; exit non-zero if the crate or the docs are not what
        /// the specs produce.
        #[arg(long)]
        check: bool,
    },
    /// Render the Markdown reference docs from the specs.
    Docs {
        /// The spec root (holding common.yaml and methods/).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// The directory to write the pages into.
        #[arg(long, default_value = docs::DEFAULT_OUT)]
        out: PathBuf,
        /// A directory of templates overriding the built-in ones of the same
        /// name (index.md.j2, common.md.j2, method.md.j2, macros.md.j2).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Write nothing; exit non-zero if the docs are not what the specs produce.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate {
            specs,
            out,
            docs,
            no_docs,
            check,
        } => generate_all(&specs, &out, (!no_docs).then_some(docs.as_path()), check),
        Command::Docs {
            specs,
            out,
            templates,
            check,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let result = Templates::load(templates.as_deref())
                .and_then(|templates| docs::docs(&specs, &out, &templates, mode));
            match result {
                Ok(report) => done(&out, check, &report),
                Err(e @ docs::Error::Stale { .. }) => fail(&e, 1),
                Err(e) => fail(&e, 2),
            }
        }
    }
}

/// The crate and, unless `docs_out` is `None`, the docs: both rendered before
/// anything is written, so a spec or template problem writes nothing; in
/// check mode, every stale file of both is reported.
fn generate_all(specs: &Path, out: &Path, docs_out: Option<&Path>, check: bool) -> ExitCode {
    let rendered = alipay_codegen::load::read_sources(specs)
        .and_then(|sources| {
            alipay_codegen::check_sources(&sources).map_err(alipay_codegen::Error::Specs)
        })
        .map_err(docs::Error::from)
        .and_then(|api| {
            let crate_files = alipay_codegen::emit::render(&api);
            let pages = match docs_out {
                Some(dir) => Some((dir, docs::render(&api, &Templates::builtin())?)),
                None => None,
            };
            Ok((crate_files, pages))
        });
    let (crate_files, pages) = match rendered {
        Ok(rendered) => rendered,
        Err(e) => return fail(&e, 2),
    };
    let mode = if check { Mode::Check } else { Mode::Write };
    let mut outputs = vec![(out, crate_files, false)];
    outputs.extend(pages.map(|(dir, pages)| (dir, pages, true)));
    let mut status = ExitCode::SUCCESS;
    for (dir, files, is_docs) in outputs {
        match alipay_codegen::write::write(dir, &files, mode) {
            Ok(report) => {
                done(dir, check, &report);
            }
            Err(e @ alipay_codegen::Error::Stale { .. }) if is_docs => {
                status = fail(&docs::Error::from(e), 1);
            }
            Err(e @ alipay_codegen::Error::Stale { .. }) => status = fail(&e, 1),
            Err(e) => return fail(&e, 2),
        }
    }
    status
}

fn done(out: &Path, check: bool, report: &Report) -> ExitCode {
    if check {
        println!("{}: up to date ({} files)", out.display(), report.unchanged);
        return ExitCode::SUCCESS;
    }
    for p in &report.written {
        println!("wrote {}", p.display());
    }
    for p in &report.removed {
        println!("removed {}", p.display());
    }
    println!(
        "{}: {} written, {} removed, {} unchanged",
        out.display(),
        report.written.len(),
        report.removed.len(),
        report.unchanged
    );
    ExitCode::SUCCESS
}

fn fail(e: &dyn std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(code)
}
