//! A tiny HTTP endpoint for tests of outbound deliveries (post-backs): answers 200 to every
//! request (optionally after a delay), or a redirect, and keeps what it got (path and body)
//! until dropped.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Requests received so far: (path, body), in arrival order.
pub type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A running receiver: its base URL (`http://127.0.0.1:<port>`) and what it received.
#[derive(Debug)]
pub struct Receiver {
    pub url: String,
    pub received: Received,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1 and answers at once.
    pub fn start() -> std::io::Result<Self> {
        Self::slow(Duration::ZERO)
    }

    /// Listens on a free port of 127.0.0.1 and answers each request `delay` after reading it.
    pub fn slow(delay: Duration) -> std::io::Result<Self> {
        Self::serve(delay, "200 OK\r\ncontent-length: 0".into())
    }

    /// Listens on a free port of 127.0.0.1 and answers each request with a `307 Temporary
    /// Redirect` (method and body kept) to `location`.
    pub fn redirecting(location: &str) -> std::io::Result<Self> {
        Self::serve(
            Duration::ZERO,
            format!("307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0"),
        )
    }

    /// Answers with `status_and_headers` (the status line after `HTTP/1.1 `, and headers).
    fn serve(delay: Duration, status_and_headers: String) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let received: Received = Arc::default();
        let keep = received.clone();
        std::thread::spawn(move || {
            let reply: Arc<str> =
                format!("HTTP/1.1 {status_and_headers}\r\nconnection: close\r\n\r\n").into();
            for stream in listener.incoming().flatten() {
                let (keep, reply) = (keep.clone(), reply.clone());
                std::thread::spawn(move || answer(stream, delay, &keep, &reply));
            }
        });
        Ok(Self { url, received })
    }

    /// How many requests arrived so far.
    pub fn count(&self) -> usize {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The bodies received so far, in arrival order.
    pub fn bodies(&self) -> Vec<String> {
        let got = self.received.lock().unwrap_or_else(PoisonError::into_inner);
        got.iter().map(|(_, body)| body.clone()).collect()
    }
}

fn answer(stream: TcpStream, delay: Duration, keep: &Received, reply: &str) {
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap_or(0);
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut len = 0;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap_or(());
    std::thread::sleep(delay);
    keep.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((path, String::from_utf8_lossy(&body).into()));
    let mut s = stream;
    let _ = s.write_all(reply.as_bytes());
}
