//! KMS in one region: keys with their manager, state, origin and rotation,
//! and their aliases.

use super::Part;
use crate::snapshot::identity::Key;
use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, OriginType};
use std::collections::HashMap;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["kms.key"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["kms.key"];
    let keys = each_item!(part, "kms", region, "ListKeys", kinds, client.list_keys(), |k| k);
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    for alias in each_item!(part, "kms", region, "ListAliases", kinds, client.list_aliases(), |a| a) {
        if let (Some(target), Some(name)) = (alias.target_key_id(), alias.alias_name()) {
            aliases.entry(target.to_string()).or_default().push(name.to_string());
        }
    }
    for k in keys {
        let Some(id) = k.key_id() else { continue };
        let Some(out) = call!(
            part,
            "kms",
            region,
            "DescribeKey",
            kinds,
            client.describe_key().key_id(id)
        ) else {
            continue;
        };
        let Some(meta) = out.key_metadata() else { continue };
        let manager = meta.key_manager().map(|m| m.as_str().to_string()).unwrap_or_default();
        let mut key = Key {
            id: id.into(),
            arn: meta.arn().or(k.key_arn()).unwrap_or_default().into(),
            region: region.into(),
            state: meta.key_state().map(|s| s.as_str().to_string()).unwrap_or_default(),
            spec: meta.key_spec().map(|s| s.as_str().to_string()).unwrap_or_default(),
            origin: meta.origin().map(|o| o.as_str().to_string()).unwrap_or_default(),
            rotation_enabled: false,
            aliases: aliases.remove(id).unwrap_or_default(),
            manager: manager.clone(),
        };
        // Rotation applies to customer managed symmetric keys with AWS key
        // material; asking about any other key is an error, not a "no".
        let rotatable = meta.key_manager() == Some(&KeyManagerType::Customer)
            && meta.key_spec() == Some(&KeySpec::SymmetricDefault)
            && meta.origin() == Some(&OriginType::AwsKms);
        if rotatable
            && let Some(out) = call!(
                part,
                "kms",
                region,
                "GetKeyRotationStatus",
                kinds,
                resource = id,
                client.get_key_rotation_status().key_id(id)
            )
        {
            key.rotation_enabled = out.key_rotation_enabled();
        }
        part.resources.kms_key.push(key);
    }
    part
}
