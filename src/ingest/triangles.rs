//! Reading the long triangle CSV of `riskrank develop`: one row per group,
//! origin period and development age, then one column per cumulative
//! measure (and, optionally, an exposure column). This module owns the
//! file's layout, the origin labels of each [`Grain`] and every reason a
//! cell is refused; it checks cells one by one and that no cell comes
//! twice. Whether the cells make a proper triangle (no gaps, one valuation
//! date) is the development model's question, not the reader's.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The period of origin and of development age, always stated, never
/// guessed from the labels: `1981` is a year, `2020Q1` a quarter,
/// `2020-03` a month, and an origin of another form is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Year,
    Quarter,
    Month,
}

impl Grain {
    /// Periods per year, so period indices of one grain are consecutive integers.
    fn per_year(self) -> i64 {
        match self {
            Grain::Year => 1,
            Grain::Quarter => 4,
            Grain::Month => 12,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Grain::Year => "year",
            Grain::Quarter => "quarter",
            Grain::Month => "month",
        }
    }

    /// The form an origin label takes, for messages.
    pub fn form(self) -> &'static str {
        match self {
            Grain::Year => "YYYY",
            Grain::Quarter => "YYYYQn",
            Grain::Month => "YYYY-MM",
        }
    }

    /// An origin label's period index (consecutive periods differ by 1).
    pub fn parse(self, text: &str) -> Option<i64> {
        let year = |s: &str| (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i64>().ok())?;
        let (y, sub) = match self {
            Grain::Year => (year(text)?, 1),
            Grain::Quarter => {
                let (y, q) = text.split_once(['Q', 'q'])?;
                (year(y)?, q.parse::<i64>().ok().filter(|q| (1..=4).contains(q) && text.len() == 6)?)
            }
            Grain::Month => {
                let (y, m) = text.split_once('-')?;
                (year(y)?, m.parse::<i64>().ok().filter(|m| (1..=12).contains(m) && text.len() == 7)?)
            }
        };
        Some(y * self.per_year() + sub - 1)
    }

    /// The label of a period index, as [`Grain::parse`] reads it.
    pub fn label(self, index: i64) -> String {
        let (y, sub) = (index.div_euclid(self.per_year()), index.rem_euclid(self.per_year()) + 1);
        match self {
            Grain::Year => format!("{y:04}"),
            Grain::Quarter => format!("{y:04}Q{sub}"),
            Grain::Month => format!("{y:04}-{sub:02}"),
        }
    }
}

impl fmt::Display for Grain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the file: a cell of every measure's triangle.
#[derive(Debug, Clone, PartialEq)]
pub struct LongRow {
    /// The file's line (1-based, the header is line 1).
    pub line: u64,
    pub group: String,
    /// The origin's period index in the table's grain.
    pub origin: i64,
    /// The development age, 1-based, in the grain's units.
    pub age: usize,
    /// One value per measure, in the order of [`LongTable::measures`].
    pub values: Vec<f64>,
    pub exposure: Option<f64>,
}

/// The whole file, checked cell by cell.
#[derive(Debug, Clone, PartialEq)]
pub struct LongTable {
    pub path: PathBuf,
    pub grain: Grain,
    pub measures: Vec<String>,
    pub exposure: Option<String>,
    pub rows: Vec<LongRow>,
}

/// Why a cell was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum CellProblem {
    Empty,
    NotANumber,
    Negative,
    NotAnAge,
    NotAnOrigin(Grain),
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellProblem::Empty => f.write_str(
                "empty: write 0 for a zero, and leave the whole row out for a cell not yet observed (the lower triangle)",
            ),
            CellProblem::NotANumber => f.write_str("not a finite number"),
            CellProblem::Negative => f.write_str("negative: cumulative amounts and exposures cannot be below zero"),
            CellProblem::NotAnAge => f.write_str("not a development age (a whole number from 1)"),
            CellProblem::NotAnOrigin(g) => write!(f, "not a {g} of origin ({}); is --grain right?", g.form()),
        }
    }
}

