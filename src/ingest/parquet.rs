//! Parquet, both ways: reading a contract file written as `<stem>.parquet`,
//! and writing one from a CSV (`riskrank convert`). The format lives in one
//! file; it sits in `ingest`, not `export`, because the reader is an input
//! that ingest needs and nothing may import to its right.
//!
//! # Reading: the same validation as CSV
//!
//! A Parquet file is read column by column, [`BATCH_ROWS`] rows at a time,
//! and each batch is rendered as the text records the CSV scanner would
//! have handed over: one record per row, its cells as text (dates as
//! `YYYY-MM-DD`, decimals with their scale, integers and floats as Rust
//! prints them, nulls as empty cells), quoted where the CSV rules need it.
//! From there the file takes exactly the CSV path: the header check and
//! column mapping, every row rule, the quarantine and the account. So a
//! Parquet copy of a CSV is validated the same, row for row. A record's
//! "line" is its **row number** (1 is the first row; the header is row 0).
//!
//! Flat tables only: a nested or repeated column is refused, naming it.
//! Timestamps are read as their UTC date. Codecs: snappy and LZ4 (pure
//! Rust, so no C toolchain is needed to build), and uncompressed.
//!
//! # Writing: typed where the text survives
//!
//! [`convert_csv`] reads a CSV twice: once to choose each column's type,
//! once to write it. A column is written as a number, a date or a boolean
//! only when every value in it would be printed back exactly as it was
//! written (no leading zeros, the same number of decimals throughout, ISO
//! dates, `true`/`false`); otherwise it stays text. Reading the Parquet
//! file back therefore yields the CSV's cells byte for byte, and the
//! ranking from either copy is byte-identical. Rows the CSV scanner cannot
//! split into the header's width are not written; they are returned, with
//! their line numbers, for the caller to report.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, ByteArrayType, DataType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescriptor, Type};

use super::IngestError;
use super::scan::{RawChunk, RawRecord, Scanner, split_fields};
use crate::config::InputFormat;

/// Rows read (and rendered) at a time: the CSV scanner's chunk size.
pub const BATCH_ROWS: usize = 32 * 1024;

/// Rows per row group written by [`convert_csv`].
const GROUP_ROWS: usize = 128 * 1024;

/// How a column's values become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Render {
    Plain,
    /// Days since 1970-01-01.
    Date,
    /// Since 1970-01-01T00:00Z, in this many units per second: the UTC date.
    Timestamp(i64),
    /// An unscaled integer with this many decimals.
    Decimal(u32),
}

/// One column's cells of a batch, as text in one buffer.
#[derive(Debug, Default)]
struct Cells {
    text: String,
    ends: Vec<usize>,
}

impl Cells {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn end_cell(&mut self) {
        self.ends.push(self.text.len());
    }

