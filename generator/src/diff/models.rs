//! Model types: structs and their fields, string enums, unions, newtypes.

use std::collections::{BTreeMap, BTreeSet};

use super::rust::Side;
use super::{Changes, Class, deprecation};
use crate::ir::{Api, Field, StringEnum, Struct, TypeDef, TypeKind, Union};

/// Types whose Rust name changed while the type stayed: a type that
/// disappeared and one that appeared with the same pointer, or else the
/// only such pair with the same shape (a shared inline type is defined
/// where it is first used, so adding a use before it moves its pointer).
/// Previous name to current name.
pub fn renamed_types(previous: &Api, current: &Api) -> BTreeMap<String, String> {
    let names =
        |api: &Api| -> BTreeSet<String> { api.types.iter().map(|t| t.name.clone()).collect() };
    let (old_names, new_names) = (names(previous), names(current));
    let gone = by_pointer(previous, &new_names);
    let fresh = by_pointer(current, &old_names);
    let mut renames: BTreeMap<String, String> = gone
        .iter()
        .filter(|(pointer, _)| !pointer.is_empty())
        .filter_map(
            |(pointer, old)| match (old.as_slice(), fresh.get(pointer)?.as_slice()) {
                ([old], [new]) => Some(((*old).to_owned(), (*new).to_owned())),
                _ => None,
            },
        )
        .collect();
    let taken: BTreeSet<String> = renames.values().cloned().collect();
    let by_shape = |side: &Side<'_>, others: &BTreeSet<String>, skip: &dyn Fn(&str) -> bool| {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in side
            .api
            .types
            .iter()
            .filter(|t| !others.contains(&t.name) && !skip(&t.name))
        {
            map.entry(shape(side, t)).or_default().push(t.name.clone());
        }
        map
    };
    let (old_side, new_side) = (
        Side::new(previous, renames.clone()),
        Side::new(current, BTreeMap::new()),
    );
    let gone = by_shape(&old_side, &new_names, &|n| renames.contains_key(n));
    let fresh = by_shape(&new_side, &old_names, &|n| taken.contains(n));
    for (key, old) in gone {
        if let (Some([new]), [old]) = (fresh.get(&key).map(Vec::as_slice), old.as_slice()) {
            renames.insert(old.clone(), new.clone());
        }
    }
    renames
}

/// What a type looks like from Rust, without its own name.
fn shape(side: &Side<'_>, t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Struct(s) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("{}: {} as {}", f.name, side.field(f), f.wire))
                .collect();
            format!(
                "struct {{{}}} {:?}",
                fields.join(", "),
                s.additional.as_ref().map(|(n, ty)| (n, side.ty(ty)))
            )
        }
        TypeKind::Enum(e) => {
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("{}={}", v.name, v.value))
                .collect();
            format!("enum {{{}}} {}", variants.join(", "), e.other)
        }
        TypeKind::Union(u) => {
            let variants: Vec<String> = u
                .variants
                .iter()
                .map(|v| format!("{}({})", v.name, side.wrapped(&v.ty, v.boxed, false)))
                .collect();
            format!(
                "union {{{}}} {:?} {}",
                variants.join(", "),
                u.discriminator,
                u.other
            )
        }
        TypeKind::Newtype(inner) => format!("newtype({})", side.ty(inner)),
    }
}

/// Names of the types not in `others`, by pointer.
fn by_pointer<'a>(api: &'a Api, others: &BTreeSet<String>) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in api.types.iter().filter(|t| !others.contains(&t.name)) {
        map.entry(t.pointer.as_str()).or_default().push(&t.name);
    }
    map
}

