//! Organization scans against moto: discovery of the seeded organization
//! (scripts/seed_moto.py: member accounts under /workloads, each seeded
//! through a role in it), scans through a role in every account with one
//! account whose role is refused (by the fault proxy in front of moto),
//! every output format, sharding with merge, and diff over an account that
//! could not be read.
#![cfg(feature = "aws")]

mod common;
use common::moto_endpoint;
use common::proxy::{Fault, proxy, strings};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("audit runs")
}

/// The member accounts' ids and OU ids, as the seed script wrote them.
fn seeded() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".moto/org.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect(".moto/org.json (scripts/seed_moto.py)")).expect("JSON")
}

fn id(seed: &serde_json::Value, name: &str) -> String {
    seed["accounts"][name].as_str().expect(name).to_string()
}

/// A proxy in front of moto that refuses AssumeRole into `accounts`, as STS
/// answers a trust policy that does not allow the caller.
fn refusing(endpoint: &str, accounts: &[String]) -> String {
    let faults = accounts
        .iter()
        .map(|account| Fault {
            needles: strings(&["Action=AssumeRole", account]),
            status: 403,
            headers: "Content-Type: text/xml\r\n",
            body: "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            hang: false,
        })
        .collect();
    proxy(endpoint.trim_start_matches("http://").to_string(), faults).0
}

/// The workloads accounts discovered, plus a suspended one added by hand.
fn accounts_file(endpoint: &str, dir: &Path) -> PathBuf {
    let seed = seeded();
    let path = dir.join("accounts.json");
    let o = audit(&[
        "org",
        "discover",
        "--endpoint-url",
        endpoint,
        "--ou",
        seed["ous"]["workloads"].as_str().expect("ou"),
        "-o",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    file["accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(serde_json::json!({
            "id": seed["closed"], "name": "closed-project", "ou_path": "/workloads", "state": "SUSPENDED"
        }));
    std::fs::write(&path, serde_json::to_string_pretty(&file).expect("JSON")).expect("write");
    path
}

