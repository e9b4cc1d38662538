//! The PDF reports, composed with typst used as a library. All typst code
//! of the crate lives in this module, behind [`render_pdf`].
//!
//! How it works:
//! - [`cabinet_markup`] / [`department_markup`] turn [`ReportData`] into a
//!   typst source `/main.typ` that defines one dictionary `d` of
//!   ready-to-print values and calls the template. Every string from the
//!   data is written as a typst *string literal* ([`escape`]), so a
//!   department called `Parks #2 *[East]* $x_y @z <a>` is printed as is
//!   and never read as markup. Numbers are formatted here (rates with two
//!   decimals, money with thousands separators, shares as percentages);
//!   the template only lays them out.
//! - The template (`fonts/report.typ`, embedded with `include_str!`) is the
//!   virtual file `/report.typ`, the tier colours of [`charts::tier_hex`]
//!   are `/theme.typ`, and the charts of [`super::charts`] are the virtual
//!   files `/rates-N.svg`, `/city_trend.svg`, … read through
//!   [`World::file`]. Nothing is read from disk.
//! - Fonts are embedded in the binary: DejaVu Sans (the `dejavu` crate) for
//!   text and charts, plus typst-kit's embedded fonts as fallbacks. System
//!   fonts are never scanned.
//! - Deterministic: `today()` is `None`, the document date is `none` and the
//!   creator string is fixed, so the same data gives the same PDF bytes.
//!
//! A department PDF only ever receives its own [`DepartmentReport`] plus
//! city-wide figures: no other department's name reaches its markup.

use std::fmt::Write as _;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::charts::{self, ChartError};
use super::data::{CaseLine, DepartmentReport, RankingRow, ReportData, RiskTier};
use crate::schema::{Cents, Month, OshaClass};

/// The typst template, shared by both documents.
const TEMPLATE: &str = include_str!("fonts/report.typ");

/// Departments per predicted-rate chart page (the charts share one axis).
const RATE_CHART_ROWS: usize = 20;

/// Which PDF to render.
#[derive(Debug, Clone, Copy)]
pub enum PdfDocument<'a> {
    /// `cabinet.pdf`: the city-wide ranking for the Risk Reduction Cabinet.
    Cabinet(&'a ReportData),
    /// `departments/<dept>.pdf`: one department's own report.
    Department(&'a ReportData, &'a DepartmentReport),
}

/// Why a PDF could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("invalid virtual path {0:?}")]
    Path(String),
    #[error("typst compilation failed:\n{0}")]
    Compile(String),
    #[error("PDF export failed:\n{0}")]
    Export(String),
}

/// Renders one PDF to bytes.
pub fn render_pdf(doc: &PdfDocument<'_>) -> Result<Vec<u8>, PdfError> {
    let (markup, files, ident) = match *doc {
        PdfDocument::Cabinet(data) => (cabinet_markup(data), cabinet_charts(data)?, "riskrank-cabinet".to_string()),
        PdfDocument::Department(data, dept) => (
            department_markup(data, dept),
            department_charts(dept)?,
            format!("riskrank-department-{}", dept.row.department),
        ),
    };
    let world = ReportWorld::new(markup, files)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|diags| PdfError::Compile(describe(&world, &diags)))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("{ident}-{}", data_month(doc))),
        creator: Smart::Custom(Some("riskrank (typst 0.15.1)".to_string())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|diags| PdfError::Export(describe(&world, &diags)))?;
    // Keep typst's memoisation cache from growing across many documents.
    typst::comemo::evict(0);
    Ok(pdf)
}

fn data_month(doc: &PdfDocument<'_>) -> Month {
    match *doc {
        PdfDocument::Cabinet(d) | PdfDocument::Department(d, _) => d.ranking.as_of,
    }
}

