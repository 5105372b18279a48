//! Generates the models this crate uses: two methods bundled with
//! alipay-codegen, and one the project has not transcribed yet, from this
//! crate's own `specs/`.

fn main() {
    alipay_codegen::Builder::new()
        .specs("specs")
        .methods([
            "alipay.fund.trans.refund",
            "alipay.trade.fastpay.refund.query",
            "alipay.fund.trans.order.query",
        ])
        .run();
}
