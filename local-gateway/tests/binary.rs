//! The `alipay-local-gateway` binary as a child process, as code in another
//! language would use it: read the start banner, call the gateway with the
//! keys it names, drive it through the control endpoint, stop it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_api::alipay_fund_trans_refund::{
    AlipayFundTransRefundErrorCode, AlipayFundTransRefundRequest,
};
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest;
use alipay_runtime::keys::{KeyRole, PublicKey};
use alipay_runtime::notify::trade::{ExpectedOrder, accept, answer};
use alipay_runtime::{CallOptions, Client, Config, Error, Money};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts `serve` with `args` and reads its banner: `name: value` lines up to
/// `stop:`.
fn start(args: &[&str]) -> (Child, BTreeMap<String, String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipay-local-gateway"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = BTreeMap::new();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some((name, value)) = line.split_once(": ") {
            banner.insert(name.to_owned(), value.to_owned());
        }
        if line.starts_with("stop:") {
            break;
        }
    }
    assert!(banner.contains_key("url"), "no banner: {banner:?}");
    (child, banner)
}

/// One HTTP/1.1 request to the control endpoint; the status and JSON body.
async fn control(url: &str, method: &str, what: &str, body: &str) -> (u16, Value) {
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = TcpStream::connect(&authority).await.unwrap();
    let request = format!(
        "{method} /__control/{what} HTTP/1.1\r\nHost: {authority}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

fn yuan(text: &str) -> Money {
    text.parse().unwrap()
}

#[tokio::test]
async fn the_binary_serves_signed_calls_takes_faults_over_http_and_stops_on_ctrl_c() {
    let keys = tempfile::tempdir().unwrap();
    let keys_dir = keys.path().join("keys");
    let (mut child, banner) = start(&["--port", "0", "--keys-dir", keys_dir.to_str().unwrap()]);
    let url = banner["url"].clone();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/gateway.do"),
        "{url}"
    );
    assert_eq!(banner["app_id"], "2021000000000001");
    assert_eq!(
        banner["notify_clock_factor"], "1",
        "Alipay's real schedule by default"
    );
    assert!(
        banner["keys"].starts_with(keys_dir.to_str().unwrap()),
        "{banner:?}"
    );
    assert!(banner["keys"].contains("generated now"), "{banner:?}");

    // The key files, as the key tool writes them: bare base64.
    let app_private = std::fs::read_to_string(keys_dir.join("app_private_key.txt")).unwrap();
    let alipay_public = std::fs::read_to_string(keys_dir.join("alipay_public_key.txt")).unwrap();
    assert!(!app_private.contains("-----") && !app_private.contains('\n'));
    let client = Client::new(
        Config::new(&banner["app_id"], &app_private, &alipay_public)
            .unwrap()
            .gateway(url.clone())
            .timeout(Duration::from_secs(5)),
    );

    let (status, _) = control(
        &url,
        "POST",
        "seed",
        r#"{"kind":"transfer","order_id":"order-1","amount":"5.00"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let ok = client
        .execute(&AlipayFundTransRefundRequest::new(
            "order-1",
            "r-1",
            yuan("2.00"),
        ))
        .await
        .unwrap();
    assert_eq!(ok.refund_amount, Some(yuan("2.00")));

    let (status, _) = control(
        &url,
        "POST",
        "fault",
        r#"{"fault":"business","code":"NO_ORDER_PERMISSION"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let err = client
        .execute(&AlipayFundTransRefundRequest::new(
            "order-1",
            "r-2",
            yuan("1.00"),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Business {
                code: AlipayFundTransRefundErrorCode::NoOrderPermission,
                ..
            }
        ),
        "{err}"
    );

    // A bad control request says what is wrong and how to fix it.
    let (status, body) = control(&url, "POST", "fault", r#"{"fault":"explode"}"#).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("send JSON such as"),
        "{body}"
    );

    let (status, state) = control(&url, "GET", "state", "").await;
    assert_eq!(status, 200);
    assert_eq!(state["request_count"], 2);
    assert_eq!(state["pending_faults"], 0);
    assert_eq!(state["refunded"]["order-1"], "2.00");
    assert!(state["methods"].as_array().unwrap().len() >= 4);

    // Ctrl-C: SIGINT, and a clean exit.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per gateway request, then the stop: {log}"
    );
    assert_eq!(lines[0], "alipay.fund.trans.refund 10000 fault=-");
    assert_eq!(
        lines[1],
        r#"alipay.fund.trans.refund 40004 NO_ORDER_PERMISSION fault=Business("NO_ORDER_PERMISSION")"#
    );
    assert!(!log.contains(&app_private[..40]), "no key in the log");

    // The next start reuses the keys; killing it stops it.
    let (mut child, banner) = start(&["--port", "0", "--keys-dir", keys_dir.to_str().unwrap()]);
    assert!(banner["keys"].contains("reused"), "{banner:?}");
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
}

#[test]
fn a_partial_key_directory_is_refused_with_how_to_fix_it() {
    let keys = tempfile::tempdir().unwrap();
    std::fs::write(keys.path().join("app_private_key.txt"), "x").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_alipay-local-gateway"))
        .args(["serve", "--port", "0", "--keys-dir"])
        .arg(keys.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("holds only some of the key files (app_private_key.txt)")
            && stderr.contains("help: remove them"),
        "{stderr}"
    );
}

/// What the merchant of the clock-factor test saw: each notification's
/// `notify_id` and the answer it gave, and how many times it credited.
#[derive(Default)]
struct Seen {
    answers: Vec<(String, &'static str)>,
    credited: u32,
}

/// A notify endpoint on 127.0.0.1 that answers `fail` to the first
/// notification and then accepts with the runtime's helpers, crediting once.
async fn failing_once_merchant(
    alipay_public: PublicKey,
    total: Money,
) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = Arc::clone(&seen);
    let key = Arc::new(alipay_public);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (seen, key) = (Arc::clone(&shared), Arc::clone(&key));
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let (seen, key) = (Arc::clone(&seen), Arc::clone(&key));
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let notify_id = form_urlencoded::parse(&body)
                            .find(|(k, _)| k == "notify_id")
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default();
                        let mut seen = seen.lock().unwrap();
                        let reply = if seen.answers.is_empty() {
                            "fail"
                        } else {
                            let result = accept(&body, &key, "2021000000000001", |_| {
                                Some(ExpectedOrder::new(total))
                            });
                            if result.is_ok() && seen.credited == 0 {
                                seen.credited += 1;
                            }
                            answer(&result)
                        };
                        seen.answers.push((notify_id, reply));
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(
                            reply.as_bytes(),
                        ))))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn the_notify_clock_factor_flag_compresses_the_redelivery_schedule() {
    let keys = tempfile::tempdir().unwrap();
    let keys_dir = keys.path().join("keys");
    // Alipay's first redelivery comes 4 minutes after a `fail`; divided by
    // a million it comes after 240 µs. Without the flag reaching the
    // gateway, this test would wait the full 4 minutes and time out below.
    let (child, banner) = start(&[
        "--port",
        "0",
        "--quiet",
        "--notify-clock-factor",
        "1000000",
        "--keys-dir",
        keys_dir.to_str().unwrap(),
    ]);
    let _child = KillOnDrop(child);
    assert_eq!(banner["notify_clock_factor"], "1000000", "{banner:?}");
    let url = banner["url"].clone();
    let app_private = std::fs::read_to_string(keys_dir.join("app_private_key.txt")).unwrap();
    let alipay_public = std::fs::read_to_string(keys_dir.join("alipay_public_key.txt")).unwrap();
    let client = Client::new(
        Config::new(&banner["app_id"], &app_private, &alipay_public)
            .unwrap()
            .gateway(url.clone())
            .timeout(Duration::from_secs(5)),
    );
    let total = yuan("9.99");
    let (notify_url, seen) = failing_once_merchant(
        PublicKey::from_text(&alipay_public, KeyRole::AlipayPublicKey).unwrap(),
        total,
    )
    .await;

    client
        .execute_with(
            &AlipayTradePrecreateRequest::new("clock-1", total).subject("s"),
            &CallOptions::new().notify_url(notify_url),
        )
        .await
        .unwrap();
    let (status, paid) = control(&url, "POST", "pay", r#"{"out_trade_no":"clock-1"}"#).await;
    assert_eq!(status, 200, "{paid}");

    let start = Instant::now();
    while seen.lock().unwrap().credited == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no redelivery after the merchant's `fail`: {:?}",
            seen.lock().unwrap().answers
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.answers.len(), 2, "{:?}", seen.answers);
    assert_eq!(seen.answers[0].1, "fail");
    assert_eq!(seen.answers[1].1, "success");
    assert_eq!(seen.answers[0].0, seen.answers[1].0, "the same notify_id");
    assert_eq!(seen.credited, 1);
}

/// Stops the child when the test ends, also when it fails.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_notify_clock_factor_that_is_not_a_positive_whole_number_is_refused() {
    // A key directory of its own, in case a value were wrongly accepted
    // and the gateway started.
    let keys = tempfile::tempdir().unwrap();
    for bad in ["0", "1.5", "fast", "4294967296"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_alipay-local-gateway"))
            .args(["serve", "--port", "0", "--notify-clock-factor", bad])
            .arg("--keys-dir")
            .arg(keys.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("--notify-clock-factor {bad} was accepted: the gateway started");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(2), "{bad}: {status:?}");
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            stderr.contains(&format!(
                "invalid value '{bad}' for '--notify-clock-factor <N>'"
            )) && stderr.contains("must be a whole number from 1 to 4294967295, e.g. 1000"),
            "{stderr}"
        );
    }
}
