//! Fuzzes the record scanner and the field splitter: any bytes, any
//! delimiter, tiny chunk limits (so records straddle chunk boundaries).
//! Checks that every record lies inside its chunk, that line numbers only
//! grow and stay within the input, and that nothing
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskrank::ingest::scan::{Scanner, split_fields, split_lenient};

fuzz_target!(|data: &[u8]| {
    let Some((&control, text)) = data.split_first() else { return };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(control & 3)];
    let mut scanner = Scanner::new(text, delimiter);
    // Small limits reach the refill and carry-over paths with small inputs.
    scanner.max_bytes = 1 + usize::from(control >> 2) * 7;
    scanner.max_records = 1 + usize::from(control >> 5);
    scanner.max_lines = 1 + u32::from(control >> 4);
    let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut last_line = 0u64;
    let mut chunks = 0usize;
    while let Some(chunk) = scanner.next_chunk().expect("reading a slice cannot fail") {
        chunks += 1;
        assert!(chunks <= text.len() + 1, "the scanner must make progress");
        for rec in &chunk.records {
            assert!(rec.start <= rec.end && rec.end <= chunk.bytes.len(), "record outside its chunk");
            assert!(rec.line > last_line, "line numbers must grow: {} after {last_line}", rec.line);
            assert!(rec.lines >= 1);
            assert!(rec.line + u64::from(rec.lines) <= newlines + 2, "record past the last line");
            last_line = rec.line;
            let bytes = chunk.text(rec);
            if let Ok(s) = std::str::from_utf8(bytes) {
                let mut fields = Vec::new();
                let _ = split_fields(s, delimiter, &mut fields);
            }
            let _ = split_lenient(bytes, delimiter);
        }
    }
});
