//! Row-level validation: one `RowSpec` per input file turns a row's fields
//! into a typed record or a `Rejection` naming the column and reason.
//! Checks run in column order, then the cross-column rules, so a row with
//! several defects is always rejected for the same one.

use std::borrow::Cow;

use jiff::civil::Date;
use rustc_hash::{FxHashMap, FxHashSet};

use super::withhold::{self, PrivacyColumns};
use super::{FileKind, QuarantinedRow, Reason};
use crate::config::Limits;
use crate::schema::{
    self, ClaimRecord, ClaimStatus, DateFormat, Department, ExposureRecord, InjuryRecord, Month, OshaClass, ScalarError,
};

/// Why one row was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    /// The column at fault; empty for row-level problems (field count, quoting).
    pub column: &'static str,
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: Reason, column: &'static str, detail: impl Into<String>) -> Self {
        Rejection { reason, column, detail: detail.into() }
    }
}

/// What every row check may consult.
#[derive(Debug, Clone)]
pub struct Context {
    /// The last day a date may fall on (the end of the as-of month).
    pub latest_date: Date,
    /// Known department codes, when `departments.csv` was given.
    pub departments: Option<DepartmentCodes>,
    /// How the files write their dates.
    pub dates: DateFormat,
    pub limits: Limits,
    /// The claims of claims.csv, for checking `claim_valuations.csv`.
    pub claims: Option<std::sync::Arc<super::valuations::ClaimIndex>>,
}

/// The codes of `departments.csv`, matched exactly or, when only one code
/// differs from the value by letter case alone, to that one (exports
/// often change the case of codes).
#[derive(Debug, Clone, Default)]
pub struct DepartmentCodes {
    exact: FxHashSet<String>,
    /// Lower-cased code → the one code it stands for (`None`: two or
    /// more codes differ only by case, so it is ambiguous).
    folded: FxHashMap<String, Option<String>>,
}

impl DepartmentCodes {
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        let mut known = DepartmentCodes::default();
        for code in codes {
            known.exact.insert(code.to_string());
            known.folded.entry(code.to_lowercase()).and_modify(|c| *c = None).or_insert_with(|| Some(code.to_string()));
        }
        known
    }

    /// The department list's spelling of `value`, or why it has none.
    fn resolve<'a>(&self, value: Cow<'a, str>) -> Result<Cow<'a, str>, String> {
        if self.exact.contains(value.as_ref()) {
            return Ok(value);
        }
        match self.folded.get(&value.to_lowercase()) {
            Some(Some(code)) => Ok(Cow::Owned(code.clone())),
            Some(None) => Err(format!("{value:?} matches several codes of departments.csv that differ only by case")),
            None => Err(format!("{value:?} is not in departments.csv")),
        }
    }
}

/// Where each of a spec's columns sits in the file's header.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    pub positions: Vec<Option<usize>>,
    pub width: usize,
    /// Header positions of the personal-data columns.
    pub personal: Vec<usize>,
    pub delimiter: u8,
}

/// What stands in for personal data in a quarantined row.
pub const REDACTED: &str = "[redacted]";

impl ColumnMap {
    /// Blanks the personal-data fields of a rejected row before it is
    /// kept. A row with fewer fields than the header may have them shifted
    /// left, so from the first personal column less the shortfall onward
    /// everything goes; a longer row may have them shifted right, so
    /// everything from the first personal column goes.
    pub fn redact(&self, mut fields: Vec<String>) -> Vec<String> {
        let Some(&first) = self.personal.iter().min() else { return fields };
        let hide = |f: &mut String| {
            if !f.is_empty() {
                *f = REDACTED.to_string();
            }
        };
        if fields.len() == self.width {
            for &p in &self.personal {
                if let Some(f) = fields.get_mut(p) {
                    hide(f);
                }
            }
        } else {
            let start = first.saturating_sub(self.width.saturating_sub(fields.len()));
            fields.iter_mut().skip(start).for_each(hide);
        }
        fields
    }
}

