//! The outputs of a validation: `quarantine/<file>.csv` for every input
//! file, `panel.csv`, `mix.csv` and `validation.json` (the per-file
//! account), plus the warnings a risk manager should see.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::codes::CodeTable;
use crate::ingest::{self, FileKind, FileReport, Loaded};
use crate::output::{self, write_atomic};
use crate::panel::{Panel, PanelBuilder};

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: {source}", path.display())]
    Json { path: PathBuf, source: serde_json::Error },
}

/// What `validation.json` holds.
#[derive(Debug, Serialize)]
struct Account<'a> {
    as_of: Option<String>,
    latest_date_allowed: String,
    panel_start: String,
    panel_end: String,
    files: &'a [FileReport],
    warnings: Vec<String>,
}

/// Warnings worth a risk manager's attention: ignored columns, missing
/// exposure, department-months with activity but no hours.
pub fn warnings<S>(loaded: &Loaded<S>, panel: &Panel) -> Vec<String> {
    let mut out = Vec::new();
    for f in &loaded.files {
        if !f.unknown_columns.is_empty() {
            out.push(format!("{}: ignored unknown column(s): {}", f.file_name(), f.unknown_columns.join(", ")));
        }
    }
    if !panel.has_exposure {
        out.push("no exposure.csv: rates (TRIR, DART, ...) are not computed; counts only".to_string());
    }
    if !panel.unexposed_activity.is_empty() {
        let examples: Vec<String> = panel.unexposed_activity.iter().take(5).map(|(d, m)| format!("{d} {m}")).collect();
        out.push(format!(
            "{} department-month(s) have injuries or claims but no hours in exposure.csv; their rates are empty (e.g. {})",
            panel.unexposed_activity.len(),
            examples.join(", ")
        ));
    }
    out
}

/// Writes the validation outputs into `dir`, each atomically; returns the
/// paths written.
pub fn write(
    dir: &Path,
    loaded: &Loaded<PanelBuilder>,
    panel: &Panel,
    codes: &CodeTable,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for report in &loaded.files {
        let path = quarantine_path(dir, report.kind);
        let bytes = ingest::quarantine_csv(&report.header, loaded.quarantined(report.kind))
            .map_err(|source| WriteError::Csv { path: path.clone(), source })?;
        files.push((path, bytes));
    }
    let csv = |name: &str, result: Result<Vec<u8>, csv::Error>| {
        let path = dir.join(name);
        result.map(|b| (path.clone(), b)).map_err(|source| WriteError::Csv { path, source })
    };
    files.push(csv("panel.csv", output::csv_bytes(panel.rows()))?);
    files.push(csv("mix.csv", output::csv_bytes(panel.mix_rows(codes)))?);
    let account = Account {
        as_of: loaded.options.as_of.map(|m| m.to_string()),
        latest_date_allowed: loaded.options.latest_date().to_string(),
        panel_start: panel.start.to_string(),
        panel_end: panel.end.to_string(),
        files: &loaded.files,
        warnings: warnings(loaded, panel),
    };
    let path = dir.join("validation.json");
    let json = serde_json::to_vec_pretty(&account).map_err(|source| WriteError::Json { path: path.clone(), source })?;
    files.push((path, json));

    for (path, bytes) in &files {
        write_atomic(path, bytes).map_err(|source| WriteError::Io { path: path.clone(), source })?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The quarantine file name for an input file kind.
pub fn quarantine_path(dir: &Path, kind: FileKind) -> PathBuf {
    dir.join("quarantine").join(format!("{}.csv", kind.stem()))
}
