//! EC2 networking and compute: security groups (inline rules and the three
//! split rule resources), VPCs, subnets, route tables and their routes and
//! associations, flow logs, Elastic IPs, network ACLs, EBS default
//! encryption, instances and launch templates.

use super::{Out, push};
use crate::source::terraform::view::{View, Want};
use serde_json::{Value, json};

const SG: &[&str] = &["aws_security_group", "aws_default_security_group"];
const VPC: &[&str] = &["aws_vpc", "aws_default_vpc"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];
const ROUTE_TABLE: &[&str] = &["aws_route_table", "aws_default_route_table"];
const GATEWAYS: &[&str] = &[
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_egress_only_internet_gateway",
    "aws_ec2_transit_gateway",
    "aws_vpc_peering_connection",
    "aws_network_interface",
    "aws_vpc_endpoint",
    "aws_instance",
];
const NACL: &[&str] = &["aws_network_acl", "aws_default_network_acl"];
const PREFIX_LIST: &[&str] = &["aws_ec2_managed_prefix_list"];

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_security_group" => security_group(v, out, false),
        "aws_default_security_group" => security_group(v, out, true),
        "aws_vpc" => vpc(v, out, false),
        "aws_default_vpc" => vpc(v, out, true),
        "aws_subnet" => subnet(v, out),
        "aws_route_table" => route_table(v, out, false),
        "aws_default_route_table" => route_table(v, out, true),
        "aws_flow_log" => flow_log(v, out),
        "aws_eip" => eip(v, out),
        "aws_ebs_encryption_by_default" => out.add(
            "ec2.ebs_encryption",
            v,
            json!({ "id": v.region(), "enabled": v.flag("enabled", "enabled", true) }),
        ),
        "aws_network_acl" => nacl(v, out, false),
        "aws_default_network_acl" => nacl(v, out, true),
        "aws_instance" => instance(v, out),
        "aws_launch_template" => launch_template(v, out),
        "aws_ec2_managed_prefix_list" => {
            let cidrs: Vec<String> = v
                .blocks("entry")
                .iter()
                .filter_map(|e| e.get("cidr").and_then(Value::as_str).map(str::to_string))
                .collect();
            if v.is_unknown("entry") && v.configured("entry") {
                v.mark("cidrs");
            }
            out.add(
                "ec2.prefix_list",
                v,
                json!({
                    "name": v.label("name"),
                    "address_family": v.text_or("address_family", "address_family", "IPv4"),
                    "owner_id": v.cx.account_id,
                    "cidrs": cidrs,
                }),
            );
        }
        _ => return false,
    }
    true
}

