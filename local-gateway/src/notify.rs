//! Asynchronous notifications: the signed `trade_status_sync` form the
//! gateway POSTs to a trade's `notify_url` when the trade is paid, closed or
//! refunded, redelivered on Alipay's schedule until the merchant answers
//! `success`.
//!
//! Alipay's notification document (<https://opendocs.alipay.com/open/270/105902>):
//! the merchant must answer exactly `success`; otherwise Alipay sends the
//! notification again, eight times within about 25 hours, at intervals of
//! 4m, 10m, 10m, 1h, 2h, 6h and 15h. The schedule here is that one divided
//! by [`NotifyConfig::clock_factor`], so a test does not wait hours.
//!
//! The plug-ins only record what happened ([`Event`]s, under the gateway's
//! mutex); delivery runs afterwards, outside it, one tokio task per
//! notification.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use alipay_runtime::DateTime;
use alipay_runtime::notify::{NotifyVariant, check_content};
use alipay_runtime::sign::{SignType, sign};

use crate::Shared;
use crate::server::tamper;

/// Alipay's intervals between one delivery and the next: 4m, 10m, 10m, 1h,
/// 2h, 6h, 15h, so eight deliveries in all.
pub const SCHEDULE: [Duration; 7] = [
    Duration::from_secs(4 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(6 * 60 * 60),
    Duration::from_secs(15 * 60 * 60),
];

/// How long one delivery waits for the merchant's answer before it counts
/// as unanswered (real time, not scaled).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The seller's user id the notifications carry (2088 and twelve digits, as
/// Alipay's user ids are).
pub const SELLER_ID: &str = "2088000000000002";

/// How notifications are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyConfig {
    /// Alipay's redelivery intervals ([`SCHEDULE`]) are divided by this:
    /// 1 is Alipay's real schedule (the default), 100 000 turns its 25
    /// hours into about a second.
    pub clock_factor: NonZeroU32,
}

impl Default for NotifyConfig {
    fn default() -> NotifyConfig {
        NotifyConfig {
            clock_factor: NonZeroU32::MIN,
        }
    }
}

/// A fault to inject into the next notification the gateway sends (one per
/// notification, in the order injected, as [`crate::Fault`]s are for
/// requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotifyFault {
    /// Once the merchant has answered `success`, deliver the same
    /// notification (the same `notify_id`) once more.
    Duplicate,
    /// Deliver the first attempt before the gateway answers the request
    /// that caused it (the merchant hears of the payment before its own
    /// call returns). Without this fault delivery starts in the background,
    /// in no set order with the answer.
    BeforeAnswer,
    /// For a payment: first deliver a `TRADE_FINISHED` notification of the
    /// trade (until answered `success`), then the `TRADE_SUCCESS` one, as
    /// when Alipay's notifications overtake each other.
    OutOfOrder,
    /// Change one character of the first delivery's `sign`, so it does not
    /// verify; the redeliveries are genuine.
    TamperSignature,
}

/// One delivery of a notification, as [`crate::LocalGateway::notifications`]
/// lists them, in the order they were made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The trade's order number.
    pub out_trade_no: String,
    /// The notification's `trade_status`.
    pub trade_status: String,
    /// The notification's `notify_id`: the same on every redelivery.
    pub notify_id: String,
    /// 1 for the first delivery, 2 for the first redelivery, …
    pub attempt: u32,
    /// Whether this delivery's signature was tampered with
    /// ([`NotifyFault::TamperSignature`]).
    pub tampered: bool,
    /// The merchant's answer body, or `None` if there was none (connection
    /// refused, timeout, an HTTP status other than 200).
    pub answer: Option<String>,
}

/// A notification to send: its parameters (without `app_id`, the times and
/// the signature, added at each delivery) and where.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) url: String,
    pub(crate) params: BTreeMap<String, String>,
    pub(crate) fault: Option<NotifyFault>,
}

