//! The resource tree and method names: `client.accounts().members().list(..)`.
//!
//! Rules, applied per operation in document order:
//! 1. The resource is the path's literal segments (parameters dropped):
//!    `/accounts/{account_id}/members/{member_id}` is `accounts.members`.
//!    A custom method suffix (`/members:batchCreate`) names the method.
//! 2. The method comes from the HTTP method: `GET` is `get` when the path
//!    ends in a parameter or the result is not a list, else `list`; `POST`
//!    is `create`, `PUT` `update`, `PATCH` `edit`, `DELETE` `delete`.
//! 3. The configuration can override the resource and/or method of an
//!    operation by operationId.
//! 4. When a resource already has a method of that name, the later operation
//!    is named after its operationId (then numbered), with a warning.
//! 5. A child resource whose accessor equals a method name of its parent is
//!    renamed `<name>_resource`; so is one named `new`, which Rust reserves
//!    by convention for constructors (a method named `new` is renamed the
//!    same way as a collision).

use std::collections::{BTreeMap, HashMap};

use super::names::{self, Namespace};
use super::{Feature, Operation, Resource};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, pointer};

/// Facts about an operation that naming depends on.
#[derive(Debug, Clone)]
pub struct OpFacts {
    /// operationId (possibly synthesized).
    pub id: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Whether the result is a list.
    pub lists: bool,
}

/// Where an operation lives and what it is called.
#[derive(Debug, Clone)]
pub struct OpNaming {
    /// Resource path, e.g. `["accounts", "members"]`.
    pub resource: Vec<String>,
    /// Method name.
    pub fn_name: String,
    /// PascalCase stem for derived type names.
    pub stem: String,
}

/// Names every operation.
pub fn plan(facts: &[OpFacts], config: &Config, warnings: &mut Vec<Diagnostic>) -> Vec<OpNaming> {
    for id in config.operations.keys() {
        if !facts.iter().any(|f| &f.id == id) {
            warnings.push(Diagnostic::warning(
                "unused-config",
                "#/paths",
                format!("the configuration overrides operation `{id}`, which the document does not define"),
            ));
        }
    }
    let mut taken: HashMap<Vec<String>, Namespace> = HashMap::new();
    let mut stems = Namespace::pascal();
    facts
        .iter()
        .map(|f| {
            let (mut resource, mut method) = default_name(f);
            if let Some(o) = config.operations.get(&f.id) {
                if let Some(r) = &o.resource {
                    resource = r
                        .split('.')
                        .filter(|s| !s.is_empty())
                        .map(|s| names::snake_name(s, "resource"))
                        .collect();
                }
                if let Some(m) = &o.method {
                    method = names::snake_name(m, "call");
                }
            }
            if resource.is_empty() {
                resource.push("root".into());
            }
            let ns = taken.entry(resource.clone()).or_insert_with(|| {
                // `new` is by convention a constructor returning `Self`.
                let mut ns = Namespace::snake();
                ns.reserve("new");
                ns
            });
            let fn_name = if ns.contains(&method) {
                let alternative = ns.claim(&names::snake_name(&f.id, "call"));
                warnings.push(Diagnostic::warning(
                    "name-collision",
                    pointer(["paths", &f.path, &f.method]),
                    format!(
                        "`{}.{method}` is already taken by another operation; this one is `{}.{alternative}`",
                        resource.join("."),
                        resource.join(".")
                    ),
                ));
                alternative
            } else {
                ns.claim(&method)
            };
            let stem_words = format!("{} {fn_name}", resource.join(" "));
            OpNaming {
                stem: stems.claim(&names::type_name(&stem_words, "Operation")),
                resource,
                fn_name,
            }
        })
        .collect()
}

fn default_name(f: &OpFacts) -> (Vec<String>, String) {
    let segments: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
    let ends_with_param = segments.last().is_some_and(|s| s.starts_with('{'));
    let mut resource = Vec::new();
    let mut action = None;
    for (i, seg) in segments.iter().enumerate() {
        if seg.starts_with('{') {
            continue;
        }
        let (base, custom) = match seg.split_once(':') {
            Some((b, c)) if i + 1 == segments.len() && !c.is_empty() => (b, Some(c)),
            _ => (*seg, None),
        };
        if !base.is_empty() {
            resource.push(names::snake_name(base, "resource"));
        }
        if let Some(c) = custom {
            action = Some(names::snake_name(c, "call"));
        }
    }
    let method = action.unwrap_or_else(|| {
        match f.method.as_str() {
            "get" if ends_with_param || !f.lists => "get",
            "get" => "list",
            "post" => "create",
            "put" => "update",
            "patch" => "edit",
            other => other,
        }
        .to_owned()
    });
    (resource, names::snake_name(&method, "call"))
}

/// Methods the generated `Client` already has; top-level accessors avoid them.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "new",
    "base_url",
    "credentials",
    "request",
    "max_retries",
    "timeout",
];