    fn cell(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

fn parquet_error(path: &Path, reason: impl std::fmt::Display) -> IngestError {
    let mut reason = reason.to_string();
    // The parquet crate names a codec left out of the build this way.
    if let Some((_, codec)) = reason.split_once("Disabled feature at compile time: ") {
        reason = format!(
            "it is compressed with {codec}, which riskrank does not read: write it with snappy or LZ4 \
             (e.g. Polars: write_parquet(..., compression=\"snappy\")), or run riskrank convert on the CSV"
        );
    }
    IngestError::Parquet { path: path.to_path_buf(), reason }
}

/// How each column of the file is rendered; a nested or repeated column is an error.
fn render_plan(path: &Path, reader: &SerializedFileReader<File>) -> Result<Vec<(String, Render, i16)>, IngestError> {
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    if schema.root_schema().get_fields().iter().any(|f| !f.is_primitive())
        || schema.columns().iter().any(|c| c.max_rep_level() > 0)
    {
        let name = schema
            .columns()
            .iter()
            .find(|c| c.max_rep_level() > 0 || c.path().parts().len() > 1)
            .map(|c| c.path().string());
        return Err(parquet_error(
            path,
            format!("column {} is nested or repeated; riskrank reads flat tables", name.unwrap_or_default()),
        ));
    }
    let plan: Vec<_> =
        schema.columns().iter().map(|c| (c.name().to_string(), render_of(c), c.max_def_level())).collect();
    // A hostile scale would pad every cell with that many zeros.
    if let Some((name, ..)) = plan.iter().find(|(_, r, _)| matches!(r, Render::Decimal(s) if *s > MAX_SCALE)) {
        return Err(parquet_error(path, format!("column {name} is a decimal with a scale above {MAX_SCALE}")));
    }
    Ok(plan)
}

/// The largest decimal scale read (Parquet's decimals hold at most 38 digits).
const MAX_SCALE: u32 = 38;

fn render_of(column: &ColumnDescriptor) -> Render {
    match column.logical_type_ref() {
        Some(LogicalType::Date) => Render::Date,
        Some(LogicalType::Decimal { scale, .. }) => Render::Decimal(u32::try_from(*scale).unwrap_or(u32::MAX)),
        Some(LogicalType::Timestamp { unit, .. }) => Render::Timestamp(match unit {
            TimeUnit::MILLIS => 1_000,
            TimeUnit::MICROS => 1_000_000,
            TimeUnit::NANOS => 1_000_000_000,
        }),
        _ if column.physical_type() == Physical::INT96 => Render::Timestamp(1_000_000_000),
        _ => Render::Plain,
    }
}

fn push_date(days: i64, out: &mut String) {
    use std::fmt::Write;
    let epoch = Date::constant(1970, 1, 1);
    match i32::try_from(days).ok().and_then(|d| epoch.checked_add(jiff::Span::new().try_days(d).ok()?).ok()) {
        Some(date) => {
            let _ = write!(out, "{date}");
        }
        // Text no date parser accepts: the row is quarantined, saying why.
        None => {
            let _ = write!(out, "day {days} from 1970-01-01 (out of range)");
        }
    }
}

fn push_decimal(unscaled: i128, scale: u32, out: &mut String) {
    use std::fmt::Write;
    if scale == 0 {
        let _ = write!(out, "{unscaled}");
        return;
    }
    let factor = 10i128.pow(scale.min(MAX_SCALE));
    let sign = if unscaled < 0 { "-" } else { "" };
    let (whole, fraction) =
        (unscaled.unsigned_abs() / factor.unsigned_abs(), unscaled.unsigned_abs() % factor.unsigned_abs());
    let _ = write!(out, "{sign}{whole}.{fraction:0width$}", width = scale as usize);
}

fn push_integer(value: i64, render: Render, out: &mut String) {
    use std::fmt::Write;
    match render {
        Render::Date => push_date(value, out),
        Render::Timestamp(per_second) => push_date(value.div_euclid(per_second).div_euclid(86_400), out),
        Render::Decimal(scale) => push_decimal(i128::from(value), scale, out),
        Render::Plain => {
            let _ = write!(out, "{value}");
        }
    }
}

/// A big-endian two's-complement integer (a decimal's bytes), up to 16 bytes.
fn be_integer(bytes: &[u8]) -> Option<i128> {
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut full = [fill; 16];
    full[16 - bytes.len()..].copy_from_slice(bytes);
    Some(i128::from_be_bytes(full))
}

/// Reads up to `rows` rows of one column into `cells`; the rows read.
fn read_typed<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    rows: usize,
    max_def: i16,
    cells: &mut Cells,
    mut push: impl FnMut(&T::T, &mut String) -> Result<(), String>,
) -> Result<usize, String> {
    let (mut defs, mut values) = (Vec::new(), Vec::new());
    let levels = if max_def > 0 { Some(&mut defs) } else { None };
    let (records, ..) = reader.read_records(rows, levels, None, &mut values).map_err(|e| e.to_string())?;
    let mut values = values.iter();
    for i in 0..records {
        if max_def == 0 || defs.get(i) == Some(&max_def) {
            let value = values.next().ok_or("fewer values than rows")?;
            push(value, &mut cells.text)?;
        }
        cells.end_cell();
    }
    Ok(records)
}

fn push_text(bytes: &[u8], out: &mut String) -> Result<(), String> {
    out.push_str(std::str::from_utf8(bytes).map_err(|_| "not valid UTF-8 text".to_string())?);
    Ok(())
}

fn push_bytes(bytes: &[u8], render: Render, out: &mut String) -> Result<(), String> {
    match render {
        Render::Decimal(scale) => {
            push_decimal(be_integer(bytes).ok_or("a decimal wider than 16 bytes")?, scale, out);
            Ok(())
        }
        _ => push_text(bytes, out),
    }
}

/// One column's next `rows` rows, as text.
fn read_cells(
    column: &mut ColumnReader,
    render: Render,
    max_def: i16,
    rows: usize,
    cells: &mut Cells,
) -> Result<usize, String> {
    use std::fmt::Write;
    cells.clear();
    match column {
        ColumnReader::BoolColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            o.push_str(if *v { "true" } else { "false" });
            Ok(())
        }),
        ColumnReader::Int32ColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            push_integer(i64::from(*v), render, o);
            Ok(())
        }),
        ColumnReader::Int64ColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            push_integer(*v, render, o);
            Ok(())
        }),
        ColumnReader::Int96ColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            push_date(v.to_seconds().div_euclid(86_400), o);
            Ok(())
        }),
        ColumnReader::FloatColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            let _ = write!(o, "{v}");
            Ok(())
        }),
        ColumnReader::DoubleColumnReader(r) => read_typed(r, rows, max_def, cells, |v, o| {
            let _ = write!(o, "{v}");
            Ok(())
        }),
        ColumnReader::ByteArrayColumnReader(r) => {
            read_typed(r, rows, max_def, cells, |v, o| push_bytes(v.data(), render, o))
        }
        ColumnReader::FixedLenByteArrayColumnReader(r) => {
            read_typed(r, rows, max_def, cells, |v, o| push_bytes(v.data(), render, o))
        }
    }
}

