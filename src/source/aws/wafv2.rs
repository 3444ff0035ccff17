//! WAFv2: web ACLs and their rules, regional ones in each region and the
//! CloudFront-scope ones once (they live in us-east-1); and which web ACL
//! protects a load balancer (`GetWebACLForResource`: unlike
//! `ListResourcesForWebACL` it asks about the resource itself).

use super::Part;
use crate::snapshot::edge::{GroupRule, WebAcl, WebAclRule};
use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::types::Scope;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["wafv2.web_acl"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let mut part = Part::default();
    web_acls(&Client::new(config), Scope::Regional, region, &mut part).await;
    part
}

/// The CloudFront-scope web ACLs, once per account (they live in us-east-1).
pub async fn collect_global(global: super::Global) -> Part {
    let mut part = Part::default();
    web_acls(&Client::new(&global.global), Scope::Cloudfront, "global", &mut part).await;
    part
}

/// Every web ACL of a scope, following the marker, each read in full.
async fn web_acls(client: &Client, scope: Scope, region: &str, part: &mut Part) {
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = call!(
            part,
            "wafv2",
            region,
            "ListWebACLs",
            KINDS,
            client
                .list_web_acls()
                .scope(scope.clone())
                .set_next_marker(marker.clone())
        ) else {
            return;
        };
        for summary in out.web_acls() {
            let (Some(name), Some(id)) = (summary.name(), summary.id()) else {
                continue;
            };
            let Some(acl) = call!(
                part,
                "wafv2",
                region,
                "GetWebACL",
                KINDS,
                resource = id,
                client.get_web_acl().scope(scope.clone()).name(name).id(id)
            ) else {
                // Kept with its gap, so that its rules report `error`.
                part.resources.wafv2_web_acl.push(WebAcl {
                    id: id.into(),
                    arn: summary.arn().unwrap_or_default().into(),
                    region: region.into(),
                    name: name.into(),
                    scope: scope.as_str().into(),
                    ..WebAcl::default()
                });
                continue;
            };
            if let Some(acl) = acl.web_acl() {
                let mut rules: Vec<WebAclRule> = acl.rules().iter().map(web_acl_rule).collect();
                for rule in &mut rules {
                    if let Some(arn) = rule.rule_group_arn.clone() {
                        rule.group_rules = group_rules(client, region, &arn, acl.id(), part).await;
                    }
                }
                part.resources.wafv2_web_acl.push(WebAcl {
                    id: acl.id().into(),
                    arn: acl.arn().into(),
                    region: region.into(),
                    name: acl.name().into(),
                    scope: scope.as_str().into(),
                    default_action: if acl.default_action().is_some_and(|a| a.allow().is_some()) {
                        "ALLOW".into()
                    } else {
                        "BLOCK".into()
                    },
                    rules,
                });
            }
        }
        marker = out.next_marker().filter(|m| !m.is_empty()).map(String::from);
        if marker.is_none() || out.web_acls().is_empty() {
            return;
        }
    }
}

/// A web ACL rule as the snapshot holds it (a referenced rule group's
/// rules are read separately).
fn web_acl_rule(r: &aws_sdk_wafv2::types::Rule) -> WebAclRule {
    let statement = r.statement();
    let rate = statement.and_then(|s| s.rate_based_statement());
    WebAclRule {
        name: r.name().into(),
        priority: i64::from(r.priority()),
        rate_based: rate.is_some(),
        rate_limit: rate.map(|r| r.limit()),
        managed_rule_group: statement
            .and_then(|s| s.managed_rule_group_statement())
            .map(|m| format!("{}/{}", m.vendor_name(), m.name())),
        action: action_name(r.action()),
        rule_group_arn: statement
            .and_then(|s| s.rule_group_reference_statement())
            .map(|g| g.arn().to_string()),
        override_action: match r.override_action() {
            Some(o) if o.count().is_some() => "count".into(),
            Some(_) => "none".into(),
            None => String::new(),
        },
        group_rules: Vec::new(),
    }
}

/// The rules of a customer rule group; a failure is a gap naming the web
/// ACL that references it, so that its rules report `error`.
async fn group_rules(client: &Client, region: &str, arn: &str, acl_id: &str, part: &mut Part) -> Vec<GroupRule> {
    let Some(out) = call!(
        part,
        "wafv2",
        region,
        "GetRuleGroup",
        KINDS,
        resource = acl_id,
        client.get_rule_group().arn(arn)
    ) else {
        return Vec::new();
    };
    out.rule_group()
        .map(|g| g.rules())
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let rate = r.statement().and_then(|s| s.rate_based_statement());
            GroupRule {
                name: r.name().into(),
                rate_based: rate.is_some(),
                rate_limit: rate.map(|r| r.limit()),
                action: action_name(r.action()),
            }
        })
        .collect()
}

/// A rule's action by name.
fn action_name(action: Option<&aws_sdk_wafv2::types::RuleAction>) -> String {
    let Some(a) = action else { return String::new() };
    let name = if a.block().is_some() {
        "block"
    } else if a.count().is_some() {
        "count"
    } else if a.allow().is_some() {
        "allow"
    } else if a.captcha().is_some() {
        "captcha"
    } else if a.challenge().is_some() {
        "challenge"
    } else {
        ""
    };
    name.to_string()
}

/// The web ACL protecting a resource (an ALB): its ARN, or `None` when there
/// is none. `Err` when the call failed; the gap, recorded, names `resource_id`.
pub async fn web_acl_for(
    config: &aws_config::SdkConfig,
    region: &str,
    resource_arn: &str,
    resource_id: &str,
    part: &mut Part,
) -> Result<Option<String>, ()> {
    let client = Client::new(config);
    let out = call!(
        part,
        "wafv2",
        region,
        "GetWebACLForResource",
        &["elbv2.load_balancer"],
        resource = resource_id,
        client.get_web_acl_for_resource().resource_arn(resource_arn)
    )
    .ok_or(())?;
    Ok(out.web_acl().map(|a| a.arn().to_string()))
}
