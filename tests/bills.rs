//! Bills: payments and refunds made through the client against the local
//! gateway, then `alipay.data.dataservice.bill.downloadurl.query`, the zip
//! downloaded, unzipped, GBK-decoded, parsed and reconciled with what moved,
//! as a merchant's reconciliation job would. Plus every refusal of the
//! method and of the download link.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::time::Duration;

use alipay_api::alipay_data_dataservice_bill_downloadurl_query::{
    AlipayDataDataserviceBillDownloadurlQueryErrorCode as BillCode,
    AlipayDataDataserviceBillDownloadurlQueryRequest as BillQuery, BillType,
};
use alipay_api::alipay_trade_cancel::{Action, AlipayTradeCancelRequest as Cancel};
use alipay_api::alipay_trade_pay::{AlipayTradePayRequest as BarcodePay, Scene};
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest as Precreate;
use alipay_api::alipay_trade_refund::AlipayTradeRefundRequest as Refund;
use alipay_local_gateway::LocalGateway;
use alipay_runtime::{Client, DateTime, Error, Money, Outcome};

mod support;
use support::{gateway_config, local_gateway, yuan};

fn client(gateway: &LocalGateway) -> Client {
    Client::new(gateway_config(gateway))
}

/// Today in Beijing, `yyyy-MM-dd`.
fn beijing_day(offset_days: i64) -> String {
    let at = DateTime::from_unix_timestamp(DateTime::now().unix_timestamp() + offset_days * 86_400);
    at.to_string()[..10].to_owned()
}

/// The business code of a refusal, checking it is a verified failure.
fn refused<T: std::fmt::Debug>(result: Result<T, Error<BillCode>>) -> BillCode {
    let err = result.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Failed, "{err}");
    match err {
        Error::Business { code, .. } => code,
        other => panic!("not a business refusal: {other}"),
    }
}

/// The start of the line before the detail file's header.
const DETAIL: &str = "#-----------------------------------------业务明细列表---";

/// A downloaded bill: each file's name and GBK-decoded text.
struct Bill {
    files: BTreeMap<String, String>,
}

impl Bill {
    /// The detail file's name and text.
    fn detail(&self) -> (&String, &String) {
        self.files
            .iter()
            .find(|(name, _)| name.ends_with("_业务明细.csv"))
            .expect("a detail file")
    }
}

async fn download(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

/// Asks for the bill of `date` and downloads it.
async fn fetch_bill(client: &Client, date: &str) -> Bill {
    let answer = client
        .execute(&BillQuery::new(BillType::Trade, date))
        .await
        .unwrap();
    let url = answer.bill_download_url.expect("a download URL");
    let response = download(&url).await;
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut raw = Vec::new();
        file.read_to_end(&mut raw).unwrap();
        // GBK, as Alipay's: not valid UTF-8 once it holds Chinese.
        assert!(
            std::str::from_utf8(&raw).is_err(),
            "{} is not GBK",
            file.name()
        );
        let (text, _, had_errors) = encoding_rs::GBK.decode(&raw);
        assert!(!had_errors, "{} does not decode as GBK", file.name());
        files.insert(file.name().to_owned(), text.into_owned());
    }
    Bill { files }
}

/// The rows between `start` and the next `#` line, each a map from the
/// header's column names to the cell, Alipay's tab padding removed (as
/// every reader of Alipay's bills does).
fn table(text: &str, start: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(start)).skip(1);
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines
        .take_while(|l| !l.starts_with('#'))
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            header
                .iter()
                .zip(cells)
                .map(|(k, v)| ((*k).to_owned(), v.trim_end_matches('\t').to_owned()))
                .collect()
        })
        .collect()
}

/// A signed amount in fen from the bill's text; never a float.
fn fen(text: &str) -> i64 {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let money: Money = digits.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    sign * i64::try_from(money.fen()).unwrap()
}

/// What the merchant's books say moved: a payment `(out_trade_no, None)` or
/// a refund `(out_trade_no, Some(out_request_no))`, with its signed amount.
type Books = BTreeMap<(String, Option<String>), i64>;

