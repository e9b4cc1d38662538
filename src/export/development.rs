//! The outputs of `riskrank develop`: `factors.csv`, `ultimates.csv` and
//! `development.xlsx` (the triangles, the factors and the ultimates).
//! Factors and CDFs are written with 9 decimals, amounts with 4, so the
//! bytes are the same on every run; an undefined value is an empty cell.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use super::xlsx::{WorkbookError, add, sheet_error};
use super::{CsvRow, Exporter, FormatError, output_csv};
use crate::model::development::{Development, Method, Triangle};

pub const FACTORS: &str = "factors.csv";
pub const ULTIMATES: &str = "ultimates.csv";
pub const WORKBOOK: &str = "development.xlsx";

/// A factor or CDF as written (`+ 0.0` turns a negative zero into a zero).
fn factor(v: f64) -> String {
    format!("{:.9}", v + 0.0)
}

fn amount(v: f64) -> String {
    format!("{:.4}", v + 0.0)
}

#[derive(Debug, Clone, Serialize)]
pub struct FactorRow {
    pub group: String,
    pub measure: String,
    pub age: usize,
    /// The factor from this age to the next; at the last age, the tail.
    pub ata: String,
    pub cdf: String,
}

impl CsvRow for FactorRow {
    const COLUMNS: &'static [&'static str] = &["group", "measure", "age", "ata", "cdf"];
}

#[derive(Debug, Clone, Serialize)]
pub struct UltimateRow {
    pub group: String,
    pub measure: String,
    /// The origin's label, or `total`.
    pub origin: String,
    pub latest: String,
    pub method: &'static str,
    pub ultimate: String,
    pub ibnr: String,
    pub std_err: String,
}

impl CsvRow for UltimateRow {
    const COLUMNS: &'static [&'static str] =
        &["group", "measure", "origin", "latest", "method", "ultimate", "ibnr", "std_err"];
}

/// Every development's factors, one row per age.
pub fn factor_rows(all: &[Development]) -> Vec<FactorRow> {
    let mut rows = Vec::new();
    for d in all {
        let f = &d.factors;
        for (k, cdf) in f.cdf.iter().enumerate() {
            rows.push(FactorRow {
                group: d.group.clone(),
                measure: d.measure.clone(),
                age: k + 1,
                ata: factor(f.ata.get(k).copied().unwrap_or(f.tail)),
                cdf: factor(*cdf),
            });
        }
    }
    rows
}

/// Every origin under each method defined, then `selected`, then the
/// totals (`total` rows: the chain ladder's with Mack's standard error of
/// the total reserve, and the selected).
pub fn ultimate_rows(all: &[Development]) -> Vec<UltimateRow> {
    let mut rows = Vec::new();
    for d in all {
        let row = |origin: &str, latest: f64, method: &'static str, ultimate: f64, std_err: Option<f64>| UltimateRow {
            group: d.group.clone(),
            measure: d.measure.clone(),
            origin: origin.to_string(),
            latest: amount(latest),
            method,
            ultimate: amount(ultimate),
            ibnr: amount(ultimate - latest),
            std_err: std_err.map(amount).unwrap_or_default(),
        };
        for o in &d.origins {
            let mack = o.mack.map(|m| m.total());
            for method in [Method::ChainLadder, Method::BornhuetterFerguson, Method::CapeCod] {
                if let Some(u) = o.ultimate(method) {
                    let se = if method == Method::ChainLadder { mack } else { None };
                    rows.push(row(&o.label, o.latest, method.name(), u, se));
                }
            }
            let se = if o.selected == Method::ChainLadder { mack } else { None };
            rows.push(row(&o.label, o.latest, "selected", o.selected_ultimate(), se));
        }
        let latest: f64 = d.origins.iter().map(|o| o.latest).sum();
        let cl: f64 = d.origins.iter().map(|o| o.chain_ladder).sum();
        let selected: f64 = d.origins.iter().map(|o| o.selected_ultimate()).sum();
        rows.push(row("total", latest, Method::ChainLadder.name(), cl, d.total_mack.map(|m| m.total())));
        rows.push(row("total", latest, "selected", selected, None));
    }
    rows
}

