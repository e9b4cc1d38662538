//! Reading the input files of a data folder: CSV or CSV.gz, row-level
//! validation against the data contract, quarantine of rejected rows, and
//! the read = accepted + quarantined account per file.
//!
//! Rows are streamed, never held: a scanner thread cuts each file into
//! chunks of whole records; rayon validates a chunk's rows in parallel; a
//! short sequential pass checks ids for duplicates in file order (the later
//! row is the duplicate); then rayon hands the accepted records to forks of
//! a [`RecordSink`] (the panel aggregates them as they pass), merged back in
//! file order. Memory therefore grows with what the sink keeps, plus one
//! 64-bit hash per id for the duplicate check. The data files are read in
//! parallel, each into its own fork, merged in a fixed order, so results
//! never depend on timing.

mod header;
pub mod osha;
pub mod parquet;
mod rows;
pub mod scan;
mod sink;
mod survey;
pub mod triangles;
pub mod valuations;
mod withhold;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::config::{Config, InputFormat, Limits};
use crate::digest::HashingReader;
use crate::schema::{Department, Month};
use header::{Layout, read_header};
use rows::{ColumnMap, Context, DepartmentCodes, Rejection, Row, RowSpec};
pub use rows::{DAYS_CAP, guess_date_format};
pub use sink::{Discard, RecordSink};
pub use survey::UnreadFile;
pub use valuations::ValuationRecord;

/// Why a row was quarantined. The `snake_case` names are what
/// `quarantine/*.csv` and the generator's `bad_rows.csv` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MissingValue,
    UnparsableValue,
    OutOfRange,
    UnknownEnum,
    UnknownDepartment,
    DuplicateId,
    FutureDate,
    ReportedBeforeInjury,
    ClosedWithoutDate,
    WrongFieldCount,
    MalformedQuoting,
    /// A valuation of a claim that claims.csv does not have.
    UnknownClaim,
}

impl Reason {
    pub const ALL: [Reason; 12] = [
        Reason::MissingValue,
        Reason::UnparsableValue,
        Reason::OutOfRange,
        Reason::UnknownEnum,
        Reason::UnknownDepartment,
        Reason::DuplicateId,
        Reason::FutureDate,
        Reason::ReportedBeforeInjury,
        Reason::ClosedWithoutDate,
        Reason::WrongFieldCount,
        Reason::MalformedQuoting,
        Reason::UnknownClaim,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MissingValue => "missing_value",
            Reason::UnparsableValue => "unparsable_value",
            Reason::OutOfRange => "out_of_range",
            Reason::UnknownEnum => "unknown_enum",
            Reason::UnknownDepartment => "unknown_department",
            Reason::DuplicateId => "duplicate_id",
            Reason::FutureDate => "future_date",
            Reason::ReportedBeforeInjury => "reported_before_injury",
            Reason::ClosedWithoutDate => "closed_without_date",
            Reason::WrongFieldCount => "wrong_field_count",
            Reason::MalformedQuoting => "malformed_quoting",
            Reason::UnknownClaim => "unknown_claim",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The core columns of `injuries.csv`, in contract order (what `InjuryRecord` serializes to; no personal
/// column, nor the optional `privacy_case`, which the reader also knows: see `rows::INJURY_EXTENSION_START`).
pub const INJURY_COLUMNS: &[&str] = <rows::Injuries as RowSpec>::COLUMNS.split_at(rows::INJURY_EXTENSION_START).0;
/// Every column the reader knows for `claims.csv`, in contract order (what
/// `ClaimRecord` serializes to): [`CLAIM_COLUMNS`], then the optional
/// [`FIRST_REPORT_COLUMNS`].
pub const ALL_CLAIM_COLUMNS: &[&str] = <rows::Claims as RowSpec>::COLUMNS;
/// The columns of `claims.csv` up to the optional `initial_incurred`: the
/// contract's list and the first extension column, as the generator writes them.
pub const CLAIM_COLUMNS: &[&str] = ALL_CLAIM_COLUMNS.split_at(rows::FIRST_REPORT_START).0;
/// The optional first-report columns of `claims.csv` (weekly wage, age at
/// injury, hours per week, part time, dependents, accident hour): features
/// of the triage model, never printed.
pub const FIRST_REPORT_COLUMNS: &[&str] = ALL_CLAIM_COLUMNS.split_at(rows::FIRST_REPORT_START).1;

/// The four input files of the data contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Departments,
    Injuries,
    Claims,
    Exposure,
    /// `establishments.csv`, read by `riskrank osha` only (not in [`FileKind::ALL`]).
    Establishments,
    /// `claim_valuations.csv`, optional, read after claims.csv (not in [`FileKind::ALL`]).
    ClaimValuations,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [FileKind::Departments, FileKind::Injuries, FileKind::Claims, FileKind::Exposure];

    /// The file name without `.csv` / `.csv.gz`.
    pub const fn stem(self) -> &'static str {
        match self {
            FileKind::Departments => "departments",
            FileKind::Injuries => "injuries",
            FileKind::Claims => "claims",
            FileKind::Exposure => "exposure",
            FileKind::Establishments => "establishments",
            FileKind::ClaimValuations => "claim_valuations",
        }
    }
}

/// How the data folder is read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The month the data is as of: no date may fall after its last day.
    /// `None`: no date may fall after `today`.
    pub as_of: Option<Month>,
    pub today: Date,
    /// How the files are written (the config's `[input]`).
    pub input: InputFormat,
    /// Values no real record holds (the config's `[limits]`).
    pub limits: Limits,
}

