//! Adding a method takes a spec and nothing else: in a copy of the
//! workspace, a new method spec goes into `specs/methods/`, and the README's
//! two commands (`cargo regen`, `cargo test --workspace`) must both succeed
//! with no other edit, the new method exercised by the tests that follow the
//! specs.
//!
//! It builds the whole workspace from scratch, so it takes minutes and is
//! ignored by default. CI runs it: `cargo test -p alipay-tests --test
//! acceptance -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{fs, io};

/// Set in the copy's environment, so that the copy never runs this test
/// itself (it is ignored there too, unless someone passes `--ignored`).
const IN_COPY: &str = "ALIPAY_ACCEPTANCE_COPY";

/// The method the test adds; no spec of the workspace defines it.
const METHOD: &str = "alipay.acceptance.order.cancel";

/// A spec written for this test, using every kind of field, a rule, error
/// codes with and without a published meaning, and request and response
/// examples. Not a real Alipay method.
const SPEC: &str = r#"# Written for tests/acceptance.rs: a new method, as a person would add one. Not a real method.
method: alipay.acceptance.order.cancel
title: 验收测试订单撤销
product: 验收测试
summary: 撤销一笔订单, 退回已付金额
source: tests/acceptance.rs
notes:
  - 仅供验收测试
request:
  fields:
    - name: out_order_no
      type: string
      required: conditional
      max_length: 64
      description: 商户订单号
      example: "20240229000001"
    - name: order_no
      type: string
      required: conditional
      max_length: 64
      description: 支付宝订单号
      example: "2024022922001400000000000001"
    - name: cancel_amount
      type: price
      required: true
      minimum: "0.01"
      maximum: "100000.00"
      description: 撤销金额,单位为元,取值范围[0.01,100000.00]
      example: "12.50"
    - name: reason
      type: string
      max_length: 32
      length_counting: chinese_as_two
      description: 撤销原因,不超过32个字母或16个汉字
      example: "买家取消"
    - name: items
      type: integer
      minimum: 1
      maximum: 10
      description: 撤销件数
      example: 2
    - name: cancel_type
      type: string
      required: true
      description: 撤销类型
      values:
        - value: FULL
          meaning: 全额撤销
        - value: PARTIAL
          meaning: 部分撤销
      example: PARTIAL
  rules:
    - at_least_one: [out_order_no, order_no]
      description: out_order_no和order_no不能同时为空
response:
  fields:
    - name: out_order_no
      type: string
      description: 商户订单号
    - name: order_no
      type: string
      description: 支付宝订单号
    - name: cancel_amount
      type: price
      description: 本次撤销金额
    - name: gmt_cancel
      type: datetime
      description: 撤销时间
    - name: status
      type: string
      description: 订单状态
      values:
        - value: CANCELLED
          meaning: 已撤销
        - value: PARTLY_CANCELLED
          meaning: 部分撤销
errors:
  - code: SYSTEM_ERROR
    message: 系统繁忙
    action: 用相同的参数重试或查询
    outcome_unknown: true
  - code: ORDER_NOT_EXIST
    message: 订单不存在
    action: 检查订单号
  - code: CANCEL_AMOUNT_EXCEEDED
    message: 撤销金额超过可撤销金额
    action: 减少撤销金额
  - code: CANCEL_NOT_ALLOWED
    source: tests/acceptance.rs (a code listed without a published meaning or fix)
examples:
  - name: request
    kind: request
    description: 请求示例
    json: |
      {"out_order_no":"20240229000001","cancel_amount":"12.50","reason":"买家取消","items":2,"cancel_type":"PARTIAL"}
  - name: success
    kind: response
    description: 成功
    json: |
      {"alipay_acceptance_order_cancel_response":{"code":"10000","msg":"Success","out_order_no":"20240229000001","order_no":"2024022922001400000000000001","cancel_amount":"12.50","gmt_cancel":"2024-02-29 12:00:00","status":"PARTLY_CANCELLED"},"sign":"XXXX"}
  - name: not_exist
    kind: response
    description: 订单不存在
    json: |
      {"alipay_acceptance_order_cancel_response":{"code":"40004","msg":"Business Failed","sub_code":"ORDER_NOT_EXIST","sub_msg":"订单不存在"},"sign":"XXXX"}
"#;

/// What each test that follows the specs prints for a method it checked.
const CHECKED: [&str; 4] = [
    "example(s) round-trip",          // examples.rs
    "documented error code(s) typed", // examples.rs
    "constraint(s) broken alone",     // constraints.rs
    "called end to end",              // e2e.rs
];

/// Copies the workspace's sources: everything but build output and git.
fn copy_sources(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_sources(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// Runs `cargo <args>` in the copy, with its own target directory (two
/// copies of one workspace must never share one: their artifacts collide).
fn cargo(copy: &Path, target: &Path, args: &[&str]) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", target)
        .env(IN_COPY, "1")
        .env_remove("UPDATE_GOLDEN")
        .output()
        .unwrap_or_else(|e| panic!("could not run cargo {args:?}: {e}"));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The end of a long output without build progress and backtrace frames,
/// for a failure message.
fn tail(text: &str, lines: usize) -> String {
    let noise = ["Compiling ", "Running ", "Downloaded ", "Fresh ", "at "];
    let all: Vec<&str> = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.is_empty()
                && !noise.iter().any(|n| l.starts_with(n))
                && l.split_once(": ")
                    .is_none_or(|(n, _)| n.parse::<u32>().is_err())
        })
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[test]
#[ignore = "builds a copy of the whole workspace (minutes); CI runs it with --ignored"]
fn a_new_spec_is_all_a_new_method_needs() {
    if std::env::var_os(IN_COPY).is_some() {
        println!("inside the acceptance test's own copy: not running it again");
        return;
    }
    let workspace: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("workspace");
    let target = temp.path().join("target");
    copy_sources(&workspace, &copy).unwrap();

    let spec = copy.join("specs/methods").join(format!("{METHOD}.yaml"));
    assert!(
        !spec.exists(),
        "the workspace has a spec for {METHOD} already: give this test another method"
    );
    fs::write(&spec, SPEC).unwrap();

    // The README's two commands, and nothing else.
    let (ok, out) = cargo(&copy, &target, &["regen"]);
    assert!(ok, "cargo regen failed:\n{}", tail(&out, 80));
    let module = METHOD.replace('.', "_");
    assert!(
        copy.join(format!("generated/src/{module}.rs")).is_file(),
        "{out}"
    );
    assert!(
        copy.join(format!("docs/api/{METHOD}.md")).is_file(),
        "{out}"
    );

    // --no-fail-fast: every failing test shows, not only the first.
    // --nocapture: the spec-driven tests print each method they checked.
    let (ok, out) = cargo(
        &copy,
        &target,
        &["test", "--workspace", "--no-fail-fast", "--", "--nocapture"],
    );
    assert!(
        ok,
        "cargo test --workspace failed after adding {METHOD}:\n{}",
        tail(&out, 200)
    );
    for what in CHECKED {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("checked {METHOD}: ")) && l.contains(what)),
            "no test reported `checked {METHOD}: … {what}`:\n{}",
            tail(&out, 200)
        );
    }
}
