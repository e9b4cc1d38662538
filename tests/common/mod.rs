//! Helpers shared by the CLI tests: the binary, the bundled sample, file
//! trees, PDF text, and the notices of tests that skip.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

/// The project root (where `models/` and `data-samples/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `riskrank` binary, run from the project root.
pub fn riskrank() -> Command {
    let mut cmd = Command::cargo_bin("riskrank").expect("binary built");
    cmd.current_dir(root());
    cmd
}

/// The bundled sample data folder.
pub fn sample() -> PathBuf {
    root().join("data-samples")
}

/// The one month folder an output folder holds (beside its lock file).
pub fn month_folder(out: &Path) -> PathBuf {
    let mut dirs = fs::read_dir(out).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir());
    let month = dirs.next().expect("a month folder");
    assert!(dirs.next().is_none(), "more than one folder in {}", out.display());
    month
}

/// Every file under `root`, by relative path.
pub fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `pdftotext -layout` output, or `None` when poppler is not installed.
pub fn pdf_text(path: &Path) -> Option<String> {
    let out = Process::new("pdftotext").args(["-layout"]).arg(path).arg("-").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether a program is on the PATH (for tests that need poppler or
/// strace): it can be started (`-v` prints a version for both).
pub fn have(program: &str) -> bool {
    Process::new(program).arg("-v").output().is_ok()
}

/// A file of the real public datasets (in the `shared/data/real/` folder
/// beside the project), or `None` with a notice when it is absent, as in a
/// user's clone.
pub fn real(relative: &str) -> Option<PathBuf> {
    let path = root().join("../shared/data/real").join(relative);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("notice: {} not found, skipping", path.display());
        None
    }
}

/// The real datasets the end-to-end tests import: (import source, file).
pub const REAL_SETS: [(&str, &str); 3] = [
    ("osha-severe", "osha_severe_injury_construction_utilities/osha_severe_injuries.csv"),
    ("cax-claims", "cax_wc_claims_public_test/CAX_Comp_Claims_Public_Test_no_Dependent.csv"),
    ("actuarial-loss", "kaggle_actuarial_loss_wc/train.csv"),
];

/// Prints why a test did not check anything.
pub fn skip(test: &str, why: &str) {
    eprintln!("notice: {test} skipped: {why}");
}
