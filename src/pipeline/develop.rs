//! `develop`: a long triangle CSV read once, every group's and measure's
//! triangle developed, and `factors.csv`, `ultimates.csv` and
//! `development.xlsx` written into the output folder through one
//! [`StagedFolder`] (other files there are kept), so a failure leaves the
//! folder as it was.

use std::path::{Path, PathBuf};

use crate::export::development::{DevelopmentWorkbook, FACTORS, FactorsCsv, ULTIMATES, UltimatesCsv, WORKBOOK};
use crate::export::{ExportError, Keep, StagedFile, StagedFolder};
use crate::ingest::triangles::{self, Grain, TrianglesError};
use crate::model::development::{self, Development, DevelopmentError, Options};

/// What `develop` reads and how it develops.
#[derive(Debug, Clone)]
pub struct DevelopParams {
    pub triangles: PathBuf,
    pub grain: Grain,
    pub exposure: Option<String>,
    pub out: PathBuf,
    pub options: Options,
}

/// What `develop` did.
#[derive(Debug, Clone)]
pub struct Developed {
    pub developments: Vec<Development>,
    pub files: Vec<StagedFile>,
}

/// Why `develop` failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DevelopError {
    #[error(transparent)]
    Read(#[from] TrianglesError),
    #[error("{}", path.display())]
    Develop {
        path: PathBuf,
        #[source]
        source: DevelopmentError,
    },
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// Reads, develops and writes; see the module docs.
pub fn develop(params: &DevelopParams) -> Result<Developed, DevelopError> {
    let table = triangles::read(&params.triangles, params.grain, params.exposure.as_deref())?;
    let on_file = |source| DevelopError::Develop { path: params.triangles.clone(), source };
    let all = development::triangles(&table).map_err(on_file)?;
    let developments =
        all.iter().map(|t| development::develop(t, &params.options)).collect::<Result<Vec<_>, _>>().map_err(on_file)?;
    let parent = params.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let _lock = crate::export::lock(parent)?;
    let mut folder = StagedFolder::new(&params.out, Keep::Others)?;
    folder.add(FACTORS, &FactorsCsv(&developments))?;
    folder.add(ULTIMATES, &UltimatesCsv(&developments))?;
    folder.add(WORKBOOK, &DevelopmentWorkbook { triangles: &all, developments: &developments })?;
    let files = folder.files().to_vec();
    folder.publish()?;
    Ok(Developed { developments, files })
}
