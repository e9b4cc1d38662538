//! `riskrank.toml`: the settings a risk manager may change without touching
//! the code: the organisation and report title, the tier rule's cut-offs,
//! the data gate's thresholds, peer-group display names, how the input
//! files are written (column names, date format, delimiter), the default
//! paths and horizon, and the departments' reduction targets (`[targets]`,
//! none by default).
//!
//! Every setting has a default, so a data folder without a config file
//! runs as the data contract describes. Unknown keys are an error naming
//! the key (a misspelt setting silently ignored would be a wrong report).
//! Paths in the file are relative to the file's own folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The config file's name, looked for in the data folder.
pub const FILE: &str = "riskrank.toml";

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Everything `riskrank.toml` can set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub report: ReportSettings,
    pub tiers: TierCutoffs,
    pub gate: GateRules,
    pub limits: Limits,
    pub input: InputFormat,
    pub defaults: Defaults,
    /// `None`: no targets are set (the reports say how to set them). Left
    /// out of the manifest when absent, so runs without targets record the
    /// config as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
}

/// What the reports say about who they are for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSettings {
    /// Printed on every report's cover, above the title.
    pub organisation: String,
    /// The Cabinet report's title (the month is added).
    pub title: String,
    /// Display names of the peer groups of `departments.csv` (code → name).
    pub group_names: BTreeMap<String, String>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            organisation: "Risk Reduction Cabinet".into(),
            title: "Workplace injury risk: department ranking".into(),
            group_names: BTreeMap::new(),
        }
    }
}

impl ReportSettings {
    /// A peer group's display name (its code when none is set).
    pub fn group_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.group_names.get(code).map_or(code, String::as_str)
    }
}

/// The tier rule's cut-offs, as multiples of the city-wide predicted rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TierCutoffs {
    /// high: the predicted rate is at least `high` × the city's.
    pub high: f64,
    /// elevated: the predicted rate is above `elevated` × the city's.
    pub elevated: f64,
    /// moderate: at least `moderate` × the city's; low below.
    pub moderate: f64,
}

impl Default for TierCutoffs {
    fn default() -> Self {
        TierCutoffs { high: 1.5, elevated: 1.0, moderate: 0.75 }
    }
}

/// When the data gate refuses a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateRules {
    /// The largest share of a file's rows that may be quarantined.
    pub max_quarantined_share: f64,
    /// How many months before the as-of month a data file may end.
    pub max_months_behind: u32,
    /// The bounds of the model's city-wide actual-to-expected over the
    /// last 12 months: outside them, the model does not fit the data.
    pub min_actual_to_expected: f64,
    pub max_actual_to_expected: f64,
}

impl Default for GateRules {
    fn default() -> Self {
        GateRules {
            max_quarantined_share: 0.05,
            max_months_behind: 2,
            min_actual_to_expected: 0.5,
            max_actual_to_expected: 2.0,
        }
    }
}

/// Values no real record holds: rows beyond them are quarantined as
/// `out_of_range` instead of stretching the panel or the rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// No date (event, injury, report, close, valuation, month) before this year.
    pub earliest_year: i16,
    /// Hours worked by one department in one month, at most.
    pub max_hours_per_month: f64,
    /// With a headcount, hours per head in a month, at most (a 31-day month has 744).
    pub max_hours_per_head: f64,
    /// Headcount of one department, at most.
    pub max_headcount: f64,
    /// Dollars at which each claim is capped in the capped loss rate and
    /// the severity model; what lies above returns as a large-claim load.
    pub large_claim_limit: f64,
}

impl Limits {
    /// The per-claim cap, in cents.
    pub fn claim_cap(&self) -> crate::schema::Cents {
        crate::schema::Cents((self.large_claim_limit * 100.0).round() as i64)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            earliest_year: 1980,
            max_hours_per_month: 1e8,
            max_hours_per_head: 744.0,
            max_headcount: 1e6,
            large_claim_limit: 100_000.0,
        }
    }
}

