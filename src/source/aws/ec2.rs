//! EC2 and VPC networking in one region: security groups, instances (with
//! metadata options and user data), launch templates, VPCs, subnets, route
//! tables, flow logs, elastic IPs, EBS encryption by default.

use super::{Part, present};
use crate::snapshot::network::{
    Address, EbsEncryption, FlowLog, Instance, LaunchTemplate, Permission, Route, RouteTable, SecurityGroup, Subnet,
    TemplateVersion, Vpc,
};
use aws_sdk_ec2::Client;
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{InstanceAttributeName, IpPermission, Tag};

/// The kinds this collector writes.
pub const KINDS: &[&str] = &[
    "ec2.security_group",
    "ec2.instance",
    "ec2.launch_template",
    "ec2.vpc",
    "ec2.subnet",
    "ec2.route_table",
    "ec2.flow_log",
    "ec2.address",
    "ec2.ebs_encryption",
];

/// The regions enabled for the account (opted in, or needing no opt-in).
pub async fn enabled_regions(config: &aws_config::SdkConfig) -> Result<Vec<String>, String> {
    let output = Client::new(config)
        .describe_regions()
        .send()
        .await
        .map_err(|e| e.message().map_or_else(|| e.to_string(), String::from))?;
    let mut regions: Vec<String> = output
        .regions()
        .iter()
        .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
        .filter_map(|r| r.region_name().map(String::from))
        .collect();
    regions.sort();
    Ok(regions)
}

fn name_tag(tags: &[Tag]) -> String {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .unwrap_or_default()
        .to_string()
}

fn permissions(list: &[IpPermission]) -> Vec<Permission> {
    list.iter()
        .map(|p| {
            let mut cidrs: Vec<String> = p
                .ip_ranges()
                .iter()
                .filter_map(|r| r.cidr_ip().map(String::from))
                .collect();
            cidrs.extend(p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6().map(String::from)));
            Permission {
                protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                from_port: p.from_port().map_or(0, i64::from),
                to_port: p.to_port().map_or(0, i64::from),
                cidrs,
                source_groups: p
                    .user_id_group_pairs()
                    .iter()
                    .filter_map(|g| g.group_id().map(String::from))
                    .collect(),
                prefix_lists: p
                    .prefix_list_ids()
                    .iter()
                    .filter_map(|l| l.prefix_list_id().map(String::from))
                    .collect(),
                description: String::new(),
            }
        })
        .collect()
}

/// Collects one region. Each call that fails becomes a gap for its kinds.
pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    groups_and_networks(&client, region, &mut part).await;
    routing(&client, region, &mut part).await;
    addresses_and_ebs(&client, region, &mut part).await;
    instances(&client, region, &mut part).await;
    launch_templates(&client, region, &mut part).await;
    part
}

/// Security groups, VPCs and subnets.
async fn groups_and_networks(client: &Client, region: &str, part: &mut Part) {
    let groups = each_item!(
        part,
        "ec2",
        region,
        "DescribeSecurityGroups",
        &["ec2.security_group"],
        client.describe_security_groups(),
        |g| {
            SecurityGroup {
                id: g.group_id().unwrap_or_default().into(),
                arn: g.security_group_arn().unwrap_or_default().into(),
                region: region.into(),
                name: g.group_name().unwrap_or_default().into(),
                description: g.description().unwrap_or_default().into(),
                vpc_id: g.vpc_id().unwrap_or_default().into(),
                ingress: permissions(g.ip_permissions()),
                egress: permissions(g.ip_permissions_egress()),
            }
        }
    );
    part.resources.ec2_security_group = groups;
    let vpcs = each_item!(
        part,
        "ec2",
        region,
        "DescribeVpcs",
        &["ec2.vpc"],
        client.describe_vpcs(),
        |v| {
            Vpc {
                id: v.vpc_id().unwrap_or_default().into(),
                arn: String::new(),
                region: region.into(),
                name: name_tag(v.tags()),
                cidr: v.cidr_block().unwrap_or_default().into(),
                is_default: v.is_default().unwrap_or(false),
            }
        }
    );
    part.resources.ec2_vpc = vpcs;
    let subnets = each_item!(
        part,
        "ec2",
        region,
        "DescribeSubnets",
        &["ec2.subnet"],
        client.describe_subnets(),
        |s| Subnet {
            id: s.subnet_id().unwrap_or_default().into(),
            arn: s.subnet_arn().unwrap_or_default().into(),
            region: region.into(),
            vpc_id: s.vpc_id().unwrap_or_default().into(),
            availability_zone: s.availability_zone().unwrap_or_default().into(),
            cidr: s.cidr_block().unwrap_or_default().into(),
            map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        }
    );
    part.resources.ec2_subnet = subnets;
}

