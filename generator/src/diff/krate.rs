//! Crate-level items: the package and library names, cargo features,
//! credential kinds and the client's defaults.

use std::collections::BTreeMap;

use super::rust::Side;
use super::{Changes, Class};
use crate::diagnostics::pointer;
use crate::ir::{Api, Credential};

/// Compares what is not owned by one operation or type.
pub fn compare(old: &Side<'_>, new: &Side<'_>, out: &mut Changes) {
    let (b, a) = (old.api, new.api);
    if b.krate.package != a.krate.package {
        out.config(
            Class::Breaking,
            "package-renamed",
            format!("crate {}", a.krate.package),
            format!(
                "package renamed from `{}` to `{}`: dependents must change their Cargo.toml",
                b.krate.package, a.krate.package
            ),
        )
        .types(&b.krate.package, &a.krate.package);
    }
    if b.krate.lib != a.krate.lib {
        out.config(
            Class::Breaking,
            "library-renamed",
            format!("crate {}", a.krate.package),
            format!("imported as `{}` instead of `{}`", a.krate.lib, b.krate.lib),
        )
        .types(&b.krate.lib, &a.krate.lib);
    }
    compare_features(b, a, out);
    compare_credentials(old, new, out);
    compare_client(b, a, out);
}

fn compare_features(b: &Api, a: &Api, out: &mut Changes) {
    let names = |api: &Api| -> Vec<String> {
        if api.gated {
            api.features.iter().map(|f| f.name.clone()).collect()
        } else {
            Vec::new()
        }
    };
    let (nb, na) = (names(b), names(a));
    match (b.gated, a.gated) {
        (true, false) => {
            out.config(
                Class::Breaking,
                "features-removed",
                "cargo features",
                "the crate is no longer split into cargo features: `full` and the per-resource features are gone",
            );
            return;
        }
        (false, true) => {
            let (class, message) = if a.default_full {
                (
                    Class::Additive,
                    "the crate is split into cargo features, all enabled by default (`full`)",
                )
            } else {
                (
                    Class::Breaking,
                    "the crate is split into cargo features, none enabled by default: dependents must enable the ones they use",
                )
            };
            out.config(class, "features-introduced", "cargo features", message);
            return;
        }
        (false, false) => return,
        (true, true) => {}
    }
    if b.default_full != a.default_full {
        let (class, message) = if a.default_full {
            (Class::Additive, "`full` is a default feature")
        } else {
            (
                Class::Breaking,
                "`full` is no longer a default feature: dependents must enable the features they use",
            )
        };
        out.config(class, "default-features-changed", "feature `full`", message);
    }
    for name in nb.iter().filter(|n| !na.contains(n)) {
        out.previous(
            Class::Breaking,
            "feature-removed",
            format!("feature `{name}`"),
            "cargo feature removed: dependents enabling it no longer build",
            &feature_pointer(b, name),
        );
    }
    for name in na.iter().filter(|n| !nb.contains(n)) {
        out.current(
            Class::Additive,
            "feature-added",
            format!("feature `{name}`"),
            "cargo feature added (part of `full`)",
            &feature_pointer(a, name),
        );
    }
}

/// The first operation of a feature, to point at.
fn feature_pointer(api: &Api, name: &str) -> String {
    let index = api.features.iter().position(|f| f.name == name);
    api.operations
        .iter()
        .find(|o| o.feature.is_some() && o.feature == index)
        .map(|o| o.pointer.clone())
        .unwrap_or_default()
}

fn compare_credentials(old: &Side<'_>, new: &Side<'_>, out: &mut Changes) {
    let kinds = |side: &Side<'_>| -> BTreeMap<String, (String, Vec<String>, Vec<String>, String)> {
        let auth = &side.api.auth;
        auth.credentials
            .iter()
            .map(|c: &Credential| {
                let schemes = c.schemes.iter().map(|&s| &auth.schemes[s]);
                let fields = schemes.clone().map(|s| s.field.clone()).collect();
                let env = schemes
                    .clone()
                    .map(|s| s.env.clone().unwrap_or_default())
                    .collect();
                let at = schemes
                    .map(|s| pointer(["components", "securitySchemes", &s.key]))
                    .next()
                    .unwrap_or_default();
                (c.variant.clone(), (c.method.clone(), fields, env, at))
            })
            .collect()
    };
    let (b, a) = (kinds(old), kinds(new));
    for (variant, (_, _, _, at)) in &b {
        if !a.contains_key(variant) {
            out.previous(
                Class::Breaking,
                "credential-removed",
                format!("Credentials::{variant}"),
                "credential kind removed",
                at,
            );
        }
    }
    for (variant, (method, fields, env, at)) in &a {
        let item = format!("Credentials::{variant}");
        let Some((old_method, old_fields, old_env, _)) = b.get(variant) else {
            out.current(
                Class::Additive,
                "credential-added",
                item,
                format!("credential kind added, built with `Credentials::{method}(..)`"),
                at,
            );
            continue;
        };
        if (old_method, old_fields) != (method, fields) {
            out.current(
                Class::Breaking,
                "credential-changed",
                item,
                format!(
                    "built with `Credentials::{method}({})` instead of `Credentials::{old_method}({})`",
                    fields.join(", "),
                    old_fields.join(", ")
                ),
                at,
            );
        } else if old_env != env {
            out.current(
                Class::Internal,
                "credential-environment-changed",
                item,
                format!(
                    "`from_env()` reads {} instead of {}",
                    env_list(env),
                    env_list(old_env)
                ),
                at,
            );
        }
    }
}

fn env_list(vars: &[String]) -> String {
    let named: Vec<String> = vars
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| format!("`{v}`"))
        .collect();
    if named.is_empty() {
        "no variables".into()
    } else {
        named.join(" + ")
    }
}

fn compare_client(b: &Api, a: &Api, out: &mut Changes) {
    let (cb, ca) = (&b.client, &a.client);
    let settings: [(&str, String, String); 5] = [
        (
            "`DEFAULT_BASE_URL`",
            cb.base_url.clone(),
            ca.base_url.clone(),
        ),
        (
            "the base URL variable of `from_env()`",
            format!("{:?}", cb.base_url_env),
            format!("{:?}", ca.base_url_env),
        ),
        (
            "the request id header",
            format!("{:?}", cb.request_id_header),
            format!("{:?}", ca.request_id_header),
        ),
        (
            "`DEFAULT_MAX_RETRIES`",
            cb.max_retries.to_string(),
            ca.max_retries.to_string(),
        ),
        (
            "`DEFAULT_TIMEOUT` (seconds)",
            cb.timeout_secs.to_string(),
            ca.timeout_secs.to_string(),
        ),
    ];
    for (what, before, after) in settings {
        if before != after {
            out.config(
                Class::Internal,
                "client-default-changed",
                "Client",
                format!("{what} is `{after}` instead of `{before}`"),
            )
            .types(before, after);
        }
    }
    let envelope = |api: &Api| {
        api.envelope.as_ref().map(|e| {
            format!(
                "{} {:?} {:?} {:?} {:?}",
                e.result, e.success, e.errors, e.messages, e.result_info
            )
        })
    };
    if envelope(b) != envelope(a) {
        out.config(
            Class::Internal,
            "envelope-changed",
            "Client",
            "responses are unwrapped from another envelope",
        );
    }
}
