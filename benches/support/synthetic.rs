//! A synthetic account snapshot of any size with a realistic mix of kinds:
//! mostly security groups, instances, buckets, IAM and logs, with roughly one
//! resource in four non-compliant. Deterministic (a fixed-seed xorshift), so
//! runs compare.

use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];

/// The share of each kind, per 100 resources.
const MIX: &[(&str, u64)] = &[
    ("ec2.security_group", 18),
    ("ec2.instance", 12),
    ("ec2.subnet", 8),
    ("ec2.route_table", 4),
    ("ec2.vpc", 2),
    ("ec2.address", 2),
    ("s3.bucket", 8),
    ("rds.db_instance", 3),
    ("ecs.task_definition", 6),
    ("lambda.function", 6),
    ("iam.user", 5),
    ("iam.access_key", 5),
    ("iam.policy", 5),
    ("logs.log_group", 8),
    ("kms.key", 2),
    ("secretsmanager.secret", 3),
    ("cloudwatch.alarm", 3),
];

fn permission(rng: &mut Rng) -> Value {
    let port = *[22u16, 80, 443, 3306, 5432, 6379, 8080, 3389]
        .get((rng.next() % 8) as usize)
        .unwrap_or(&443);
    let source = if rng.chance(25) {
        json!({"cidrs": ["0.0.0.0/0"]})
    } else {
        json!({"source_groups": ["sg-app"]})
    };
    let mut p = json!({"protocol": "tcp", "from_port": port, "to_port": port});
    if let (Value::Object(p), Value::Object(s)) = (&mut p, source) {
        p.extend(s);
    }
    p
}

