//! Page and app calls (`pageExecute` / `sdkExecute`) against independent
//! oracles: the signature is the one openssl made over the sign content
//! (`runtime/tests/vectors/content_page.txt`), and the form, URL and order
//! string are rebuilt here the way Alipay's Java SDK builds them
//! (alipay-sdk-java 4.39, `AbstractAlipayClient.pageExecute` / `sdkExecute`,
//! `WebUtils.buildForm` / `buildQuery` with `java.net.URLEncoder`).

use alipay_runtime::{CallOptions, Client, DateTime, Error};
use serde::Serialize;

mod support;
use support::{Scripted, config, vector};

const GATEWAY: &str = "https://openapi.alipay.com/gateway.do";

/// A `alipay.trade.page.pay` biz_content, hand-written so that its JSON is
/// exactly the vector's.
#[derive(Serialize)]
struct PagePay {
    out_trade_no: &'static str,
    total_amount: &'static str,
    subject: &'static str,
    product_code: &'static str,
}

impl alipay_runtime::AlipayRequest for PagePay {
    const METHOD: &'static str = "alipay.trade.page.pay";
    // Any response type: page calls never read one.
    type Response = alipay_api::alipay_fund_trans_refund::AlipayFundTransRefundResponse;
    fn validate(&self) -> Result<(), alipay_runtime::Violations> {
        let mut out = alipay_runtime::Violations::new();
        if self.out_trade_no.is_empty() {
            out.push(alipay_runtime::Violation::with_details(
                "out_trade_no",
                alipay_runtime::Rule::Required,
                None,
                None,
            ));
        }
        out.into_result()
    }
}

// The test type stands for both kinds, to drive every helper.
impl alipay_runtime::PageCall for PagePay {}
impl alipay_runtime::SdkCall for PagePay {}

fn request() -> PagePay {
    PagePay {
        out_trade_no: "20150320010101001",
        total_amount: "88.88",
        subject: r#"Iphone6 16G & "蓝色" A&lt;B"#,
        product_code: "FAST_INSTANT_TRADE_PAY",
    }
}

fn options() -> CallOptions {
    CallOptions::new()
        .notify_url("https://merchant.example/notify?a=1&b=2")
        .return_url("https://merchant.example/return")
        .timestamp("2014-07-24 03:07:50".parse::<DateTime>().unwrap())
}

fn client() -> Client<Scripted> {
    Client::with_transport(config(), Scripted::new(vec![]))
}

/// `java.net.URLEncoder.encode(value, "UTF-8")`: letters, digits and `.-*_`
/// stay, space becomes `+`, every other byte `%XX` in upper case.
fn java_url_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `WebUtils.buildQuery` over `params` in the given order.
fn java_query(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", java_url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The parameters of the vector: the sign content's, plus `sign`, sorted.
fn signed_params() -> Vec<(String, String)> {
    let content = vector("content_page.txt");
    // The content is `k=v&…` with raw values; split on the known keys.
    let keys = [
        "app_id",
        "biz_content",
        "charset",
        "format",
        "method",
        "notify_url",
        "return_url",
        "sign_type",
        "timestamp",
        "version",
    ];
    let mut params = Vec::new();
    let mut rest = content.as_str();
    for (i, key) in keys.iter().enumerate() {
        rest = rest.strip_prefix(&format!("{key}=")).unwrap();
        let end = match keys.get(i + 1) {
            Some(next) => rest.find(&format!("&{next}=")).unwrap(),
            None => rest.len(),
        };
        params.push((key.to_string(), rest[..end].to_owned()));
        rest = rest[end..].trim_start_matches('&');
    }
    params.push(("sign".into(), vector("sig_page_rsa2_app.txt")));
    params.sort();
    params
}

fn refs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn the_order_string_is_the_sorted_encoded_query_with_openssls_signature() {
    let got = client().sdk_order_string(&request(), &options()).unwrap();
    assert_eq!(got, java_query(&refs(&signed_params())));
}

#[test]
fn the_page_url_is_the_gateway_with_every_parameter_sorted() {
    let got = client().page_url(&request(), &options()).unwrap();
    assert_eq!(
        got,
        format!("{GATEWAY}?{}", java_query(&refs(&signed_params())))
    );
}

#[test]
fn the_page_form_is_javas_with_system_parameters_in_the_action() {
    let params = signed_params();
    let system: Vec<(&str, &str)> = refs(&params)
        .into_iter()
        .filter(|(k, _)| *k != "biz_content")
        .collect();
    let biz_content = &params.iter().find(|(k, _)| k == "biz_content").unwrap().1;
    let escape = |v: &str| v.replace('&', "&amp;").replace('"', "&quot;");
    let expected = format!(
        "<form name=\"punchout_form\" method=\"post\" action=\"{}\">\n\
         <input type=\"hidden\" name=\"biz_content\" value=\"{}\">\n\
         <input type=\"submit\" value=\"立即支付\" style=\"display:none\" >\n\
         </form>\n\
         <script>document.forms[0].submit();</script>",
        escape(&format!("{GATEWAY}?{}", java_query(&system))),
        escape(biz_content),
    );
    assert_eq!(
        client().page_form(&request(), &options()).unwrap(),
        expected
    );
}

#[test]
fn an_isv_token_is_a_hidden_field_and_signed() {
    let options = options().app_auth_token("201510BBaabdb44d8fd04607abf8d5931ec75D84");
    let form = client().page_form(&request(), &options).unwrap();
    assert!(form.contains(
        "<input type=\"hidden\" name=\"app_auth_token\" value=\"201510BBaabdb44d8fd04607abf8d5931ec75D84\">\n<input type=\"hidden\" name=\"biz_content\""
    ));
    let action = form.split("action=\"").nth(1).unwrap();
    assert!(!action.split('"').next().unwrap().contains("app_auth_token"));
    // Signed with the token: a different signature from the vector's.
    let sign_of = |s: &str| {
        s.split("sign=")
            .nth(1)
            .unwrap()
            .split("&amp;")
            .next()
            .unwrap()
            .to_owned()
    };
    let without = client().page_form(&request(), &self::options()).unwrap();
    assert_ne!(sign_of(&form), sign_of(&without));
}

#[test]
fn invalid_requests_are_refused_before_signing() {
    let mut invalid = request();
    invalid.out_trade_no = "";
    for result in [
        client().page_form(&invalid, &options()),
        client().page_url(&invalid, &options()),
        client().sdk_order_string(&invalid, &options()),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(v) if v.iter().any(|v| v.path == "out_trade_no")),
            "{err}"
        );
    }
}
