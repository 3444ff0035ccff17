//! Lookups across kinds, built once per snapshot and read by every kind's
//! derive step.

use crate::semantics::iam_policy;
use crate::semantics::network::World;
use crate::semantics::s3::s3_origin_bucket;
use crate::snapshot::{Resource, Snapshot, compute, data, edge, identity, monitoring, network};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

type Key<'a> = (&'a str, &'a str);

/// A CloudFront origin that serves an S3 bucket, as the bucket sees it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BucketOrigin<'a> {
    pub distribution_id: &'a str,
    pub distribution_arn: &'a str,
    pub origin_id: &'a str,
    pub uses_oac: bool,
    pub uses_oai: bool,
    pub website_endpoint: bool,
}

/// Lookups across kinds.
pub struct Joins<'a> {
    /// The audited account's id.
    pub account_id: &'a str,
    /// When the snapshot was collected: ages are relative to it.
    pub now: DateTime<Utc>,
    /// The evaluation day, for expiry (attestations).
    pub today: NaiveDate,
    /// How large a public block counts as the world.
    pub world: World,
    pub security_groups: HashMap<Key<'a>, &'a network::SecurityGroup>,
    pub prefix_lists: HashMap<Key<'a>, &'a network::PrefixList>,
    /// Security groups some network interface carries.
    pub groups_in_use: HashSet<Key<'a>>,
    /// Whether each subnet routes to an internet gateway, and its route table.
    pub subnet_public: HashMap<Key<'a>, (bool, &'a str)>,
    pub subnets_by_vpc: HashMap<Key<'a>, Vec<&'a network::Subnet>>,
    pub flow_logs_by_resource: HashMap<Key<'a>, Vec<&'a network::FlowLog>>,
    pub ssm: HashMap<Key<'a>, &'a network::ManagedInstance>,
    pub parameter_groups: HashMap<Key<'a>, &'a data::ParameterGroup>,
    pub cluster_parameter_groups: HashMap<Key<'a>, &'a data::ParameterGroup>,
    /// Member instances by (region, cluster id).
    pub instances_by_cluster: HashMap<Key<'a>, Vec<&'a data::DbInstance>>,
    /// `AWS` or `CUSTOMER` by key id, ARN and alias.
    pub key_manager: HashMap<&'a str, &'a str>,
    pub alarm_metrics_by_db: HashMap<Key<'a>, BTreeSet<&'a str>>,
    /// Metrics watched by alarms with actions on a `DBClusterIdentifier`.
    pub alarm_metrics_by_cluster: HashMap<Key<'a>, BTreeSet<&'a str>>,
    pub alarms_by_action: HashMap<&'a str, Vec<&'a str>>,
    /// Metric filters by (region, log group).
    pub filters_by_group: HashMap<Key<'a>, Vec<&'a monitoring::MetricFilter>>,
    /// Alarms by (region, namespace, metric name).
    pub alarms_by_metric: HashMap<(&'a str, &'a str, &'a str), Vec<&'a monitoring::Alarm>>,
    /// SNS topics (ARNs) with at least one confirmed subscription.
    pub confirmed_topics: HashSet<&'a str>,
    pub origins_by_bucket: HashMap<String, Vec<BucketOrigin<'a>>>,
    pub account_pab: Option<&'a data::AccountPublicAccessBlock>,
    pub headers_policies: HashMap<&'a str, &'a edge::ResponseHeadersPolicy>,
    pub listeners_by_lb: HashMap<&'a str, Vec<&'a edge::Listener>>,
    /// The security groups of each region's load balancers.
    pub load_balancer_groups: HashMap<&'a str, BTreeSet<&'a str>>,
    pub web_acls: HashMap<&'a str, &'a edge::WebAcl>,
    pub registry_scanning: HashMap<&'a str, &'a compute::RegistryScanning>,
    pub keys_by_user: HashMap<&'a str, Vec<&'a identity::AccessKey>>,
    /// Inline user policies (`user/NAME/POLICY`) by user name.
    pub inline_by_user: HashMap<&'a str, Vec<&'a identity::Policy>>,
    pub buckets: HashMap<&'a str, &'a data::Bucket>,
    pub versioning: HashMap<&'a str, &'a data::BucketVersioning>,
    /// ARNs of the snapshot's managed policies that grant full access
    /// (normalised once here, not once per principal attached to them).
    pub admin_policies: HashSet<&'a str>,
}

fn key<'a>(res: &'a dyn Resource) -> Key<'a> {
    (res.region(), res.id())
}

/// Groups `items` by `key`.
fn group<'a, T, K: std::hash::Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> HashMap<K, Vec<&'a T>> {
    let mut map: HashMap<K, Vec<&T>> = HashMap::new();
    for item in items {
        map.entry(key(item)).or_default().push(item);
    }
    map
}