fn resource(kind: &str, i: usize, rng: &mut Rng) -> Value {
    let region = rng.pick(REGIONS);
    let id = format!("{}-{i:06}", kind.rsplit('.').next().unwrap_or("r"));
    let arn = format!(
        "arn:aws:{}:{region}:111122223333:{id}",
        kind.split('.').next().unwrap_or("aws")
    );
    let mut v = match kind {
        "ec2.security_group" => {
            let n = 2 + rng.next() % 4;
            json!({"name": if rng.chance(5) { "default" } else { "app" }, "vpc_id": format!("vpc-{}", i % 50),
                   "ingress": (0..n).map(|_| permission(rng)).collect::<Vec<_>>(), "egress": [{"protocol": "-1", "cidrs": ["0.0.0.0/0"]}]})
        }
        "ec2.instance" => {
            json!({"state": "running", "vpc_id": format!("vpc-{}", i % 50), "subnet_id": format!("subnet-{}", i % 400),
            "security_groups": [format!("sg-{:06}", i % 1000)],
            "metadata_http_tokens": if rng.chance(30) { "optional" } else { "required" }, "metadata_http_endpoint": "enabled",
            "user_data": if rng.chance(10) { "#!/bin/bash\nexport DB_PASSWORD=Hunter2Hunter2\n" } else { "#!/bin/bash\nyum update -y\n" }})
        }
        "ec2.subnet" => json!({"vpc_id": format!("vpc-{}", i % 50), "availability_zone": format!("{region}a")}),
        "ec2.route_table" => {
            json!({"vpc_id": format!("vpc-{}", i % 50), "main": rng.chance(50), "subnet_ids": [format!("subnet-{}", i % 400)],
            "routes": [{"destination": "0.0.0.0/0", "target": if rng.chance(50) { "igw-1" } else { "nat-1" }}]})
        }
        "ec2.vpc" => json!({"cidr": "10.0.0.0/16"}),
        "ec2.address" => {
            json!({"public_ip": "198.51.100.1", "instance_id": if rng.chance(80) { json!("i-1") } else { Value::Null }})
        }
        "s3.bucket" => {
            json!({"public_access_block": if rng.chance(75) { json!({"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}) } else { Value::Null },
            "policy": {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            "encryption": {"algorithm": "AES256"}})
        }
        "rds.db_instance" => {
            json!({"engine": "postgres", "port": 5432, "publicly_accessible": rng.chance(10), "storage_encrypted": rng.chance(85),
            "backup_retention_days": rng.next() % 14, "multi_az": rng.chance(50), "deletion_protection": true, "auto_minor_version_upgrade": true,
            "monitoring_interval": 60, "cloudwatch_logs_exports": ["postgresql"], "security_groups": [format!("sg-{:06}", i % 1000)],
            "subnet_ids": [format!("subnet-{}", i % 400)], "parameter_groups": ["default.postgres16"]})
        }
        "ecs.task_definition" => {
            json!({"family": id, "revision": 1, "status": "ACTIVE", "containers": [{"name": "app", "image": "app:1",
            "environment": [{"name": "NODE_ENV", "value": "production"}, {"name": "PORT", "value": "8080"},
                            {"name": if rng.chance(20) { "API_TOKEN" } else { "LOG_LEVEL" }, "value": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi"}]}]})
        }
        "lambda.function" => {
            json!({"runtime": "nodejs22.x", "environment": [{"name": "TABLE", "value": "orders"}, {"name": if rng.chance(15) { "DB_PASSWORD" } else { "STAGE" }, "value": "prod-value-1"}]})
        }
        "iam.user" => {
            json!({"region": "global", "password_enabled": rng.chance(40), "mfa_devices": if rng.chance(70) { json!(["mfa"]) } else { json!([]) },
            "created_at": "2025-01-01T00:00:00Z", "password_last_used": "2026-11-01T00:00:00Z"})
        }
        "iam.access_key" => {
            json!({"region": "global", "user": format!("user-{:06}", i % 1000), "status": "Active", "created_at": if rng.chance(30) { "2024-01-01T00:00:00Z" } else { "2026-10-01T00:00:00Z" },
            "last_used_at": "2026-11-20T00:00:00Z"})
        }
        "iam.policy" => json!({"region": "global", "name": id, "policy_type": "managed",
            "document": {"Statement": [{"Effect": "Allow", "Action": if rng.chance(5) { json!("*") } else { json!(["s3:GetObject", "s3:PutObject"]) }, "Resource": "*"}]}}),
        "logs.log_group" => json!({"retention_days": if rng.chance(30) { Value::Null } else { json!(30) }}),
        "kms.key" => {
            json!({"manager": "CUSTOMER", "state": "Enabled", "spec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS", "rotation_enabled": rng.chance(60)})
        }
        "secretsmanager.secret" => json!({"rotation_enabled": rng.chance(50), "rotation_days": 30}),
        "cloudwatch.alarm" => {
            json!({"metric_name": "CPUUtilization", "namespace": "AWS/RDS", "dimensions": {"DBInstanceIdentifier": format!("db_instance-{:06}", i)},
            "actions_enabled": true, "alarm_actions": ["arn:aws:sns:us-east-1:111122223333:ops"]})
        }
        _ => json!({}),
    };
    if let Value::Object(o) = &mut v {
        o.insert("id".into(), json!(id));
        o.insert("arn".into(), json!(arn));
        o.entry("region").or_insert(json!(region));
    }
    v
}

/// A snapshot with about `n` resources, as JSON text.
pub fn snapshot_text(n: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let total: u64 = MIX.iter().map(|(_, share)| share).sum();
    let mut resources = serde_json::Map::new();
    for (kind, share) in MIX {
        let count = (n as u64 * share / total) as usize;
        let list: Vec<Value> = (0..count).map(|i| resource(kind, i, &mut rng)).collect();
        resources.insert((*kind).into(), Value::Array(list));
    }
    let snapshot = json!({
        "format": "posture-audit/snapshot", "version": 1,
        "account": {"id": "111122223333", "partition": "aws"},
        "collected_at": "2026-11-24T05:00:00Z", "regions": REGIONS,
        "source": {"kind": "synthetic"}, "resources": resources, "gaps": [],
    });
    serde_json::to_string(&snapshot).unwrap_or_default()
}
