//! Time and peak memory of each job on a large generated city, side by
//! side with the analyst's alternatives, and the ratios the scale issue
//! sets as targets. Each job runs as its own process (the release binary,
//! or the reference's python), so its peak RSS is its own (`wait4`'s
//! `ru_maxrss`); each is run three times and the median time is kept.
//!
//! `RISKRANK_SCALE_CLAIMS` sets the claims (default 1,000,000, with about
//! 2.2 injuries per claim: 2.24M injuries + 1.05M claims, 60 departments,
//! 10 years, 458 MB of CSV); the data is generated once into
//! `target/bench-data/` (by `riskrank generate`) and converted to Parquet.
//!
//! The references: raw tokenising with the `csv` crate (a `ByteRecord`
//! loop, one thread per file: the limit of any CSV reader), and, when
//! `bash benches/reference/setup.sh` has made `target/bench-venv`, pandas +
//! statsmodels (read to ranking) and Polars (read + validate + group-by).
//! Without the venv their rows say so and their ratios are not printed.
//!
//! Each job has a peak-memory bound; the bench fails (exit 1) when a job
//! goes over it, so the bound is checked, not only printed. Time is
//! printed, never asserted: it depends on the machine.
//!
//! `cargo bench --bench scale`

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// A job: what it runs and the most memory it may use, in MB.
struct Job {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    max_rss_mb: f64,
    /// A reference pipeline, skipped (not failed) where its venv is missing.
    reference: bool,
}

/// A job's median time and its largest peak RSS over the runs.
#[derive(Clone, Copy)]
struct Measured {
    seconds: f64,
    rss_mb: f64,
}

const RUNS: usize = 3;

