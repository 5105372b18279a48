//! Helpers shared by the gateway's test files: a gateway with the test
//! key pairs, requests signed by hand and sent as raw HTTP/1.1, answers
//! verified as a client verifies them.
#![allow(dead_code)]

use alipay_local_gateway::{GatewayConfig, LocalGateway};
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use alipay_runtime::sign::{SignType, sign, sign_content, verify};
use alipay_runtime::{DateTime, Money, extract};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const APP_ID: &str = "2021000000000001";
pub const APP_PRIVATE: &str = include_str!("../../../runtime/tests/vectors/app_private_pkcs8.txt");
pub const APP_PUBLIC: &str = include_str!("../../../runtime/tests/vectors/app_public.txt");
pub const ALIPAY_PRIVATE: &str =
    include_str!("../../../runtime/tests/vectors/alipay_private_pkcs8.txt");
pub const ALIPAY_PUBLIC: &str = include_str!("../../../runtime/tests/vectors/alipay_public.txt");

pub async fn gateway() -> LocalGateway {
    LocalGateway::start(GatewayConfig {
        app_id: APP_ID.to_owned(),
        app_public_key: PublicKey::from_text(APP_PUBLIC, KeyRole::AppPublicKey).unwrap(),
        gateway_private_key: PrivateKey::from_text(ALIPAY_PRIVATE, KeyRole::GatewayPrivateKey)
            .unwrap(),
    })
    .await
    .unwrap()
}

pub fn app_key() -> PrivateKey {
    PrivateKey::from_text(APP_PRIVATE, KeyRole::AppPrivateKey).unwrap()
}

pub fn alipay_public() -> PublicKey {
    PublicKey::from_text(ALIPAY_PUBLIC, KeyRole::AlipayPublicKey).unwrap()
}

/// The system parameters of a call, signed together with `biz_content`.
pub fn signed_query(method: &str, biz_content: &str) -> Vec<(String, String)> {
    signed_query_at(method, biz_content, DateTime::now())
}

/// [`signed_query`] with the given `timestamp`.
pub fn signed_query_at(method: &str, biz_content: &str, at: DateTime) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("app_id", APP_ID),
        ("method", method),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("version", "1.0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    params.push(("timestamp".into(), at.to_string()));
    let content = sign_content(
        params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([("biz_content", biz_content)]),
    );
    params.push(("sign".into(), sign(&app_key(), SignType::Rsa2, &content)));
    params
}

pub fn form(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A raw HTTP response: status (0 if the connection ended before one) and
/// body.
pub struct Raw {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// POSTs to `path?query` with the form `body`, `Connection: close`, and
/// reads until the server closes.
pub async fn post_raw(gateway: &LocalGateway, path: &str, query: &str, body: &str) -> Raw {
    request_raw(gateway, "POST", path, query, body).await
}

/// Sends `verb path?query` with `body`, `Connection: close`, and reads until
/// the server closes.
pub async fn request_raw(
    gateway: &LocalGateway,
    verb: &str,
    path: &str,
    query: &str,
    body: &str,
) -> Raw {
    let mut stream = TcpStream::connect(gateway.addr()).await.unwrap();
    let request = format!(
        "{verb} {path}?{query} HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/x-www-form-urlencoded;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        gateway.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    // A reset is as good as an EOF for a dropped connection.
    let _ = stream.read_to_end(&mut bytes).await;
    let text = String::from_utf8(bytes).unwrap();
    if text.is_empty() {
        return Raw {
            status: 0,
            content_type: String::new(),
            body: String::new(),
        };
    }
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    Raw {
        status,
        content_type,
        body: body.to_owned(),
    }
}

/// Sends signed `query` with `biz_content` in the body.
pub async fn post(gateway: &LocalGateway, query: &[(String, String)], biz_content: &str) -> Raw {
    let body = form(&[("biz_content".to_owned(), biz_content.to_owned())]);
    post_raw(gateway, "/gateway.do", &form(query), &body).await
}

/// A verified answer: the key of the node, its exact text and its JSON.
pub struct Answer {
    pub key: String,
    pub text: String,
    pub node: Value,
}

/// Checks the HTTP envelope and the signature and returns the node.
pub fn verified(raw: &Raw, method: &str) -> Answer {
    assert_eq!(raw.status, 200, "{}", raw.body);
    assert_eq!(raw.content_type, "application/json;charset=utf-8");
    let span = extract::extract(&raw.body, method).unwrap();
    let sign = span.sign.expect("a sign");
    assert!(
        verify(&alipay_public(), SignType::Rsa2, span.content, &sign),
        "signature does not verify: {}",
        raw.body
    );
    Answer {
        key: span.key.to_owned(),
        text: span.content.to_owned(),
        node: serde_json::from_str(span.content).unwrap(),
    }
}

/// A signed call of `method`, verified.
pub async fn call(gateway: &LocalGateway, method: &str, biz_content: &str) -> Answer {
    let raw = post(gateway, &signed_query(method, biz_content), biz_content).await;
    let answer = verified(&raw, method);
    assert_eq!(answer.key, format!("{}_response", method.replace('.', "_")));
    answer
}

pub fn assert_failed(answer: &Answer, sub_code: &str, sub_msg: &str) {
    assert_eq!(answer.node["code"], "40004", "{}", answer.text);
    assert_eq!(answer.node["msg"], "Business Failed");
    assert_eq!(answer.node["sub_code"], sub_code);
    assert_eq!(answer.node["sub_msg"], sub_msg);
}

pub fn yuan(text: &str) -> Money {
    text.parse().unwrap()
}
