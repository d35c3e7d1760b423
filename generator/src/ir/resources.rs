//! The resource tree and method names: `client.accounts().members().list(..)`.
//!
//! Rules, applied per operation in canonical order (sorted by path, then
//! method; the naming rules
//! themselves are in [`derived`] and [`reserved`]):
//! 1. Resource and method come from the path and the HTTP method
//!    ([`derived::resource_and_method`]); the configuration can override
//!    either by operationId.
//! 2. When a resource already has a method of that name, the later
//!    operation is named after its operationId ([`derived::method`], then
//!    numbered), with a warning. No method is called `new`
//!    ([`reserved::CONSTRUCTOR`]); such an operation is renamed the same way.
//! 3. A child resource whose accessor equals a method name of its parent,
//!    or `new`, or at the top a method of the client
//!    ([`reserved::client_methods`]), is renamed `<name>_resource`
//!    ([`derived::clashing_accessor`]).

use std::collections::{BTreeMap, HashMap};

use super::names::{Namespace, derived, reserved};
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
            let (mut resource, mut method) =
                derived::resource_and_method(&f.path, &f.method, f.lists);
            if let Some(o) = config.operations.get(&f.id) {
                if let Some(r) = &o.resource {
                    resource = r
                        .split('.')
                        .filter(|s| !s.is_empty())
                        .map(derived::resource_segment)
                        .collect();
                }
                if let Some(m) = &o.method {
                    method = derived::method(m);
                }
            }
            if resource.is_empty() {
                resource.push("root".into());
            }
            let ns = taken.entry(resource.clone()).or_insert_with(|| {
                let mut ns = Namespace::snake();
                ns.reserve(reserved::CONSTRUCTOR);
                ns
            });
            let fn_name = if ns.contains(&method) {
                let alternative = ns.claim(&derived::method(&f.id));
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
            OpNaming {
                stem: stems.claim(&derived::stem(&resource, &fn_name)),
                resource,
                fn_name,
            }
        })
        .collect()
}

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
                name: struct_names.claim(&derived::resource_struct(&prefix)),
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
        taken.reserve(reserved::CONSTRUCTOR);
        if r == 0 {
            for m in reserved::client_methods() {
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
                derived::clashing_accessor(&accessor)
            } else {
                accessor
            };
            resources[c].accessor = taken.claim(&wanted);
        }
    }
}

fn assign_features(resources: &mut [Resource], ops: &mut [Operation]) -> Vec<Feature> {
    let mut names = Namespace::snake();
    for reserved in reserved::FEATURES {
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
