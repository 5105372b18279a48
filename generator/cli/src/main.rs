//! The `alipay-codegen` command.
//!
//! `alipay-codegen generate` regenerates `generated/` from `specs/`;
//! `alipay-codegen docs` renders the Markdown reference in `docs/api/`.
//! With `--check`, either writes nothing and fails if the output is stale
//! (used in CI). `alipay-codegen diff` classifies spec changes;
//! `alipay-codegen drift` compares the specs with Alipay's Python SDK.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipay_codegen::{Mode, Report, generate};
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
    /// Regenerate the model crate from the specs.
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
        /// Write nothing; exit non-zero if the output is not what the specs produce.
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
            check,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let result = generate(&specs, &out, mode).and_then(|report| {
                let written = match &schema {
                    Some(path) => alipay_codegen::shape::schema::write(path, mode)?,
                    None => false,
                };
                Ok((report, written))
            });
            match result {
                Ok((report, written)) => {
                    if written {
                        println!("wrote {}", schema.unwrap_or_default().display());
                    }
                    let code = done(&out, check, &report);
                    if !check {
                        if let Some(summary) = diff::since_head(&specs) {
                            println!("{summary}");
                        }
                    }
                    code
                }
                Err(e @ alipay_codegen::Error::Stale { .. }) => fail(&e, 1),
                Err(e) => fail(&e, 2),
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
