//! What the import tests share: fixtures, a fresh spec root, the binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use alipay_codegen::Mode;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A spec root with the repository's common.yaml and an empty methods/.
pub fn spec_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("methods")).unwrap();
    fs::copy(
        repo().join("specs/common.yaml"),
        dir.path().join("common.yaml"),
    )
    .unwrap();
    dir
}

/// Writes `yaml` as the method's spec in a fresh root and generates.
pub fn generate(method: &str, yaml: &str) -> Result<(), String> {
    let root = spec_root();
    fs::write(root.path().join(format!("methods/{method}.yaml")), yaml).unwrap();
    let out = root.path().join("out");
    alipay_codegen::generate(root.path(), &out, Mode::Write)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub fn run(args: &[&str]) -> (i32, String, String) {
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

pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
