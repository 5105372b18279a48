//! App order strings (`alipay.trade.app.pay`) paid as the Alipay app would:
//! through `LocalGateway::pay_order_string` and the control endpoint.

use std::time::Duration;

use alipay_api::alipay_trade_app_pay::AlipayTradeAppPayRequest;
use alipay_local_gateway::{OrderStringError, TradeStatus};
use alipay_runtime::{CallOptions, Client, Config};
use reqwest::StatusCode;

use super::support::{ALIPAY_PUBLIC, APP_ID, APP_PRIVATE, gateway, yuan};
use super::{base, browser, client, get, merchant, options, page_pay, wait_for};

fn app_pay(out_trade_no: &str, amount: &str) -> AlipayTradeAppPayRequest {
    AlipayTradeAppPayRequest::new(out_trade_no, yuan(amount), "Game coins")
}

#[tokio::test]
async fn an_app_order_string_is_paid_and_notified() {
    let gw = gateway().await;
    let (notify_url, notified) = merchant().await;
    let order = client(&gw)
        .sdk_order_string(
            &app_pay("app-1", "6.00"),
            &CallOptions::new().notify_url(&notify_url),
        )
        .unwrap();
    let trade = gw.pay_order_string(&order).unwrap();
    assert_eq!(trade.status, TradeStatus::TradeSuccess);
    assert_eq!(trade.total, yuan("6.00"));
    wait_for("the notification", || !notified.lock().unwrap().is_empty()).await;
    // The same order string again: already paid, nothing paid twice.
    let err = gw.pay_order_string(&order).unwrap_err();
    assert!(matches!(
        err,
        OrderStringError::Trade {
            sub_code: "ACQ.TRADE_HAS_SUCCESS",
            ..
        }
    ));
    assert!(err.to_string().contains("use a new out_trade_no"), "{err}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(gw.notifications().len(), 1);
}

#[tokio::test]
async fn the_control_endpoint_pays_order_strings() {
    let gw = gateway().await;
    let c = client(&gw);
    let url = format!("{}/__control/pay_order_string", base(&gw));
    let order = c
        .sdk_order_string(&app_pay("app-2", "2.00"), &CallOptions::new())
        .unwrap();
    let response = browser()
        .post(&url)
        .body(order.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(json["trade_status"], "TRADE_SUCCESS");
    assert_eq!(json["out_trade_no"], "app-2");

    let again = browser().post(&url).body(order).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // A tampered order string: 400, nothing made.
    let order = c
        .sdk_order_string(&app_pay("app-3", "3.00"), &CallOptions::new())
        .unwrap();
    let tampered = order.replace("3.00", "0.01");
    let response = browser()
        .post(&url)
        .body(tampered.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let error = json["error"].as_str().unwrap();
    assert!(
        error.starts_with("the order string is refused: isv.invalid-signature"),
        "{error}"
    );
    assert!(gw.trade("app-3").is_none());
    assert!(matches!(
        gw.pay_order_string(&tampered),
        Err(OrderStringError::Refused { .. })
    ));

    // A page payment's parameters are not an app order string.
    let page_url = c.page_url(&page_pay("app-4", "4.00"), &options()).unwrap();
    let query = page_url.split_once('?').unwrap().1.to_owned();
    let response = browser()
        .post(&url)
        .body(query.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("not alipay.trade.app.pay"),
        "{json}"
    );
    assert_eq!(
        gw.pay_order_string(&query),
        Err(OrderStringError::NotAppPay {
            method: "alipay.trade.page.pay".into()
        })
    );
    assert!(gw.trade("app-4").is_none());

    // Not UTF-8.
    let response = browser()
        .post(&url)
        .body(vec![0xff, 0xfe])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Not POST.
    let (status, _) = get(&url).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    // An order string with an invalid biz_content.
    let lax = Client::new(
        Config::new(APP_ID, APP_PRIVATE, ALIPAY_PUBLIC)
            .unwrap()
            .gateway(gw.url())
            .validate_requests(false),
    );
    let order = lax
        .sdk_order_string(&app_pay("app-5", "0.00"), &CallOptions::new())
        .unwrap();
    let err = gw.pay_order_string(&order).unwrap_err();
    let OrderStringError::Refused { detail, .. } = &err else {
        panic!("{err}");
    };
    assert!(
        detail.as_deref().unwrap_or("").contains("total_amount"),
        "{err}"
    );
    assert!(gw.trade("app-5").is_none());
}
