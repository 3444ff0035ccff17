//! Elastic Load Balancing v2 in one region: load balancers with their
//! attributes and the WAF web ACL protecting them, and their listeners.

use super::{Part, last_part, present};
use crate::snapshot::edge::{Listener, ListenerAction, ListenerRule, LoadBalancer};
use aws_sdk_elasticloadbalancingv2::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["elbv2.load_balancer", "elbv2.listener"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let balancers = each_item!(
        part,
        "elasticloadbalancing",
        region,
        "DescribeLoadBalancers",
        &["elbv2.load_balancer", "elbv2.listener"],
        client.describe_load_balancers(),
        |b| b
    );
    for b in balancers {
        let arn = b.load_balancer_arn().unwrap_or_default().to_string();
        let r#type = b.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
        let mut balancer = LoadBalancer {
            id: b.load_balancer_name().unwrap_or_default().into(),
            arn: arn.clone(),
            region: region.into(),
            r#type: r#type.clone(),
            scheme: b.scheme().map(|s| s.as_str().to_string()).unwrap_or_default(),
            dns_name: b.dns_name().unwrap_or_default().into(),
            vpc_id: b.vpc_id().unwrap_or_default().into(),
            availability_zones: b
                .availability_zones()
                .iter()
                .filter_map(|z| z.zone_name().map(String::from))
                .collect(),
            security_groups: b.security_groups().to_vec(),
            attributes: Default::default(),
            web_acl_arn: None,
        };
        if let Some(out) = call!(
            part,
            "elasticloadbalancing",
            region,
            "DescribeLoadBalancerAttributes",
            &["elbv2.load_balancer"],
            resource = &balancer.id,
            client.describe_load_balancer_attributes().load_balancer_arn(&arn)
        ) {
            balancer.attributes = out
                .attributes()
                .iter()
                .filter_map(|a| Some((a.key()?.to_string(), a.value().unwrap_or_default().to_string())))
                .collect();
        }
        // Only application load balancers can have a web ACL.
        if r#type == "application"
            && let Ok(acl) = super::wafv2::web_acl_for(config, region, &arn, &balancer.id, &mut part).await
        {
            balancer.web_acl_arn = acl;
        }
        listeners(&client, region, &arn, &mut part).await;
        part.resources.elbv2_load_balancer.push(balancer);
    }
    part
}

/// The listeners of one load balancer, with their default actions.
async fn listeners(client: &Client, region: &str, arn: &str, part: &mut Part) {
    let listeners = each_item!(
        part,
        "elasticloadbalancing",
        region,
        "DescribeListeners",
        &["elbv2.listener"],
        client.describe_listeners().load_balancer_arn(arn),
        |l| Listener {
            id: last_part(l.listener_arn().unwrap_or_default()).into(),
            arn: l.listener_arn().unwrap_or_default().into(),
            region: region.into(),
            load_balancer_arn: arn.to_string(),
            port: l.port().map_or(0, i64::from),
            protocol: l.protocol().map(|p| p.as_str().to_string()).unwrap_or_default(),
            ssl_policy: l.ssl_policy().unwrap_or_default().into(),
            default_actions: l.default_actions().iter().map(action).collect(),
            rules: Vec::new(),
        }
    );
    for mut listener in listeners {
        listener_rules(client, region, &mut listener, part).await;
        part.resources.elbv2_listener.push(listener);
    }
}

/// A listener action.
fn action(a: &aws_sdk_elasticloadbalancingv2::types::Action) -> ListenerAction {
    let redirect = a.redirect_config();
    ListenerAction {
        r#type: a.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        redirect_protocol: redirect.and_then(|r| present(r.protocol())).unwrap_or_default(),
        redirect_port: redirect.and_then(|r| present(r.port())).unwrap_or_default(),
        redirect_status_code: redirect
            .and_then(|r| r.status_code())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    }
}

/// A listener's rules other than the default one; a failure is a gap
/// naming the listener (what its requests get is then unknown).
async fn listener_rules(client: &Client, region: &str, listener: &mut Listener, part: &mut Part) {
    let Some(out) = call!(
        part,
        "elasticloadbalancing",
        region,
        "DescribeRules",
        &["elbv2.listener"],
        resource = &listener.id,
        client.describe_rules().listener_arn(&listener.arn)
    ) else {
        return;
    };
    listener.rules = out
        .rules()
        .iter()
        .filter(|r| !r.is_default().unwrap_or(false))
        .map(|r| ListenerRule {
            priority: r.priority().unwrap_or_default().into(),
            conditions: r
                .conditions()
                .iter()
                .map(|c| {
                    format!("{} {}", c.field().unwrap_or_default(), c.values().join(" "))
                        .trim()
                        .to_string()
                })
                .collect(),
            actions: r.actions().iter().map(action).collect(),
        })
        .collect();
}
