//! The files a document was read from, and where each part of the bundled
//! tree came from.
//!
//! Later stages report problems by JSON pointer into the one bundled tree.
//! A part hoisted from another file (`./schemas/Pet.yaml` becomes
//! `#/components/schemas/Pet`) keeps a mapping back to its file and its
//! pointer there, so the diagnostic names the file the problem is in, with
//! line and column.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Position};

/// One file of the document.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as diagnostics show it: the entry path as given, other
    /// files joined to it relative to the file that referenced them.
    pub path: PathBuf,
    /// The text, to locate diagnostics.
    pub text: String,
    /// SHA-256 of the file's bytes as read, in lowercase hex: the
    /// provenance the generated crate records.
    pub sha256: String,
}

impl SourceFile {
    /// A file read from `path` as `bytes`, decoded to `text`.
    pub fn new(path: PathBuf, text: String, bytes: &[u8]) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(bytes);
        Self {
            path,
            text,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// Where a subtree of the bundled document came from.
#[derive(Debug, Clone)]
struct Mapping {
    /// The pointer of the subtree in the bundled document.
    bundled: String,
    /// The index of its file.
    file: usize,
    /// Its pointer in that file.
    original: String,
}

/// Every file read for a document (the entry file first) and a map from
/// bundled pointers to places in them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    map: Vec<Mapping>,
}

impl Sources {
    /// Sources with the entry file only.
    pub fn new(entry: SourceFile) -> Self {
        Self {
            files: vec![entry],
            map: Vec::new(),
        }
    }

    /// Adds a file; returns its index.
    pub(crate) fn add(&mut self, file: SourceFile) -> usize {
        self.files.push(file);
        self.files.len() - 1
    }

    /// The files, the entry file first.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Each file's path relative to the entry file's directory (`/`
    /// separators, the same on every machine; the entry file is its file
    /// name) with its SHA-256, the entry file first.
    pub fn digests(&self) -> Vec<(String, String)> {
        let root = self.files[0].path.parent().unwrap_or(Path::new(""));
        self.files
            .iter()
            .map(|f| (relative_path(root, &f.path), f.sha256.clone()))
            .collect()
    }

    /// The entry file's text.
    pub fn entry_text(&self) -> &str {
        &self.files[0].text
    }

    /// Records that the bundled subtree at `bundled` is the one at
    /// `original` in file `file`.
    pub(crate) fn map(&mut self, bundled: String, file: usize, original: String) {
        self.map.push(Mapping {
            bundled,
            file,
            original,
        });
    }

    /// The file index and pointer in that file of a bundled pointer.
    pub fn original(&self, pointer: &str) -> (usize, String) {
        let best = self
            .map
            .iter()
            .filter(|m| is_prefix(&m.bundled, pointer))
            .max_by_key(|m| m.bundled.len());
        match best {
            Some(m) => (
                m.file,
                format!("{}{}", m.original, &pointer[m.bundled.len()..]),
            ),
            None => (0, pointer.to_owned()),
        }
    }

    fn index_of(&self, path: &Path) -> Option<usize> {
        self.files.iter().position(|f| f.path == path)
    }

    /// Points each diagnostic at its own file (when it is not the entry
    /// file) and fills in line and column. A pointer the text does not hold
    /// (a node normalisation added) is located at its nearest ancestor.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        let mut wanted: Vec<(usize, usize, String)> = Vec::new();
        for (i, d) in diagnostics.iter_mut().enumerate() {
            let file = match &d.file {
                Some(path) => match self.index_of(path) {
                    Some(f) => f,
                    None => continue,
                },
                None => {
                    let (file, original) = self.original(&d.pointer);
                    if file != 0 {
                        d.file = Some(self.files[file].path.clone());
                        d.pointer = original;
                    }
                    file
                }
            };
            if d.position.is_none() {
                wanted.push((i, file, d.pointer.clone()));
            }
        }
        for file in 0..self.files.len() {
            let here: Vec<&(usize, usize, String)> =
                wanted.iter().filter(|w| w.1 == file).collect();
            if here.is_empty() {
                continue;
            }
            let pointers: Vec<&str> = here.iter().map(|w| w.2.as_str()).collect();
            let found = crate::locate::nearest_positions(&self.files[file].text, &pointers);
            for (w, position) in here.into_iter().zip(found) {
                diagnostics[w.0].position = position;
            }
        }
    }