/// Why the file could not be read; each names the file, and a cell's
/// error its line and column.
#[derive(Debug, thiserror::Error)]
pub enum TrianglesError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{}: no `{column}` column (the file starts with group,origin,age, then the measures)", path.display())]
    MissingColumn { path: PathBuf, column: String },
    #[error("{}: no measure column after group,origin,age{}", path.display(), exposure.as_ref().map(|e| format!(" (besides the exposure `{e}`)")).unwrap_or_default())]
    NoMeasure { path: PathBuf, exposure: Option<String> },
    #[error("{}: --exposure {column}: no such column (the columns are {columns})", path.display())]
    NoExposureColumn { path: PathBuf, column: String, columns: String },
    #[error("{}: the column `{column}` appears twice", path.display())]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{}: line {line}, column `{column}`: `{value}` is {problem}", path.display())]
    Cell { path: PathBuf, line: u64, column: String, value: String, problem: CellProblem },
    #[error("{}: line {line}: {group} / {origin} / age {age} was already given on line {first}", path.display())]
    DuplicateCell { path: PathBuf, line: u64, first: u64, group: String, origin: String, age: usize },
    #[error("{}: line {line} has {found} fields; the header has {expected}", path.display())]
    FieldCount { path: PathBuf, line: u64, found: usize, expected: usize },
}

const KEYS: [&str; 3] = ["group", "origin", "age"];

/// Reads the long CSV at `path` (a UTF-8 byte-order mark is skipped).
/// `exposure` names the column that is not developed.
pub fn read(path: &Path, grain: Grain, exposure: Option<&str>) -> Result<LongTable, TrianglesError> {
    let read_error = |source| TrianglesError::Read { path: path.to_path_buf(), source };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(read_error)?;
    let header: Vec<String> = reader.headers().map_err(read_error)?.iter().map(|h| h.trim().to_string()).collect();
    let layout = Layout::new(path, &header, exposure)?;
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(String, i64, usize), u64> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(read_error)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            let (found, expected) = (record.len(), header.len());
            return Err(TrianglesError::FieldCount { path: path.to_path_buf(), line, found, expected });
        }
        let row = layout.row(&record, line, grain)?;
        let key = (row.group.clone(), row.origin, row.age);
        if let Some(&first) = seen.get(&key) {
            let (group, origin, age) = (row.group, grain.label(row.origin), row.age);
            return Err(TrianglesError::DuplicateCell { path: path.to_path_buf(), line, first, group, origin, age });
        }
        seen.insert(key, line);
        rows.push(row);
    }
    let measures = layout.measures.iter().map(|&c| header[c].clone()).collect();
    Ok(LongTable { path: path.to_path_buf(), grain, measures, exposure: exposure.map(str::to_string), rows })
}

/// Where each column is.
struct Layout<'a> {
    path: &'a Path,
    header: &'a [String],
    keys: [usize; 3],
    measures: Vec<usize>,
    exposure: Option<usize>,
}

impl<'a> Layout<'a> {
    fn new(path: &'a Path, header: &'a [String], exposure: Option<&str>) -> Result<Self, TrianglesError> {
        for (i, h) in header.iter().enumerate() {
            if header[..i].contains(h) {
                return Err(TrianglesError::DuplicateColumn { path: path.to_path_buf(), column: h.clone() });
            }
        }
        let find = |name: &str| header.iter().position(|h| h == name);
        let mut keys = [0; 3];
        for (slot, name) in keys.iter_mut().zip(KEYS) {
            *slot = find(name)
                .ok_or_else(|| TrianglesError::MissingColumn { path: path.to_path_buf(), column: name.to_string() })?;
        }
        let exposure_at = match exposure {
            Some(e) => Some(find(e).ok_or_else(|| TrianglesError::NoExposureColumn {
                path: path.to_path_buf(),
                column: e.to_string(),
                columns: header.join(","),
            })?),
            None => None,
        };
        let measures: Vec<usize> = (0..header.len()).filter(|c| !keys.contains(c) && Some(*c) != exposure_at).collect();
        if measures.is_empty() {
            return Err(TrianglesError::NoMeasure { path: path.to_path_buf(), exposure: exposure.map(str::to_string) });
        }
        Ok(Layout { path, header, keys, measures, exposure: exposure_at })
    }

    fn cell_error(&self, line: u64, column: usize, value: &str, problem: CellProblem) -> TrianglesError {
        let (path, column) = (self.path.to_path_buf(), self.header[column].clone());
        TrianglesError::Cell { path, line, column, value: value.to_string(), problem }
    }