pub fn patch(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_security_group_rule" => {
            let targets = v.link_positions("security_group_id", SG);
            let own = targets.first().map(|&t| v.cx.handles[t].id.clone()).unwrap_or_default();
            let field = v.label("type");
            let field = if field == "egress" { "egress" } else { "ingress" };
            let permission = permission(v, "", field, &own);
            out.patch("ec2.security_group", v, &targets, |sg| {
                push(sg, field, permission.clone())
            });
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let targets = v.link_positions("security_group_id", SG);
            let field = if v.instance.rtype.ends_with("ingress_rule") {
                "ingress"
            } else {
                "egress"
            };
            let permission = split_rule(v, field);
            out.patch("ec2.security_group", v, &targets, |sg| {
                push(sg, field, permission.clone())
            });
        }
        "aws_route" => {
            let targets = v.link_positions("route_table_id", ROUTE_TABLE);
            let route = route(v, "");
            out.patch("ec2.route_table", v, &targets, |t| push(t, "routes", route.clone()));
        }
        "aws_route_table_association" => {
            let targets = v.link_positions("route_table_id", ROUTE_TABLE);
            let subnet = v.link("subnet_ids", "subnet_id", SUBNET, Want::Id);
            if let Some(subnet) = subnet {
                out.patch("ec2.route_table", v, &targets, |t| push(t, "subnet_ids", json!(subnet)));
            }
        }
        "aws_main_route_table_association" => {
            let targets = v.link_positions("route_table_id", ROUTE_TABLE);
            out.patch("ec2.route_table", v, &targets, |t| {
                t.insert("main".into(), json!(true));
            });
        }
        "aws_eip_association" => {
            let targets = v.link_positions("allocation_id", &["aws_eip"]);
            let instance = v.link("instance_id", "instance_id", &["aws_instance"], Want::Id);
            let eni = v.link(
                "network_interface_id",
                "network_interface_id",
                &["aws_network_interface"],
                Want::Id,
            );
            let association = format!("eipassoc-({})", v.address());
            out.patch("ec2.address", v, &targets, |a| {
                a.insert("association_id".into(), json!(association));
                if instance.is_some() {
                    a.insert("instance_id".into(), json!(instance));
                }
                if eni.is_some() {
                    a.insert("network_interface_id".into(), json!(eni));
                }
            });
        }
        "aws_ebs_default_kms_key" => {
            let key = v.link("kms_key_id", "key_arn", &["aws_kms_key"], Want::Arn);
            let region = v.region();
            let mut found = false;
            for e in out.entries.iter_mut().filter(|e| e.kind == "ec2.ebs_encryption") {
                if e.value.get("region").and_then(Value::as_str) == Some(region.as_str()) {
                    e.value.insert("kms_key_id".into(), json!(key));
                    found = true;
                }
            }
            if !found {
                out.notes.push(format!(
                    "{}: EBS encryption by default is not managed by this plan; the key alone is not judged",
                    v.address()
                ));
            }
        }
        "aws_network_acl_rule" => {
            let targets = v.link_positions("network_acl_id", NACL);
            let entry = json!({
                "rule_number": v.int("entries", "rule_number", 0),
                "egress": v.flag("entries", "egress", false),
                "protocol": v.text_or("entries", "protocol", "-1"),
                "allow": v.text_or("entries", "rule_action", "deny") == "allow",
                "cidr": cidr_of(v, ""),
                "from_port": v.int("entries", "from_port", 0),
                "to_port": v.int("entries", "to_port", 0),
            });
            out.patch("ec2.network_acl", v, &targets, |n| push(n, "entries", entry.clone()));
        }
        _ => return false,
    }
    true
}

/// One permission of an inline block or an `aws_security_group_rule` (they
/// share one spelling), at `base` (`ingress.0.`, or `` for the rule
/// resource). Every unknown part marks the whole direction (`field`).
fn permission(v: &View, base: &str, field: &str, own_id: &str) -> Value {
    let p = |name: &str| format!("{base}{name}");
    let mut cidrs = v.strs(field, &p("cidr_blocks"));
    cidrs.extend(v.strs(field, &p("ipv6_cidr_blocks")));
    let mut groups = v.links(field, &p("security_groups"), SG, Want::Id);
    if let Some(source) = v.link(field, &p("source_security_group_id"), SG, Want::Id) {
        groups.push(source);
    }
    if v.flag(field, &p("self"), false) {
        groups.push(own_id.to_string());
    }
    json!({
        "protocol": v.text_or(field, &p("protocol"), "-1"),
        "from_port": v.int(field, &p("from_port"), 0),
        "to_port": v.int(field, &p("to_port"), 0),
        "cidrs": cidrs,
        "source_groups": groups,
        "prefix_lists": prefix_lists(v, field, &p("prefix_list_ids")),
        "description": v.label(&p("description")),
    })
}

/// The prefix lists a permission names; one the plan does not manage has
/// entries the plan cannot know, so the permission is unknown.
fn prefix_lists(v: &View, field: &str, path: &str) -> Vec<String> {
    let lists = v.links(field, path, PREFIX_LIST, Want::Id);
    let managed: Vec<usize> = v.link_positions(path, PREFIX_LIST);
    let managed_ids: Vec<&str> = managed.iter().map(|&p| v.cx.handles[p].id.as_str()).collect();
    if lists.iter().any(|l| !managed_ids.contains(&l.as_str())) {
        v.mark_outside(field);
    }
    lists
}

