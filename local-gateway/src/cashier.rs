//! The buyer's side: the forms a browser submits for `alipay.trade.page.pay`
//! and `alipay.trade.wap.pay`, the cashier page they lead to (also opened by
//! precreate's `qr_code`), its pay and cancel buttons, the signed return to
//! `return_url`. (The app's order strings, `alipay.trade.app.pay`, are paid
//! in [`crate::order_string`].)
//!
//! The buyer's requests are not gateway calls: they are not counted in
//! [`crate::LocalGateway::request_count`] and take no [`crate::Fault`]. With
//! the plug-ins off ([`crate::GatewayOptions::plugins`]) the gateway keeps no
//! trades, and page calls get their spec's generic answer like any call.
//!
//! Routes:
//!
//! - `POST /gateway.do` (the form `Client::page_form` renders) and
//!   `GET /gateway.do?…` (the URL `Client::page_url` renders) naming
//!   `alipay.trade.page.pay` or `alipay.trade.wap.pay`: checked as a call is;
//!   a refusal is an HTML error page and makes no trade; a valid one makes
//!   (or finds again) the trade and redirects (303) to its cashier page;
//! - `GET /cashier/{trade_no}` and `GET /qr/{trade_no}`: the cashier page;
//! - `POST /cashier/{trade_no}/pay` and `POST /cashier/{trade_no}/cancel`.

use std::collections::BTreeMap;
use std::sync::Arc;

use alipay_api::alipay_trade_app_pay::AlipayTradeAppPayErrorCode;
use alipay_runtime::notify::{NotifyVariant, check_content};
use alipay_runtime::sign::{SignType, sign};
use alipay_runtime::{DateTime, ErrorCode, Money};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::http::request::Parts;
use hyper::{Method as HttpMethod, Response, StatusCode};
use serde::Deserialize;

use crate::server::{self, non_empty};
use crate::{PayError, Shared, TradeInfo, TradeStatus, notify};

/// The page calls the cashier serves.
const PAGE_METHODS: [&str; 2] = [
    alipay_api::alipay_trade_page_pay::METHOD,
    alipay_api::alipay_trade_wap_pay::METHOD,
];

/// What Alipay's cashier shows for a form whose signature does not verify:
/// "错误代码 invalid-signature 错误原因: 验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配",
/// as quoted by a merchant who met it on 电脑网站支付
/// (<https://blog.csdn.net/yyananluna/article/details/134418467>). No source
/// was found for the page of any other refusal: those show the gateway's own
/// sub-code (without its `isv.` prefix, as the quoted page shows
/// `invalid-signature`) and `sub_msg`.
const INVALID_SIGNATURE_REASON: &str = "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配";

/// What the cashier keeps of a page payment, for its return.
#[derive(Debug, Clone)]
pub(crate) struct Checkout {
    /// The form's `return_url`, if it gave one.
    return_url: Option<String>,
    /// The form's method: the return's `method` is it with `.return`.
    method: &'static str,
}

/// The page payment's fields the cashier needs; `alipay.trade.page.pay`,
/// `wap.pay` and `app.pay` requests all have them.
#[derive(Deserialize)]
struct Order {
    out_trade_no: String,
    total_amount: Money,
    subject: String,
}

type Page = Response<Full<Bytes>>;

/// Answers the buyer's requests; `None` for any other request.
pub(crate) async fn route(shared: &Arc<Shared>, parts: &Parts, body: &Bytes) -> Option<Page> {
    let path = parts.uri.path();
    // The cashier keeps trades: a stateless gateway (no plug-ins) answers
    // page calls from their spec like any other.
    if path == server::PATH && shared.options.plugins {
        let mut params = BTreeMap::new();
        let query = parts.uri.query().unwrap_or("");
        for (k, v) in form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(body)) {
            params.insert(k.into_owned(), v.into_owned());
        }
        let method = PAGE_METHODS
            .into_iter()
            .find(|m| non_empty(&params, "method") == Some(m))?;
        return Some(submit(shared, &params, method));
    }
    let rest = path
        .strip_prefix("/cashier/")
        .or_else(|| path.strip_prefix("/qr/"))?;
    let is_qr = path.starts_with("/qr/");
    let (trade_no, action) = match rest.split_once('/') {
        Some((trade_no, action)) if !is_qr => (trade_no, Some(action)),
        Some(_) => return Some(not_found(path)),
        None => (rest, None),
    };
    Some(match (&parts.method, action) {
        (&HttpMethod::GET, None) => show(shared, trade_no),
        (&HttpMethod::POST, Some("pay")) => pay(shared, trade_no).await,
        (&HttpMethod::POST, Some("cancel")) => cancel(shared, trade_no),
        (_, None | Some("pay" | "cancel")) => error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            &format!(
                "{} {path} is not served: open the cashier with GET /cashier/{{trade_no}}, \
                 pay or cancel with POST /cashier/{{trade_no}}/pay or /cancel",
                parts.method
            ),
            None,
        ),
        _ => not_found(path),
    })
}

