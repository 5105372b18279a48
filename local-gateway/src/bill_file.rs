//! The downloadable bill (对账单) of `alipay.data.dataservice.bill.downloadurl.query`,
//! `bill_type` `trade` (业务账单), as Alipay formats it, and the endpoint that
//! serves it: `GET /bill/downloadBillFile.resource?…&token=…`.
//!
//! No Alipay page describing the file could be read; what follows is taken
//! from the official SDK's description of the URL and from bills Alipay
//! produced, as quoted by the third-party code that parses them. Each fact
//! names its source.
//!
//! - **The link** is valid 30 seconds: "账单下载地址链接，获取连接后30秒后未下载，
//!   链接地址失效" (alipay-sdk-java 4.39.223.ALL,
//!   `com.alipay.api.response.AlipayDataDataserviceBillDownloadurlQueryResponse`,
//!   as the method's spec quotes it). Alipay's link looks like
//!   `http://dwbillcenter.alipay.com/downloadBillFile.resource?bizType=trade&userId=…&fileType=csv.zip&bizDates=20200918&downloadFileName=…_20200918.csv.zip&fileId=…&timestamp=…&token=…`
//!   (<https://www.kancloud.cn/dianfu/pay_doc/1961934>, a payment
//!   aggregator's manual quoting Alipay's answer); the gateway's has the same
//!   query names on its own address, and only its `token` (128 random bits)
//!   is checked. An unknown token is answered `404`, an expired one `410`.
//! - **The zip** `{account}_{yyyyMMdd}.csv.zip` holds
//!   `{account}_{yyyyMMdd}_业务明细.csv` and `{account}_{yyyyMMdd}_业务明细(汇总).csv`,
//!   where the account is the 16-digit user id followed by `0156` (every
//!   sample: e.g. `20886126836996110156_20160906.csv.zip内包含
//!   20886126836996110156_20160906_业务明细.csv`, `…_业务明细(汇总).csv`, in
//!   the bill readers of <https://github.com/dromara/dax-pay> and others).
//!   The files are GBK (every reader decodes them as GBK: dax-pay's
//!   `AlipayReconcileService` reads `new InputStreamReader(…, "GBK")`). The
//!   entry names are GBK in Alipay's zips; the `zip` crate writes names only
//!   as UTF-8 (with the UTF-8 flag, which readers honour), so here they are
//!   UTF-8: the one known difference. No source names the files of a month
//!   bill; they use `yyyyMM` where a day bill has `yyyyMMdd`.
//! - **The detail file** (业务明细), line by line, as in a bill of
//!   2019-09-16 quoted verbatim in a third-party Java test (and in one of
//!   2017-08-31 quoted in another project's comment, which agrees; the code
//!   search that found both did not name their repositories, so they are
//!   described here rather than linked):
//!   `#支付宝业务明细查询`, `#账号：[{account}]`,
//!   `#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]`,
//!   the start marker [`DETAIL_START`], the header [`DETAIL_COLUMNS`] (also
//!   the field list of dax-pay's `AlipayReconcileBillDetail`,
//!   `daxpay-single-channel/daxpay-single-alipay/src/main/java/org/dromara/daxpay/channel/alipay/bo/AlipayReconcileBillDetail.java`),
//!   one row per payment (业务类型 `交易`) and one per refund (`退款`, the same
//!   支付宝交易号 and 创建时间 as its payment, the refund's time as 完成时间,
//!   negative amounts, the refund's `out_request_no` as 退款批次号/请求号),
//!   the end marker [`DETAIL_END`], then
//!   `#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元`,
//!   `#退款合计：4笔，商家实收退款共-0.04元，商家优惠退款共0.00元`,
//!   `#导出时间：[2019年09月17日 05:46:49]`. Identifier-like cells end with a
//!   tab (so that Excel keeps them as text), in the same places in both
//!   samples: see [`detail_row`].
//! - **The summary file** (业务明细(汇总)): `#支付宝业务汇总查询` (a PHP
//!   reader tells the two files apart by their first lines,
//!   `#支付宝业务汇总查询` and `#支付宝业务明细查询`), the markers
//!   [`SUMMARY_START`] and [`SUMMARY_END`] (dax-pay's
//!   `AlipayReconcileService.parseTotal`), the header [`SUMMARY_COLUMNS`]
//!   (dax-pay's `AlipayReconcileBillTotal`), and a last row whose first cell
//!   is `合计` (readers look for `row.startsWith("合计")`). No sample of its
//!   data rows was found: here it has only the `合计` row (the gateway has
//!   no stores), each amount the sum of the detail's column of that name,
//!   and the same account, date and export lines as the detail file.
//!
//! Not from any source, kept minimal: lines end with `\n`; a cell holding a
//! comma, quote or line break is quoted as RFC 4180 says (Alipay forbids
//! such characters in `subject`); 对方账户 is the buyer's masked logon id
//! (Alipay writes a masked name before it); the store, operator, terminal,
//! coupon and remark cells are empty and the other amounts `0.00` (the
//! gateway knows none of them, and charges no fee); a cancel that refunded
//! is a refund row with an empty 退款批次号/请求号.

