//! Prepares a snapshot for evaluation: computes every derived field and
//! cross-kind join once, builds the synthetic `account` and `region`
//! resources, and converts each resource into the CEL value that every rule
//! of its kind then borrows (never converted again).
//!
//! This is the only place that knows how kinds relate (which subnets are
//! public, which security groups an RDS instance uses, which buckets a
//! CloudFront distribution serves). It never decides pass or fail.

use crate::engine::ResourceRef;
use crate::rules::policy;
use crate::rules::to_val::{map_of, to_entries};
use crate::rules::value::json_to_val;
use crate::snapshot::{Account, Gap, Resource, Snapshot, data, edge, identity, monitoring, network};
use cel::common::value::Val;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// One resource ready for evaluation.
pub struct Item {
    /// What findings about it name; shared by all of them.
    pub resource: Arc<ResourceRef>,
    /// The resource with its derived fields, as a CEL value.
    pub value: Box<dyn Val>,
}

impl Item {
    fn new(kind: &str, id: &str, arn: &str, region: &str, name: &str, value: Box<dyn Val>) -> Item {
        let resource = ResourceRef {
            kind: kind.to_string(),
            id: id.to_string(),
            arn: arn.to_string(),
            region: region.to_string(),
            name: name.to_string(),
        };
        Item {
            resource: Arc::new(resource),
            value,
        }
    }

    pub fn id(&self) -> &str {
        &self.resource.id
    }

    pub fn region(&self) -> &str {
        &self.resource.region
    }
}

/// A snapshot ready for evaluation.
pub struct Prepared {
    pub account: Account,
    pub collected_at: DateTime<Utc>,
    pub regions: Vec<String>,
    pub gaps: Vec<Gap>,
    /// The kinds the snapshot covers; `None` means every kind.
    pub collected: Option<Vec<String>>,
    /// Resources by kind, synthetic kinds (`account`, `region`) included.
    pub items: HashMap<&'static str, Vec<Item>>,
}

impl Prepared {
    /// Whether the snapshot covers `kind`.
    pub fn covers(&self, kind: &str) -> bool {
        self.collected
            .as_ref()
            .is_none_or(|kinds| kinds.iter().any(|k| k == kind))
    }

    /// The resources of `kind` (empty when there are none).
    pub fn of_kind(&self, kind: &str) -> &[Item] {
        self.items.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The number of stored (non-synthetic) resources.
    pub fn resource_count(&self) -> usize {
        self.items
            .iter()
            .filter(|(kind, _)| !crate::snapshot::SYNTHETIC_KINDS.contains(kind))
            .map(|(_, items)| items.len())
            .sum()
    }
}

type Key<'a> = (&'a str, &'a str);

/// Lookups across kinds, built once per snapshot.
struct Index<'a> {
    now: DateTime<Utc>,
    /// The evaluation day, for expiry (attestations).
    today: chrono::NaiveDate,
    security_groups: HashMap<Key<'a>, &'a network::SecurityGroup>,
    subnet_public: HashMap<Key<'a>, (bool, &'a str)>,
    subnets_by_vpc: HashMap<Key<'a>, Vec<&'a network::Subnet>>,
    flow_logs_by_resource: HashMap<Key<'a>, Vec<&'a network::FlowLog>>,
    ssm: HashMap<Key<'a>, &'a network::ManagedInstance>,
    parameter_groups: HashMap<Key<'a>, &'a data::ParameterGroup>,
    key_manager: HashMap<&'a str, &'a str>,
    alarm_metrics_by_db: HashMap<Key<'a>, BTreeSet<&'a str>>,
    alarms_by_action: HashMap<&'a str, Vec<&'a str>>,
    origins_by_bucket: HashMap<String, Vec<Value>>,
    account_pab: Option<&'a data::AccountPublicAccessBlock>,
    headers_policies: HashMap<&'a str, &'a edge::ResponseHeadersPolicy>,
    listeners_by_lb: HashMap<&'a str, Vec<&'a edge::Listener>>,
    web_acls: HashMap<&'a str, &'a edge::WebAcl>,
    registry_scanning: HashMap<&'a str, &'a str>,
    keys_by_user: HashMap<&'a str, Vec<&'a identity::AccessKey>>,
    buckets: HashMap<&'a str, &'a data::Bucket>,
}

