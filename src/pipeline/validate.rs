//! `validate`: read a data folder once and write its account into
//! `<out>/<month>/`: the quarantine files, `panel.csv`, `mix.csv` and
//! `validation.json`, staged and published together beside whatever else
//! that month's folder holds.

use std::path::{Path, PathBuf};

use super::{PipelineError, Read};
use crate::codes::CodeTable;
use crate::export::mix::{self, MixCsv};
use crate::export::panel::{self as panel_csv, PanelCsv};
use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::validation::{self, ValidationJson};
use crate::export::{Keep, StagedFolder};
use crate::ingest::FileReport;
use crate::panel::{Panel, PanelBuilder};
use crate::schema::Month;

/// What a validation found and wrote.
#[derive(Debug)]
pub struct Validated {
    pub files: Vec<FileReport>,
    pub panel: Panel,
    pub warnings: Vec<String>,
    /// The month's folder written into.
    pub dir: PathBuf,
    pub written: Vec<PathBuf>,
}

/// Validates `data` and writes the account under `out`.
pub fn validate(data: &Path, as_of: Option<Month>, out: &Path) -> Result<Validated, PipelineError> {
    let Read { loaded, panel } = super::read(data, as_of, PanelBuilder::default())?;
    let warnings = crate::panel::warnings(&loaded.files, &panel);
    let dir = out.join(panel.end.to_string());
    let mut folder = StagedFolder::new(&dir, Keep::Others)?;
    for report in &loaded.files {
        folder.add(&quarantine::path(report.kind), &QuarantineCsv::of(report, &loaded.quarantine))?;
    }
    folder.add(panel_csv::FILE, &PanelCsv(&panel))?;
    folder.add(mix::FILE, &MixCsv(&panel, CodeTable::builtin()))?;
    folder.add(validation::FILE, &ValidationJson::new(&loaded.options, &panel, &loaded.files, &warnings))?;
    let written = folder.files().iter().map(|f| dir.join(&f.path)).collect();
    folder.publish()?;
    Ok(Validated { files: loaded.files, panel, warnings, dir, written })
}
