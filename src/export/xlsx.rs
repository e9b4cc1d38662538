//! `ranking.xlsx` and `departments/<stem>.xlsx`: the month's CSVs as Excel
//! workbooks, for the people who open them in a spreadsheet; and
//! [`CsvWorkbook`], any set of CSVs as sheets (the OSHA forms' workbook).
//!
//! The sheets are made from the very CSV bytes the other exporters write
//! (`ranking.csv`, `panel.csv`, `departments/<stem>.csv`), read back cell
//! by cell, so a workbook can never show another figure than its CSV. Each
//! column has a [`Kind`]: numbers are written as numbers with a display
//! format (the stored value is the CSV's, to its decimals), everything
//! else as a string with `write_string`, never as a formula, so a
//! department named `=HYPERLINK(…)` is that text in Excel too (the CSVs'
//! [`neutralise`](super::neutralise) quote is taken off first).
//!
//! The workbooks are byte-stable: the document's creation time, the only
//! clock rust_xlsxwriter reads, is set to the as-of month's last day.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use super::department::CaseListCsv;
use super::panel::PanelCsv;
use super::{Exporter, FormatError};
use crate::gate::Verdict;
use crate::ingest::FileReport;
use crate::panel::Panel;
use crate::rank::RiskTier;
use crate::report::data::CaseLine;
use crate::schema::Month;

/// The month workbook's name, beside `ranking.csv`.
pub const FILE: &str = "ranking.xlsx";

/// The sheets of `ranking.xlsx`, in order.
pub const SHEETS: [&str; 5] = ["Ranking", "Trailing-12", "Panel", "Data quality", "Definitions"];

/// The sheets of a department's workbook, in order.
pub const DEPARTMENT_SHEETS: [&str; 3] = ["Ranking row", "Panel", "Cases"];

/// The department's workbook path inside the month's folder.
pub fn department_path(code: &str) -> String {
    format!("departments/{}.xlsx", super::department::file_stem(code))
}

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("the {sheet} sheet cannot be written")]
    Sheet {
        sheet: &'static str,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("the table of the {sheet} sheet cannot be read back")]
    Table {
        sheet: &'static str,
        #[source]
        source: csv::Error,
    },
    #[error("the workbook cannot be assembled")]
    Save(#[source] rust_xlsxwriter::XlsxError),
    #[error("department {0:?} has no row in the ranking")]
    NoRankingRow(String),
}

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Whole numbers (counts, ranks, days).
    Count,
    /// Rates, ratios and predicted cases, shown with 2 decimals.
    Decimal,
    /// Dollars, shown whole with a thousands separator.
    Dollars,
    /// Fractions shown as percentages (driver shares, trend per year).
    Share,
    /// Log-scale contributions, shown with 4 decimals.
    Log,
}

impl Kind {
    fn num_format(self) -> &'static str {
        match self {
            Kind::Text => "@",
            Kind::Count => "0",
            Kind::Decimal => "0.00",
            Kind::Dollars => "$#,##0",
            Kind::Share => "0.0%",
            Kind::Log => "0.0000",
        }
    }
}

/// Text columns: codes, names, labels, months and dates stay strings (a
/// department code `007` must not become the number 7).
const TEXT: &[&str] = &[
    "department",
    "name",
    "group",
    "risk_tier",
    "versus_city",
    "rank_change_vs",
    "top_driver",
    "driver_1",
    "driver_2",
    "driver_3",
    "file_stem",
    "data_warning",
    "month",
    "case_id",
    "event_date",
    "osha_class",
    "cause",
    "body_part",
    "claim_open",
    "privacy",
    "file",
    "reason",
    "account",
    "gate",
    "term",
    "definition",
    "field",
];

/// Whole-number columns of our CSVs (counts, ranks, days).
const COUNTS: &[&str] = &[
    "rank",
    "predicted_cases_low",
    "predicted_cases_high",
    "rank_low",
    "rank_high",
    "rank_change",
    "cost_rank",
    "trailing12_claims",
    "deaths",
    "days_away_cases",
    "restricted_cases",
    "other_recordable_cases",
    "first_aid_cases",
    "near_miss_cases",
    "recordable_cases",
    "days_away",
    "days_restricted",
    "claims",
    "open_claims",
    "litigated_claims",
    "t12_months_with_hours",
    "t12_recordable_cases",
    "read",
    "accepted",
    "quarantined",
    "rows",
];

