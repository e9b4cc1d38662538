//! `validation.json`: the per-file account of a validation (rows read,
//! accepted and quarantined, by reason), the data gate's verdict, the
//! files of the folder that were not read, the panel's span and the
//! warnings.

use serde::Serialize;

use super::{Exporter, FormatError};
use crate::gate::Verdict;
use crate::ingest::{FileReport, LoadOptions, UnreadFile};
use crate::panel::Panel;

/// The file's name.
pub const FILE: &str = "validation.json";

/// What `validation.json` holds.
#[derive(Debug, Serialize)]
pub struct ValidationJson<'a> {
    as_of: Option<String>,
    latest_date_allowed: String,
    panel_start: String,
    panel_end: String,
    files: &'a [FileReport],
    data_gate: Option<&'a Verdict>,
    not_read: &'a [UnreadFile],
    warnings: &'a [String],
}

impl<'a> ValidationJson<'a> {
    pub fn new(options: &LoadOptions, panel: &Panel, files: &'a [FileReport], warnings: &'a [String]) -> Self {
        ValidationJson {
            as_of: options.as_of.map(|m| m.to_string()),
            latest_date_allowed: options.latest_date().to_string(),
            panel_start: panel.start.to_string(),
            panel_end: panel.end.to_string(),
            files,
            data_gate: None,
            not_read: &[],
            warnings,
        }
    }

    pub fn with_gate(self, verdict: &'a Verdict, not_read: &'a [UnreadFile]) -> Self {
        ValidationJson { data_gate: Some(verdict), not_read, ..self }
    }
}

impl Exporter for ValidationJson<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        // No final newline: the layout this file has always had.
        Ok(serde_json::to_vec_pretty(self)?)
    }
}
