//! The JSON Schema editors use (`specs/spec.schema.json`): committed as the
//! generator produces it, valid draft-07, accepting every spec file in the
//! repository and rejecting broken ones. Checked by `jsonschema`, a validator
//! that is not ours.

use std::fs;
use std::path::{Path, PathBuf};

use alipay_codegen::shape::schema::{FILE_NAME, json_schema, json_schema_text};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&json_schema()).expect("the schema compiles")
}

fn as_json(yaml: &str) -> Value {
    serde_yaml_ng::from_str(yaml).expect("the test's YAML parses")
}

/// Every spec file under a spec root: common.yaml and methods/*.yaml.
fn spec_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("common.yaml")];
    for entry in fs::read_dir(root.join("methods")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_committed_schema_is_what_the_generator_produces() {
    let path = repo().join("specs").join(FILE_NAME);
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == json_schema_text(),
        "{} is stale: run `cargo regen` and commit it",
        path.display()
    );
}

#[test]
fn the_schema_is_valid_draft_07() {
    jsonschema::draft7::meta::validate(&json_schema()).expect("a valid draft-07 schema");
}

#[test]
fn every_spec_in_the_repository_is_valid() {
    let validator = validator();
    let mut checked = 0;
    for root in [repo().join("specs"), repo().join("tests/golden/specs")] {
        for file in spec_files(&root) {
            let doc = as_json(&fs::read_to_string(&file).unwrap());
            let problems = errors(&validator, &doc);
            assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} spec files found");
}

const METHOD: &str = "method: alipay.a.b
title: t
product: p
summary: s
request:
  fields:
    - name: amount
      type: price
      required: true
      max_length: 16
      description: d
response:
  fields: []
";

#[test]
fn broken_specs_are_rejected() {
    let validator = validator();
    assert!(errors(&validator, &as_json(METHOD)).is_empty());

    let cases = [
        // A misspelt key.
        ("max_length: 16", "max_lenght: 16", "/request/fields/0"),
        // A length written as text.
        (
            "max_length: 16",
            "max_length: \"16\"",
            "/request/fields/0/max_length",
        ),
        // A negative length.
        (
            "max_length: 16",
            "max_length: -1",
            "/request/fields/0/max_length",
        ),
        // Not true, false or conditional.
        (
            "required: true",
            "required: yes",
            "/request/fields/0/required",
        ),
        // A field without its description.
        ("      description: d\n", "", "/request/fields/0"),
        // A word that is not one of the kinds.
        ("summary: s", "summary: s\ncall: rpc", "/call"),
        // A method file without a response.
        ("response:\n  fields: []\n", "", ""),
    ];
    for (from, to, at) in cases {
        let text = METHOD.replacen(from, to, 1);
        assert_ne!(text, METHOD, "the case `{to}` changed nothing");
        let problems = errors(&validator, &as_json(&text));
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{at}:"))),
            "`{to}` should be rejected at `{at}`, got {problems:#?}"
        );
    }

    // common.yaml is told apart by its `gateways`, and checked as such.
    let common = "gateways: {production: https://x}\nrequest_params: []\nresponse_fields: []\n";
    let problems = errors(&validator, &as_json(common));
    assert!(
        problems.iter().any(|p| p.contains("gateway_codes")),
        "{problems:#?}"
    );
}
