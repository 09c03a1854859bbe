//! Who is on the other end of a request: the client's real address, and whether it came over
//! TLS and to which host.
//!
//! `X-Forwarded-For`, `Forwarded`, `X-Forwarded-Proto` and `X-Forwarded-Host` are written by
//! whoever sends the request, so they are believed only when the peer that connected to us is
//! one of `CHAIRSIDE_TRUSTED_PROXIES`. Then the client is the right-most address in the chain
//! that is not itself a trusted proxy: each proxy appends the address it saw, so everything to
//! the left of the last untrusted hop may be invented. Every per-client limit, the
//! secure-cookie decision and the logs use this one answer.

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use ipnet::IpNet;

use super::AppState;
use super::error::ApiError;

pub use crate::config::parse_trusted_proxies;
pub use crate::limits::ClientAddress;

/// What is known about where a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOrigin {
    pub client: ClientAddress,
    /// Served over TLS, directly or as a trusted proxy reports.
    pub https: bool,
    /// The host the client asked for.
    pub host: String,
}

fn trusted(proxies: &[IpNet], address: IpAddr) -> bool {
    let address = canonical(address);
    proxies.iter().any(|net| net.contains(&address))
}

fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// Works out the origin of a request that arrived from `peer` with `headers`.
pub fn origin_of(
    peer: Option<IpAddr>,
    headers: &actix_web::http::header::HeaderMap,
    direct_https: bool,
    direct_host: &str,
    proxies: &[IpNet],
) -> RequestOrigin {
    let peer = peer.map(canonical);
    let direct = RequestOrigin {
        client: peer.map_or_else(ClientAddress::unknown, ClientAddress),
        https: direct_https,
        host: direct_host.to_owned(),
    };
    let Some(peer) = peer.filter(|p| trusted(proxies, *p)) else {
        return direct;
    };
    let header = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    };
    // `Forwarded` (RFC 7239) wins over the older X-Forwarded-* when a proxy sends it.
    let forwarded = header("forwarded");
    let (chain, proto, host) = if forwarded.is_empty() {
        let chain: Vec<String> = header("x-forwarded-for")
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect();
        let last = |name: &str| {
            header(name)
                .iter()
                .flat_map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .collect::<Vec<_>>()
                })
                .next_back()
        };
        (chain, last("x-forwarded-proto"), last("x-forwarded-host"))
    } else {
        read_forwarded(&forwarded)
    };
    // Walk from the nearest hop outwards; the first untrusted address is the client. A
    // malformed entry stops the walk there: the hop that wrote it is the last one we can name.
    let mut client = peer;
    for hop in chain.iter().rev() {
        match parse_node(hop) {
            Some(address) if trusted(proxies, address) => client = address,
            Some(address) => {
                client = address;
                break;
            }
            None => break,
        }
    }
    RequestOrigin {
        client: ClientAddress(client),
        https: proto.map_or(direct.https, |p| p.eq_ignore_ascii_case("https")),
        host: host.filter(|h| !h.is_empty()).unwrap_or(direct.host),
    }
}

/// `Forwarded: for=192.0.2.60;proto=https;host=example.com, for="[2001:db8::1]:4711"`.
fn read_forwarded(values: &[String]) -> (Vec<String>, Option<String>, Option<String>) {
    let mut chain = Vec::new();
    let (mut proto, mut host) = (None, None);
    for element in values.iter().flat_map(|v| v.split(',')) {
        for pair in element.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_owned();
            match name.trim().to_ascii_lowercase().as_str() {
                "for" => chain.push(value),
                "proto" => proto = Some(value),
                "host" => host = Some(value),
                _ => {}
            }
        }
    }
    (chain, proto, host)
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`,
/// `[2001:db8::1]:4711`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    if let Ok(address) = raw.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok().map(canonical);
    }
    let (address, port) = raw.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse().ok().map(canonical)
}

/// The origin of `req` under the server's configuration.
pub fn request_origin(req: &HttpRequest) -> RequestOrigin {
    let proxies = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.trusted_proxies.clone())
        .unwrap_or_default();
    let info = req.connection_info();
    // What the socket itself says: the scheme of this connection and the Host header.
    let direct_https = req.app_config().secure();
    let direct_host = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| info.host().to_owned(), str::to_owned);
    origin_of(
        req.peer_addr().map(|a| a.ip()),
        req.headers(),
        direct_https,
        &direct_host,
        &proxies,
    )
}

impl FromRequest for ClientAddress {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(request_origin(req).client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn origin(peer: &str, pairs: &[(&str, &str)], proxies: &str) -> RequestOrigin {
        origin_of(
            Some(peer.parse().unwrap()),
            &headers(pairs),
            false,
            "direct.example",
            &parse_trusted_proxies(proxies).unwrap(),
        )
    }

    #[test]
    fn forwarded_headers_from_strangers_are_ignored() {
        let o = origin(
            "203.0.113.9",
            &[
                ("x-forwarded-for", "1.2.3.4"),
                ("x-forwarded-proto", "https"),
                ("forwarded", "for=5.6.7.8;proto=https"),
            ],
            "",
        );
        assert_eq!(o.client.to_string(), "203.0.113.9");
        assert!(!o.https);
        assert_eq!(o.host, "direct.example");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_invented_hops_are_skipped() {
        let o = origin(
            "10.0.0.2",
            &[
                ("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.3"),
                ("x-forwarded-proto", "https"),
                ("x-forwarded-host", "shop.example"),
            ],
            "10.0.0.0/8",
        );
        assert_eq!(o.client.to_string(), "198.51.100.7");
        assert!(o.https);
        assert_eq!(o.host, "shop.example");
    }

    #[test]
    fn rfc7239_forwarded_with_ports_and_ipv6() {
        let o = origin(
            "127.0.0.1",
            &[("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https")],
            "127.0.0.1",
        );
        assert_eq!(o.client.key(), "2001:db8:cafe::/64");
        assert!(o.https);
        let o = origin(
            "127.0.0.1",
            &[("forwarded", "for=192.0.2.60:80")],
            "127.0.0.1",
        );
        assert_eq!(o.client.to_string(), "192.0.2.60");
    }

    #[test]
    fn malformed_chains_stop_at_the_last_nameable_hop() {
        let o = origin(
            "10.0.0.2",
            &[("x-forwarded-for", "1.2.3.4, not-an-address, 10.0.0.5")],
            "10.0.0.0/8",
        );
        assert_eq!(o.client.to_string(), "10.0.0.5");
        let o = origin("10.0.0.2", &[("x-forwarded-for", "garbage")], "10.0.0.0/8");
        assert_eq!(o.client.to_string(), "10.0.0.2");
        let o = origin("10.0.0.2", &[], "10.0.0.0/8");
        assert_eq!(o.client.to_string(), "10.0.0.2");
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        let o = origin("::ffff:192.0.2.1", &[], "");
        assert_eq!(o.client.key(), "192.0.2.1");
        assert!(parse_trusted_proxies("10.0.0.0/8, ::1 192.168.1.1").is_ok());
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
    }
}
