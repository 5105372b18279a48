//! Calls that are not sent by the merchant's server: the page a buyer's
//! browser submits (`alipay.trade.page.pay`, `alipay.trade.wap.pay`) and the
//! order string the Alipay app SDK takes (`alipay.trade.app.pay`). The
//! official SDKs call these `pageExecute` and `sdkExecute`.
//!
//! Each one is signed exactly as a server call is (the same sign content,
//! the same key), then handed over in the shape Alipay's Java SDK gives it
//! (alipay-sdk-java 4.39, `AbstractAlipayClient.pageExecute` / `sdkExecute`
//! and `WebUtils.buildForm` / `buildQuery`):
//!
//! - **form** (`pageExecute(request, "POST")`, what Alipay recommends): an
//!   auto-submitting HTML form whose `action` is the gateway URL with the
//!   system parameters and `sign` in its query, and whose hidden inputs carry
//!   `biz_content` (and `app_auth_token`);
//! - **URL** (`pageExecute(request, "GET")`): the gateway URL with every
//!   parameter, sorted, in its query;
//! - **order string** (`sdkExecute`): every parameter, sorted, as a query
//!   string without the URL.
//!
//! Query values are encoded as `application/x-www-form-urlencoded`, as Java's
//! `URLEncoder` does (space as `+`). Attribute values in the form escape `&`
//! as `&amp;` and `"` as `&quot;`; Java escapes only `"`, which corrupts a
//! value containing a character reference such as `&lt;`: the browser would
//! submit `<` and the signature would no longer match. For values without
//! `&`, the form is byte for byte Java's. The parameters are sorted where
//! Java follows a hash map's order.
//!
//! Every one of them validates the request first, like a server call.

use crate::api::{AlipayRequest, AlipayResponse, PageCall, SdkCall};
use crate::client::{CallOptions, Client};
use crate::datetime::DateTime;
use crate::error::Error;

/// The business error codes of request type `R`.
type Code<R> = <<R as AlipayRequest>::Response as AlipayResponse>::ErrorCode;
type PageResult<R> = Result<String, Error<Code<R>>>;

impl<T> Client<T> {
    /// The auto-submitting HTML form for a page call (`alipay.trade.page.pay`,
    /// `alipay.trade.wap.pay`): render it in the buyer's browser, which posts
    /// it to Alipay. Give `return_url` and `notify_url` in `options`.
    pub fn page_form<R: PageCall>(&self, request: &R, options: &CallOptions) -> PageResult<R> {
        let biz_content = self.biz_content(request)?;
        let mut system = self.system_params(R::METHOD, &biz_content, options, DateTime::now());
        // The token travels as an application parameter, as in Java's form.
        let token = take(&mut system, "app_auth_token");
        system.sort_by(|a, b| a.0.cmp(b.0));
        let action = format!(
            "{}{}{}",
            self.config.gateway_url(),
            separator(self.config.gateway_url()),
            query(system.iter().map(|(k, v)| (*k, v.as_str())))
        );
        let mut hidden: Vec<(&str, &str)> = vec![("biz_content", &biz_content)];
        if let Some(token) = &token {
            hidden.push(("app_auth_token", token));
        }
        hidden.sort_by(|a, b| a.0.cmp(b.0));
        let mut form = format!(
            "<form name=\"punchout_form\" method=\"post\" action=\"{}\">\n",
            attribute(&action)
        );
        for (name, value) in hidden {
            form.push_str(&format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                attribute(value)
            ));
        }
        form.push_str("<input type=\"submit\" value=\"立即支付\" style=\"display:none\" >\n");
        form.push_str("</form>\n");
        form.push_str("<script>document.forms[0].submit();</script>");
        Ok(form)
    }

    /// The URL for a page call: redirect the buyer's browser to it. Alipay
    /// recommends the form ([`page_form`](Client::page_form)): a URL carries
    /// the whole `biz_content` and can grow past what browsers accept.
    pub fn page_url<R: PageCall>(&self, request: &R, options: &CallOptions) -> PageResult<R> {
        let gateway = self.config.gateway_url();
        let all = self.all_params(request, options)?;
        Ok(format!(
            "{gateway}{}{}",
            separator(gateway),
            query(all.iter().map(|(k, v)| (*k, v.as_str())))
        ))
    }

    /// The signed order string for an app call (`alipay.trade.app.pay`):
    /// hand it to the app, which passes it to the Alipay app SDK.
    pub fn sdk_order_string<R: SdkCall>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> PageResult<R> {
        let all = self.all_params(request, options)?;
        Ok(query(all.iter().map(|(k, v)| (*k, v.as_str()))))
    }

    /// Every parameter of a call, `biz_content` and `sign` included, sorted.
    fn all_params<R: AlipayRequest>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<Vec<(&'static str, String)>, Error<Code<R>>> {
        let biz_content = self.biz_content(request)?;
        let mut all = self.system_params(R::METHOD, &biz_content, options, DateTime::now());
        all.push(("biz_content", biz_content));
        all.sort_by(|a, b| a.0.cmp(b.0));
        Ok(all)
    }
}

/// Removes and returns the parameter `name`.
fn take(params: &mut Vec<(&'static str, String)>, name: &str) -> Option<String> {
    let at = params.iter().position(|(k, _)| *k == name)?;
    Some(params.remove(at).1)
}

fn separator(url: &str) -> char {
    if url.contains('?') { '&' } else { '?' }
}

/// `k=v&…`, values URL-encoded as Java's `URLEncoder` encodes them.
fn query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A value for a double-quoted HTML attribute: the browser decodes it back
/// to exactly `value`.
fn attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_decode_back_to_the_value() {
        assert_eq!(attribute("plain"), "plain");
        assert_eq!(
            attribute(r#"{"subject":"A&lt;B"}"#),
            "{&quot;subject&quot;:&quot;A&amp;lt;B&quot;}"
        );
    }

    #[test]
    fn queries_encode_as_java_url_encoder() {
        assert_eq!(
            query([("a", "x y+z*-._~/中")]),
            "a=x+y%2Bz*-._%7E%2F%E4%B8%AD"
        );
    }
}
