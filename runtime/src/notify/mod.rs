//! Asynchronous notifications: verify the form Alipay POSTs to `notify_url`;
//! and the synchronous return of a page payment to `return_url`
//! ([`page_return`], for display only).
//!
//! The body is form-decoded exactly once (decoding `passback_params` twice is
//! the classic bug). V1, for payment notifications, leaves both `sign` and
//! `sign_type` out of the signed content; V2 leaves out only `sign`.
//!
//! Unlike a request's sign content, the check content keeps parameters whose
//! value is empty (`buyer_logon_id=`), as Alipay's Java SDK
//! (`AlipaySignature.getSignCheckContentV1/V2`) and Node SDK
//! (`checkNotifySignV2`) do: Alipay signs them, so dropping them rejects
//! genuine notifications, and would let anyone add empty parameters that no
//! signature covers.

mod page_return;
pub mod trade;

pub use page_return::{PageReturn, PageReturnError, page_return};

use std::collections::BTreeMap;

use crate::datetime::DateTime;
use crate::keys::PublicKey;
use crate::money::Money;
use crate::sign::{SignType, join_sorted, verify};

/// Which parameters the signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyVariant {
    /// All but `sign` and `sign_type` (payment and fund notifications).
    V1,
    /// All but `sign` (生活号 and 服务市场 messages).
    V2,
}

/// Why a notification is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// No `sign` parameter.
    #[error("the notification has no `sign` parameter")]
    MissingSign,
    /// A parameter appears twice.
    #[error("the notification has the parameter `{0}` twice")]
    DuplicateParam(String),
    /// `sign_type` names an algorithm this build does not support.
    #[error("the notification's sign_type `{0}` is not supported")]
    UnsupportedSignType(String),
    /// The signature does not verify with the Alipay public key.
    #[error(
        "the notification's signature does not verify with the Alipay public key (forged, altered, or decoded twice)"
    )]
    Mismatch,
}

/// A verified notification: its parameters, decoded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    params: BTreeMap<String, String>,
}

impl Notification {
    /// A parameter's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// `notify_type`, e.g. `fund_stdtrustee_refund.success`.
    pub fn notify_type(&self) -> Option<&str> {
        self.get("notify_type")
    }

    /// Every parameter.
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }
}

/// The string a notification's signature covers: every parameter but `sign`
/// (and, for [`NotifyVariant::V1`], `sign_type`), **empty values included**,
/// sorted by key (byte order), `k=v` joined with `&`, values decoded once and
/// otherwise raw. Useful to sign notifications in tests.
pub fn check_content<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    variant: NotifyVariant,
) -> String {
    join_sorted(
        params
            .into_iter()
            .filter(|(k, _)| *k != "sign" && (variant == NotifyVariant::V2 || *k != "sign_type")),
    )
}

/// Verifies a notification's raw `application/x-www-form-urlencoded` body.
pub fn verify_notification(
    body: &[u8],
    alipay_public_key: &PublicKey,
    variant: NotifyVariant,
) -> Result<Notification, NotifyError> {
    let mut params = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        if params.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(NotifyError::DuplicateParam(k.into_owned()));
        }
    }
    let signature = params.get("sign").ok_or(NotifyError::MissingSign)?;
    let sign_type = match params.get("sign_type").map(String::as_str) {
        None | Some("") => SignType::Rsa2,
        Some(t) => {
            SignType::parse(t).ok_or_else(|| NotifyError::UnsupportedSignType(t.to_owned()))?
        }
    };
    let content = check_content(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        variant,
    );
    if !verify(alipay_public_key, sign_type, &content, signature) {
        return Err(NotifyError::Mismatch);
    }
    Ok(Notification { params })
}

/// The notification of a successful red-packet refund
/// (`alipay.fund.coupon.order.refund`, `notify_type=fund_stdtrustee_refund.success`),
/// sent to the refund call's `notify_url`.
///
/// The transcribed documents give only the notify type; the fields below are
/// the common notification fields plus those of the refund's synchronous
/// response, which the notification repeats. Every field is optional, and
/// [`Notification::get`] reaches anything else.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FundRefundNotification {
    /// `notify_id`.
    pub notify_id: Option<String>,
    /// `notify_time`, Beijing time.
    pub notify_time: Option<DateTime>,
    /// `app_id`.
    pub app_id: Option<String>,
    /// 支付宝资金授权订单号.
    pub auth_no: Option<String>,
    /// 商户授权资金订单号.
    pub out_order_no: Option<String>,
    /// 支付宝资金操作流水号.
    pub operation_id: Option<String>,
    /// 商户本次资金操作请求流水号.
    pub out_request_no: Option<String>,
    /// 本次操作退款金额.
    pub amount: Option<Money>,
    /// 流水状态, e.g. `SUCCESS`.
    pub status: Option<String>,
    /// 授权资金退款成功时间.
    pub gmt_trans: Option<DateTime>,
}

impl FundRefundNotification {
    /// The notify type this struct reads.
    pub const NOTIFY_TYPE: &'static str = "fund_stdtrustee_refund.success";

    /// Reads a verified notification, or `None` if it is of another type.
    /// A field whose value does not parse (an amount, a time) is left `None`.
    pub fn from_notification(n: &Notification) -> Option<FundRefundNotification> {
        (n.notify_type() == Some(Self::NOTIFY_TYPE)).then(|| {
            let text = |k: &str| n.get(k).map(str::to_owned);
            FundRefundNotification {
                notify_id: text("notify_id"),
                notify_time: n.get("notify_time").and_then(|v| v.parse().ok()),
                app_id: text("app_id"),
                auth_no: text("auth_no"),
                out_order_no: text("out_order_no"),
                operation_id: text("operation_id"),
                out_request_no: text("out_request_no"),
                amount: n.get("amount").and_then(|v| v.parse().ok()),
                status: text("status"),
                gmt_trans: n.get("gmt_trans").and_then(|v| v.parse().ok()),
            }
        })
    }
}
