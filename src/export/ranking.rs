//! `ranking.csv`: the data contract's ranking columns, numbers with fixed
//! decimals; written by `run` and `rank`, read back by `report` (the whole
//! ranking) and by the next month's run (the ranks, for rank changes).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CsvRow, ExportError, Exporter, FormatError, csv_bytes};
use super::{Fixed2, Fixed4};
use crate::rank::{PreviousRanking, RankRange, Ranking, RankingRow, RiskTier};
use crate::schema::{Cents, Month};

/// The file's name in a month's folder.
pub const FILE: &str = "ranking.csv";

/// One line as written.
#[derive(Serialize)]
struct RankingCsvRow<'a> {
    rank: u32,
    department: &'a str,
    name: &'a str,
    group: Option<&'a str>,
    risk_tier: RiskTier,
    predicted_cases: Fixed2,
    predicted_cases_low: u64,
    predicted_cases_high: u64,
    predicted_rate: Option<Fixed4>,
    predicted_incurred: Fixed2,
    trailing12_trir: Option<Fixed4>,
    trailing12_dart: Option<Fixed4>,
    trailing12_incurred: Cents,
    actual_to_expected: Option<Fixed4>,
    rank_low: u32,
    rank_high: u32,
    rank_change: Option<i64>,
    /// The month of the run `rank_change` compares with.
    rank_change_vs: Option<Month>,
    cost_rank: u32,
    credibility_z: Fixed4,
    top_driver: &'a str,
    /// The name of the department's files, `departments/<file_stem>.pdf` and `.csv`.
    file_stem: String,
    /// The data gate's findings, on every row, when the run was forced.
    data_warning: Option<&'a str>,
}

impl CsvRow for RankingCsvRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "rank",
        "department",
        "name",
        "group",
        "risk_tier",
        "predicted_cases",
        "predicted_cases_low",
        "predicted_cases_high",
        "predicted_rate",
        "predicted_incurred",
        "trailing12_trir",
        "trailing12_dart",
        "trailing12_incurred",
        "actual_to_expected",
        "rank_low",
        "rank_high",
        "rank_change",
        "rank_change_vs",
        "cost_rank",
        "credibility_z",
        "top_driver",
        "file_stem",
        "data_warning",
    ];
}

impl<'a> RankingCsvRow<'a> {
    fn new(r: &'a RankingRow, ranking: &'a Ranking) -> Self {
        RankingCsvRow {
            rank: r.rank,
            department: &r.department,
            name: &r.name,
            group: r.group.as_deref(),
            risk_tier: r.risk_tier,
            predicted_cases: Fixed2(r.predicted_cases),
            predicted_cases_low: r.predicted_cases_low,
            predicted_cases_high: r.predicted_cases_high,
            predicted_rate: r.predicted_rate.map(Fixed4),
            predicted_incurred: Fixed2(r.predicted_incurred),
            trailing12_trir: r.trailing12_trir.map(Fixed4),
            trailing12_dart: r.trailing12_dart.map(Fixed4),
            trailing12_incurred: r.trailing12_incurred,
            actual_to_expected: r.actual_to_expected.map(Fixed4),
            rank_low: r.rank_low,
            rank_high: r.rank_high,
            rank_change: r.rank_change,
            rank_change_vs: r.rank_change.and(ranking.compared_with),
            cost_rank: r.cost_rank,
            credibility_z: Fixed4(r.credibility_z),
            top_driver: &r.top_driver,
            file_stem: super::department::file_stem(&r.department),
            data_warning: ranking.data_warning.as_deref(),
        }
    }
}

impl Exporter for Ranking {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(csv_bytes(self.rows.iter().map(|r| RankingCsvRow::new(r, self)))?)
    }
}

/// A `ranking.csv` read back: its rows, and what every row repeats.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankingFile {
    pub rows: Vec<RankingRow>,
    pub compared_with: Option<Month>,
    pub data_warning: Option<String>,
}

/// The columns every row repeats.
#[derive(Debug, Deserialize)]
struct Repeated {
    rank_change_vs: Option<Month>,
    data_warning: Option<String>,
}

/// The whole of a `ranking.csv`.
pub fn read(path: &Path) -> Result<RankingFile, ExportError> {
    let bytes =
        std::fs::read(path).map_err(|e| ExportError::Read { path: path.to_path_buf(), source: csv::Error::from(e) })?;
    parse(&bytes, path)
}

/// A `ranking.csv`'s bytes read back (`path` names it in errors). The run
/// builds its reports from this too, so they print exactly the figures
/// of the file, and `report` rebuilds them byte for byte.
pub fn parse(bytes: &[u8], path: &Path) -> Result<RankingFile, ExportError> {
    let error = |source| ExportError::Read { path: path.to_path_buf(), source };
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().map_err(error)?.clone();
    let mut file = RankingFile::default();
    for record in reader.records() {
        let record = super::unneutralise_record(&record.map_err(error)?);
        file.rows.push(record.deserialize(Some(&header)).map_err(error)?);
        let repeated: Repeated = record.deserialize(Some(&header)).map_err(error)?;
        file.compared_with = file.compared_with.or(repeated.rank_change_vs);
        file.data_warning = file.data_warning.or(repeated.data_warning);
    }
    Ok(file)
}

#[derive(Debug, Deserialize)]
struct RankOnly {
    rank: u32,
    department: String,
    rank_low: Option<u32>,
    rank_high: Option<u32>,
}

/// The ranks of a `ranking.csv` written as of `month`, for the next
/// month's rank changes; rows that cannot be read are left out (their
/// rank change is then simply not shown), and a file without rank ranges
/// (an older one) gives each rank as its own range.
pub fn read_previous(path: &Path, month: Month) -> Result<PreviousRanking, ExportError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    let header = reader.headers().map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?.clone();
    let ranks = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| super::unneutralise_record(&r).deserialize::<RankOnly>(Some(&header)).ok())
        .map(|r| {
            let range =
                RankRange { rank: r.rank, low: r.rank_low.unwrap_or(r.rank), high: r.rank_high.unwrap_or(r.rank) };
            (r.department, range)
        })
        .collect::<BTreeMap<_, _>>();
    Ok(PreviousRanking { month: Some(month), ranks })
}
