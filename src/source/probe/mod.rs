//! The HTTP endpoint probe: what a browser actually receives.
//!
//! For each endpoint it sends one GET over HTTPS and one over plain HTTP and
//! records what came back as an `http.endpoint` resource:
//! - over HTTPS: the status and headers (after same-host redirects), the
//!   negotiated TLS version, and the server certificate's validity dates;
//! - over HTTP: whether the answer redirects to HTTPS on the same host.
//!
//! The HTTP/1.1 exchange is done by hand over `tokio-rustls` because the probe
//! needs the TLS session's details, which client libraries do not expose. It
//! reads the response head only, never the body. Redirects are followed at
//! most `max_redirects` times and never to another host: the probe stops and
//! says so. Timeouts, refused connections, DNS and TLS failures are recorded
//! as the endpoint's error, never raised; the `http-*` rules turn them into
//! `error` findings. The probe decides nothing about compliance.

use crate::snapshot::edge::{HttpEndpoint, HttpResponse, ProbeError};
use crate::snapshot::{Resources, Snapshot};
use chrono::{DateTime, Utc};
use rustls::pki_types::{CertificateDer, ServerName};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::Url;

/// The User-Agent of every probe request.
pub const USER_AGENT: &str = concat!("posture-audit/", env!("CARGO_PKG_VERSION"), " (security posture probe)");

/// The most response-head bytes read before giving up.
const MAX_HEAD: usize = 64 * 1024;

/// How to probe.
#[derive(Debug, Clone)]
pub struct Options {
    /// For each request: connect, TLS handshake and response head together.
    pub timeout: Duration,
    /// Endpoints probed at the same time.
    pub concurrency: usize,
    /// Redirects followed within the same host.
    pub max_redirects: usize,
    /// Certificates trusted besides the public web PKI (internal CAs).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 16,
            max_redirects: 5,
            extra_roots: Vec::new(),
        }
    }
}

/// One endpoint to probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The id of the resource: the host when only a host was given, else the HTTPS URL.
    pub id: String,
    pub https: Url,
    pub http: Url,
    /// `cli`, `cloudfront`, `elbv2`.
    pub origin: String,
}

/// Why a target specification or a CA bundle was refused.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "`{spec}` is not an endpoint: {reason}. Use a host name (app.example.com), an https:// URL, or `https://host:8443/=http://host:8080/` to name both ports"
    )]
    Invalid { spec: String, reason: String },
    #[error("{path}: cannot read the CA bundle: {reason}")]
    CaBundle { path: String, reason: String },
}

/// Parses an endpoint: a host, an `https://` (or `http://`) URL, or
/// `HTTPS_URL=HTTP_URL` to name both explicitly. The plain HTTP URL defaults
/// to the same host and path on the default port.
pub fn parse_target(spec: &str, origin: &str) -> Result<Target, TargetError> {
    let invalid = |reason: &str| TargetError::Invalid {
        spec: spec.to_string(),
        reason: reason.to_string(),
    };
    let (first, second) = match spec.split_once("=http://") {
        Some((https, http)) => (https.to_string(), Some(format!("http://{http}"))),
        None => (spec.to_string(), None),
    };
    let first = if first.contains("://") {
        first
    } else {
        format!("https://{first}/")
    };
    let mut https = Url::parse(&first).map_err(|e| invalid(&e.to_string()))?;
    if https.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    match https.scheme() {
        "https" => {}
        "http" => {
            // `http://host` names the host; probe both schemes on default ports.
            https
                .set_scheme("https")
                .map_err(|()| invalid("cannot switch it to https"))?;
            https.set_port(None).map_err(|()| invalid("cannot reset its port"))?;
        }
        other => return Err(invalid(&format!("the scheme `{other}` is not http or https"))),
    }
    let http = match second {
        Some(url) => Url::parse(&url).map_err(|e| invalid(&e.to_string()))?,
        None => {
            let mut http = https.clone();
            http.set_scheme("http")
                .map_err(|()| invalid("cannot switch it to http"))?;
            http.set_port(None).map_err(|()| invalid("cannot reset its port"))?;
            http
        }
    };
    // A bare host is its own id; otherwise the HTTPS URL probed.
    let id = if spec.contains("://") {
        https.to_string()
    } else {
        spec.to_string()
    };
    Ok(Target {
        id,
        https,
        http,
        origin: origin.to_string(),
    })
}