/// One row's fields seen through the column map.
pub struct Row<'r, 'a> {
    pub fields: &'r [Cow<'a, str>],
    pub map: &'r ColumnMap,
    pub columns: &'static [&'static str],
}

fn trimmed<'a>(value: &Cow<'a, str>) -> Option<Cow<'a, str>> {
    let untouched = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii_whitespace());
    if untouched(value.as_bytes().first()) && untouched(value.as_bytes().last()) {
        return Some(value.clone());
    }
    let t = value.trim();
    if t.is_empty() {
        return None;
    }
    Some(match value {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(_) => Cow::Owned(t.to_string()),
    })
}

fn scalar_rejection(column: &'static str, err: ScalarError) -> Rejection {
    let reason = match err {
        ScalarError::Unparsable(..) => Reason::UnparsableValue,
        ScalarError::OutOfRange(..) => Reason::OutOfRange,
    };
    Rejection::new(reason, column, err.to_string())
}

impl<'a> Row<'_, 'a> {
    /// The trimmed value of column `col`; `None` when absent or empty.
    pub fn value(&self, col: usize) -> Option<Cow<'a, str>> {
        let pos = self.map.positions[col]?;
        self.fields.get(pos).and_then(trimmed)
    }

    pub fn required(&self, col: usize) -> Result<Cow<'a, str>, Rejection> {
        self.value(col)
            .ok_or_else(|| Rejection::new(Reason::MissingValue, self.columns[col], "required value is empty"))
    }

    pub fn parse<T>(&self, col: usize, parse: fn(&str) -> Result<T, ScalarError>) -> Result<Option<T>, Rejection> {
        self.value(col).map(|v| parse(&v).map_err(|e| scalar_rejection(self.columns[col], e))).transpose()
    }

    pub fn parse_required<T>(&self, col: usize, parse: fn(&str) -> Result<T, ScalarError>) -> Result<T, Rejection> {
        let v = self.required(col)?;
        parse(&v).map_err(|e| scalar_rejection(self.columns[col], e))
    }

    pub fn enumeration<T: std::str::FromStr>(&self, col: usize, allowed: &str) -> Result<T, Rejection> {
        let v = self.required(col)?;
        v.parse::<T>().map_err(|_| {
            Rejection::new(Reason::UnknownEnum, self.columns[col], format!("{v:?} is not one of {allowed}"))
        })
    }

    /// A label that reaches the reports (a department code, name or
    /// group): no control characters, which no PDF or file name can hold.
    pub fn label(&self, col: usize) -> Result<Option<Cow<'a, str>>, Rejection> {
        let Some(v) = self.value(col) else { return Ok(None) };
        if let Some(c) = v.chars().find(|c| c.is_control()) {
            let detail = format!("contains the control character U+{:04X}", u32::from(c));
            return Err(Rejection::new(Reason::UnparsableValue, self.columns[col], detail));
        }
        Ok(Some(v))
    }

    /// A department code: a label of at most [`MAX_CODE_CHARS`] characters.
    pub fn code(&self, col: usize) -> Result<Cow<'a, str>, Rejection> {
        let missing = || Rejection::new(Reason::MissingValue, self.columns[col], "required value is empty");
        let code = self.label(col)?.ok_or_else(missing)?;
        let chars = code.chars().count();
        if chars > MAX_CODE_CHARS {
            let detail = format!("a department code of {chars} characters; the limit is {MAX_CODE_CHARS}");
            return Err(Rejection::new(Reason::OutOfRange, self.columns[col], detail));
        }
        Ok(code)
    }

    /// A department code that must be known when a department list was given.
    pub fn department(&self, col: usize, ctx: &Context) -> Result<Cow<'a, str>, Rejection> {
        let d = self.code(col)?;
        match &ctx.departments {
            Some(known) => {
                known.resolve(d).map_err(|detail| Rejection::new(Reason::UnknownDepartment, self.columns[col], detail))
            }
            None => Ok(d),
        }
    }

    /// A date in the configured format; an unparsable one says which
    /// format it looks like and how to set it.
    pub fn date(&self, col: usize, ctx: &Context) -> Result<Option<Date>, Rejection> {
        self.value(col).map(|v| self.date_of(col, &v, ctx)).transpose()
    }

    pub fn date_required(&self, col: usize, ctx: &Context) -> Result<Date, Rejection> {
        let v = self.required(col)?;
        self.date_of(col, &v, ctx)
    }

    fn date_of(&self, col: usize, value: &str, ctx: &Context) -> Result<Date, Rejection> {
        schema::parse_date_as(value, &ctx.dates).map_err(|e| self.date_rejection(col, value, e, ctx))
    }

    pub fn month_required(&self, col: usize, ctx: &Context) -> Result<Month, Rejection> {
        let v = self.required(col)?;
        schema::parse_month_as(&v, &ctx.dates).map_err(|e| self.date_rejection(col, &v, e, ctx))
    }

    fn date_rejection(&self, col: usize, value: &str, err: ScalarError, ctx: &Context) -> Rejection {
        let mut r = scalar_rejection(self.columns[col], err);
        if r.reason == Reason::UnparsableValue
            && let Some((looks, format)) = guess_date_format(value)
            && format != ctx.dates.as_config()
        {
            r.detail = format!("{}; dates look like {looks}: set `[input] date_format = \"{format}\"`", r.detail);
        }
        r
    }
}

