//! App payments (`alipay.trade.app.pay`): the order string the merchant's
//! server signs (`Client::sdk_order_string`) is paid here as the Alipay app
//! would pay it, through [`crate::LocalGateway::pay_order_string`] or
//! `POST /__control/pay_order_string`.

use std::collections::BTreeMap;
use std::fmt;

use alipay_api::alipay_trade_app_pay::AlipayTradeAppPayRequest;

use crate::cashier::{meaning, sub};
use crate::notify::Event;
use crate::server::{self, non_empty};
use crate::state::State;
use crate::{Shared, TradeInfo};

/// Why an app order string was not paid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderStringError {
    /// The gateway refuses the order string as it refuses a call: its
    /// signature, app id, timestamp or `biz_content`.
    Refused {
        /// The gateway's sub-code, e.g. `isv.invalid-signature`.
        sub_code: String,
        /// Its message.
        sub_msg: String,
        /// The gateway's detail (the violations of `biz_content`), if any.
        detail: Option<String>,
    },
    /// The order string is for another method.
    NotAppPay {
        /// The method it names.
        method: String,
    },
    /// Its `out_trade_no` names a trade that cannot be paid: already paid
    /// (`ACQ.TRADE_HAS_SUCCESS`), closed (`ACQ.TRADE_HAS_CLOSE`) or of
    /// another amount (`ACQ.CONTEXT_INCONSISTENT`).
    Trade {
        /// The order number.
        out_trade_no: String,
        /// The business code.
        sub_code: &'static str,
        /// Its documented meaning.
        sub_msg: &'static str,
    },
}

impl fmt::Display for OrderStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderStringError::Refused {
                sub_code,
                sub_msg,
                detail,
            } => {
                write!(f, "the order string is refused: {sub_code} ({sub_msg})")?;
                if let Some(detail) = detail {
                    write!(f, ": {detail}")?;
                }
                write!(
                    f,
                    "; sign it with Client::sdk_order_string and the app key the gateway knows, \
                     and pass it on unchanged"
                )
            }
            OrderStringError::NotAppPay { method } => write!(
                f,
                "the order string is for {method:?}, not {}: only app payments are paid \
                 this way (page payments go through the cashier page)",
                alipay_api::alipay_trade_app_pay::METHOD
            ),
            OrderStringError::Trade {
                out_trade_no,
                sub_code,
                sub_msg,
            } => write!(
                f,
                "out_trade_no {out_trade_no:?} cannot be paid: {sub_code} ({sub_msg}); \
                 use a new out_trade_no for a new payment"
            ),
        }
    }
}

impl std::error::Error for OrderStringError {}

/// Pays an app order string as the Alipay app would: checked as a call is,
/// then the trade is made (or found again, still waiting) and paid, and its
/// notification taken from the outbox under the same lock as the payment (a
/// concurrent request must not take it): the caller dispatches it.
pub(crate) fn pay_order_string(
    shared: &Shared,
    text: &str,
) -> (Result<TradeInfo, OrderStringError>, Vec<Event>) {
    match checked_order(shared, text) {
        Ok((params, request)) => {
            let mut state = shared.lock();
            let paid = pay_checked(&mut state, &params, request);
            (paid, state.take_outbox())
        }
        Err(e) => (Err(e), Vec::new()),
    }
}

/// The order string's parameters and request, checked as a call is.
fn checked_order(
    shared: &Shared,
    text: &str,
) -> Result<(BTreeMap<String, String>, AlipayTradeAppPayRequest), OrderStringError> {
    let params: BTreeMap<String, String> = form_urlencoded::parse(text.trim().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let checked = server::check(shared, &params).map_err(|reply| {
        let (sub_code, sub_msg) = sub(&reply.node);
        OrderStringError::Refused {
            sub_code,
            sub_msg,
            detail: reply.detail.clone(),
        }
    })?;
    if checked.name != alipay_api::alipay_trade_app_pay::METHOD {
        return Err(OrderStringError::NotAppPay {
            method: checked.name.to_owned(),
        });
    }
    let request: AlipayTradeAppPayRequest =
        serde_json::from_value(checked.biz.clone()).map_err(|e| OrderStringError::Refused {
            sub_code: "isv.invalid-parameter".to_owned(),
            sub_msg: "biz_content is not an alipay.trade.app.pay request".to_owned(),
            detail: Some(e.to_string()),
        })?;
    Ok((params, request))
}

/// Makes (or finds again) the trade of a checked order string and pays it.
fn pay_checked(
    state: &mut State,
    params: &BTreeMap<String, String>,
    request: AlipayTradeAppPayRequest,
) -> Result<TradeInfo, OrderStringError> {
    state.notify_url = non_empty(params, "notify_url").map(str::to_owned);
    let out_trade_no = request.out_trade_no;
    state
        .open_trade(&out_trade_no, request.total_amount, &request.subject)
        .map_err(|code| OrderStringError::Trade {
            out_trade_no: out_trade_no.clone(),
            sub_code: code,
            sub_msg: meaning(code),
        })?;
    state
        .simulate_pay(&out_trade_no)
        .map_err(|_| OrderStringError::Trade {
            out_trade_no: out_trade_no.clone(),
            sub_code: "ACQ.TRADE_HAS_SUCCESS",
            sub_msg: meaning("ACQ.TRADE_HAS_SUCCESS"),
        })
}
