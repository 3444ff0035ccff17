//! EC2 network interfaces in one region, with the security groups each
//! carries: what tells a security group in use from one attached to
//! nothing (load balancers, databases, Lambda functions in a VPC and
//! endpoints all hold theirs through interfaces).

use super::Part;
use crate::snapshot::network::NetworkInterface;
use aws_sdk_ec2::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ec2.network_interface"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.ec2_network_interface = each_item!(
        part,
        "ec2",
        region,
        "DescribeNetworkInterfaces",
        KINDS,
        client.describe_network_interfaces(),
        |n| NetworkInterface {
            id: n.network_interface_id().unwrap_or_default().into(),
            arn: String::new(),
            region: region.into(),
            interface_type: n.interface_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            description: n.description().unwrap_or_default().into(),
            security_groups: n
                .groups()
                .iter()
                .filter_map(|g| g.group_id().map(String::from))
                .collect(),
        }
    );
    part
}
