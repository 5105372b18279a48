//! The buyer's side over plain HTTP (the browser test, `tests/browser.rs`,
//! drives the same handlers in Chromium): page forms and URLs checked as
//! calls, the cashier page, pay and cancel, the signed return to
//! `return_url`, precreate's `qr_code`, and app order strings paid through
//! the control endpoint. Every error path answers a page or a message and
//! changes nothing.

mod order_string;
#[path = "../support/mod.rs"]
mod support;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_api::alipay_trade_page_pay::AlipayTradePagePayRequest;
use alipay_api::alipay_trade_precreate::AlipayTradePrecreateRequest;
use alipay_api::alipay_trade_wap_pay::AlipayTradeWapPayRequest;
use alipay_local_gateway::{LocalGateway, TradeStatus};
use alipay_runtime::notify::{PageReturnError, page_return};
use alipay_runtime::{CallOptions, Client, Config, DateTime};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use support::{ALIPAY_PUBLIC, APP_ID, APP_PRIVATE, alipay_public, gateway, yuan};
use tokio::net::TcpListener;

const RETURN_URL: &str = "https://shop.example/paid";
/// Alipay's cashier's words for a bad signature.
const BAD_SIGNATURE: &str = "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配";

fn client(gw: &LocalGateway) -> Client {
    client_for(gw, APP_ID)
}

fn client_for(gw: &LocalGateway, app_id: &str) -> Client {
    Client::new(
        Config::new(app_id, APP_PRIVATE, ALIPAY_PUBLIC)
            .unwrap()
            .gateway(gw.url()),
    )
}

/// The buyer's browser, without following redirects, so each is asserted.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn page_pay(out_trade_no: &str, amount: &str) -> AlipayTradePagePayRequest {
    AlipayTradePagePayRequest::new(
        out_trade_no,
        yuan(amount),
        "Coffee beans 咖啡豆 <1kg>",
        "FAST_INSTANT_TRADE_PAY",
    )
}

fn options() -> CallOptions {
    CallOptions::new().return_url(RETURN_URL)
}

/// The form's action and its hidden inputs, decoded as a browser decodes
/// attribute values.
fn parse_form(form: &str) -> (String, Vec<(String, String)>) {
    let unescape = |s: &str| s.replace("&quot;", "\"").replace("&amp;", "&");
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let action = attr(form, "action").expect("an action");
    let inputs = form
        .split("<input ")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .map(|tag| (attr(tag, "name").unwrap(), attr(tag, "value").unwrap()))
        .collect();
    (action, inputs)
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Submits the form as a browser does: POST to its action, inputs in the body.
async fn submit(form: &str) -> reqwest::Response {
    let (action, inputs) = parse_form(form);
    browser()
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&inputs))
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn base(gw: &LocalGateway) -> String {
    format!("http://{}", gw.addr())
}

