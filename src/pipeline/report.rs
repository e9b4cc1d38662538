//! `report`: rebuild the reports of a month's run from its `ranking.csv`
//! and the parameters its `manifest.json` recorded, never from flags that
//! would describe another run. The data folder, model file and settings
//! are those of the run; a flag that contradicts them, or input files that
//! changed since, are refused with the command that does what was meant.
//! Only the reports are rewritten; nothing else in the folder is touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::run::{self, Chosen, Mode, RunData, RunOptions, RunOutcome};
use super::{PipelineError, check_writable};
use crate::config::Config;
use crate::export::manifest::{self, RecordedRun};
use crate::export::{Keep, StagedFolder, ranking};
use crate::panel::Panel;
use crate::rank::{PreviousRanking, Ranking};
use crate::report::build::{self, Inputs};
use crate::schema::Month;

/// Which run to rebuild, and the flags given (each must agree with it).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    pub out: PathBuf,
    /// The month's folder; `None`: the latest month under `out` with a run.
    pub month: Option<Month>,
    pub data: Option<PathBuf>,
    pub horizon: Option<u32>,
    pub model: Option<PathBuf>,
    /// The settings of a config file given with `--config`.
    pub config: Option<Config>,
}

/// Rebuilds the reports of the recorded run.
pub fn report(opts: &ReportOptions, stage: &(dyn Fn(&str) + Sync)) -> Result<RunOutcome, PipelineError> {
    check_writable(&opts.out)?;
    let _lock = crate::export::lock(&opts.out)?;
    let dir = month_dir(opts)?;
    let recorded = manifest::read(&dir.join(manifest::FILE))?;
    let run_opts = agree(opts, &recorded)?;
    stage("validating");
    let RunData { loaded, panel, cases, verdict, .. } = run::read_for_run(&run_opts, true, false)?;
    unchanged(&recorded, &loaded.files)?;
    if panel.end.to_string() != recorded.parameters.month {
        return Err(corrupt(&recorded, "its month is not the data's"));
    }
    let chosen = recorded_model(&recorded)?;
    stage("reports");
    let path = dir.join(ranking::FILE);
    let bytes = std::fs::read(&path)
        .map_err(|e| crate::export::ExportError::Read { path: path.clone(), source: csv::Error::from(e) })?;
    let file = ranking::parse(&bytes, &path)?;
    let ranking = ranking_of(file, &panel, recorded.parameters.horizon);
    let previous = match ranking.compared_with {
        Some(m) => run::previous_ranking(&opts.out, m.plus(1)),
        None => PreviousRanking::default(),
    };
    let data = build::report_data(&Inputs {
        panel: &panel,
        ranking: &ranking,
        model: &chosen.file,
        model_name: chosen.name.clone(),
        files: &loaded.files,
        cases: &cases,
        previous: &previous,
        settings: &run_opts.config.report,
        tiers: &run_opts.config.tiers,
        targets: run_opts.config.targets.as_ref(),
    });
    let mut folder = StagedFolder::new(&dir, Keep::Others)?;
    let tables = run::workbook_tables(&bytes, &panel)?;
    run::add_reports(&mut folder, &data, &loaded, &tables)?;
    stage("writing");
    let outputs = folder.files().iter().map(|f| dir.join(&f.path)).collect();
    folder.publish()?;
    let warnings = verdict.forced_warnings();
    Ok(RunOutcome {
        dir,
        ranking,
        files: loaded.files,
        unread: loaded.unread,
        verdict,
        warnings,
        outputs,
        model_note: chosen.note,
    })
}

/// The month's folder to rebuild.
fn month_dir(opts: &ReportOptions) -> Result<PathBuf, PipelineError> {
    let has_run = |m: &Month| opts.out.join(m.to_string()).join(manifest::FILE).is_file();
    let month = match opts.month {
        Some(m) => Some(m).filter(has_run),
        None => std::fs::read_dir(&opts.out)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<Month>().ok()))
            .filter(has_run)
            .max(),
    };
    let Some(month) = month else {
        let which = opts.month.map_or("any month".to_string(), |m| m.to_string());
        return Err(PipelineError::Contradiction {
            what: format!(
                "{}: no run of {which} to make reports from (no manifest.json); use `riskrank run` first",
                opts.out.display()
            ),
        });
    };
    Ok(opts.out.join(month.to_string()))
}

