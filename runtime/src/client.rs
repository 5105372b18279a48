//! The client: build, sign and send a generated request, verify and parse the
//! response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tracing::Instrument as _;

use crate::api::Echo;
use crate::api::{AlipayRequest, AlipayResponse, ErrorCode, ServerCall};
use crate::cert::{self, CertError, CertRole};
use crate::datetime::DateTime;
use crate::error::{Error, GatewayError, Mismatch, Outcome, ResponseKey, SignatureError, excerpt};
use crate::extract::extract;
use crate::keys::{KeyError, KeyRole, PrivateKey, PublicKey};
use crate::sign::{SignType, sign, sign_content, verify};
use crate::transport::{ReqwestTransport, Transport};

/// The production gateway.
pub const PRODUCTION_GATEWAY: &str = "https://openapi.alipay.com/gateway.do";
/// The sandbox gateway.
pub const SANDBOX_GATEWAY: &str = "https://openapi-sandbox.dl.alipaydev.com/gateway.do";

/// Everything a client needs to talk to one app's gateway.
pub struct Config {
    app_id: String,
    app_private_key: PrivateKey,
    alipay_public_key: PublicKey,
    sign_type: SignType,
    gateway: String,
    connect_timeout: Duration,
    timeout: Duration,
    validate: bool,
    retry: Option<Retry>,
    certificates: Option<CertSns>,
}

/// The serial numbers certificate mode sends and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CertSns {
    app_cert_sn: String,
    alipay_root_cert_sn: String,
    alipay_cert_sn: String,
}

/// Why a certificate-mode config could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A certificate is unusable.
    #[error(transparent)]
    Certificate(#[from] CertError),
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The private key's own Debug is redacted; listed for completeness.
        f.debug_struct("Config")
            .field("app_id", &self.app_id)
            .field("app_private_key", &self.app_private_key)
            .field("sign_type", &self.sign_type)
            .field("gateway", &self.gateway)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("validate", &self.validate)
            .field("retry", &self.retry)
            .field("certificates", &self.certificates)
            .finish_non_exhaustive()
    }
}

/// Opt-in retries for calls whose outcome is unknown (a timeout after
/// sending, `SYSTEM_ERROR`, `20000`): the same `biz_content`, byte for byte,
/// so the same `out_request_no` makes the resend idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Resends at most this many times.
    pub max_resends: u32,
    /// Waits this long before the first resend, doubling each time.
    pub backoff: Duration,
}

impl Config {
    /// A production config in key mode: the app id, the app private key and
    /// the Alipay public key, each as the Alipay console or key tool gives
    /// them (bare base64 or PEM).
    ///
    /// Defaults: RSA2, connect timeout 3 s, total timeout 15 s (as the
    /// official SDK), requests validated before signing, no retries.
    pub fn new(
        app_id: impl Into<String>,
        app_private_key: &str,
        alipay_public_key: &str,
    ) -> Result<Config, KeyError> {
        let app_private_key = PrivateKey::from_text(app_private_key, KeyRole::AppPrivateKey)?;
        let alipay_public_key = PublicKey::from_text(alipay_public_key, KeyRole::AlipayPublicKey)?;
        if alipay_public_key.matches(&app_private_key) {
            return Err(KeyError::new(
                KeyRole::AlipayPublicKey,
                "this is your app's own public key (应用公钥), the pair of the app private key; \
                 responses are signed by Alipay, so use the Alipay public key (支付宝公钥) shown beside it in the console",
            ));
        }
        Ok(Config::build(
            app_id.into(),
            app_private_key,
            alipay_public_key,
            None,
        ))
    }

