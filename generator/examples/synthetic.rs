//! Writes the synthetic N-method spec corpus (the `generate` bench's: renamed
//! copies of the real methods) to a directory, for the scale benchmark.
//!
//! `cargo run --release -p alipay-codegen --example synthetic -- N DIR`

#[path = "../benches/support/synthetic.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1).map(PathBuf::from),
    ) else {
        eprintln!(
            "usage: synthetic N DIR (N: how many methods; DIR: where to write common.yaml and methods/)"
        );
        return ExitCode::from(2);
    };
    for source in support::synthetic(n) {
        let path = dir.join(&source.relative);
        let written = std::fs::create_dir_all(path.parent().unwrap())
            .and_then(|()| std::fs::write(&path, &source.text));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
