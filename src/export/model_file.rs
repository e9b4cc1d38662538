//! The model file's format: pretty JSON of [`ModelFile`] sealed with the
//! SHA-256 of that content (`content_sha256`, last), written atomically,
//! read back with its header, version, seal and feature schema checked,
//! so a mismatched, corrupt or edited file is a clear error, never a wrong
//! ranking.

use std::path::{Path, PathBuf};

use super::{ExportError, Exporter, FormatError, json_bytes, write_atomic};
use crate::digest;
use crate::model::features;
use crate::model::file::{FORMAT, FORMAT_VERSION, ModelFile};

/// Why a model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("cannot read the model file {}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a valid riskrank model file (corrupt or truncated JSON)", path.display())]
    Corrupt { path: PathBuf, source: serde_json::Error },
    #[error("{}: not a riskrank model file (format is {found:?})", path.display())]
    Format { path: PathBuf, found: String },
    #[error("{}: model format version {found}, this riskrank reads version {FORMAT_VERSION}; retrain with `riskrank train`", path.display())]
    Version { path: PathBuf, found: u64 },
    #[error("{}: the model's features do not match this riskrank's ({detail}); retrain with `riskrank train`", path.display())]
    FeatureSchema { path: PathBuf, detail: String },
    #[error("{}: {detail}: the file was changed after training (or is damaged); retrain with `riskrank train`", path.display())]
    Tampered { path: PathBuf, detail: &'static str },
}

/// The file as written: the model's content, then its seal.
#[derive(serde::Serialize)]
struct Sealed<'a> {
    #[serde(flatten)]
    file: &'a ModelFile,
    content_sha256: String,
}

/// The SHA-256 of a model's content as the file writes it (without the seal).
fn content_sha256(file: &ModelFile) -> Result<String, serde_json::Error> {
    Ok(digest::sha256_bytes(&json_bytes(file)?))
}

/// The file's bytes: pretty JSON with a final newline, no timestamps, so
/// retraining on the same data gives the same bytes.
impl Exporter for ModelFile {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(json_bytes(&Sealed { file: self, content_sha256: content_sha256(self)? })?)
    }
}

/// A model file as read: its content and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedModel {
    pub file: ModelFile,
    pub sha256: String,
}

/// Writes a model file atomically.
pub fn save(file: &ModelFile, path: &Path) -> Result<(), ExportError> {
    let bytes = file.serialize().map_err(|source| ExportError::Format { file: path.display().to_string(), source })?;
    write_atomic(path, &bytes)
}

/// Reads and checks a model file.
pub fn load(path: &Path) -> Result<LoadedModel, ModelFileError> {
    let bytes = std::fs::read(path).map_err(|source| ModelFileError::Io { path: path.to_path_buf(), source })?;
    Ok(LoadedModel { file: parse(path, &bytes)?, sha256: digest::sha256_bytes(&bytes) })
}

/// Parses and checks a model file's bytes (`path` names it in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<ModelFile, ModelFileError> {
    let corrupt = |source| ModelFileError::Corrupt { path: path.to_path_buf(), source };
    // The header first, so an old or foreign file says so instead of
    // failing on some field deep inside.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(corrupt)?;
    let format = value.get("format").and_then(|v| v.as_str()).unwrap_or("").to_string();
    if format != FORMAT {
        return Err(ModelFileError::Format { path: path.to_path_buf(), found: format });
    }
    let version = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != u64::from(FORMAT_VERSION) {
        return Err(ModelFileError::Version { path: path.to_path_buf(), found: version });
    }
    let mut value = value;
    let seal = value.as_object_mut().and_then(|m| m.remove("content_sha256"));
    let tampered = |detail| ModelFileError::Tampered { path: path.to_path_buf(), detail };
    let Some(seal) = seal.as_ref().and_then(|s| s.as_str()).map(str::to_string) else {
        return Err(tampered("it has no content_sha256 seal"));
    };
    let file: ModelFile = serde_json::from_value(value).map_err(corrupt)?;
    // The schema first: a file of another riskrank says so more usefully.
    check_schema(&file, path)?;
    if content_sha256(&file).map_err(corrupt)? != seal {
        return Err(tampered("its content does not match its content_sha256 seal"));
    }
    Ok(file)
}

fn check_schema(model: &ModelFile, path: &Path) -> Result<(), ModelFileError> {
    let expected: Vec<&str> = features::NAMES.to_vec();
    let schema_err = |detail: String| ModelFileError::FeatureSchema { path: path.to_path_buf(), detail };
    if model.feature_names.iter().map(String::as_str).ne(expected.iter().copied()) {
        return Err(schema_err(format!(
            "file has {} features [{}], expected {} [{}]",
            model.feature_names.len(),
            model.feature_names.join(", "),
            expected.len(),
            expected.join(", ")
        )));
    }
    let n = expected.len();
    let models = [Some(&model.model.frequency), model.model.cost.as_ref()];
    for glm in models.into_iter().flatten() {
        if glm.coefficients.len() != n || !glm.intercept.is_finite() || glm.coefficients.iter().any(|c| !c.is_finite())
        {
            return Err(schema_err(format!(
                "{} coefficients or a non-finite one, expected {n}",
                glm.coefficients.len()
            )));
        }
    }
    if model.model.experience.len() != model.model.departments.len() {
        return Err(schema_err("experience factors do not match the department list".into()));
    }
    Ok(())
}