async fn get(url: &str) -> (StatusCode, String) {
    let response = browser().get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn post_empty(url: &str) -> reqwest::Response {
    browser().post(url).send().await.unwrap()
}

/// The cashier path a form redirects to.
async fn open(gw: &LocalGateway, form: &str) -> String {
    let response = submit(form).await;
    let cashier = location(&response);
    assert!(cashier.starts_with("/cashier/"), "{cashier}");
    let _ = gw;
    cashier
}

/// A notify endpoint that answers `success` and counts what it got.
async fn merchant() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&got);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let got = Arc::clone(&shared);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let got = Arc::clone(&got);
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        got.lock()
                            .unwrap()
                            .push(String::from_utf8(body.to_vec()).unwrap());
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from("success"))))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, got)
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_page_form_opens_the_cashier_and_paying_returns_signed_parameters() {
    let gw = gateway().await;
    let (notify_url, notified) = merchant().await;
    let form = client(&gw)
        .page_form(
            &page_pay("order-1", "88.88"),
            &options().notify_url(&notify_url),
        )
        .unwrap();
    let cashier = open(&gw, &form).await;
    let trade = gw.trade("order-1").unwrap();
    assert_eq!(trade.status, TradeStatus::WaitBuyerPay);
    assert_eq!(cashier, format!("/cashier/{}", trade.trade_no));

    let (status, page) = get(&format!("{}{cashier}", base(&gw))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("Coffee beans 咖啡豆 &lt;1kg&gt;"), "{page}");
    assert!(page.contains("¥ 88.88"));
    assert!(page.contains("order-1"));
    assert!(page.contains(&format!("action=\"/cashier/{}/pay\"", trade.trade_no)));
    assert!(page.contains(&format!("action=\"/cashier/{}/cancel\"", trade.trade_no)));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external assets"
    );

    let response = post_empty(&format!("{}{cashier}/pay", base(&gw))).await;
    let back = location(&response);
    let query = back
        .strip_prefix(&format!("{RETURN_URL}?"))
        .expect("back to return_url");
    let r = page_return(query.as_bytes(), &alipay_public(), APP_ID).unwrap();
    assert_eq!(r.method, "alipay.trade.page.pay.return");
    assert_eq!(r.out_trade_no, "order-1");
    assert_eq!(r.trade_no, trade.trade_no);
    assert_eq!(r.total_amount, yuan("88.88"));
    assert_eq!(r.auth_app_id.as_deref(), Some(APP_ID));
    assert_eq!(
        r.seller_id.as_deref(),
        Some(alipay_local_gateway::SELLER_ID)
    );
    assert!(r.timestamp.is_some());
    for name in ["charset", "version", "sign_type"] {
        assert!(r.raw.get(name).is_some(), "{name}");
    }
    assert_eq!(
        gw.trade("order-1").unwrap().status,
        TradeStatus::TradeSuccess
    );
    wait_for("the notification", || !notified.lock().unwrap().is_empty()).await;
    let body = notified.lock().unwrap()[0].clone();
    assert!(body.contains("trade_status=TRADE_SUCCESS"), "{body}");
    assert!(body.contains("out_trade_no=order-1"), "{body}");

    // Pay again: an error page, no second payment or notification.
    let again = post_empty(&format!("{}{cashier}/pay", base(&gw))).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = again.text().await.unwrap();
    assert!(page.contains("TRADE_SUCCESS, not WAIT_BUYER_PAY"), "{page}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(gw.notifications().len(), 1);
    // The buyer's pages are not gateway calls.
    assert_eq!(gw.request_count(), 0);

    // The paid trade's cashier page says so, with no buttons.
    let (status, page) = get(&format!("{}{cashier}", base(&gw))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("TRADE_SUCCESS") && !page.contains("id=\"pay\""));
}

#[tokio::test]
async fn a_form_submitted_again_opens_the_same_trade() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(&page_pay("order-2", "1.00"), &options())
        .unwrap();
    let first = open(&gw, &form).await;
    let second = open(&gw, &form).await;
    assert_eq!(first, second);
    assert_eq!(
        gw.trade("order-2").unwrap().status,
        TradeStatus::WaitBuyerPay
    );
}

#[tokio::test]
async fn a_page_url_and_a_wap_form_open_the_cashier_too() {
    let gw = gateway().await;
    let url = client(&gw)
        .page_url(&page_pay("order-3", "3.00"), &options())
        .unwrap();
    let response = browser().get(url).send().await.unwrap();
    assert!(location(&response).starts_with("/cashier/"));
    assert_eq!(gw.trade("order-3").unwrap().total, yuan("3.00"));

    let wap = AlipayTradeWapPayRequest::new("order-4")
        .total_amount(yuan("4.00"))
        .subject("Tea")
        .product_code("QUICK_WAP_WAY");
    let form = client(&gw).page_form(&wap, &options()).unwrap();
    let cashier = open(&gw, &form).await;
    let response = post_empty(&format!("{}{cashier}/pay", base(&gw))).await;
    let back = location(&response);
    let query = back.split_once('?').unwrap().1;
    let r = page_return(query.as_bytes(), &alipay_public(), APP_ID).unwrap();
    assert_eq!(r.method, "alipay.trade.wap.pay.return");
    assert_eq!(r.out_trade_no, "order-4");
}

