//! Type names pinned in the configuration (`names:`), so a maintainer can
//! keep a public name whatever happens around it.
//!
//! A pin is a JSON pointer to where a schema is written or used and the
//! name of the type made from it. Pointers are compared by where they lead
//! ([`refs::locate`]), so `#/paths/~1a/get/parameters/0/schema` and
//! `#/components/parameters/P/schema` pin the same type when parameter 0 is
//! a reference to `P`; an inline type shared by several uses takes a pin on
//! any of them. Every pin is checked: its pointer must lead somewhere, its
//! name must be one the generator would make (a `PascalCase` Rust
//! identifier), and after the model is built a type must carry it. Problems
//! are configuration errors, pointing at the pin's entry.

use std::collections::HashMap;

use serde_json::Value;

use super::names;
use super::refs;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::Document;

/// One pinned name.
#[derive(Debug, Clone)]
pub struct Pin {
    /// The pointer as written in the configuration.
    pub key: String,
    /// The type name.
    pub name: String,
    /// Where the pointer leads.
    pub location: String,
}

impl Pin {
    /// A configuration error about this pin.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error("invalid-config", Config::names_pointer(&self.key), message)
    }
}

/// The pins of a configuration, checked against a document.
#[derive(Debug, Default)]
pub struct Pins {
    pins: Vec<Pin>,
    by_location: HashMap<String, usize>,
}

