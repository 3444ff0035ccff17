//! Secrets Manager in one region: secret metadata (rotation, key). The
//! collector never reads a secret's value and has no permission to.

use super::{Part, present, time};
use crate::snapshot::identity::Secret;
use aws_sdk_secretsmanager::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["secretsmanager.secret"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let pages = each_page!(
        part,
        "secretsmanager",
        region,
        "ListSecrets",
        &["secretsmanager.secret"],
        client.list_secrets()
    );
    part.resources.secretsmanager_secret = pages
        .iter()
        .flat_map(|p| p.secret_list())
        .map(|s| {
            let rotation_enabled = s.rotation_enabled().unwrap_or(false);
            Secret {
                id: s.name().unwrap_or_default().into(),
                arn: s.arn().unwrap_or_default().into(),
                region: region.into(),
                rotation_enabled,
                rotation_days: s
                    .rotation_rules()
                    .and_then(|r| r.automatically_after_days())
                    .filter(|_| rotation_enabled),
                schedule_expression: s
                    .rotation_rules()
                    .and_then(|r| present(r.schedule_expression()))
                    .filter(|_| rotation_enabled),
                last_rotated: time(s.last_rotated_date()),
                kms_key_id: present(s.kms_key_id()),
            }
        })
        .collect();
    part
}
