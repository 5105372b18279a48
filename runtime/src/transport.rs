//! Sending one HTTP request: a small trait on the `http` 1.x types, so tests
//! and users can plug in their own, and its reqwest implementation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
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
///
/// Its message names the host and path only: the query of a signed request
/// carries `sign` and may carry `app_auth_token`, so the URL is never
/// printed. The underlying error (reqwest's, stripped of its URL, and through
/// it the I/O error, "connection refused" say) is its
/// [`source`](std::error::Error::source).
#[derive(Debug, Clone)]
pub struct TransportError {
    /// Whether it may have reached Alipay.
    pub delivery: Delivery,
    /// Whether it was a timeout.
    pub timed_out: bool,
    /// What happened, for people.
    pub message: String,
    // Arc'd so that the error stays Clone.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A failure that is not a timeout; `message` must not hold a URL's query.
    pub fn new(delivery: Delivery, message: impl Into<String>) -> TransportError {
        TransportError {
            delivery,
            timed_out: false,
            message: message.into(),
            source: None,
        }
    }

    /// A timeout after the request may have been sent.
    pub fn timeout(message: impl Into<String>) -> TransportError {
        TransportError {
            timed_out: true,
            ..TransportError::new(Delivery::MaybeSent, message)
        }
    }

    /// The same error, caused by `source`. Strip URLs from it first (reqwest:
    /// [`reqwest::Error::without_url`]).
    pub fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> TransportError {
        self.source = Some(Arc::new(source));
        self
    }
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

// Hand-written rather than thiserror's: the cause is Arc'd to keep the error
// Clone, and `source()` must hand out the cause itself, not the Arc, so that
// callers can downcast it (to `std::io::Error`, say).
impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Where a request goes, without its query: `host[:port]/path`.
fn endpoint(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("(no host)");
    match uri.port_u16() {
        Some(port) => format!("{host}:{port}{}", uri.path()),
        None => format!("{host}{}", uri.path()),
    }
}

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
        let endpoint = endpoint(request.uri());
        let request = reqwest::Request::try_from(request).map_err(|e| {
            TransportError::new(
                Delivery::NotSent,
                format!("the request to {endpoint} could not be built"),
            )
            .with_source(e.without_url())
        })?;
        let classify = |e: reqwest::Error, reading: bool| {
            let delivery = if e.is_connect() {
                Delivery::NotSent
            } else {
                Delivery::MaybeSent
            };
            let message = if e.is_connect() {
                format!("could not connect to {endpoint}")
            } else if reading {
                format!("reading the response from {endpoint} failed")
            } else {
                format!("sending the request to {endpoint} failed")
            };
            TransportError {
                timed_out: e.is_timeout(),
                ..TransportError::new(delivery, message)
            }
            .with_source(e.without_url())
        };
        let work = async {
            let response = self
                .client
                .execute(request)
                .await
                .map_err(|e| classify(e, false))?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(|e| classify(e, true))?;
            let mut out = http::Response::new(body);
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::timeout(format!(
                "no complete response from {endpoint} within {timeout:?}"
            ))),
        }
    }
}
