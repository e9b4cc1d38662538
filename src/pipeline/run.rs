//! The monthly run: validate → data gate → model (load, or train when none
//! fits) → score → rank → reports, all written into `<out>/<as-of month>/`.
//!
//! The data folder is read once, into every sink the run may need (the
//! panel, the department case lists and the triage claims, in case a model
//! has to be trained). The data gate then decides whether the data can
//! support a report at all. Every output goes into one staged folder that
//! replaces the month's folder at the very end: a run that fails at any
//! point leaves the previous run's folder as it was and no half-written
//! report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::{PipelineError, Read, input_digests};
use crate::config::Config;
use crate::export::manifest::{self, Manifest, ManifestInput, ManifestModel, ManifestOutput, Parameters};
use crate::export::model_file::{self, LoadedModel};
use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::xlsx::{self, DepartmentWorkbook, RankingWorkbook, Tables};
use crate::export::{self, Exporter, Keep, StagedFolder, department, ranking};
use crate::gate::{self, Verdict};
use crate::ingest::{self, FileReport, LoadOptions};
use crate::model::development::monthly::MonthlyDevelopment;
use crate::model::file::ModelFile;
use crate::model::triage::TriageCollector;
use crate::model::{self, TrainOptions, TrainingData};
use crate::panel::{Panel, PanelBuilder};
use crate::rank::{self, PreviousRanking, RankParams, Ranking};
use crate::report::build::{self, Inputs};
use crate::report::cases::CaseCollector;
use crate::report::data::ReportData;
use crate::report::html::HtmlPage;
use crate::report::pdf::PdfDocument;
use crate::schema::Month;

/// The file a model trained during a run is kept in, in the month's folder.
pub const TRAINED_MODEL_FILE: &str = "model.json";

/// What the run does.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub data: PathBuf,
    /// A model file to use; `None`: the first of `default_models` that
    /// exists, if it fits the data, else one trained on the data.
    pub model: Option<PathBuf>,
    /// Where the default model is looked for, in order.
    pub default_models: Vec<PathBuf>,
    pub as_of: Option<Month>,
    pub horizon: u32,
    pub out: PathBuf,
    pub mode: Mode,
    pub config: Config,
    /// Run even when the data gate refuses (the reports then say so).
    pub force: bool,
}

impl RunOptions {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions::new(self.as_of).with_config(&self.config)
    }
}

/// How much of the job to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything: ranking, reports, quarantine, manifest (`run`).
    Full,
    /// `ranking.csv` and the manifest only (`rank`; `report` adds the
    /// reports later, see [`super::report`]).
    RankingOnly,
}

impl Mode {
    /// The name the manifest records.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::RankingOnly => "ranking_only",
        }
    }
}

/// What a finished run reports back.
#[derive(Debug)]
pub struct RunOutcome {
    pub dir: PathBuf,
    pub ranking: Ranking,
    pub files: Vec<FileReport>,
    pub unread: Vec<ingest::UnreadFile>,
    pub verdict: Verdict,
    /// What the user should read: the run exits 1 when there are any.
    pub warnings: Vec<String>,
    pub outputs: Vec<PathBuf>,
    pub model_note: String,
}

/// The panel, the case lists (only when reports are made) and the triage
/// claims (only when a model may have to be trained).
pub(super) type Sinks = (PanelBuilder, (Option<CaseCollector>, Option<TriageCollector>));

/// A data folder read for a run, with the gate's verdict.
pub(super) struct RunData {
    pub loaded: ingest::Loaded<Sinks>,
    pub panel: Panel,
    pub development: Option<MonthlyDevelopment>,
    pub cases: CaseCollector,
    pub triage: Option<TriageCollector>,
    pub verdict: Verdict,
    /// Why the as-of month was inferred before the data's last month.
    pub as_of_note: Option<String>,
}

/// Reads the folder once and puts it through the data gate; the case
/// lists are kept only for reports (`rank` spares a tenth of its time).
pub(super) fn read_for_run(opts: &RunOptions, reports: bool, collect_triage: bool) -> Result<RunData, PipelineError> {
    let triage = collect_triage.then(TriageCollector::new);
    let cases = reports.then(CaseCollector::new);
    let sinks: Sinks = (PanelBuilder::new(opts.config.limits.claim_cap()), (cases, triage));
    let Read { mut loaded, panel, development, as_of_note } = super::read(&opts.data, &opts.load_options(), sinks)?;
    let verdict = super::gate(&loaded, &opts.config.gate, opts.force)?;
    let (cases, triage) = std::mem::take(&mut loaded.sink.1);
    let cases = cases.unwrap_or_default().within(panel.end.plus(-11).first_day(), panel.end.last_day());
    Ok(RunData { loaded, panel, development, cases, triage, verdict, as_of_note })
}