/// The kind of a column of our CSVs, by its name. Anything not listed as
/// text is a number; a cell of a number column that does not parse as
/// one (none should) is written as text rather than lost.
pub fn kind(column: &str) -> Kind {
    if TEXT.contains(&column) {
        Kind::Text
    } else if COUNTS.contains(&column) {
        Kind::Count
    } else if column.contains("incurred") || matches!(column, "paid" | "payroll") {
        // Incurred per 200,000 hours is dollars too.
        Kind::Dollars
    } else if column.ends_with("_share") || column == "trend_per_year" {
        Kind::Share
    } else if column.starts_with("contribution_") {
        Kind::Log
    } else {
        Kind::Decimal
    }
}

/// A CSV read back: its header and its records, each cell as it was
/// before neutralising.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// One of our CSVs' bytes (the byte-order mark, if any, is skipped).
    pub fn from_csv(bytes: &[u8]) -> Result<Table, csv::Error> {
        let bytes = bytes.strip_prefix(super::BOM).unwrap_or(bytes);
        let mut reader = csv::Reader::from_reader(bytes);
        let columns = reader.headers()?.iter().map(String::from).collect();
        let rows = reader.records().map(|r| r.map(|r| super::unneutralise_record(&r))).collect::<Result<_, _>>()?;
        Ok(Table { columns, rows })
    }

    /// The rows that `keep` accepts, with only `columns` (in that order).
    fn select(&self, columns: &[&str], keep: impl Fn(&csv::StringRecord) -> bool) -> Table {
        let at: Vec<Option<usize>> = columns.iter().map(|c| self.columns.iter().position(|x| x == c)).collect();
        let rows = self
            .rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| at.iter().map(|i| i.and_then(|i| r.get(i)).unwrap_or("")).collect())
            .collect();
        Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// The ranking and the panel as tables, read once for the month workbook
/// and every department's.
#[derive(Debug, Clone)]
pub struct Tables {
    pub as_of: Month,
    pub ranking: Table,
    pub panel: Table,
    /// Department code → its rows in `panel`.
    panel_rows: BTreeMap<String, Vec<usize>>,
    /// Department code → its row in `ranking`.
    ranking_row: BTreeMap<String, usize>,
}

impl Tables {
    /// `ranking.csv`'s bytes as written (not the ranking serialised again:
    /// read back, its drivers' shares can differ in the last decimal, and
    /// `report` must make the same workbooks as the run) and the panel.
    pub fn new(ranking_csv: &[u8], as_of: Month, panel: &Panel) -> Result<Tables, FormatError> {
        let table =
            |sheet, bytes: Vec<u8>| Table::from_csv(&bytes).map_err(|source| WorkbookError::Table { sheet, source });
        let ranking_table = table("Ranking", ranking_csv.to_vec())?;
        let panel_table = table("Panel", PanelCsv(panel).serialize()?)?;
        let index = |t: &Table| t.column("department").unwrap_or(0);
        let mut panel_rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in panel_table.rows.iter().enumerate() {
            panel_rows.entry(r.get(index(&panel_table)).unwrap_or("").to_string()).or_default().push(i);
        }
        let ranking_row = (ranking_table.rows.iter().enumerate())
            .map(|(i, r)| (r.get(index(&ranking_table)).unwrap_or("").to_string(), i))
            .collect();
        Ok(Tables { as_of, ranking: ranking_table, panel: panel_table, panel_rows, ranking_row })
    }

    /// The panel's rows of the as-of month, with the trailing-12 columns.
    fn trailing12(&self) -> Table {
        let mut columns = vec!["department", "name", "group"];
        columns.extend(self.panel.columns.iter().map(String::as_str).filter(|c| c.starts_with("t12_")));
        let (month, as_of) = (self.panel.column("month"), self.as_of.to_string());
        self.panel.select(&columns, |r| month.and_then(|m| r.get(m)) == Some(as_of.as_str()))
    }