/// A page form or URL: checked as a call is, then the trade and a redirect
/// to its cashier page.
fn submit(shared: &Shared, params: &BTreeMap<String, String>, method: &'static str) -> Page {
    let checked = match server::check(shared, params) {
        Ok(checked) => checked,
        Err(reply) => return refused(&reply),
    };
    let order: Order = match serde_json::from_value(checked.biz) {
        Ok(order) => order,
        Err(e) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                &format!("biz_content does not hold out_trade_no, total_amount and subject: {e}"),
                None,
            );
        }
    };
    let return_url = non_empty(params, "return_url").map(str::to_owned);
    if let Some(url) = &return_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                &format!(
                    "return_url {url:?} does not start with http:// or https://; \
                     give the full URL of the merchant's return page"
                ),
                None,
            );
        }
    }
    let opened = {
        let mut state = shared.lock();
        state.notify_url = non_empty(params, "notify_url").map(str::to_owned);
        let opened = state.open_trade(&order.out_trade_no, order.total_amount, &order.subject);
        if let Ok(trade_no) = &opened {
            state
                .checkouts
                .insert(trade_no.clone(), Checkout { return_url, method });
        }
        opened
    };
    match opened {
        Ok(trade_no) => redirect(&format!("/cashier/{trade_no}")),
        Err(code) => trade_refused(code, &order.out_trade_no),
    }
}

/// The cashier page of a trade.
fn show(shared: &Shared, trade_no: &str) -> Page {
    let Some((trade, subject)) = shared.lock().trade_by_no(trade_no) else {
        return unknown_trade(trade_no);
    };
    let subject = subject.unwrap_or_default();
    let summary = summary(&trade, &subject);
    if trade.status != TradeStatus::WaitBuyerPay {
        return html(
            StatusCode::OK,
            "订单状态 Order status",
            &format!(
                "{summary}<p class=\"note\">此订单已不能支付：{status}. \
                 This order can no longer be paid: it is {status}.</p>",
                status = trade.status.as_str()
            ),
        );
    }
    let body = format!(
        "{summary}\
         <form method=\"post\" action=\"/cashier/{no}/pay\"><button id=\"pay\" class=\"pay\" type=\"submit\">确认付款 Pay</button></form>\
         <form method=\"post\" action=\"/cashier/{no}/cancel\"><button id=\"cancel\" class=\"cancel\" type=\"submit\">取消 Cancel</button></form>\
         <p class=\"note\">alipay-local-gateway: a test cashier; no money moves.</p>",
        no = escape(&trade.trade_no),
    );
    html(StatusCode::OK, "收银台 Cashier", &body)
}

/// The buyer pays: the trade turns `TRADE_SUCCESS` (and its notification
/// goes out) as with [`crate::LocalGateway::pay`], then the browser returns
/// to `return_url` with the signed return parameters.
async fn pay(shared: &Arc<Shared>, trade_no: &str) -> Page {
    let (paid, events, checkout) = {
        let mut state = shared.lock();
        let Some((trade, _)) = state.trade_by_no(trade_no) else {
            return unknown_trade(trade_no);
        };
        let paid = state.simulate_pay(&trade.out_trade_no);
        let checkout = state.checkouts.get(trade_no).cloned();
        (paid, state.take_outbox(), checkout)
    };
    notify::dispatch(shared, events).await;
    let trade = match paid {
        Ok(trade) => trade,
        Err(e @ PayError::NotWaiting { .. }) => {
            return error_page(
                StatusCode::CONFLICT,
                "trade-not-waiting",
                &e.to_string(),
                None,
            );
        }
        Err(e) => {
            return error_page(
                StatusCode::NOT_FOUND,
                "trade-not-exist",
                &e.to_string(),
                None,
            );
        }
    };
    let Some(Checkout {
        return_url: Some(return_url),
        method,
    }) = checkout
    else {
        return html(
            StatusCode::OK,
            "支付成功 Paid",
            &format!(
                "{}<p class=\"done\">支付成功 Paid.</p>",
                summary(&trade, "")
            ),
        );
    };
    let query = return_query(shared, &trade, method);
    let separator = if return_url.contains('?') { '&' } else { '?' };
    redirect(&format!("{return_url}{separator}{query}"))
}