/// Appends `cell` to `out` as one CSV field, quoted when it must be.
fn push_field(cell: &str, delimiter: u8, out: &mut Vec<u8>) {
    let needs_quotes = cell.bytes().any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if !needs_quotes {
        out.extend_from_slice(cell.as_bytes());
        return;
    }
    out.push(b'"');
    for b in cell.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// A chunk holding one record: the header, as row 0.
fn header_chunk(names: &[String], delimiter: u8) -> RawChunk {
    let mut bytes = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            bytes.push(delimiter);
        }
        push_field(name, delimiter, &mut bytes);
    }
    let end = bytes.len();
    RawChunk { bytes, records: vec![RawRecord { start: 0, end, line: 0, lines: 1 }] }
}

/// Renders rows `first_row..` of a batch (one [`Cells`] per column) as records.
fn batch_chunk(columns: &[Cells], rows: usize, first_row: u64, delimiter: u8) -> RawChunk {
    let width: usize = columns.iter().map(|c| c.text.len() + c.ends.len()).sum();
    let mut chunk = RawChunk { bytes: Vec::with_capacity(width + rows), records: Vec::with_capacity(rows) };
    for r in 0..rows {
        let start = chunk.bytes.len();
        for (c, cells) in columns.iter().enumerate() {
            if c > 0 {
                chunk.bytes.push(delimiter);
            }
            push_field(cells.cell(r), delimiter, &mut chunk.bytes);
        }
        let line = first_row + r as u64;
        chunk.records.push(RawRecord { start, end: chunk.bytes.len(), line, lines: 1 });
    }
    chunk
}