/// Compares the named types of both sides.
pub fn compare(
    old: &Side<'_>,
    new: &Side<'_>,
    renames: &BTreeMap<String, String>,
    out: &mut Changes,
) {
    let current: BTreeMap<&str, &TypeDef> =
        new.api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let previous: BTreeMap<String, &TypeDef> = old
        .api
        .types
        .iter()
        .map(|t| (old.type_name(&t.name), t))
        .collect();
    for (name, before) in &previous {
        let item = format!("models::{name}");
        match current.get(name.as_str()) {
            None => {
                out.previous(
                    Class::Breaking,
                    "type-removed",
                    &item,
                    format!("{} `{name}` removed", kind_name(&before.kind)),
                    &before.pointer,
                );
            }
            Some(after) => {
                if let Some(new_name) = renames.get(&before.name) {
                    if after.aliases.contains(&before.name) {
                        out.current(
                            Class::Additive,
                            "type-aliased",
                            format!("models::{}", before.name),
                            format!(
                                "renamed from `{}` to `{new_name}`; `{}` kept as an alias",
                                before.name, before.name
                            ),
                            &after.pointer,
                        )
                        .types(&before.name, new_name.as_str());
                    } else {
                        out.current(
                            Class::Breaking,
                            "type-renamed",
                            format!("models::{}", before.name),
                            format!("renamed from `{}` to `{new_name}`", before.name),
                            &after.pointer,
                        )
                        .types(&before.name, new_name.as_str());
                    }
                }
                compare_aliases(before, after, &item, out);
                compare_type(old, new, before, after, &item, out);
            }
        }
    }
    for (name, after) in &current {
        if !previous.contains_key(*name) {
            out.current(
                Class::Additive,
                "type-added",
                format!("models::{name}"),
                format!("{} `{name}` added", kind_name(&after.kind)),
                &after.pointer,
            );
        }
    }
}

/// Aliases of one type: removing one is breaking (code naming it stops
/// compiling, unless the name is now the type's own), adding one additive.
fn compare_aliases(before: &TypeDef, after: &TypeDef, item: &str, out: &mut Changes) {
    let at = after.pointer.as_str();
    for alias in &before.aliases {
        if !after.aliases.contains(alias) && *alias != after.name {
            out.current(
                Class::Breaking,
                "alias-removed",
                format!("models::{alias}"),
                format!("alias `{alias}` of `{}` removed", after.name),
                at,
            );
        }
    }
    for alias in &after.aliases {
        if !before.aliases.contains(alias) && *alias != before.name {
            out.current(
                Class::Additive,
                "alias-added",
                item,
                format!("alias `{alias}` added"),
                at,
            );
        }
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union enum",
        TypeKind::Newtype(_) => "newtype",
    }
}

fn compare_type(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &TypeDef,
    after: &TypeDef,
    item: &str,
    out: &mut Changes,
) {
    let at = after.pointer.as_str();
    deprecation(
        out,
        (before.docs.deprecated, after.docs.deprecated),
        item,
        "type",
        at,
        ("type-deprecated", "type-undeprecated"),
    );
    compare_feature(old, new, before.feature, after.feature, item, at, out);
    match (&before.kind, &after.kind) {
        (TypeKind::Struct(b), TypeKind::Struct(a)) => compare_struct(old, new, b, a, item, at, out),
        (TypeKind::Enum(b), TypeKind::Enum(a)) => compare_enum(b, a, item, at, out),
        (TypeKind::Union(b), TypeKind::Union(a)) => compare_union(old, new, b, a, item, at, out),
        (TypeKind::Newtype(b), TypeKind::Newtype(a)) => {
            let (b, a) = (old.ty(b), new.ty(a));
            if b != a {
                out.current(
                    Class::Breaking,
                    "newtype-changed",
                    item,
                    format!("wraps `{a}` instead of `{b}`"),
                    at,
                )
                .types(b, a);
            }
        }
        (b, a) => {
            out.current(
                Class::Breaking,
                "type-kind-changed",
                item,
                format!("changed from a {} to a {}", kind_name(b), kind_name(a)),
                at,
            );
        }
    }
}

