//! Trade notifications: the gateway POSTs a signed `trade_status_sync` form
//! to the trade's `notify_url` and redelivers until the merchant answers
//! `success`. A test merchant built on the runtime's `accept`/`answer`
//! survives every notify fault: each payment credited once, a tampered
//! notification refused, a final state kept.

mod support;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_local_gateway::{
    Delivery, GatewayConfig, GatewayOptions, LocalGateway, NOTIFY_SCHEDULE, NotifyConfig,
    NotifyFault,
};
use alipay_runtime::Money;
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::trade::{ExpectedOrder, TradeStatus, accept, answer};
use alipay_runtime::sign::{SignType, sign, sign_content};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use support::{
    ALIPAY_PRIVATE, APP_ID, APP_PUBLIC, Answer, alipay_public, app_key, post, post_raw, verified,
    yuan,
};
use tokio::net::TcpListener;

/// Alipay's 25 hours in about 90 ms (4 minutes in 240 µs, 15 hours in 54 ms).
const FAST: u32 = 1_000_000;

async fn gateway(clock_factor: u32) -> LocalGateway {
    LocalGateway::start_with(
        GatewayConfig {
            app_id: APP_ID.to_owned(),
            app_public_key: PublicKey::from_text(APP_PUBLIC, KeyRole::AppPublicKey).unwrap(),
            gateway_private_key: PrivateKey::from_text(ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey)
                .unwrap(),
        },
        GatewayOptions {
            notify: NotifyConfig {
                clock_factor: NonZeroU32::new(clock_factor).unwrap(),
            },
            ..GatewayOptions::default()
        },
    )
    .await
    .unwrap()
}

/// What the merchant's books hold.
#[derive(Default)]
struct Books {
    /// The orders it created, with their amounts.
    orders: HashMap<String, Money>,
    /// How many times each order was credited.
    credited: HashMap<String, u32>,
    /// Each order's last known status; a final one is never moved back.
    status: HashMap<String, TradeStatus>,
    /// Answers to give instead of processing (a merchant failing).
    forced: VecDeque<&'static str>,
    /// When each notification arrived, and what it was answered.
    received: Vec<(Instant, String)>,
}

/// A merchant's notify endpoint on 127.0.0.1, built on the runtime's helpers.
struct Merchant {
    books: Arc<Mutex<Books>>,
    url: String,
}

impl Merchant {
    async fn start() -> Merchant {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/notify", listener.local_addr().unwrap());
        let books = Arc::new(Mutex::new(Books::default()));
        let shared = Arc::clone(&books);
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let books = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |request| receive(Arc::clone(&books), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Merchant { books, url }
    }

    fn order(&self, out_trade_no: &str, total: &str) {
        let mut books = self.books.lock().unwrap();
        books.orders.insert(out_trade_no.to_owned(), yuan(total));
    }

    fn credited(&self, out_trade_no: &str) -> u32 {
        let books = self.books.lock().unwrap();
        books.credited.get(out_trade_no).copied().unwrap_or(0)
    }

    fn status(&self, out_trade_no: &str) -> Option<TradeStatus> {
        self.books.lock().unwrap().status.get(out_trade_no).cloned()
    }
}

async fn receive(
    books: Arc<Mutex<Books>>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let mut books = books.lock().unwrap();
    let reply = if let Some(forced) = books.forced.pop_front() {
        forced
    } else {
        let orders = books.orders.clone();
        let result = accept(&body, &alipay_public(), APP_ID, |no| {
            orders.get(no).copied().map(ExpectedOrder::new)
        });
        if let Ok(n) = &result {
            let status = n.trade_status.clone().unwrap();
            let no = n.out_trade_no.clone();
            let credited = books.credited.entry(no.clone()).or_insert(0);
            if status.is_paid() && *credited == 0 {
                *credited += 1;
            }
            let current = books.status.get(&no);
            let is_final = matches!(
                current,
                Some(TradeStatus::TradeFinished | TradeStatus::TradeClosed)
            );
            if !is_final {
                books.status.insert(no, status);
            }
        }
        answer(&result)
    };
    books.received.push((Instant::now(), reply.to_owned()));
    Ok(Response::new(Full::new(Bytes::from_static(
        reply.as_bytes(),
    ))))
}

/// A signed call of `method` with `notify_url`, verified.
async fn call(gw: &LocalGateway, method: &str, biz: serde_json::Value, notify_url: &str) -> Answer {
    let biz = biz.to_string();
    let mut params: Vec<(String, String)> = [
        ("app_id", APP_ID),
        ("method", method),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("version", "1.0"),
        ("notify_url", notify_url),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    params.push((
        "timestamp".into(),
        alipay_runtime::DateTime::now().to_string(),
    ));
    let content = sign_content(
        params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("biz_content", biz.as_str())]),
    );
    params.push(("sign".into(), sign(&app_key(), SignType::Rsa2, &content)));
    let answer = verified(&post(gw, &params, &biz).await, method);
    assert_eq!(answer.node["code"], "10000", "{}", answer.text);
    answer
}