#[tokio::test]
async fn a_return_url_with_a_query_gets_the_parameters_appended() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(
            &page_pay("order-5", "5.00"),
            &CallOptions::new().return_url("http://127.0.0.1:9/back?shop=1"),
        )
        .unwrap();
    let cashier = open(&gw, &form).await;
    let back = location(&post_empty(&format!("{}{cashier}/pay", base(&gw))).await);
    let query = back
        .strip_prefix("http://127.0.0.1:9/back?shop=1&")
        .unwrap();
    // The merchant's own parameter is not signed: the check refuses it
    // until the merchant strips it (Alipay forbids custom parameters).
    assert!(page_return(query.as_bytes(), &alipay_public(), APP_ID).is_ok());
}

#[tokio::test]
async fn a_tampered_form_gets_alipays_error_text_and_makes_no_trade() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(&page_pay("order-6", "6.00"), &options())
        .unwrap();
    let tampered = form.replace("6.00", "0.01");
    assert_ne!(form, tampered);
    let response = submit(&tampered).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.headers()["content-type"],
        "text/html;charset=utf-8"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("错误代码 invalid-signature"), "{page}");
    assert!(
        page.contains(&format!("错误原因: {BAD_SIGNATURE}")),
        "{page}"
    );
    // The content the gateway verified, to compare with the merchant's.
    assert!(page.contains("0.01"), "{page}");
    assert!(gw.trade("order-6").is_none());
}

#[tokio::test]
async fn invalid_forms_get_the_gateways_refusal_and_make_no_trade() {
    let gw = gateway().await;
    // Another app id.
    let form = client_for(&gw, "2021000000009999")
        .page_form(&page_pay("order-7", "7.00"), &options())
        .unwrap();
    let response = submit(&form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains("错误代码 invalid-app-id"), "{page}");

    // A timestamp an hour old.
    let old = DateTime::from_unix_timestamp(DateTime::now().unix_timestamp() - 3600);
    let form = client(&gw)
        .page_form(&page_pay("order-7", "7.00"), &options().timestamp(old))
        .unwrap();
    let page = submit(&form).await.text().await.unwrap();
    assert!(page.contains("错误代码 invalid-timestamp"), "{page}");
    assert!(page.contains("s from Beijing time"), "{page}");

    // biz_content against the spec (the client's validation turned off).
    let lax = Client::new(
        Config::new(APP_ID, APP_PRIVATE, ALIPAY_PUBLIC)
            .unwrap()
            .gateway(gw.url())
            .validate_requests(false),
    );
    let form = lax
        .page_form(&page_pay("order-7", "0.00"), &options())
        .unwrap();
    let response = submit(&form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains("错误代码 invalid-parameter"), "{page}");
    assert!(page.contains("total_amount"), "{page}");

    // A wap form without the order's amount and subject (its spec leaves
    // them optional; a trade cannot be made without them).
    let form = client(&gw)
        .page_form(&AlipayTradeWapPayRequest::new("order-7"), &options())
        .unwrap();
    let response = submit(&form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("biz_content does not hold out_trade_no, total_amount and subject"),
        "{page}"
    );

    // return_url that is not a web address.
    let form = client(&gw)
        .page_form(
            &page_pay("order-7", "7.00"),
            &CallOptions::new().return_url("javascript:alert(1)"),
        )
        .unwrap();
    let response = submit(&form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("does not start with http:// or https://"),
        "{page}"
    );

    assert!(gw.trade("order-7").is_none());
    assert_eq!(gw.request_count(), 0);
}

#[tokio::test]
async fn a_form_for_a_paid_or_changed_order_is_refused() {
    let gw = gateway().await;
    let c = client(&gw);
    let form = c
        .page_form(&page_pay("order-8", "8.00"), &options())
        .unwrap();
    open(&gw, &form).await;
    // Another amount under the same out_trade_no.
    let other = c
        .page_form(&page_pay("order-8", "9.00"), &options())
        .unwrap();
    let response = submit(&other).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("错误代码 ACQ.CONTEXT_INCONSISTENT"), "{page}");
    // Paid: a new form for it is refused.
    gw.pay("order-8").unwrap();
    let page = submit(&form).await.text().await.unwrap();
    assert!(page.contains("错误代码 ACQ.TRADE_HAS_SUCCESS"), "{page}");
    assert_eq!(gw.trade("order-8").unwrap().total, yuan("8.00"));
}