/// Runs the whole job (or its ranking alone). `stage` is told what is
/// happening (for progress).
pub fn run(opts: &RunOptions, stage: &(dyn Fn(&str) + Sync)) -> Result<RunOutcome, PipelineError> {
    if !(1..=36).contains(&opts.horizon) {
        return Err(PipelineError::Horizon(opts.horizon));
    }
    super::check_writable(&opts.out)?;
    let mut timings: BTreeMap<&str, f64> = BTreeMap::new();
    let clock = Instant::now();
    stage("validating");
    let candidate = candidate_model(opts)?;
    let RunData { loaded, panel, development, cases, triage, verdict, as_of_note } =
        read_for_run(opts, opts.mode == Mode::Full, candidate.may_train(&opts.data))?;
    let _lock = export::lock(&opts.out)?;
    timings.insert("validate", clock.elapsed().as_secs_f64());

    stage("model");
    let t = Instant::now();
    let chosen = choose_model(opts, candidate, &panel, &loaded, triage)?;
    timings.insert("model", t.elapsed().as_secs_f64());

    stage("scoring");
    let t = Instant::now();
    let as_of = panel.end;
    let dir = opts.out.join(as_of.to_string());
    let previous = previous_ranking(&opts.out, as_of);
    let params = RankParams { as_of, horizon: opts.horizon, tiers: opts.config.tiers };
    let mut ranked = rank::rank(&panel, &chosen.file, params, &previous)?;
    if let Some(development) = &development {
        rank::set_development_intervals(&mut ranked.ranking, &panel, development);
    }
    let verdict = model_fit(verdict, &ranked.ranking, &chosen, opts)?;
    ranked.ranking.data_warning = verdict.summary();
    timings.insert("score", t.elapsed().as_secs_f64());

    let mut warnings: Vec<String> = as_of_note.into_iter().collect();
    warnings.extend(self::warnings(&verdict, &loaded.files, &panel, &ranked.unranked, &chosen));
    warnings.extend(opts.config.targets.as_ref().and_then(|t| rank::targets::unknown_departments(t, &panel)));
    let mut folder = StagedFolder::new(&dir, Keep::Nothing)?;
    let bytes = render(ranking::FILE, &ranked.ranking)?;
    folder.add_bytes(ranking::FILE, &bytes)?;
    // The reports show the ranking as written, to the file's decimals.
    let file = ranking::parse(&bytes, &dir.join(ranking::FILE))?;
    let written = Ranking { rows: file.rows, city_addressable: file.city_addressable, ..ranked.ranking.clone() };
    let tables = workbook_tables(&bytes, &panel)?;
    let tier_rule = rank::tier_rule(&opts.config.tiers);
    let workbook = RankingWorkbook { tables: &tables, files: &loaded.files, verdict: &verdict, tier_rule };
    folder.add(xlsx::FILE, &workbook)?;
    if chosen.trained {
        folder.add(TRAINED_MODEL_FILE, &chosen.file)?;
    }
    if opts.mode == Mode::Full {
        stage("reports");
        let t = Instant::now();
        let data = build::report_data(&Inputs {
            panel: &panel,
            ranking: &written,
            model: &chosen.file,
            model_name: chosen.name.clone(),
            files: &loaded.files,
            cases: &cases,
            previous: &previous,
            settings: &opts.config.report,
            tiers: &opts.config.tiers,
            targets: opts.config.targets.as_ref(),
        });
        // The case lines are in `data` now; the cases they came from can go.
        drop(cases);
        add_reports(&mut folder, &data, &loaded, &tables)?;
        timings.insert("reports", t.elapsed().as_secs_f64());
    }
    let record =
        Record { opts, files: &loaded.files, chosen: &chosen, dir: &dir, verdict: &verdict, ranking: &ranked.ranking };
    add_manifest(&mut folder, &record, &warnings, &timings)?;

    stage("writing");
    let outputs = folder.files().iter().map(|f| dir.join(&f.path)).collect();
    folder.publish()?;
    Ok(RunOutcome {
        dir,
        ranking: ranked.ranking,
        files: loaded.files,
        unread: loaded.unread,
        verdict,
        warnings,
        outputs,
        model_note: chosen.note,
    })
}

