//! The buyer's side in a real browser: headless Chromium, driven through
//! chromedriver (WebDriver) by fantoccini, submits a page-pay form the
//! client rendered to the local gateway, lands on its cashier page, pays,
//! and comes back to a local `return_url` whose parameters the runtime
//! verifies; the trade is then `TRADE_SUCCESS` for `alipay.trade.query` and
//! its notification has reached `notify_url`. Also: a tampered form shows
//! Alipay's error text and makes no trade, cancel leaves the trade unpaid,
//! and precreate's `qr_code` opens the cashier.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's
//! `chromium` and `chromium-driver`); `.ci/run` installs them and runs
//! `cargo test -p alipay-tests --test browser -- --ignored`. With
//! `UPDATE_SCREENSHOT=1` it also writes the cashier page to
//! `docs/cashier.png`.

mod support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_api::alipay_trade_page_pay::AlipayTradePagePayRequest;
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest;
use alipay_api::alipay_trade_query::{AlipayTradeQueryRequest, TradeStatus};
use alipay_local_gateway::TradeStatus as GatewayStatus;
use alipay_runtime::keys::{KeyRole, PublicKey};
use alipay_runtime::notify::page_return;
use alipay_runtime::notify::trade::{ExpectedOrder, accept};
use alipay_runtime::{CallOptions, Client, Money};
use bytes::Bytes;
use fantoccini::{ClientBuilder, Locator};
use http_body_util::{BodyExt, Full};
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use support::{APP_ID, gateway_config, local_gateway, vector, yuan};
use tokio::net::TcpListener;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Alipay's cashier's words for a bad signature.
const BAD_SIGNATURE: &str = "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(binary).exists(),
                "{binary} is missing: install Debian's chromium and chromium-driver \
                 (apt-get install -y chromium chromium-driver), as .ci/run does"
            );
        }
        let port = StdListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with a fresh profile. The machine's network is closed:
/// everything that would phone home is turned off.
async fn browser(driver: &Driver, profile: &std::path::Path) -> fantoccini::Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=800,600",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium")
}

/// The merchant's site on 127.0.0.1: `/checkout/{name}` serves a form put
/// there by the test, `/return` is the return_url, `/notify` the notify_url.
struct Shop {
    base: String,
    forms: Arc<Mutex<HashMap<String, String>>>,
    returns: Arc<Mutex<Vec<String>>>,
    notifications: Arc<Mutex<Vec<Bytes>>>,
}

impl Shop {
    async fn start() -> Shop {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let shop = Shop {
            base: format!("http://{}", listener.local_addr().unwrap()),
            forms: Arc::default(),
            returns: Arc::default(),
            notifications: Arc::default(),
        };
        let (forms, returns, notifications) = (
            Arc::clone(&shop.forms),
            Arc::clone(&shop.returns),
            Arc::clone(&shop.notifications),
        );
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let (forms, returns, notifications) = (
                    Arc::clone(&forms),
                    Arc::clone(&returns),
                    Arc::clone(&notifications),
                );
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                        let (forms, returns, notifications) = (
                            Arc::clone(&forms),
                            Arc::clone(&returns),
                            Arc::clone(&notifications),
                        );
                        async move {
                            let path = request.uri().path().to_owned();
                            let query = request.uri().query().unwrap_or("").to_owned();
                            let body = request.into_body().collect().await.unwrap().to_bytes();
                            let page = if let Some(name) = path.strip_prefix("/checkout/") {
                                let form = forms.lock().unwrap().get(name).cloned();
                                form.unwrap_or_default()
                            } else if path == "/return" {
                                returns.lock().unwrap().push(query);
                                "<p id=\"returned\">back at the shop</p>".to_owned()
                            } else {
                                notifications.lock().unwrap().push(body);
                                return Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(
                                    "success",
                                ))));
                            };
                            let html = format!(
                                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{page}</body></html>"
                            );
                            let mut response = Response::new(Full::new(Bytes::from(html)));
                            response
                                .headers_mut()
                                .insert(CONTENT_TYPE, "text/html;charset=utf-8".parse().unwrap());
                            Ok(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        shop
    }

    /// Puts `form` at `/checkout/{name}` and returns its URL.
    fn serve(&self, name: &str, form: String) -> String {
        self.forms.lock().unwrap().insert(name.to_owned(), form);
        format!("{}/checkout/{name}", self.base)
    }

    fn options(&self) -> CallOptions {
        CallOptions::new()
            .return_url(format!("{}/return", self.base))
            .notify_url(format!("{}/notify", self.base))
    }
}

