//! `ranking.csv`: the data contract's ranking columns, numbers with fixed
//! decimals; written by `run` and `rank`, read back by `report` (the whole
//! ranking) and by the next month's run (the ranks, for rank changes).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CsvRow, ExportError, Exporter, FormatError, output_csv};
use super::{Fixed2, Fixed4, Fixed6};
use crate::rank::{Addressable, PreviousRanking, RankRange, Ranking, RankingRow, RiskTier, VersusCity};
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
    versus_city: VersusCity,
    predicted_cases: Fixed2,
    predicted_cases_low: u64,
    predicted_cases_high: u64,
    predicted_rate: Option<Fixed4>,
    predicted_incurred: Fixed2,
    trailing12_trir: Option<Fixed4>,
    trailing12_dart: Option<Fixed4>,
    trailing12_incurred: Cents,
    trailing12_incurred_to_date: Cents,
    trailing12_incurred_low: Option<Cents>,
    trailing12_incurred_high: Option<Cents>,
    trailing12_claims: u64,
    trailing12_claims_ultimate: Option<Fixed2>,
    actual_to_expected: Option<Fixed4>,
    rank_low: u32,
    rank_high: u32,
    rank_change: Option<i64>,
    /// The month of the run `rank_change` compares with.
    rank_change_vs: Option<Month>,
    cost_rank: u32,
    credibility_z: Option<Fixed4>,
    peer_weight: Option<Fixed4>,
    top_driver: &'a str,
    /// The three leading components and their signed shares of all the
    /// contributions' absolute sum.
    driver_1: &'static str,
    driver_1_share: Fixed4,
    driver_2: &'static str,
    driver_2_share: Fixed4,
    driver_3: &'static str,
    driver_3_share: Fixed4,
    contribution_peer_group: Fixed6,
    contribution_own_level: Fixed6,
    contribution_trend: Fixed6,
    contribution_season: Fixed6,
    contribution_case_mix: Fixed6,
    contribution_lost_time: Fixed6,
    contribution_report_lag: Fixed6,
    contribution_size: Fixed6,
    trend_per_year: Option<Fixed4>,
    peer_median: Fixed4,
    addressable_cases: Fixed2,
    addressable_cases_low: Fixed2,
    addressable_cases_high: Fixed2,
    addressable_incurred: Fixed2,
    addressable_incurred_low: Fixed2,
    addressable_incurred_high: Fixed2,
    /// The city's 90% range of the summed excess (its point is the
    /// column's sum), on every row.
    city_addressable_cases_low: Fixed2,
    city_addressable_cases_high: Fixed2,
    city_addressable_incurred_low: Fixed2,
    city_addressable_incurred_high: Fixed2,
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
        "versus_city",
        "predicted_cases",
        "predicted_cases_low",
        "predicted_cases_high",
        "predicted_rate",
        "predicted_incurred",
        "trailing12_trir",
        "trailing12_dart",
        "trailing12_incurred",
        "trailing12_incurred_to_date",
        "trailing12_incurred_low",
        "trailing12_incurred_high",
        "trailing12_claims",
        "trailing12_claims_ultimate",
        "actual_to_expected",
        "rank_low",
        "rank_high",
        "rank_change",
        "rank_change_vs",
        "cost_rank",
        "credibility_z",
        "peer_weight",
        "top_driver",
        "driver_1",
        "driver_1_share",
        "driver_2",
        "driver_2_share",
        "driver_3",
        "driver_3_share",
        "contribution_peer_group",
        "contribution_own_level",
        "contribution_trend",
        "contribution_season",
        "contribution_case_mix",
        "contribution_lost_time",
        "contribution_report_lag",
        "contribution_size",
        "trend_per_year",
        "peer_median",
        "addressable_cases",
        "addressable_cases_low",
        "addressable_cases_high",
        "addressable_incurred",
        "addressable_incurred_low",
        "addressable_incurred_high",
        "city_addressable_cases_low",
        "city_addressable_cases_high",
        "city_addressable_incurred_low",
        "city_addressable_incurred_high",
        "file_stem",
        "data_warning",
    ];
}