/// The gate's last rule, checked once the model has scored the data: its
/// city-wide actual-to-expected must lie within the bounds.
fn model_fit(
    mut verdict: Verdict,
    ranking: &Ranking,
    chosen: &Chosen,
    opts: &RunOptions,
) -> Result<Verdict, PipelineError> {
    if let Some(finding) = gate::model_fit(ranking.city_actual_to_expected, &chosen.name, &opts.config.gate) {
        verdict.findings.push(finding);
        if !opts.force {
            return Err(PipelineError::Refused(verdict));
        }
    }
    Ok(verdict)
}

/// Everything the user should read before trusting the reports.
fn warnings(
    verdict: &Verdict,
    files: &[FileReport],
    panel: &Panel,
    unranked: &[String],
    chosen: &Chosen,
) -> Vec<String> {
    let mut out = verdict.forced_warnings();
    out.extend(crate::panel::warnings(files, panel));
    if !unranked.is_empty() {
        out.push(format!("not ranked (no hours in the last 12 months): {}", unranked.join(", ")));
    }
    if chosen.trained {
        out.push(chosen.note.clone());
    }
    out
}

/// The model a run uses, and how it came to be.
pub(super) struct Chosen {
    pub file: ModelFile,
    pub name: String,
    pub path: Option<PathBuf>,
    pub sha256: String,
    pub note: String,
    /// Trained during this run (and kept in the month's folder).
    pub trained: bool,
}

/// The ranking of the latest run of an earlier month under `out`
/// (`<out>/<month>/ranking.csv` with the greatest month before `as_of`):
/// re-running a month keeps comparing with the month before. Empty when
/// there is none or it cannot be read (rank changes are then not shown).
pub(super) fn previous_ranking(out: &Path, as_of: Month) -> PreviousRanking {
    let Ok(entries) = std::fs::read_dir(out) else { return PreviousRanking::default() };
    let latest = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<Month>().ok()))
        .filter(|m| *m < as_of && out.join(m.to_string()).join(ranking::FILE).is_file())
        .max();
    let Some(month) = latest else { return PreviousRanking::default() };
    ranking::read_previous(&out.join(month.to_string()).join(ranking::FILE), month).unwrap_or_default()
}

/// Whether a model file can score this panel: same kind (rates or counts)
/// and at least half the departments known to it.
pub(super) fn fits(model: &ModelFile, panel: &Panel) -> Result<(), String> {
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

pub(super) fn loaded_from(path: &Path) -> Result<Chosen, PipelineError> {
    let LoadedModel { file, sha256 } = model_file::load(path)?;
    Ok(Chosen {
        file,
        name: path.display().to_string(),
        path: Some(path.to_path_buf()),
        sha256,
        note: format!("model: {}", path.display()),
        trained: false,
    })
}

/// The model a run will try, known before the data are read.
enum Candidate {
    /// `--model`: used as it is, or the run fails.
    Given(Chosen),
    /// The default model, or why there is none to use.
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
    if let Some(path) = &opts.model {
        return Ok(Candidate::Given(loaded_from(path)?));
    }
    let Some(found) = opts.default_models.iter().find(|p| p.is_file()) else {
        let looked: Vec<String> = opts.default_models.iter().map(|p| p.display().to_string()).collect();
        return Ok(Candidate::Default(Err(format!("no default model file (looked for {})", looked.join(" and ")))));
    };
    Ok(Candidate::Default(loaded_from(found).map_err(|e| crate::error_chain(&e))))
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
            Err(reason) => format!("{} does not fit this data: {reason}", chosen.name),
        },
        Candidate::Default(Err(why)) => why,
    };
    // Without the claims (the default model looked as if it would fit),
    // the trained model has no triage part; ranking does not use it.
    let triage = triage.unwrap_or_default().finish(loaded.departments.as_deref());
    let data = TrainingData { panel, triage, truth: None, inputs: input_digests(&loaded.files) };
    let file = model::train(data, &TrainOptions::default(), &|| {})?;
    let bytes =
        file.serialize().map_err(|source| export::ExportError::Format { file: TRAINED_MODEL_FILE.into(), source })?;
    let path = opts.out.join(panel.end.to_string()).join(TRAINED_MODEL_FILE);
    Ok(Chosen {
        file,
        name: format!("{TRAINED_MODEL_FILE} (trained on this data)"),
        note: format!("model: trained on this data and saved as {} ({why})", path.display()),
        path: Some(path),
        sha256: crate::digest::sha256_bytes(&bytes),
        trained: true,
    })
}

/// The ranking and the panel as the workbooks show them (their CSVs read
/// back), made once for `ranking.xlsx` and every department's workbook.
pub(super) fn workbook_tables(ranking_csv: &[u8], panel: &Panel) -> Result<Tables, export::ExportError> {
    Tables::new(ranking_csv, panel.end, panel)
        .map_err(|source| export::ExportError::Format { file: xlsx::FILE.to_string(), source })
}