impl<'a> Index<'a> {
    fn new(s: &'a Snapshot) -> Index<'a> {
        let r = &s.resources;
        let key = |res: &'a dyn Resource| (res.region(), res.id());

        // A subnet uses its explicitly associated route table, else the VPC's main one.
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
        let mut subnets_by_vpc: HashMap<Key, Vec<_>> = HashMap::new();
        for subnet in &r.ec2_subnet {
            let table = explicit
                .get(&(subnet.region.as_str(), subnet.id.as_str()))
                .or_else(|| main.get(&(subnet.region.as_str(), subnet.vpc_id.as_str())));
            let public = table.is_some_and(|t| t.routes.iter().any(|route| route.target.starts_with("igw-")));
            subnet_public.insert(key(subnet), (public, table.map_or("", |t| t.id.as_str())));
            subnets_by_vpc
                .entry((&subnet.region, &subnet.vpc_id))
                .or_default()
                .push(subnet);
        }

        let mut flow_logs_by_resource: HashMap<Key, Vec<_>> = HashMap::new();
        for log in &r.ec2_flow_log {
            flow_logs_by_resource
                .entry((&log.region, &log.resource_id))
                .or_default()
                .push(log);
        }

        let mut key_manager = HashMap::new();
        for k in &r.kms_key {
            key_manager.insert(k.arn.as_str(), k.manager.as_str());
            key_manager.insert(k.id.as_str(), k.manager.as_str());
            for alias in &k.aliases {
                key_manager.insert(alias.as_str(), k.manager.as_str());
            }
        }

        let mut alarm_metrics_by_db: HashMap<Key, BTreeSet<&str>> = HashMap::new();
        let mut alarms_by_action: HashMap<&str, Vec<&str>> = HashMap::new();
        for alarm in &r.cloudwatch_alarm {
            let acts = alarm.actions_enabled && !alarm.alarm_actions.is_empty();
            if let (true, Some(db)) = (acts, alarm.dimensions.get("DBInstanceIdentifier")) {
                alarm_metrics_by_db
                    .entry((&alarm.region, db))
                    .or_default()
                    .insert(&alarm.metric_name);
            }
            for action in &alarm.alarm_actions {
                alarms_by_action.entry(action).or_default().push(&alarm.id);
            }
        }

        let mut origins_by_bucket: HashMap<String, Vec<Value>> = HashMap::new();
        for d in &r.cloudfront_distribution {
            for origin in &d.origins {
                if let Some((bucket, website)) = s3_origin_bucket(&origin.domain_name) {
                    origins_by_bucket.entry(bucket).or_default().push(json!({
                        "distribution_id": d.id,
                        "distribution_arn": d.arn,
                        "origin_id": origin.id,
                        "uses_oac": !origin.origin_access_control_id.is_empty(),
                        "uses_oai": !origin.s3_origin_access_identity.is_empty(),
                        "website_endpoint": website,
                    }));
                }
            }
        }

        let mut listeners_by_lb: HashMap<&str, Vec<_>> = HashMap::new();
        for l in &r.elbv2_listener {
            listeners_by_lb.entry(&l.load_balancer_arn).or_default().push(l);
        }
        let mut keys_by_user: HashMap<&str, Vec<_>> = HashMap::new();
        for k in &r.iam_access_key {
            keys_by_user.entry(&k.user).or_default().push(k);
        }

        Index {
            now: s.collected_at,
            today: s.collected_at.date_naive(),
            security_groups: r.ec2_security_group.iter().map(|g| (key(g), g)).collect(),
            subnet_public,
            subnets_by_vpc,
            flow_logs_by_resource,
            ssm: r.ssm_managed_instance.iter().map(|m| (key(m), m)).collect(),
            parameter_groups: r.rds_parameter_group.iter().map(|g| (key(g), g)).collect(),
            key_manager,
            alarm_metrics_by_db,
            alarms_by_action,
            origins_by_bucket,
            account_pab: r.s3_account_public_access_block.first(),
            headers_policies: r
                .cloudfront_response_headers_policy
                .iter()
                .map(|p| (p.id.as_str(), p))
                .collect(),
            listeners_by_lb,
            web_acls: r.wafv2_web_acl.iter().map(|w| (w.arn.as_str(), w)).collect(),
            registry_scanning: r
                .ecr_registry_scanning
                .iter()
                .map(|g| (g.region.as_str(), g.scan_type.as_str()))
                .collect(),
            keys_by_user,
            buckets: r.s3_bucket.iter().map(|b| (b.id.as_str(), b)).collect(),
        }
    }

    fn days_since(&self, t: Option<DateTime<Utc>>) -> Option<i64> {
        t.map(|t| (self.now - t).num_days().max(0))
    }

    fn is_public_subnet(&self, region: &str, subnet: &str) -> bool {
        self.subnet_public
            .get(&(region, subnet))
            .is_some_and(|(public, _)| *public)
    }

    /// Whether a bucket is readable by anyone: not fully blocked, and its ACL
    /// or policy grants access to everyone.
    fn bucket_public(&self, b: &data::Bucket) -> bool {
        let blocked = |acls: bool, policy: bool| (acls, policy);
        let (bucket_acls, bucket_policy) = b.public_access_block.as_ref().map_or((false, false), |p| {
            blocked(p.ignore_public_acls, p.restrict_public_buckets)
        });
        let (account_acls, account_policy) = self.account_pab.map_or((false, false), |p| {
            blocked(p.ignore_public_acls, p.restrict_public_buckets)
        });
        let acl_public = b.acl_public && !(bucket_acls || account_acls);
        let policy_public = !(bucket_policy || account_policy)
            && b.policy
                .as_ref()
                .is_some_and(|p| policy::allows_public(&policy::normalise(p)));
        acl_public || policy_public
    }
}

/// The bucket name served by an S3 origin domain, and whether it is the
/// website endpoint. `None` for a domain that is not S3.
pub fn s3_origin_bucket(domain: &str) -> Option<(String, bool)> {
    let domain = domain.to_ascii_lowercase();
    let rest = domain.strip_suffix(".amazonaws.com")?;
    // bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com,
    // bucket.s3-region.amazonaws.com, bucket.s3-website-region..., bucket.s3-website.region...
    let (bucket, endpoint) = rest
        .rsplit_once(".s3")
        .map(|(b, e)| (b, format!("s3{e}")))
        .filter(|(b, _)| !b.is_empty())?;
    let website = endpoint.starts_with("s3-website");
    Some((bucket.to_string(), website))
}

/// Prepares `snapshot`: derived fields, joins, synthetic kinds, CEL values.
pub fn prepare(snapshot: &Snapshot) -> Prepared {
    prepare_on(snapshot, snapshot.collected_at.date_naive())
}

/// Prepares `snapshot`, judging expiry (attestations) as of `today` rather
/// than the day of collection. Ages of credentials stay relative to the
/// collection, which is when they were observed.
pub fn prepare_on(snapshot: &Snapshot, today: chrono::NaiveDate) -> Prepared {
    let mut idx = Index::new(snapshot);
    idx.today = today;
    let r = &snapshot.resources;
    let mut items: HashMap<&'static str, Vec<Item>> = HashMap::new();
    let mut add = |kind: &'static str, list: Vec<Item>| {
        items.insert(kind, list);
    };
    add(
        "ec2.security_group",
        build(&r.ec2_security_group, "ec2.security_group", |g, o| {
            o.insert("is_default".into(), json!(g.name == "default"));
            o.insert("ingress".into(), permissions(&g.ingress));
            o.insert("egress".into(), permissions(&g.egress));
        }),
    );
    add(
        "ec2.instance",
        build(&r.ec2_instance, "ec2.instance", |i, o| {
            let m = idx.ssm.get(&(i.region.as_str(), i.id.as_str()));
            o.insert("ssm_managed".into(), json!(m.is_some()));
            o.insert("ssm_ping_status".into(), json!(m.map(|m| &m.ping_status)));
        }),
    );
    add(
        "ec2.launch_template",
        build(&r.ec2_launch_template, "ec2.launch_template", |_, _| {}),
    );
    add(
        "ec2.vpc",
        build(&r.ec2_vpc, "ec2.vpc", |v, o| {
            let logs = idx.flow_logs_by_resource.get(&(v.region.as_str(), v.id.as_str()));
            o.insert(
                "flow_logs".into(),
                json!(logs.map_or(vec![], |l| l.iter().map(|l| json!(l)).collect::<Vec<_>>())),
            );
            let subnets = idx
                .subnets_by_vpc
                .get(&(v.region.as_str(), v.id.as_str()))
                .cloned()
                .unwrap_or_default();
            let public: Vec<&str> = subnets
                .iter()
                .filter(|s| idx.is_public_subnet(&s.region, &s.id))
                .map(|s| s.id.as_str())
                .collect();
            let private: Vec<&str> = subnets
                .iter()
                .filter(|s| !idx.is_public_subnet(&s.region, &s.id))
                .map(|s| s.id.as_str())
                .collect();
            o.insert(
                "subnet_ids".into(),
                json!(subnets.iter().map(|s| &s.id).collect::<Vec<_>>()),
            );
            o.insert("public_subnet_ids".into(), json!(public));
            o.insert("private_subnet_ids".into(), json!(private));
        }),
    );
    add(
        "ec2.subnet",
        build(&r.ec2_subnet, "ec2.subnet", |s, o| {
            let (public, table) = idx
                .subnet_public
                .get(&(s.region.as_str(), s.id.as_str()))
                .copied()
                .unwrap_or((false, ""));
            o.insert("public".into(), json!(public));
            o.insert("route_table_id".into(), json!(table));
        }),
    );
    add(
        "ec2.route_table",
        build(&r.ec2_route_table, "ec2.route_table", |_, _| {}),
    );
    add("ec2.flow_log", build(&r.ec2_flow_log, "ec2.flow_log", |_, _| {}));
    add(
        "ec2.address",
        build(&r.ec2_address, "ec2.address", |a, o| {
            let attached = a.association_id.is_some() || a.instance_id.is_some() || a.network_interface_id.is_some();
            o.insert("attached".into(), json!(attached));
        }),
    );
    add(
        "ec2.ebs_encryption",
        build(&r.ec2_ebs_encryption, "ec2.ebs_encryption", |_, _| {}),
    );
    add(
        "ssm.managed_instance",
        build(&r.ssm_managed_instance, "ssm.managed_instance", |_, _| {}),
    );
    add(
        "rds.db_instance",
        build(&r.rds_db_instance, "rds.db_instance", |d, o| {
            let mut parameters = Map::new();
            for name in &d.parameter_groups {
                if let Some(group) = idx.parameter_groups.get(&(d.region.as_str(), name.as_str())) {
                    for (k, v) in &group.parameters {
                        parameters.insert(k.clone(), json!(v));
                    }
                }
            }
            o.insert("parameters".into(), Value::Object(parameters));
            let public: Vec<&String> = d
                .subnet_ids
                .iter()
                .filter(|s| idx.is_public_subnet(&d.region, s))
                .collect();
            o.insert("public_subnet_ids".into(), json!(public));
            o.insert("ingress".into(), group_ingress(&idx, &d.region, &d.security_groups));
            let manager = d.kms_key_id.as_deref().and_then(|k| idx.key_manager.get(k)).copied();
            o.insert("kms_key_manager".into(), json!(manager));
            let metrics = idx.alarm_metrics_by_db.get(&(d.region.as_str(), d.id.as_str()));
            o.insert(
                "alarm_metrics".into(),
                json!(metrics.map_or(vec![], |m| m.iter().collect::<Vec<_>>())),
            );
        }),
    );
    add(
        "rds.parameter_group",
        build(&r.rds_parameter_group, "rds.parameter_group", |_, _| {}),
    );
    add(
        "elasticache.replication_group",
        build(
            &r.elasticache_replication_group,
            "elasticache.replication_group",
            |g, o| {
                let public: Vec<&String> = g
                    .subnet_ids
                    .iter()
                    .filter(|s| idx.is_public_subnet(&g.region, s))
                    .collect();
                o.insert("public_subnet_ids".into(), json!(public));
                let open: Vec<&String> = g
                    .security_groups
                    .iter()
                    .filter(|id| {
                        idx.security_groups
                            .get(&(g.region.as_str(), id.as_str()))
                            .is_some_and(|sg| sg.ingress.iter().any(|p| p.cidrs.iter().any(|c| is_world_cidr(c))))
                    })
                    .collect();
                o.insert("world_open_security_groups".into(), json!(open));
            },
        ),
    );
    add(
        "s3.bucket",
        build(&r.s3_bucket, "s3.bucket", |b, o| {
            let statements = b.policy.as_ref().map(policy::normalise).unwrap_or_default();
            o.insert("statements".into(), json!(statements));
            o.insert(
                "cloudfront_origins".into(),
                json!(idx.origins_by_bucket.get(&b.id).cloned().unwrap_or_default()),
            );
            o.insert(
                "account_public_access_block".into(),
                json!(idx.account_pab.map(pab_json)),
            );
            o.insert("public".into(), json!(idx.bucket_public(b)));
        }),
    );
    add(
        "s3.account_public_access_block",
        build(
            &r.s3_account_public_access_block,
            "s3.account_public_access_block",
            |_, _| {},
        ),
    );
    add(
        "cloudfront.distribution",
        build(&r.cloudfront_distribution, "cloudfront.distribution", |d, o| {
            let mut all = vec![d.default_behavior.clone()];
            if all[0].path_pattern.is_empty() {
                all[0].path_pattern = "*".into();
            }
            all.extend(d.behaviors.iter().cloned());
            o.insert("all_behaviors".into(), json!(all));
            let headers = idx
                .headers_policies
                .get(d.default_behavior.response_headers_policy_id.as_str());
            o.insert("default_headers".into(), json!(headers));
            let origins: Vec<Value> = d
                .origins
                .iter()
                .map(|origin| {
                    let mut v = json!(origin);
                    if let Value::Object(m) = &mut v {
                        m.insert(
                            "s3_bucket".into(),
                            json!(s3_origin_bucket(&origin.domain_name).map(|(b, _)| b)),
                        );
                    }
                    v
                })
                .collect();
            o.insert("origins".into(), Value::Array(origins));
        }),
    );
    add(
        "cloudfront.response_headers_policy",
        build(
            &r.cloudfront_response_headers_policy,
            "cloudfront.response_headers_policy",
            |_, _| {},
        ),
    );
    add(
        "elbv2.load_balancer",
        build(&r.elbv2_load_balancer, "elbv2.load_balancer", |lb, o| {
            o.insert(
                "listeners".into(),
                json!(idx.listeners_by_lb.get(lb.arn.as_str()).cloned().unwrap_or_default()),
            );
            let acl = lb.web_acl_arn.as_deref().and_then(|a| idx.web_acls.get(a));
            o.insert("web_acl".into(), json!(acl));
        }),
    );
    add("elbv2.listener", build(&r.elbv2_listener, "elbv2.listener", |_, _| {}));
    add("wafv2.web_acl", build(&r.wafv2_web_acl, "wafv2.web_acl", |_, _| {}));
    add(
        "http.endpoint",
        build(&r.http_endpoint, "http.endpoint", |e, o| {
            let header = e
                .https
                .as_ref()
                .and_then(|h| h.headers.get("strict-transport-security"));
            o.insert("hsts".into(), json!(header.and_then(|h| parse_hsts(h))));
        }),
    );
    add(
        "ecs.task_definition",
        build(&r.ecs_task_definition, "ecs.task_definition", |_, _| {}),
    );
    add(
        "lambda.function",
        build(&r.lambda_function, "lambda.function", |_, _| {}),
    );
    add(
        "elasticbeanstalk.environment",
        build(
            &r.elasticbeanstalk_environment,
            "elasticbeanstalk.environment",
            |e, o| {
                let env: Vec<Value> = e
                    .settings
                    .iter()
                    .filter(|s| s.namespace == "aws:elasticbeanstalk:application:environment")
                    .map(|s| json!({"name": s.option, "value": s.value}))
                    .collect();
                o.insert("environment".into(), Value::Array(env));
            },
        ),
    );
    add(
        "ecr.repository",
        build(&r.ecr_repository, "ecr.repository", |repo, o| {
            o.insert(
                "registry_scan_type".into(),
                json!(idx.registry_scanning.get(repo.region.as_str())),
            );
        }),
    );
    add(
        "ecr.registry_scanning",
        build(&r.ecr_registry_scanning, "ecr.registry_scanning", |_, _| {}),
    );
    add(
        "secretsmanager.secret",
        build(&r.secretsmanager_secret, "secretsmanager.secret", |_, _| {}),
    );
    add("kms.key", build(&r.kms_key, "kms.key", |_, _| {}));
    add(
        "iam.user",
        build(&r.iam_user, "iam.user", |u, o| {
            let keys: Vec<Value> = idx
                .keys_by_user
                .get(u.id.as_str())
                .map_or(vec![], |keys| keys.iter().map(|k| access_key_json(&idx, k)).collect());
            o.insert("access_keys".into(), Value::Array(keys));
            o.insert("mfa_active".into(), json!(!u.mfa_devices.is_empty()));
            let unused = u
                .password_enabled
                .then(|| idx.days_since(u.password_last_used.or(u.created_at)))
                .flatten();
            o.insert("password_unused_days".into(), json!(unused));
        }),
    );
    add(
        "iam.access_key",
        build(&r.iam_access_key, "iam.access_key", |k, o| {
            if let Value::Object(m) = access_key_json(&idx, k) {
                o.extend(m);
            }
        }),
    );
    add("iam.role", build(&r.iam_role, "iam.role", |_, _| {}));
    add(
        "iam.policy",
        build(&r.iam_policy, "iam.policy", |p, o| {
            o.insert("statements".into(), json!(policy::normalise(&p.document)));
        }),
    );
    add(
        "iam.password_policy",
        build(&r.iam_password_policy, "iam.password_policy", |_, _| {}),
    );
    add("iam.root_user", build(&r.iam_root_user, "iam.root_user", |_, _| {}));
    let trail_json = |t: &monitoring::Trail, o: &mut Map<String, Value>| {
        o.insert("management_events".into(), json!(records_management_events(t)));
        let bucket = idx
            .buckets
            .get(t.s3_bucket.as_str())
            .map(|b| json!({"id": b.id, "public": idx.bucket_public(b)}));
        o.insert("bucket".into(), json!(bucket));
    };
    add(
        "cloudtrail.trail",
        build(&r.cloudtrail_trail, "cloudtrail.trail", trail_json),
    );
    add(
        "config.recorder",
        build(&r.config_recorder, "config.recorder", |_, _| {}),
    );
    add("logs.log_group", build(&r.logs_log_group, "logs.log_group", |_, _| {}));
    add(
        "cloudwatch.alarm",
        build(&r.cloudwatch_alarm, "cloudwatch.alarm", |_, _| {}),
    );
    add(
        "sns.topic",
        build(&r.sns_topic, "sns.topic", |t, o| {
            o.insert(
                "used_by_alarms".into(),
                json!(idx.alarms_by_action.get(t.arn.as_str()).cloned().unwrap_or_default()),
            );
        }),
    );
    add(
        "guardduty.detector",
        build(&r.guardduty_detector, "guardduty.detector", |_, _| {}),
    );
    add(
        "securityhub.hub",
        build(&r.securityhub_hub, "securityhub.hub", |_, _| {}),
    );
    add(
        "attestation",
        build(&r.attestation, "attestation", |a, o| {
            o.insert("valid".into(), json!(attestation_valid(&idx, a)));
        }),
    );

