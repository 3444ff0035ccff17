//! EC2 and VPC networking, and Systems Manager registration: security groups,
//! instances, launch templates, VPCs, subnets, route tables, flow logs,
//! elastic IPs, EBS encryption defaults and the account's EBS snapshots.

use super::impl_resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A security group. Derived fields: `is_default`; on each permission
/// `open_to_world`, `world_cidrs` and `summary`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityGroup {
    /// Group id, `sg-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Group name; `default` for a VPC's default group.
    pub name: String,
    /// The description, as set by its owner.
    pub description: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// Inbound permissions, one per protocol and port range.
    pub ingress: Vec<Permission>,
    /// Outbound permissions.
    pub egress: Vec<Permission>,
}
impl_resource!(SecurityGroup, name);

/// A managed prefix list: a named set of CIDR blocks that security group
/// permissions (and routes) reference by id. Entries are read for the
/// lists of customers (this account's and those shared with it); AWS
/// managed lists (`com.amazonaws.…`: S3, DynamoDB, CloudFront's origin
/// fleet) hold AWS service ranges and are recorded without entries.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PrefixList {
    /// Prefix list id, `pl-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Its name, e.g. `office-ranges` or `com.amazonaws.us-east-1.s3`.
    pub name: String,
    /// The owning account, or `AWS` for an AWS managed list.
    pub owner_id: String,
    /// `IPv4` or `IPv6`.
    pub address_family: String,
    /// Its CIDR blocks (empty for AWS managed lists).
    pub cidrs: Vec<String>,
}
impl_resource!(PrefixList, name);

/// A network ACL. Derived: `world_open_ports` (the administration ports its
/// inbound entries, in rule-number order, let the whole internet reach).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkAcl {
    /// Network ACL id, `acl-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// Whether it is the VPC's default network ACL.
    pub is_default: bool,
    /// The subnets associated with it.
    pub subnet_ids: Vec<String>,
    /// Its entries, inbound and outbound.
    pub entries: Vec<NaclEntry>,
}
impl_resource!(NetworkAcl);

/// One network ACL entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NaclEntry {
    /// The rule number: lower numbers are evaluated first (32767 is the
    /// final deny-all).
    pub rule_number: i64,
    /// Outbound (true) or inbound.
    pub egress: bool,
    /// `-1` (all), `6` (tcp), `17` (udp), ...
    pub protocol: String,
    /// First port (0 when the entry has no port range).
    pub from_port: i64,
    /// Last port (65535 when the entry has no port range).
    pub to_port: i64,
    /// The IPv4 or IPv6 CIDR block.
    pub cidr: String,
    /// Allow (true) or deny.
    pub allow: bool,
}

/// An EC2 network interface, as far as security groups are concerned.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkInterface {
    /// Interface id, `eni-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `interface`, `lambda`, `network_load_balancer`, `vpc_endpoint`, ...
    pub interface_type: String,
    /// What AWS or its owner wrote about it (`ELB app/web/…`, `RDSNetworkInterface`).
    pub description: String,
    /// The security groups it carries, `sg-...`.
    pub security_groups: Vec<String>,
}
impl_resource!(NetworkInterface);

/// One normalised security group permission.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Permission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `all` (AWS `-1`), or a protocol number.
    pub protocol: String,
    /// First port; 0 for `all`.
    pub from_port: i64,
    /// Last port; 65535 for `all`.
    pub to_port: i64,
    /// IPv4 and IPv6 CIDR ranges.
    pub cidrs: Vec<String>,
    /// Source (or destination) security group ids.
    pub source_groups: Vec<String>,
    /// Managed prefix list ids.
    pub prefix_lists: Vec<String>,
    /// The description, as set by its owner.
    pub description: String,
}

impl Default for Permission {
    fn default() -> Self {
        Permission {
            protocol: "tcp".into(),
            from_port: 0,
            to_port: 0,
            cidrs: Vec::new(),
            source_groups: Vec::new(),
            prefix_lists: Vec::new(),
            description: String::new(),
        }
    }
}

