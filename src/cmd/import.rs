//! `riskrank import <source> <input> --out DIR`: map a real public dataset
//! onto the data contract (see `riskrank::import` and `docs/real-data.md`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use riskrank::import::{self, ImportSummary, Source};

pub const EXAMPLES: &str = "Examples:
  riskrank import osha-severe osha_severe_injuries.csv --out data/osha
  riskrank import cax-claims cax_public_test.csv --out data/cax   (see docs/real-data.md)";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which dataset the input file is.
    #[arg(value_enum)]
    pub source: Source,
    /// The input CSV file.
    pub input: PathBuf,
    /// Folder for departments.csv, injuries.csv, claims.csv and the import_*.csv audit files.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let summary = import::import(args.source, &args.input, &args.out)
        .with_context(|| format!("importing {} as {}", args.input.display(), args.source))?;
    print!("{}", render(&summary, &args));
    Ok(())
}

fn render(s: &ImportSummary, args: &Args) -> String {
    let mut text = format!("imported {} from {} into {}\n", s.source, args.input.display(), args.out.display());
    // Every row read is written (one case, and a claim where claims.csv is
    // written) or skipped.
    let written = s.rows_read.saturating_sub(s.skipped.len());
    text += &format!("  rows read       {:>7}  = written {written} + skipped {}\n", s.rows_read, s.skipped.len());
    text += &format!("  skipped         {:>7}  (import_skipped.csv)\n", s.skipped.len());
    text += &format!(
        "  adjusted        {:>7}  (import_adjusted.csv: written with a value left empty or defaulted)\n",
        s.adjusted.len()
    );
    text += &format!("  injuries.csv    {:>7}\n", s.injuries);
    match s.source {
        Source::ActuarialLoss => text += &format!("  claims.csv      {:>7}\n", s.claims),
        _ => text += "  claims.csv            -  (not written: the source has no claim status or cost)\n",
    }
    text += &format!("  departments.csv {:>7}\n", s.departments);
    text += "  exposure.csv          -  (not written: the source has no hours; rates are unavailable)\n";
    for (title, rows) in [("skipped", &s.skipped), ("adjusted", &s.adjusted)] {
        if rows.is_empty() {
            continue;
        }
        text += &format!("{title}, by reason:\n");
        for (reason, (count, first_line)) in by_reason(rows).into_iter().take(10) {
            text += &format!("  {count:>6} × {reason} (first on line {first_line})\n");
        }
    }
    text
}

/// Counts reasons, with the value-specific part (a quoted value, an id)
/// folded away so that similar reasons group together; most frequent first.
fn by_reason(rows: &[(usize, String)]) -> Vec<(String, (usize, usize))> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (line, reason) in rows {
        let entry = counts.entry(generic(reason)).or_insert((0, *line));
        entry.0 += 1;
        entry.1 = entry.1.min(*line);
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// `EventDate "2/30/2015" is not a date` → `EventDate … is not a date`.
fn generic(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut in_quote = false;
    for c in reason.chars() {
        if c == '"' {
            if !in_quote {
                out.push('…');
            }
            in_quote = !in_quote;
        } else if !in_quote {
            out.push(c);
        }
    }
    // "(first written from line 12)" and similar line references vary per row.
    match out.find(" (first written from line") {
        Some(i) => out[..i].to_string(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group_without_their_values() {
        let rows = vec![
            (5, "EventDate \"2/30/2015\" is not a date".to_string()),
            (3, "EventDate \"x\" is not a date".to_string()),
            (9, "duplicate ID \"7\" (first written from line 2)".to_string()),
        ];
        let grouped = by_reason(&rows);
        assert_eq!(grouped[0], ("EventDate … is not a date".to_string(), (2, 3)));
        assert_eq!(grouped[1], ("duplicate ID …".to_string(), (1, 9)));
    }
}
