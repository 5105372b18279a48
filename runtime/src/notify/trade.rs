//! The trade notification (`notify_type=trade_status_sync`): what Alipay
//! POSTs to the `notify_url` of a payment (`alipay.trade.page.pay`,
//! `wap.pay`, `app.pay`, `precreate`, `pay`, `create`) when the trade changes
//! state, and the checks Alipay tells merchants to make before believing it.
//!
//! Alipay's notification document (<https://opendocs.alipay.com/open/270/105902>)
//! lists them: 1. verify the signature; 2. `out_trade_no` is an order the
//! merchant created; 3. `total_amount` is that order's amount; 4. `seller_id`
//! is the order's seller; 5. `app_id` is the merchant's own. "上述步骤有任何一个
//! 验证不通过，则表明本次通知是异常通知，务必忽略." The merchant then answers
//! exactly `success`, or Alipay sends the notification again (eight times
//! over about 25 hours: 4m, 10m, 10m, 1h, 2h, 6h, 15h). [`accept`] does all
//! five checks; [`answer`] gives the body to send back.
//!
//! Only `TRADE_SUCCESS` and `TRADE_FINISHED` mean the buyer paid. The same
//! notification may arrive more than once, and a later state may arrive
//! before an earlier one: credit an order once, keyed by `out_trade_no`, and
//! never move it back from a final state.

use crate::money::Money;
use crate::unknown::UnknownValue;
use crate::{DateTime, keys::PublicKey};

use super::{Notification, NotifyError, NotifyVariant, verify_notification};

/// `trade_status`: where the trade is. An open enum: a value Alipay adds
/// later arrives as `Unknown`; read it with [`as_str`](TradeStatus::as_str).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TradeStatus {
    /// `WAIT_BUYER_PAY`: 交易创建，等待买家付款.
    WaitBuyerPay,
    /// `TRADE_CLOSED`: 未付款交易超时关闭，或支付完成后全额退款.
    TradeClosed,
    /// `TRADE_SUCCESS`: 交易支付成功.
    TradeSuccess,
    /// `TRADE_FINISHED`: 交易结束，不可退款.
    TradeFinished,
    /// A status this version does not know.
    Unknown(UnknownValue),
}

impl TradeStatus {
    /// The value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            TradeStatus::WaitBuyerPay => "WAIT_BUYER_PAY",
            TradeStatus::TradeClosed => "TRADE_CLOSED",
            TradeStatus::TradeSuccess => "TRADE_SUCCESS",
            TradeStatus::TradeFinished => "TRADE_FINISHED",
            TradeStatus::Unknown(v) => v.as_str(),
        }
    }

    /// Whether the buyer has paid: `TRADE_SUCCESS` or `TRADE_FINISHED`.
    pub fn is_paid(&self) -> bool {
        matches!(self, TradeStatus::TradeSuccess | TradeStatus::TradeFinished)
    }
}

impl From<&str> for TradeStatus {
    fn from(value: &str) -> TradeStatus {
        match value {
            "WAIT_BUYER_PAY" => TradeStatus::WaitBuyerPay,
            "TRADE_CLOSED" => TradeStatus::TradeClosed,
            "TRADE_SUCCESS" => TradeStatus::TradeSuccess,
            "TRADE_FINISHED" => TradeStatus::TradeFinished,
            other => TradeStatus::Unknown(UnknownValue::__new(other)),
        }
    }
}