/// Reads the Parquet file at `path`, handing its header and then its rows,
/// as text records, to `send` (which returns false to stop early).
pub fn stream(path: &Path, delimiter: u8, send: &mut dyn FnMut(RawChunk) -> bool) -> Result<(), IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?;
    let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(path, e))?;
    let plan = render_plan(path, &reader)?;
    let names: Vec<String> = plan.iter().map(|(n, ..)| n.clone()).collect();
    if !send(header_chunk(&names, delimiter)) {
        return Ok(());
    }
    let mut cells: Vec<Cells> = plan.iter().map(|_| Cells::default()).collect();
    let mut next_row = 1u64;
    for g in 0..reader.num_row_groups() {
        let group = reader.get_row_group(g).map_err(|e| parquet_error(path, e))?;
        let mut left = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        let mut columns = (0..plan.len())
            .map(|i| group.get_column_reader(i))
            .collect::<Result<Vec<_>, ParquetError>>()
            .map_err(|e| parquet_error(path, e))?;
        while left > 0 {
            let rows = left.min(BATCH_ROWS);
            for (i, column) in columns.iter_mut().enumerate() {
                let (name, render, max_def) = &plan[i];
                let got = read_cells(column, *render, *max_def, rows, &mut cells[i])
                    .map_err(|e| parquet_error(path, format!("column {name}, from row {next_row}: {e}")))?;
                if got != rows {
                    return Err(parquet_error(path, format!("column {name} has {got} of the row group's {rows} rows")));
                }
            }
            if !send(batch_chunk(&cells, rows, next_row, delimiter)) {
                return Ok(());
            }
            next_row += rows as u64;
            left -= rows;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- writing

/// The type a CSV column is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// No value seen yet (an all-empty column is written as text).
    Unknown,
    /// Integers with this many decimals (0: an integer), every value written
    /// with exactly that many.
    Decimal(u32),
    Date,
    Boolean,
    Text,
}

impl ColumnType {
    /// The narrowest type that still holds `value` as it was written.
    pub fn widen(self, value: &str) -> ColumnType {
        if value.is_empty() || self == ColumnType::Text {
            return self;
        }
        let here = classify(value);
        match (self, here) {
            (ColumnType::Unknown, t) => t,
            (a, b) if a == b => a,
            _ => ColumnType::Text,
        }
    }

    fn physical(self) -> (Physical, Option<LogicalType>) {
        match self {
            ColumnType::Decimal(0) => (Physical::INT64, None),
            ColumnType::Decimal(scale) => {
                (Physical::INT64, Some(LogicalType::Decimal { scale: scale as i32, precision: 18 }))
            }
            ColumnType::Date => (Physical::INT32, Some(LogicalType::Date)),
            ColumnType::Boolean => (Physical::BOOLEAN, None),
            ColumnType::Unknown | ColumnType::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        }
    }
}

/// What one value could be stored as without changing its text.
fn classify(value: &str) -> ColumnType {
    if value == "true" || value == "false" {
        return ColumnType::Boolean;
    }
    if let Some(scale) = decimal_scale(value) {
        return ColumnType::Decimal(scale);
    }
    if value.len() == 10 && value.as_bytes()[4] == b'-' && value.parse::<Date>().is_ok_and(|d| d.to_string() == value) {
        return ColumnType::Date;
    }
    ColumnType::Text
}

/// `Some(decimals)` when `value` is a plain decimal that prints back the
/// same from an i64 (no sign but `-`, no leading zero, at most 17 digits).
fn decimal_scale(value: &str) -> Option<u32> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || (whole.len() > 1 && whole.starts_with('0')) || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let scale = fraction.map_or(0, str::len);
    // A negative zero ("-0", "-0.00") would print back without its sign.
    let negative_zero = value.starts_with('-') && digits.bytes().all(|b| b == b'0' || b == b'.');
    if whole.len() + scale > 17 || negative_zero {
        return None;
    }
    u32::try_from(scale).ok()
}