impl LoadOptions {
    pub fn new(as_of: Option<Month>) -> Self {
        LoadOptions {
            as_of,
            today: jiff::ZonedDateTime::now().date(),
            input: InputFormat::default(),
            limits: Limits::default(),
        }
    }

    /// With the config's `[input]` and `[limits]`.
    pub fn with_config(self, config: &Config) -> Self {
        LoadOptions { input: config.input.clone(), limits: config.limits, ..self }
    }

    /// The last day a date may fall on: the end of the as-of month, but
    /// never after today (an injury cannot be dated in the future, whatever
    /// month is asked for).
    pub fn latest_date(&self) -> Date {
        self.as_of.map_or(self.today, |m| m.last_day().min(self.today))
    }
}

/// The account of one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub kind: FileKind,
    pub path: PathBuf,
    /// Data rows read (the header and blank lines are not rows).
    pub read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub reasons: BTreeMap<Reason, u64>,
    /// Header columns the contract does not know: ignored, reported once.
    pub unknown_columns: Vec<String>,
    /// The months of the earliest and latest accepted record (data files).
    pub first_month: Option<Month>,
    pub last_month: Option<Month>,
    /// Accepted records per month (data files), for inferring the as-of month.
    #[serde(skip)]
    pub months: BTreeMap<Month, u64>,
    /// The header as it was in the file, for writing quarantined rows back.
    #[serde(skip)]
    pub header: Vec<String>,
    /// SHA-256 of the file's bytes, taken while reading it.
    #[serde(skip)]
    pub sha256: String,
}

impl FileReport {
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// read = accepted + quarantined.
    pub fn balanced(&self) -> bool {
        self.read == self.accepted + self.quarantined
    }
}

/// A rejected row, kept unchanged for `quarantine/<file>.csv` but for its
/// personal data (`employee_id`, `description`), which is redacted, and a
/// privacy case's date and codes (`withhold`): the line number points the
/// data steward to the original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantinedRow {
    pub file: FileKind,
    pub line: u64,
    pub column: String,
    pub reason: Reason,
    pub detail: String,
    pub fields: Vec<String>,
}

/// Everything read from a data folder.
#[derive(Debug)]
pub struct Loaded<S> {
    pub dir: PathBuf,
    pub options: LoadOptions,
    /// The department list, when `departments.csv` was given.
    pub departments: Option<Vec<Department>>,
    /// One report per file present, in `FileKind` order.
    pub files: Vec<FileReport>,
    /// Rejected rows, by file and then line.
    pub quarantine: Vec<QuarantinedRow>,
    /// The folder's other files, and why they are not read.
    pub unread: Vec<UnreadFile>,
    pub sink: S,
}

