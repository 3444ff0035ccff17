//! A generated Terraform plan of about 5,000 resource instances (a VPC
//! with subnets, security groups with split rules, instances, buckets with
//! their public access blocks and policies, roles with attachments), and
//! the time to parse its JSON, to read it into a snapshot (parse, map,
//! resolve references, locate), and to prepare and evaluate the catalogue,
//! each as a ratio to the JSON parse time.
//!
//! Run: `cargo bench --no-default-features --bench plan` (a size as the
//! argument, e.g. `-- 20000`). Medians of 5 runs; the machine is shared, so
//! compare ratios rather than absolute times.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use posture_audit::engine::{self, Options};
use posture_audit::source::terraform;
use posture_audit::{prepare, rules};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn change(address: &str, rtype: &str, name: &str, index: Option<usize>, after: Value, unknown: Value) -> Value {
    let mut c = json!({
        "address": address, "mode": "managed", "type": rtype, "name": name,
        "change": {"actions": ["create"], "after": after, "after_unknown": unknown},
    });
    if let Some(i) = index {
        c["index"] = json!(i);
    }
    c
}

fn config(rtype: &str, name: &str, expressions: Value) -> Value {
    json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
           "provider_config_key": "aws", "expressions": expressions})
}

fn refs(target: &str) -> Value {
    json!({"references": [format!("{target}.id"), target]})
}

/// A plan of about `size` instances: eight per group of resources.
fn plan(size: usize) -> Value {
    let groups = size / 8;
    let mut changes = Vec::new();
    let mut configs = vec![
        config("aws_vpc", "main", json!({})),
        config("aws_subnet", "app", json!({"vpc_id": refs("aws_vpc.main")})),
        config("aws_security_group", "app", json!({"vpc_id": refs("aws_vpc.main")})),
        config(
            "aws_vpc_security_group_ingress_rule",
            "ssh",
            json!({"security_group_id": refs("aws_security_group.app")}),
        ),
        config(
            "aws_instance",
            "app",
            json!({"subnet_id": refs("aws_subnet.app"), "vpc_security_group_ids": refs("aws_security_group.app")}),
        ),
        config("aws_s3_bucket", "data", json!({})),
        config(
            "aws_s3_bucket_public_access_block",
            "data",
            json!({"bucket": refs("aws_s3_bucket.data")}),
        ),
        config(
            "aws_s3_bucket_policy",
            "data",
            json!({"bucket": refs("aws_s3_bucket.data")}),
        ),
        config("aws_iam_role", "app", json!({})),
    ];
    configs.push(config(
        "aws_iam_role_policy_attachment",
        "app",
        json!({"role": refs("aws_iam_role.app")}),
    ));
    changes.push(change(
        "aws_vpc.main",
        "aws_vpc",
        "main",
        None,
        json!({"cidr_block": "10.0.0.0/8"}),
        json!({"id": true}),
    ));
    for i in 0..groups {
        let at = |t: &str| format!("{t}[{i}]");
        changes.push(change(
            &at("aws_subnet.app"),
            "aws_subnet",
            "app",
            Some(i),
            json!({"cidr_block": format!("10.{}.{}.0/24", i / 256, i % 256), "map_public_ip_on_launch": i % 7 == 0}),
            json!({"id": true, "vpc_id": true}),
        ));
        changes.push(change(&at("aws_security_group.app"), "aws_security_group", "app", Some(i),
            json!({"name": format!("app-{i}"), "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp",
                   "cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false}], "egress": []}),
            json!({"id": true, "vpc_id": true})));
        changes.push(change(&at("aws_vpc_security_group_ingress_rule.ssh"), "aws_vpc_security_group_ingress_rule", "ssh", Some(i),
            json!({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": if i % 5 == 0 { "0.0.0.0/0" } else { "10.0.0.0/8" }}),
            json!({"security_group_id": true})));
        changes.push(change(&at("aws_instance.app"), "aws_instance", "app", Some(i),
            json!({"ami": "ami-0", "instance_type": "t3.micro", "user_data": "#!/bin/bash\necho ok\n",
                   "metadata_options": [{"http_tokens": if i % 3 == 0 { "optional" } else { "required" }, "http_endpoint": "enabled"}]}),
            json!({"id": true, "subnet_id": true, "vpc_security_group_ids": true, "public_ip": true})));
        changes.push(change(
            &at("aws_s3_bucket.data"),
            "aws_s3_bucket",
            "data",
            Some(i),
            json!({"bucket": format!("data-{i}")}),
            json!({"id": true, "arn": true}),
        ));
        changes.push(change(
            &at("aws_s3_bucket_public_access_block.data"),
            "aws_s3_bucket_public_access_block",
            "data",
            Some(i),
            json!({"bucket": format!("data-{i}"), "block_public_acls": true, "ignore_public_acls": true,
                   "block_public_policy": i % 4 != 0, "restrict_public_buckets": true}),
            json!({}),
        ));
        changes.push(change(
            &at("aws_s3_bucket_policy.data"),
            "aws_s3_bucket_policy",
            "data",
            Some(i),
            json!({"bucket": format!("data-{i}"), "policy": json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::data-{i}/*")],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}).to_string()}),
            json!({}),
        ));
        changes.push(change(&at("aws_iam_role.app"), "aws_iam_role", "app", Some(i),
            json!({"name": format!("app-{i}"), "assume_role_policy": json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string()}),
            json!({"arn": true})));
    }
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configs}},
    })
}

fn main() {
    let size: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tfplan.json");
    let text = plan(size).to_string();
    std::fs::write(&path, &text).expect("write the plan");
    let rules = rules::load(&[]).expect("rules");
    let options = terraform::Options {
        tf_dir: Some(dir.path().to_path_buf()),
        ..terraform::Options::default()
    };
    let (mut parse, mut read, mut evaluate) = (Vec::new(), Vec::new(), Vec::new());
    let mut resources = 0;
    let mut findings = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        parse.push(t.elapsed());
        drop(doc);
        let t = Instant::now();
        let snapshot = terraform::load(&path, &options).expect("plan reads").snapshot;
        read.push(t.elapsed());
        let t = Instant::now();
        let report = engine::evaluate(&rules, &prepare::prepare(&snapshot), &Options::default());
        evaluate.push(t.elapsed());
        resources = snapshot.resources.len();
        findings = report.findings.len();
    }
    let (parse, read, evaluate) = (median(parse), median(read), median(evaluate));
    let ratio = |d: Duration| d.as_secs_f64() / parse.as_secs_f64();
    println!(
        "plan of {} instances ({:.1} MB JSON) -> {resources} snapshot resources, {findings} findings",
        size / 8 * 8 + 1,
        text.len() as f64 / 1e6
    );
    println!("  JSON parse            {:>8.1} ms   1.0x", parse.as_secs_f64() * 1e3);
    println!(
        "  read plan (parse, map, references, locate) {:>8.1} ms   {:.1}x",
        read.as_secs_f64() * 1e3,
        ratio(read)
    );
    println!(
        "  prepare + evaluate    {:>8.1} ms   {:.1}x",
        evaluate.as_secs_f64() * 1e3,
        ratio(evaluate)
    );
    println!(
        "  total                 {:>8.1} ms   {:.1}x",
        (read + evaluate).as_secs_f64() * 1e3,
        ratio(read + evaluate)
    );
}
