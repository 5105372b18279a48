//! The HTTP side: accepting connections, decoding the parameters, checking the
//! public parameters and the signature, applying faults, signing answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use alipay_api::common::GatewaySubCode;
use alipay_runtime::DateTime;
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method as HttpMethod, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::state::{ErrorNode, Method, to_json};
use crate::{Fault, Shared};

/// The only path served.
pub(crate) const PATH: &str = "/gateway.do";
/// The key of the node used when no method could be routed.
const ERROR_RESPONSE: &str = "error_response";

/// Accepts connections until the task is aborted; aborting it drops the
/// [`JoinSet`] and so every open connection too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: try again shortly.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&shared), request));
            // A dropped connection (fault or client) ends here; nothing to do.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

/// What the service answers with: a response, or an error that makes hyper
/// close the connection without writing anything.
type Answer = Result<Response<Full<Bytes>>, std::io::Error>;

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Answer {
    shared.request_count.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    // Read the whole request before anything else, faults included.
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => return Err(std::io::Error::other(e)),
    };
    let fault = shared.lock().faults.pop_front();

    if let Some(Fault::HttpStatus(code)) = fault {
        return Ok(html_status(code));
    }
    if parts.uri.path() != PATH {
        return Ok(plain(StatusCode::NOT_FOUND, "not found"));
    }
    if parts.method != HttpMethod::POST {
        return Ok(plain(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }

    // Query (system params) then body (biz_content), each form-decoded once.
    let mut params = BTreeMap::new();
    let query = parts.uri.query().unwrap_or("");
    for (k, v) in form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(&body)) {
        params.insert(k.into_owned(), v.into_owned());
    }
    shared.lock().last_params = Some(params.clone());

    let (key, node) = match fault {
        Some(Fault::SystemError) => unprocessed(&params, Method::system_error_node),
        Some(Fault::Business(code)) => unprocessed(&params, |m| m.business_error_node(code)),
        Some(Fault::GatewayUnavailable) => unprocessed(&params, |_| {
            to_json(&ErrorNode {
                code: "20000",
                msg: "Service Currently Unavailable",
                sub_code: "isp.unknow-error",
                sub_msg: "系统繁忙",
            })
        }),
        _ => process(&shared, &params),
    };

    let mut signature = sign(&shared.config.gateway_private_key, SignType::Rsa2, &node);
    if fault == Some(Fault::TamperSignature) {
        tamper(&mut signature);
    }
    // The node is compact JSON and the key and signature need no escaping.
    let body = format!(r#"{{"{key}":{node},"sign":"{signature}"}}"#);

    if let Some(Fault::Delay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    if fault == Some(Fault::DropConnection) {
        return Err(std::io::Error::other("fault: drop the connection"));
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    Ok(response)
}

/// The node key of the method the request names (if any), and `node(method)`
/// for a known method; for an unknown one the node is built as if for
/// `alipay.fund.coupon.order.refund` (a plain `SYSTEM_ERROR`).
fn unprocessed(
    params: &BTreeMap<String, String>,
    node: impl Fn(Method) -> String,
) -> (String, String) {
    let name = non_empty(params, "method");
    let method = name
        .and_then(Method::from_name)
        .unwrap_or(Method::CouponOrderRefund);
    let key = match name {
        Some(name) => node_key(name),
        None => ERROR_RESPONSE.to_owned(),
    };
    (key, node(method))
}

/// `alipay.fund.trans.refund` → `alipay_fund_trans_refund_response`.
fn node_key(method: &str) -> String {
    format!("{}_response", method.replace('.', "_"))
}

fn non_empty<'a>(params: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    params
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// An `error_response` node for a gateway sub-code listed in common.yaml.
fn gateway_error(sub_code: &str) -> (String, String) {
    let sub = GatewaySubCode::from(sub_code);
    let code = sub
        .gateway_code()
        .expect("the gateway only sends sub-codes common.yaml lists");
    let node = ErrorNode {
        code: code.as_str(),
        msg: code.msg().unwrap_or_default(),
        sub_code: sub.as_str(),
        sub_msg: sub.meaning().unwrap_or_default(),
    };
    (ERROR_RESPONSE.to_owned(), to_json(&node))
}

/// Checks the public parameters and the signature in the gateway's order,
/// then runs the method.
fn process(shared: &Shared, params: &BTreeMap<String, String>) -> (String, String) {
    let required = [
        ("method", "isv.missing-method"),
        ("sign", "isv.missing-signature"),
        ("sign_type", "isv.missing-signature-type"),
        ("app_id", "isv.missing-app-id"),
        ("timestamp", "isv.missing-timestamp"),
        ("version", "isv.missing-version"),
    ];
    for (key, sub_code) in required {
        if non_empty(params, key).is_none() {
            return gateway_error(sub_code);
        }
    }
    let value = |key| non_empty(params, key).unwrap_or_default();
    if value("app_id") != shared.config.app_id {
        return gateway_error("isv.invalid-app-id");
    }
    if value("timestamp").parse::<DateTime>().is_err() {
        return gateway_error("isv.invalid-timestamp");
    }
    let Some(sign_type) = SignType::parse(value("sign_type")) else {
        return gateway_error("isv.invalid-signature-type");
    };
    let content = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if !verify(
        &shared.config.app_public_key,
        sign_type,
        &content,
        value("sign"),
    ) {
        return gateway_error("isv.invalid-signature");
    }
    let name = value("method");
    let Some(method) = Method::from_name(name) else {
        return gateway_error("isv.invalid-method");
    };
    let Some(biz_content) = non_empty(params, "biz_content") else {
        return gateway_error("isv.invalid-parameter");
    };
    match method.process(&mut shared.lock(), biz_content) {
        Some(node) => (node_key(name), node),
        None => gateway_error("isv.invalid-parameter"),
    }
}

/// Changes the first character of a base64 signature so that it no longer
/// verifies (the first character always carries six significant bits).
fn tamper(signature: &mut String) {
    let replacement = if signature.starts_with('A') { "B" } else { "A" };
    if signature.is_empty() {
        signature.push_str(replacement);
    } else {
        signature.replace_range(0..1, replacement);
    }
}

fn html_status(code: u16) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let body = format!(
        "<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center></body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=utf-8"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=utf-8"),
    );
    response
}