impl<S> Loaded<S> {
    pub fn report(&self, kind: FileKind) -> Option<&FileReport> {
        self.files.iter().find(|f| f.kind == kind)
    }

    pub fn quarantined(&self, kind: FileKind) -> impl Iterator<Item = &QuarantinedRow> {
        self.quarantine.iter().filter(move |q| q.file == kind)
    }
}

/// A data folder or file that cannot be read at all. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: cannot read", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: no injuries.csv or claims.csv (nor .csv.gz or .parquet): nothing to analyse", dir.display())]
    NoData { dir: PathBuf },
    #[error("{}: {found} are present; keep one {stem} file", dir.display())]
    Ambiguous { dir: PathBuf, stem: &'static str, found: String },
    #[error("{}: not a readable Parquet file: {reason}", path.display())]
    Parquet { path: PathBuf, reason: String },
    #[error("{}: the file is empty (no header row)", path.display())]
    Empty { path: PathBuf },
    #[error("{}: line {line}: not valid UTF-8 text (the data contract requires UTF-8)", path.display())]
    Encoding { path: PathBuf, line: u64 },
    #[error("{}: line {line}: the header is not valid CSV (stray quote)", path.display())]
    BadHeader { path: PathBuf, line: u64 },
    #[error("{}: missing required column(s) {missing}: {hint}; the header has: {found}", path.display())]
    MissingColumns { path: PathBuf, missing: String, found: String, hint: String },
    #[error("{}: this file is an Excel workbook, not CSV: save it as CSV UTF-8", path.display())]
    Workbook { path: PathBuf },
    #[error("{}: its lines end with CR alone (old Mac format): save it with LF or CRLF line endings", path.display())]
    CrLineEndings { path: PathBuf },
    #[error("{}: the header is separated by `{delimiter}`: set `[input] delimiter = \"{delimiter}\"` in riskrank.toml", path.display())]
    Delimiter { path: PathBuf, delimiter: String },
    #[error("[input.columns.{file}] names `{column}`, which is not a column of {file}.csv (its columns: {known})")]
    UnknownMappedColumn { file: &'static str, column: String, known: String },
    #[error("{}: column {column:?} appears twice in the header", path.display())]
    DuplicateColumn { path: PathBuf, column: String },
}

/// Finds `<stem>.csv`, `<stem>.csv.gz` or `<stem>.parquet` in `dir`.
pub fn locate(dir: &Path, kind: FileKind) -> Result<Option<PathBuf>, IngestError> {
    let found: Vec<PathBuf> = ["csv", "csv.gz", "parquet"]
        .iter()
        .map(|ext| dir.join(format!("{}.{ext}", kind.stem())))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        many => {
            let names: Vec<String> =
                many.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
            Err(IngestError::Ambiguous { dir: dir.to_path_buf(), stem: kind.stem(), found: names.join(" and ") })
        }
    }
}

