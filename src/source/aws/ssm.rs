//! Systems Manager in one region: the instances registered with it, which is
//! how the rules know an instance can be reached without SSH.

use super::Part;
use crate::snapshot::network::ManagedInstance;
use aws_sdk_ssm::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ssm.managed_instance"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.ssm_managed_instance = each_item!(
        part,
        "ssm",
        region,
        "DescribeInstanceInformation",
        &["ssm.managed_instance"],
        client.describe_instance_information(),
        |i| ManagedInstance {
            id: i.instance_id().unwrap_or_default().into(),
            arn: String::new(),
            region: region.into(),
            ping_status: i.ping_status().map(|p| p.as_str().to_string()).unwrap_or_default(),
            agent_version: i.agent_version().unwrap_or_default().into(),
        }
    );
    part
}
