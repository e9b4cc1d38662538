//! Splitting a CSV byte stream into records and records into fields.
//!
//! The scanner runs on its own thread and only finds record boundaries:
//! a record is one physical line unless the line holds an odd number of
//! quote characters, in which case it continues (a quoted field with an
//! embedded newline) until the quotes balance. Field splitting is strict
//! (RFC 4180) and runs on the worker threads. A quote that never closes
//! within the line limit (`[input] max_record_lines`, default
//! [`MAX_RECORD_LINES`]), or a multi-line record that does not split into
//! the header's number of fields, is cut back to its first physical line
//! and scanning starts afresh on the next: one stray quote is quarantined
//! alone, and the real multi-line records after it are found whole.

use std::borrow::Cow;
use std::io::{self, Read};

/// How many physical lines one quoted record may span, by default, before
/// its opening quote is taken for a stray one.
pub const MAX_RECORD_LINES: u32 = 1000;

const READ_BLOCK: usize = 1 << 22;

/// One record's place in its chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRecord {
    /// Byte range in `RawChunk::bytes`, without the line terminator.
    pub start: usize,
    pub end: usize,
    /// 1-based physical line on which the record starts.
    pub line: u64,
    /// Physical lines the record spans (1 for an ordinary row).
    pub lines: u32,
}

/// A run of whole records with the bytes they live in.
#[derive(Debug, Default)]
pub struct RawChunk {
    pub bytes: Vec<u8>,
    pub records: Vec<RawRecord>,
}

impl RawChunk {
    pub fn text(&self, r: &RawRecord) -> &[u8] {
        &self.bytes[r.start..r.end]
    }
}

/// Reads a stream and hands out chunks of whole records.
pub struct Scanner<R> {
    src: R,
    buf: Vec<u8>,
    next_line: u64,
    eof: bool,
    started: bool,
    pub max_records: usize,
    pub max_bytes: usize,
    /// The most physical lines one record may span.
    pub max_lines: u32,
    delimiter: u8,
    /// Fields in the header (the first record), once seen: a multi-line
    /// record must split into this many.
    width: Option<usize>,
}

enum Step {
    Record { rec: RawRecord, next: usize },
    NeedMore,
}

impl<R: Read> Scanner<R> {
    /// A scanner of `src`, whose fields are separated by `delimiter`.
    pub fn new(src: R, delimiter: u8) -> Self {
        Scanner {
            src,
            buf: Vec::new(),
            next_line: 1,
            eof: false,
            started: false,
            max_records: 32 * 1024,
            max_bytes: 4 << 20,
            max_lines: MAX_RECORD_LINES,
            delimiter,
            width: None,
        }
    }

    /// The stream, once scanned.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// The next chunk, or `None` at the end of the stream. Blank lines are
    /// skipped (they are not rows) but still counted in line numbers.
    pub fn next_chunk(&mut self) -> io::Result<Option<RawChunk>> {
        let mut records = Vec::new();
        let mut cur = 0;
        loop {
            if records.len() >= self.max_records || cur >= self.max_bytes {
                break;
            }
            match self.step(cur) {
                Step::Record { rec, next } => {
                    self.next_line += u64::from(rec.lines);
                    if rec.end > rec.start {
                        if self.width.is_none() {
                            self.width = Some(self.field_count(&self.buf[rec.start..rec.end]).unwrap_or(0));
                        }
                        records.push(rec);
                    }
                    cur = next;
                }
                Step::NeedMore if self.eof => break,
                Step::NeedMore => self.fill()?,
            }
        }
        if cur == 0 && records.is_empty() {
            return Ok(None);
        }
        let rest = self.buf.split_off(cur);
        let bytes = std::mem::replace(&mut self.buf, rest);
        Ok(Some(RawChunk { bytes, records }))
    }

    fn fill(&mut self) -> io::Result<()> {
        let old = self.buf.len();
        self.buf.resize(old + READ_BLOCK, 0);
        let mut filled = old;
        while filled < self.buf.len() {
            match self.src.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(filled);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(filled);
        if !self.started && self.buf.len() >= 3 {
            self.started = true;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                // The UTF-8 byte-order mark is accepted and dropped.
                self.buf.drain(..3);
            }
        }
        Ok(())
    }

