//! Fuzzes the row parser through the real reader: the input's first byte
//! picks the file (departments, injuries, claims or exposure) and the
//! rest is written as that file into a data folder beside the sample's
//! small department list; `ingest::load` then reads the folder. Checks
//! that nothing panics, that every file's account balances (read =
//! accepted + quarantined) and that every quarantined row points at a line
//! the file has.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use riskrank::ingest::{self, Discard, FileKind, LoadOptions};

const DEPARTMENTS: &str =
    "department,name,group\nLAPD,Police,public_safety\nLAFD,Fire,public_safety\nRAP,Recreation and Parks,community\n";
const INJURIES_HEADER: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,body_part_code,job_class,employee_id,description\nLAPD-1,LAPD,2020-01-01,other_recordable,0,0,74,10,35,Officer,E1,cut\n";

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            tempfile::Builder::new().prefix("riskrank-fuzz-").tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir());
        dir.expect("a temporary folder").keep()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, text)) = data.split_first() else { return };
    let kind = FileKind::ALL[usize::from(control & 3)];
    let dir = folder();
    for k in FileKind::ALL {
        let _ = std::fs::remove_file(dir.join(format!("{}.csv", k.stem())));
    }
    let fixed = |k: FileKind| match k {
        FileKind::Departments => Some(DEPARTMENTS),
        FileKind::Injuries => Some(INJURIES_HEADER),
        _ => None,
    };
    for k in FileKind::ALL {
        let path = dir.join(format!("{}.csv", k.stem()));
        if k == kind {
            std::fs::write(&path, text).expect("write the fuzzed file");
        } else if let Some(fixed) = fixed(k) {
            std::fs::write(&path, fixed).expect("write a fixed file");
        }
    }
    let mut options = LoadOptions::new(None);
    options.today = jiff::civil::date(2026, 1, 1);
    options.input.max_record_lines = 2 + u32::from(control >> 2);
    let Ok(loaded) = ingest::load(dir, &options, Discard) else { return };
    let lines = text.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    for report in &loaded.files {
        assert!(
            report.balanced(),
            "{}: read {} != accepted {} + quarantined {}",
            report.file_name(),
            report.read,
            report.accepted,
            report.quarantined
        );
    }
    for row in &loaded.quarantine {
        assert!(row.line >= 2, "a quarantined row on the header line");
        if row.file == kind {
            assert!(row.line <= lines, "line {} past the file's {} lines", row.line, lines);
        }
    }
});
