//! A file's header row: where each contract column sits (through the
//! config's column names), which columns are personal or unknown, and,
//! when the header does not fit, an error that says what the file looks
//! like and the setting that fixes it (an Excel workbook, another
//! delimiter, a column that is there under another name).

use std::collections::BTreeMap;
use std::path::Path;

use super::rows::{ColumnMap, RowSpec};
use super::{FileReport, IngestError, scan};
use crate::schema::fold_label;

/// How a file is laid out: its delimiter and its names for the contract's
/// columns.
pub struct Layout<'a> {
    pub delimiter: u8,
    /// Contract column → the header in the file (from `[input.columns.<file>]`).
    pub columns: &'a BTreeMap<String, String>,
}

/// The first bytes of an xlsx (a zip archive) and of an old .xls.
const WORKBOOK_MAGIC: [&[u8]; 2] = [b"PK\x03\x04", b"\xD0\xCF\x11\xE0"];

pub fn read_header<S: RowSpec>(
    path: &Path,
    bytes: &[u8],
    line: u64,
    layout: &Layout<'_>,
) -> Result<(ColumnMap, FileReport), IngestError> {
    if WORKBOOK_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return Err(IngestError::Workbook { path: path.to_path_buf() });
    }
    // Lines are cut at LF (a CRLF's CR is dropped); a CR inside the first
    // line means the file ends its lines with CR alone.
    if memchr::memchr(b'\r', bytes).is_some() {
        return Err(IngestError::CrLineEndings { path: path.to_path_buf() });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| IngestError::Encoding { path: path.to_path_buf(), line })?;
    let mut fields = Vec::new();
    scan::split_fields(text, layout.delimiter, &mut fields)
        .map_err(|_| IngestError::BadHeader { path: path.to_path_buf(), line })?;
    let header: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(IngestError::DuplicateColumn { path: path.to_path_buf(), column: n.clone() });
        }
    }
    let wanted: Vec<String> = S::COLUMNS
        .iter()
        .map(|c| layout.columns.get(*c).map_or_else(|| c.to_string(), |h| h.trim().to_lowercase()))
        .collect();
    let positions: Vec<Option<usize>> = wanted.iter().map(|w| names.iter().position(|n| n == w)).collect();
    let missing: Vec<usize> = S::REQUIRED.iter().copied().filter(|&c| positions[c].is_none()).collect();
    if !missing.is_empty() {
        return Err(missing_columns::<S>(path, text, &header, &missing, layout));
    }
    let unknown_columns = names
        .iter()
        .filter(|n| !wanted.contains(n) && !S::PERSONAL.contains(&n.as_str()) && !S::IGNORED.contains(&n.as_str()))
        .cloned()
        .collect();
    let personal =
        names.iter().enumerate().filter(|(_, n)| S::PERSONAL.contains(&n.as_str())).map(|(i, _)| i).collect();
    let map = ColumnMap { positions, width: names.len(), personal, delimiter: layout.delimiter };
    let report = FileReport {
        kind: S::FILE,
        path: path.to_path_buf(),
        read: 0,
        accepted: 0,
        quarantined: 0,
        reasons: BTreeMap::new(),
        unknown_columns,
        first_month: None,
        last_month: None,
        months: BTreeMap::new(),
        header,
        sha256: String::new(),
    };
    Ok((map, report))
}

/// The delimiters a header may turn out to use instead.
const OTHER_DELIMITERS: [u8; 4] = [b';', b'\t', b'|', b','];

/// Why the required columns were not found, with the fix.
fn missing_columns<S: RowSpec>(
    path: &Path,
    text: &str,
    header: &[String],
    missing: &[usize],
    layout: &Layout<'_>,
) -> IngestError {
    if header.len() == 1 {
        for d in OTHER_DELIMITERS.into_iter().filter(|d| *d != layout.delimiter) {
            let mut split = Vec::new();
            if scan::split_fields(text, d, &mut split).is_ok() && split.len() >= S::REQUIRED.len() {
                return IngestError::Delimiter { path: path.to_path_buf(), delimiter: delimiter_name(d) };
            }
        }
    }
    let hints: Vec<String> = missing
        .iter()
        .map(|&c| {
            let column = S::COLUMNS[c];
            let set = |h: &str| format!("set `[input.columns.{}] {column} = \"{h}\"`", S::FILE.stem());
            match (layout.columns.get(column), suggestion(column, header)) {
                (Some(mapped), _) => format!("`{column}` is mapped to `{mapped}`, which the header lacks"),
                (None, Some(h)) => format!("no column `{column}`; did you mean `{h}`? {}", set(h)),
                (None, None) => format!("no column `{column}`; if it has another name, {}", set("its name")),
            }
        })
        .collect();
    IngestError::MissingColumns {
        path: path.to_path_buf(),
        missing: missing.iter().map(|&c| S::COLUMNS[c]).collect::<Vec<_>>().join(", "),
        found: header.join(", "),
        hint: hints.join("; "),
    }
}

/// How a delimiter is written in the config.
fn delimiter_name(d: u8) -> String {
    if d == b'\t' { "\\t".to_string() } else { char::from(d).to_string() }
}

/// The header most like `column`: the same label but for case, spaces,
/// hyphens and underscores, or else within two edits of it.
fn suggestion<'h>(column: &str, header: &'h [String]) -> Option<&'h str> {
    let target = fold_label(column);
    let close = |h: &&String| {
        let f = fold_label(h);
        f == target || (target.len() > 4 && edit_distance(&f, &target) <= 2)
    };
    header.iter().find(|h| fold_label(h) == target).or_else(|| header.iter().find(close)).map(|h| h.trim())
}

/// Levenshtein distance, for suggesting a column name.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let header: Vec<String> = ["Case ID", "Event Date", "dept"].iter().map(|s| s.to_string()).collect();
        assert_eq!(suggestion("event_date", &header), Some("Event Date"));
        assert_eq!(suggestion("case_id", &header), Some("Case ID"));
        assert_eq!(suggestion("department", &header), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