/// `aws_vpc_security_group_{ingress,egress}_rule`: one peer per rule, and
/// `ip_protocol = "-1"` without ports.
fn split_rule(v: &View, field: &str) -> Value {
    let cidrs: Vec<String> = ["cidr_ipv4", "cidr_ipv6"]
        .iter()
        .filter_map(|a| v.s(field, a))
        .filter(|c| !c.is_empty())
        .collect();
    let groups: Vec<String> = v
        .link(field, "referenced_security_group_id", SG, Want::Id)
        .into_iter()
        .collect();
    let prefix_lists = prefix_lists(v, field, "prefix_list_id");
    let protocol = v.text_or(field, "ip_protocol", "-1");
    let all = matches!(protocol.as_str(), "-1" | "all");
    json!({
        "protocol": protocol,
        "from_port": if all { 0 } else { v.int(field, "from_port", 0) },
        "to_port": if all { 0 } else { v.int(field, "to_port", 0) },
        "cidrs": cidrs,
        "source_groups": groups,
        "prefix_lists": prefix_lists,
        "description": v.label("description"),
    })
}

fn security_group(v: &View, out: &mut Out, default: bool) {
    let id = v.id();
    let rules = |field: &str| -> Vec<Value> {
        let blocks = v.blocks(field);
        if blocks.is_empty() && v.is_unknown(field) && v.configured(field) {
            v.mark(field);
        }
        (0..blocks.len())
            .map(|i| permission(v, &format!("{field}.{i}."), field, &id))
            .collect()
    };
    let ingress = rules("ingress");
    let egress = rules("egress");
    let name = if default {
        "default".to_string()
    } else {
        v.label("name")
    };
    out.add(
        "ec2.security_group",
        v,
        json!({
            "name": name,
            "description": v.label("description"),
            "vpc_id": v.link("vpc_id", "vpc_id", VPC, Want::Id).unwrap_or_default(),
            "ingress": ingress,
            "egress": egress,
        }),
    );
}

fn vpc(v: &View, out: &mut Out, default: bool) {
    out.add(
        "ec2.vpc",
        v,
        json!({ "name": v.name_tag(), "cidr": v.label("cidr_block"), "is_default": default }),
    );
}

fn subnet(v: &View, out: &mut Out) {
    out.add(
        "ec2.subnet",
        v,
        json!({
            "vpc_id": v.link("vpc_id", "vpc_id", VPC, Want::Id).unwrap_or_default(),
            "cidr": v.label("cidr_block"),
            "availability_zone": v.label("availability_zone"),
            "map_public_ip_on_launch": v.flag("map_public_ip_on_launch", "map_public_ip_on_launch", false),
        }),
    );
}

/// A route's destination and target, at `base` (`route.0.` or ``).
fn route(v: &View, base: &str) -> Value {
    let p = |name: &str| format!("{base}{name}");
    let destination = [
        "cidr_block",
        "destination_cidr_block",
        "ipv6_cidr_block",
        "destination_ipv6_cidr_block",
    ]
    .iter()
    .find_map(|a| v.get(&p(a)).and_then(Value::as_str).filter(|s| !s.is_empty()))
    .map(str::to_string)
    .or_else(|| v.link("routes", &p("destination_prefix_list_id"), PREFIX_LIST, Want::Id))
    .unwrap_or_default();
    let target = [
        "gateway_id",
        "nat_gateway_id",
        "transit_gateway_id",
        "vpc_peering_connection_id",
        "network_interface_id",
        "egress_only_gateway_id",
        "vpc_endpoint_id",
        "local_gateway_id",
        "carrier_gateway_id",
        "core_network_arn",
    ]
    .iter()
    .filter(|a| v.get(&p(a)).and_then(Value::as_str).is_some_and(|s| !s.is_empty()) || v.configured(&p(a)))
    .find_map(|a| v.link("routes", &p(a), GATEWAYS, Want::Id))
    .unwrap_or_default();
    json!({ "destination": destination, "target": target, "state": "active" })
}

fn route_table(v: &View, out: &mut Out, default: bool) {
    let routes: Vec<Value> = (0..v.blocks("route").len())
        .map(|i| route(v, &format!("route.{i}.")))
        .collect();
    let vpc = v.link("vpc_id", "vpc_id", VPC, Want::Id).unwrap_or_default();
    out.add(
        "ec2.route_table",
        v,
        json!({ "vpc_id": vpc, "main": default, "subnet_ids": [], "routes": routes }),
    );
}

