//! Whole-model passes over the type graph: boxing recursive containment,
//! marking request types, assigning types to cargo features, and noting
//! which optional runtime pieces are used.

use std::collections::BTreeSet;

use super::{BodyMedia, Feature, Operation, TypeDef, TypeId, TypeKind, TypeRef, Uses};

/// Named types a use-site type mentions, at any depth.
pub(super) fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// Named types a type is stored inline with (not behind `Vec`/`BTreeMap`),
/// as `(slot, target)` where slot indexes fields or variants.
fn inline_edges(def: &TypeDef) -> Vec<(usize, TypeId)> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    };
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| direct(&f.ty).map(|t| (i, t)))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| direct(&v.ty).map(|t| (i, t)))
            .collect(),
        TypeKind::Newtype(ty) => direct(ty).map(|t| vec![(0, t)]).unwrap_or_default(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Every type another type mentions (for reachability).
pub(super) fn all_edges(def: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                named_in(&f.ty, &mut out);
            }
            if let Some((_, a)) = &s.additional {
                named_in(a, &mut out);
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                named_in(&v.ty, &mut out);
            }
        }
        TypeKind::Newtype(ty) => named_in(ty, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Boxes one containment edge of every cycle, found by an iterative
/// depth-first search, so no struct or enum has infinite size. The edge boxed
/// is the back edge to a type on the stack, or, when that edge leaves a
/// newtype (which holds its value unboxed), the nearest struct or union edge
/// before it on the cycle. Types are visited in creation order, which is
/// document order, so the result is stable.
pub fn box_cycles(types: &mut [TypeDef]) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Active,
        Done,
    }
    let edges: Vec<Vec<(usize, TypeId)>> = types.iter().map(inline_edges).collect();
    let boxable =
        |node: usize| matches!(types[node].kind, TypeKind::Struct(_) | TypeKind::Union(_));
    let mut state = vec![State::New; types.len()];
    let mut to_box: Vec<(usize, usize)> = Vec::new();
    for root in 0..types.len() {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Active;
        // (type, how many of its edges have been followed)
        let mut stack = vec![(root, 0usize)];
        while let Some(&(node, next)) = stack.last() {
            let Some(&(_, target)) = edges[node].get(next) else {
                state[node] = State::Done;
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match state[target.0] {
                State::Active => {
                    // The cycle is the stack from `target` up to `node`; each
                    // frame's last followed edge is `edges[frame][next - 1]`.
                    let cycle_start = stack.iter().rposition(|&(n, _)| n == target.0).unwrap_or(0);
                    let edge = stack[cycle_start..]
                        .iter()
                        .rev()
                        .find(|&&(n, _)| boxable(n))
                        .and_then(|&(n, followed)| {
                            let (slot, _) = edges[n].get(followed.checked_sub(1)?)?;
                            Some((n, *slot))
                        });
                    // A cycle of newtypes alone cannot occur: types.rs turns
                    // a schema defined only in terms of itself into Value.
                    to_box.extend(edge);
                }
                State::New => {
                    state[target.0] = State::Active;
                    stack.push((target.0, 0));
                }
                State::Done => {}
            }
        }
    }
    for (node, slot) in to_box {
        match &mut types[node].kind {
            TypeKind::Struct(s) => s.fields[slot].boxed = true,
            TypeKind::Union(u) => u.variants[slot].boxed = true,
            TypeKind::Newtype(_) | TypeKind::Enum(_) => {}
        }
    }
}

/// Types reachable from the given roots.
pub(super) fn reachable(types: &[TypeDef], roots: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(all_edges(&types[id.0]));
        }
    }
    seen
}

/// Named types an operation's request mentions.
pub(super) fn request_roots(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    for p in &op.path_params {
        named_in(&p.ty, &mut out);
    }
    for p in op.params.iter().flat_map(|p| &p.fields) {
        named_in(&p.ty, &mut out);
    }
    if let Some(b) = &op.body {
        named_in(&b.ty, &mut out);
    }
    out
}

/// Named types an operation's successful response mentions.
pub(super) fn response_roots(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    named_in(&op.response.ty, &mut out);
    named_in(&op.response.info, &mut out);
    out
}

/// Named types an operation mentions anywhere.
fn operation_roots(op: &Operation) -> Vec<TypeId> {
    let mut out = request_roots(op);
    out.extend(response_roots(op));
    out
}

/// Marks types that can appear in a request; they get constructors.
pub fn mark_request_types(types: &mut [TypeDef], ops: &[Operation]) {
    let roots = ops.iter().flat_map(request_roots).collect();
    for id in reachable(types, roots) {
        types[id.0].in_request = true;
    }
}