/// Checks the bill against the books: every payment and refund exactly
/// once, with the right identifiers, amounts and signs; the footer and the
/// summary file agree with the rows. Returns the rows.
fn reconcile(
    gw: &LocalGateway,
    bill: &Bill,
    books: &Books,
    date: &str,
) -> Vec<HashMap<String, String>> {
    let account = "20880000000000020156";
    let compact = date.replace('-', "");
    let detail_name = format!("{account}_{compact}_业务明细.csv");
    let summary_name = format!("{account}_{compact}_业务明细(汇总).csv");
    let mut names: Vec<&String> = bill.files.keys().collect();
    names.sort_by_key(|name| name.len());
    assert_eq!(names, [&detail_name, &summary_name]);
    let detail = &bill.files[&detail_name];
    let lines: Vec<&str> = detail.lines().collect();
    assert_eq!(lines[0], "#支付宝业务明细查询");
    assert_eq!(lines[1], format!("#账号：[{account}]"));
    assert!(lines[2].starts_with("#起始日期：["), "{}", lines[2]);

    let rows = table(detail, DETAIL);
    let mut seen = Books::new();
    let (mut paid, mut paid_count, mut refunded, mut refund_count) = (0, 0, 0, 0);
    for row in &rows {
        let out_trade_no = row["商户订单号"].clone();
        let trade = gw.trade(&out_trade_no).expect("a trade the gateway made");
        assert_eq!(row["支付宝交易号"], trade.trade_no);
        let amount = fen(&row["订单金额（元）"]);
        assert_eq!(fen(&row["商家实收（元）"]), amount, "{row:?}");
        let key = match row["业务类型"].as_str() {
            "交易" => {
                assert!(amount > 0, "{row:?}");
                assert_eq!(row["退款批次号/请求号"], "");
                paid += amount;
                paid_count += 1;
                (out_trade_no, None)
            }
            "退款" => {
                assert!(amount < 0, "a refund is negative: {row:?}");
                refunded += amount;
                refund_count += 1;
                (out_trade_no, Some(row["退款批次号/请求号"].clone()))
            }
            other => panic!("业务类型 {other}"),
        };
        // Beijing times, on the bill's day, created before completed.
        let created: DateTime = row["创建时间"].parse().unwrap();
        let completed: DateTime = row["完成时间"].parse().unwrap();
        assert!(created <= completed, "{row:?}");
        assert_eq!(&row["完成时间"][..10], date);
        assert_eq!(row["对方账户"], "buy***@example.com");
        assert!(seen.insert(key.clone(), amount).is_none(), "twice: {key:?}");
    }
    assert_eq!(&seen, books, "the bill against the books");

    let yuan = |fen: i64| {
        format!(
            "{}{}.{:02}",
            if fen < 0 { "-" } else { "" },
            fen.abs() / 100,
            fen.abs() % 100
        )
    };
    let footer: Vec<&str> = lines[lines.len() - 3..].to_vec();
    assert_eq!(
        footer[0],
        format!(
            "#交易合计：{paid_count}笔，商家实收共{}元，商家优惠共0.00元",
            yuan(paid)
        )
    );
    assert_eq!(
        footer[1],
        format!(
            "#退款合计：{refund_count}笔，商家实收退款共{}元，商家优惠退款共0.00元",
            yuan(refunded)
        )
    );
    assert!(footer[2].starts_with("#导出时间：["), "{}", footer[2]);

    let summary = &bill.files[&summary_name];
    assert!(summary.starts_with("#支付宝业务汇总查询\n"));
    let totals = table(
        summary,
        "#-----------------------------------------业务汇总列表---",
    );
    let total = totals.last().expect("a total row");
    assert_eq!(total["门店编号"], "合计");
    assert_eq!(total["交易订单总笔数"], paid_count.to_string());
    assert_eq!(total["退款订单总笔数"], refund_count.to_string());
    assert_eq!(fen(&total["商家实收（元）"]), paid + refunded);
    assert_eq!(fen(&total["订单金额（元）"]), paid + refunded);
    assert_eq!(fen(&total["实收净额（元）"]), paid + refunded);
    rows
}

