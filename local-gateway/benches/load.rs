//! The payment flow under load (issue 12): N payments (10,000 unless
//! `LOAD_PAYMENTS` says otherwise; `LOAD_CONCURRENCY` in flight at once,
//! 32 by default) against an in-process `LocalGateway` over real HTTP on
//! 127.0.0.1, each one precreated through the runtime's client, paid by the
//! buyer through the control endpoint and notified to a merchant that
//! credits it once. It fails (exit 1) if the flow is not over in 60 s or if
//! any payment is not notified and credited exactly once.
//!
//! Two references are measured in the same run:
//! - the RSA work alone: each payment signs three times (the client's
//!   request, the gateway's answer, the gateway's notification) and verifies
//!   three times (the gateway, the client, the merchant), so the share of the
//!   process's CPU time that is cryptography says how much there is left to
//!   gain anywhere else;
//! - the same flow without a `notify_url`: what the notifications cost.
//!
//! Run with `cargo bench -p alipay-local-gateway --bench load`. Without
//! `--bench` (`cargo test --benches`) it runs 200 payments, as a smoke test.

#[path = "../tests/support/flow.rs"]
mod flow;

use std::time::Duration;

use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::notify::{NotifyVariant, check_content};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use flow::{Flow, Measured};

/// How long the flow may take, notifications included.
const DEADLINE: Duration = Duration::from_secs(60);

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let payments = env_usize("LOAD_PAYMENTS", if full { 10_000 } else { 200 });
    let concurrency = env_usize("LOAD_CONCURRENCY", 32);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "load: {payments} payments, {concurrency} in flight, tokio on {threads} worker threads \
         (client, gateway and merchant in this one process)"
    );

    let crypto = crypto_per_payment();
    println!(
        "reference: RSA2 per payment (3 signs + 3 verifies, one thread): {:.0} µs CPU",
        crypto.as_secs_f64() * 1e6
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let rss_before = status_kib("VmRSS");
    let notified = phase(&runtime, payments, concurrency, true);
    let hwm = status_kib("VmHWM");
    report("with notifications", &notified, payments, crypto);
    println!(
        "  memory: VmHWM {} MiB (VmRSS {} MiB before the flow): about {} bytes per payment",
        hwm / 1024,
        rss_before / 1024,
        (hwm.saturating_sub(rss_before) * 1024) / payments.max(1) as u64
    );

    let quiet = phase(&runtime, payments, concurrency, false);
    // Without notifications each payment signs and verifies twice.
    report(
        "reference: without notifications",
        &quiet,
        payments,
        crypto * 2 / 3,
    );
    println!(
        "  notifications cost {:.2}x the CPU time of the flow without them",
        notified.cpu.as_secs_f64() / quiet.cpu.as_secs_f64()
    );
}

/// One flow, with its process CPU time.
struct Phase {
    measured: Measured,
    cpu: Duration,
}

fn phase(
    runtime: &tokio::runtime::Runtime,
    payments: usize,
    concurrency: usize,
    notify: bool,
) -> Phase {
    let flow = Flow {
        payments,
        concurrency,
        notify,
        duplicates: 0,
        fail_every: 0,
        clock_factor: 1,
        deadline: DEADLINE,
    };
    let cpu_before = process_cpu();
    match runtime.block_on(flow::run(&flow)) {
        Ok(measured) => Phase {
            measured,
            cpu: process_cpu() - cpu_before,
        },
        Err(e) => {
            eprintln!(
                "load: FAILED ({}): {e}",
                if notify {
                    "with notifications"
                } else {
                    "without"
                }
            );
            std::process::exit(1);
        }
    }
}

fn report(name: &str, phase: &Phase, payments: usize, crypto: Duration) {
    let m = &phase.measured;
    let secs = m.elapsed.as_secs_f64();
    println!(
        "{name}: {payments} payments in {secs:.2} s = {:.0} payments/s",
        payments as f64 / secs
    );
    println!(
        "  precreate call (signed, verified): {}",
        percentiles(&m.precreate)
    );
    println!(
        "  buyer pays (control endpoint):     {}",
        percentiles(&m.pay)
    );
    if !m.notified.is_empty() {
        println!(
            "  pay sent -> merchant credited:     {}",
            percentiles(&m.notified)
        );
        println!(
            "  {} deliveries, every payment notified and credited exactly once, all TRADE_SUCCESS",
            m.deliveries
        );
    }
    let cpu = phase.cpu.as_secs_f64();
    let rsa = crypto.as_secs_f64() * payments as f64;
    println!(
        "  CPU time {cpu:.2} s ({:.0} µs per payment, {:.2} cores busy); RSA alone would be {rsa:.2} s = {:.0}% of it",
        cpu * 1e6 / payments as f64,
        cpu / secs,
        100.0 * rsa / cpu
    );
}

