//! Multi-file descriptions: every file reached through a relative `$ref`
//! is brought into the one document the pipeline works on.
//!
//! - A `$ref` to a schema, parameter, response, request body, header,
//!   example, link, callback or security scheme in another file hoists that
//!   object into the matching `components` section and becomes a local
//!   `$ref`. Refs inside a hoisted object are resolved relative to *its*
//!   file; each object is hoisted once however often it is referenced, and
//!   each file is read once.
//! - Names: an entry-file component that is nothing but a `$ref` to another
//!   file (`Pet: {$ref: ./schemas/Pet.yaml}`) receives that object under its
//!   own name. Any other object is named after the last token of its
//!   fragment (`common.yaml#/components/schemas/Error` is `Error`) or, for
//!   a whole-file ref, after the file (`./schemas/Pet.yaml` is `Pet`). When
//!   the name is taken, claimants are ordered by (name, file, fragment) and
//!   the first keeps it; the others are qualified with the file's stem
//!   (fragment refs) or folder (whole-file refs), `errors_Error` or
//!   `v2_Pet`, then numbered (`v2_Pet_2`). Names never depend on document
//!   order.
//! - A path item given as a `$ref` (to another file, to `#/paths/...` or to
//!   a 3.1 `components/pathItems` entry) is inlined: a client has no use
//!   for a path item by name.
//! - A `$ref` where a string belongs (a `description` kept in a Markdown
//!   file) is replaced by the string it points at, or dropped with a
//!   `ref-in-string` warning when it points at anything else.
//! - `http(s)` and other URI refs are an error: the generator never uses the
//!   network.
//!
//! Every hoisted or inlined part is recorded in [`Sources`], so diagnostics
//! about it name its own file, line and column.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use super::grammar::Kind;
use super::sources::{SourceFile, Sources};
use crate::diagnostics::{Diagnostic, child, escape_token, push_token, unescape_token};

/// A place in one of the files: file index and JSON pointer fragment
/// (`""` for the whole file, else `/a/b`, `~`-escaped, percent-decoded).
type Place = (usize, String);

