//! Each input file is opened once per command: `run` (including when it
//! has to train a model), `validate`, `train` and `backtest` are traced
//! with `strace -f -e trace=openat` and every data file's opens counted.
//! Skips with a notice where strace is missing or not permitted.

mod common;

use std::path::Path;
use std::process::Command;

use common::{have, riskrank, root, skip};

/// How often each file of `data` was opened by `riskrank args…`, or `None`
/// when strace cannot trace here.
fn opens(data: &Path, args: &[&str]) -> Option<Vec<(String, usize)>> {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("strace.log");
    let bin = riskrank().get_program().to_owned();
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=openat", "-o"])
        .arg(&log)
        .arg(bin)
        .args(args)
        .current_dir(root())
        .output()
        .ok()?;
    let trace = std::fs::read_to_string(&log).ok()?;
    if !matches!(status.status.code(), Some(0 | 1)) {
        panic!("riskrank {args:?} failed under strace: {}", String::from_utf8_lossy(&status.stderr));
    }
    let mut counts = Vec::new();
    for entry in std::fs::read_dir(data).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let quoted = format!("\"{}\"", path.display());
        counts.push((name, trace.lines().filter(|l| l.contains(&quoted) && !l.contains("O_DIRECTORY")).count()));
    }
    counts.sort();
    Some(counts)
}

fn traced() -> bool {
    if !have("strace") {
        skip("read_once", "strace is not installed");
        return false;
    }
    let ok = Command::new("strace").args(["-qq", "-e", "trace=openat", "-o", "/dev/null", "true"]).status();
    if !ok.is_ok_and(|s| s.success()) {
        skip("read_once", "strace cannot trace here (ptrace not permitted)");
        return false;
    }
    true
}

fn assert_each_input_opened_once(data: &Path, args: &[&str], inputs: &[&str]) {
    let Some(counts) = opens(data, args) else { return skip("read_once", "strace gave no trace") };
    for (name, n) in &counts {
        if inputs.contains(&name.as_str()) {
            assert_eq!(*n, 1, "{name} opened {n} times by {args:?}: {counts:?}");
        }
    }
}

const INPUTS: [&str; 4] = ["injuries.csv", "claims.csv", "exposure.csv", "departments.csv"];

#[test]
fn every_command_opens_each_input_once() {
    if !traced() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Without hours the default model (rates) does not fit, so `run` trains
    // one from the same pass over the files.
    let generate = ["generate", "--seed", "4", "--departments", "8", "--years", "3", "--no-exposure", "--out"];
    riskrank().args(generate).arg(&data).assert().success();
    let d = data.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let model = tmp.path().join("m.json");
    let m = model.to_str().unwrap();
    for args in [
        vec!["run", "--data", d, "--out", o],
        vec!["validate", "--data", d, "--out", o],
        vec!["train", "--data", d, "--out", m, "--no-backtest"],
        vec!["backtest", "--data", d, "--out", o, "--origins", "2"],
        vec!["rank", "--data", d, "--out", o, "--model", m],
    ] {
        assert_each_input_opened_once(&data, &args, &INPUTS);
    }
}
