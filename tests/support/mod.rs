//! What the client tests share: the committed test keys, a scripted
//! transport, and bodies signed the way the gateway signs them.

#![allow(dead_code)] // each test target uses its own part of this

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use alipay_runtime::Config;
use alipay_runtime::keys::{KeyRole, PrivateKey};
use alipay_runtime::sign::{SignType, sign};
use alipay_runtime::transport::{Transport, TransportError};
use bytes::Bytes;

/// A committed test vector (`runtime/tests/vectors/<name>`).
pub fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../runtime/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Answers each request with the next scripted reply and records requests.
pub struct Scripted {
    pub replies: Mutex<Vec<Result<(u16, String), TransportError>>>,
    pub seen: Mutex<Vec<http::Request<Bytes>>>,
}

impl Scripted {
    pub fn new(replies: Vec<Result<(u16, String), TransportError>>) -> Scripted {
        Scripted {
            replies: Mutex::new(replies),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The query and form parameters of the `i`th request.
    pub fn params(&self, i: usize) -> BTreeMap<String, String> {
        let seen = self.seen.lock().unwrap();
        let req = &seen[i];
        let query = req.uri().query().unwrap_or_default().as_bytes().to_vec();
        form_urlencoded::parse(&query)
            .chain(form_urlencoded::parse(req.body()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

impl Transport for Scripted {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        _timeout: Duration,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.seen.lock().unwrap().push(request);
        let (status, body) = self.replies.lock().unwrap().remove(0)?;
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        Ok(response)
    }
}

/// The app id of the test keys.
pub const APP_ID: &str = "2014072300007148";

/// A key-mode config with the committed test keys.
pub fn config() -> Config {
    Config::new(
        APP_ID,
        &vector("app_private_pkcs8.txt"),
        &vector("alipay_public.txt"),
    )
    .unwrap()
}

/// `node`'s signature with the test gateway's (Alipay's) private key.
pub fn gateway_signature(node: &str) -> String {
    let key = PrivateKey::from_text(
        &vector("alipay_private_pkcs8.txt"),
        KeyRole::GatewayPrivateKey,
    )
    .unwrap();
    sign(&key, SignType::Rsa2, node)
}

/// A body as the gateway sends it: `node` under the top-level `key`, signed.
pub fn signed_under(key: &str, node: &str) -> String {
    let signature = gateway_signature(node);
    format!(r#"{{"{key}":{node},"sign":"{signature}"}}"#)
}

/// A local gateway that knows the test app's public key and signs with the
/// test Alipay key.
pub async fn local_gateway() -> alipay_local_gateway::LocalGateway {
    alipay_local_gateway::LocalGateway::start(alipay_local_gateway::GatewayConfig {
        app_id: APP_ID.into(),
        app_public_key: alipay_runtime::keys::PublicKey::from_text(
            &vector("app_public.txt"),
            KeyRole::AppPublicKey,
        )
        .unwrap(),
        gateway_private_key: PrivateKey::from_text(
            &vector("alipay_private_pkcs8.txt"),
            KeyRole::GatewayPrivateKey,
        )
        .unwrap(),
    })
    .await
    .unwrap()
}

/// [`config`] pointed at `gateway`, with a short timeout for tests.
pub fn gateway_config(gateway: &alipay_local_gateway::LocalGateway) -> Config {
    config()
        .gateway(gateway.url())
        .timeout(Duration::from_secs(2))
}

/// An amount from its text.
pub fn yuan(text: &str) -> alipay_runtime::Money {
    text.parse().unwrap()
}
