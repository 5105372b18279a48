//! The synchronous return of a page payment: the parameters Alipay appends
//! to `return_url` when it sends the buyer's browser back after paying
//! (`alipay.trade.page.pay`, `alipay.trade.wap.pay`).
//!
//! Alipay's 支付宝同步通知说明 (read in a third-party copy,
//! <https://www.5851388.com/s01raw2/pathhash=bb7cd298.html>) lists them in its
//! sample: `charset`, `out_trade_no`, `method=alipay.trade.page.pay.return`,
//! `total_amount`, `sign`, `trade_no`, `auth_app_id`, `version`, `app_id`,
//! `sign_type`, `seller_id`, `timestamp`, signed as the asynchronous
//! notification is (V1). It also warns: "由于return_url 回跳的不可靠性，前台回跳
//! 只能作为商家支付结果页的入口，最终支付结果必须以异步通知或查询接口返回为准". The
//! return is for display only: a buyer may close the browser before it, and
//! it says nothing of the trade's status. Credit an order on the trade
//! notification ([`super::trade::accept`]) or on `alipay.trade.query`.

use crate::datetime::DateTime;
use crate::keys::PublicKey;
use crate::money::Money;

use super::{Notification, NotifyError, NotifyVariant, verify_notification};

/// The verified return parameters of a page payment, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageReturn {
    /// `method`: the payment's method with `.return`, e.g.
    /// `alipay.trade.page.pay.return`.
    pub method: String,
    /// `app_id`: the app the payment was made for.
    pub app_id: String,
    /// `auth_app_id`: the app that was authorized (the same, unless a
    /// service provider paid on a merchant's behalf).
    pub auth_app_id: Option<String>,
    /// `out_trade_no`: the merchant's order number.
    pub out_trade_no: String,
    /// `trade_no`: Alipay's trade number.
    pub trade_no: String,
    /// `total_amount`: the order's amount.
    pub total_amount: Money,
    /// `seller_id`: the seller's user id (2088…).
    pub seller_id: Option<String>,
    /// `timestamp`: when Alipay sent the buyer back, Beijing time.
    pub timestamp: Option<DateTime>,
    /// Every parameter, as verified.
    pub raw: Notification,
}

/// Why return parameters are not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageReturnError {
    /// They are not Alipay's: the signature does not verify, or is missing.
    #[error("the return parameters are not trusted: {0}")]
    Untrusted(#[from] NotifyError),
    /// They are not a page payment's return (`method` does not end with
    /// `.return`).
    #[error(
        "the return parameters' method is `{0}`, not a page payment's return (`alipay.trade.page.pay.return`, `alipay.trade.wap.pay.return`): is this the return_url's query?"
    )]
    NotAReturn(String),
    /// A parameter is missing or does not read as its type.
    #[error("the return parameters' `{name}` is {problem}")]
    Field {
        /// The parameter.
        name: &'static str,
        /// What is wrong, with the value.
        problem: String,
    },
    /// They name another app.
    #[error("the return parameters are for app `{got}`, not this app `{expected}`")]
    OtherApp {
        /// This app's id.
        expected: String,
        /// Theirs.
        got: String,
    },
}

/// Verifies the query string the buyer's browser brought back to
/// `return_url` (the part after `?`, as received, still URL-encoded) with
/// the Alipay public key, checks that it is a page payment's return for
/// `app_id`, and types it.
///
/// Show the buyer the order's page with it; do not credit the order on it.
/// The trade notification or `alipay.trade.query` says whether it is paid.
///
/// ```
/// use alipay_runtime::keys::{KeyRole, PublicKey};
/// use alipay_runtime::notify::{PageReturnError, page_return};
///
/// # let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/alipay_public.txt")).unwrap();
/// let alipay_public_key = PublicKey::from_text(&text, KeyRole::AlipayPublicKey).unwrap();
/// // A forged return: the signature does not verify.
/// let query = "method=alipay.trade.page.pay.return&out_trade_no=1&total_amount=9.00&sign=AAAA";
/// let refused = page_return(query.as_bytes(), &alipay_public_key, "2021000000000001");
/// assert!(matches!(refused, Err(PageReturnError::Untrusted(_))));
/// ```
pub fn page_return(
    query: &[u8],
    alipay_public_key: &PublicKey,
    app_id: &str,
) -> Result<PageReturn, PageReturnError> {
    let raw = verify_notification(query, alipay_public_key, NotifyVariant::V1)?;
    let text = |k: &str| raw.get(k).filter(|v| !v.is_empty()).map(str::to_owned);
    let required = |k: &'static str| {
        text(k).ok_or(PageReturnError::Field {
            name: k,
            problem: "missing".into(),
        })
    };
    let method = required("method")?;
    if !method.ends_with(".return") {
        return Err(PageReturnError::NotAReturn(method));
    }
    let got = required("app_id")?;
    if got != app_id {
        return Err(PageReturnError::OtherApp {
            expected: app_id.to_owned(),
            got,
        });
    }
    let amount = required("total_amount")?;
    let total_amount = amount.parse().map_err(|e| PageReturnError::Field {
        name: "total_amount",
        problem: format!("`{amount}`, not an amount: {e}"),
    })?;
    let timestamp = text("timestamp")
        .map(|v| {
            v.parse().map_err(|e| PageReturnError::Field {
                name: "timestamp",
                problem: format!("`{v}`, not a yyyy-MM-dd HH:mm:ss time: {e}"),
            })
        })
        .transpose()?;
    Ok(PageReturn {
        method,
        app_id: got,
        auth_app_id: text("auth_app_id"),
        out_trade_no: required("out_trade_no")?,
        trade_no: required("trade_no")?,
        total_amount,
        seller_id: text("seller_id"),
        timestamp,
        raw,
    })
}