impl Event {
    fn param(&self, name: &str) -> String {
        self.params.get(name).cloned().unwrap_or_default()
    }
}

/// Sends the notifications `events`: each in a background task, except the
/// first delivery of one with [`NotifyFault::BeforeAnswer`], which is
/// awaited here, before the caller answers its request.
pub(crate) async fn dispatch(shared: &Arc<Shared>, events: Vec<Event>) {
    for event in events {
        if event.fault == Some(NotifyFault::BeforeAnswer) {
            if deliver(shared, &event, 1).await {
                continue;
            }
            spawn(shared, event, 2);
        } else {
            spawn(shared, event, 1);
        }
    }
}

/// Runs the schedule of `event` from delivery `from` in a task that stops
/// when the gateway is dropped.
pub(crate) fn spawn(shared: &Arc<Shared>, event: Event, from: u32) {
    let task = shared.runtime.spawn(run(Arc::clone(shared), event, from));
    let mut tasks = shared
        .tasks
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tasks.retain(|t| !t.is_finished());
    tasks.push(task.abort_handle());
}

async fn run(shared: Arc<Shared>, event: Event, from: u32) {
    if event.fault == Some(NotifyFault::OutOfOrder)
        && event.param("trade_status") == "TRADE_SUCCESS"
    {
        let mut finished = event.clone();
        finished.fault = None;
        finished
            .params
            .insert("trade_status".to_owned(), "TRADE_FINISHED".to_owned());
        let id = format!("{}f", event.param("notify_id"));
        finished.params.insert("notify_id".to_owned(), id);
        schedule(&shared, &finished, 1).await;
    }
    let answered = schedule(&shared, &event, from).await;
    if answered && event.fault == Some(NotifyFault::Duplicate) {
        deliver(&shared, &event, SCHEDULE.len() as u32 + 2).await;
    }
}

/// Delivers from attempt `from` until answered `success` or the schedule
/// ends; whether it was answered `success`.
async fn schedule(shared: &Shared, event: &Event, from: u32) -> bool {
    let factor = shared.options.notify.clock_factor.get();
    for attempt in from..=SCHEDULE.len() as u32 + 1 {
        if attempt > 1 {
            tokio::time::sleep(SCHEDULE[attempt as usize - 2] / factor).await;
        }
        if deliver(shared, event, attempt).await {
            return true;
        }
    }
    false
}

/// One delivery, recorded; whether the merchant answered `success`.
async fn deliver(shared: &Shared, event: &Event, attempt: u32) -> bool {
    let mut params = event.params.clone();
    params.insert("app_id".to_owned(), shared.config.app_id.clone());
    params.insert("notify_time".to_owned(), DateTime::now().to_string());
    params.insert("sign_type".to_owned(), "RSA2".to_owned());
    let content = check_content(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        NotifyVariant::V1,
    );
    let mut signature = sign(&shared.config.gateway_private_key, SignType::Rsa2, &content);
    let tampered = attempt == 1 && event.fault == Some(NotifyFault::TamperSignature);
    if tampered {
        tamper(&mut signature);
    }
    params.insert("sign".to_owned(), signature);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let sent = shared
        .http
        .post(&event.url)
        .header(
            "content-type",
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .timeout(ANSWER_TIMEOUT)
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(response) if response.status().as_u16() == 200 => response.text().await.ok(),
        _ => None,
    };
    let success = answer.as_deref() == Some("success");
    if shared.options.log {
        eprintln!(
            "notify {} {} attempt={attempt} tampered={tampered} answer={answer:?}",
            event.param("out_trade_no"),
            event.param("trade_status"),
        );
    }
    shared.lock().deliveries.push(Delivery {
        out_trade_no: event.param("out_trade_no"),
        trade_status: event.param("trade_status"),
        notify_id: event.param("notify_id"),
        attempt,
        tampered,
        answer,
    });
    success
}
