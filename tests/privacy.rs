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

/// A flagged case and what must not be shown beside its id: its date, and
/// its cause and body part both as WCIO names (the CSVs) and as the clean
/// labels the PDFs print.
#[derive(Debug)]
struct Flagged {
    id: String,
    date: String,
    cause: [String; 2],
    part: [String; 2],
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
                cause: [table.label(CodeKind::Cause, code(cause)), table.column_label(CodeKind::Cause, code(cause))],
                part: [table.label(CodeKind::BodyPart, code(part)), table.column_label(CodeKind::BodyPart, code(part))],
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
                let values = std::iter::once(&f.date).chain(&f.cause).chain(&f.part);
                for withheld in values.filter(|w| line.contains(w.as_str())) {
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

    // Each is still listed, as a privacy case, in its department's CSV, and
    // marked so wherever its PDF lists it (among open claims or lost-time
    // cases; the PDF lists no other case, so at least one must be there).
    let mut in_pdf = 0;
    for f in &flagged {
        let dept = f.id.split('-').next().unwrap();
        let csv = fs::read_to_string(run.join(format!("departments/{dept}.csv"))).unwrap();
        let line = csv.lines().find(|l| l.starts_with(&format!("{},", f.id))).expect("listed in the CSV");
        assert!(line.starts_with(&format!("{},,", f.id)) && line.ends_with(",privacy case"), "{line}");
        if with_pdf && dept != "LAPD" {
            let pdf = pdf_text(&run.join(format!("departments/{dept}.pdf"))).unwrap();
            if let Some(line) = pdf.lines().find(|l| l.contains(&f.id)) {
                assert!(line.contains("privacy case"), "{line}");
                in_pdf += 1;
            }
        }
    }
    assert!(!with_pdf || in_pdf > 0, "no flagged case is listed in any department PDF");

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

const QUARANTINE_HEAD: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,body_part_code,job_class,employee_id,description,privacy_case";

/// Rows with a bad value: two privacy cases (flagged; inferred from nature
/// 77), and two that are not (no flag and an unlisted code; 77 with an
/// explicit `false`), each with a date no other row has.
const BAD_ROWS: [&str; 4] = [
    "P1,FIRE,2024-13-05,days_away,3,0,74,52,61,FF,E1,hurt,true",
    "P2,FIRE,2024-03-09,days_away,x,0,89,77,62,FF,E2,hurt,",
    "N1,FIRE,2024-14-07,days_away,3,0,74,52,61,FF,E3,hurt,",
    "N2,FIRE,2024-15-08,days_away,3,0,89,77,62,FF,E4,hurt,false",
];

/// `validate` on `data`: the quarantine of injuries.csv as records (line,
/// column, reason, detail, fields…) and every other output's text.
fn quarantine_of(data: &Path, out: &Path) -> (Vec<Vec<String>>, String) {
    let run = riskrank().args(["validate", "--as-of", "2024-06", "--data"]).arg(data).arg("--out").arg(out).output();
    let run = run.unwrap();
    assert!(matches!(run.status.code(), Some(0 | 1)), "validate failed: {}", String::from_utf8_lossy(&run.stderr));
    let month = common::month_folder(out);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(month.join("quarantine/injuries.csv")).unwrap();
    let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let mut others = String::from_utf8_lossy(&run.stderr).into_owned() + &String::from_utf8_lossy(&run.stdout);
    for (path, text) in text_outputs(&month, false) {
        if !path.starts_with("quarantine") {
            others += &text;
        }
    }
    (rows, others)
}

#[test]
fn a_quarantined_privacy_case_keeps_its_line_and_column_but_not_its_date_cause_body_part_or_nature() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::write(data.join("departments.csv"), "department,name,group\nFIRE,Fire,public_safety\n").unwrap();
    let good = (1..=6).map(|i| format!("G{i},FIRE,2024-0{i}-02,first_aid,0,0,56,52,42,FF,E9,ok,"));
    let rows: Vec<String> = good.chain(BAD_ROWS.iter().map(|r| r.to_string())).collect();
    fs::write(data.join("injuries.csv"), format!("{QUARANTINE_HEAD}\n{}\n", rows.join("\n"))).unwrap();
    let pq = tmp.path().join("pq");
    let converted = riskrank().args(["convert", "--data"]).arg(&data).arg("--out").arg(&pq).output().unwrap();
    assert_eq!(converted.status.code(), Some(0), "{}", String::from_utf8_lossy(&converted.stderr));

    // A Parquet file's rows are numbered from 1, a CSV's lines from the header's 1.
    for (name, dir, header_lines) in [("CSV", &data, 0), ("Parquet", &pq, 1)] {
        let (quarantine, others) = quarantine_of(dir, &tmp.path().join(format!("out-{name}")));
        let want: [[&str; 4]; 4] = [
            ["8", "event_date", "unparsable_value", "withheld (privacy case)"],
            ["9", "days_away", "unparsable_value", ""],
            ["10", "event_date", "unparsable_value", ""],
            ["11", "event_date", "unparsable_value", ""],
        ];
        assert_eq!(quarantine.len(), want.len(), "{name}: {quarantine:?}");
        for (row, want) in quarantine.iter().zip(want) {
            let line = (want[0].parse::<u64>().unwrap() - header_lines).to_string();
            assert_eq!(row[..3], [line.as_str(), want[1], want[2]], "{name}: line, column and reason are still told");
            if !want[3].is_empty() {
                assert_eq!(row[3], want[3], "{name}");
            }
            // The row's own fields, after line, column, reason and detail.
            let (id, date, cause, nature, part) = (&row[4], &row[6], &row[10], &row[11], &row[12]);
            if id.starts_with('P') {
                for withheld in [date, cause, nature, part] {
                    assert_eq!(withheld, "privacy case", "{name}: {row:?}");
                }
                assert!(!row[3].contains("2024-"), "{name}: the detail repeats a withheld value: {row:?}");
            } else {
                let raw = BAD_ROWS.iter().find(|r| r.starts_with(id.as_str())).unwrap();
                let fields: Vec<&str> = raw.split(',').collect();
                assert_eq!([date, cause, nature, part], [fields[2], fields[6], fields[7], fields[8]], "{name}");
                assert!(row[3].contains(fields[2]), "{name}: a non-privacy case's detail quotes its value: {row:?}");
            }
        }
        for withheld in ["2024-13-05", "2024-03-09"] {
            assert!(!others.contains(withheld), "{name}: {withheld} shown in an output:\n{others}");
        }
    }
}
