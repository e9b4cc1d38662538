//! Ingest benchmarks: validate + aggregate throughput on a generated
//! 1M-claim file (target ≥ 1.5 million rows/s on 2 cores), the bundled
//! sample, and the peak resident memory of `riskrank validate` on a
//! 10M-claim file (target < 300 MB).
//!
//! `cargo bench --bench ingest` runs the throughput benches. The 10M-row
//! memory bench writes ~1.3 GB of data first, so it runs only with
//! `RISKRANK_BENCH_10M=1`. Generated data is cached under
//! `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use divan::counter::ItemsCount;
use riskrank::generate::{self, GenerateParams};
use riskrank::ingest::{self, LoadOptions};
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::schema::Month;

fn main() {
    divan::main();
    if std::env::var_os("RISKRANK_BENCH_10M").is_some() {
        peak_memory_10m();
    }
}

fn bench_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-data")
}

/// A folder holding only a claims file of about `claims` rows, generated
/// once and cached.
fn claims_only(claims: usize) -> (PathBuf, u64) {
    let root = bench_root().join(format!("claims-{claims}"));
    let only = root.join("claims-only");
    let path = only.join("claims.csv");
    if !path.exists() {
        let full = root.join("full");
        // The sample's 40 departments × 6 years make about 25k claims at scale 1.
        let params = GenerateParams {
            seed: 11,
            departments: 40,
            years: 6,
            bad_rows: 0,
            end: end_month(),
            with_exposure: true,
            with_departments: false,
            scale: claims as f64 / 25_300.0,
            overdispersion: None,
            valuations: false,
        };
        generate::write(&params, &full).expect("generate bench data");
        std::fs::create_dir_all(&only).expect("bench folder");
        std::fs::rename(full.join("claims.csv"), &path).expect("move claims.csv");
    }
    let rows = count_lines(&path) - 1;
    (only, rows)
}

fn end_month() -> Month {
    Month::new(2025, 12).expect("valid month")
}

/// Counts lines in blocks: reading a 1.3 GB file whole would inflate this
/// process's RSS, which a spawned child inherits in `ru_maxrss`.
fn count_lines(path: &Path) -> u64 {
    use std::io::Read;
    let mut file = std::fs::File::open(path).expect("open bench file");
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let n = file.read(&mut buf).expect("read bench file");
        if n == 0 {
            return lines;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
    }
}

fn options() -> LoadOptions {
    LoadOptions::new(Some(end_month()))
}

/// Validate + aggregate a 1M-row claims file into the panel.
#[divan::bench(sample_count = 10)]
fn validate_claims_1m(bencher: divan::Bencher) {
    let (dir, rows) = claims_only(1_000_000);
    let opts = options();
    bencher.counter(ItemsCount::new(rows)).bench(|| {
        let loaded = ingest::load(&dir, &opts, PanelBuilder::default()).expect("load");
        Panel::build(&loaded, None)
    });
}

/// The bundled sample: all four files, with its bad rows.
#[divan::bench(sample_count = 20)]
fn validate_data_samples(bencher: divan::Bencher) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples");
    let opts = options();
    let rows: u64 = ["injuries.csv", "claims.csv", "exposure.csv", "departments.csv"]
        .iter()
        .map(|f| count_lines(&dir.join(f)).saturating_sub(1))
        .sum();
    bencher.counter(ItemsCount::new(rows)).bench(|| {
        let loaded = ingest::load(&dir, &opts, PanelBuilder::default()).expect("load");
        Panel::build(&loaded, None)
    });
}

/// Peak RSS of `riskrank validate` on 10M claims, measured as the child's
/// `ru_maxrss`.
fn peak_memory_10m() {
    let (dir, rows) = claims_only(10_000_000);
    let out = bench_root().join("out-10m");
    let start = std::time::Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_riskrank"))
        .args(["validate", "--as-of", "2025-12", "--data"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run riskrank validate");
    let elapsed = start.elapsed();
    assert!(status.success(), "riskrank validate failed");
    // SAFETY: getrusage only writes into the struct we hand it.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u
    };
    let peak_mb = usage.ru_maxrss as f64 / 1024.0;
    println!(
        "validate 10M claims: {rows} rows in {:.2} s ({:.2} M rows/s end to end), peak RSS {peak_mb:.0} MB (target < 300 MB)",
        elapsed.as_secs_f64(),
        rows as f64 / elapsed.as_secs_f64() / 1e6
    );
}