/// Reads and validates every file of the data folder `dir`, feeding the
/// accepted records to `sink`. Fails, before anything is written anywhere,
/// when a file cannot be read at all.
pub fn load<S: RecordSink>(dir: &Path, options: &LoadOptions, sink: S) -> Result<Loaded<S>, IngestError> {
    if !dir.is_dir() {
        let source = io::Error::new(io::ErrorKind::NotFound, "no such data folder");
        return Err(IngestError::Io { path: dir.to_path_buf(), source });
    }
    let dept_path = locate(dir, FileKind::Departments)?;
    let inj_path = locate(dir, FileKind::Injuries)?;
    let clm_path = locate(dir, FileKind::Claims)?;
    let exp_path = locate(dir, FileKind::Exposure)?;
    // Valuations are checked against the claims: without claims.csv there
    // is nothing to check them against, so the file is then not read.
    let val_path = if clm_path.is_some() { locate(dir, FileKind::ClaimValuations)? } else { None };
    if inj_path.is_none() && clm_path.is_none() {
        return Err(IngestError::NoData { dir: dir.to_path_buf() });
    }
    check_mapping(&options.input)?;
    let located: Vec<&PathBuf> =
        [&dept_path, &inj_path, &clm_path, &exp_path, &val_path].into_iter().flatten().collect();
    let unread = survey::survey(dir, &located);

    let mut ctx = Context {
        latest_date: options.latest_date(),
        departments: None,
        dates: options.input.date_format.clone(),
        limits: options.limits,
        claims: None,
    };
    let mut files = Vec::new();
    let mut quarantine = Vec::new();
    let mut departments = None;
    if let Some(path) = &dept_path {
        let mut list = DepartmentList(Vec::new());
        let outcome =
            read_file::<rows::Departments, _>(path, &ctx, &options.input, &mut list, |l, d| l.0.push(d.clone()))?;
        ctx.departments = Some(DepartmentCodes::new(list.0.iter().map(|d| d.department.as_str())));
        departments = Some(list.0);
        files.push(outcome.report);
        quarantine.extend(outcome.quarantine);
    }

    let index = val_path.as_ref().map(|_| valuations::ClaimIndex::default());
    let (mut inj_sink, mut clm_sink, mut exp_sink) = (sink.fork(), (sink.fork(), index), sink.fork());
    let (inj, clm, exp) = std::thread::scope(|s| {
        let (ctx, input) = (&ctx, &options.input);
        let inj = s.spawn(|| read_opt::<rows::Injuries, _>(&inj_path, ctx, input, &mut inj_sink, |k, r| k.injury(r)));
        let clm = s.spawn(|| read_opt::<rows::Claims, _>(&clm_path, ctx, input, &mut clm_sink, |k, r| k.claim(r)));
        let exp = read_opt::<rows::Exposure, _>(&exp_path, ctx, input, &mut exp_sink, |k, r| k.exposure(r));
        (join(inj), join(clm), exp)
    });
    let mut sink = sink;
    let (clm_sink, index) = clm_sink;
    for (outcome, fork) in [(inj?, inj_sink), (clm?, clm_sink), (exp?, exp_sink)] {
        sink.merge(fork);
        if let Some(outcome) = outcome {
            files.push(outcome.report);
            quarantine.extend(outcome.quarantine);
        }
    }
    if let (Some(path), Some(index)) = (&val_path, index) {
        ctx.claims = Some(std::sync::Arc::new(index));
        let outcome =
            read_file::<valuations::Valuations, _>(path, &ctx, &options.input, &mut sink, |k, r| k.valuation(r))?;
        files.push(outcome.report);
        quarantine.extend(outcome.quarantine);
    }
    Ok(Loaded { dir: dir.to_path_buf(), options: options.clone(), departments, files, quarantine, unread, sink })
}

/// The contract columns of one file, by its stem, and the config's names for them.
fn mapping(input: &InputFormat, kind: FileKind) -> (&BTreeMap<String, String>, &'static [&'static str]) {
    let c = &input.columns;
    match kind {
        FileKind::Departments => (&c.departments, <rows::Departments as RowSpec>::COLUMNS),
        FileKind::Injuries => (&c.injuries, <rows::Injuries as RowSpec>::COLUMNS),
        FileKind::Claims => (&c.claims, <rows::Claims as RowSpec>::COLUMNS),
        FileKind::Exposure => (&c.exposure, <rows::Exposure as RowSpec>::COLUMNS),
        FileKind::Establishments => (&osha::NO_MAPPING, <osha::Establishments as RowSpec>::COLUMNS),
        FileKind::ClaimValuations => (&osha::NO_MAPPING, valuations::VALUATION_COLUMNS),
    }
}

