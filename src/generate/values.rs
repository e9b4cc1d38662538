//! The cell values of the generated files and the calendar arithmetic
//! behind them: dates as days since 1970-01-01 ([`Day`]), money in cents
//! ([`Money`]), floats with a fixed number of decimals ([`Fixed`]), and the
//! days of a month ([`MonthDays`]).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Serialize, Serializer};

use crate::schema::Month;

/// `Display` and `Serialize` through the type's `format` into a stack buffer
/// of `$len` bytes, so that writing a cell allocates nothing.
macro_rules! formatted_in_buffer {
    ($type:ty, $len:literal) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.format(&mut [0; $len]))
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.format(&mut [0; $len]))
            }
        }
    };
}

/// A civil date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i32);

impl Day {
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    fn format(self, buf: &mut [u8; 10]) -> &str {
        let (y, m, d) = self.ymd();
        let y = y.clamp(0, 9999) as u32;
        let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 0, m / 10, m % 10, 0, d / 10, d % 10];
        for (i, v) in digits.iter().enumerate() {
            buf[i] = if i == 4 || i == 7 { b'-' } else { b'0' + *v as u8 };
        }
        std::str::from_utf8(buf).unwrap_or("0000-00-00")
    }
}

formatted_in_buffer!(Day, 10);

/// Money in cents, written as a plain decimal with two places.
#[derive(Debug, Clone, Copy)]
pub struct Money(pub i64);

impl Money {
    fn format(self, buf: &mut [u8; 24]) -> &str {
        let mut v = self.0.unsigned_abs();
        let mut i = buf.len();
        let cents = v % 100;
        v /= 100;
        for b in [b'0' + (cents % 10) as u8, b'0' + (cents / 10) as u8, b'.'] {
            i -= 1;
            buf[i] = b;
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if self.0 < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        std::str::from_utf8(&buf[i..]).unwrap_or("0.00")
    }
}

formatted_in_buffer!(Money, 24);

/// A float written with exactly `N` decimals.
#[derive(Debug, Clone, Copy)]
pub struct Fixed<const N: usize>(pub f64);

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.*}", N, self.0))
    }
}

/// The days of one month, as days since 1970-01-01.
#[derive(Debug, Clone, Copy)]
pub struct MonthDays {
    first: i32,
    len: i32,
}

impl MonthDays {
    pub fn of(month: Month) -> MonthDays {
        MonthDays { first: days_from_month(month), len: days_in_month(month) as i32 }
    }

    /// A day drawn uniformly within the month.
    pub fn random_day(self, rng: &mut ChaCha8Rng) -> i32 {
        self.first + rng.gen_range(0..self.len)
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The first day of `month`.
pub fn days_from_month(month: Month) -> i32 {
    days_from_civil(month.year(), month.month(), 1)
}

pub fn days_in_month(month: Month) -> u32 {
    (days_from_month(month.plus(1)) - days_from_month(month)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_jiff() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (1900, 3, 1), (2065, 7, 15)] {
            let z = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(z), (y, m, d));
            let jd = jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap();
            assert_eq!(Day(z).to_string(), jd.to_string());
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let feb = Month::new(2024, 2).unwrap();
        assert_eq!(days_in_month(feb), 29);
        assert_eq!(days_in_month(Month::new(2023, 2).unwrap()), 28);
        assert_eq!(Day(days_from_month(feb.plus(1)) - 1).to_string(), feb.last_day().to_string());
    }

    #[test]
    fn money_and_fixed_format() {
        assert_eq!(Money(123_456).to_string(), "1234.56");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(Money(-1000).to_string(), "-10.00");
        let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        writer.serialize((Fixed::<2>(1.005), Fixed::<1>(3.0), Money(-7))).unwrap();
        assert_eq!(String::from_utf8(writer.into_inner().unwrap()).unwrap(), "1.00,3.0,-0.07\n");
    }
}
