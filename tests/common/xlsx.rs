//! Reading riskrank's workbooks and CSVs back for comparison: a sheet as
//! rows of calamine cells, a CSV as its header and rows, and the rule that
//! a workbook cell shows what its CSV cell says.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

/// The UTF-8 byte-order mark every CSV output starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A workbook's sheet names, in order.
pub fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.sheet_names()
}

/// A sheet as rows of cells, from A1 (calamine's range starts at the first
/// used cell; every sheet of ours has its header in A1).
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("{}: sheet {name}: {e}", path.display()));
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

/// Whether any cell of the sheet holds a formula.
pub fn has_formulas(path: &Path, name: &str) -> bool {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let formulas = book.worksheet_formula(name).unwrap();
    formulas.rows().flatten().any(|f| !f.is_empty())
}

/// A CSV output's header and rows, each cell as it was before riskrank
/// neutralised it (the leading `'` taken off).
pub fn csv_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(|c| c.strip_prefix('\'').unwrap_or(c).to_string()).collect())
        .collect();
    (header, rows)
}

/// Panics unless the workbook cell shows the CSV cell: blank for an empty
/// cell, the same number (to the CSV's decimals: the workbook keeps the
/// CSV's value) or the same text.
pub fn assert_cell(cell: &Data, csv: &str, at: &str) {
    match cell {
        Data::Empty => assert!(csv.is_empty(), "{at}: blank in the workbook, {csv:?} in the CSV"),
        Data::Float(v) => {
            let want: f64 = csv.parse().unwrap_or_else(|_| panic!("{at}: number {v} for text {csv:?}"));
            assert!((v - want).abs() <= 1e-9 * want.abs().max(1.0), "{at}: {v} against {csv}");
        }
        Data::Int(v) => assert_eq!(csv.parse::<i64>().ok(), Some(*v), "{at}"),
        Data::String(s) => assert_eq!(s, csv, "{at}"),
        other => panic!("{at}: unexpected cell {other:?}"),
    }
}

/// Panics unless the sheet's first rows are the CSV's header and rows.
pub fn assert_sheet_is_csv(rows: &[Vec<Data>], header: &[String], csv: &[Vec<String>], what: &str) {
    let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(&head[..header.len()], header, "{what}: header");
    assert!(rows.len() > csv.len(), "{what}: {} rows for {} in the CSV", rows.len() - 1, csv.len());
    for (i, want) in csv.iter().enumerate() {
        for (c, value) in want.iter().enumerate() {
            let cell = rows[i + 1].get(c).unwrap_or(&Data::Empty);
            assert_cell(cell, value, &format!("{what} row {} column {}", i + 1, header[c]));
        }
    }
}