    /// One department's panel rows.
    fn panel_of(&self, code: &str) -> Table {
        let rows = self.panel_rows.get(code).map_or(&[][..], Vec::as_slice);
        Table { columns: self.panel.columns.clone(), rows: rows.iter().map(|&i| self.panel.rows[i].clone()).collect() }
    }
}

/// `ranking.xlsx`: see [`SHEETS`].
pub struct RankingWorkbook<'a> {
    pub tables: &'a Tables,
    pub files: &'a [FileReport],
    pub verdict: &'a Verdict,
    /// [`crate::rank::tier_rule`] with the run's cut-offs.
    pub tier_rule: String,
}

impl Exporter for RankingWorkbook<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let styles = Styles::new();
        let mut book = workbook(self.tables.as_of)?;
        let t = self.tables;
        let sheet = add(&mut book, "Ranking")?;
        let end = sheet_error("Ranking", write_table(sheet, &t.ranking, 0, &styles))?;
        sheet_error("Ranking", note(sheet, end + 1, &self.tier_rule, &styles))?;
        let sheet = add(&mut book, "Trailing-12")?;
        sheet_error("Trailing-12", write_table(sheet, &t.trailing12(), 0, &styles))?;
        let sheet = add(&mut book, "Panel")?;
        sheet_error("Panel", write_table(sheet, &t.panel, 0, &styles))?;
        let (account, reasons) = data_quality(self.files, self.verdict);
        let sheet = add(&mut book, "Data quality")?;
        let end = sheet_error("Data quality", write_table(sheet, &account, 0, &styles))?;
        sheet_error("Data quality", write_table(sheet, &reasons, end + 1, &styles))?;
        let sheet = add(&mut book, "Definitions")?;
        sheet_error("Definitions", write_table(sheet, &definitions(), 0, &styles))?;
        save(&mut book)
    }
}

/// A department's workbook: see [`DEPARTMENT_SHEETS`].
pub struct DepartmentWorkbook<'a> {
    pub tables: &'a Tables,
    pub code: &'a str,
    pub cases: &'a [CaseLine],
}

impl Exporter for DepartmentWorkbook<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let styles = Styles::new();
        let t = self.tables;
        let at = *t.ranking_row.get(self.code).ok_or_else(|| WorkbookError::NoRankingRow(self.code.to_string()))?;
        let row = &t.ranking.rows[at];
        let mut fields = Table { columns: vec!["field".into(), "value".into()], rows: Vec::new() };
        let mut kinds = Vec::new();
        for (column, value) in t.ranking.columns.iter().zip(row.iter()) {
            fields.rows.push(csv::StringRecord::from(vec![column.as_str(), value]));
            kinds.push(kind(column));
        }
        let cases = Table::from_csv(&CaseListCsv(self.cases).serialize()?)
            .map_err(|source| WorkbookError::Table { sheet: "Cases", source })?;
        let mut book = workbook(t.as_of)?;
        let sheet = add(&mut book, "Ranking row")?;
        sheet_error("Ranking row", write_fields(sheet, &fields, &kinds, &styles))?;
        let sheet = add(&mut book, "Panel")?;
        sheet_error("Panel", write_table(sheet, &t.panel_of(self.code), 0, &styles))?;
        let sheet = add(&mut book, "Cases")?;
        sheet_error("Cases", write_table(sheet, &cases, 0, &styles))?;
        save(&mut book)
    }
}

/// A workbook of CSV tables, one sheet each (the OSHA forms' workbook):
/// every column written as `kind_of` says, created at the year's last day.
pub struct CsvWorkbook<'a> {
    pub sheets: Vec<(&'static str, &'a [u8])>,
    pub kind_of: fn(&str) -> Kind,
    pub year: i32,
}

