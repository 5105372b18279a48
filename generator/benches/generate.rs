//! Time to load, check and emit: (a) the real specs, (b) a synthetic corpus of
//! 2,000 methods made by renaming copies of the real ones (the real Alipay
//! surface is about 9,500 methods). Each stage is timed on its own so the
//! dominant one is visible.
//!
//! Run: `cargo bench -p alipay-codegen --bench generate`

#[path = "support/synthetic.rs"]
mod support;

use alipay_codegen::load::{self, Source};
use alipay_codegen::{check, emit};
use support::{real, synthetic};

fn main() {
    divan::main();
}

fn corpus(name: &str) -> Vec<Source> {
    match name {
        "real" => real(),
        _ => synthetic(2000),
    }
}

const CORPORA: &[&str] = &["real", "synthetic_2000"];

#[divan::bench(args = CORPORA, sample_count = 10, sample_size = 1)]
fn total(bencher: divan::Bencher, name: &str) {
    let sources = corpus(name);
    bencher.bench(|| alipay_codegen::render_sources(divan::black_box(&sources)).unwrap());
}

#[divan::bench(args = CORPORA, sample_count = 5, sample_size = 1)]
fn stage_1_parse(bencher: divan::Bencher, name: &str) {
    let sources = corpus(name);
    bencher.bench(|| load::parse(divan::black_box(&sources)));
}

#[divan::bench(args = CORPORA, sample_count = 5, sample_size = 1)]
fn stage_2_check(bencher: divan::Bencher, name: &str) {
    let set = load::parse(&corpus(name)).0.unwrap();
    bencher.bench(|| check::check(divan::black_box(&set)).unwrap());
}

#[divan::bench(args = CORPORA, sample_count = 5, sample_size = 1)]
fn stage_3_emit(bencher: divan::Bencher, name: &str) {
    let api = alipay_codegen::check_sources(&corpus(name)).unwrap();
    bencher.bench(|| emit::render(divan::black_box(&api)));
}
