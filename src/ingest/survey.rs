//! Every other file of the data folder, accounted for: what it is and why
//! it is not read. A file that looks like a missing input (an Excel
//! workbook or a misspelt name of one) is marked as standing for it, so
//! the data gate can refuse rather than rank without it.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::FileKind;
use super::header::edit_distance;

/// A file in the data folder that riskrank does not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadFile {
    pub name: String,
    pub reason: String,
    /// The input this file seems meant to be.
    pub stands_for: Option<FileKind>,
}

/// Files the folder may hold besides the inputs without being reported:
/// the config, `establishments.csv` (any of its three forms), an input
/// of the data contract that only `riskrank osha` reads (§11), so the
/// monthly jobs pass it over as they pass over the OSHA columns of
/// injuries.csv, and `claim_valuations.csv` (in the same three forms),
/// the claims' monthly valuations, which claim development reads and the
/// monthly jobs pass over.
fn expected(name: &str) -> bool {
    name == crate::config::FILE
        || [FileKind::Establishments.stem(), CLAIM_VALUATIONS_STEM]
            .iter()
            .any(|stem| ["csv", "csv.gz", "parquet"].iter().any(|ext| name == format!("{stem}.{ext}")))
}

/// The stem of the claims' monthly valuations (`riskrank generate
/// --valuations` writes `claim_valuations.csv`).
const CLAIM_VALUATIONS_STEM: &str = FileKind::ClaimValuations.stem();

/// The files of `dir` other than `read` (the inputs located), in name order.
pub fn survey(dir: &Path, read: &[&PathBuf]) -> Vec<UnreadFile> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !read.iter().any(|p| p.file_name() == Some(e.file_name().as_os_str())))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.') && !expected(n))
        .collect();
    names.sort();
    names.into_iter().map(classify).collect()
}

fn classify(name: String) -> UnreadFile {
    let lower = name.to_lowercase();
    let (stem, ext) = match lower.find('.') {
        Some(i) => (&lower[..i], &lower[i + 1..]),
        None => (lower.as_str(), ""),
    };
    let kind = FileKind::ALL.into_iter().find(|k| {
        let s = k.stem();
        stem == s
            || (stem.len() > 4 && edit_distance(stem, s) <= 2)
            || stem.trim_end_matches('s') == s.trim_end_matches('s')
    });
    let csv = matches!(ext, "csv" | "csv.gz");
    let (reason, stands_for) = match (kind, ext) {
        (Some(k), "xlsx" | "xlsm" | "xls" | "ods") => {
            (format!("a spreadsheet workbook: save it as CSV UTF-8, named {}.csv", k.stem()), Some(k))
        }
        (Some(k), _) if stem == k.stem() && csv => {
            (format!("the name differs from {}.csv only by letter case: rename it", k.stem()), Some(k))
        }
        (Some(k), "csv" | "csv.gz" | "txt" | "tsv" | "gz") => {
            (format!("not a data-contract file name; did you mean {}.csv?", k.stem()), Some(k))
        }
        _ if lower == "bad_rows.csv" => {
            ("the generator's list of the bad rows it planted, not an input".to_string(), None)
        }
        _ if lower == "params.json" => ("the generator's parameters, not an input".to_string(), None),
        _ if lower == "truth.csv" => {
            ("the generator's ground truth, not an input: `backtest --truth FILE` reads it".to_string(), None)
        }
        _ if lower == "truth_ultimates.csv" => {
            ("the generator's ground truth (the claims' realised ultimates), not an input".to_string(), None)
        }
        _ if lower.starts_with("truth") && csv => ("the generator's ground truth, not an input".to_string(), None),
        _ if matches!(ext, "xlsx" | "xlsm" | "xls" | "ods") => {
            ("a spreadsheet workbook, not one of the inputs".to_string(), None)
        }
        _ => ("not one of the inputs (departments, injuries, claims, exposure)".to_string(), None),
    };
    UnreadFile { name, reason, stands_for }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified() {
        let c = |n: &str| classify(n.to_string());
        assert_eq!(c("injuries.xlsx").stands_for, Some(FileKind::Injuries));
        assert!(c("injuries.xlsx").reason.contains("save it as CSV"));
        assert_eq!(c("Injuries.CSV").stands_for, Some(FileKind::Injuries));
        assert_eq!(c("injures.csv").stands_for, Some(FileKind::Injuries));
        assert_eq!(c("claim.csv").stands_for, Some(FileKind::Claims));
        assert_eq!(c("truth.csv").stands_for, None);
        assert_eq!(c("truth_departments.csv").stands_for, None);
        assert_eq!(c("truth_ultimates.csv").stands_for, None);
        assert!(c("truth_ultimates.csv").reason.contains("ground truth"));
        assert_eq!(c("params.json").stands_for, None);
        assert_eq!(c("notes.txt").stands_for, None);
    }

    #[test]
    fn the_config_establishments_and_claim_valuations_are_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["riskrank.toml", "establishments.csv", "notes.txt", "Establishments.csv", "claim_valuations.csv"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let names: Vec<String> = survey(dir.path(), &[]).into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["Establishments.csv", "notes.txt"]);
    }
}
