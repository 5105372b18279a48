//! The payment flow under load, shared by the load bench
//! (`benches/load.rs`) and its correctness-only test (`tests/load.rs`):
//! many payments at once against an in-process [`LocalGateway`] over real
//! HTTP on 127.0.0.1, each one precreated by the runtime's client (signed,
//! its answer verified), paid by the buyer through the control endpoint, and
//! notified to a merchant built on `alipay_runtime::notify::trade::{accept,
//! answer}` that credits each order once. [`run`] checks the books on both
//! sides and returns what it measured; timing is only reported, never
//! asserted.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest;
use alipay_local_gateway::{
    GatewayConfig, GatewayOptions, LocalGateway, NotifyConfig, NotifyFault, TradeStatus,
};
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::trade::{ExpectedOrder, accept, answer};
use alipay_runtime::{CallOptions, Client, Config, Money};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

pub const APP_ID: &str = "2021000000000001";
pub const APP_PRIVATE: &str = include_str!("../../../runtime/tests/vectors/app_private_pkcs8.txt");
pub const APP_PUBLIC: &str = include_str!("../../../runtime/tests/vectors/app_public.txt");
pub const ALIPAY_PRIVATE: &str =
    include_str!("../../../runtime/tests/vectors/alipay_private_pkcs8.txt");
pub const ALIPAY_PUBLIC: &str = include_str!("../../../runtime/tests/vectors/alipay_public.txt");

/// What to run.
#[derive(Debug, Clone)]
pub struct Flow {
    /// How many payments.
    pub payments: usize,
    /// How many payments are in flight at once (each one a precreate call,
    /// then the buyer's payment).
    pub concurrency: usize,
    /// Whether the trades carry a `notify_url`. Without, nothing is
    /// notified or credited: the reference flow that shows what the
    /// notifications cost.
    pub notify: bool,
    /// This many `NotifyFault::Duplicate`s are queued before the flow: the
    /// first notifications are each delivered once more after `success`.
    pub duplicates: usize,
    /// Every `fail_every`-th order (0: none) has the merchant answer `fail`
    /// to its first notification, so the gateway redelivers it.
    pub fail_every: usize,
    /// The gateway's notify clock factor (redeliveries come after 4 min
    /// divided by it).
    pub clock_factor: u32,
    /// The whole flow, notifications included, must end within this.
    pub deadline: Duration,
}

/// What the flow measured.
#[derive(Debug)]
pub struct Measured {
    /// From the first call to the last credit (or the last payment, without
    /// notifications).
    pub elapsed: Duration,
    /// Each `alipay.trade.precreate` call through the client: signing,
    /// HTTP, the gateway's verification and signature, the client's
    /// verification.
    pub precreate: Vec<Duration>,
    /// Each `POST /__control/pay` (no signatures).
    pub pay: Vec<Duration>,
    /// For each order, from the moment the buyer's payment was sent to the
    /// moment the merchant credited it (empty without notifications).
    pub notified: Vec<Duration>,
    /// Deliveries the gateway made, as it recorded them.
    pub deliveries: usize,
}

/// One order in the merchant's books.
struct Order {
    total: Money,
    /// Answer `fail` to the first notification.
    fail_first: bool,
    /// Notifications received for it (any answer).
    received: u32,
    /// Notifications accepted saying it is paid: one, plus a duplicate if
    /// the gateway was told to send one.
    paid_notices: u32,
    credited: u32,
    credited_at: Option<Instant>,
}

/// The merchant's books, shared with its notify endpoint.
#[derive(Default)]
struct Books {
    orders: HashMap<String, Order>,
    /// Notifications refused by `accept` (bad signature, unknown order,
    /// wrong amount…): none is expected.
    refused: Vec<String>,
}