    // Synthetic account resource: account-wide settings in one place.
    let trails: Vec<Value> = r
        .cloudtrail_trail
        .iter()
        .map(|t| {
            let mut o = as_object(t);
            trail_json(t, &mut o);
            Value::Object(o)
        })
        .collect();
    let support_roles: Vec<&String> = r
        .iam_role
        .iter()
        .filter(|role| {
            role.attached_policy_arns
                .iter()
                .any(|a| a.ends_with(":policy/AWSSupportAccess"))
        })
        .map(|role| &role.id)
        .collect();
    let attestations: Vec<Value> = r
        .attestation
        .iter()
        .map(|a| {
            let mut o = as_object(a);
            o.insert("valid".into(), json!(attestation_valid(&idx, a)));
            Value::Object(o)
        })
        .collect();
    let account = &snapshot.account;
    let account_value = json!({
        "id": account.id,
        "arn": format!("arn:{}:iam::{}:root", partition(account), account.id),
        "region": "global",
        "partition": partition(account),
        "root": r.iam_root_user.first(),
        "password_policy": r.iam_password_policy.first(),
        "s3_public_access_block": idx.account_pab.map(pab_json),
        "trails": trails,
        "support_roles": support_roles,
        "attestations": attestations,
    });
    items.insert(
        "account",
        vec![Item::new(
            "account",
            &account.id,
            &format!("arn:{}:iam::{}:root", partition(account), account.id),
            "global",
            account.alias.as_deref().unwrap_or_default(),
            json_to_val(&account_value),
        )],
    );

