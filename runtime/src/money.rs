use std::fmt;
use std::str::FromStr;

/// An amount of money in yuan, held exactly as a whole number of fen (cents).
///
/// Alipay's `Price` type is a decimal string with at most two decimals, e.g.
/// `"8.88"`. `Money` can only hold such values: it is never a float, it cannot
/// be negative, and it always serializes with exactly two decimals.
///
/// ```
/// use alipay_runtime::Money;
///
/// let amount: Money = "8.8".parse().unwrap();
/// assert_eq!(amount.fen(), 880);
/// assert_eq!(amount.to_string(), "8.80");
/// assert!("8.888".parse::<Money>().is_err());
/// ```
///
/// Accepted text: `0` or a number without leading zeros, optionally followed by
/// `.` and one or two digits (`"0.01"`, `"10"`, `"10.5"`, `"100000000.00"`).
/// Rejected: signs, exponents, whitespace, leading zeros (`"01.00"`), a bare
/// or trailing point (`".5"`, `"5."`), more than two decimals, non-ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    fen: u64,
}

/// Why an amount above `u64::MAX` fen (184467440737095516.15 yuan) is refused.
const TOO_LARGE: &str = "too large: the largest amount is 184467440737095516.15";

/// JSON numbers with a fraction are read through `f64` only below this many
/// yuan (2^46); see [`MoneyVisitor::visit_f64`].
const F64_EXACT_LIMIT: f64 = 70_368_744_177_664.0;

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money { fen: 0 };

    /// An amount of `fen` hundredths of a yuan: `Money::from_fen(888)` is 8.88.
    pub const fn from_fen(fen: u64) -> Money {
        Money { fen }
    }

    /// A whole number of yuan, or `None` if it does not fit.
    pub const fn from_yuan(yuan: u64) -> Option<Money> {
        match yuan.checked_mul(100) {
            Some(fen) => Some(Money { fen }),
            None => None,
        }
    }

    /// The amount in fen (hundredths of a yuan).
    pub const fn fen(self) -> u64 {
        self.fen
    }

    /// The sum, or `None` on overflow.
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.fen.checked_add(other.fen) {
            Some(fen) => Some(Money { fen }),
            None => None,
        }
    }

    /// The difference, or `None` if `other` is larger.
    pub const fn checked_sub(self, other: Money) -> Option<Money> {
        match self.fen.checked_sub(other.fen) {
            Some(fen) => Some(Money { fen }),
            None => None,
        }
    }
}

/// Why a text is not a [`Money`] amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseMoneyError {
    input: String,
    reason: &'static str,
}

impl ParseMoneyError {
    fn new(input: &str, reason: &'static str) -> Self {
        ParseMoneyError {
            input: input.to_owned(),
            reason,
        }
    }

    /// What is wrong with the text, in English.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ParseMoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an amount in yuan: {} (expected e.g. `8.88`: digits, no leading zeros, at most two decimals)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ParseMoneyError {}

impl FromStr for Money {
    type Err = ParseMoneyError;

    fn from_str(s: &str) -> Result<Money, ParseMoneyError> {
        let err = |reason| Err(ParseMoneyError::new(s, reason));
        let (int, frac) = match s.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (s, None),
        };
        if int.is_empty() {
            return err("no digits before the decimal point");
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) {
            return err("only the ASCII digits 0-9 and one `.` are allowed");
        }
        if int.len() > 1 && int.starts_with('0') {
            return err("leading zeros are not allowed");
        }
        let mut cents = 0;
        if let Some(frac) = frac {
            if frac.is_empty() {
                return err("no digits after the decimal point");
            }
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return err("only the ASCII digits 0-9 and one `.` are allowed");
            }
            if frac.len() > 2 {
                return err("more than two decimals");
            }
            let digit = |i: usize| frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
            cents = digit(0) * 10 + digit(1);
        }
        // Checked all the way, so the bound is exactly u64::MAX fen: the
        // largest integer part, 184467440737095516, takes at most 15 fen.
        let fen = int
            .bytes()
            .try_fold(0u64, |acc, b| {
                acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
            })
            .and_then(|yuan| yuan.checked_mul(100))
            .and_then(|fen| fen.checked_add(cents));
        match fen {
            Some(fen) => Ok(Money { fen }),
            None => err(TOO_LARGE),
        }
    }
}

impl TryFrom<&str> for Money {
    type Error = ParseMoneyError;

    fn try_from(s: &str) -> Result<Money, ParseMoneyError> {
        s.parse()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.fen / 100, self.fen % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        deserializer.deserialize_any(MoneyVisitor)
    }
}

struct MoneyVisitor;

