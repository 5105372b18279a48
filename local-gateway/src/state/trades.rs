//! The trade plug-ins (统一收单): trades created by `alipay.trade.precreate`,
//! `alipay.trade.create` and `alipay.trade.pay` or seeded by the test, paid by
//! the simulated buyer ([`crate::LocalGateway::pay`]), queried, refunded,
//! closed and cancelled, with the documented refusals.
//!
//! A trade is keyed by the gateway's `trade_no`, and found by `out_trade_no`
//! through an index; when a request gives both, `trade_no` wins, as every
//! trade method's spec says (`precedence: [trade_no, out_trade_no]`). Every
//! answer about a trade carries the trade's own `trade_no` and
//! `out_trade_no`, so the client's binding check sees what was sent.

use std::collections::{BTreeMap, HashMap};

use alipay_api::alipay_trade_cancel::{
    Action, AlipayTradeCancelRequest, AlipayTradeCancelResponse,
};
use alipay_api::alipay_trade_close::{AlipayTradeCloseRequest, AlipayTradeCloseResponse};
use alipay_api::alipay_trade_create::{AlipayTradeCreateRequest, AlipayTradeCreateResponse};
use alipay_api::alipay_trade_fastpay_refund_query::{
    AlipayTradeFastpayRefundQueryRequest, AlipayTradeFastpayRefundQueryResponse, QueryOptions,
    RefundStatus,
};
use alipay_api::alipay_trade_pay::{AlipayTradePayRequest, AlipayTradePayResponse};
use alipay_api::alipay_trade_precreate::{
    AlipayTradePrecreateRequest, AlipayTradePrecreateResponse,
};
use alipay_api::alipay_trade_query::{AlipayTradeQueryRequest, AlipayTradeQueryResponse};
use alipay_api::alipay_trade_refund::{AlipayTradeRefundRequest, AlipayTradeRefundResponse};
use alipay_runtime::{DateTime, Money};

use super::{Node, State, refuse};
use crate::bill_file::Entry;
use crate::{PayError, TradeInfo, TradeStatus};

/// The simulated buyer: a test account's user id (2088 and twelve digits, as
/// Alipay's user ids are) and its masked logon id, as Alipay masks it.
const BUYER_USER_ID: &str = "2088000000000001";
const BUYER_LOGON_ID: &str = "buy***@example.com";

/// Who paid a trade.
#[derive(Clone)]
struct Buyer {
    user_id: String,
    logon_id: String,
    paid_at: DateTime,
}

impl Buyer {
    fn simulated(user_id: Option<&str>) -> Buyer {
        Buyer {
            user_id: user_id.unwrap_or(BUYER_USER_ID).to_owned(),
            logon_id: BUYER_LOGON_ID.to_owned(),
            paid_at: DateTime::now(),
        }
    }
}

/// A trade the gateway keeps books on.
pub(super) struct Trade {
    out_trade_no: String,
    total: Money,
    status: TradeStatus,
    subject: Option<String>,
    buyer: Option<Buyer>,
    /// The `qr_code` precreate answered, answered again to a resend.
    qr_code: Option<String>,
    /// Refunds by `out_request_no`.
    refunds: HashMap<String, Refund>,
    /// What `alipay.trade.cancel` did, replayed to a resend.
    cancelled: Option<Action>,
    /// Where notifications of this trade go: the `notify_url` of the
    /// request that created it.
    notify_url: Option<String>,
    created_at: DateTime,
    closed_at: Option<DateTime>,
}

/// One refund of a trade.
struct Refund {
    amount: Money,
    reason: Option<String>,
    at: DateTime,
    /// The answer to the refund request, replayed (with `fund_change` N) to
    /// a resend; `None` for a seeded refund.
    answer: Option<AlipayTradeRefundResponse>,
}

impl Trade {
    fn new(out_trade_no: &str, total: Money, subject: Option<&str>) -> Trade {
        Trade {
            out_trade_no: out_trade_no.to_owned(),
            total,
            status: TradeStatus::WaitBuyerPay,
            subject: subject.map(str::to_owned),
            buyer: None,
            qr_code: None,
            refunds: HashMap::new(),
            cancelled: None,
            notify_url: None,
            created_at: DateTime::now(),
            closed_at: None,
        }
    }

