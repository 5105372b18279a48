//! The bills plug-in: `alipay.data.dataservice.bill.downloadurl.query`
//! answers a link on the gateway to the bill of a day or a month, built from
//! the payments and refunds on the gateway's books (the file's format:
//! [`crate::bill_file`]).
//!
//! What it answers, and why:
//! - `bill_type` `trade` only; the other listed types (`signcustomer`, a
//!   ledger of the account's balance with other columns, `merchant_act`, …)
//!   get `TYPE_NOT_SUPPORTED`, a code of the method's spec.
//! - `bill_date` `yyyy-MM-dd` (a day) or `yyyy-MM` (a month), Beijing time,
//!   as the spec documents both. Anything else, or a period that starts in
//!   the future, is `INVAILID_ARGUMENTS` ("Illegal parameters"; a merchant's
//!   blog reports 参数不合法 for today's date,
//!   <https://cnblogs.com/lyb0103/p/11506974.html>).
//!   Unlike Alipay, which has a day's bill only from the next morning (T+1),
//!   the gateway serves the current day and month too, as processed so far:
//!   a test cannot wait for tomorrow.
//! - A period without a payment or refund is `BILL_NOT_EXIST` ("There is no
//!   report for the day."). Alipay may instead answer an empty file with
//!   `bill_file_code` `EMPTY_DATA_WITH_BILL_FILE`; no source says when it
//!   does which, and the refusal is the case worth testing.
//! - The file is made when the link is answered, as Alipay's is generated
//!   once: a later payment is not in it. The link expires
//!   [`LINK_VALIDITY`] after it is answered
//!   ([`crate::LocalGateway::set_bill_link_validity`] changes that).

use std::collections::HashMap;
use std::fmt::Write;
use std::time::{Duration, Instant};

use alipay_api::alipay_data_dataservice_bill_downloadurl_query::{
    AlipayDataDataserviceBillDownloadurlQueryRequest,
    AlipayDataDataserviceBillDownloadurlQueryResponse, BillType,
};
use alipay_runtime::DateTime;

use super::{Node, State, refuse};
use crate::bill_file::{self, Entry, Period};
use crate::notify::SELLER_ID;

/// How long a bill link stays valid: "获取连接后30秒后未下载，链接地址失效"
/// (the response's `bill_download_url`, alipay-sdk-java 4.39.223.ALL).
pub(crate) const LINK_VALIDITY: Duration = Duration::from_secs(30);

/// The bill links answered so far.
pub(crate) struct Bills {
    /// By token.
    links: HashMap<String, Link>,
    /// How long a link stays valid.
    pub(crate) validity: Duration,
}

impl Default for Bills {
    fn default() -> Bills {
        Bills {
            links: HashMap::new(),
            validity: LINK_VALIDITY,
        }
    }
}

/// One answered link: the zip made for it.
struct Link {
    /// `{account}_{yyyyMMdd}.csv.zip`.
    name: String,
    zip: Vec<u8>,
    issued: Instant,
}

/// What a download link leads to.
pub(crate) enum Download {
    Ready { name: String, zip: Vec<u8> },
    Expired,
    Unknown,
}

impl Bills {
    /// The bill behind `token`, if it is one of ours and still valid.
    pub(crate) fn download(&mut self, token: &str) -> Download {
        let validity = self.validity;
        match self.links.get_mut(token) {
            None => Download::Unknown,
            Some(link) if link.issued.elapsed() > validity => {
                // The token is kept, to tell expired from unknown; the file
                // is not needed any more.
                link.zip = Vec::new();
                Download::Expired
            }
            Some(link) => Download::Ready {
                name: link.name.clone(),
                zip: link.zip.clone(),
            },
        }
    }
}

/// 128 random bits in hex: a link nobody can guess.
fn token() -> String {
    let mut bytes = [0_u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system's random source works");
    bytes.iter().fold(String::with_capacity(32), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

impl State {
    /// `alipay.data.dataservice.bill.downloadurl.query`.
    pub(super) fn bill_downloadurl_query(
        &mut self,
        request: AlipayDataDataserviceBillDownloadurlQueryRequest,
    ) -> AlipayDataDataserviceBillDownloadurlQueryResponse {
        if !matches!(request.bill_type, BillType::Trade) {
            return refuse("TYPE_NOT_SUPPORTED");
        }
        let now = DateTime::now();
        let Some(period) = Period::parse(&request.bill_date).filter(|p| !p.is_after(now)) else {
            return refuse("INVAILID_ARGUMENTS");
        };
        let mut entries: Vec<Entry> = self
            .bill_entries()
            .into_iter()
            .filter(|entry| period.contains(entry.completed))
            .collect();
        if entries.is_empty() {
            return refuse("BILL_NOT_EXIST");
        }
        // In time order; a payment before its refunds made the same second.
        entries.sort_by(|a, b| {
            (a.completed, &a.trade_no, &a.refund).cmp(&(b.completed, &b.trade_no, &b.refund))
        });
        let account = format!("{SELLER_ID}0156");
        let files = bill_file::render(&account, &period, &entries, now);
        let dates = period.compact();
        let name = format!("{account}_{dates}.csv.zip");
        let token = token();
        let url = format!(
            "{}{}?bizType=trade&userId={SELLER_ID}&fileType=csv.zip&bizDates={dates}\
             &downloadFileName={name}&timestamp={}&token={token}",
            self.base_url,
            bill_file::PATH,
            now.unix_timestamp()
        );
        self.bills.links.insert(
            token,
            Link {
                name,
                zip: bill_file::zip(&files),
                issued: Instant::now(),
            },
        );
        let mut node = AlipayDataDataserviceBillDownloadurlQueryResponse::success();
        node.bill_download_url = Some(url);
        node
    }
}