fn scan(endpoint: &str, accounts: &Path, snapshots: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "org",
        "scan",
        "--accounts",
        accounts.to_str().expect("utf-8"),
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--max-attempts",
        "1",
        "--snapshot-dir",
        snapshots.to_str().expect("utf-8"),
        "--fail-on",
        "none",
    ];
    args.extend_from_slice(extra);
    audit(&args)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn discovery_lists_the_active_accounts_with_ou_paths_and_tags() {
    let Some(endpoint) = moto_endpoint() else { return };
    let seed = seeded();
    let o = audit(&["org", "discover", "--endpoint-url", &endpoint]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let file = json(&o);
    assert_eq!(file["format"], "posture-audit/accounts");
    assert!(file["organization_id"].as_str().is_some_and(|o| o.starts_with("o-")));
    let accounts = file["accounts"].as_array().expect("accounts");
    let find = |account: &str| accounts.iter().find(|a| a["id"] == account);
    let prod = find(&id(&seed, "shop-prod")).expect("shop-prod");
    assert_eq!(prod["name"], "shop-prod");
    assert_eq!(prod["email"], "shop-prod@example.com");
    assert_eq!(prod["ou_path"], "/workloads/prod");
    assert_eq!(prod["tags"]["env"], "prod");
    assert_eq!(find(&id(&seed, "sandbox")).expect("sandbox")["ou_path"], "/workloads");
    assert_eq!(find("123456789012").expect("the management account")["ou_path"], "/");
    // The closed account is not ACTIVE: left out.
    assert!(find(seed["closed"].as_str().expect("closed")).is_none());
    // Sorted by id, as the shards split them.
    let ids: Vec<&str> = accounts.iter().filter_map(|a| a["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    // --ou keeps the accounts under that OU, at any depth.
    let o = audit(&[
        "org",
        "discover",
        "--endpoint-url",
        &endpoint,
        "--ou",
        seed["ous"]["prod"].as_str().expect("ou"),
    ]);
    let names: Vec<String> = json(&o)["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["name"].as_str().map(String::from))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"shop-prod".to_string()) && names.contains(&"legacy-locked".to_string()));
}

#[test]
fn an_organization_scan_reads_every_account_through_its_role() {
    let Some(endpoint) = moto_endpoint() else { return };
    let seed = seeded();
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = accounts_file(&endpoint, dir.path());
    let locked = id(&seed, "legacy-locked");
    let via = refusing(&endpoint, std::slice::from_ref(&locked));
    let snapshots = dir.path().join("snapshots");
    let o = scan(&via, &accounts, &snapshots, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report = json(&o);

    // Every account has a status; the run went on past the refused role.
    let status = |account: &str| {
        report["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["id"] == account)
            .map(|a| a["status"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(status(&locked).as_deref(), Some("assume-role-failed"));
    assert_eq!(
        status(seed["closed"].as_str().expect("closed")).as_deref(),
        Some("suspended")
    );
    for name in ["shop-prod", "shop-staging", "sandbox"] {
        // moto cannot answer every call (see tests/collect.rs): read, with gaps.
        assert_eq!(status(&id(&seed, name)).as_deref(), Some("partial"), "{name}");
        assert!(
            snapshots.join(format!("{}.json", id(&seed, name))).exists(),
            "{name}'s snapshot"
        );
    }
    assert!(!snapshots.join(format!("{locked}.json")).exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let written = snapshots.join(format!("{}.json", id(&seed, "shop-prod")));
        let mode = std::fs::metadata(&written).expect("written").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a per-account snapshot is private: {mode:o}");
    }

    // Each account's findings, with the account on each.
    let failing = |rule: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == rule && f["status"] == "fail")
            .map(|f| {
                format!(
                    "{}/{}",
                    f["account"]["name"].as_str().unwrap_or(""),
                    f["account"]["ou_path"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(failing("ec2-sg-no-public-ssh"), vec!["shop-prod//workloads/prod"]);
    assert_eq!(failing("ec2-sg-no-public-rdp"), vec!["shop-staging//workloads/staging"]);
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["account"]["id"].as_str().is_some_and(|a| a != locked))
    );

    // Every format names the accounts.
    let prod = id(&seed, "shop-prod");
    let table = scan(&via, &accounts, &snapshots, &["--format", "table"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains(&format!("shop-prod ({prod}) ·")), "{text}");
    assert!(
        text.contains(&format!("legacy-locked ({locked}) /workloads/prod: assume-role-failed")),
        "{text}"
    );
    let markdown =
        String::from_utf8_lossy(&scan(&via, &accounts, &snapshots, &["--format", "markdown"]).stdout).into_owned();
    assert!(
        markdown.contains("### Accounts (3 partial, 1 assume-role-failed, 1 suspended)"),
        "{markdown}"
    );
    assert!(markdown.contains(&format!(
        "| legacy-locked ({locked}) | /workloads/prod | assume-role-failed |"
    )));
    let sarif = json(&scan(&via, &accounts, &snapshots, &["--format", "sarif"]));
    let categories: Vec<String> = sarif["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["automationDetails"]["id"].as_str().map(String::from))
        .collect();
    assert_eq!(categories.len(), 3, "one run per account read: {categories:?}");
    assert!(categories.contains(&format!("posture-audit/{prod}/")));
    let junit = String::from_utf8_lossy(&scan(&via, &accounts, &snapshots, &["--format", "junit"]).stdout).into_owned();
    assert!(junit.contains(&format!("shop-prod ({prod}) ·")));
    let html = String::from_utf8_lossy(&scan(&via, &accounts, &snapshots, &["--format", "html"]).stdout).into_owned();
    assert!(
        html.contains(&format!("<td>legacy-locked ({locked})</td><td>/workloads/prod</td>")),
        "the accounts table"
    );
    assert!(html.contains("Failing findings by account"));
    assert!(html.contains(&format!("data-account=\"shop-prod ({prod})\"")));

    // --strict: an account that is not ok exits 2, the report still written.
    let out = dir.path().join("strict.json");
    let o = scan(
        &via,
        &accounts,
        &snapshots,
        &["--strict", "--format", "json", "-o", out.to_str().expect("utf-8")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(out.exists());
}

#[test]
fn two_shards_merged_equal_one_run_and_an_unread_account_is_unknown_in_diff() {
    let Some(endpoint) = moto_endpoint() else { return };
    let seed = seeded();
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = accounts_file(&endpoint, dir.path());
    let snapshots = dir.path().join("snapshots");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_string();
    let run = |extra: &[&str], out: &str| {
        let mut args = vec!["--format", "json", "-o", out];
        args.extend_from_slice(extra);
        let o = scan(&endpoint, &accounts, &snapshots, &args);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[], &path("whole.json"));
    run(&["--shard", "0/2"], &path("shard-0.json"));
    run(&["--shard", "1/2"], &path("shard-1.json"));
    let o = audit(&[
        "merge",
        &path("shard-0.json"),
        &path("shard-1.json"),
        "--format",
        "json",
        "-o",
        &path("merged.json"),
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).expect("written")).expect("JSON")
    };
    let (whole, merged) = (read("whole.json"), read("merged.json"));
    let (s0, s1) = (read("shard-0.json"), read("shard-1.json"));
    let count = |r: &serde_json::Value| r["accounts"].as_array().map_or(0, Vec::len);
    assert_eq!((count(&s0), count(&s1)), (3, 2), "5 accounts in 2 contiguous shards");
    for field in ["accounts", "findings", "summary", "rules", "gaps"] {
        assert_eq!(whole[field], merged[field], "{field}");
    }
    // The same shard from the environment, as a Kubernetes Indexed Job sets it.
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "org",
            "scan",
            "--accounts",
            accounts.to_str().expect("utf-8"),
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "--snapshot-dir",
            snapshots.to_str().expect("utf-8"),
            "--shard-from-env",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("JOB_COMPLETION_INDEX", "1")
        .env("JOB_COMPLETIONS", "2")
        .output()
        .expect("audit runs");
    assert_eq!(json(&o)["accounts"], s1["accounts"]);

    // shop-prod's role refused this time: its SSH finding is unknown, not resolved.
    let prod = id(&seed, "shop-prod");
    let via = refusing(&endpoint, std::slice::from_ref(&prod));
    let out = path("prod-refused.json");
    let o = scan(&via, &accounts, &snapshots, &["--format", "json", "-o", &out]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = audit(&["diff", &path("whole.json"), &out, "--json"]);
    let diff = json(&o);
    let rules = |list: &str| -> Vec<String> {
        diff[list]
            .as_array()
            .expect(list)
            .iter()
            .filter(|c| c["account"] == prod.as_str())
            .map(|c| c["rule_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(rules("unknown").contains(&"ec2-sg-no-public-ssh".to_string()), "{diff}");
    assert!(
        rules("resolved").is_empty(),
        "nothing of an unread account is resolved: {diff}"
    );
}
