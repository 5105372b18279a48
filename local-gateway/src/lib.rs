//! A local Alipay v2 gateway for tests, in the spirit of `stripe-mock`.
//!
//! Code that calls Alipay needs tests that do not reach Alipay: no sandbox
//! account, no network, no flakiness, and failures on demand. [`LocalGateway`]
//! is a real HTTP/1.1 server on `127.0.0.1` (a random port) that speaks the
//! v2 gateway protocol byte for byte, so the code under test runs unchanged
//! with only its gateway URL pointed at [`LocalGateway::url`]. The same
//! server runs standalone as the `alipay-local-gateway` binary (below), for
//! code in any language.
//!
//! - It reads the system parameters from the URL query and `biz_content` from
//!   the `application/x-www-form-urlencoded` body, checks the public
//!   parameters in the gateway's order, and verifies the `RSA2` request
//!   signature with the app's public key. A missing parameter, an unknown
//!   method or sign type is answered in an `error_response` node
//!   (`40001 isv.missing-signature`, `40002 isv.invalid-method`, …). A
//!   signature that does not verify, a timestamp too far from Beijing time
//!   (15 minutes by default, see [`GatewayOptions::timestamp_window`]) and
//!   an unknown app id are answered inside `<method>_response`, as Alipay
//!   answers them (the first two signed, the last unsigned).
//! - It serves **every method of the spec set** (the bundled specs, plus
//!   [`GatewayOptions::specs`]) without hand-written code: `biz_content` is
//!   checked against the method's spec (required fields, the rules between
//!   fields, lengths as the spec counts them, amounts, integers, times,
//!   booleans, listed values, nested objects and arrays) and a malformed one
//!   is refused as Alipay refuses it (the method's `…INVALID_PARAMETER`
//!   business code with `40004`, else `40002 isv.invalid-parameter`). A valid
//!   request gets the spec's success example, each value typed as the spec
//!   says, with the identifiers the request sent echoed back.
//! - Stateful methods have plug-ins on top, keeping books on the trades,
//!   refunds and transfers the requests (or the test's seeds) make:
//!   - trades (统一收单): `alipay.trade.precreate` (a trade waiting for the
//!     buyer, with a `qr_code` of `{gateway}/qr/{trade_no}`),
//!     `alipay.trade.create` (waiting), `alipay.trade.pay` (barcode: paid at
//!     once), `alipay.trade.query` (`trade_status`, amounts, the buyer's
//!     ids once paid), `alipay.trade.refund` (partial refunds, never beyond
//!     what remains), `alipay.trade.fastpay.refund.query`,
//!     `alipay.trade.close` (only a trade waiting for payment) and
//!     `alipay.trade.cancel` (closes an unpaid trade, refunds a paid one).
//!     [`LocalGateway::pay`] (or `POST /__control/pay`) is the buyer paying;
//!     [`LocalGateway::trade`] shows a trade's status, total and refunds.
//!     `alipay.trade.page.pay`, `wap.pay` and `app.pay` are not server calls:
//!     see the buyer's side below;
//!   - transfers: `alipay.fund.trans.uni.transfer` (keyed by `out_biz_no`)
//!     and its queries `alipay.fund.trans.common.query` and
//!     `alipay.fund.trans.order.query`, by any of its identifiers;
//!   - seeded orders: `alipay.fund.coupon.order.refund`
//!     ([`LocalGateway::seed_red_packet`]) with
//!     `alipay.fund.coupon.operation.query` (its operations),
//!     `alipay.fund.trans.refund` ([`LocalGateway::seed_transfer`]), and
//!     trades made paid with [`LocalGateway::seed_trade`] and
//!     [`LocalGateway::seed_trade_refund`].
//!
//!   Refunds and transfers are idempotent: an identical resend (the same
//!   `out_request_no` within the order, the same `out_biz_no`) gets the same
//!   answer and moves no money (a trade refund answers `fund_change` `N`);
//!   a different request under a used number is refused
//!   (`ACQ.DISCORDANT_REPEAT_REQUEST`, `UNIQUE_VIOLATION`,
//!   `REFUND_INFO_INCONSISTENCY`, `PAYMENT_INFO_INCONSISTENCY`); the same
//!   refund number on another order is another refund. Every refusal is a
//!   business code the method's spec documents, with its documented meaning
//!   as `sub_msg`, and changes nothing.
//! - It answers `{"<method>_response":{…},"sign":"…"}`, the node signed with
//!   the gateway's private key, so the client's response verification is
//!   exercised too.
//! - It injects [`Fault`]s into the next requests: delays, dropped
//!   connections, HTTP errors, tampered signatures, `SYSTEM_ERROR`, `20000`,
//!   and any documented business code ([`Fault::Business`]), with the spec's
//!   message. These are the cases where the outcome of a payment call is
//!   unknown, the ones worth testing and the ones a real sandbox cannot
//!   produce.
//! - It serves **the buyer's side**. A browser submits the page form (or
//!   opens the URL) the client renders for `alipay.trade.page.pay` or
//!   `alipay.trade.wap.pay` to the gateway URL; it is checked as a call is,
//!   and a refusal is an HTML page with Alipay's error text (错误代码
//!   `invalid-signature` …) that makes no trade. A valid form makes the trade
//!   (`WAIT_BUYER_PAY`; the same trade again for the same `out_trade_no` and
//!   amount) and redirects to its cashier page, `/cashier/{trade_no}`
//!   (precreate's `qr_code`, `/qr/{trade_no}`, opens it too): the order's
//!   subject, amount and number, a pay and a cancel button. Paying is
//!   [`LocalGateway::pay`] (the notification goes out), then a redirect to
//!   `return_url` with the signed return parameters Alipay sends
//!   (`method=alipay.trade.page.pay.return`, …; verify them with
//!   `alipay_runtime::notify::page_return`), or a "paid" page without one;
//!   cancelling leaves the trade unpaid. [`LocalGateway::pay_order_string`]
//!   (or `POST /__control/pay_order_string`) pays an app's order string
//!   (`alipay.trade.app.pay`) as the Alipay app would. The buyer's requests
//!   are not counted and take no fault.
//! - It delivers **trade notifications**: when a
//!   trade made by a request with a `notify_url` is paid, closed, refunded
//!   or cancelled, it POSTs a signed `trade_status_sync` form there (signed
//!   as Alipay signs notifications: V1, `sign` and `sign_type` left out,
//!   RSA2 with the gateway's key) and redelivers it until the merchant
//!   answers exactly `success`, on Alipay's schedule ([`NOTIFY_SCHEDULE`])
//!   divided by [`NotifyConfig::clock_factor`]. [`LocalGateway::inject_notify`]
//!   queues [`NotifyFault`]s (a duplicate, delivery before the synchronous
//!   answer, `TRADE_FINISHED` before `TRADE_SUCCESS`, a tampered
//!   signature); [`LocalGateway::notifications`] lists every delivery with
//!   the merchant's answer.
//! - It serves **bills**: `alipay.data.dataservice.bill.downloadurl.query`
//!   (`bill_type` `trade`, a day `yyyy-MM-dd` or a month `yyyy-MM`, Beijing
//!   time) answers a link on the gateway,
//!   `{gateway}/bill/downloadBillFile.resource?…&token=…`, to a zip of the
//!   two GBK CSV files Alipay's bill holds (业务明细 and 业务明细(汇总)): one
//!   row per payment and one per refund the gateway processed in that
//!   period, with Alipay's columns, markers and totals. The link is valid
//!   30 seconds, as Alipay's ([`LocalGateway::set_bill_link_validity`]); an
//!   unknown link is answered `404`, an expired one `410`. Unlike Alipay
//!   (T+1), today's bill is served too, as processed so far.
//!
//! State lives in memory and goes away with the gateway; the server stops
//! when the [`LocalGateway`] is dropped.
//!
//! # The binary
//!
//! `alipay-local-gateway serve [--port 8080] [--specs DIR]… [--host IP]
//! [--keys-dir DIR] [--app-id ID] [--timestamp-window-secs N] [--no-plugins]
//! [--notify-clock-factor N] [--quiet]` prints on start, one `name: value`
//! per line: `url`, `app_id`,
//! `keys` (the directory of the test key pairs, generated at first start and
//! reused afterwards: `app_private_key.txt` to sign requests with,
//! `alipay_public_key.txt` to verify responses with, bare base64 as Alipay's
//! key tool writes them; or the files given with `--app-public-key` and
//! `--gateway-private-key`), `control`, `notify_clock_factor` (what
//! Alipay's redelivery intervals are divided by, see [`NotifyConfig`]),
//! `methods`. It logs one line per
//! request to stderr (method, outcome, fault), listens on `127.0.0.1` unless
//! `--host` says otherwise, and stops on Ctrl-C (or SIGTERM).
//!
//! # The control endpoint
//!
//! Under `/__control/`, JSON in and out; control requests are not counted
//! and take no fault. A bad request is answered `400` with
//! `{"error": "…"}` saying what to send.
//!
//! - `POST /__control/fault` queues a fault for the next gateway request:
//!   `{"fault":"delay","ms":300}`, `{"fault":"drop_connection"}`,
//!   `{"fault":"http_status","status":502}`, `{"fault":"tamper_signature"}`,
//!   `{"fault":"system_error"}`, `{"fault":"gateway_unavailable"}`,
//!   `{"fault":"business","code":"NO_ORDER_PERMISSION"}`.
//! - `POST /__control/notify_fault` queues a fault for the next trade
//!   notification: `{"fault":"duplicate"}`, `{"fault":"before_answer"}`,
//!   `{"fault":"out_of_order"}`, `{"fault":"tamper_signature"}`.
//! - `POST /__control/seed` seeds the plug-ins' books (amounts in yuan, as
//!   strings): `{"kind":"red_packet","auth_no":…,"out_order_no":…,"amount":"10.00"}`,
//!   `{"kind":"transfer","order_id":…,"amount":…}`,
//!   `{"kind":"trade","trade_no":…,"out_trade_no":…,"total":…}`,
//!   `{"kind":"trade_refund","trade_no":…,"out_request_no":…,"amount":…,"reason":…}`.
//! - `POST /__control/pay` is the buyer paying a trade waiting for payment,
//!   as [`LocalGateway::pay`]: `{"out_trade_no":…}`, answered with the
//!   trade (`{"trade_no", "out_trade_no", "trade_status", "total_amount",
//!   "refunded", "buyer_user_id"}`); `404` for an unknown trade, `409` for
//!   one already paid or closed.
//! - `POST /__control/pay_order_string` is the Alipay app paying an order
//!   string, as [`LocalGateway::pay_order_string`]: the body is the order
//!   string as `Client::sdk_order_string` made it, answered with the trade
//!   as `POST /__control/pay` answers it; `400` with a message for one the
//!   gateway refuses (signature, app id, timestamp, `biz_content`) or another
//!   method, `409` for an `out_trade_no` already paid, closed or used with
//!   another amount.
//! - `GET /__control/state` answers `{"app_id", "request_count",
//!   "pending_faults", "methods", "refunded": {id: amount}, "trades": […],
//!   "notifications": […]}`, each trade as `POST /__control/pay` answers it,
//!   each notification delivery as `{"out_trade_no", "trade_status",
//!   "notify_id", "attempt", "tampered", "answer"}`.
//!
//! # Example
//!
//! ```
//! use alipay_local_gateway::{Fault, GatewayConfig, LocalGateway};
//! use alipay_runtime::Money;
//! use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/tests/vectors/");
//! # let app_public_key_text = std::fs::read_to_string(format!("{vectors}app_public.txt"))?;
//! # let gateway_private_key_text =
//! #     std::fs::read_to_string(format!("{vectors}alipay_private_pkcs8.txt"))?;
//! // The test holds both key pairs: the app's private key signs requests
//! // (the client's configuration), its public half goes to the gateway; the
//! // gateway signs with a private key whose public half the client is
//! // configured with as "the Alipay public key".
//! let gateway = LocalGateway::start(GatewayConfig {
//!     app_id: "2021000000000001".to_owned(),
//!     app_public_key: PublicKey::from_text(&app_public_key_text, KeyRole::AppPublicKey)?,
//!     gateway_private_key: PrivateKey::from_text(
//!         &gateway_private_key_text,
//!         KeyRole::GatewayPrivateKey,
//!     )?,
//! })
//! .await?;
//!
//! // A red packet of 10.00 yuan that can be refunded.
//! gateway.seed_red_packet("2017122810002001950287006752", "out-order-1", Money::from_fen(1000));
//! // The next request is processed (the money moves) but never answered.
//! gateway.inject(Fault::DropConnection);
//!
//! // Point the client under test at `gateway.url()` and call it; then check
//! // what a retry did to the money:
//! assert!(gateway.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(gateway.refunded("2017122810002001950287006752"), Money::ZERO);
//! assert_eq!(gateway.request_count(), 0);
//! # Ok(())
//! # }
//! ```

