//! The collector's error paths over the wire: AccessDenied, throttling, a
//! 500 and a timeout. moto cannot produce them on demand, so a small proxy
//! stands between the real `audit` binary and the emulator started by
//! scripts/test.sh, answering chosen requests with the error each AWS
//! protocol would send, and passing everything else through untouched.
#![cfg(feature = "aws")]

mod common;
use common::moto_endpoint;
use common::proxy::{Fault, Flakiness, flaky, proxy, strings};
use std::process::Command;
use std::time::Duration;

#[test]
fn denied_throttled_failing_and_hung_calls_become_gaps_and_errors() {
    let Some(endpoint) = moto_endpoint() else { return };
    let upstream = endpoint.trim_start_matches("http://").to_string();
    let faults = vec![
        // EC2 (query protocol), us-east-1 only.
        Fault {
            needles: strings(&["Action=DescribeSecurityGroups", "/us-east-1/ec2/"]),
            status: 403,
            headers: "Content-Type: text/xml\r\n",
            body: "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>f1</RequestID></Response>",
            hang: false,
        },
        // KMS (JSON 1.1), throttled on every attempt.
        Fault {
            needles: strings(&["TrentService.ListKeys", "/eu-west-1/kms/"]),
            status: 400,
            headers: "Content-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: ThrottlingException\r\n",
            body: r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            hang: false,
        },
        // RDS (query protocol with ErrorResponse), a server error.
        Fault {
            needles: strings(&["Action=DescribeDBInstances", "/us-east-1/rds/"]),
            status: 500,
            headers: "Content-Type: text/xml\r\n",
            body: "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>internal failure</Message></Error><RequestId>f3</RequestId></ErrorResponse>",
            hang: false,
        },
        // Secrets Manager never answers.
        Fault {
            needles: strings(&["secretsmanager.ListSecrets", "/eu-west-1/secretsmanager/"]),
            status: 0,
            headers: "",
            body: "",
            hang: true,
        },
    ];
    let (url, hits) = proxy(upstream, faults);
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("faults.json");
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "collect",
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--max-attempts",
            "2",
            "--call-timeout",
            "3",
            "-o",
            snapshot.to_str().expect("utf-8"),
        ])
        .output()
        .expect("audit runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "the collection completes: {stderr}");
    // The hung call was cut at the timeout; it held nothing else back.
    assert!(started.elapsed() < Duration::from_secs(25), "{:?}", started.elapsed());
    let hits = hits.lock().expect("lock").clone();
    assert_eq!(hits[1], 2, "the throttled call was retried once (--max-attempts 2)");
    assert_eq!(hits[2], 2, "the 500 was retried once");

    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("written")).expect("JSON");
    let gap = |operation: &str, region: &str| -> serde_json::Value {
        snap["gaps"]
            .as_array()
            .expect("gaps")
            .iter()
            .find(|g| g["operation"] == operation && g["region"] == region)
            .unwrap_or_else(|| panic!("no gap for {operation} in {region}: {}", snap["gaps"]))
            .clone()
    };
    let denied = gap("DescribeSecurityGroups", "us-east-1");
    assert_eq!(denied["code"], "UnauthorizedOperation");
    assert_eq!(denied["message"], "You are not authorized to perform this operation.");
    assert_eq!(denied["kinds"], serde_json::json!(["ec2.security_group"]));
    assert_eq!(gap("ListKeys", "eu-west-1")["code"], "ThrottlingException");
    assert_eq!(gap("DescribeDBInstances", "us-east-1")["code"], "InternalFailure");
    assert_eq!(gap("ListSecrets", "eu-west-1")["code"], "Timeout");
    // The same calls in the other region went through.
    let groups = snap["resources"]["ec2.security_group"].as_array().expect("groups");
    assert!(groups.iter().all(|g| g["region"] == "eu-west-1") && !groups.is_empty());

    // The audit: `error` where data is missing, never `pass`; the rest decided.
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "scan",
            "--snapshot",
            snapshot.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .args(["--fail-on", "none"])
        .output()
        .expect("audit runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let statuses = |rule: &str, region: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == rule && f["resource"]["region"] == region)
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(statuses("ec2-sg-no-public-ssh", "us-east-1"), vec!["error"]);
    assert_eq!(
        statuses("ec2-sg-no-public-ssh", "eu-west-1"),
        vec!["pass"; groups.len()]
    );
    assert_eq!(statuses("kms-key-rotation", "eu-west-1"), vec!["error"]);
    assert_eq!(statuses("kms-key-rotation", "us-east-1"), vec!["fail"]);
    // The instances could not be listed; the Aurora cluster beside them was.
    let by_kind = |rule: &str, kind: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == rule && f["resource"]["region"] == "us-east-1" && f["resource"]["kind"] == kind)
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(by_kind("rds-storage-encrypted", "region"), vec!["error"]);
    assert_eq!(by_kind("rds-storage-encrypted", "rds.db_cluster"), vec!["pass"]);
    assert!(by_kind("rds-storage-encrypted", "rds.db_instance").is_empty());
    assert_eq!(statuses("rds-storage-encrypted", "eu-west-1"), vec!["pass"]);
    assert_eq!(statuses("secretsmanager-rotation", "eu-west-1"), vec!["error"]);
    let summary = &report["summary"];
    assert!(summary["errors"].as_u64().unwrap_or(0) >= 4, "{summary}");
}