/// Bundles the files `root` refers to into it.
pub(super) fn bundle(
    entry: &Path,
    root: Value,
    sources: &mut Sources,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Value, Vec<Diagnostic>> {
    let mut b = Bundler {
        files: vec![Loaded {
            path: entry.to_path_buf(),
            tree: root,
            source: 0,
        }],
        by_canonical: HashMap::new(),
        sources,
        warnings,
        errors: Vec::new(),
        resolved: HashMap::new(),
        targets: BTreeMap::new(),
        texts: HashMap::new(),
        inline: HashMap::new(),
        strings: HashMap::new(),
        rewrite: false,
    };
    if let Ok(canonical) = std::fs::canonicalize(entry) {
        b.by_canonical.insert(canonical, 0);
    }
    b.discover();
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    if b.targets.is_empty() && !b.rewrite {
        return Ok(std::mem::take(&mut b.files[0].tree));
    }
    let names = b.name_targets();
    let root = b.assemble(&names);
    if b.errors.is_empty() {
        Ok(root)
    } else {
        Err(b.errors)
    }
}

struct Loaded {
    /// The path diagnostics show.
    path: PathBuf,
    tree: Value,
    /// Index in [`Sources`].
    source: usize,
}

/// An object hoisted into `components`.
struct Target {
    kind: Kind,
    /// The entry-file component that is a bare `$ref` to it, if any.
    adopted: Option<String>,
}

/// What a `$ref` string designates.
enum RefTo {
    /// `#/...` in the file it appears in.
    Local(String),
    /// Another file, with a fragment.
    File(String, String),
    /// A URI with a scheme (`https://...`).
    Remote,
}

fn parse_ref(reference: &str) -> RefTo {
    if let Some(fragment) = reference.strip_prefix('#') {
        return RefTo::Local(super::percent_decode(fragment).into_owned());
    }
    let scheme = reference.split_once(':').map(|(s, _)| s).filter(|s| {
        s.len() > 1
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if scheme.is_some() {
        return RefTo::Remote;
    }
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    RefTo::File(
        super::percent_decode(file).into_owned(),
        super::percent_decode(fragment).into_owned(),
    )
}

/// A `$ref` found while walking: where it is and what it stands for.
struct Found {
    /// Pointer of the object holding `$ref`, in its file.
    at: String,
    kind: Kind,
    reference: String,
}

struct Bundler<'a> {
    files: Vec<Loaded>,
    by_canonical: HashMap<PathBuf, usize>,
    sources: &'a mut Sources,
    warnings: &'a mut Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
    /// `(file, $ref string)` to the place it designates.
    resolved: HashMap<(usize, String), Place>,
    /// Objects to hoist, by place.
    targets: BTreeMap<Place, Target>,
    /// Text files read for `$ref`s in string places.
    texts: HashMap<PathBuf, Result<String, String>>,
    /// Path items to inline, by place.
    inline: HashMap<Place, Value>,
    /// Strings standing for `$ref`s in string places, by `(file, $ref)`.
    strings: HashMap<(usize, String), String>,
    /// Whether anything besides hoisting needs the tree rewritten.
    rewrite: bool,
}

impl Bundler<'_> {
    fn error(&mut self, file: usize, kind: &'static str, at: String, message: String) {
        let d = Diagnostic::error(kind, at, message);
        self.errors.push(self.in_file(file, d));
    }

    fn warn(&mut self, file: usize, kind: &'static str, at: String, message: String) {
        let d = Diagnostic::warning(kind, at, message);
        let d = self.in_file(file, d);
        self.warnings.push(d);
    }

    fn in_file(&self, file: usize, d: Diagnostic) -> Diagnostic {
        if file == 0 {
            d
        } else {
            d.in_file(self.files[file].path.clone())
        }
    }

    /// Walks the entry file and everything it reaches.
    fn discover(&mut self) {
        let mut queue: Vec<(usize, String, Kind)> = vec![(0, String::new(), Kind::Root)];
        let mut walked: HashSet<(usize, String, Kind)> = HashSet::new();
        while let Some((file, fragment, kind)) = queue.pop() {
            if !walked.insert((file, fragment.clone(), kind)) {
                continue;
            }
            let mut found = Vec::new();
            if let Some(node) = self.files[file].tree.pointer(&fragment) {
                collect(node, kind, &mut format!("#{fragment}"), &mut found);
            }
            for f in found {
                if let Some(next) = self.follow(file, f) {
                    queue.push(next);
                }
            }
        }
    }

    /// Handles one `$ref` found in `file`; returns the place to walk next.
    fn follow(&mut self, file: usize, f: Found) -> Option<(usize, String, Kind)> {
        let at_ref = child(&f.at, "$ref");
        let to = parse_ref(&f.reference);
        if let RefTo::Remote = to {
            self.error(
                file,
                "remote-ref",
                at_ref,
                format!(
                    "`{}` is not a relative file reference; the generator never fetches documents over the network: download it and refer to the local copy",
                    f.reference
                ),
            );
            return None;
        }
        if f.kind == Kind::Text {
            self.rewrite = true;
            let text = self.text_target(file, &to);
            match text {
                Ok(s) => {
                    self.strings.insert((file, f.reference.clone()), s);
                }
                Err(why) => self.warn(
                    file,
                    "ref-in-string",
                    at_ref,
                    format!(
                        "`{}` stands where a string is expected and {why}; it is left out",
                        f.reference
                    ),
                ),
            }
            return None;
        }
        if file == 0 && matches!(to, RefTo::Local(_)) && f.kind != Kind::PathItem {
            // Checked by validation on the bundled tree.
            return None;
        }
        let (target, fragment) = self.place_of(file, &f.reference, &to, &at_ref)?;
        let key = (target, fragment.clone());
        let Some(node) = self.files[target].tree.pointer(&fragment) else {
            self.error(
                file,
                "dangling-ref",
                at_ref,
                format!(
                    "`{}` does not point to anything in `{}`",
                    f.reference,
                    self.files[target].path.display()
                ),
            );
            return None;
        };
        if f.kind == Kind::PathItem {
            self.rewrite = true;
            self.inline.entry(key).or_insert_with(|| node.clone());
            return Some((target, fragment, Kind::PathItem));
        }
        if file != 0 {
            self.rewrite = true;
        }
        if target == 0 {
            return None;
        }
        if let Some(found) = self.kind_in_file(target, &fragment)
            && found != f.kind
        {
            self.error(
                file,
                "ref-kind",
                at_ref,
                format!(
                    "`{}` points at {}, but {} is expected here",
                    f.reference,
                    found.noun(),
                    f.kind.noun()
                ),
            );
            return None;
        }
        match self.targets.get(&key) {
            Some(t) if t.kind != f.kind => {
                let noun = t.kind.noun();
                self.error(
                    file,
                    "ref-kind",
                    at_ref,
                    format!(
                        "`{}` is used as {} here and as {noun} elsewhere",
                        f.reference,
                        f.kind.noun()
                    ),
                );
                None
            }
            Some(_) => None,
            None => {
                self.targets.insert(
                    key,
                    Target {
                        kind: f.kind,
                        adopted: None,
                    },
                );
                Some((target, fragment, f.kind))
            }
        }
    }

    /// The kind of object at `fragment` of a file that is laid out as an
    /// OpenAPI document; `None` when the file's layout says nothing.
    fn kind_in_file(&self, file: usize, fragment: &str) -> Option<Kind> {
        let tree = &self.files[file].tree;
        let openapi_shaped = tree.get("openapi").is_some()
            || fragment.starts_with("/components/")
            || fragment.starts_with("/paths/");
        if !openapi_shaped {
            return None;
        }
        Kind::at(&format!("#{fragment}")).filter(|k| *k != Kind::Data)
    }

    /// The file and fragment a `$ref` in `file` designates, reading the
    /// file if needed.
    fn place_of(&mut self, file: usize, reference: &str, to: &RefTo, at: &str) -> Option<Place> {
        if let Some(place) = self.resolved.get(&(file, reference.to_owned())) {
            return Some(place.clone());
        }
        let place = match to {
            RefTo::Local(fragment) => (file, fragment.clone()),
            RefTo::File(path, fragment) => {
                let display = join(&self.files[file].path, path);
                let target = self.read_file(file, reference, &display, at)?;
                (target, fragment.clone())
            }
            RefTo::Remote => return None,
        };
        self.resolved
            .insert((file, reference.to_owned()), place.clone());
        Some(place)
    }

    /// Reads and parses a referenced file once; errors are reported at the
    /// `$ref` that needed it.
    fn read_file(
        &mut self,
        from: usize,
        reference: &str,
        display: &Path,
        at: &str,
    ) -> Option<usize> {
        let canonical = match std::fs::canonicalize(display) {
            Ok(c) => c,
            Err(e) => {
                self.error(
                    from,
                    "missing-file",
                    at.to_owned(),
                    format!(
                        "`{reference}` refers to `{}`, which cannot be read: {e}",
                        display.display()
                    ),
                );
                return None;
            }
        };
        if let Some(i) = self.by_canonical.get(&canonical) {
            return Some(*i);
        }
        let bytes = match std::fs::read(&canonical) {
            Ok(b) => b,
            Err(e) => {
                self.error(
                    from,
                    "missing-file",
                    at.to_owned(),
                    format!(
                        "`{reference}` refers to `{}`, which cannot be read: {e}",
                        display.display()
                    ),
                );
                return None;
            }
        };
        let (text, tree) = match super::read_tree(display, &bytes) {
            Ok(parsed) => parsed,
            Err(e) => {
                let (kind, position, message) = match e {
                    crate::Error::Parse {
                        kind,
                        position,
                        message,
                        ..
                    } => (kind, position, message),
                    other => ("invalid-yaml", None, other.to_string()),
                };
                let mut d = Diagnostic::error(kind, "#", message).in_file(display);
                d.position = position;
                self.errors.push(d);
                return None;
            }
        };
        let source = self
            .sources
            .add(SourceFile::new(display.to_path_buf(), text, &bytes));
        self.files.push(Loaded {
            path: display.to_path_buf(),
            tree,
            source,
        });
        let index = self.files.len() - 1;
        self.by_canonical.insert(canonical, index);
        Some(index)
    }

    /// The string a `$ref` in a string place stands for, or why it has none.
    fn text_target(&mut self, file: usize, to: &RefTo) -> Result<String, String> {
        let (tree, fragment): (Value, &str) = match to {
            RefTo::Local(fragment) => (
                self.files[file]
                    .tree
                    .pointer(fragment)
                    .cloned()
                    .ok_or("does not point to anything")?,
                "",
            ),
            RefTo::File(path, fragment) => {
                let display = join(&self.files[file].path, path);
                let structured = [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|e| path.to_ascii_lowercase().ends_with(e));
                let read = self
                    .texts
                    .entry(display.clone())
                    .or_insert_with(|| {
                        std::fs::read_to_string(&display)
                            .map_err(|e| format!("cannot be read ({e})"))
                    })
                    .clone()?;
                if !structured {
                    return Ok(read);
                }
                let tree = super::parse_tree(&read)
                    .map_err(|(_, m)| format!("refers to a file that does not parse ({m})"))?;
                (tree, fragment.as_str())
            }
            RefTo::Remote => return Err("is not a file reference".into()),
        };
        match tree.pointer(fragment) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err("does not point at a string".into()),
            None => Err("does not point to anything".into()),
        }
    }

    /// Decides the `components` name of every hoisted object.
    fn name_targets(&mut self) -> HashMap<Place, String> {
        let mut names: HashMap<Place, String> = HashMap::new();
        let mut taken: HashMap<&'static str, BTreeSet<String>> = HashMap::new();
        let components = self.files[0]
            .tree
            .get("components")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (section, entries) in &components {
            let (Some(entries), Some(section_kind)) = (entries.as_object(), section_kind(section))
            else {
                continue;
            };
            let set = taken
                .entry(section_kind.section().unwrap_or(""))
                .or_default();
            set.extend(entries.keys().cloned());
            let mut keys: Vec<&String> = entries.keys().collect();
            keys.sort();
            for key in keys {
                let Some(reference) = bare_ref(&entries[key]) else {
                    continue;
                };
                let Some(place) = self.resolved.get(&(0, reference.to_owned())).cloned() else {
                    continue;
                };
                if let Some(t) = self.targets.get_mut(&place)
                    && t.kind == section_kind
                    && t.adopted.is_none()
                {
                    t.adopted = Some(key.clone());
                    names.insert(place, key.clone());
                }
            }
        }
        let mut claimants: Vec<(String, String, String, Place)> = self
            .targets
            .iter()
            .filter(|(_, t)| t.adopted.is_none())
            .map(|(place, _)| {
                (
                    desired_name(&self.files[place.0].path, &place.1),
                    relative_to_entry(&self.files[0].path, &self.files[place.0].path),
                    place.1.clone(),
                    place.clone(),
                )
            })
            .collect();
        claimants.sort();
        for (desired, _, fragment, place) in claimants {
            let section = self.targets[&place].kind.section().unwrap_or("");
            let set = taken.entry(section).or_default();
            let path = &self.files[place.0].path;
            let qualifier = if fragment.is_empty() {
                path.parent()
                    .and_then(Path::file_name)
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| stem(path))
            } else {
                stem(path)
            };
            let mut name = desired.clone();
            if set.contains(&name) {
                name = format!("{qualifier}_{desired}");
            }
            let base = name.clone();
            let mut n = 2;
            while set.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            set.insert(name.clone());
            names.insert(place, name);
        }
        names
    }

    /// Rewrites the entry tree and adds the hoisted objects to it.
    fn assemble(&mut self, names: &HashMap<Place, String>) -> Value {
        let mut root = std::mem::take(&mut self.files[0].tree);
        let mut stack = Vec::new();
        self.rewrite(0, &mut root, Kind::Root, "#", names, &mut stack);
        let mut hoisted: Vec<(&'static str, String, Place)> = self
            .targets
            .iter()
            .map(|(place, t)| {
                (
                    t.kind.section().unwrap_or("schemas"),
                    names[place].clone(),
                    place.clone(),
                )
            })
            .collect();
        hoisted.sort();
        for (section, name, place) in hoisted {
            let Some(mut content) = self.files[place.0].tree.pointer(&place.1).cloned() else {
                continue;
            };
            let kind = self.targets[&place].kind;
            let bundled = format!("#/components/{section}/{}", escape_token(&name));
            self.rewrite(place.0, &mut content, kind, &bundled, names, &mut stack);
            let source = self.files[place.0].source;
            self.sources.map(bundled, source, format!("#{}", place.1));
            if !root.is_object() {
                continue;
            }
            let components = object_entry(&mut root, "components");
            let entries = object_entry(components, section);
            if let Value::Object(map) = entries {
                map.insert(name, content);
            }
        }
        root
    }

    /// Rewrites the `$ref`s of `value` (found in `file`, of kind `kind`,
    /// placed at `bundled` in the result); returns false when the value is
    /// to be left out.
    fn rewrite(
        &mut self,
        file: usize,
        value: &mut Value,
        kind: Kind,
        bundled: &str,
        names: &HashMap<Place, String>,
        stack: &mut Vec<Place>,
    ) -> bool {
        if kind == Kind::Data {
            return true;
        }
        if let Value::Object(map) = value
            && let Some(Value::String(reference)) = map.get("$ref")
            && (kind.referable() || kind == Kind::PathItem)
        {
            let reference = reference.clone();
            if kind == Kind::Text {
                return match self.strings.get(&(file, reference)) {
                    Some(s) => {
                        *value = Value::String(s.clone());
                        true
                    }
                    None => false,
                };
            }
            let to = parse_ref(&reference);
            let local_in_entry = file == 0 && matches!(to, RefTo::Local(_));
            if kind == Kind::PathItem {
                let place = match &to {
                    RefTo::Local(fragment) => Some((file, fragment.clone())),
                    _ => self.resolved.get(&(file, reference.clone())).cloned(),
                };
                if let Some(place) = place
                    && let Some(content) = self.inline.get(&place).cloned()
                {
                    if stack.contains(&place) {
                        self.errors.push(Diagnostic::error(
                            "ref-cycle",
                            child(bundled, "$ref"),
                            format!("path item `{reference}` includes itself"),
                        ));
                        return true;
                    }
                    map.remove("$ref");
                    let siblings = std::mem::take(map);
                    *value = content;
                    stack.push(place.clone());
                    let source = self.files[place.0].source;
                    self.sources
                        .map(bundled.to_owned(), source, format!("#{}", place.1));
                    self.rewrite(place.0, value, kind, bundled, names, stack);
                    stack.pop();
                    if let Value::Object(item) = value {
                        for (k, mut v) in siblings {
                            let at = child(bundled, &k);
                            if self.rewrite(file, &mut v, kind.child(&k), &at, names, stack) {
                                item.insert(k, v);
                            }
                        }
                    }
                    return true;
                }
            } else if !local_in_entry
                && let Some(place) = self.resolved.get(&(file, reference.clone()))
            {
                let new = if place.0 == 0 {
                    format!("#{}", place.1)
                } else if let (Some(name), Some(section)) = (
                    names.get(place),
                    self.targets.get(place).and_then(|t| t.kind.section()),
                ) {
                    format!("#/components/{section}/{}", escape_token(name))
                } else {
                    reference.clone()
                };
                map.insert("$ref".into(), Value::String(new));
            }
        }
        match value {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let mut drop = Vec::new();
                for key in keys {
                    if key == "$ref" {
                        continue;
                    }
                    let child_kind = kind.child(&key);
                    if child_kind == Kind::Data {
                        continue;
                    }
                    let at = child(bundled, &key);
                    if let Some(v) = map.get_mut(&key)
                        && !self.rewrite(file, v, child_kind, &at, names, stack)
                    {
                        drop.push(key);
                    }
                }
                for key in drop {
                    map.shift_remove(&key);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    let index = i.to_string();
                    let at = child(bundled, &index);
                    self.rewrite(file, v, kind.child(&index), &at, names, stack);
                }
            }
            _ => {}
        }
        true
    }
}