mod bill_file;
mod cashier;
mod control;
mod nodes;
mod notify;
mod order_string;
mod server;
mod spec;
mod state;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use alipay_runtime::Money;
use alipay_runtime::keys::{PrivateKey, PublicKey};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The status of a trade, as `alipay.trade.query` answers it.
pub use alipay_api::alipay_trade_query::TradeStatus;
pub use notify::{Delivery, NotifyConfig, NotifyFault, SCHEDULE as NOTIFY_SCHEDULE, SELLER_ID};
pub use order_string::OrderStringError;

use crate::spec::Specs;
use crate::state::State;

/// Who the gateway talks to and how it signs.
#[derive(Debug)]
pub struct GatewayConfig {
    /// The only `app_id` accepted; any other is `40002 isv.invalid-app-id`.
    pub app_id: String,
    /// The app's public key (应用公钥): request signatures are verified with
    /// it.
    pub app_public_key: PublicKey,
    /// The key the gateway signs its responses with. The client under test
    /// must be configured with its public half as the Alipay public key.
    pub gateway_private_key: PrivateKey,
}

/// How the gateway runs, beyond who it talks to. `Default` is what
/// [`LocalGateway::start`] uses.
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    /// Spec directories layered on the bundled specs, each with a
    /// `methods/` folder of method specs (the format of `specs/README.md`):
    /// their methods are served too. A spec for a method the bundled set
    /// already has is refused.
    pub specs: Vec<PathBuf>,
    /// The address to listen on: `127.0.0.1` unless set otherwise on purpose.
    pub host: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// How far a request's `timestamp` may be from Beijing time before it is
    /// refused (`40002 isv.invalid-timestamp`); `None` accepts any well-formed
    /// timestamp. Alipay refuses such requests with that sub-code under the
    /// method's key (a timestamp a month behind, with a one-digit month, got
    /// `{"alipay_trade_precreate_response":{"code":"40002","msg":"Invalid
    /// Arguments","sub_code":"isv.invalid-timestamp","sub_msg":"非法的时间戳参数"},"sign":…}`,
    /// <https://github.com/Srar/AlipayF2F/issues/14>), but publishes no
    /// window: none was found in its documents or SDKs. The default, 15
    /// minutes, is the window Alibaba Cloud's OpenAPI gateway documents for
    /// its own timestamps (`InvalidTimeStamp.Expired`,
    /// <https://developer.aliyun.com/ask/9487>), a stand-in, not Alipay's.
    pub timestamp_window: Option<Duration>,
    /// Runs the methods' plug-ins (refund ledgers, idempotent resends,
    /// queries of seeded trades). Without them every method is answered from
    /// its spec alone, statelessly: a valid request gets the spec's success.
    pub plugins: bool,
    /// Writes one line per request to stderr: method, outcome, fault.
    pub log: bool,
    /// How trade notifications are delivered to `notify_url`s.
    pub notify: NotifyConfig,
}

