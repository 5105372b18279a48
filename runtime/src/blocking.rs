//! A blocking client, for programs without an async runtime.
//!
//! It is the async [`Client`](crate::Client) driven by a private
//! single-threaded tokio runtime, as reqwest's blocking client is, so it
//! behaves exactly as the async one: the same validation, signing,
//! verification, binding to the request, outcomes, retries and tracing.
//! Do not call it from inside an async runtime (tokio refuses to block a
//! runtime thread, and panics): use the async client there.

use crate::api::ServerCall;
use crate::client::{CallOptions, CallResult, Config};
use crate::transport::{ReqwestTransport, Transport};

/// The blocking counterpart of [`crate::Client`].
#[derive(Debug)]
pub struct Client<T = ReqwestTransport> {
    inner: crate::Client<T>,
    runtime: tokio::runtime::Runtime,
}

impl Client<ReqwestTransport> {
    /// A client over reqwest (rustls). Fails only when the operating system
    /// refuses the runtime's resources.
    pub fn new(config: Config) -> std::io::Result<Client<ReqwestTransport>> {
        let runtime = runtime()?;
        // reqwest's client must be built inside the runtime it will run on.
        let inner = runtime.block_on(async { crate::Client::new(config) });
        Ok(Client { inner, runtime })
    }
}

impl<T: Transport> Client<T> {
    /// A client over any transport.
    pub fn with_transport(config: Config, transport: T) -> std::io::Result<Client<T>> {
        Ok(Client {
            inner: crate::Client::with_transport(config, transport),
            runtime: runtime()?,
        })
    }

    /// The transport, e.g. to inspect a test transport.
    pub fn transport(&self) -> &T {
        self.inner.transport()
    }

    /// Sends a request and returns its verified, typed response; see
    /// [`crate::Client::execute`].
    pub fn execute<R: ServerCall>(&self, request: &R) -> CallResult<R> {
        self.runtime.block_on(self.inner.execute(request))
    }

    /// [`execute`](Client::execute) with per-call public parameters.
    pub fn execute_with<R: ServerCall>(&self, request: &R, options: &CallOptions) -> CallResult<R> {
        self.runtime
            .block_on(self.inner.execute_with(request, options))
    }

    /// The async client underneath, for the calls that never block
    /// ([`page_form`](crate::Client::page_form),
    /// [`page_url`](crate::Client::page_url),
    /// [`sdk_order_string`](crate::Client::sdk_order_string)).
    pub fn as_async(&self) -> &crate::Client<T> {
        &self.inner
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