impl Exporter for CsvWorkbook<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let styles = Styles::new();
        let december = Month::new(self.year, 12).ok_or_else(|| {
            WorkbookError::Save(rust_xlsxwriter::XlsxError::DateTimeRangeError(self.year.to_string()))
        })?;
        let mut book = workbook(december)?;
        for &(name, bytes) in &self.sheets {
            let table = Table::from_csv(bytes).map_err(|source| WorkbookError::Table { sheet: name, source })?;
            let sheet = add(&mut book, name)?;
            sheet_error(name, write_table_as(sheet, &table, 0, &styles, self.kind_of))?;
        }
        save(&mut book)
    }
}

/// The per-file account (as `run` prints it) and the quarantine's counts
/// by file and reason; never the quarantined rows themselves, which are
/// the input's own text.
fn data_quality(files: &[FileReport], verdict: &Verdict) -> (Table, Table) {
    let columns = |c: &[&str]| c.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut account = Table {
        columns: columns(&["file", "read", "accepted", "quarantined", "quarantined_share", "account", "gate"]),
        rows: vec![],
    };
    let mut reasons = Table { columns: columns(&["file", "reason", "rows"]), rows: vec![] };
    for f in files {
        let name = f.file_name();
        let share = if f.read > 0 { (f.quarantined as f64 / f.read as f64).to_string() } else { String::new() };
        let gate = if verdict.of_file(&name).next().is_some() { "refuse" } else { "pass" };
        let balanced = if f.balanced() { "balanced" } else { "FAIL" };
        let cells = [name.clone(), f.read.to_string(), f.accepted.to_string(), f.quarantined.to_string(), share];
        account.rows.push(cells.iter().map(String::as_str).chain([balanced, gate]).collect());
        for (reason, n) in &f.reasons {
            reasons.rows.push(csv::StringRecord::from(vec![name.clone(), reason.to_string(), n.to_string()]));
        }
    }
    (account, reasons)
}

/// The terms, as the Cabinet report defines them.
fn definitions() -> Table {
    let rows = crate::report::build::definitions()
        .into_iter()
        .map(|(term, text)| csv::StringRecord::from(vec![term, text]))
        .collect();
    Table { columns: vec!["term".into(), "definition".into()], rows }
}

/// The cell formats of a workbook.
struct Styles {
    header: Format,
    note: Format,
    text: Format,
    numbers: BTreeMap<&'static str, Format>,
    tiers: [(RiskTier, Format); 4],
}

impl Styles {
    fn new() -> Styles {
        let tier = |t: RiskTier| {
            let hex = crate::report::charts::tier_hex(t).trim_start_matches('#');
            let rgb = u32::from_str_radix(hex, 16).unwrap_or(0xffffff);
            // White text on the dark fills; the yellow keeps black text.
            let font = if t == RiskTier::Moderate { 0x222b33 } else { 0xffffff };
            (t, Format::new().set_background_color(Color::RGB(rgb)).set_font_color(Color::RGB(font)).set_bold())
        };
        let kinds = [Kind::Count, Kind::Decimal, Kind::Dollars, Kind::Share, Kind::Log];
        Styles {
            header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin),
            note: Format::new().set_italic(),
            text: Format::new(),
            numbers: kinds.iter().map(|k| (k.num_format(), Format::new().set_num_format(k.num_format()))).collect(),
            tiers: [tier(RiskTier::High), tier(RiskTier::Elevated), tier(RiskTier::Moderate), tier(RiskTier::Low)],
        }
    }

    fn tier(&self, value: &str) -> Option<&Format> {
        self.tiers.iter().find(|(t, _)| t.as_str() == value).map(|(_, f)| f)
    }
}

type SheetResult<T> = Result<T, rust_xlsxwriter::XlsxError>;

/// Writes a cell as its kind says: a number when it parses as one,
/// otherwise (and for text) a string, never a formula. Empty cells stay
/// blank.
fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, value: &str, kind: Kind, styles: &Styles) -> SheetResult<()> {
    if value.is_empty() {
        return Ok(());
    }
    let number = (kind != Kind::Text).then(|| value.parse::<f64>().ok()).flatten().filter(|v| v.is_finite());
    match (number, styles.numbers.get(kind.num_format())) {
        (Some(v), Some(format)) => sheet.write_number_with_format(row, col, v, format).map(|_| ()),
        _ => sheet.write_string_with_format(row, col, value, &styles.text).map(|_| ()),
    }
}