impl<'a> RankingCsvRow<'a> {
    fn new(r: &'a RankingRow, ranking: &'a Ranking) -> Self {
        let leading = r.contributions().leading();
        let driver = |i: usize| leading.get(i).map_or(("", Fixed4(0.0)), |(c, s)| (c.label(), Fixed4(*s)));
        let c = &ranking.city_addressable;
        RankingCsvRow {
            rank: r.rank,
            department: &r.department,
            name: &r.name,
            group: r.group.as_deref(),
            risk_tier: r.risk_tier,
            versus_city: r.versus_city,
            predicted_cases: Fixed2(r.predicted_cases),
            predicted_cases_low: r.predicted_cases_low,
            predicted_cases_high: r.predicted_cases_high,
            predicted_rate: r.predicted_rate.map(Fixed4),
            predicted_incurred: Fixed2(r.predicted_incurred),
            trailing12_trir: r.trailing12_trir.map(Fixed4),
            trailing12_dart: r.trailing12_dart.map(Fixed4),
            trailing12_incurred: r.trailing12_incurred,
            trailing12_incurred_to_date: r.trailing12_incurred_to_date,
            trailing12_incurred_low: r.trailing12_incurred_low,
            trailing12_incurred_high: r.trailing12_incurred_high,
            trailing12_claims: r.trailing12_claims,
            trailing12_claims_ultimate: r.trailing12_claims_ultimate.map(Fixed2),
            actual_to_expected: r.actual_to_expected.map(Fixed4),
            rank_low: r.rank_low,
            rank_high: r.rank_high,
            rank_change: r.rank_change,
            rank_change_vs: r.rank_change.and(ranking.compared_with),
            cost_rank: r.cost_rank,
            credibility_z: r.credibility_z.map(Fixed4),
            peer_weight: r.peer_weight.map(Fixed4),
            top_driver: &r.top_driver,
            driver_1: driver(0).0,
            driver_1_share: driver(0).1,
            driver_2: driver(1).0,
            driver_2_share: driver(1).1,
            driver_3: driver(2).0,
            driver_3_share: driver(2).1,
            contribution_peer_group: Fixed6(r.contribution_peer_group),
            contribution_own_level: Fixed6(r.contribution_own_level),
            contribution_trend: Fixed6(r.contribution_trend),
            contribution_season: Fixed6(r.contribution_season),
            contribution_case_mix: Fixed6(r.contribution_case_mix),
            contribution_lost_time: Fixed6(r.contribution_lost_time),
            contribution_report_lag: Fixed6(r.contribution_report_lag),
            contribution_size: Fixed6(r.contribution_size),
            trend_per_year: r.trend_per_year.map(Fixed4),
            peer_median: Fixed4(r.peer_median),
            addressable_cases: Fixed2(r.addressable_cases),
            addressable_cases_low: Fixed2(r.addressable_cases_low),
            addressable_cases_high: Fixed2(r.addressable_cases_high),
            addressable_incurred: Fixed2(r.addressable_incurred),
            addressable_incurred_low: Fixed2(r.addressable_incurred_low),
            addressable_incurred_high: Fixed2(r.addressable_incurred_high),
            city_addressable_cases_low: Fixed2(c.cases_low),
            city_addressable_cases_high: Fixed2(c.cases_high),
            city_addressable_incurred_low: Fixed2(c.incurred_low),
            city_addressable_incurred_high: Fixed2(c.incurred_high),
            file_stem: super::department::file_stem(&r.department),
            data_warning: ranking.data_warning.as_deref(),
        }
    }
}

impl Exporter for Ranking {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(self.rows.iter().map(|r| RankingCsvRow::new(r, self)))?)
    }
}

/// A `ranking.csv` read back: its rows, and what every row repeats.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankingFile {
    pub rows: Vec<RankingRow>,
    pub compared_with: Option<Month>,
    pub data_warning: Option<String>,
    /// The city's addressable excess: the rows' sum and the recorded range.
    pub city_addressable: Addressable,
}