fn flow_log(v: &View, out: &mut Out) {
    let resource = [
        ("vpc_id", VPC),
        ("subnet_id", SUBNET),
        ("eni_id", &["aws_network_interface"][..]),
        ("transit_gateway_id", &["aws_ec2_transit_gateway"][..]),
    ]
    .iter()
    .filter(|(a, _)| v.configured(a) || v.get(a).is_some())
    .find_map(|(a, types)| v.link("resource_id", a, types, Want::Id))
    .unwrap_or_default();
    let destination = v
        .link(
            "destination",
            "log_destination",
            &["aws_s3_bucket", "aws_cloudwatch_log_group"],
            Want::Arn,
        )
        .unwrap_or_default();
    out.add(
        "ec2.flow_log",
        v,
        json!({
            "resource_id": resource,
            "traffic_type": v.text_or("traffic_type", "traffic_type", "ALL"),
            "destination_type": v.text_or("destination_type", "log_destination_type", "cloud-watch-logs"),
            "destination": destination,
            "status": "ACTIVE",
        }),
    );
}

fn eip(v: &View, out: &mut Out) {
    let instance = v.link("instance_id", "instance", &["aws_instance"], Want::Id);
    let eni = v.link(
        "network_interface_id",
        "network_interface",
        &["aws_network_interface"],
        Want::Id,
    );
    let association = v
        .get("association_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| (instance.is_some() || eni.is_some()).then(|| format!("eipassoc-({})", v.address())));
    out.add(
        "ec2.address",
        v,
        json!({
            "public_ip": v.label("public_ip"),
            "instance_id": instance,
            "network_interface_id": eni,
            "association_id": association,
        }),
    );
}

fn cidr_of(v: &View, base: &str) -> String {
    ["cidr_block", "ipv6_cidr_block"]
        .iter()
        .find_map(|a| v.s("entries", &format!("{base}{a}")).filter(|s| !s.is_empty()))
        .unwrap_or_default()
}

fn nacl(v: &View, out: &mut Out, default: bool) {
    let mut entries = Vec::new();
    for (field, egress) in [("ingress", false), ("egress", true)] {
        for i in 0..v.blocks(field).len() {
            let base = format!("{field}.{i}.");
            let p = |name: &str| format!("{base}{name}");
            entries.push(json!({
                "rule_number": v.int("entries", &p("rule_no"), 0),
                "egress": egress,
                "protocol": v.text_or("entries", &p("protocol"), "-1"),
                "allow": v.text_or("entries", &p("action"), "deny") == "allow",
                "cidr": cidr_of(v, &base),
                "from_port": v.int("entries", &p("from_port"), 0),
                "to_port": v.int("entries", &p("to_port"), 0),
            }));
        }
    }
    // The catch-all deny every network ACL ends with.
    for egress in [false, true] {
        entries.push(json!({
            "rule_number": 32767, "egress": egress, "protocol": "-1", "allow": false,
            "cidr": "0.0.0.0/0", "from_port": 0, "to_port": 0,
        }));
    }
    let vpc = v.link("vpc_id", "vpc_id", VPC, Want::Id).unwrap_or_default();
    out.add(
        "ec2.network_acl",
        v,
        json!({
            "vpc_id": vpc,
            "is_default": default,
            "subnet_ids": v.links("subnet_ids", "subnet_ids", SUBNET, Want::Id),
            "entries": entries,
        }),
    );
}

/// Whether the plan sets the region's instance metadata default to
/// IMDSv2 (`aws_ec2_instance_metadata_defaults`).
fn imds_default_required(v: &View) -> bool {
    let region = v.region();
    (v.cx.plan.instances.iter().enumerate())
        .filter(|(_, i)| i.rtype == "aws_ec2_instance_metadata_defaults")
        .any(|(p, _)| {
            let d = v.cx.view(p);
            d.region() == region && d.label("http_tokens") == "required"
        })
}

/// User data as text: `user_data_base64` decoded, `user_data` as written.
/// AWS provider versions before 6 store `user_data` as its SHA-1: then
/// the configuration's constant is read, and if there is none the user
/// data is unknown.
fn user_data(v: &View, plain: Option<&str>, base64: &str) -> Option<String> {
    let plain_unknown = plain.is_some_and(|p| v.is_unknown(p));
    if v.is_unknown(base64) || plain_unknown {
        if v.configured(base64) || plain.is_some_and(|p| v.configured(p)) {
            v.mark("user_data");
        }
        return None;
    }
    let decode = |text: Option<&str>| match crate::semantics::user_data::decode_base64(text) {
        Ok(text) => text,
        Err(_) => {
            v.mark("user_data");
            None
        }
    };
    if let Some(encoded) = v.get(base64).and_then(Value::as_str) {
        return decode(Some(encoded));
    }
    let plain = plain?;
    let text = v.get(plain).and_then(Value::as_str)?;
    if text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return match v.constant(plain) {
            Some(source) => crate::semantics::user_data::decode(source.as_bytes()).ok(),
            None => {
                v.mark("user_data");
                None
            }
        };
    }
    match crate::semantics::user_data::decode(text.as_bytes()) {
        Ok(text) => Some(text),
        Err(_) => {
            v.mark("user_data");
            None
        }
    }
}

