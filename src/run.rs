//! The monthly run: validate → model (load, or train when none fits) →
//! score → rank → reports, all written into `<out>/<as-of month>/`.
//!
//! Every output is built in memory, written into a staging folder beside
//! the final one, and the staging folder replaces the month's folder in a
//! rename at the very end: a run that fails at any point leaves the
//! previous run's folder as it was and no half-written report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::digest;
use crate::ingest::{self, FileKind, IngestError, LoadOptions};
use crate::model::file::{ModelFile, ModelFileError};
use crate::model::{self, ModelError, TrainOptions};
use crate::output;
use crate::panel::{Fixed2, Fixed4, Panel, PanelBuilder};
use crate::rank::{self, RankParams};
use crate::report::build::{self, Inputs};
use crate::report::cases::CaseCollector;
use crate::report::data::{CaseLine, Ranking, ReportData, RiskTier};
use crate::report::pdf::{self, PdfDocument};
use crate::schema::{Cents, Month};

/// What the run does.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub data: PathBuf,
    /// A model file to use; `None`: `default_model` if it fits the data,
    /// else one trained on the data.
    pub model: Option<PathBuf>,
    pub default_model: PathBuf,
    pub as_of: Option<Month>,
    pub horizon: u32,
    pub out: PathBuf,
    pub mode: Mode,
}

/// How much of the job to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Everything: ranking, reports, quarantine, manifest (`run`).
    Full,
    /// `ranking.csv` and the manifest only (`rank`).
    RankingOnly,
    /// Reports from the `ranking.csv` already in the month's folder (`report`).
    ReportsOnly,
}