    // Synthetic region resources: one per collected region.
    let regions = snapshot
        .regions
        .iter()
        .map(|region| {
            let ebs = r.ec2_ebs_encryption.iter().find(|e| &e.region == region);
            let value = json!({
                "id": region,
                "region": region,
                "ebs_encryption_by_default": ebs.map(|e| e.enabled),
                "ebs_default_kms_key_id": ebs.and_then(|e| e.kms_key_id.clone()),
                "config_recorders": r.config_recorder.iter().filter(|c| &c.region == region).collect::<Vec<_>>(),
                "guardduty_detectors": r.guardduty_detector.iter().filter(|d| &d.region == region).collect::<Vec<_>>(),
                "securityhub_enabled": r.securityhub_hub.iter().any(|h| &h.region == region),
            });
            Item::new("region", region, "", region, "", json_to_val(&value))
        })
        .collect();
    items.insert("region", regions);

    // Evaluation emits findings in item order; sorting here once replaces a
    // sort of all findings later.
    items
        .par_iter_mut()
        .for_each(|(_, list)| list.par_sort_by(|a, b| (a.region(), a.id()).cmp(&(b.region(), b.id()))));

    Prepared {
        account: snapshot.account.clone(),
        collected_at: snapshot.collected_at,
        regions: snapshot.regions.clone(),
        gaps: snapshot.gaps.clone(),
        collected: snapshot.collected.clone(),
        items,
    }
}

