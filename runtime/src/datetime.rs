use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A gateway date-time: `yyyy-MM-dd HH:mm:ss`, Beijing time (GMT+8).
///
/// Alipay writes and expects every date-time in Beijing time without a zone
/// suffix. `DateTime` holds that wall-clock reading and converts to and from
/// Unix time with the fixed +08:00 offset (China has no daylight saving), so
/// the result never depends on the host's time zone.
///
/// ```
/// use alipay_runtime::DateTime;
///
/// let t: DateTime = "2017-12-28 10:39:25".parse().unwrap();
/// assert_eq!(t.unix_timestamp(), 1_514_428_765);
/// assert_eq!(DateTime::from_unix_timestamp(0).to_string(), "1970-01-01 08:00:00");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    // Field order makes the derived ordering chronological.
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

impl DateTime {
    /// A date-time from its parts, checked (month 1-12, a day that exists in
    /// that month, hour 0-23, minute and second 0-59; year 1-9999).
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<DateTime, ParseDateTimeError> {
        let reason = if !(1..=9999).contains(&year) {
            Some("the year must be 0001-9999")
        } else if !(1..=12).contains(&month) {
            Some("the month must be 01-12")
        } else if day == 0 || day > days_in_month(year, month) {
            Some("that day does not exist in that month")
        } else if hour > 23 {
            Some("the hour must be 00-23")
        } else if minute > 59 {
            Some("the minute must be 00-59")
        } else if second > 59 {
            Some("the second must be 00-59")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(ParseDateTimeError {
                input: format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"),
                reason,
            }),
            None => Ok(DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
            }),
        }
    }

    /// The Beijing wall-clock reading of a Unix timestamp (seconds).
    ///
    /// # Panics
    /// If the timestamp lies outside the years 1-9999.
    pub fn from_unix_timestamp(seconds: i64) -> DateTime {
        let local = seconds + BEIJING_OFFSET_SECONDS;
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))
            .expect("timestamp outside the years 1-9999");
        DateTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs % 3600 / 60) as u8,
            second: (secs % 60) as u8,
        }
    }

    /// The current time in Beijing, read from the system clock.
    pub fn now() -> DateTime {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("system clock before 1970");
        DateTime::from_unix_timestamp(since_epoch.as_secs() as i64)
    }

    /// Seconds since the Unix epoch of this Beijing wall-clock reading.
    pub fn unix_timestamp(self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - BEIJING_OFFSET_SECONDS
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }
    /// The hour, 0-23.
    pub fn hour(self) -> u8 {
        self.hour
    }
    /// The minute, 0-59.
    pub fn minute(self) -> u8 {
        self.minute
    }
    /// The second, 0-59.
    pub fn second(self) -> u8 {
        self.second
    }
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Why a text is not a gateway date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError {
    input: String,
    reason: &'static str,
}

impl ParseDateTimeError {
    /// What is wrong with the text, in English.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a date-time: {} (expected `yyyy-MM-dd HH:mm:ss`, e.g. `2014-07-24 03:07:50`)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ParseDateTimeError {}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(s: &str) -> Result<DateTime, ParseDateTimeError> {
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 19
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b' ',
                13 | 16 => *b == b':',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(ParseDateTimeError {
                input: s.to_owned(),
                reason: "wrong shape",
            });
        }
        let num = |range: std::ops::Range<usize>| -> u16 {
            bytes[range]
                .iter()
                .fold(0, |acc, b| acc * 10 + u16::from(b - b'0'))
        };
        DateTime::new(
            num(0..4),
            num(5..7) as u8,
            num(8..10) as u8,
            num(11..13) as u8,
            num(14..16) as u8,
            num(17..19) as u8,
        )
        .map_err(|e| ParseDateTimeError {
            input: s.to_owned(),
            reason: e.reason,
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self} +08:00)")
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time such as \"2014-07-24 03:07:50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let t: DateTime = "2017-12-28 10:39:25".parse().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2017, 12, 28, 10, 39, 25)
        );
        assert_eq!(t.to_string(), "2017-12-28 10:39:25");
        assert_eq!(format!("{t:?}"), "DateTime(2017-12-28 10:39:25 +08:00)");
    }

    #[test]
    fn converts_with_the_beijing_offset() {
        // 2017-12-28T02:39:25Z is 10:39:25 in Beijing.
        let t: DateTime = "2017-12-28 10:39:25".parse().unwrap();
        assert_eq!(t.unix_timestamp(), 1_514_428_765);
        assert_eq!(DateTime::from_unix_timestamp(1_514_428_765), t);
        // Crossing midnight and a leap day.
        assert_eq!(
            DateTime::from_unix_timestamp(1_709_164_800).to_string(),
            "2024-02-29 08:00:00"
        );
        assert_eq!(
            DateTime::from_unix_timestamp(1_709_135_999).to_string(),
            "2024-02-28 23:59:59"
        );
        for ts in [-86_400_i64, 0, 951_782_400, 4_102_444_800, 1_514_428_765] {
            assert_eq!(DateTime::from_unix_timestamp(ts).unix_timestamp(), ts);
        }
    }

    #[test]
    fn now_is_close_to_the_system_clock() {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let now = DateTime::now().unix_timestamp();
        assert!((now - unix).abs() <= 2, "{now} vs {unix}");
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        for (text, reason) in [
            ("2017-12-28T10:39:25", "wrong shape"),
            ("2017-12-28 10:39", "wrong shape"),
            ("2017-12-28  10:39:2", "wrong shape"),
            ("２017-12-28 10:39:25", "wrong shape"),
            ("2017-13-28 10:39:25", "the month must be 01-12"),
            (
                "2017-02-29 10:39:25",
                "that day does not exist in that month",
            ),
            (
                "2017-04-31 10:39:25",
                "that day does not exist in that month",
            ),
            ("2017-12-28 24:00:00", "the hour must be 00-23"),
            ("2017-12-28 10:60:00", "the minute must be 00-59"),
            ("2017-12-28 10:00:60", "the second must be 00-59"),
            ("0000-01-01 00:00:00", "the year must be 0001-9999"),
        ] {
            let err = text.parse::<DateTime>().unwrap_err();
            assert_eq!(err.reason(), reason, "{text}");
            assert!(err.to_string().contains(text));
        }
        assert!("2016-02-29 00:00:00".parse::<DateTime>().is_ok());
        assert!("2000-02-29 00:00:00".parse::<DateTime>().is_ok());
        assert!("1900-02-29 00:00:00".parse::<DateTime>().is_err());
    }

    #[test]
    fn serde_round_trip() {
        let t: DateTime = serde_json::from_str(r#""2019-01-01 08:08:08""#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2019-01-01 08:08:08""#
        );
        assert!(serde_json::from_str::<DateTime>("20190101").is_err());
        assert!(serde_json::from_str::<DateTime>(r#""2019-01-01""#).is_err());
    }
}
