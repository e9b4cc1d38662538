//! `ranking.csv`: the data contract's ranking columns, numbers with fixed
//! decimals; written by `run` and `rank`, read back by `report` (the whole
//! ranking) and by the next month's run (the ranks, for rank changes).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExportError, Exporter, FormatError, csv_bytes};
use super::{Fixed2, Fixed4};
use crate::rank::{Ranking, RankingRow, RiskTier};
use crate::schema::Cents;

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
    rank_change: Option<i64>,
    cost_rank: u32,
    credibility_z: Fixed4,
    top_driver: &'a str,
}

impl<'a> From<&'a RankingRow> for RankingCsvRow<'a> {
    fn from(r: &'a RankingRow) -> Self {
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
            rank_change: r.rank_change,
            cost_rank: r.cost_rank,
            credibility_z: Fixed4(r.credibility_z),
            top_driver: &r.top_driver,
        }
    }
}

impl Exporter for Ranking {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(csv_bytes(self.rows.iter().map(RankingCsvRow::from))?)
    }
}

/// The rows of a `ranking.csv`.
pub fn read(path: &Path) -> Result<Vec<RankingRow>, ExportError> {
    let error = |source| ExportError::Read { path: path.to_path_buf(), source };
    let mut reader = csv::Reader::from_path(path).map_err(error)?;
    reader.deserialize().collect::<Result<_, _>>().map_err(error)
}

#[derive(Debug, Deserialize)]
struct RankOnly {
    rank: u32,
    department: String,
}

/// Department code → rank of a `ranking.csv`; rows that cannot be read are
/// left out (their rank change is then simply not shown).
pub fn read_ranks(path: &Path) -> Result<BTreeMap<String, u32>, ExportError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    Ok(reader.deserialize::<RankOnly>().filter_map(Result::ok).map(|r| (r.department, r.rank)).collect())
}