/// An item that moved between cargo features.
pub fn compare_feature(
    old: &Side<'_>,
    new: &Side<'_>,
    before: Option<usize>,
    after: Option<usize>,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    if !(old.api.gated && new.api.gated) {
        return;
    }
    let (b, a) = (old.feature(before), new.feature(after));
    let (class, message) = match (b, a) {
        (Some(b), Some(a)) if a != b => (
            Class::Breaking,
            format!("moved from feature `{b}` to feature `{a}`: code enabling only `{b}` loses it"),
        ),
        (Some(b), None) => (
            Class::Additive,
            format!("no longer needs feature `{b}`: it is shared by several"),
        ),
        (None, Some(a)) => (
            Class::Breaking,
            format!("now needs feature `{a}`: code without it loses it"),
        ),
        _ => return,
    };
    out.current(class, "feature-moved", item, message, at)
        .types(b.unwrap_or("(shared)"), a.unwrap_or("(shared)"));
}

fn compare_struct(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Struct,
    after: &Struct,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    let current: BTreeMap<&str, &Field> =
        after.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let previous: BTreeMap<&str, &Field> =
        before.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    for f in &before.fields {
        let field_item = format!("{item}::{}", f.name);
        match current.get(f.name.as_str()) {
            None => {
                out.previous(
                    Class::Breaking,
                    "field-removed",
                    &field_item,
                    format!("field `{}: {}` removed", f.name, old.field(f)),
                    &f.pointer,
                );
            }
            Some(a) => compare_field(old, new, f, a, &field_item, out),
        }
    }
    for f in after
        .fields
        .iter()
        .filter(|f| !previous.contains_key(f.name.as_str()))
    {
        let field_item = format!("{item}::{}", f.name);
        let declared = new.field(f);
        if f.optional() {
            out.current(
                Class::Additive,
                "optional-field-added",
                field_item,
                format!(
                    "optional field `{}: {declared}` added, with setter `{}(..)`",
                    f.name, f.setter
                ),
                &f.pointer,
            );
        } else {
            out.current(
                Class::Breaking,
                "required-field-added",
                field_item,
                format!(
                    "required field `{}: {declared}` added: `new(..)` takes it",
                    f.name
                ),
                &f.pointer,
            );
        }
    }
    compare_constructor(old, new, before, after, item, at, out);
    compare_additional(old, new, before, after, item, at, out);
}

fn compare_field(
    old: &Side<'_>,
    new: &Side<'_>,
    b: &Field,
    a: &Field,
    item: &str,
    out: &mut Changes,
) {
    let at = a.pointer.as_str();
    let (tb, ta) = (old.field(b), new.field(a));
    if tb != ta {
        let (kind, message) = match (b.optional(), a.optional()) {
            (true, false) if old.ty(&b.ty) == new.ty(&a.ty) => (
                "field-now-required",
                format!(
                    "now required: `{ta}` instead of `{tb}`; `new(..)` takes it and the setter `{}(..)` is gone",
                    b.setter
                ),
            ),
            (false, true) if old.ty(&b.ty) == new.ty(&a.ty) => (
                "field-now-optional",
                format!(
                    "now {}: `{ta}` instead of `{tb}`; `new(..)` no longer takes it, the setter `{}(..)` sets it",
                    if a.required { "nullable" } else { "optional" },
                    a.setter
                ),
            ),
            _ => (
                "field-type-changed",
                format!("type changed from `{tb}` to `{ta}`"),
            ),
        };
        out.current(Class::Breaking, kind, item, message, at)
            .types(tb, ta);
    } else if (b.required, b.nullable) != (a.required, a.nullable) {
        // Same Rust type (`Option<T>` on both sides): only what is sent for
        // `None` differs (nothing, or `null`).
        let describe = |f: &Field| match (f.required, f.nullable) {
            (true, true) => "required and nullable",
            (false, true) => "optional and nullable",
            (false, false) => "optional",
            (true, false) => "required",
        };
        out.current(
            Class::Internal,
            "field-presence-changed",
            item,
            format!(
                "was {}, now {}; the Rust type stays `{ta}`",
                describe(b),
                describe(a)
            ),
            at,
        );
    }
    if b.wire != a.wire {
        out.current(
            Class::Internal,
            "field-wire-name-changed",
            item,
            format!("sent and read as `{}` instead of `{}`", a.wire, b.wire),
            at,
        )
        .types(&b.wire, &a.wire);
    }
    deprecation(
        out,
        (b.docs.deprecated, a.docs.deprecated),
        item,
        "field",
        at,
        ("field-deprecated", "field-undeprecated"),
    );
}

