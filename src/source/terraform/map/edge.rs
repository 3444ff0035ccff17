//! The edge: CloudFront distributions (origins, behaviours, viewer
//! certificate) and response headers policies, load balancers with their
//! listeners and listener rules, WAFv2 web ACLs and their associations.

use super::{Out, push};
use crate::source::terraform::view::{View, Want};
use serde_json::{Value, json};

const LB: &[&str] = &["aws_lb", "aws_alb"];
const LISTENER: &[&str] = &["aws_lb_listener", "aws_alb_listener"];
const WAF: &[&str] = &["aws_wafv2_web_acl"];
const SG: &[&str] = &["aws_security_group", "aws_default_security_group"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_cloudfront_distribution" => distribution(v, out),
        "aws_cloudfront_response_headers_policy" => headers_policy(v, out),
        "aws_lb" | "aws_alb" => load_balancer(v, out),
        "aws_lb_listener" | "aws_alb_listener" => listener(v, out),
        "aws_wafv2_web_acl" => web_acl(v, out),
        _ => return false,
    }
    true
}

pub fn patch(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => {
            let targets = v.link_positions("listener_arn", LISTENER);
            let conditions: Vec<String> = v
                .blocks("condition")
                .iter()
                .filter_map(|c| c.as_object())
                .flat_map(|c| {
                    c.iter().filter_map(|(field, body)| {
                        let values = body
                            .pointer("/0/values")
                            .map(|v| crate::source::terraform::view::strings(Some(v)).join(" "))?;
                        Some(format!("{} {values}", field.replace('_', "-")).trim().to_string())
                    })
                })
                .collect();
            let rule = json!({
                "priority": v.get("priority").map(|p| p.to_string().trim_matches('"').to_string()).unwrap_or_default(),
                "conditions": conditions,
                "actions": actions(v, "action"),
            });
            out.patch("elbv2.listener", v, &targets, |l| push(l, "rules", rule.clone()));
        }
        "aws_wafv2_web_acl_association" => {
            let targets = v.link_positions("resource_arn", LB);
            let acl = v.link("web_acl_arn", "web_acl_arn", WAF, Want::Arn);
            out.patch("elbv2.load_balancer", v, &targets, |lb| {
                lb.insert("web_acl_arn".into(), json!(acl));
            });
        }
        _ => return false,
    }
    true
}

fn behavior(v: &View, base: &str, path_pattern: Option<&str>) -> Value {
    let p = |name: &str| format!("{base}{name}");
    let mut functions = Vec::new();
    for (block, arn) in [
        ("function_association", "function_arn"),
        ("lambda_function_association", "lambda_arn"),
    ] {
        for (i, f) in v.blocks(&p(block)).iter().enumerate() {
            let event = f.get("event_type").and_then(Value::as_str).unwrap_or_default();
            if matches!(event, "viewer-response" | "origin-response") {
                let path = p(&format!("{block}.{i}.{arn}"));
                if let Some(a) = v.link(
                    "default_behavior",
                    &path,
                    &["aws_cloudfront_function", "aws_lambda_function"],
                    Want::Arn,
                ) {
                    functions.push(a);
                }
            }
        }
    }
    json!({
        "path_pattern": path_pattern.map(str::to_string).unwrap_or_else(|| v.label(&p("path_pattern"))),
        "target_origin_id": v.label(&p("target_origin_id")),
        "viewer_protocol_policy": v.text_or("default_behavior", &p("viewer_protocol_policy"), "allow-all"),
        "response_headers_policy_id": v.link("default_behavior", &p("response_headers_policy_id"), &["aws_cloudfront_response_headers_policy"], Want::Id).unwrap_or_default(),
        "response_functions": functions,
    })
}