fn partition(account: &Account) -> &str {
    if account.partition.is_empty() {
        "aws"
    } else {
        &account.partition
    }
}

fn as_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// Converts each resource with its derived fields, in parallel. Derived
/// fields come first so that they replace stored fields of the same name
/// (`ingress` is replaced by its normalised form).
fn build<T, F>(list: &[T], kind: &'static str, derive: F) -> Vec<Item>
where
    T: Resource + Serialize + Sync,
    F: Fn(&T, &mut Map<String, Value>) + Sync,
{
    list.par_iter()
        .with_min_len(256)
        .map(|resource| {
            let mut derived = Map::new();
            derive(resource, &mut derived);
            let mut entries: Vec<(Cow<'static, str>, Box<dyn Val>)> = derived
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), json_to_val(&v)))
                .collect();
            // The model is plain data; converting it cannot fail.
            entries.extend(to_entries(resource).unwrap_or_default());
            Item::new(
                kind,
                resource.id(),
                resource.arn(),
                resource.region(),
                resource.name(),
                map_of(entries),
            )
        })
        .collect()
}

fn pab_json(p: &data::AccountPublicAccessBlock) -> Value {
    json!({
        "block_public_acls": p.block_public_acls,
        "ignore_public_acls": p.ignore_public_acls,
        "block_public_policy": p.block_public_policy,
        "restrict_public_buckets": p.restrict_public_buckets,
    })
}