/// `new(..)` takes the required fields in order: a reordering breaks
/// callers (silently, when the types agree), and `Default` exists only
/// while nothing is required.
fn compare_constructor(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Struct,
    after: &Struct,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    let args = |side: &Side<'_>, s: &Struct| -> Vec<String> {
        s.fields
            .iter()
            .filter(|f| !f.optional())
            .map(|f| format!("{}: {}", f.name, side.ty(&f.ty)))
            .collect()
    };
    let (b, a) = (args(old, before), args(new, after));
    let kept_b: Vec<&String> = b.iter().filter(|x| a.contains(x)).collect();
    let kept_a: Vec<&String> = a.iter().filter(|x| b.contains(x)).collect();
    if kept_b != kept_a {
        out.current(
            Class::Breaking,
            "constructor-order-changed",
            format!("{item}::new"),
            "takes its required fields in another order",
            at,
        )
        .types(
            format!("new({})", b.join(", ")),
            format!("new({})", a.join(", ")),
        );
    }
    compare_default(b.is_empty(), a.is_empty(), item, at, out);
}

/// `Default` is derived while nothing is required.
pub fn compare_default(before: bool, after: bool, item: &str, at: &str, out: &mut Changes) {
    match (before, after) {
        (true, false) => {
            out.current(
                Class::Breaking,
                "default-removed",
                item,
                "no longer implements `Default`: a value is now required",
                at,
            );
        }
        (false, true) => {
            out.current(
                Class::Additive,
                "default-added",
                item,
                "implements `Default`: nothing is required any more",
                at,
            );
        }
        _ => {}
    }
}

fn compare_additional(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Struct,
    after: &Struct,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    let map = |side: &Side<'_>, s: &Struct| {
        s.additional
            .as_ref()
            .map(|(name, ty)| (name.clone(), format!("BTreeMap<String, {}>", side.ty(ty))))
    };
    match (map(old, before), map(new, after)) {
        (None, Some((name, ty))) => {
            out.current(
                Class::Additive,
                "additional-properties-added",
                format!("{item}::{name}"),
                format!("keeps properties the schema does not list in `{name}: {ty}`"),
                at,
            );
        }
        (Some((name, ty)), None) => {
            out.current(
                Class::Breaking,
                "additional-properties-removed",
                format!("{item}::{name}"),
                format!("field `{name}: {ty}` removed: other properties are ignored"),
                at,
            );
        }
        (Some(b), Some(a)) if a != b => {
            out.current(
                Class::Breaking,
                "additional-properties-changed",
                format!("{item}::{}", a.0),
                format!(
                    "field for other properties changed from `{}: {}` to `{}: {}`",
                    b.0, b.1, a.0, a.1
                ),
                at,
            )
            .types(b.1, a.1);
        }
        _ => {}
    }
}

