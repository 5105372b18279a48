//! The bill's format, checked against Alipay's samples.

use super::*;

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn entry(refund: Option<&str>, amount: &str, completed: &str) -> Entry {
    Entry {
        trade_no: "2019091622001458860515315453".to_owned(),
        out_trade_no: "service_1568601259302".to_owned(),
        refund: refund.map(str::to_owned),
        subject: "下单测试".to_owned(),
        created: at("2019-09-16 10:55:16"),
        completed: at(completed),
        buyer_logon_id: "602***@qq.com".to_owned(),
        amount: amount.parse().unwrap(),
    }
}

#[test]
fn gbk_round_trips_the_chinese_column_names() {
    let header = DETAIL_COLUMNS.join(",") + "\n" + &SUMMARY_COLUMNS.join(",");
    let bytes = gbk(&header);
    // GBK, not UTF-8: two bytes per Chinese character, and 支 is D6 A7.
    assert_ne!(bytes, header.as_bytes());
    assert_eq!(&bytes[..2], &[0xD6, 0xA7]);
    let (back, _, had_errors) = encoding_rs::GBK.decode(&bytes);
    assert!(!had_errors);
    assert_eq!(back, header);
    // The full-width parentheses survive (they are GBK A3A8 and A3A9).
    let paren = gbk("（元）");
    assert_eq!(paren, [0xA3, 0xA8, 0xD4, 0xAA, 0xA3, 0xA9]);
}

#[test]
fn rows_are_laid_out_as_in_alipays_samples() {
    // The sample's first two rows, with what the gateway does not know
    // (store, operator, the buyer's name, the remark) left empty.
    let paid = entry(None, "0.01", "2019-09-16 10:55:23");
    assert_eq!(
        detail_row(&paid),
        "2019091622001458860515315453\t,service_1568601259302\t,交易\t,下单测试,\
         2019-09-16 10:55:16,2019-09-16 10:55:23,\t,\t,\t,\t,602***@qq.com\t,\
         0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,"
    );
    let refund = entry(Some("re_test_1568602607356"), "0.01", "2019-09-16 10:56:48");
    assert_eq!(
        detail_row(&refund),
        "2019091622001458860515315453\t,service_1568601259302\t,退款\t,下单测试,\
         2019-09-16 10:55:16,2019-09-16 10:56:48,\t,\t,\t,\t,602***@qq.com\t,\
         -0.01,-0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,re_test_1568602607356\t,0.00,0.00,"
    );
    let mut odd = entry(None, "1.00", "2019-09-16 10:55:23");
    odd.subject = "a, \"b\"".to_owned();
    assert!(detail_row(&odd).contains(",\"a, \"\"b\"\"\","));
}

#[test]
fn the_files_carry_the_header_footer_and_totals() {
    let period = Period::parse("2019-09-16").unwrap();
    let entries = [
        entry(None, "0.01", "2019-09-16 10:55:23"),
        entry(Some("r1"), "0.01", "2019-09-16 10:56:48"),
        entry(None, "12.34", "2019-09-16 11:00:00"),
    ];
    let [(detail_name, detail), (summary_name, summary)] = render(
        "20880000000000020156",
        &period,
        &entries,
        at("2019-09-17 05:46:49"),
    );
    assert_eq!(detail_name, "20880000000000020156_20190916_业务明细.csv");
    assert_eq!(
        summary_name,
        "20880000000000020156_20190916_业务明细(汇总).csv"
    );
    let lines: Vec<&str> = detail.lines().collect();
    assert_eq!(lines[0], "#支付宝业务明细查询");
    assert_eq!(lines[1], "#账号：[20880000000000020156]");
    assert_eq!(
        lines[2],
        "#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]"
    );
    assert_eq!(lines[3], DETAIL_START);
    assert_eq!(lines[4], DETAIL_COLUMNS.join(","));
    assert_eq!(lines[8], DETAIL_END);
    assert_eq!(
        lines[9],
        "#交易合计：2笔，商家实收共12.35元，商家优惠共0.00元"
    );
    assert_eq!(
        lines[10],
        "#退款合计：1笔，商家实收退款共-0.01元，商家优惠退款共0.00元"
    );
    assert_eq!(lines[11], "#导出时间：[2019年09月17日 05:46:49]");
    assert_eq!(lines.len(), 12);
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines[0], "#支付宝业务汇总查询");
    assert_eq!(lines[3], SUMMARY_START);
    assert_eq!(lines[4], SUMMARY_COLUMNS.join(","));
    assert_eq!(
        lines[5],
        "合计,,2,1,12.34,12.34,0.00,0.00,0.00,0.00,0.00,12.34"
    );
    assert_eq!(lines[6], SUMMARY_END);
}

#[test]
fn periods_are_beijing_days_and_months() {
    let day = Period::parse("2024-01-31").unwrap();
    assert!(day.contains(at("2024-01-31 00:00:00")));
    assert!(day.contains(at("2024-01-31 23:59:59")));
    assert!(!day.contains(at("2024-02-01 00:00:00")));
    assert!(!day.contains(at("2024-01-30 23:59:59")));
    assert_eq!(day.compact(), "20240131");
    let month = Period::parse("2023-12").unwrap();
    assert!(month.contains(at("2023-12-31 23:59:59")));
    assert!(!month.contains(at("2024-01-01 00:00:00")));
    assert_eq!(month.compact(), "202312");
    assert!(month.is_after(at("2023-11-30 23:59:59")));
    assert!(!month.is_after(at("2023-12-01 00:00:00")));
    for bad in [
        "2024-02-30",
        "2024-13",
        "2024-1-01",
        "20240101",
        "2024/01/01",
        "2024-01-01 00:00:00",
        "",
        "yyyy-MM-dd",
        "+024-01-01",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad}");
    }
}

#[test]
fn amounts_are_exact_and_signed() {
    assert_eq!(yuan(0), "0.00");
    assert_eq!(yuan(-1), "-0.01");
    assert_eq!(yuan(123_456), "1234.56");
    assert_eq!(yuan(-(u64::MAX as i128)), "-184467440737095516.15");
}