/// A table with its header at `first`: the header bold (frozen and
/// filtered when the table starts the sheet), the risk tier coloured.
/// Returns the row after the table.
fn write_table(sheet: &mut Worksheet, table: &Table, first: u32, styles: &Styles) -> SheetResult<u32> {
    write_table_as(sheet, table, first, styles, kind)
}

/// [`write_table`] with the column kinds of `kind_of`.
fn write_table_as(
    sheet: &mut Worksheet,
    table: &Table,
    first: u32,
    styles: &Styles,
    kind_of: fn(&str) -> Kind,
) -> SheetResult<u32> {
    let kinds: Vec<Kind> = table.columns.iter().map(|c| kind_of(c)).collect();
    let tier = table.column("risk_tier");
    for (c, name) in table.columns.iter().enumerate() {
        let col = col_num(c)?;
        sheet.write_string_with_format(first, col, name, &styles.header)?;
        // Width from the header and a sample of cells: deterministic, no font metrics.
        let longest = table.rows.iter().take(200).filter_map(|r| r.get(c)).map(str::len).max().unwrap_or(0);
        sheet.set_column_width(col, (name.len().max(longest) + 2).clamp(8, 60) as f64)?;
    }
    let mut row = first;
    for record in &table.rows {
        row += 1;
        for (c, value) in record.iter().enumerate() {
            let k = kinds.get(c).copied().unwrap_or(Kind::Text);
            match (Some(c) == tier, styles.tier(value)) {
                (true, Some(format)) => sheet.write_string_with_format(row, col_num(c)?, value, format).map(|_| ())?,
                _ => write_cell(sheet, row, col_num(c)?, value, k, styles)?,
            }
        }
    }
    if first == 0 && !table.columns.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, row, col_num(table.columns.len() - 1)?)?;
    }
    Ok(row + 1)
}

/// A field/value table, each value of its field's kind.
fn write_fields(sheet: &mut Worksheet, table: &Table, kinds: &[Kind], styles: &Styles) -> SheetResult<()> {
    sheet.write_string_with_format(0, 0, "field", &styles.header)?;
    sheet.write_string_with_format(0, 1, "value", &styles.header)?;
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 40)?;
    for (i, (record, k)) in table.rows.iter().zip(kinds).enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)?;
        sheet.write_string(row, 0, record.get(0).unwrap_or(""))?;
        let value = record.get(1).unwrap_or("");
        match (record.get(0) == Some("risk_tier"), styles.tier(value)) {
            (true, Some(format)) => sheet.write_string_with_format(row, 1, value, format).map(|_| ())?,
            _ => write_cell(sheet, row, 1, value, *k, styles)?,
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A line of text below a table (the tier rule under the ranking).
fn note(sheet: &mut Worksheet, row: u32, text: &str, styles: &Styles) -> SheetResult<()> {
    sheet.write_string_with_format(row, 0, text, &styles.note).map(|_| ())
}

fn col_num(c: usize) -> SheetResult<u16> {
    u16::try_from(c).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)
}

pub(super) fn sheet_error<T>(sheet: &'static str, result: SheetResult<T>) -> Result<T, WorkbookError> {
    result.map_err(|source| WorkbookError::Sheet { sheet, source })
}

/// A workbook created, for byte-stable output, at the as-of month's last
/// day (rust_xlsxwriter would stamp the current time).
fn workbook(as_of: Month) -> Result<Workbook, WorkbookError> {
    let day = as_of.last_day();
    let created = u16::try_from(day.year())
        .ok()
        .and_then(|y| ExcelDateTime::from_ymd(y, day.month() as u8, day.day() as u8).ok())
        .ok_or_else(|| WorkbookError::Save(rust_xlsxwriter::XlsxError::DateTimeRangeError(as_of.to_string())))?;
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(book)
}