    /// A production config in certificate mode: the app private key, and the
    /// three certificates the Alipay console issues (PEM): the app's
    /// (appCertPublicKey_*.crt), Alipay's (alipayCertPublicKey_RSA2.crt) and
    /// the root bundle (alipayRootCert.crt). Requests carry `app_cert_sn` and
    /// `alipay_root_cert_sn`; a response naming another Alipay certificate is
    /// refused.
    pub fn with_certificates(
        app_id: impl Into<String>,
        app_private_key: &str,
        app_cert: &str,
        alipay_cert: &str,
        alipay_root_cert: &str,
    ) -> Result<Config, ConfigError> {
        let app_private_key = PrivateKey::from_text(app_private_key, KeyRole::AppPrivateKey)?;
        let one = |text: &str, role: CertRole| -> Result<Vec<u8>, CertError> {
            let mut ders = cert::pem_certificates(text, role)?;
            if ders.len() != 1 {
                return Err(CertError::new(
                    role,
                    format!("it holds {} certificates; expected one", ders.len()),
                ));
            }
            Ok(ders.remove(0))
        };
        let app_der = one(app_cert, CertRole::AppCertificate)?;
        let app = cert::parse(&app_der, CertRole::AppCertificate)?;
        let app_public = PublicKey::from_der(app.public_key().raw, KeyRole::AppPublicKey)?;
        if !app_public.matches(&app_private_key) {
            return Err(CertError::new(
                CertRole::AppCertificate,
                "its public key is not the pair of the app private key (a certificate of another app, or Alipay's?)",
            )
            .into());
        }
        let alipay_der = one(alipay_cert, CertRole::AlipayCertificate)?;
        let alipay = cert::parse(&alipay_der, CertRole::AlipayCertificate)?;
        let alipay_public_key =
            PublicKey::from_der(alipay.public_key().raw, KeyRole::AlipayPublicKey)?;
        if alipay_public_key.matches(&app_private_key) {
            return Err(CertError::new(
                CertRole::AlipayCertificate,
                "this is the app's own certificate; use alipayCertPublicKey_RSA2.crt",
            )
            .into());
        }
        let sns = CertSns {
            app_cert_sn: cert::cert_sn(&app),
            alipay_root_cert_sn: cert::root_cert_sn(alipay_root_cert)?,
            alipay_cert_sn: cert::cert_sn(&alipay),
        };
        Ok(Config::build(
            app_id.into(),
            app_private_key,
            alipay_public_key,
            Some(sns),
        ))
    }

    fn build(
        app_id: String,
        app_private_key: PrivateKey,
        alipay_public_key: PublicKey,
        certificates: Option<CertSns>,
    ) -> Config {
        Config {
            app_id,
            app_private_key,
            alipay_public_key,
            sign_type: SignType::Rsa2,
            gateway: PRODUCTION_GATEWAY.into(),
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(15),
            validate: true,
            retry: None,
            certificates,
        }
    }

    /// The gateway URL calls go to.
    pub fn gateway_url(&self) -> &str {
        &self.gateway
    }

    /// Uses the sandbox gateway.
    pub fn sandbox(self) -> Config {
        self.gateway(SANDBOX_GATEWAY)
    }

    /// Uses any gateway URL (a local gateway in tests, a proxy).
    pub fn gateway(mut self, url: impl Into<String>) -> Config {
        self.gateway = url.into();
        self
    }

    /// The signature algorithm (RSA2 unless the app is configured for legacy RSA).
    pub fn sign_type(mut self, sign_type: SignType) -> Config {
        self.sign_type = sign_type;
        self
    }

    /// How long to wait for a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Config {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take.
    pub fn timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout;
        self
    }

    /// Whether to validate requests before signing (default: yes).
    pub fn validate_requests(mut self, validate: bool) -> Config {
        self.validate = validate;
        self
    }

    /// Resends calls whose outcome is unknown; off by default, as in every
    /// official SDK.
    pub fn retry(mut self, retry: Retry) -> Config {
        self.retry = Some(retry);
        self
    }
}

