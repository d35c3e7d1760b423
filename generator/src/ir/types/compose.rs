//! `allOf`: the parts of a composition merged into one object, and the
//! questions asked of merged objects (is it a list? does it have this
//! property path?).
//!
//! Merging rules: properties are kept in first-seen order and a later part's
//! schema for a property replaces an earlier one's; `required` is the union;
//! the last part that states `additionalProperties` decides it. A part that
//! is itself a composition is merged recursively, and a reference already
//! being merged is skipped, so a composition that includes itself ends.
//! A composition with a single non-empty part and no properties of its own
//! is not merged: it is that part, and the caller uses it directly.
//!
//! The merged parts of a referenced part are remembered ([`MergeCache`]), so
//! a chain of compositions each including the one before (`allOf: [$ref:
//! Previous, {properties}]`) merges every link once in all, not once for
//! every schema below it: building N such schemas takes O(N) merge steps,
//! where merging each from scratch took O(N²).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::schema::{Shape, has_own_properties, is_empty_schema, is_null_only};
use crate::diagnostics::{Diagnostic, child};
use crate::ir::Access;
use crate::ir::refs::{MAX_ALIAS_DEPTH, SchemaRef, Schemas};

/// The properties of an object schema, with `allOf` parts merged.
#[derive(Debug, Clone, Default)]
pub struct ObjectParts {
    /// Properties: schema and pointer, in first-seen order; a later part's
    /// schema replaces an earlier one's.
    pub props: IndexMap<String, (ReferenceOr<Schema>, String)>,
    /// Required property names.
    pub required: BTreeSet<String>,
    /// Additional properties schema (`Some(None)` for `true`).
    pub additional: Option<Option<(ReferenceOr<Schema>, String)>>,
}

/// Why an `allOf` cannot become one struct.
#[derive(Debug)]
pub enum AllOfProblem {
    /// Only one part carries anything; use it directly.
    SingleAlternative(Box<ReferenceOr<Schema>>, String),
    /// A part is not an object (pointer to it).
    NotAnObject(String),
}

/// The merged parts of referenced `allOf` parts, kept for the whole build.
#[derive(Debug, Default)]
pub struct MergeCache {
    /// `$ref` to its merged parts and the warnings merging it gave.
    merged: HashMap<String, Rc<Merged>>,
    /// Schemas merged so far (one per call of the merging step); what the
    /// cache saves is measured by this.
    steps: usize,
}

impl MergeCache {
    /// How many schemas have been merged (each `allOf` part or referenced
    /// schema walked counts once per time it is walked).
    #[cfg(test)]
    pub fn steps(&self) -> usize {
        self.steps
    }
}

/// A referenced schema merged on its own.
#[derive(Debug)]
struct Merged {
    parts: ObjectParts,
    warnings: Vec<Diagnostic>,
}

/// Merges compositions, looking up referenced parts and recording what it
/// has to ignore.
pub struct Merger<'s, 'a> {
    /// Where referenced parts are found.
    pub schemas: &'s mut Schemas<'a>,
    /// Where warnings go.
    pub warnings: &'s mut Vec<Diagnostic>,
    /// Referenced parts merged before.
    pub cache: &'s mut MergeCache,
}

impl ObjectParts {
    /// Merges `other`, the merged parts of a later part, into these: the
    /// same as merging that part's schemas here one by one (properties in
    /// first-seen order, the last schema of each kept; `required` the
    /// union; `additionalProperties` the last one stated).
    fn extend_with(&mut self, other: &ObjectParts) {
        for (name, prop) in &other.props {
            self.props.insert(name.clone(), prop.clone());
        }
        self.required.extend(other.required.iter().cloned());
        if let Some(additional) = &other.additional {
            self.additional = Some(additional.clone());
        }
    }
}

