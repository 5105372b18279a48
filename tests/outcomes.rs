//! The README's outcome table, row by row: which answer gives which
//! [`Outcome`]. `Failed` promises that no money moved, so it is given only for
//! a request that never left, or for a verified refusal under the method's
//! own key that answers this request. No network: a scripted transport.

use alipay_api::alipay_fund_trans_refund::{
    AlipayFundTransRefundErrorCode as Code, AlipayFundTransRefundRequest as Request,
};
use alipay_runtime::error::{ResponseKey, SignatureError};
use alipay_runtime::transport::{Delivery, TransportError};
use alipay_runtime::{Client, Error, Money, Outcome, outcome};

mod support;
use support::{Scripted, config, gateway_signature, signed_under};

const KEY: &str = "alipay_fund_trans_refund_response";
const ORDER_ID: &str = "20190703110075000006530004756875";

fn request() -> Request {
    Request::new(ORDER_ID, "req-A", "8.88".parse::<Money>().unwrap())
}

/// A success node for the refund numbered `out_request_no`.
fn success(out_request_no: &str) -> String {
    format!(
        r#"{{"code":"10000","msg":"Success","refund_order_id":"2088000000300210312","order_id":"{ORDER_ID}","out_request_no":"{out_request_no}","status":"SUCCESS","refund_amount":"8.88","refund_date":"2019-01-01 08:08:08"}}"#
    )
}

/// A 40004 refusal with `sub_code`, echoing `extra` members (`""` for none).
fn refusal(sub_code: &str, extra: &str) -> String {
    format!(
        r#"{{"code":"40004","msg":"Business Failed","sub_code":"{sub_code}","sub_msg":"…"{extra}}}"#
    )
}

fn signed(node: &str) -> String {
    signed_under(KEY, node)
}