use std::borrow::Cow;
use std::io::{Cursor, Write};

use alipay_runtime::{DateTime, Money};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use hyper::{Method as HttpMethod, Response, StatusCode, Uri};

use crate::Shared;
use crate::state::Download;

/// Where the bill download paths start.
pub(crate) const PREFIX: &str = "/bill/";
/// The one download path, named as Alipay names its own.
pub(crate) const PATH: &str = "/bill/downloadBillFile.resource";

/// The detail file's columns (`trade` bills).
pub(crate) const DETAIL_COLUMNS: [&str; 25] = [
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "商品名称",
    "创建时间",
    "完成时间",
    "门店编号",
    "门店名称",
    "操作员",
    "终端号",
    "对方账户",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝红包（元）",
    "集分宝（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "券核销金额（元）",
    "券名称",
    "商家红包消费金额（元）",
    "卡消费金额（元）",
    "退款批次号/请求号",
    "服务费（元）",
    "分润（元）",
    "备注",
];

/// The summary file's columns.
pub(crate) const SUMMARY_COLUMNS: [&str; 12] = [
    "门店编号",
    "门店名称",
    "交易订单总笔数",
    "退款订单总笔数",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "卡消费金额（元）",
    "服务费（元）",
    "分润（元）",
    "实收净额（元）",
];

/// The line before the detail header.
pub(crate) const DETAIL_START: &str = "#-----------------------------------------业务明细列表----------------------------------------";
/// The line after the last detail row.
pub(crate) const DETAIL_END: &str = "#-----------------------------------------业务明细列表结束------------------------------------";
/// The line before the summary header.
pub(crate) const SUMMARY_START: &str = "#-----------------------------------------业务汇总列表----------------------------------------";
/// The line after the summary's rows.
pub(crate) const SUMMARY_END: &str = "#----------------------------------------业务汇总列表结束-------------------------------------";

/// What a bill covers: a day (`yyyy-MM-dd`) or a month (`yyyy-MM`), in
/// Beijing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period {
    /// The first second of the period.
    start: DateTime,
    /// The first second after it.
    end: DateTime,
    /// A day, else a month.
    day: bool,
}

impl Period {
    /// `yyyy-MM-dd` or `yyyy-MM`, a date that exists; `None` otherwise.
    pub(crate) fn parse(text: &str) -> Option<Period> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = text.split('-').collect();
        let (year, month, day) = match parts.as_slice() {
            [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => (y, m, None),
            [y, m, d]
                if y.len() == 4
                    && m.len() == 2
                    && d.len() == 2
                    && digits(y)
                    && digits(m)
                    && digits(d) =>
            {
                (y, m, Some(d))
            }
            _ => return None,
        };
        let year: u16 = year.parse().ok()?;
        let month: u8 = month.parse().ok()?;
        let start = match day {
            Some(day) => DateTime::new(year, month, day.parse().ok()?, 0, 0, 0).ok()?,
            None => DateTime::new(year, month, 1, 0, 0, 0).ok()?,
        };
        let end = if day.is_some() {
            DateTime::from_unix_timestamp(start.unix_timestamp() + 86_400)
        } else if month == 12 {
            DateTime::new(year.checked_add(1)?, 1, 1, 0, 0, 0).ok()?
        } else {
            DateTime::new(year, month + 1, 1, 0, 0, 0).ok()?
        };
        Some(Period {
            start,
            end,
            day: day.is_some(),
        })
    }