/// The buyer leaves the cashier: the trade stays unpaid.
fn cancel(shared: &Shared, trade_no: &str) -> Page {
    let (found, checkout) = {
        let state = shared.lock();
        (
            state.trade_by_no(trade_no),
            state.checkouts.get(trade_no).cloned(),
        )
    };
    let Some((trade, subject)) = found else {
        return unknown_trade(trade_no);
    };
    let back = match checkout.and_then(|c| c.return_url) {
        Some(url) => format!(
            "<p><a id=\"back\" href=\"{}\">返回商户 Back to the merchant</a></p>",
            escape(&url)
        ),
        None => String::new(),
    };
    html(
        StatusCode::OK,
        "已取消 Cancelled",
        &format!(
            "{}<p class=\"note\">您已离开收银台，订单未支付。 You left the cashier; the order is not paid ({}).</p>{back}",
            summary(&trade, &subject.unwrap_or_default()),
            trade.status.as_str()
        ),
    )
}

/// The parameters Alipay appends to `return_url` after a page payment, in
/// the published sample of its 同步通知参数 (charset, out_trade_no,
/// method=alipay.trade.page.pay.return, total_amount, sign, trade_no,
/// auth_app_id, version, app_id, sign_type, seller_id, timestamp:
/// Alipay's 支付宝同步通知说明, read in a third-party copy,
/// <https://www.5851388.com/s01raw2/pathhash=bb7cd298.html>; also
/// <https://www.wangzhanchengxu.com/index.php?m=content&c=index&a=show&catid=130&id=583>),
/// `wap.pay`'s with `method=alipay.trade.wap.pay.return`
/// (<https://blog.csdn.net/weixin_28679635/article/details/114780215>).
/// They are signed as the asynchronous notification is (V1: `sign` and
/// `sign_type` left out), so `alipay_runtime::notify::page_return` checks
/// them.
fn return_query(shared: &Shared, trade: &TradeInfo, method: &str) -> String {
    let app_id = shared.config.app_id.clone();
    let mut params: BTreeMap<&str, String> = BTreeMap::from([
        ("app_id", app_id.clone()),
        ("auth_app_id", app_id),
        ("charset", "utf-8".to_owned()),
        ("method", format!("{method}.return")),
        ("out_trade_no", trade.out_trade_no.clone()),
        ("seller_id", notify::SELLER_ID.to_owned()),
        ("sign_type", "RSA2".to_owned()),
        ("timestamp", DateTime::now().to_string()),
        ("total_amount", trade.total.to_string()),
        ("trade_no", trade.trade_no.clone()),
        ("version", "1.0".to_owned()),
    ]);
    let content = check_content(
        params.iter().map(|(k, v)| (*k, v.as_str())),
        NotifyVariant::V1,
    );
    let signature = sign(&shared.config.gateway_private_key, SignType::Rsa2, &content);
    params.insert("sign", signature);
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish()
}

/// A trade refusal's documented meaning. `alipay.trade.page.pay` and
/// `wap.pay` list no error codes; the codes are those of the same 统一收单
/// family that `alipay.trade.app.pay` documents.
pub(crate) fn meaning(code: &str) -> &'static str {
    AlipayTradeAppPayErrorCode::from_code(code)
        .meaning()
        .unwrap_or("")
}

/// `sub_code` and `sub_msg` of a refusal node.
pub(crate) fn sub(node: &str) -> (String, String) {
    let node: serde_json::Value = serde_json::from_str(node).unwrap_or_default();
    let text = |k: &str| node[k].as_str().unwrap_or_default().to_owned();
    (text("sub_code"), text("sub_msg"))
}

/// The error page of a form the gateway refuses, in the shape of Alipay's:
/// 错误代码 and 错误原因.
fn refused(reply: &server::Reply) -> Page {
    let (sub_code, sub_msg) = sub(&reply.node);
    let code = sub_code.strip_prefix("isv.").unwrap_or(&sub_code);
    if sub_code == "isv.invalid-signature" {
        // sub_msg ends with the content the gateway verified, HTML-escaped
        // in the JSON node; shown raw here, escaped once by the page.
        let content = sub_msg
            .split_once('：')
            .map_or("", |(_, content)| content)
            .replace("&amp;", "&");
        return error_page(
            StatusCode::BAD_REQUEST,
            code,
            INVALID_SIGNATURE_REASON,
            Some(&format!(
                "网关生成的验签字符串 (the content the gateway verified): {content}"
            )),
        );
    }
    error_page(
        StatusCode::BAD_REQUEST,
        code,
        &sub_msg,
        reply.detail.as_deref(),
    )
}