/// What a date that did not parse looks like, and the `date_format` that
/// reads it.
pub fn guess_date_format(value: &str) -> Option<(&'static str, &'static str)> {
    let parts: Vec<&str> = value.split(['/', '.', '-']).collect();
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    if digits(value, 5..=5) && (20_000..=80_000).contains(&num(value)) {
        return Some(("Excel serial day numbers", "excel"));
    }
    if parts.len() != 3 || !digits(parts[0], 1..=4) || !digits(parts[1], 1..=2) || !digits(parts[2], 1..=4) {
        return None;
    }
    let sep = value.as_bytes()[parts[0].len()];
    match (sep, parts[0].len(), parts[2].len()) {
        (b'/', 1..=2, 4) if num(parts[0]) > 12 => Some(("DD/MM/YYYY", "%d/%m/%Y")),
        (b'/', 1..=2, 4) => Some(("MM/DD/YYYY", "%m/%d/%Y")),
        (b'.', 1..=2, 4) => Some(("DD.MM.YYYY", "%d.%m.%Y")),
        (b'-', 1..=2, 4) if num(parts[0]) > 12 => Some(("DD-MM-YYYY", "%d-%m-%Y")),
        (b'-', 1..=2, 4) => Some(("MM-DD-YYYY", "%m-%d-%Y")),
        (b'/', 4, 1..=2) => Some(("YYYY/MM/DD", "%Y/%m/%d")),
        _ => None,
    }
}

/// A date within the span a record may have: not after the latest date
/// allowed, not before `[limits] earliest_year`.
pub(super) fn not_future(date: Date, column: &'static str, ctx: &Context) -> Result<(), Rejection> {
    if date.year() < ctx.limits.earliest_year {
        let detail = format!("{date} is before {}, the earliest year allowed", ctx.limits.earliest_year);
        return Err(Rejection::new(Reason::OutOfRange, column, detail));
    }
    if date > ctx.latest_date {
        return Err(Rejection::new(
            Reason::FutureDate,
            column,
            format!(
                "{date} is after the latest date allowed, {} (no date may be after the as-of month, or today)",
                ctx.latest_date
            ),
        ));
    }
    Ok(())
}

fn not_future_opt(date: Option<Date>, column: &'static str, ctx: &Context) -> Result<(), Rejection> {
    date.map_or(Ok(()), |d| not_future(d, column, ctx))
}

fn positive(value: f64, column: &'static str) -> Result<f64, Rejection> {
    if value > 0.0 {
        Ok(value)
    } else {
        Err(Rejection::new(Reason::OutOfRange, column, format!("{value} must be greater than 0")))
    }
}

