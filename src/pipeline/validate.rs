//! `validate`: read a data folder once and write its account into
//! `<out>/<month>/`: the quarantine files, `panel.csv`, `mix.csv` and
//! `validation.json` (with the data gate's verdict and the files not
//! read), staged and published together beside whatever else that
//! month's folder holds. The gate's verdict is reported, not enforced:
//! validating is how a user finds out what the gate would say.

use std::path::{Path, PathBuf};

use super::{PipelineError, Read, Source};
use crate::codes::CodeTable;
use crate::export::mix::{self, MixCsv};
use crate::export::panel::{self as panel_csv, PanelCsv};
use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::validation::{self, ValidationJson};
use crate::export::{Keep, StagedFolder};
use crate::gate::Verdict;
use crate::ingest::{FileReport, UnreadFile};
use crate::panel::{Panel, PanelBuilder};

/// What a validation found and wrote.
#[derive(Debug)]
pub struct Validated {
    pub files: Vec<FileReport>,
    pub panel: Panel,
    pub warnings: Vec<String>,
    pub verdict: Verdict,
    pub unread: Vec<UnreadFile>,
    /// The month's folder written into.
    pub dir: PathBuf,
    pub written: Vec<PathBuf>,
}

/// Validates `source` and writes the account under `out`.
pub fn validate(source: &Source, out: &Path) -> Result<Validated, PipelineError> {
    super::check_writable(out)?;
    let Read { loaded, panel, as_of_note, .. } =
        super::read(&source.data, &source.load, PanelBuilder::new(source.load.limits.claim_cap()))?;
    let verdict = super::verdict(&loaded, &source.rules);
    let mut warnings: Vec<String> = as_of_note.into_iter().collect();
    warnings.extend(crate::panel::warnings(&loaded.files, &panel));
    let dir = out.join(panel.end.to_string());
    let _lock = crate::export::lock(out)?;
    let mut folder = StagedFolder::new(&dir, Keep::Others)?;
    for report in &loaded.files {
        folder.add(&quarantine::path(report.kind), &QuarantineCsv::of(report, &loaded.quarantine))?;
    }
    folder.add(panel_csv::FILE, &PanelCsv(&panel))?;
    folder.add(mix::FILE, &MixCsv(&panel, CodeTable::builtin()))?;
    let json =
        ValidationJson::new(&loaded.options, &panel, &loaded.files, &warnings).with_gate(&verdict, &loaded.unread);
    folder.add(validation::FILE, &json)?;
    let written = folder.files().iter().map(|f| dir.join(&f.path)).collect();
    folder.publish()?;
    Ok(Validated { files: loaded.files, panel, warnings, verdict, unread: loaded.unread, dir, written })
}
