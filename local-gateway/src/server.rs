//! The HTTP side: accepting connections, decoding the parameters, checking the
//! public parameters and the signature, validating `biz_content`, routing to
//! a plug-in or the generic answer, applying faults, signing answers.

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

use crate::nodes::{self, node_key};
use crate::state::Method as Plugin;
use crate::{Fault, Shared, bill_file, cashier, control, notify, validate};

/// The only path served.
pub(crate) const PATH: &str = "/gateway.do";
/// The key of the node used when no method could be routed.
pub(crate) const ERROR_RESPONSE: &str = "error_response";

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

/// A response node and how to send it.
pub(crate) struct Reply {
    /// `<method>_response` or `error_response`.
    key: String,
    /// The node's compact JSON.
    pub(crate) node: String,
    /// Whether `sign` goes with it. Alipay does not sign the answer to an
    /// unknown `app_id` (it has no key pair for it).
    signed: bool,
    /// Why a request was refused, for the log (never a secret).
    pub(crate) detail: Option<String>,
    /// The notifications the request caused, taken from the outbox under
    /// the same lock as the change that recorded them: taken later, a
    /// concurrent request could take them instead.
    events: Vec<notify::Event>,
}

impl Reply {
    fn signed(key: String, node: String) -> Reply {
        Reply {
            key,
            node,
            signed: true,
            detail: None,
            events: Vec::new(),
        }
    }

    fn because(mut self, detail: impl Into<String>) -> Reply {
        self.detail = Some(detail.into());
        self
    }
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Answer {
    let (parts, body) = request.into_parts();
    // Read the whole request before anything else, faults included.
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => return Err(std::io::Error::other(e)),
    };
    if parts.uri.path().starts_with(control::PREFIX) {
        let (response, events) = control::handle(&shared, &parts.method, &parts.uri, &body);
        notify::dispatch(&shared, events).await;
        return Ok(response);
    }
    if parts.uri.path().starts_with(bill_file::PREFIX) {
        return Ok(bill_file::serve(&shared, &parts.method, &parts.uri));
    }
    if let Some(response) = cashier::route(&shared, &parts, &body).await {
        return Ok(response);
    }
    shared.request_count.fetch_add(1, Ordering::SeqCst);
    let fault = shared.lock().faults.pop_front();

