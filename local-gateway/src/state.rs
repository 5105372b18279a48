//! The plug-ins: the gateway's in-memory books and the business rules of the
//! methods whose answers depend on them (refund ledgers, idempotent resends,
//! queries of what was refunded). Every other method is answered generically
//! from its spec; a plug-in runs only on a request that passed the spec's
//! validation.
//!
//! Everything here is synchronous and runs under the gateway's mutex: a
//! request either moves money and records it, or changes nothing.
//!
//! `out_request_no` is unique per order, not across orders: Alipay's page of
//! `alipay.fund.trans.refund` says a transfer "支持单笔交易分多次退回,多次退款
//! 需要提交原支付订单的商户订单号和设置不同的退款单号"
//! (<https://docs.open.alipay.com/api_28/alipay.fund.trans.refund/>), and of
//! trade refunds Alipay's community article says "同一笔交易多次退款需要保证
//! 唯一" (<https://developer.aliyun.com/article/707486>). No source states the
//! scope for `alipay.fund.coupon.order.refund` (its document says only
//! "不可重复"); it is scoped per red packet (`auth_no`) like its siblings.

mod bills;
mod trades;
mod transfers;

pub(crate) use bills::{Bills, Download};

use std::collections::{BTreeMap, HashMap, VecDeque};

use alipay_api::alipay_data_dataservice_bill_downloadurl_query::AlipayDataDataserviceBillDownloadurlQueryResponse;
use alipay_api::alipay_fund_coupon_operation_query::{
    AlipayFundCouponOperationQueryRequest, AlipayFundCouponOperationQueryResponse, OperationType,
    Status as OperationStatus,
};
use alipay_api::alipay_fund_coupon_order_refund::{
    AlipayFundCouponOrderRefundErrorCode, AlipayFundCouponOrderRefundRequest,
    AlipayFundCouponOrderRefundResponse, Status as CouponRefundStatus,
};
use alipay_api::alipay_fund_trans_common_query::AlipayFundTransCommonQueryResponse;
use alipay_api::alipay_fund_trans_order_query::AlipayFundTransOrderQueryResponse;
use alipay_api::alipay_fund_trans_refund::{
    AlipayFundTransRefundErrorCode, AlipayFundTransRefundRequest, AlipayFundTransRefundResponse,
    Status as TransRefundStatus,
};
use alipay_api::alipay_fund_trans_uni_transfer::AlipayFundTransUniTransferResponse;
use alipay_api::alipay_trade_cancel::AlipayTradeCancelResponse;
use alipay_api::alipay_trade_close::AlipayTradeCloseResponse;
use alipay_api::alipay_trade_create::AlipayTradeCreateResponse;
use alipay_api::alipay_trade_fastpay_refund_query::AlipayTradeFastpayRefundQueryResponse;
use alipay_api::alipay_trade_pay::AlipayTradePayResponse;
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateResponse;
use alipay_api::alipay_trade_query::AlipayTradeQueryResponse;
use alipay_api::alipay_trade_refund::AlipayTradeRefundResponse;
use alipay_runtime::{AlipayResponse, DateTime, ErrorCode, Money};
use serde::Serialize;

use crate::Fault;
use crate::notify::{Delivery, Event, NotifyFault};

/// `code`/`msg` of a success.
const SUCCESS: (&str, &str) = ("10000", "Success");
/// `code`/`msg` of a business failure.
const BUSINESS_FAILED: (&str, &str) = ("40004", "Business Failed");

/// A generated response type: they all start with `code`, `msg`, `sub_code`
/// and `sub_msg`.
pub(crate) trait Node: Default + Serialize {
    /// Sets the gateway code, its message and the optional sub-code.
    fn set_result(&mut self, code: (&str, &str), sub: Option<(&str, &str)>);

    /// An empty node with `code`/`msg` (and `sub_code`/`sub_msg`) set.
    fn with_result(code: (&str, &str), sub: Option<(&str, &str)>) -> Self {
        let mut node = Self::default();
        node.set_result(code, sub);
        node
    }

    /// An empty success node.
    fn success() -> Self {
        Self::with_result(SUCCESS, None)
    }

    /// An empty `40004 Business Failed` node with a business sub-code.
    fn failed(sub_code: &str, sub_msg: &str) -> Self {
        Self::with_result(BUSINESS_FAILED, Some((sub_code, sub_msg)))
    }
}