impl Default for GatewayOptions {
    fn default() -> GatewayOptions {
        GatewayOptions {
            specs: Vec::new(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            timestamp_window: Some(Duration::from_secs(15 * 60)),
            plugins: true,
            log: false,
            notify: NotifyConfig::default(),
        }
    }
}

/// A failure to inject into one request. Faults queue up: each HTTP request
/// takes the oldest one, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Process the request (money may move), then wait this long before
    /// answering: for client timeouts.
    Delay(Duration),
    /// Read the whole request and process it (money may move), then close the
    /// connection without answering: the client sees the connection end
    /// before any response.
    DropConnection,
    /// Answer with this HTTP status and a short HTML page, as a proxy in
    /// front of the gateway would (e.g. 502). The request is not processed.
    HttpStatus(u16),
    /// Process the request normally, then change one character of the
    /// response's `sign`, so the response fails verification.
    TamperSignature,
    /// Do not process; answer `40004 Business Failed` with the method's
    /// system-error sub-code: `SYSTEM_ERROR` (系统繁忙) for
    /// `alipay.fund.trans.refund` and the coupon methods, `ACQ.SYSTEM_ERROR`
    /// (系统错误) for `alipay.trade.fastpay.refund.query`.
    SystemError,
    /// Do not process; answer `20000 Service Currently Unavailable`, sub-code
    /// `isp.unknow-error` (系统繁忙), in the method's node.
    GatewayUnavailable,
    /// Do not process; answer `40004 Business Failed` with this business
    /// sub-code and, as `sub_msg`, its meaning from the method's spec. For
    /// exercising every documented error, including those the in-memory
    /// state cannot produce (`NO_ORDER_PERMISSION`, …).
    Business(&'static str),
}

/// A trade the gateway keeps, as [`LocalGateway::trade`] and
/// [`LocalGateway::pay`] show it to the test.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TradeInfo {
    /// The gateway's trade number (支付宝交易号).
    pub trade_no: String,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// `WAIT_BUYER_PAY` until paid, `TRADE_SUCCESS` once paid,
    /// `TRADE_CLOSED` once closed, cancelled or refunded in full.
    pub status: TradeStatus,
    /// The trade's amount.
    pub total: Money,
    /// What its refunds (or a cancel that refunded) returned so far.
    pub refunded: Money,
    /// The buyer's user id, once paid.
    pub buyer_user_id: Option<String>,
}

