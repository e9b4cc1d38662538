//! The monthly run: validate → model (load, or train when none fits) →
//! score → rank → reports, all written into `<out>/<as-of month>/`.
//!
//! The data folder is read once, into every sink the run may need (the
//! panel, the department case lists and the triage claims, in case a model
//! has to be trained). Every output goes into one staged folder that
//! replaces the month's folder at the very end: a run that fails at any
//! point leaves the previous run's folder as it was and no half-written
//! report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::{PipelineError, Read, input_digests, truth_in};
use crate::export::manifest::{self, Manifest, ManifestInput, ManifestModel, ManifestOutput, Parameters};
use crate::export::model_file::{self, LoadedModel};
use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::{self, Exporter, Keep, StagedFolder, department, ranking};
use crate::ingest::{self, FileReport};
use crate::model::file::ModelFile;
use crate::model::triage::TriageCollector;
use crate::model::{self, TrainOptions, TrainingData};
use crate::panel::{Panel, PanelBuilder};
use crate::rank::{self, RankParams, Ranked, Ranking};
use crate::report::build::{self, Inputs};
use crate::report::cases::CaseCollector;
use crate::report::data::ReportData;
use crate::report::pdf::PdfDocument;
use crate::schema::Month;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything: ranking, reports, quarantine, manifest (`run`).
    Full,
    /// `ranking.csv` and the manifest only (`rank`).
    RankingOnly,
    /// Reports from the `ranking.csv` already in the month's folder (`report`).
    ReportsOnly,
}

impl Mode {
    /// The name the manifest records.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::RankingOnly => "ranking_only",
            Mode::ReportsOnly => "reports_only",
        }
    }
}

/// What a finished run reports back.
#[derive(Debug)]
pub struct RunOutcome {
    pub dir: PathBuf,
    pub ranking: Ranking,
    pub files: Vec<FileReport>,
    pub warnings: Vec<String>,
    pub outputs: Vec<PathBuf>,
    pub model_note: String,
}

type Sinks = (PanelBuilder, (CaseCollector, Option<TriageCollector>));

/// Runs the whole job. `stage` is told what is happening (for progress).
pub fn run(opts: &RunOptions, stage: &(dyn Fn(&str) + Sync)) -> Result<RunOutcome, PipelineError> {
    if !(1..=36).contains(&opts.horizon) {
        return Err(PipelineError::Horizon(opts.horizon));
    }
    let mut timings: BTreeMap<&str, f64> = BTreeMap::new();
    let clock = Instant::now();
    stage("validating");
    let candidate = candidate_model(opts)?;
    let triage = candidate.may_train(&opts.data).then(TriageCollector::new);
    let sinks: Sinks = (PanelBuilder::default(), (CaseCollector::new(), triage));
    let Read { mut loaded, panel } = super::read(&opts.data, opts.as_of, sinks)?;
    let (cases, triage) = std::mem::take(&mut loaded.sink.1);
    let cases = cases.within(panel.end.plus(-11).first_day(), panel.end.last_day());
    timings.insert("validate", clock.elapsed().as_secs_f64());

    stage("model");
    let t = Instant::now();
    let chosen = choose_model(opts, candidate, &panel, &loaded, triage)?;
    timings.insert("model", t.elapsed().as_secs_f64());

    stage("scoring");
    let t = Instant::now();
    let as_of = panel.end;
    let dir = opts.out.join(as_of.to_string());
    let (ranked, previous) = match opts.mode {
        Mode::ReportsOnly => (existing_ranking(&dir, &panel, opts.horizon)?, BTreeMap::new()),
        _ => {
            let previous = previous_ranks(&opts.out, as_of);
            (rank::rank(&panel, &chosen.file, RankParams { as_of, horizon: opts.horizon }, &previous)?, previous)
        }
    };
    timings.insert("score", t.elapsed().as_secs_f64());

    let mut warnings = crate::panel::warnings(&loaded.files, &panel);
    if !ranked.unranked.is_empty() {
        warnings.push(format!("not ranked (no hours in the last 12 months): {}", ranked.unranked.join(", ")));
    }
    let mut folder = StagedFolder::new(&dir, Keep::Nothing)?;
    folder.add(ranking::FILE, &ranked.ranking)?;
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
        add_reports(&mut folder, &data, &loaded)?;
        timings.insert("reports", t.elapsed().as_secs_f64());
    }
    let outputs: Vec<ManifestOutput> = folder.files().iter().map(ManifestOutput::from).collect();
    let manifest = manifest(opts, &loaded.files, &chosen, outputs, &warnings, &timings);
    let manifest = manifest
        .serialize()
        .map_err(|source| export::ExportError::Format { file: manifest::FILE.to_string(), source })?;
    folder.add_bytes(manifest::FILE, &manifest)?;

    stage("writing");
    let outputs = folder.files().iter().map(|f| dir.join(&f.path)).collect();
    folder.publish()?;
    Ok(RunOutcome { dir, ranking: ranked.ranking, files: loaded.files, warnings, outputs, model_note: chosen.note })
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
fn existing_ranking(dir: &Path, panel: &Panel, horizon: u32) -> Result<Ranked, PipelineError> {
    let rows = ranking::read(&dir.join(ranking::FILE))?;
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
    Ok(Ranked { ranking, unranked: Vec::new() })
}

