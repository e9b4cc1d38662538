//! The record types of the data contract (`docs/data-contract.md`)
//! and the parsing of its scalar values: dates, months, money, booleans,
//! enums and codes.
//!
//! Records borrow their strings from the input buffer (`Cow`, owned only
//! when a quoted field had to be unescaped) so that validating a row
//! allocates nothing; the same types serialize the generator's output,
//! so the reader and the writer cannot drift apart. Personal data
//! (`employee_id`, `description`) has no field here: once a row is
//! validated it is gone (see Privacy in the contract).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use crate::config::DateFormat;

/// OSHA 300 case classification: the most serious outcome of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OshaClass {
    Death,
    DaysAway,
    Restricted,
    OtherRecordable,
    FirstAid,
    NearMiss,
}

impl OshaClass {
    pub const ALL: [OshaClass; 6] = [
        OshaClass::Death,
        OshaClass::DaysAway,
        OshaClass::Restricted,
        OshaClass::OtherRecordable,
        OshaClass::FirstAid,
        OshaClass::NearMiss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OshaClass::Death => "death",
            OshaClass::DaysAway => "days_away",
            OshaClass::Restricted => "restricted",
            OshaClass::OtherRecordable => "other_recordable",
            OshaClass::FirstAid => "first_aid",
            OshaClass::NearMiss => "near_miss",
        }
    }

    /// Death, days away, restriction and other recordable cases count
    /// toward TRIR; first aid and near misses do not.
    pub fn is_recordable(self) -> bool {
        matches!(self, OshaClass::Death | OshaClass::DaysAway | OshaClass::Restricted | OshaClass::OtherRecordable)
    }

    /// Deaths and days-away cases: the lost-time cases of LTIR.
    pub fn is_lost_time(self) -> bool {
        matches!(self, OshaClass::Death | OshaClass::DaysAway)
    }
}

/// The injury and illness types of OSHA Form 300, column M (1)–(6), and
/// of the ITA files' `type_of_incident` (the same numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjuryType {
    Injury,
    SkinDisorder,
    RespiratoryCondition,
    Poisoning,
    HearingLoss,
    OtherIllness,
}

impl InjuryType {
    pub const ALL: [InjuryType; 6] = [
        InjuryType::Injury,
        InjuryType::SkinDisorder,
        InjuryType::RespiratoryCondition,
        InjuryType::Poisoning,
        InjuryType::HearingLoss,
        InjuryType::OtherIllness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InjuryType::Injury => "injury",
            InjuryType::SkinDisorder => "skin_disorder",
            InjuryType::RespiratoryCondition => "respiratory_condition",
            InjuryType::Poisoning => "poisoning",
            InjuryType::HearingLoss => "hearing_loss",
            InjuryType::OtherIllness => "other_illness",
        }
    }

    /// The form's column number, M(1)–M(6).
    pub fn number(self) -> u8 {
        InjuryType::ALL.iter().position(|t| *t == self).map_or(6, |i| i as u8 + 1)
    }
}

/// A name (`skin_disorder`, `Skin Disorder`), `all_other_illnesses`, or the
/// column number `1`–`6`.
impl FromStr for InjuryType {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        if let Ok(n) = s.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| InjuryType::ALL.get(i).copied()).ok_or(());
        }
        if fold_label(s) == "allotherillnesses" {
            return Ok(InjuryType::OtherIllness);
        }
        parse_enum(s, &InjuryType::ALL, InjuryType::as_str).ok_or(())
    }
}

/// Workers' compensation claim status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Open,
    Closed,
    Reopened,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 3] = [ClaimStatus::Open, ClaimStatus::Closed, ClaimStatus::Reopened];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Open => "open",
            ClaimStatus::Closed => "closed",
            ClaimStatus::Reopened => "reopened",
        }
    }

    /// Open and reopened claims carry an outstanding reserve.
    pub fn is_open(self) -> bool {
        !matches!(self, ClaimStatus::Closed)
    }
}