/// Why [`LocalGateway::pay`] could not pay a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayError {
    /// No trade has this `out_trade_no`.
    UnknownTrade {
        /// The order number asked for.
        out_trade_no: String,
    },
    /// The trade is not waiting for payment (already paid, or closed).
    NotWaiting {
        /// The order number asked for.
        out_trade_no: String,
        /// Its status.
        status: TradeStatus,
    },
}

impl fmt::Display for PayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayError::UnknownTrade { out_trade_no } => write!(
                f,
                "no trade has out_trade_no {out_trade_no:?}: create it first with \
                 alipay.trade.precreate or alipay.trade.create (or seed it)"
            ),
            PayError::NotWaiting {
                out_trade_no,
                status,
            } => write!(
                f,
                "trade {out_trade_no:?} is {}, not WAIT_BUYER_PAY: only a trade \
                 waiting for payment can be paid; create a new one to pay again",
                status.as_str()
            ),
        }
    }
}

impl std::error::Error for PayError {}

/// What the server task and the handle share.
struct Shared {
    config: GatewayConfig,
    options: GatewayOptions,
    specs: Arc<Specs>,
    request_count: AtomicUsize,
    state: Mutex<State>,
    /// Where notification tasks run: the runtime that started the gateway.
    runtime: tokio::runtime::Handle,
    /// The notification tasks, aborted with the gateway.
    tasks: Mutex<Vec<tokio::task::AbortHandle>>,
    /// The client notifications are POSTed with.
    http: reqwest::Client,
}

