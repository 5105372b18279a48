use std::fmt;

/// The value behind an enum's `Unknown` variant: a code or status Alipay sent
/// that the specs did not list when the crate was generated.
///
/// It is deliberately opaque. Read it with [`as_str`](UnknownValue::as_str) on
/// the enum rather than matching on `Unknown`: code written as
/// `s if s.as_str() == "NEW_STATUS"` keeps working once `NEW_STATUS` becomes a
/// real variant, whereas a match on the unknown payload would silently stop
/// matching.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// For generated code only: wraps a value that matched no known variant.
    #[doc(hidden)]
    pub fn __new(value: &str) -> UnknownValue {
        UnknownValue(value.into())
    }

    /// The value as Alipay sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
