//! The date formats of the real files (`M/D/YYYY`, ISO dates and ISO
//! timestamps) and the skip or adjustment reasons for a date cell that is
//! not one.

use jiff::civil::Date;

use super::table::shown;

/// Why a date cell was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Blank,
    Unparsable,
    Before1900,
    After2200,
}

/// Parses the date formats of the real files: `M/D/YYYY` (one or two
/// digits for month and day), ISO `YYYY-MM-DD`, and ISO timestamps
/// `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`. A timestamp's date is taken as
/// written: the calendar day on which the accident happened where it
/// happened, not that day converted to another time zone. Years must be
/// 1900..=2200, as in `schema::parse_date`.
pub fn parse_source_date(s: &str) -> Result<Date, DateProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateProblem::Blank);
    }
    let (y, m, d) = if s.contains('/') { parse_mdy(s)? } else { parse_iso(s)? };
    if y < 1900 {
        return Err(DateProblem::Before1900);
    }
    if y > 2200 {
        return Err(DateProblem::After2200);
    }
    let (m, d) = (i8::try_from(m), i8::try_from(d));
    match (i16::try_from(y), m, d) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_err(|_| DateProblem::Unparsable),
        _ => Err(DateProblem::Unparsable),
    }
}

pub(super) fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

fn parse_mdy(s: &str) -> Result<(u32, u32, u32), DateProblem> {
    let mut parts = s.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(d), Some(y), None) => match (digits(m, 1, 2), digits(d, 1, 2), digits(y, 4, 4)) {
            (Some(m), Some(d), Some(y)) => Ok((y, m, d)),
            _ => Err(DateProblem::Unparsable),
        },
        _ => Err(DateProblem::Unparsable),
    }
}

fn parse_iso(s: &str) -> Result<(u32, u32, u32), DateProblem> {
    let (date, time) = match s.get(..10) {
        Some(date) => (date, &s[10..]),
        None => return Err(DateProblem::Unparsable),
    };
    let b = date.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !(time.is_empty() || is_iso_time(time)) {
        return Err(DateProblem::Unparsable);
    }
    match (digits(&date[0..4], 4, 4), digits(&date[5..7], 2, 2), digits(&date[8..10], 2, 2)) {
        (Some(y), Some(m), Some(d)) => Ok((y, m, d)),
        _ => Err(DateProblem::Unparsable),
    }
}

/// `THH:MM[:SS[.fff]]` followed by nothing, `Z`, or `±HH:MM` / `±HHMM`.
fn is_iso_time(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('T').or_else(|| s.strip_prefix(' ')) else {
        return false;
    };
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (clock, None),
    };
    let mut parts = hms.split(':');
    let clock_ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(m), s, None) => {
            digits(h, 2, 2).is_some_and(|h| h <= 23)
                && digits(m, 2, 2).is_some_and(|m| m <= 59)
                && s.is_none_or(|s| digits(s, 2, 2).is_some_and(|s| s <= 60))
                && frac.is_none_or(|f| s.is_some() && digits(f, 1, 9).is_some())
        }
        _ => false,
    };
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        z => {
            let offset = z[1..].replace(':', "");
            digits(&offset, 4, 4).is_some()
        }
    };
    clock_ok && zone_ok
}

/// The hour of an ISO timestamp, as written (like its date: the clock where
/// the accident happened, not converted to another zone); `None` for a
/// date without a time or a cell that is not a timestamp.
pub(super) fn source_hour(s: &str) -> Option<u8> {
    let s = s.trim();
    if !matches!(s.get(10..11), Some("T" | " ")) || parse_source_date(s).is_err() {
        return None;
    }
    digits(s.get(11..13)?, 2, 2).filter(|&h| h <= 23).and_then(|h| u8::try_from(h).ok())
}

/// The reason for a problem with the date in `column`.
pub(super) fn date_reason(column: &str, value: &str, problem: DateProblem) -> String {
    match problem {
        DateProblem::Blank => format!("{column} is blank"),
        DateProblem::Unparsable => format!("{column} {} is not a date", shown(value)),
        DateProblem::Before1900 => format!("{column} {} is before 1900", shown(value)),
        DateProblem::After2200 => format!("{column} {} is after 2200", shown(value)),
    }
}

/// A required date: the row is skipped, for the returned reason, when the
/// cell is not a date.
pub(super) fn required_date(column: &str, text: &str) -> Result<Date, String> {
    parse_source_date(text).map_err(|problem| date_reason(column, text, problem))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::date;
    use super::*;

    #[test]
    fn timestamps_give_their_hour_as_written() {
        assert_eq!(source_hour("2002-04-09T07:00:00Z"), Some(7));
        assert_eq!(source_hour("2002-04-09 23:15"), Some(23));
        assert_eq!(source_hour("2002-04-09T00:00:00+10:00"), Some(0));
        assert_eq!(source_hour("2002-04-09"), None);
        assert_eq!(source_hour("4/9/2002"), None);
        assert_eq!(source_hour("2002-04-09T25:00:00Z"), None);
        assert_eq!(source_hour(""), None);
    }

    #[test]
    fn dates_in_us_order() {
        assert_eq!(parse_source_date("1/5/2015"), Ok(date(2015, 1, 5)));
        assert_eq!(parse_source_date("12/31/2014"), Ok(date(2014, 12, 31)));
        assert_eq!(parse_source_date(" 01/05/2015 "), Ok(date(2015, 1, 5)));
        assert_eq!(parse_source_date("2/29/2016"), Ok(date(2016, 2, 29)));
        assert_eq!(parse_source_date("2/29/2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("13/1/2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/15"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/2015/1"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1//2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/1899"), Err(DateProblem::Before1900));
        assert_eq!(parse_source_date("1/5/2201"), Err(DateProblem::After2200));
        assert_eq!(parse_source_date(""), Err(DateProblem::Blank));
        assert_eq!(parse_source_date("  "), Err(DateProblem::Blank));
    }

    #[test]
    fn dates_in_iso_form_and_timestamps() {
        assert_eq!(parse_source_date("2002-04-09"), Ok(date(2002, 4, 9)));
        assert_eq!(parse_source_date("2002-04-09T07:00:00Z"), Ok(date(2002, 4, 9)));
        assert_eq!(parse_source_date("2005-12-31T23:59:59Z"), Ok(date(2005, 12, 31)));
        // The calendar date as written, not converted to UTC.
        assert_eq!(parse_source_date("2005-12-31T23:00:00-05:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T23:00:00.250+0530"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T23:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31 08:15:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T25:00:00Z"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-12-31Tnoon"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-12-31x"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-13-01T00:00:00Z"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-1-01"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1850-01-01T00:00:00Z"), Err(DateProblem::Before1900));
        assert_eq!(parse_source_date("ünïcödé-x"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("20050101"), Err(DateProblem::Unparsable));
    }
}
