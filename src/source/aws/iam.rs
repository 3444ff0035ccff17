//! IAM (global): users, roles, groups' and customer managed policies through
//! `GetAccountAuthorizationDetails` (one paginated call instead of several
//! per principal), MFA devices and access keys per user, the password
//! policy, the credential report (console passwords and the root user),
//! server certificates and virtual MFA devices.

use super::{Part, time};
use crate::snapshot::identity::{
    AccessKey, PasswordPolicy, Policy, Role, RootUser, ServerCertificate, User, VirtualMfaDevice,
};
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AttachedPolicy, EntityType, PolicyDetail, ReportStateType};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &[
    "iam.user",
    "iam.access_key",
    "iam.role",
    "iam.policy",
    "iam.password_policy",
    "iam.root_user",
    "iam.server_certificate",
    "iam.virtual_mfa_device",
];

/// Run once per account.
pub async fn collect_global(global: super::Global) -> Part {
    collect(global.global, global.account_id).await
}

pub async fn collect(config: aws_config::SdkConfig, account_id: String) -> Part {
    let client = Client::new(&config);
    let mut part = Part::default();
    let pages = each_page!(
        part,
        "iam",
        "global",
        "GetAccountAuthorizationDetails",
        &["iam.user", "iam.role", "iam.policy", "iam.access_key"],
        client.get_account_authorization_details().set_filter(Some(vec![
            EntityType::User,
            EntityType::Role,
            EntityType::Group,
            EntityType::LocalManagedPolicy,
        ]))
    );
    let mut principals = Principals::default();
    let mut users = Vec::new();
    let mut group_policies: HashMap<String, Vec<String>> = HashMap::new();
    for page in &pages {
        for u in page.user_detail_list() {
            let name = u.user_name().unwrap_or_default();
            let arns = principals.add(
                format!("user/{name}"),
                u.attached_managed_policies(),
                u.user_policy_list(),
            );
            users.push(User {
                id: name.into(),
                arn: u.arn().unwrap_or_default().into(),
                region: "global".into(),
                created_at: time(u.create_date()),
                attached_policy_arns: arns,
                groups: u.group_list().to_vec(),
                ..User::default()
            });
        }
        for r in page.role_detail_list() {
            let name = r.role_name().unwrap_or_default();
            let arns = principals.add(
                format!("role/{name}"),
                r.attached_managed_policies(),
                r.role_policy_list(),
            );
            part.resources.iam_role.push(Role {
                id: name.into(),
                arn: r.arn().unwrap_or_default().into(),
                region: "global".into(),
                attached_policy_arns: arns,
                trust_policy: r.assume_role_policy_document().map(policy_document).unwrap_or_default(),
            });
        }
        for g in page.group_detail_list() {
            let name = g.group_name().unwrap_or_default();
            let arns = principals.add(
                format!("group/{name}"),
                g.attached_managed_policies(),
                g.group_policy_list(),
            );
            group_policies.insert(name.to_string(), arns);
        }
    }
    // Groups may come on a later page than their members.
    with_group_policies(&mut users, &group_policies);
    let Principals {
        mut attached,
        mut inline,
    } = principals;
    managed_policies(&pages, &mut attached, &mut part);
    part.resources.iam_policy.append(&mut inline);

    for user in &mut users {
        user_details(&client, user, &mut part).await;
    }
    credential_report(&client, &account_id, &mut users, &mut part).await;
    part.resources.iam_user = users;
    password_policy(&client, &account_id, &mut part).await;
    root_password(&client, &mut part).await;
    server_certificates(&client, &mut part).await;
    virtual_mfa_devices(&client, &mut part).await;
    part
}

/// The server certificates IAM stores, with their expiry.
async fn server_certificates(client: &Client, part: &mut Part) {
    let list = each_item!(
        part,
        "iam",
        "global",
        "ListServerCertificates",
        &["iam.server_certificate"],
        client.list_server_certificates(),
        |c| c
    );
    part.resources.iam_server_certificate = list
        .iter()
        .map(|c| ServerCertificate {
            id: c.server_certificate_name().into(),
            arn: c.arn().into(),
            region: "global".into(),
            uploaded_at: time(c.upload_date()),
            expires_at: time(c.expiration()),
        })
        .collect();
}

