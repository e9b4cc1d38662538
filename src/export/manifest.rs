//! `manifest.json`: what a monthly run read (each input's SHA-256 and
//! account), which model it used, the parameters and settings, the data
//! gate's verdict, the warnings, and every output it wrote with its
//! SHA-256 and size. Only `timings_seconds` changes between two identical
//! runs. `report` reads it back to rebuild the reports of that very run.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExportError, Exporter, FormatError, StagedFile, json_bytes};
use crate::config::Config;
use crate::gate::Verdict;
use crate::ingest::FileReport;

/// The file's name in a month's folder.
pub const FILE: &str = "manifest.json";

#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub riskrank_version: &'a str,
    pub parameters: Parameters,
    pub inputs: Vec<ManifestInput>,
    pub model: ManifestModel,
    pub data_gate: Verdict,
    /// Department code → the stem of its files (`departments/<stem>.pdf`, `.csv`).
    pub department_files: BTreeMap<&'a str, String>,
    pub outputs: Vec<ManifestOutput<'a>>,
    pub warnings: &'a [String],
    /// Seconds per stage; the only part that changes between identical runs.
    pub timings_seconds: &'a BTreeMap<&'a str, f64>,
}

/// The run's parameters and the settings it ran with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    pub data: String,
    /// `--as-of` as given (`None`: the data's last month).
    pub as_of: Option<String>,
    /// The month the run is as of (its folder's name).
    pub month: String,
    pub horizon: u32,
    pub out: String,
    /// `full` or `ranking_only`.
    pub mode: String,
    /// Whether `--force` ran it past the data gate.
    pub forced: bool,
    pub config: Config,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestModel {
    pub path: Option<String>,
    pub sha256: String,
    pub format_version: u32,
    pub trained_to: String,
    pub note: String,
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

/// What `report` needs of a recorded run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordedRun {
    pub parameters: Parameters,
    pub inputs: Vec<ManifestInput>,
    pub model: ManifestModel,
}

/// Reads a month folder's manifest back.
pub fn read(path: &Path) -> Result<RecordedRun, ExportError> {
    let error = |source| ExportError::ReadJson { path: path.to_path_buf(), source };
    let bytes = std::fs::read(path).map_err(|e| error(serde_json::Error::io(e)))?;
    serde_json::from_slice(&bytes).map_err(error)
}