/// The public endpoints of a snapshot: CloudFront domain names and aliases of
/// enabled distributions, and DNS names of internet-facing load balancers.
pub fn discover(snapshot: &Snapshot) -> Vec<Target> {
    let mut hosts: Vec<(String, &str)> = Vec::new();
    for d in snapshot.resources.cloudfront_distribution.iter().filter(|d| d.enabled) {
        hosts.extend(d.aliases.iter().map(|a| (a.clone(), "cloudfront")));
        if !d.domain_name.is_empty() {
            hosts.push((d.domain_name.clone(), "cloudfront"));
        }
    }
    for lb in &snapshot.resources.elbv2_load_balancer {
        if lb.scheme == "internet-facing" && lb.r#type == "application" && !lb.dns_name.is_empty() {
            hosts.push((lb.dns_name.clone(), "elbv2"));
        }
    }
    hosts.sort();
    hosts.dedup_by(|a, b| a.0 == b.0);
    // Wildcard aliases (`*.example.com`) name no host to probe.
    hosts
        .into_iter()
        .filter(|(h, _)| !h.contains('*'))
        .filter_map(|(h, origin)| parse_target(&h, origin).ok())
        .collect()
}

/// Reads PEM certificates to trust in addition to the public roots.
pub fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, TargetError> {
    use rustls::pki_types::pem::PemObject;
    let error = |reason: String| TargetError::CaBundle {
        path: path.display().to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(e.to_string()))?;
    if certs.is_empty() {
        return Err(error("no PEM certificate in it".into()));
    }
    Ok(certs)
}

fn tls_connector(options: &Options) -> Result<TlsConnector, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in &options.extra_roots {
        roots.add(cert.clone())?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let verifier = Arc::new(GivenOrWebPki {
        given: options.extra_roots.clone(),
        webpki,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// The usual verification, and one exception: a certificate the user gave
/// with `--ca-cert` is trusted as the certificate of the endpoint that
/// presents it, byte for byte. `openssl req -x509` marks a self-signed
/// certificate as a CA, which webpki refuses as a server's own certificate
/// (`CaUsedAsEndEntity`); the user vouched for exactly this one.
#[derive(Debug)]
struct GivenOrWebPki {
    given: Vec<CertificateDer<'static>>,
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
}

impl rustls::client::danger::ServerCertVerifier for GivenOrWebPki {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(_) if self.given.iter().any(|g| g.as_ref() == end_entity.as_ref()) => {
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// A TLS failure in words a person understands, with the library's name
/// for it in parentheses.
fn tls_failure(host: &str, e: &std::io::Error) -> String {
    use rustls::CertificateError as C;
    let date = |t: &rustls::pki_types::UnixTime| {
        chrono::DateTime::from_timestamp(t.as_secs() as i64, 0)
            .map_or_else(|| "an unknown date".to_string(), |d| d.format("%Y-%m-%d").to_string())
    };
    let Some(rustls::Error::InvalidCertificate(cert)) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>())
    else {
        return e.to_string();
    };
    let words = match cert {
        C::ExpiredContext { not_after, .. } => format!("the certificate expired on {}", date(not_after)),
        C::Expired => "the certificate has expired".to_string(),
        C::NotValidYetContext { not_before, .. } => format!("the certificate is not valid before {}", date(not_before)),
        C::NotValidYet => "the certificate is not valid yet".to_string(),
        C::UnknownIssuer => "the certificate is issued by a CA this probe does not trust (pass that CA with --ca-cert)".to_string(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            format!("the certificate is not valid for the name {host}")
        }
        C::BadSignature => "the certificate's signature does not verify".to_string(),
        C::Revoked => "the certificate is revoked".to_string(),
        C::Other(other) if other.to_string().contains("CaUsedAsEndEntity") => {
            "the server presents a CA certificate as its own: a self-signed certificate (pass that very certificate with --ca-cert to trust it)".to_string()
        }
        _ => return e.to_string(),
    };
    format!("{words} ({cert:?})")
}

/// Probes every target, at most `options.concurrency` at a time; the results
/// are in the order of `targets`.
pub async fn probe_all(targets: Vec<Target>, options: &Options) -> Result<Vec<HttpEndpoint>, rustls::Error> {
    let connector = tls_connector(options)?;
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, target) in targets.iter().cloned().enumerate() {
        let (connector, semaphore, options) = (connector.clone(), semaphore.clone(), options.clone());
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = semaphore.acquire_owned().await;
            (index, probe_one(&target, &connector, &options).await)
        });
    }
    let mut results: Vec<Option<HttpEndpoint>> = targets.iter().map(|_| None).collect();
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, endpoint)) => results[index] = Some(endpoint),
            Err(e) => failures.push(e.to_string()),
        }
    }
    // A task that panicked left its endpoint without a result: it stays,
    // with the failure as its error, so that its rules report `error`.
    let failure = failures.join("; ");
    Ok(results
        .into_iter()
        .zip(&targets)
        .map(|(endpoint, target)| endpoint.unwrap_or_else(|| failed(target, &failure)))
        .collect())
}

