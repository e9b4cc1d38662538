//! The shape of the code, checked: data flows one way through the library's
//! stages (no module uses one to its right), and no source file is over
//! 800 lines. A module's rank is its stage's position below.

use std::path::{Path, PathBuf};

/// The stages, left to right; modules in one inner list share a stage.
const STAGES: &[&[&str]] = &[
    &["config", "digest", "codes", "naics", "controls", "privacy", "schema", "stem"],
    &["ingest", "gate"],
    &["metrics", "panel"],
    &["model"],
    &["rank"],
    &["report"],
    &["export"],
    &["pipeline", "generate", "import", "osha"],
];

fn stage(module: &str) -> Option<usize> {
    STAGES.iter().position(|s| s.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    }
    files.sort();
    files
}

/// The library module a file of `src/` belongs to (`src/model/glm/irls.rs` → `model`).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The modules a file names as `crate::x`, outside comments.
fn uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let name: String = rest[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push(name);
            rest = &rest[at + 7..];
        }
    }
    found
}

#[test]
fn no_module_uses_one_to_its_right() {
    let mut wrong = Vec::new();
    for path in sources() {
        let Some(module) = module_of(&path) else { continue };
        let Some(own) = stage(&module) else { continue };
        for used in uses(&std::fs::read_to_string(&path).unwrap()) {
            if stage(&used).is_some_and(|s| s > own) {
                wrong.push(format!("{} ({module}) uses crate::{used}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "dependencies against the flow:\n{}", wrong.join("\n"));
}

#[test]
fn every_library_module_has_a_stage() {
    for path in sources() {
        if let Some(module) = module_of(&path)
            && !["lib", "main", "cmd"].contains(&module.as_str())
        {
            assert!(stage(&module).is_some(), "{module} ({}) is in no stage", path.display());
        }
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).unwrap().lines().count();
            (n > 800).then(|| format!("{} has {n} lines", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

#[test]
fn every_module_says_what_it_owns() {
    for path in sources() {
        if module_of(&path).is_some() {
            let text = std::fs::read_to_string(&path).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            assert!(first.starts_with("//!"), "{} does not open with a //! doc comment", path.display());
        }
    }
}