    /// Whether `at` falls in the period.
    pub(crate) fn contains(&self, at: DateTime) -> bool {
        self.start <= at && at < self.end
    }

    /// Whether the period starts after `now`.
    pub(crate) fn is_after(&self, now: DateTime) -> bool {
        self.start > now
    }

    /// `yyyyMMdd` or `yyyyMM`, as the file names and `bizDates` write it.
    pub(crate) fn compact(&self) -> String {
        let (y, m, d) = (self.start.year(), self.start.month(), self.start.day());
        if self.day {
            format!("{y:04}{m:02}{d:02}")
        } else {
            format!("{y:04}{m:02}")
        }
    }
}

/// `2019年09月16日 00:00:00`, as the header and footer lines write times.
fn chinese(at: DateTime) -> String {
    format!(
        "{:04}年{:02}月{:02}日 {:02}:{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A payment or a refund: one row of the detail file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) trade_no: String,
    pub(crate) out_trade_no: String,
    /// `None`: the payment (交易); `Some`: a refund (退款) under this
    /// `out_request_no` (empty for a cancel that refunded).
    pub(crate) refund: Option<String>,
    pub(crate) subject: String,
    /// When the trade was created.
    pub(crate) created: DateTime,
    /// When the payment or the refund was made.
    pub(crate) completed: DateTime,
    pub(crate) buyer_logon_id: String,
    /// Paid, or refunded (written negative).
    pub(crate) amount: Money,
}

/// A signed amount in fen, written `-12.34` or `12.34`; never a float.
fn yuan(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A cell as CSV text: quoted only if it must be.
fn cell(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// An entry's signed amount in fen.
fn signed(entry: &Entry) -> i128 {
    let fen = i128::from(entry.amount.fen());
    if entry.refund.is_some() { -fen } else { fen }
}

/// One detail row. The tabs after the identifiers, the store, operator,
/// terminal and account cells, 商家红包消费金额 and 退款批次号/请求号 are where
/// both samples have them.
pub(crate) fn detail_row(entry: &Entry) -> String {
    let amount = yuan(signed(entry));
    let kind = if entry.refund.is_some() {
        "退款"
    } else {
        "交易"
    };
    let zero = "0.00";
    let cells: [Cow<'_, str>; 25] = [
        format!("{}\t", cell(&entry.trade_no)).into(),
        format!("{}\t", cell(&entry.out_trade_no)).into(),
        format!("{kind}\t").into(),
        cell(&entry.subject),
        entry.created.to_string().into(),
        entry.completed.to_string().into(),
        "\t".into(),
        "\t".into(),
        "\t".into(),
        "\t".into(),
        format!("{}\t", cell(&entry.buyer_logon_id)).into(),
        amount.clone().into(),
        amount.into(),
        zero.into(),
        zero.into(),
        zero.into(),
        zero.into(),
        zero.into(),
        "".into(),
        "0.00\t".into(),
        zero.into(),
        format!("{}\t", cell(entry.refund.as_deref().unwrap_or(""))).into(),
        zero.into(),
        zero.into(),
        "".into(),
    ];
    cells.join(",")
}

/// The `#账号`, `#起始日期` lines both files start with, after their title.
fn head(out: &mut String, title: &str, account: &str, period: &Period) {
    for line in [
        title.to_owned(),
        format!("#账号：[{account}]"),
        format!(
            "#起始日期：[{}]   终止日期：[{}]",
            chinese(period.start),
            chinese(period.end)
        ),
    ] {
        out.push_str(&line);
        out.push('\n');
    }
}

/// The two files of a `trade` bill, as UTF-8 text: (name, content), the
/// detail file first. `entries` are the period's, in the order to write.
pub(crate) fn render(
    account: &str,
    period: &Period,
    entries: &[Entry],
    exported: DateTime,
) -> [(String, String); 2] {
    let (mut paid_count, mut refund_count) = (0_u64, 0_u64);
    let (mut paid, mut refunded) = (0_i128, 0_i128);
    for entry in entries {
        if entry.refund.is_some() {
            refund_count += 1;
            refunded += signed(entry);
        } else {
            paid_count += 1;
            paid += signed(entry);
        }
    }
    let exported_line = format!("#导出时间：[{}]\n", chinese(exported));

    let mut detail = String::new();
    head(&mut detail, "#支付宝业务明细查询", account, period);
    detail.push_str(DETAIL_START);
    detail.push('\n');
    detail.push_str(&DETAIL_COLUMNS.join(","));
    detail.push('\n');
    for entry in entries {
        detail.push_str(&detail_row(entry));
        detail.push('\n');
    }
    detail.push_str(DETAIL_END);
    detail.push('\n');
    detail.push_str(&format!(
        "#交易合计：{paid_count}笔，商家实收共{}元，商家优惠共0.00元\n",
        yuan(paid)
    ));
    detail.push_str(&format!(
        "#退款合计：{refund_count}笔，商家实收退款共{}元，商家优惠退款共0.00元\n",
        yuan(refunded)
    ));
    detail.push_str(&exported_line);

    let net = yuan(paid + refunded);
    let mut summary = String::new();
    head(&mut summary, "#支付宝业务汇总查询", account, period);
    summary.push_str(SUMMARY_START);
    summary.push('\n');
    summary.push_str(&SUMMARY_COLUMNS.join(","));
    summary.push('\n');
    let total_row = [
        "合计".to_owned(),
        String::new(),
        paid_count.to_string(),
        refund_count.to_string(),
        net.clone(),
        net.clone(),
        "0.00".to_owned(),
        "0.00".to_owned(),
        "0.00".to_owned(),
        "0.00".to_owned(),
        "0.00".to_owned(),
        net,
    ];
    summary.push_str(&total_row.join(","));
    summary.push('\n');
    summary.push_str(SUMMARY_END);
    summary.push('\n');
    summary.push_str(&exported_line);

    let stem = format!("{account}_{}", period.compact());
    [
        (format!("{stem}_业务明细.csv"), detail),
        (format!("{stem}_业务明细(汇总).csv"), summary),
    ]
}

/// `text` in GBK. A character GBK lacks becomes `&#NNNN;` (what
/// `encoding_rs` writes; Alipay's own choice is unknown).
pub(crate) fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// The zip of the files, each GBK-encoded and deflated.
pub(crate) fn zip(files: &[(String, String)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        // Writing to memory cannot fail but for sizes far beyond a bill's.
        writer
            .start_file(name.as_str(), options)
            .and_then(|()| writer.write_all(&gbk(text)).map_err(Into::into))
            .expect("a bill zips in memory");
    }
    writer.finish().expect("a bill zips in memory").into_inner()
}

/// Answers `GET /bill/downloadBillFile.resource?…&token=…`: the zip, `404`
/// for an unknown link, `410` for an expired one.
pub(crate) fn serve(shared: &Shared, method: &HttpMethod, uri: &Uri) -> Response<Full<Bytes>> {
    if uri.path() != PATH {
        return text(
            StatusCode::NOT_FOUND,
            format!(
                "not found: {}: bills are served at {PATH}?…&token=…, the URL \
                 alipay.data.dataservice.bill.downloadurl.query answers",
                uri.path()
            ),
        );
    }
    if method != HttpMethod::GET {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} {PATH}: use GET"),
        );
    }
    let token = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (validity, found) = {
        let mut state = shared.lock();
        (state.bills.validity, state.bills.download(&token))
    };
    match found {
        Download::Ready { name, zip } => {
            let mut response = Response::new(Full::new(Bytes::from(zip)));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
            // The name is digits, `_` and `.csv.zip`: no escaping needed.
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                response.headers_mut().insert(CONTENT_DISPOSITION, value);
            }
            response
        }
        Download::Expired => text(
            StatusCode::GONE,
            format!(
                "this bill link has expired: a link is valid {} ms after \
                 alipay.data.dataservice.bill.downloadurl.query answers it, as \
                 Alipay's are (获取连接后30秒后未下载，链接地址失效); call the \
                 method again for a new link",
                validity.as_millis()
            ),
        ),
        Download::Unknown => text(
            StatusCode::NOT_FOUND,
            "no bill at this link: its token is not one this gateway issued \
             (a link belongs to the gateway that answered it, and goes away \
             with it); call alipay.data.dataservice.bill.downloadurl.query for \
             a link"
                .to_owned(),
        ),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests;
