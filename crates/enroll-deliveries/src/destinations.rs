//! Where deliveries may go, when an allow-list is set ([`DeliveryOptions::allowed_hosts`]):
//!
//! * the URL's host (or `host:port`) must be on the list — for the first request and for
//!   every redirect hop (a redirect elsewhere ends the delivery, unsent there);
//! * a host *name* is checked after resolution: each address it resolves to must be public
//!   (globally routable), or listed itself (`10.0.0.7`, `::1`). A listed name that someone
//!   points at a loopback, private, link-local (cloud metadata) or other special address is
//!   refused. The client connects only to addresses this check passed (its resolver is the
//!   check), so a name cannot resolve one way when checked and another when used.
//!
//! [`DeliveryOptions::allowed_hosts`]: super::DeliveryOptions::allowed_hosts
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The allow-list: `host` and `host:port` entries, and the addresses listed as such.
#[derive(Debug, Clone)]
pub(crate) struct AllowList {
    /// (host, port): a name lower-cased, or an address in its canonical text; the port when
    /// the entry names one.
    entries: Vec<(String, Option<u16>)>,
    addresses: Vec<IpAddr>,
}

/// An entry or a URL's host: an address in canonical form, else the name lower-cased.
fn canonical(host: &str) -> String {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => bare.to_lowercase(),
    }
}

/// `host`, `host:port`, `1.2.3.4`, `1.2.3.4:80`, `::1` or `[::1]:80`.
fn entry(text: &str) -> (String, Option<u16>) {
    let text = text.trim();
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return (sa.ip().to_string(), Some(sa.port()));
    }
    if text.parse::<IpAddr>().is_ok() || text.starts_with('[') {
        return (canonical(text), None);
    }
    match text.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => (canonical(host), port.parse().ok()),
        _ => (canonical(text), None),
    }
}

impl AllowList {
    pub(crate) fn new(hosts: &[String]) -> Self {
        let entries: Vec<(String, Option<u16>)> = hosts.iter().map(|h| entry(h)).collect();
        let addresses = entries.iter().filter_map(|(h, _)| h.parse().ok()).collect();
        Self { entries, addresses }
    }

    /// Whether `url`'s host (and port, where the entry names one) is on the list.
    pub(crate) fn permits_url(&self, url: &reqwest::Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let (host, port) = (canonical(host), url.port_or_known_default());
        self.entries
            .iter()
            .any(|(h, p)| *h == host && (p.is_none() || *p == port))
    }

    /// Whether a connection may go to `ip`.
    pub(crate) fn permits_address(&self, ip: IpAddr) -> bool {
        self.addresses.contains(&ip) || is_public(ip)
    }

    /// Whether `url` may be sent to now: on the list, and (for a name) resolving only to
    /// permitted addresses. The client's resolver checks again when it connects.
    pub(crate) async fn permits(&self, url: &str) -> bool {
        let Ok(url) = reqwest::Url::parse(url) else {
            return false;
        };
        if !self.permits_url(&url) {
            return false;
        }
        match url.domain() {
            Some(name) => resolve(self, name).await.is_ok(),
            // An address: on the list itself.
            None => true,
        }
    }
}

/// Resolves `name` and returns its addresses, or an error if any of them is not permitted.
async fn resolve(list: &AllowList, name: &str) -> Result<Vec<SocketAddr>, std::io::Error> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, 0)).await?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !list.permits_address(a.ip())) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the destination resolves to an address that is not allowed",
        ));
    }
    Ok(addrs)
}

/// The client's resolver when an allow-list is set: only permitted addresses come out.
#[derive(Debug)]
pub(crate) struct Resolver(pub(crate) Arc<AllowList>);

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let list = self.0.clone();
        Box::pin(async move {
            let addrs = resolve(&list, name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is a globally routable unicast address (what `IpAddr::is_global`, still
/// unstable, decides), so not loopback, private, link-local, shared, documentation,
/// benchmarking, reserved, multicast or unspecified.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64: an IPv4 address in disguise
        || (s[0] == 0x2002) // 6to4: likewise
        || (s[0..6] == [0, 0, 0, 0, 0, 0])) // IPv4-compatible (deprecated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(
                !is_public(ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"))),
                "{ip}"
            );
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(
                is_public(ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"))),
                "{ip}"
            );
        }
    }

    #[test]
    fn entries_match_hosts_ports_and_listed_addresses() {
        let list = AllowList::new(&[
            "Hooks.Example".into(),
            "api.example:8443".into(),
            "10.0.0.7".into(),
            "[::1]:9000".into(),
        ]);
        let ok =
            |u: &str| list.permits_url(&reqwest::Url::parse(u).unwrap_or_else(|e| panic!("{e}")));
        assert!(ok("https://hooks.example/x"));
        assert!(ok("http://HOOKS.example:81/x"));
        assert!(ok("https://api.example:8443/"));
        assert!(!ok("https://api.example/"));
        assert!(ok("http://10.0.0.7:8080/"));
        assert!(ok("http://[::1]:9000/"));
        assert!(!ok("http://[::1]:9001/"));
        assert!(!ok("http://evil.example/"));
        assert!(
            list.permits_address(
                "10.0.0.7"
                    .parse()
                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            )
        );
        assert!(list.permits_address(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert!(!list.permits_address(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }
}
