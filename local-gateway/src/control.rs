//! The control endpoint, `/__control/…`: faults, seeds and state over HTTP, so
//! a test in any language can drive the gateway. Control requests are not
//! gateway requests: they take no fault and are not counted.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use alipay_runtime::Money;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method as HttpMethod, Response, StatusCode, Uri};
use serde::Deserialize;
use serde_json::json;

use crate::notify::Event;
use crate::order_string::{self, OrderStringError};
use crate::{Fault, NotifyFault, PayError, Shared, TradeInfo};

/// Where control paths start.
pub(crate) const PREFIX: &str = "/__control/";

/// A fault, as JSON: `{"fault":"delay","ms":300}`, `{"fault":"drop_connection"}`,
/// `{"fault":"http_status","status":502}`, `{"fault":"tamper_signature"}`,
/// `{"fault":"system_error"}`, `{"fault":"gateway_unavailable"}`,
/// `{"fault":"business","code":"REFUND_MONEY_NOT_ENOUGH"}`.
#[derive(Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
enum FaultBody {
    Delay { ms: u64 },
    DropConnection,
    HttpStatus { status: u16 },
    TamperSignature,
    SystemError,
    GatewayUnavailable,
    Business { code: String },
}

/// A seed, as JSON; amounts are strings in yuan (`"10.00"`).
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum SeedBody {
    RedPacket {
        auth_no: String,
        out_order_no: String,
        amount: Money,
    },
    Transfer {
        order_id: String,
        amount: Money,
    },
    Trade {
        trade_no: String,
        out_trade_no: String,
        total: Money,
    },
    TradeRefund {
        trade_no: String,
        out_request_no: String,
        amount: Money,
        #[serde(default)]
        reason: Option<String>,
    },
}

/// A notify fault, as JSON: `{"fault":"duplicate"}`, `{"fault":"before_answer"}`,
/// `{"fault":"out_of_order"}`, `{"fault":"tamper_signature"}`.
#[derive(Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
enum NotifyFaultBody {
    Duplicate,
    BeforeAnswer,
    OutOfOrder,
    TamperSignature,
}

/// The buyer pays a trade: `{"out_trade_no":"…"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayBody {
    out_trade_no: String,
}

const USAGE: &str = "POST /__control/fault, POST /__control/notify_fault, POST /__control/seed, \
                     POST /__control/pay, POST /__control/pay_order_string, GET /__control/state";

/// Answers one control request; the notifications it caused (a payment's)
/// go with the answer, to be dispatched by the caller.
pub(crate) fn handle(
    shared: &Shared,
    method: &HttpMethod,
    uri: &Uri,
    body: &Bytes,
) -> (Response<Full<Bytes>>, Vec<Event>) {
    let what = &uri.path()[PREFIX.len()..];
    let mut events = Vec::new();
    let result = match (method, what) {
        (&HttpMethod::POST, "fault") => fault(shared, body),
        (&HttpMethod::POST, "notify_fault") => notify_fault(shared, body),
        (&HttpMethod::POST, "seed") => seed(shared, body),
        (&HttpMethod::POST, "pay") => pay(shared, body, &mut events),
        (&HttpMethod::POST, "pay_order_string") => pay_order_string(shared, body, &mut events),
        (&HttpMethod::GET, "state") => Ok(state(shared)),
        (_, "fault" | "notify_fault" | "seed" | "pay" | "pay_order_string" | "state") => Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{method} {} is not served; the control endpoints are {USAGE}",
                uri.path()
            ),
        )),
        _ => Err((
            StatusCode::NOT_FOUND,
            format!(
                "no control endpoint {}; the control endpoints are {USAGE}",
                uri.path()
            ),
        )),
    };
    let (status, value) = match result {
        Ok(value) => (StatusCode::OK, value),
        Err((status, error)) => (status, json!({ "error": error })),
    };
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    (response, events)
}

type Outcome = Result<serde_json::Value, (StatusCode, String)>;

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8], example: &str) -> Result<T, (StatusCode, String)> {
    serde_json::from_slice(body).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("the body is not a valid request: {e}; send JSON such as {example}"),
        )
    })
}

fn fault(shared: &Shared, body: &[u8]) -> Outcome {
    let body: FaultBody = parse(body, r#"{"fault":"http_status","status":502}"#)?;
    let fault = match body {
        FaultBody::Delay { ms } => Fault::Delay(Duration::from_millis(ms)),
        FaultBody::DropConnection => Fault::DropConnection,
        FaultBody::HttpStatus { status } => {
            if !(100..=999).contains(&status) {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!("status {status} is not an HTTP status; use 100 to 999, e.g. 502"),
                ));
            }
            Fault::HttpStatus(status)
        }
        FaultBody::TamperSignature => Fault::TamperSignature,
        FaultBody::SystemError => Fault::SystemError,
        FaultBody::GatewayUnavailable => Fault::GatewayUnavailable,
        FaultBody::Business { code } => Fault::Business(intern(code)),
    };
    let mut state = shared.lock();
    state.faults.push_back(fault);
    Ok(json!({ "queued": format!("{fault:?}"), "pending_faults": state.faults.len() }))
}