impl Merger<'_, '_> {
    /// Merges an object schema and its `allOf` parts. A composition with a
    /// single non-empty alternative is reported as such, so the caller can
    /// use that alternative directly.
    pub fn object_parts(&mut self, schema: &Schema, at: &str) -> Result<ObjectParts, AllOfProblem> {
        let mut parts = ObjectParts::default();
        let mut visiting = HashSet::new();
        if let Shape::AllOf(all) = Shape::of(schema) {
            let meaningful: Vec<(usize, &ReferenceOr<Schema>)> = all
                .iter()
                .enumerate()
                .filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_empty_schema(s)))
                .collect();
            if let [(i, only)] = meaningful.as_slice()
                && !has_own_properties(schema)
            {
                return Err(AllOfProblem::SingleAlternative(
                    Box::new((*only).clone()),
                    child(&child(at, "allOf"), i.to_string()),
                ));
            }
        }
        self.merge_into(&mut parts, schema, at, &mut visiting)?;
        Ok(parts)
    }

    /// Merges the schema `reference` names into `parts`, from the cache
    /// when it was merged before. Returns whether a reference was skipped
    /// because it was already being merged (a cycle): such a result
    /// depends on where the walk started, so it is not cached. A result
    /// without a skip is the same from anywhere: a cycle through it would
    /// have been cut while merging it.
    fn merge_reference(
        &mut self,
        parts: &mut ObjectParts,
        reference: &str,
        part_at: String,
        visiting: &mut HashSet<String>,
    ) -> Result<bool, AllOfProblem> {
        if let Some(merged) = self.cache.merged.get(reference).map(Rc::clone) {
            self.warnings.extend(merged.warnings.iter().cloned());
            parts.extend_with(&merged.parts);
            return Ok(false);
        }
        let target = self
            .schemas
            .lookup(reference)
            .ok_or(AllOfProblem::NotAnObject(part_at))?;
        let first_warning = self.warnings.len();
        let mut own = ObjectParts::default();
        let cut = self.merge_into(&mut own, &target, reference, visiting)?;
        parts.extend_with(&own);
        if !cut {
            let warnings = self.warnings[first_warning..].to_vec();
            self.cache.merged.insert(
                reference.to_owned(),
                Rc::new(Merged {
                    parts: own,
                    warnings,
                }),
            );
        }
        Ok(cut)
    }

    /// Merges `schema` and its parts into `parts`; returns whether a
    /// reference was skipped as a cycle.
    fn merge_into(
        &mut self,
        parts: &mut ObjectParts,
        schema: &Schema,
        at: &str,
        visiting: &mut HashSet<String>,
    ) -> Result<bool, AllOfProblem> {
        self.cache.steps += 1;
        let (props, required, additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                o.required.as_slice(),
                o.additional_properties.as_ref(),
            ),
            SchemaKind::Any(a) => (
                Some(&a.properties),
                a.required.as_slice(),
                a.additional_properties.as_ref(),
            ),
            SchemaKind::AllOf { .. } => (None, &[][..], None),
            _ if is_empty_schema(schema) => (None, &[][..], None),
            _ => return Err(AllOfProblem::NotAnObject(at.to_owned())),
        };
        let all_of: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => &a.all_of,
            _ => &[],
        };
        if let SchemaKind::Any(a) = &schema.schema_kind
            && (!a.one_of.is_empty() || !a.any_of.is_empty())
        {
            self.warnings.push(Diagnostic::warning(
                "untyped-schema",
                at.to_owned(),
                "`oneOf`/`anyOf` next to `properties` is ignored; only the properties are typed",
            ));
        }
        let mut cut = false;
        for (i, part) in all_of.iter().enumerate() {
            let part_at = child(&child(at, "allOf"), i.to_string());
            match part {
                ReferenceOr::Reference { reference } => {
                    if !visiting.insert(reference.clone()) {
                        cut = true;
                        continue;
                    }
                    cut |= self.merge_reference(parts, reference, part_at, visiting)?;
                    visiting.remove(reference);
                }
                ReferenceOr::Item(s) => cut |= self.merge_into(parts, s, &part_at, visiting)?,
            }
        }
        if let Some(props) = props {
            for (name, prop) in props {
                let prop_at = child(&child(at, "properties"), name);
                parts
                    .props
                    .insert(name.clone(), (prop.clone().unbox(), prop_at));
            }
        }
        parts.required.extend(required.iter().cloned());
        if let Some(ap) = additional {
            parts.additional = Some(match ap {
                AdditionalProperties::Any(true) => None,
                AdditionalProperties::Any(false) => return Ok(cut),
                AdditionalProperties::Schema(s) => {
                    Some(((**s).clone(), child(at, "additionalProperties")))
                }
            });
        }
        Ok(cut)
    }

    /// Whether a property is `readOnly` or `writeOnly`: the schema says so,
    /// or the schema it refers to, or any of its `allOf` parts (whose
    /// annotations all apply), after references. `readOnly` wins when both
    /// are said.
    pub fn access(&mut self, schema: &ReferenceOr<Schema>) -> Access {
        let (mut read, mut write) = (false, false);
        let mut stack = vec![(schema.clone(), MAX_ALIAS_DEPTH)];
        while let Some((schema, depth)) = stack.pop() {
            let Some(depth) = depth.checked_sub(1) else {
                continue;
            };
            let Some(s) = self.schemas.deref(&schema) else {
                continue;
            };
            read |= s.schema_data.read_only;
            write |= s.schema_data.write_only;
            let all_of: &[ReferenceOr<Schema>] = match &s.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(a) => &a.all_of,
                _ => &[],
            };
            stack.extend(all_of.iter().map(|part| (part.clone(), depth)));
        }
        match (read, write) {
            (true, _) => Access::ReadOnly,
            (false, true) => Access::WriteOnly,
            (false, false) => Access::ReadWrite,
        }
    }

    /// Whether a schema (after references, single-part compositions and
    /// unions of one non-null alternative) is an array.
    pub fn is_array(&mut self, schema: &ReferenceOr<Schema>) -> bool {
        self.is_array_within(schema, MAX_ALIAS_DEPTH)
    }

    fn is_array_within(&mut self, schema: &ReferenceOr<Schema>, depth: usize) -> bool {
        let Some(s) = self.schemas.deref(schema) else {
            return false;
        };
        let Some(depth) = depth.checked_sub(1) else {
            return false;
        };
        match Shape::of(&s) {
            Shape::Array(_) => true,
            Shape::AllOf(_) => match self.object_parts(&s, "#") {
                Err(AllOfProblem::SingleAlternative(part, _)) => self.is_array_within(&part, depth),
                _ => false,
            },
            Shape::OneOf(v) | Shape::AnyOf(v) => {
                let v = v.to_vec();
                let non_null: Vec<_> = v
                    .iter()
                    .filter(|x| !self.schemas.deref(x).as_deref().is_some_and(is_null_only))
                    .cloned()
                    .collect();
                non_null.len() == 1 && self.is_array_within(&non_null[0], depth)
            }
            _ => false,
        }
    }

    /// The merged properties of an object schema behind a reference, if it
    /// is an object.
    pub fn properties_of(&mut self, schema: &ReferenceOr<Schema>, at: &str) -> Option<ObjectParts> {
        self.properties_within(schema, at, MAX_ALIAS_DEPTH)
    }

    fn properties_within(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        depth: usize,
    ) -> Option<ObjectParts> {
        let depth = depth.checked_sub(1)?;
        let (s, at) = match schema {
            ReferenceOr::Reference { reference } => {
                (self.schemas.lookup(reference)?, reference.clone())
            }
            ReferenceOr::Item(s) => (
                SchemaRef::Shared(std::rc::Rc::new(s.clone())),
                at.to_owned(),
            ),
        };
        match self.object_parts(&s, &at) {
            Ok(p) => Some(p),
            Err(AllOfProblem::SingleAlternative(part, part_at)) => {
                self.properties_within(&part, &part_at, depth)
            }
            Err(AllOfProblem::NotAnObject(_)) => None,
        }
    }

    /// Whether a dotted property path exists in an object schema.
    pub fn has_path(&mut self, schema: &ReferenceOr<Schema>, path: &[String]) -> bool {
        let Some((first, rest)) = path.split_first() else {
            return true;
        };
        let Some(parts) = self.properties_of(schema, "#") else {
            return false;
        };
        match parts.props.get(first) {
            Some((prop, _)) => rest.is_empty() || self.has_path(&prop.clone(), rest),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;

    fn doc(schemas: &str) -> Document {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        crate::load::load_bytes(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    fn reference(name: &str) -> ReferenceOr<Schema> {
        ReferenceOr::Reference {
            reference: format!("#/components/schemas/{name}"),
        }
    }

    fn with<T>(d: &Document, f: impl FnOnce(&mut Merger<'_, '_>) -> T) -> (T, Vec<Diagnostic>) {
        let mut schemas = Schemas::new(&d.api, &d.raw);
        let mut warnings = Vec::new();
        let mut cache = MergeCache::default();
        let out = f(&mut Merger {
            schemas: &mut schemas,
            warnings: &mut warnings,
            cache: &mut cache,
        });
        (out, warnings)
    }

    /// `depth` schemas, each `allOf` of the one before and two properties
    /// of its own (one required), the first with `oneOf` beside its
    /// properties (a warning each time it is merged).
    fn ladder(depth: usize) -> String {
        let mut out = String::from(
            "    L0: {type: object, required: [a0], properties: {a0: {type: string}}, oneOf: [{type: object}]}\n",
        );
        for i in 1..depth {
            out.push_str(&format!(
                "    L{i}:\n      allOf:\n        - $ref: '#/components/schemas/L{prev}'\n        - {{type: object, required: [a{i}], properties: {{a{i}: {{type: string}}, b{i}: {{type: integer}}}}}}\n",
                prev = i - 1
            ));
        }
        out
    }

    fn flat(parts: &ObjectParts) -> Vec<(String, String, bool)> {
        parts
            .props
            .iter()
            .map(|(name, (_, at))| (name.clone(), at.clone(), parts.required.contains(name)))
            .collect()
    }

    #[test]
    fn a_ladder_of_compositions_merges_each_link_once() {
        const DEPTH: usize = 100;
        let d = doc(&ladder(DEPTH));
        let names: Vec<String> = (0..DEPTH).map(|i| format!("L{i}")).collect();
        // Every level merged, as building their structs does, with one
        // cache for the whole build.
        let mut schemas = Schemas::new(&d.api, &d.raw);
        let mut warnings = Vec::new();
        let mut cache = MergeCache::default();
        let mut merger = Merger {
            schemas: &mut schemas,
            warnings: &mut warnings,
            cache: &mut cache,
        };
        let all: Vec<ObjectParts> = names
            .iter()
            .map(|n| merger.properties_of(&reference(n), "#").unwrap())
            .collect();
        let steps = merger.cache.steps();
        // Merging each level from scratch walks every level below it:
        // DEPTH * (DEPTH + 1) / 2 schemas and more (5,050 and up at 100).
        // Remembering each referenced level walks each schema a bounded
        // number of times.
        assert!(
            steps <= 4 * DEPTH,
            "{steps} merge steps for {DEPTH} levels: not linear"
        );
        // The same results as merging each level alone, warnings included.
        for i in [0, 1, 2, DEPTH / 2, DEPTH - 1] {
            let (alone, alone_warnings) =
                with(&d, |m| m.properties_of(&reference(&names[i]), "#").unwrap());
            assert_eq!(flat(&all[i]), flat(&alone), "level {i}");
            assert_eq!(alone.props.len(), 2 * i + 1);
            assert_eq!(alone_warnings.len(), 1);
        }
        // Each merge of a level warns about L0's `oneOf` once, cached or not.
        assert_eq!(warnings.len(), DEPTH);
    }

    #[test]
    fn a_cycle_cut_short_is_not_remembered() {
        // A includes B includes A: where the cycle is cut, and so the order
        // of the merged properties, depends on where the merge starts.
        // B merged inside A may not stand in for B merged inside C.
        let d = doc(
            "    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - {type: object, properties: {a: {type: string}}}\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - {type: object, properties: {b: {type: string}}}\n    C:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - {type: object, properties: {c: {type: string}}}\n",
        );
        let (shared, _) = with(&d, |m| {
            ["A", "B", "C"].map(|n| flat(&m.properties_of(&reference(n), "#").unwrap()))
        });
        for (i, n) in ["A", "B", "C"].iter().enumerate() {
            let (alone, _) = with(&d, |m| flat(&m.properties_of(&reference(n), "#").unwrap()));
            assert_eq!(shared[i], alone, "{n}");
        }
        let names =
            |v: &[(String, String, bool)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&shared[0]), ["a", "b"]);
        assert_eq!(names(&shared[1]), ["b", "a"]);
        assert_eq!(names(&shared[2]), ["a", "b", "c"]);
    }

    const BASE: &str = "    Base: {type: object, required: [id], properties: {id: {type: string}, kind: {type: string}}}\n";

    #[test]
    fn parts_merge_in_order_and_later_properties_replace_earlier_ones() {
        let d = doc(&format!(
            "{BASE}    Both:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - {{type: object, required: [extra], properties: {{kind: {{type: integer}}, extra: {{type: boolean}}}}, additionalProperties: true}}\n"
        ));
        let (parts, warnings) = with(&d, |m| m.properties_of(&reference("Both"), "#").unwrap());
        assert!(warnings.is_empty());
        let names: Vec<&str> = parts.props.keys().map(String::as_str).collect();
        assert_eq!(names, ["id", "kind", "extra"]);
        let (kind, kind_at) = &parts.props["kind"];
        assert!(
            matches!(kind, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_))))
        );
        assert_eq!(kind_at, "#/components/schemas/Both/allOf/1/properties/kind");
        assert_eq!(
            parts.props["id"].1,
            "#/components/schemas/Base/properties/id"
        );
        assert_eq!(
            parts
                .required
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["extra", "id"]
        );
        assert!(matches!(parts.additional, Some(None)));
    }

    #[test]
    fn a_single_meaningful_part_is_used_directly() {
        let d = doc(&format!(
            "{BASE}    Alias:\n      allOf: [{{}}, {{$ref: '#/components/schemas/Base'}}]\n"
        ));
        let s = d.api.components.as_ref().unwrap().schemas["Alias"]
            .as_item()
            .unwrap()
            .clone();
        let (result, _) = with(&d, |m| m.object_parts(&s, "#/components/schemas/Alias"));
        match result {
            Err(AllOfProblem::SingleAlternative(part, at)) => {
                assert_eq!(*part, reference("Base"));
                assert_eq!(at, "#/components/schemas/Alias/allOf/1");
            }
            other => panic!("expected the single part, got {other:?}"),
        }
        // Queries see through it.
        let (parts, _) = with(&d, |m| m.properties_of(&reference("Alias"), "#").unwrap());
        assert!(parts.props.contains_key("id"));
    }

    #[test]
    fn non_object_parts_and_ignored_keywords_are_reported() {
        let d = doc(&format!(
            "{BASE}    Mixed:\n      allOf: [{{$ref: '#/components/schemas/Base'}}, {{type: string}}]\n    Beside:\n      properties: {{a: {{type: string}}}}\n      oneOf: [{{type: object}}]\n"
        ));
        let (none, _) = with(&d, |m| m.properties_of(&reference("Mixed"), "#"));
        assert!(none.is_none());
        let (parts, warnings) = with(&d, |m| m.properties_of(&reference("Beside"), "#").unwrap());
        assert!(parts.props.contains_key("a"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind, "untyped-schema");
        assert_eq!(warnings[0].pointer, "#/components/schemas/Beside");
    }

    #[test]
    fn a_composition_that_includes_itself_ends() {
        let d = doc(
            "    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n        - {type: object, properties: {a: {type: string}}}\n",
        );
        let (parts, _) = with(&d, |m| m.properties_of(&reference("Loop"), "#").unwrap());
        assert_eq!(parts.props.len(), 1);
    }

    #[test]
    fn lists_and_property_paths() {
        let d = doc(&format!(
            "{BASE}    List: {{type: array, items: {{$ref: '#/components/schemas/Base'}}}}\n    MaybeList: {{oneOf: [{{nullable: true}}, {{$ref: '#/components/schemas/List'}}]}}\n    Wrapped: {{allOf: [{{$ref: '#/components/schemas/List'}}]}}\n    Envelope: {{type: object, properties: {{info: {{type: object, properties: {{cursor: {{type: string}}}}}}}}}}\n"
        ));
        let (lists, _) = with(&d, |m| {
            ["List", "MaybeList", "Wrapped", "Base"].map(|n| m.is_array(&reference(n)))
        });
        assert_eq!(lists, [true, true, true, false]);
        let (paths, _) = with(&d, |m| {
            let path = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
            [
                m.has_path(&reference("Envelope"), &path("info.cursor")),
                m.has_path(&reference("Envelope"), &path("info.total")),
                m.has_path(&reference("Envelope"), &path("nope")),
            ]
        });
        assert_eq!(paths, [true, false, false]);
    }
}