/// Whether a CIDR is the whole IPv4 or IPv6 internet.
pub fn is_world_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
}

/// Normalises a protocol name: AWS's `-1` is `all`, numbers become names.
fn protocol_name(protocol: &str) -> &str {
    match protocol.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => "all",
        "6" | "tcp" => "tcp",
        "17" | "udp" => "udp",
        "1" | "icmp" => "icmp",
        "58" | "icmpv6" => "icmpv6",
        _ => protocol,
    }
}

/// Permissions with `open_to_world`, `world_cidrs` and `summary`.
fn permissions(list: &[network::Permission]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| {
                let protocol = protocol_name(&p.protocol);
                let (from, to) = if protocol == "all" {
                    (0, 65535)
                } else {
                    (p.from_port, p.to_port)
                };
                let world: Vec<&String> = p.cidrs.iter().filter(|c| is_world_cidr(c)).collect();
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
                json!({
                    "protocol": protocol,
                    "from_port": from,
                    "to_port": to,
                    "cidrs": p.cidrs,
                    "source_groups": p.source_groups,
                    "prefix_lists": p.prefix_lists,
                    "description": p.description,
                    "open_to_world": !world.is_empty(),
                    "world_cidrs": world,
                    "summary": format!("{what} from {}", sources.join(", ")),
                })
            })
            .collect(),
    )
}

