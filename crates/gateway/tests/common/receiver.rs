//! A tiny HTTP receiver for deliveries (post-backs): answers 200 to every POST and keeps what
//! it got (path and body), until dropped.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Requests received so far: (path, body).
pub type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A running receiver: its base URL and what it received.
pub struct Receiver {
    pub url: String,
    pub received: Received,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received: Received = Arc::default();
        let keep = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let keep = keep.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
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
                    keep.lock()
                        .unwrap()
                        .push((path, String::from_utf8_lossy(&body).into()));
                    let mut s = stream;
                    let _ = s.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                });
            }
        });
        Self { url, received }
    }

    /// How many requests arrived so far.
    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}