#[tokio::test]
async fn cancel_leaves_the_trade_unpaid_and_links_back() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(&page_pay("order-9", "9.00"), &options())
        .unwrap();
    let cashier = open(&gw, &form).await;
    let response = post_empty(&format!("{}{cashier}/cancel", base(&gw))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("订单未支付"), "{page}");
    assert!(page.contains(&format!("href=\"{RETURN_URL}\"")), "{page}");
    assert_eq!(
        gw.trade("order-9").unwrap().status,
        TradeStatus::WaitBuyerPay
    );
    assert!(gw.notifications().is_empty());

    // Without return_url: no link.
    let form = client(&gw)
        .page_form(&page_pay("order-10", "10.00"), &CallOptions::new())
        .unwrap();
    let cashier = open(&gw, &form).await;
    let page = post_empty(&format!("{}{cashier}/cancel", base(&gw)))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("订单未支付") && !page.contains("id=\"back\""),
        "{page}"
    );
}

#[tokio::test]
async fn without_return_url_paying_shows_a_paid_page() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(&page_pay("order-11", "11.00"), &CallOptions::new())
        .unwrap();
    let cashier = open(&gw, &form).await;
    let response = post_empty(&format!("{}{cashier}/pay", base(&gw))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("支付成功 Paid"), "{page}");
    assert_eq!(
        gw.trade("order-11").unwrap().status,
        TradeStatus::TradeSuccess
    );
}

#[tokio::test]
async fn precreates_qr_code_opens_the_cashier() {
    let gw = gateway().await;
    let qr = client(&gw)
        .execute(&AlipayTradePrecreateRequest::new("order-12", yuan("12.00")).subject("Cake"))
        .await
        .unwrap();
    let qr_code = qr.qr_code.unwrap();
    let trade = gw.trade("order-12").unwrap();
    assert_eq!(qr_code, format!("{}/qr/{}", base(&gw), trade.trade_no));
    let (status, page) = get(&qr_code).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Cake") && page.contains("¥ 12.00"), "{page}");
    let response = post_empty(&format!("{}/cashier/{}/pay", base(&gw), trade.trade_no)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        gw.trade("order-12").unwrap().status,
        TradeStatus::TradeSuccess
    );
}

#[tokio::test]
async fn unknown_trades_paths_and_methods_get_error_pages() {
    let gw = gateway().await;
    let b = base(&gw);
    for url in [format!("{b}/cashier/123"), format!("{b}/qr/123")] {
        let (status, page) = get(&url).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
        assert!(
            page.contains("no trade has trade_no &quot;123&quot;"),
            "{page}"
        );
    }
    for action in ["pay", "cancel"] {
        let response = post_empty(&format!("{b}/cashier/123/{action}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{action}");
    }
    let (status, page) = get(&format!("{b}/cashier/123/pay")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.contains("POST /cashier/{trade_no}/pay"), "{page}");
    let (status, _) = get(&format!("{b}/cashier/123/refund")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&format!("{b}/qr/123/pay")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Other methods on the gateway path are still calls.
    let (status, _) = get(&format!("{}?method=alipay.trade.query", gw.url())).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_forged_return_is_refused_by_the_runtime() {
    let gw = gateway().await;
    let form = client(&gw)
        .page_form(&page_pay("order-13", "13.00"), &options())
        .unwrap();
    let cashier = open(&gw, &form).await;
    let back = location(&post_empty(&format!("{}{cashier}/pay", base(&gw))).await);
    let query = back.split_once('?').unwrap().1;
    let forged = query.replace("total_amount=13.00", "total_amount=1300.00");
    assert_ne!(query, forged);
    assert!(matches!(
        page_return(forged.as_bytes(), &alipay_public(), APP_ID),
        Err(PageReturnError::Untrusted(_))
    ));
}