/// The virtual MFA devices, with the user each is assigned to (the root
/// user's is how CIS 1.6 tells a virtual root device from a hardware one).
async fn virtual_mfa_devices(client: &Client, part: &mut Part) {
    let list = each_item!(
        part,
        "iam",
        "global",
        "ListVirtualMFADevices",
        &["iam.virtual_mfa_device"],
        client.list_virtual_mfa_devices(),
        |d| d
    );
    part.resources.iam_virtual_mfa_device = list
        .iter()
        .map(|d| VirtualMfaDevice {
            id: d.serial_number().into(),
            arn: String::new(),
            region: "global".into(),
            user_arn: d.user().map(|u| u.arn().to_string()),
        })
        .collect();
}

/// Whether the root user has a password, from the account summary. Not
/// knowing is not a gap: the root MFA rule then requires MFA, as without it.
async fn root_password(client: &Client, part: &mut Part) {
    part.calls += 1;
    let Ok(out) = client.get_account_summary().send().await else {
        return;
    };
    let present = out
        .summary_map()
        .and_then(|m| m.get(&aws_sdk_iam::types::SummaryKeyType::AccountPasswordPresent))
        .map(|v| *v > 0);
    for root in &mut part.resources.iam_root_user {
        root.password_present = present;
    }
}

/// What the users, roles and groups say about policies: who each managed
/// policy is attached to, and their inline policies.
#[derive(Default)]
struct Principals {
    attached: BTreeMap<String, Vec<String>>,
    inline: Vec<Policy>,
}

impl Principals {
    /// Records a principal (`user/NAME`, ...); returns its managed policy ARNs.
    fn add(&mut self, principal: String, managed: &[AttachedPolicy], inline: &[PolicyDetail]) -> Vec<String> {
        let arns: Vec<String> = managed
            .iter()
            .filter_map(|p| p.policy_arn().map(String::from))
            .collect();
        for arn in &arns {
            self.attached.entry(arn.clone()).or_default().push(principal.clone());
        }
        for p in inline {
            let name = p.policy_name().unwrap_or_default();
            self.inline.push(Policy {
                id: format!("{principal}/{name}"),
                arn: String::new(),
                region: "global".into(),
                name: name.into(),
                policy_type: "inline".into(),
                attached_to: vec![principal.clone()],
                document: p.policy_document().map(policy_document).unwrap_or_default(),
            });
        }
        arns
    }
}

/// A policy document as JSON. IAM returns documents URL-encoded (RFC 3986):
/// `%XX` escapes only; a `+` is a literal plus, not a space (that is form
/// encoding).
fn policy_document(text: &str) -> serde_json::Value {
    let decoded = if text.trim_start().starts_with('{') {
        text.to_string()
    } else {
        percent_decode(text)
    };
    serde_json::from_str(&decoded).unwrap_or(serde_json::Value::String(decoded))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A user's MFA devices and access keys (with their last use).
async fn user_details(client: &Client, user: &mut User, part: &mut Part) {
    let name = user.id.clone();
    if let Some(out) = call!(
        part,
        "iam",
        "global",
        "ListMFADevices",
        &["iam.user"],
        resource = &name,
        client.list_mfa_devices().user_name(&name)
    ) {
        user.mfa_devices = out
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_string())
            .collect();
    }
    let Some(keys) = call!(
        part,
        "iam",
        "global",
        "ListAccessKeys",
        &["iam.access_key"],
        client.list_access_keys().user_name(&name)
    ) else {
        return;
    };
    for k in keys.access_key_metadata() {
        let Some(id) = k.access_key_id() else { continue };
        let last_used = call!(
            part,
            "iam",
            "global",
            "GetAccessKeyLastUsed",
            &["iam.access_key"],
            resource = id,
            client.get_access_key_last_used().access_key_id(id)
        );
        // A key whose last use failed is kept with its gap (`error` on it).
        part.resources.iam_access_key.push(AccessKey {
            id: id.into(),
            arn: String::new(),
            region: "global".into(),
            user: name.clone(),
            status: k.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            created_at: time(k.create_date()),
            last_used_at: time(
                last_used
                    .as_ref()
                    .and_then(|l| l.access_key_last_used())
                    .and_then(|u| u.last_used_date()),
            ),
        });
    }
}