impl<'a> Joins<'a> {
    pub fn new(s: &'a Snapshot, options: &super::Options) -> Joins<'a> {
        let r = &s.resources;
        let (subnet_public, subnets_by_vpc) = subnets(s);

        let key_manager = key_managers(s);
        let mut instances_by_cluster: HashMap<Key, Vec<&data::DbInstance>> = HashMap::new();
        for d in &r.rds_db_instance {
            if let Some(cluster) = &d.cluster_id {
                instances_by_cluster.entry((&d.region, cluster)).or_default().push(d);
            }
        }
        let AlarmJoins {
            by_db: alarm_metrics_by_db,
            by_cluster: alarm_metrics_by_cluster,
            by_action: alarms_by_action,
        } = alarms(s);

        let mut origins_by_bucket: HashMap<String, Vec<BucketOrigin>> = HashMap::new();
        for d in &r.cloudfront_distribution {
            for origin in &d.origins {
                if let Some((bucket, website)) = s3_origin_bucket(&origin.domain_name) {
                    origins_by_bucket.entry(bucket).or_default().push(BucketOrigin {
                        distribution_id: &d.id,
                        distribution_arn: &d.arn,
                        origin_id: &origin.id,
                        uses_oac: !origin.origin_access_control_id.is_empty(),
                        uses_oai: !origin.s3_origin_access_identity.is_empty(),
                        website_endpoint: website,
                    });
                }
            }
        }

        Joins {
            account_id: &s.account.id,
            now: s.collected_at,
            today: options.today,
            world: options.world,
            security_groups: r.ec2_security_group.iter().map(|g| (key(g), g)).collect(),
            prefix_lists: r.ec2_prefix_list.iter().map(|l| (key(l), l)).collect(),
            groups_in_use: (r.ec2_network_interface.iter())
                .flat_map(|n| n.security_groups.iter().map(move |g| (n.region.as_str(), g.as_str())))
                .collect(),
            subnet_public,
            subnets_by_vpc,
            flow_logs_by_resource: group(&r.ec2_flow_log, |l| (l.region.as_str(), l.resource_id.as_str())),
            ssm: r.ssm_managed_instance.iter().map(|m| (key(m), m)).collect(),
            parameter_groups: r.rds_parameter_group.iter().map(|g| (key(g), g)).collect(),
            cluster_parameter_groups: r.rds_cluster_parameter_group.iter().map(|g| (key(g), g)).collect(),
            instances_by_cluster,
            key_manager,
            alarm_metrics_by_db,
            alarm_metrics_by_cluster,
            alarms_by_action,
            filters_by_group: group(&r.logs_metric_filter, |f| (f.region.as_str(), f.log_group.as_str())),
            alarms_by_metric: group(&r.cloudwatch_alarm, |a| {
                (a.region.as_str(), a.namespace.as_str(), a.metric_name.as_str())
            }),
            confirmed_topics: (r.sns_topic.iter())
                .filter(|t| t.subscriptions.iter().any(|s| !s.pending_confirmation))
                .map(|t| t.arn.as_str())
                .collect(),
            origins_by_bucket,
            account_pab: r.s3_account_public_access_block.first(),
            headers_policies: r
                .cloudfront_response_headers_policy
                .iter()
                .map(|p| (p.id.as_str(), p))
                .collect(),
            listeners_by_lb: group(&r.elbv2_listener, |l| l.load_balancer_arn.as_str()),
            load_balancer_groups: r.elbv2_load_balancer.iter().fold(HashMap::new(), |mut map, lb| {
                let groups: &mut BTreeSet<&str> = map.entry(lb.region.as_str()).or_default();
                groups.extend(lb.security_groups.iter().map(String::as_str));
                map
            }),
            web_acls: r.wafv2_web_acl.iter().map(|w| (w.arn.as_str(), w)).collect(),
            registry_scanning: r.ecr_registry_scanning.iter().map(|g| (g.region.as_str(), g)).collect(),
            keys_by_user: group(&r.iam_access_key, |k| k.user.as_str()),
            inline_by_user: inline_user_policies(&r.iam_policy),
            buckets: r.s3_bucket.iter().map(|b| (b.id.as_str(), b)).collect(),
            versioning: r.s3_bucket_versioning.iter().map(|v| (v.id.as_str(), v)).collect(),
            admin_policies: r
                .iam_policy
                .iter()
                .filter(|p| !p.arn.is_empty())
                .filter(|p| iam_policy::normalise(&p.document).iter().any(|s| s.full_access))
                .map(|p| p.arn.as_str())
                .collect(),
        }
    }

    /// Whole days from the collection to `t`, rounded down: negative as
    /// soon as `t` is past (an hour ago is day -1, not day 0).
    pub fn days_until(&self, t: Option<DateTime<Utc>>) -> Option<i64> {
        t.map(|t| (t - self.now).num_seconds().div_euclid(86_400))
    }

    /// Whole days from `t` to the collection (never negative).
    pub fn days_since(&self, t: Option<DateTime<Utc>>) -> Option<i64> {
        t.map(|t| (self.now - t).num_days().max(0))
    }

    pub fn is_public_subnet(&self, region: &str, subnet: &str) -> bool {
        self.subnet_public
            .get(&(region, subnet))
            .is_some_and(|(public, _)| *public)
    }

    /// The ids among `subnets` (in `region`) that are public.
    pub fn public_subnets(&self, region: &str, subnets: &'a [String]) -> Vec<&'a str> {
        subnets
            .iter()
            .filter(|s| self.is_public_subnet(region, s))
            .map(String::as_str)
            .collect()
    }
}

/// The manager (`AWS`, `CUSTOMER`) of each KMS key, by id, ARN and alias.
fn key_managers(s: &Snapshot) -> HashMap<&str, &str> {
    let mut key_manager = HashMap::new();
    for k in &s.resources.kms_key {
        key_manager.insert(k.arn.as_str(), k.manager.as_str());
        key_manager.insert(k.id.as_str(), k.manager.as_str());
        for alias in &k.aliases {
            key_manager.insert(alias.as_str(), k.manager.as_str());
        }
    }
    key_manager
}

#[derive(Default)]
struct AlarmJoins<'a> {
    by_db: HashMap<Key<'a>, BTreeSet<&'a str>>,
    by_cluster: HashMap<Key<'a>, BTreeSet<&'a str>>,
    by_action: HashMap<&'a str, Vec<&'a str>>,
}

/// The metrics each database instance and cluster has an acting alarm on,
/// and the alarms that notify each action (an SNS topic).
fn alarms(s: &Snapshot) -> AlarmJoins<'_> {
    let mut joins = AlarmJoins::default();
    for alarm in &s.resources.cloudwatch_alarm {
        if alarm.actions_enabled && !alarm.alarm_actions.is_empty() {
            for (dimension, map) in [
                ("DBInstanceIdentifier", &mut joins.by_db),
                ("DBClusterIdentifier", &mut joins.by_cluster),
            ] {
                if let Some(id) = alarm.dimensions.get(dimension) {
                    map.entry((&alarm.region, id)).or_default().insert(&alarm.metric_name);
                }
            }
        }
        for action in &alarm.alarm_actions {
            joins.by_action.entry(action).or_default().push(&alarm.id);
        }
    }
    joins
}

