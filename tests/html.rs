//! The HTML report, without a browser: one self-contained file (nothing
//! fetched, a CSP that allows only its own inline style and script by
//! hash), every value from the account escaped, and a golden copy of the
//! example account's page. `tests/browser.rs` opens it in Chromium.

use std::path::Path;
use std::process::Command;

fn html(snapshot: &Path, extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "scan",
            "--snapshot",
            snapshot.to_str().expect("utf-8"),
            "--format",
            "html",
        ])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("audit runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json")
}

/// Standard base64 with padding, written here independently of the
/// report's own, to check the CSP hashes.
fn base64(bytes: &[u8]) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    while !bits.len().is_multiple_of(6) {
        bits.push('0');
    }
    let mut out: String = (0..bits.len() / 6)
        .map(|i| char::from(alphabet[usize::from_str_radix(&bits[i * 6..i * 6 + 6], 2).unwrap_or(0)]))
        .collect();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).map(|i| i + open.len()).expect(open);
    let end = text[start..].find(close).expect(close);
    &text[start..start + end]
}

#[test]
fn the_page_is_self_contained_and_its_csp_allows_only_its_own_inline_code() {
    let page = html(&example(), &[]);
    let lower = page.to_lowercase();
    for load in [
        "<link",
        "src=\"http",
        "src='http",
        "href=\"http",
        "@import",
        "url(http",
        "<iframe",
        "<img src=\"http",
    ] {
        assert!(!lower.contains(load), "the page loads something: {load}");
    }
    // References are listed as text, never as links the page follows.
    assert!(!lower.contains("<a href"), "no link");
    let csp = between(&page, "http-equiv=\"Content-Security-Policy\" content=\"", "\"").replace("&#39;", "'");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("http"), "{csp}");
    // The hashes in the policy are those of the inline style and script.
    use sha2::Digest as _;
    let style = between(&page, "<style>", "</style>");
    let script = between(&page, "<script>", "</script>");
    for (what, block) in [("style", style), ("script", script)] {
        let digest = sha2::Sha256::digest(block.as_bytes());
        let want = format!("{what}-src 'sha256-{}'", base64(&digest));
        assert!(csp.contains(&want), "{want} not in {csp}");
    }
    assert_eq!(page.matches("<script>").count(), 1, "one executable script");
    assert!(
        !page.contains(" style=\""),
        "no inline style attribute (the CSP would block it)"
    );
}

#[test]
fn values_from_the_account_render_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).expect("example")).expect("JSON");
    let groups = snapshot["resources"]["ec2.security_group"]
        .as_array_mut()
        .expect("groups");
    let legacy = groups.iter_mut().find(|g| g["id"] == "sg-0legacy").expect("sg-0legacy");
    legacy["name"] = "<script>alert('name')</script>".into();
    legacy["ingress"][0]["description"] = "\"><img src=x onerror=alert(1)>".into();
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, snapshot.to_string()).expect("write");
    let page = html(&path, &[]);
    assert!(!page.contains("<script>alert("), "a resource name ran as a script");
    assert!(
        page.contains("&#60;script&#62;alert(&#39;name&#39;)&#60;/script&#62;"),
        "it is shown as text"
    );
    assert!(!page.contains("<img src=x"));
    // Passing findings travel as JSON inside the page: no markup in it.
    let data = between(
        &page,
        "<script type=\"application/json\" id=\"passing-data\">",
        "</script>",
    );
    assert!(!data.contains('<') && !data.contains('>'));
}

#[test]
fn the_example_page_matches_its_golden_copy() {
    // A relative path (the command runs in the crate's folder), so the
    // golden copy does not depend on where the checkout lives.
    let page = html(Path::new("fixtures/example-account.json"), &["--fail-on", "high"])
        .replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("example_html", page);
}

#[test]
fn a_saved_report_renders_to_the_same_page_without_evaluating_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("report.json");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_audit"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("audit runs")
    };
    let example = example();
    let o = run(&[
        "scan",
        "--snapshot",
        example.to_str().expect("utf-8"),
        "--format",
        "json",
        "--fail-on",
        "none",
        "-o",
        json.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let rendered = run(&[
        "render",
        json.to_str().expect("utf-8"),
        "--format",
        "html",
        "--fail-on",
        "high",
    ]);
    assert_eq!(
        rendered.status.code(),
        Some(1),
        "the gate applies to a rendered report too"
    );
    assert_eq!(
        String::from_utf8_lossy(&rendered.stdout),
        html(&example, &["--fail-on", "high"])
    );
    let markdown = run(&[
        "render",
        json.to_str().expect("utf-8"),
        "--format",
        "markdown",
        "--fail-on",
        "none",
    ]);
    assert!(String::from_utf8_lossy(&markdown.stdout).starts_with("## Pre-launch checklist"));
    // A snapshot is not a report: a clear error, exit 2, nothing written.
    let o = run(&["render", example.to_str().expect("utf-8"), "--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a posture-audit JSON report"));
}
