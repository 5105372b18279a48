//! `validate()` on the largest request of the four transcribed methods
//! (alipay.fund.trans.refund with every field set), beside one RSA2
//! signature measured in the same run: the target is under 1% of it.
//!
//! Run: `cargo bench -p alipay-tests --bench validate`

use alipay_api::alipay_fund_coupon_order_refund::AlipayFundCouponOrderRefundRequest;
use alipay_api::alipay_fund_trans_refund::AlipayFundTransRefundRequest;
use alipay_runtime::Money;
use alipay_runtime::keys::{KeyRole, PrivateKey};
use alipay_runtime::sign::SignType;

fn main() {
    divan::main();
}

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../runtime/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn trans_refund() -> AlipayFundTransRefundRequest {
    AlipayFundTransRefundRequest::new(
        "20190703110075000006530004756875",
        "2018999960760005838333",
        Money::from_fen(888),
    )
    .remark("红包超时退回")
    .business_params(r#"{"MERCHANT_PAYER_ID":"1234567890"}"#)
    .passback_params(r#"{"merchantBizType":"peerPay"}"#)
    .biz_scene("TWO_PHASE_TRANSFER_REFUND")
    .product_code("TRANS_ACCOUNT_NO_PWD")
}

#[divan::bench]
fn validate_trans_refund(bencher: divan::Bencher) {
    let request = trans_refund();
    bencher.bench(|| divan::black_box(&request).validate().is_ok());
}

#[divan::bench]
fn validate_coupon_refund_chinese_remark(bencher: divan::Bencher) {
    let request = AlipayFundCouponOrderRefundRequest::new(
        "2017122810002001950287006752",
        "refund20171228254",
        Money::from_fen(1),
        "红包退款".repeat(12),
    );
    bencher.bench(|| divan::black_box(&request).validate().is_ok());
}

#[divan::bench]
fn rsa2_sign_reference(bencher: divan::Bencher) {
    let key =
        PrivateKey::from_text(&vector("app_private_pkcs8.txt"), KeyRole::AppPrivateKey).unwrap();
    let content = serde_json::to_string(&trans_refund()).unwrap();
    bencher.bench(|| key.sign(SignType::Rsa2, divan::black_box(content.as_bytes())));
}
