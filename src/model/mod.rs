//! Risk models: the IRLS GLM behind the frequency and cost models,
//! Bühlmann-Straub credibility, the severe-claim triage classifier, the
//! rolling-origin backtest and the versioned model file.

pub mod credibility;
pub mod glm;
pub mod triage;
