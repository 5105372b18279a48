//! The `alipay-local-gateway` binary as a child process, as code in another
//! language would use it: read the start banner, call the gateway with the
//! keys it names, drive it through the control endpoint, stop it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use alipay_api::alipay_fund_trans_refund::{
    AlipayFundTransRefundErrorCode, AlipayFundTransRefundRequest,
};
use alipay_runtime::{Client, Config, Error, Money};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