fn unsigned(key: &str, node: &str) -> String {
    format!(r#"{{"{key}":{node}}}"#)
}

fn transport_error(delivery: Delivery) -> TransportError {
    match delivery {
        Delivery::NotSent => TransportError::new(delivery, "scripted: connection refused"),
        Delivery::MaybeSent => TransportError::timeout("scripted: no answer"),
    }
}

type Reply = Result<(u16, String), TransportError>;
type Check = fn(&Error<Code>) -> bool;

/// One row of the table: what came back, the outcome, and which error.
struct Row {
    answer: &'static str,
    reply: Reply,
    outcome: Outcome,
    error: Option<Check>,
}

fn row(answer: &'static str, reply: Reply, outcome: Outcome, error: Option<Check>) -> Row {
    Row {
        answer,
        reply,
        outcome,
        error,
    }
}

fn table() -> Vec<Row> {
    use Outcome::{Failed, Succeeded, Unknown};
    let ok = |body: String| Ok((200, body));
    let moved_to_error_response = |node: &str| {
        format!(
            r#"{{"error_response":{node},"sign":"{}"}}"#,
            gateway_signature(node)
        )
    };
    let tampered = signed(&success("req-A")).replace(r#""8.88""#, r#""0.01""#);
    let another_methods_success = r#"{"code":"10000","msg":"Success","auth_no":"2017122810002001950287006752","out_request_no":"req-A","amount":"8.88","status":"SUCCESS"}"#;
    vec![
        // Never sent.
        row(
            "transport: never sent (connection refused, DNS, TLS)",
            Err(transport_error(Delivery::NotSent)),
            Failed,
            Some(|e| matches!(e, Error::Transport(_))),
        ),
        // Sent, but nothing came back that can be trusted.
        row(
            "transport: may have been sent (timeout, dropped connection)",
            Err(transport_error(Delivery::MaybeSent)),
            Unknown,
            Some(|e| matches!(e, Error::Transport(_))),
        ),
        row(
            "HTTP 4xx",
            Ok((404, "<html>Not Found</html>".into())),
            Unknown,
            Some(|e| matches!(e, Error::HttpStatus { status: 404, .. })),
        ),
        row(
            "HTTP 5xx",
            Ok((502, "<html>Bad Gateway</html>".into())),
            Unknown,
            Some(|e| matches!(e, Error::HttpStatus { status: 502, .. })),
        ),
        row(
            "body not JSON",
            ok("<html>busy</html>".into()),
            Unknown,
            Some(|e| matches!(e, Error::Decode { .. })),
        ),
        row(
            "signature does not verify",
            ok(tampered),
            Unknown,
            Some(|e| matches!(e, Error::Signature(SignatureError::Mismatch))),
        ),
        row(
            "unsigned success under the method's key",
            ok(unsigned(KEY, &success("req-A"))),
            Unknown,
            Some(|e| matches!(e, Error::Signature(SignatureError::Missing))),
        ),
        row(
            "unsigned refusal under the method's key",
            ok(unsigned(
                KEY,
                r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}"#,
            )),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if !g.verified)),
        ),
        row(
            "unsigned error_response 40002",
            ok(unsigned(
                "error_response",
                r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}"#,
            )),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if g.key == ResponseKey::ErrorResponse)),
        ),
        row(
            "unsigned error_response 10000",
            ok(unsigned(
                "error_response",
                r#"{"code":"10000","msg":"Success"}"#,
            )),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if g.key == ResponseKey::ErrorResponse)),
        ),
        row(
            "a signed success moved under error_response",
            ok(moved_to_error_response(&success("req-A"))),
            Unknown,
            Some(
                |e| matches!(e, Error::Gateway(g) if g.verified && g.key == ResponseKey::ErrorResponse),
            ),
        ),
        row(
            "a signed 40004 moved under error_response",
            ok(moved_to_error_response(&refusal(
                "REFUND_MONEY_NOT_ENOUGH",
                "",
            ))),
            Unknown,
            Some(
                |e| matches!(e, Error::Gateway(g) if g.verified && g.key == ResponseKey::ErrorResponse),
            ),
        ),
        row(
            "a signed node with no code ({})",
            ok(signed("{}")),
            Unknown,
            Some(
                |e| matches!(e, Error::Decode { message, .. } if message.contains("no gateway code")),
            ),
        ),
        // Verified, under the method's own key.
        row(
            "verified success echoing this request",
            ok(signed(&success("req-A"))),
            Succeeded,
            None,
        ),
        row(
            "verified success echoing another request (a replay)",
            ok(signed(&success("req-B"))),
            Unknown,
            Some(
                |e| matches!(e, Error::Mismatch(m) if m.field == "out_request_no" && m.sent == "req-A" && m.received.as_deref() == Some("req-B")),
            ),
        ),
        row(
            "verified success of another method (lacks a required identifier)",
            ok(signed(another_methods_success)),
            Unknown,
            Some(
                |e| matches!(e, Error::Mismatch(m) if m.field == "order_id" && m.received.is_none()),
            ),
        ),
        row(
            "verified 20000 isp.unknow-error",
            ok(signed(
                r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error"}"#,
            )),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if g.verified)),
        ),
        row(
            "verified 10003 (a payment waiting for the buyer)",
            ok(signed(
                r#"{"code":"10003","msg":"order success pay inprocess"}"#,
            )),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if g.verified && !g.is_trusted_refusal())),
        ),
        row(
            "verified code the gateway does not document",
            ok(signed(r#"{"code":"30000","msg":"Something New"}"#)),
            Unknown,
            Some(|e| matches!(e, Error::Gateway(g) if g.verified)),
        ),
        row(
            "verified 40004 whose code the spec marks outcome-unknown",
            ok(signed(&refusal("SYSTEM_ERROR", ""))),
            Unknown,
            Some(|e| {
                matches!(
                    e,
                    Error::Business {
                        code: Code::SystemError,
                        ..
                    }
                )
            }),
        ),
        row(
            "verified 40004 with a code the spec does not list",
            ok(signed(&refusal("SOMETHING_NEW", ""))),
            Unknown,
            Some(|e| matches!(e, Error::Business { code, .. } if code.as_str() == "SOMETHING_NEW")),
        ),
        row(
            "verified listed refusal echoing another request",
            ok(signed(&refusal(
                "REFUND_MONEY_NOT_ENOUGH",
                r#","out_request_no":"req-B""#,
            ))),
            Unknown,
            Some(|e| matches!(e, Error::Mismatch(m) if m.received.as_deref() == Some("req-B"))),
        ),
        row(
            "verified listed refusal echoing this request",
            ok(signed(&refusal(
                "REFUND_MONEY_NOT_ENOUGH",
                r#","order_id":"20190703110075000006530004756875","out_request_no":"req-A""#,
            ))),
            Failed,
            Some(|e| {
                matches!(
                    e,
                    Error::Business {
                        code: Code::RefundMoneyNotEnough,
                        ..
                    }
                )
            }),
        ),
        row(
            "verified listed refusal carrying no identifier (the residual case)",
            ok(signed(&refusal("REFUND_MONEY_NOT_ENOUGH", ""))),
            Failed,
            Some(|e| {
                matches!(
                    e,
                    Error::Business {
                        code: Code::RefundMoneyNotEnough,
                        ..
                    }
                )
            }),
        ),
        row(
            "verified gateway refusal (40006)",
            ok(signed(
                r#"{"code":"40006","msg":"Insufficient Permissions","sub_code":"isv.insufficient-isv-permissions"}"#,
            )),
            Failed,
            Some(|e| matches!(e, Error::Gateway(g) if g.is_trusted_refusal())),
        ),
    ]
}