    /// The trade's `trade_status_sync` notification as it stands, with
    /// `extra` parameters, or `None` if it has no `notify_url`. Amounts are
    /// in yuan, times Beijing `yyyy-MM-dd HH:mm:ss`, as Alipay sends them.
    fn notification(
        &self,
        trade_no: &str,
        extra: &[(&str, String)],
    ) -> Option<(String, BTreeMap<String, String>)> {
        let url = self.notify_url.clone()?;
        let mut params: BTreeMap<String, String> = [
            ("notify_type", "trade_status_sync".to_owned()),
            ("charset", "utf-8".to_owned()),
            ("version", "1.0".to_owned()),
            ("trade_no", trade_no.to_owned()),
            ("out_trade_no", self.out_trade_no.clone()),
            ("seller_id", crate::notify::SELLER_ID.to_owned()),
            ("trade_status", self.status.as_str().to_owned()),
            ("total_amount", self.total.to_string()),
            ("gmt_create", self.created_at.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some(subject) = &self.subject {
            params.insert("subject".to_owned(), subject.clone());
        }
        if let Some(buyer) = &self.buyer {
            for (k, v) in [
                ("buyer_id", buyer.user_id.clone()),
                ("buyer_logon_id", buyer.logon_id.clone()),
                ("receipt_amount", self.total.to_string()),
                ("buyer_pay_amount", self.total.to_string()),
                ("invoice_amount", self.total.to_string()),
                ("gmt_payment", buyer.paid_at.to_string()),
            ] {
                params.insert(k.to_owned(), v);
            }
        }
        if let Some(closed_at) = self.closed_at {
            params.insert("gmt_close".to_owned(), closed_at.to_string());
        }
        for (k, v) in extra {
            params.insert((*k).to_owned(), v.clone());
        }
        Some((url, params))
    }

    /// Closes the trade now.
    fn close(&mut self) {
        self.status = TradeStatus::TradeClosed;
        self.closed_at = Some(DateTime::now());
    }

    /// What was refunded: the refunds, or all of it after a cancel that
    /// refunded.
    pub(super) fn refunded(&self) -> Money {
        if self.cancelled == Some(Action::Refund) {
            return self.total;
        }
        self.refunds.values().fold(Money::ZERO, |sum, r| {
            sum.checked_add(r.amount).unwrap_or(sum)
        })
    }

    fn info(&self, trade_no: &str) -> TradeInfo {
        TradeInfo {
            trade_no: trade_no.to_owned(),
            out_trade_no: self.out_trade_no.clone(),
            status: self.status.clone(),
            total: self.total,
            refunded: self.refunded(),
            buyer_user_id: self.buyer.as_ref().map(|b| b.user_id.clone()),
        }
    }

    fn pay(&mut self, buyer: Buyer) {
        self.status = TradeStatus::TradeSuccess;
        self.buyer = Some(buyer);
    }
}

/// `Some` of a field given non-empty.
fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|s| !s.is_empty())
}

/// Why a trade was not found.
enum Lookup {
    /// Neither identifier given (the spec's rules make this unreachable
    /// through validation; kept for the plug-in's own soundness).
    NoId,
    NotFound,
}

impl State {
    pub(crate) fn seed_trade(&mut self, trade_no: &str, out_trade_no: &str, total: Money) {
        let mut trade = Trade::new(out_trade_no, total, None);
        trade.pay(Buyer::simulated(None));
        self.insert_trade(trade_no.to_owned(), trade);
    }

    /// False if `trade_no` was never seeded.
    pub(crate) fn seed_trade_refund(
        &mut self,
        trade_no: &str,
        out_request_no: &str,
        amount: Money,
        reason: Option<&str>,
    ) -> bool {
        let Some(trade) = self.trades.get_mut(trade_no) else {
            return false;
        };
        trade.refunds.insert(
            out_request_no.to_owned(),
            Refund {
                amount,
                reason: reason.map(str::to_owned),
                at: DateTime::now(),
                answer: None,
            },
        );
        true
    }