/// The ranks of the latest earlier run under `out` (`<out>/<month>/ranking.csv`
/// with the greatest month ≤ `as_of`); empty when there is none or it
/// cannot be read (a rank change is then simply not shown).
fn previous_ranks(out: &Path, as_of: Month) -> BTreeMap<String, u32> {
    let Ok(entries) = std::fs::read_dir(out) else { return BTreeMap::new() };
    let latest = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<Month>().ok()))
        .filter(|m| *m <= as_of && out.join(m.to_string()).join(ranking::FILE).is_file())
        .max();
    let Some(month) = latest else { return BTreeMap::new() };
    ranking::read_ranks(&out.join(month.to_string()).join(ranking::FILE)).unwrap_or_default()
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

fn loaded_from(path: &Path) -> Result<Chosen, PipelineError> {
    let LoadedModel { file, sha256 } = model_file::load(path)?;
    Ok(Chosen {
        file,
        name: path.display().to_string(),
        path: Some(path.to_path_buf()),
        sha256,
        note: format!("model: {}", path.display()),
    })
}

/// The model a run will try, known before the data are read.
enum Candidate {
    /// `--model`: used as it is, or the run fails.
    Given(Chosen),
    /// The default model, or why it could not be read.
    Default(Result<Chosen, String>),
}

impl Candidate {
    /// Whether the run may have to train a model, and so needs the triage
    /// claims from its one pass over the files. Only when the default
    /// model reads, models the same kind (rates or counts) as the folder
    /// holds, and a departments.csv fixes the department list can the run
    /// tell before reading that it will not (and then it keeps the memory).
    fn may_train(&self, data: &Path) -> bool {
        let present = |kind| ingest::locate(data, kind).ok().flatten().is_some();
        match self {
            Candidate::Given(_) => false,
            Candidate::Default(Err(_)) => true,
            Candidate::Default(Ok(c)) => {
                c.file.model.rated != present(ingest::FileKind::Exposure) || !present(ingest::FileKind::Departments)
            }
        }
    }
}

fn candidate_model(opts: &RunOptions) -> Result<Candidate, PipelineError> {
    Ok(match &opts.model {
        Some(path) => Candidate::Given(loaded_from(path)?),
        None => Candidate::Default(loaded_from(&opts.default_model).map_err(|e| crate::error_chain(&e))),
    })
}