fn non_negative(value: Option<f64>, column: &'static str) -> Result<Option<f64>, Rejection> {
    match value {
        Some(v) if v < 0.0 => Err(Rejection::new(Reason::OutOfRange, column, format!("{v} must be 0 or more"))),
        _ => Ok(value),
    }
}

/// OSHA counts days away or restricted up to 180 per case.
pub const DAYS_CAP: u32 = 180;

/// The longest department code accepted: codes name files and table cells.
pub const MAX_CODE_CHARS: usize = 64;

/// How one input file is validated.
pub trait RowSpec: Sync {
    type Record<'a>: Send + Sync;
    const FILE: FileKind;
    /// Contract column names, in contract order; the `col` constants index this.
    const COLUMNS: &'static [&'static str];
    const REQUIRED: &'static [usize];
    /// Columns carrying personal data: accepted in the header, never kept.
    const PERSONAL: &'static [&'static str] = &[];
    /// Columns known but not read by this spec (another command reads
    /// them): accepted in the header without a warning.
    const IGNORED: &'static [&'static str] = &[];
    /// The column whose value must be unique (for the duplicate message).
    const KEY: &'static str;

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<Self::Record<'a>, Rejection>;
    /// The value that must be unique within the file.
    fn key(record: &Self::Record<'_>) -> u64;
    /// The month a record belongs to, for the file's span (the data gate).
    fn month(_record: &Self::Record<'_>) -> Option<Month> {
        None
    }
    /// Withholds what the quarantined copy `q` of the raw row `raw` must
    /// not show beyond its personal data (already redacted).
    fn withhold(_map: &ColumnMap, _raw: &[u8], _q: &mut QuarantinedRow) {}
}

pub(super) fn hash_key(parts: &[&[u8]]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts {
        h.update(p);
        h.update(&[0xFF]);
    }
    h.digest()
}

pub struct Injuries;

mod inj {
    pub const CASE_ID: usize = 0;
    pub const DEPARTMENT: usize = 1;
    pub const EVENT_DATE: usize = 2;
    pub const OSHA_CLASS: usize = 3;
    pub const DAYS_AWAY: usize = 4;
    pub const DAYS_RESTRICTED: usize = 5;
    pub const CAUSE: usize = 6;
    pub const NATURE: usize = 7;
    pub const BODY_PART: usize = 8;
    pub const JOB_CLASS: usize = 9;
    pub const PRIVACY_CASE: usize = 10;
}

/// Where the optional extension columns (`privacy_case`) start in
/// [`Injuries`]'s columns: the generator and the importers write the ones
/// before it.
pub const INJURY_EXTENSION_START: usize = inj::PRIVACY_CASE;

const OSHA_CLASSES: &str = "death, days_away, restricted, other_recordable, first_aid, near_miss";
pub(super) const STATUSES: &str = "open, closed, reopened";

fn capped_days(row: &Row<'_, '_>, col: usize) -> Result<Option<u32>, Rejection> {
    Ok(row.parse(col, schema::parse_count)?.map(|d| d.min(DAYS_CAP)))
}

