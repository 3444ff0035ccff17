//! The HTML report in a real browser: Debian's Chromium, headless (installed
//! by scripts/test.sh). The page's script runs; the DOM it leaves has the
//! right counts, filters and search (given in the URL fragment, as the page
//! keeps them) show the right rows, nothing is fetched (Chromium's own
//! network log), no console error or CSP refusal, and hostile resource
//! names stay text. A screenshot is kept in target/browser/.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium, or `None` outside CI when it is not installed (in CI a missing
/// browser is a failure: scripts/test.sh installs it).
fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    match found {
        true => Some("chromium"),
        false if std::env::var_os("CI").is_some() => {
            panic!("CI is set but chromium is missing: scripts/test.sh installs it")
        }
        false => {
            eprintln!("chromium is not installed: run scripts/test.sh, which installs it");
            None
        }
    }
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    dir
}

fn write_report(snapshot: &Path, name: &str) -> PathBuf {
    let path = out_dir().join(name);
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "scan",
            "--snapshot",
            snapshot.to_str().expect("utf-8"),
            "--format",
            "html",
            "--fail-on",
            "none",
            "-o",
        ])
        .arg(&path)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("audit runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    path
}

/// What Chromium saw: the DOM after the page's script ran, its log (console
/// messages included) and its network log.
struct Visit {
    dom: String,
    log: String,
    net: String,
}

fn visit(browser: &str, page: &Path, fragment: &str, extra: &[&str]) -> Visit {
    let dir = tempfile::tempdir().expect("temp dir");
    let net = dir.path().join("net.json");
    let url = format!("file://{}{fragment}", page.display());
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", dir.path().join("profile").display()),
            &format!("--log-net-log={}", net.display()),
        ])
        .args(extra)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    Visit {
        dom: String::from_utf8_lossy(&o.stdout).into_owned(),
        log: String::from_utf8_lossy(&o.stderr).into_owned(),
        net: std::fs::read_to_string(&net).unwrap_or_default(),
    }
}

/// The http(s) requests of a network log that a page initiated (Chromium's
/// own are logged with the initiator `not an origin`).
fn page_requests(net: &str) -> Vec<String> {
    let text = net.trim_end().trim_end_matches(',');
    let log: serde_json::Value = serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .expect("Chromium's network log is JSON (possibly cut at the end)");
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| {
            let p = &e["params"];
            let url = p["url"].as_str()?;
            let initiator = p["initiator"].as_str()?;
            (url.starts_with("http") && initiator != "not an origin").then(|| format!("{url} from {initiator}"))
        })
        .collect()
}

/// The number the page shows as visible rows.
fn shown(dom: &str) -> usize {
    let start = dom.find("id=\"shown\">").expect("the shown count") + "id=\"shown\">".len();
    dom[start..start + dom[start..].find('<').expect("end")]
        .parse()
        .expect("a number")
}

/// The finding rows whose tag has no `hidden` attribute.
fn visible_rows(dom: &str) -> usize {
    dom.split("<tr class=\"finding\"")
        .skip(1)
        .filter(|rest| !rest[..rest.find('>').unwrap_or(rest.len())].contains(" hidden"))
        .count()
}

/// Findings the report lists in its finding tables (all but pass and skip).
fn listed(report: &serde_json::Value, keep: impl Fn(&serde_json::Value) -> bool) -> usize {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| !matches!(f["status"].as_str(), Some("pass" | "skip")))
        .filter(|f| keep(f))
        .count()
}

#[test]
fn the_report_works_in_a_real_browser() {
    let Some(browser) = chromium() else { return };
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json");
    let page = write_report(&example, "report.html");
    let report: serde_json::Value = {
        let o = Command::new(env!("CARGO_BIN_EXE_audit"))
            .args([
                "scan",
                "--snapshot",
                example.to_str().expect("utf-8"),
                "--format",
                "json",
                "--fail-on",
                "none",
            ])
            .output()
            .expect("audit runs");
        serde_json::from_slice(&o.stdout).expect("JSON")
    };

    let all = visit(browser, &page, "", &[]);
    assert!(all.dom.contains("data-ready=\"1\""), "the page's script ran");
    assert_eq!(shown(&all.dom), listed(&report, |_| true));
    assert_eq!(visible_rows(&all.dom), shown(&all.dom));
    for line in all.log.lines() {
        assert!(
            !(line.contains(":CONSOLE") && (line.contains("Uncaught") || line.contains("Error")))
                && !line.contains("Refused to"),
            "console error: {line}"
        );
    }
    // The page requests nothing: Chromium's own background requests (time,
    // accounts) have no origin as initiator; the page's would have its own.
    let requests = page_requests(&all.net);
    assert!(requests.is_empty(), "the page made network requests: {requests:?}");

    // A filter, and a filter with a search.
    let critical = visit(browser, &page, "#sev=critical", &[]);
    let want = listed(&report, |f| f["severity"] == "critical");
    assert!(want > 0);
    assert_eq!((shown(&critical.dom), visible_rows(&critical.dom)), (want, want));
    let rds_high = visit(browser, &page, "#sev=high&svc=rds", &[]);
    let want = listed(&report, |f| {
        f["severity"] == "high" && f["resource"]["kind"].as_str().is_some_and(|k| k.starts_with("rds."))
    });
    assert_eq!(shown(&rds_high.dom), want);
    let ssh = visit(browser, &page, "#q=ec2-sg-no-public-ssh", &[]);
    assert_eq!(
        shown(&ssh.dom),
        listed(&report, |f| f["rule_id"] == "ec2-sg-no-public-ssh")
    );
    assert!(ssh.dom.contains("legacy-api (sg-0legacy)"));

    // The screenshot, kept for a look.
    let shot = out_dir().join("report.png");
    let _ = visit(
        browser,
        &page,
        "",
        &[
            "--hide-scrollbars",
            "--window-size=1300,2200",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(shot.exists(), "screenshot written");
}

#[test]
fn hostile_names_stay_text_in_the_browser() {
    let Some(browser) = chromium() else { return };
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json");
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&example).expect("example")).expect("JSON");
    let groups = snapshot["resources"]["ec2.security_group"]
        .as_array_mut()
        .expect("groups");
    let legacy = groups.iter_mut().find(|g| g["id"] == "sg-0legacy").expect("sg-0legacy");
    legacy["name"] = "<script>document.documentElement.setAttribute('data-pwned','1')</script><b>bold</b>".into();
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = dir.path().join("hostile.json");
    std::fs::write(&hostile, snapshot.to_string()).expect("write");
    let page = write_report(&hostile, "hostile.html");
    let v = visit(browser, &page, "", &[]);
    assert!(v.dom.contains("data-ready=\"1\""));
    assert!(!v.dom.contains("data-pwned=\"1\""), "the name ran as a script");
    assert!(!v.dom.contains("<b>bold</b>"), "the name was parsed as markup");
    assert!(v.dom.contains("&lt;b&gt;bold&lt;/b&gt;"), "it is shown as text");
}
