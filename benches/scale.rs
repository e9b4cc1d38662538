//! Time and peak memory of each job on a large generated city, each job run
//! as its own process (the release binary) so its peak RSS is its own
//! (`wait4`'s `ru_maxrss`).
//!
//! `RISKRANK_SCALE_CLAIMS` sets the claims (default 1,500,000, with about
//! twice as many injuries: the case the reliability issue measured,
//! 3.0M injuries + 1.5M claims); the data is generated once into
//! `target/bench-data/` (by `riskrank generate`) and converted to Parquet.
//! Each job has a peak-memory bound; the bench fails (exit 1) when a job
//! goes over it, so the bound is checked, not only printed. Time is printed, never asserted: it depends on the machine.
//!
//! `cargo bench --bench scale`

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// A job and the most memory it may use, in MB.
struct Job {
    name: &'static str,
    args: Vec<String>,
    max_rss_mb: f64,
}

fn main() -> ExitCode {
    let claims: f64 = std::env::var("RISKRANK_SCALE_CLAIMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1.5e6);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
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
        if let Err(e) = measure(&args) {
            eprintln!("cannot generate the bench data: {e}");
            return ExitCode::FAILURE;
        }
    }
    // The same data as Parquet, for the Parquet-against-CSV rows.
    let parquet = root.join(format!("scale-{claims}-parquet"));
    if !parquet.join("claims.parquet").exists() {
        let args = [
            "convert".to_string(),
            "--data".into(),
            data.display().to_string(),
            "--out".into(),
            parquet.display().to_string(),
        ];
        if let Err(e) = measure(&args) {
            eprintln!("cannot convert the bench data to Parquet: {e}");
            return ExitCode::FAILURE;
        }
    }
    let out = root.join("scale-out");
    let model = out.join("model.json");
    let _ = std::fs::remove_dir_all(&out);
    let d = data.display().to_string();
    let o = out.display().to_string();
    let m = model.display().to_string();
    let o2 = out.join("first").display().to_string();
    let p = parquet.display().to_string();
    let job =
        |name, args: &[&str], max_rss_mb| Job { name, args: args.iter().map(|s| s.to_string()).collect(), max_rss_mb };
    let jobs = [
        job("validate (read + validate + aggregate)", &["validate", "--data", &d, "--out", &o], 400.0),
        job("validate, the Parquet copy", &["validate", "--data", &p, "--out", &o], 400.0),
        job("train --no-backtest", &["train", "--no-backtest", "--data", &d, "--out", &m], 1024.0),
        // The case list for the drivers and each claim's incurred by case
        // are still kept whole while reading (the scale issue's to bound).
        job("rank with the saved model", &["rank", "--data", &d, "--model", &m, "--out", &o], 600.0),
        // The bundled default model knows 40 departments, not these 60:
        // the first ranking trains.
        job("rank with the saved model, Parquet", &["rank", "--data", &p, "--model", &m, "--out", &o], 600.0),
        job("first rank (trains: no model fits)", &["rank", "--data", &d, "--out", &o2], 1024.0),
    ];
    let counts = line_counts(&data);
    println!("data: {} ({counts})", data.display());
    println!("{:<42} {:>8} {:>10} {:>10}", "job", "seconds", "peak MB", "bound MB");
    let mut over = Vec::new();
    for job in &jobs {
        match measure(&job.args) {
            Ok((seconds, rss_mb)) => {
                println!("{:<42} {seconds:>8.2} {rss_mb:>10.0} {:>10.0}", job.name, job.max_rss_mb);
                if rss_mb > job.max_rss_mb {
                    over.push(format!("{}: {rss_mb:.0} MB, over its bound of {:.0} MB", job.name, job.max_rss_mb));
                }
            }
            Err(e) => over.push(format!("{}: {e}", job.name)),
        }
    }
    if over.is_empty() {
        ExitCode::SUCCESS
    } else {
        over.iter().for_each(|o| eprintln!("FAILED {o}"));
        ExitCode::FAILURE
    }
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

/// Runs the release binary with `args`; its wall time and peak RSS.
fn measure(args: &[String]) -> Result<(f64, f64), String> {
    let start = Instant::now();
    let child = Command::new(binary())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start riskrank: {e}"))?;
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
        return Err(format!("riskrank {} failed: {stderr}", args.join(" ")));
    }
    // ru_maxrss is in kilobytes on Linux.
    Ok((seconds, usage.ru_maxrss as f64 / 1024.0))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_riskrank"))
}
