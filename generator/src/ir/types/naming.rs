//! Which name each type gets: a name pinned in the configuration first;
//! components keep the names reserved for them up front; inline types claim
//! one from their use site's hint when (and only when) they are created,
//! and an inline type shared by several uses is renamed after what their
//! names have in common. The rules themselves live in [`crate::ir::names`].

use std::collections::{HashMap, HashSet};

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::schema::is_nominal;
use crate::diagnostics::{Diagnostic, escape_token};
use crate::ir::names::{self, Namespace};
use crate::ir::pins::{Pin, Pins};
use crate::ir::refs::{self, COMPONENT_SCHEMAS};
use crate::ir::{TypeDef, TypeId};
use crate::load::Document;

/// The name a nominal type will get: a component's reserved name, or one
/// claimed from a hint when (and only if) a type is actually created.
#[derive(Debug, Clone)]
pub enum NameChoice {
    /// A component's own name.
    Reserved(String),
    /// A hint to derive an inline name from.
    Hint(String),
}

impl NameChoice {
    /// The text inner names are derived from.
    pub fn hint(&self) -> &str {
        match self {
            NameChoice::Reserved(s) | NameChoice::Hint(s) => s,
        }
    }
}

/// The type namespace and the names reserved in it.
#[derive(Debug)]
pub struct TypeNames<'a> {
    raw: &'a Value,
    names: Namespace,
    /// Reserved names of nominal components, by `$ref` string.
    components: HashMap<String, String>,
    /// Reserved names already given to a type.
    used_reserved: HashSet<String>,
    pins: Pins,
    /// Types named by a pin on one of their uses: name to type and the
    /// location pinned.
    pinned: HashMap<String, (TypeId, String)>,
    errors: Vec<Diagnostic>,
}

impl<'a> TypeNames<'a> {
    /// Reserves the names of all nominal component schemas, so inline
    /// schemas never take a component's name and a component's name does
    /// not change when another one starts being used.
    ///
    /// Components whose names collide are numbered in an order that does
    /// not depend on the document's: a key that already is its type name
    /// (`FooBar`) comes first, then the others by key in byte order
    /// (`fooBar` before `foo_bar`), so `FooBar`, `fooBar` and `foo_bar` are
    /// `FooBar`, `FooBar2` and `FooBar3`.
    ///
    /// Pinned names are reserved before anything else; a component pinned
    /// by its own pointer takes its pin, and one whose own name someone
    /// else pinned is an error (components keep their names).
    pub fn new(doc: &'a Document, pins: Pins) -> Self {
        let mut names = Namespace::pascal();
        let mut components = HashMap::new();
        let mut errors = Vec::new();
        let pinned_names: HashMap<&str, &Pin> = pins.iter().map(|p| (p.name.as_str(), p)).collect();
        for name in pinned_names.keys() {
            names.reserve(name);
        }
        let mut nominal: Vec<(bool, &str, String)> = doc
            .api
            .components
            .iter()
            .flat_map(|c| &c.schemas)
            .filter(|(_, schema)| matches!(schema, ReferenceOr::Item(s) if is_nominal(s)))
            .map(|(key, _)| {
                let name = names::derived::component(key);
                (name != *key, key.as_str(), name)
            })
            .collect();
        nominal.sort();
        for (_, key, name) in nominal {
            let reference = format!("{COMPONENT_SCHEMAS}{}", escape_token(key));
            let name = match (
                pins.at_location(&reference),
                pinned_names.get(name.as_str()),
            ) {
                (Some(own), _) => own.name.clone(),
                (None, Some(other)) => {
                    errors.push(other.error(format!(
                        "`{name}` is the name of component `{reference}`, and components keep their names; pin another name, or pin `{reference}` too"
                    )));
                    name
                }
                (None, None) => names.claim(&name),
            };
            components.insert(reference, name);
        }
        Self {
            raw: &doc.raw,
            names,
            components,
            used_reserved: HashSet::new(),
            pins,
            pinned: HashMap::new(),
            errors,
        }
    }

    /// How the type behind `reference` is named.
    pub fn for_reference(&self, reference: &str) -> NameChoice {
        match self.components.get(reference) {
            Some(name) => NameChoice::Reserved(name.clone()),
            None => NameChoice::Hint(names::derived::reference_hint(reference)),
        }
    }

    /// Claims a unique type name derived from `hint`.
    pub fn claim(&mut self, hint: &str) -> String {
        self.names.claim(&names::derived::inline(hint))
    }

    /// The name for a type being created: the reserved name the first time
    /// it is asked for, else one claimed from the hint.
    pub fn take(&mut self, choice: &NameChoice) -> String {
        match choice {
            NameChoice::Reserved(name) if self.used_reserved.insert(name.clone()) => name.clone(),
            other => self.claim(other.hint()),
        }
    }