impl Pins {
    /// Reads and checks the configuration's pins.
    pub fn new(doc: &Document, config: &Config) -> Result<Self, Vec<Diagnostic>> {
        let mut out = Pins::default();
        let mut errors = Vec::new();
        // `names` is a sorted map, so errors come in a stable order.
        for (key, name) in &config.names {
            let error = |message: String| {
                Diagnostic::error("invalid-config", Config::names_pointer(key), message)
            };
            if !is_type_name(name) {
                errors.push(error(format!(
                    "`{name}` is not a type name the generator would make: pinned names are PascalCase Rust identifiers, such as `{}`",
                    names::type_name(name, "Type")
                )));
                continue;
            }
            let Some(location) = key
                .starts_with("#/")
                .then(|| refs::locate(&doc.raw, key))
                .flatten()
            else {
                errors.push(error(format!(
                    "`{key}` does not point to anything in {}; pinned names are keyed by JSON pointers such as `#/components/schemas/Account`",
                    doc.path.display()
                )));
                continue;
            };
            if let Some(&other) = out.by_location.get(&location) {
                let other = &out.pins[other];
                if other.name != *name {
                    errors.push(error(format!(
                        "`{key}` leads to `{location}`, as `{}` does, which pins it as `{}`",
                        other.key, other.name
                    )));
                }
                continue;
            }
            out.by_location.insert(location.clone(), out.pins.len());
            out.pins.push(Pin {
                key: key.clone(),
                name: name.clone(),
                location,
            });
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Every pin, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = &Pin> {
        self.pins.iter()
    }

    /// The pin of the schema at `pointer`, if any.
    pub fn at(&self, raw: &Value, pointer: &str) -> Option<&Pin> {
        if self.pins.is_empty() {
            return None;
        }
        self.at_location(&refs::locate(raw, pointer)?)
    }

    /// The pin of a location (a pointer already located).
    pub fn at_location(&self, location: &str) -> Option<&Pin> {
        self.by_location.get(location).map(|&i| &self.pins[i])
    }
}

/// Whether `name` is a type name the generator itself could have made.
fn is_type_name(name: &str) -> bool {
    !name.is_empty() && names::type_name(name, "Type") == name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/P'\n      responses: {'200': {description: ok}}\ncomponents:\n  parameters:\n    P: {name: p, in: query, schema: {type: string, enum: [x]}}\n";
        crate::load::load_bytes(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    fn config(yaml: &str) -> Config {
        Config::from_yaml(yaml, std::path::Path::new("g.yaml")).unwrap()
    }

    fn errors(yaml: &str) -> Vec<String> {
        match Pins::new(&doc(), &config(yaml)) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .into_iter()
                .map(|d| format!("{} {}", d.pointer, d.message))
                .collect(),
        }
    }

    /// Two operations sharing an inline enum through a component parameter
    /// and an inline enum of the same shape at two places, and a component.
    const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /b:
    get:
      parameters:
        - $ref: '#/components/parameters/Order'
        - {name: state, in: query, schema: {type: string, enum: [on, off]}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}}
  /a:
    get:
      parameters:
        - $ref: '#/components/parameters/Order'
        - {name: mode, in: query, schema: {type: string, enum: [on, off]}}
      responses: {'200': {description: ok}}
components:
  parameters:
    Order: {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
  schemas:
    Thing:
      type: object
      properties:
        kind: {type: string, enum: [x, y]}
        ref: {$ref: '#/components/schemas/Id'}
    Id: {type: string}
";

    /// The type names built with `names`, or the errors rendered as the
    /// command line shows them.
    fn build(names: &str) -> Result<Vec<String>, String> {
        let doc =
            crate::load::load_bytes(std::path::Path::new("spec.yaml"), SPEC.as_bytes()).unwrap();
        let text = format!("names:\n{names}");
        let config = Config::from_yaml(&text, std::path::Path::new("g.yaml")).unwrap();
        match crate::ir::build(&doc, &config) {
            Ok((api, _)) => {
                let mut names: Vec<String> = api.types.into_iter().map(|t| t.name).collect();
                names.sort();
                Ok(names)
            }
            Err(errors) => Err(config.invalid(errors).to_string()),
        }
    }

    #[test]
    fn without_pins_inline_names_come_from_the_first_use_in_path_order() {
        assert_eq!(
            build("  {}\n").unwrap(),
            ["AGetMode", "GetOrder", "Thing", "ThingKind"]
        );
    }

    #[test]
    fn a_pin_on_any_use_or_on_the_definition_names_a_shared_type() {
        // A shared type pinned on its second use takes the pin, not the
        // name its uses share.
        assert_eq!(
            build("  '#/paths/~1b/get/parameters/1/schema': Switch\n").unwrap(),
            ["GetOrder", "Switch", "Thing", "ThingKind"]
        );
        let expected = ["AGetMode", "SortOrder", "Thing", "ThingKind"];
        for key in [
            "'#/paths/~1a/get/parameters/0/schema'",
            "'#/paths/~1b/get/parameters/0/schema'",
            "'#/components/parameters/Order/schema'",
        ] {
            assert_eq!(
                build(&format!("  {key}: SortOrder\n")).unwrap(),
                expected,
                "{key}"
            );
        }
    }

    #[test]
    fn components_and_the_types_inside_them_can_be_pinned() {
        assert_eq!(
            build("  '#/components/schemas/Thing': Item\n  '#/components/schemas/Thing/properties/kind': Kind\n")
                .unwrap(),
            ["AGetMode", "GetOrder", "Item", "Kind"]
        );
        // An inline name derived from a pinned component follows it.
        assert_eq!(
            build("  '#/components/schemas/Thing': Item\n").unwrap(),
            ["AGetMode", "GetOrder", "Item", "ItemKind"]
        );
    }

    #[test]
    fn a_pin_never_takes_a_components_name() {
        let e = build("  '#/paths/~1b/get/parameters/1/schema': Thing\n").unwrap_err();
        assert_eq!(
            e,
            "g.yaml:2:3: error[invalid-config]: `Thing` is the name of component `#/components/schemas/Thing`, and components keep their names; pin another name, or pin `#/components/schemas/Thing` too (at #/names/#~1paths~1~01b~1get~1parameters~11~1schema)"
        );
        // Swapping names with the component is fine.
        assert_eq!(
            build("  '#/paths/~1b/get/parameters/1/schema': Thing\n  '#/components/schemas/Thing': Item\n")
                .unwrap(),
            ["GetOrder", "Item", "ItemKind", "Thing"]
        );
    }

    #[test]
    fn a_pin_that_names_nothing_is_an_error() {
        let e = build("  '#/components/schemas/Id': Identifier\n").unwrap_err();
        assert!(
            e.starts_with(
                "g.yaml:2:3: error[invalid-config]: no type is made at `#/components/schemas/Id`"
            ),
            "{e}"
        );
        let e = build("  '#/components/schemas/Thing/properties/ref': Identifier\n").unwrap_err();
        assert!(
            e.contains("pin `#/components/schemas/Id`, where it leads"),
            "{e}"
        );
        let e = build("  '#/nope': Identifier\n").unwrap_err();
        assert!(e.starts_with("g.yaml:2:3: error[invalid-config]: `#/nope` does not point to anything in spec.yaml"), "{e}");
        let e = build("  '#/components/schemas/Thing': thing\n").unwrap_err();
        assert!(
            e.starts_with("g.yaml:2:3: error[invalid-config]: `thing` is not a type name"),
            "{e}"
        );
    }

    #[test]
    fn pins_in_conflict_are_errors() {
        // One shared type, two names.
        let e = build("  '#/paths/~1a/get/parameters/1/schema': One\n  '#/paths/~1b/get/parameters/1/schema': Two\n")
            .unwrap_err();
        assert!(
            e.contains("make one type, pinned as both `One` and `Two`"),
            "{e}"
        );
        // Two types, one name.
        let e = build("  '#/paths/~1b/get/parameters/1/schema': Same\n  '#/components/schemas/Thing/properties/kind': Same\n")
            .unwrap_err();
        assert!(e.contains("make two different types"), "{e}");
    }

    #[test]
    fn use_sites_and_definitions_pin_the_same_place() {
        let d = doc();
        let pins = Pins::new(
            &d,
            &config("names:\n  '#/paths/~1a/get/parameters/0/schema': Mode\n"),
        )
        .unwrap();
        let pin = pins
            .at(&d.raw, "#/components/parameters/P/schema")
            .expect("the definition is pinned through its use");
        assert_eq!(pin.name, "Mode");
        assert_eq!(pin.location, "#/components/parameters/P/schema");
        assert!(pins.at(&d.raw, "#/components/parameters/P").is_none());
    }

    #[test]
    fn pins_must_lead_somewhere() {
        let e = errors("names:\n  '#/paths/~1b/get': Thing\n  'components/x': Other\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("#/names/#~1paths~1~01b~1get "), "{e:?}");
        assert!(
            e[0].contains("does not point to anything in t.yaml"),
            "{e:?}"
        );
        assert!(e[1].starts_with("#/names/components~1x "), "{e:?}");
    }

    #[test]
    fn pinned_names_are_type_names() {
        for bad in [
            "mode",
            "Mode_Kind",
            "2Mode",
            "Self",
            "HTTPMode",
            "",
            "Mode Kind",
        ] {
            let e = errors(&format!(
                "names:\n  '#/components/parameters/P/schema': '{bad}'\n"
            ));
            assert_eq!(e.len(), 1, "`{bad}` is rejected");
            assert!(e[0].contains("is not a type name"), "{e:?}");
        }
        assert!(errors("names:\n  '#/components/parameters/P/schema': HttpMode2\n").is_empty());
    }

    #[test]
    fn two_pointers_to_one_place_agree() {
        let e = errors(
            "names:\n  '#/paths/~1a/get/parameters/0/schema': Mode\n  '#/components/parameters/P/schema': Other\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("which pins it as"), "{e:?}");
        assert!(
            errors(
                "names:\n  '#/paths/~1a/get/parameters/0/schema': Mode\n  '#/components/parameters/P/schema': Mode\n"
            )
            .is_empty()
        );
    }
}