fn instance(v: &View, out: &mut Out) {
    let subnets = v.link_positions("subnet_id", SUBNET);
    let subnet = v.link("subnet_id", "subnet_id", SUBNET, Want::Id).unwrap_or_default();
    let subnet_view = subnets.first().map(|&p| v.cx.view(p));
    let vpc = subnet_view
        .as_ref()
        .and_then(|s| s.link("vpc_id", "vpc_id", VPC, Want::Id))
        .unwrap_or_default();
    // A public IP: asked for, refused, or (unset) the subnet's default.
    let public_ip = match v.get("public_ip").and_then(Value::as_str) {
        Some(ip) if !ip.is_empty() && !v.is_unknown("public_ip") => Some(ip.to_string()),
        _ => match v.get("associate_public_ip_address").and_then(Value::as_bool) {
            _ if v.is_unknown("associate_public_ip_address") && v.configured("associate_public_ip_address") => {
                v.mark("public_ip");
                None
            }
            Some(true) => Some("(assigned at launch)".to_string()),
            Some(false) => None,
            None => match &subnet_view {
                Some(s) if !s.is_unknown("map_public_ip_on_launch") || !s.configured("map_public_ip_on_launch") => s
                    .flag("map_public_ip_on_launch", "map_public_ip_on_launch", false)
                    .then(|| "(assigned at launch)".to_string()),
                _ => {
                    v.mark("public_ip");
                    None
                }
            },
        },
    };
    let tokens = match v.get("metadata_options.0.http_tokens").and_then(Value::as_str) {
        Some(t) if !v.is_unknown("metadata_options.0.http_tokens") => t.to_string(),
        _ if imds_default_required(v) => "required".to_string(),
        // Unset, the AMI decides (ImdsSupport v2.0 means required): not
        // knowable from the plan.
        _ => {
            v.mark("metadata_http_tokens");
            String::new()
        }
    };
    let endpoint = match v.get("metadata_options.0.http_endpoint").and_then(Value::as_str) {
        Some(e) if !v.is_unknown("metadata_options.0.http_endpoint") => e.to_string(),
        _ => "enabled".to_string(),
    };
    let mut groups = v.links("security_groups", "vpc_security_group_ids", SG, Want::Id);
    groups.extend(v.links("security_groups", "security_groups", SG, Want::Id));
    groups.dedup();
    let user_data = user_data(v, Some("user_data"), "user_data_base64");
    let profile = v.link(
        "iam_instance_profile",
        "iam_instance_profile",
        &["aws_iam_instance_profile"],
        Want::Id,
    );
    out.add(
        "ec2.instance",
        v,
        json!({
            "name": v.name_tag(),
            "state": "running",
            "vpc_id": vpc,
            "subnet_id": subnet,
            "public_ip": public_ip,
            "security_groups": groups,
            "iam_instance_profile": profile,
            "metadata_http_tokens": tokens,
            "metadata_http_endpoint": endpoint,
            "user_data": user_data,
        }),
    );
}

fn launch_template(v: &View, out: &mut Out) {
    let tokens = match v.get("metadata_options.0.http_tokens").and_then(Value::as_str) {
        _ if v.is_unknown("metadata_options.0.http_tokens") && v.configured("metadata_options") => {
            v.mark("metadata_http_tokens");
            String::new()
        }
        Some(t) => t.to_string(),
        None => String::new(),
    };
    let user_data = user_data(v, None, "user_data");
    out.add(
        "ec2.launch_template",
        v,
        json!({
            "name": v.label("name"),
            "version": v.int("version", "latest_version", 1).max(1),
            "metadata_http_tokens": tokens,
            "user_data": user_data,
            "other_versions": [],
        }),
    );
}