    /// The name of a new type `id` made from the schema at `at`: its pin,
    /// else the reserved name or one claimed from the hint (see
    /// [`Self::take`]). Components are pinned through their reserved name.
    pub fn name(&mut self, choice: &NameChoice, at: &str, id: TypeId) -> String {
        if let NameChoice::Hint(_) = choice
            && let Some(pin) = self.pins.at(self.raw, at).cloned()
        {
            self.give_pin(&pin, id);
            return pin.name;
        }
        self.take(choice)
    }

    /// Records that `pin` names type `id`; two different types must not
    /// share a pinned name.
    fn give_pin(&mut self, pin: &Pin, id: TypeId) {
        match self.pinned.get(&pin.name) {
            Some((other, location)) if *other != id => {
                self.errors.push(pin.error(format!(
                    "the schemas at `{location}` and `{}` are pinned as `{}` but make two different types; pin each its own name",
                    pin.location, pin.name
                )));
            }
            Some(_) => {}
            None => {
                self.pinned
                    .insert(pin.name.clone(), (id, pin.location.clone()));
            }
        }
    }

    /// Another use of the inline type `id`, at `at`: a pin there names it.
    pub fn reuse(&mut self, defs: &mut [Option<TypeDef>], id: TypeId, at: &str) {
        let Some(pin) = self.pins.at(self.raw, at).cloned() else {
            return;
        };
        let Some(Some(def)) = defs.get_mut(id.0) else {
            return;
        };
        if def.name == pin.name {
            return;
        }
        if let Some((_, location)) = self.pinned.get(&def.name).filter(|(t, _)| *t == id) {
            self.errors.push(pin.error(format!(
                "the schemas at `{location}` and `{}` make one type, pinned as both `{}` and `{}`; pin one name",
                pin.location, def.name, pin.name
            )));
            return;
        }
        def.name = pin.name.clone();
        self.give_pin(&pin, id);
    }

    fn is_pinned(&self, id: TypeId) -> bool {
        self.pinned.values().any(|(t, _)| *t == id)
    }

    /// Renames each inline type shared by several uses after what the
    /// uses' names have in common, when that name is free; otherwise it
    /// keeps the name of its first use. Pinned types keep their pins.
    /// `shared` lists the types in creation order with their uses' hints.
    pub fn rename_shared<'h>(
        &mut self,
        defs: &mut [Option<TypeDef>],
        shared: impl IntoIterator<Item = (TypeId, &'h [String])>,
    ) {
        for (id, hints) in shared {
            if self.is_pinned(id) {
                continue;
            }
            let Some(Some(def)) = defs.get_mut(id.0) else {
                continue;
            };
            let first = def.name.clone();
            if let Some(name) = names::derived::shared(hints)
                && !self.names.contains(&name)
            {
                self.names.reserve(&name);
                def.name = name;
            }
            def.aliases = self.aliases(&def.name, first, hints);
        }
    }

    /// The names a shared type's uses would have given it alone, kept as
    /// aliases: the first use's (already claimed), and each other use's
    /// when no type or alias has it yet (it is then reserved, so nothing
    /// claimed later takes it). Types are visited in creation order and
    /// hints in order of use, so who gets a contested name is decided
    /// once, here.
    fn aliases(&mut self, name: &str, first: String, hints: &[String]) -> Vec<String> {
        let mut aliases: Vec<String> = Some(first).filter(|f| f != name).into_iter().collect();
        for hint in hints.iter().skip(1) {
            let name = names::derived::inline(hint);
            if !self.names.contains(&name) {
                self.names.reserve(&name);
                aliases.push(name);
            }
        }
        aliases.sort();
        aliases
    }

    /// The namespace with every name given so far, for names claimed after
    /// the types are built.
    pub fn into_namespace(self) -> Namespace {
        self.names
    }