/// The inbound permissions of security groups, each tagged with `group_id`.
fn group_ingress(idx: &Index, region: &str, groups: &[String]) -> Value {
    let mut out = Vec::new();
    for id in groups {
        if let Some(sg) = idx.security_groups.get(&(region, id.as_str()))
            && let Value::Array(perms) = permissions(&sg.ingress)
        {
            for mut p in perms {
                if let Value::Object(m) = &mut p {
                    m.insert("group_id".into(), json!(id));
                    let summary = m.get("summary").and_then(Value::as_str).unwrap_or_default().to_string();
                    m.insert("summary".into(), json!(format!("{id}: {summary}")));
                }
                out.push(p);
            }
        }
    }
    Value::Array(out)
}

fn access_key_json(idx: &Index, k: &identity::AccessKey) -> Value {
    let mut o = as_object(k);
    o.insert("age_days".into(), json!(idx.days_since(k.created_at)));
    o.insert(
        "unused_days".into(),
        json!(idx.days_since(k.last_used_at.or(k.created_at))),
    );
    Value::Object(o)
}

/// Attested, and not expired on the evaluation day (the expiry day counts).
fn attestation_valid(idx: &Index, a: &monitoring::Attestation) -> bool {
    a.attested_at.is_some() && a.expires_at.is_some_and(|e| e.date_naive() >= idx.today)
}