/// The merchant's notify endpoint on 127.0.0.1.
pub struct Merchant {
    books: Arc<Mutex<Books>>,
    /// Its `notify_url`.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Merchant {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Merchant {
    /// Records an order of `total` (answered `success` and credited once
    /// when notified paid).
    pub fn order(&self, out_trade_no: &str, total: Money) {
        self.books.lock().unwrap().orders.insert(
            out_trade_no.to_owned(),
            Order {
                total,
                fail_first: false,
                received: 0,
                paid_notices: 0,
                credited: 0,
                credited_at: None,
            },
        );
    }

    /// How many times the order was credited (0 or 1).
    pub fn credited(&self, out_trade_no: &str) -> u32 {
        let books = self.books.lock().unwrap();
        books.orders.get(out_trade_no).map_or(0, |o| o.credited)
    }

    /// Starts the endpoint; it verifies with the test Alipay public key.
    pub async fn start() -> Merchant {
        Merchant::start_with(PublicKey::from_text(ALIPAY_PUBLIC, KeyRole::AlipayPublicKey).unwrap())
            .await
    }

    async fn start_with(alipay_public: PublicKey) -> Merchant {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/notify", listener.local_addr().unwrap());
        let books = Arc::new(Mutex::new(Books::default()));
        let key = Arc::new(alipay_public);
        let shared = Arc::clone(&books);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (books, key) = (Arc::clone(&shared), Arc::clone(&key));
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        receive(Arc::clone(&books), Arc::clone(&key), request)
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Merchant { books, url, task }
    }
}

/// Verifies and credits one notification. The signature is checked outside
/// the lock (it is the costly part); the books are locked only to look the
/// order up and to credit it.
async fn receive(
    books: Arc<Mutex<Books>>,
    key: Arc<PublicKey>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let mut fail = false;
    let result = accept(&body, &key, APP_ID, |no| {
        let mut books = books.lock().unwrap();
        let order = books.orders.get_mut(no)?;
        order.received += 1;
        fail = order.fail_first && order.received == 1;
        Some(ExpectedOrder::new(order.total))
    });
    let reply = match &result {
        _ if fail => "fail",
        Ok(n) => {
            let mut books = books.lock().unwrap();
            let order = books
                .orders
                .get_mut(&n.out_trade_no)
                .expect("accept checked the order exists");
            let paid = n.trade_status.as_ref().is_some_and(|s| s.is_paid());
            if paid {
                order.paid_notices += 1;
            }
            // Idempotent: a redelivery or a duplicate of a credited order
            // is answered `success` and changes nothing.
            if paid && order.credited == 0 {
                order.credited = 1;
                order.credited_at = Some(Instant::now());
            }
            answer(&result)
        }
        Err(e) => {
            books.lock().unwrap().refused.push(e.to_string());
            answer(&result)
        }
    };
    Ok(Response::new(Full::new(Bytes::from_static(
        reply.as_bytes(),
    ))))
}

/// Starts a gateway with the test keys and the given notify clock factor.
pub async fn gateway(clock_factor: u32) -> LocalGateway {
    LocalGateway::start_with(
        GatewayConfig {
            app_id: APP_ID.to_owned(),
            app_public_key: PublicKey::from_text(APP_PUBLIC, KeyRole::AppPublicKey).unwrap(),
            gateway_private_key: PrivateKey::from_text(ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey)
                .unwrap(),
        },
        GatewayOptions {
            notify: NotifyConfig {
                clock_factor: NonZeroU32::new(clock_factor).expect("a clock factor from 1"),
            },
            ..GatewayOptions::default()
        },
    )
    .await
    .unwrap()
}

/// The order number of payment `i`.
fn order_no(i: usize) -> String {
    format!("load-{i:06}")
}

/// The amount of payment `i`: 0.01 to 100.00 yuan, so a notification
/// carrying another order's amount would be refused.
fn amount(i: usize) -> Money {
    Money::from_fen((i % 10_000) as u64 + 1)
}