impl Shared {
    /// The state; a panic elsewhere while it was held does not make it
    /// unusable (every update is complete before anything can panic).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running local gateway. The server runs as a task on the tokio runtime
/// that called [`LocalGateway::start`] and stops when this is dropped.
///
/// All methods that change or read state take `&self` and may be called
/// while requests are being served.
pub struct LocalGateway {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl fmt::Debug for LocalGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalGateway")
            .field("url", &self.url())
            .field("app_id", &self.shared.config.app_id)
            .finish_non_exhaustive()
    }
}

impl Drop for LocalGateway {
    fn drop(&mut self) {
        self.task.abort();
        let tasks = self
            .shared
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for task in tasks.iter() {
            task.abort();
        }
    }
}

impl LocalGateway {
    /// Binds `127.0.0.1` on a free port and starts serving the bundled
    /// specs on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// The error of binding the listening socket.
    pub async fn start(config: GatewayConfig) -> std::io::Result<LocalGateway> {
        LocalGateway::start_with(config, GatewayOptions::default()).await
    }

    /// [`start`](LocalGateway::start) with options: more spec directories,
    /// another address or port, the timestamp window, logging.
    ///
    /// # Errors
    ///
    /// A spec directory that cannot be read or whose specs have problems
    /// (`InvalidData`, the message naming each file, place and fix), or the
    /// error of binding the listening socket.
    pub async fn start_with(
        config: GatewayConfig,
        options: GatewayOptions,
    ) -> std::io::Result<LocalGateway> {
        let specs = Specs::load(&options.specs)?;
        let listener = TcpListener::bind((options.host, options.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            options,
            specs,
            request_count: AtomicUsize::new(0),
            state: Mutex::new(State::new(format!("http://{addr}"))),
            runtime: tokio::runtime::Handle::current(),
            tasks: Mutex::new(Vec::new()),
            http: reqwest::Client::builder()
                .build()
                .map_err(std::io::Error::other)?,
        });
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(LocalGateway { shared, addr, task })
    }

