//! The `alipay-codegen` command.
//!
//! `alipay-codegen generate` regenerates `generated/` from `specs/`;
//! `--check` writes nothing and fails if the output is stale (used in CI).

use std::path::PathBuf;
use std::process::ExitCode;

use alipay_codegen::{Error, Mode, generate};
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
}

fn main() -> ExitCode {
    let Command::Generate { specs, out, check } = Cli::parse().command;
    let mode = if check { Mode::Check } else { Mode::Write };
    match generate(&specs, &out, mode) {
        Ok(report) if check => {
            println!("{}: up to date ({} files)", out.display(), report.unchanged);
            ExitCode::SUCCESS
        }
        Ok(report) => {
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
        Err(e @ Error::Stale { .. }) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
