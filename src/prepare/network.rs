//! Derived fields of the network kinds: normalised security group
//! permissions, SSM registration, VPC subnets and flow logs, subnet
//! publicity, attached addresses.

use super::derive::{Derive, SUBNETS, stored_only};
use super::{Join, Joins};
use crate::semantics::network::{nacl_world_reaches, protocol_name, world_sources};

/// Security group permissions read the prefix lists they name.
pub const PREFIX_LISTS: &[&str] = &["ec2.prefix_list"];
use crate::snapshot::network::*;
use serde::Serialize;

/// A security group permission as rules read it: the protocol named
/// (`all` for `-1`), all ports for all protocols, and what it opens.
#[derive(Debug, Default, Serialize)]
pub struct PermissionView<'a> {
    pub protocol: &'a str,
    pub from_port: i64,
    pub to_port: i64,
    pub cidrs: &'a [String],
    pub source_groups: &'a [String],
    pub prefix_lists: &'a [String],
    pub description: &'a str,
    /// Its sources together reach the whole internet, or a public block at
    /// least as large as [`World`] says (see `crate::semantics::network`):
    /// its CIDRs and the entries of the prefix lists it names, together.
    pub open_to_world: bool,
    /// The sources that do (CIDRs, and prefix list entries).
    pub world_cidrs: Vec<&'a str>,
    /// The prefix lists whose entries are among them.
    pub world_prefix_lists: Vec<&'a str>,
    /// `tcp 22-22 from 0.0.0.0/0`, for evidence.
    pub summary: String,
    /// The group, when the permission is read through a resource that uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<&'a str>,
}

impl<'a> PermissionView<'a> {
    pub fn of(p: &'a Permission, region: &str, joins: &Joins<'a>) -> PermissionView<'a> {
        let protocol = protocol_name(&p.protocol);
        let (from, to) = if protocol == "all" {
            (0, 65535)
        } else {
            (p.from_port, p.to_port)
        };
        let sources: Vec<&str> = p
            .cidrs
            .iter()
            .chain(&p.source_groups)
            .chain(&p.prefix_lists)
            .map(String::as_str)
            .collect();
        let what = if protocol == "all" {
            "all traffic".to_string()
        } else {
            format!("{protocol} {from}-{to}")
        };
        let mut cidrs: Vec<&str> = p.cidrs.iter().map(String::as_str).collect();
        let lists: Vec<&PrefixList> = (p.prefix_lists.iter())
            .filter_map(|id| joins.prefix_lists.get(&(region, id.as_str())).copied())
            .collect();
        cidrs.extend(lists.iter().flat_map(|l| l.cidrs.iter().map(String::as_str)));
        let world_cidrs = world_sources(&cidrs, &joins.world);
        let world_prefix_lists = (lists.iter())
            .filter(|l| l.cidrs.iter().any(|c| world_cidrs.contains(&c.as_str())))
            .map(|l| l.id.as_str())
            .collect();
        PermissionView {
            protocol,
            from_port: from,
            to_port: to,
            cidrs: &p.cidrs,
            source_groups: &p.source_groups,
            prefix_lists: &p.prefix_lists,
            description: &p.description,
            open_to_world: !world_cidrs.is_empty(),
            world_cidrs,
            world_prefix_lists,
            summary: format!("{what} from {}", sources.join(", ")),
            group_id: None,
        }
    }

    /// The inbound permissions of the security groups `ids` (in `region`),
    /// each tagged with its group.
    pub fn ingress_of(joins: &Joins<'a>, region: &str, ids: &'a [String]) -> Vec<PermissionView<'a>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(sg) = joins.security_groups.get(&(region, id.as_str())) {
                out.extend(sg.ingress.iter().map(|p| {
                    let mut view = PermissionView::of(p, region, joins);
                    view.summary = format!("{id}: {}", view.summary);
                    view.group_id = Some(id);
                    view
                }));
            }
        }
        out
    }
}

#[derive(Debug, Default, Serialize)]
pub struct SecurityGroupFields<'a> {
    pub is_default: bool,
    /// Network interfaces carry it (anything that runs in the VPC holds its
    /// groups through one).
    pub in_use: bool,
    pub ingress: Vec<PermissionView<'a>>,
    pub egress: Vec<PermissionView<'a>>,
}

