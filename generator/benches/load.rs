//! Time to load one method file (YAML to the spec shapes, shape errors
//! included) as it grows, nested or flat. Issue 8 bounds the nesting depth so
//! that any input is accepted or rejected in time linear in its size.
//!
//! Run: `cargo bench -p alipay-codegen --bench load`

use alipay_codegen::load::{self, Source};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[1_000, 10_000, 100_000];

const HEADER: &str = "method: alipay.a.b\ntitle: t\nproduct: p\nsummary: s\nrequest:\n  fields: []\nresponse:\n  fields: []\n";

fn source(text: String) -> Vec<Source> {
    vec![Source {
        relative: "methods/alipay.a.b.yaml".into(),
        display: "methods/alipay.a.b.yaml".into(),
        text,
    }]
}

/// `notes:` holding `n` nested flow sequences: `[[[…]]]`.
fn nested_flow(n: usize) -> Vec<Source> {
    source(format!(
        "{HEADER}notes: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    ))
}

/// `notes:` holding `n` nested block sequences on one line: `- - - … x`.
fn nested_block(n: usize) -> Vec<Source> {
    source(format!("{HEADER}notes:\n  {}x\n", "- ".repeat(n)))
}

/// A file of the same size with no nesting: `n` notes in one flow list.
fn flat(n: usize) -> Vec<Source> {
    source(format!("{HEADER}notes: [{}]\n", vec!["x"; n].join(",")))
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn nested_flow_sequences(bencher: divan::Bencher, n: usize) {
    let sources = nested_flow(n);
    bencher.bench(|| load::parse(divan::black_box(&sources)));
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn nested_block_sequences(bencher: divan::Bencher, n: usize) {
    let sources = nested_block(n);
    bencher.bench(|| load::parse(divan::black_box(&sources)));
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn flat_list(bencher: divan::Bencher, n: usize) {
    let sources = flat(n);
    bencher.bench(|| load::parse(divan::black_box(&sources)));
}