impl RowSpec for Injuries {
    type Record<'a> = InjuryRecord<'a>;
    const FILE: FileKind = FileKind::Injuries;
    const COLUMNS: &'static [&'static str] = &[
        "case_id",
        "department",
        "event_date",
        "osha_class",
        "days_away",
        "days_restricted",
        "cause_code",
        "nature_code",
        "body_part_code",
        "job_class",
        "privacy_case",
    ];
    const REQUIRED: &'static [usize] = &[inj::CASE_ID, inj::DEPARTMENT, inj::EVENT_DATE, inj::OSHA_CLASS];
    const PERSONAL: &'static [&'static str] = &["employee_id", "description"];
    /// Read by `riskrank osha` only.
    const IGNORED: &'static [&'static str] = super::osha::OSHA_INJURY_COLUMNS;
    const KEY: &'static str = "case_id";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<InjuryRecord<'a>, Rejection> {
        let record = InjuryRecord {
            case_id: row.required(inj::CASE_ID)?,
            department: row.department(inj::DEPARTMENT, ctx)?,
            event_date: row.date_required(inj::EVENT_DATE, ctx)?,
            osha_class: row.enumeration::<OshaClass>(inj::OSHA_CLASS, OSHA_CLASSES)?,
            days_away: capped_days(row, inj::DAYS_AWAY)?,
            days_restricted: capped_days(row, inj::DAYS_RESTRICTED)?,
            cause_code: row.parse(inj::CAUSE, schema::parse_code)?,
            nature_code: row.parse(inj::NATURE, schema::parse_code)?,
            body_part_code: row.parse(inj::BODY_PART, schema::parse_code)?,
            job_class: row.value(inj::JOB_CLASS),
            privacy_case: row.parse(inj::PRIVACY_CASE, schema::parse_bool)?,
        };
        not_future(record.event_date, "event_date", ctx)?;
        Ok(record)
    }

    fn key(r: &InjuryRecord<'_>) -> u64 {
        hash_key(&[r.case_id.as_bytes()])
    }

    fn month(r: &InjuryRecord<'_>) -> Option<Month> {
        Some(Month::of(r.event_date))
    }

    /// A privacy case's quarantined copy withholds what its department's
    /// case list does (date, cause, body part) and the nature code that
    /// would tell why.
    fn withhold(map: &ColumnMap, raw: &[u8], q: &mut QuarantinedRow) {
        withhold::withhold_privacy(&INJURY_PRIVACY, Self::COLUMNS, map, raw, q);
    }
}

pub(super) const INJURY_PRIVACY: PrivacyColumns = PrivacyColumns {
    flag: Some(inj::PRIVACY_CASE),
    nature: inj::NATURE,
    withheld: &[inj::EVENT_DATE, inj::CAUSE, inj::NATURE, inj::BODY_PART],
};

pub struct Claims;

mod clm {
    pub const CLAIM_ID: usize = 0;
    pub const CASE_ID: usize = 1;
    pub const DEPARTMENT: usize = 2;
    pub const INJURY_DATE: usize = 3;
    pub const REPORTED_DATE: usize = 4;
    pub const VALUATION_DATE: usize = 5;
    pub const STATUS: usize = 6;
    pub const CLOSED_DATE: usize = 7;
    pub const PAID_MEDICAL: usize = 8;
    pub const PAID_INDEMNITY: usize = 9;
    pub const PAID_EXPENSE: usize = 10;
    pub const RESERVE: usize = 11;
    pub const LITIGATED: usize = 12;
    pub const CAUSE: usize = 13;
    pub const NATURE: usize = 14;
    pub const BODY_PART: usize = 15;
    pub const JOB_CLASS: usize = 16;
    pub const INITIAL_INCURRED: usize = 17;
    pub const WEEKLY_WAGE: usize = 18;
    pub const AGE_AT_INJURY: usize = 19;
    pub const HOURS_PER_WEEK: usize = 20;
    pub const PART_TIME: usize = 21;
    pub const DEPENDENTS: usize = 22;
    pub const ACCIDENT_HOUR: usize = 23;
}

/// Where the optional first-report columns start in [`Claims`]'s columns.
pub const FIRST_REPORT_START: usize = clm::WEEKLY_WAGE;