/// A type used by the operations of exactly one feature belongs to it;
/// types shared between features stay outside any feature, gated on the
/// features that use them unless all do (or operations outside any feature
/// do), so that a crate built with one feature compiles only the types its
/// operations reach.
pub fn assign_features(types: &mut [TypeDef], ops: &[Operation], features: &[Feature]) {
    if features.is_empty() {
        return;
    }
    let mut owners: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); types.len()];
    for f in 0..features.len() {
        let roots = ops
            .iter()
            .filter(|o| o.feature == Some(f))
            .flat_map(operation_roots)
            .collect();
        for id in reachable(types, roots) {
            owners[id.0].insert(f);
        }
    }
    let ungated = reachable(
        types,
        ops.iter()
            .filter(|o| o.feature.is_none())
            .flat_map(operation_roots)
            .collect(),
    );
    for (i, (def, owner)) in types.iter_mut().zip(owners).enumerate() {
        let outside = ungated.contains(&TypeId(i));
        def.feature = match owner.len() {
            1 if !outside => owner.first().copied(),
            _ => None,
        };
        def.gate = if owner.len() > 1 && owner.len() < features.len() && !outside {
            owner.into_iter().collect()
        } else {
            Vec::new()
        };
    }
}

fn mentions_dates(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Date | TypeRef::DateTime | TypeRef::DateOrDateTime => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => mentions_dates(inner),
        _ => false,
    }
}

fn mentions_timestamps(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::DateOrDateTime => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => mentions_timestamps(inner),
        _ => false,
    }
}

/// Which optional runtime pieces the model needs.
pub fn uses(types: &[TypeDef], ops: &[Operation]) -> Uses {
    let mut all: Vec<&TypeRef> = Vec::new();
    for def in types {
        match &def.kind {
            TypeKind::Struct(s) => {
                all.extend(s.fields.iter().map(|f| &f.ty));
                all.extend(s.additional.iter().map(|(_, t)| t));
            }
            TypeKind::Union(u) => all.extend(u.variants.iter().map(|v| &v.ty)),
            TypeKind::Newtype(t) => all.push(t),
            TypeKind::Enum(_) => {}
        }
    }
    for op in ops {
        all.extend(op.path_params.iter().map(|p| &p.ty));
        all.extend(
            op.params
                .iter()
                .flat_map(|p| p.fields.iter().map(|f| &f.ty)),
        );
        all.extend(op.body.iter().map(|b| &b.ty));
        all.push(&op.response.ty);
    }
    Uses {
        chrono: all.iter().any(|t| mentions_dates(t)),
        timestamp: all.iter().any(|t| mentions_timestamps(t)),
        form: ops
            .iter()
            .any(|o| o.body.as_ref().is_some_and(|b| b.media == BodyMedia::Form)),
        multipart: ops.iter().any(|o| {
            o.body
                .as_ref()
                .is_some_and(|b| b.media == BodyMedia::Multipart)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Field, Struct};

    fn strukt(name: &str, fields: Vec<TypeRef>) -> TypeDef {
        TypeDef {
            name: name.into(),
            pointer: String::new(),
            docs: Docs::default(),
            kind: TypeKind::Struct(Struct {
                fields: fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, ty)| Field {
                        name: format!("f{i}"),
                        setter: format!("f{i}"),
                        wire: format!("f{i}"),
                        pointer: String::new(),
                        ty,
                        required: false,
                        nullable: false,
                        boxed: false,
                        sensitive: false,
                        docs: Docs::default(),
                        constraints: Default::default(),
                        access: Default::default(),
                    })
                    .collect(),
                additional: None,
            }),
            in_request: false,
            example: None,
            feature: None,
            gate: Vec::new(),
            aliases: Vec::new(),
        }
    }

    fn boxed(def: &TypeDef) -> Vec<bool> {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.boxed).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn self_reference_is_boxed_but_vec_is_not() {
        let mut types = vec![strukt(
            "A",
            vec![
                TypeRef::Named(TypeId(0)),
                TypeRef::Array(Box::new(TypeRef::Named(TypeId(0)))),
            ],
        )];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), vec![true, false]);
    }

    fn newtype(name: &str, inner: TypeRef) -> TypeDef {
        TypeDef {
            kind: TypeKind::Newtype(inner),
            ..strukt(name, Vec::new())
        }
    }

    #[test]
    fn a_cycle_closed_by_a_newtype_boxes_the_struct_edge() {
        // A struct holding, unboxed, a newtype of itself; the search reaches
        // the struct first, so the back edge leaves the newtype.
        let mut types = vec![
            strukt("S", vec![TypeRef::String, TypeRef::Named(TypeId(1))]),
            newtype("N", TypeRef::Named(TypeId(0))),
        ];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), vec![false, true]);
    }

    #[test]
    fn mutual_recursion_boxes_one_edge() {
        let mut types = vec![
            strukt("A", vec![TypeRef::Named(TypeId(1))]),
            strukt("B", vec![TypeRef::Named(TypeId(0))]),
        ];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), vec![false]);
        assert_eq!(boxed(&types[1]), vec![true]);
    }
}