/// A `40004 Business Failed` node with a business code the method's spec
/// documents, its documented meaning as `sub_msg` (empty where the spec
/// gives none). The plug-ins answer no other code: a code the spec does not
/// list has no documented meaning for the client to act on.
///
/// # Panics
///
/// If the method's spec does not list `code`: a bug in a plug-in, caught by
/// its tests.
fn refuse<R: Node + AlipayResponse>(code: &str) -> R {
    let documented = R::ErrorCode::from_code(code);
    assert!(
        documented.is_listed(),
        "plug-in bug: {code} is not a code of this method's spec"
    );
    R::failed(code, documented.meaning().unwrap_or_default())
}

macro_rules! impl_node {
    ($($ty:ty),* $(,)?) => {$(
        impl Node for $ty {
            fn set_result(&mut self, code: (&str, &str), sub: Option<(&str, &str)>) {
                self.code = Some(code.0.to_owned());
                self.msg = Some(code.1.to_owned());
                self.sub_code = sub.map(|s| s.0.to_owned());
                self.sub_msg = sub.map(|s| s.1.to_owned());
            }
        }
    )*};
}

impl_node!(
    AlipayFundCouponOrderRefundResponse,
    AlipayFundTransRefundResponse,
    AlipayTradeFastpayRefundQueryResponse,
    AlipayFundCouponOperationQueryResponse,
    AlipayTradePrecreateResponse,
    AlipayTradeCreateResponse,
    AlipayTradePayResponse,
    AlipayTradeQueryResponse,
    AlipayTradeRefundResponse,
    AlipayTradeCloseResponse,
    AlipayTradeCancelResponse,
    AlipayFundTransUniTransferResponse,
    AlipayFundTransCommonQueryResponse,
    AlipayFundTransOrderQueryResponse,
    AlipayDataDataserviceBillDownloadurlQueryResponse,
);

/// The methods with a plug-in. `alipay.trade.page.pay`, `wap.pay` and
/// `app.pay` have none: they are not server calls (the client builds a page
/// or an order string for the buyer's browser or app); the cashier
/// (`crate::cashier`) serves them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    CouponOrderRefund,
    FundTransRefund,
    FastpayRefundQuery,
    CouponOperationQuery,
    TradePrecreate,
    TradeCreate,
    TradePay,
    TradeQuery,
    TradeRefund,
    TradeClose,
    TradeCancel,
    UniTransfer,
    TransCommonQuery,
    TransOrderQuery,
    BillDownloadurlQuery,
}

impl Method {
    pub(crate) fn from_name(name: &str) -> Option<Method> {
        use alipay_api as api;
        Some(match name {
            api::alipay_fund_coupon_order_refund::METHOD => Method::CouponOrderRefund,
            api::alipay_fund_trans_refund::METHOD => Method::FundTransRefund,
            api::alipay_trade_fastpay_refund_query::METHOD => Method::FastpayRefundQuery,
            api::alipay_fund_coupon_operation_query::METHOD => Method::CouponOperationQuery,
            api::alipay_trade_precreate::METHOD => Method::TradePrecreate,
            api::alipay_trade_create::METHOD => Method::TradeCreate,
            api::alipay_trade_pay::METHOD => Method::TradePay,
            api::alipay_trade_query::METHOD => Method::TradeQuery,
            api::alipay_trade_refund::METHOD => Method::TradeRefund,
            api::alipay_trade_close::METHOD => Method::TradeClose,
            api::alipay_trade_cancel::METHOD => Method::TradeCancel,
            api::alipay_fund_trans_uni_transfer::METHOD => Method::UniTransfer,
            api::alipay_fund_trans_common_query::METHOD => Method::TransCommonQuery,
            api::alipay_fund_trans_order_query::METHOD => Method::TransOrderQuery,
            api::alipay_data_dataservice_bill_downloadurl_query::METHOD => {
                Method::BillDownloadurlQuery
            }
            _ => return None,
        })
    }