/// Diagnostics as text: one line each, with the file and line they point at.
fn describe(world: &ReportWorld, diags: &[SourceDiagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = d
            .span
            .id()
            .and_then(|id| {
                let source = world.source(id).ok()?;
                let range = world.range(d.span)?;
                let (line, col) = source.lines().byte_to_line_column(range.start)?;
                Some(format!(" at {}:{}:{}", id.vpath().get_without_slash(), line + 1, col + 1))
            })
            .unwrap_or_default();
        let _ = write!(out, "{severity}{place}: {}", d.message);
        for hint in &d.hints {
            let _ = write!(out, " (hint: {})", hint.v);
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

// ------------------------------------------------------------------ world

/// The fonts: DejaVu Sans for text, typst's embedded fonts as fallbacks.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let dejavu: [&'static [u8]; 6] = [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
        dejavu::sans::bold_oblique(),
        dejavu::sans_condensed::regular(),
        dejavu::sans_condensed::bold(),
    ];
    let mut fonts: Vec<Font> = dejavu.into_iter().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    fonts.extend(typst_kit::fonts::embedded().map(|(font, _)| font));
    let book = FontBook::from_fonts(&fonts);
    Fonts { book: LazyHash::new(book), fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A closed world: the generated main file, the template and the charts.
struct ReportWorld {
    main: FileId,
    sources: Vec<(FileId, Source)>,
    files: Vec<(FileId, Bytes)>,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|e| PdfError::Path(format!("{path}: {e}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ReportWorld {
    fn new(markup: String, charts: Vec<(String, String)>) -> Result<Self, PdfError> {
        let main = file_id("/main.typ")?;
        let template = file_id("/report.typ")?;
        let theme = file_id("/theme.typ")?;
        let sources = vec![
            (main, Source::new(main, markup)),
            (template, Source::new(template, TEMPLATE.to_string())),
            (theme, Source::new(theme, theme_markup())),
        ];
        let files = charts
            .into_iter()
            .map(|(name, svg)| Ok((file_id(&format!("/{name}"))?, Bytes::from_string(svg))))
            .collect::<Result<Vec<_>, PdfError>>()?;
        Ok(ReportWorld { main, sources, files })
    }
}

/// `/theme.typ`: the tier colours of [`charts::tier_hex`] as a typst
/// dictionary, so that table cells and chart bars share one definition.
fn theme_markup() -> String {
    let mut out = String::from("#let tier-fill = (\n");
    for tier in [RiskTier::High, RiskTier::Elevated, RiskTier::Moderate, RiskTier::Low] {
        let _ = writeln!(out, "  {}: rgb({}),", tier.as_str(), escape(charts::tier_hex(tier)));
    }
    out.push_str(")\n");
    out
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.iter().find(|(i, _)| *i == id).map(|(_, s)| s.clone()).ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((_, bytes)) = self.files.iter().find(|(i, _)| *i == id) {
            return Ok(bytes.clone());
        }
        self.source(id).map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

// ----------------------------------------------------------------- charts

/// Content height available to a chart on a landscape A4 page, in pt
/// (page minus margins, heading and caption).
const LANDSCAPE_CHART_HEIGHT: f64 = 420.0;
/// Landscape A4 text width in pt (297 mm − 2 × 16 mm).
const LANDSCAPE_WIDTH: f64 = 751.0;

fn rate_chart_names(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("rates-{i}.svg")).collect()
}

fn cabinet_charts(data: &ReportData) -> Result<Vec<(String, String)>, PdfError> {
    let rates = charts::predicted_rates_svgs(&data.ranking, RATE_CHART_ROWS)?;
    let mut files: Vec<(String, String)> = rate_chart_names(rates.len()).into_iter().zip(rates).collect();
    files.push(("city_trend.svg".to_string(), charts::city_trend_svg(&data.city_history)?));
    files.push(("pareto.svg".to_string(), charts::pareto_svg(&data.cause_pareto)?));
    Ok(files)
}

fn department_charts(dept: &DepartmentReport) -> Result<Vec<(String, String)>, PdfError> {
    Ok(vec![
        ("dept_trend.svg".to_string(), charts::department_trend_svg(dept)?),
        ("mix.svg".to_string(), charts::mix_svg(dept)?),
    ])
}

/// The `width` and `height` attributes of an SVG's root element.
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let start = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let len = head[start..].find('"')?;
        head[start..start + len].parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

/// The width (percent of the text width) at which a landscape chart fits
/// its page.
fn landscape_fit(svg: &str) -> f64 {
    match svg_size(svg) {
        Some((w, h)) if w > 0.0 && h > 0.0 => {
            let full_height = LANDSCAPE_WIDTH * h / w;
            (LANDSCAPE_CHART_HEIGHT / full_height * 100.0).clamp(30.0, 100.0).floor()
        }
        _ => 100.0,
    }
}

// ----------------------------------------------------------------- markup

/// `s` as a typst string literal (with its quotes): printed verbatim in
/// markup (`#"…"`) and safe as an argument. Backslashes, quotes and
/// control characters are escaped; markup characters such as `# * _ $ @ <
/// [ ]` need nothing inside a string.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A typst value, written as typst code.
enum V {
    Str(String),
    Bool(bool),
    None,
    /// Typst code written as is (lengths, ratios): never user data.
    Code(String),
    Arr(Vec<V>),
    Dict(Vec<(&'static str, V)>),
}

fn s(text: impl Into<String>) -> V {
    V::Str(text.into())
}

impl V {
    fn write(&self, out: &mut String, indent: usize) {
        match self {
            V::Str(text) => out.push_str(&escape(text)),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::None => out.push_str("none"),
            V::Code(code) => out.push_str(code),
            V::Arr(items) if items.is_empty() => out.push_str("()"),
            V::Arr(items) => {
                out.push('(');
                for item in items {
                    newline(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push(',');
                }
                newline(out, indent);
                out.push(')');
            }
            V::Dict(entries) if entries.is_empty() => out.push_str("(:)"),
            V::Dict(entries) => {
                out.push('(');
                for (key, value) in entries {
                    newline(out, indent + 1);
                    out.push_str(key);
                    out.push_str(": ");
                    value.write(out, indent + 1);
                    out.push(',');
                }
                newline(out, indent);
                out.push(')');
            }
        }
    }
}

fn newline(out: &mut String, indent: usize) {
    out.push('\n');
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// The main file: the data dictionary and the call of the template.
fn main_file(data: V, call: &str) -> String {
    let mut out = String::from(
        "// Generated by riskrank: the report's data as one typst dictionary `d`.\n\
         // Every string is a typst string literal; the layout is in report.typ.\n\
         #import \"report.typ\": *\n\
         #let d = ",
    );
    data.write(&mut out, 0);
    let _ = write!(out, "\n#{call}(d)\n");
    out
}

// ------------------------------------------------------------- formatting

const DASH: &str = "—";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_long(m: Month) -> String {
    format!("{} {}", MONTHS[(m.month() as usize - 1) % 12], m.year())
}

/// The forecast window after `as_of`, e.g. "July–September 2025" or
/// "December 2025–February 2026".
fn horizon_text(as_of: Month, horizon: u32) -> String {
    let first = Month::from_index(as_of.index() + 1);
    let last = Month::from_index(as_of.index() + horizon.max(1) as i32);
    if first == last {
        month_long(first)
    } else if first.year() == last.year() {
        format!("{}–{}", MONTHS[(first.month() as usize - 1) % 12], month_long(last))
    } else {
        format!("{}–{}", month_long(first), month_long(last))
    }
}

fn months_word(n: u32) -> String {
    if n == 1 { "1 month".to_string() } else { format!("{n} months") }
}

/// Digits with thousands separators: 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole dollars with separators: "$1,234,567", "-$12".
fn dollars(amount: f64) -> String {
    if !amount.is_finite() {
        return DASH.to_string();
    }
    let rounded = amount.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}${}", thousands(rounded.abs() as u64))
}

fn money(c: Cents) -> String {
    let whole = (c.0.unsigned_abs() + 50) / 100;
    let sign = if c.0 < 0 && whole > 0 { "-" } else { "" };
    format!("{sign}${}", thousands(whole))
}

fn fixed(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => DASH.to_string(),
    }
}

fn rate(v: Option<f64>) -> String {
    fixed(v, 2)
}

/// A share (0–1) as a percentage: "23%", "<1%".
fn pct(v: f64) -> String {
    if !v.is_finite() {
        DASH.to_string()
    } else if v > 0.0 && v < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// A signed share with one decimal: "+12.3%", "−4.0%".
fn signed_pct(v: f64) -> String {
    if !v.is_finite() {
        return DASH.to_string();
    }
    let p = v * 100.0;
    if p < 0.0 { format!("−{:.1}%", -p) } else { format!("+{p:.1}%") }
}

fn count(n: u64) -> String {
    thousands(n)
}

fn opt_count(n: Option<u32>) -> String {
    n.map_or_else(|| DASH.to_string(), |n| thousands(u64::from(n)))
}

fn interval(row: &RankingRow) -> String {
    format!("{}–{}", row.predicted_cases_low, row.predicted_cases_high)
}

fn rank_change(change: Option<i64>) -> String {
    match change {
        None => DASH.to_string(),
        Some(0) => "=".to_string(),
        Some(c) if c > 0 => format!("▲{c}"),
        Some(c) => format!("▼{}", c.unsigned_abs()),
    }
}

fn class_word(c: OshaClass) -> &'static str {
    match c {
        OshaClass::Death => "death",
        OshaClass::DaysAway => "days away",
        OshaClass::Restricted => "restricted",
        OshaClass::OtherRecordable => "other recordable",
        OshaClass::FirstAid => "first aid",
        OshaClass::NearMiss => "near miss",
    }
}

fn stat(value: impl Into<String>, label: impl Into<String>, note: Option<String>) -> V {
    V::Dict(vec![("value", s(value)), ("label", s(label)), ("note", note.map_or(V::None, V::Str))])
}

/// "predicted TRIR" or, without hours, "predicted cases".
fn measure(rated: bool) -> &'static str {
    if rated { "predicted TRIR" } else { "predicted cases" }
}

fn tier_counts(rows: &[RankingRow]) -> String {
    [RiskTier::High, RiskTier::Elevated, RiskTier::Moderate, RiskTier::Low]
        .iter()
        .map(|t| format!("{} {}", rows.iter().filter(|r| r.risk_tier == *t).count(), t.as_str()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// How many cases a department PDF lists (its CSV has all of them).
pub const MAX_LISTED_CASES: usize = 300;

const LTIR_NOTE: &str = "LTIR convention: lost-time cases are deaths plus days-away cases (restricted-only cases are \
not lost time here, they count in DART), per 200,000 hours worked. Some agencies count restricted cases as lost \
time too; compare LTIR across sources only under the same convention.";

// ---------------------------------------------------------------- cabinet

fn ranked(data: &ReportData) -> Vec<&RankingRow> {
    let mut rows: Vec<&RankingRow> = data.ranking.rows.iter().collect();
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.department.cmp(&b.department)));
    rows
}

/// The typst markup of `cabinet.pdf` (the main file; the template is
/// `fonts/report.typ`).
pub fn cabinet_markup(data: &ReportData) -> String {
    main_file(cabinet_value(data), "cabinet")
}

fn cabinet_value(data: &ReportData) -> V {
    let r = &data.ranking;
    let rows = ranked(data);
    let n = rows.len();
    let month = r.as_of.to_string();
    let window = horizon_text(r.as_of, r.horizon);
    let cov = &data.coverage;
    let panel_months = cov.panel_end.index() - cov.panel_start.index() + 1;
    let read: u64 = cov.files.iter().map(|f| f.read).sum();

    let city = if r.rated { rate(Some(r.city_predicted)) } else { fixed(Some(r.city_predicted), 1) };
    let high: Vec<&str> = rows.iter().filter(|x| x.risk_tier == RiskTier::High).map(|x| x.name.as_str()).collect();
    let high_note = match high.len() {
        0 => None,
        1..=3 => Some(high.join("; ")),
        k => Some(format!("{}; and {} more", high[..2].join("; "), k - 2)),
    };
    let stats = vec![
        stat(count(n as u64), "departments ranked", Some(tier_counts(&data.ranking.rows))),
        stat(count(high.len() as u64), "in the high tier", high_note),
        stat(
            city,
            if r.rated { "city-wide predicted TRIR" } else { "mean predicted cases per department" },
            Some(format!("{window} ({})", months_word(r.horizon))),
        ),
        stat(
            count(panel_months.max(0) as u64),
            "months of data",
            Some(format!("{} to {}", month_long(cov.panel_start), month_long(cov.panel_end))),
        ),
        stat(count(cov.rows_quarantined), "rows quarantined", Some(format!("of {} rows read", count(read)))),
    ];

    let mut files: Vec<V> = cov
        .files
        .iter()
        .map(|f| {
            V::Dict(vec![
                ("file", s(&f.file)),
                ("read", s(count(f.read))),
                ("accepted", s(count(f.accepted))),
                ("quarantined", s(count(f.quarantined))),
            ])
        })
        .collect();
    if cov.files.len() > 1 {
        files.push(V::Dict(vec![
            ("file", s("All files")),
            ("read", s(count(read))),
            ("accepted", s(count(cov.files.iter().map(|f| f.accepted).sum()))),
            ("quarantined", s(count(cov.files.iter().map(|f| f.quarantined).sum()))),
        ]));
    }
    let coverage = V::Dict(vec![
        (
            "summary",
            s(format!(
                "Panel {} to {} ({}), {} departments. {} of {} rows read were quarantined.",
                month_long(cov.panel_start),
                month_long(cov.panel_end),
                months_word(panel_months.max(0) as u32),
                count(cov.departments as u64),
                count(cov.rows_quarantined),
                count(read),
            )),
        ),
        ("files", V::Arr(files)),
        (
            "quarantine-note",
            s("Quarantined rows failed validation (unknown department, duplicate id, impossible date, malformed \
               line…). They are in no figure of this report and are kept unchanged, with the reason, in the \
               quarantine files for the data steward."),
        ),
    ]);

    let value_of = |x: &RankingRow| if r.rated { rate(x.predicted_rate) } else { fixed(Some(x.predicted_cases), 1) };
    let top_n = rows.iter().filter(|x| matches!(x.risk_tier, RiskTier::High | RiskTier::Elevated)).count().clamp(5, 8);
    let top: Vec<V> = rows
        .iter()
        .take(top_n)
        .map(|x| {
            V::Dict(vec![
                ("rank", s(x.rank.to_string())),
                ("name", s(&x.name)),
                ("value", s(value_of(x))),
                ("tier", s(x.risk_tier.as_str())),
            ])
        })
        .collect();

    let table_rows: Vec<V> = rows
        .iter()
        .map(|x| {
            V::Dict(vec![
                ("rank", s(x.rank.to_string())),
                ("change", s(rank_change(x.rank_change))),
                ("name", s(&x.name)),
                ("code", s(&x.department)),
                ("group", s(x.group.clone().unwrap_or_else(|| DASH.to_string()))),
                ("tier", s(x.risk_tier.as_str())),
                ("cases", s(fixed(Some(x.predicted_cases), 1))),
                ("interval", s(interval(x))),
                ("rate", s(rate(x.predicted_rate))),
                ("trir", s(rate(x.trailing12_trir))),
                ("dart", s(rate(x.trailing12_dart))),
                ("incurred", s(money(x.trailing12_incurred))),
                ("predicted-incurred", s(dollars(x.predicted_incurred))),
                ("ae", s(fixed(x.actual_to_expected, 2))),
                ("driver", s(&x.top_driver)),
            ])
        })
        .collect();
    let ranking_header: Vec<V> = [
        "Rank",
        "Move",
        "Department",
        "Group",
        "Tier",
        "Pred. cases",
        "90% interval",
        if r.rated { "Pred. TRIR" } else { "Pred. rate" },
        "TRIR t12",
        "DART t12",
        "Incurred t12",
        "Pred. incurred",
        "A/E",
        "Top driver",
    ]
    .into_iter()
    .map(s)
    .collect();
    let ranking_intro = if r.rated {
        format!(
            "All {n} departments, ranked by predicted TRIR for {window}: recordable cases expected per 200,000 hours \
             worked (100 full-time workers for a year). The city-wide predicted TRIR is {}. Tier colours follow the \
             tier rule at the end of this report.",
            rate(Some(r.city_predicted))
        )
    } else {
        format!(
            "All {n} departments, ranked by predicted recordable cases for {window}, because rates are unavailable \
             (no hours worked); rate columns show {DASH}. The city's mean is {} predicted cases per department.",
            fixed(Some(r.city_predicted), 1)
        )
    };
    let ranking_notes = format!(
        "Move: places moved since the last run (▲ up toward rank 1, ▼ down, = unchanged, {DASH} no previous run). \
         90% interval: the range of recordable cases expected with 90% probability over {window}. t12: the 12 months \
         to {}. Incurred: claims cost at valuation, whole dollars. A/E: trailing-12 recordables over what the model \
         expected for them. {DASH}: not available.",
        month_long(r.as_of)
    );

    let rate_svgs = charts::predicted_rates_svgs(&data.ranking, RATE_CHART_ROWS);
    let rate_charts: Vec<V> = match &rate_svgs {
        Ok(svgs) => rate_chart_names(svgs.len())
            .into_iter()
            .zip(svgs)
            .map(|(file, svg)| V::Dict(vec![("file", s(file)), ("width", V::Code(format!("{}%", landscape_fit(svg))))]))
            .collect(),
        Err(_) => vec![V::Dict(vec![("file", s("rates-1.svg")), ("width", V::Code("100%".into()))])],
    };
    let rate_chart_caption = if r.rated {
        format!(
            "Bars: predicted TRIR for {window}, coloured by tier. Whiskers: 90% interval (the case interval at the \
             department's hours). Dashed line: city-wide predicted TRIR ({}).",
            rate(Some(r.city_predicted))
        )
    } else {
        format!(
            "Bars: predicted recordable cases for {window}, coloured by tier (rates unavailable: no hours worked). \
             Whiskers: 90% interval. Dashed line: the city's mean per department ({}).",
            fixed(Some(r.city_predicted), 1)
        )
    };

    let trend_span = match (data.city_history.first(), data.city_history.last()) {
        (Some(a), Some(b)) => format!(", {} to {}", month_long(a.month), month_long(b.month)),
        _ => String::new(),
    };
    let trend_caption = format!(
        "City-wide TRIR and DART per month (recordable and days-away/restricted cases per 200,000 hours) and \
         incurred on claims by injury month{trend_span}. Recent months' incurred is still developing."
    );

    let mut movers: Vec<&super::data::Mover> = data.movers.iter().filter(|m| m.change != 0).collect();
    movers.sort_by(|a, b| b.change.abs().cmp(&a.change.abs()).then(a.rank.cmp(&b.rank)));
    let movers: Vec<V> = movers
        .into_iter()
        .take(12)
        .map(|m| {
            V::Dict(vec![
                ("name", s(&m.name)),
                ("code", s(&m.department)),
                ("previous", s(m.previous_rank.to_string())),
                ("rank", s(m.rank.to_string())),
                ("change", s(rank_change(Some(m.change)))),
            ])
        })
        .collect();

    let definitions: Vec<V> =
        data.definitions.iter().map(|(term, text)| V::Dict(vec![("term", s(term)), ("text", s(text))])).collect();

    V::Dict(vec![
        ("title", s(&data.title)),
        ("month", s(&month)),
        (
            "subtitle",
            s(format!(
                "{} · data to {} · forecast for {window}",
                if r.rated { "Ranking by predicted TRIR" } else { "Ranking by predicted cases (rates unavailable)" },
                month_long(r.as_of),
            )),
        ),
        ("rated", V::Bool(r.rated)),
        ("stats", V::Arr(stats)),
        ("coverage", coverage),
        ("value-header", s(if r.rated { "Pred. TRIR" } else { "Pred. cases" })),
        ("top", V::Arr(top)),
        (
            "reading-note",
            s(if r.rated {
                format!(
                    "Predicted TRIR: recordable cases expected per 200,000 hours worked over {window}. Tiers compare \
                     each department with the city-wide {}; the full ranking follows.",
                    rate(Some(r.city_predicted))
                )
            } else {
                format!(
                    "Predicted recordable cases over {window}; without hours worked no rate can be computed. \
                     The full ranking follows."
                )
            }),
        ),
        ("ranking-intro", s(ranking_intro)),
        ("ranking-header", V::Arr(ranking_header)),
        ("rows", V::Arr(table_rows)),
        ("ranking-notes", s(ranking_notes)),
        ("rate-charts", V::Arr(rate_charts)),
        ("rate-chart-title", s(if r.rated { "Predicted TRIR by department" } else { "Predicted cases by department" })),
        ("rate-chart-caption", s(rate_chart_caption)),
        ("trend-caption", s(trend_caption)),
        ("movers", V::Arr(movers)),
        (
            "movers-empty",
            s("No department changed rank since the last run, or there is no previous run to compare with."),
        ),
        (
            "pareto-caption",
            s(format!(
                "City-wide cases by cause over the 12 months to {}, largest first, with the cumulative share.",
                month_long(r.as_of)
            )),
        ),
        ("trust", data.trust.as_ref().map_or(V::None, trust_value)),
        (
            "trust-missing",
            s("The model file records no backtest, so how well this ranking predicts has not been measured. Read \
               it as a structured summary of recent experience, not as a tested forecast."),
        ),
        ("tier-rule", s(&data.tier_rule)),
        ("definitions", V::Arr(definitions)),
        ("ltir-note", s(LTIR_NOTE)),
    ])
}

fn skill_reading(skill: f64) -> &'static str {
    if skill >= 0.05 {
        "better than the baseline"
    } else if skill > -0.05 {
        "about the same as the baseline"
    } else {
        "worse than the baseline"
    }
}

fn coverage_reading(c: f64) -> &'static str {
    if c < 0.85 {
        "too narrow: outcomes fall outside more often than 1 in 10"
    } else if c > 0.95 {
        "wider than needed"
    } else {
        "close to the 90% target"
    }
}

fn trust_value(t: &super::data::Trust) -> V {
    let horizon = |h: u32| months_word(h);
    let longest = t.skill_vs_trailing12.iter().max_by_key(|(h, _)| *h);
    let verdict = match longest {
        Some((h, sk)) if *sk >= 0.05 => {
            format!("The model beats the simple baseline: {:.0}% less deviance at {}", sk * 100.0, horizon(*h))
        }
        Some((h, sk)) if *sk > -0.05 => format!("The model is about as good as the simple baseline at {}", horizon(*h)),
        Some((h, _)) => format!("The model does worse than the simple baseline at {}: use with care", horizon(*h)),
        None => "Backtest".to_string(),
    };
    let skill: Vec<V> = t
        .skill_vs_trailing12
        .iter()
        .map(|(h, sk)| {
            V::Dict(vec![
                ("horizon", s(horizon(*h))),
                ("value", s(signed_pct(*sk))),
                ("reading", s(skill_reading(*sk))),
            ])
        })
        .collect();
    let coverage: Vec<V> = t
        .coverage_90
        .iter()
        .map(|(h, c)| {
            V::Dict(vec![
                ("horizon", s(horizon(*h))),
                ("value", s(format!("{:.1}%", c * 100.0))),
                ("reading", s(coverage_reading(*c))),
            ])
        })
        .collect();
    let footer = match t.spearman_observed {
        Some(rho) => format!(
            "Rank agreement between the predicted ranking and what then happened (Spearman): {rho:.2} (1 = same \
             order, 0 = unrelated)."
        ),
        None => "Rank agreement with observed outcomes is not available for this model.".to_string(),
    };
    V::Dict(vec![
        ("verdict", s(verdict)),
        (
            "intro",
            s(format!(
                "Backtest of model {}, trained on data to {}: forecasts made from past months were compared with what \
                 happened next. Skill is the reduction in Poisson deviance against the trailing-12 baseline (each \
                 department's last 12 months carried forward): 0% is no better than the baseline, higher is better. \
                 Coverage is the share of actual outcomes inside the 90% interval; 90% is ideal.",
                t.model_file,
                month_long(t.trained_to)
            )),
        ),
        ("skill", V::Arr(skill)),
        ("coverage", V::Arr(coverage)),
        ("footer", s(footer)),
    ])
}

// ------------------------------------------------------------- department

/// The typst markup of one department's PDF (the main file; the template
/// is `fonts/report.typ`). Only `dept` and city-wide figures of `data` are
/// used: no other department is named.
pub fn department_markup(data: &ReportData, dept: &DepartmentReport) -> String {
    main_file(department_value(data, dept), "department")
}

fn department_value(data: &ReportData, dept: &DepartmentReport) -> V {
    let r = &data.ranking;
    let row = &dept.row;
    let total = r.rows.len().max(row.rank as usize);
    let window = horizon_text(r.as_of, r.horizon);
    let group = row.group.clone().unwrap_or_else(|| DASH.to_string());

    let stats = vec![
        stat(
            fixed(Some(row.predicted_cases), 1),
            "predicted recordable cases",
            Some(format!("90% interval {}", interval(row))),
        ),
        if r.rated {
            stat(
                rate(row.predicted_rate),
                "predicted TRIR (per 200,000 h)",
                Some(format!("city-wide {}", rate(Some(r.city_predicted)))),
            )
        } else {
            stat(DASH, "predicted TRIR", Some("unavailable: no hours worked".to_string()))
        },
        stat(rate(row.trailing12_trir), "TRIR, last 12 months", Some(format!("DART {}", rate(row.trailing12_dart)))),
        stat(
            money(dept.incurred_t12),
            "incurred, last 12 months",
            Some(format!(
                "{} open {} · {} predicted",
                count(dept.open_claims),
                if dept.open_claims == 1 { "claim" } else { "claims" },
                dollars(row.predicted_incurred)
            )),
        ),
    ];

    let moved = match row.rank_change {
        None => "There is no previous run to compare the rank with.".to_string(),
        Some(0) => "The rank is unchanged since the last run.".to_string(),
        Some(c) if c > 0 => format!("It moved up {} since the last run.", places(c)),
        Some(c) => format!("It moved down {} since the last run.", places(-c)),
    };
    let standing = format!(
        "Rank {} of {total} by {} for {window}; tier {}. {moved} Cost rank {} of {total}. Actual to expected \
         (trailing 12 months): {}. Credibility of the department's own experience: z = {:.2}.",
        row.rank,
        measure(r.rated),
        row.risk_tier.as_str(),
        row.cost_rank,
        fixed(row.actual_to_expected, 2),
        row.credibility_z,
    );

    let mix: Vec<V> = {
        let mut m: Vec<&super::data::MixShare> = dept.mix.iter().collect();
        m.sort_by(|a, b| {
            (a.kind != "cause").cmp(&(b.kind != "cause")).then(b.share.total_cmp(&a.share)).then(a.label.cmp(&b.label))
        });
        m.into_iter()
            .map(|x| {
                let diff = (x.share - x.city_share) * 100.0;
                let diff = if diff.abs() < 0.5 {
                    "±0 pts".to_string()
                } else if diff > 0.0 {
                    format!("+{diff:.0} pts")
                } else {
                    format!("−{:.0} pts", -diff)
                };
                V::Dict(vec![
                    (
                        "kind",
                        s(if x.kind == "body_part" {
                            "Body part"
                        } else if x.kind == "cause" {
                            "Cause"
                        } else {
                            &x.kind
                        }),
                    ),
                    ("label", s(&x.label)),
                    ("cases", s(count(u64::from(x.cases)))),
                    ("share", s(pct(x.share))),
                    ("city-share", s(pct(x.city_share))),
                    ("diff", s(diff)),
                ])
            })
            .collect()
    };

    // A large department logs thousands of cases a year: the PDF lists the
    // newest ones, the department's CSV has them all.
    let cases: Vec<V> = dept.cases.iter().take(MAX_LISTED_CASES).map(case_value).collect();
    let recordable = dept.cases.iter().filter(|c| c.osha_class.is_recordable()).count();
    let listed = if dept.cases.len() > MAX_LISTED_CASES {
        format!(
            " The newest {MAX_LISTED_CASES} are listed here; all {} are in departments/{}.csv.",
            count(dept.cases.len() as u64),
            row.department
        )
    } else {
        String::new()
    };

    V::Dict(vec![
        ("title", s(format!("{} — department risk report {}", row.name, r.as_of))),
        ("name", s(&row.name)),
        ("month-long", s(month_long(r.as_of).to_uppercase())),
        ("footer", s(format!("{} · {}", row.department, r.as_of))),
        ("identity", s(format!("Department {} · peer group {group} · forecast for {window}", row.department))),
        ("rank", s(format!("{} of {total}", row.rank))),
        ("tier", s(row.risk_tier.as_str())),
        ("rated", V::Bool(r.rated)),
        ("stats", V::Arr(stats)),
        ("drivers", V::Arr(dept.drivers.iter().map(s).collect())),
        ("standing", s(standing)),
        (
            "trend-caption",
            s(format!(
                "Trailing-12-month TRIR and DART per 200,000 hours: this department, its peer group ({group}) and the \
                 city. Peer group and city are aggregates; no other department is shown."
            )),
        ),
        (
            "mix-caption",
            s("Share of this department's cases over the last 12 months by cause and by part of body (largest \
               eight of each), against the city-wide share."),
        ),
        ("mix", V::Arr(mix)),
        (
            "cases-intro",
            s(format!(
                "{} cases in the 12 months to {} ({} recordable), newest first.{listed} Incurred is the linked claims' \
                 cost at valuation; {DASH} where there is no claim or the value is missing.",
                count(dept.cases.len() as u64),
                month_long(r.as_of),
                count(recordable as u64),
            )),
        ),
        ("cases", V::Arr(cases)),
        (
            "privacy-note",
            s(format!(
                "This report shows this department's own records and city-wide aggregates only; no names, employee \
                 ids or free-text descriptions are included. Tier rule: {}",
                data.tier_rule
            )),
        ),
    ])
}

fn places(n: i64) -> String {
    if n == 1 { "1 place".to_string() } else { format!("{n} places") }
}

fn case_value(c: &CaseLine) -> V {
    V::Dict(vec![
        ("id", s(&c.case_id)),
        ("date", s(c.event_date.to_string())),
        ("class", s(class_word(c.osha_class))),
        ("away", s(opt_count(c.days_away))),
        ("restricted", s(opt_count(c.days_restricted))),
        ("cause", s(c.cause.clone().unwrap_or_else(|| DASH.to_string()))),
        ("part", s(c.body_part.clone().unwrap_or_else(|| DASH.to_string()))),
        ("incurred", s(c.incurred.map_or_else(|| DASH.to_string(), money))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_string_literals() {
        assert_eq!(escape("plain"), "\"plain\"");
        assert_eq!(escape("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(escape("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
        assert_eq!(escape("bell\u{7}"), "\"bell\\u{7}\"");
        // Markup characters need nothing inside a string literal.
        assert_eq!(escape("#*_$@<a>[x]`~"), "\"#*_$@<a>[x]`~\"");
    }

    #[test]
    fn escaped_strings_parse_back_verbatim() {
        for text in ["Parks & Rec #2 [East] *\"Q\"* $x_y @z <a>", "back\\slash \" // /* not a comment */", "ünï ☃"]
        {
            let code = escape(text);
            let root = typst::syntax::parse_code(&code);
            assert!(root.errors_and_warnings().0.is_empty(), "{code}");
            let lit = root.children().find_map(|n| n.cast::<typst::syntax::ast::Str>()).map(|s| s.get().to_string());
            assert_eq!(lit.as_deref(), Some(text));
        }
    }

    #[test]
    fn numbers_are_formatted_for_readers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(money(Cents(123_456_789)), "$1,234,568");
        assert_eq!(money(Cents(-1_250)), "-$13");
        assert_eq!(dollars(999.4), "$999");
        assert_eq!(rate(Some(2.345)), "2.35");
        assert_eq!(rate(None), "—");
        assert_eq!(pct(0.234), "23%");
        assert_eq!(pct(0.001), "<1%");
        assert_eq!(signed_pct(-0.04), "−4.0%");
        assert_eq!(rank_change(Some(3)), "▲3");
        assert_eq!(rank_change(Some(-2)), "▼2");
    }

    #[test]
    fn horizon_spans_years() {
        let m = |y, mo| Month::new(y, mo).unwrap_or_else(|| Month::from_index(0));
        assert_eq!(horizon_text(m(2025, 6), 3), "July–September 2025");
        assert_eq!(horizon_text(m(2025, 11), 3), "December 2025–February 2026");
        assert_eq!(horizon_text(m(2025, 6), 1), "July 2025");
    }

    #[test]
    fn compile_errors_name_the_place() {
        let world = ReportWorld::new("= Title\n#let x = (\n".to_string(), Vec::new());
        let Ok(world) = world else { panic!("world") };
        let Err(diags) = typst::compile::<PagedDocument>(&world).output else { panic!("compiled") };
        let message = describe(&world, &diags);
        assert!(message.starts_with("error at main.typ:"), "{message}");
    }

    #[test]
    fn theme_defines_every_tier() {
        let theme = theme_markup();
        for tier in ["high", "elevated", "moderate", "low"] {
            assert!(theme.contains(&format!("  {tier}: rgb(\"#")), "{theme}");
        }
    }

    #[test]
    fn svg_size_reads_the_root_element() {
        let svg = "<svg width=\"1000\" height=\"438\" viewBox=\"0 0 1000 438\" xmlns=\"x\">";
        assert_eq!(svg_size(svg), Some((1000.0, 438.0)));
    }
}