async fn barcode_pay(gw: &LocalGateway, merchant: &Merchant, out_trade_no: &str, total: &str) {
    merchant.order(out_trade_no, total);
    let biz = json!({"out_trade_no": out_trade_no, "subject": "s", "total_amount": total,
                     "scene": "bar_code", "auth_code": "28763443825664394"});
    call(gw, "alipay.trade.pay", biz, &merchant.url).await;
}

/// The deliveries of `out_trade_no`, once `done` holds of them (5 s at most).
async fn deliveries_until(
    gw: &LocalGateway,
    out_trade_no: &str,
    done: impl Fn(&[Delivery]) -> bool,
) -> Vec<Delivery> {
    let start = Instant::now();
    loop {
        let mine: Vec<Delivery> = gw
            .notifications()
            .into_iter()
            .filter(|d| d.out_trade_no == out_trade_no)
            .collect();
        if done(&mine) {
            return mine;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "deliveries never got there: {mine:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn answered_success(d: &[Delivery], status: &str) -> bool {
    d.iter()
        .any(|d| d.trade_status == status && d.answer.as_deref() == Some("success"))
}

fn attempts(d: &[Delivery]) -> Vec<(u32, &str, Option<&str>)> {
    d.iter()
        .map(|d| (d.attempt, d.trade_status.as_str(), d.answer.as_deref()))
        .collect()
}

#[tokio::test]
async fn a_payment_is_notified_and_credited_once() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    merchant.order("qr-1", "8.88");
    let biz = json!({"out_trade_no": "qr-1", "total_amount": "8.88", "subject": "s"});
    call(&gw, "alipay.trade.precreate", biz, &merchant.url).await;
    assert!(
        gw.notifications().is_empty(),
        "nothing happened to notify yet"
    );
    gw.pay("qr-1").unwrap();
    let d = deliveries_until(&gw, "qr-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    assert_eq!(attempts(&d), [(1, "TRADE_SUCCESS", Some("success"))]);
    assert!(!d[0].tampered);
    assert_eq!(merchant.credited("qr-1"), 1);
    assert_eq!(merchant.status("qr-1"), Some(TradeStatus::TradeSuccess));
}

#[tokio::test]
async fn redelivered_on_the_schedule_until_the_merchant_answers_success() {
    // 4 minutes become 24 ms, 10 minutes 60 ms.
    let factor = 10_000;
    let gw = gateway(factor).await;
    let merchant = Merchant::start().await;
    merchant
        .books
        .lock()
        .unwrap()
        .forced
        .extend(["fail", "fail"]);
    barcode_pay(&gw, &merchant, "bar-1", "3.00").await;
    let d = deliveries_until(&gw, "bar-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    assert_eq!(
        attempts(&d),
        [
            (1, "TRADE_SUCCESS", Some("fail")),
            (2, "TRADE_SUCCESS", Some("fail")),
            (3, "TRADE_SUCCESS", Some("success")),
        ]
    );
    assert!(d.iter().all(|x| x.notify_id == d[0].notify_id));
    assert_eq!(merchant.credited("bar-1"), 1);
    // Each redelivery waits at least its (scaled) interval.
    let times: Vec<Instant> = merchant
        .books
        .lock()
        .unwrap()
        .received
        .iter()
        .map(|r| r.0)
        .collect();
    assert!(times[1] - times[0] >= NOTIFY_SCHEDULE[0] / factor);
    assert!(times[2] - times[1] >= NOTIFY_SCHEDULE[1] / factor);
}

#[tokio::test]
async fn an_unanswered_notification_is_sent_eight_times_then_given_up() {
    let gw = gateway(FAST).await;
    // A port nobody listens on: bind one, then free it.
    let url = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}/notify", listener.local_addr().unwrap())
    };
    let biz = json!({"out_trade_no": "gone-1", "subject": "s", "total_amount": "1.00",
                     "scene": "bar_code", "auth_code": "28763443825664394"});
    call(&gw, "alipay.trade.pay", biz, &url).await;
    let d = deliveries_until(&gw, "gone-1", |d| d.len() == 8).await;
    assert!(d.iter().all(|d| d.answer.is_none()));
    assert_eq!(
        d.iter().map(|d| d.attempt).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    // Alipay's schedule ends after 8 (54 ms of 15 hours is long past here).
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(gw.notifications().len(), 8);
}

#[tokio::test]
async fn a_duplicate_notification_is_credited_once() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    gw.inject_notify(NotifyFault::Duplicate);
    barcode_pay(&gw, &merchant, "dup-1", "2.00").await;
    let d = deliveries_until(&gw, "dup-1", |d| d.len() == 2).await;
    assert_eq!(d[0].notify_id, d[1].notify_id);
    assert!(d.iter().all(|d| d.answer.as_deref() == Some("success")));
    assert_eq!(merchant.credited("dup-1"), 1);
}