#[tokio::test]
async fn the_days_bill_reconciles_with_every_payment_and_refund() {
    let gw = local_gateway().await;
    let client = client(&gw);
    let first_day = beijing_day(0);

    // Two QR payments, paid by the buyer.
    for (out_trade_no, amount) in [("bill-qr-1", "88.88"), ("bill-qr-2", "10.00")] {
        let precreate = Precreate::new(out_trade_no, yuan(amount)).subject("Iphone6 16G");
        client.execute(&precreate).await.unwrap();
        gw.pay(out_trade_no).unwrap();
    }
    // A barcode payment, paid at once.
    let barcode = BarcodePay::new("bill-bar-1", "一杯咖啡", yuan("0.01"))
        .scene(Scene::BarCode)
        .auth_code("28763443825664394");
    client.execute(&barcode).await.unwrap();
    // A barcode payment cancelled, which refunds it in full.
    let cancelled = BarcodePay::new("bill-bar-2", "一杯茶", yuan("5.00"))
        .scene(Scene::BarCode)
        .auth_code("28763443825664394");
    client.execute(&cancelled).await.unwrap();
    let cancel = client
        .execute(&Cancel::new().out_trade_no("bill-bar-2"))
        .await
        .unwrap();
    assert_eq!(cancel.action, Some(Action::Refund));
    // A QR code never paid: not in the bill.
    client
        .execute(&Precreate::new("bill-unpaid", yuan("1.00")))
        .await
        .unwrap();
    // Two partial refunds of the first, and a resend of one (no money).
    let first = Refund::new(yuan("10.00"))
        .out_trade_no("bill-qr-1")
        .out_request_no("refund-1");
    client.execute(&first).await.unwrap();
    let second = Refund::new(yuan("20.05"))
        .out_trade_no("bill-qr-1")
        .out_request_no("refund-2");
    client.execute(&second).await.unwrap();
    let resent = client.execute(&first).await.unwrap();
    assert_eq!(resent.fund_change.as_deref(), Some("N"));

    let last_day = beijing_day(0);
    let mut books = Books::new();
    let mut add = |out: &str, refund: Option<&str>, fen: i64| {
        books.insert((out.to_owned(), refund.map(str::to_owned)), fen);
    };
    add("bill-qr-1", None, 8888);
    add("bill-qr-2", None, 1000);
    add("bill-bar-1", None, 1);
    add("bill-bar-2", None, 500);
    add("bill-bar-2", Some(""), -500);
    add("bill-qr-1", Some("refund-1"), -1000);
    add("bill-qr-1", Some("refund-2"), -2005);

    if last_day != first_day {
        // The payments straddled Beijing midnight: they are split over two
        // bills, each of which reconciles only with its own part.
        let mut seen = 0;
        for day in [&first_day, &last_day] {
            if let Ok(answer) = client
                .execute(&BillQuery::new(BillType::Trade, day.as_str()))
                .await
            {
                let bill = fetch_bill(&client, day).await;
                seen += table(bill.detail().1, DETAIL).len();
                assert!(answer.bill_download_url.is_some());
            }
        }
        assert_eq!(seen, books.len());
        return;
    }
    let rows = reconcile(
        &gw,
        &fetch_bill(&client, &first_day).await,
        &books,
        &first_day,
    );
    // The rows are in time order.
    let times: Vec<&String> = rows.iter().map(|r| &r["完成时间"]).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);

    // The month's bill holds the same rows.
    let month = &first_day[..7];
    let bill = fetch_bill(&client, month).await;
    let (name, detail) = bill.detail();
    assert!(
        name.ends_with(&format!("_{}_业务明细.csv", month.replace('-', ""))),
        "{name}"
    );
    assert_eq!(table(detail, DETAIL), rows);
}