impl RowSpec for Claims {
    type Record<'a> = ClaimRecord<'a>;
    const FILE: FileKind = FileKind::Claims;
    const COLUMNS: &'static [&'static str] = &[
        "claim_id",
        "case_id",
        "department",
        "injury_date",
        "reported_date",
        "valuation_date",
        "status",
        "closed_date",
        "paid_medical",
        "paid_indemnity",
        "paid_expense",
        "reserve",
        "litigated",
        "cause_code",
        "nature_code",
        "body_part_code",
        "job_class",
        "initial_incurred",
        "weekly_wage",
        "age_at_injury",
        "hours_per_week",
        "part_time",
        "dependents",
        "accident_hour",
    ];
    const REQUIRED: &'static [usize] = &[clm::CLAIM_ID, clm::DEPARTMENT, clm::INJURY_DATE, clm::STATUS];
    const PERSONAL: &'static [&'static str] = &["employee_id", "description"];
    const KEY: &'static str = "claim_id";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<ClaimRecord<'a>, Rejection> {
        let r = ClaimRecord {
            claim_id: row.required(clm::CLAIM_ID)?,
            case_id: row.value(clm::CASE_ID),
            department: row.department(clm::DEPARTMENT, ctx)?,
            injury_date: row.date_required(clm::INJURY_DATE, ctx)?,
            reported_date: row.date(clm::REPORTED_DATE, ctx)?,
            valuation_date: row.date(clm::VALUATION_DATE, ctx)?,
            status: row.enumeration::<ClaimStatus>(clm::STATUS, STATUSES)?,
            closed_date: row.date(clm::CLOSED_DATE, ctx)?,
            paid_medical: row.parse(clm::PAID_MEDICAL, schema::parse_money)?,
            paid_indemnity: row.parse(clm::PAID_INDEMNITY, schema::parse_money)?,
            paid_expense: row.parse(clm::PAID_EXPENSE, schema::parse_money)?,
            reserve: row.parse(clm::RESERVE, schema::parse_money)?,
            litigated: row.parse(clm::LITIGATED, schema::parse_bool)?,
            cause_code: row.parse(clm::CAUSE, schema::parse_code)?,
            nature_code: row.parse(clm::NATURE, schema::parse_code)?,
            body_part_code: row.parse(clm::BODY_PART, schema::parse_code)?,
            job_class: row.value(clm::JOB_CLASS),
            initial_incurred: row.parse(clm::INITIAL_INCURRED, schema::parse_money)?,
            weekly_wage: row.parse(clm::WEEKLY_WAGE, schema::parse_money)?,
            age_at_injury: row.parse(clm::AGE_AT_INJURY, schema::parse_age)?,
            hours_per_week: row.parse(clm::HOURS_PER_WEEK, schema::parse_weekly_hours)?,
            part_time: row.parse(clm::PART_TIME, schema::parse_part_time)?,
            dependents: row.parse(clm::DEPENDENTS, schema::parse_dependents)?,
            accident_hour: row.parse(clm::ACCIDENT_HOUR, schema::parse_hour)?,
        };
        check_claim_dates(&r, ctx)?;
        Ok(r)
    }

    fn key(r: &ClaimRecord<'_>) -> u64 {
        hash_key(&[r.claim_id.as_bytes()])
    }

    fn month(r: &ClaimRecord<'_>) -> Option<Month> {
        Some(Month::of(r.injury_date))
    }

    fn withhold(map: &ColumnMap, raw: &[u8], q: &mut QuarantinedRow) {
        withhold::withhold_privacy(&CLAIM_PRIVACY, Self::COLUMNS, map, raw, q);
    }
}

/// A claim of a privacy concern case (by its nature code) keeps no date
/// nor code in the quarantine, as its case does not.
const CLAIM_PRIVACY: PrivacyColumns = PrivacyColumns {
    flag: None,
    nature: clm::NATURE,
    withheld: &[clm::INJURY_DATE, clm::REPORTED_DATE, clm::CLOSED_DATE, clm::CAUSE, clm::NATURE, clm::BODY_PART],
};

/// The cross-column rules of a claim, in a fixed order.
fn check_claim_dates(r: &ClaimRecord<'_>, ctx: &Context) -> Result<(), Rejection> {
    not_future(r.injury_date, "injury_date", ctx)?;
    not_future_opt(r.reported_date, "reported_date", ctx)?;
    not_future_opt(r.closed_date, "closed_date", ctx)?;
    if let Some(reported) = r.reported_date
        && reported < r.injury_date
    {
        return Err(Rejection::new(
            Reason::ReportedBeforeInjury,
            "reported_date",
            format!("reported {reported}, before the injury on {}", r.injury_date),
        ));
    }
    if r.status == ClaimStatus::Closed && r.closed_date.is_none() {
        return Err(Rejection::new(
            Reason::ClosedWithoutDate,
            "closed_date",
            "status is closed but closed_date is empty",
        ));
    }
    let before_injury = |d: Option<Date>| d.filter(|d| *d < r.injury_date);
    if let Some(d) = before_injury(r.closed_date) {
        return Err(Rejection::new(Reason::OutOfRange, "closed_date", format!("closed {d}, before the injury")));
    }
    if let Some(d) = before_injury(r.valuation_date) {
        return Err(Rejection::new(Reason::OutOfRange, "valuation_date", format!("valued {d}, before the injury")));
    }
    Ok(())
}