fn compare_enum(before: &StringEnum, after: &StringEnum, item: &str, at: &str, out: &mut Changes) {
    let current: BTreeMap<&str, &str> = after
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    let previous: BTreeMap<&str, &str> = before
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    for (name, value) in &previous {
        match current.get(name) {
            None => {
                out.current(
                    Class::Breaking,
                    "variant-removed",
                    format!("{item}::{name}"),
                    format!(
                        "variant `{name}` (`{value}`) removed: the value now decodes into `{}`",
                        after.other
                    ),
                    at,
                );
            }
            Some(now) if now != value => {
                out.current(
                    Class::Internal,
                    "variant-value-changed",
                    format!("{item}::{name}"),
                    format!("stands for `{now}` instead of `{value}` on the wire"),
                    at,
                )
                .types(*value, *now);
            }
            Some(_) => {}
        }
    }
    for (name, value) in current.iter().filter(|(n, _)| !previous.contains_key(*n)) {
        out.current(
            Class::Additive,
            "variant-added",
            format!("{item}::{name}"),
            format!(
                "variant `{name}` (`{value}`) added; the value decoded into `{}` before",
                before.other
            ),
            at,
        );
    }
    let order = |e: &StringEnum| -> Vec<String> {
        e.variants
            .iter()
            .map(|v| v.name.clone())
            .filter(|n| previous.contains_key(n.as_str()) && current.contains_key(n.as_str()))
            .collect()
    };
    if order(before) != order(after) {
        // `Ord` is derived: it follows the order of the variants.
        out.current(
            Class::Internal,
            "variant-order-changed",
            item,
            "the variants are in another order, and compare (`Ord`) in that order",
            at,
        )
        .types(order(before).join(", "), order(after).join(", "));
    }
    if before.other != after.other {
        out.current(
            Class::Breaking,
            "catch-all-renamed",
            format!("{item}::{}", after.other),
            format!(
                "the catch-all variant is `{}` instead of `{}`",
                after.other, before.other
            ),
            at,
        )
        .types(&before.other, &after.other);
    }
}

fn compare_union(
    old: &Side<'_>,
    new: &Side<'_>,
    before: &Union,
    after: &Union,
    item: &str,
    at: &str,
    out: &mut Changes,
) {
    let payload = |side: &Side<'_>, u: &Union| -> BTreeMap<String, String> {
        u.variants
            .iter()
            .map(|v| (v.name.clone(), side.wrapped(&v.ty, v.boxed, false)))
            .collect()
    };
    let (previous, current) = (payload(old, before), payload(new, after));
    for (name, b) in &previous {
        let variant = format!("{item}::{name}");
        match current.get(name) {
            None => {
                out.current(
                    Class::Breaking,
                    "union-variant-removed",
                    variant,
                    format!("alternative `{name}({b})` removed"),
                    at,
                );
            }
            Some(a) if a != b => {
                out.current(
                    Class::Breaking,
                    "union-variant-changed",
                    variant,
                    format!("alternative `{name}` holds `{a}` instead of `{b}`"),
                    at,
                )
                .types(b, a);
            }
            Some(_) => {}
        }
    }
    for (name, a) in current.iter().filter(|(n, _)| !previous.contains_key(*n)) {
        out.current(
            Class::Additive,
            "union-variant-added",
            format!("{item}::{name}"),
            format!("alternative `{name}({a})` added"),
            at,
        );
    }
    if before.other != after.other {
        out.current(
            Class::Breaking,
            "catch-all-renamed",
            format!("{item}::{}", after.other),
            format!(
                "the catch-all variant is `{}` instead of `{}`",
                after.other, before.other
            ),
            at,
        )
        .types(&before.other, &after.other);
    }
    let order = |u: &Union| -> Vec<String> {
        u.variants
            .iter()
            .map(|v| v.name.clone())
            .filter(|n| previous.contains_key(n) && current.contains_key(n))
            .collect()
    };
    if before.discriminator.is_none()
        && after.discriminator.is_none()
        && order(before) != order(after)
    {
        out.current(
            Class::Internal,
            "union-order-changed",
            item,
            "alternatives are tried in another order when decoding",
            at,
        )
        .types(order(before).join(", "), order(after).join(", "));
    }
    let tags = |u: &Union| -> Vec<(String, Vec<String>)> {
        u.variants
            .iter()
            .map(|v| (v.name.clone(), v.tags.clone()))
            .collect()
    };
    if before.discriminator != after.discriminator
        || (before.discriminator.is_some() && tags(before) != tags(after))
    {
        let describe = |u: &Union| match &u.discriminator {
            Some(d) => format!("by property `{d}`"),
            None => "by trying each alternative".to_owned(),
        };
        out.current(
            Class::Internal,
            "union-discriminator-changed",
            item,
            format!(
                "decoded {} (was {}), or with other tag values",
                describe(after),
                describe(before)
            ),
            at,
        );
    }
}
