//! The shared half of every generated open enum and response.
//!
//! A generated enum holds its variants, a table of what the spec says about
//! each ([`Listed`]), a `position` match and a `From<&str>` match. Everything
//! else (`as_str`, `meaning`, `Display`, serde, [`ErrorCode`](crate::ErrorCode))
//! is the same for all of them and comes from the macros here, so thousands of
//! enums do not each carry their own copy.

/// What the spec says about one listed value: the value as sent, what it
/// means and what to do (each `""` where Alipay publishes nothing), and
/// whether the outcome is unknown. Plain literals, so the tables cost little to generate and
/// compile. For generated code only.
#[doc(hidden)]
pub type Listed = (&'static str, &'static str, &'static str, bool);

/// The common impls of a generated open enum `$name`, which must have an
/// `Unknown(UnknownValue)` variant, a `LISTED: &[Listed]` table and a
/// `fn position(&self) -> usize` giving each listed variant's row.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum {
    ($name:ident) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $name::Unknown(value) => value.as_str(),
                    listed => Self::LISTED[listed.position()].0,
                }
            }

            fn listed(&self) -> ::std::option::Option<&'static $crate::__private::Listed> {
                match self {
                    $name::Unknown(_) => ::std::option::Option::None,
                    listed => ::std::option::Option::Some(&Self::LISTED[listed.position()]),
                }
            }

            /// What the value means, from the document; `None` for values the
            /// spec does not list, and for listed error codes whose meaning
            /// Alipay does not publish.
            pub fn meaning(&self) -> ::std::option::Option<&'static str> {
                self.listed().map(|l| l.1).filter(|m| !m.is_empty())
            }
        }

        impl $crate::validate::OpenEnum for $name {
            fn is_listed(&self) -> bool {
                !::std::matches!(self, $name::Unknown(_))
            }
            fn wire(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Clone, equality and hashing go through the wire value: derived,
        // each would be a `match` over every variant, in every enum, which
        // at Alipay's scale is a large share of the crate's compile time
        // (BENCHMARKS.md, issue 13). A listed value never arrives as
        // `Unknown`, so comparing wire values is comparing variants.
        impl ::std::clone::Clone for $name {
            fn clone(&self) -> Self {
                match self {
                    $name::Unknown(value) => $name::Unknown(value.clone()),
                    listed => Self::from(listed.as_str()),
                }
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
    };
}

/// [`__open_enum!`] plus what an error-code enum answers: what to do, whether
/// the outcome is unknown, and the [`ErrorCode`](crate::ErrorCode) trait.
#[doc(hidden)]
#[macro_export]
macro_rules! __error_code {
    ($name:ident) => {
        $crate::__open_enum!($name);

        impl $name {
            /// What to do about it, from the document; `None` where it says
            /// nothing or the code is not listed.
            pub fn action(&self) -> ::std::option::Option<&'static str> {
                self.listed().map(|l| l.2).filter(|a| !a.is_empty())
            }

            /// Whether the outcome is unknown (neither success nor failure):
            /// resubmit with the same request number, or query. `false` for
            /// codes the spec does not list.
            pub fn is_outcome_unknown(&self) -> bool {
                self.listed().is_some_and(|l| l.3)
            }
        }

        impl $crate::ErrorCode for $name {
            fn from_code(code: &str) -> Self {
                Self::from(code)
            }
            fn as_str(&self) -> &str {
                self.as_str()
            }
            fn meaning(&self) -> ::std::option::Option<&'static str> {
                self.meaning()
            }
            fn action(&self) -> ::std::option::Option<&'static str> {
                self.action()
            }
            fn is_outcome_unknown(&self) -> bool {
                self.is_outcome_unknown()
            }
            fn is_listed(&self) -> bool {
                $crate::validate::OpenEnum::is_listed(self)
            }
        }
    };
}

/// `impl AlipayResponse` for a generated response struct `$name` with the
/// optional `code`, `msg`, `sub_code` and `sub_msg` fields, whose business
/// error codes are `$codes`.
#[doc(hidden)]
#[macro_export]
macro_rules! __response {
    ($name:ident, $codes:ident) => {
        impl $crate::AlipayResponse for $name {
            type ErrorCode = $codes;
            fn code(&self) -> &str {
                self.code.as_deref().unwrap_or_default()
            }
            fn msg(&self) -> &str {
                self.msg.as_deref().unwrap_or_default()
            }
            fn sub_code(&self) -> ::std::option::Option<&str> {
                self.sub_code.as_deref()
            }
            fn sub_msg(&self) -> ::std::option::Option<&str> {
                self.sub_msg.as_deref()
            }
        }
    };
}