/// Why a run failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
    #[error(transparent)]
    Train(#[from] ModelError),
    #[error("scoring failed: {0}")]
    Score(#[from] crate::model::glm::GlmError),
    #[error("{}: the model does not fit this data: {reason}", path.display())]
    ModelMismatch { path: PathBuf, reason: String },
    #[error("cannot render {file}: {source}")]
    Pdf { file: String, source: pdf::PdfError },
    #[error("cannot format {file}: {source}")]
    Csv { file: String, source: csv::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot serialize {file}: {source}")]
    Json { file: String, source: serde_json::Error },
    #[error("the horizon must be 1 to 36 months, not {0}")]
    Horizon(u32),
}

/// What a finished run reports back.
#[derive(Debug)]
pub struct RunOutcome {
    pub dir: PathBuf,
    pub ranking: Ranking,
    pub files: Vec<ingest::FileReport>,
    pub warnings: Vec<String>,
    pub outputs: Vec<PathBuf>,
    pub model_note: String,
}

/// One output file, in memory until the folder is swapped in.
struct Output {
    path: String,
    bytes: Vec<u8>,
}

/// Runs the whole job. `stage` is told what is happening (for progress).
pub fn run(opts: &RunOptions, stage: &(dyn Fn(&str) + Sync)) -> Result<RunOutcome, RunError> {
    if !(1..=36).contains(&opts.horizon) {
        return Err(RunError::Horizon(opts.horizon));
    }
    let mut timings: BTreeMap<&str, f64> = BTreeMap::new();
    let clock = Instant::now();
    stage("validating");
    let (loaded, panel, cases) = load(opts)?;
    timings.insert("validate", clock.elapsed().as_secs_f64());

    stage("model");
    let t = Instant::now();
    let chosen = choose_model(opts, &panel)?;
    timings.insert("model", t.elapsed().as_secs_f64());

    stage("scoring");
    let t = Instant::now();
    let as_of = panel.end;
    let dir = opts.out.join(as_of.to_string());
    let (ranked, previous) = match opts.mode {
        Mode::ReportsOnly => (existing_ranking(&dir, &panel, opts.horizon)?, BTreeMap::new()),
        _ => {
            let previous = rank::previous_ranks(&opts.out, as_of);
            (rank::rank(&panel, &chosen.file, RankParams { as_of, horizon: opts.horizon }, &previous)?, previous)
        }
    };
    timings.insert("score", t.elapsed().as_secs_f64());

    let mut warnings = crate::validation::warnings(&loaded, &panel);
    if !ranked.unranked.is_empty() {
        warnings.push(format!("not ranked (no hours in the last 12 months): {}", ranked.unranked.join(", ")));
    }
    let mut outputs = vec![Output { path: "ranking.csv".into(), bytes: ranking_csv(&ranked.ranking)? }];
    if opts.mode != Mode::RankingOnly {
        stage("reports");
        let t = Instant::now();
        let data = build::report_data(&Inputs {
            panel: &panel,
            ranking: &ranked.ranking,
            model: &chosen.file,
            model_name: chosen.name.clone(),
            files: &loaded.files,
            cases: &cases,
            previous: &previous,
        });
        outputs.extend(reports(&data, &loaded)?);
        timings.insert("reports", t.elapsed().as_secs_f64());
    }
    let manifest = manifest(opts, &loaded.files, &chosen, &outputs, &warnings, &timings)?;
    outputs.push(Output { path: "manifest.json".into(), bytes: manifest });

    stage("writing");
    publish(&opts.out, &dir, &outputs)?;
    Ok(RunOutcome {
        dir: dir.clone(),
        ranking: ranked.ranking,
        files: loaded.files,
        warnings,
        outputs: outputs.iter().map(|o| dir.join(&o.path)).collect(),
        model_note: chosen.note,
    })
}

type Sinks = (PanelBuilder, CaseCollector);

fn load(opts: &RunOptions) -> Result<(ingest::Loaded<Sinks>, Panel, CaseCollector), RunError> {
    let options = LoadOptions::new(opts.as_of);
    let sinks = (PanelBuilder::default(), CaseCollector::new());
    let mut loaded = ingest::load(&opts.data, &options, sinks)?;
    let has_exposure = loaded.report(FileKind::Exposure).is_some();
    let panel = Panel::from_builder(&loaded.sink.0, loaded.departments.as_deref(), has_exposure, opts.as_of);
    let cases = std::mem::take(&mut loaded.sink.1).within(panel.end.plus(-11).first_day(), panel.end.last_day());
    Ok((loaded, panel, cases))
}

/// The model a run uses, and how it came to be.
struct Chosen {
    file: ModelFile,
    name: String,
    path: Option<PathBuf>,
    sha256: String,
    note: String,
}

/// The ranking of an earlier `run` or `rank` in `dir`, read back for `report`.
fn existing_ranking(dir: &Path, panel: &Panel, horizon: u32) -> Result<rank::Ranked, RunError> {
    let path = dir.join("ranking.csv");
    let csv_err = |source| RunError::Csv { file: path.display().to_string(), source };
    let mut reader = csv::Reader::from_path(&path).map_err(csv_err)?;
    let rows: Vec<crate::report::data::RankingRow> = reader.deserialize().collect::<Result<_, _>>().map_err(csv_err)?;
    let cases: f64 = rows.iter().map(|r| r.predicted_cases).sum();
    let city_predicted = if panel.has_exposure {
        // Hours over the horizon, recovered from each department's rate.
        let hours: f64 = rows
            .iter()
            .filter_map(|r| {
                r.predicted_rate.filter(|x| *x > 0.0).map(|x| r.predicted_cases * crate::metrics::BASE_HOURS / x)
            })
            .sum();
        if hours > 0.0 { cases * crate::metrics::BASE_HOURS / hours } else { 0.0 }
    } else {
        cases / rows.len().max(1) as f64
    };
    let ranking = Ranking { as_of: panel.end, horizon, rated: panel.has_exposure, city_predicted, rows };
    Ok(rank::Ranked { ranking, unranked: Vec::new() })
}

/// Whether a model file can score this panel: same kind (rates or counts)
/// and at least half the departments known to it.
fn fits(model: &ModelFile, panel: &Panel) -> Result<(), String> {
    if model.model.rated != panel.has_exposure {
        let kind = |rated| if rated { "rates (with hours)" } else { "counts (no hours)" };
        return Err(format!("it models {}, the data has {}", kind(model.model.rated), kind(panel.has_exposure)));
    }
    let known = panel.departments.iter().filter(|d| model.model.departments.contains(&d.code)).count();
    if known * 2 < panel.departments.len() {
        return Err(format!("it knows {known} of the data's {} departments", panel.departments.len()));
    }
    Ok(())
}

fn choose_model(opts: &RunOptions, panel: &Panel) -> Result<Chosen, RunError> {
    let loaded_from = |path: &Path| -> Result<Chosen, RunError> {
        let bytes = std::fs::read(path).map_err(|source| RunError::Io { path: path.to_path_buf(), source })?;
        let file = ModelFile::from_slice(path, &bytes)?;
        Ok(Chosen {
            file,
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
            sha256: digest::sha256_bytes(&bytes),
            note: format!("model: {}", path.display()),
        })
    };
    if let Some(path) = &opts.model {
        let chosen = loaded_from(path)?;
        fits(&chosen.file, panel).map_err(|reason| RunError::ModelMismatch { path: path.clone(), reason })?;
        return Ok(chosen);
    }
    let why = match loaded_from(&opts.default_model) {
        Ok(chosen) => match fits(&chosen.file, panel) {
            Ok(()) => return Ok(chosen),
            Err(reason) => reason,
        },
        Err(e) => e.to_string(),
    };
    let options = TrainOptions { as_of: Some(panel.end), ..TrainOptions::default() };
    let (file, _) = model::train_folder(&opts.data, &options, &|| {})?;
    let bytes = file.to_json().map_err(|source| RunError::Json { file: "model.json".into(), source })?;
    Ok(Chosen {
        file,
        name: "model.json (trained on this data)".into(),
        path: None,
        sha256: digest::sha256_bytes(&bytes),
        note: format!("model: trained on this data ({} does not fit: {why})", opts.default_model.display()),
    })
}

/// `ranking.csv`: the contract's columns, numbers with fixed decimals.
#[derive(Serialize)]
struct RankingCsvRow<'a> {
    rank: u32,
    department: &'a str,
    name: &'a str,
    group: Option<&'a str>,
    risk_tier: RiskTier,
    predicted_cases: Fixed2,
    predicted_cases_low: u64,
    predicted_cases_high: u64,
    predicted_rate: Option<Fixed4>,
    predicted_incurred: Fixed2,
    trailing12_trir: Option<Fixed4>,
    trailing12_dart: Option<Fixed4>,
    trailing12_incurred: Cents,
    actual_to_expected: Option<Fixed4>,
    rank_change: Option<i64>,
    cost_rank: u32,
    credibility_z: Fixed4,
    top_driver: &'a str,
}

fn ranking_csv(ranking: &Ranking) -> Result<Vec<u8>, RunError> {
    let rows = ranking.rows.iter().map(|r| RankingCsvRow {
        rank: r.rank,
        department: &r.department,
        name: &r.name,
        group: r.group.as_deref(),
        risk_tier: r.risk_tier,
        predicted_cases: Fixed2(r.predicted_cases),
        predicted_cases_low: r.predicted_cases_low,
        predicted_cases_high: r.predicted_cases_high,
        predicted_rate: r.predicted_rate.map(Fixed4),
        predicted_incurred: Fixed2(r.predicted_incurred),
        trailing12_trir: r.trailing12_trir.map(Fixed4),
        trailing12_dart: r.trailing12_dart.map(Fixed4),
        trailing12_incurred: r.trailing12_incurred,
        actual_to_expected: r.actual_to_expected.map(Fixed4),
        rank_change: r.rank_change,
        cost_rank: r.cost_rank,
        credibility_z: Fixed4(r.credibility_z),
        top_driver: &r.top_driver,
    });
    output::csv_bytes(rows).map_err(|source| RunError::Csv { file: "ranking.csv".into(), source })
}

/// A file name for a department code (codes are free text).
pub fn file_stem(code: &str) -> String {
    code.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// The department's own case list (no personal data).
fn department_csv(cases: &[CaseLine]) -> Result<Vec<u8>, csv::Error> {
    output::csv_bytes(cases)
}

fn reports(data: &ReportData, loaded: &ingest::Loaded<Sinks>) -> Result<Vec<Output>, RunError> {
    let mut out = Vec::new();
    let cabinet = pdf::render_pdf(&PdfDocument::Cabinet(data))
        .map_err(|source| RunError::Pdf { file: "cabinet.pdf".into(), source })?;
    out.push(Output { path: "cabinet.pdf".into(), bytes: cabinet });
    let per_department: Vec<Result<[Output; 2], RunError>> = data
        .departments
        .par_iter()
        .map(|d| {
            let stem = file_stem(&d.row.department);
            let pdf_path = format!("departments/{stem}.pdf");
            let bytes = pdf::render_pdf(&PdfDocument::Department(data, d))
                .map_err(|source| RunError::Pdf { file: pdf_path.clone(), source })?;
            let csv_path = format!("departments/{stem}.csv");
            let csv = department_csv(&d.cases).map_err(|source| RunError::Csv { file: csv_path.clone(), source })?;
            Ok([Output { path: pdf_path, bytes }, Output { path: csv_path, bytes: csv }])
        })
        .collect();
    for pair in per_department {
        out.extend(pair?);
    }
    for report in &loaded.files {
        let bytes = ingest::quarantine_csv(&report.header, loaded.quarantined(report.kind))
            .map_err(|source| RunError::Csv { file: format!("quarantine/{}.csv", report.kind.stem()), source })?;
        out.push(Output { path: format!("quarantine/{}.csv", report.kind.stem()), bytes });
    }
    Ok(out)
}

#[derive(Serialize)]
struct Manifest<'a> {
    riskrank_version: &'a str,
    parameters: Parameters<'a>,
    inputs: Vec<ManifestInput>,
    model: ManifestModel<'a>,
    outputs: Vec<ManifestOutput<'a>>,
    warnings: &'a [String],
    /// Seconds per stage; the only part that changes between identical runs.
    timings_seconds: &'a BTreeMap<&'a str, f64>,
}

#[derive(Serialize)]
struct Parameters<'a> {
    data: String,
    as_of: Option<String>,
    horizon: u32,
    out: String,
    mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
}

