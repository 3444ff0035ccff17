//! The HTTP probe against real servers on 127.0.0.1: HTTPS with certificates
//! made at test time by a test CA, plain HTTP that redirects or not, a server
//! that never answers, an expired certificate. Each case checks what the probe
//! recorded and the verdict of the `http-*` rules. Nothing leaves loopback.

use posture_audit::engine::{self, Options, Status};
use posture_audit::snapshot::edge::HttpEndpoint;
use posture_audit::source::probe::{self, Target};
use posture_audit::{prepare, rules};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const GOOD_HEADERS: &[(&str, &str)] = &[
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'self'"),
];

/// A test CA and the certificates it signs for 127.0.0.1.
struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "posture-audit test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA certificate");
        Pki {
            ca_pem: ca.pem(),
            ca_der: ca.der().clone(),
            ca,
        }
    }

    /// A server configuration for 127.0.0.1, valid now or long expired.
    fn server(&self, expired: bool) -> Arc<rustls::ServerConfig> {
        let key = KeyPair::generate().expect("leaf key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("leaf params");
        params.subject_alt_names = vec![SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let leaf = params.signed_by(&key, &self.ca).expect("leaf certificate");
        presenting(vec![leaf.der().clone(), self.ca_der.clone()], &key)
    }
}

/// A server configuration presenting `chain` (its own certificate first).
fn presenting(chain: Vec<CertificateDer<'static>>, key: &KeyPair) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            chain,
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    Arc::new(config)
}

/// A self-signed certificate for 127.0.0.1 the way `openssl req -x509`
/// makes one: marked as a CA.
fn self_signed_like_openssl() -> (Arc<rustls::ServerConfig>, CertificateDer<'static>) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.subject_alt_names = vec![SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))];
    let cert = params.self_signed(&key).expect("self-signed");
    (presenting(vec![cert.der().clone()], &key), cert.der().clone())
}

/// What a test server answers.
#[derive(Clone)]
enum Answer {
    /// 200 with these headers.
    Page(Vec<(String, String)>),
    /// 301 to this location.
    Redirect(String),
    /// Accepts the connection and never answers.
    Hang,
}

fn page(headers: &[(&str, &str)]) -> Answer {
    Answer::Page(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// Starts a server on 127.0.0.1 (TLS when `tls` is given); returns its port.
async fn serve(answer: Answer, tls: Option<Arc<rustls::ServerConfig>>, requests: Arc<Mutex<Vec<String>>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind on loopback");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (answer, tls, requests) = (answer.clone(), tls.clone(), requests.clone());
            tokio::spawn(async move {
                match tls {
                    Some(config) => {
                        if let Ok(stream) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await {
                            respond(stream, &answer, &requests).await;
                        }
                    }
                    None => respond(tcp, &answer, &requests).await,
                }
            });
        }
    });
    port
}