    // Query (system params) then body (biz_content), each form-decoded once.
    let mut params = BTreeMap::new();
    let query = parts.uri.query().unwrap_or("");
    for (k, v) in form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(&body)) {
        params.insert(k.into_owned(), v.into_owned());
    }
    let method_name = non_empty(&params, "method").unwrap_or("-").to_owned();
    let log = |outcome: &str| {
        if shared.options.log {
            let fault = fault.map_or_else(|| "-".to_owned(), |f| format!("{f:?}"));
            eprintln!("{method_name} {outcome} fault={fault}");
        }
    };

    if let Some(Fault::HttpStatus(code)) = fault {
        log(&format!("http {code}"));
        return Ok(html_status(code));
    }
    if parts.uri.path() != PATH {
        log(&format!("http 404 {}", parts.uri.path()));
        return Ok(plain(StatusCode::NOT_FOUND, "not found"));
    }
    if parts.method != HttpMethod::POST {
        log("http 405");
        return Ok(plain(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }
    shared.lock().last_params = Some(params.clone());

    let method = non_empty(&params, "method").and_then(|name| shared.specs.method(name));
    let mut reply = match fault {
        Some(Fault::SystemError) => unprocessed(&params, nodes::system_error(method)),
        Some(Fault::Business(code)) => unprocessed(&params, nodes::business_failed(method, code)),
        Some(Fault::GatewayUnavailable) => unprocessed(
            &params,
            nodes::refusal(
                ("20000", "Service Currently Unavailable"),
                "isp.unknow-error",
                Some("系统繁忙"),
            ),
        ),
        _ => process(&shared, &params),
    };
    // The notifications the request caused, sent before the answer (the
    // fault BeforeAnswer) or in the background.
    notify::dispatch(&shared, std::mem::take(&mut reply.events)).await;

    let body = if reply.signed {
        let mut signature = sign(
            &shared.config.gateway_private_key,
            SignType::Rsa2,
            &reply.node,
        );
        if fault == Some(Fault::TamperSignature) {
            tamper(&mut signature);
        }
        // The node is compact JSON and the key and signature need no escaping.
        format!(r#"{{"{}":{},"sign":"{signature}"}}"#, reply.key, reply.node)
    } else {
        format!(r#"{{"{}":{}}}"#, reply.key, reply.node)
    };
    log(&outcome(&reply));

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

/// `code[ sub_code][ (detail)]` of a reply, for the log.
fn outcome(reply: &Reply) -> String {
    let node: serde_json::Value = serde_json::from_str(&reply.node).unwrap_or_default();
    let mut out = node["code"].as_str().unwrap_or("?").to_owned();
    if let Some(sub_code) = node["sub_code"].as_str() {
        out.push(' ');
        out.push_str(sub_code);
    }
    if reply.key == ERROR_RESPONSE {
        out.push_str(" (error_response)");
    }
    if !reply.signed {
        out.push_str(" (unsigned)");
    }
    if let Some(detail) = &reply.detail {
        out.push_str(" (");
        out.push_str(detail);
        out.push(')');
    }
    out
}

/// A fault's node, under the key of the method the request names, or
/// `error_response` if it names none.
fn unprocessed(params: &BTreeMap<String, String>, node: String) -> Reply {
    let key = match non_empty(params, "method") {
        Some(name) => node_key(name),
        None => ERROR_RESPONSE.to_owned(),
    };
    Reply::signed(key, node)
}

pub(crate) fn non_empty<'a>(params: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    params
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The node of a gateway sub-code listed in common.yaml: its code, message
/// and meaning.
fn gateway_node(sub_code: &str) -> String {
    let sub = GatewaySubCode::from(sub_code);
    let code = sub
        .gateway_code()
        .expect("the gateway only sends sub-codes common.yaml lists");
    nodes::refusal(
        (code.as_str(), code.msg().unwrap_or_default()),
        sub.as_str(),
        sub.meaning(),
    )
}

/// A gateway refusal under `error_response`: for requests that name no
/// method, an unknown one, or fail a check of which no sample shows Alipay's
/// placement (the `40001` missing parameters, the signature type).
fn gateway_error(sub_code: &str) -> Reply {
    Reply::signed(ERROR_RESPONSE.to_owned(), gateway_node(sub_code))
}

/// The start of the `sub_msg` Alipay gives a request whose signature does not
/// verify, followed by the content the gateway signed over (HTML-escaped),
/// as quoted in the official Node SDK (alipay/alipay-sdk-nodejs-all,
/// `src/alipay.ts`, `#formatExecHttpResponse`, the example response
/// `alipay_security_risk_content_analyze_response`).
const INVALID_SIGNATURE_MSG: &str =
    "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：";

/// A request that passed every check of [`check`]: its method, the key of
/// its node and its `biz_content`, valid against the method's spec.
pub(crate) struct Checked<'a> {
    /// The method's name.
    pub(crate) name: &'a str,
    /// `<method>_response`.
    pub(crate) key: String,
    /// The method's spec.
    pub(crate) method: &'a alipay_codegen::ir::Method,
    /// `biz_content` as sent (`{}` when absent).
    pub(crate) biz_text: &'a str,
    /// `biz_content` parsed.
    pub(crate) biz: serde_json::Value,
}

/// Checks the public parameters and the signature in the gateway's order,
/// then validates `biz_content` against the method's spec and answers it:
/// with the method's plug-in if it has one, else with the spec's success.
fn process(shared: &Shared, params: &BTreeMap<String, String>) -> Reply {
    let Checked {
        name,
        key,
        method,
        biz_text,
        biz,
    } = match check(shared, params) {
        Ok(checked) => checked,
        Err(reply) => return reply,
    };
    let plugin = Plugin::from_name(name).filter(|_| shared.options.plugins);
    if let Some(plugin) = plugin {
        let mut state = shared.lock();
        state.notify_url = non_empty(params, "notify_url").map(str::to_owned);
        let reply = match plugin.process(&mut state, biz_text) {
            Some(node) => Reply::signed(key, node),
            None => Reply::signed(key, nodes::invalid_parameter(method))
                .because("refused by the method's business rules"),
        };
        return Reply {
            events: state.take_outbox(),
            ..reply
        };
    }
    let object = biz.as_object().cloned().unwrap_or_default();
    Reply::signed(key, nodes::success(&shared.specs, method, &object))
}

/// The checks every request goes through, in the gateway's order: the
/// public parameters, the app id, the timestamp, the signature, the method,
/// then `biz_content` against the method's spec. The cashier runs the same
/// checks on the forms a browser submits.
///
/// Refusals of a request that names a method go under that method's key, as
/// Alipay places them: an invalid signature
/// (`{"<method>_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature",…},"sign":…}`,
/// the Node SDK's example above; also
/// <https://github.com/yansongda/pay/issues/160>), an invalid timestamp
/// (<https://github.com/Srar/AlipayF2F/issues/14>), an unknown app id,
/// unsigned (<https://github.com/shadowsocks/shadowsocks-manager/issues/139>:
/// the SDK then fails on the missing `sign`), and invalid business
/// parameters (see [`nodes::invalid_parameter`]).
pub(crate) fn check<'a>(
    shared: &'a Shared,
    params: &'a BTreeMap<String, String>,
) -> Result<Checked<'a>, Reply> {
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
            return Err(gateway_error(sub_code));
        }
    }
    let value = |key| non_empty(params, key).unwrap_or_default();
    let name = value("method");
    let key = node_key(name);
    if value("app_id") != shared.config.app_id {
        return Err(Reply {
            signed: false,
            ..Reply::signed(key, gateway_node("isv.invalid-app-id"))
        });
    }
    let Ok(timestamp) = value("timestamp").parse::<DateTime>() else {
        return Err(Reply::signed(key, gateway_node("isv.invalid-timestamp"))
            .because("timestamp is not yyyy-MM-dd HH:mm:ss"));
    };
    if let Some(window) = shared.options.timestamp_window {
        let off = DateTime::now().unix_timestamp() - timestamp.unix_timestamp();
        if off.unsigned_abs() > window.as_secs() {
            return Err(
                Reply::signed(key, gateway_node("isv.invalid-timestamp")).because(format!(
                    "timestamp is {off} s from Beijing time, more than {} s",
                    window.as_secs()
                )),
            );
        }
    }
    let Some(sign_type) = SignType::parse(value("sign_type")) else {
        return Err(gateway_error("isv.invalid-signature-type"));
    };
    let content = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if !verify(
        &shared.config.app_public_key,
        sign_type,
        &content,
        value("sign"),
    ) {
        // Tokens are left out of the echoed content: they are secrets.
        let shown = sign_content(
            params
                .iter()
                .filter(|(k, _)| !k.ends_with("auth_token"))
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        let sub_msg = format!("{INVALID_SIGNATURE_MSG}{}", shown.replace('&', "&amp;"));
        let node = nodes::refusal(
            nodes::INVALID_ARGUMENTS,
            "isv.invalid-signature",
            Some(&sub_msg),
        );
        return Err(Reply::signed(key, node));
    }
    let Some(method) = shared.specs.method(name) else {
        return Err(gateway_error("isv.invalid-method"));
    };
    // No biz_content: no business parameter given.
    let biz_text = non_empty(params, "biz_content").unwrap_or("{}");
    let invalid = || Reply::signed(key.clone(), nodes::invalid_parameter(method));
    let biz: serde_json::Value = match serde_json::from_str(biz_text) {
        Ok(biz) => biz,
        Err(e) => return Err(invalid().because(format!("biz_content is not JSON: {e}"))),
    };
    let violations = validate::validate(&shared.specs, method, &biz);
    if !violations.is_empty() {
        let detail: Vec<String> = violations.iter().map(ToString::to_string).collect();
        return Err(invalid().because(detail.join("; ")));
    }
    Ok(Checked {
        name,
        key,
        method,
        biz_text,
        biz,
    })
}

/// Changes the first character of a base64 signature so that it no longer
/// verifies (the first character always carries six significant bits).
pub(crate) fn tamper(signature: &mut String) {
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