/// Route tables and flow logs.
async fn routing(client: &Client, region: &str, part: &mut Part) {
    let tables = each_item!(
        part,
        "ec2",
        region,
        "DescribeRouteTables",
        &["ec2.route_table"],
        client.describe_route_tables(),
        |t| {
            RouteTable {
                id: t.route_table_id().unwrap_or_default().into(),
                arn: String::new(),
                region: region.into(),
                vpc_id: t.vpc_id().unwrap_or_default().into(),
                main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
                subnet_ids: t
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(String::from))
                    .collect(),
                routes: t
                    .routes()
                    .iter()
                    .map(|route| Route {
                        destination: route
                            .destination_cidr_block()
                            .or(route.destination_ipv6_cidr_block())
                            .or(route.destination_prefix_list_id())
                            .unwrap_or_default()
                            .into(),
                        target: route
                            .gateway_id()
                            .or(route.nat_gateway_id())
                            .or(route.transit_gateway_id())
                            .or(route.vpc_peering_connection_id())
                            .or(route.network_interface_id())
                            .unwrap_or_default()
                            .into(),
                        state: route.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    })
                    .collect(),
            }
        }
    );
    part.resources.ec2_route_table = tables;
    let flow_logs = each_item!(
        part,
        "ec2",
        region,
        "DescribeFlowLogs",
        &["ec2.flow_log"],
        client.describe_flow_logs(),
        |f| FlowLog {
            id: f.flow_log_id().unwrap_or_default().into(),
            arn: String::new(),
            region: region.into(),
            resource_id: f.resource_id().unwrap_or_default().into(),
            status: f.flow_log_status().unwrap_or_default().into(),
            traffic_type: f.traffic_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            destination_type: f
                .log_destination_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            destination: f.log_destination().unwrap_or_default().into(),
        }
    );
    part.resources.ec2_flow_log = flow_logs;
}

/// Elastic IPs and the EBS encryption-by-default setting.
async fn addresses_and_ebs(client: &Client, region: &str, part: &mut Part) {
    if let Some(out) = call!(
        part,
        "ec2",
        region,
        "DescribeAddresses",
        &["ec2.address"],
        client.describe_addresses()
    ) {
        part.resources
            .ec2_address
            .extend(out.addresses().iter().map(|a| Address {
                id: a.allocation_id().unwrap_or_default().into(),
                arn: String::new(),
                region: region.into(),
                public_ip: a.public_ip().unwrap_or_default().into(),
                // Empty strings (seen from emulators) mean absent, as null does.
                association_id: present(a.association_id()),
                instance_id: present(a.instance_id()),
                network_interface_id: present(a.network_interface_id()),
            }));
    }
    if let Some(out) = call!(
        part,
        "ec2",
        region,
        "GetEbsEncryptionByDefault",
        &["ec2.ebs_encryption"],
        client.get_ebs_encryption_by_default()
    ) {
        part.resources.ec2_ebs_encryption.push(EbsEncryption {
            id: region.into(),
            arn: String::new(),
            region: region.into(),
            enabled: out.ebs_encryption_by_default().unwrap_or(false),
            kms_key_id: None,
        });
    }
}

/// User data as text (base64, gzip and cloud-init multipart undone); user
/// data that cannot be decoded is a gap naming the resource, so that the
/// rules reading it report `error` rather than "no user data".
fn user_data(encoded: Option<&str>, kind: &str, region: &str, id: &str, part: &mut Part) -> Option<String> {
    match crate::semantics::user_data::decode_base64(encoded) {
        Ok(text) => text,
        Err(e) => {
            part.gaps.push(crate::snapshot::Gap {
                resource_id: Some(id.to_string()),
                ..super::call::note(
                    "ec2",
                    region,
                    "DecodeUserData",
                    "UndecodableUserData",
                    e.to_string(),
                    &[kind],
                )
            });
            None
        }
    }
}

