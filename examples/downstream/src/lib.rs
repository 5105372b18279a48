//! A downstream crate: its Alipay models come from its own build script.

/// The generated models: `alipay::alipay_fund_trans_refund`, …
pub mod alipay {
    alipay_runtime::include_generated!();
}
