//! The one way riskrank writes a folder of outputs: every file goes into a
//! staging folder beside the final one, and publishing swaps the staging
//! folder in. A run that fails at any point, or is killed, leaves the
//! previous folder as it was and no half-written file under a final name;
//! a staging folder that is dropped unpublished is removed, and one left
//! by a killed process is removed by the next folder written beside it.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: the old and the
//! new folder trade places atomically, so a kill at any instant leaves
//! either the old month or the new one. Elsewhere (or on a file system
//! without it) the old folder is renamed aside first; a kill between the
//! two renames leaves it as `.<name>.previous-<pid>`, which the next run
//! puts back before it starts.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{ExportError, Exporter};
use crate::digest;

/// What of the folder's current content survives publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The folder becomes exactly the staged files (a month's reports).
    Nothing,
    /// Files not staged again stay (validation outputs written beside a
    /// month's reports, a data folder's other files).
    Others,
}

/// A file written into the staging folder, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    /// Path inside the folder, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub bytes: usize,
}

/// A folder being written; see the module docs.
#[derive(Debug)]
pub struct StagedFolder {
    target: PathBuf,
    staging: PathBuf,
    keep: Keep,
    files: Vec<StagedFile>,
    dropped: BTreeSet<String>,
    published: bool,
}