    /// Decodes `biz_content` as this method's request and answers it with
    /// the node text, or `None` if `biz_content` is not a valid request.
    pub(crate) fn process(self, state: &mut State, biz_content: &str) -> Option<String> {
        /// `biz_content` as the request type the handler takes.
        macro_rules! answer {
            ($handler:ident) => {
                to_json(&state.$handler(serde_json::from_str(biz_content).ok()?))
            };
            ($handler:ident?) => {
                to_json(&state.$handler(serde_json::from_str(biz_content).ok()?)?)
            };
        }
        Some(match self {
            Method::CouponOrderRefund => answer!(coupon_order_refund?),
            Method::FundTransRefund => answer!(fund_trans_refund?),
            Method::FastpayRefundQuery => answer!(fastpay_refund_query),
            Method::CouponOperationQuery => answer!(coupon_operation_query),
            Method::TradePrecreate => answer!(trade_precreate?),
            Method::TradeCreate => answer!(trade_create?),
            Method::TradePay => answer!(trade_pay?),
            Method::TradeQuery => answer!(trade_query),
            Method::TradeRefund => answer!(trade_refund?),
            Method::TradeClose => answer!(trade_close),
            Method::TradeCancel => answer!(trade_cancel),
            Method::UniTransfer => answer!(uni_transfer?),
            Method::TransCommonQuery => answer!(trans_common_query),
            Method::TransOrderQuery => answer!(trans_order_query),
            Method::BillDownloadurlQuery => answer!(bill_downloadurl_query),
        })
    }
}

/// Compact JSON of a node.
pub(crate) fn to_json<T: Serialize>(node: &T) -> String {
    serde_json::to_string(node).expect("response nodes serialize")
}

fn coupon_msg(code: &str) -> &'static str {
    AlipayFundCouponOrderRefundErrorCode::from(code)
        .meaning()
        .unwrap_or("")
}

fn trans_msg(code: &str) -> &'static str {
    AlipayFundTransRefundErrorCode::from(code)
        .meaning()
        .unwrap_or("")
}

/// A seeded red packet (`alipay.fund.coupon.order.*`).
struct RedPacket {
    out_order_no: String,
    amount: Money,
    refunded: Money,
}

/// PAY or REFUND.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OperationKind {
    Pay,
    Refund,
}

/// One fund operation on a red packet, for `alipay.fund.coupon.operation.query`.
struct Operation {
    kind: OperationKind,
    operation_id: String,
    auth_no: String,
    out_order_no: String,
    out_request_no: String,
    amount: Money,
    remark: Option<String>,
    gmt_create: DateTime,
    gmt_trans: DateTime,
}

/// A seeded transfer (`alipay.fund.trans.refund`).
struct Transfer {
    amount: Money,
    refunded: Money,
}

/// Everything the gateway knows, behind its mutex.
#[derive(Default)]
pub(crate) struct State {
    red_packets: HashMap<String, RedPacket>,
    /// Successful coupon refunds by `(auth_no, out_request_no)`: the request
    /// and the answer, replayed for an identical resend.
    coupon_refunds: HashMap<
        (String, String),
        (
            AlipayFundCouponOrderRefundRequest,
            AlipayFundCouponOrderRefundResponse,
        ),
    >,
    operations: Vec<Operation>,
    transfers: HashMap<String, Transfer>,
    /// Successful transfer refunds by `(order_id, out_request_no)`.
    trans_refunds:
        HashMap<(String, String), (AlipayFundTransRefundRequest, AlipayFundTransRefundResponse)>,
    /// Trades by `trade_no`.
    trades: HashMap<String, trades::Trade>,
    /// `trade_no` by `out_trade_no`.
    trade_nos: HashMap<String, String>,
    /// Transfers by `out_biz_no`.
    payouts: HashMap<String, transfers::Payout>,
    last_id: u64,
    /// `http://host:port`, for the URLs the gateway answers (`qr_code`).
    base_url: String,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) last_params: Option<BTreeMap<String, String>>,
    /// The `notify_url` of the request being processed, kept by the trade
    /// it creates.
    pub(crate) notify_url: Option<String>,
    pub(crate) notify_faults: VecDeque<NotifyFault>,
    /// Notifications recorded by the plug-ins, not yet dispatched.
    outbox: Vec<Event>,
    pub(crate) deliveries: Vec<Delivery>,
    /// The bill links answered.
    pub(crate) bills: Bills,
    /// What the cashier keeps of each page payment, by `trade_no`.
    pub(crate) checkouts: HashMap<String, crate::cashier::Checkout>,
}

impl State {
    /// Empty books for a gateway at `base_url` (`http://host:port`).
    pub(crate) fn new(base_url: String) -> State {
        State {
            base_url,
            ..State::default()
        }
    }

    /// Queues a notification to `url` with the next notify fault, under a
    /// fresh `notify_id`.
    fn notify(&mut self, url: String, mut params: BTreeMap<String, String>) {
        let notify_id = self.next_id();
        params.insert("notify_id".to_owned(), notify_id);
        let fault = self.notify_faults.pop_front();
        self.outbox.push(Event { url, params, fault });
    }