/// The credential report: console passwords of users, and the root user.
/// Generating it can take a few seconds; it is polled (bounded).
async fn credential_report(client: &Client, account_id: &str, users: &mut [User], part: &mut Part) {
    let kinds = &["iam.root_user", "iam.user"];
    for attempt in 0..20 {
        let Some(out) = call!(
            part,
            "iam",
            "global",
            "GenerateCredentialReport",
            kinds,
            client.generate_credential_report()
        ) else {
            return;
        };
        if out.state() == Some(&ReportStateType::Complete) {
            break;
        }
        if attempt == 19 {
            part.gaps.push(super::call::note(
                "iam",
                "global",
                "GenerateCredentialReport",
                "ReportNotReady",
                "the credential report was not ready after 20 polls".into(),
                kinds,
            ));
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let Some(report) = call!(
        part,
        "iam",
        "global",
        "GetCredentialReport",
        kinds,
        client.get_credential_report()
    ) else {
        return;
    };
    let text = String::from_utf8_lossy(report.content().map(|c| c.as_ref()).unwrap_or_default()).into_owned();
    let rows = parse_report(&text);
    apply_rows(&rows, account_id, users, part);
    missing_from_report(&users[..], &rows, part);
    // AWS always lists the root user; a report without it cannot say
    // whether root has MFA or keys, which must not read as "no".
    if part.resources.iam_root_user.is_empty() {
        part.gaps.push(super::call::note(
            "iam",
            "global",
            "GetCredentialReport",
            "NoRootRow",
            "the credential report has no <root_account> row".into(),
            &["iam.root_user"],
        ));
    }
}

/// The customer managed policies of the listing, with their default
/// version's document and the principals they are attached to.
fn managed_policies(
    pages: &[aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput],
    attached: &mut BTreeMap<String, Vec<String>>,
    part: &mut Part,
) {
    for page in pages {
        for p in page.policies() {
            let arn = p.arn().unwrap_or_default().to_string();
            let document = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document())
                .map(policy_document)
                .unwrap_or_default();
            part.resources.iam_policy.push(Policy {
                id: arn.clone(),
                name: super::present(p.policy_name()).unwrap_or_else(|| super::last_part(&arn).into()),
                region: "global".into(),
                policy_type: "managed".into(),
                attached_to: attached.remove(&arn).unwrap_or_default(),
                document,
                arn,
            });
        }
    }
}

/// What the report's rows say of the root user and of each user.
fn apply_rows(rows: &[HashMap<&str, &str>], account_id: &str, users: &mut [User], part: &mut Part) {
    let date = |row: &HashMap<&str, &str>, column: &str| {
        row.get(column)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let yes = |row: &HashMap<&str, &str>, column: &str| row.get(column) == Some(&"true");
    for row in rows {
        match row.get("user") {
            Some(&"<root_account>") => part.resources.iam_root_user.push(RootUser {
                id: account_id.into(),
                arn: row.get("arn").copied().unwrap_or_default().into(),
                region: "global".into(),
                mfa_active: yes(row, "mfa_active"),
                active_access_keys: i64::from(yes(row, "access_key_1_active"))
                    + i64::from(yes(row, "access_key_2_active")),
                password_last_used: date(row, "password_last_used"),
                password_present: None,
            }),
            Some(name) => {
                if let Some(user) = users.iter_mut().find(|u| u.id == *name) {
                    user.password_enabled = yes(row, "password_enabled");
                    user.password_last_used = date(row, "password_last_used");
                }
            }
            None => {}
        }
    }
}

/// Each user's groups' managed policies.
fn with_group_policies(users: &mut [User], group_policies: &HashMap<String, Vec<String>>) {
    for user in users {
        user.group_policy_arns = user
            .groups
            .iter()
            .flat_map(|g| group_policies.get(g).cloned().unwrap_or_default())
            .collect();
    }
}

/// A gap for each user the credential report does not list.
fn missing_from_report(users: &[User], rows: &[HashMap<&str, &str>], part: &mut Part) {
    // A report less than four hours old is returned as is: a user created
    // (or given a password) since is not in it. Its console password is
    // unknown, which must not read as "none".
    for user in users.iter() {
        if !rows.iter().any(|row| row.get("user") == Some(&user.id.as_str())) {
            part.gaps.push(crate::snapshot::Gap {
                resource_id: Some(user.id.clone()),
                ..super::call::note(
                    "iam",
                    "global",
                    "GetCredentialReport",
                    "NotInCredentialReport",
                    format!(
                        "user {} is not in the credential report (newer than the report)",
                        user.id
                    ),
                    &["iam.user"],
                )
            });
        }
    }
}

/// The report's CSV rows as column-to-value maps (no field is quoted).
///
/// IAM does not quote fields, and user names may contain commas (`+=,.@_-`
/// are allowed). The user name and the user's ARN, the first two columns,
/// then span as many fields each as the name has parts: the ARN is the
/// first field that starts with `arn:`, and it ends with the name.
fn parse_report(text: &str) -> Vec<HashMap<&str, &str>> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return Vec::new() };
    let columns: Vec<&str> = header.split(',').collect();
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let parts = fields
                .iter()
                .position(|f| f.starts_with("arn:"))
                .filter(|&p| p > 0 && fields.len() >= columns.len() + 2 * (p - 1))
                .unwrap_or(1);
            let span = |from: usize, count: usize| -> &str {
                let start: usize = fields[..from].iter().map(|f| f.len() + 1).sum();
                let len: usize = fields[from..from + count].iter().map(|f| f.len() + 1).sum::<usize>() - 1;
                &line[start..start + len]
            };
            let mut values = Vec::new();
            if fields.len() >= 2 * parts {
                values.push(span(0, parts));
                values.push(span(parts, parts));
                values.extend(fields.iter().skip(2 * parts).copied());
            } else {
                values = fields;
            }
            columns.iter().copied().zip(values).collect()
        })
        .collect()
}

