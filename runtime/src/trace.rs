//! What a call records in its `tracing` span when it ends.

use std::time::Duration;

use crate::api::{AlipayRequest, AlipayResponse, ErrorCode};
use crate::client::CallResult;
use crate::error::{Error, Outcome, outcome};

/// Records the call's outcome, latency, attempts and gateway codes on `span`
/// and emits one event: `info` for a success, `warn` otherwise.
pub(crate) fn finish<R: AlipayRequest>(
    span: &tracing::Span,
    result: &CallResult<R>,
    latency: Duration,
    attempts: u32,
) {
    let outcome = match outcome(result) {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::Unknown => "unknown",
    };
    let (code, sub_code): (Option<&str>, Option<&str>) = match result {
        Ok(response) => (Some(response.code()), response.sub_code()),
        Err(Error::Business { code, .. }) => (Some("40004"), Some(code.as_str())),
        Err(Error::Gateway(g)) => (Some(g.code.as_str()), g.sub_code.as_deref()),
        Err(_) => (None, None),
    };
    let latency_ms = latency.as_millis() as u64;
    span.record("outcome", outcome);
    span.record("latency_ms", latency_ms);
    span.record("attempts", attempts);
    if let Some(code) = code {
        span.record("code", code);
    }
    if let Some(sub_code) = sub_code {
        span.record("sub_code", sub_code);
    }
    let _entered = span.enter();
    match result {
        Ok(_) => tracing::info!(outcome, latency_ms, attempts, "alipay call succeeded"),
        // The error's Display names no secret (see the `secrets` tests).
        Err(e) => {
            tracing::warn!(outcome, latency_ms, attempts, error = %e, "alipay call did not succeed")
        }
    }
}
