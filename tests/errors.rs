//! What errors print and chain: no token or signature in any `Display` or
//! `Debug`, and the cause behind a transport failure reachable through
//! `source()`.

use std::error::Error as StdError;
use std::time::Duration;

use alipay_api::alipay_fund_coupon_order_refund::{
    AlipayFundCouponOrderRefundErrorCode as RefundCode,
    AlipayFundCouponOrderRefundRequest as RefundRequest,
};
use alipay_runtime::error::{GatewayError, ResponseKey, SignatureError};
use alipay_runtime::transport::{Delivery, TransportError};
use alipay_runtime::{CallOptions, Client, Config, Error, Money, Outcome};

const TOKEN: &str = "202512BB4f6a9ba4b5ae4b1e8d1c2e3f4a5b6C99";

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../runtime/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Every error in the chain, starting with `err` itself.
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = vec![err];
    let mut current = err;
    while let Some(next) = current.source() {
        out.push(next);
        current = next;
    }
    out
}

fn assert_no_secrets(shown: &str) {
    for secret in [
        TOKEN,
        "sign=",
        "app_auth_token=",
        "sign_type=",
        "biz_content",
    ] {
        assert!(!shown.contains(secret), "{secret:?} in {shown}");
    }
}

#[tokio::test]
async fn a_transport_failure_names_host_and_path_and_chains_to_its_cause() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = Config::new(
        "2014072300007148",
        &vector("app_private_pkcs8.txt"),
        &vector("alipay_public.txt"),
    )
    .unwrap()
    .gateway(format!("http://127.0.0.1:{port}/gateway.do"))
    .connect_timeout(Duration::from_secs(5));
    let client = Client::new(config);
    let request = RefundRequest::new(
        "2017122810002001950287006752",
        "r1",
        Money::from_fen(1),
        "x",
    );
    let options = CallOptions::new().app_auth_token(TOKEN);
    let err = client.execute_with(&request, &options).await.unwrap_err();

    let Error::Transport(transport) = &err else {
        panic!("{err}")
    };
    assert_eq!(transport.delivery, Delivery::NotSent);
    assert_eq!(err.outcome(), Outcome::Failed);
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        transport.to_string(),
        format!("{transport:?}"),
    ] {
        assert_no_secrets(&shown);
        assert!(
            shown.contains(&format!("127.0.0.1:{port}/gateway.do")),
            "{shown}"
        );
    }
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to 127.0.0.1:{port}/gateway.do (the request did not reach Alipay)"
        )
    );

    // The chain goes from the client's error down to the refused connection.
    let links = chain(&err);
    for link in &links {
        assert_no_secrets(&link.to_string());
        assert_no_secrets(&format!("{link:?}"));
    }
    let io = links
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no I/O error in {links:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    assert_eq!(
        chain(transport).len(),
        links.len(),
        "Error::Transport prints its TransportError's message, so its chain is that error's"
    );
}

#[test]
fn call_options_never_show_the_token() {
    let options = CallOptions::new()
        .app_auth_token(TOKEN)
        .notify_url("https://merchant.example/notify");
    let shown = format!("{options:?}");
    assert_no_secrets(&shown);
    assert!(shown.contains("(redacted)"), "{shown}");
    assert!(shown.contains("https://merchant.example/notify"), "{shown}");
    assert!(format!("{:?}", CallOptions::new()).contains("app_auth_token: None"));
}

#[test]
fn a_custom_transport_error_carries_its_source() {
    let cause = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
    let err = TransportError::new(Delivery::MaybeSent, "sending failed").with_source(cause);
    assert!(!err.timed_out);
    let wrapped: Error<RefundCode> = Error::Transport(err.clone());
    let source = wrapped.source().expect("the transport error's cause");
    assert_eq!(
        source
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind),
        Some(std::io::ErrorKind::ConnectionReset)
    );
    let timeout = TransportError::timeout("no answer");
    assert!(timeout.timed_out && timeout.delivery == Delivery::MaybeSent);
    assert!(timeout.source().is_none());
}

#[test]
fn signature_and_gateway_errors_are_std_errors() {
    let boxed: Box<dyn StdError + Send + Sync> = Box::new(SignatureError::Missing);
    assert_eq!(boxed.to_string(), "the success response is not signed");
    assert!(boxed.source().is_none());
    let gateway = GatewayError::new(
        "40002",
        "Invalid Arguments",
        Some("isv.invalid-signature".into()),
        Some("无效签名".into()),
        false,
        ResponseKey::Method,
    );
    let boxed: Box<dyn StdError + Send + Sync> = Box::new(gateway.clone());
    assert_eq!(
        boxed.to_string(),
        "gateway error 40002 Invalid Arguments: isv.invalid-signature (无效签名) [unsigned, so not trusted: the outcome is unknown; query before deciding]"
    );
    let wrapped: Error<RefundCode> = Error::Gateway(gateway);
    assert_eq!(wrapped.to_string(), boxed.to_string());
}
