//! The load bench's flow (`benches/load.rs`), small and without timing, so
//! CI exercises it: payments made concurrently through the client and the
//! control endpoint, each notified to a merchant built on the runtime's
//! `accept`/`answer` and credited exactly once, with duplicates and
//! redeliveries mixed in.

#[path = "support/flow.rs"]
mod flow;

use std::sync::Arc;
use std::time::Duration;

use alipay_api::alipay_trade_pay::AlipayTradePayRequest;
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest;
use alipay_local_gateway::NotifyFault;
use alipay_runtime::{CallOptions, Client, Config, Money};
use flow::Flow;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_payments_are_each_notified_and_credited_exactly_once() {
    let measured = flow::run(&Flow {
        payments: 300,
        concurrency: 16,
        notify: true,
        // The first 20 notifications are delivered twice, and every 7th
        // order's first delivery is answered `fail` and redelivered: the
        // merchant still credits each order once.
        duplicates: 20,
        fail_every: 7,
        // Redeliveries after 240 µs instead of 4 minutes.
        clock_factor: 1_000_000,
        // Generous: this is a correctness test, not a timed one.
        deadline: Duration::from_secs(120),
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(measured.precreate.len(), 300);
    assert_eq!(measured.notified.len(), 300);
    assert_eq!(measured.deliveries, 300 + 20 + 43);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_notify_url_payments_are_made_and_nothing_is_delivered() {
    let measured = flow::run(&Flow {
        payments: 50,
        concurrency: 8,
        notify: false,
        duplicates: 0,
        fail_every: 0,
        clock_factor: 1,
        deadline: Duration::from_secs(120),
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(measured.pay.len(), 50);
    assert!(measured.notified.is_empty());
    assert_eq!(measured.deliveries, 0);
}

/// `NotifyFault::BeforeAnswer` under concurrency: each request's own
/// notification is delivered before that request is answered, for a
/// barcode payment (a gateway call) as for the buyer paying a precreated
/// trade (`POST /__control/pay`). The events a request records must be
/// taken with the state it changed, under the same lock: taken later, a
/// concurrent request could take them, and wait for another request's
/// notification while this one answers at once (1 to 9 of these 600 calls
/// did, in each of ten runs, before the fix).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_answer_holds_for_each_request_under_concurrency() {
    const EACH: usize = 300;
    let gw = flow::gateway(1_000_000).await;
    let merchant = Arc::new(flow::Merchant::start().await);
    for _ in 0..2 * EACH {
        gw.inject_notify(NotifyFault::BeforeAnswer);
    }
    let client = Client::new(
        Config::new(flow::APP_ID, flow::APP_PRIVATE, flow::ALIPAY_PUBLIC)
            .unwrap()
            .gateway(gw.url())
            // Generous: on a busy machine a connection can wait seconds
            // for a worker thread; this test is not about time.
            .connect_timeout(Duration::from_secs(60))
            .timeout(Duration::from_secs(60)),
    );
    // 64 in flight: concurrent enough for the race, and no pile of 600
    // connections starving each other.
    let in_flight = Arc::new(Semaphore::new(64));
    let buyer = reqwest::Client::new();
    let pay_url = format!("http://{}/__control/pay", gw.addr());
    let options = CallOptions::new().notify_url(merchant.url.clone());
    let mut calls = JoinSet::new();
    for i in 0..2 * EACH {
        let (client, options, merchant) = (client.clone(), options.clone(), Arc::clone(&merchant));
        let (buyer, pay_url) = (buyer.clone(), pay_url.clone());
        let in_flight = Arc::clone(&in_flight);
        calls.spawn(async move {
            let _permit = in_flight.acquire_owned().await.unwrap();
            let no = format!("early-{i:04}");
            let total = Money::from_fen(100 + i as u64);
            merchant.order(&no, total);
            if i % 2 == 0 {
                let request = AlipayTradePayRequest::new(no.clone(), "s", total)
                    .scene("bar_code")
                    .auth_code("28763443825664394");
                client.execute_with(&request, &options).await.unwrap();
            } else {
                let request = AlipayTradePrecreateRequest::new(no.clone(), total).subject("s");
                client.execute_with(&request, &options).await.unwrap();
                let paid = buyer
                    .post(&pay_url)
                    .body(format!(r#"{{"out_trade_no":"{no}"}}"#))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(paid.status(), 200);
            }
            // Read at once: the answer came after the merchant's `success`.
            (no.clone(), merchant.credited(&no))
        });
    }
    let mut early = Vec::new();
    while let Some(call) = calls.join_next().await {
        let (no, credited) = call.unwrap();
        if credited != 1 {
            early.push(no);
        }
    }
    assert!(
        early.is_empty(),
        "{} of {} calls were answered before their notification was credited: {:?}",
        early.len(),
        2 * EACH,
        &early[..early.len().min(5)]
    );
}
