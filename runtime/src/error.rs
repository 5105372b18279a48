//! One error type whose variants a caller can act on, and the outcome of a
//! money-moving call: succeeded, failed, or unknown.

use crate::api::{ErrorCode, Violations};
use crate::transport::{Delivery, TransportError};

/// Why a call did not return a verified success. `C` is the method's
/// business error-code enum.
///
/// The wrapping variants print their inner error's message as their own, so
/// their chain goes on from its source rather than repeating it: a transport
/// failure's source is the HTTP client's error, and its source the I/O error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: ErrorCode> {
    /// The request breaks the spec's constraints; it was never sent.
    #[error("invalid request, not sent: {0}")]
    InvalidRequest(Violations),
    /// The request could not be sent, or no response came back.
    #[error(transparent)]
    Transport(TransportError),
    /// The gateway answered with an HTTP error status.
    #[error("the gateway answered HTTP {status}: {excerpt}")]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The response's signature is missing or wrong: nothing in it is trusted.
    #[error(transparent)]
    Signature(SignatureError),
    /// The response could not be read.
    #[error("the response could not be read: {message}; body starts: {excerpt}")]
    Decode {
        /// What is wrong.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The gateway refused the call (any code but 10000 and 40004), or the
    /// node that says so is not trusted (see [`GatewayError::is_trusted_refusal`]).
    #[error(transparent)]
    Gateway(GatewayError),
    /// The response is genuine (its signature verifies) but does not answer
    /// this request: an identifier it echoes differs from what was sent, or a
    /// success leaves out one its spec requires. It may be another request's
    /// answer replayed; the outcome is unknown.
    #[error(transparent)]
    Mismatch(Mismatch),
    /// The method refused the call: `40004 Business Failed` with a typed
    /// business code, verified and under the method's own key.
    #[error("{}", business_message(code, sub_msg.as_deref()))]
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A success response carried no signature.
    #[error("the success response is not signed")]
    Missing,
    /// The signature does not match the response.
    #[error(
        "the response signature does not verify with the Alipay public key (tampered, or the wrong key is configured)"
    )]
    Mismatch,
    /// The response names a certificate other than the configured one.
    #[error(
        "the response is signed with certificate {cert_sn}, not the configured Alipay certificate"
    )]
    UnknownCertificate {
        /// The `alipay_cert_sn` it named.
        cert_sn: String,
    },
}

/// A verified response whose echoed identifiers do not match the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}; the outcome is unknown: query this request by its identifiers (or resend it unchanged) before treating it as done or failed",
    mismatch_message(self)
)]
#[non_exhaustive]
pub struct Mismatch {
    /// The method called.
    pub method: &'static str,
    /// The identifier's wire name, e.g. `out_request_no`.
    pub field: &'static str,
    /// What this request sent.
    pub sent: String,
    /// What the response carries; `None` when a success left out an
    /// identifier its spec requires.
    pub received: Option<String>,
}

fn mismatch_message(m: &Mismatch) -> String {
    let Mismatch {
        method,
        field,
        sent,
        received,
    } = m;
    match received {
        Some(received) => format!(
            "the verified {method} response answers another request: its {field} is `{received}`, this request sent `{sent}`"
        ),
        None => format!(
            "the verified {method} success does not carry {field}, which its spec requires, so it cannot be bound to this request ({field} `{sent}`)"
        ),
    }
}

/// Which top-level key of the body held the response node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKey {
    /// The method's own `<method>_response` key.
    Method,
    /// `error_response`, the gateway's fallback. Whatever it says, a node
    /// there is not bound to the method called, so it never decides an
    /// outcome.
    ErrorResponse,
}

/// A gateway-level refusal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", gateway_message(self))]
#[non_exhaustive]
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
    /// Which key held the node.
    pub key: ResponseKey,
}

impl GatewayError {
    /// A refusal as read from a response node.
    pub fn new(
        code: impl Into<String>,
        msg: impl Into<String>,
        sub_code: Option<String>,
        sub_msg: Option<String>,
        verified: bool,
        key: ResponseKey,
    ) -> GatewayError {
        GatewayError {
            code: code.into(),
            msg: msg.into(),
            sub_code,
            sub_msg,
            verified,
            key,
        }
    }

    /// Whether this refusal may be taken as "nothing happened": verified,
    /// under the method's own key, with a code the gateway documents as a
    /// refusal (`20001`, `40001`, `40002`, `40003`, `40004`, `40006`), and not
    /// one of the sub-codes that leave the outcome unknown. Any other code is
    /// not a refusal: `10003` (WAIT_BUYER_PAY, a barcode payment waiting for
    /// the buyer) may still end paid, and a code Alipay adds later says
    /// nothing known.
    pub fn is_trusted_refusal(&self) -> bool {
        const REFUSALS: [&str; 6] = ["20001", "40001", "40002", "40003", "40004", "40006"];
        self.verified
            && self.key == ResponseKey::Method
            && REFUSALS.contains(&self.code.as_str())
            && !self.is_outcome_unknown()
    }

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

fn gateway_message(g: &GatewayError) -> String {
    let mut out = format!("gateway error {} {}", g.code, g.msg);
    match (&g.sub_code, &g.sub_msg) {
        (Some(c), Some(m)) => out += &format!(": {c} ({m})"),
        (Some(c), None) => out += &format!(": {c}"),
        _ => {}
    }
    out += match (g.verified, g.key) {
        (true, ResponseKey::Method) => "",
        (false, ResponseKey::Method) => {
            " [unsigned, so not trusted: the outcome is unknown; query before deciding]"
        }
        (_, ResponseKey::ErrorResponse) => {
            " [under error_response, not the method's own key, so not trusted: the outcome is unknown; query before deciding]"
        }
    };
    out
}

/// The outcome of a call that moves money.
///
/// `Failed` is a promise that no money moved and a new request is safe, so
/// it is given only for an answer that never left this machine, or for a
/// refusal that is verified, under the method's own key, listed in the spec,
/// and whose echoed identifiers match the request. Everything else that is
/// not a verified success is `Unknown`. The README has the full table.
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
            // Whatever answered with a status (a proxy, a load balancer) may
            // have forwarded the request first, and nothing it says is signed.
            // An answer that cannot be trusted, read or bound to this request
            // says nothing about whether the money moved.
            Error::HttpStatus { .. }
            | Error::Signature(_)
            | Error::Decode { .. }
            | Error::Mismatch(_) => Outcome::Unknown,
            Error::Gateway(g) if g.is_trusted_refusal() => Outcome::Failed,
            Error::Gateway(_) => Outcome::Unknown,
            // A code the spec does not list has no documented meaning.
            Error::Business { code, .. } if code.is_listed() && !code.is_outcome_unknown() => {
                Outcome::Failed
            }
            Error::Business { .. } => Outcome::Unknown,
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

fn business_message<C: ErrorCode>(code: &C, sub_msg: Option<&str>) -> String {
    let mut out = format!("business error {}", code.as_str());
    if let Some(m) = sub_msg {
        out += &format!(" ({m})");
    }
    if let Some(action) = code.action() {
        out += &format!("; what to do: {action}");
    }
    out
}

/// The first `max` characters of `text`, cut on a character boundary.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
