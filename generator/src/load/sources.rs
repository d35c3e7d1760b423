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

/// Whether `prefix` is `pointer` or one of its ancestors.
fn is_prefix(prefix: &str, pointer: &str) -> bool {
    pointer.starts_with(prefix)
        && (pointer.len() == prefix.len() || pointer.as_bytes()[prefix.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let mut s = Sources::new(SourceFile {
            path: "api/openapi.yaml".into(),
            text: "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {type: string}\n".into(),
        });
        let pet = s.add(SourceFile {
            path: "api/schemas/Pet.yaml".into(),
            text: "type: object\nproperties:\n  name: {type: string}\n".into(),
        });
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
}