/// The Cabinet PDF and dashboard page, `targets.csv`, each department's
/// PDF, case list, workbook and dashboard page (rendered in parallel, in
/// bounded batches), and the
/// quarantine files.
pub(super) fn add_reports(
    folder: &mut StagedFolder,
    data: &ReportData,
    loaded: &ingest::Loaded<Sinks>,
    tables: &Tables,
) -> Result<(), PipelineError> {
    let mut stems: BTreeMap<String, &str> = BTreeMap::new();
    for d in &data.departments {
        let code = d.row.department.as_str();
        if let Some(other) = stems.insert(department::file_stem(code), code) {
            return Err(PipelineError::FileNameClash { first: other.to_string(), second: code.to_string() });
        }
    }
    folder.add(export::pdf::CABINET_FILE, &PdfDocument::Cabinet(data))?;
    folder.add(export::html::INDEX, &HtmlPage::Cabinet(data))?;
    folder.add(export::targets::FILE, &export::targets::TargetsCsv(data.targets.as_ref()))?;
    // In batches of a few per thread, staged as each batch is done: a large
    // city's case-list CSVs held all at once were 400 MB at 10M injuries.
    let batch = 2 * rayon::current_num_threads().max(1);
    for departments in data.departments.chunks(batch) {
        let rendered: Vec<Result<[RenderedFile; 4], export::ExportError>> = export::with_render_threads(|| {
            departments
                .par_iter()
                .map(|d| {
                    let (pdf_path, csv_path) = department::paths(&d.row.department);
                    let pdf = render(&pdf_path, &PdfDocument::Department(data, d))?;
                    let csv = render(&csv_path, &department::CaseListCsv(&d.cases))?;
                    let xlsx_path = xlsx::department_path(&d.row.department);
                    let workbook = DepartmentWorkbook { tables, code: &d.row.department, cases: &d.cases };
                    let xlsx = render(&xlsx_path, &workbook)?;
                    let html_path = export::html::department_path(&d.row.department);
                    let html = render(&html_path, &HtmlPage::Department(data, d))?;
                    Ok([(pdf_path, pdf), (csv_path, csv), (xlsx_path, xlsx), (html_path, html)])
                })
                .collect()
        });
        for pair in rendered {
            for (path, bytes) in pair? {
                folder.add_bytes(&path, &bytes)?;
            }
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

/// What the manifest records of a run.
pub(super) struct Record<'a> {
    pub opts: &'a RunOptions,
    pub files: &'a [FileReport],
    pub chosen: &'a Chosen,
    pub dir: &'a Path,
    pub verdict: &'a Verdict,
    pub ranking: &'a Ranking,
}

/// Adds `manifest.json`, listing every file staged so far.
pub(super) fn add_manifest(
    folder: &mut StagedFolder,
    record: &Record<'_>,
    warnings: &[String],
    timings: &BTreeMap<&str, f64>,
) -> Result<(), PipelineError> {
    let outputs: Vec<ManifestOutput> = folder.files().iter().map(ManifestOutput::from).collect();
    let opts = record.opts;
    let manifest = Manifest {
        riskrank_version: env!("CARGO_PKG_VERSION"),
        parameters: Parameters {
            data: opts.data.display().to_string(),
            as_of: opts.as_of.map(|m| m.to_string()),
            month: record.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            horizon: opts.horizon,
            out: opts.out.display().to_string(),
            mode: opts.mode.as_str().to_string(),
            forced: opts.force,
            config: opts.config.clone(),
        },
        inputs: record.files.iter().map(ManifestInput::from).collect(),
        model: ManifestModel {
            path: record.chosen.path.as_ref().map(|p| p.display().to_string()),
            sha256: record.chosen.sha256.clone(),
            format_version: record.chosen.file.format_version,
            trained_to: record.chosen.file.training_window.cutoff.to_string(),
            note: record.chosen.note.clone(),
        },
        data_gate: record.verdict.clone(),
        department_files: record
            .ranking
            .rows
            .iter()
            .map(|r| (r.department.as_str(), department::file_stem(&r.department)))
            .collect(),
        outputs,
        warnings,
        timings_seconds: timings,
    };
    let bytes = manifest
        .serialize()
        .map_err(|source| export::ExportError::Format { file: manifest::FILE.to_string(), source })?;
    folder.add_bytes(manifest::FILE, &bytes)?;
    Ok(())
}