    /// The end of the physical line starting at `from` (index of its `\n`,
    /// or the buffer's end at end of stream), or `None` if more data is needed.
    fn line_end(&self, from: usize) -> Option<usize> {
        match memchr::memchr(b'\n', &self.buf[from..]) {
            Some(i) => Some(from + i),
            None if self.eof => Some(self.buf.len()),
            None => None,
        }
    }

    fn step(&self, cur: usize) -> Step {
        if cur >= self.buf.len() {
            return Step::NeedMore;
        }
        let Some(first_end) = self.line_end(cur) else {
            return Step::NeedMore;
        };
        let line = self.next_line;
        let single = |end: usize| Step::Record {
            rec: RawRecord { start: cur, end: trim_cr(&self.buf, cur, end), line, lines: 1 },
            next: (end + 1).min(self.buf.len()),
        };
        if quotes(&self.buf[cur..first_end]).is_multiple_of(2) {
            return single(first_end);
        }
        let mut end = first_end;
        let mut odd = true;
        let mut lines = 1;
        while odd && lines < self.max_lines {
            if end >= self.buf.len() {
                // The quote never closes before the end of the stream.
                return single(first_end);
            }
            let Some(next_end) = self.line_end(end + 1) else {
                return Step::NeedMore;
            };
            odd ^= quotes(&self.buf[end + 1..next_end]) % 2 == 1;
            end = next_end;
            lines += 1;
        }
        let whole = trim_cr(&self.buf, cur, end);
        if odd || !self.splits_cleanly(&self.buf[cur..whole]) {
            return single(first_end);
        }
        Step::Record {
            rec: RawRecord { start: cur, end: trim_cr(&self.buf, cur, end), line, lines },
            next: (end + 1).min(self.buf.len()),
        }
    }
}

impl<R> Scanner<R> {
    /// The fields of one record, when it is valid UTF-8 and valid CSV.
    fn field_count(&self, bytes: &[u8]) -> Option<usize> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut fields = Vec::new();
        split_fields(text, self.delimiter, &mut fields).ok().map(|()| fields.len())
    }

    /// Whether a multi-line candidate is a real record: it splits into the
    /// header's number of fields. Text that is not UTF-8 is left whole for
    /// the workers to report.
    fn splits_cleanly(&self, bytes: &[u8]) -> bool {
        match (self.width, std::str::from_utf8(bytes)) {
            (Some(width), Ok(_)) => self.field_count(bytes) == Some(width),
            _ => true,
        }
    }
}

fn quotes(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'"', bytes).count()
}

fn trim_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf[end - 1] == b'\r' { end - 1 } else { end }
}

/// The record has a stray quote, or a quoted field that does not close
/// cleanly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedQuoting;

/// Splits one record into fields, strictly: a quote may only open a field
/// and close it (doubled inside it). Fields borrow from `record` unless a
/// doubled quote had to be unescaped. `delimiter` separates the fields
/// (`,` unless the config says otherwise).
pub fn split_fields<'a>(record: &'a str, delimiter: u8, out: &mut Vec<Cow<'a, str>>) -> Result<(), MalformedQuoting> {
    out.clear();
    let b = record.as_bytes();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let (field, next) = quoted_field(record, i + 1)?;
            out.push(field);
            match b.get(next) {
                None => return Ok(()),
                Some(&d) if d == delimiter => i = next + 1,
                Some(_) => return Err(MalformedQuoting),
            }
        } else {
            match memchr::memchr2(delimiter, b'"', &b[i..]) {
                Some(off) if b[i + off] == b'"' => return Err(MalformedQuoting),
                Some(off) => {
                    out.push(Cow::Borrowed(&record[i..i + off]));
                    i += off + 1;
                }
                None => {
                    out.push(Cow::Borrowed(&record[i..]));
                    return Ok(());
                }
            }
        }
    }
}

