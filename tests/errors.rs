//! Every cause is printed once: an error's message and its causes form a
//! chain (`a: b: c`) in which no phrase repeats, whichever way the command
//! fails.

mod common;

use common::{riskrank, sample};

/// The first run of three words that appears twice in `text`, if any.
fn repeated_phrase(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let phrases: Vec<String> = words.windows(3).map(|w| w.join(" ")).collect();
    phrases.iter().enumerate().find(|(i, p)| phrases[i + 1..].contains(p)).map(|(_, p)| p.clone())
}

fn failure(args: &[&str]) -> String {
    let out = riskrank().args(args).output().expect("riskrank runs");
    assert_eq!(out.status.code(), Some(2), "{args:?} must fail with exit code 2");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_said_once(stderr: &str, expect: &str) {
    assert!(stderr.contains(expect), "{stderr}");
    assert_eq!(repeated_phrase(stderr), None, "a phrase repeats in: {stderr}");
}

#[test]
fn the_phrase_check_finds_a_repeat() {
    assert_eq!(repeated_phrase("a: no such data folder: no such data folder").as_deref(), Some("no such data"));
    assert_eq!(repeated_phrase("error: cannot read x.csv: no such file"), None);
}

#[test]
fn a_missing_data_folder_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere");
    for command in ["run", "validate", "train", "backtest"] {
        let out = tmp.path().join("out");
        let stderr = failure(&[command, "--data", missing.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_said_once(&stderr, "no such data folder");
    }
}

#[test]
fn a_file_given_as_out_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let stderr = failure(&["rank", "--data", sample().to_str().unwrap(), "--out", file.to_str().unwrap()]);
    assert_said_once(&stderr, "a-file");
}

#[test]
fn a_corrupt_model_file_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model.json");
    std::fs::write(&model, "{\"format\": \"riskrank-model\", \"format_vers").unwrap();
    let out = tmp.path().join("out");
    let sample = sample();
    let (data, model, out) = (sample.to_str().unwrap(), model.to_str().unwrap(), out.to_str().unwrap());
    let stderr = failure(&["rank", "--data", data, "--model", model, "--out", out]);
    assert_said_once(&stderr, "corrupt or truncated");
    let stderr = failure(&["models", "show", model]);
    assert_said_once(&stderr, "corrupt or truncated");
}