#[derive(Serialize)]
struct ManifestInput {
    path: String,
    sha256: String,
    read: u64,
    accepted: u64,
    quarantined: u64,
}

#[derive(Serialize)]
struct ManifestModel<'a> {
    path: Option<String>,
    sha256: &'a str,
    format_version: u32,
    trained_to: String,
    note: &'a str,
}

#[derive(Serialize)]
struct ManifestOutput<'a> {
    path: &'a str,
    sha256: String,
    bytes: usize,
}

fn manifest(
    opts: &RunOptions,
    files: &[ingest::FileReport],
    chosen: &Chosen,
    outputs: &[Output],
    warnings: &[String],
    timings: &BTreeMap<&str, f64>,
) -> Result<Vec<u8>, RunError> {
    let inputs = files
        .iter()
        .map(|f| {
            let sha256 =
                digest::sha256_file(&f.path).map_err(|source| RunError::Io { path: f.path.clone(), source })?;
            Ok(ManifestInput {
                path: f.path.display().to_string(),
                sha256,
                read: f.read,
                accepted: f.accepted,
                quarantined: f.quarantined,
            })
        })
        .collect::<Result<Vec<_>, RunError>>()?;
    let manifest = Manifest {
        riskrank_version: env!("CARGO_PKG_VERSION"),
        parameters: Parameters {
            data: opts.data.display().to_string(),
            as_of: opts.as_of.map(|m| m.to_string()),
            horizon: opts.horizon,
            out: opts.out.display().to_string(),
            mode: opts.mode,
            model: None,
        },
        inputs,
        model: ManifestModel {
            path: chosen.path.as_ref().map(|p| p.display().to_string()),
            sha256: &chosen.sha256,
            format_version: chosen.file.format_version,
            trained_to: chosen.file.training_window.cutoff.to_string(),
            note: &chosen.note,
        },
        outputs: outputs
            .iter()
            .map(|o| ManifestOutput { path: &o.path, sha256: digest::sha256_bytes(&o.bytes), bytes: o.bytes.len() })
            .collect(),
        warnings,
        timings_seconds: timings,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|source| RunError::Json { file: "manifest.json".into(), source })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the outputs into a staging folder, then swaps it in for `dir`.
fn publish(out: &Path, dir: &Path, outputs: &[Output]) -> Result<(), RunError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = out.join(format!(".{name}.staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| {
        for o in outputs {
            let path = staging.join(&o.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&path, &o.bytes).map_err(io(&path))?;
        }
        swap_in(&staging, dir, out, &name)
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written
}

fn swap_in(staging: &Path, dir: &Path, out: &Path, name: &str) -> Result<(), RunError> {
    let io = |path: &Path, source| RunError::Io { path: path.to_path_buf(), source };
    if !dir.exists() {
        return std::fs::rename(staging, dir).map_err(|e| io(dir, e));
    }
    let old = out.join(format!(".{name}.previous-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(dir, &old).map_err(|e| io(dir, e))?;
    if let Err(e) = std::fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(io(dir, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