impl Derive for SecurityGroup {
    type Fields<'a> = SecurityGroupFields<'a>;
    const JOINS: &'static [Join] = &[
        ("ingress", PREFIX_LISTS),
        ("egress", PREFIX_LISTS),
        ("in_use", &["ec2.network_interface"]),
    ];
    const SOURCES: &'static [super::derive::Source] = &[
        ("is_default", &["name"]),
        ("in_use", &["id"]),
        ("ingress", &["ingress", "region"]),
        ("egress", &["egress", "region"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let view = |p| PermissionView::of(p, &self.region, joins);
        SecurityGroupFields {
            is_default: self.name == "default",
            in_use: joins.groups_in_use.contains(&(self.region.as_str(), self.id.as_str())),
            ingress: self.ingress.iter().map(view).collect(),
            egress: self.egress.iter().map(view).collect(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct InstanceFields<'a> {
    pub ssm_managed: bool,
    pub ssm_ping_status: Option<&'a str>,
}

impl Derive for Instance {
    type Fields<'a> = InstanceFields<'a>;
    const JOINS: &'static [Join] = &[
        ("ssm_managed", &["ssm.managed_instance"]),
        ("ssm_ping_status", &["ssm.managed_instance"]),
    ];
    const SOURCES: &'static [super::derive::Source] = &[("ssm_managed", &["id"]), ("ssm_ping_status", &["id"])];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let m = joins.ssm.get(&(self.region.as_str(), self.id.as_str()));
        InstanceFields {
            ssm_managed: m.is_some(),
            ssm_ping_status: m.map(|m| m.ping_status.as_str()),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct VpcFields<'a> {
    pub flow_logs: Vec<&'a FlowLog>,
    pub subnet_ids: Vec<&'a str>,
    pub public_subnet_ids: Vec<&'a str>,
    pub private_subnet_ids: Vec<&'a str>,
}

impl Derive for Vpc {
    type Fields<'a> = VpcFields<'a>;
    const JOINS: &'static [Join] = &[
        ("flow_logs", &["ec2.flow_log"]),
        ("subnet_ids", SUBNETS),
        ("public_subnet_ids", SUBNETS),
        ("private_subnet_ids", SUBNETS),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let key = (self.region.as_str(), self.id.as_str());
        let subnets = joins.subnets_by_vpc.get(&key).map_or(&[][..], Vec::as_slice);
        let (mut public, mut private) = (Vec::new(), Vec::new());
        for s in subnets {
            if joins.is_public_subnet(&s.region, &s.id) {
                public.push(s.id.as_str());
            } else {
                private.push(s.id.as_str());
            }
        }
        VpcFields {
            flow_logs: joins.flow_logs_by_resource.get(&key).cloned().unwrap_or_default(),
            subnet_ids: subnets.iter().map(|s| s.id.as_str()).collect(),
            public_subnet_ids: public,
            private_subnet_ids: private,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct SubnetFields<'a> {
    pub public: bool,
    pub route_table_id: &'a str,
}

impl Derive for Subnet {
    type Fields<'a> = SubnetFields<'a>;
    const JOINS: &'static [Join] = &[
        ("public", &["ec2.route_table"]),
        ("route_table_id", &["ec2.route_table"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let (public, route_table_id) = joins
            .subnet_public
            .get(&(self.region.as_str(), self.id.as_str()))
            .copied()
            .unwrap_or((false, ""));
        SubnetFields { public, route_table_id }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct AddressFields {
    pub attached: bool,
}

impl Derive for Address {
    type Fields<'a> = AddressFields;
    fn derive<'a>(&'a self, _: &'a Joins<'a>) -> Self::Fields<'a> {
        AddressFields {
            attached: self.association_id.is_some()
                || self.instance_id.is_some()
                || self.network_interface_id.is_some(),
        }
    }
}

stored_only!(
    LaunchTemplate,
    RouteTable,
    FlowLog,
    EbsEncryption,
    ManagedInstance,
    PrefixList,
    NetworkInterface,
    EbsSnapshot
);

/// The administration ports CIS 5.1 and FSBP EC2.21 name.
const ADMIN_PORTS: &[i64] = &[22, 3389];

#[derive(Debug, Default, Serialize)]
pub struct NetworkAclFields {
    /// The administration ports (22, 3389) its inbound entries let the
    /// internet reach, in rule-number order.
    pub world_open_ports: Vec<i64>,
}

impl Derive for NetworkAcl {
    type Fields<'a> = NetworkAclFields;
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let entries: Vec<_> = (self.entries.iter())
            .map(|e| {
                (
                    e.rule_number,
                    e.egress,
                    e.protocol.as_str(),
                    e.from_port,
                    e.to_port,
                    e.cidr.as_str(),
                    e.allow,
                )
            })
            .collect();
        NetworkAclFields {
            world_open_ports: (ADMIN_PORTS.iter().copied())
                .filter(|p| nacl_world_reaches(&entries, *p, &joins.world))
                .collect(),
        }
    }
}
