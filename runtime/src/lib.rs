//! What code generated from the Alipay specs needs at run time.
//!
//! - [`Money`]: an amount in yuan with at most two decimals, sent as `"8.88"`.
//!   Never a float.
//! - [`DateTime`]: a gateway date-time, `yyyy-MM-dd HH:mm:ss` in Beijing time
//!   (GMT+8) whatever the host's zone.
//! - [`AlipayRequest`], [`AlipayResponse`], [`ErrorCode`]: the traits that tie a
//!   generated request to its method name, its response type and its business
//!   error codes; [`MethodVisitor`], to do something once per generated
//!   method with its types.
//! - [`UnknownValue`]: the opaque payload of the `Unknown` variant that every
//!   generated enum carries for values Alipay adds later.
//!
//!
//! With the default feature `client`:
//!
//! - [`Client`] and [`Config`]: build, sign (RSA2, or legacy RSA with the
//!   `legacy-rsa` feature) and send a generated request; verify the response's
//!   signature over its exact bytes ([`extract`]) before parsing it.
//! - [`Error`] and [`Outcome`]: what went wrong, and whether a money-moving
//!   call succeeded, failed, or has an unknown outcome.
//! - [`keys`]: keys in every form Alipay's tools write, with errors that say
//!   which key is wrong and why.
//! - [`notify`]: asynchronous notifications, V1 and V2.
//! - [`transport`]: a small trait on `http` types; reqwest (rustls) by default.
//!
//! Generated model crates depend on this crate without `client`, so they
//! build without the crypto and HTTP stack.

mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "client")]
pub mod cert;
#[cfg(feature = "client")]
pub mod client;
mod datetime;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod extract;
mod generated_support;
#[cfg(feature = "client")]
pub mod keys;
#[cfg(feature = "legacy-rsa")]
mod legacy_rsa;
mod money;
#[cfg(feature = "client")]
pub mod notify;
#[cfg(feature = "client")]
mod page;
#[cfg(feature = "client")]
pub mod sign;
#[cfg(feature = "client")]
mod trace;
#[cfg(feature = "client")]
pub mod transport;
mod unknown;
#[doc(hidden)]
pub mod validate;
#[doc(hidden)]
pub mod wire;

pub use api::{
    AlipayRequest, AlipayResponse, Echo, ErrorCode, MethodVisitor, PageCall, Rule, SdkCall,
    ServerCall, Violation, Violations,
};
pub use datetime::{DateTime, ParseDateTimeError};
pub use money::{Money, ParseMoneyError};
pub use unknown::UnknownValue;

#[cfg(feature = "client")]
pub use client::{CallOptions, Client, Config, ConfigError, Retry};
#[cfg(feature = "client")]
pub use error::{Error, Outcome, outcome};

/// Re-exports for generated code, so that it depends on this crate alone.
#[doc(hidden)]
pub mod __private {
    pub use crate::generated_support::Listed;
    pub use crate::wire;
    pub use serde;
}

/// Includes the file a build script generated with `alipay_codegen::Builder`
/// (default `alipay_api.rs` in `OUT_DIR`). Use it inside a module:
///
/// ```ignore
/// pub mod alipay {
///     alipay_runtime::include_generated!();
/// }
/// ```
#[macro_export]
macro_rules! include_generated {
    () => {
        include!(concat!(env!("OUT_DIR"), "/alipay_api.rs"));
    };
    ($file:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $file));
    };
}
