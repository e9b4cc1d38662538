//! Helpers for the import tests: a date literal, one import run on an
//! input text in a temporary folder, and reading back what it wrote.

use std::fs;

use jiff::civil::Date;

use super::{ImportSummary, Source, import};

pub(super) fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

/// Imports `input` as `source` into `out/` of a fresh temporary folder.
pub(super) fn run(source: Source, input: &str) -> (tempfile::TempDir, ImportSummary) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    fs::write(&path, input).unwrap();
    let out = dir.path().join("out");
    let summary = import(source, &path, &out).unwrap();
    (dir, summary)
}

/// The text of output file `name` of a `run`.
pub(super) fn read(dir: &tempfile::TempDir, name: &str) -> String {
    fs::read_to_string(dir.path().join("out").join(name)).unwrap()
}