    /// The configuration errors found: pins that name no type, and pins
    /// in conflict.
    pub fn errors(&mut self, defs: &[Option<TypeDef>]) -> Vec<Diagnostic> {
        let given: HashSet<&str> = defs.iter().flatten().map(|d| d.name.as_str()).collect();
        for pin in self.pins.iter() {
            if given.contains(pin.name.as_str()) {
                continue;
            }
            let why = match refs::target(self.raw, &pin.location)
                .and_then(|node| node.get("$ref"))
                .and_then(Value::as_str)
            {
                Some(target) => format!("it is a reference; pin `{target}`, where it leads"),
                None => "the schema there is not used by any operation, or gets no type of its own (only objects with properties, enums and compositions do)".to_owned(),
            };
            self.errors.push(pin.error(format!(
                "no type is made at `{}`, so `{}` names nothing: {why}",
                pin.key, pin.name
            )));
        }
        std::mem::take(&mut self.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, TypeKind, TypeRef};

    fn doc(schemas: &str) -> Document {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        crate::load::load_bytes(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    const OBJECT: &str = "{type: object, properties: {a: {type: string}}}";

    #[test]
    fn nominal_components_reserve_their_names_up_front() {
        let d = doc(&format!(
            "    foo_bar: {OBJECT}\n    fooBar: {OBJECT}\n    FooBar: {OBJECT}\n    Id: {{type: string}}\n    a/b: {{type: string, enum: [x]}}\n"
        ));
        let mut names = TypeNames::new(&d, Pins::default());
        let reserved = |n: &TypeNames, r: &str| match n.for_reference(r) {
            NameChoice::Reserved(name) => Some(name),
            NameChoice::Hint(_) => None,
        };
        // Numbered by a rule, not by document order: the key that is its
        // own type name first, then by key.
        assert_eq!(
            reserved(&names, "#/components/schemas/FooBar").as_deref(),
            Some("FooBar")
        );
        assert_eq!(
            reserved(&names, "#/components/schemas/fooBar").as_deref(),
            Some("FooBar2")
        );
        assert_eq!(
            reserved(&names, "#/components/schemas/foo_bar").as_deref(),
            Some("FooBar3")
        );
        assert_eq!(
            reserved(&names, "#/components/schemas/a~1b").as_deref(),
            Some("AB")
        );
        // A primitive component is no type of its own, so reserves nothing.
        assert_eq!(reserved(&names, "#/components/schemas/Id"), None);
        // Inline types avoid reserved names.
        assert_eq!(names.claim("Foo Bar"), "FooBar4");
        assert_eq!(names.claim("Id"), "Id");
    }

    #[test]
    fn a_reserved_name_is_given_once() {
        let d = doc(&format!("    Thing: {OBJECT}\n"));
        let mut names = TypeNames::new(&d, Pins::default());
        let choice = names.for_reference("#/components/schemas/Thing");
        assert_eq!(names.take(&choice), "Thing");
        assert_eq!(names.take(&choice), "Thing2");
        let hint = names.for_reference("#/paths/~1a/get/responses/200/content/x/schema");
        assert_eq!(hint.hint(), "schema");
        assert_eq!(names.take(&hint), "Schema");
    }

    #[test]
    fn shared_types_take_the_common_name_only_when_free() {
        let d = doc(&format!("    ListDirection: {OBJECT}\n"));
        let mut names = TypeNames::new(&d, Pins::default());
        let def = |name: &str| {
            Some(TypeDef {
                name: name.into(),
                pointer: String::new(),
                docs: Docs::default(),
                kind: TypeKind::Newtype(TypeRef::String),
                in_request: false,
                example: None,
                feature: None,
                gate: Vec::new(),
                aliases: Vec::new(),
            })
        };
        let mut defs = vec![def("AccountsListStatus"), def("AccountsListDirection")];
        let status = ["AccountsListStatus".to_owned(), "OrgsListStatus".to_owned()];
        let direction = [
            "AccountsListDirection".to_owned(),
            "OrgsListDirection".to_owned(),
        ];
        names.rename_shared(
            &mut defs,
            [(TypeId(0), &status[..]), (TypeId(1), &direction[..])],
        );
        assert_eq!(defs[0].as_ref().unwrap().name, "ListStatus");
        // Every use's own name stays, as an alias.
        assert_eq!(
            defs[0].as_ref().unwrap().aliases,
            ["AccountsListStatus", "OrgsListStatus"]
        );
        // `ListDirection` is a component's: the first use's name stays,
        // and the other use's is an alias.
        assert_eq!(defs[1].as_ref().unwrap().name, "AccountsListDirection");
        assert_eq!(defs[1].as_ref().unwrap().aliases, ["OrgsListDirection"]);
    }

    #[test]
    fn an_alias_never_takes_a_name_already_given() {
        let d = doc(&format!("    OrgsListStatus: {OBJECT}\n"));
        let mut names = TypeNames::new(&d, Pins::default());
        let def = |name: &str| {
            Some(TypeDef {
                name: name.into(),
                pointer: String::new(),
                docs: Docs::default(),
                kind: TypeKind::Newtype(TypeRef::String),
                in_request: false,
                example: None,
                feature: None,
                gate: Vec::new(),
                aliases: Vec::new(),
            })
        };
        let mut defs = vec![def("AccountsListStatus"), def("UsersListKind")];
        let status = [
            "AccountsListStatus".to_owned(),
            "OrgsListStatus".to_owned(),
            "UsersListStatus".to_owned(),
        ];
        let kind = ["UsersListKind".to_owned(), "UsersListStatus".to_owned()];
        names.rename_shared(
            &mut defs,
            [(TypeId(0), &status[..]), (TypeId(1), &kind[..])],
        );
        // `OrgsListStatus` is a component's; `UsersListStatus` went to the
        // first type, so the second's use by that name gets no alias.
        assert_eq!(
            defs[0].as_ref().unwrap().aliases,
            ["AccountsListStatus", "UsersListStatus"]
        );
        // Nothing in common: the first use's name stays, and is no alias.
        assert_eq!(defs[1].as_ref().unwrap().name, "UsersListKind");
        assert!(defs[1].as_ref().unwrap().aliases.is_empty());
        // Names claimed later avoid aliases too.
        assert_eq!(names.claim("UsersListStatus"), "UsersListStatus2");
    }
}
