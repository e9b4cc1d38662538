//! riskrank: a workplace-safety risk analytics engine.
//!
//! Data flows one way through plain types:
//! `ingest` (CSV files → validated records + quarantine) → `panel`
//! (department × month aggregates and the standard metrics) → models,
//! ranking and reports. `generate` writes synthetic data with known truth
//! and `import` maps real public datasets onto the data contract.

pub mod codes;
pub mod digest;
pub mod features;
pub mod generate;
pub mod import;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod output;
pub mod panel;
pub mod rank;
pub mod report;
pub mod run;
pub mod schema;
pub mod validation;
