//! The writer: only changed files are written, stale generated files are
//! removed, hand-written files are left alone, check mode changes nothing.

use std::collections::BTreeMap;
use std::fs;

use alipay_codegen::write::{Mode, write};
use alipay_codegen::{Error, emit};

fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(p, body)| (p.to_string(), format!("{}{body}\n", emit::header("x.yaml"))))
        .collect()
}

#[test]
fn writes_only_what_changed_and_removes_stale_generated_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let first = files(&[
        ("src/lib.rs", "pub mod a;"),
        ("src/a.rs", "// a"),
        ("src/b.rs", "// b"),
    ]);
    let report = write(out, &first, Mode::Write).unwrap();
    assert_eq!(report.written.len(), 3);
    fs::write(out.join("src/hand_written.rs"), "// mine\n").unwrap();
    fs::write(out.join("src/notes.txt"), "keep\n").unwrap();

    // Unchanged output touches nothing.
    let again = write(out, &first, Mode::Write).unwrap();
    assert_eq!(
        (again.written.len(), again.removed.len(), again.unchanged),
        (0, 0, 3)
    );

    // a changes, b disappears.
    let second = files(&[("src/lib.rs", "pub mod a;"), ("src/a.rs", "// a, changed")]);
    let report = write(out, &second, Mode::Write).unwrap();
    assert_eq!(report.written, vec![out.join("src/a.rs")]);
    assert_eq!(report.removed, vec![out.join("src/b.rs")]);
    assert_eq!(report.unchanged, 1);
    assert!(
        fs::read_to_string(out.join("src/a.rs"))
            .unwrap()
            .contains("changed")
    );
    assert!(!out.join("src/b.rs").exists());
    // Files without the generated header are not ours to remove.
    assert_eq!(
        fs::read_to_string(out.join("src/hand_written.rs")).unwrap(),
        "// mine\n"
    );
    assert!(out.join("src/notes.txt").exists());
    // No temporary files are left behind.
    assert!(
        fs::read_dir(out.join("src")).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("tmp"))
    );
}

#[test]
fn check_mode_reports_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    write(
        out,
        &files(&[("src/lib.rs", "//"), ("src/gone.rs", "//")]),
        Mode::Write,
    )
    .unwrap();
    let wanted = files(&[("src/lib.rs", "// new"), ("src/added.rs", "//")]);
    let err = write(out, &wanted, Mode::Check).unwrap_err();
    let Error::Stale { changed, removed } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        changed,
        &vec![out.join("src/added.rs"), out.join("src/lib.rs")]
    );
    assert_eq!(removed, &vec![out.join("src/gone.rs")]);
    let text = err.to_string();
    assert!(
        text.contains("differs or is missing") && text.contains("cargo regen"),
        "{text}"
    );
    assert!(!out.join("src/added.rs").exists());
    assert!(out.join("src/gone.rs").exists());

    write(out, &wanted, Mode::Write).unwrap();
    assert_eq!(write(out, &wanted, Mode::Check).unwrap().unchanged, 2);
}

#[test]
fn a_failed_write_leaves_the_old_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    write(
        out,
        &files(&[("src/lib.rs", "// old"), ("sub/x.rs", "// old")]),
        Mode::Write,
    )
    .unwrap();
    // A directory where the staging file for sub/x.rs must go makes that
    // write fail (even as root), after src/lib.rs has been staged.
    fs::create_dir(out.join("sub/x.rs.alipay-codegen-tmp")).unwrap();
    let err = write(
        out,
        &files(&[("src/lib.rs", "// new"), ("sub/x.rs", "// new")]),
        Mode::Write,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("could not write the generated file"),
        "{err}"
    );
    assert!(err.to_string().contains("sub/x.rs"), "{err}");
    assert!(
        fs::read_to_string(out.join("src/lib.rs"))
            .unwrap()
            .contains("// old")
    );
    assert!(
        fs::read_to_string(out.join("sub/x.rs"))
            .unwrap()
            .contains("// old")
    );
    assert_eq!(
        fs::read_dir(out.join("src")).unwrap().count(),
        1,
        "a staging file was left behind"
    );
}