/// The account password policy; none set is an answer (no record).
async fn password_policy(client: &Client, account_id: &str, part: &mut Part) {
    // No password policy set (NoSuchEntity): no record.
    if let Some(out) = call!(
        part,
        "iam",
        "global",
        "GetAccountPasswordPolicy",
        &["iam.password_policy"],
        absent = "NoSuchEntity",
        client.get_account_password_policy()
    ) {
        {
            if let Some(p) = out.password_policy() {
                part.resources.iam_password_policy.push(PasswordPolicy {
                    id: account_id.into(),
                    arn: String::new(),
                    region: "global".into(),
                    minimum_length: p.minimum_password_length().map_or(0, i64::from),
                    require_symbols: p.require_symbols(),
                    require_numbers: p.require_numbers(),
                    require_uppercase: p.require_uppercase_characters(),
                    require_lowercase: p.require_lowercase_characters(),
                    reuse_prevention: p.password_reuse_prevention().map_or(0, i64::from),
                    max_age_days: p.max_password_age().map_or(0, i64::from),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_url_decoded() {
        let doc = policy_document("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D");
        assert_eq!(doc["Version"], "2012-10-17");
        assert_eq!(policy_document(r#"{"a": 1}"#)["a"], 1);
        // RFC 3986: a plus stays a plus.
        let doc = policy_document("%7B%22Sid%22%3A%22a+b%22%7D");
        assert_eq!(doc["Sid"], "a+b");
    }

    #[test]
    fn a_user_name_with_commas_keeps_its_row_aligned() {
        let rows = parse_report(
            "user,arn,mfa_active\nsvc,deploy,arn:aws:iam::1:user/svc,deploy,false\nalice,arn:aws:iam::1:user/alice,true\n",
        );
        assert_eq!(rows[0]["user"], "svc,deploy");
        assert_eq!(rows[0]["arn"], "arn:aws:iam::1:user/svc,deploy");
        assert_eq!(rows[0]["mfa_active"], "false");
        assert_eq!(rows[1]["user"], "alice");
        assert_eq!(rows[1]["mfa_active"], "true");
    }

    #[test]
    fn the_report_is_read_by_column() {
        let rows = parse_report("user,arn,mfa_active\n<root_account>,arn:aws:iam::1:root,true\nalice,arn:x,false\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["mfa_active"], "true");
        assert_eq!(rows[1]["user"], "alice");
    }
}