/// The recorded run's options, once every flag given agrees with them.
fn agree(opts: &ReportOptions, recorded: &RecordedRun) -> Result<RunOptions, PipelineError> {
    let p = &recorded.parameters;
    let same_path = |a: &Path, b: &str| {
        let (a, b) = (a.canonicalize().unwrap_or(a.to_path_buf()), Path::new(b));
        a == b.canonicalize().unwrap_or(b.to_path_buf())
    };
    let mut clashes = Vec::new();
    if let Some(d) = opts.data.as_deref().filter(|d| !same_path(d, &p.data)) {
        clashes.push(format!("--data {} (the run read {})", d.display(), p.data));
    }
    if let Some(h) = opts.horizon.filter(|h| *h != p.horizon) {
        clashes.push(format!("--horizon {h} (the run predicted {} months)", p.horizon));
    }
    let recorded_model = recorded.model.path.as_deref().unwrap_or("");
    if let Some(m) = opts.model.as_deref().filter(|m| !same_path(m, recorded_model)) {
        clashes.push(format!("--model {} (the run used {recorded_model})", m.display()));
    }
    if opts.config.as_ref().is_some_and(|c| *c != p.config) {
        clashes.push("--config (its settings differ from the run's)".to_string());
    }
    if !clashes.is_empty() {
        return Err(PipelineError::Contradiction {
            what: format!(
                "`report` rebuilds the reports of the run recorded in {}, and these flags contradict it: {}; to rank \
                 with other settings, use `riskrank run` with them",
                p.month,
                clashes.join(", ")
            ),
        });
    }
    Ok(RunOptions {
        data: PathBuf::from(&p.data),
        model: recorded.model.path.as_ref().map(PathBuf::from),
        default_models: Vec::new(),
        as_of: p.as_of.as_deref().map(str::parse).transpose().map_err(|_| corrupt(recorded, "its as-of month"))?,
        horizon: p.horizon,
        out: opts.out.clone(),
        mode: if p.mode == Mode::RankingOnly.as_str() { Mode::RankingOnly } else { Mode::Full },
        config: p.config.clone(),
        force: p.forced,
    })
}

fn corrupt(recorded: &RecordedRun, what: &str) -> PipelineError {
    PipelineError::Contradiction {
        what: format!(
            "the manifest of {} cannot be used ({what}); run `riskrank run` again",
            recorded.parameters.month
        ),
    }
}

/// The inputs must be the bytes the run read.
fn unchanged(recorded: &RecordedRun, files: &[crate::ingest::FileReport]) -> Result<(), PipelineError> {
    let then: BTreeMap<&str, &str> = recorded.inputs.iter().map(|i| (i.path.as_str(), i.sha256.as_str())).collect();
    let now: BTreeMap<String, &str> = files.iter().map(|f| (f.path.display().to_string(), f.sha256.as_str())).collect();
    let changed: Vec<&str> = then
        .iter()
        .filter(|(path, sha)| now.get(**path) != Some(*sha))
        .map(|(path, _)| *path)
        .chain(now.keys().filter(|p| !then.contains_key(p.as_str())).map(String::as_str))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    Err(PipelineError::Contradiction {
        what: format!(
            "the data changed since the ranking of {} was made ({} differ); run `riskrank run` to rank the data as \
             they are now",
            recorded.parameters.month,
            changed.join(", ")
        ),
    })
}

/// The run's model file, which must be the one it used.
fn recorded_model(recorded: &RecordedRun) -> Result<Chosen, PipelineError> {
    let path = recorded.model.path.as_deref().ok_or_else(|| corrupt(recorded, "it names no model file"))?;
    let chosen = run::loaded_from(Path::new(path))?;
    if chosen.sha256 != recorded.model.sha256 {
        return Err(PipelineError::Contradiction {
            what: format!(
                "{path} changed since the ranking of {} was made; run `riskrank run` to rank with it",
                recorded.parameters.month
            ),
        });
    }
    Ok(chosen)
}

/// A ranking read back, with the city's yardstick recovered from its rows.
fn ranking_of(file: ranking::RankingFile, panel: &Panel, horizon: u32) -> Ranking {
    let rows = file.rows;
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
    Ranking {
        as_of: panel.end,
        horizon,
        rated: panel.has_exposure,
        city_predicted,
        city_actual_to_expected: None,
        compared_with: file.compared_with,
        data_warning: file.data_warning,
        city_addressable: file.city_addressable,
        experience_applied: rows.iter().any(|r| r.credibility_z.is_some()),
        rows,
    }
}