/// The unscaled integer of a value already classified as `Decimal(scale)`.
fn unscaled(value: &str) -> Option<i64> {
    value.replacen('.', "", 1).parse().ok()
}

fn days_of(value: &str) -> Option<i32> {
    let date: Date = value.parse().ok()?;
    Some(Date::constant(1970, 1, 1).until(date).ok()?.get_days())
}

/// A Parquet file being written from rows of text, one row group at a time.
struct TableWriter {
    writer: SerializedFileWriter<File>,
    types: Vec<ColumnType>,
}

impl TableWriter {
    /// A writer of columns `names` of types `types` into `file`.
    fn new(file: File, names: &[String], types: &[ColumnType], compression: Compression) -> Result<Self, ParquetError> {
        let fields = names
            .iter()
            .zip(types)
            .map(|(name, t)| {
                let (physical, logical) = t.physical();
                let mut builder = Type::primitive_type_builder(name, physical)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(logical);
                if let ColumnType::Decimal(scale) = t
                    && *scale > 0
                {
                    builder = builder.with_precision(18).with_scale(*scale as i32);
                }
                builder.build().map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let schema = Arc::new(Type::group_type_builder("riskrank").with_fields(fields).build()?);
        let properties = Arc::new(WriterProperties::builder().set_compression(compression).build());
        Ok(TableWriter { writer: SerializedFileWriter::new(file, schema, properties)?, types: types.to_vec() })
    }

    /// Writes `rows` (each the header's width) as one row group.
    fn write_group(&mut self, rows: &[Vec<String>]) -> Result<(), ParquetError> {
        let mut group = self.writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut column) = group.next_column()? {
            let t = self.types.get(index).copied().unwrap_or(ColumnType::Text);
            let cells = || rows.iter().map(move |r| r.get(index).map_or("", String::as_str));
            let defs: Vec<i16> = cells().map(|c| i16::from(!c.is_empty())).collect();
            let present = || cells().filter(|c| !c.is_empty());
            let bad = |c: &str| ParquetError::General(format!("value {c:?} does not fit its column's type"));
            match t {
                ColumnType::Decimal(_) => {
                    let values = present().map(|c| unscaled(c).ok_or_else(|| bad(c))).collect::<Result<Vec<_>, _>>()?;
                    column.typed::<Int64Type>().write_batch(&values, Some(&defs), None)?;
                }
                ColumnType::Date => {
                    let values = present().map(|c| days_of(c).ok_or_else(|| bad(c))).collect::<Result<Vec<_>, _>>()?;
                    column.typed::<Int32Type>().write_batch(&values, Some(&defs), None)?;
                }
                ColumnType::Boolean => {
                    let values: Vec<bool> = present().map(|c| c == "true").collect();
                    column.typed::<parquet::data_type::BoolType>().write_batch(&values, Some(&defs), None)?;
                }
                ColumnType::Unknown | ColumnType::Text => {
                    let values: Vec<ByteArray> = present().map(|c| ByteArray::from(c.as_bytes().to_vec())).collect();
                    column.typed::<ByteArrayType>().write_batch(&values, Some(&defs), None)?;
                }
            }
            column.close()?;
            index += 1;
        }
        group.close()?;
        Ok(())
    }

    fn close(self) -> Result<(), ParquetError> {
        self.writer.close().map(|_| ())
    }
}

/// The codecs riskrank writes (and reads: any file using another codec is
/// refused with the codec's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Codec {
    #[default]
    Snappy,
    Lz4,
    Uncompressed,
}

impl Codec {
    fn compression(self) -> Compression {
        match self {
            Codec::Snappy => Compression::SNAPPY,
            Codec::Lz4 => Compression::LZ4_RAW,
            Codec::Uncompressed => Compression::UNCOMPRESSED,
        }
    }
}

