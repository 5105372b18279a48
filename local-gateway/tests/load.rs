//! The load bench's flow (`benches/load.rs`), small and without timing, so
//! CI exercises it: payments made concurrently through the client and the
//! control endpoint, each notified to a merchant built on the runtime's
//! `accept`/`answer` and credited exactly once, with duplicates and
//! redeliveries mixed in.

#[path = "support/flow.rs"]
mod flow;

use std::time::Duration;

use flow::Flow;

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
