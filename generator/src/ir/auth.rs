//! Security schemes and the credential kinds a client can hold.

use std::collections::BTreeSet;

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::names::{self, Namespace, reserved::locals};
use super::{Auth, Credential, Placement, Scheme};
use crate::config::AuthConfig;
use crate::diagnostics::{Diagnostic, child, pointer};

/// Builds the auth model from `components.securitySchemes`, the security
/// requirements of the document and the configuration.
pub fn build(
    api: &OpenAPI,
    config: &AuthConfig,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Auth, Vec<Diagnostic>> {
    let schemes = schemes(api, config, warnings);
    let credentials = if config.credentials.is_empty() {
        derived_credentials(api, &schemes)
    } else {
        configured_credentials(config, &schemes)?
    };
    for key in config.schemes.keys() {
        if !schemes.iter().any(|s| &s.key == key) {
            warnings.push(Diagnostic::warning(
                "unused-config",
                "#/components/securitySchemes",
                format!("the configuration names security scheme `{key}`, which the document does not define"),
            ));
        }
    }
    Ok(Auth {
        schemes,
        credentials,
    })
}

fn schemes(api: &OpenAPI, config: &AuthConfig, warnings: &mut Vec<Diagnostic>) -> Vec<Scheme> {
    let mut fields = Namespace::snake();
    for local in locals::CREDENTIAL_FIELDS {
        fields.reserve(local);
    }
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // By key, so field names and the order of credential kinds never
    // depend on the order the document lists its schemes in.
    let mut sorted: Vec<_> = components.security_schemes.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (key, scheme) in sorted {
        let at = pointer(["components", "securitySchemes", key]);
        let ReferenceOr::Item(scheme) = scheme else {
            warnings.push(Diagnostic::warning(
                "unsupported",
                at,
                "security schemes given as `$ref` are ignored",
            ));
            continue;
        };
        let (placement, description) = match scheme {
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (Placement::Bearer, description),
                "basic" => (Placement::Basic, description),
                other => {
                    warnings.push(Diagnostic::warning(
                        "unsupported",
                        child(&at, "scheme"),
                        format!("HTTP authentication scheme `{other}` is sent as a raw `Authorization` header value"),
                    ));
                    (Placement::Header("Authorization".into()), description)
                }
            },
            SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => (
                match location {
                    APIKeyLocation::Header => Placement::Header(name.clone()),
                    APIKeyLocation::Query => Placement::Query(name.clone()),
                    APIKeyLocation::Cookie => Placement::Cookie(name.clone()),
                },
                description,
            ),
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => {
                // Access tokens obtained through these flows are bearer tokens;
                // obtaining them is left to the caller.
                (Placement::Bearer, description)
            }
        };
        out.push(Scheme {
            key: key.clone(),
            field: fields.claim(&names::snake_name(key, "secret")),
            placement,
            env: config.schemes.get(key).and_then(|s| s.env.clone()),
            description: description.clone(),
        });
    }
    out
}

/// Every distinct requirement object of the document (global first, then
/// the operations' in canonical order), then every scheme no requirement
/// uses, each as its own credential kind.
fn derived_credentials(api: &OpenAPI, schemes: &[Scheme]) -> Vec<Credential> {
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let all_requirements = api.security.iter().flatten().chain(
        super::operations::canonical(api).flat_map(|(_, _, op)| op.security.iter().flatten()),
    );
    for req in all_requirements {
        if let Some(set) = scheme_set(req, schemes)
            && !set.is_empty()
            && !sets.contains(&set)
        {
            sets.push(set);
        }
    }
    for i in 0..schemes.len() {
        if !sets.iter().any(|s| s.contains(&i)) {
            sets.push(vec![i]);
        }
    }
    let mut variants = Namespace::pascal();
    let mut methods = Namespace::snake();
    sets.into_iter()
        .map(|set| {
            let joined: Vec<&str> = set.iter().map(|i| schemes[*i].key.as_str()).collect();
            let joined = joined.join(" ");
            Credential {
                variant: variants.claim(&names::type_name(&joined, "credentials")),
                method: methods.claim(&names::snake_name(&joined, "credentials")),
                schemes: set,
            }
        })
        .collect()
}

fn configured_credentials(
    config: &AuthConfig,
    schemes: &[Scheme],
) -> Result<Vec<Credential>, Vec<Diagnostic>> {
    let mut variants = Namespace::pascal();
    let mut methods = Namespace::snake();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for c in &config.credentials {
        let mut set = Vec::new();
        for key in &c.schemes {
            match schemes.iter().position(|s| &s.key == key) {
                Some(i) => set.push(i),
                None => errors.push(Diagnostic::error(
                    "invalid-config",
                    "#/components/securitySchemes",
                    format!("credential `{}` in the configuration uses security scheme `{key}`, which the document does not define", c.name),
                )),
            }
        }
        set.sort_unstable();
        out.push(Credential {
            variant: variants.claim(&names::type_name(&c.name, "credentials")),
            method: methods.claim(&names::snake_name(&c.name, "credentials")),
            schemes: set,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The sorted scheme indices of a requirement object (`None` if it names an
/// unknown scheme, which validation already reported).
fn scheme_set(req: &SecurityRequirement, schemes: &[Scheme]) -> Option<Vec<usize>> {
    let set: Option<BTreeSet<usize>> = req
        .keys()
        .map(|k| schemes.iter().position(|s| &s.key == k))
        .collect();
    set.map(|s| s.into_iter().collect())
}

/// The credential kinds accepted by a list of requirement objects; `None`
/// when the list is empty (no authentication).
pub fn accepted(auth: &Auth, requirements: &[SecurityRequirement]) -> Option<Vec<usize>> {
    if requirements.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for req in requirements {
        let Some(set) = scheme_set(req, &auth.schemes) else {
            continue;
        };
        if let Some(i) = auth.credentials.iter().position(|c| c.schemes == set)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    Some(out)
}
