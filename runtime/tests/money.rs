//! Money's text forms: `Display` parses back for every value, and a JSON
//! number is read exactly or refused, never read as another amount.

use alipay_runtime::Money;
use proptest::prelude::*;
use serde::Deserialize as _;
use serde::de::value::{Error as ValueError, F64Deserializer};

/// 2^46 yuan in fen: JSON numbers with a fraction are read below it.
const LIMIT_FEN: u64 = (1 << 46) * 100;

/// `fen` as a JSON number with two decimals, e.g. `8.80`.
fn json_number(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn from_json(json: &str) -> Result<Money, serde_json::Error> {
    serde_json::from_str(json)
}

/// The visitor alone, given the double nearest to `fen / 100` (what any
/// correctly rounding parser hands over).
fn from_nearest_f64(fen: u64) -> Result<Money, ValueError> {
    // fen < 2^53 converts exactly; one division rounds correctly.
    Money::deserialize(F64Deserializer::<ValueError>::new(fen as f64 / 100.0))
}

fn assert_round_trip(fen: u64) {
    let m = Money::from_fen(fen);
    assert_eq!(m.to_string().parse::<Money>(), Ok(m), "{m}");
}

#[test]
fn display_parses_back_at_the_edges() {
    let mut edges = vec![0, 1, 9, 10, 99, 100, 101, u64::MAX, u64::MAX - 1];
    for k in 1..=19 {
        let p = 10u64.pow(k);
        edges.extend([p - 1, p, p + 1]);
    }
    for fen in edges {
        assert_round_trip(fen);
    }
    assert_eq!(
        Money::from_fen(u64::MAX).to_string(),
        "184467440737095516.15"
    );
}

#[test]
fn just_above_the_largest_amount_is_too_large() {
    for text in [
        "184467440737095516.16",
        "184467440737095516.2",
        "184467440737095517",
        "184467440737095517.00",
        "1844674407370955160",
        "18446744073709551615",
        "99999999999999999999999",
    ] {
        let err = text.parse::<Money>().unwrap_err();
        assert_eq!(
            err.reason(),
            "too large: the largest amount is 184467440737095516.15",
            "{text}"
        );
    }
    assert_eq!(
        "184467440737095516.15".parse::<Money>(),
        Ok(Money::from_fen(u64::MAX))
    );
}

proptest! {
    #[test]
    fn display_parses_back_for_every_value(
        fen in prop_oneof![any::<u64>(), u64::MAX - 1_000_000..=u64::MAX, 0..1_000_000u64]
    ) {
        let m = Money::from_fen(fen);
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
    }

    #[test]
    fn every_json_number_below_the_limit_decodes_to_itself(
        fen in prop_oneof![0..LIMIT_FEN, 0..10_000_000u64]
    ) {
        let json = json_number(fen);
        prop_assert_eq!(from_json(&json).map_err(|e| e.to_string()), Ok(Money::from_fen(fen)), "{}", json);
        prop_assert_eq!(from_nearest_f64(fen), Ok(Money::from_fen(fen)));
        // With one decimal where the second is zero.
        if fen % 10 == 0 {
            let short = format!("{}.{}", fen / 100, fen % 100 / 10);
            prop_assert_eq!(from_json(&short).map_err(|e| e.to_string()), Ok(Money::from_fen(fen)), "{}", short);
        }
    }

    #[test]
    fn json_numbers_at_or_above_the_limit_are_refused(fen in LIMIT_FEN..u64::MAX) {
        // A whole number of fen that is not whole yuan, so that it has a fraction.
        prop_assume!(fen % 100 != 0);
        let err = from_json(&json_number(fen)).unwrap_err().to_string();
        prop_assert!(err.contains("send the amount as a JSON string"), "{}", err);
    }
}

#[test]
fn json_numbers_decode_exactly_at_the_ends_of_the_range() {
    for fen in (0..100_000).chain(LIMIT_FEN - 100_000..LIMIT_FEN) {
        assert_eq!(from_nearest_f64(fen), Ok(Money::from_fen(fen)), "{fen}");
    }
    for fen in (LIMIT_FEN - 2_000..LIMIT_FEN).chain(0..2_000) {
        assert_eq!(from_json(&json_number(fen)).unwrap(), Money::from_fen(fen));
    }
    for (json, fen) in [
        ("8.88", 888),
        ("0.1", 10),
        ("0.01", 1),
        ("12", 1200),
        ("70368744177663.99", LIMIT_FEN - 1),
        ("70368744177663.9", LIMIT_FEN - 10),
        ("35184372088831.99", (1 << 45) * 100 - 1),
    ] {
        assert_eq!(from_json(json).unwrap(), Money::from_fen(fen), "{json}");
    }
}

#[test]
fn a_json_number_that_a_float_cannot_hold_is_refused_not_rounded() {
    for json in [
        "4864201994246235.41",
        "70368744177664.01",
        "70368744177664.00",
        "184467440737095516.15",
        "1e20",
    ] {
        let err = from_json(json).unwrap_err().to_string();
        assert!(
            err.contains("cannot be read exactly")
                && err.contains("send the amount as a JSON string"),
            "{json}: {err}"
        );
    }
    // Whole numbers arrive as integers and stay exact up to the largest amount.
    assert_eq!(
        from_json("184467440737095516").unwrap(),
        Money::from_yuan(184_467_440_737_095_516).unwrap()
    );
    assert!(
        from_json("184467440737095517")
            .unwrap_err()
            .to_string()
            .contains("too large")
    );
    let err = from_json("-8.88").unwrap_err().to_string();
    assert!(err.contains("negative"), "{err}");
    let err = from_json("8.885").unwrap_err().to_string();
    assert!(err.contains("more than two decimals"), "{err}");
}
