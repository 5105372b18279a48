//! The transfer plug-ins: `alipay.fund.trans.uni.transfer` (keyed by the
//! merchant's `out_biz_no`, idempotent on an identical resend) and its two
//! queries, `alipay.fund.trans.common.query` and
//! `alipay.fund.trans.order.query`, by any identifier the transfer has.

use alipay_api::alipay_fund_trans_common_query::{
    AlipayFundTransCommonQueryRequest, AlipayFundTransCommonQueryResponse, TransCommonStatus,
};
use alipay_api::alipay_fund_trans_order_query::{
    AlipayFundTransOrderQueryRequest, AlipayFundTransOrderQueryResponse, TransOrderStatus,
};
use alipay_api::alipay_fund_trans_uni_transfer::{
    AlipayFundTransUniTransferRequest, AlipayFundTransUniTransferResponse, TransferStatus,
};
use alipay_runtime::{DateTime, Money};

use super::{Node, State, refuse};

/// A transfer made through `alipay.fund.trans.uni.transfer`.
pub(super) struct Payout {
    out_biz_no: String,
    order_id: String,
    pay_fund_order_id: String,
    amount: Money,
    at: DateTime,
    /// The request and the answer, replayed for an identical resend.
    request: AlipayFundTransUniTransferRequest,
    answer: AlipayFundTransUniTransferResponse,
}

fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|s| !s.is_empty())
}

impl State {
    /// `alipay.fund.trans.uni.transfer`. `None`: no `out_biz_no` or no
    /// positive `trans_amount`, which the method needs (its spec publishes no
    /// required flags, so validation lets them through).
    pub(super) fn uni_transfer(
        &mut self,
        request: AlipayFundTransUniTransferRequest,
    ) -> Option<AlipayFundTransUniTransferResponse> {
        let out_biz_no = given(&request.out_biz_no)?.to_owned();
        let amount = request.trans_amount.filter(|a| *a != Money::ZERO)?;
        if let Some(earlier) = self.payouts.get(&out_biz_no) {
            // The same out_biz_no with other content is not a resend.
            return Some(if earlier.request == request {
                earlier.answer.clone()
            } else {
                refuse("PAYMENT_INFO_INCONSISTENCY")
            });
        }
        let id = self.next_id();
        let date = &id[..8];
        let order_id = format!("{date}110070{:018}", self.last_id);
        let pay_fund_order_id = format!("{date}110070{:018}", self.last_id + 1);
        self.last_id += 1;
        let at = DateTime::now();
        let mut node = AlipayFundTransUniTransferResponse::success();
        node.out_biz_no = Some(out_biz_no.clone());
        node.order_id = Some(order_id.clone());
        node.pay_fund_order_id = Some(pay_fund_order_id.clone());
        node.status = Some(TransferStatus::Success);
        node.trans_date = Some(at);
        self.payouts.insert(
            out_biz_no.clone(),
            Payout {
                out_biz_no,
                order_id,
                pay_fund_order_id,
                amount,
                at,
                request,
                answer: node.clone(),
            },
        );
        Some(node)
    }

    /// The transfer with `id` in the field `get` reads.
    fn payout(&self, get: impl Fn(&Payout) -> &str, id: &str) -> Option<&Payout> {
        self.payouts.values().find(|p| get(p) == id)
    }

    /// `alipay.fund.trans.common.query`: `pay_fund_order_id` wins over
    /// `order_id`, which wins over `out_biz_no` (the spec's precedence).
    pub(super) fn trans_common_query(
        &self,
        request: AlipayFundTransCommonQueryRequest,
    ) -> AlipayFundTransCommonQueryResponse {
        let found = if let Some(id) = given(&request.pay_fund_order_id) {
            self.payout(|p| &p.pay_fund_order_id, id)
        } else if let Some(id) = given(&request.order_id) {
            self.payout(|p| &p.order_id, id)
        } else if let Some(id) = given(&request.out_biz_no) {
            self.payouts.get(id)
        } else {
            return refuse("INVALID_PARAMETER");
        };
        let Some(payout) = found else {
            return refuse("ORDER_NOT_EXIST");
        };
        let mut node = AlipayFundTransCommonQueryResponse::success();
        node.order_id = Some(payout.order_id.clone());
        node.out_biz_no = Some(payout.out_biz_no.clone());
        node.pay_fund_order_id = Some(payout.pay_fund_order_id.clone());
        node.status = Some(TransCommonStatus::Success);
        node.trans_amount = Some(payout.amount);
        node.pay_date = Some(payout.at);
        node
    }

    /// `alipay.fund.trans.order.query`: `order_id` wins over `out_biz_no`.
    pub(super) fn trans_order_query(
        &self,
        request: AlipayFundTransOrderQueryRequest,
    ) -> AlipayFundTransOrderQueryResponse {
        let found = if let Some(id) = given(&request.order_id) {
            self.payout(|p| &p.order_id, id)
        } else if let Some(id) = given(&request.out_biz_no) {
            self.payouts.get(id)
        } else {
            return refuse("INVALID_PARAMETER");
        };
        let Some(payout) = found else {
            return refuse("ORDER_NOT_EXIST");
        };
        let mut node = AlipayFundTransOrderQueryResponse::success();
        node.order_id = Some(payout.order_id.clone());
        node.out_biz_no = Some(payout.out_biz_no.clone());
        node.status = Some(TransOrderStatus::Success);
        node.pay_date = Some(payout.at);
        node
    }
}