/// `Deserialize` for a generated struct that implements
/// [`wire::Fields`](crate::wire::Fields).
#[doc(hidden)]
#[macro_export]
macro_rules! __deserialize {
    ($name:ident) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::wire::deserialize(d)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::{ErrorCode, UnknownValue};

    // A hand-written instance of what the generator emits.
    #[derive(Debug)]
    enum Code {
        SystemError,
        Invalid,
        Bare,
        Unknown(UnknownValue),
    }

    impl Code {
        const LISTED: &'static [super::Listed] = &[
            ("SYSTEM_ERROR", "系统繁忙", "用相同的请求号重试", true),
            ("INVALID", "参数有误", "", false),
            ("BARE", "", "", false),
        ];
        fn position(&self) -> usize {
            match self {
                Self::SystemError => 0,
                Self::Invalid => 1,
                Self::Bare => 2,
                Self::Unknown(_) => usize::MAX,
            }
        }
    }

    impl From<&str> for Code {
        fn from(value: &str) -> Self {
            match value {
                "SYSTEM_ERROR" => Self::SystemError,
                "INVALID" => Self::Invalid,
                "BARE" => Self::Bare,
                other => Self::Unknown(UnknownValue::__new(other)),
            }
        }
    }

    crate::__error_code!(Code);

    #[test]
    fn facts_come_from_the_table() {
        assert_eq!(Code::SystemError.as_str(), "SYSTEM_ERROR");
        assert_eq!(Code::SystemError.meaning(), Some("系统繁忙"));
        assert_eq!(Code::SystemError.action(), Some("用相同的请求号重试"));
        assert!(Code::SystemError.is_outcome_unknown());
        assert_eq!(Code::Invalid.action(), None);
        assert!(!Code::Invalid.is_outcome_unknown());
        // Listed, but Alipay publishes neither a meaning nor a fix.
        assert_eq!(
            (
                Code::Bare.as_str(),
                Code::Bare.meaning(),
                Code::Bare.action()
            ),
            ("BARE", None, None)
        );
        assert_eq!(Code::from_code("BARE"), Code::Bare);
        let new = Code::from_code("NEW");
        assert_eq!(
            (new.as_str(), new.meaning(), new.action()),
            ("NEW", None, None)
        );
        assert!(!new.is_outcome_unknown());
        assert!(!ErrorCode::is_listed(&new) && ErrorCode::is_listed(&Code::Invalid));
        assert_eq!(format!("{new:?}"), r#"Unknown("NEW")"#);
        assert_eq!(Code::from(String::from("INVALID")), Code::Invalid);
    }

    #[test]
    fn clone_equality_and_hash_follow_the_variant() {
        use std::collections::HashSet;
        let all = [
            Code::SystemError,
            Code::Invalid,
            Code::Bare,
            Code::from_code("NEW"),
            Code::from_code("OTHER"),
        ];
        for (i, a) in all.iter().enumerate() {
            let copy = a.clone();
            assert_eq!(&copy, a);
            assert_eq!(format!("{copy:?}"), format!("{a:?}"));
            for (j, b) in all.iter().enumerate() {
                assert_eq!(a == b, i == j, "{a:?} == {b:?}");
            }
        }
        assert!(matches!(Code::Invalid.clone(), Code::Invalid));
        let set: HashSet<Code> = all.iter().cloned().chain(all.iter().cloned()).collect();
        assert_eq!(set.len(), all.len());
        assert!(set.contains(&Code::from_code("NEW")));
    }

    #[test]
    fn serde_is_the_wire_string() {
        assert_eq!(
            serde_json::to_string(&Code::Invalid).unwrap(),
            r#""INVALID""#
        );
        let c: Code = serde_json::from_str(r#""SYSTEM_ERROR""#).unwrap();
        assert_eq!(c, Code::SystemError);
        let u: Code = serde_json::from_str(r#""LATER""#).unwrap();
        assert_eq!(u.to_string(), "LATER");
        assert!(serde_json::from_str::<Code>("1").is_err());
    }
}