/// A column mapping may only name the file's contract columns.
fn check_mapping(input: &InputFormat) -> Result<(), IngestError> {
    for kind in FileKind::ALL {
        let (names, columns) = mapping(input, kind);
        if let Some(column) = names.keys().find(|k| !columns.contains(&k.as_str())) {
            return Err(IngestError::UnknownMappedColumn {
                file: kind.stem(),
                column: column.clone(),
                known: columns.join(", "),
            });
        }
    }
    Ok(())
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

struct FileOutcome {
    report: FileReport,
    quarantine: Vec<QuarantinedRow>,
}

fn read_opt<S: RowSpec, K: RecordSink>(
    path: &Option<PathBuf>,
    ctx: &Context,
    input: &InputFormat,
    sink: &mut K,
    deliver: Deliver<S, K>,
) -> Result<Option<FileOutcome>, IngestError> {
    path.as_deref().map(|p| read_file::<S, K>(p, ctx, input, sink, deliver)).transpose()
}

/// Hands one accepted record to a sink.
type Deliver<S, K> = for<'a> fn(&mut K, &<S as RowSpec>::Record<'a>);

/// The department list as a sink, so `departments.csv` is read by the same
/// machinery as the data files.
struct DepartmentList(Vec<Department>);

impl RecordSink for DepartmentList {
    fn fork(&self) -> Self {
        DepartmentList(Vec::new())
    }
    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

/// An input file being read, hashed as it is read (the compressed bytes
/// of a `.gz`), so each file is opened and read exactly once.
enum Source {
    Plain(HashingReader<File>),
    Gzip(Box<flate2::read::MultiGzDecoder<HashingReader<File>>>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Gzip(r) => r.read(buf),
        }
    }
}

impl Source {
    /// The SHA-256 of the whole file.
    fn finish(self) -> io::Result<String> {
        match self {
            Source::Plain(r) => r.finish(),
            Source::Gzip(r) => r.into_inner().finish(),
        }
    }
}

fn open(path: &Path) -> Result<Source, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?;
    let file = HashingReader::new(file);
    Ok(if is_gzip(path) {
        Source::Gzip(Box::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Source::Plain(file)
    })
}

fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Produces the file's chunks of records into `tx` and returns the SHA-256
/// of its bytes. A CSV goes through the scanner; a Parquet file is first
/// hashed (its footer-first layout needs random access, so the hash is a
/// separate sequential read) and then rendered as records.
fn produce(
    path: &Path,
    input: &InputFormat,
    tx: &mpsc::SyncSender<Result<scan::RawChunk, IngestError>>,
) -> Result<String, IngestError> {
    let io_err = |source: io::Error| IngestError::Io { path: path.to_path_buf(), source };
    if is_parquet(path) {
        let file = File::open(path).map_err(io_err)?;
        let mut hashing = HashingReader::new(file);
        io::copy(&mut hashing, &mut io::sink()).map_err(io_err)?;
        let sha = hashing.finish().map_err(io_err)?;
        parquet::stream(path, input.delimiter, &mut |chunk| tx.send(Ok(chunk)).is_ok())?;
        return Ok(sha);
    }
    let mut scanner = scan::Scanner::new(open(path)?, input.delimiter);
    scanner.max_lines = input.max_record_lines;
    loop {
        match scanner.next_chunk() {
            Ok(Some(chunk)) => {
                if tx.send(Ok(chunk)).is_err() {
                    break;
                }
            }
            Ok(None) => break,
            Err(source) => return Err(io_err(source)),
        }
    }
    scanner.into_inner().finish().map_err(io_err)
}

/// One row's fate. Validation fills it in parallel; the in-order duplicate
/// check may then turn an `Ok` into a rejection.
struct RowOutcome<R> {
    line: u64,
    start: usize,
    end: usize,
    result: Result<(R, u64), Rejection>,
}

type Batches<R> = Vec<Vec<RowOutcome<R>>>;

