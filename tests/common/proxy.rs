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