/// Reduction targets against a baseline year (`[targets]`): each
/// department's TRIR and/or incurred is to fall by a share of its
/// baseline-year value by the end of the target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// The calendar year the reductions are measured from.
    pub baseline_year: i16,
    /// The calendar year by whose end the reductions are due.
    pub target_year: i16,
    /// The TRIR reduction for every department and the city (0.10 = 10%
    /// below the baseline year); `None`: only departments that set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trir_reduction: Option<f64>,
    /// The same for incurred (dollars at valuation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incurred_reduction: Option<f64>,
    /// Per department code, reductions that replace the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub departments: BTreeMap<String, TargetOverride>,
}

/// One department's own reductions (`[targets.departments.<code>]`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trir_reduction: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incurred_reduction: Option<f64>,
}

/// Why a `[targets]` section cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetsError {
    #[error(
        "[targets{section}] {key} must be a fraction between 0 and 1 (0.10 = 10% below the baseline year), not {value}"
    )]
    Fraction { section: String, key: &'static str, value: f64 },
    #[error("[targets] target_year ({target}) must be after baseline_year ({baseline})")]
    Years { baseline: i16, target: i16 },
    #[error("[targets] baseline_year must be 1900-2200, not {0}")]
    BaselineYear(i16),
    #[error("[targets] sets no reduction: set trir_reduction and/or incurred_reduction (e.g. trir_reduction = 0.10)")]
    NoReduction,
}

impl Targets {
    /// A department's TRIR and incurred reductions: its own, else the defaults.
    pub fn reductions(&self, code: &str) -> (Option<f64>, Option<f64>) {
        let own = self.departments.get(code).copied().unwrap_or_default();
        (own.trir_reduction.or(self.trir_reduction), own.incurred_reduction.or(self.incurred_reduction))
    }

    /// The rules serde cannot express.
    pub fn check(&self) -> Result<(), TargetsError> {
        if !(1900..=2200).contains(&self.baseline_year) {
            return Err(TargetsError::BaselineYear(self.baseline_year));
        }
        if self.target_year <= self.baseline_year {
            return Err(TargetsError::Years { baseline: self.baseline_year, target: self.target_year });
        }
        let sections = std::iter::once((
            String::new(),
            TargetOverride { trir_reduction: self.trir_reduction, incurred_reduction: self.incurred_reduction },
        ))
        .chain(self.departments.iter().map(|(code, o)| (format!(".departments.{}", toml_key(code)), *o)));
        let mut any = false;
        for (section, o) in sections {
            for (key, value) in [("trir_reduction", o.trir_reduction), ("incurred_reduction", o.incurred_reduction)] {
                let Some(value) = value else { continue };
                // A 0% target is no target, and 100% would ask for zero cases.
                if !(value > 0.0 && value < 1.0) {
                    return Err(TargetsError::Fraction { section: section.clone(), key, value });
                }
                any = true;
            }
        }
        if any { Ok(()) } else { Err(TargetsError::NoReduction) }
    }
}

/// A department code as a TOML key: bare when it can be, else quoted.
fn toml_key(code: &str) -> String {
    let bare = !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if bare { code.to_string() } else { format!("{code:?}") }
}

/// How dates are written in the input files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, the data contract's format.
    #[default]
    Iso,
    /// A strftime pattern such as `%m/%d/%Y`.
    Pattern(String),
    /// Excel's serial day numbers (days since 1899-12-30).
    ExcelSerial,
}

