//! The next version of the generated crate, by Cargo's semver rules.
//!
//! From 1.0: breaking changes bump the major version, additions the minor
//! one, internal changes the patch. Before 1.0 Cargo treats the minor
//! version as the major one: breaking changes bump the minor version, and
//! everything else the patch. In 0.0.z every release is incompatible with
//! the others, so any change bumps the patch. A pre-release is followed by
//! the next pre-release (`1.0.0-beta.1` to `1.0.0-beta.2`): pre-releases
//! promise no compatibility. The proposal is never below the version
//! already configured. When the previous crate's version is unknown (a
//! previous description without its configuration), the configured
//! version is taken as the previous one.

use semver::{BuildMetadata, Prerelease, Version};
use serde::Serialize;

use super::{Class, Report};

/// Which part of the version a release bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// No change: no release needed.
    None,
    /// The patch version.
    Patch,
    /// The minor version.
    Minor,
    /// The major version.
    Major,
    /// The pre-release number.
    Prerelease,
}

/// The version a release with these changes should carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionProposal {
    /// The previous crate's version.
    pub previous: String,
    /// Whether `previous` is the version the previous description was
    /// generated with; if not, it is the configured version.
    pub previous_known: bool,
    /// The version the current configuration sets (`crate.version`).
    pub configured: String,
    /// What the changes require of the previous version.
    pub bump: Bump,
    /// The version to release: the bumped previous version, or the
    /// configured one if that is higher.
    pub proposed: String,
    /// Why, in words.
    pub reason: String,
}

impl VersionProposal {
    /// Whether `crate.version` must change to the proposal.
    pub fn needs_update(&self) -> bool {
        self.configured != self.proposed
    }
}

/// A crate version that is not a semantic version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {which} crate version `{version}` is not a semantic version (MAJOR.MINOR.PATCH): {message}"
)]
pub struct VersionError {
    /// `previous` or `configured`.
    pub which: &'static str,
    /// The text that did not parse.
    pub version: String,
    /// The parser's message.
    pub message: String,
}

/// Proposes the next version for the changes of `report`. `previous_known`
/// says whether the previous side's version is the one it was released
/// with (its configuration was found); if not, the configured version is
/// taken as the previous one.
pub fn propose_version(
    report: &Report,
    previous_known: bool,
) -> Result<VersionProposal, VersionError> {
    let parse = |which: &'static str, text: &str| {
        Version::parse(text.trim()).map_err(|e| VersionError {
            which,
            version: text.to_owned(),
            message: e.to_string(),
        })
    };
    let configured = parse("configured", &report.current.crate_version)?;
    let previous = if previous_known {
        parse("previous", &report.previous.crate_version)?
    } else {
        configured.clone()
    };
    let (bump, mut reason) = required_bump(&previous, report.highest());
    if !previous_known {
        reason.push_str("; the previous version is unknown, taken to be the configured one");
    }
    let bumped = apply(&previous, bump);
    let proposed = if configured > bumped {
        reason.push_str(&format!("; the configured {configured} is higher already"));
        configured.clone()
    } else {
        bumped
    };
    Ok(VersionProposal {
        previous: previous.to_string(),
        previous_known,
        configured: configured.to_string(),
        bump,
        proposed: proposed.to_string(),
        reason,
    })
}

fn required_bump(previous: &Version, highest: Option<Class>) -> (Bump, String) {
    let Some(highest) = highest else {
        return (Bump::None, "no API changes".into());
    };
    if !previous.pre.is_empty() {
        return (
            Bump::Prerelease,
            "a pre-release is followed by the next pre-release".into(),
        );
    }
    let (bump, reason) = match (previous.major, previous.minor, highest) {
        (0, 0, _) => (
            Bump::Patch,
            "every 0.0.z release is incompatible with the others",
        ),
        (0, _, Class::Breaking) => (
            Bump::Minor,
            "breaking changes bump the minor version before 1.0",
        ),
        (0, _, Class::Additive) => (Bump::Patch, "additions bump the patch version before 1.0"),
        (_, _, Class::Breaking) => (Bump::Major, "breaking changes bump the major version"),
        (_, _, Class::Additive) => (Bump::Minor, "additions bump the minor version"),
        (_, _, Class::Internal) => (
            Bump::Patch,
            "changes of behaviour without API changes bump the patch version",
        ),
    };
    (bump, reason.into())
}

fn apply(previous: &Version, bump: Bump) -> Version {
    let mut v = previous.clone();
    v.build = BuildMetadata::EMPTY;
    match bump {
        Bump::None => {}
        Bump::Patch => v.patch += 1,
        Bump::Minor => {
            v.minor += 1;
            v.patch = 0;
        }
        Bump::Major => {
            v.major += 1;
            v.minor = 0;
            v.patch = 0;
        }
        Bump::Prerelease => v.pre = next_prerelease(&v.pre),
    }
    if bump != Bump::Prerelease && bump != Bump::None {
        v.pre = Prerelease::EMPTY;
    }
    v
}

