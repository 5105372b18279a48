//! Each call leaves one `tracing` span with the method, the outcome, the
//! latency and the gateway codes, and nothing secret: no key, token,
//! signature or body.

use std::io::Write;
use std::sync::{Arc, Mutex};

use alipay_api::alipay_fund_trans_refund::AlipayFundTransRefundRequest as Request;
use alipay_runtime::{CallOptions, Client, Money};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

mod support;
use support::{Scripted, config, signed_under, vector};

const TOKEN: &str = "201510BBSECRETTOKENdb44d8fd04607abf8d5931ec75D84";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// What one call with `reply` logs at trace level, spans closing included.
async fn log_of(reply: String) -> String {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = Client::with_transport(config(), Scripted::new(vec![Ok((200, reply))]));
    let request = Request::new(
        "20190703110075000006530004756875",
        "req-A",
        "8.88".parse::<Money>().unwrap(),
    )
    .remark("BODY-MARKER");
    let _ = client
        .execute_with(&request, &CallOptions::new().app_auth_token(TOKEN))
        .await;
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}

fn assert_nothing_secret(log: &str, reply: &str) {
    let signature = reply
        .split("\"sign\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for secret in [
        TOKEN,
        "BODY-MARKER",
        "biz_content",
        "sign=",
        &signature[..40],
        &vector("app_private_pkcs8.txt")[60..100],
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

#[tokio::test]
async fn a_success_is_one_span_with_method_outcome_latency_and_code() {
    let node = r#"{"code":"10000","msg":"Success","refund_order_id":"2088000000300210312","order_id":"20190703110075000006530004756875","out_request_no":"req-A","status":"SUCCESS","refund_amount":"8.88","refund_date":"2019-01-01 08:08:08"}"#;
    let reply = signed_under("alipay_fund_trans_refund_response", node);
    let log = log_of(reply.clone()).await;
    for part in [
        "alipay_call{method=\"alipay.fund.trans.refund\"",
        "alipay call succeeded",
        "outcome=\"succeeded\"",
        "code=\"10000\"",
        "latency_ms=",
        "attempts=1",
        "close",
    ] {
        assert!(log.contains(part), "{part:?} missing from:\n{log}");
    }
    assert_nothing_secret(&log, &reply);
}

#[tokio::test]
async fn a_refusal_records_its_codes_and_outcome() {
    let node = r#"{"code":"40004","msg":"Business Failed","sub_code":"REFUND_MONEY_NOT_ENOUGH","sub_msg":"可用金额为0或不足"}"#;
    let reply = signed_under("alipay_fund_trans_refund_response", node);
    let log = log_of(reply.clone()).await;
    for part in [
        "WARN",
        "outcome=\"failed\"",
        "code=\"40004\"",
        "sub_code=\"REFUND_MONEY_NOT_ENOUGH\"",
    ] {
        assert!(log.contains(part), "{part:?} missing from:\n{log}");
    }
    assert_nothing_secret(&log, &reply);
}
