//! Stage 5: files to disk.
//!
//! Everything is rendered before anything is written. Changed files are
//! first written next to their destination under a temporary name; only
//! when all of them are written are they renamed into place, so a failure
//! leaves the previous output as it was. Unchanged files are not touched
//! (cargo does not rebuild them), and generated files the spec no longer
//! produces are removed. Only files carrying the generated-file header are
//! ever removed, so a `target/` directory or a hand-written file survives.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;
use crate::emit::OutputFile;

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or replaced.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Stale generated files removed.
    pub removed: Vec<String>,
}

/// How the output differs from what would be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The file would be created.
    Missing(String),
    /// The file has other contents.
    Changed(String),
    /// The file is no longer generated and would be removed.
    Stale(String),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(p) => write!(f, "missing: {p}"),
            Difference::Changed(p) => write!(f, "changed: {p}"),
            Difference::Stale(p) => write!(f, "stale:   {p}"),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` under `dir`, atomically per file, and removes stale ones.
pub fn write(dir: &Path, files: &[OutputFile]) -> Result<WriteReport, Error> {
    let mut report = WriteReport::default();
    let mut staged: Vec<(PathBuf, PathBuf, &str)> = Vec::new();
    let result = (|| {
        for file in files {
            let target = dir.join(&file.path);
            if fs::read(&target).is_ok_and(|old| old == file.contents.as_bytes()) {
                report.unchanged += 1;
                continue;
            }
            let parent = target.parent().unwrap_or(dir);
            fs::create_dir_all(parent).map_err(io(parent))?;
            let name = target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("file");
            let temp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
            let mut handle = fs::File::create(&temp).map_err(io(&temp))?;
            staged.push((temp.clone(), target, &file.path));
            handle
                .write_all(file.contents.as_bytes())
                .map_err(io(&temp))?;
            handle.sync_all().map_err(io(&temp))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, target, path) in staged {
        fs::rename(&temp, &target).map_err(io(&target))?;
        report.written.push(path.to_owned());
    }
    for stale in stale_files(dir, files)? {
        let path = dir.join(&stale);
        fs::remove_file(&path).map_err(io(&path))?;
        report.removed.push(stale);
    }
    Ok(report)
}

/// Replaces one file outside the output directory (the configuration,
/// after `--bump-version`) through a temporary file and a rename.
pub fn replace_file(path: &Path, contents: &str) -> Result<(), Error> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut handle = fs::File::create(&temp).map_err(io(&temp))?;
        handle.write_all(contents.as_bytes()).map_err(io(&temp))?;
        handle.sync_all().map_err(io(&temp))?;
        fs::rename(&temp, path).map_err(io(path))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Compares `dir` with `files` without writing anything.
pub fn check(dir: &Path, files: &[OutputFile]) -> Result<Vec<Difference>, Error> {
    let mut out = Vec::new();
    for file in files {
        let target = dir.join(&file.path);
        match fs::read(&target) {
            Ok(old) if old == file.contents.as_bytes() => {}
            Ok(_) => out.push(Difference::Changed(file.path.clone())),
            Err(_) => out.push(Difference::Missing(file.path.clone())),
        }
    }
    out.extend(stale_files(dir, files)?.into_iter().map(Difference::Stale));
    Ok(out)
}

/// Generated `.rs` files under `dir/src` that `files` does not contain.
fn stale_files(dir: &Path, files: &[OutputFile]) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    let src = dir.join("src");
    if src.is_dir() {
        collect_generated(&src, dir, &mut found)?;
    }
    found.retain(|p| !files.iter().any(|f| &f.path == p));
    found.sort();
    Ok(found)
}

fn collect_generated(at: &Path, root: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    for entry in fs::read_dir(at).map_err(io(at))? {
        let entry = entry.map_err(io(at))?;
        let path = entry.path();
        if path.is_dir() {
            collect_generated(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") && is_generated(&path) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(rel.join("/"));
        }
    }
    Ok(())
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.starts_with(crate::emit::GENERATED_MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn writes_only_changes_and_removes_stale_generated_files() {
        let dir = std::env::temp_dir().join(format!("gen-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let header = crate::emit::GENERATED_MARKER;
        let a = file("src/a.rs", &format!("{header} a"));
        let b = file("src/b.rs", &format!("{header} b"));
        let report = write(&dir, &[a.clone(), b.clone()]).unwrap();
        assert_eq!(report.written.len(), 2);
        fs::write(dir.join("src/hand.rs"), "// mine").unwrap();
        let report = write(&dir, std::slice::from_ref(&a)).unwrap();
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.removed, vec!["src/b.rs".to_owned()]);
        assert!(dir.join("src/hand.rs").exists());
        assert_eq!(check(&dir, &[a]).unwrap(), Vec::<Difference>::new());
        assert_eq!(
            check(&dir, &[b]).unwrap(),
            vec![
                Difference::Missing("src/b.rs".into()),
                Difference::Stale("src/a.rs".into())
            ]
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