/// Streams one file through the scanner, parallel validation, the in-order
/// duplicate check and parallel delivery to forks of `sink`.
fn read_file<S: RowSpec, K: RecordSink>(
    path: &Path,
    ctx: &Context,
    input: &InputFormat,
    sink: &mut K,
    deliver: Deliver<S, K>,
) -> Result<FileOutcome, IngestError> {
    let layout = Layout { delimiter: input.delimiter, columns: mapping(input, S::FILE).0 };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel(2);
        let producing = scope.spawn(move || produce(path, input, &tx));
        let mut file: Option<(FileState, FileReport)> = None;
        let mut quarantine = Vec::new();
        while let Ok(chunk) = rx.recv() {
            let chunk = chunk?;
            let mut records = &chunk.records[..];
            if file.is_none() {
                let Some((first, rest)) = records.split_first() else { continue };
                let (map, report) = read_header::<S>(path, chunk.text(first), first.line, &layout)?;
                file = Some((FileState::new(path, &chunk, map), report));
                records = rest;
            }
            let Some((state, report)) = file.as_mut() else { continue };
            let mut batches = validate_chunk::<S>(path, &chunk, records, &state.map, ctx)?;
            settle::<S>(&mut batches, &chunk, state, report, &mut quarantine);
            deliver_all::<S, K>(&batches, sink, deliver);
        }
        // The producer's own error (unreadable, not Parquet) comes first.
        let sha256 = join(producing)?;
        let (_, mut report) = file.ok_or_else(|| IngestError::Empty { path: path.to_path_buf() })?;
        report.sha256 = sha256;
        Ok(FileOutcome { report, quarantine })
    })
}

/// The duplicate check in file order, then the account and the
/// quarantine of every rejected row.
fn settle<S: RowSpec>(
    batches: &mut Batches<S::Record<'_>>,
    chunk: &scan::RawChunk,
    state: &mut FileState,
    report: &mut FileReport,
    quarantine: &mut Vec<QuarantinedRow>,
) {
    let repeats = repeated_ids::<S>(batches, &mut state.seen);
    for (i, o) in batches.iter_mut().flatten().enumerate() {
        report.read += 1;
        if let Ok((record, _)) = &o.result {
            if repeats.binary_search(&i).is_err() {
                report.accepted += 1;
                if let Some(m) = S::month(record) {
                    report.first_month = Some(report.first_month.map_or(m, |f| f.min(m)));
                    report.last_month = Some(report.last_month.map_or(m, |l| l.max(m)));
                    *report.months.entry(m).or_default() += 1;
                }
                continue;
            }
            o.result = Err(Rejection::new(Reason::DuplicateId, S::KEY, "an earlier row has the same id"));
        }
        let Err(rejection) = &o.result else { continue };
        report.quarantined += 1;
        *report.reasons.entry(rejection.reason).or_default() += 1;
        quarantine.push(withhold::quarantined::<S>(&state.map, &chunk.bytes[o.start..o.end], o.line, rejection));
    }
}

/// The positions (in the chunk's row order) of the valid rows whose id an
/// earlier row of the file already had. Each shard of the id set sees its
/// own ids in file order, in parallel with the other shards, so the later
/// row is always the duplicate, whatever the thread timing.
fn repeated_ids<S: RowSpec>(batches: &Batches<S::Record<'_>>, seen: &mut [FxHashSet<u64>]) -> Vec<usize> {
    let mut by_shard: Vec<Vec<(usize, u64)>> = vec![Vec::new(); seen.len()];
    for (i, o) in batches.iter().flatten().enumerate() {
        if let Ok((_, key)) = &o.result {
            by_shard[shard(*key)].push((i, *key));
        }
    }
    let mut repeats: Vec<usize> = seen
        .par_iter_mut()
        .zip(by_shard)
        .flat_map_iter(|(set, keys)| {
            keys.into_iter().filter(|(_, k)| !set.insert(*k)).map(|(i, _)| i).collect::<Vec<_>>()
        })
        .collect();
    repeats.sort_unstable();
    repeats
}

/// Shards of the id set: a key's top bits pick its shard, so the shards
/// are filled in parallel and each is a sixteenth of the size (kinder to
/// the cache: the inserts were a sixth of a read's time).
const ID_SHARDS: usize = 16;

fn shard(key: u64) -> usize {
    (key >> 60) as usize % ID_SHARDS
}