/// `p50 … p95 … p99 … max …` in milliseconds.
fn percentiles(samples: &[Duration]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let at = |p: f64| {
        let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i].as_secs_f64() * 1e3
    };
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}

/// The RSA work of one payment, on this thread: the client signs the
/// request and the gateway verifies it, the gateway signs its answer and
/// the client verifies it, the gateway signs the notification and the
/// merchant verifies it. Contents of the sizes the flow signs; median of
/// 5 rounds of 100, in thread CPU time.
fn crypto_per_payment() -> Duration {
    let app = PrivateKey::from_text(flow::APP_PRIVATE, KeyRole::AppPrivateKey).unwrap();
    let app_public = PublicKey::from_text(flow::APP_PUBLIC, KeyRole::AppPublicKey).unwrap();
    let gateway = PrivateKey::from_text(flow::ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey).unwrap();
    let alipay_public =
        PublicKey::from_text(flow::ALIPAY_PUBLIC, KeyRole::AlipayPublicKey).unwrap();
    let request = sign_content([
        ("app_id", flow::APP_ID),
        (
            "biz_content",
            r#"{"out_trade_no":"load-000001","total_amount":"0.02","subject":"load"}"#,
        ),
        ("charset", "utf-8"),
        ("format", "JSON"),
        ("method", "alipay.trade.precreate"),
        ("notify_url", "http://127.0.0.1:40000/notify"),
        ("sign_type", "RSA2"),
        ("timestamp", "2026-11-30 12:00:00"),
        ("version", "1.0"),
    ]);
    let answer = r#"{"code":"10000","msg":"Success","out_trade_no":"load-000001","qr_code":"http://127.0.0.1:40001/qr/2026113022001400000000000001"}"#;
    let notification = check_content(
        [
            ("app_id", flow::APP_ID),
            ("buyer_id", "2088102177846880"),
            ("gmt_create", "2026-11-30 12:00:00"),
            ("gmt_payment", "2026-11-30 12:00:01"),
            ("notify_id", "20261130000000000001"),
            ("notify_time", "2026-11-30 12:00:01"),
            ("notify_type", "trade_status_sync"),
            ("out_trade_no", "load-000001"),
            ("seller_id", "2088000000000002"),
            ("subject", "load"),
            ("total_amount", "0.02"),
            ("trade_no", "2026113022001400000000000001"),
            ("trade_status", "TRADE_SUCCESS"),
        ],
        NotifyVariant::V1,
    );
    let mut rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let start = thread_cpu();
            for _ in 0..100 {
                let s = sign(&app, SignType::Rsa2, &request);
                assert!(verify(&app_public, SignType::Rsa2, &request, &s));
                let s = sign(&gateway, SignType::Rsa2, answer);
                assert!(verify(&alipay_public, SignType::Rsa2, answer, &s));
                let s = sign(&gateway, SignType::Rsa2, &notification);
                assert!(verify(&alipay_public, SignType::Rsa2, &notification, &s));
            }
            (thread_cpu() - start) / 100
        })
        .collect();
    rounds.sort_unstable();
    rounds[2]
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| {
            eprintln!(
                "load: {name}={text:?} is not a positive whole number; e.g. {name}={default}"
            );
            std::process::exit(2)
        }),
        Err(_) => default,
    }
}

/// This thread's CPU time: the first field of /proc/thread-self/schedstat
/// (nanoseconds on the CPU).
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux /proc");
    let ns: u64 = text.split_whitespace().next().unwrap().parse().unwrap();
    Duration::from_nanos(ns)
}

/// The process's CPU time, every thread, user and system: fields 14 and 15
/// of /proc/self/stat, in clock ticks of 1/100 s (Linux's USER_HZ).
fn process_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    // The command name, in parentheses, may hold spaces: count after it.
    let after = &text[text.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// A `kB` line of /proc/self/status, in KiB.
fn status_kib(name: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a kB line of /proc/self/status")
}
