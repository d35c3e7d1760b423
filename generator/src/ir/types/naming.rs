//! Which name each type gets: components keep the names reserved for them
//! up front, inline types claim one from their use site's hint when (and
//! only when) they are created, and an inline type shared by several uses
//! is renamed after what their names have in common. The rules themselves
//! live in [`crate::ir::names`].

use std::collections::{HashMap, HashSet};

use openapiv3::ReferenceOr;

use super::schema::is_nominal;
use crate::diagnostics::escape_token;
use crate::ir::names::{self, Namespace};
use crate::ir::refs::COMPONENT_SCHEMAS;
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
pub struct TypeNames {
    names: Namespace,
    /// Reserved names of nominal components, by `$ref` string.
    components: HashMap<String, String>,
    /// Reserved names already given to a type.
    used_reserved: HashSet<String>,
}

impl TypeNames {
    /// Reserves the names of all nominal component schemas, so inline
    /// schemas never take a component's name and a component's name does
    /// not change when another one starts being used.
    ///
    /// Components whose names collide are numbered in an order that does
    /// not depend on the document's: a key that already is its type name
    /// (`FooBar`) comes first, then the others by key in byte order
    /// (`fooBar` before `foo_bar`), so `FooBar`, `fooBar` and `foo_bar` are
    /// `FooBar`, `FooBar2` and `FooBar3`.
    pub fn new(doc: &Document) -> Self {
        let mut names = Namespace::pascal();
        let mut components = HashMap::new();
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
            let name = names.claim(&name);
            components.insert(format!("{COMPONENT_SCHEMAS}{}", escape_token(key)), name);
        }
        Self {
            names,
            components,
            used_reserved: HashSet::new(),
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

    /// Renames each inline type shared by several uses after what the
    /// uses' names have in common, when that name is free; otherwise it
    /// keeps the name of its first use. `shared` lists the types in
    /// creation order with their uses' hints.
    pub fn rename_shared<'h>(
        &mut self,
        defs: &mut [Option<TypeDef>],
        shared: impl IntoIterator<Item = (TypeId, &'h [String])>,
    ) {
        for (id, hints) in shared {
            let Some(name) = names::derived::shared(hints) else {
                continue;
            };
            if !self.names.contains(&name)
                && let Some(Some(def)) = defs.get_mut(id.0)
            {
                self.names.reserve(&name);
                def.name = name;
            }
        }
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
        let mut names = TypeNames::new(&d);
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
        let mut names = TypeNames::new(&d);
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
        let mut names = TypeNames::new(&d);
        let def = |name: &str| {
            Some(TypeDef {
                name: name.into(),
                pointer: String::new(),
                docs: Docs::default(),
                kind: TypeKind::Newtype(TypeRef::String),
                in_request: false,
                example: None,
                feature: None,
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
        // `ListDirection` is a component's: the first use's name stays.
        assert_eq!(defs[1].as_ref().unwrap().name, "AccountsListDirection");
    }
}
