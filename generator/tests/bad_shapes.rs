//! Shape errors (keys and value kinds) and the nesting limit: every problem
//! of a file is reported, each at its own line and column, with help in the
//! spec's words; nothing is written.

mod common;

use common::{assert_contains, method, one};

/// The error text's `--> file:line:column` positions, in order.
fn positions(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.trim().strip_prefix("--> "))
        .map(|l| l.rsplit('/').next().unwrap().to_owned())
        .collect()
}

const HEAD: &str = "method: alipay.a.b\ntitle: 测试\nproduct: 测试\nsummary: 测试\n";

#[test]
fn every_shape_error_in_a_file_is_reported_at_its_own_line() {
    let text = format!(
        "{HEAD}request:
  fields:
    - name: a
      type: string
      max_lenght: 64
      description: a
    - name: b
      type: string
      max_length: \"256\"
      required: \"true\"
      length_counting: chinese
      description: b
    - name: c
      type: integer
response:
  fields: {{}}
notes: one note
errors:
  - {{code: X, message: x, outcome_unknown: \"true\"}}
"
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "error: unknown key `max_lenght` in `request.fields[0]`",
            "help: did you mean `max_length`?",
            "error: `request.fields[1].max_length` is a whole number, found the quoted text \"256\"",
            "help: write 256 without quotes",
            "error: `request.fields[1].required` is true, false or conditional, found the quoted text \"true\"",
            "help: write true without quotes",
            "error: `request.fields[1].length_counting` is one of characters, chinese_as_two, found the text \"chinese\"",
            "error: `request.fields[2]` has no `description`",
            "help: add `description: …`; a field needs `name`, `type`, `description`",
            "error: `response.fields` is a list, found a mapping",
            "error: `notes` is a list, found the text \"one note\"",
            "error: `errors[0].outcome_unknown` is true or false, found the quoted text \"true\"",
            "the specs have 8 problems; nothing was written",
        ],
    );
    assert_eq!(
        positions(&err),
        [
            "alipay.a.b.yaml:9:7",
            "alipay.a.b.yaml:13:19",
            "alipay.a.b.yaml:14:17",
            "alipay.a.b.yaml:15:24",
            "alipay.a.b.yaml:17:7",
            "alipay.a.b.yaml:20:11",
            "alipay.a.b.yaml:21:8",
            "alipay.a.b.yaml:23:44",
        ],
        "{err}"
    );
}

#[test]
fn an_over_indented_key_is_reported_at_that_key() {
    // Deeper than the key above: YAML reads it as more of `type`'s value.
    let fields = "    - name: a\n      type: string\n        max_length: 10\n      description: a";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: invalid spec: `max_length` is indented deeper than the line above it, so YAML reads it as part of that line's value",
            "alipay.a.b.yaml:9:9\n",
            "help: indent `max_length` to column 7, in line with `type`",
        ],
    );
    // Under a key with no value: it becomes that key's mapping.
    let fields = "    - name: a\n      type: string\n      description:\n        max_length: 10";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: `max_length` is indented under `request.fields[0].description`, which takes no keys",
            "alipay.a.b.yaml:10:9\n",
            "help: `max_length` is a key of a field: indent it to column 7, in line with `description`",
            "the specs have 1 problem;",
        ],
    );
}

#[test]
fn a_dedented_key_is_reported_at_that_key() {
    // In line with `fields:`: it becomes a key of the request.
    let fields = "    - name: a\n      description: a\n  type: string";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: `request.fields[0]` has no `type`",
            "error: unknown key `type` in `request`",
            "help: `type` is a key of a field: indent it to column 7, in line with the keys above it",
        ],
    );
    assert_eq!(
        positions(&err),
        ["alipay.a.b.yaml:7:7", "alipay.a.b.yaml:9:3"],
        "{err}"
    );
    // In line with the `- `: neither an item nor a key of one.
    let fields = "    - name: a\n      description: a\n    type: string";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: invalid spec: `type` is in line with the `- ` of the list above it, so it is neither a list item nor a key of one",
            "alipay.a.b.yaml:9:5\n",
            "help: indent `type` to column 7, in line with `description`, or start a new item with `- `",
        ],
    );
}

#[test]
fn an_empty_file_and_a_list_file_name_what_is_needed() {
    let err = one("alipay.a.b", "# nothing yet\n".into());
    assert_contains(
        &err,
        &[
            "error: the file is empty; a method file needs `method`, `title`, `product`, `summary`, `request`, `response`",
            "alipay.a.b.yaml:1:1",
        ],
    );
    let err = one("alipay.a.b", "- method: alipay.a.b\n".into());
    assert_contains(
        &err,
        &[
            "error: the file should be a method file, found a list",
            "help: write a method file as `key: value` lines; its keys are: method, title,",
        ],
    );
}

