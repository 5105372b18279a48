//! The `alipay-codegen` binary: exit codes and what it prints.

use std::fs;
use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_alipay-codegen"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn golden_specs() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden/specs")
        .display()
        .to_string()
}

#[test]
fn generate_then_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let specs = golden_specs();

    let (code, _, stderr) = run(&["generate", "--specs", &specs, "--out", out, "--check"]);
    assert_eq!(code, 1, "a missing output is stale");
    assert!(stderr.contains("differs or is missing"), "{stderr}");
    assert!(!Path::new(out).exists(), "--check wrote something");

    let (code, stdout, _) = run(&["generate", "--specs", &specs, "--out", out]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("5 written, 0 removed, 0 unchanged"),
        "{stdout}"
    );

    let (code, stdout, _) = run(&["generate", "--specs", &specs, "--out", out, "--check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("up to date (5 files)"), "{stdout}");

    fs::write(Path::new(out).join("src/lib.rs"), "// edited by hand\n").unwrap();
    let (code, _, stderr) = run(&["generate", "--specs", &specs, "--out", out, "--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("src/lib.rs"), "{stderr}");
}

#[test]
fn spec_errors_exit_2_with_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&[
        "generate",
        "--specs",
        dir.path().to_str().unwrap(),
        "--out",
        "unused",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("could not read the spec") && stderr.contains("common.yaml"),
        "{stderr}"
    );
}

#[test]
fn help_names_the_subcommand_and_flags() {
    let (code, stdout, _) = run(&["generate", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--specs",
        "--out",
        "--check",
        "[default: specs]",
        "[default: generated]",
    ] {
        assert!(stdout.contains(flag), "{flag} missing from:\n{stdout}");
    }
}