pub(super) fn add<'b>(book: &'b mut Workbook, name: &'static str) -> Result<&'b mut Worksheet, WorkbookError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(|source| WorkbookError::Sheet { sheet: name, source })?;
    Ok(sheet)
}

fn save(book: &mut Workbook) -> Result<Vec<u8>, FormatError> {
    Ok(book.save_to_buffer().map_err(WorkbookError::Save)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    fn tables() -> Tables {
        let ranking = Table {
            columns: ["rank", "department", "name", "risk_tier", "predicted_rate", "driver_1_share"]
                .map(String::from)
                .into(),
            rows: vec![
                record(&["1", "007", "=HYPERLINK(\"x\")", "high", "12.3456", "0.5"]),
                record(&["2", "B", "+1", "low", "", "-0.25"]),
            ],
        };
        let panel = Table {
            columns: ["department", "name", "group", "month", "incurred", "t12_trir"].map(String::from).into(),
            rows: vec![record(&["007", "@x", "", "2025-12", "1234.56", "3.1"])],
        };
        Tables {
            as_of: Month::new(2025, 12).unwrap(),
            ranking,
            panel,
            panel_rows: [("007".to_string(), vec![0])].into(),
            ranking_row: [("007".to_string(), 0), ("B".to_string(), 1)].into(),
        }
    }

    fn cells(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(formulas.rows().flatten().all(|f| f.is_empty()), "no formula in {sheet}");
        book.worksheet_range(sheet).unwrap().rows().map(|r| r.to_vec()).collect()
    }

    #[test]
    fn text_stays_text_and_numbers_are_numbers() {
        let t = tables();
        let book = RankingWorkbook { tables: &t, files: &[], verdict: &Verdict::default(), tier_rule: "rule".into() };
        let bytes = book.serialize().unwrap();
        let ranking = cells(&bytes, "Ranking");
        assert_eq!(ranking[1][1], Data::String("007".into()), "a code is never a number");
        assert_eq!(ranking[1][2], Data::String("=HYPERLINK(\"x\")".into()));
        assert_eq!(ranking[2][2], Data::String("+1".into()));
        assert_eq!(ranking[1][4], Data::Float(12.3456));
        assert_eq!(ranking[2][4], Data::Empty);
        assert_eq!(ranking[2][5], Data::Float(-0.25));
        assert_eq!(ranking[4][0], Data::String("rule".into()));
        assert_eq!(
            cells(&bytes, "Trailing-12")[1],
            [Data::String("007".into()), Data::String("@x".into()), Data::Empty, Data::Float(3.1)]
        );
        assert_eq!(book.serialize().unwrap(), bytes, "byte-stable");
    }

    #[test]
    fn a_department_workbook_has_its_row_panel_and_cases() {
        let t = tables();
        let bytes = DepartmentWorkbook { tables: &t, code: "007", cases: &[] }.serialize().unwrap();
        let fields = cells(&bytes, "Ranking row");
        assert_eq!(fields[2], [Data::String("department".into()), Data::String("007".into())]);
        assert_eq!(fields[5], [Data::String("predicted_rate".into()), Data::Float(12.3456)]);
        assert_eq!(cells(&bytes, "Panel").len(), 2);
        assert_eq!(cells(&bytes, "Cases")[0][0], Data::String("case_id".into()));
        let missing = DepartmentWorkbook { tables: &t, code: "nope", cases: &[] }.serialize();
        assert!(matches!(missing, Err(FormatError::Xlsx(WorkbookError::NoRankingRow(_)))));
    }

    #[test]
    fn columns_have_their_kinds() {
        for (column, want) in [
            ("rank", Kind::Count),
            ("predicted_cases", Kind::Decimal),
            ("predicted_cases_low", Kind::Count),
            ("trailing12_incurred", Kind::Dollars),
            ("driver_2_share", Kind::Share),
            ("contribution_trend", Kind::Log),
            ("t12_trir", Kind::Decimal),
            ("days_away_cases", Kind::Count),
            ("case_id", Kind::Text),
            ("month", Kind::Text),
        ] {
            assert_eq!(kind(column), want, "{column}");
        }
    }
}