/// `factors.csv`.
pub struct FactorsCsv<'a>(pub &'a [Development]);

impl Exporter for FactorsCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(factor_rows(self.0))?)
    }
}

/// `ultimates.csv`.
pub struct UltimatesCsv<'a>(pub &'a [Development]);

impl Exporter for UltimatesCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(ultimate_rows(self.0))?)
    }
}

/// `development.xlsx`: sheets Triangles (each group and measure's triangle,
/// one block under another), Factors and Ultimates (as the CSVs).
pub struct DevelopmentWorkbook<'a> {
    pub triangles: &'a [Triangle],
    pub developments: &'a [Development],
}

impl Exporter for DevelopmentWorkbook<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let mut book = Workbook::new();
        // A fixed creation time: rust_xlsxwriter would stamp the clock, and the bytes must not change.
        let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(WorkbookError::Save)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let bold = Format::new().set_bold();
        let sheet = add(&mut book, "Triangles")?;
        sheet_error("Triangles", triangles_sheet(sheet, self.triangles, &bold))?;
        let factors = factor_rows(self.developments);
        let sheet = add(&mut book, "Factors")?;
        let cells = factors
            .iter()
            .map(|r| vec![text(&r.group), text(&r.measure), Cell::N(r.age as f64), num(&r.ata), num(&r.cdf)]);
        sheet_error("Factors", table(sheet, FactorRow::COLUMNS, cells, &bold))?;
        let ultimates = ultimate_rows(self.developments);
        let sheet = add(&mut book, "Ultimates")?;
        let cells = ultimates.iter().map(|r| {
            let m = r.method;
            vec![
                text(&r.group),
                text(&r.measure),
                text(&r.origin),
                num(&r.latest),
                text(m),
                num(&r.ultimate),
                num(&r.ibnr),
                num(&r.std_err),
            ]
        });
        sheet_error("Ultimates", table(sheet, UltimateRow::COLUMNS, cells, &bold))?;
        Ok(book.save_to_buffer().map_err(WorkbookError::Save)?)
    }
}

enum Cell {
    T(String),
    N(f64),
    Empty,
}

fn text(s: &str) -> Cell {
    Cell::T(s.to_string())
}

/// A number cell from its CSV text (empty stays empty).
fn num(s: &str) -> Cell {
    s.parse().map(Cell::N).unwrap_or(Cell::Empty)
}

fn table(
    sheet: &mut Worksheet,
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
    bold: &Format,
) -> Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    for (r, row) in rows.enumerate() {
        write_row(sheet, r as u32 + 1, &row)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(sheet: &mut Worksheet, r: u32, cells: &[Cell]) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        match cell {
            // write_string, never write: a group named `=…` is text, not a formula.
            Cell::T(s) => sheet.write_string(r, c as u16, s).map(|_| ())?,
            Cell::N(v) => sheet.write_number(r, c as u16, *v).map(|_| ())?,
            Cell::Empty => {}
        }
    }
    Ok(())
}

/// Each triangle as a block: a title row, the ages, then one row per origin
/// (the lower triangle left empty), a blank row between blocks.
fn triangles_sheet(sheet: &mut Worksheet, triangles: &[Triangle], bold: &Format) -> Result<(), XlsxError> {
    let mut r = 0u32;
    for t in triangles {
        sheet.write_string_with_format(
            r,
            0,
            format!("{} / {} ({} of origin × age)", t.group, t.measure, t.grain),
            bold,
        )?;
        r += 1;
        sheet.write_string_with_format(r, 0, "origin", bold)?;
        for a in 1..=t.ages() {
            sheet.write_number_with_format(r, a as u16, a as f64, bold)?;
        }
        r += 1;
        for (i, row) in t.rows.iter().enumerate() {
            let mut cells = vec![Cell::T(t.origin_label(i))];
            cells.extend(row.iter().map(|v| Cell::N(*v)));
            write_row(sheet, r, &cells)?;
            r += 1;
        }
        r += 1;
    }
    Ok(())
}
