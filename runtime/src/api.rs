use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A request model (the `biz_content` of one API method), tied to its method
/// name and response type.
///
/// Implemented by the generated request types; a client needs nothing else to
/// send one and parse what comes back.
pub trait AlipayRequest: Serialize {
    /// The gateway method name, e.g. `alipay.fund.coupon.order.refund`.
    const METHOD: &'static str;

    /// The model of the `<method>_response` node.
    type Response: AlipayResponse + DeserializeOwned;

    /// Checks the request against the spec's constraints before anything is
    /// signed or sent. Returns every violation, not just the first.
    fn validate(&self) -> Result<(), Violations> {
        Ok(())
    }

    /// The identifiers this request sent that its response echoes back, each
    /// paired with what `response` carries: the top-level `string` fields the
    /// request and response specs share by name (`out_request_no`,
    /// `out_trade_no`, `trade_no`, …). The client checks them after verifying
    /// the signature, because the signature covers only the response node and
    /// so cannot tell one request's answer from another's.
    fn echoes<'a>(&'a self, response: &'a Self::Response) -> Vec<Echo<'a>> {
        let _ = response;
        Vec::new()
    }
}

/// Something done once per method of a generated crate, with the method's
/// types: the generated `for_each_method` calls [`visit`](Self::visit) with
/// the request type of every method, in method-name order.
///
/// It lets code that must cover every method (tests that follow the specs,
/// a registry, a dispatcher) reach each method's typed request, response and
/// error codes without a hand-written list that a new method would outgrow.
///
/// ```
/// use alipay_runtime::{AlipayRequest, MethodVisitor};
///
/// /// Collects the method names.
/// struct Names(Vec<&'static str>);
///
/// impl MethodVisitor for Names {
///     fn visit<R>(&mut self)
///     where
///         R: AlipayRequest + serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
///         R::Response: Serialize + std::fmt::Debug + Send + 'static,
///     {
///         self.0.push(R::METHOD);
///     }
/// }
/// # use serde::Serialize;
/// ```
pub trait MethodVisitor {
    /// Called once with the request type `R` of each method, unless the
    /// visitor overrides the hook for its kind of call (below). `R`'s
    /// response is `R::Response` and its business error codes are
    /// `<R::Response as AlipayResponse>::ErrorCode`.
    fn visit<R>(&mut self)
    where
        R: AlipayRequest + DeserializeOwned + fmt::Debug + Send + Sync + 'static,
        R::Response: Serialize + fmt::Debug + Send + 'static;

    /// Called for a server call ([`ServerCall`]); calls [`visit`](MethodVisitor::visit)
    /// unless overridden.
    fn visit_server<R>(&mut self)
    where
        R: ServerCall + DeserializeOwned + fmt::Debug + Send + Sync + 'static,
        R::Response: Serialize + fmt::Debug + Send + 'static,
    {
        self.visit::<R>()
    }

    /// Called for a page call ([`PageCall`]); calls [`visit`](MethodVisitor::visit)
    /// unless overridden.
    fn visit_page<R>(&mut self)
    where
        R: PageCall + DeserializeOwned + fmt::Debug + Send + Sync + 'static,
        R::Response: Serialize + fmt::Debug + Send + 'static,
    {
        self.visit::<R>()
    }

    /// Called for an app call ([`SdkCall`]); calls [`visit`](MethodVisitor::visit)
    /// unless overridden.
    fn visit_sdk<R>(&mut self)
    where
        R: SdkCall + DeserializeOwned + fmt::Debug + Send + Sync + 'static,
        R::Response: Serialize + fmt::Debug + Send + 'static,
    {
        self.visit::<R>()
    }
}

/// A method the merchant's server calls (`call: api` in its spec): sent with
/// the client's `execute`.
pub trait ServerCall: AlipayRequest {}

/// A method the buyer's browser submits (`call: page`: `alipay.trade.page.pay`,
/// `alipay.trade.wap.pay`): signed with the client's `page_form` or
/// `page_url`, never sent by the server. Its `Response` is what Alipay
/// returns to `return_url`.
pub trait PageCall: AlipayRequest {}

/// A method the Alipay app SDK submits (`call: sdk`: `alipay.trade.app.pay`):
/// signed as an order string with the client's `sdk_order_string`. Its
/// `Response` is what the app SDK hands back.
pub trait SdkCall: AlipayRequest {}

/// One identifier a request sent and its response may echo; see
/// [`AlipayRequest::echoes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Echo<'a> {
    /// The wire name, e.g. `out_request_no`.
    pub field: &'static str,
    /// What the request sent (`None` when it left the field out).
    pub sent: Option<&'a str>,
    /// What the response carries (`None` when absent).
    pub received: Option<&'a str>,
    /// Whether the response spec marks the field required, so a success that
    /// leaves it out is not an answer to this request.
    pub required: bool,
}

impl<'a> Echo<'a> {
    /// One echoed identifier. For generated code.
    pub fn new(
        field: &'static str,
        sent: Option<&'a str>,
        received: Option<&'a str>,
        required: bool,
    ) -> Echo<'a> {
        Echo {
            field,
            sent,
            received,
            required,
        }
    }
}