/// Waits until the browser's URL satisfies `done`; the URL.
async fn wait_for_url(
    browser: &fantoccini::Client,
    what: &str,
    done: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let url = browser.current_url().await.unwrap().to_string();
        if done(&url) {
            return url;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the browser did not reach {what}; it is at {url}: {}",
            browser.source().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text(browser: &fantoccini::Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .text()
        .await
        .unwrap()
}

fn page_pay(out_trade_no: &str, amount: &str) -> AlipayTradePagePayRequest {
    AlipayTradePagePayRequest::new(
        out_trade_no,
        yuan(amount),
        "Coffee beans 咖啡豆 1kg",
        "FAST_INSTANT_TRADE_PAY",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromedriver; .ci/run installs them"]
async fn a_buyer_pays_at_the_cashier_in_chromium() {
    let gw = local_gateway().await;
    let client = Client::new(gateway_config(&gw));
    let shop = Shop::start().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let b = browser(&driver, profile.path()).await;
    let alipay_public =
        PublicKey::from_text(&vector("alipay_public.txt"), KeyRole::AlipayPublicKey).unwrap();

    // 1. The form the client renders, submitted by the browser itself.
    let form = client
        .page_form(&page_pay("web-1", "88.88"), &shop.options())
        .unwrap();
    b.goto(&shop.serve("web-1", form)).await.unwrap();
    wait_for_url(&b, "the cashier", |url| url.contains("/cashier/")).await;
    assert_eq!(text(&b, "#subject").await, "Coffee beans 咖啡豆 1kg");
    assert_eq!(text(&b, "#amount").await, "¥ 88.88");
    assert_eq!(text(&b, "#out-trade-no").await, "web-1");
    assert_eq!(
        gw.trade("web-1").unwrap().status,
        GatewayStatus::WaitBuyerPay
    );
    if std::env::var_os("UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        let png = b.screenshot().await.unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cashier.png");
        std::fs::write(path, png).unwrap();
    }

    // 2. Pay: back at return_url with parameters the runtime verifies.
    b.find(Locator::Css("#pay"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let back = wait_for_url(&b, "return_url", |url| {
        url.starts_with(&format!("{}/return?", shop.base))
    })
    .await;
    assert_eq!(text(&b, "#returned").await, "back at the shop");
    let query = shop.returns.lock().unwrap()[0].clone();
    assert_eq!(back.split_once('?').unwrap().1, query);
    let r = page_return(query.as_bytes(), &alipay_public, APP_ID).unwrap();
    assert_eq!(r.method, "alipay.trade.page.pay.return");
    assert_eq!(r.out_trade_no, "web-1");
    assert_eq!(r.total_amount, yuan("88.88"));

    // 3. The trade is paid, as the query says, and notify_url heard of it.
    let trade = client
        .execute(&AlipayTradeQueryRequest::new().out_trade_no("web-1"))
        .await
        .unwrap();
    assert_eq!(trade.trade_status, Some(TradeStatus::TradeSuccess));
    assert_eq!(trade.trade_no.as_deref(), Some(r.trade_no.as_str()));
    let start = Instant::now();
    while shop.notifications.lock().unwrap().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "no notification");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let body = shop.notifications.lock().unwrap()[0].clone();
    let n = accept(&body, &alipay_public, APP_ID, |out| {
        (out == "web-1").then(|| ExpectedOrder::new(yuan("88.88")))
    })
    .unwrap();
    assert!(n.trade_status.unwrap().is_paid());

    // 4. A tampered form: Alipay's error text, no trade.
    let form = client
        .page_form(&page_pay("web-2", "20.00"), &shop.options())
        .unwrap();
    let tampered = form.replace("20.00", "0.01");
    assert_ne!(form, tampered);
    b.goto(&shop.serve("web-2", tampered)).await.unwrap();
    wait_for_url(&b, "the gateway", |url| url.contains("/gateway.do")).await;
    assert_eq!(text(&b, "#error-code").await, "错误代码 invalid-signature");
    assert_eq!(
        text(&b, "#error-reason").await,
        format!("错误原因: {BAD_SIGNATURE}")
    );
    assert!(gw.trade("web-2").is_none());

    // 5. Cancel: the trade stays unpaid.
    let form = client
        .page_form(&page_pay("web-3", "3.00"), &shop.options())
        .unwrap();
    b.goto(&shop.serve("web-3", form)).await.unwrap();
    wait_for_url(&b, "the cashier", |url| url.contains("/cashier/")).await;
    b.find(Locator::Css("#cancel"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&b, "the cancel page", |url| url.ends_with("/cancel")).await;
    assert!(text(&b, "main").await.contains("订单未支付"));
    assert_eq!(
        gw.trade("web-3").unwrap().status,
        GatewayStatus::WaitBuyerPay
    );
    let trade = client
        .execute(&AlipayTradeQueryRequest::new().out_trade_no("web-3"))
        .await
        .unwrap();
    assert_eq!(trade.trade_status, Some(TradeStatus::WaitBuyerPay));

    // 6. precreate's qr_code opens the same cashier.
    let qr = client
        .execute(&AlipayTradePrecreateRequest::new("web-4", yuan("4.40")).subject("Tea"))
        .await
        .unwrap();
    b.goto(&qr.qr_code.unwrap()).await.unwrap();
    assert_eq!(text(&b, "#subject").await, "Tea");
    assert_eq!(text(&b, "#amount").await, "¥ 4.40");
    b.find(Locator::Css("#pay"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&b, "the paid page", |url| url.ends_with("/pay")).await;
    assert_eq!(
        gw.trade("web-4").map(|t| (t.status, t.total)),
        Some((GatewayStatus::TradeSuccess, Money::from_fen(440)))
    );

    b.close().await.unwrap();
}
