//! `validation.json`: the per-file account of a validation (rows read,
//! accepted and quarantined, by reason), the panel's span and the warnings.

use serde::Serialize;

use super::{Exporter, FormatError};
use crate::ingest::{FileReport, LoadOptions};
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
            warnings,
        }
    }
}

impl Exporter for ValidationJson<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        // No final newline: the layout this file has always had.
        Ok(serde_json::to_vec_pretty(self)?)
    }
}
