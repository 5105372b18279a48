//! `diff`, `drift`, and what `generate` adds (the schema, the summary of
//! changes since HEAD): output, exit codes, and every error path.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run_in(dir: Option<&Path>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_alipay-codegen"));
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(None, args)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A copy of the fixture spec root at `dir/name`.
fn copy_specs(dir: &Path, name: &str) -> PathBuf {
    let from = fixtures().join("drift-specs");
    let to = dir.join(name);
    fs::create_dir_all(to.join("methods")).unwrap();
    fs::copy(from.join("common.yaml"), to.join("common.yaml")).unwrap();
    for entry in fs::read_dir(from.join("methods")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, to.join("methods").join(path.file_name().unwrap())).unwrap();
    }
    to
}

const REFUND: &str = "methods/alipay.trade.refund.yaml";

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` is not in {file}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn diff_of_two_directories_classifies_and_sets_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let old = copy_specs(dir.path(), "old");
    let new = copy_specs(dir.path(), "new");

    let (code, stdout, _) = run(&["diff", s(&old), s(&new)]);
    assert_eq!((code, stdout.as_str()), (0, "No changes.\n"));

    // A new optional field and a tightened length: nothing breaking.
    edit(
        &new,
        REFUND,
        "    - {name: query_options",
        "    - {name: refund_currency, type: string, max_length: 8, description: 退款币种}\n    - {name: query_options",
    );
    edit(
        &new,
        REFUND,
        "max_length: 256, description: 退款原因说明",
        "max_length: 128, description: 退款原因说明",
    );
    let (code, stdout, _) = run(&["diff", s(&old), s(&new)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("## alipay.trade.refund\n"), "{stdout}");
    assert!(
        stdout.contains("  stricter validation:\n    - request.refund_reason: max_length 256 → 128: requests that passed may now fail\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  compatible:\n    - request.refund_currency: new optional field (string), with a setter\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Nothing breaking: a minor version bump.\n"),
        "{stdout}"
    );

    // A new required field breaks callers: exit 1, in both formats.
    edit(
        &new,
        REFUND,
        "{name: refund_currency, type: string,",
        "{name: refund_currency, type: string, required: true,",
    );
    let (code, stdout, _) = run(&["diff", s(&old), s(&new)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("`AlipayTradeRefundRequest::new` takes it"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["diff", "--format", "json", s(&old), s(&new)]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["breaking"], true);
    assert_eq!(value["counts"]["breaking"], 1);
    assert_eq!(value["counts"]["stricter"], 1);
}

#[test]
fn diff_errors_are_clear_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = copy_specs(dir.path(), "good");
    let missing = dir.path().join("missing");

    let (code, stdout, stderr) = run(&["diff", s(&missing), s(&good)]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("error: the old specs"), "{stderr}");
    assert!(stderr.contains("could not read the spec"), "{stderr}");

    // A directory that cannot be listed (a file where methods/ should be).
    let odd = copy_specs(dir.path(), "odd");
    fs::remove_dir_all(odd.join("methods")).unwrap();
    fs::write(odd.join("methods"), "").unwrap();
    let (code, _, stderr) = run(&["diff", s(&good), s(&odd)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("error: the new specs"), "{stderr}");
    assert!(
        stderr.contains("could not read the spec directory"),
        "{stderr}"
    );

    // A broken spec: the generator's own diagnostics, with file and line.
    let broken = copy_specs(dir.path(), "broken");
    edit(&broken, REFUND, "max_length: 256,", "max_lenght: 256,");
    let (code, _, stderr) = run(&["diff", s(&good), s(&broken)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown key `max_lenght`"), "{stderr}");
    assert!(stderr.contains("alipay.trade.refund.yaml:"), "{stderr}");

    let (code, _, stderr) = run(&["diff", s(&good)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("diff needs two spec roots"), "{stderr}");
    let (code, _, stderr) = run(&["diff", "--git", "HEAD", s(&good), s(&good)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("with --git, give at most one directory"),
        "{stderr}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// A git repository with the fixture specs committed at `specs/`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_specs(dir.path(), "specs");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "specs"]);
    dir
}

#[test]
fn diff_against_a_git_revision() {
    let repo = repo();
    let root = repo.path();
    let (code, stdout, stderr) = run_in(Some(root), &["diff", "--git", "HEAD"]);
    assert_eq!((code, stdout.as_str()), (0, "No changes.\n"), "{stderr}");

    edit(
        &root.join("specs"),
        REFUND,
        "    - {name: refund_fee, type: price, description: 退款总金额}\n",
        "",
    );
    let (code, stdout, _) = run_in(Some(root), &["diff", "--git", "HEAD"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("    - response.refund_fee: field removed (price): `refund_fee` is gone\n"),
        "{stdout}"
    );
    // From another directory, naming the spec root.
    let (code, _, _) = run(&["diff", "--git", "HEAD", s(&root.join("specs"))]);
    assert_eq!(code, 1);

    let (code, _, stderr) = run_in(Some(root), &["diff", "--git", "no-such-rev"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`no-such-rev` is not a revision of this repository"),
        "{stderr}"
    );

    let not_repo = tempfile::tempdir().unwrap();
    let specs = copy_specs(not_repo.path(), "specs");
    let (code, _, stderr) = run(&["diff", "--git", "HEAD", s(&specs)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["diff", "--git", "HEAD", s(&not_repo.path().join("nope"))]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a directory"), "{stderr}");

    // A spec root added after the revision.
    let later = copy_specs(root, "later");
    let (code, _, stderr) = run(&["diff", "--git", "HEAD", s(&later)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`later` does not exist at `HEAD`"),
        "{stderr}"
    );
}

#[test]
fn generate_summarizes_the_changes_since_head() {
    let repo = repo();
    let root = repo.path();
    let out = root.join("out");
    let args = ["generate", "--specs", "specs", "--out", "out"];
    let (code, stdout, stderr) = run_in(Some(root), &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("specs since HEAD: no changes\n"),
        "{stdout}"
    );

    edit(
        &root.join("specs"),
        REFUND,
        "{name: refund_amount, type: price, required: true,",
        "{name: refund_amount, type: price,",
    );
    edit(
        &root.join("specs"),
        REFUND,
        "max_length: 256,",
        "max_length: 100,",
    );
    let (code, stdout, _) = run_in(Some(root), &args);
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "specs since HEAD: 1 breaking, 1 stricter, 0 compatible, 0 documentation only\n  \
             breaking: alipay.trade.refund request.refund_amount: required true → false"
        ),
        "{stdout}"
    );
    assert!(out.join("src/lib.rs").exists());

    // Outside a repository there is nothing to compare with: no summary.
    let plain = tempfile::tempdir().unwrap();
    let specs = copy_specs(plain.path(), "specs");
    let (code, stdout, _) = run(&[
        "generate",
        "--specs",
        s(&specs),
        "--out",
        s(&plain.path().join("out")),
    ]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("since HEAD"), "{stdout}");
}

#[test]
fn generate_writes_and_checks_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let specs = copy_specs(dir.path(), "specs");
    let schema = specs.join("spec.schema.json");
    let out = dir.path().join("out");
    let args = |check: bool| {
        let mut a = vec![
            "generate",
            "--specs",
            s(&specs),
            "--out",
            s(&out),
            "--schema",
            s(&schema),
        ];
        if check {
            a.push("--check");
        }
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let call = |check| {
        let a = args(check);
        run(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (code, stdout, _) = call(false);
    assert_eq!(code, 0);
    assert!(stdout.contains("spec.schema.json"), "{stdout}");
    let text = fs::read_to_string(&schema).unwrap();
    assert!(text.contains("\"$schema\": \"http://json-schema.org/draft-07/schema#\""));
    assert_eq!(call(true).0, 0);

    fs::write(&schema, "{}\n").unwrap();
    let (code, _, stderr) = call(true);
    assert_eq!(code, 1);
    assert!(stderr.contains("spec.schema.json"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&schema).unwrap(),
        "{}\n",
        "--check wrote"
    );
}

#[test]
fn drift_lists_what_the_sdk_has_and_the_specs_lack() {
    let sdk = fixtures().join("python-sdk");
    let specs = fixtures().join("drift-specs");
    let (code, stdout, stderr) = run(&["drift", "--python-sdk", s(&sdk), "--specs", s(&specs)]);
    assert_eq!(code, 0, "{stderr}");
    let expected = "## alipay.trade.refund (AlipayTradeRefundModel, AlipayTradeRefundResponse)
  fields the SDK has and the spec lacks:
    - request.goods_detail[].price: a plain value
    - request.goods_detail[].quantity: a plain value
    - request.refund_currency: a plain value
    - response.fund_change: a plain value
  nested types that differ:
    - request.query_options: the SDK has a list of plain values, the spec string
    - response.refund_preset_paytool_list: the SDK has `PresetPayToolInfo`, the spec string
  note: response.refund_detail_item_list: domain/TradeFundBill.py was skipped, so its fields were not compared

Not in the SDK (no request class): alipay.trade.close
Skipped SDK files:
";
    assert!(stdout.starts_with(expected), "{stdout}");
    // The file that is not Python, at the line CPython's own parser names.
    assert!(
        stdout.contains("domain/TradeFundBill.py:27: is not valid Python: '(' was never closed\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with(
        "methods compared: 1; 4 fields to add, 2 nested types that differ; 1 not in the SDK; 1 files skipped.\n"
    ));

    let (code, stdout, _) = run(&[
        "drift",
        "--python-sdk",
        s(&sdk),
        "--specs",
        s(&specs),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        value["methods"][0]["missing_fields"][2]["path"],
        "request.refund_currency"
    );
    assert_eq!(value["skipped"][0]["line"], 27);
    assert_eq!(value["not_in_sdk"][0], "alipay.trade.close");
}

#[test]
fn drift_errors_are_clear_and_exit_2() {
    let specs = fixtures().join("drift-specs");
    let dir = tempfile::tempdir().unwrap();

    let missing = dir.path().join("missing");
    let (code, stdout, stderr) = run(&["drift", "--python-sdk", s(&missing), "--specs", s(&specs)]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("cannot read the Python SDK at"), "{stderr}");
    assert!(
        stderr.contains("help: unpack alipay-sdk-python"),
        "{stderr}"
    );

    // A directory that is not the SDK.
    let (code, _, stderr) = run(&["drift", "--python-sdk", s(dir.path()), "--specs", s(&specs)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("it has neither `alipay/aop/api/request/`"),
        "{stderr}"
    );

    // Broken specs.
    let broken = copy_specs(dir.path(), "broken");
    edit(&broken, REFUND, "max_length: 256,", "max_length: \"256\",");
    let sdk = fixtures().join("python-sdk");
    let (code, _, stderr) = run(&["drift", "--python-sdk", s(&sdk), "--specs", s(&broken)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("write 256 without quotes"), "{stderr}");
}