/// An endpoint whose probe did not finish.
fn failed(target: &Target, message: &str) -> HttpEndpoint {
    let error = || {
        Some(probe_error(
            "ProbeFailed",
            format!("the probe did not finish: {message}"),
        ))
    };
    HttpEndpoint {
        id: target.id.clone(),
        arn: String::new(),
        region: "global".into(),
        origin: target.origin.clone(),
        https: None,
        https_error: error(),
        http: None,
        http_error: error(),
    }
}

/// Probes one endpoint over HTTPS and plain HTTP.
pub async fn probe_one(target: &Target, connector: &TlsConnector, options: &Options) -> HttpEndpoint {
    let (https, http) = tokio::join!(
        follow(&target.https, connector, options, false),
        follow(&target.http, connector, options, true),
    );
    let (https, https_error) = split(https);
    let (http, http_error) = split(http);
    HttpEndpoint {
        id: target.id.clone(),
        arn: String::new(),
        region: "global".into(),
        origin: target.origin.clone(),
        https,
        https_error,
        http,
        http_error,
    }
}

fn split(result: Result<HttpResponse, ProbeError>) -> (Option<HttpResponse>, Option<ProbeError>) {
    match result {
        Ok(response) => (Some(response), None),
        Err(error) => (None, Some(error)),
    }
}

fn probe_error(code: &str, message: impl Into<String>) -> ProbeError {
    ProbeError {
        code: code.into(),
        message: message.into(),
    }
}

/// GETs `start` and follows redirects within its host. A plain HTTP probe
/// stops at the first redirect to HTTPS on the same host: that is the answer.
async fn follow(
    start: &Url,
    connector: &TlsConnector,
    options: &Options,
    plain: bool,
) -> Result<HttpResponse, ProbeError> {
    let mut url = start.clone();
    let mut redirects = 0;
    loop {
        let mut response = fetch(&url, connector, options.timeout).await?;
        let location = response.headers.get("location").and_then(|l| url.join(l).ok());
        let redirected = (300..400).contains(&response.status);
        let Some(next) = location.filter(|_| redirected) else {
            return Ok(response);
        };
        response.location = Some(next.to_string());
        let same_host = next.host_str() == start.host_str();
        if !same_host {
            response.note = Some(format!(
                "redirects to another host, {}; not followed",
                next.host_str().unwrap_or("?")
            ));
            return Ok(response);
        }
        if plain && next.scheme() == "https" {
            response.redirects_to_https = true;
            return Ok(response);
        }
        if redirects == options.max_redirects {
            response.note = Some(format!("more than {} redirects; not followed", options.max_redirects));
            return Ok(response);
        }
        redirects += 1;
        url = next;
    }
}

/// One GET: connect, TLS for https, send the request, read the response head.
async fn fetch(url: &Url, connector: &TlsConnector, timeout: Duration) -> Result<HttpResponse, ProbeError> {
    match tokio::time::timeout(timeout, fetch_inner(url, connector)).await {
        Ok(result) => result,
        Err(_) => Err(probe_error(
            "timeout",
            format!("no response from {url} within {}s", timeout.as_secs_f64()),
        )),
    }
}

async fn fetch_inner(url: &Url, connector: &TlsConnector) -> Result<HttpResponse, ProbeError> {
    let host = url
        .host_str()
        .ok_or_else(|| probe_error("http", "the URL has no host"))?;
    let port = url.port_or_known_default().unwrap_or(443);
    // IPv6 literals come bracketed from `Url`; sockets and SNI want them bare.
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let tcp = TcpStream::connect((bare_host, port)).await.map_err(connect_error)?;
    let mut response = if url.scheme() == "https" {
        let name = ServerName::try_from(bare_host.to_string())
            .map_err(|e| probe_error("tls", format!("`{host}` is not a valid TLS server name: {e}")))?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| probe_error("tls", tls_failure(host, &e)))?;
        let (_, session) = tls.get_ref();
        let version = session.protocol_version().map(tls_version_name);
        let validity = session
            .peer_certificates()
            .and_then(|certs| certs.first())
            .and_then(|c| validity(c));
        let mut response = exchange(tls, url).await?;
        response.tls_version = version;
        if let Some((not_before, not_after)) = validity {
            response.certificate_not_before = Some(not_before);
            response.certificate_not_after = Some(not_after);
        }
        response
    } else {
        exchange(tcp, url).await?
    };
    response.url = url.to_string();
    Ok(response)
}

fn connect_error(e: std::io::Error) -> ProbeError {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => probe_error("connection_refused", e.to_string()),
        // getaddrinfo failures carry no dedicated kind; their message says so.
        _ if e.to_string().contains("lookup") || e.to_string().contains("resolve") => probe_error("dns", e.to_string()),
        _ => probe_error("io", e.to_string()),
    }
}

fn tls_version_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

/// The validity window of a DER certificate.
fn validity(cert: &CertificateDer<'_>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let validity = parsed.validity();
    let not_before = DateTime::from_timestamp(validity.not_before.timestamp(), 0)?;
    let not_after = DateTime::from_timestamp(validity.not_after.timestamp(), 0)?;
    Some((not_before, not_after))
}