/// Builds the tree from the planned names and assigns resources and
/// features to operations.
pub fn tree(ops: &mut [Operation]) -> (Vec<Resource>, Vec<Feature>) {
    let mut resources = vec![Resource {
        name: String::new(),
        accessor: String::new(),
        path: Vec::new(),
        parent: None,
        children: Vec::new(),
        operations: Vec::new(),
        feature: None,
    }];
    let mut index: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut struct_names = Namespace::pascal();
    let mut paths: Vec<Vec<String>> = Vec::new();
    for op in ops.iter() {
        let path = op_path(op);
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    for path in &paths {
        for depth in 1..=path.len() {
            let prefix = path[..depth].to_vec();
            if index.contains_key(&prefix) {
                continue;
            }
            let parent = if depth == 1 {
                0
            } else {
                index[&path[..depth - 1]]
            };
            let id = resources.len();
            resources.push(Resource {
                name: struct_names.claim(&names::type_name(&prefix.join(" "), "Resource")),
                accessor: prefix[depth - 1].clone(),
                path: prefix.clone(),
                parent: Some(parent),
                children: Vec::new(),
                operations: Vec::new(),
                feature: None,
            });
            resources[parent].children.push(id);
            index.insert(prefix, id);
        }
    }
    for (i, op) in ops.iter_mut().enumerate() {
        let r = index[&op_path(op)];
        op.resource = r;
        resources[r].operations.push(i);
    }
    resolve_accessor_clashes(&mut resources, ops);
    let features = assign_features(&mut resources, ops);
    (resources, features)
}

fn op_path(op: &Operation) -> Vec<String> {
    op.resource_path.clone()
}

fn resolve_accessor_clashes(resources: &mut [Resource], ops: &[Operation]) {
    for r in 0..resources.len() {
        let mut taken = Namespace::snake();
        // `new` is by convention a constructor returning `Self`.
        taken.reserve("new");
        if r == 0 {
            for m in CLIENT_METHODS {
                taken.reserve(m);
            }
        }
        for &o in &resources[r].operations {
            taken.reserve(&ops[o].fn_name);
        }
        let children = resources[r].children.clone();
        for c in children {
            let accessor = resources[c].accessor.clone();
            let wanted = if taken.contains(&accessor) {
                format!("{accessor}_resource")
            } else {
                accessor
            };
            resources[c].accessor = taken.claim(&wanted);
        }
    }
}

fn assign_features(resources: &mut [Resource], ops: &mut [Operation]) -> Vec<Feature> {
    let mut names = Namespace::snake();
    for reserved in ["default", "full"] {
        names.reserve(reserved);
    }
    let mut features = Vec::new();
    let top: Vec<usize> = resources[0].children.clone();
    for t in top {
        let feature = features.len();
        features.push(Feature {
            name: names.claim(&resources[t].path[0]),
        });
        let mut stack = vec![t];
        while let Some(r) = stack.pop() {
            resources[r].feature = Some(feature);
            stack.extend(resources[r].children.iter().copied());
            for &o in &resources[r].operations {
                ops[o].feature = Some(feature);
            }
        }
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(method: &str, path: &str, lists: bool) -> (String, String) {
        let f = OpFacts {
            id: "x".into(),
            method: method.into(),
            path: path.into(),
            lists,
        };
        let (r, m) = default_name(&f);
        (r.join("."), m)
    }

    #[test]
    fn default_names() {
        assert_eq!(
            name("get", "/accounts", true),
            ("accounts".into(), "list".into())
        );
        assert_eq!(
            name("get", "/accounts/{id}", false),
            ("accounts".into(), "get".into())
        );
        assert_eq!(
            name("get", "/accounts/{id}/profile", false),
            ("accounts.profile".into(), "get".into())
        );
        assert_eq!(
            name("post", "/organizations/{id}/members:batchCreate", false),
            ("organizations.members".into(), "batch_create".into())
        );
        assert_eq!(
            name("put", "/a/{b}/tokens/{t}/value", false),
            ("a.tokens.value".into(), "update".into())
        );
        assert_eq!(
            name("delete", "/a/{b}", false),
            ("a".into(), "delete".into())
        );
        assert_eq!(
            name("post", "/accounts/move", false),
            ("accounts.move_".into(), "create".into())
        );
    }

    #[test]
    fn collisions_fall_back_to_operation_ids() {
        let facts = vec![
            OpFacts {
                id: "first".into(),
                method: "get".into(),
                path: "/a/{x}".into(),
                lists: false,
            },
            OpFacts {
                id: "secondOne".into(),
                method: "get".into(),
                path: "/a/{x}/{y}".into(),
                lists: false,
            },
        ];
        let mut w = Vec::new();
        let n = plan(&facts, &Config::default(), &mut w);
        assert_eq!(n[0].fn_name, "get");
        assert_eq!(n[1].fn_name, "second_one");
        assert_eq!(w.len(), 1);
        assert_eq!(n[0].stem, "AGet");
    }
}