#[tokio::test]
async fn the_link_serves_a_zip_on_the_gateway_and_then_expires() {
    let gw = local_gateway().await;
    let client = client(&gw);
    client
        .execute(
            &BarcodePay::new("bill-link-1", "一杯咖啡", yuan("3.00"))
                .scene(Scene::BarCode)
                .auth_code("28763443825664394"),
        )
        .await
        .unwrap();
    let today = beijing_day(0);
    let base = gw.url().replace("/gateway.do", "");

    let answer = client
        .execute(&BillQuery::new(BillType::Trade, today.clone()))
        .await
        .unwrap();
    let url = answer.bill_download_url.unwrap();
    assert!(
        url.starts_with(&format!(
            "{base}/bill/downloadBillFile.resource?bizType=trade&"
        )),
        "{url}"
    );
    assert!(
        url.contains(&format!("&bizDates={}&", today.replace('-', ""))),
        "{url}"
    );
    let token = url.rsplit_once("token=").unwrap().1;
    assert_eq!(token.len(), 32, "128 random bits");
    // A second link has another token.
    let again = client
        .execute(&BillQuery::new(BillType::Trade, today.clone()))
        .await
        .unwrap();
    assert_ne!(again.bill_download_url.as_deref(), Some(url.as_str()));
    // Valid for 30 s by default: it downloads (twice, within the window).
    for _ in 0..2 {
        let response = download(&url).await;
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.contains(&format!(
                "20880000000000020156_{}.csv.zip",
                today.replace('-', "")
            )),
            "{disposition}"
        );
    }

    // An unknown token, another path, another HTTP method.
    let forged = url.replace(token, "0123456789abcdef0123456789abcdef");
    let response = download(&forged).await;
    assert_eq!(response.status(), 404);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("no bill at this link")
            && text.contains("alipay.data.dataservice.bill.downloadurl.query"),
        "{text}"
    );
    let response = download(&format!("{base}/bill/other")).await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("/bill/downloadBillFile.resource")
    );
    let response = reqwest::Client::new().post(&url).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert!(response.text().await.unwrap().contains("use GET"));

    // Expired: a link not downloaded within its validity is gone.
    gw.set_bill_link_validity(Duration::from_millis(300));
    let answer = client
        .execute(&BillQuery::new(BillType::Trade, today))
        .await
        .unwrap();
    let short = answer.bill_download_url.unwrap();
    assert_eq!(download(&short).await.status(), 200, "still valid");
    tokio::time::sleep(Duration::from_millis(400)).await;
    for link in [&short, &url] {
        let response = download(link).await;
        assert_eq!(response.status(), 410, "{link}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("expired")
                && text.contains("300 ms")
                && text.contains("call the method again"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn refusals_are_the_methods_documented_codes() {
    let gw = local_gateway().await;
    let client = client(&gw);
    let bill = |date: &str| BillQuery::new(BillType::Trade, date);

    // Nothing processed yet: no bill for today, nor for a past day.
    let today = beijing_day(0);
    assert_eq!(
        refused(client.execute(&bill(&today)).await),
        BillCode::BillNotExist
    );
    assert_eq!(
        refused(client.execute(&bill("2016-04-05")).await),
        BillCode::BillNotExist
    );
    client
        .execute(
            &BarcodePay::new("bill-err-1", "一杯咖啡", yuan("3.00"))
                .scene(Scene::BarCode)
                .auth_code("28763443825664394"),
        )
        .await
        .unwrap();
    // Still none for another day than the payment's.
    assert_eq!(
        refused(client.execute(&bill("2016-04-05")).await),
        BillCode::BillNotExist
    );
    assert_eq!(
        refused(client.execute(&bill("2016-04")).await),
        BillCode::BillNotExist
    );

    // The future, and dates that are not yyyy-MM-dd or yyyy-MM.
    let tomorrow = beijing_day(1);
    let next_year = format!("{}-01", today[..4].parse::<u16>().unwrap() + 1);
    for date in [
        tomorrow.as_str(),
        next_year.as_str(),
        "2016-02-30",
        "2016/04/05",
        "20160405",
        "2016-4-5",
        "yesterday",
    ] {
        assert_eq!(
            refused(client.execute(&bill(date)).await),
            BillCode::InvailidArguments,
            "{date}"
        );
    }

    // Bill types other than trade are not served.
    for bill_type in [
        BillType::Signcustomer,
        BillType::MerchantAct,
        BillType::SettlementMerge,
    ] {
        let query = BillQuery::new(bill_type, today.clone());
        assert_eq!(
            refused(client.execute(&query).await),
            BillCode::TypeNotSupported
        );
    }
    // And trade still is.
    assert!(client.execute(&bill(&today)).await.is_ok());
}