/// `beta.1` to `beta.2`; `rc` to `rc.1`.
fn next_prerelease(pre: &Prerelease) -> Prerelease {
    let text = pre.as_str();
    let (head, last) = match text.rsplit_once('.') {
        Some((head, last)) => (Some(head), last),
        None => (None, text),
    };
    let next = match last.parse::<u64>() {
        Ok(n) => match head {
            Some(head) => format!("{head}.{}", n + 1),
            None => (n + 1).to_string(),
        },
        Err(_) => format!("{text}.1"),
    };
    Prerelease::new(&next).unwrap_or_else(|_| pre.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, Document, Summary};

    fn report(previous: &str, configured: &str, classes: &[Class]) -> Report {
        let summary = |v: &str| Summary {
            package: "p".into(),
            crate_version: v.into(),
            title: "t".into(),
            api_version: "1".into(),
            operations: 0,
            types: 0,
            files: Vec::new(),
        };
        Report {
            previous: summary(previous),
            current: summary(configured),
            changes: classes
                .iter()
                .map(|&class| Change {
                    class,
                    kind: "k",
                    item: "i".into(),
                    message: "m".into(),
                    before: None,
                    after: None,
                    pointer: None,
                    document: Document::Current,
                })
                .collect(),
        }
    }

    fn proposed(previous: &str, configured: &str, classes: &[Class]) -> String {
        propose_version(&report(previous, configured, classes), true)
            .unwrap()
            .proposed
    }

    use Class::*;

    #[test]
    fn before_one_breaking_bumps_minor_and_the_rest_patch() {
        assert_eq!(proposed("0.1.0", "0.1.0", &[Additive, Breaking]), "0.2.0");
        assert_eq!(proposed("0.3.4", "0.3.4", &[Breaking]), "0.4.0");
        assert_eq!(proposed("0.3.4", "0.3.4", &[Additive]), "0.3.5");
        assert_eq!(proposed("0.3.4", "0.3.4", &[Internal]), "0.3.5");
        assert_eq!(proposed("0.0.7", "0.0.7", &[Breaking]), "0.0.8");
    }

    #[test]
    fn from_one_on_major_minor_patch() {
        assert_eq!(proposed("1.2.3", "1.2.3", &[Breaking, Internal]), "2.0.0");
        assert_eq!(proposed("1.2.3", "1.2.3", &[Additive, Internal]), "1.3.0");
        assert_eq!(proposed("1.2.3", "1.2.3", &[Internal]), "1.2.4");
        assert_eq!(proposed("1.2.3+build.5", "1.2.3", &[Internal]), "1.2.4");
    }

    #[test]
    fn pre_releases_count_up() {
        assert_eq!(
            proposed("1.0.0-beta.1", "1.0.0-beta.1", &[Breaking]),
            "1.0.0-beta.2"
        );
        assert_eq!(proposed("2.0.0-rc", "2.0.0-rc", &[Additive]), "2.0.0-rc.1");
    }

    #[test]
    fn no_changes_need_no_release() {
        let p = propose_version(&report("0.4.0", "0.4.0", &[]), true).unwrap();
        assert_eq!((p.bump, p.proposed.as_str()), (Bump::None, "0.4.0"));
        assert!(!p.needs_update());
    }

    #[test]
    fn a_higher_configured_version_wins_and_a_lower_one_needs_updating() {
        let p = propose_version(&report("0.1.0", "0.5.0", &[Breaking]), true).unwrap();
        assert_eq!(p.proposed, "0.5.0");
        assert!(!p.needs_update());
        assert!(p.reason.contains("higher already"), "{}", p.reason);
        let p = propose_version(&report("0.1.0", "0.1.1", &[Breaking]), true).unwrap();
        assert_eq!(p.proposed, "0.2.0");
        assert!(p.needs_update());
    }

    #[test]
    fn an_unknown_previous_version_is_the_configured_one() {
        let p = propose_version(&report("9.9.9", "0.3.0", &[Additive]), false).unwrap();
        assert_eq!(
            (p.previous.as_str(), p.proposed.as_str()),
            ("0.3.0", "0.3.1")
        );
        assert!(!p.previous_known);
        assert!(
            p.reason.contains("previous version is unknown"),
            "{}",
            p.reason
        );
        // Not even parsed: it is not the previous release's.
        assert!(propose_version(&report("junk", "0.3.0", &[Additive]), false).is_ok());
    }

    #[test]
    fn versions_that_are_not_semver_are_errors_naming_the_side() {
        let e = propose_version(&report("1.0", "1.0.0", &[Breaking]), true).unwrap_err();
        assert_eq!((e.which, e.version.as_str()), ("previous", "1.0"));
        let e = propose_version(&report("1.0.0", "next", &[Breaking]), true).unwrap_err();
        assert_eq!(e.which, "configured");
        assert!(e.to_string().contains("`next`"), "{e}");
    }
}