/// Sends the request and reads the response head.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, url: &Url) -> Result<HttpResponse, ProbeError> {
    let host = url.host_str().unwrap_or_default();
    let host_header = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    let io = |e: std::io::Error| probe_error("io", e.to_string());
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.map_err(io)?;
        if n == 0 {
            return parse_head(&buffer)?
                .ok_or_else(|| probe_error("http", "the connection closed before a complete response head"));
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(response) = parse_head(&buffer)? {
            return Ok(response);
        }
        if buffer.len() > MAX_HEAD {
            return Err(probe_error(
                "http",
                format!("the response head is larger than {MAX_HEAD} bytes"),
            ));
        }
    }
}

/// Parses a response head; `None` while it is incomplete. Header names are
/// lower-cased; repeated headers are joined with `, `.
fn parse_head(buffer: &[u8]) -> Result<Option<HttpResponse>, ProbeError> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(buffer) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => {
            let mut map: BTreeMap<String, String> = BTreeMap::new();
            for h in response.headers.iter() {
                let value = String::from_utf8_lossy(h.value).trim().to_string();
                map.entry(h.name.to_ascii_lowercase())
                    .and_modify(|v| {
                        v.push_str(", ");
                        v.push_str(&value);
                    })
                    .or_insert(value);
            }
            Ok(Some(HttpResponse {
                status: i64::from(response.code.unwrap_or(0)),
                headers: map,
                ..HttpResponse::default()
            }))
        }
        Err(e) => Err(probe_error("http", format!("not an HTTP response: {e}"))),
    }
}

/// A snapshot holding only probed endpoints; it says so in `collected`, so
/// auditing it evaluates only the rules about endpoints.
pub fn snapshot_of(endpoints: Vec<HttpEndpoint>, collected_at: DateTime<Utc>) -> Snapshot {
    Snapshot {
        format: crate::snapshot::FORMAT.into(),
        version: crate::snapshot::VERSION,
        account: crate::snapshot::Account::default(),
        collected_at,
        regions: Vec::new(),
        source: crate::snapshot::Source {
            kind: "probe".into(),
            profile: None,
            tool_version: Some(env!("CARGO_PKG_VERSION").into()),
            principal: None,
        },
        resources: Resources {
            http_endpoint: endpoints,
            ..Resources::default()
        },
        gaps: Vec::new(),
        collected: Some(vec!["http.endpoint".into()]),
        assumed_empty: Vec::new(),
        partial: Vec::new(),
        locations: Vec::new(),
    }
}

/// Adds probed endpoints to a snapshot, replacing earlier probes of the same
/// endpoints.
pub fn merge(snapshot: &mut Snapshot, endpoints: Vec<HttpEndpoint>) {
    snapshot
        .resources
        .http_endpoint
        .retain(|old| !endpoints.iter().any(|new| new.id == old.id));
    snapshot.resources.http_endpoint.extend(endpoints);
    if let Some(kinds) = &mut snapshot.collected
        && !kinds.iter().any(|k| k == "http.endpoint")
    {
        kinds.push("http.endpoint".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_from_hosts_urls_and_pairs() {
        let t = parse_target("app.example.com", "cli").expect("host");
        assert_eq!(
            (t.https.as_str(), t.http.as_str()),
            ("https://app.example.com/", "http://app.example.com/")
        );
        let t = parse_target("https://app.example.com:8443/health", "cli").expect("url");
        assert_eq!(
            (t.https.as_str(), t.http.as_str()),
            ("https://app.example.com:8443/health", "http://app.example.com/health")
        );
        let t = parse_target("https://127.0.0.1:8443/=http://127.0.0.1:8080/", "cli").expect("pair");
        assert_eq!(
            (t.https.as_str(), t.http.as_str()),
            ("https://127.0.0.1:8443/", "http://127.0.0.1:8080/")
        );
        let t = parse_target("http://app.example.com:8080/", "cli").expect("http url");
        assert_eq!(t.https.as_str(), "https://app.example.com/");
        assert!(parse_target("ftp://app.example.com/", "cli").is_err());
        assert!(parse_target("https://", "cli").is_err());
    }

    #[test]
    fn response_heads_are_parsed_with_lowercase_joined_headers() {
        let head = b"HTTP/1.1 301 Moved\r\nLocation: https://a/\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nbody";
        let r = parse_head(head).expect("valid").expect("complete");
        assert_eq!(r.status, 301);
        assert_eq!(r.headers["location"], "https://a/");
        assert_eq!(r.headers["set-cookie"], "a=1, b=2");
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nX: y\r\n").expect("valid").is_none());
        assert!(parse_head(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").is_err());
    }
}