fn trade_refused(code: &'static str, out_trade_no: &str) -> Page {
    error_page(
        StatusCode::CONFLICT,
        code,
        meaning(code),
        Some(&format!(
            "out_trade_no {out_trade_no:?} already names a trade that cannot take this payment; \
             use a new out_trade_no"
        )),
    )
}

fn unknown_trade(trade_no: &str) -> Page {
    error_page(
        StatusCode::NOT_FOUND,
        "trade-not-exist",
        &format!(
            "no trade has trade_no {trade_no:?}: open the cashier through a page.pay or wap.pay \
             form, or precreate's qr_code"
        ),
        None,
    )
}

fn not_found(path: &str) -> Page {
    error_page(
        StatusCode::NOT_FOUND,
        "not-found",
        &format!("{path} is not a cashier page: GET /cashier/{{trade_no}} or /qr/{{trade_no}}"),
        None,
    )
}

fn error_page(status: StatusCode, code: &str, reason: &str, detail: Option<&str>) -> Page {
    let detail = detail.map_or_else(String::new, |d| {
        format!("<p class=\"detail\">{}</p>", escape(d))
    });
    html(
        status,
        "错误 Error",
        &format!(
            "<p class=\"error\"><span id=\"error-code\">错误代码 {}</span><br>\
             <span id=\"error-reason\">错误原因: {}</span></p>{detail}",
            escape(code),
            escape(reason)
        ),
    )
}

/// The order as the cashier shows it.
fn summary(trade: &TradeInfo, subject: &str) -> String {
    format!(
        "<dl>\
         <dt>商品 Subject</dt><dd id=\"subject\">{}</dd>\
         <dt>金额 Amount</dt><dd id=\"amount\" class=\"amount\">¥ {}</dd>\
         <dt>商户订单号 Order</dt><dd id=\"out-trade-no\">{}</dd>\
         <dt>交易号 Trade</dt><dd>{}</dd>\
         </dl>",
        escape(subject),
        trade.total,
        escape(&trade.out_trade_no),
        escape(&trade.trade_no),
    )
}

/// A whole page: UTF-8, no external assets.
fn html(status: StatusCode, title: &str, body: &str) -> Page {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · alipay-local-gateway</title><style>{STYLE}</style></head>\
         <body><header>支付宝 · 收银台 <small>alipay-local-gateway</small></header>\
         <main><h1>{title}</h1>{body}</main></body></html>\n"
    );
    let mut response = Response::new(Full::new(Bytes::from(page)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=utf-8"),
    );
    response
}

const STYLE: &str = "body{margin:0;font-family:sans-serif;background:#f5f5f5;color:#333}\
header{background:#1677ff;color:#fff;padding:14px 24px;font-size:20px}\
header small{opacity:.8;font-size:13px;margin-left:8px}\
main{max-width:520px;margin:16px auto;background:#fff;padding:18px 32px;border-radius:8px;\
box-shadow:0 1px 4px rgba(0,0,0,.1)}\
h1{font-size:20px;margin:0 0 8px}dl{margin:0 0 18px}dt{color:#888;font-size:13px;margin-top:8px}\
dd{margin:2px 0 0;font-size:16px;word-break:break-all}.amount{font-size:28px;color:#ff6a00}\
form{display:inline}button{font-size:16px;padding:10px 28px;border:0;border-radius:4px;\
margin-right:12px;cursor:pointer}.pay{background:#1677ff;color:#fff}.cancel{background:#e8e8e8}\
.note{color:#888;font-size:13px;margin:16px 0 0}.done{color:#52c41a;font-size:18px}\
.error{color:#d4380d;font-size:16px;line-height:1.8}.detail{color:#666;font-size:12px;word-break:break-all}";

/// A `303 See Other` to `location` (bytes a header cannot hold are
/// percent-encoded).
fn redirect(location: &str) -> Page {
    let mut encoded = String::new();
    for c in location.chars() {
        if c.is_ascii_graphic() {
            encoded.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SEE_OTHER;
    let value = HeaderValue::from_str(&encoded).expect("visible ASCII only");
    response.headers_mut().insert(LOCATION, value);
    response
}

/// Text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
