//! The synthetic corpus: `n` methods made by renaming copies of the real
//! method specs round-robin (`alipay.trade.pay17`, …), plus the real
//! `common.yaml`. Shared by the `generate` bench and the `synthetic` example
//! that the scale benchmark (`scripts/scale-bench.sh`) uses to write N-method
//! crates.

use std::path::Path;

use alipay_codegen::load::{self, Source};

/// The real specs under `specs/`.
pub fn real() -> Vec<Source> {
    load::read_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")).unwrap()
}

/// `n` methods: copies of the real ones, each renamed `<method><i>`.
pub fn synthetic(n: usize) -> Vec<Source> {
    let (common, methods): (Vec<_>, Vec<_>) = real()
        .into_iter()
        .partition(|s| s.relative == "common.yaml");
    let mut out = common;
    for i in 0..n {
        let template = &methods[i % methods.len()];
        let method = template
            .relative
            .trim_start_matches("methods/")
            .trim_end_matches(".yaml");
        let renamed = format!("{method}{i}");
        let text = template
            .text
            .replace(method, &renamed)
            .replace(&method.replace('.', "_"), &renamed.replace('.', "_"));
        out.push(Source {
            relative: format!("methods/{renamed}.yaml"),
            display: format!("synthetic/{renamed}.yaml"),
            text,
        });
    }
    out
}