fn main() -> ExitCode {
    let claims: f64 = std::env::var("RISKRANK_SCALE_CLAIMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1e6);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let (data, parquet) = match prepare(&root, claims) {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("cannot prepare the bench data: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = root.join("scale-out");
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::create_dir_all(&out);
    let jobs = jobs(&data, &parquet, &out);
    println!("data: {} ({})", data.display(), line_counts(&data));
    println!("{:<46} {:>8} {:>10} {:>10}", "job", "seconds", "peak MB", "bound MB");
    let mut over = Vec::new();
    let mut results: Vec<Option<Measured>> = Vec::new();
    let raw = raw_tokenise(&data);
    println!("{:<46} {:>8.2} {:>10} {:>10}", "raw csv tokenising (ByteRecord, thread/file)", raw, "-", "-");
    for job in &jobs {
        let result =
            if job.program.exists() { measure_runs(job) } else { Err(format!("{} is missing", job.program.display())) };
        match result {
            Ok(m) => {
                println!("{:<46} {:>8.2} {:>10.0} {:>10.0}", job.name, m.seconds, m.rss_mb, job.max_rss_mb);
                if m.rss_mb > job.max_rss_mb {
                    over.push(format!("{}: {:.0} MB, over its bound of {:.0} MB", job.name, m.rss_mb, job.max_rss_mb));
                }
                results.push(Some(m));
            }
            Err(e) if job.reference => {
                println!("{:<46} skipped: {e} (run bash benches/reference/setup.sh)", job.name);
                results.push(None);
            }
            Err(e) => {
                over.push(format!("{}: {e}", job.name));
                results.push(None);
            }
        }
    }
    print_ratios(raw, &results);
    if over.is_empty() {
        ExitCode::SUCCESS
    } else {
        over.iter().for_each(|o| eprintln!("FAILED {o}"));
        ExitCode::FAILURE
    }
}

/// The jobs in the order [`print_ratios`] reads them.
fn jobs(data: &Path, parquet: &Path, out: &Path) -> Vec<Job> {
    let (d, p, o) = (data.display().to_string(), parquet.display().to_string(), out.display().to_string());
    let model = out.join("model.json").display().to_string();
    // A config whose default model does not exist, so the first ranking
    // trains (the bundled model would fit these departments: it knows 40).
    let no_default = out.join("no-default-model.toml");
    let _ = std::fs::write(&no_default, "[defaults]\nmodel = \"no-such-model.json\"\n");
    let no_default = no_default.display().to_string();
    let bin = binary();
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-venv/bin/python");
    let script =
        |s: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reference").join(s).display().to_string();
    let riskrank = |name, args: &[&str], max_rss_mb| Job {
        name,
        program: bin.clone(),
        args: args.iter().map(|s| s.to_string()).collect(),
        max_rss_mb,
        reference: false,
    };
    let pandas_out = out.join("pandas-ranking.csv").display().to_string();
    vec![
        riskrank("validate (read + validate + aggregate)", &["validate", "--data", &d, "--out", &o], 400.0),
        riskrank("validate, the Parquet copy", &["validate", "--data", &p, "--out", &o], 400.0),
        riskrank("train --no-backtest", &["train", "--no-backtest", "--force", "--data", &d, "--out", &model], 1024.0),
        riskrank(
            "first rank (no model fits: it trains)",
            &["rank", "--data", &d, "--config", &no_default, "--out", &format!("{o}/first")],
            1024.0,
        ),
        riskrank("rank with the saved model", &["rank", "--data", &d, "--model", &model, "--out", &o], 600.0),
        riskrank("rank with the saved model, Parquet", &["rank", "--data", &p, "--model", &model, "--out", &o], 600.0),
        riskrank(
            "run with every PDF (saved model)",
            &["run", "--data", &d, "--model", &model, "--out", &format!("{o}/run")],
            600.0,
        ),
        Job {
            name: "pandas + statsmodels, read to ranking.csv",
            program: python.clone(),
            args: vec![script("pandas_statsmodels.py"), d.clone(), pandas_out],
            max_rss_mb: f64::INFINITY,
            reference: true,
        },
        Job {
            name: "Polars read + validate + group-by",
            program: python,
            args: vec![script("polars_groupby.py"), d],
            max_rss_mb: f64::INFINITY,
            reference: true,
        },
    ]
}

/// The targets as ratios against the references.
fn print_ratios(raw: f64, r: &[Option<Measured>]) {
    let get = |i: usize| r.get(i).copied().flatten();
    println!();
    if let Some(v) = get(0) {
        println!("validate / raw tokenising: {:.2}× the limit (target ≤ 2×)", v.seconds / raw);
    }
    if let (Some(v), Some(p)) = (get(0), get(8)) {
        println!(
            "Polars / riskrank validate: riskrank {:.1}× faster, {:.1}× less memory",
            p.seconds / v.seconds,
            p.rss_mb / v.rss_mb
        );
    }
    if let Some(pandas) = get(7) {
        if let Some(first) = get(3) {
            println!(
                "first rank (trains) vs pandas: {:.1}× faster (target ≥ 2×), {:.0} MB (target ≤ 1024)",
                pandas.seconds / first.seconds,
                first.rss_mb
            );
        }
        if let Some(saved) = get(4) {
            println!("rank with a saved model vs pandas: {:.1}× faster (target ≥ 10×)", pandas.seconds / saved.seconds);
        }
    }
    if let Some(run) = get(6) {
        println!("run with every PDF: {:.2} s, {:.0} MB (targets ≤ 3 s, ≤ 600 MB)", run.seconds, run.rss_mb);
    }
    if let (Some(csv), Some(pq)) = (get(0), get(1)) {
        println!("Parquet / CSV validate: {:.2}× the time", pq.seconds / csv.seconds);
    }
}

/// Generates the CSV data (once) and its Parquet copy (once).
fn prepare(root: &Path, claims: f64) -> Result<(PathBuf, PathBuf), String> {
    let data = root.join(format!("scale-{claims}"));
    if !data.join("claims.csv").exists() {
        // Through the binary, not the library: a child forked from a bench
        // that had grown to generate the data would report the bench's
        // memory as its own peak.
        eprintln!("generating about {claims} claims into {} (once)", data.display());
        // 40 departments × 6 years make about 25k claims at scale 1.
        let scale = claims / (25_300.0 * 60.0 / 40.0 * 10.0 / 6.0);
        let args = ["generate", "--seed", "11", "--departments", "60", "--years", "10", "--end", "2025-12"]
            .map(String::from)
            .into_iter()
            .chain(["--injuries-scale".into(), scale.to_string(), "--out".into(), data.display().to_string()])
            .collect::<Vec<_>>();
        measure(&binary(), &args)?;
    }
    let parquet = root.join(format!("scale-{claims}-parquet"));
    if !parquet.join("claims.parquet").exists() {
        let args = ["convert", "--data", &data.display().to_string(), "--out", &parquet.display().to_string()]
            .map(String::from);
        measure(&binary(), &args)?;
    }
    Ok((data, parquet))
}

/// The wall time of tokenising every CSV of `data` with the `csv` crate's
/// `ByteRecord` loop, one thread per file (best of three): what reading
/// costs before any validation.
fn raw_tokenise(data: &Path) -> f64 {
    let files: Vec<PathBuf> = ["injuries.csv", "claims.csv", "exposure.csv", "departments.csv"]
        .iter()
        .map(|f| data.join(f))
        .filter(|p| p.exists())
        .collect();
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::thread::scope(|s| {
                for f in &files {
                    s.spawn(move || {
                        let Ok(mut reader) = csv::ReaderBuilder::new().from_path(f) else { return 0 };
                        let mut record = csv::ByteRecord::new();
                        let mut fields = 0usize;
                        while reader.read_byte_record(&mut record).unwrap_or(false) {
                            fields += record.len();
                        }
                        std::hint::black_box(fields)
                    });
                }
            });
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn line_counts(data: &Path) -> String {
    // Streamed: the bench's own memory must stay small, as a child forked
    // from it starts with the bench's pages counted in its peak.
    let lines = |f: &str| -> std::io::Result<usize> {
        let mut file = std::fs::File::open(data.join(f))?;
        let (mut buf, mut n) = (vec![0u8; 1 << 20], 0usize);
        loop {
            let got = std::io::Read::read(&mut file, &mut buf)?;
            if got == 0 {
                return Ok(n.saturating_sub(1));
            }
            n += buf[..got].iter().filter(|&&c| c == b'\n').count();
        }
    };
    format!("{} injuries, {} claims", lines("injuries.csv").unwrap_or(0), lines("claims.csv").unwrap_or(0))
}

/// Runs `job` [`RUNS`] times: the median time, the largest peak RSS.
fn measure_runs(job: &Job) -> Result<Measured, String> {
    let mut runs = (0..RUNS).map(|_| measure(&job.program, &job.args)).collect::<Result<Vec<_>, _>>()?;
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(Measured { seconds: runs[RUNS / 2].0, rss_mb: runs.iter().map(|r| r.1).fold(0.0, f64::max) })
}

/// Runs `program` with `args`; its wall time and peak RSS.
fn measure(program: &Path, args: &[String]) -> Result<(f64, f64), String> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    if waited != pid {
        return Err("wait4 failed".into());
    }
    // Exit 1 is success with warnings (a trained model, ignored columns).
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) > 1 {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr {
            let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
        }
        return Err(format!("{} {} failed: {stderr}", program.display(), args.join(" ")));
    }
    // ru_maxrss is in kilobytes on Linux.
    Ok((seconds, usage.ru_maxrss as f64 / 1024.0))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_riskrank"))
}