/// Per-call public parameters. Its `Debug` redacts `app_auth_token`: the
/// token lets anyone call on the merchant's behalf.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// `app_auth_token`, for ISVs calling on a merchant's behalf.
    pub app_auth_token: Option<String>,
    /// `notify_url`, for methods that notify.
    pub notify_url: Option<String>,
    /// `return_url`, for page methods.
    pub return_url: Option<String>,
    /// Signs at this time instead of now: for reproducible output in tests.
    /// A gateway refuses a timestamp too far from its clock.
    pub timestamp: Option<DateTime>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field(
                "app_auth_token",
                &self.app_auth_token.as_ref().map(|_| "(redacted)"),
            )
            .field("notify_url", &self.notify_url)
            .field("return_url", &self.return_url)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

impl CallOptions {
    /// No options.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }
    /// Sets `app_auth_token`.
    pub fn app_auth_token(mut self, token: impl Into<String>) -> CallOptions {
        self.app_auth_token = Some(token.into());
        self
    }
    /// Sets `notify_url`.
    pub fn notify_url(mut self, url: impl Into<String>) -> CallOptions {
        self.notify_url = Some(url.into());
        self
    }
    /// Sets `return_url`.
    pub fn return_url(mut self, url: impl Into<String>) -> CallOptions {
        self.return_url = Some(url.into());
        self
    }
    /// Signs at `timestamp` instead of now.
    pub fn timestamp(mut self, timestamp: DateTime) -> CallOptions {
        self.timestamp = Some(timestamp);
        self
    }
}

/// An Alipay client. Cheap to clone; share one per app.
#[derive(Debug)]
pub struct Client<T = ReqwestTransport> {
    pub(crate) config: Arc<Config>,
    transport: T,
}

impl<T: Clone> Clone for Client<T> {
    fn clone(&self) -> Self {
        Client {
            config: Arc::clone(&self.config),
            transport: self.transport.clone(),
        }
    }
}

/// The result of a call: the typed response, or an error whose business
/// variant holds the method's typed error code.
pub type CallResult<R> = Result<
    <R as AlipayRequest>::Response,
    Error<<<R as AlipayRequest>::Response as AlipayResponse>::ErrorCode>,
>;

impl Client<ReqwestTransport> {
    /// A client over reqwest (rustls).
    pub fn new(config: Config) -> Client<ReqwestTransport> {
        let transport = ReqwestTransport::new(config.connect_timeout);
        Client::with_transport(config, transport)
    }
}

impl<T> Client<T> {
    /// The request's `biz_content`, validated first unless the config says
    /// otherwise.
    pub(crate) fn biz_content<R: AlipayRequest>(
        &self,
        request: &R,
    ) -> Result<String, Error<<R::Response as AlipayResponse>::ErrorCode>> {
        if self.config.validate {
            request.validate().map_err(Error::InvalidRequest)?;
        }
        serde_json::to_string(request).map_err(|e| Error::Decode {
            message: format!("the request could not be serialized: {e}"),
            excerpt: String::new(),
        })
    }

    /// The system parameters of one call, `sign` last, signed together with
    /// `biz_content` at `options.timestamp` (or `now`).
    pub(crate) fn system_params(
        &self,
        method: &str,
        biz_content: &str,
        options: &CallOptions,
        now: DateTime,
    ) -> Vec<(&'static str, String)> {
        let config = &self.config;
        let timestamp = options.timestamp.unwrap_or(now).to_string();
        let mut params: Vec<(&'static str, String)> = vec![
            ("app_id", config.app_id.clone()),
            ("method", method.to_owned()),
            ("format", "JSON".to_owned()),
            ("charset", "utf-8".to_owned()),
            ("sign_type", config.sign_type.as_str().to_owned()),
            ("timestamp", timestamp),
            ("version", "1.0".to_owned()),
        ];
        if let Some(sns) = &config.certificates {
            params.push(("app_cert_sn", sns.app_cert_sn.clone()));
            params.push(("alipay_root_cert_sn", sns.alipay_root_cert_sn.clone()));
        }
        for (name, value) in [
            ("app_auth_token", &options.app_auth_token),
            ("notify_url", &options.notify_url),
            ("return_url", &options.return_url),
        ] {
            if let Some(value) = value {
                params.push((name, value.clone()));
            }
        }
        let content = sign_content(
            params
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .chain([("biz_content", biz_content)]),
        );
        let signature = sign(&config.app_private_key, config.sign_type, &content);
        params.push(("sign", signature));
        params
    }
}