pub struct Exposure;

mod exp {
    pub const DEPARTMENT: usize = 0;
    pub const MONTH: usize = 1;
    pub const HOURS: usize = 2;
    pub const HEADCOUNT: usize = 3;
    pub const PAYROLL: usize = 4;
}

impl RowSpec for Exposure {
    type Record<'a> = ExposureRecord<'a>;
    const FILE: FileKind = FileKind::Exposure;
    const COLUMNS: &'static [&'static str] = &["department", "month", "hours_worked", "headcount", "payroll"];
    const REQUIRED: &'static [usize] = &[exp::DEPARTMENT, exp::MONTH, exp::HOURS];
    const KEY: &'static str = "department and month";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<ExposureRecord<'a>, Rejection> {
        let r = ExposureRecord {
            department: row.department(exp::DEPARTMENT, ctx)?,
            month: row.month_required(exp::MONTH, ctx)?,
            hours_worked: positive(row.parse_required(exp::HOURS, schema::parse_number)?, "hours_worked")?,
            headcount: non_negative(row.parse(exp::HEADCOUNT, schema::parse_number)?, "headcount")?,
            payroll: row.parse(exp::PAYROLL, schema::parse_money)?,
        };
        not_future(r.month.first_day(), "month", ctx)?;
        plausible_exposure(&r, &ctx.limits)?;
        Ok(r)
    }

    fn key(r: &ExposureRecord<'_>) -> u64 {
        hash_key(&[r.department.as_bytes(), &r.month.index().to_le_bytes()])
    }

    fn month(r: &ExposureRecord<'_>) -> Option<Month> {
        Some(r.month)
    }
}

/// Hours and headcount a department can have.
fn plausible_exposure(r: &ExposureRecord<'_>, limits: &Limits) -> Result<(), Rejection> {
    let too_many = |column, what: String| Err(Rejection::new(Reason::OutOfRange, column, what));
    if r.hours_worked > limits.max_hours_per_month {
        return too_many(
            "hours_worked",
            format!("{} hours is above the limit of {}", r.hours_worked, limits.max_hours_per_month),
        );
    }
    if let Some(h) = r.headcount {
        if h > limits.max_headcount {
            return too_many("headcount", format!("a headcount of {h} is above the limit of {}", limits.max_headcount));
        }
        if h > 0.0 && r.hours_worked / h > limits.max_hours_per_head {
            let per_head = r.hours_worked / h;
            return too_many(
                "hours_worked",
                format!("{per_head:.0} hours per head in a month is above the limit of {}", limits.max_hours_per_head),
            );
        }
    }
    Ok(())
}

pub struct Departments;

impl RowSpec for Departments {
    type Record<'a> = Department;
    const FILE: FileKind = FileKind::Departments;
    const COLUMNS: &'static [&'static str] = &["department", "name", "group"];
    const REQUIRED: &'static [usize] = &[0, 1];
    const KEY: &'static str = "department";

    fn parse<'a>(row: &Row<'_, 'a>, _ctx: &Context) -> Result<Department, Rejection> {
        let name =
            row.label(1)?.ok_or_else(|| Rejection::new(Reason::MissingValue, "name", "required value is empty"))?;
        Ok(Department {
            department: row.code(0)?.into_owned(),
            name: name.into_owned(),
            group: row.label(2)?.map(Cow::into_owned),
        })
    }

    fn key(r: &Department) -> u64 {
        hash_key(&[r.department.as_bytes()])
    }
}