/// A verified `trade_status_sync` notification, typed. Fields are as the
/// notification document lists them; amounts are [`Money`], times Beijing
/// [`DateTime`]s. [`Notification::get`] on [`TradeNotification::raw`]
/// reaches anything else (`fund_bill_list`, `voucher_detail_list`, … are
/// JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TradeNotification {
    /// `notify_time`: 通知的发送时间.
    pub notify_time: Option<DateTime>,
    /// `notify_id`: 通知校验ID.
    pub notify_id: Option<String>,
    /// `app_id`: 支付宝分配给开发者的应用Id.
    pub app_id: String,
    /// `trade_no`: 支付宝交易凭证号.
    pub trade_no: Option<String>,
    /// `out_trade_no`: 原支付请求的商户订单号.
    pub out_trade_no: String,
    /// `out_biz_no`: 商户业务ID，主要是退款通知中返回退款申请的流水号.
    pub out_biz_no: Option<String>,
    /// `buyer_id`: 买家支付宝用户号.
    pub buyer_id: Option<String>,
    /// `buyer_logon_id`: 买家支付宝账号.
    pub buyer_logon_id: Option<String>,
    /// `seller_id`: 卖家支付宝用户号.
    pub seller_id: Option<String>,
    /// `seller_email`: 卖家支付宝账号.
    pub seller_email: Option<String>,
    /// `trade_status`: 交易目前所处的状态.
    pub trade_status: Option<TradeStatus>,
    /// `total_amount`: 本次交易支付的订单金额.
    pub total_amount: Option<Money>,
    /// `receipt_amount`: 商家在交易中实际收到的款项.
    pub receipt_amount: Option<Money>,
    /// `invoice_amount`: 用户在交易中支付的可开发票的金额.
    pub invoice_amount: Option<Money>,
    /// `buyer_pay_amount`: 用户在交易中支付的金额.
    pub buyer_pay_amount: Option<Money>,
    /// `point_amount`: 使用集分宝支付的金额.
    pub point_amount: Option<Money>,
    /// `refund_fee`: 退款通知中，返回总退款金额.
    pub refund_fee: Option<Money>,
    /// `send_back_fee`: 商户实际退款给用户的金额.
    pub send_back_fee: Option<Money>,
    /// `subject`: 订单标题，原样通知回来.
    pub subject: Option<String>,
    /// `body`: 订单的备注、描述、明细等，原样通知回来.
    pub body: Option<String>,
    /// `gmt_create`: 该笔交易创建的时间.
    pub gmt_create: Option<DateTime>,
    /// `gmt_payment`: 该笔交易的买家付款时间.
    pub gmt_payment: Option<DateTime>,
    /// `gmt_refund`: 该笔交易的退款时间, `yyyy-MM-dd HH:mm:ss.S` (with
    /// milliseconds, so kept as text).
    pub gmt_refund: Option<String>,
    /// `gmt_close`: 该笔交易结束时间.
    pub gmt_close: Option<DateTime>,
    /// `passback_params`: the request's `passback_params`, echoed.
    pub passback_params: Option<String>,
    /// Every parameter, as verified.
    pub raw: Notification,
}

/// What the merchant expected of the order a notification names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpectedOrder {
    /// The order's amount.
    pub total_amount: Money,
    /// The seller the order was created for (`seller_id`, 2088…), when the
    /// merchant has more than one; `None` skips the check.
    pub seller_id: Option<String>,
}

impl ExpectedOrder {
    /// An order of `total_amount`.
    pub fn new(total_amount: Money) -> ExpectedOrder {
        ExpectedOrder {
            total_amount,
            seller_id: None,
        }
    }

    /// Also checks the seller.
    pub fn seller_id(mut self, seller_id: impl Into<String>) -> ExpectedOrder {
        self.seller_id = Some(seller_id.into());
        self
    }
}

/// Why a trade notification is not accepted. Each one means: ignore the
/// notification (do not credit anything) and answer anything but `success`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TradeNotifyError {
    /// The notification is not Alipay's (check 1).
    #[error("the notification is not trusted: {0}")]
    Untrusted(#[from] NotifyError),
    /// It is another kind of notification.
    #[error("the notification's notify_type is `{0}`, not trade_status_sync")]
    NotATradeNotification(String),
    /// A parameter is missing or does not read as its type.
    #[error("the notification's `{name}` is {problem}")]
    Field {
        /// The parameter.
        name: &'static str,
        /// What is wrong, with the value.
        problem: String,
    },
    /// It names another app (check 5).
    #[error("the notification is for app `{got}`, not this app `{expected}`")]
    OtherApp {
        /// This app's id.
        expected: String,
        /// The notification's.
        got: String,
    },
    /// It names an order the merchant did not create (check 2).
    #[error(
        "the notification names out_trade_no `{0}`, which is not one of this merchant's orders"
    )]
    UnknownOrder(String),
    /// Its amount is not the order's (check 3).
    #[error(
        "the notification for out_trade_no `{out_trade_no}` says total_amount {}, but the order is for {expected}: not credited",
        got.map_or_else(|| "(none)".to_owned(), |m| m.to_string())
    )]
    Amount {
        /// The order.
        out_trade_no: String,
        /// The order's amount.
        expected: Money,
        /// The notification's.
        got: Option<Money>,
    },
    /// Its seller is not the order's (check 4).
    #[error(
        "the notification for out_trade_no `{out_trade_no}` names seller_id {}, but the order's seller is `{expected}`",
        got.as_deref().map_or_else(|| "(none)".to_owned(), |s| format!("`{s}`"))
    )]
    Seller {
        /// The order.
        out_trade_no: String,
        /// The order's seller.
        expected: String,
        /// The notification's.
        got: Option<String>,
    },
}

