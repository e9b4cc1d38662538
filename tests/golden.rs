//! The restructuring guard: the outputs of `run` and `validate` on the
//! bundled sample and on two generated sets (one with exposure, one
//! without) must stay byte for byte what they were when the fixture was
//! recorded. The fixture holds one SHA-256 per output (PDFs by their
//! `pdftotext` text; the JSON files with timings removed and the machine's
//! paths replaced). A deliberate change of output re-records it with
//! `RISKRANK_BLESS=1 cargo test --test golden` and says why in its commit.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{files_under, pdf_text, riskrank, root, sample};
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A JSON output (manifest, validation account) without its timings and
/// with the machine's paths replaced.
fn normalise_manifest(text: &str, tmp: &Path) -> String {
    let mut out = String::new();
    let mut in_timings = false;
    for line in text.lines() {
        if line.trim_start().starts_with("\"timings_seconds\"") {
            in_timings = !line.trim_end().ends_with("{}");
            continue;
        }
        if in_timings {
            in_timings = !line.trim_start().starts_with('}');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.replace(&tmp.display().to_string(), "<TMP>").replace(&root().display().to_string(), "<ROOT>")
}

/// One line per output: `<path> <sha256>`, PDFs as `<path>.txt` of their text.
fn digest_tree(dir: &Path, tmp: &Path, with_pdf_text: bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (path, bytes) in files_under(dir) {
        let name = path.display().to_string();
        if name.ends_with(".pdf") {
            if with_pdf_text {
                let text = pdf_text(&dir.join(&path)).expect("pdftotext reads the PDF");
                out.insert(format!("{name}.txt"), sha256(text.as_bytes()));
            }
        } else if name.ends_with(".json") {
            let text = String::from_utf8(bytes).expect("JSON is UTF-8");
            out.insert(name, sha256(normalise_manifest(&text, tmp).as_bytes()));
        } else {
            out.insert(name, sha256(&bytes));
        }
    }
    out
}

/// Runs `validate` and `run` on `data` and digests both output trees.
fn outputs(data: &Path, tmp: &Path, with_pdf_text: bool) -> BTreeMap<String, String> {
    let validated = tmp.join("validated");
    // A fixed as-of month: without one, validation.json records today's date.
    let as_of = ["--as-of", "2025-12", "--data"];
    // Exit 1 (with warnings) for the folders without hours.
    let ok = predicates::ord::le(1);
    riskrank().arg("validate").args(as_of).arg(data).arg("--out").arg(&validated).assert().code(ok);
    let reports = tmp.join("reports");
    riskrank().arg("run").args(as_of).arg(data).arg("--out").arg(&reports).assert().code(ok);
    let mut all = BTreeMap::new();
    for (kind, dir) in [("validate", &validated), ("run", &reports)] {
        for (path, digest) in digest_tree(dir, tmp, with_pdf_text) {
            all.insert(format!("{kind}/{path}"), digest);
        }
    }
    all
}

fn check(case: &str, data: &Path, tmp: &Path) {
    let with_pdf_text = common::have("pdftotext");
    if !with_pdf_text {
        common::skip("golden PDF text", "pdftotext (poppler-utils) is not installed; other outputs still checked");
    }
    let got = outputs(data, tmp, with_pdf_text);
    let fixture = root().join("tests/fixtures/golden").join(format!("{case}.txt"));
    if std::env::var_os("RISKRANK_BLESS").is_some() {
        assert!(with_pdf_text, "recording the fixture needs pdftotext");
        let text: String = got.iter().map(|(p, d)| format!("{p} {d}\n")).collect();
        fs::write(&fixture, text).expect("fixture written");
        return;
    }
    let text = fs::read_to_string(&fixture).expect("golden fixture present");
    let want: BTreeMap<String, String> = text
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(p, _)| with_pdf_text || !p.ends_with(".pdf.txt"))
        .map(|(p, d)| (p.to_string(), d.to_string()))
        .collect();
    let changed: Vec<&String> = want.keys().chain(got.keys()).filter(|p| want.get(*p) != got.get(*p)).collect();
    assert!(changed.is_empty(), "{case}: outputs differ from the recorded ones: {changed:?}");
}

fn generated(tmp: &Path, extra: &[&str]) -> std::path::PathBuf {
    let data = tmp.join("data");
    let args = ["generate", "--seed", "11", "--departments", "12", "--years", "3", "--bad-rows", "12", "--out"];
    riskrank().args(args).arg(&data).args(extra).assert().success();
    data
}

#[test]
fn sample_outputs_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    check("sample", &sample(), tmp.path());
}

#[test]
fn generated_outputs_with_exposure_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = generated(tmp.path(), &[]);
    check("generated_exposure", &data, tmp.path());
}

#[test]
fn generated_outputs_without_exposure_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = generated(tmp.path(), &["--no-exposure"]);
    check("generated_counts", &data, tmp.path());
}
