//! The `alipay-codegen` command.
//!
//! `alipay-codegen generate` regenerates `generated/` from `specs/`;
//! `alipay-codegen docs` renders the Markdown reference in `docs/api/`.
//! With `--check`, either writes nothing and fails if the output is stale
//! (used in CI).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipay_codegen::{Mode, Report, generate};
use alipay_codegen_cli::docs::{self, Templates};
use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Import(command) => import_cli::run(command),
        Command::Generate { specs, out, check } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            match generate(&specs, &out, mode) {
                Ok(report) => done(&out, check, &report),
                Err(e @ alipay_codegen::Error::Stale { .. }) => fail(&e, 1),
                Err(e) => fail(&e, 2),
            }
        }
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