/// Reads a quoted field whose content starts at `start`; returns it and the
/// index just past its closing quote.
fn quoted_field(record: &str, start: usize) -> Result<(Cow<'_, str>, usize), MalformedQuoting> {
    let b = record.as_bytes();
    let mut owned: Option<String> = None;
    let mut seg = start;
    let mut i = start;
    loop {
        let q = i + memchr::memchr(b'"', &b[i..]).ok_or(MalformedQuoting)?;
        if b.get(q + 1) == Some(&b'"') {
            owned.get_or_insert_with(String::new).push_str(&record[seg..=q]);
            i = q + 2;
            seg = i;
            continue;
        }
        let field = match owned {
            Some(mut s) => {
                s.push_str(&record[seg..q]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&record[start..q]),
        };
        return Ok((field, q + 1));
    }
}

/// Splits leniently, the way most spreadsheet programs would, for writing a
/// rejected row back out unchanged.
pub fn split_lenient(record: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(record);
    let mut fields = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut rec) {
        fields.extend(rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(input: &str) -> Vec<(u64, u32, String)> {
        let mut sc = Scanner::new(input.as_bytes(), b',');
        sc.max_records = 2;
        let mut out = Vec::new();
        while let Some(chunk) = sc.next_chunk().unwrap() {
            for r in &chunk.records {
                out.push((r.line, r.lines, String::from_utf8(chunk.text(r).to_vec()).unwrap()));
            }
        }
        out
    }

    fn fields(s: &str) -> Result<Vec<String>, MalformedQuoting> {
        let mut v = Vec::new();
        split_fields(s, b',', &mut v)?;
        Ok(v.into_iter().map(Cow::into_owned).collect())
    }

    #[test]
    fn records_follow_physical_lines_and_quotes() {
        let got = scan_all("h1,h2\r\na,b\n\n\"multi\nline\",c\nlast,x");
        assert_eq!(
            got,
            vec![
                (1, 1, "h1,h2".into()),
                (2, 1, "a,b".into()),
                (4, 2, "\"multi\nline\",c".into()),
                (6, 1, "last,x".into()),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_the_next_rows() {
        let mut input = String::from("h\n\"open,1\n");
        for i in 0..(MAX_RECORD_LINES + 5) {
            input.push_str(&format!("row{i},2\n"));
        }
        let got = scan_all(&input);
        assert_eq!(got[1], (2, 1, "\"open,1".into()));
        assert_eq!(got[2], (3, 1, "row0,2".into()));
        assert_eq!(got.len() as u32, MAX_RECORD_LINES + 7);
        // At the end of the stream too.
        let got = scan_all("h\na,b\n\"c,d\ne,f\n");
        assert_eq!(got.last().unwrap(), &(4, 1, "e,f".into()));
    }

    #[test]
    fn a_stray_quote_never_reaches_the_good_records_after_it() {
        // Line 3 opens a quote that never closes; a real two-line record
        // follows 50 lines later. Only line 3 is cut off.
        let mut input = String::from("id,text\n1,ok\n2,Stre\"et\n");
        for i in 0..50 {
            input.push_str(&format!("{},plain\n", i + 10));
        }
        input.push_str("99,\"two\nlines\"\n100,end\n");
        let got = scan_all(&input);
        assert_eq!(got[2], (3, 1, "2,Stre\"et".into()));
        let multi = got.iter().find(|r| r.2.starts_with("99,")).unwrap();
        assert_eq!(multi, &(54, 2, "99,\"two\nlines\"".into()), "the real record stays whole");
        assert_eq!(got.len(), 1 + 1 + 1 + 50 + 1 + 1);
    }

    #[test]
    fn a_long_quoted_field_stays_one_record_up_to_the_limit() {
        let body: Vec<String> = (0..600).map(|i| format!("line {i}")).collect();
        let input = format!("id,text\n1,\"{}\"\n2,x\n", body.join("\n"));
        let got = scan_all(&input);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].1, 600);
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        assert_eq!(scan_all("\u{feff}a,b\n1,2\n")[0].2, "a,b");
    }

    #[test]
    fn strict_fields() {
        assert_eq!(fields("a,,\"b,c\",\"d\"\"e\"").unwrap(), ["a", "", "b,c", "d\"e"]);
        assert_eq!(fields("a,").unwrap(), ["a", ""]);
        assert_eq!(fields("").unwrap(), [""]);
        assert_eq!(fields("\"\"").unwrap(), [""]);
        assert_eq!(fields("Stre\"et,b"), Err(MalformedQuoting));
        assert_eq!(fields("\"ab\"c,d"), Err(MalformedQuoting));
        assert_eq!(fields("\"abc,d"), Err(MalformedQuoting));
    }

    #[test]
    fn lenient_split_keeps_what_it_can() {
        assert_eq!(split_lenient(b"a,Stre\"et,c", b','), ["a", "Stre\"et", "c"]);
    }
}