async fn respond<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    answer: &Answer,
    requests: &Mutex<Vec<String>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    if let Ok(mut r) = requests.lock() {
        r.push(String::from_utf8_lossy(&head).into_owned());
    }
    let response = match answer {
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Answer::Redirect(location) => {
            format!("HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
        }
        Answer::Page(headers) => {
            let mut r = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
            for (k, v) in headers {
                r.push_str(&format!("{k}: {v}\r\n"));
            }
            r.push_str("Content-Length: 2\r\n\r\nok");
            r
        }
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The test fixture: a runtime serving every case.
struct Lab {
    runtime: tokio::runtime::Runtime,
    pki: Pki,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Lab {
    fn new() -> Lab {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        Lab {
            runtime,
            pki: Pki::new(),
            requests: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// An HTTPS server and a plain HTTP one; `http` gets the HTTPS port to build its answer.
    fn pair(&self, https: Answer, http: impl FnOnce(u16) -> Answer, expired: bool) -> Target {
        let tls = self.pki.server(expired);
        let requests = self.requests.clone();
        let https_port = self.runtime.block_on(serve(https, Some(tls), requests.clone()));
        let http_port = self.runtime.block_on(serve(http(https_port), None, requests));
        let spec = format!("https://127.0.0.1:{https_port}/=http://127.0.0.1:{http_port}/");
        probe::parse_target(&spec, "cli").expect("valid target")
    }

    fn probe(&self, targets: Vec<Target>) -> Vec<HttpEndpoint> {
        let options = probe::Options {
            timeout: Duration::from_millis(1500),
            extra_roots: vec![self.pki.ca_der.clone()],
            ..probe::Options::default()
        };
        self.runtime
            .block_on(probe::probe_all(targets, &options))
            .expect("probe runs")
    }
}

fn redirect_to_https(port: u16) -> Answer {
    Answer::Redirect(format!("https://127.0.0.1:{port}/"))
}

/// The status of each `http-*` rule on each endpoint.
fn verdicts(endpoints: &[HttpEndpoint]) -> BTreeMap<(String, String), (Status, Vec<String>)> {
    let snapshot = probe::snapshot_of(endpoints.to_vec(), chrono::Utc::now());
    let rules = rules::load(&[]).expect("rules load");
    let report = engine::evaluate(&rules, &prepare::prepare(&snapshot), &Options::default());
    assert_eq!(
        report.summary.rules_evaluated, 3,
        "a probe-only snapshot evaluates only the http rules"
    );
    report
        .findings
        .iter()
        .map(|f| {
            (
                (f.resource.id.clone(), f.rule_id.to_string()),
                (f.status, f.evidence.clone()),
            )
        })
        .collect()
}

#[test]
fn each_kind_of_endpoint_gets_the_right_verdict() {
    let lab = Lab::new();
    let good = lab.pair(page(GOOD_HEADERS), redirect_to_https, false);
    let no_hsts = lab.pair(page(&GOOD_HEADERS[1..]), redirect_to_https, false);
    let no_redirect = lab.pair(page(GOOD_HEADERS), |_| page(&[]), false);
    let short = lab.pair(
        page(&[
            ("Strict-Transport-Security", "max-age=300; includeSubDomains"),
            ("X-Content-Type-Options", "nosniff"),
        ]),
        redirect_to_https,
        false,
    );
    let hang = lab.pair(Answer::Hang, |_| Answer::Hang, false);
    let expired = lab.pair(page(GOOD_HEADERS), redirect_to_https, true);
    let hsts_only_on_http = lab.pair(page(&GOOD_HEADERS[1..]), |_| page(GOOD_HEADERS), false);
    let other_host = lab.pair(
        page(GOOD_HEADERS),
        |_| Answer::Redirect("https://login.example.invalid/".into()),
        false,
    );
    let all = [
        &good,
        &no_hsts,
        &no_redirect,
        &short,
        &hang,
        &expired,
        &hsts_only_on_http,
        &other_host,
    ];
    let endpoints = lab.probe(all.iter().map(|t| (*t).clone()).collect());
    let v = verdicts(&endpoints);
    let status = |t: &Target, rule: &str| v.get(&(t.id.clone(), rule.to_string())).map(|(s, _)| *s);
    let evidence = |t: &Target, rule: &str| {
        v.get(&(t.id.clone(), rule.to_string()))
            .map(|(_, e)| e.clone())
            .unwrap_or_default()
    };

    for rule in ["http-hsts", "http-redirects-to-https", "http-security-headers"] {
        assert_eq!(status(&good, rule), Some(Status::Pass), "good server, {rule}");
    }
    assert_eq!(status(&no_hsts, "http-hsts"), Some(Status::Fail));
    assert_eq!(
        evidence(&no_hsts, "http-hsts"),
        vec!["no Strict-Transport-Security header over HTTPS"]
    );
    assert_eq!(status(&no_hsts, "http-redirects-to-https"), Some(Status::Pass));
    assert_eq!(status(&no_redirect, "http-redirects-to-https"), Some(Status::Fail));
    assert_eq!(
        evidence(&no_redirect, "http-redirects-to-https"),
        vec!["HTTP answers 200"]
    );
    assert_eq!(status(&no_redirect, "http-hsts"), Some(Status::Pass));
    assert_eq!(status(&short, "http-hsts"), Some(Status::Fail));
    assert_eq!(evidence(&short, "http-hsts"), vec!["max-age 300 is below 31536000"]);
    assert_eq!(status(&short, "http-security-headers"), Some(Status::Fail));
    for rule in ["http-hsts", "http-redirects-to-https", "http-security-headers"] {
        assert_eq!(status(&hang, rule), Some(Status::Error), "hanging server, {rule}");
    }
    assert_eq!(status(&expired, "http-hsts"), Some(Status::Error));
    assert_eq!(status(&expired, "http-security-headers"), Some(Status::Error));
    assert_eq!(
        status(&expired, "http-redirects-to-https"),
        Some(Status::Pass),
        "plain HTTP still redirects"
    );
    assert_eq!(
        status(&hsts_only_on_http, "http-hsts"),
        Some(Status::Fail),
        "HSTS over plain HTTP does not count"
    );
    assert_eq!(status(&other_host, "http-redirects-to-https"), Some(Status::Fail));
    assert_eq!(
        evidence(&other_host, "http-redirects-to-https"),
        vec![
            "HTTP answers 301 to https://login.example.invalid/ (redirects to another host, login.example.invalid; not followed)"
        ]
    );
}

#[test]
fn the_probe_records_tls_details_errors_and_identifies_itself() {
    let lab = Lab::new();
    let good = lab.pair(page(GOOD_HEADERS), redirect_to_https, false);
    let hang = lab.pair(Answer::Hang, |_| Answer::Hang, false);
    let expired = lab.pair(page(GOOD_HEADERS), redirect_to_https, true);
    let refused = probe::parse_target("https://127.0.0.1:9/=http://127.0.0.1:9/", "cli").expect("target");
    let endpoints = lab.probe(vec![good, hang, expired, refused]);

    let https = endpoints[0].https.as_ref().expect("good HTTPS response");
    assert_eq!(https.status, 200);
    assert_eq!(https.tls_version.as_deref(), Some("TLSv1.3"));
    assert!(https.certificate_not_after.is_some_and(|t| t > chrono::Utc::now()));
    assert_eq!(https.headers["x-frame-options"], "DENY");
    let http = endpoints[0].http.as_ref().expect("good HTTP response");
    assert!(http.redirects_to_https);
    assert_eq!(http.status, 301);

    let timeout = endpoints[1].https_error.as_ref().expect("hang times out");
    assert_eq!(timeout.code, "timeout");
    let tls = endpoints[2].https_error.as_ref().expect("expired certificate refused");
    assert_eq!(tls.code, "tls");
    assert!(tls.message.contains("certificate expired"), "{}", tls.message);
    let refused = endpoints[3].http_error.as_ref().expect("nothing listens");
    assert_eq!(refused.code, "connection_refused");

    let requests = lab.requests.lock().expect("requests").clone();
    assert!(!requests.is_empty());
    for request in &requests {
        assert!(request.starts_with("GET / HTTP/1.1\r\n"), "{request}");
        assert!(
            request.contains(&format!("User-Agent: {}\r\n", probe::USER_AGENT)),
            "{request}"
        );
    }
}

#[test]
fn without_the_test_ca_the_certificate_is_not_trusted() {
    let lab = Lab::new();
    let good = lab.pair(page(GOOD_HEADERS), redirect_to_https, false);
    let options = probe::Options {
        timeout: Duration::from_millis(1500),
        ..probe::Options::default()
    };
    let endpoints = lab
        .runtime
        .block_on(probe::probe_all(vec![good], &options))
        .expect("probe runs");
    let error = endpoints[0].https_error.as_ref().expect("untrusted issuer");
    assert_eq!(error.code, "tls");
    assert!(error.message.contains("UnknownIssuer"), "{}", error.message);
}

/// The HTTPS error of probing a server with `config`, trusting `roots`.
fn tls_error(config: Arc<rustls::ServerConfig>, roots: Vec<CertificateDer<'static>>) -> Option<String> {
    let lab = Lab::new();
    let requests = lab.requests.clone();
    let port = lab.runtime.block_on(serve(page(GOOD_HEADERS), Some(config), requests));
    let target = probe::parse_target(&format!("https://127.0.0.1:{port}/=http://127.0.0.1:9/"), "cli").expect("target");
    let options = probe::Options {
        timeout: Duration::from_millis(1500),
        extra_roots: roots,
        ..probe::Options::default()
    };
    let endpoints = lab
        .runtime
        .block_on(probe::probe_all(vec![target], &options))
        .expect("probe runs");
    endpoints[0].https_error.as_ref().map(|e| e.message.clone())
}

#[test]
fn a_self_signed_certificate_given_with_ca_cert_is_trusted_as_that_endpoint() {
    let (config, cert) = self_signed_like_openssl();
    // Without it: said in words, with the library's name.
    let error = tls_error(config.clone(), Vec::new()).expect("not trusted");
    assert!(
        error.contains("self-signed") || error.contains("does not trust"),
        "{error}"
    );
    // Given with --ca-cert, exactly this certificate: trusted.
    assert_eq!(tls_error(config, vec![cert]), None);
    // Another self-signed certificate given does not vouch for this one.
    let (config, _) = self_signed_like_openssl();
    let (_, other) = self_signed_like_openssl();
    assert!(tls_error(config, vec![other]).is_some());
}

#[test]
fn tls_failures_are_said_in_words() {
    let pki = Pki::new();
    let expired = tls_error(pki.server(true), vec![pki.ca_der.clone()]).expect("expired");
    assert!(expired.contains("expired on 2021-01-01"), "{expired}");
    let untrusted = tls_error(pki.server(false), Vec::new()).expect("untrusted");
    assert!(
        untrusted.contains("CA this probe does not trust") && untrusted.contains("UnknownIssuer"),
        "{untrusted}"
    );
    // A certificate for another name.
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec!["other.example".to_string()]).expect("params");
    params.subject_alt_names = vec![SanType::DnsName("other.example".try_into().expect("name"))];
    let leaf = params.signed_by(&key, &pki.ca).expect("leaf");
    let mismatch = tls_error(presenting(vec![leaf.der().clone()], &key), vec![pki.ca_der.clone()]).expect("mismatch");
    assert!(mismatch.contains("not valid for the name 127.0.0.1"), "{mismatch}");
}

#[test]
fn audit_probe_cli_reports_and_saves_a_snapshot_that_scan_reaudits() {
    let lab = Lab::new();
    let no_hsts = lab.pair(page(&GOOD_HEADERS[1..]), redirect_to_https, false);
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &lab.pki.ca_pem).expect("write CA");
    let saved = dir.path().join("probed.json");
    let spec = format!("{}={}", no_hsts.https, no_hsts.http);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_audit"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("audit runs")
    };
    let o = run(&[
        "probe",
        &spec,
        "--ca-cert",
        ca.to_str().expect("utf-8"),
        "--timeout",
        "2",
        "--format",
        "json",
        "--save-snapshot",
        saved.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(report["summary"]["failed"], 1);
    assert_eq!(report["summary"]["passed"], 2);

    // The saved snapshot re-audits offline to the same verdicts.
    let o = run(&["scan", "--snapshot", saved.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let rescanned: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(rescanned["summary"], report["summary"]);

    let o = run(&["probe", "--ca-cert", "/no/such/ca.pem", "example.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/ca.pem"));
}

#[test]
fn public_endpoints_are_discovered_from_a_snapshot() {
    let snapshot = posture_audit::snapshot::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json"),
    )
    .expect("example");
    let ids: Vec<(String, String)> = probe::discover(&snapshot)
        .into_iter()
        .map(|t| (t.id, t.origin))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("app.mecove.example".to_string(), "cloudfront".to_string()),
            ("d111111abcdef8.cloudfront.net".to_string(), "cloudfront".to_string()),
            ("d222222abcdef8.cloudfront.net".to_string(), "cloudfront".to_string()),
            (
                "mecove-api-123456.us-east-1.elb.amazonaws.com".to_string(),
                "elbv2".to_string()
            ),
        ]
    );
}

#[test]
fn endpoints_and_ca_bundles_come_from_the_configuration_file() {
    let lab = Lab::new();
    let good = lab.pair(page(GOOD_HEADERS), redirect_to_https, false);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("certs")).expect("mkdir");
    std::fs::write(dir.path().join("certs/ca.pem"), &lab.pki.ca_pem).expect("write CA");
    let config = dir.path().join("audit.toml");
    let spec = format!("{}={}", good.https, good.http);
    std::fs::write(
        &config,
        format!("[probe]\nendpoints = [\"{spec}\"]\nca_certs = [\"certs/ca.pem\"]\ntimeout_seconds = 2\n"),
    )
    .expect("write config");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(["probe", "--config", config.to_str().expect("utf-8"), "--format", "json"])
        .output()
        .expect("audit runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(report["summary"]["passed"], 3, "{report}");
}
