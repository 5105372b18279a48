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
}

/// One broken constraint of a request, found before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Where: the field path, e.g. `refund_royalty_parameters[2].trans_in`.
    pub path: String,
    /// What is wrong, in one English sentence.
    pub message: String,
}

impl Violation {
    /// A violation at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Violation {
        Violation {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
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
    fn violations_list_every_entry() {
        let mut v = Violations::new();
        assert_eq!(v.clone().into_result(), Ok(()));
        v.push(Violation::new("remark", "is required"));
        v.push(Violation::new("amount", "must be at least 0.01"));
        assert_eq!(v.len(), 2);
        assert_eq!(
            v.to_string(),
            "the request breaks 2 constraint(s)\n  - remark: is required\n  - amount: must be at least 0.01"
        );
        assert!(v.into_result().is_err());
    }
}