#[tokio::test]
async fn every_answer_gets_the_outcome_the_readme_table_gives() {
    let mut wrong = Vec::new();
    for row in table() {
        let client = Client::with_transport(config(), Scripted::new(vec![row.reply]));
        let result = client.execute(&request()).await;
        let got = outcome(&result);
        let error_ok = match (&result, row.error) {
            (Ok(_), None) => true,
            (Err(e), Some(check)) => check(e),
            _ => false,
        };
        if got != row.outcome || !error_ok {
            wrong.push(format!(
                "{}: expected {:?}, got {got:?} from {:?}",
                row.answer,
                row.outcome,
                result.as_ref().err().map(ToString::to_string)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn an_invalid_request_is_failed_and_never_sent() {
    let client = Client::with_transport(config(), Scripted::new(vec![]));
    let invalid = Request::new("", "req-A", Money::from_fen(1));
    let err = client.execute(&invalid).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert_eq!(err.outcome(), Outcome::Failed);
    assert!(client.transport().seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_mismatch_names_the_field_both_values_and_what_to_do() {
    let client = Client::with_transport(
        config(),
        Scripted::new(vec![Ok((200, signed(&success("req-B"))))]),
    );
    let message = client.execute(&request()).await.unwrap_err().to_string();
    for part in [
        "alipay.fund.trans.refund",
        "out_request_no",
        "`req-B`",
        "`req-A`",
        "outcome is unknown",
        "query",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
}

#[tokio::test]
async fn the_table_covers_every_outcome_the_client_can_give() {
    let outcomes: Vec<Outcome> = table().iter().map(|r| r.outcome).collect();
    for o in [Outcome::Succeeded, Outcome::Failed, Outcome::Unknown] {
        assert!(outcomes.contains(&o), "{o:?}");
    }
}

/// The blocking client is the async one on a private runtime: every row of
/// the table gives the same outcome through it.
#[test]
fn the_blocking_client_gives_every_row_the_same_outcome() {
    let mut wrong = Vec::new();
    for row in table() {
        let client = alipay_runtime::blocking::Client::with_transport(
            config(),
            Scripted::new(vec![row.reply]),
        )
        .unwrap();
        let result = client.execute(&request());
        if outcome(&result) != row.outcome {
            wrong.push(format!("{}: got {:?}", row.answer, outcome(&result)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_blocking_client_resends_the_same_request_when_told_to() {
    let client = alipay_runtime::blocking::Client::with_transport(
        config().retry(alipay_runtime::Retry {
            max_resends: 1,
            backoff: std::time::Duration::from_millis(1),
        }),
        Scripted::new(vec![
            Err(transport_error(Delivery::MaybeSent)),
            Ok((200, signed(&success("req-A")))),
        ]),
    )
    .unwrap();
    assert!(client.execute(&request()).is_ok());
    let transport = client.transport();
    assert_eq!(
        transport.params(0)["biz_content"],
        transport.params(1)["biz_content"]
    );
}