    fn row(&self, record: &csv::StringRecord, line: u64, grain: Grain) -> Result<LongRow, TrianglesError> {
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let [g, o, a] = self.keys;
        if cell(g).is_empty() {
            return Err(self.cell_error(line, g, "", CellProblem::Empty));
        }
        let origin =
            grain.parse(cell(o)).ok_or_else(|| self.cell_error(line, o, cell(o), CellProblem::NotAnOrigin(grain)))?;
        let age = cell(a)
            .parse::<usize>()
            .ok()
            .filter(|&a| a >= 1)
            .ok_or_else(|| self.cell_error(line, a, cell(a), CellProblem::NotAnAge))?;
        let amount = |c: usize| -> Result<f64, TrianglesError> {
            let text = cell(c);
            if text.is_empty() {
                return Err(self.cell_error(line, c, text, CellProblem::Empty));
            }
            let v = text.parse::<f64>().ok().filter(|v| v.is_finite());
            let v = v.ok_or_else(|| self.cell_error(line, c, text, CellProblem::NotANumber))?;
            // `-0` is read as a zero, not as a negative amount.
            if v < 0.0 { Err(self.cell_error(line, c, text, CellProblem::Negative)) } else { Ok(v + 0.0) }
        };
        let values = self.measures.iter().map(|&c| amount(c)).collect::<Result<Vec<_>, _>>()?;
        let exposure = self.exposure.map(amount).transpose()?;
        Ok(LongRow { line, group: cell(g).to_string(), origin, age, values, exposure })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str, grain: Grain, exposure: Option<&str>) -> Result<LongTable, TrianglesError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        read(&path, grain, exposure)
    }

    #[test]
    fn origins_of_each_grain_round_trip() {
        for (grain, label) in [(Grain::Year, "1981"), (Grain::Quarter, "2020Q4"), (Grain::Month, "2020-03")] {
            let i = grain.parse(label).unwrap();
            assert_eq!(grain.label(i), label);
            assert_eq!(grain.parse(&grain.label(i + 1)), Some(i + 1));
        }
        assert_eq!(Grain::Quarter.parse("2020Q4").map(|i| i + 1), Grain::Quarter.parse("2021Q1"));
        assert_eq!(Grain::Year.parse("2020Q1"), None);
        assert_eq!(Grain::Month.parse("2020-3"), None);
        assert_eq!(Grain::Quarter.parse("2020Q5"), None);
    }

    #[test]
    fn reads_measures_and_exposure() {
        let t = table(
            "\u{feff}group,origin,age,paid,premium\nA,2020,1,10,100\nA,2020,2,0,100\n",
            Grain::Year,
            Some("premium"),
        )
        .unwrap();
        assert_eq!(t.measures, ["paid"]);
        assert_eq!(t.rows[1].values, [0.0]);
        assert_eq!(t.rows[1].exposure, Some(100.0));
        assert_eq!(t.rows[1].line, 3);
    }

    #[test]
    fn bad_cells_name_line_column_and_reason() {
        let err = table("group,origin,age,paid\nA,2020,1,10\nA,2020,2,\n", Grain::Year, None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 3, column `paid`") && text.contains("empty"), "{text}");
        let err = table("group,origin,age,paid\nA,2020Q1,1,10\n", Grain::Year, None).unwrap_err();
        assert!(err.to_string().contains("not a year of origin (YYYY)"), "{err}");
        let err = table("group,origin,age,paid\nA,2020,0,10\n", Grain::Year, None).unwrap_err();
        assert!(matches!(err, TrianglesError::Cell { problem: CellProblem::NotAnAge, .. }));
        let err = table("group,origin,age,paid\nA,2020,1,-3\n", Grain::Year, None).unwrap_err();
        assert!(matches!(err, TrianglesError::Cell { problem: CellProblem::Negative, .. }));
        let err = table("group,origin,age,paid\nA,2020,1,3\nA,2020,1,4\n", Grain::Year, None).unwrap_err();
        assert!(matches!(err, TrianglesError::DuplicateCell { line: 3, first: 2, .. }), "{err}");
        let err = table("group,origin,age,paid\nA,2020,1\n", Grain::Year, None).unwrap_err();
        assert!(matches!(err, TrianglesError::FieldCount { line: 2, .. }), "{err}");
        let err = table("group,origin,paid\n", Grain::Year, None).unwrap_err();
        assert!(matches!(err, TrianglesError::MissingColumn { .. }), "{err}");
        let err = table("group,origin,age,premium\n", Grain::Year, Some("premium")).unwrap_err();
        assert!(matches!(err, TrianglesError::NoMeasure { .. }), "{err}");
    }
}
