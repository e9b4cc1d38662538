//! `manifest.json`: what a monthly run read (each input's SHA-256 and
//! account), which model it used, the parameters, the warnings, and every
//! output it wrote with its SHA-256 and size. Only `timings_seconds`
//! changes between two identical runs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Exporter, FormatError, StagedFile, json_bytes};
use crate::ingest::FileReport;

/// The file's name in a month's folder.
pub const FILE: &str = "manifest.json";

#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub riskrank_version: &'a str,
    pub parameters: Parameters<'a>,
    pub inputs: Vec<ManifestInput>,
    pub model: ManifestModel<'a>,
    pub outputs: Vec<ManifestOutput<'a>>,
    pub warnings: &'a [String],
    /// Seconds per stage; the only part that changes between identical runs.
    pub timings_seconds: &'a BTreeMap<&'a str, f64>,
}

/// The run's parameters, as given.
#[derive(Debug, Serialize)]
pub struct Parameters<'a> {
    pub data: String,
    pub as_of: Option<String>,
    pub horizon: u32,
    pub out: String,
    /// `full`, `ranking_only` or `reports_only`.
    pub mode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct ManifestInput {
    pub path: String,
    pub sha256: String,
    pub read: u64,
    pub accepted: u64,
    pub quarantined: u64,
}

impl From<&FileReport> for ManifestInput {
    fn from(f: &FileReport) -> Self {
        ManifestInput {
            path: f.path.display().to_string(),
            sha256: f.sha256.clone(),
            read: f.read,
            accepted: f.accepted,
            quarantined: f.quarantined,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ManifestModel<'a> {
    pub path: Option<String>,
    pub sha256: &'a str,
    pub format_version: u32,
    pub trained_to: String,
    pub note: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ManifestOutput<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
    pub bytes: usize,
}

impl<'a> From<&'a StagedFile> for ManifestOutput<'a> {
    fn from(f: &'a StagedFile) -> Self {
        ManifestOutput { path: &f.path, sha256: &f.sha256, bytes: f.bytes }
    }
}

impl Exporter for Manifest<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(json_bytes(self)?)
    }
}