#[test]
fn duplicate_keys_aliases_and_tags_are_reported() {
    let fields = "    - {name: a, type: string, description: a, name: b}";
    let err = one("alipay.a.b", method("alipay.a.b", fields));
    assert_contains(
        &err,
        &[
            "error: `request.fields[0].name` is given twice (first on line 7)",
            "alipay.a.b.yaml:7:47",
        ],
    );
    let err = one(
        "alipay.a.b",
        method(
            "alipay.a.b",
            "    - &f {name: a, type: string, description: a}\n    - *f",
        ),
    );
    assert_contains(
        &err,
        &[
            "YAML aliases (`*name`) are not used in spec files",
            "alipay.a.b.yaml:8:7",
        ],
    );
    let err = one(
        "alipay.a.b",
        method(
            "alipay.a.b",
            "    - {name: a, type: string, description: !!str 12}",
        ),
    );
    assert_contains(
        &err,
        &[
            "YAML tags (`!!str`) are not used in spec files",
            "quote a value",
        ],
    );
}

const DEPTH: &str =
    "error: invalid spec: the YAML is nested more than 64 lists and mappings deep here";

#[test]
fn deep_flow_nesting_is_rejected_where_it_passes_the_limit() {
    for open in ["[", "{a: "] {
        let text = format!(
            "{}notes: {}\n",
            method(
                "alipay.a.b",
                "    - {name: a, type: string, description: a}"
            ),
            open.repeat(100_000)
        );
        let err = one("alipay.a.b", text);
        assert_contains(
            &err,
            &[DEPTH, "keeps loading time proportional to the file's size"],
        );
        // The 65th opener: after `notes: ` and 64 of them.
        let column = 8 + 64 * open.len();
        assert_eq!(
            positions(&err),
            [format!("alipay.a.b.yaml:10:{column}")],
            "{err}"
        );
    }
}

#[test]
fn deep_block_nesting_is_rejected_where_it_passes_the_limit() {
    // 100,000 block lists on one line: `- - - … x`.
    let text = format!("{HEAD}notes:\n  {}x\n", "- ".repeat(100_000));
    let err = one("alipay.a.b", text);
    assert_contains(&err, &[DEPTH]);
    // The root mapping is level 1, `notes` level 2: the 64th `- ` is level 65.
    assert_eq!(
        positions(&err),
        [format!("alipay.a.b.yaml:6:{}", 3 + 63 * 2)],
        "{err}"
    );

    // 1,000 block mappings, each key one space deeper.
    let mut text = String::from(HEAD);
    for depth in 0..1_000 {
        text.push_str(&format!("{}k:\n", " ".repeat(depth)));
    }
    let err = one("alipay.a.b", text);
    assert_contains(&err, &[DEPTH]);
    // Line 5 holds the root's last key (level 1); the key on line 5 + 64,
    // indented 64 spaces, opens level 65.
    assert_eq!(positions(&err), ["alipay.a.b.yaml:69:65"], "{err}");
}

#[test]
fn the_other_kinds_of_shape_error() {
    let text = format!(
        "{HEAD}request:
  fields:
    - {{name: a, type: integer, description: a, max_length: -1}}
    - {{name: b, type: string, description: b, max_length: 99999999999}}
    - {{name: c, type: string, description: }}
response: {{fields: []}}
public_params:
types: [Bill]
? [complex]
: 1
"
    );
    let err = one("alipay.a.b", text);
    assert_contains(
        &err,
        &[
            "error: `request.fields[0].max_length` is a whole number, found the number -1",
            "help: `max_length` cannot be negative",
            "help: `max_length` is at most 4294967295",
            "error: `request.fields[2].description` is empty",
            "error: `public_params` is empty",
            "help: `public_params` needs a list: write `[]` for none, or leave the key out",
            "error: `types` is a mapping of names, found a list",
            "error: a key in the file is a list",
        ],
    );
    assert_eq!(
        positions(&err),
        [
            "alipay.a.b.yaml:7:60",
            "alipay.a.b.yaml:8:59",
            "alipay.a.b.yaml:9:31",
            "alipay.a.b.yaml:11:1",
            "alipay.a.b.yaml:12:8",
            "alipay.a.b.yaml:13:3",
        ],
        "{err}"
    );
    let err = one("alipay.a.b", format!("{HEAD}---\ntitle: again\n"));
    assert_contains(
        &err,
        &[
            "a second YAML document (`---`) in one spec file",
            "alipay.a.b.yaml:5:1",
        ],
    );
}
