//! OSHA privacy concern cases end to end: on a copy of the sample where
//! some cases are flagged (by the `privacy_case` column, and by nature
//! codes the flag is inferred from), no output line that carries such a
//! case's id shows its cause, body part or date; and the ranking and the
//! panel are byte for byte those of the same data without the flags.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{files_under, pdf_text, riskrank, sample};
use riskrank::codes::{CodeKind, CodeTable};

/// Flagged through the column: one case (of 2025) in each of these departments.
const BY_COLUMN: [&str; 4] = ["ELP", "YDD", "EWD", "LAPD"];
/// Flagged through the nature code: (department, WCIO nature code).
const BY_CODE: [(&str, &str); 4] = [("DCR", "69"), ("FIN", "75"), ("DOD", "91"), ("CLK", "77")];

/// A flagged case and what must not be shown beside its id.
#[derive(Debug)]
struct Flagged {
    id: String,
    date: String,
    cause: String,
    part: String,
}

/// Copies the sample to `dir`, injuries.csv with a `privacy_case` column:
/// the chosen cases get `true` (column) or a listed nature code and an
/// empty flag (inferred) when `flagged`, and `false` otherwise, so both
/// copies carry the same codes.
fn copy_sample(dir: &Path, flagged: bool) -> Vec<Flagged> {
    fs::create_dir_all(dir).unwrap();
    for entry in fs::read_dir(sample()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "injuries.csv") {
            fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    // Flexible: the sample's bad rows include ragged ones, kept as they are.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(sample().join("injuries.csv")).unwrap();
    let mut header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (dept, date, cause, nature, part) =
        (col("department"), col("event_date"), col("cause_code"), col("nature_code"), col("body_part_code"));
    header.push_field("privacy_case");
    let mut writer = csv::WriterBuilder::new().flexible(true).from_path(dir.join("injuries.csv")).unwrap();
    writer.write_record(&header).unwrap();
    let (mut chosen, mut todo_column, mut todo_code) = (Vec::new(), BY_COLUMN.to_vec(), BY_CODE.to_vec());
    let table = CodeTable::builtin();
    for row in reader.records() {
        let mut row: Vec<String> = row.unwrap().iter().map(String::from).collect();
        if row.len() + 1 != header.len() {
            writer.write_record(&row).unwrap();
            continue;
        }
        let mut flag = String::new();
        let eligible =
            row[date].starts_with("2025-") && row[cause].parse::<u16>().is_ok() && row[part].parse::<u16>().is_ok();
        let by_column = todo_column.iter().position(|d| eligible && row[dept] == *d);
        let by_code = todo_code.iter().position(|(d, _)| eligible && row[dept] == *d);
        if let Some(i) = by_column {
            todo_column.remove(i);
            flag = if flagged { "true" } else { "false" }.to_string();
        } else if let Some(i) = by_code {
            row[nature] = todo_code.remove(i).1.to_string();
            flag = if flagged { String::new() } else { "false".to_string() };
        }
        if by_column.is_some() || by_code.is_some() {
            let code = |c: usize| row[c].parse::<u16>().unwrap();
            chosen.push(Flagged {
                id: row[0].clone(),
                date: row[date].clone(),
                cause: table.label(CodeKind::Cause, code(cause)),
                part: table.label(CodeKind::BodyPart, code(part)),
            });
        }
        row.push(flag);
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    assert!(todo_column.is_empty() && todo_code.is_empty(), "no 2025 case in {todo_column:?} {todo_code:?}");
    chosen
}

/// Runs `run` and `validate` on `data`; the two output month folders.
fn outputs(data: &Path, out: &Path) -> (PathBuf, PathBuf) {
    let as_of = ["--as-of", "2025-12", "--data"];
    let ok = predicates::ord::le(1);
    riskrank().arg("run").args(as_of).arg(data).arg("--out").arg(out.join("run")).assert().code(ok);
    riskrank().arg("validate").args(as_of).arg(data).arg("--out").arg(out.join("validate")).assert().code(ok);
    (common::month_folder(&out.join("run")), common::month_folder(&out.join("validate")))
}

/// Every line of every output under `dir` as text (PDFs through
/// pdftotext when it is installed), by file.
fn text_outputs(dir: &Path, with_pdf: bool) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for (path, bytes) in files_under(dir) {
        if path.extension().is_some_and(|e| e == "pdf") {
            if with_pdf {
                out.push((path.clone(), pdf_text(&dir.join(&path)).expect("pdftotext reads the PDF")));
            }
        } else {
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// The leaks: lines that carry a flagged id and one of its withheld values.
fn leaks(files: &[(PathBuf, String)], flagged: &[Flagged]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for line in text.lines() {
            for f in flagged.iter().filter(|f| line.contains(&f.id)) {
                for withheld in [&f.date, &f.cause, &f.part].into_iter().filter(|w| line.contains(w.as_str())) {
                    found.push(format!("{}: {withheld:?} beside {}: {line}", path.display(), f.id));
                }
            }
        }
    }
    found
}

#[test]
fn privacy_cases_are_listed_without_cause_body_part_or_date_and_totals_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = copy_sample(&tmp.path().join("plain"), false);
    let flagged = copy_sample(&tmp.path().join("flagged"), true);
    assert_eq!(plain.len(), BY_COLUMN.len() + BY_CODE.len());
    let (plain_run, plain_validate) = outputs(&tmp.path().join("plain"), &tmp.path().join("out-plain"));
    let (run, validate) = outputs(&tmp.path().join("flagged"), &tmp.path().join("out-flagged"));

    let with_pdf = common::have("pdftotext");
    if !with_pdf {
        common::skip("privacy case PDF text", "pdftotext (poppler-utils) is not installed; CSV and JSON still checked");
    }
    // The check can fail: without the flags, the same cases show all three.
    let unflagged = text_outputs(&plain_run, with_pdf);
    assert!(leaks(&unflagged, &plain).len() >= 3 * plain.len(), "the unflagged cases are listed in full");

    let mut files = text_outputs(&run, with_pdf);
    files.extend(text_outputs(&validate, with_pdf));
    let found = leaks(&files, &flagged);
    assert!(found.is_empty(), "withheld values shown:\n{}", found.join("\n"));

    // Each is still listed, as a privacy case, in its department's CSV and PDF.
    for f in &flagged {
        let dept = f.id.split('-').next().unwrap();
        let csv = fs::read_to_string(run.join(format!("departments/{dept}.csv"))).unwrap();
        let line = csv.lines().find(|l| l.starts_with(&format!("{},", f.id))).expect("listed in the CSV");
        assert!(line.starts_with(&format!("{},,", f.id)) && line.ends_with(",privacy case"), "{line}");
        if with_pdf && dept != "LAPD" {
            let pdf = pdf_text(&run.join(format!("departments/{dept}.pdf"))).unwrap();
            let line = pdf.lines().find(|l| l.contains(&f.id)).expect("listed in the PDF");
            assert!(line.contains("privacy case"), "{line}");
        }
    }

    // A Parquet copy of the flagged data lists the same cases the same way.
    let pq = tmp.path().join("flagged-pq");
    let converted =
        riskrank().args(["convert", "--data"]).arg(tmp.path().join("flagged")).arg("--out").arg(&pq).output();
    assert!(matches!(converted.unwrap().status.code(), Some(0 | 1)), "convert failed");
    let (pq_run, _) = outputs(&pq, &tmp.path().join("out-pq"));
    for f in &flagged {
        let csv = format!("departments/{}.csv", f.id.split('-').next().unwrap());
        assert!(fs::read(run.join(&csv)).unwrap() == fs::read(pq_run.join(&csv)).unwrap(), "{csv} from Parquet");
    }

    // Counts and everything aggregated are untouched.
    for (a, b) in [(plain_run.join("ranking.csv"), run.join("ranking.csv"))]
        .into_iter()
        .chain([(plain_validate.join("panel.csv"), validate.join("panel.csv"))])
    {
        assert!(fs::read(&a).unwrap() == fs::read(&b).unwrap(), "{} differs with the flags", b.display());
    }
}
