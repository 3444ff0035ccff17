//! EC2 managed prefix lists in one region, with the entries of the lists
//! customers own (this account's and those shared with it), so that a
//! security group permission naming a list is judged on what it admits.

use super::Part;
use crate::snapshot::network::PrefixList;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::ManagedPrefixList;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ec2.prefix_list"];

/// The owner of AWS managed lists, whose entries are AWS service ranges.
const AWS_OWNER: &str = "AWS";

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let lists = each_item!(
        part,
        "ec2",
        region,
        "DescribeManagedPrefixLists",
        KINDS,
        client.describe_managed_prefix_lists(),
        |l| l
    );
    for list in lists {
        let mut model = prefix_list(&list, region);
        if model.owner_id != AWS_OWNER {
            let entries = each_item!(
                part,
                "ec2",
                region,
                "GetManagedPrefixListEntries",
                KINDS,
                client.get_managed_prefix_list_entries().prefix_list_id(&model.id),
                |e| e.cidr().map(String::from)
            );
            model.cidrs = entries.into_iter().flatten().collect();
        }
        part.resources.ec2_prefix_list.push(model);
    }
    part
}

fn prefix_list(l: &ManagedPrefixList, region: &str) -> PrefixList {
    PrefixList {
        id: l.prefix_list_id().unwrap_or_default().into(),
        arn: l.prefix_list_arn().unwrap_or_default().into(),
        region: region.into(),
        name: l.prefix_list_name().unwrap_or_default().into(),
        owner_id: l.owner_id().unwrap_or_default().into(),
        address_family: l.address_family().unwrap_or_default().into(),
        cidrs: Vec::new(),
    }
}
