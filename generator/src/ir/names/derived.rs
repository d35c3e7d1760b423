//! Names derived from where something is used: the suffix rules.
//!
//! A type that has no name of its own in the document (an inline schema, a
//! params struct, a union of several success responses) is named after its
//! use site. The *hint* is built from the owner's name and a suffix below,
//! then turned into a type name by [`inline`] (rules 1-4 of the parent
//! module) and claimed in the type namespace (rule 5).
//!
//! | what                                     | hint                          |
//! |------------------------------------------|-------------------------------|
//! | params struct of an operation            | `{stem}Params`                |
//! | inline request body                      | `{stem}Body`                  |
//! | inline result inside the envelope        | `{stem}Result`                |
//! | inline `result_info` of the envelope     | `{stem}ResultInfo`            |
//! | inline response, union of responses      | `{stem}Response`              |
//! | inline parameter schema                  | `{stem} {Param}`              |
//! | inline property schema                   | `{Owner} {Property}`          |
//! | inline array items                       | `{hint}Item`                  |
//! | inline map values, additional properties | `{hint}Value`                 |
//! | inline union alternative                 | `{Union}{Alternative}`        |
//! | request form of a type (see below)       | `{Type}Request`               |
//!
//! A type whose request and response forms differ (`readOnly` or
//! `writeOnly` properties, see `ir::direction`) and that is used both ways
//! keeps its name for responses; its request form is named
//! [`request_variant`]. The name is claimed after every other type's, so a
//! taken name gets the next number (`OrganizationRequest2`) and no two
//! types ever share one.
//!
//! `stem` is the operation's resource path and method in `PascalCase`
//! (`AccountsMembersList`, see [`stem`]).

use super::{snake_name, type_name, variant_name};
use crate::ir::refs::last_token;

/// The name of a component schema: its key (`iam_account` is `IamAccount`).
pub fn component(key: &str) -> String {
    type_name(key, "Schema")
}

/// The name of a type made from a hint.
pub fn inline(hint: &str) -> String {
    type_name(hint, "Type")
}

/// The hint a reference gives: its last token (`Account` for
/// `#/components/schemas/Account`).
pub fn reference_hint(reference: &str) -> String {
    last_token(reference)
}

/// `{stem}Params`.
pub fn params_struct(stem: &str) -> String {
    format!("{stem}Params")
}

/// `{stem}Body`.
pub fn body(stem: &str) -> String {
    format!("{stem}Body")
}

/// `{stem}Result`.
pub fn result(stem: &str) -> String {
    format!("{stem}Result")
}

/// `{stem}ResultInfo`.
pub fn result_info(stem: &str) -> String {
    format!("{stem}ResultInfo")
}

/// `{stem}Response`.
pub fn response(stem: &str) -> String {
    format!("{stem}Response")
}

/// `{stem} {Param}`: the hint of a parameter's inline schema.
pub fn parameter(stem: &str, wire: &str) -> String {
    format!("{stem} {}", type_name(wire, "Param"))
}

/// `{Owner} {Property}`: the hint of a property's inline schema.
pub fn property(owner: &str, wire: &str) -> String {
    format!("{owner} {}", type_name(wire, "Field"))
}

/// `{hint}Item`: the hint of inline array items.
pub fn item(hint: &str) -> String {
    format!("{hint}Item")
}

/// `{hint}Value`: the hint of inline map values.
pub fn value(hint: &str) -> String {
    format!("{hint}Value")
}

/// `{Type}Request`: the request form of a type whose `readOnly` properties
/// are left out of requests.
pub fn request_variant(type_name: &str) -> String {
    format!("{type_name}Request")
}

/// The description of a request form: the type's own, and what differs.
pub fn request_variant_doc(description: Option<&str>, type_name: &str) -> String {
    let note = format!(
        "The form of `{type_name}` sent in requests: without the properties the server sets (`readOnly`)."
    );
    match description {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note,
    }
}

/// `{Union}{Alternative}`: the hint of an inline union alternative.
pub fn alternative_hint(union: &str, alternative: &str) -> String {
    format!("{union}{alternative}")
}

/// What names a union alternative, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative<'a> {
    /// A reference: named after its last token.
    Reference(&'a str),
    /// An inline schema with a `title`: named after it.
    Title(&'a str),
    /// An inline schema of a kind: `String`, `Integer`, `Number`,
    /// `Boolean`, `Array` or `Object`.
    Kind(Kind),
    /// Nothing better: `Variant{position}`.
    Position,
}

/// Kinds of value that name an untitled union alternative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `String`.
    String,
    /// `Integer`.
    Integer,
    /// `Number`.
    Number,
    /// `Boolean`.
    Boolean,
    /// `Array`.
    Array,
    /// `Object` (also an `allOf`).
    Object,
}

