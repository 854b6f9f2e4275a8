//! Calendar dates (`YYYY-MM-DD`, proleptic Gregorian) and the arithmetic reviews and acceptances
//! need. "Today" is always passed in by the caller, so the core never reads the clock.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// 1970-01-01.
    pub const EPOCH: Date = Date { year: 1970, month: 1, day: 1 };

    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid =
            (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` and checks that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let year = i32::try_from(num(0..4)?).ok()?;
        Date::new(year, u8::try_from(num(5..7)?).ok()?, u8::try_from(num(8..10)?).ok()?)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }

    pub fn add_days(self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// The same day `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28).
    pub fn add_months(self, months: u32) -> Option<Date> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        Date::new(year, month, self.day.min(days_in_month(year, month)))
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| unreachable!("bad test date {s}"))
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(d("2026-09-30").to_string(), "2026-09-30");
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-9-30",
            "26-09-30",
            "2026/09/30",
            "",
            "2026-09-3x",
            "0000-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn epoch_round_trip() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        for days in (-719_000..2_932_000).step_by(997) {
            let date = Date::from_days_since_epoch(days).unwrap_or_else(|| unreachable!());
            assert_eq!(date.days_since_epoch(), days);
        }
    }

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(d("2026-01-31").add_months(1), Some(d("2026-02-28")));
        assert_eq!(d("2026-11-30").add_months(3), Some(d("2027-02-28")));
        assert_eq!(d("2026-09-30").add_months(12), Some(d("2027-09-30")));
        assert_eq!(d("2026-12-31").add_days(1), Some(d("2027-01-01")));
        assert_eq!(d("2026-01-01").days_until(d("2026-03-01")), 59);
        assert_eq!(d("9999-12-31").add_days(1), None);
    }
}