fn distribution(v: &View, out: &mut Out) {
    let mut origins = Vec::new();
    for (i, o) in v.blocks("origin").iter().enumerate() {
        let p = |name: &str| format!("origin.{i}.{name}");
        // A bucket's domain name is unknown until it exists: rebuild it from
        // the bucket it references, so that the bucket knows its origin.
        let domain = match o.get("domain_name").and_then(Value::as_str) {
            Some(d) if !d.is_empty() && !v.is_unknown(&p("domain_name")) => d.to_string(),
            _ => match v.targets(&p("domain_name"), &["aws_s3_bucket"]).first() {
                Some(&b) => {
                    let bucket = v.cx.view(b);
                    format!("{}.s3.{}.amazonaws.com", bucket.id(), bucket.region())
                }
                None => v
                    .link("origins", &p("domain_name"), LB, Want::Id)
                    .map(|lb| format!("{lb}.elb.amazonaws.com"))
                    .unwrap_or_default(),
            },
        };
        let custom = o.pointer("/custom_origin_config/0").map(|c| {
            json!({
                "origin_protocol_policy": c.get("origin_protocol_policy").cloned().unwrap_or(json!("")),
                "origin_ssl_protocols": c.get("origin_ssl_protocols").cloned().unwrap_or(json!([])),
            })
        });
        origins.push(json!({
            "id": o.get("origin_id").and_then(Value::as_str).unwrap_or_default(),
            "domain_name": domain,
            "origin_access_control_id": v.link("origins", &p("origin_access_control_id"), &["aws_cloudfront_origin_access_control"], Want::Id).unwrap_or_default(),
            "s3_origin_access_identity": v.link("origins", &p("s3_origin_config.0.origin_access_identity"), &["aws_cloudfront_origin_access_identity"], Want::Id).unwrap_or_default(),
            "custom_origin": custom,
        }));
    }
    let behaviors: Vec<Value> = (0..v.blocks("ordered_cache_behavior").len())
        .map(|i| behavior(v, &format!("ordered_cache_behavior.{i}."), None))
        .collect();
    let default_certificate = v.flag(
        "viewer_certificate",
        "viewer_certificate.0.cloudfront_default_certificate",
        false,
    );
    out.add(
        "cloudfront.distribution",
        v,
        json!({
            "region": "global",
            "domain_name": v.label("domain_name"),
            "aliases": v.strs("aliases", "aliases"),
            "enabled": v.flag("enabled", "enabled", true),
            "web_acl_id": v.link("web_acl_id", "web_acl_id", WAF, Want::Arn).unwrap_or_default(),
            "viewer_certificate": {
                "cloudfront_default_certificate": default_certificate,
                // With the default certificate CloudFront accepts TLSv1.
                "minimum_protocol_version": v.text_or("viewer_certificate", "viewer_certificate.0.minimum_protocol_version", "TLSv1"),
                "ssl_support_method": v.label("viewer_certificate.0.ssl_support_method"),
            },
            "origins": origins,
            "default_behavior": behavior(v, "default_cache_behavior.0.", Some("*")),
            "behaviors": behaviors,
        }),
    );
}

fn headers_policy(v: &View, out: &mut Out) {
    let base = "security_headers_config.0.";
    let p = |name: &str| format!("{base}{name}");
    let hsts = v.get(&p("strict_transport_security.0")).map(|h| {
        json!({
            "max_age": h.get("access_control_max_age_sec").and_then(Value::as_i64).unwrap_or(0),
            "include_subdomains": h.get("include_subdomains").and_then(Value::as_bool).unwrap_or(false),
            "preload": h.get("preload").and_then(Value::as_bool).unwrap_or(false),
        })
    });
    let hsts_override = v
        .get(&p("strict_transport_security.0.override"))
        .and_then(Value::as_bool);
    out.add(
        "cloudfront.response_headers_policy",
        v,
        json!({
            "region": "global",
            "name": v.label("name"),
            "content_security_policy": v.s("content_security_policy", &p("content_security_policy.0.content_security_policy")),
            "content_type_options": !v.blocks(&p("content_type_options")).is_empty(),
            "frame_options": v.s("frame_options", &p("frame_options.0.frame_option")),
            "referrer_policy": v.s("referrer_policy", &p("referrer_policy.0.referrer_policy")),
            "strict_transport_security": hsts,
            "hsts_override": hsts_override,
        }),
    );
}

