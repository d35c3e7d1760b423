//! The API change report: what regenerating does to the public Rust API
//! of the generated crate.
//!
//! Two models ([`Api`]) are compared, the one built from the previous
//! description and the one built from the current one, by what downstream
//! code names: the calls (`client.accounts().list`), the types and fields
//! as emitted (`models::Account::name: String`), the params builders, the
//! enum and union variants, the cargo features and the credential kinds.
//! Each change is classed by what it does to code that compiled against
//! the previous crate, given how the crate is emitted (models, params
//! structs and enums are `#[non_exhaustive]` and built through `new(..)`
//! and setters):
//!
//! - [`Class::Breaking`]: such code may no longer compile (something
//!   removed or renamed, a type changed, a new required field or parameter,
//!   a new argument);
//! - [`Class::Additive`]: it still compiles (an operation, type, optional
//!   field or parameter, enum value or feature added; a deprecation);
//! - [`Class::Internal`]: the API is the same but the behaviour is not
//!   (a wire name, the HTTP path, pagination, credentials sent, defaults).
//!
//! Documentation changes are not reported. The comparison reads only the
//! two models, never the documents.

mod changelog;
mod krate;
mod models;
mod operations;
mod render;
mod rust;
mod version;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ir::Api;
use rust::Side;

pub use changelog::update_changelog;
pub use render::{Format, render};
pub use version::{Bump, VersionError, VersionProposal, propose_version};

/// What a change does to code using the previous crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Code that compiled before may not compile now.
    Breaking,
    /// Something new; code that compiled before still does.
    Additive,
    /// The Rust API is unchanged, but what goes over the wire is not.
    Internal,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 3] = [Class::Breaking, Class::Additive, Class::Internal];

    /// Lower-case name (`breaking`).
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Internal => "internal",
        }
    }
}

/// Which description a pointer points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Document {
    /// The previous description (for what was removed).
    Previous,
    /// The current description.
    Current,
    /// Not one place in a description: the generator configuration, or a
    /// default derived from the description as a whole.
    Config,
}

/// One change to the public API of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Breaking, additive or internal.
    pub class: Class,
    /// A stable kebab-case identifier of the kind of change
    /// (`field-type-changed`).
    pub kind: &'static str,
    /// The Rust item, as downstream code names it
    /// (`models::Account::name`, `client.accounts().list`).
    pub item: String,
    /// What changed, in a sentence.
    pub message: String,
    /// The item's Rust signature or type before, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The item's Rust signature or type now, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// JSON pointer to what caused the change, when it comes from the
    /// description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The document `pointer` points into.
    pub document: Document,
}

/// What one side of the comparison was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Package name of the crate.
    pub package: String,
    /// Version of the crate (`crate.version` of its configuration).
    pub crate_version: String,
    /// `info.title` of the description.
    pub title: String,
    /// `info.version` of the description.
    pub api_version: String,
    /// Operations.
    pub operations: usize,
    /// Named model types.
    pub types: usize,
    /// Input files, with the SHA-256 of their bytes.
    pub files: Vec<SourceDigest>,
}

/// One input file of a description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDigest {
    /// Path relative to the root document's directory.
    pub path: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

impl Summary {
    fn of(api: &Api) -> Self {
        Self {
            package: api.krate.package.clone(),
            crate_version: api.krate.version.clone(),
            title: api.krate.title.clone(),
            api_version: api.krate.api_version.clone(),
            operations: api.operations.len(),
            types: api.types.len(),
            files: api
                .sources
                .iter()
                .map(|s| SourceDigest {
                    path: s.path.clone(),
                    sha256: s.sha256.clone(),
                })
                .collect(),
        }
    }
}

/// Every change between two models of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The previous side.
    pub previous: Summary,
    /// The current side.
    pub current: Summary,
    /// Changes, breaking first, then by item.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Whether any change breaks code written against the previous crate.
    pub fn is_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// The most severe class present, if there is any change.
    pub fn highest(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).min()
    }
}

/// Compares the model built from the previous description with the one
/// built from the current description.
pub fn compare(previous: &Api, current: &Api) -> Report {
    let renames = models::renamed_types(previous, current);
    let old = Side::new(previous, renames.clone());
    let new = Side::new(current, BTreeMap::new());
    let mut out = Changes::default();
    krate::compare(&old, &new, &mut out);
    models::compare(&old, &new, &renames, &mut out);
    operations::compare(&old, &new, &mut out);
    let mut changes = out.0;
    changes.sort_by(|a, b| {
        (a.class, &a.item, a.kind, &a.message).cmp(&(b.class, &b.item, b.kind, &b.message))
    });
    changes.dedup();
    Report {
        previous: Summary::of(previous),
        current: Summary::of(current),
        changes,
    }
}

/// Collects changes; the comparison modules push into it.
#[derive(Debug, Default)]
struct Changes(Vec<Change>);

impl Changes {
    /// Records a change caused by something in the current description.
    fn current(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        message: impl Into<String>,
        pointer: &str,
    ) -> &mut Change {
        self.push(class, kind, item, message, pointer, Document::Current)
    }

    /// Records a change caused by something only the previous description
    /// had.
    fn previous(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        message: impl Into<String>,
        pointer: &str,
    ) -> &mut Change {
        self.push(class, kind, item, message, pointer, Document::Previous)
    }

    /// Records a change of the generator configuration.
    fn config(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Change {
        self.0.push(Change {
            class,
            kind,
            item: item.into(),
            message: message.into(),
            before: None,
            after: None,
            pointer: None,
            document: Document::Config,
        });
        self.0.last_mut().expect("just pushed")
    }

    fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        message: impl Into<String>,
        pointer: &str,
        document: Document,
    ) -> &mut Change {
        self.0.push(Change {
            class,
            kind,
            item: item.into(),
            message: message.into(),
            before: None,
            after: None,
            pointer: (!pointer.is_empty()).then(|| pointer.to_owned()),
            document,
        });
        self.0.last_mut().expect("just pushed")
    }
}

impl Change {
    /// Sets the Rust signatures or types before and after.
    fn types(&mut self, before: impl Into<String>, after: impl Into<String>) -> &mut Self {
        self.before = Some(before.into());
        self.after = Some(after.into());
        self
    }
}

/// Records a deprecation: new ones are additive (code still compiles,
/// with a warning), lifted ones internal. `kinds` are the change kinds for
/// both directions (`field-deprecated`, `field-undeprecated`).
fn deprecation(
    out: &mut Changes,
    (was, is): (bool, bool),
    item: &str,
    what: &str,
    pointer: &str,
    kinds: (&'static str, &'static str),
) {
    match (was, is) {
        (false, true) => {
            out.current(
                Class::Additive,
                kinds.0,
                item,
                format!("{what} deprecated"),
                pointer,
            );
        }
        (true, false) => {
            out.current(
                Class::Internal,
                kinds.1,
                item,
                format!("{what} no longer deprecated"),
                pointer,
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