impl DateFormat {
    /// The value to write in the config for this format.
    pub fn as_config(&self) -> &str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::Pattern(p) => p,
            DateFormat::ExcelSerial => "excel",
        }
    }

    fn parse(s: &str) -> Result<DateFormat, String> {
        match s {
            "%Y-%m-%d" | "iso" => Ok(DateFormat::Iso),
            "excel" => Ok(DateFormat::ExcelSerial),
            p => {
                let probe = jiff::civil::date(2025, 12, 31);
                let written = probe.strftime(p).to_string();
                match jiff::civil::Date::strptime(p, &written) {
                    Ok(d) if d == probe => Ok(DateFormat::Pattern(p.to_string())),
                    _ => Err(format!(
                        "date_format {p:?} does not write and read back a full date; use e.g. \"%m/%d/%Y\", \
                         \"%d.%m.%Y\" or \"excel\""
                    )),
                }
            }
        }
    }
}

impl Serialize for DateFormat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_config())
    }
}

impl<'de> Deserialize<'de> for DateFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DateFormat, D::Error> {
        let s = String::deserialize(d)?;
        DateFormat::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How the input files are written, when not as the data contract says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputFormat {
    /// The field separator, one ASCII character (`\t` for tab).
    #[serde(deserialize_with = "delimiter", serialize_with = "write_delimiter")]
    pub delimiter: u8,
    pub date_format: DateFormat,
    /// The most physical lines one quoted field (a description with line
    /// breaks) may span; a quote still open after them is taken for a
    /// stray one.
    pub max_record_lines: u32,
    /// Per file, the contract column → the header in your file.
    pub columns: ColumnNames,
}

impl Default for InputFormat {
    fn default() -> Self {
        InputFormat {
            delimiter: b',',
            date_format: DateFormat::Iso,
            max_record_lines: 1000,
            columns: ColumnNames::default(),
        }
    }
}

fn write_delimiter<S: Serializer>(d: &u8, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&char::from(*d).to_string())
}

fn delimiter<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_bytes() {
        [b] if b.is_ascii() && *b != b'"' && *b != b'\n' && *b != b'\r' => Ok(*b),
        _ => Err(serde::de::Error::custom(format!(
            "delimiter must be one ASCII character other than a quote or newline, not {s:?}"
        ))),
    }
}

/// Header names of each input file, where they differ from the contract's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnNames {
    pub departments: BTreeMap<String, String>,
    pub injuries: BTreeMap<String, String>,
    pub claims: BTreeMap<String, String>,
    pub exposure: BTreeMap<String, String>,
}

/// What the commands use when a flag is not given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub data: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub horizon: u32,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults { data: None, model: None, out: None, horizon: 12 }
    }
}

/// A config as loaded: the settings and the file they came from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub config: Config,
    /// `None`: no config file, every setting at its default.
    pub path: Option<PathBuf>,
}

impl Config {
    /// Parses a config file's text; `path` names it in errors and anchors
    /// its relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid { path: path.to_path_buf(), message };
        let mut config: Config = toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        config.check().map_err(invalid)?;
        let base = path.parent().unwrap_or(Path::new(""));
        for p in [&mut config.defaults.data, &mut config.defaults.model, &mut config.defaults.out] {
            if let Some(rel) = p.as_ref().filter(|p| p.is_relative()) {
                *p = Some(base.join(rel));
            }
        }
        Ok(config)
    }

    /// Reads the config file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })?;
        Config::parse(&text, path)
    }

    /// The rules serde cannot express.
    fn check(&self) -> Result<(), String> {
        let t = &self.tiers;
        if !(t.high > t.elevated && t.elevated > t.moderate && t.moderate > 0.0 && t.high.is_finite()) {
            return Err(format!(
                "[tiers] needs high > elevated > moderate > 0, not {} > {} > {}",
                t.high, t.elevated, t.moderate
            ));
        }
        let g = &self.gate;
        if !(g.min_actual_to_expected > 0.0 && g.min_actual_to_expected < 1.0 && g.max_actual_to_expected > 1.0) {
            return Err("[gate] needs 0 < min_actual_to_expected < 1 < max_actual_to_expected".to_string());
        }
        let cap = self.limits.large_claim_limit;
        if !(cap.is_finite() && (1.0..=1e12).contains(&cap)) {
            return Err(format!("[limits] large_claim_limit must be between 1 and 1e12 dollars, not {cap}"));
        }
        let share = self.gate.max_quarantined_share;
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("[gate] max_quarantined_share must be between 0 and 1, not {share}"));
        }
        let l = &self.limits;
        if !(1900..=2200).contains(&l.earliest_year)
            || [l.max_hours_per_month, l.max_hours_per_head, l.max_headcount]
                .iter()
                .any(|v| !(*v > 0.0 && v.is_finite()))
        {
            return Err("[limits] needs earliest_year 1900-2200 and positive, finite maximums".to_string());
        }
        if !(2..=1_000_000).contains(&self.input.max_record_lines) {
            return Err("[input] max_record_lines must be 2 to 1000000".to_string());
        }
        if !(1..=36).contains(&self.defaults.horizon) {
            return Err(format!("[defaults] horizon must be 1 to 36 months, not {}", self.defaults.horizon));
        }
        if let Some(targets) = &self.targets {
            targets.check().map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// Finds the config: `explicit` (`--config`), else `riskrank.toml` in the
/// data folder, else none (the defaults).
pub fn find(explicit: Option<&Path>, data: &Path) -> Result<Loaded, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let beside = data.join(FILE);
            if !beside.is_file() {
                return Ok(Loaded::default());
            }
            beside
        }
    };
    Ok(Loaded { config: Config::load(&path)?, path: Some(path) })
}

