//! What code generated from the Alipay specs needs at run time.
//!
//! - [`Money`]: an amount in yuan with at most two decimals, sent as `"8.88"`.
//!   Never a float.
//! - [`DateTime`]: a gateway date-time, `yyyy-MM-dd HH:mm:ss` in Beijing time
//!   (GMT+8) whatever the host's zone.
//! - [`AlipayRequest`], [`AlipayResponse`], [`ErrorCode`]: the traits that tie a
//!   generated request to its method name, its response type and its business
//!   error codes.
//! - [`UnknownValue`]: the opaque payload of the `Unknown` variant that every
//!   generated enum carries for values Alipay adds later.
//!
//! Signing, verification and transport come later; this crate is kept small so
//! that generated code builds fast.

mod api;
mod datetime;
#[cfg(feature = "client")]
pub mod extract;
mod generated_support;
#[cfg(feature = "client")]
pub mod keys;
#[cfg(feature = "legacy-rsa")]
mod legacy_rsa;
mod money;
#[cfg(feature = "client")]
pub mod sign;
mod unknown;

pub use api::{AlipayRequest, AlipayResponse, ErrorCode, Violation, Violations};
pub use datetime::{DateTime, ParseDateTimeError};
pub use money::{Money, ParseMoneyError};
pub use unknown::UnknownValue;

/// Re-exports for generated code, so that it depends on this crate alone.
#[doc(hidden)]
pub mod __private {
    pub use crate::generated_support::Listed;
    pub use serde;
}
