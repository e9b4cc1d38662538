//! `riskrank convert`: write a data folder's CSV files as Parquet.

use std::path::PathBuf;

use anyhow::Context as _;

use riskrank::ingest::parquet::Codec;
use riskrank::pipeline::convert;

use super::{DataArgs, Status, print_warnings};

pub const EXAMPLES: &str = "Examples:
  riskrank convert --out /tmp/samples-parquet              data-samples/*.csv as /tmp/samples-parquet/*.parquet
  riskrank convert --data exports --out exports-pq --compression lz4
  riskrank run --data /tmp/samples-parquet                 the same ranking.csv as from the CSV files";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Compression {
    Snappy,
    Lz4,
    None,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The folder to write the .parquet files into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// The codec of the Parquet files.
    #[arg(long, value_enum, default_value = "snappy")]
    pub compression: Compression,
    /// Replace existing .parquet files in --out.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    let codec = match args.compression {
        Compression::Snappy => Codec::Snappy,
        Compression::Lz4 => Codec::Lz4,
        Compression::None => Codec::Uncompressed,
    };
    let written = convert::convert(&settings.data, &args.out, &settings.config.input, codec, args.force)
        .with_context(|| super::failed("convert", &settings))?;
    let mut warnings = Vec::new();
    for file in &written {
        println!("{} → {}: {} rows; {}", file.from.display(), file.to.display(), file.converted.rows, file.types());
        if let Some((line, why)) = file.converted.skipped.first() {
            warnings.push(format!(
                "{}: {} row(s) not converted, as the reader would quarantine them (first: line {line}: {why})",
                file.from.display(),
                file.converted.skipped.len()
            ));
        }
    }
    print_warnings(&warnings);
    Ok(if warnings.is_empty() { Status::Clean } else { Status::Warnings })
}
