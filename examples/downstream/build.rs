//! Generates the models this crate uses: two methods bundled with
//! alipay-codegen, and one from this crate's own `specs/`, which replaces the
//! bundled spec of that method. Replacing is explicit (`override_method`)
//! and reported as a `cargo:warning`.

fn main() {
    alipay_codegen::Builder::new()
        .specs("specs")
        .override_method("alipay.fund.trans.order.query")
        .methods([
            "alipay.fund.trans.refund",
            "alipay.trade.fastpay.refund.query",
            "alipay.fund.trans.order.query",
        ])
        .run();
}
