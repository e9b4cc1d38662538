//! The whole monthly run (validate → model → score → rank → PDFs, CSVs,
//! manifest) on a generated city of about 1.2M injuries and 0.5M claims
//! (`RISKRANK_BENCH_CLAIMS=1000000` makes it 2.2M injuries and 1M claims).
//! Data is generated once into `target/bench-data/`.

use std::path::{Path, PathBuf};

use riskrank::generate::{self, GenerateParams};
use riskrank::pipeline::run::{self, Mode, RunOptions};
use riskrank::schema::Month;

fn main() {
    divan::main();
}

fn data() -> PathBuf {
    let claims: f64 = std::env::var("RISKRANK_BENCH_CLAIMS").ok().and_then(|v| v.parse().ok()).unwrap_or(540_000.0);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data").join(format!("run-{claims}"));
    if !dir.join("injuries.csv").exists() {
        let params = GenerateParams {
            seed: 11,
            departments: 40,
            years: 6,
            bad_rows: 0,
            end: Month::new(2025, 12).expect("valid month"),
            with_exposure: true,
            with_departments: true,
            // The sample's 40 departments × 6 years make about 25k claims at scale 1.
            scale: claims / 25_300.0,
            overdispersion: None,
            valuations: false,
        };
        generate::write(&params, &dir).expect("generate bench data");
    }
    dir
}

#[divan::bench(sample_count = 3)]
fn run_full(bencher: divan::Bencher) {
    let data = data();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/run-out");
    let opts = RunOptions {
        data,
        model: None,
        default_models: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json")],
        as_of: None,
        horizon: 12,
        out,
        mode: Mode::Full,
        config: Default::default(),
        force: false,
    };
    bencher.bench(|| run::run(&opts, &|_| {}).expect("run"));
}
