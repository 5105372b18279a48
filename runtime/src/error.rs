//! One error type whose variants a caller can act on, and the outcome of a
//! money-moving call: succeeded, failed, or unknown.

use std::fmt;

use crate::api::{ErrorCode, Violations};
use crate::transport::{Delivery, TransportError};

/// Why a call did not return a verified success. `C` is the method's
/// business error-code enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<C> {
    /// The request breaks the spec's constraints; it was never sent.
    InvalidRequest(Violations),
    /// The request could not be sent, or no response came back.
    Transport(TransportError),
    /// The gateway answered with an HTTP error status.
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The response's signature is missing or wrong: nothing in it is trusted.
    Signature(SignatureError),
    /// The response could not be read.
    Decode {
        /// What is wrong.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The gateway refused the call (any code but 10000 and 40004).
    Gateway(GatewayError),
    /// The method refused the call: `40004 Business Failed` with a typed
    /// business code.
    Business {
        /// The business code.
        code: C,
        /// The gateway's `msg` (`Business Failed`).
        msg: String,
        /// The business message.
        sub_msg: Option<String>,
        /// The verified response node, as JSON text.
        node: String,
    },
}

/// A signature problem.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// A success response carried no signature.
    Missing,
    /// The signature does not match the response.
    Mismatch,
    /// The response names a certificate other than the configured one.
    UnknownCertificate {
        /// The `alipay_cert_sn` it named.
        cert_sn: String,
    },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Missing => f.write_str("the success response is not signed"),
            SignatureError::Mismatch => f.write_str(
                "the response signature does not verify with the Alipay public key (tampered, or the wrong key is configured)",
            ),
            SignatureError::UnknownCertificate { cert_sn } => write!(
                f,
                "the response is signed with certificate {cert_sn}, not the configured Alipay certificate"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A gateway-level refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// The gateway code, e.g. `40002`; `alipay_api::common::GatewayCode::from`
    /// types it.
    pub code: String,
    /// Its message.
    pub msg: String,
    /// The sub-code, e.g. `isv.invalid-signature`.
    pub sub_code: Option<String>,
    /// The sub-message.
    pub sub_msg: Option<String>,
    /// Whether the response carried a valid signature (gateway errors about
    /// the request itself often come unsigned).
    pub verified: bool,
}

impl GatewayError {
    /// Whether Alipay may still have processed the call: code `20000`, or
    /// sub-code `isp.unknow-error` / `aop.unknow-error`.
    pub fn is_outcome_unknown(&self) -> bool {
        self.code == "20000"
            || matches!(
                self.sub_code.as_deref(),
                Some("isp.unknow-error" | "aop.unknow-error")
            )
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gateway error {} {}", self.code, self.msg)?;
        match (&self.sub_code, &self.sub_msg) {
            (Some(c), Some(m)) => write!(f, ": {c} ({m})"),
            (Some(c), None) => write!(f, ": {c}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for GatewayError {}

/// The outcome of a call that moves money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, verified.
    Succeeded,
    /// Not done; safe to treat as failed.
    Failed,
    /// Neither: the documents say to resubmit with the same request number
    /// (`out_request_no`), or query, before deciding.
    Unknown,
}

impl<C: ErrorCode> Error<C> {
    /// Succeeded, failed or unknown, for this error.
    pub fn outcome(&self) -> Outcome {
        match self {
            Error::InvalidRequest(_) => Outcome::Failed,
            Error::Transport(t) => match t.delivery {
                Delivery::NotSent => Outcome::Failed,
                Delivery::MaybeSent => Outcome::Unknown,
            },
            // A proxy in front of the gateway may fail after forwarding.
            Error::HttpStatus { status, .. } if *status >= 500 => Outcome::Unknown,
            Error::HttpStatus { .. } => Outcome::Failed,
            // An answer that cannot be trusted or read says nothing about
            // whether the money moved.
            Error::Signature(_) | Error::Decode { .. } => Outcome::Unknown,
            Error::Gateway(g) if g.is_outcome_unknown() => Outcome::Unknown,
            Error::Gateway(_) => Outcome::Failed,
            Error::Business { code, .. } if code.is_outcome_unknown() => Outcome::Unknown,
            Error::Business { .. } => Outcome::Failed,
        }
    }
}

/// The outcome of a call's result.
pub fn outcome<T, C: ErrorCode>(result: &Result<T, Error<C>>) -> Outcome {
    match result {
        Ok(_) => Outcome::Succeeded,
        Err(e) => e.outcome(),
    }
}

impl<C: ErrorCode> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(v) => write!(f, "invalid request, not sent: {v}"),
            Error::Transport(t) => write!(f, "{t}"),
            Error::HttpStatus { status, excerpt } => {
                write!(f, "the gateway answered HTTP {status}: {excerpt}")
            }
            Error::Signature(s) => write!(f, "{s}"),
            Error::Decode { message, excerpt } => {
                write!(
                    f,
                    "the response could not be read: {message}; body starts: {excerpt}"
                )
            }
            Error::Gateway(g) => write!(f, "{g}"),
            Error::Business { code, sub_msg, .. } => {
                write!(f, "business error {}", code.as_str())?;
                if let Some(m) = sub_msg {
                    write!(f, " ({m})")?;
                }
                if let Some(action) = code.action() {
                    write!(f, "; what to do: {action}")?;
                }
                Ok(())
            }
        }
    }
}

// The wrapping variants print their inner error's message as their own, so
// their chain goes on from its source rather than repeating it: a transport
// failure's source is the HTTP client's error, and its source the I/O error.
impl<C: ErrorCode> std::error::Error for Error<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(t) => std::error::Error::source(t),
            Error::Signature(s) => std::error::Error::source(s),
            Error::Gateway(g) => std::error::Error::source(g),
            Error::InvalidRequest(_)
            | Error::HttpStatus { .. }
            | Error::Decode { .. }
            | Error::Business { .. } => None,
        }
    }
}

/// The first `max` characters of `text`, cut on a character boundary.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