/// The commented template `riskrank init` writes: every setting at its
/// default, so it changes nothing until edited.
pub const TEMPLATE: &str = r#"# riskrank.toml: settings for the monthly run on this data folder.
# Every setting below is at its default; delete what you do not change.
# Paths are relative to this file's folder.

[report]
# Printed on every report's cover, above the title.
organisation = "Risk Reduction Cabinet"
# The Cabinet report's title; the month is added.
title = "Workplace injury risk: department ranking"

# Display names for the peer groups of departments.csv (code = "name").
[report.group_names]
# public_safety = "Public Safety"

# The tier rule, as multiples of the city-wide predicted rate.
[tiers]
high = 1.5       # high: the predicted rate is at least this × the city's
elevated = 1.0   # elevated: the predicted rate is above this
moderate = 0.75  # moderate: at least this; low: below

# The data gate: the run refuses (exit 2) when a file breaks these.
# `--force` runs anyway and marks every report with the warning.
[gate]
max_quarantined_share = 0.05  # of a file's rows
max_months_behind = 2         # a data file may end this many months before the as-of month
# The model's city-wide actual-to-expected over the last 12 months must lie
# within these: outside, the model file does not describe this data.
min_actual_to_expected = 0.5
max_actual_to_expected = 2.0

# Values no real record holds: rows beyond them are quarantined (out_of_range).
[limits]
earliest_year = 1980             # no date before this year
max_hours_per_month = 100000000  # hours of one department in one month
max_hours_per_head = 744.0       # with a headcount: hours per head in a month (31 days × 24 h)
max_headcount = 1000000.0

# How your files are written, where they differ from the data contract.
[input]
delimiter = ","           # ";" or "\t" for tab
date_format = "%Y-%m-%d"  # e.g. "%m/%d/%Y", "%d.%m.%Y", or "excel" (serial day numbers)
max_record_lines = 1000   # the most lines one quoted field (a description) may span

# Column names: contract column = "the header in your file".
[input.columns.injuries]
# event_date = "Event Date"
[input.columns.claims]
# claim_id = "Claim Number"
[input.columns.exposure]
# hours_worked = "Hours"
[input.columns.departments]
# department = "Dept Code"

# What the commands use when a flag is not given.
[defaults]
# data = "."
# model = "../models/default.json"
# out = "../reports"
horizon = 12

