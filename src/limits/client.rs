//! The client a limit counts: an address, or the network one person is likely to own.

use std::net::{IpAddr, Ipv6Addr};

/// The address a request really comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The key limits are counted under. An IPv6 client usually owns a whole /64, so that is
    /// what one client is; IPv4-mapped addresses count as the IPv4 address.
    pub fn key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }

    /// For requests that reach a handler without a socket (never in a served request).
    pub fn unknown() -> Self {
        Self(IpAddr::from([0, 0, 0, 0]))
    }
}

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