fn load_balancer(v: &View, out: &mut Out) {
    let subnets = v.link_positions("subnets", SUBNET);
    let mut zones: Vec<String> = subnets
        .iter()
        .map(|&s| {
            let subnet = v.cx.view(s);
            let zone = subnet.label("availability_zone");
            if zone.is_empty() { subnet.id() } else { zone }
        })
        .collect();
    if subnets.is_empty() {
        zones = v.strs("availability_zones", "subnets");
        zones.extend(
            v.blocks("subnet_mapping")
                .iter()
                .filter_map(|m| m.get("subnet_id").and_then(Value::as_str).map(str::to_string)),
        );
    }
    zones.sort();
    zones.dedup();
    let vpc = subnets
        .first()
        .and_then(|&s| {
            v.cx.view(s)
                .link("vpc_id", "vpc_id", &["aws_vpc", "aws_default_vpc"], Want::Id)
        })
        .unwrap_or_default();
    let bool_text = |field: &str, path: &str, default: bool| v.flag(field, path, default).to_string();
    let attributes = json!({
        "routing.http.drop_invalid_header_fields.enabled": bool_text("attributes", "drop_invalid_header_fields", false),
        "deletion_protection.enabled": bool_text("attributes", "enable_deletion_protection", false),
        "access_logs.s3.enabled": bool_text("attributes", "access_logs.0.enabled", false),
        "routing.http.desync_mitigation_mode": v.text_or("attributes", "desync_mitigation_mode", "defensive"),
    });
    out.add(
        "elbv2.load_balancer",
        v,
        json!({
            "type": v.text_or("type", "load_balancer_type", "application"),
            "scheme": if v.flag("scheme", "internal", false) { "internal" } else { "internet-facing" },
            "dns_name": v.label("dns_name"),
            "vpc_id": vpc,
            "availability_zones": zones,
            "security_groups": v.links("security_groups", "security_groups", SG, Want::Id),
            "attributes": attributes,
            "web_acl_arn": null,
        }),
    );
}

fn actions(v: &View, block: &str) -> Vec<Value> {
    (0..v.blocks(block).len())
        .map(|i| {
            let p = |name: &str| format!("{block}.{i}.{name}");
            json!({
                "type": v.text_or("default_actions", &p("type"), ""),
                "redirect_port": v.text_or("default_actions", &p("redirect.0.port"), "#{port}"),
                "redirect_protocol": v.text_or("default_actions", &p("redirect.0.protocol"), "#{protocol}"),
                "redirect_status_code": v.label(&p("redirect.0.status_code")),
            })
        })
        .collect()
}

fn listener(v: &View, out: &mut Out) {
    let protocol = v.text_or("protocol", "protocol", "HTTP");
    // CreateListener without SslPolicy uses ELBSecurityPolicy-2016-08.
    let default_policy = if matches!(protocol.as_str(), "HTTPS" | "TLS") {
        "ELBSecurityPolicy-2016-08"
    } else {
        ""
    };
    out.add(
        "elbv2.listener",
        v,
        json!({
            "load_balancer_arn": v.link("load_balancer_arn", "load_balancer_arn", LB, Want::Arn).unwrap_or_default(),
            "port": v.int("port", "port", 0),
            "protocol": protocol,
            "ssl_policy": v.text_or("ssl_policy", "ssl_policy", default_policy),
            "default_actions": actions(v, "default_action"),
            "rules": [],
        }),
    );
}

fn web_acl(v: &View, out: &mut Out) {
    let action_of = |base: &str| -> String {
        ["allow", "block", "count", "captcha", "challenge"]
            .iter()
            .find(|a| !v.blocks(&format!("{base}{a}")).is_empty())
            .map(|a| a.to_string())
            .unwrap_or_default()
    };
    let rules: Vec<Value> = (0..v.blocks("rule").len())
        .map(|i| {
            let p = |name: &str| format!("rule.{i}.{name}");
            let statement = p("statement.0.");
            let managed = v.get(&format!("{statement}managed_rule_group_statement.0")).map(|m| {
                format!(
                    "{}/{}",
                    m.get("vendor_name").and_then(Value::as_str).unwrap_or_default(),
                    m.get("name").and_then(Value::as_str).unwrap_or_default()
                )
            });
            let rate = v.get(&format!("{statement}rate_based_statement.0"));
            let override_action = if !v.blocks(&p("override_action.0.count")).is_empty() {
                "count"
            } else if !v.blocks(&p("override_action")).is_empty() {
                "none"
            } else {
                ""
            };
            json!({
                "name": v.label(&p("name")),
                "priority": v.int("rules", &p("priority"), 0),
                "action": action_of(&p("action.0.")),
                "override_action": override_action,
                "managed_rule_group": managed,
                "rate_based": rate.is_some(),
                "rate_limit": rate.and_then(|r| r.get("limit")).and_then(Value::as_i64),
                "rule_group_arn": v.link("rules", &format!("{statement}rule_group_reference_statement.0.arn"), &["aws_wafv2_rule_group"], Want::Arn),
                "group_rules": [],
            })
        })
        .collect();
    let scope = v.label("scope");
    out.add(
        "wafv2.web_acl",
        v,
        json!({
            "region": if scope == "CLOUDFRONT" { "global".to_string() } else { v.region() },
            "name": v.label("name"),
            "scope": scope,
            "default_action": if v.blocks("default_action.0.allow").is_empty() { "block" } else { "allow" },
            "rules": rules,
        }),
    );
}