/// Inline user policies by user name: their ids are `user/NAME/POLICY`.
fn inline_user_policies(policies: &[identity::Policy]) -> HashMap<&str, Vec<&identity::Policy>> {
    let mut map: HashMap<&str, Vec<&identity::Policy>> = HashMap::new();
    for p in policies {
        if let Some((user, _)) = p.id.strip_prefix("user/").and_then(|rest| rest.split_once('/')) {
            map.entry(user).or_default().push(p);
        }
    }
    map
}

type SubnetJoins<'a> = (
    HashMap<Key<'a>, (bool, &'a str)>,
    HashMap<Key<'a>, Vec<&'a network::Subnet>>,
);

/// Each subnet's publicity: it uses its explicitly associated route table,
/// else the VPC's main one, and is public when that routes to an internet
/// gateway.
fn subnets(s: &Snapshot) -> SubnetJoins<'_> {
    let r = &s.resources;
    let mut explicit: HashMap<Key, &network::RouteTable> = HashMap::new();
    let mut main: HashMap<Key, &network::RouteTable> = HashMap::new();
    for table in &r.ec2_route_table {
        if table.main {
            main.insert((&table.region, &table.vpc_id), table);
        }
        for subnet in &table.subnet_ids {
            explicit.insert((&table.region, subnet), table);
        }
    }
    let mut subnet_public = HashMap::new();
    for subnet in &r.ec2_subnet {
        let table = explicit
            .get(&(subnet.region.as_str(), subnet.id.as_str()))
            .or_else(|| main.get(&(subnet.region.as_str(), subnet.vpc_id.as_str())));
        // A blackhole route (its gateway deleted) carries no traffic.
        let public = table.is_some_and(|t| {
            t.routes
                .iter()
                .any(|route| route.target.starts_with("igw-") && route.state != "blackhole")
        });
        subnet_public.insert(key(subnet), (public, table.map_or("", |t| t.id.as_str())));
    }
    let subnets_by_vpc = group(&r.ec2_subnet, |s| (s.region.as_str(), s.vpc_id.as_str()));
    (subnet_public, subnets_by_vpc)
}
