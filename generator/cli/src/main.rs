//! The `alipay-codegen` command.
//!
//! `alipay-codegen generate` regenerates everything the specs produce: the
//! model crate (`generated/`) and the Markdown reference (`docs/api/`).
//! `alipay-codegen docs` renders the reference alone (with its own
//! `--templates`). With `--check`, either writes nothing and fails if the
//! output is stale (used in CI).
//! `alipay-codegen import` drafts specs from Alipay's documents,
//! `alipay-codegen diff` classifies spec changes and `alipay-codegen drift`
//! compares the specs with Alipay's Python SDK.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipay_codegen::{Mode, Report};
use alipay_codegen_cli::docs::{self, Templates};
use alipay_codegen_cli::{diff, drift};
use clap::{Parser, Subcommand, ValueEnum};

mod import_cli;

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
        /// Also write the spec format's JSON Schema here (`cargo regen` passes
        /// specs/spec.schema.json); with --check, check it.
        #[arg(long, value_name = "FILE")]
        schema: Option<PathBuf>,
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
    /// Draft or update a spec from Alipay's documents.
    #[command(subcommand)]
    Import(import_cli::ImportCommand),
    /// Classify every change between two spec roots by what it does to a
    /// user of the generated crate.
    #[command(
        after_help = "Exit status: 0 when nothing is breaking (stricter, compatible and \
documentation-only changes included), 1 when any change is breaking, 2 on an error."
    )]
    Diff {
        /// OLD and NEW spec roots; with --git, at most one (default: specs).
        #[arg(value_name = "DIR", num_args = 0..=2)]
        dirs: Vec<PathBuf>,
        /// Compare the spec root at this git revision with the working tree.
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// human (a changelog entry per method) or json.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List what Alipay's Python SDK (unpacked) knows and the specs lack.
    #[command(
        after_help = "Exit status: 0 when the comparison ran (whatever it found), 2 on an error."
    )]
    Drift {
        /// The unpacked alipay-sdk-python: the directory holding alipay/aop/api/.
        #[arg(long, value_name = "DIR")]
        python_sdk: PathBuf,
        /// The spec root (holding common.yaml and methods/).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// human or json.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Import(command) => import_cli::run(command),
        Command::Generate {
            specs,
            out,
            schema,
            docs,
            no_docs,
            check,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let status = generate_all(&specs, &out, (!no_docs).then_some(docs.as_path()), check);
            let mut ok = status == ExitCode::SUCCESS;
            if let Some(path) = &schema {
                match alipay_codegen::shape::schema::write(path, mode) {
                    Ok(true) => println!("wrote {}", path.display()),
                    Ok(false) => {}
                    Err(e @ alipay_codegen::Error::Stale { .. }) => {
                        fail(&e, 1);
                        ok = false;
                    }
                    Err(e) => return fail(&e, 2),
                }
            }
            if ok && !check {
                if let Some(summary) = diff::since_head(&specs) {
                    println!("{summary}");
                }
            }
            if ok {
                ExitCode::SUCCESS
            } else if status == ExitCode::SUCCESS {
                ExitCode::from(1)
            } else {
                status
            }
        }
        Command::Diff { dirs, git, format } => match diff::run(&dirs, git.as_deref()) {
            Ok(changes) => {
                print!(
                    "{}",
                    match format {
                        Format::Human => diff::human(&changes),
                        Format::Json => diff::json(&changes),
                    }
                );
                let breaking = changes.iter().any(|c| c.class == diff::Class::Breaking);
                ExitCode::from(u8::from(breaking))
            }
            Err(e) => fail(&e, 2),
        },
        Command::Drift {
            python_sdk,
            specs,
            format,
        } => match drift::drift(&specs, &python_sdk) {
            Ok(report) => {
                print!(
                    "{}",
                    match format {
                        Format::Human => drift::human(&report),
                        Format::Json => drift::json(&report),
                    }
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, 2),
        },
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
            let mut crate_files = alipay_codegen::emit::render(&api);
            alipay_codegen::add_manifest(out, &api, &mut crate_files)?;
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
