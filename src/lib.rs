//! riskrank: a workplace-safety risk analytics engine.
//!
//! Data flows one way, each stage using only those to its left:
//!
//! `schema` (record types, months, money) → `ingest` (data files →
//! validated records + quarantine, each file read once) → `panel`
//! (department × month aggregates and the standard metrics) → `model`
//! (features, frequency, cost and triage models, backtest, model file) →
//! `rank` (scores, tiers, drivers) → `report` (what the reports show; PDF,
//! dashboard HTML and charts) → `export` (one module per output format, its writer and
//! reader; the staged output folder) → `pipeline` (the jobs: monthly run,
//! validate, train, backtest) → the CLI (the binary's `cmd`).
//!
//! `config` (the settings of `riskrank.toml`) is read by every stage.
//! `gate` (the data gate) judges what `ingest` read before anything is
//! ranked. `digest` and `codes` are leaf helpers used from `ingest` on;
//! `controls` (recommended controls per cause group, with their public
//! sources) is a leaf beside `codes`, for the reports; `privacy` (which
//! cases are OSHA privacy concern cases) sits beside `codes`, used by the
//! stages that list cases; `naics` (the shipped 2022 NAICS six-digit code
//! list, for OSHA ITA upload pre-validation) is a leaf beside `codes`, and so
//! is `stem` (a code as a file name, for every output named after one). `generate`
//! (synthetic data with known truth) and `import` (real public datasets
//! mapped onto the data contract) are tools at the pipeline's level: they
//! write data folders through `export`.

pub mod codes;
pub mod config;
pub mod controls;
pub mod digest;
pub mod export;
pub mod gate;
pub mod generate;
pub mod import;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod naics;
pub mod osha;
pub mod panel;
pub mod pipeline;
pub mod privacy;
pub mod rank;
pub mod report;
pub mod schema;
pub mod stem;

/// An error and its causes on one line, `a: b: c`, for messages that are
/// not printed through the CLI's error chain (a note in the manifest).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
