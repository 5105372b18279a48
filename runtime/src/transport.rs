//! Sending one HTTP request: a small trait on the `http` 1.x types, so tests
//! and users can plug in their own, and its reqwest implementation.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

/// Whether a failed request may have reached Alipay. It decides whether the
/// outcome of a money-moving call is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The request never left: connection refused, DNS, TLS. Nothing happened.
    NotSent,
    /// The request may have been received and processed (a timeout or a
    /// dropped connection after sending).
    MaybeSent,
}

/// A transport failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// Whether it may have reached Alipay.
    pub delivery: Delivery,
    /// Whether it was a timeout.
    pub timed_out: bool,
    /// What happened, for people.
    pub message: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reached = match self.delivery {
            Delivery::NotSent => "the request did not reach Alipay",
            Delivery::MaybeSent => "the request may have reached Alipay",
        };
        write!(f, "{} ({reached})", self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends one request and returns the response, whatever its status.
pub trait Transport: Send + Sync {
    /// Sends `request`; gives up after `timeout` in total.
    fn send(
        &self,
        request: http::Request<Bytes>,
        timeout: Duration,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send;
}

/// The default transport: reqwest with rustls (no system OpenSSL).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport whose connections give up after `connect_timeout`.
    pub fn new(connect_timeout: Duration) -> ReqwestTransport {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .build()
            .expect("a reqwest client with rustls builds");
        ReqwestTransport { client }
    }

    /// A transport over a reqwest client configured by the caller (proxy, …).
    pub fn with_client(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        timeout: Duration,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = reqwest::Request::try_from(request).map_err(|e| TransportError {
            delivery: Delivery::NotSent,
            timed_out: false,
            message: format!("the request could not be built: {e}"),
        })?;
        let classify = |e: reqwest::Error| {
            let delivery = if e.is_connect() {
                Delivery::NotSent
            } else {
                Delivery::MaybeSent
            };
            TransportError {
                delivery,
                timed_out: e.is_timeout(),
                message: format!("transport error: {e}"),
            }
        };
        let work = async {
            let response = self.client.execute(request).await.map_err(classify)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(classify)?;
            let mut out = http::Response::new(body);
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(TransportError {
                delivery: Delivery::MaybeSent,
                timed_out: true,
                message: format!("no complete response within {timeout:?}"),
            }),
        }
    }
}
