//! EC2 network ACLs in one region, with their entries and the subnets they
//! are associated with.

use super::Part;
use crate::snapshot::network::{NaclEntry, NetworkAcl};
use aws_sdk_ec2::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ec2.network_acl"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.ec2_network_acl = each_item!(
        part,
        "ec2",
        region,
        "DescribeNetworkAcls",
        KINDS,
        client.describe_network_acls(),
        |a| NetworkAcl {
            id: a.network_acl_id().unwrap_or_default().into(),
            arn: String::new(),
            region: region.into(),
            vpc_id: a.vpc_id().unwrap_or_default().into(),
            is_default: a.is_default().unwrap_or(false),
            subnet_ids: a
                .associations()
                .iter()
                .filter_map(|s| s.subnet_id().map(String::from))
                .collect(),
            entries: a
                .entries()
                .iter()
                .map(|e| NaclEntry {
                    rule_number: e.rule_number().map_or(0, i64::from),
                    egress: e.egress().unwrap_or(false),
                    protocol: e.protocol().unwrap_or("-1").into(),
                    from_port: e.port_range().and_then(|p| p.from()).map_or(0, i64::from),
                    to_port: e.port_range().and_then(|p| p.to()).map_or(65535, i64::from),
                    cidr: e.cidr_block().or(e.ipv6_cidr_block()).unwrap_or_default().into(),
                    allow: e.rule_action().is_some_and(|r| r.as_str() == "allow"),
                })
                .collect(),
        }
    );
    part
}