    fn insert_trade(&mut self, trade_no: String, trade: Trade) {
        if let Some(old) = self.trades.get(&trade_no) {
            self.trade_nos.remove(&old.out_trade_no);
        }
        self.trade_nos
            .insert(trade.out_trade_no.clone(), trade_no.clone());
        self.trades.insert(trade_no, trade);
    }

    /// A fresh 28-digit trade number, shaped like Alipay's: the date, `22`,
    /// and a sequence number.
    fn next_trade_no(&mut self) -> String {
        let id = self.next_id();
        format!("{}22{:018}", &id[..8], self.last_id)
    }

    /// The trade a request names: by `trade_no` if given, else by
    /// `out_trade_no`.
    fn find(
        &mut self,
        trade_no: &Option<String>,
        out_trade_no: &Option<String>,
    ) -> Result<(String, &mut Trade), Lookup> {
        let trade_no = match (given(trade_no), given(out_trade_no)) {
            (Some(trade_no), _) => trade_no.to_owned(),
            (None, Some(out)) => self.trade_nos.get(out).cloned().ok_or(Lookup::NotFound)?,
            (None, None) => return Err(Lookup::NoId),
        };
        match self.trades.get_mut(&trade_no) {
            Some(trade) => Ok((trade_no, trade)),
            None => Err(Lookup::NotFound),
        }
    }

    /// The trade with this `out_trade_no`, for the test's inspection.
    pub(crate) fn trade_info(&self, out_trade_no: &str) -> Option<TradeInfo> {
        let trade_no = self.trade_nos.get(out_trade_no)?;
        Some(self.trades.get(trade_no)?.info(trade_no))
    }

    /// Every trade, for the control endpoint.
    pub(crate) fn trade_infos(&self) -> Vec<TradeInfo> {
        let mut all: Vec<TradeInfo> = self
            .trades
            .iter()
            .map(|(trade_no, trade)| trade.info(trade_no))
            .collect();
        all.sort_by(|a, b| a.out_trade_no.cmp(&b.out_trade_no));
        all
    }

    /// The buyer pays a trade waiting for payment (scanning its QR code, or
    /// paying at the cashier).
    pub(crate) fn simulate_pay(&mut self, out_trade_no: &str) -> Result<TradeInfo, PayError> {
        let found = self.find(&None, &Some(out_trade_no.to_owned()));
        let Ok((trade_no, trade)) = found else {
            return Err(PayError::UnknownTrade {
                out_trade_no: out_trade_no.to_owned(),
            });
        };
        if trade.status != TradeStatus::WaitBuyerPay {
            return Err(PayError::NotWaiting {
                out_trade_no: out_trade_no.to_owned(),
                status: trade.status.clone(),
            });
        }
        trade.pay(Buyer::simulated(None));
        let info = trade.info(&trade_no);
        let notification = trade.notification(&trade_no, &[]);
        self.notify_of(notification);
        Ok(info)
    }