#[test]
fn ctrl_c_during_collection_writes_nothing_and_exits_130() {
    let Some(endpoint) = moto_endpoint() else { return };
    let upstream = endpoint.trim_start_matches("http://").to_string();
    // One call that never answers keeps the collection running.
    let faults = vec![Fault {
        needles: strings(&["secretsmanager.ListSecrets"]),
        status: 0,
        headers: "",
        body: "",
        hang: true,
    }];
    let (url, hits) = proxy(upstream, faults);
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("interrupted.json");
    let child = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "collect",
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--call-timeout",
            "120",
        ])
        .args(["-o", snapshot.to_str().expect("utf-8")])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("audit starts");
    // Wait until the hung call is in flight.
    let started = std::time::Instant::now();
    while hits.lock().expect("lock")[0] == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the collection never reached the hung call"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
    assert!(kill.success());
    let o = child.wait_with_output().expect("audit ends");
    assert_eq!(o.status.code(), Some(130), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted: nothing was written"));
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// Collects through `endpoint` into `path`; returns the snapshot without
/// what differs between runs (the collection time).
fn collect_through(endpoint: &str, path: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "collect",
            "--quiet",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
        ])
        .args(extra)
        .args(["-o", path.to_str().expect("utf-8")])
        .output()
        .expect("audit runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON");
    snapshot["collected_at"] = serde_json::Value::Null;
    snapshot
}

/// What each gap leaves missing, without how the call failed.
fn gap_keys(snapshot: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = (snapshot["gaps"].as_array().into_iter().flatten())
        .map(|g| {
            format!(
                "{} {} {} {} {}",
                g["service"], g["region"], g["operation"], g["kinds"], g["resource_id"]
            )
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn flaky_networks_lose_nothing() {
    let Some(endpoint) = moto_endpoint() else { return };
    let upstream = endpoint.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let clean = collect_through(&endpoint, &dir.path().join("clean.json"), &[]);
    let resources = clean["resources"]
        .as_object()
        .expect("resources")
        .values()
        .map(|l| l.as_array().map_or(0, Vec::len))
        .sum::<usize>();
    assert!(resources > 50, "the seeded account has resources");
    let mut totals = common::proxy::FlakyStats::default();
    for seed in [1, 2, 3] {
        let (url, stats) = flaky(
            upstream.clone(),
            Flakiness {
                seed,
                throttle_percent: 5,
                server_error_percent: 2,
                drop_percent: 2,
                latency: Duration::from_millis(100),
            },
        );
        // Enough attempts that a call failing every time is vanishingly rare
        // (9 % per attempt, 6 attempts: 5e-7).
        let flaky_run = collect_through(
            &url,
            &dir.path().join(format!("flaky-{seed}.json")),
            &["--max-attempts", "6", "--call-timeout", "20"],
        );
        let stats = stats.lock().expect("lock").clone();
        eprintln!(
            "seed {seed}: {} requests, {} throttled, {} server errors, {} dropped",
            stats.requests, stats.throttled, stats.server_errors, stats.dropped
        );
        assert!(stats.faults() > 0, "no fault was injected");
        // The operations moto does not implement are gaps in both runs (their
        // error may become a timeout after more retries): the same data is
        // missing, and no other.
        assert_eq!(
            gap_keys(&flaky_run),
            gap_keys(&clean),
            "seed {seed}: the faults left gaps"
        );
        for (kind, list) in clean["resources"].as_object().expect("resources") {
            assert_eq!(
                &flaky_run["resources"][kind], list,
                "seed {seed}: {kind} differs from the fault-free snapshot"
            );
        }
        let mut without_gaps = flaky_run.clone();
        without_gaps["gaps"] = clean["gaps"].clone();
        assert_eq!(
            without_gaps, clean,
            "seed {seed}: the snapshot differs from the fault-free one"
        );
        totals.requests += stats.requests;
        totals.throttled += stats.throttled;
        totals.server_errors += stats.server_errors;
        totals.dropped += stats.dropped;
    }
    eprintln!(
        "soak: 3 collections, {} resources each, {} requests, {} faults injected ({} throttled, {} server errors, {} dropped), nothing lost",
        resources,
        totals.requests,
        totals.faults(),
        totals.throttled,
        totals.server_errors,
        totals.dropped
    );
}