impl StagedFolder {
    /// Starts a folder that will replace `target` (its parent is created).
    pub fn new(target: &Path, keep: Keep) -> Result<Self, ExportError> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let write_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ExportError::Write { path, source }
        };
        fs::create_dir_all(parent).map_err(write_error(parent))?;
        recover(target).map_err(write_error(target))?;
        let staging = parent.join(format!(".{}.staging-{}", file_name(target), std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(write_error(&staging))?;
        Ok(StagedFolder {
            target: target.to_path_buf(),
            staging,
            keep,
            files: Vec::new(),
            dropped: BTreeSet::new(),
            published: false,
        })
    }

    /// The folder this one will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Serialises a format and writes it at `path` inside the folder.
    pub fn add(&mut self, path: &str, format: &dyn Exporter) -> Result<&StagedFile, ExportError> {
        let bytes = format.serialize().map_err(|source| ExportError::Format { file: path.to_string(), source })?;
        self.add_bytes(path, &bytes)
    }

    /// Writes bytes made elsewhere (rendered in parallel, say) at `path`.
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<&StagedFile, ExportError> {
        let full = self.staging.join(path);
        let write_error = |source| ExportError::Write { path: self.target.join(path), source };
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        fs::write(&full, bytes).map_err(write_error)?;
        self.files.retain(|f| f.path != path);
        self.files.push(StagedFile { path: path.to_string(), sha256: digest::sha256_bytes(bytes), bytes: bytes.len() });
        Ok(&self.files[self.files.len() - 1])
    }

    /// A file written piece by piece (a data file too large to hold in
    /// memory); [`StagedFolder::finish`] registers it.
    pub fn create(&self, path: &str) -> Result<StagedWriter, ExportError> {
        let full = self.staging.join(path);
        let write_error = |source| ExportError::Write { path: self.target.join(path), source };
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        let file = fs::File::create(&full).map_err(write_error)?;
        Ok(StagedWriter { path: path.to_string(), out: io::BufWriter::new(file), hasher: Sha256::new(), bytes: 0 })
    }

    /// Flushes a file made with [`StagedFolder::create`] and lists it.
    pub fn finish(&mut self, writer: StagedWriter) -> Result<&StagedFile, ExportError> {
        let StagedWriter { path, out, hasher, bytes } = writer;
        let write_error = |source| ExportError::Write { path: self.target.join(&path), source };
        out.into_inner().map_err(|e| write_error(e.into_error()))?.sync_all().map_err(write_error)?;
        self.files.retain(|f| f.path != path);
        self.files.push(StagedFile { path, sha256: digest::hex(&hasher.finalize()), bytes });
        Ok(&self.files[self.files.len() - 1])
    }

    /// With [`Keep::Others`]: a file of the current folder not to carry over.
    pub fn drop_existing(&mut self, path: &str) {
        self.dropped.insert(path.to_string());
    }

    /// The files staged so far, in the order they were added.
    pub fn files(&self) -> &[StagedFile] {
        &self.files
    }

    /// Replaces the target folder with the staged one.
    pub fn publish(mut self) -> Result<(), ExportError> {
        if self.keep == Keep::Others && self.target.is_dir() {
            self.carry_over().map_err(|source| ExportError::Write { path: self.target.clone(), source })?;
        }
        swap_in(&self.staging, &self.target)?;
        self.published = true;
        Ok(())
    }

    /// Links (or copies) the current folder's other files into the staging
    /// folder, so the swap keeps them.
    fn carry_over(&self) -> io::Result<()> {
        let staged: BTreeSet<&str> = self.files.iter().map(|f| f.path.as_str()).collect();
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            for entry in fs::read_dir(self.target.join(&rel))? {
                let entry = entry?;
                let rel_path = rel.join(entry.file_name());
                let key = rel_path.to_string_lossy().replace('\\', "/");
                if entry.file_type()?.is_dir() {
                    stack.push(rel_path);
                } else if !staged.contains(key.as_str()) && !self.dropped.contains(&key) {
                    let to = self.staging.join(&rel_path);
                    if let Some(parent) = to.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    if fs::hard_link(entry.path(), &to).is_err() {
                        fs::copy(entry.path(), &to)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A staged file being written; see [`StagedFolder::create`].
pub struct StagedWriter {
    path: String,
    out: io::BufWriter<fs::File>,
    hasher: Sha256,
    bytes: usize,
}

impl Write for StagedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for StagedFolder {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The lock on an output folder, held while a job writes into it;
/// released when dropped (or when the process dies: the system's advisory
/// file lock goes with it, so a killed run never blocks the next).
#[derive(Debug)]
pub struct OutLock {
    _file: fs::File,
}

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".riskrank.lock";

/// Takes the lock on `out` (created if needed), or fails at once naming
/// the other run when one holds it: two runs into one folder would
/// otherwise race, the last writer winning.
pub fn lock(out: &Path) -> Result<OutLock, ExportError> {
    let path = out.join(LOCK_FILE);
    let error = |source| ExportError::Write { path: path.clone(), source };
    fs::create_dir_all(out).map_err(error)?;
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(error)?;
    match file.try_lock() {
        Ok(()) => Ok(OutLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(ExportError::Locked { path: out.to_path_buf() }),
        Err(fs::TryLockError::Error(e)) => Err(error(e)),
    }
}

/// Whether the process `pid` is still running (a folder it was writing
/// is then not stale).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists.
        let status = unsafe { libc::kill(pid, 0) };
        status == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        pid == std::process::id()
    }
}

/// Cleans up after killed writers of `target`: their staging folders are
/// removed, and a previous folder moved aside by a swap that never
/// finished is put back when `target` is missing.
fn recover(target: &Path) -> io::Result<()> {
    let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) else { return Ok(()) };
    let name = file_name(target);
    let Ok(entries) = fs::read_dir(parent) else { return Ok(()) };
    for entry in entries.filter_map(Result::ok) {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = entry_name.strip_prefix(&format!(".{name}.")) else { continue };
        let (kind, pid) = rest.split_once('-').unwrap_or((rest, ""));
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if alive(pid) {
            continue;
        }
        match kind {
            "previous" if !target.exists() => fs::rename(entry.path(), target)?,
            "previous" | "staging" => fs::remove_dir_all(entry.path())?,
            _ => {}
        }
    }
    Ok(())
}

/// The crash test's hook: with `RISKRANK_FAULT=<point>` in the
/// environment (`staged`, `exchanged`, `aside`) the process aborts at that
/// point of publishing, as a kill would stop it (no destructor runs).
fn crash_point(point: &str) {
    if std::env::var_os("RISKRANK_FAULT").is_some_and(|v| v == point) {
        std::process::abort();
    }
}

/// See [`crash_point`]: whether the swap takes the two-rename path
/// (`no-exchange`, or `aside`, the point between its two renames).
fn without_exchange() -> bool {
    std::env::var_os("RISKRANK_FAULT").is_some_and(|v| v == "no-exchange" || v == "aside")
}

/// Replaces `dir` with `staging`: one atomic exchange where the system has
/// it, else two renames (see the module docs).
fn swap_in(staging: &Path, dir: &Path) -> Result<(), ExportError> {
    let error = |source| ExportError::Write { path: dir.to_path_buf(), source };
    crash_point("staged");
    if !dir.exists() {
        return fs::rename(staging, dir).map_err(error);
    }
    if !without_exchange() && exchange(staging, dir).map_err(error)? {
        crash_point("exchanged");
        // `staging` now holds the old folder.
        let _ = fs::remove_dir_all(staging);
        return Ok(());
    }
    let old = dir.with_file_name(format!(".{}.previous-{}", file_name(dir), std::process::id()));
    let _ = fs::remove_dir_all(&old);
    fs::rename(dir, &old).map_err(error)?;
    crash_point("aside");
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(error(e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Swaps two paths atomically; `Ok(false)` where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c =
        |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e));
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths; the call only renames.
    let status =
        unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if status == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ENOSYS | libc::EINVAL | libc::ENOTSUP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_killed_writers_are_cleaned_up_or_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("2025-12");
        // A pid that cannot be running (beyond Linux's pid_max).
        let dead = 99_999_999;
        fs::create_dir_all(tmp.path().join(format!(".2025-12.staging-{dead}"))).unwrap();
        let previous = tmp.path().join(format!(".2025-12.previous-{dead}"));
        fs::create_dir_all(&previous).unwrap();
        fs::write(previous.join("ranking.csv"), b"old").unwrap();
        let mut staged = StagedFolder::new(&target, Keep::Others).unwrap();
        assert_eq!(fs::read(target.join("ranking.csv")).unwrap(), b"old", "the interrupted swap is undone");
        staged.add_bytes("cabinet.pdf", b"pdf").unwrap();
        staged.publish().unwrap();
        assert_eq!(names(tmp.path()), ["2025-12"]);
        assert_eq!(names(&target), ["cabinet.pdf", "ranking.csv"]);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    }

    #[test]
    fn publish_replaces_the_folder_or_keeps_the_others() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("2025-12");
        let mut first = StagedFolder::new(&target, Keep::Nothing).unwrap();
        first.add_bytes("a.csv", b"a").unwrap();
        first.add_bytes("sub/b.csv", b"b").unwrap();
        first.publish().unwrap();
        let mut second = StagedFolder::new(&target, Keep::Others).unwrap();
        second.add_bytes("a.csv", b"A").unwrap();
        second.publish().unwrap();
        assert_eq!(fs::read(target.join("a.csv")).unwrap(), b"A");
        assert_eq!(fs::read(target.join("sub/b.csv")).unwrap(), b"b");
        let mut third = StagedFolder::new(&target, Keep::Nothing).unwrap();
        third.add_bytes("c.csv", b"c").unwrap();
        third.publish().unwrap();
        assert_eq!(names(&target), ["c.csv"]);
        assert_eq!(names(tmp.path()), ["2025-12"], "no staging or previous folder is left");
    }

    #[test]
    fn a_streamed_file_is_listed_with_its_digest() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("data");
        let mut staged = StagedFolder::new(&target, Keep::Nothing).unwrap();
        let mut w = staged.create("big.csv").unwrap();
        w.write_all(b"a,b\n1,2\n").unwrap();
        let file = staged.finish(w).unwrap().clone();
        assert_eq!((file.bytes, file.sha256), (8, digest::sha256_bytes(b"a,b\n1,2\n")));
        staged.publish().unwrap();
        assert_eq!(fs::read(target.join("big.csv")).unwrap(), b"a,b\n1,2\n");
    }

    #[test]
    fn an_unpublished_folder_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let mut staged = StagedFolder::new(&target, Keep::Nothing).unwrap();
        staged.add_bytes("a.csv", b"a").unwrap();
        drop(staged);
        assert!(names(tmp.path()).is_empty());
    }
}
