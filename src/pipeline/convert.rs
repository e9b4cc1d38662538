//! `convert`: a data folder's CSV files written as Parquet, one
//! `<stem>.parquet` per contract file, typed where the text survives (see
//! [`ingest::parquet`]). The folder's `riskrank.toml` is copied beside them,
//! since its column names, delimiter and date format still apply. Each file
//! is written to a temporary name and renamed, so a failed conversion
//! leaves no half-written file.

use std::path::{Path, PathBuf};

use super::PipelineError;
use crate::config::{self, InputFormat};
use crate::export::ExportError;
use crate::ingest::parquet::{Codec, ColumnType, Converted, convert_csv};
use crate::ingest::{self, FileKind, IngestError};

/// One converted file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedFile {
    pub kind: FileKind,
    pub from: PathBuf,
    pub to: PathBuf,
    pub converted: Converted,
}

impl ConvertedFile {
    /// Its columns' types, e.g. `event_date date, days_away integer`.
    pub fn types(&self) -> String {
        let name = |t: &ColumnType| match t {
            ColumnType::Decimal(0) => "integer".to_string(),
            ColumnType::Decimal(scale) => format!("decimal({scale})"),
            ColumnType::Date => "date".into(),
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Unknown | ColumnType::Text => "text".into(),
        };
        self.converted.columns.iter().map(|(c, t)| format!("{c} {}", name(t))).collect::<Vec<_>>().join(", ")
    }
}

/// Converts every CSV contract file of `data` into `out`; refuses to
/// replace an existing Parquet file unless `force`.
pub fn convert(
    data: &Path,
    out: &Path,
    input: &InputFormat,
    codec: Codec,
    force: bool,
) -> Result<Vec<ConvertedFile>, PipelineError> {
    if out == data {
        return Err(PipelineError::Contradiction { what: "--out must be another folder than --data".into() });
    }
    let mut sources = Vec::new();
    // The optional inputs too: `osha` reads establishments.csv and the
    // monthly run claim_valuations.csv from the converted folder as well.
    let kinds = FileKind::ALL.into_iter().chain([FileKind::Establishments, FileKind::ClaimValuations]);
    for kind in kinds {
        match ingest::locate(data, kind)? {
            Some(path) if path.extension().is_none_or(|e| e != "parquet") => sources.push((kind, path)),
            _ => {}
        }
    }
    if sources.is_empty() {
        return Err(IngestError::NoData { dir: data.to_path_buf() }.into());
    }
    super::check_writable(out)?;
    std::fs::create_dir_all(out).map_err(|source| ExportError::Write { path: out.to_path_buf(), source })?;
    for (kind, _) in &sources {
        let target = out.join(format!("{}.parquet", kind.stem()));
        if target.exists() && !force {
            return Err(PipelineError::Exists(target));
        }
    }
    let mut written = Vec::new();
    for (kind, from) in sources {
        let to = out.join(format!("{}.parquet", kind.stem()));
        let converted = write_one(&from, &to, input, codec)?;
        written.push(ConvertedFile { kind, from, to, converted });
    }
    let config = data.join(config::FILE);
    if config.is_file() {
        let bytes = std::fs::read(&config).map_err(|source| ExportError::Write { path: config.clone(), source })?;
        crate::export::write_atomic(&out.join(config::FILE), &bytes)?;
    }
    Ok(written)
}

/// Writes `from` as `to` through a temporary file renamed into place.
fn write_one(from: &Path, to: &Path, input: &InputFormat, codec: Codec) -> Result<Converted, PipelineError> {
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = to.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let write_error = |source| ExportError::Write { path: to.to_path_buf(), source };
    let file = std::fs::File::create(&tmp).map_err(write_error)?;
    let result = convert_csv(from, file, input, codec).map_err(PipelineError::from).and_then(|converted| {
        let synced = std::fs::File::open(&tmp).and_then(|f| f.sync_all());
        synced.and_then(|()| std::fs::rename(&tmp, to)).map_err(|e| write_error(e).into()).map(|()| converted)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
