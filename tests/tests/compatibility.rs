//! The compatibility policy of the generated crate, as downstream code
//! meets it: every model and params struct and every enum is
//! `#[non_exhaustive]`, and every struct can be built without a struct
//! literal, response types included (see the generated README).

use std::collections::BTreeSet;
use std::path::Path;

use cloudflare_orgs::models::{
    AccountMemberStatus, AccountMemberUser, AccountsListDirection, AuditLog, AuditLogActor,
    AuditLogActorType, GroupMeta, ListDirection, MoveAccountsOutcome,
    OrganizationsSharesListDirection, PermissionGroupMeta, ResourceGroupMeta,
};
use cloudflare_orgs::params::AccountsLogsAuditListParams;

/// The items of every `.rs` file under `generated/src/<module>/`.
fn items(module: &str) -> Vec<(String, syn::Item)> {
    let dir = tests::workspace().join("generated/src").join(module);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let file = syn::parse_file(&std::fs::read_to_string(&path).expect("readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = file_name(&path);
        out.extend(file.items.into_iter().map(|i| (name.clone(), i)));
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// Names of the types with an inherent `pub fn new`.
fn constructed(items: &[(String, syn::Item)]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|(_, item)| match item {
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let has_new = i.items.iter().any(|m| {
                    matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "new"
                        && matches!(f.vis, syn::Visibility::Public(_)))
                });
                match (&*i.self_ty, has_new) {
                    (syn::Type::Path(p), true) => p.path.get_ident().map(|i| i.to_string()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_model_and_params_type_is_non_exhaustive_and_has_a_constructor() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for module in ["models", "params"] {
        let items = items(module);
        let constructors = constructed(&items);
        for (file, item) in &items {
            match item {
                syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                    checked += 1;
                    let name = s.ident.to_string();
                    if !non_exhaustive(&s.attrs) {
                        problems.push(format!("{module}/{file}: struct {name} is exhaustive"));
                    }
                    if !constructors.contains(&name) {
                        problems.push(format!("{module}/{file}: struct {name} has no `new`"));
                    }
                }
                syn::Item::Enum(e) => {
                    checked += 1;
                    if !non_exhaustive(&e.attrs) {
                        problems.push(format!("{module}/{file}: enum {} is exhaustive", e.ident));
                    }
                }
                _ => {}
            }
        }
    }
    assert!(checked > 100, "expected the whole crate, checked {checked}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Types only responses contain are built as a unit test or mock would.
#[test]
fn response_types_are_built_with_constructors_and_setters() {
    let actor = AuditLogActor::new()
        .email("ops@example.com")
        .type_(AuditLogActorType::from("user"));
    let log = AuditLog::new().id("log-1").actor(actor);
    assert_eq!(log.id.as_deref(), Some("log-1"));
    let actor = log.actor.as_ref().expect("actor set");
    assert_eq!(actor.email.as_deref(), Some("ops@example.com"));
    assert_eq!(actor.type_, Some(AuditLogActorType::from("user")));

    let user = AccountMemberUser::new("someone@example.com").first_name("Sam");
    assert_eq!(user.email, "someone@example.com");
    assert_eq!(user.first_name.as_deref(), Some("Sam"));
    assert_eq!(user.last_name, None);

    // A response type with a required field of a named type.
    let decoded: MoveAccountsOutcome =
        serde_json::from_value(serde_json::json!({"statuses": {"tag": "acc-1", "moved": true}}))
            .expect("decodes");
    let built = MoveAccountsOutcome::new(decoded.statuses.clone());
    assert_eq!(built, decoded);
}

/// Fields stay readable and assignable; only literals are ruled out.
#[test]
fn fields_are_assigned_after_construction() {
    let day = |d| chrono::NaiveDate::from_ymd_opt(2024, 1, d).expect("a date");
    let mut params = AccountsLogsAuditListParams::new(day(1), day(2));
    params.limit = Some(5);
    assert_eq!(params.limit, Some(5));
}

/// An exhaustive-looking match keeps a `_` arm, so a value added to the
/// description later compiles unchanged.
#[test]
fn enum_matches_keep_a_wildcard_arm() {
    let describe = |status: &AccountMemberStatus| match status {
        AccountMemberStatus::Accepted => "accepted",
        AccountMemberStatus::Pending => "pending",
        _ => "other",
    };
    assert_eq!(describe(&AccountMemberStatus::from("accepted")), "accepted");
    assert_eq!(describe(&AccountMemberStatus::from("rejected")), "other");
}

/// Identical inline types merged under a shared name keep the name each
/// use would have given them alone, so code written when only one of the
/// uses existed (naming `AccountsListDirection`) compiles once another
/// operation reuses the enum: variants, conversions and constructors
/// work through the alias.
#[test]
fn use_site_names_of_merged_types_stay_usable() {
    let old: AccountsListDirection = AccountsListDirection::Asc;
    let shared: ListDirection = old.clone();
    assert_eq!(shared, ListDirection::Asc);
    assert_eq!(
        OrganizationsSharesListDirection::from("desc"),
        ListDirection::Desc
    );
    let describe = |d: &AccountsListDirection| match d {
        AccountsListDirection::Asc => "asc",
        AccountsListDirection::Desc => "desc",
        _ => "other",
    };
    assert_eq!(describe(&ListDirection::from("desc")), "desc");

    let meta: PermissionGroupMeta = PermissionGroupMeta::new().key("k");
    let other: ResourceGroupMeta = meta.clone();
    let merged: GroupMeta = other;
    assert_eq!(merged.key.as_deref(), Some("k"));
}