/// Hands the accepted records to forks of `sink` in parallel; rayon's
/// reduce merges neighbouring forks, so file order is kept.
fn deliver_all<S: RowSpec, K: RecordSink>(batches: &Batches<S::Record<'_>>, sink: &mut K, deliver: Deliver<S, K>) {
    let template: &K = sink;
    let fork = batches
        .par_iter()
        .fold(
            || template.fork(),
            |mut acc, batch| {
                for o in batch {
                    if let Ok((record, _)) = &o.result {
                        deliver(&mut acc, record);
                    }
                }
                acc
            },
        )
        .reduce(
            || template.fork(),
            |mut a, b| {
                a.merge(b);
                a
            },
        );
    sink.merge(fork);
}

struct FileState {
    map: ColumnMap,
    /// 64-bit hashes of the ids accepted so far (xxh3; a false duplicate
    /// needs a collision, about 1 in 10^5 for a 10-million-row file).
    seen: Vec<FxHashSet<u64>>,
}

impl FileState {
    /// Sizes the id set once from the file's size and the first chunk's
    /// bytes per row, to spare rehashing as it grows.
    fn new(path: &Path, first: &scan::RawChunk, map: ColumnMap) -> Self {
        let mut seen = vec![FxHashSet::default(); ID_SHARDS];
        let len = if is_gzip(path) { None } else { std::fs::metadata(path).ok().map(|m| m.len()) };
        if let Some(len) = len {
            let per_row = (first.bytes.len() / first.records.len().max(1)).max(16) as u64;
            let rows = usize::try_from(len / per_row).unwrap_or(0);
            seen.iter_mut().for_each(|s| s.reserve(rows / ID_SHARDS + 1));
        }
        FileState { map, seen }
    }
}

/// Validates a chunk's records in parallel; the outcomes come back in file order.
fn validate_chunk<'c, S: RowSpec>(
    path: &Path,
    chunk: &'c scan::RawChunk,
    records: &[scan::RawRecord],
    map: &ColumnMap,
    ctx: &Context,
) -> Result<Batches<S::Record<'c>>, IngestError> {
    records
        .par_chunks(1024)
        .map(|batch| {
            let mut fields = Vec::with_capacity(map.width);
            let mut out = Vec::with_capacity(batch.len());
            for rec in batch {
                let text = std::str::from_utf8(chunk.text(rec))
                    .map_err(|_| IngestError::Encoding { path: path.to_path_buf(), line: rec.line })?;
                validate_record::<S>(text, rec, map, ctx, &mut fields, &mut out);
            }
            Ok(out)
        })
        .collect::<Result<_, IngestError>>()
}

fn validate_record<'c, S: RowSpec>(
    text: &'c str,
    rec: &scan::RawRecord,
    map: &ColumnMap,
    ctx: &Context,
    fields: &mut Vec<std::borrow::Cow<'c, str>>,
    out: &mut Vec<RowOutcome<S::Record<'c>>>,
) {
    let split = scan::split_fields(text, map.delimiter, fields);
    if rec.lines > 1 && (split.is_err() || fields.len() != map.width) {
        // A quote that opened a field but was really a stray one: cut the
        // record back to physical lines so the rows after it survive.
        let mut offset = 0;
        for (i, raw_line) in text.split('\n').enumerate() {
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            let start = rec.start + offset;
            let sub = scan::RawRecord { start, end: start + line.len(), line: rec.line + i as u64, lines: 1 };
            offset += raw_line.len() + 1;
            if !line.is_empty() {
                validate_record::<S>(line, &sub, map, ctx, fields, out);
            }
        }
        return;
    }
    let result = match split {
        Err(_) => Err(Rejection::new(Reason::MalformedQuoting, "", "a stray or unbalanced quote")),
        Ok(()) if fields.len() != map.width => Err(Rejection::new(
            Reason::WrongFieldCount,
            "",
            format!("{} fields, the header has {}", fields.len(), map.width),
        )),
        Ok(()) => {
            let row = Row { fields, map, columns: S::COLUMNS };
            S::parse(&row, ctx).map(|r| {
                let key = S::key(&r);
                (r, key)
            })
        }
    };
    out.push(RowOutcome { line: rec.line, start: rec.start, end: rec.end, result });
}

#[cfg(test)]
mod tests;