fn notify_fault(shared: &Shared, body: &[u8]) -> Outcome {
    let body: NotifyFaultBody = parse(body, r#"{"fault":"duplicate"}"#)?;
    let fault = match body {
        NotifyFaultBody::Duplicate => NotifyFault::Duplicate,
        NotifyFaultBody::BeforeAnswer => NotifyFault::BeforeAnswer,
        NotifyFaultBody::OutOfOrder => NotifyFault::OutOfOrder,
        NotifyFaultBody::TamperSignature => NotifyFault::TamperSignature,
    };
    let mut state = shared.lock();
    state.notify_faults.push_back(fault);
    Ok(json!({
        "queued": format!("{fault:?}"),
        "pending_notify_faults": state.notify_faults.len(),
    }))
}

/// A `&'static str` for a business code sent over HTTP, leaked once per
/// distinct code: [`Fault`] is `Copy`, and a test uses a handful of codes.
fn intern(code: String) -> &'static str {
    static CODES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = codes.get(code.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.into_boxed_str());
    codes.insert(leaked);
    leaked
}

fn seed(shared: &Shared, body: &[u8]) -> Outcome {
    let body: SeedBody = parse(
        body,
        r#"{"kind":"transfer","order_id":"20190703110075000006530004756875","amount":"10.00"}"#,
    )?;
    let mut state = shared.lock();
    match body {
        SeedBody::RedPacket {
            auth_no,
            out_order_no,
            amount,
        } => state.seed_red_packet(&auth_no, &out_order_no, amount),
        SeedBody::Transfer { order_id, amount } => state.seed_transfer(&order_id, amount),
        SeedBody::Trade {
            trade_no,
            out_trade_no,
            total,
        } => state.seed_trade(&trade_no, &out_trade_no, total),
        SeedBody::TradeRefund {
            trade_no,
            out_request_no,
            amount,
            reason,
        } => {
            if !state.seed_trade_refund(&trade_no, &out_request_no, amount, reason.as_deref()) {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!(
                        "trade {trade_no:?} was never seeded, so it has no refund to record; seed it first with {{\"kind\":\"trade\",\"trade_no\":{trade_no:?},…}}"
                    ),
                ));
            }
        }
    }
    Ok(json!({ "seeded": true }))
}

fn trade_json(trade: &TradeInfo) -> serde_json::Value {
    json!({
        "trade_no": trade.trade_no,
        "out_trade_no": trade.out_trade_no,
        "trade_status": trade.status.as_str(),
        "total_amount": trade.total.to_string(),
        "refunded": trade.refunded.to_string(),
        "buyer_user_id": trade.buyer_user_id,
    })
}

/// The buyer pays: `404` for an unknown trade, `409` for one not waiting
/// for payment. The payment's notification is put in `events`, taken under
/// the lock that paid (as for a gateway request, see `server::Reply`).
fn pay(shared: &Shared, body: &[u8], events: &mut Vec<Event>) -> Outcome {
    let body: PayBody = parse(body, r#"{"out_trade_no":"20150320010101001"}"#)?;
    let paid = {
        let mut state = shared.lock();
        let paid = state.simulate_pay(&body.out_trade_no);
        *events = state.take_outbox();
        paid
    };
    match paid {
        Ok(trade) => Ok(trade_json(&trade)),
        Err(e @ PayError::UnknownTrade { .. }) => Err((StatusCode::NOT_FOUND, e.to_string())),
        Err(e) => Err((StatusCode::CONFLICT, e.to_string())),
    }
}

/// The Alipay app pays an order string (the body, as
/// `Client::sdk_order_string` made it): `400` for one the gateway refuses or
/// for another method, `409` for a trade that cannot be paid.
fn pay_order_string(shared: &Shared, body: &[u8], events: &mut Vec<Event>) -> Outcome {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "the body is not UTF-8; send the order string made by Client::sdk_order_string as is"
                .to_owned(),
        ));
    };
    let (paid, taken) = order_string::pay_order_string(shared, text);
    *events = taken;
    match paid {
        Ok(trade) => Ok(trade_json(&trade)),
        Err(e @ OrderStringError::Trade { .. }) => Err((StatusCode::CONFLICT, e.to_string())),
        Err(e) => Err((StatusCode::BAD_REQUEST, e.to_string())),
    }
}

fn state(shared: &Shared) -> serde_json::Value {
    let state = shared.lock();
    let refunded: serde_json::Map<String, serde_json::Value> = state
        .refunded_all()
        .into_iter()
        .map(|(id, money)| (id, json!(money.to_string())))
        .collect();
    let methods: Vec<&str> = shared
        .specs
        .api
        .methods
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    json!({
        "app_id": shared.config.app_id,
        "request_count": shared.request_count.load(Ordering::SeqCst),
        "pending_faults": state.faults.len(),
        "methods": methods,
        "refunded": refunded,
        "trades": state.trade_infos().iter().map(trade_json).collect::<Vec<_>>(),
        "notifications": state.deliveries.iter().map(|d| json!({
            "out_trade_no": d.out_trade_no,
            "trade_status": d.trade_status,
            "notify_id": d.notify_id,
            "attempt": d.attempt,
            "tampered": d.tampered,
            "answer": d.answer,
        })).collect::<Vec<_>>(),
    })
}