    /// The position of `pointer` in file `file`, if the text holds it.
    pub fn position(&self, file: usize, pointer: &str) -> Option<Position> {
        crate::locate::position(&self.files.get(file)?.text, pointer)
    }
}

/// `path` relative to the directory `root`, resolved lexically (`.` and
/// `..` folded) with `/` separators; `..` remains for a file outside it.
fn relative_path(root: &Path, path: &Path) -> String {
    use std::path::Component;
    let fold = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if parts.last().is_some_and(|l| l != "..") => {
                    parts.pop();
                }
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (root, path) = (fold(root), fold(path));
    let common = root.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_owned(); root.len() - common];
    out.extend(path[common..].iter().cloned());
    out.join("/")
}

/// Whether `prefix` is `pointer` or one of its ancestors.
fn is_prefix(prefix: &str, pointer: &str) -> bool {
    pointer.starts_with(prefix)
        && (pointer.len() == prefix.len() || pointer.as_bytes()[prefix.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let entry = "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {type: string}\n";
        let mut s = Sources::new(SourceFile::new(
            "api/openapi.yaml".into(),
            entry.into(),
            entry.as_bytes(),
        ));
        let text = "type: object\nproperties:\n  name: {type: string}\n";
        let pet = s.add(SourceFile::new(
            "api/schemas/Pet.yaml".into(),
            text.into(),
            text.as_bytes(),
        ));
        s.map("#/components/schemas/Pet".into(), pet, "#".into());
        s
    }

    #[test]
    fn bundled_pointers_map_back_to_their_file() {
        let s = sources();
        assert_eq!(
            s.original("#/components/schemas/Pet/properties/name"),
            (1, "#/properties/name".into())
        );
        assert_eq!(
            s.original("#/components/schemas/Petty"),
            (0, "#/components/schemas/Petty".into())
        );
        let mut d = [
            Diagnostic::warning("k", "#/components/schemas/Pet/properties/name", "m"),
            Diagnostic::warning("k", "#/components/schemas/A/minimum", "m"),
        ];
        s.locate(&mut d);
        assert_eq!(
            d[0].file.as_deref(),
            Some(Path::new("api/schemas/Pet.yaml"))
        );
        assert_eq!(d[0].pointer, "#/properties/name");
        assert_eq!(d[0].position, Some(Position { line: 3, column: 3 }));
        // Not in the text: located at the nearest ancestor.
        assert_eq!(d[1].file, None);
        assert_eq!(d[1].position, Some(Position { line: 4, column: 5 }));
    }

    #[test]
    fn digests_name_files_relative_to_the_entry_file() {
        let mut s = sources();
        let common = "type: string\n";
        s.add(SourceFile::new(
            "api/./schemas/../../shared/common.yaml".into(),
            common.into(),
            common.as_bytes(),
        ));
        let digests = s.digests();
        let paths: Vec<&str> = digests.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["openapi.yaml", "schemas/Pet.yaml", "../shared/common.yaml"]
        );
        // `sha256sum` of `type: string\n`.
        assert_eq!(
            digests[2].1,
            "7a16e9ec7ffd96fcb37f5c5e839b2e7ea32e488091a0d010f359377968d23f44"
        );
    }

    #[test]
    fn the_digest_is_of_the_bytes_as_read() {
        let bytes = "\u{feff}a: 1\n";
        let f = SourceFile::new("x.yaml".into(), "a: 1\n".into(), bytes.as_bytes());
        let g = SourceFile::new("x.yaml".into(), "a: 1\n".into(), b"a: 1\n");
        assert_ne!(f.sha256, g.sha256);
        assert_eq!(f.sha256.len(), 64);
    }
}