impl<T: Transport> Client<T> {
    /// A client over any transport.
    pub fn with_transport(config: Config, transport: T) -> Client<T> {
        Client {
            config: Arc::new(config),
            transport,
        }
    }

    /// The transport, e.g. to inspect a test transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends a request and returns its verified, typed response.
    pub async fn execute<R: ServerCall>(&self, request: &R) -> CallResult<R> {
        self.execute_with(request, &CallOptions::default()).await
    }

    /// [`execute`](Client::execute) with per-call public parameters.
    pub async fn execute_with<R: ServerCall>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> CallResult<R> {
        // Only the method and what came back are recorded: never a key, a
        // token, a signature or a body.
        let span = tracing::info_span!(
            "alipay_call",
            method = R::METHOD,
            outcome = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            attempts = tracing::field::Empty,
            code = tracing::field::Empty,
            sub_code = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let (result, attempts) = self.call(request, options).instrument(span.clone()).await;
        crate::trace::finish::<R>(&span, &result, started.elapsed(), attempts);
        result
    }

    /// The call and its opt-in resends; returns how many requests were sent.
    async fn call<R: AlipayRequest>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> (CallResult<R>, u32) {
        // Serialized once: every resend carries these exact bytes.
        let biz_content = match self.biz_content(request) {
            Ok(b) => b,
            Err(e) => return (Err(e), 0),
        };
        let mut resends = 0;
        loop {
            let result = self.send_once(request, &biz_content, options).await;
            let Some(retry) = self.config.retry else {
                return (result, resends + 1);
            };
            let unknown = matches!(&result, Err(e) if e.outcome() == Outcome::Unknown);
            if !unknown || resends >= retry.max_resends {
                return (result, resends + 1);
            }
            tracing::debug!(
                resend = resends + 1,
                "outcome unknown: resending the same request"
            );
            tokio::time::sleep(retry.backoff * 2u32.saturating_pow(resends)).await;
            resends += 1;
        }
    }

    async fn send_once<R: AlipayRequest>(
        &self,
        request: &R,
        biz_content: &str,
        options: &CallOptions,
    ) -> CallResult<R> {
        let http_request = self.signed_request(R::METHOD, biz_content, options, DateTime::now());
        let response = self
            .transport
            .send(http_request, self.config.timeout)
            .await
            .map_err(Error::Transport)?;
        let status = response.status().as_u16();
        let body = String::from_utf8(response.into_body().to_vec()).map_err(|e| Error::Decode {
            message: format!("the body is not UTF-8: {e}"),
            excerpt: String::new(),
        })?;
        if !(200..300).contains(&status) {
            return Err(Error::HttpStatus {
                status,
                excerpt: excerpt(&body, 200),
            });
        }
        self.read_response(request, &body)
    }

    /// The HTTP request for one call: system parameters in the query,
    /// `biz_content` in the form body.
    fn signed_request(
        &self,
        method: &str,
        biz_content: &str,
        options: &CallOptions,
        now: DateTime,
    ) -> http::Request<Bytes> {
        let config = &self.config;
        let params = self.system_params(method, biz_content, options, now);
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("biz_content", biz_content)
            .finish();
        let separator = if config.gateway.contains('?') {
            '&'
        } else {
            '?'
        };
        http::Request::post(format!("{}{separator}{query}", config.gateway))
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(Bytes::from(body))
            .expect("a request from a valid URL and headers builds")
    }

    /// Verifies and parses a response body, and binds it to `request`.
    ///
    /// The order matters: nothing in the node is read before its signature
    /// verifies, and a refusal is typed as a business error only when it is
    /// verified, under the method's own key, and answers this request. The
    /// README's outcome table lists every case.
    fn read_response<R: AlipayRequest>(&self, request: &R, body: &str) -> CallResult<R> {
        let span = extract(body, R::METHOD).map_err(|e| Error::Decode {
            message: e.to_string(),
            excerpt: excerpt(body, 200),
        })?;
        if let (Some(sns), Some(cert_sn)) = (&self.config.certificates, &span.cert_sn) {
            // Alipay rotates its certificate; fetching the new one
            // (alipay.open.app.alipaycert.download) is not implemented yet.
            if *cert_sn != sns.alipay_cert_sn {
                return Err(Error::Signature(SignatureError::UnknownCertificate {
                    cert_sn: cert_sn.clone(),
                }));
            }
        }
        let verified = match &span.sign {
            Some(signature) => {
                if !verify(
                    &self.config.alipay_public_key,
                    self.config.sign_type,
                    span.content,
                    signature,
                ) {
                    return Err(Error::Signature(SignatureError::Mismatch));
                }
                true
            }
            None => false,
        };
        if span.content.starts_with('"') {
            return Err(Error::Decode {
                message: "the response is encrypted (encrypt_type=AES), which this client does not support yet".into(),
                excerpt: excerpt(span.content, 80),
            });
        }
        let response: R::Response =
            serde_json::from_str(span.content).map_err(|e| Error::Decode {
                message: format!("the response node does not fit its type: {e}"),
                excerpt: excerpt(span.content, 200),
            })?;
        let key = if span.key == "error_response" {
            ResponseKey::ErrorResponse
        } else {
            ResponseKey::Method
        };
        let untrusted = || {
            Error::Gateway(GatewayError::new(
                response.code(),
                response.msg(),
                response.sub_code().map(str::to_owned),
                response.sub_msg().map(str::to_owned),
                verified,
                key,
            ))
        };
        if key == ResponseKey::ErrorResponse {
            // Not bound to the method called: even a signed node there may be
            // another method's.
            return Err(untrusted());
        }
        if !verified {
            // Only a verified answer may say the money moved, or that it did not.
            return Err(if response.is_success() {
                Error::Signature(SignatureError::Missing)
            } else {
                untrusted()
            });
        }
        if response.code().is_empty() {
            return Err(Error::Decode {
                message: "the verified response node carries no gateway code".into(),
                excerpt: excerpt(span.content, 200),
            });
        }
        bind(R::METHOD, &request.echoes(&response), response.is_success())
            .map_err(Error::Mismatch)?;
        if response.is_success() {
            return Ok(response);
        }
        match response.sub_code() {
            Some(sub_code) if response.code() == "40004" => Err(Error::Business {
                code: <<R::Response as AlipayResponse>::ErrorCode as ErrorCode>::from_code(
                    sub_code,
                ),
                msg: response.msg().to_owned(),
                sub_msg: response.sub_msg().map(str::to_owned),
                node: span.content.to_owned(),
            }),
            _ => Err(untrusted()),
        }
    }
}

/// Checks that a verified answer carries the identifiers this request sent:
/// each one it echoes must equal what was sent, and a success must carry
/// those its spec requires. A refusal may carry none (Alipay's protocol has
/// no nonce, so such a refusal cannot be bound; see the README).
fn bind(method: &'static str, echoes: &[Echo<'_>], success: bool) -> Result<(), Mismatch> {
    for echo in echoes {
        let Some(sent) = echo.sent else { continue };
        let mismatch = match echo.received {
            Some(received) => received != sent,
            None => success && echo.required,
        };
        if mismatch {
            return Err(Mismatch {
                method,
                field: echo.field,
                sent: sent.to_owned(),
                received: echo.received.map(str::to_owned),
            });
        }
    }
    Ok(())
}