/// The notify type a trade notification carries.
pub const NOTIFY_TYPE: &str = "trade_status_sync";

/// What to answer Alipay: `success` once the notification is accepted (and
/// processed), anything else to have it sent again.
pub fn answer<T, E>(result: &Result<T, E>) -> &'static str {
    match result {
        Ok(_) => "success",
        Err(_) => "failure",
    }
}

/// Verifies a trade notification's raw form body and makes every check
/// Alipay prescribes: the signature (V1: `sign` and `sign_type` left out),
/// the notify type, `app_id` is `app_id`, and, for the order `expected`
/// returns for its `out_trade_no` (`None`: not an order of this merchant),
/// `total_amount` and `seller_id`.
pub fn accept(
    body: &[u8],
    alipay_public_key: &PublicKey,
    app_id: &str,
    expected: impl FnOnce(&str) -> Option<ExpectedOrder>,
) -> Result<TradeNotification, TradeNotifyError> {
    let raw = verify_notification(body, alipay_public_key, NotifyVariant::V1)?;
    let n = TradeNotification::read(raw)?;
    if n.app_id != app_id {
        return Err(TradeNotifyError::OtherApp {
            expected: app_id.to_owned(),
            got: n.app_id,
        });
    }
    let order = expected(&n.out_trade_no)
        .ok_or_else(|| TradeNotifyError::UnknownOrder(n.out_trade_no.clone()))?;
    if n.total_amount != Some(order.total_amount) {
        return Err(TradeNotifyError::Amount {
            out_trade_no: n.out_trade_no,
            expected: order.total_amount,
            got: n.total_amount,
        });
    }
    if let Some(seller) = order.seller_id {
        if n.seller_id.as_deref() != Some(seller.as_str()) {
            return Err(TradeNotifyError::Seller {
                out_trade_no: n.out_trade_no,
                expected: seller,
                got: n.seller_id,
            });
        }
    }
    Ok(n)
}

impl TradeNotification {
    /// Types a verified notification. Amounts and times that do not read
    /// are errors, not `None`: a notification is about money.
    pub fn read(raw: Notification) -> Result<TradeNotification, TradeNotifyError> {
        match raw.notify_type() {
            Some(NOTIFY_TYPE) => {}
            other => {
                return Err(TradeNotifyError::NotATradeNotification(
                    other.unwrap_or_default().to_owned(),
                ));
            }
        }
        let text = |k: &str| raw.get(k).filter(|v| !v.is_empty()).map(str::to_owned);
        let required = |k: &'static str| {
            text(k).ok_or(TradeNotifyError::Field {
                name: k,
                problem: "missing".into(),
            })
        };
        let money = |k: &'static str| -> Result<Option<Money>, TradeNotifyError> {
            text(k)
                .map(|v| {
                    v.parse().map_err(|e| TradeNotifyError::Field {
                        name: k,
                        problem: format!("`{v}`, not an amount: {e}"),
                    })
                })
                .transpose()
        };
        let time = |k: &'static str| -> Result<Option<DateTime>, TradeNotifyError> {
            text(k)
                .map(|v| {
                    v.parse().map_err(|e| TradeNotifyError::Field {
                        name: k,
                        problem: format!("`{v}`, not a yyyy-MM-dd HH:mm:ss time: {e}"),
                    })
                })
                .transpose()
        };
        Ok(TradeNotification {
            notify_time: time("notify_time")?,
            notify_id: text("notify_id"),
            app_id: required("app_id")?,
            trade_no: text("trade_no"),
            out_trade_no: required("out_trade_no")?,
            out_biz_no: text("out_biz_no"),
            buyer_id: text("buyer_id"),
            buyer_logon_id: text("buyer_logon_id"),
            seller_id: text("seller_id"),
            seller_email: text("seller_email"),
            trade_status: text("trade_status").map(|s| TradeStatus::from(s.as_str())),
            total_amount: money("total_amount")?,
            receipt_amount: money("receipt_amount")?,
            invoice_amount: money("invoice_amount")?,
            buyer_pay_amount: money("buyer_pay_amount")?,
            point_amount: money("point_amount")?,
            refund_fee: money("refund_fee")?,
            send_back_fee: money("send_back_fee")?,
            subject: text("subject"),
            body: text("body"),
            gmt_create: time("gmt_create")?,
            gmt_payment: time("gmt_payment")?,
            gmt_refund: text("gmt_refund"),
            gmt_close: time("gmt_close")?,
            passback_params: text("passback_params"),
            raw,
        })
    }
}