/// The kind of the objects of a `components` section.
fn section_kind(section: &str) -> Option<Kind> {
    let map = Kind::Components.child(section);
    let item = map.child("x");
    item.section().map(|_| item)
}

/// The `$ref` of an object that is nothing but a `$ref`.
fn bare_ref(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.get("$ref")?.as_str()
}

/// Finds the `$ref`s of a subtree, with the kind of object each stands for;
/// `at` is the subtree's pointer, restored on return.
fn collect(value: &Value, kind: Kind, at: &mut String, out: &mut Vec<Found>) {
    if kind == Kind::Data {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && (kind.referable() || kind == Kind::PathItem)
            {
                out.push(Found {
                    at: at.clone(),
                    kind,
                    reference: reference.clone(),
                });
            }
            for (k, v) in map {
                let child_kind = kind.child(k);
                if k != "$ref" && child_kind != Kind::Data && !v.is_string() {
                    let len = push_token(at, k);
                    collect(v, child_kind, at, out);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let index = i.to_string();
                let len = push_token(at, &index);
                collect(v, kind.child(&index), at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The mapping under `key` of an object, created if absent.
fn object_entry<'v>(value: &'v mut Value, key: &str) -> &'v mut Value {
    let Value::Object(map) = value else {
        return value;
    };
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry
}

/// `dir-of(from)/relative`, with `.` and `..` resolved lexically, so
/// diagnostics show `api/schemas/Pet.yaml` rather than
/// `api/./paths/../schemas/Pet.yaml`.
fn join(from: &Path, relative: &str) -> PathBuf {
    let base = from.parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for part in base.join(relative).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A file's path relative to the entry file's folder, for ordering.
fn relative_to_entry(entry: &Path, file: &Path) -> String {
    let dir = entry.parent().unwrap_or(Path::new(""));
    file.strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The file name without its `.yaml`/`.yml`/`.json` extension.
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for ext in [".yaml", ".yml", ".json", ".YAML", ".YML", ".JSON"] {
        if let Some(s) = name.strip_suffix(ext) {
            return s.to_owned();
        }
    }
    name
}

/// The name an object asks for: its fragment's last token, or its file's
/// stem for a whole-file ref.
fn desired_name(file: &Path, fragment: &str) -> String {
    match fragment.rsplit('/').next() {
        Some(last) if !fragment.is_empty() && !last.is_empty() => unescape_token(last),
        _ => stem(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Document, load};

    /// Writes `files` (path, text) under a fresh directory; returns it.
    fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bundle-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    fn entry(body: &str) -> String {
        format!("{HEAD}{body}")
    }

    fn bundled(name: &str, files: &[(&str, &str)]) -> Document {
        let dir = tree(name, files);
        load(&dir.join("api/openapi.yaml")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn failure(name: &str, files: &[(&str, &str)]) -> String {
        let dir = tree(name, files);
        load(&dir.join("api/openapi.yaml")).unwrap_err().to_string()
    }

    #[test]
    fn external_objects_are_hoisted_under_stable_names() {
        let main = entry(
            "paths:\n  /pets:\n    $ref: ./paths/pets.yaml\ncomponents:\n  schemas:\n    Pet: {$ref: ./schemas/Pet.yaml}\n    Local: {type: string}\n",
        );
        let doc = bundled(
            "hoist",
            &[
                ("api/openapi.yaml", &main),
                (
                    "api/paths/pets.yaml",
                    "get:\n  parameters: [{$ref: '../common.yaml#/components/parameters/limit'}]\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {type: array, items: {$ref: ../schemas/Pet.yaml}}\n    '201':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: ../schemas/v2/Pet.yaml}\n",
                ),
                (
                    "api/schemas/Pet.yaml",
                    "type: object\nproperties:\n  owner: {$ref: ./Owner.yaml}\n  local: {$ref: '../openapi.yaml#/components/schemas/Local'}\n  error: {$ref: '../common.yaml#/components/schemas/Error'}\n",
                ),
                (
                    "api/schemas/Owner.yaml",
                    "type: object\nproperties:\n  pet: {$ref: ./Pet.yaml}\n",
                ),
                (
                    "api/schemas/v2/Pet.yaml",
                    "type: object\nproperties:\n  id: {type: integer}\n",
                ),
                (
                    "api/common.yaml",
                    "components:\n  parameters:\n    limit: {name: limit, in: query, schema: {type: integer}}\n  schemas:\n    Error: {type: object, properties: {message: {type: string}}}\n",
                ),
            ],
        );
        let schemas = &doc.raw["components"]["schemas"];
        let names: Vec<&String> = schemas.as_object().unwrap().keys().collect();
        assert_eq!(names, ["Pet", "Local", "Error", "Owner", "v2_Pet"]);
        assert_eq!(
            schemas["Pet"]["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(
            schemas["Pet"]["properties"]["local"]["$ref"],
            "#/components/schemas/Local"
        );
        assert_eq!(
            schemas["Owner"]["properties"]["pet"]["$ref"],
            "#/components/schemas/Pet"
        );
        let get = &doc.raw["paths"]["/pets"]["get"];
        assert_eq!(
            get["parameters"][0]["$ref"],
            "#/components/parameters/limit"
        );
        assert_eq!(
            get["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/v2_Pet"
        );
        // Six files, each read once although Pet.yaml is referenced four times.
        assert_eq!(doc.sources.files().len(), 6);
        assert!(doc.api.paths.paths["/pets"].as_item().is_some());
        // Diagnostics about hoisted parts name their own file.
        let (file, pointer) = doc
            .sources
            .original("#/components/schemas/Owner/properties/pet");
        assert!(
            doc.sources.files()[file]
                .path
                .ends_with("api/schemas/Owner.yaml")
        );
        assert_eq!(pointer, "#/properties/pet");
        let (file, pointer) = doc.sources.original("#/paths/~1pets/get/responses");
        assert!(
            doc.sources.files()[file]
                .path
                .ends_with("api/paths/pets.yaml")
        );
        assert_eq!(pointer, "#/get/responses");
    }

    #[test]
    fn problems_in_other_files_name_them() {
        let main = entry("paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'sub/a.yaml#/A'}\n");
        let e = failure(
            "dangling",
            &[
                ("api/openapi.yaml", &main),
                (
                    "api/sub/a.yaml",
                    "A:\n  properties:\n    b: {$ref: '#/B'}\n",
                ),
            ],
        );
        assert!(e.contains("api/sub/a.yaml:3:9: error[dangling-ref]"), "{e}");
        assert!(e.contains("`#/B` does not point to anything in"), "{e}");
        let e = failure(
            "broken",
            &[
                ("api/openapi.yaml", &main),
                ("api/sub/a.yaml", "A: [unclosed\n"),
            ],
        );
        assert!(e.contains("api/sub/a.yaml:2:1: error[invalid-yaml]"), "{e}");
        let e = failure("missing", &[("api/openapi.yaml", &main)]);
        assert!(
            e.contains("api/openapi.yaml:6:9: error[missing-file]"),
            "{e}"
        );
        let remote = entry(
            "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'https://example.com/a.yaml#/A'}\n",
        );
        let e = failure("remote", &[("api/openapi.yaml", &remote)]);
        assert!(e.contains("error[remote-ref]"), "{e}");
        assert!(
            e.contains("never fetches documents over the network"),
            "{e}"
        );
        let wrong = entry(
            "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'c.yaml#/components/parameters/p'}\n",
        );
        let e = failure(
            "kind",
            &[
                ("api/openapi.yaml", &wrong),
                (
                    "api/c.yaml",
                    "components:\n  parameters:\n    p: {name: p, in: query}\n",
                ),
            ],
        );
        assert!(e.contains("error[ref-kind]"), "{e}");
        assert!(
            e.contains("points at a parameter, but a schema is expected"),
            "{e}"
        );
    }

    #[test]
    fn refs_in_string_places_become_strings_or_are_dropped() {
        let main = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: {$ref: ./intro.md}\ntags:\n  - {name: a, description: {$ref: 'tags.yaml#/a'}}\n  - {name: b, description: {$ref: 'tags.yaml#/b'}}\npaths: {}\n";
        let doc = bundled(
            "strings",
            &[
                ("api/openapi.yaml", main),
                ("api/intro.md", "# Intro\n\nText.\n"),
                ("api/tags.yaml", "a: About a.\nb: {not: a string}\n"),
            ],
        );
        assert_eq!(
            doc.api.info.description.as_deref(),
            Some("# Intro\n\nText.\n")
        );
        assert_eq!(doc.api.tags[0].description.as_deref(), Some("About a."));
        assert_eq!(doc.api.tags[1].description, None);
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(doc.warnings[0].kind, "ref-in-string");
    }

    #[test]
    fn path_item_cycles_are_errors() {
        let main = entry("paths:\n  /a: {$ref: a.yaml}\n");
        let e = failure(
            "cycle",
            &[
                ("api/openapi.yaml", &main),
                ("api/a.yaml", "$ref: b.yaml\n"),
                ("api/b.yaml", "$ref: a.yaml\n"),
            ],
        );
        assert!(e.contains("error[ref-cycle]"), "{e}");
    }

    #[test]
    fn paths_join_lexically() {
        assert_eq!(
            join(Path::new("api/openapi.yaml"), "./schemas/Pet.yaml"),
            PathBuf::from("api/schemas/Pet.yaml")
        );
        assert_eq!(
            join(Path::new("api/paths/pets.yaml"), "../schemas/Pet.yaml"),
            PathBuf::from("api/schemas/Pet.yaml")
        );
        assert_eq!(
            join(Path::new("openapi.yaml"), "../common/x.json"),
            PathBuf::from("../common/x.json")
        );
    }

    #[test]
    fn refs_are_classified() {
        assert!(matches!(parse_ref("#/a"), RefTo::Local(f) if f == "/a"));
        assert!(matches!(
            parse_ref("https://x.org/a.yaml#/b"),
            RefTo::Remote
        ));
        assert!(matches!(parse_ref("urn:x"), RefTo::Remote));
        assert!(
            matches!(parse_ref("./a%20b.yaml#/c"), RefTo::File(p, f) if p == "./a b.yaml" && f == "/c")
        );
        assert!(matches!(parse_ref("a.yaml"), RefTo::File(p, f) if p == "a.yaml" && f.is_empty()));
    }

    #[test]
    fn names_come_from_fragments_or_files() {
        assert_eq!(desired_name(Path::new("a/Pet.yaml"), ""), "Pet");
        assert_eq!(
            desired_name(Path::new("common.yaml"), "/components/schemas/Error"),
            "Error"
        );
        assert_eq!(desired_name(Path::new("c.yaml"), "/defs/a~1b"), "a/b");
        assert_eq!(stem(Path::new("x/pet.schema.json")), "pet.schema");
    }
}