/// What [`convert_csv`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// Rows written.
    pub rows: u64,
    /// Each column and the type it was written as.
    pub columns: Vec<(String, ColumnType)>,
    /// Rows left out: (line, why); the reader would quarantine them too.
    pub skipped: Vec<(u64, String)>,
}

/// Calls `each` with every data record of the CSV at `path` that splits
/// into the header's width, and `skip` with the line of every other; the
/// header. A multi-line record that does not split is cut back to its
/// physical lines, as the reader does.
fn for_each_row(
    path: &Path,
    input: &InputFormat,
    each: &mut dyn FnMut(Vec<String>) -> Result<(), IngestError>,
    skip: &mut dyn FnMut(u64, String),
) -> Result<Vec<String>, IngestError> {
    let mut scanner = Scanner::new(super::open(path)?, input.delimiter);
    scanner.max_lines = input.max_record_lines;
    let mut header: Option<Vec<String>> = None;
    while let Some(chunk) =
        scanner.next_chunk().map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?
    {
        let mut fields = Vec::new();
        for rec in &chunk.records {
            let text = std::str::from_utf8(chunk.text(rec))
                .map_err(|_| IngestError::Encoding { path: path.to_path_buf(), line: rec.line })?;
            let Some(names) = &header else {
                split_fields(text, input.delimiter, &mut fields)
                    .map_err(|_| IngestError::BadHeader { path: path.to_path_buf(), line: rec.line })?;
                header = Some(fields.iter().map(|f| f.to_string()).collect());
                continue;
            };
            let width = names.len();
            let mut lines = vec![(rec.line, text)];
            if rec.lines > 1 && (split_fields(text, input.delimiter, &mut fields).is_err() || fields.len() != width) {
                lines = text
                    .split('\n')
                    .enumerate()
                    .map(|(i, l)| (rec.line + i as u64, l.strip_suffix('\r').unwrap_or(l)))
                    .filter(|(_, l)| !l.is_empty())
                    .collect();
            }
            for (line, text) in lines {
                match split_fields(text, input.delimiter, &mut fields) {
                    Err(_) => skip(line, "a stray or unbalanced quote".into()),
                    Ok(()) if fields.len() != width => {
                        skip(line, format!("{} fields, the header has {width}", fields.len()))
                    }
                    Ok(()) => each(fields.iter().map(|f| f.to_string()).collect())?,
                }
            }
        }
    }
    header.ok_or_else(|| IngestError::Empty { path: path.to_path_buf() })
}

