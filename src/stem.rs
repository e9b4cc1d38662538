//! A department's (or an establishment's) code as a file name: codes are
//! free text, file names are not. Every output named after a code (the
//! department PDFs, CSVs, workbooks and dashboard pages, the OSHA
//! establishments' folders) takes its name from [`file_stem`].

/// The longest slug a file name keeps of a code.
const MAX_SLUG: usize = 48;

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name for a department code (codes are free text). A code made
/// only of ASCII letters, digits, `-` and `_` (not starting with `-`, at
/// most 48 long, not a reserved device name) is its own file name. Any
/// other code becomes a slug of it plus the first 12 hex digits of the
/// code's SHA-256, so two codes that differ only in characters a file
/// name cannot hold (`a/b`, `a b`, `Bâtiment`, `Bétiment`) never share a
/// file. `ranking.csv` and the manifest carry the mapping.
pub fn file_stem(code: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
    let reserved = RESERVED.iter().any(|r| r.eq_ignore_ascii_case(code));
    if !code.is_empty() && code.len() <= MAX_SLUG && code.chars().all(plain) && !code.starts_with('-') && !reserved {
        return code.to_string();
    }
    let slug: String = code.chars().map(|c| if plain(c) { c } else { '_' }).take(MAX_SLUG).collect();
    let slug = slug.trim_start_matches('-');
    let hash = &crate::digest::sha256_bytes(code.as_bytes())[..12];
    if slug.is_empty() { format!("d-{hash}") } else { format!("{slug}-{hash}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_stem("LAFD"), "LAFD");
        assert_eq!(file_stem("public_works-2"), "public_works-2");
        let odd = ["a/b", "a\\b", "a b", "a:b", "a*b", "Bâtiment", "Bétiment", "..", "-rf", "CON", "nul", ""];
        let stems: std::collections::BTreeSet<String> = odd.iter().map(|c| file_stem(c)).collect();
        assert_eq!(stems.len(), odd.len(), "{stems:?}");
        for s in &stems {
            assert!(!s.starts_with(['.', '-']) && s.len() <= MAX_SLUG + 13, "{s}");
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')), "{s}");
        }
        assert!(file_stem(&"x".repeat(300)).len() <= MAX_SLUG + 13);
    }
}