/// Parses one of a fixed set of enum spellings, ignoring case, spaces,
/// hyphens and underscores (`Days Away`, `DAYS-AWAY`, `daysaway`): real
/// exports write their labels, not the contract's snake_case.
fn parse_enum<T: Copy>(s: &str, all: &[T], name: impl Fn(T) -> &'static str) -> Option<T> {
    if let Some(v) = all.iter().copied().find(|v| name(*v).eq_ignore_ascii_case(s)) {
        return Some(v);
    }
    let folded = fold_label(s);
    all.iter().copied().find(|v| fold_label(name(*v)) == folded)
}

/// A label lower-cased, without spaces, hyphens and underscores.
pub fn fold_label(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '-' | '_')).flat_map(char::to_lowercase).collect()
}

impl FromStr for OshaClass {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        parse_enum(s, &OshaClass::ALL, OshaClass::as_str).ok_or(())
    }
}

impl FromStr for ClaimStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        parse_enum(s, &ClaimStatus::ALL, ClaimStatus::as_str).ok_or(())
    }
}

/// A calendar month, stored as months since year 0 so that ranges and
/// differences are integer arithmetic. Written and read as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(i32);

impl Month {
    /// (sin, cos) of the month's angle 2π(month − 1)/12: the yearly season.
    pub fn season(self) -> (f64, f64) {
        let angle = std::f64::consts::TAU * f64::from(self.month() - 1) / 12.0;
        (angle.sin(), angle.cos())
    }