/// Instances that exist (not terminated), with their user data, which
/// DescribeInstances does not return: one DescribeInstanceAttribute each.
async fn instances(client: &Client, region: &str, part: &mut Part) {
    let reservations = each_item!(
        part,
        "ec2",
        region,
        "DescribeInstances",
        &["ec2.instance"],
        client.describe_instances(),
        |r| r
    );
    for i in reservations.iter().flat_map(|r| r.instances()) {
        let state = i
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string())
            .unwrap_or_default();
        if state == "terminated" {
            continue;
        }
        let id = i.instance_id().unwrap_or_default().to_string();
        let metadata = i.metadata_options();
        let mut instance = Instance {
            id: id.clone(),
            arn: String::new(),
            region: region.into(),
            name: name_tag(i.tags()),
            state,
            vpc_id: i.vpc_id().unwrap_or_default().into(),
            subnet_id: i.subnet_id().unwrap_or_default().into(),
            public_ip: present(i.public_ip_address()),
            security_groups: i
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id().map(String::from))
                .collect(),
            iam_instance_profile: i.iam_instance_profile().and_then(|p| present(p.arn())),
            metadata_http_tokens: metadata
                .and_then(|m| m.http_tokens())
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            metadata_http_endpoint: metadata
                .and_then(|m| m.http_endpoint())
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            user_data: None,
        };
        let attribute = call!(
            part,
            "ec2",
            region,
            "DescribeInstanceAttribute",
            &["ec2.instance"],
            resource = &id,
            client
                .describe_instance_attribute()
                .instance_id(&id)
                .attribute(InstanceAttributeName::UserData)
        );
        if let Some(out) = attribute {
            instance.user_data = user_data(
                out.user_data().and_then(|u| u.value()),
                "ec2.instance",
                region,
                &id,
                part,
            );
        }
        part.resources.ec2_instance.push(instance);
    }
}

/// The default version of each launch template.
async fn launch_templates(client: &Client, region: &str, part: &mut Part) {
    let templates = each_item!(
        part,
        "ec2",
        region,
        "DescribeLaunchTemplates",
        &["ec2.launch_template"],
        client.describe_launch_templates(),
        |t| t
    );
    for t in templates {
        let id = t.launch_template_id().unwrap_or_default().to_string();
        let mut template = LaunchTemplate {
            id: id.clone(),
            arn: String::new(),
            region: region.into(),
            name: t.launch_template_name().unwrap_or_default().into(),
            version: t.default_version_number().unwrap_or(0),
            ..LaunchTemplate::default()
        };
        let Some(versions) = template_versions(client, region, &id, part).await else {
            part.resources.ec2_launch_template.push(template);
            continue;
        };
        for v in &versions {
            let data = v.launch_template_data();
            let user_data = user_data(
                data.and_then(|d| d.user_data()),
                "ec2.launch_template",
                region,
                &id,
                part,
            );
            let tokens = data
                .and_then(|d| d.metadata_options())
                .and_then(|m| m.http_tokens())
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            if v.default_version() == Some(true) {
                (template.user_data, template.metadata_http_tokens) = (user_data, tokens);
            } else {
                template.other_versions.push(TemplateVersion {
                    version: v.version_number().unwrap_or(0),
                    user_data,
                    metadata_http_tokens: tokens,
                });
            }
        }
        if !versions.iter().any(|v| v.default_version() == Some(true)) {
            part.gaps.push(crate::snapshot::Gap {
                resource_id: Some(id.clone()),
                ..super::call::note(
                    "ec2",
                    region,
                    "DescribeLaunchTemplateVersions",
                    "IncompleteAnswer",
                    format!("the default version of `{id}` was not returned"),
                    &["ec2.launch_template"],
                )
            });
        }
        part.resources.ec2_launch_template.push(template);
    }
}

/// Every version of a launch template, page by page; `None` (with a gap
/// naming the template) when a page fails.
async fn template_versions(
    client: &Client,
    region: &str,
    id: &str,
    part: &mut Part,
) -> Option<Vec<aws_sdk_ec2::types::LaunchTemplateVersion>> {
    let mut pages = client
        .describe_launch_template_versions()
        .launch_template_id(id)
        .into_paginator()
        .send();
    let mut versions = Vec::new();
    while let Some(page) = pages.next().await {
        part.calls += 1;
        match page {
            Ok(page) => versions.extend(page.launch_template_versions().iter().cloned()),
            Err(e) => {
                part.gaps.push(super::call::resource_gap(
                    "ec2",
                    region,
                    "DescribeLaunchTemplateVersions",
                    &["ec2.launch_template"],
                    id,
                    &e,
                ));
                return None;
            }
        }
    }
    Some(versions)
}