fn choose_model(
    opts: &RunOptions,
    candidate: Candidate,
    panel: &Panel,
    loaded: &ingest::Loaded<Sinks>,
    triage: Option<TriageCollector>,
) -> Result<Chosen, PipelineError> {
    let why = match candidate {
        Candidate::Given(chosen) => {
            let path = opts.model.clone().unwrap_or_default();
            fits(&chosen.file, panel).map_err(|reason| PipelineError::ModelMismatch { path, reason })?;
            return Ok(chosen);
        }
        Candidate::Default(Ok(chosen)) => match fits(&chosen.file, panel) {
            Ok(()) => return Ok(chosen),
            Err(reason) => reason,
        },
        Candidate::Default(Err(why)) => why,
    };
    let truth = truth_in(&opts.data)?;
    // Without the claims (the default model looked as if it would fit),
    // the trained model has no triage part; ranking does not use it.
    let triage = triage.unwrap_or_default().finish(loaded.departments.as_deref());
    let data = TrainingData { panel, triage, truth: truth.as_ref(), inputs: input_digests(&loaded.files) };
    let file = model::train(data, &TrainOptions::default(), &|| {})?;
    let bytes = file.serialize().map_err(|source| export::ExportError::Format { file: "model.json".into(), source })?;
    Ok(Chosen {
        file,
        name: "model.json (trained on this data)".into(),
        path: None,
        sha256: crate::digest::sha256_bytes(&bytes),
        note: format!("model: trained on this data ({} does not fit: {why})", opts.default_model.display()),
    })
}

/// The Cabinet PDF, each department's PDF and case list (rendered in
/// parallel), and the quarantine files.
fn add_reports(
    folder: &mut StagedFolder,
    data: &ReportData,
    loaded: &ingest::Loaded<Sinks>,
) -> Result<(), PipelineError> {
    folder.add(export::pdf::CABINET_FILE, &PdfDocument::Cabinet(data))?;
    let per_department: Vec<Result<[RenderedFile; 2], export::ExportError>> = data
        .departments
        .par_iter()
        .map(|d| {
            let (pdf_path, csv_path) = department::paths(&d.row.department);
            let pdf = render(&pdf_path, &PdfDocument::Department(data, d))?;
            let csv = render(&csv_path, &department::CaseListCsv(&d.cases))?;
            Ok([(pdf_path, pdf), (csv_path, csv)])
        })
        .collect();
    for pair in per_department {
        for (path, bytes) in pair? {
            folder.add_bytes(&path, &bytes)?;
        }
    }
    for report in &loaded.files {
        folder.add(&quarantine::path(report.kind), &QuarantineCsv::of(report, &loaded.quarantine))?;
    }
    Ok(())
}

/// A file rendered outside the folder: its path and bytes.
type RenderedFile = (String, Vec<u8>);

/// A format's bytes, its path named in the error (for work done outside
/// the folder, in parallel).
fn render(path: &str, format: &dyn Exporter) -> Result<Vec<u8>, export::ExportError> {
    format.serialize().map_err(|source| export::ExportError::Format { file: path.to_string(), source })
}

fn manifest<'a>(
    opts: &'a RunOptions,
    files: &[FileReport],
    chosen: &'a Chosen,
    outputs: Vec<ManifestOutput<'a>>,
    warnings: &'a [String],
    timings: &'a BTreeMap<&'a str, f64>,
) -> Manifest<'a> {
    Manifest {
        riskrank_version: env!("CARGO_PKG_VERSION"),
        parameters: Parameters {
            data: opts.data.display().to_string(),
            as_of: opts.as_of.map(|m| m.to_string()),
            horizon: opts.horizon,
            out: opts.out.display().to_string(),
            mode: opts.mode.as_str(),
            model: None,
        },
        inputs: files.iter().map(ManifestInput::from).collect(),
        model: ManifestModel {
            path: chosen.path.as_ref().map(|p| p.display().to_string()),
            sha256: &chosen.sha256,
            format_version: chosen.file.format_version,
            trained_to: chosen.file.training_window.cutoff.to_string(),
            note: &chosen.note,
        },
        outputs,
        warnings,
        timings_seconds: timings,
    }
}
