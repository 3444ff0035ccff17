//! A small HTTP proxy in front of moto that answers chosen requests with
//! the error each AWS protocol would send (or never answers), and passes
//! everything else through: the error paths moto cannot produce on demand.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The needles of a fault, owned.
pub fn strings(needles: &[&str]) -> Vec<String> {
    needles.iter().map(|n| n.to_string()).collect()
}

/// What the proxy does with a request that contains every needle.
#[derive(Clone)]
pub struct Fault {
    pub needles: Vec<String>,
    pub status: u16,
    /// Extra response headers, e.g. the JSON protocols' error type.
    pub headers: &'static str,
    pub body: &'static str,
    /// Never answer (a hung service).
    pub hang: bool,
}

/// Starts the proxy in front of `upstream` (`127.0.0.1:PORT`); returns its
/// URL and a count of requests that hit each fault.
pub fn proxy(upstream: String, faults: Vec<Fault>) -> (String, Arc<Mutex<Vec<usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let hits = Arc::new(Mutex::new(vec![0; faults.len()]));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (upstream, faults, hits) = (upstream.clone(), faults.clone(), counted.clone());
            std::thread::spawn(move || serve(stream, &upstream, &faults, &hits));
        }
    });
    (url, hits)
}

/// One request per connection: the answers say `Connection: close`.
fn serve(mut client: TcpStream, upstream: &str, faults: &[Fault], hits: &Mutex<Vec<usize>>) {
    let Some(request) = read_request(&mut client) else {
        return;
    };
    let text = String::from_utf8_lossy(&request).to_lowercase();
    if let Some(i) = faults
        .iter()
        .position(|f| f.needles.iter().all(|n| text.contains(&n.to_lowercase())))
    {
        hits.lock().expect("lock")[i] += 1;
        let fault = &faults[i];
        if fault.hang {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        let answer = format!(
            "HTTP/1.1 {} Error\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n{}",
            fault.status,
            fault.body.len(),
            fault.headers,
            fault.body
        );
        let _ = client.write_all(answer.as_bytes());
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let request = String::from_utf8_lossy(&request).replacen("\r\n", "\r\nConnection: close\r\n", 1);
    let _ = server.write_all(request.as_bytes());
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    let _ = client.write_all(&answer);
}

/// The request line, headers and Content-Length body.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head)) = request.parse(&buffer) {
            let length = request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buffer.len() >= head + length {
                return Some(buffer);
            }
        }
    }
}

/// How often the flaky proxy fails a request, in percent, and the latency
/// it adds to every request.
#[derive(Clone, Copy)]
pub struct Flakiness {
    pub seed: u64,
    pub throttle_percent: u64,
    pub server_error_percent: u64,
    pub drop_percent: u64,
    pub latency: Duration,
}

/// What the flaky proxy did.
#[derive(Debug, Default, Clone)]
pub struct FlakyStats {
    pub requests: usize,
    pub throttled: usize,
    pub server_errors: usize,
    pub dropped: usize,
}

impl FlakyStats {
    /// Requests the proxy failed, each of which the client had to retry.
    pub fn faults(&self) -> usize {
        self.throttled + self.server_errors + self.dropped
    }
}

/// A proxy that throttles (HTTP 503 SlowDown), fails (HTTP 500) or drops
/// (closes without answering) a seeded random share of requests, and delays
/// every request. The draw depends on the seed, the request's bytes and how
/// many times that same request was seen, not on arrival order, so a run is
/// reproducible although calls race.
pub fn flaky(upstream: String, flakiness: Flakiness) -> (String, Arc<Mutex<FlakyStats>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let stats = Arc::new(Mutex::new(FlakyStats::default()));
    let seen: Arc<Mutex<std::collections::HashMap<u64, u64>>> = Arc::default();
    let counted = stats.clone();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let (upstream, stats, seen) = (upstream.clone(), counted.clone(), seen.clone());
            std::thread::spawn(move || {
                let Some(request) = read_request(&mut client) else {
                    return;
                };
                // Requests differ by their signature's timestamp: draw on the
                // request line and body only.
                let text = String::from_utf8_lossy(&request);
                let line = text.lines().next().unwrap_or_default().to_string();
                let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
                let host_target = text
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("x-amz-target:"))
                    .unwrap_or_default()
                    .to_string();
                let key = hash(&(line, body, host_target));
                let attempt = {
                    let mut seen = seen.lock().expect("lock");
                    let n = seen.entry(key).or_insert(0);
                    *n += 1;
                    *n
                };
                let draw = hash(&(flakiness.seed, key, attempt)) % 100;
                std::thread::sleep(flakiness.latency);
                let mut s = stats.lock().expect("lock");
                s.requests += 1;
                let throttle = flakiness.throttle_percent;
                let error = throttle + flakiness.server_error_percent;
                let dropped = error + flakiness.drop_percent;
                if draw < throttle {
                    s.throttled += 1;
                    drop_lock_and_answer(s, &mut client, 503, "SlowDown");
                } else if draw < error {
                    s.server_errors += 1;
                    drop_lock_and_answer(s, &mut client, 500, "InternalError");
                } else if draw < dropped {
                    s.dropped += 1;
                    // Closed without a byte of answer.
                } else {
                    drop(s);
                    let Ok(mut server) = TcpStream::connect(&upstream) else {
                        return;
                    };
                    let request = text.replacen("\r\n", "\r\nConnection: close\r\n", 1);
                    let _ = server.write_all(request.as_bytes());
                    let mut answer = Vec::new();
                    let _ = server.read_to_end(&mut answer);
                    let _ = client.write_all(&answer);
                }
            });
        }
    });
    (url, stats)
}

fn drop_lock_and_answer(stats: std::sync::MutexGuard<'_, FlakyStats>, client: &mut TcpStream, status: u16, code: &str) {
    drop(stats);
    let body = format!("<Error><Code>{code}</Code><Message>injected</Message></Error>");
    let answer = format!(
        "HTTP/1.1 {status} Error\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.write_all(answer.as_bytes());
}

fn hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::{DefaultHasher, Hasher};
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