    /// The notifications recorded since the last call, to dispatch once the
    /// mutex is released.
    pub(crate) fn take_outbox(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    /// A fresh all-digit id: today's date and a 12-digit sequence number.
    fn next_id(&mut self) -> String {
        self.last_id += 1;
        let now = DateTime::now();
        format!(
            "{:04}{:02}{:02}{:012}",
            now.year(),
            now.month(),
            now.day(),
            self.last_id
        )
    }

    pub(crate) fn seed_red_packet(&mut self, auth_no: &str, out_order_no: &str, amount: Money) {
        // Seeding again starts the packet over.
        self.operations.retain(|op| op.auth_no != auth_no);
        self.coupon_refunds
            .retain(|_, (request, _)| request.auth_no != auth_no);
        self.red_packets.insert(
            auth_no.to_owned(),
            RedPacket {
                out_order_no: out_order_no.to_owned(),
                amount,
                refunded: Money::ZERO,
            },
        );
        let now = DateTime::now();
        let operation_id = self.next_id();
        self.operations.push(Operation {
            kind: OperationKind::Pay,
            operation_id,
            auth_no: auth_no.to_owned(),
            out_order_no: out_order_no.to_owned(),
            out_request_no: format!("seed-{auth_no}"),
            amount,
            remark: None,
            gmt_create: now,
            gmt_trans: now,
        });
    }

    pub(crate) fn seed_transfer(&mut self, order_id: &str, amount: Money) {
        self.trans_refunds
            .retain(|_, (request, _)| request.order_id != order_id);
        self.transfers.insert(
            order_id.to_owned(),
            Transfer {
                amount,
                refunded: Money::ZERO,
            },
        );
    }

    /// The total refunded of every seeded red packet, transfer and trade, by
    /// id, for the control endpoint.
    pub(crate) fn refunded_all(&self) -> BTreeMap<String, Money> {
        let mut all = BTreeMap::new();
        let ids = self
            .red_packets
            .keys()
            .chain(self.transfers.keys())
            .chain(self.trades.keys());
        for id in ids {
            all.insert(id.clone(), self.refunded(id));
        }
        all
    }

    pub(crate) fn refunded(&self, id: &str) -> Money {
        if let Some(packet) = self.red_packets.get(id) {
            return packet.refunded;
        }
        if let Some(transfer) = self.transfers.get(id) {
            return transfer.refunded;
        }
        if let Some(trade) = self.trades.get(id) {
            return trade.refunded();
        }
        Money::ZERO
    }

    /// `alipay.fund.coupon.order.refund`. `None`: invalid parameters.
    fn coupon_order_refund(
        &mut self,
        request: AlipayFundCouponOrderRefundRequest,
    ) -> Option<AlipayFundCouponOrderRefundResponse> {
        if request.amount == Money::ZERO {
            return None;
        }
        let failed = |code: &str, msg: &str| {
            let mut node = AlipayFundCouponOrderRefundResponse::failed(code, msg);
            node.out_request_no = Some(request.out_request_no.clone());
            node
        };
        let key = (request.auth_no.clone(), request.out_request_no.clone());
        if let Some((earlier, answer)) = self.coupon_refunds.get(&key) {
            return Some(if *earlier == request {
                answer.clone()
            } else {
                failed("UNIQUE_VIOLATION", coupon_msg("UNIQUE_VIOLATION"))
            });
        }
        let Some(packet) = self.red_packets.get_mut(&request.auth_no) else {
            return Some(failed("AUTH_ORDER_NOT_EXIST", "授权订单不存在"));
        };
        let remaining = packet
            .amount
            .checked_sub(packet.refunded)
            .unwrap_or(Money::ZERO);
        let Some(refunded) = packet
            .refunded
            .checked_add(request.amount)
            .filter(|_| request.amount <= remaining)
        else {
            return Some(failed("MONEY_NOT_ENOUGH", coupon_msg("MONEY_NOT_ENOUGH")));
        };
        packet.refunded = refunded;
        let out_order_no = packet.out_order_no.clone();
        let now = DateTime::now();
        let operation_id = self.next_id();
        self.operations.push(Operation {
            kind: OperationKind::Refund,
            operation_id: operation_id.clone(),
            auth_no: request.auth_no.clone(),
            out_order_no: out_order_no.clone(),
            out_request_no: request.out_request_no.clone(),
            amount: request.amount,
            remark: Some(request.remark.clone()).filter(|r| !r.is_empty()),
            gmt_create: now,
            gmt_trans: now,
        });
        let mut node = AlipayFundCouponOrderRefundResponse::success();
        node.amount = Some(request.amount);
        node.auth_no = Some(request.auth_no.clone());
        node.gmt_trans = Some(now);
        node.operation_id = Some(operation_id);
        node.out_order_no = Some(out_order_no);
        node.out_request_no = Some(request.out_request_no.clone());
        node.status = Some(CouponRefundStatus::Success);
        self.coupon_refunds.insert(key, (request, node.clone()));
        Some(node)
    }

    /// `alipay.fund.trans.refund`. `None`: invalid parameters.
    fn fund_trans_refund(
        &mut self,
        request: AlipayFundTransRefundRequest,
    ) -> Option<AlipayFundTransRefundResponse> {
        if request.refund_amount == Money::ZERO {
            return None;
        }
        let failed = |code: &str| AlipayFundTransRefundResponse::failed(code, trans_msg(code));
        let key = (request.order_id.clone(), request.out_request_no.clone());
        if let Some((earlier, answer)) = self.trans_refunds.get(&key) {
            return Some(if *earlier == request {
                answer.clone()
            } else {
                failed("REFUND_INFO_INCONSISTENCY")
            });
        }
        let Some(transfer) = self.transfers.get_mut(&request.order_id) else {
            return Some(failed("ORDER_NOT_EXIST"));
        };
        let remaining = transfer
            .amount
            .checked_sub(transfer.refunded)
            .unwrap_or(Money::ZERO);
        let Some(refunded) = transfer
            .refunded
            .checked_add(request.refund_amount)
            .filter(|_| request.refund_amount <= remaining)
        else {
            return Some(failed("REFUND_MONEY_NOT_ENOUGH"));
        };
        transfer.refunded = refunded;
        let mut node = AlipayFundTransRefundResponse::success();
        node.refund_order_id = Some(self.next_id());
        node.order_id = Some(request.order_id.clone());
        node.out_request_no = Some(request.out_request_no.clone());
        node.status = Some(TransRefundStatus::Success);
        node.refund_amount = Some(request.refund_amount);
        node.refund_date = Some(DateTime::now());
        self.trans_refunds.insert(key, (request, node.clone()));
        Some(node)
    }

    /// `alipay.fund.coupon.operation.query`.
    fn coupon_operation_query(
        &self,
        request: AlipayFundCouponOperationQueryRequest,
    ) -> AlipayFundCouponOperationQueryResponse {
        let given = |field: &Option<String>| field.clone().filter(|s| !s.is_empty());
        let auth_no = given(&request.auth_no);
        let out_order_no = given(&request.out_order_no);
        let operation_id = given(&request.operation_id);
        let out_request_no = given(&request.out_request_no);
        let pairing_given = (auth_no.is_some() && operation_id.is_some())
            || (out_order_no.is_some() && out_request_no.is_some())
            || (auth_no.is_some() && out_request_no.is_some());
        if !pairing_given {
            return AlipayFundCouponOperationQueryResponse::failed(
                "ILLEGAL_ARGUMENT",
                "参数不合法:需要 auth_no+operation_id 或 out_order_no+out_request_no",
            );
        }
        // Every field given must match the operation.
        let matches = |wanted: &Option<String>, actual: &str| {
            wanted.as_deref().is_none_or(|wanted| wanted == actual)
        };
        let found = self.operations.iter().find(|op| {
            matches(&auth_no, &op.auth_no)
                && matches(&out_order_no, &op.out_order_no)
                && matches(&operation_id, &op.operation_id)
                && matches(&out_request_no, &op.out_request_no)
        });
        let Some(op) = found else {
            return AlipayFundCouponOperationQueryResponse::failed(
                "AUTH_OPERATION_NOT_EXIST",
                "支付宝资金操作流水不存在",
            );
        };
        let mut node = AlipayFundCouponOperationQueryResponse::success();
        node.amount = Some(op.amount);
        node.auth_no = Some(op.auth_no.clone());
        node.gmt_create = Some(op.gmt_create);
        node.gmt_trans = Some(op.gmt_trans);
        node.operation_id = Some(op.operation_id.clone());
        node.operation_type = Some(match op.kind {
            OperationKind::Pay => OperationType::Pay,
            OperationKind::Refund => OperationType::Refund,
        });
        node.out_order_no = Some(op.out_order_no.clone());
        node.out_request_no = Some(op.out_request_no.clone());
        node.remark = op.remark.clone();
        node.status = Some(OperationStatus::Success);
        node.total_pay_refund_amount = Some(self.refunded(&op.auth_no));
        node
    }
}
