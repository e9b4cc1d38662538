//! Model benchmarks: training (with and without its backtest) on the
//! bundled sample, and the backtest's folds on one thread against two, for
//! the parallel speed-up.

use std::path::Path;

use riskrank::export::truth;
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::TrainOptions;
use riskrank::model::backtest::{self, BacktestParams};
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::pipeline;

fn main() {
    divan::main();
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples")
}

/// Training without the backtest: ingest, features, GLMs.
#[divan::bench(sample_count = 10)]
fn train_without_backtest() {
    let options = TrainOptions { backtest: None, ..TrainOptions::default() };
    pipeline::train::train(&pipeline::Source::new(&sample(), None), None, &options, &|| {}).expect("train");
}

/// The backtest's folds (24 origins × 3 horizons) on `threads` threads.
#[divan::bench(args = [1, 2], sample_count = 5)]
fn backtest_threads(bencher: divan::Bencher, threads: usize) {
    let loaded = ingest::load(&sample(), &LoadOptions::new(None), PanelBuilder::default()).expect("load");
    let panel = Panel::build(&loaded, None);
    let truth = truth::read_in(&sample()).expect("truth");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let params = BacktestParams::default();
    bencher.bench(|| pool.install(|| backtest::run(&panel, truth.as_ref(), &params, &|| {}).expect("backtest")));
}