    /// `month` is 1-based; `None` when it is not 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then(|| Month(year * 12 + month as i32 - 1))
    }

    pub fn of(date: Date) -> Month {
        Month(i32::from(date.year()) * 12 + i32::from(date.month()) - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1-based month of the year.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn index(self) -> i32 {
        self.0
    }

    pub fn from_index(index: i32) -> Month {
        Month(index)
    }

    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    /// Number of months from `earlier` to `self` (negative when earlier is later).
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    pub fn first_day(self) -> Date {
        // Years outside jiff's range never reach here: parse_date bounds them.
        Date::new(self.year() as i16, self.month() as i8, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    /// Inclusive range of months.
    pub fn range(from: Month, to: Month) -> impl Iterator<Item = Month> {
        (from.0..=to.0).map(Month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = ScalarError;
    fn from_str(s: &str) -> Result<Month, ScalarError> {
        parse_month(s)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_month(&s).map_err(serde::de::Error::custom)
    }
}

/// Money in whole cents: sums are exact and independent of order, so
/// parallel aggregation stays byte-for-byte deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

impl Cents {
    pub fn dollars(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn from_dollars(d: f64) -> Cents {
        Cents((d * 100.0).round() as i64)
    }
}

impl std::ops::Add for Cents {
    type Output = Cents;
    fn add(self, o: Cents) -> Cents {
        Cents(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Cents {
    fn add_assign(&mut self, o: Cents) {
        self.0 += o.0;
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Cents {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cents, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_money(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a scalar value was rejected; the ingest stage maps these onto
/// quarantine reasons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScalarError {
    #[error("cannot parse {0:?} as {1}")]
    Unparsable(String, &'static str),
    #[error("{0} is out of range ({1})")]
    OutOfRange(String, &'static str),
}

fn unparsable(s: &str, what: &'static str) -> ScalarError {
    ScalarError::Unparsable(s.to_string(), what)
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

fn four_digits(b: &[u8]) -> Option<i32> {
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
        Some(b.iter().fold(0, |acc, d| acc * 10 + i32::from(d - b'0')))
    } else {
        None
    }
}

/// ISO `YYYY-MM-DD`, years 1900..=2200 (anything else in an injury log is a
/// typo, not a date).
pub fn parse_date(s: &str) -> Result<Date, ScalarError> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(unparsable(s, "a date (YYYY-MM-DD)"));
    }
    let (y, m, d) = match (four_digits(&b[0..4]), two_digits(&b[5..7]), two_digits(&b[8..10])) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => return Err(unparsable(s, "a date (YYYY-MM-DD)")),
    };
    if !(1900..=2200).contains(&y) {
        return Err(ScalarError::OutOfRange(s.to_string(), "year must be 1900-2200"));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|_| unparsable(s, "a calendar date"))
}

/// Days since 1970-01-01 (Hinnant's `days_from_civil`): plain integer
/// arithmetic, far cheaper than a calendar span on the hot path.
pub fn day_number(date: Date) -> i32 {
    let (y, m, d) = (i32::from(date.year()), i32::from(date.month()), i32::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM`.
/// A date written as `format` says (the config's `[input] date_format`).
/// An ISO date is read whatever the format: it cannot be mistaken for
/// another, and exports often mix them in.
pub fn parse_date_as(s: &str, format: &DateFormat) -> Result<Date, ScalarError> {
    if let Ok(d) = parse_date(s) {
        return Ok(d);
    }
    let date = match format {
        DateFormat::Iso => return parse_date(s),
        DateFormat::Pattern(p) => {
            Date::strptime(p, s).map_err(|_| unparsable(s, "a date in the configured date_format"))?
        }
        DateFormat::ExcelSerial => excel_serial(s)?,
    };
    if !(1900..=2200).contains(&date.year()) {
        return Err(ScalarError::OutOfRange(s.to_string(), "year must be 1900-2200"));
    }
    Ok(date)
}

/// Excel's serial day number: days since 1899-12-30 (a fraction is the
/// time of day, dropped).
fn excel_serial(s: &str) -> Result<Date, ScalarError> {
    let whole = s.split_once('.').map_or(s, |(w, f)| if f.bytes().all(|b| b.is_ascii_digit()) { w } else { s });
    let days: i32 = whole.parse().map_err(|_| unparsable(s, "an Excel serial day number"))?;
    if !(1..=200_000).contains(&days) {
        return Err(ScalarError::OutOfRange(s.to_string(), "an Excel serial day must be 1-200000"));
    }
    jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .map_err(|_| unparsable(s, "an Excel serial day number"))
}

/// A month, `YYYY-MM`; with a configured date format, a date in that
/// format stands for its month.
pub fn parse_month_as(s: &str, format: &DateFormat) -> Result<Month, ScalarError> {
    match (parse_month(s), format) {
        (Ok(m), _) => Ok(m),
        (Err(e), DateFormat::Iso) => Err(e),
        (Err(e), _) => parse_date_as(s, format).map(Month::of).map_err(|_| e),
    }
}

pub fn parse_month(s: &str) -> Result<Month, ScalarError> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return Err(unparsable(s, "a month (YYYY-MM)"));
    }
    let (y, m) = match (four_digits(&b[0..4]), two_digits(&b[5..7])) {
        (Some(y), Some(m)) => (y, m),
        _ => return Err(unparsable(s, "a month (YYYY-MM)")),
    };
    if !(1900..=2200).contains(&y) {
        return Err(ScalarError::OutOfRange(s.to_string(), "year must be 1900-2200"));
    }
    Month::new(y, m).ok_or_else(|| unparsable(s, "a month (YYYY-MM)"))
}

/// A non-negative whole number.
pub fn parse_count(s: &str) -> Result<u32, ScalarError> {
    if let Some(rest) = s.strip_prefix('-')
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(ScalarError::OutOfRange(s.to_string(), "must be 0 or more"));
    }
    s.parse::<u32>().map_err(|_| unparsable(s, "a whole number"))
}

/// A WCIO code (cause, nature, part of body): a small whole number.
pub fn parse_code(s: &str) -> Result<u16, ScalarError> {
    s.parse::<u16>().map_err(|_| unparsable(s, "a numeric code"))
}

/// Plain decimal number (hours, headcount); rejects NaN and infinities.
pub fn parse_number(s: &str) -> Result<f64, ScalarError> {
    let plain = s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(v) if plain && v.is_finite() => Ok(v),
        _ => Err(unparsable(s, "a number")),
    }
}

/// Money: a plain decimal; a leading `$` and thousands commas are accepted.
/// Rounded to whole cents. Negative amounts are out of range.
pub fn parse_money(s: &str) -> Result<Cents, ScalarError> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let body = body.strip_prefix('$').unwrap_or(body);
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(unparsable(s, "money"));
    }
    if !valid_thousands(whole) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unparsable(s, "money"));
    }
    let mut cents: i64 = 0;
    for b in whole.bytes().filter(u8::is_ascii_digit) {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(b - b'0')))
            .ok_or_else(|| ScalarError::OutOfRange(s.to_string(), "too large"))?;
    }
    let fb = frac.as_bytes();
    let digit = |i: usize| fb.get(i).map_or(0, |d| i64::from(d - b'0'));
    let round_up = i64::from(digit(2) >= 5);
    cents = cents
        .checked_mul(100)
        .and_then(|c| c.checked_add(digit(0) * 10 + digit(1) + round_up))
        .ok_or_else(|| ScalarError::OutOfRange(s.to_string(), "too large"))?;
    if negative && cents > 0 {
        return Err(ScalarError::OutOfRange(s.to_string(), "must be 0 or more"));
    }
    Ok(Cents(cents))
}

/// Digits, optionally grouped by commas in threes (`1,234,567`).
fn valid_thousands(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// `true/false`, `yes/no`, `1/0`, `y/n`, any case.
pub fn parse_bool(s: &str) -> Result<bool, ScalarError> {
    const TRUE: [&str; 4] = ["true", "yes", "1", "y"];
    const FALSE: [&str; 4] = ["false", "no", "0", "n"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Ok(true)
    } else if FALSE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Ok(false)
    } else {
        Err(unparsable(s, "a boolean (true/false, yes/no, 1/0, y/n)"))
    }
}

/// A whole number within `range`; `what` names the range in the error.
fn whole_in(s: &str, range: std::ops::RangeInclusive<u32>, what: &'static str) -> Result<u32, ScalarError> {
    match parse_count(s) {
        Ok(v) if range.contains(&v) => Ok(v),
        Ok(_) | Err(ScalarError::OutOfRange(..)) => Err(ScalarError::OutOfRange(s.to_string(), what)),
        Err(e) => Err(e),
    }
}

/// Age at injury in whole years, 13–100 (13: the ILO's minimum age for
/// light work).
pub fn parse_age(s: &str) -> Result<u8, ScalarError> {
    whole_in(s, 13..=100, "an age must be 13-100 years").map(|v| v as u8)
}

/// Dependents, a whole number 0–20 (claim systems write 99 or 999 for
/// "unknown", which must not read as a large family).
pub fn parse_dependents(s: &str) -> Result<u8, ScalarError> {
    whole_in(s, 0..=20, "dependents must be 0-20").map(|v| v as u8)
}

/// Hours worked per week, a number 0–168 (the hours in a week).
pub fn parse_weekly_hours(s: &str) -> Result<f64, ScalarError> {
    let v = parse_number(s)?;
    if (0.0..=168.0).contains(&v) {
        Ok(v)
    } else {
        Err(ScalarError::OutOfRange(s.to_string(), "hours per week must be 0-168"))
    }
}

/// The hour of the day, 0–23: a whole number, or a clock time `HH:MM`
/// or `HH:MM:SS` (24-hour), of which the hour is kept.
pub fn parse_hour(s: &str) -> Result<u8, ScalarError> {
    let (hour, rest) = s.split_once(':').unwrap_or((s, ""));
    let pair = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    let clock = rest.is_empty() || (rest.split(':').count() <= 2 && rest.split(':').all(pair));
    if !clock {
        return Err(unparsable(s, "an hour (0-23) or a time of day (HH:MM)"));
    }
    let minutes_ok = rest.is_empty() || rest.split(':').all(|p| p.parse::<u32>().is_ok_and(|v| v < 60));
    match whole_in(hour, 0..=23, "an hour must be 0-23") {
        Ok(h) if minutes_ok => Ok(h as u8),
        Ok(_) => Err(ScalarError::OutOfRange(s.to_string(), "minutes and seconds must be 0-59")),
        Err(ScalarError::OutOfRange(..)) => Err(ScalarError::OutOfRange(s.to_string(), "an hour must be 0-23")),
        Err(_) => Err(unparsable(s, "an hour (0-23) or a time of day (HH:MM)")),
    }
}

/// Part time (`true`) or full time: `P` / `F`, `part_time` / `full_time`
/// (any case, spaces, hyphens, underscores), or a boolean (true = part time).
pub fn parse_part_time(s: &str) -> Result<bool, ScalarError> {
    match fold_label(s).as_str() {
        "p" | "part" | "parttime" => Ok(true),
        "f" | "full" | "fulltime" => Ok(false),
        _ => parse_bool(s).map_err(|_| unparsable(s, "part or full time (P/F, part_time/full_time, true/false)")),
    }
}

/// One validated row of `injuries.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjuryRecord<'a> {
    #[serde(borrow)]
    pub case_id: Cow<'a, str>,
    #[serde(borrow)]
    pub department: Cow<'a, str>,
    pub event_date: Date,
    pub osha_class: OshaClass,
    pub days_away: Option<u32>,
    pub days_restricted: Option<u32>,
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    #[serde(borrow)]
    pub job_class: Option<Cow<'a, str>>,
    /// The optional `privacy_case` column: the employer's own flag for an
    /// OSHA privacy concern case (29 CFR 1904.29(b)(7)); `None` when the
    /// column is absent or empty, and then `privacy` infers it from the
    /// codes. Not written by the importers or the generator (they have no
    /// such flag), so their injuries.csv keeps the contract's core columns.
    #[serde(skip_serializing, default)]
    pub privacy_case: Option<bool>,
}

/// A claim's paid amount from its parts, a missing part counting as zero
/// (claims.csv and claim_valuations.csv alike).
pub fn paid(medical: Option<Cents>, indemnity: Option<Cents>, expense: Option<Cents>) -> Cents {
    [medical, indemnity, expense].into_iter().flatten().fold(Cents(0), |a, b| a + b)
}

/// One validated row of `claims.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord<'a> {
    #[serde(borrow)]
    pub claim_id: Cow<'a, str>,
    #[serde(borrow)]
    pub case_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub department: Cow<'a, str>,
    pub injury_date: Date,
    pub reported_date: Option<Date>,
    pub valuation_date: Option<Date>,
    pub status: ClaimStatus,
    pub closed_date: Option<Date>,
    pub paid_medical: Option<Cents>,
    pub paid_indemnity: Option<Cents>,
    pub paid_expense: Option<Cents>,
    pub reserve: Option<Cents>,
    pub litigated: Option<bool>,
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    #[serde(borrow)]
    pub job_class: Option<Cow<'a, str>>,
    /// Extension column (not in the contract's table; optional): the
    /// insurer's first case estimate at report, for severe-claim triage.
    pub initial_incurred: Option<Cents>,
    /// The optional first-report columns (contract §2): what the claim
    /// form says of the worker and the accident. Features of the triage
    /// model only; no report prints them.
    pub weekly_wage: Option<Cents>,
    pub age_at_injury: Option<u8>,
    pub hours_per_week: Option<f64>,
    pub part_time: Option<bool>,
    pub dependents: Option<u8>,
    /// Hour of the day of the accident, 0–23.
    pub accident_hour: Option<u8>,
}

impl ClaimRecord<'_> {
    /// paid = medical + indemnity + expense (missing counts as zero).
    pub fn paid(&self) -> Cents {
        paid(self.paid_medical, self.paid_indemnity, self.paid_expense)
    }

    /// incurred = paid + outstanding reserve.
    pub fn incurred(&self) -> Cents {
        self.paid() + self.reserve.unwrap_or_default()
    }
}

/// One validated row of `exposure.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExposureRecord<'a> {
    #[serde(borrow)]
    pub department: Cow<'a, str>,
    pub month: Month,
    pub hours_worked: f64,
    pub headcount: Option<f64>,
    pub payroll: Option<Cents>,
}

/// One row of `departments.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub department: String,
    pub name: String,
    pub group: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2024-02-29").ok(), Date::new(2024, 2, 29).ok());
        assert!(matches!(parse_date("2023-02-29"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_date("2024-1-05"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_date("05/01/2024"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_date("1850-01-01"), Err(ScalarError::OutOfRange(..))));
    }

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(day_number(Date::new(1970, 1, 1).unwrap()), 0);
        assert_eq!(day_number(Date::new(2000, 3, 1).unwrap()), 11_017);
        let a = Date::new(2023, 12, 20).unwrap();
        let b = Date::new(2024, 3, 2).unwrap();
        assert_eq!(day_number(b) - day_number(a), (b - a).get_days());
    }

    #[test]
    fn months_round_trip() {
        let m = parse_month("2023-11").unwrap();
        assert_eq!((m.year(), m.month()), (2023, 11));
        assert_eq!(m.to_string(), "2023-11");
        assert_eq!(m.plus(2).to_string(), "2024-01");
        assert_eq!(m.plus(2).since(m), 2);
        assert!(parse_month("2023-13").is_err());
        assert_eq!(Month::of(Date::new(2020, 12, 31).unwrap()).to_string(), "2020-12");
    }

    #[test]
    fn money_accepts_dollar_sign_and_thousands() {
        assert_eq!(parse_money("1234.50"), Ok(Cents(123_450)));
        assert_eq!(parse_money("$1,234.50"), Ok(Cents(123_450)));
        assert_eq!(parse_money("1,234,567"), Ok(Cents(123_456_700)));
        assert_eq!(parse_money("0.005"), Ok(Cents(1)));
        assert_eq!(parse_money(".5"), Ok(Cents(50)));
        assert_eq!(parse_money("-0"), Ok(Cents(0)));
        assert!(matches!(parse_money("-5.00"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_money("12,34.00"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_money("abc"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_money("$"), Err(ScalarError::Unparsable(..))));
        assert_eq!(Cents(-1234).to_string(), "-12.34");
        assert_eq!(Cents(5).to_string(), "0.05");
    }

    #[test]
    fn booleans_and_enums() {
        assert_eq!(parse_bool("Yes"), Ok(true));
        assert_eq!(parse_bool("0"), Ok(false));
        assert!(parse_bool("maybe").is_err());
        assert_eq!("Days_Away".parse::<OshaClass>(), Ok(OshaClass::DaysAway));
        assert_eq!("Days Away".parse::<OshaClass>(), Ok(OshaClass::DaysAway));
        assert_eq!("DAYS-AWAY".parse::<OshaClass>(), Ok(OshaClass::DaysAway));
        assert_eq!("other recordable".parse::<OshaClass>(), Ok(OshaClass::OtherRecordable));
        assert!("days off".parse::<OshaClass>().is_err());
        assert_eq!("reopened".parse::<ClaimStatus>(), Ok(ClaimStatus::Reopened));
    }

    #[test]
    fn counts_distinguish_negative_from_garbage() {
        assert_eq!(parse_count("17"), Ok(17));
        assert!(matches!(parse_count("-3"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_count("3.5"), Err(ScalarError::Unparsable(..))));
        assert!(parse_number("nan").is_err());
        assert_eq!(parse_number("1.5e3"), Ok(1500.0));
    }

    #[test]
    fn first_report_values_have_their_ranges() {
        assert_eq!(parse_age("13"), Ok(13));
        assert!(matches!(parse_age("12"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_age("101"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_age("-4"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_age("40.5"), Err(ScalarError::Unparsable(..))));
        assert_eq!(parse_dependents("0"), Ok(0));
        assert!(matches!(parse_dependents("99"), Err(ScalarError::OutOfRange(..))));
        assert_eq!(parse_weekly_hours("37.5"), Ok(37.5));
        assert_eq!(parse_weekly_hours("0"), Ok(0.0));
        assert!(matches!(parse_weekly_hours("640"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_weekly_hours("-1"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_weekly_hours("forty"), Err(ScalarError::Unparsable(..))));
        assert_eq!(parse_hour("0"), Ok(0));
        assert_eq!(parse_hour("07"), Ok(7));
        assert_eq!(parse_hour("23:59"), Ok(23));
        assert_eq!(parse_hour("14:30:00"), Ok(14));
        assert!(matches!(parse_hour("24"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_hour("24:00"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_hour("12:75"), Err(ScalarError::OutOfRange(..))));
        assert!(matches!(parse_hour("2pm"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_hour("12:3"), Err(ScalarError::Unparsable(..))));
        assert!(matches!(parse_hour(":30"), Err(ScalarError::Unparsable(..))));
        assert_eq!(parse_part_time("P"), Ok(true));
        assert_eq!(parse_part_time("full-time"), Ok(false));
        assert_eq!(parse_part_time("Part Time"), Ok(true));
        assert_eq!(parse_part_time("true"), Ok(true));
        assert_eq!(parse_part_time("0"), Ok(false));
        assert!(matches!(parse_part_time("casual"), Err(ScalarError::Unparsable(..))));
    }
}