#[tokio::test]
async fn a_tampered_notification_is_refused_and_the_genuine_redelivery_credited() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    gw.inject_notify(NotifyFault::TamperSignature);
    barcode_pay(&gw, &merchant, "tamper-1", "2.00").await;
    let d = deliveries_until(&gw, "tamper-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    assert_eq!(
        attempts(&d),
        [
            (1, "TRADE_SUCCESS", Some("failure")),
            (2, "TRADE_SUCCESS", Some("success")),
        ]
    );
    assert!(d[0].tampered && !d[1].tampered);
    assert_eq!(merchant.credited("tamper-1"), 1);
}

#[tokio::test]
async fn out_of_order_notifications_leave_the_final_state() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    gw.inject_notify(NotifyFault::OutOfOrder);
    barcode_pay(&gw, &merchant, "ooo-1", "6.00").await;
    let d = deliveries_until(&gw, "ooo-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    assert_eq!(
        attempts(&d),
        [
            (1, "TRADE_FINISHED", Some("success")),
            (1, "TRADE_SUCCESS", Some("success")),
        ]
    );
    assert_ne!(d[0].notify_id, d[1].notify_id);
    assert_eq!(merchant.status("ooo-1"), Some(TradeStatus::TradeFinished));
    assert_eq!(merchant.credited("ooo-1"), 1);
}

#[tokio::test]
async fn a_notification_can_arrive_before_the_synchronous_answer() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    gw.inject_notify(NotifyFault::BeforeAnswer);
    barcode_pay(&gw, &merchant, "early-1", "4.00").await;
    // No waiting: the merchant was credited before its call returned.
    assert_eq!(merchant.credited("early-1"), 1);
    assert_eq!(
        attempts(&gw.notifications()),
        [(1, "TRADE_SUCCESS", Some("success"))]
    );
}