/// Runs `flow` on a fresh gateway and merchant; checks that every payment
/// was made, notified and credited exactly once, that nothing was credited
/// for an unknown trade, and that the gateway holds every trade as
/// `TRADE_SUCCESS`. `Err` says what went wrong (with what was measured so
/// far for a missed deadline).
pub async fn run(flow: &Flow) -> Result<Measured, String> {
    let gw = Arc::new(gateway(flow.clock_factor).await);
    let merchant = Merchant::start().await;
    for _ in 0..flow.duplicates {
        gw.inject_notify(NotifyFault::Duplicate);
    }
    {
        let mut books = merchant.books.lock().unwrap();
        for i in 0..flow.payments {
            books.orders.insert(
                order_no(i),
                Order {
                    total: amount(i),
                    fail_first: flow.notify && flow.fail_every > 0 && i % flow.fail_every == 0,
                    received: 0,
                    paid_notices: 0,
                    credited: 0,
                    credited_at: None,
                },
            );
        }
    }
    let client = Client::new(
        Config::new(APP_ID, APP_PRIVATE, ALIPAY_PUBLIC)
            .unwrap()
            .gateway(gw.url())
            // On a busy machine a connection can wait seconds for a worker
            // thread; what is measured is reported, not bounded here.
            .connect_timeout(Duration::from_secs(30))
            .timeout(Duration::from_secs(30)),
    );
    let buyer = reqwest::Client::new();
    let pay_url = format!("http://{}/__control/pay", gw.addr());
    let options = if flow.notify {
        CallOptions::new().notify_url(merchant.url.clone())
    } else {
        CallOptions::new()
    };

    let start = Instant::now();
    let deadline = start + flow.deadline;
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..flow.concurrency {
        let (client, buyer, options) = (client.clone(), buyer.clone(), options.clone());
        let (next, pay_url) = (Arc::clone(&next), pay_url.clone());
        let payments = flow.payments;
        workers.spawn(async move {
            // (index, precreate latency, pay latency, when the pay was sent)
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= payments {
                    return Ok::<_, String>(done);
                }
                let no = order_no(i);
                let request =
                    AlipayTradePrecreateRequest::new(no.clone(), amount(i)).subject("load");
                let sent = Instant::now();
                let answer = client
                    .execute_with(&request, &options)
                    .await
                    .map_err(|e| format!("precreate {no}: {e}"))?;
                let precreated = Instant::now();
                if answer.out_trade_no.as_deref() != Some(no.as_str()) {
                    return Err(format!("precreate {no} answered {answer:?}"));
                }
                let paid = buyer
                    .post(&pay_url)
                    .body(format!(r#"{{"out_trade_no":"{no}"}}"#))
                    .send()
                    .await
                    .map_err(|e| format!("pay {no}: {e}"))?;
                let status = paid.status();
                let text = paid.text().await.map_err(|e| format!("pay {no}: {e}"))?;
                if status != 200 || !text.contains("TRADE_SUCCESS") {
                    return Err(format!("pay {no}: {status} {text}"));
                }
                done.push((i, precreated - sent, precreated.elapsed(), precreated));
            }
        });
    }
    let mut precreate = Vec::with_capacity(flow.payments);
    let mut pay = Vec::with_capacity(flow.payments);
    let mut pay_sent = vec![None; flow.payments];
    let calls = tokio::time::timeout_at(deadline.into(), async {
        while let Some(worker) = workers.join_next().await {
            for (i, p, q, at) in worker.map_err(|e| format!("a worker panicked: {e}"))?? {
                precreate.push(p);
                pay.push(q);
                pay_sent[i] = Some(at);
            }
        }
        Ok::<_, String>(())
    })
    .await;
    match calls {
        Ok(result) => result?,
        Err(_) => {
            return Err(format!(
                "deadline: only {} of {} payments were made within {:?}",
                next.load(Ordering::Relaxed).min(flow.payments),
                flow.payments,
                flow.deadline
            ));
        }
    }
    let calls_done = start.elapsed();

    // Every order credited, and the gateway done recording its deliveries.
    let fails = (0..flow.payments)
        .filter(|i| flow.fail_every > 0 && i % flow.fail_every == 0)
        .count();
    let expected_deliveries = if flow.notify {
        flow.payments + flow.duplicates.min(flow.payments) + fails
    } else {
        0
    };
    let credited = || {
        let books = merchant.books.lock().unwrap();
        books.orders.values().filter(|o| o.credited > 0).count()
    };
    if flow.notify {
        loop {
            // The gateway's record is cloned under its lock: only read it
            // once the merchant has every credit.
            let deliveries = if credited() == flow.payments {
                gw.notifications().len()
            } else {
                0
            };
            if deliveries >= expected_deliveries && credited() == flow.payments {
                break;
            }
            if Instant::now() > deadline {
                let deliveries = gw.notifications().len();
                return Err(format!(
                    "deadline: after {:?}, {} of {} payments credited, {deliveries} of {expected_deliveries} deliveries made",
                    flow.deadline,
                    credited(),
                    flow.payments
                ));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    // Anything more would be a notification too many: give it a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let books = merchant.books.lock().unwrap();
    let mut problems = Vec::new();
    if !books.refused.is_empty() {
        problems.push(format!(
            "{} notifications refused, e.g. {}",
            books.refused.len(),
            books.refused[0]
        ));
    }
    let mut notified = Vec::with_capacity(flow.payments);
    let mut last_credit = start;
    for (i, sent) in pay_sent.iter().enumerate() {
        let no = order_no(i);
        let order = &books.orders[&no];
        let want = u32::from(flow.notify);
        if order.credited != want {
            problems.push(format!(
                "{no} credited {} times, not {want}",
                order.credited
            ));
        }
        if let (Some(at), Some(sent)) = (order.credited_at, *sent) {
            notified.push(at.saturating_duration_since(sent));
            last_credit = last_credit.max(at);
        }
        match gw.trade(&no) {
            Some(t) if t.status == TradeStatus::TradeSuccess && t.total == amount(i) => {}
            other => problems.push(format!("the gateway holds {no} as {other:?}")),
        }
    }
    let paid_notices: usize = books.orders.values().map(|o| o.paid_notices as usize).sum();
    let expected_notices = if flow.notify {
        flow.payments + flow.duplicates.min(flow.payments)
    } else {
        0
    };
    if paid_notices != expected_notices {
        problems.push(format!(
            "the merchant accepted {paid_notices} payment notifications, expected {expected_notices}"
        ));
    }
    drop(books);
    let deliveries = gw.notifications();
    if deliveries.len() != expected_deliveries {
        problems.push(format!(
            "{} deliveries, expected {expected_deliveries}",
            deliveries.len()
        ));
    }
    let mut successes: HashMap<&str, u32> = HashMap::new();
    for d in &deliveries {
        if d.trade_status != "TRADE_SUCCESS" {
            problems.push(format!(
                "a {} notification of {}",
                d.trade_status, d.out_trade_no
            ));
        }
        if d.answer.as_deref() == Some("success") {
            *successes.entry(d.out_trade_no.as_str()).or_default() += 1;
        }
    }
    if flow.notify {
        let unanswered = (0..flow.payments)
            .filter(|i| !successes.contains_key(order_no(*i).as_str()))
            .count();
        if unanswered > 0 {
            problems.push(format!("{unanswered} payments never answered `success`"));
        }
    }
    if !problems.is_empty() {
        let shown: Vec<&String> = problems.iter().take(10).collect();
        return Err(format!("{} problems: {shown:?}", problems.len()));
    }
    let elapsed = if flow.notify {
        last_credit - start
    } else {
        calls_done
    };
    Ok(Measured {
        elapsed,
        precreate,
        pay,
        notified,
        deliveries: deliveries.len(),
    })
}
