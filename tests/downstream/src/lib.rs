//! A small platform tool built on `cloudflare-orgs`, written the way an
//! application uses the crate: one function per task, each a worked
//! example of part of the client.
//!
//! - [`organizations_of_account`]: organizations filtered by name and by a
//!   contained account, read page by page;
//! - [`actions_by_actor`]: an account's audit log over a time range, item
//!   by item;
//! - [`invite_member`]: invite a member with roles, telling an existing
//!   membership from a failure;
//! - [`create_token`]: create an API token with a policy, without ever
//!   printing its secret;
//! - [`usage_per_account`]: an organization's billable usage over a date
//!   range;
//! - [`account_name`]: settings for one request only (timeout, retries, a
//!   header, an extra query parameter).
//!
//! The tests (`tests/tasks.rs`) run each of them against the client's
//! mock server.

use std::collections::BTreeMap;
use std::time::Duration;

use cloudflare_orgs::chrono::{DateTime, NaiveDate, Utc};
use cloudflare_orgs::models::{
    AccountMember, AccountsLogsAuditListDirection, CreateAccountMemberWithRoles,
    CreateTokenRequest, Organization, PermissionGroupRequest, PolicyEffect, TokenPolicyRequest,
    TokenWithValue,
};
use cloudflare_orgs::params::{
    AccountsLogsAuditListParams, OrganizationsBillableUsageListParams, OrganizationsListParams,
};
use cloudflare_orgs::{Client, Error, Result, StatusCode, Timestamp};
use futures_util::TryStreamExt;

/// The organizations that contain `account_id` and whose name contains
/// `name`, fetched 20 to a page.
pub async fn organizations_of_account(
    client: &Client,
    account_id: &str,
    name: &str,
) -> Result<Vec<Organization>> {
    let params = OrganizationsListParams::new()
        .containing_account(account_id)
        .name_contains(name)
        .page_size(20);
    let mut pages = client.organizations().list(params).pages();
    let mut organizations = Vec::new();
    while let Some(page) = pages.try_next().await? {
        println!("{} organizations on this page", page.items.len());
        organizations.extend(page.items);
    }
    Ok(organizations)
}

/// How many actions each actor (by e-mail address) took in an account
/// from `since` until `before`, oldest first. Both are instants
/// (`DateTime<Utc>`, such as `now - TimeDelta::hours(1)`) or days
/// (`NaiveDate`, midnight UTC).
pub async fn actions_by_actor(
    client: &Client,
    account_id: &str,
    since: impl Into<Timestamp>,
    before: impl Into<Timestamp>,
) -> Result<BTreeMap<String, usize>> {
    let params = AccountsLogsAuditListParams::new(since, before)
        .direction(AccountsLogsAuditListDirection::Asc)
        .limit(100);
    let audit_log = client.accounts().logs().audit();
    let mut logs = audit_log.list(account_id, params).items();
    let mut counts = BTreeMap::new();
    while let Some(log) = logs.try_next().await? {
        let actor = log.actor.and_then(|actor| actor.email);
        let actor = actor.unwrap_or_else(|| "unknown".to_owned());
        *counts.entry(actor).or_default() += 1;
    }
    Ok(counts)
}

/// Invites `email` to an account with the given roles; `None` when they
/// are a member already.
pub async fn invite_member(
    client: &Client,
    account_id: &str,
    email: &str,
    roles: &[&str],
) -> Result<Option<AccountMember>> {
    let invitation = CreateAccountMemberWithRoles::new(email, roles.iter().copied());
    let members = client.accounts().members();
    match members.create(account_id, invitation.into()).await {
        Ok(member) => Ok(Some(member)),
        Err(Error::Api(error)) if error.status == StatusCode::CONFLICT => Ok(None),
        Err(error) => Err(error),
    }
}

/// Creates a token that may use `permission_group` on the account until
/// `expires_on`. The secret is in `value`, returned this once; the token's
/// `Debug` output redacts it, so the token can be logged.
pub async fn create_token(
    client: &Client,
    account_id: &str,
    name: &str,
    permission_group: &str,
    expires_on: DateTime<Utc>,
) -> Result<TokenWithValue> {
    let account = format!("com.cloudflare.api.account.{account_id}");
    let policy = TokenPolicyRequest::new(
        PolicyEffect::Allow,
        [PermissionGroupRequest::new(permission_group)],
        BTreeMap::from([(account, "*".to_owned())]),
    );
    let request = CreateTokenRequest::new(name, [policy]).expires_on(expires_on);
    let tokens = client.accounts().tokens();
    let token = tokens.create(account_id, request).await?;
    println!("created {token:?}");
    Ok(token)
}

/// An organization's usage from `from` to `to` (at most 31 days), summed
/// per account name and unit.
pub async fn usage_per_account(
    client: &Client,
    organization_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<(String, String), f64>> {
    let range = OrganizationsBillableUsageListParams::new()
        .from(from)
        .to(to);
    let usage = client.organizations().billable().usage();
    let mut totals = BTreeMap::new();
    for record in usage.list(organization_id, range).await? {
        let key = (record.billing_account_name, record.consumed_unit);
        *totals.entry(key).or_insert(0.0) += record.consumed_quantity;
    }
    Ok(totals)
}

/// An account's name, or `None` when there is no such account, asked for
/// with settings of this one request: `timeout` and no retries, a header
/// naming the tool, and a query parameter the API description lacks.
pub async fn account_name(
    client: &Client,
    account_id: &str,
    timeout: Duration,
) -> Result<Option<String>> {
    let request = client
        .accounts()
        .get(account_id)
        .timeout(timeout)
        .max_retries(0)
        .header("x-tool", "platform-tool")
        .query("include", "settings");
    match request.await {
        Ok(account) => Ok(Some(account.name)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}