/// The variant name of the union alternative at `position`.
pub fn alternative(label: Alternative<'_>, position: usize) -> String {
    match label {
        Alternative::Reference(r) => variant_name(&reference_hint(r), "Variant"),
        Alternative::Title(t) => variant_name(t, "Variant"),
        Alternative::Kind(k) => match k {
            Kind::String => "String",
            Kind::Integer => "Integer",
            Kind::Number => "Number",
            Kind::Boolean => "Boolean",
            Kind::Array => "Array",
            Kind::Object => "Object",
        }
        .to_owned(),
        Alternative::Position => positional(position),
    }
}

/// `Variant{position}`: alternatives known only by position (several
/// success responses of different types).
pub fn positional(position: usize) -> String {
    format!("Variant{position}")
}

/// The variant of an enum value; values without letters or digits are
/// spelled out, and the empty string is `Empty`.
pub fn enum_variant(value: &str) -> String {
    variant_name(value, if value.is_empty() { "Empty" } else { "Value" })
}

/// The name of an inline type used in several places: what the names of
/// its uses end with (`AccountsListDirection` and
/// `OrganizationsListDirection` give `ListDirection`), or `None` when they
/// share no word. The caller keeps the first use's name when this one is
/// taken.
pub fn shared(hints: &[String]) -> Option<String> {
    let words: Vec<Vec<String>> = hints
        .iter()
        .map(|h| {
            heck::ToSnakeCase::to_snake_case(h.as_str())
                .split('_')
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let common = common_suffix(&words);
    (!common.is_empty()).then(|| type_name(&common.join(" "), "Type"))
}

/// The longest run of words every list ends with.
fn common_suffix(lists: &[Vec<String>]) -> Vec<String> {
    let Some(first) = lists.first() else {
        return Vec::new();
    };
    let mut len = 0;
    while len < first.len()
        && lists
            .iter()
            .all(|l| l.len() > len && l[l.len() - 1 - len] == first[first.len() - 1 - len])
    {
        len += 1;
    }
    first[first.len() - len..].to_vec()
}

/// An operation's stem: its resource path and method in `PascalCase`
/// (`accounts.members` + `list` is `AccountsMembersList`).
pub fn stem(resource: &[String], method: &str) -> String {
    type_name(&format!("{} {method}", resource.join(" ")), "Operation")
}

/// The struct of a resource: its path in `PascalCase` (`AccountsMembers`).
pub fn resource_struct(path: &[String]) -> String {
    type_name(&path.join(" "), "Resource")
}

/// A resource path segment as an accessor (`permission_groups`).
pub fn resource_segment(segment: &str) -> String {
    snake_name(segment, "resource")
}

/// The accessor of a child resource whose name its parent already uses
/// for a method: `{accessor}_resource`.
pub fn clashing_accessor(accessor: &str) -> String {
    format!("{accessor}_resource")
}

/// A method name from configuration, a custom method suffix or an
/// operationId (`batchCreate` is `batch_create`).
pub fn method(raw: &str) -> String {
    snake_name(raw, "call")
}

/// The operationId of an operation without one: method and path in
/// `snake_case` (`get /accounts/{id}` is `get_accounts_id`).
pub fn operation_id(method: &str, path: &str) -> String {
    snake_name(&format!("{method} {path}"), "operation")
}

/// Where an operation lives and what its method is called, from its path
/// and HTTP method alone:
///
/// 1. The resource is the path's literal segments, parameters dropped:
///    `/accounts/{account_id}/members/{member_id}` is `accounts.members`.
///    A custom method suffix on the last segment (`/members:batchCreate`)
///    names the method.
/// 2. Otherwise the method comes from the HTTP method: `GET` is `get` when
///    the path ends in a parameter or the result is not a list, else
///    `list`; `POST` is `create`, `PUT` `update`, `PATCH` `edit`, `DELETE`
///    `delete`, and any other is its own name.
pub fn resource_and_method(path: &str, http_method: &str, lists: bool) -> (Vec<String>, String) {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
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
            resource.push(resource_segment(base));
        }
        if let Some(c) = custom {
            action = Some(method(c));
        }
    }
    let name = action.unwrap_or_else(|| {
        match http_method {
            "get" if ends_with_param || !lists => "get",
            "get" => "list",
            "post" => "create",
            "put" => "update",
            "patch" => "edit",
            other => other,
        }
        .to_owned()
    });
    (resource, method(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_forms_take_the_request_suffix_and_never_a_taken_name() {
        assert_eq!(request_variant("Organization"), "OrganizationRequest");
        let mut types = super::super::Namespace::pascal();
        types.reserve("Organization");
        types.reserve("OrganizationRequest");
        assert_eq!(
            types.claim(&request_variant("Organization")),
            "OrganizationRequest2"
        );
        assert_eq!(
            request_variant_doc(Some("An org.\n"), "Organization"),
            "An org.\n\nThe form of `Organization` sent in requests: without the properties the server sets (`readOnly`)."
        );
    }

    fn named(path: &str, method: &str, lists: bool) -> (String, String) {
        let (r, m) = resource_and_method(path, method, lists);
        (r.join("."), m)
    }

    #[test]
    fn resources_and_methods_come_from_paths_and_http_methods() {
        let cases = [
            ("/accounts", "get", true, "accounts", "list"),
            ("/accounts/{id}", "get", false, "accounts", "get"),
            ("/accounts/{id}", "get", true, "accounts", "get"),
            ("/accounts", "get", false, "accounts", "get"),
            (
                "/accounts/{id}/profile",
                "get",
                false,
                "accounts.profile",
                "get",
            ),
            (
                "/organizations/{id}/members:batchCreate",
                "post",
                false,
                "organizations.members",
                "batch_create",
            ),
            (
                "/a/{b}/tokens/{t}/value",
                "put",
                false,
                "a.tokens.value",
                "update",
            ),
            ("/a/{b}", "patch", false, "a", "edit"),
            ("/a/{b}", "delete", false, "a", "delete"),
            ("/a", "options", false, "a", "options"),
            ("/accounts/move", "post", false, "accounts.move_", "create"),
            ("/a:b/c", "get", false, "a_b.c", "get"),
        ];
        for (path, method, lists, resource, name) in cases {
            assert_eq!(
                named(path, method, lists),
                (resource.to_owned(), name.to_owned()),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn suffix_rules() {
        assert_eq!(params_struct("AccountsList"), "AccountsListParams");
        assert_eq!(body("AccountsCreate"), "AccountsCreateBody");
        assert_eq!(result("AccountsGet"), "AccountsGetResult");
        assert_eq!(result_info("AccountsList"), "AccountsListResultInfo");
        assert_eq!(response("AccountsGet"), "AccountsGetResponse");
        assert_eq!(
            inline(&parameter("AccountsList", "direction")),
            "AccountsListDirection"
        );
        assert_eq!(inline(&property("Account", "settings")), "AccountSettings");
        assert_eq!(inline(&property("Account", "2fa")), "AccountType2fa");
        assert_eq!(inline(&item("AccountsListTags")), "AccountsListTagsItem");
        assert_eq!(inline(&value("AccountMeta")), "AccountMetaValue");
        assert_eq!(inline(&alternative_hint("Pet", "Cat")), "PetCat");
        assert_eq!(inline(""), "Type");
        assert_eq!(component("iam_account"), "IamAccount");
        assert_eq!(component("--"), "MinusMinus");
        assert_eq!(component("日本"), "Schema");
    }

    #[test]
    fn union_alternatives() {
        assert_eq!(
            alternative(Alternative::Reference("#/components/schemas/iam_cat"), 0),
            "IamCat"
        );
        assert_eq!(alternative(Alternative::Title("a dog"), 1), "ADog");
        assert_eq!(alternative(Alternative::Kind(Kind::Integer), 2), "Integer");
        assert_eq!(alternative(Alternative::Kind(Kind::Object), 2), "Object");
        assert_eq!(alternative(Alternative::Position, 3), "Variant3");
        assert_eq!(alternative(Alternative::Title("!!"), 3), "BangBang");
        assert_eq!(positional(0), "Variant0");
    }

    #[test]
    fn enum_variants() {
        assert_eq!(enum_variant("api_key"), "ApiKey");
        assert_eq!(enum_variant(""), "Empty");
        assert_eq!(enum_variant("日本"), "Value");
        assert_eq!(enum_variant("-1"), "Minus1");
    }

    #[test]
    fn shared_types_are_named_after_what_their_uses_end_with() {
        let hints = |h: &[&str]| h.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            shared(&hints(&[
                "AccountsListDirection",
                "OrganizationsListDirection"
            ])),
            Some("ListDirection".into())
        );
        assert_eq!(
            shared(&hints(&[
                "AccountsList Direction",
                "Accounts Get Direction"
            ])),
            Some("Direction".into())
        );
        assert_eq!(shared(&hints(&["AStatus", "BState"])), None);
        assert_eq!(shared(&hints(&[])), None);
    }

    #[test]
    fn operation_names() {
        let resource = vec!["accounts".to_owned(), "members".to_owned()];
        assert_eq!(stem(&resource, "list"), "AccountsMembersList");
        assert_eq!(stem(&[], "get"), "Get");
        assert_eq!(resource_struct(&resource), "AccountsMembers");
        assert_eq!(resource_segment("permission-groups"), "permission_groups");
        assert_eq!(clashing_accessor("list"), "list_resource");
        assert_eq!(method("batchCreate"), "batch_create");
        assert_eq!(method(""), "call");
        assert_eq!(operation_id("get", "/accounts/{id}"), "get_accounts_id");
    }
}