/// A response model: the fields of `<method>_response`, with the common
/// `code`/`msg`/`sub_code`/`sub_msg` every response carries.
pub trait AlipayResponse {
    /// The method's business error codes (the `sub_code` of a `40004`).
    type ErrorCode: ErrorCode;

    /// The gateway code: `10000` on success.
    fn code(&self) -> &str;
    /// The gateway message, e.g. `Success` or `Business Failed`.
    fn msg(&self) -> &str;
    /// The business code, present on failures.
    fn sub_code(&self) -> Option<&str>;
    /// The business message, present on failures.
    fn sub_msg(&self) -> Option<&str>;

    /// Whether the gateway reported success (`code` is `10000`).
    fn is_success(&self) -> bool {
        self.code() == "10000"
    }

    /// The business error code, typed; `None` when there is no `sub_code`.
    fn error_code(&self) -> Option<Self::ErrorCode> {
        self.sub_code().map(Self::ErrorCode::from_code)
    }
}

/// A method's business error codes, as an open enum generated from the spec.
pub trait ErrorCode: Sized + Clone + fmt::Debug {
    /// The enum value for a `sub_code`; codes the spec does not list become the
    /// opaque `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The code as Alipay sends it.
    fn as_str(&self) -> &str;
    /// What the code means, from the document (`None` for unknown codes).
    fn meaning(&self) -> Option<&'static str>;
    /// What to do about it, from the document (`None` for unknown codes).
    fn action(&self) -> Option<&'static str>;
    /// Whether the outcome is unknown: neither success nor failure. The caller
    /// must resubmit with the same request number, or query.
    fn is_outcome_unknown(&self) -> bool;
    /// Whether the spec lists the code. A refusal with a code the spec does
    /// not list has no documented meaning, so it cannot promise that no
    /// money moved.
    fn is_listed(&self) -> bool;
}

/// Which constraint a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A required field is absent or empty.
    Required,
    /// None of a group of which at least one is required was given.
    AtLeastOne,
    /// Only some of a group that goes together were given.
    Together,
    /// A value is longer than its maximum length.
    MaxLength,
    /// A value is below its minimum (an amount must be above zero).
    Minimum,
    /// A value is above its maximum.
    Maximum,
    /// A value is not one of the listed values.
    AllowedValues,
}

/// One broken constraint of a request, found before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Where: the field path, e.g. `refund_royalty_parameters[2].trans_in`;
    /// empty for a rule on the request as a whole.
    pub path: String,
    /// Which constraint.
    pub rule: Rule,
    /// The limit, e.g. `64 characters`, `0.01`, or the fields of a rule.
    pub limit: Option<String>,
    /// What was found, e.g. the length.
    pub found: Option<String>,
}

impl Violation {
    /// A violation of `rule` at `path`.
    pub fn with_details(
        path: impl Into<String>,
        rule: Rule,
        limit: Option<String>,
        found: Option<String>,
    ) -> Violation {
        Violation {
            path: path.into(),
            rule,
            limit,
            found,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "the request"
        } else {
            &self.path
        };
        let limit = self.limit.as_deref().unwrap_or("?");
        let found = self.found.as_deref().unwrap_or("?");
        match self.rule {
            Rule::Required => write!(f, "{at}: is required but missing or empty"),
            Rule::AtLeastOne => write!(f, "{at}: at least one of {limit} must be given"),
            Rule::Together => write!(f, "{at}: {limit} go together, give all or none ({found})"),
            Rule::MaxLength => write!(f, "{at}: is {found} long, over the maximum of {limit}"),
            Rule::Minimum => write!(f, "{at}: {found} is below the minimum of {limit}"),
            Rule::Maximum => write!(f, "{at}: {found} is above the maximum of {limit}"),
            Rule::AllowedValues => write!(
                f,
                "{at}: `{found}` is not one of the allowed values ({limit})"
            ),
        }
    }
}

/// Every constraint a request breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// No violations yet.
    pub fn new() -> Violations {
        Violations(Vec::new())
    }
    /// Adds one.
    pub fn push(&mut self, violation: Violation) {
        self.0.push(violation);
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Each one, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
    /// `Ok(())` when empty, otherwise `Err(self)`.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the request breaks {} constraint(s)", self.0.len())?;
        for v in &self.0 {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_list_every_entry_in_one_line_each() {
        let mut v = Violations::new();
        assert_eq!(v.clone().into_result(), Ok(()));
        v.push(Violation::with_details(
            "remark",
            Rule::Required,
            None,
            None,
        ));
        v.push(Violation::with_details(
            "amount",
            Rule::Minimum,
            Some("0.01".into()),
            Some("0.00".into()),
        ));
        v.push(Violation::with_details(
            "",
            Rule::AtLeastOne,
            Some("out_trade_no, trade_no".into()),
            None,
        ));
        v.push(Violation::with_details(
            "goods[1].goods_id",
            Rule::MaxLength,
            Some("32 characters".into()),
            Some("33".into()),
        ));
        assert_eq!(v.len(), 4);
        assert_eq!(
            v.to_string(),
            "the request breaks 4 constraint(s)\n  - remark: is required but missing or empty\n  - amount: 0.00 is below the minimum of 0.01\n  - the request: at least one of out_trade_no, trade_no must be given\n  - goods[1].goods_id: is 33 long, over the maximum of 32 characters"
        );
        assert!(v.into_result().is_err());
    }
}