#[tokio::test]
async fn refunds_closes_and_cancels_are_notified() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    barcode_pay(&gw, &merchant, "r-1", "10.00").await;
    deliveries_until(&gw, "r-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    let refund = json!({"out_trade_no": "r-1", "refund_amount": "4.00", "out_request_no": "rq-1"});
    call(&gw, "alipay.trade.refund", refund, &merchant.url).await;
    let refund = json!({"out_trade_no": "r-1", "refund_amount": "6.00", "out_request_no": "rq-2"});
    call(&gw, "alipay.trade.refund", refund, &merchant.url).await;
    let d = deliveries_until(&gw, "r-1", |d| answered_success(d, "TRADE_CLOSED")).await;
    let statuses: Vec<&str> = d.iter().map(|d| d.trade_status.as_str()).collect();
    assert_eq!(statuses.len(), 3, "{d:?}");
    assert_eq!(statuses.iter().filter(|s| **s == "TRADE_CLOSED").count(), 1);
    assert_eq!(merchant.credited("r-1"), 1);

    merchant.order("c-1", "1.00");
    let create = json!({"out_trade_no": "c-1", "total_amount": "1.00", "subject": "s"});
    call(&gw, "alipay.trade.create", create, &merchant.url).await;
    call(
        &gw,
        "alipay.trade.close",
        json!({"out_trade_no": "c-1"}),
        &merchant.url,
    )
    .await;
    let d = deliveries_until(&gw, "c-1", |d| answered_success(d, "TRADE_CLOSED")).await;
    assert_eq!(attempts(&d), [(1, "TRADE_CLOSED", Some("success"))]);
    assert_eq!(merchant.credited("c-1"), 0);
    // A cancel of the closed trade changes nothing and notifies nothing.
    call(
        &gw,
        "alipay.trade.cancel",
        json!({"out_trade_no": "c-1"}),
        &merchant.url,
    )
    .await;

    barcode_pay(&gw, &merchant, "x-1", "2.00").await;
    call(
        &gw,
        "alipay.trade.cancel",
        json!({"out_trade_no": "x-1"}),
        &merchant.url,
    )
    .await;
    let d = deliveries_until(&gw, "x-1", |d| answered_success(d, "TRADE_CLOSED")).await;
    assert_eq!(d.len(), 2, "{d:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let closes = gw
        .notifications()
        .iter()
        .filter(|d| d.out_trade_no == "c-1")
        .count();
    assert_eq!(closes, 1);
}

#[tokio::test]
async fn without_a_notify_url_nothing_is_sent() {
    let gw = gateway(FAST).await;
    let biz = json!({"out_trade_no": "quiet-1", "subject": "s", "total_amount": "1.00",
                     "scene": "bar_code", "auth_code": "28763443825664394"});
    let answer = support::call(&gw, "alipay.trade.pay", &biz.to_string()).await;
    assert_eq!(answer.node["code"], "10000");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(gw.notifications().is_empty());
}

#[tokio::test]
async fn notify_faults_over_the_control_endpoint() {
    let gw = gateway(FAST).await;
    let merchant = Merchant::start().await;
    let raw = post_raw(
        &gw,
        "/__control/notify_fault",
        "",
        r#"{"fault":"tamper_signature"}"#,
    )
    .await;
    assert_eq!(raw.status, 200, "{}", raw.body);
    assert!(raw.body.contains("TamperSignature"), "{}", raw.body);
    let raw = post_raw(&gw, "/__control/notify_fault", "", r#"{"fault":"late"}"#).await;
    assert_eq!(raw.status, 400);
    assert!(
        raw.body.contains(r#"{\"fault\":\"duplicate\"}"#),
        "{}",
        raw.body
    );

    merchant.order("ctl-1", "1.00");
    let biz = json!({"out_trade_no": "ctl-1", "total_amount": "1.00", "subject": "s"});
    call(&gw, "alipay.trade.create", biz, &merchant.url).await;
    let raw = post_raw(&gw, "/__control/pay", "", r#"{"out_trade_no":"ctl-1"}"#).await;
    assert_eq!(raw.status, 200, "{}", raw.body);
    let d = deliveries_until(&gw, "ctl-1", |d| answered_success(d, "TRADE_SUCCESS")).await;
    assert!(d[0].tampered);
    assert_eq!(merchant.credited("ctl-1"), 1);
    let raw = support::request_raw(&gw, "GET", "/__control/state", "", "").await;
    let state: serde_json::Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(
        state["notifications"][1]["answer"], "success",
        "{}",
        raw.body
    );
    assert_eq!(state["notifications"][0]["tampered"], true);
}