/// The columns every row repeats.
#[derive(Debug, Deserialize)]
struct Repeated {
    rank_change_vs: Option<Month>,
    data_warning: Option<String>,
    city_addressable_cases_low: f64,
    city_addressable_cases_high: f64,
    city_addressable_incurred_low: f64,
    city_addressable_incurred_high: f64,
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
        file.city_addressable.cases_low = repeated.city_addressable_cases_low;
        file.city_addressable.cases_high = repeated.city_addressable_cases_high;
        file.city_addressable.incurred_low = repeated.city_addressable_incurred_low;
        file.city_addressable.incurred_high = repeated.city_addressable_incurred_high;
    }
    file.city_addressable.cases = file.rows.iter().map(|r| r.addressable_cases).sum();
    file.city_addressable.incurred = file.rows.iter().map(|r| r.addressable_incurred).sum();
    Ok(file)
}

#[derive(Debug, Deserialize)]
struct RankOnly {
    rank: u32,
    department: String,
    rank_low: Option<u32>,
    rank_high: Option<u32>,
    predicted_cases: Option<f64>,
    predicted_rate: Option<f64>,
}

/// The ranks of a `ranking.csv` written as of `month`, for the next
/// month's rank changes; rows that cannot be read are left out (their
/// rank change is then simply not shown), and a file without rank ranges
/// (an older one) gives each rank as its own range.
pub fn read_previous(path: &Path, month: Month) -> Result<PreviousRanking, ExportError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?;
    let header = reader.headers().map_err(|source| ExportError::Read { path: path.to_path_buf(), source })?.clone();
    let rows: Vec<RankOnly> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| super::unneutralise_record(&r).deserialize::<RankOnly>(Some(&header)).ok())
        .collect();
    let predicted = rows
        .iter()
        .filter_map(|r| Some((r.department.clone(), r.predicted_rate.or(r.predicted_cases)?)))
        .collect::<BTreeMap<_, _>>();
    let ranks = rows
        .into_iter()
        .map(|r| {
            let range =
                RankRange { rank: r.rank, low: r.rank_low.unwrap_or(r.rank), high: r.rank_high.unwrap_or(r.rank) };
            (r.department, range)
        })
        .collect::<BTreeMap<_, _>>();
    Ok(PreviousRanking { month: Some(month), ranks, predicted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_csv_starts_with_a_bom_and_reads_back() {
        let row = |rank: u32, code: &str, name: &str| RankingRow {
            rank,
            department: code.into(),
            name: name.into(),
            top_driver: "own level: ×1.91 against the city".into(),
            predicted_rate: Some(12.3456),
            rank_change: Some(-1),
            ..RankingRow::default()
        };
        let ranking = Ranking {
            as_of: "2025-12".parse().unwrap(),
            horizon: 12,
            rated: true,
            city_predicted: 1.0,
            city_actual_to_expected: None,
            compared_with: Some("2025-11".parse().unwrap()),
            data_warning: None,
            city_addressable: Addressable::default(),
            experience_applied: false,
            rows: vec![row(1, "A", "=HYPERLINK(\"x\")"), row(2, "B", "@x")],
        };
        let bytes = Exporter::serialize(&ranking).unwrap();
        assert!(bytes.starts_with(super::super::BOM));
        assert!(String::from_utf8_lossy(&bytes).contains("\"'=HYPERLINK(\"\"x\"\")\""), "neutralised");
        let file = parse(&bytes, Path::new(FILE)).unwrap();
        assert_eq!(file.rows[0].department, "A", "the BOM is not part of the first column's name");
        assert_eq!(file.rows[0].name, "=HYPERLINK(\"x\")");
        assert_eq!(file.rows[1].top_driver, "own level: ×1.91 against the city");
        assert_eq!(file.compared_with, ranking.compared_with);
        let again = Ranking { rows: file.rows, ..ranking };
        assert_eq!(Exporter::serialize(&again).unwrap(), bytes, "round trip");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), &bytes).unwrap();
        let previous = read_previous(&dir.path().join(FILE), "2025-11".parse().unwrap()).unwrap();
        assert_eq!(previous.ranks["A"].rank, 1, "the next month reads the ranks");
    }
}