# Reduction targets against a baseline year (none by default). The reports
# show each department's progress and whether it is on track.
# [targets]
# baseline_year = 2023       # a calendar year fully in the data
# target_year = 2026         # the reduction is due by the end of this year
# trir_reduction = 0.10      # 10% below the baseline year's TRIR
# incurred_reduction = 0.05  # optional: 5% below the baseline year's incurred
# [targets.departments.LAFD] # a department's own reductions replace the defaults
# trir_reduction = 0.20
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_the_defaults() {
        assert_eq!(Config::parse(TEMPLATE, Path::new("x/riskrank.toml")).unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::parse("[gate]\nmax_quarantine_share = 0.1\n", Path::new("r.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("max_quarantine_share"), "{msg}");
        assert!(msg.starts_with("r.toml:"), "{msg}");
    }

    #[test]
    fn settings_are_read_and_paths_anchored() {
        let text = "[input]\ndelimiter = \";\"\ndate_format = \"%m/%d/%Y\"\n[defaults]\nout = \"rep\"\nhorizon = 6\n";
        let c = Config::parse(text, Path::new("d/riskrank.toml")).unwrap();
        assert_eq!(c.input.delimiter, b';');
        assert_eq!(c.input.date_format, DateFormat::Pattern("%m/%d/%Y".into()));
        assert_eq!(c.defaults.out, Some(PathBuf::from("d/rep")));
        assert_eq!(c.defaults.horizon, 6);
        assert_eq!(Config::parse("[input]\ndate_format = \"excel\"\n", Path::new("r")).unwrap().input.date_format, {
            DateFormat::ExcelSerial
        });
    }

    #[test]
    fn bad_values_are_refused() {
        for text in [
            "[tiers]\nhigh = 0.9\n",
            "[gate]\nmax_quarantined_share = 2.0\n",
            "[input]\ndelimiter = \";;\"\n",
            "[input]\ndate_format = \"%m/%Y\"\n",
            "[defaults]\nhorizon = 0\n",
            "[input.columns.injury]\nevent_date = \"x\"\n",
        ] {
            assert!(Config::parse(text, Path::new("r")).is_err(), "{text}");
        }
    }

    const TARGETS: &str = "[targets]\nbaseline_year = 2023\ntarget_year = 2026\ntrir_reduction = 0.1\n";

    #[test]
    fn targets_are_read_with_their_overrides() {
        let text = format!("{TARGETS}[targets.departments.FIRE]\nincurred_reduction = 0.2\n");
        let c = Config::parse(&text, Path::new("r")).unwrap();
        let t = c.targets.unwrap();
        assert_eq!((t.baseline_year, t.target_year), (2023, 2026));
        assert_eq!(t.reductions("FIRE"), (Some(0.1), Some(0.2)));
        assert_eq!(t.reductions("PARKS"), (Some(0.1), None));
        assert_eq!(Config::parse("", Path::new("r")).unwrap().targets, None, "no section, no targets");
    }

    #[test]
    fn bad_targets_name_the_key() {
        for (text, want) in [
            (TARGETS.replace("0.1", "1.5"), "[targets] trir_reduction must be a fraction between 0 and 1"),
            (TARGETS.replace("0.1", "0.0"), "not 0"),
            (TARGETS.replace("2026", "2023"), "target_year (2023) must be after baseline_year (2023)"),
            (TARGETS.replace("trir_reduction = 0.1\n", ""), "sets no reduction"),
            (format!("{TARGETS}[targets.departments.\"Parks & Rec\"]\ntrir_reduction = -0.2\n"), {
                "[targets.departments.\"Parks & Rec\"] trir_reduction must be"
            }),
            (format!("{TARGETS}[targets.departments.FIRE]\ntrir_reductoin = 0.2\n"), "trir_reductoin"),
            ("[targets]\nbaseline_year = 2023\ntrir_reduction = 0.1\n".to_string(), "target_year"),
        ] {
            let msg = Config::parse(&text, Path::new("r.toml")).unwrap_err().to_string();
            assert!(msg.contains(want), "{text}: {msg}");
        }
    }
}