/// An EC2 instance. Derived: `ssm_managed`, `ssm_ping_status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Instance {
    /// Instance id, `i-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The `Name` tag.
    pub name: String,
    /// `pending`, `running`, `stopped`, `terminated`, ...
    pub state: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// The subnet id, `subnet-...`.
    pub subnet_id: String,
    /// The public IPv4 address.
    pub public_ip: Option<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
    /// The instance profile ARN, when one is attached.
    pub iam_instance_profile: Option<String>,
    /// Instance metadata `HttpTokens`: `required` (IMDSv2 only) or `optional`.
    pub metadata_http_tokens: String,
    /// Instance metadata `HttpEndpoint`: `enabled` or `disabled`.
    pub metadata_http_endpoint: String,
    /// User data, base64-decoded; null when none or not readable as text.
    pub user_data: Option<String>,
}
impl_resource!(Instance, name);

/// The default version of a launch template.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LaunchTemplate {
    /// Template id, `lt-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The name (or `Name` tag), when it differs from the id.
    pub name: String,
    /// The default version number.
    pub version: i64,
    /// User data of the default version, base64-decoded.
    pub user_data: Option<String>,
    /// Instance metadata `HttpTokens` of the default version.
    pub metadata_http_tokens: String,
    /// Every other version: any of them can still be launched by number
    /// (`--launch-template LaunchTemplateId=lt-…,Version=3`), and each keeps
    /// its own user data.
    pub other_versions: Vec<TemplateVersion>,
}

/// A launch template version other than the default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateVersion {
    /// The version number.
    pub version: i64,
    /// Its user data, base64-decoded.
    pub user_data: Option<String>,
    /// Its instance metadata `HttpTokens`.
    pub metadata_http_tokens: String,
}
impl_resource!(LaunchTemplate, name);

/// A VPC. Derived: `flow_logs`, `subnet_ids`, `public_subnet_ids`,
/// `private_subnet_ids`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Vpc {
    /// VPC id, `vpc-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The name (or `Name` tag), when it differs from the id.
    pub name: String,
    /// The CIDR block.
    pub cidr: String,
    /// Whether this is the region's default VPC.
    pub is_default: bool,
}
impl_resource!(Vpc, name);

/// A subnet. Derived: `public` (its route table has a route to an internet
/// gateway), `route_table_id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Subnet {
    /// Subnet id, `subnet-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// The availability zone, e.g. `us-east-1a`.
    pub availability_zone: String,
    /// The CIDR block.
    pub cidr: String,
    /// Whether instances launched here get a public IP.
    pub map_public_ip_on_launch: bool,
}
impl_resource!(Subnet);

/// A route table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RouteTable {
    /// Route table id, `rtb-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// Whether this is the VPC's main table (used by subnets with no explicit association).
    pub main: bool,
    /// Subnets explicitly associated with this table.
    pub subnet_ids: Vec<String>,
    /// The routes of the table.
    pub routes: Vec<Route>,
}
impl_resource!(RouteTable);

/// One route.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Route {
    /// Destination CIDR or prefix list.
    pub destination: String,
    /// Target: `local`, `igw-...`, `nat-...`, `vpce-...`, `pcx-...`, ...
    pub target: String,
    /// `active`, or `blackhole` when the target is gone (traffic is dropped).
    pub state: String,
}

/// A VPC flow log.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FlowLog {
    /// Flow log id, `fl-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The VPC, subnet or network interface it watches.
    pub resource_id: String,
    /// `ACTIVE` when delivering.
    pub status: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    /// Where the logs go (an ARN).
    pub destination: String,
}
impl_resource!(FlowLog);

/// An elastic IP address. Derived: `attached`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    /// Allocation id, `eipalloc-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The public IPv4 address.
    pub public_ip: String,
    /// The association id; null when the address is idle.
    pub association_id: Option<String>,
    /// The instance it is associated with, if any.
    pub instance_id: Option<String>,
    /// The network interface it is associated with, if any.
    pub network_interface_id: Option<String>,
}
impl_resource!(Address);

/// EBS encryption by default, one record per region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EbsEncryption {
    /// The region name again (one record per region).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Whether new EBS volumes are encrypted by default.
    pub enabled: bool,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
}
impl_resource!(EbsEncryption);

/// An instance registered with Systems Manager.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ManagedInstance {
    /// The EC2 instance id (or `mi-...` for hybrid nodes).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: String,
    /// The SSM agent version.
    pub agent_version: String,
}
impl_resource!(ManagedInstance);

/// An EBS snapshot the account owns, with who may create volumes from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EbsSnapshot {
    /// Snapshot id, `snap-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The volume it was taken from.
    pub volume_id: String,
    pub encrypted: bool,
    /// `createVolumePermission`: `all` (public) or the account ids it is
    /// shared with.
    pub create_volume_permissions: Vec<String>,
}
impl_resource!(EbsSnapshot);