    /// The gateway URL to configure the client with:
    /// `http://127.0.0.1:<port>/gateway.do`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, server::PATH)
    }

    /// The address the gateway listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The app id requests must carry.
    pub fn app_id(&self) -> &str {
        &self.shared.config.app_id
    }

    /// The methods served, sorted: every method of the spec set.
    pub fn methods(&self) -> Vec<&str> {
        self.shared
            .specs
            .api
            .methods
            .iter()
            .map(|m| m.name.as_str())
            .collect()
    }

    /// Creates a red packet that `alipay.fund.coupon.order.refund` can refund
    /// `amount` from, and records its payment as a `PAY` operation (with
    /// `out_request_no` `seed-<auth_no>`) for
    /// `alipay.fund.coupon.operation.query`. Seeding an `auth_no` again starts
    /// it over, forgetting its refunds.
    pub fn seed_red_packet(&self, auth_no: &str, out_order_no: &str, amount: Money) {
        self.shared
            .lock()
            .seed_red_packet(auth_no, out_order_no, amount);
    }

    /// Creates a transfer (red packet order) that `alipay.fund.trans.refund`
    /// can return `amount` from. Seeding an `order_id` again starts it over.
    pub fn seed_transfer(&self, order_id: &str, amount: Money) {
        self.shared.lock().seed_transfer(order_id, amount);
    }

    /// Creates a trade for `alipay.trade.fastpay.refund.query`. Seeding a
    /// `trade_no` again replaces it and forgets its refunds.
    pub fn seed_trade(&self, trade_no: &str, out_trade_no: &str, total: Money) {
        self.shared.lock().seed_trade(trade_no, out_trade_no, total);
    }

    /// Records a successful refund of a seeded trade, which
    /// `alipay.trade.fastpay.refund.query` then reports as `REFUND_SUCCESS`.
    ///
    /// # Panics
    ///
    /// If `trade_no` was not seeded with [`LocalGateway::seed_trade`].
    pub fn seed_trade_refund(
        &self,
        trade_no: &str,
        out_request_no: &str,
        amount: Money,
        reason: Option<&str>,
    ) {
        let seeded = self
            .shared
            .lock()
            .seed_trade_refund(trade_no, out_request_no, amount, reason);
        assert!(
            seeded,
            "seed_trade_refund: trade {trade_no:?} was not seeded with seed_trade"
        );
    }

    /// The buyer pays the trade `out_trade_no`, which must be waiting for
    /// payment (made by `alipay.trade.precreate` or `alipay.trade.create`):
    /// what scanning the QR code and paying does on a phone. The trade turns
    /// `TRADE_SUCCESS`, with the simulated buyer's ids, which
    /// `alipay.trade.query` then answers. `POST /__control/pay` does the same
    /// over HTTP.
    ///
    /// # Errors
    ///
    /// [`PayError::UnknownTrade`] if no trade has this `out_trade_no`;
    /// [`PayError::NotWaiting`] if it is already paid or closed (nothing
    /// changes).
    pub fn pay(&self, out_trade_no: &str) -> Result<TradeInfo, PayError> {
        let (paid, events) = {
            let mut state = self.shared.lock();
            (state.simulate_pay(out_trade_no), state.take_outbox())
        };
        // Nothing to answer first here: every notification goes to the
        // background, `BeforeAnswer` included.
        for event in events {
            notify::spawn(&self.shared, event, 1);
        }
        paid
    }

    /// The Alipay app pays an order string made by
    /// `Client::sdk_order_string` for `alipay.trade.app.pay`: it is checked
    /// as a call is (signature, app id, timestamp, `biz_content`), then its
    /// trade is made (or found again, still waiting) and paid, and the
    /// trade notification goes to its `notify_url`.
    /// `POST /__control/pay_order_string` does the same over HTTP.
    ///
    /// # Errors
    ///
    /// [`OrderStringError::Refused`] for an order string the gateway refuses
    /// (nothing is created), [`OrderStringError::NotAppPay`] for another
    /// method, [`OrderStringError::Trade`] if its `out_trade_no` is already
    /// paid, closed, or used with another amount (nothing is paid).
    pub fn pay_order_string(&self, order_string: &str) -> Result<TradeInfo, OrderStringError> {
        let (paid, events) = order_string::pay_order_string(&self.shared, order_string);
        for event in events {
            notify::spawn(&self.shared, event, 1);
        }
        paid
    }

    /// Queues a fault for the next trade notification that has none yet:
    /// notify faults apply one per notification, in the order injected.
    pub fn inject_notify(&self, fault: NotifyFault) {
        self.shared.lock().notify_faults.push_back(fault);
    }

    /// Every delivery of a trade notification so far, in the order made:
    /// order number, status, attempt, the merchant's answer.
    pub fn notifications(&self) -> Vec<Delivery> {
        self.shared.lock().deliveries.clone()
    }

    /// The trade with this `out_trade_no` (made through the trade methods or
    /// seeded), as the gateway's books have it: status, total, what was
    /// refunded. `None` if there is none.
    pub fn trade(&self, out_trade_no: &str) -> Option<TradeInfo> {
        self.shared.lock().trade_info(out_trade_no)
    }

    /// How long a bill link answered by
    /// `alipay.data.dataservice.bill.downloadurl.query` stays valid, from now
    /// on: 30 seconds unless set, as Alipay documents (获取连接后30秒后未下载，
    /// 链接地址失效); shorter to test expiry without waiting, longer to
    /// download by hand. It applies to links answered before too.
    pub fn set_bill_link_validity(&self, validity: Duration) {
        self.shared.lock().bills.validity = validity;
    }

    /// Queues a fault for the next HTTP request that has none yet: faults
    /// apply one per request, in the order injected.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// How many HTTP requests the gateway has received (answered or not).
    pub fn request_count(&self) -> usize {
        self.shared.request_count.load(Ordering::SeqCst)
    }

    /// The total refunded so far from a red packet (by `auth_no`), a transfer
    /// (by `order_id`) or a trade (by `trade_no`, its seeded refunds): what
    /// idempotency tests assert on. Zero for an unknown id.
    pub fn refunded(&self, auth_no_or_order_id: &str) -> Money {
        self.shared.lock().refunded(auth_no_or_order_id)
    }

    /// The parameters of the last request to the gateway path, query and
    /// body merged, form-decoded (e.g. to check the client's `timestamp`).
    pub fn last_params(&self) -> Option<BTreeMap<String, String>> {
        self.shared.lock().last_params.clone()
    }
}