impl serde::de::Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount in yuan such as \"8.88\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
        v.parse().map_err(E::custom)
    }

    // Some of Alipay's own samples send amounts as JSON numbers. An integer
    // arrives as u64 (or i64) and is exact.
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
        Money::from_yuan(v).ok_or_else(|| E::custom(format!("{v} yuan is {TOO_LARGE}")))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(format!("{v} is negative; amounts cannot be")))
            .and_then(|v| self.visit_u64(v))
    }

    /// A JSON number with a fraction or an exponent. serde_json hands it over
    /// as the nearest `f64` and its text is gone (only its
    /// `arbitrary_precision` feature keeps it, and that would change number
    /// handling for every crate in the user's build), so the amount is
    /// recovered from the `f64`, where that is exact, and refused elsewhere.
    ///
    /// Why that is exact below 2^46 yuan: there doubles are at most 2^-7
    /// apart, so the nearest double `x` to a text `d` with at most two
    /// decimals is within 2^-8 < 0.005 of it, and so is every decimal that
    /// rounds to `x`. No other value with two decimals is that close to `d`,
    /// so any other decimal rounding to `x` has a non-zero digit past the
    /// hundredths, and more significant digits than `d` (it cannot start a
    /// place higher; it starts a place lower only when `d` is a power of ten,
    /// one digit). `{}` prints the shortest decimal that rounds to an `f64`,
    /// so it prints `d`. serde_json rounds to the nearest double here even
    /// without its `float_roundtrip` feature: `d`'s digits (below 2^53)
    /// convert exactly and one division by 10 or 100 rounds correctly. The
    /// property tests in `tests/money.rs` check it across the range.
    ///
    /// From 2^46 on, doubles are 2^-6 or more apart and the cents are lost:
    /// `4864201994246235.41` arrives as `4864201994246236.0` (doubles are 1
    /// apart there). Such numbers are refused rather than read as another amount.
    /// (A text whose extra decimals are finer than a double can tell, such as
    /// `8.8800000000000000001`, cannot be told from `8.88` and reads as it.)
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
        if v.is_sign_negative() {
            return Err(E::custom(format!("{v} is negative; amounts cannot be")));
        }
        if !v.is_finite() || v >= F64_EXACT_LIMIT {
            return Err(E::custom(format!(
                "the JSON number {v} cannot be read exactly: numbers with a fraction are exact \
                 only below 70368744177664 yuan (2^46); send the amount as a JSON string, \
                 e.g. \"4864201994246235.41\""
            )));
        }
        self.visit_str(&v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_amounts() {
        for (text, fen) in [
            ("0", 0),
            ("0.00", 0),
            ("0.01", 1),
            ("8.88", 888),
            ("8.8", 880),
            ("10", 1000),
            ("100000000.00", 10_000_000_000),
        ] {
            assert_eq!(text.parse::<Money>().unwrap().fen(), fen, "{text}");
        }
    }

    #[test]
    fn rejects_non_amounts_with_a_reason() {
        for (text, reason) in [
            ("", "no digits before the decimal point"),
            (".5", "no digits before the decimal point"),
            ("5.", "no digits after the decimal point"),
            ("0.001", "more than two decimals"),
            ("01.00", "leading zeros are not allowed"),
            ("-1", "only the ASCII digits 0-9 and one `.` are allowed"),
            ("1e2", "only the ASCII digits 0-9 and one `.` are allowed"),
            (" 1.00", "only the ASCII digits 0-9 and one `.` are allowed"),
            ("１.00", "only the ASCII digits 0-9 and one `.` are allowed"),
            ("1.0.0", "only the ASCII digits 0-9 and one `.` are allowed"),
            ("184467440737095516.16", TOO_LARGE),
            ("184467440737095516.2", TOO_LARGE),
            ("184467440737095517", TOO_LARGE),
            ("1844674407370955160", TOO_LARGE),
            ("99999999999999999999999999999999", TOO_LARGE),
        ] {
            let err = text.parse::<Money>().unwrap_err();
            assert_eq!(err.reason(), reason, "{text:?}");
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn displays_and_serializes_with_two_decimals() {
        let m = Money::from_fen(880);
        assert_eq!(m.to_string(), "8.80");
        assert_eq!(format!("{m:?}"), "Money(8.80)");
        assert_eq!(serde_json::to_string(&m).unwrap(), r#""8.80""#);
        assert_eq!(
            serde_json::to_string(&Money::from_fen(5)).unwrap(),
            r#""0.05""#
        );
    }

    #[test]
    fn deserializes_strings_and_numbers() {
        let from = |json: &str| serde_json::from_str::<Money>(json);
        assert_eq!(from(r#""8.88""#).unwrap().fen(), 888);
        assert_eq!(from("8.88").unwrap().fen(), 888);
        assert_eq!(from("0.1").unwrap().fen(), 10);
        assert_eq!(from("12").unwrap().fen(), 1200);
        assert!(
            from("8.888")
                .unwrap_err()
                .to_string()
                .contains("more than two decimals")
        );
        assert!(from("-3").unwrap_err().to_string().contains("negative"));
        assert!(from(r#""abc""#).is_err());
        assert!(from("true").is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_fen(150);
        let b = Money::from_fen(100);
        assert_eq!(a.checked_sub(b), Some(Money::from_fen(50)));
        assert_eq!(b.checked_sub(a), None);
        assert_eq!(a.checked_add(b), Some(Money::from_fen(250)));
        assert_eq!(Money::from_fen(u64::MAX).checked_add(b), None);
        assert_eq!(Money::from_yuan(3), Some(Money::from_fen(300)));
        assert_eq!(Money::from_yuan(u64::MAX), None);
    }
}