/// Whether a trail records management events (basic or advanced selectors).
fn records_management_events(t: &monitoring::Trail) -> bool {
    if !t.advanced_event_selectors.is_empty() {
        return t.advanced_event_selectors.iter().any(|s| {
            s.equals
                .get("eventCategory")
                .is_some_and(|v| v.iter().any(|c| c == "Management"))
        });
    }
    // A trail with no selectors at all records management events (the default).
    t.event_selectors.is_empty() || t.event_selectors.iter().any(|s| s.include_management_events)
}

/// Parses a Strict-Transport-Security header value.
pub fn parse_hsts(header: &str) -> Option<edge::Hsts> {
    let mut hsts = edge::Hsts::default();
    let mut max_age = None;
    for directive in header.split(';') {
        let directive = directive.trim();
        let (name, value) = directive
            .split_once('=')
            .map_or((directive, ""), |(n, v)| (n.trim(), v.trim()));
        match name.to_ascii_lowercase().as_str() {
            "max-age" => max_age = value.trim_matches('"').parse::<i64>().ok(),
            "includesubdomains" => hsts.include_subdomains = true,
            "preload" => hsts.preload = true,
            _ => {}
        }
    }
    hsts.max_age = max_age?;
    Some(hsts)
}

/// The derived fields of `kind` that join other kinds, each with the kinds
/// it reads: a gap in any of them makes that field incomplete. (Rules over
/// the synthetic `account` and `region` kinds list what they read in
/// `needs` instead.)
pub fn join_sources(kind: &str) -> &'static [(&'static str, &'static [&'static str])] {
    const SUBNETS: &[&str] = &["ec2.subnet", "ec2.route_table"];
    match kind {
        "ec2.instance" => &[
            ("ssm_managed", &["ssm.managed_instance"]),
            ("ssm_ping_status", &["ssm.managed_instance"]),
        ],
        "ec2.vpc" => &[
            ("flow_logs", &["ec2.flow_log"]),
            ("subnets", SUBNETS),
            ("public_subnet_ids", SUBNETS),
            ("private_subnet_ids", SUBNETS),
        ],
        "ec2.subnet" => &[
            ("public", &["ec2.route_table"]),
            ("route_table_id", &["ec2.route_table"]),
        ],
        "rds.db_instance" => &[
            ("parameters", &["rds.parameter_group"]),
            ("public_subnet_ids", SUBNETS),
            ("ingress", &["ec2.security_group"]),
            ("kms_key_manager", &["kms.key"]),
            ("alarm_metrics", &["cloudwatch.alarm"]),
        ],
        "elasticache.replication_group" => &[
            ("public_subnet_ids", SUBNETS),
            ("world_open_security_groups", &["ec2.security_group"]),
        ],
        "s3.bucket" => &[
            ("cloudfront_origins", &["cloudfront.distribution"]),
            ("account_public_access_block", &["s3.account_public_access_block"]),
        ],
        "cloudfront.distribution" => &[("default_headers", &["cloudfront.response_headers_policy"])],
        "elbv2.load_balancer" => &[("listeners", &["elbv2.listener"]), ("web_acl", &["wafv2.web_acl"])],
        "ecr.repository" => &[("registry_scan_type", &["ecr.registry_scanning"])],
        "iam.user" => &[("access_keys", &["iam.access_key"])],
        "cloudtrail.trail" => &[("bucket", &["s3.bucket", "s3.account_public_access_block"])],
        "sns.topic" => &[("used_by_alarms", &["cloudwatch.alarm"])],
        _ => &[],
    }
}

/// The kinds whose data a rule over `kind` depends on: the kind itself, and
/// the sources of the derived fields its expressions (`text`) mention. A rule
/// that reads only a database's own settings does not depend on alarms.
pub fn dependencies<'a>(kind: &'a str, text: &str) -> Vec<&'a str> {
    let mut kinds: Vec<&str> = Vec::new();
    if !crate::snapshot::SYNTHETIC_KINDS.contains(&kind) {
        kinds.push(kind);
    }
    let mentions = |field: &str| {
        text.match_indices(field).any(|(at, _)| {
            let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
            let before = text[..at].chars().next_back().is_none_or(|c| !word(c));
            let after = text[at + field.len()..].chars().next().is_none_or(|c| !word(c));
            before && after
        })
    };
    for (field, sources) in join_sources(kind) {
        if mentions(field) {
            kinds.extend(sources.iter().copied());
        }
    }
    let mut seen = HashSet::new();
    kinds.retain(|k| seen.insert(*k));
    kinds
}