    /// The trade a page form (`alipay.trade.page.pay`, `wap.pay`) or an app
    /// order string (`alipay.trade.app.pay`) asks for, waiting for the buyer:
    /// a new one, or the same one again for an `out_trade_no` already used
    /// with the same amount and still waiting, as precreate and create do.
    /// `Err`: the code of the refusal (`ACQ.TRADE_HAS_SUCCESS`,
    /// `ACQ.TRADE_HAS_CLOSE`, `ACQ.CONTEXT_INCONSISTENT`).
    pub(crate) fn open_trade(
        &mut self,
        out_trade_no: &str,
        total: Money,
        subject: &str,
    ) -> Result<String, &'static str> {
        if let Some(reused) = self.reuse(out_trade_no, total) {
            return reused;
        }
        let trade_no = self.next_trade_no();
        let trade = self.new_trade(out_trade_no, total, Some(subject));
        self.insert_trade(trade_no.clone(), trade);
        Ok(trade_no)
    }

    /// The trade with this `trade_no` and its subject, for the cashier page.
    pub(crate) fn trade_by_no(&self, trade_no: &str) -> Option<(TradeInfo, Option<String>)> {
        let trade = self.trades.get(trade_no)?;
        Some((trade.info(trade_no), trade.subject.clone()))
    }

    /// Queues a trade's notification, if it has a `notify_url`.
    fn notify_of(&mut self, notification: Option<(String, BTreeMap<String, String>)>) {
        if let Some((url, params)) = notification {
            self.notify(url, params);
        }
    }

    /// A new trade, keeping the request's `notify_url`.
    fn new_trade(&self, out_trade_no: &str, total: Money, subject: Option<&str>) -> Trade {
        let mut trade = Trade::new(out_trade_no, total, subject);
        trade.notify_url = self.notify_url.clone();
        trade
    }

    /// What precreate, create and pay answer for an `out_trade_no` already
    /// used: `Ok` with the trade number to answer again for the same trade
    /// still waiting, else the documented refusal's code.
    fn reuse(&self, out_trade_no: &str, total: Money) -> Option<Result<String, &'static str>> {
        let trade_no = self.trade_nos.get(out_trade_no)?;
        let trade = self.trades.get(trade_no)?;
        Some(if trade.status == TradeStatus::TradeSuccess {
            Err("ACQ.TRADE_HAS_SUCCESS")
        } else if trade.status != TradeStatus::WaitBuyerPay {
            Err("ACQ.TRADE_HAS_CLOSE")
        } else if trade.total != total {
            Err("ACQ.CONTEXT_INCONSISTENT")
        } else {
            Ok(trade_no.clone())
        })
    }

    /// `alipay.trade.precreate`: a trade waiting for the buyer to scan its
    /// QR code, `{gateway}/qr/{trade_no}`.
    pub(super) fn trade_precreate(
        &mut self,
        request: AlipayTradePrecreateRequest,
    ) -> Option<AlipayTradePrecreateResponse> {
        if request.total_amount == Money::ZERO {
            return None;
        }
        let trade_no = match self.reuse(&request.out_trade_no, request.total_amount) {
            Some(Err(code)) => return Some(refuse(code)),
            Some(Ok(trade_no)) => trade_no,
            None => {
                let trade_no = self.next_trade_no();
                let trade = self.new_trade(
                    &request.out_trade_no,
                    request.total_amount,
                    request.subject.as_deref(),
                );
                self.insert_trade(trade_no.clone(), trade);
                trade_no
            }
        };
        let qr_code = format!("{}/qr/{trade_no}", self.base_url);
        let trade = self.trades.get_mut(&trade_no)?;
        let qr_code = trade.qr_code.get_or_insert(qr_code).clone();
        let mut node = AlipayTradePrecreateResponse::success();
        node.out_trade_no = Some(request.out_trade_no);
        node.qr_code = Some(qr_code);
        Some(node)
    }

    /// `alipay.trade.create`: a trade waiting for the buyer to pay.
    pub(super) fn trade_create(
        &mut self,
        request: AlipayTradeCreateRequest,
    ) -> Option<AlipayTradeCreateResponse> {
        if request.total_amount == Money::ZERO {
            return None;
        }
        let trade_no = match self.reuse(&request.out_trade_no, request.total_amount) {
            Some(Err(code)) => return Some(refuse(code)),
            Some(Ok(trade_no)) => trade_no,
            None => {
                let trade_no = self.next_trade_no();
                let trade = self.new_trade(
                    &request.out_trade_no,
                    request.total_amount,
                    Some(&request.subject),
                );
                self.insert_trade(trade_no.clone(), trade);
                trade_no
            }
        };
        let mut node = AlipayTradeCreateResponse::success();
        node.out_trade_no = Some(request.out_trade_no);
        node.trade_no = Some(trade_no);
        Some(node)
    }

    /// `alipay.trade.pay` (barcode): the buyer's code is taken as valid, so
    /// the trade is paid at once.
    pub(super) fn trade_pay(
        &mut self,
        request: AlipayTradePayRequest,
    ) -> Option<AlipayTradePayResponse> {
        if request.total_amount == Money::ZERO {
            return None;
        }
        let trade_no = match self.reuse(&request.out_trade_no, request.total_amount) {
            Some(Err(code)) => return Some(refuse(code)),
            Some(Ok(trade_no)) => trade_no,
            None => {
                let trade_no = self.next_trade_no();
                let trade = self.new_trade(
                    &request.out_trade_no,
                    request.total_amount,
                    Some(&request.subject),
                );
                self.insert_trade(trade_no.clone(), trade);
                trade_no
            }
        };
        let trade = self.trades.get_mut(&trade_no)?;
        let buyer = Buyer::simulated(given(&request.buyer_id));
        trade.pay(buyer.clone());
        let mut node = AlipayTradePayResponse::success();
        node.trade_no = Some(trade_no);
        node.out_trade_no = Some(request.out_trade_no);
        node.buyer_logon_id = Some(buyer.logon_id);
        node.buyer_user_id = Some(buyer.user_id);
        node.total_amount = Some(trade.total);
        node.receipt_amount = Some(trade.total);
        node.buyer_pay_amount = Some(trade.total);
        node.invoice_amount = Some(trade.total);
        node.gmt_payment = Some(buyer.paid_at);
        let notification = trade.notification(node.trade_no.as_deref().unwrap_or_default(), &[]);
        self.notify_of(notification);
        Some(node)
    }

    /// `alipay.trade.query`.
    pub(super) fn trade_query(
        &mut self,
        request: AlipayTradeQueryRequest,
    ) -> AlipayTradeQueryResponse {
        let (trade_no, trade) = match self.find(&request.trade_no, &request.out_trade_no) {
            Ok(found) => found,
            Err(Lookup::NoId) => return refuse("ACQ.INVALID_PARAMETER"),
            Err(Lookup::NotFound) => return refuse("ACQ.TRADE_NOT_EXIST"),
        };
        let mut node = AlipayTradeQueryResponse::success();
        node.trade_no = Some(trade_no);
        node.out_trade_no = Some(trade.out_trade_no.clone());
        node.trade_status = Some(trade.status.clone());
        node.total_amount = Some(trade.total);
        node.subject = trade.subject.clone();
        if let Some(buyer) = &trade.buyer {
            node.buyer_logon_id = Some(buyer.logon_id.clone());
            node.buyer_user_id = Some(buyer.user_id.clone());
            node.buyer_pay_amount = Some(trade.total);
            node.receipt_amount = Some(trade.total);
            node.invoice_amount = Some(trade.total);
            node.send_pay_date = Some(buyer.paid_at);
        }
        node
    }

    /// `alipay.trade.refund`: partial refunds, each under its own
    /// `out_request_no`, never beyond what remains.
    pub(super) fn trade_refund(
        &mut self,
        request: AlipayTradeRefundRequest,
    ) -> Option<AlipayTradeRefundResponse> {
        if request.refund_amount == Money::ZERO {
            return None;
        }
        let (trade_no, trade) = match self.find(&request.trade_no, &request.out_trade_no) {
            Ok(found) => found,
            Err(Lookup::NoId) => return None,
            Err(Lookup::NotFound) => return Some(refuse("ACQ.TRADE_NOT_EXIST")),
        };
        // A refund sent without out_request_no is filed under the trade's
        // out_trade_no, as alipay.trade.fastpay.refund.query finds it ("如果
        // 在退款请求时未传入，则该值为创建交易时的外部交易号",
        // https://docs.open.alipay.com/api_1/alipay.trade.fastpay.refund.query);
        // only a refund of the whole amount may leave it out (alipay.trade.refund's
        // notes: a partial refund without it is ACQ.REFUND_AMT_NOT_EQUAL_TOTAL).
        let out_request_no = match given(&request.out_request_no) {
            Some(no) => no.to_owned(),
            None if request.refund_amount == trade.total => trade.out_trade_no.clone(),
            None => return Some(refuse("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")),
        };
        // A resend of a refund already made: the same answer, no money moves
        // (fund_change N); the same number with another amount is refused.
        if let Some(earlier) = trade.refunds.get(&out_request_no) {
            if earlier.amount != request.refund_amount {
                return Some(refuse("ACQ.DISCORDANT_REPEAT_REQUEST"));
            }
            if let Some(answer) = &earlier.answer {
                let mut answer = answer.clone();
                answer.fund_change = Some("N".to_owned());
                return Some(answer);
            }
        }
        match trade.status {
            TradeStatus::TradeSuccess => {}
            TradeStatus::WaitBuyerPay => return Some(refuse("ACQ.TRADE_STATUS_ERROR")),
            TradeStatus::TradeFinished => return Some(refuse("ACQ.TRADE_HAS_FINISHED")),
            _ => return Some(refuse("ACQ.TRADE_HAS_CLOSE")),
        }
        let refunded = trade.refunded();
        let remaining = trade.total.checked_sub(refunded).unwrap_or(Money::ZERO);
        let Some(refunded) = refunded
            .checked_add(request.refund_amount)
            .filter(|_| request.refund_amount <= remaining)
        else {
            return Some(refuse("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"));
        };
        // Refunded in full: the trade closes (TRADE_CLOSED: 支付完成后全额退款).
        if refunded == trade.total {
            trade.close();
        }
        let now = DateTime::now();
        let mut node = AlipayTradeRefundResponse::success();
        node.trade_no = Some(trade_no);
        node.out_trade_no = Some(trade.out_trade_no.clone());
        if let Some(buyer) = &trade.buyer {
            node.buyer_logon_id = Some(buyer.logon_id.clone());
            node.buyer_user_id = Some(buyer.user_id.clone());
        }
        node.fund_change = Some("Y".to_owned());
        node.refund_fee = Some(refunded);
        node.gmt_refund_pay = Some(now);
        let out_request_no_sent = out_request_no.clone();
        trade.refunds.insert(
            out_request_no,
            Refund {
                amount: request.refund_amount,
                reason: given(&request.refund_reason).map(str::to_owned),
                at: now,
                answer: Some(node.clone()),
            },
        );
        // The refund's notification: the trade as it now stands, with the
        // total refunded, the refund's number and time (with milliseconds,
        // as Alipay sends gmt_refund).
        let notification = trade.notification(
            node.trade_no.as_deref().unwrap_or_default(),
            &[
                ("refund_fee", refunded.to_string()),
                ("out_biz_no", out_request_no_sent),
                ("gmt_refund", format!("{now}.000")),
            ],
        );
        self.notify_of(notification);
        Some(node)
    }

    /// `alipay.trade.fastpay.refund.query`.
    pub(super) fn fastpay_refund_query(
        &mut self,
        request: AlipayTradeFastpayRefundQueryRequest,
    ) -> AlipayTradeFastpayRefundQueryResponse {
        let (trade_no, trade) = match self.find(&request.trade_no, &request.out_trade_no) {
            Ok(found) => found,
            Err(Lookup::NoId) => return refuse("ACQ.INVALID_PARAMETER"),
            Err(Lookup::NotFound) => return refuse("ACQ.TRADE_NOT_EXIST"),
        };
        let mut node = AlipayTradeFastpayRefundQueryResponse::success();
        node.trade_no = Some(trade_no);
        node.out_trade_no = Some(trade.out_trade_no.clone());
        node.out_request_no = Some(request.out_request_no.clone());
        // Success without refund details: no such refund.
        let Some(refund) = trade.refunds.get(&request.out_request_no) else {
            return node;
        };
        node.total_amount = Some(trade.total);
        node.refund_amount = Some(refund.amount);
        node.refund_status = Some(RefundStatus::RefundSuccess);
        node.refund_reason = refund.reason.clone();
        let wants_gmt_refund_pay = request
            .query_options
            .iter()
            .flatten()
            .any(|option| *option == QueryOptions::GmtRefundPay);
        if wants_gmt_refund_pay {
            node.gmt_refund_pay = Some(refund.at);
        }
        node
    }

    /// `alipay.trade.close`: only a trade waiting for payment closes.
    pub(super) fn trade_close(
        &mut self,
        request: AlipayTradeCloseRequest,
    ) -> AlipayTradeCloseResponse {
        let (trade_no, trade) = match self.find(&request.trade_no, &request.out_trade_no) {
            Ok(found) => found,
            Err(Lookup::NoId) => return refuse("ACQ.INVALID_PARAMETER"),
            Err(Lookup::NotFound) => return refuse("ACQ.TRADE_NOT_EXIST"),
        };
        if trade.status != TradeStatus::WaitBuyerPay {
            return refuse("ACQ.TRADE_STATUS_ERROR");
        }
        trade.close();
        let mut node = AlipayTradeCloseResponse::success();
        node.out_trade_no = Some(trade.out_trade_no.clone());
        let notification = trade.notification(&trade_no, &[]);
        node.trade_no = Some(trade_no);
        self.notify_of(notification);
        node
    }

    /// `alipay.trade.cancel`, as its spec describes `action`: an unpaid
    /// trade is closed (`close`), a paid one refunded in full (`refund`), an
    /// unknown one answered without an action. A resend answers the same.
    pub(super) fn trade_cancel(
        &mut self,
        request: AlipayTradeCancelRequest,
    ) -> AlipayTradeCancelResponse {
        let mut node = AlipayTradeCancelResponse::success();
        node.retry_flag = Some("N".to_owned());
        let (trade_no, trade) = match self.find(&request.trade_no, &request.out_trade_no) {
            Ok(found) => found,
            Err(Lookup::NoId) => return refuse("ACQ.INVALID_PARAMETER"),
            Err(Lookup::NotFound) => {
                // 未返回 [action]：未查询到交易.
                node.out_trade_no = given(&request.out_trade_no).map(str::to_owned);
                return node;
            }
        };
        let action = match (&trade.cancelled, &trade.status) {
            (Some(done), _) => done.clone(),
            (None, TradeStatus::WaitBuyerPay) => Action::Close,
            (None, TradeStatus::TradeSuccess) if trade.refunds.is_empty() => Action::Refund,
            // 已经退款场景下不能再发起撤销.
            (None, TradeStatus::TradeSuccess) => return refuse("ACQ.REASON_TRADE_REFUND_FEE_ERR"),
            (None, TradeStatus::TradeFinished) => return refuse("ACQ.TRADE_HAS_FINISHED"),
            // Closed by alipay.trade.close or refunded in full: nothing to undo.
            (None, _) if trade.refunds.is_empty() => Action::Close,
            (None, _) => return refuse("ACQ.REASON_TRADE_REFUND_FEE_ERR"),
        };
        // A resend, or a cancel of a trade already closed, changes nothing,
        // so notifies nothing.
        let already = trade.cancelled.is_some() || trade.status == TradeStatus::TradeClosed;
        if !already {
            trade.close();
        }
        trade.cancelled = Some(action.clone());
        node.out_trade_no = Some(trade.out_trade_no.clone());
        let notification = if already {
            None
        } else if action == Action::Refund {
            let refunded = trade.refunded().to_string();
            trade.notification(&trade_no, &[("refund_fee", refunded)])
        } else {
            trade.notification(&trade_no, &[])
        };
        node.trade_no = Some(trade_no);
        node.action = Some(action);
        self.notify_of(notification);
        node
    }
}

impl State {
    /// Every payment and every refund on the books, one entry each, for the
    /// bills (in no order).
    pub(super) fn bill_entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        for (trade_no, trade) in &self.trades {
            let Some(buyer) = &trade.buyer else { continue };
            let entry = |refund: Option<String>, amount: Money, completed: DateTime| Entry {
                trade_no: trade_no.clone(),
                out_trade_no: trade.out_trade_no.clone(),
                refund,
                subject: trade.subject.clone().unwrap_or_default(),
                created: trade.created_at,
                completed,
                buyer_logon_id: buyer.logon_id.clone(),
                amount,
            };
            entries.push(entry(None, trade.total, buyer.paid_at));
            for (out_request_no, refund) in &trade.refunds {
                entries.push(entry(
                    Some(out_request_no.clone()),
                    refund.amount,
                    refund.at,
                ));
            }
            // A cancel that refunded is a refund of the whole, without a
            // request number of its own.
            if let (Some(Action::Refund), Some(at)) = (&trade.cancelled, trade.closed_at) {
                entries.push(entry(Some(String::new()), trade.total, at));
            }
        }
        entries
    }
}
