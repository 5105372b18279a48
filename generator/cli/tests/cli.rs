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
    let api = dir.path().join("api");
    let api = api.to_str().unwrap();
    let specs = golden_specs();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--specs", &specs, "--out", out, "--docs", api];
        args.extend_from_slice(extra);
        run(&args)
    };

    let (code, _, stderr) = generate(&["--check"]);
    assert_eq!(code, 1, "a missing output is stale");
    assert!(stderr.contains("differs or is missing"), "{stderr}");
    assert!(
        stderr.contains("the generated code is not what the specs produce")
            && stderr.contains("the reference docs are not what the specs produce"),
        "both outputs are checked: {stderr}"
    );
    assert!(!Path::new(out).exists(), "--check wrote something");
    assert!(!Path::new(api).exists(), "--check wrote something");

    // One command writes the crate and the docs.
    let (code, stdout, _) = generate(&[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains(&format!("{out}: 6 written, 0 removed, 0 unchanged")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{api}: 5 written, 0 removed, 0 unchanged")),
        "{stdout}"
    );
    assert!(Path::new(api).join("golden.every.type.md").is_file());

    let (code, stdout, _) = generate(&["--check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("up to date (6 files)"), "{stdout}");
    assert!(stdout.contains("up to date (5 files)"), "{stdout}");

    fs::write(Path::new(out).join("src/lib.rs"), "// edited by hand\n").unwrap();
    let (code, _, stderr) = generate(&["--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("src/lib.rs"), "{stderr}");

    // Stale docs alone fail the check too, and a run brings them back.
    let (code, _, _) = generate(&[]);
    assert_eq!(code, 0);
    fs::remove_file(Path::new(api).join("index.md")).unwrap();
    let (code, _, stderr) = generate(&["--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("index.md"), "{stderr}");
    assert!(!stderr.contains("src/lib.rs"), "{stderr}");
    let (code, stdout, _) = generate(&[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("wrote"), "{stdout}");
    assert!(Path::new(api).join("index.md").is_file());
}

#[test]
fn generate_no_docs_writes_the_crate_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let specs = golden_specs();
    // Run where a docs/api/ would land, so a stray write would show.
    let output = Command::new(env!("CARGO_BIN_EXE_alipay-codegen"))
        .current_dir(dir.path())
        .args(["generate", "--specs", &specs, "--out"])
        .arg(&out)
        .arg("--no-docs")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(out.join("src/lib.rs").is_file());
    assert!(
        !dir.path().join("docs").exists(),
        "docs written with --no-docs"
    );

    let (code, _, stderr) = run(&["generate", "--no-docs", "--docs", "x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn generate_writes_nothing_on_a_spec_error() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    fs::create_dir_all(specs.join("methods")).unwrap();
    fs::copy(
        Path::new(&golden_specs()).join("common.yaml"),
        specs.join("common.yaml"),
    )
    .unwrap();
    fs::write(
        specs.join("methods/broken.method.yaml"),
        "method: broken.method\ntitle: x\n",
    )
    .unwrap();
    let (out, api) = (dir.path().join("out"), dir.path().join("api"));
    let (code, _, stderr) = run(&[
        "generate",
        "--specs",
        specs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--docs",
        api.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken.method.yaml"), "{stderr}");
    assert!(
        !out.exists() && !api.exists(),
        "a failed run wrote something"
    );
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
        "--docs <DIR>",
        "--no-docs",
        "--check",
        "[default: specs]",
        "[default: generated]",
        "[default: docs/api]",
    ] {
        assert!(stdout.contains(flag), "{flag} missing from:\n{stdout}");
    }
}

#[test]
fn docs_then_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("api");
    let out = out.to_str().unwrap();
    let specs = golden_specs();
    let docs = |extra: &[&str]| {
        let mut args = vec!["docs", "--specs", &specs, "--out", out];
        args.extend_from_slice(extra);
        run(&args)
    };

    let (code, _, stderr) = docs(&["--check"]);
    assert_eq!(code, 1, "missing docs are stale: {stderr}");
    assert!(stderr.contains("differs or is missing"), "{stderr}");
    assert!(stderr.contains("run `cargo regen`"), "{stderr}");
    assert!(!Path::new(out).exists(), "--check wrote something");

    let (code, stdout, stderr) = docs(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("5 written, 0 removed, 0 unchanged"),
        "{stdout}"
    );
    for page in [
        "index.md",
        "common.md",
        "golden.every.type.md",
        "golden.naming.obstacle.md",
        "golden.recursion.md",
    ] {
        assert!(Path::new(out).join(page).is_file(), "{page}");
    }

    let (code, stdout, _) = docs(&["--check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("up to date (5 files)"), "{stdout}");

    // A page edited by hand is stale.
    let page = Path::new(out).join("golden.every.type.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("全类型", "edited")).unwrap();
    let (code, _, stderr) = docs(&["--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("golden.every.type.md"), "{stderr}");

    // So is a generated page no spec makes any more; a hand-written one is not.
    let (code, _, _) = docs(&[]);
    assert_eq!(code, 0);
    fs::write(
        Path::new(out).join("gone.method.md"),
        "<!-- @generated by alipay-codegen 0.1.0 from methods/gone.method.yaml. -->\n",
    )
    .unwrap();
    fs::write(Path::new(out).join("NOTES.md"), "# ours\n").unwrap();
    let (code, _, stderr) = docs(&["--check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no spec produces it any more"), "{stderr}");
    assert!(stderr.contains("gone.method.md"), "{stderr}");
    let (code, stdout, _) = docs(&[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("removed"), "{stdout}");
    assert!(Path::new(out).join("NOTES.md").is_file());
    let (code, _, _) = docs(&["--check"]);
    assert_eq!(code, 0);
}

#[test]
fn docs_template_errors_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    fs::write(templates.join("method.md.j2"), "# {{ method.nmae }}\n").unwrap();
    let out = dir.path().join("api");
    let (code, _, stderr) = run(&[
        "docs",
        "--specs",
        &golden_specs(),
        "--out",
        out.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&templates.join("method.md.j2").display().to_string()),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed render wrote something");
}

#[test]
fn docs_help_names_the_flags() {
    let (code, stdout, _) = run(&["docs", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--specs",
        "--out",
        "--templates",
        "--check",
        "[default: specs]",
        "[default: docs/api]",
    ] {
        assert!(stdout.contains(flag), "{flag} missing from:\n{stdout}");
    }
}