/// Writes the CSV at `csv` as Parquet into `out` (see the module doc):
/// one pass to type the columns, one to write them.
pub fn convert_csv(csv: &Path, out: File, input: &InputFormat, codec: Codec) -> Result<Converted, IngestError> {
    let mut types: Vec<ColumnType> = Vec::new();
    let names = for_each_row(
        csv,
        input,
        &mut |row| {
            types.resize(row.len(), ColumnType::Unknown);
            for (t, cell) in types.iter_mut().zip(&row) {
                *t = t.widen(cell);
            }
            Ok(())
        },
        &mut |_, _| {},
    )?;
    types.resize(names.len(), ColumnType::Unknown);
    let failed = |e: ParquetError| parquet_error(csv, format!("writing its Parquet copy: {e}"));
    let mut writer = TableWriter::new(out, &names, &types, codec.compression()).map_err(failed)?;
    let (mut group, mut rows, mut skipped) = (Vec::with_capacity(GROUP_ROWS), 0u64, Vec::new());
    for_each_row(
        csv,
        input,
        &mut |row| {
            group.push(row);
            rows += 1;
            if group.len() == GROUP_ROWS {
                writer.write_group(&group).map_err(failed)?;
                group.clear();
            }
            Ok(())
        },
        &mut |line, why| skipped.push((line, why)),
    )?;
    if !group.is_empty() {
        writer.write_group(&group).map_err(failed)?;
    }
    writer.close().map_err(failed)?;
    Ok(Converted { rows, columns: names.into_iter().zip(types).collect(), skipped })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Writes `rows` with `types` as a Parquet file and reads it back as text.
    fn round_trip(names: &[&str], types: &[ColumnType], rows: &[Vec<&str>]) -> Vec<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut writer = TableWriter::new(File::create(&path).unwrap(), &names, types, Compression::SNAPPY).unwrap();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
        writer.write_group(&rows).unwrap();
        writer.close().unwrap();
        read_back(&path)
    }

    fn read_back(path: &Path) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        stream(path, b',', &mut |chunk| {
            for r in &chunk.records {
                let mut fields = Vec::new();
                split_fields(std::str::from_utf8(chunk.text(r)).unwrap(), b',', &mut fields).unwrap();
                out.push(fields.iter().map(|f| f.to_string()).collect());
            }
            true
        })
        .unwrap();
        out
    }

    #[test]
    fn typed_columns_read_back_as_the_text_written() {
        let types =
            [ColumnType::Text, ColumnType::Date, ColumnType::Decimal(2), ColumnType::Decimal(0), ColumnType::Boolean];
        let rows = vec![
            vec!["a,\"b\"\nc", "2024-02-29", "-0.05", "12", "true"],
            vec!["", "", "", "", ""],
            vec!["x", "1969-12-31", "123456.78", "-7", "false"],
        ];
        let back = round_trip(&["t", "d", "m", "i", "b"], &types, &rows);
        assert_eq!(back[0], ["t", "d", "m", "i", "b"]);
        assert_eq!(
            back[1..],
            rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_column_is_typed_only_when_every_value_prints_back_the_same() {
        let infer = |values: &[&str]| values.iter().fold(ColumnType::Unknown, |t, v| t.widen(v));
        assert_eq!(infer(&["1", "", "-20"]), ColumnType::Decimal(0));
        assert_eq!(infer(&["1.50", "2.25"]), ColumnType::Decimal(2));
        assert_eq!(infer(&["1.5", "2.25"]), ColumnType::Text, "mixed decimals");
        assert_eq!(infer(&["007"]), ColumnType::Text, "a leading zero");
        assert_eq!(infer(&["+3"]), ColumnType::Text);
        assert_eq!(infer(&["1e5"]), ColumnType::Text);
        assert_eq!(infer(&["-0"]), ColumnType::Text);
        assert_eq!(infer(&["-0.00"]), ColumnType::Text);
        assert_eq!(infer(&["123456789012345678"]), ColumnType::Text, "too many digits for an i64 decimal");
        assert_eq!(infer(&["2024-01-31", "2020-02-29"]), ColumnType::Date);
        assert_eq!(infer(&["2024-02-30"]), ColumnType::Text);
        assert_eq!(infer(&["2024-1-31"]), ColumnType::Text);
        assert_eq!(infer(&["true", "false"]), ColumnType::Boolean);
        assert_eq!(infer(&["True"]), ColumnType::Text);
        assert_eq!(infer(&["", ""]), ColumnType::Unknown);
    }

    #[test]
    fn files_from_other_writers_are_read_as_text_with_dates() {
        use parquet::data_type::{DoubleType, Int96, Int96Type};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.parquet");
        let schema = parquet::schema::parser::parse_message_type(
            "message m { REQUIRED INT64 at (TIMESTAMP(MILLIS,true)); REQUIRED DOUBLE hours; REQUIRED INT96 legacy; \
             REQUIRED FIXED_LEN_BYTE_ARRAY (4) money (DECIMAL(9,2)); }",
        )
        .unwrap();
        let props = Arc::new(WriterProperties::builder().build());
        let mut writer = SerializedFileWriter::new(File::create(&path).unwrap(), Arc::new(schema), props).unwrap();
        let mut group = writer.next_row_group().unwrap();
        let mut c = group.next_column().unwrap().unwrap();
        // 2024-03-01T23:59:59Z and 1969-12-31T12:00Z.
        c.typed::<Int64Type>().write_batch(&[1_709_337_599_000, -43_200_000], None, None).unwrap();
        c.close().unwrap();
        let mut c = group.next_column().unwrap().unwrap();
        c.typed::<DoubleType>().write_batch(&[2665037.4, 0.1], None, None).unwrap();
        c.close().unwrap();
        let mut c = group.next_column().unwrap().unwrap();
        let mut day = Int96::new();
        day.set_data(0, 0, 2_440_588 + 1); // Julian day of 1970-01-02, midnight
        c.typed::<Int96Type>().write_batch(&[day, day], None, None).unwrap();
        c.close().unwrap();
        let mut c = group.next_column().unwrap().unwrap();
        let money = [(-12345i32).to_be_bytes(), 100i32.to_be_bytes()].map(|b| b.to_vec().into());
        c.typed::<parquet::data_type::FixedLenByteArrayType>().write_batch(&money, None, None).unwrap();
        c.close().unwrap();
        group.close().unwrap();
        writer.close().unwrap();
        let back = read_back(&path);
        assert_eq!(back[1], ["2024-03-01", "2665037.4", "1970-01-02", "-123.45"]);
        assert_eq!(back[2], ["1969-12-31", "0.1", "1970-01-02", "1.00"]);
    }

    #[test]
    fn nested_columns_and_broken_files_are_refused_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested.parquet");
        let schema = parquet::schema::parser::parse_message_type("message m { REPEATED INT32 codes; }").unwrap();
        let props = Arc::new(WriterProperties::builder().build());
        let writer = SerializedFileWriter::new(File::create(&path).unwrap(), Arc::new(schema), props).unwrap();
        writer.close().unwrap();
        let err = stream(&path, b',', &mut |_| true).unwrap_err().to_string();
        assert!(err.contains("column codes is nested or repeated"), "{err}");
        // A BYTE_ARRAY decimal may declare any precision and scale.
        let wide = dir.path().join("wide.parquet");
        let schema =
            parquet::schema::parser::parse_message_type("message m { OPTIONAL BYTE_ARRAY x (DECIMAL(1000,999)); }")
                .unwrap();
        let props = Arc::new(WriterProperties::builder().build());
        let writer = SerializedFileWriter::new(File::create(&wide).unwrap(), Arc::new(schema), props).unwrap();
        writer.close().unwrap();
        let err = stream(&wide, b',', &mut |_| true).unwrap_err().to_string();
        assert!(err.contains("column x is a decimal with a scale above 38"), "{err}");
        let broken = dir.path().join("broken.parquet");
        std::fs::write(&broken, b"PAR1 not really").unwrap();
        let err = stream(&broken, b',', &mut |_| true).unwrap_err().to_string();
        assert!(err.contains("broken.parquet: not a readable Parquet file"), "{err}");
    }

    proptest! {
        #[test]
        fn decimals_print_back_exactly(
            whole in prop_oneof![0u64..3, 0u64..10_000_000_000],
            fraction in prop_oneof![0u32..2, 0u32..100_000],
            scale in 0u32..6,
            negative: bool,
        ) {
            let text = if scale == 0 {
                format!("{}{whole}", if negative && whole > 0 { "-" } else { "" })
            } else {
                let f = fraction % 10u32.pow(scale);
                format!("{}{whole}.{f:0width$}", if negative { "-" } else { "" }, width = scale as usize)
            };
            let t = classify(&text);
            if text.starts_with('-') && text.bytes().all(|b| b == b'-' || b == b'0' || b == b'.') {
                prop_assert_eq!(t, ColumnType::Text, "a negative zero keeps its text");
                return Ok(());
            }
            prop_assert_eq!(t, ColumnType::Decimal(scale));
            let mut back = String::new();
            push_decimal(i128::from(unscaled(&text).unwrap()), scale, &mut back);
            prop_assert_eq!(back, text);
        }
    }
}
