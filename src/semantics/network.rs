//! Network addresses and security group permissions: which sources amount
//! to the whole internet, and what a protocol number means.
//!
//! "Open to the world" is decided on parsed addresses, not by comparing
//! strings with `0.0.0.0/0`: the sources of a permission are aggregated
//! (`0.0.0.0/1` and `128.0.0.0/1` are together `0.0.0.0/0`), and a public
//! block at least as large as [`World`]'s limits counts as the world too
//! (`64.0.0.0/2`, a quarter of the IPv4 internet; `2000::/3`, all of IPv6
//! global unicast). Blocks that are entirely private or not routable on the
//! internet (RFC 1918, carrier-grade NAT, loopback, link-local, unique
//! local IPv6, multicast, reserved) never count.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{Ipv4Addr, Ipv6Addr};

/// How large a public block must be to count as the world: a prefix this
/// short or shorter. The defaults: /8 for IPv4 (16.7 million addresses,
/// 1/256 of the IPv4 space) and /16 for IPv6 (1/8192 of global unicast).
/// No one organisation's clients fill a block that size; a rule that lets
/// one in lets in strangers. Configurable (`[network]` in audit.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct World {
    pub max_prefix_v4: u8,
    pub max_prefix_v6: u8,
}

impl Default for World {
    fn default() -> Self {
        World {
            max_prefix_v4: 8,
            max_prefix_v6: 16,
        }
    }
}

/// IPv4 blocks that are not reachable from the internet.
const NOT_PUBLIC_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// IPv6 blocks that are not reachable from the internet.
const NOT_PUBLIC_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::LOCALHOST, 128),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
];

/// Whether `net` lies entirely within blocks not reachable from the internet.
fn not_public(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => NOT_PUBLIC_V4
            .iter()
            .filter_map(|(a, p)| Ipv4Net::new(*a, *p).ok())
            .any(|block| block.contains(n)),
        IpNet::V6(n) => NOT_PUBLIC_V6
            .iter()
            .filter_map(|(a, p)| Ipv6Net::new(*a, *p).ok())
            .any(|block| block.contains(n)),
    }
}

/// A CIDR as AWS writes it (a bare address is a host), host bits cleared.
pub fn parse_cidr(cidr: &str) -> Option<IpNet> {
    let cidr = cidr.trim();
    let net = cidr
        .parse::<IpNet>()
        .ok()
        .or_else(|| cidr.parse::<std::net::IpAddr>().ok().map(IpNet::from))?;
    Some(net.trunc())
}

/// Whether a block, on its own or as part of an aggregate, is the world.
fn is_world(net: &IpNet, world: &World) -> bool {
    let max = match net {
        IpNet::V4(_) => world.max_prefix_v4,
        IpNet::V6(_) => world.max_prefix_v6,
    };
    net.prefix_len() <= max && !not_public(net)
}

/// The sources among `cidrs` that together make up the world: each lies in
/// a world-sized public block of their aggregate. Empty when the sources do
/// not reach that far.
pub fn world_sources<'a>(cidrs: &[&'a str], world: &World) -> Vec<&'a str> {
    let parsed: Vec<(&str, IpNet)> = cidrs.iter().filter_map(|c| Some((*c, parse_cidr(c)?))).collect();
    let nets: Vec<IpNet> = parsed.iter().map(|(_, n)| *n).collect();
    let worlds: Vec<IpNet> = IpNet::aggregate(&nets)
        .into_iter()
        .filter(|n| is_world(n, world))
        .collect();
    parsed
        .into_iter()
        .filter(|(_, net)| worlds.iter().any(|w| w.contains(net)))
        .map(|(text, _)| text)
        .collect()
}

/// Whether one CIDR is, on its own, the world.
pub fn is_world_cidr(cidr: &str) -> bool {
    parse_cidr(cidr).is_some_and(|net| is_world(&net, &World::default()))
}

/// Normalises a protocol name: AWS's `-1` is `all`, numbers become names.
pub fn protocol_name(protocol: &str) -> &str {
    match protocol.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => "all",
        "6" | "tcp" => "tcp",
        "17" | "udp" => "udp",
        "1" | "icmp" => "icmp",
        "58" | "icmpv6" => "icmpv6",
        _ => protocol,
    }
}

/// Whether a normalised permission (`protocol` from [`protocol_name`])
/// admits TCP traffic to `port`.
pub fn covers_tcp_port(protocol: &str, from: i64, to: i64, port: i64) -> bool {
    (protocol == "tcp" || protocol == "all") && from <= port && port <= to
}

/// Whether a network ACL's inbound entries let the internet reach TCP
/// `port`: an allow entry (TCP or all protocols) covering the port from a
/// block that is the world (as `world` says), with no entry of a lower rule
/// number denying the port to a block that contains it. Entries are
/// `(rule_number, egress, protocol, from, to, cidr, allow)`.
pub fn nacl_world_reaches(entries: &[(i64, bool, &str, i64, i64, &str, bool)], port: i64, world: &World) -> bool {
    let mut inbound: Vec<_> = entries
        .iter()
        // All protocols (-1) have no port range: every port.
        .filter(|e| !e.1 && (matches!(e.2, "-1" | "all") || (matches!(e.2, "6" | "tcp") && e.3 <= port && port <= e.4)))
        .filter_map(|e| Some((e.0, parse_cidr(e.5)?, e.6)))
        .collect();
    inbound.sort_by_key(|e| e.0);
    inbound.iter().enumerate().any(|(i, (_, net, allow))| {
        *allow
            && is_world(net, world)
            && !inbound[..i]
                .iter()
                .any(|(_, deny, allowed)| !allowed && deny.contains(net))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_acl_entries_in_rule_order() {
        let w = World::default();
        // The default NACL: allow all from anywhere (100), deny all (32767).
        let default = [
            (100, false, "-1", 0, 65535, "0.0.0.0/0", true),
            (32767, false, "-1", 0, 65535, "0.0.0.0/0", false),
        ];
        assert!(nacl_world_reaches(&default, 22, &w));
        // A deny of 22 before the allow closes it; after it, it does not.
        let denied = [
            (90, false, "6", 22, 22, "0.0.0.0/0", false),
            (100, false, "-1", 0, 65535, "0.0.0.0/0", true),
        ];
        assert!(!nacl_world_reaches(&denied, 22, &w));
        assert!(nacl_world_reaches(&denied, 3389, &w));
        let late = [
            (100, false, "-1", 0, 65535, "0.0.0.0/0", true),
            (110, false, "6", 22, 22, "0.0.0.0/0", false),
        ];
        assert!(nacl_world_reaches(&late, 22, &w));
        // Only an office range, or outbound, or UDP: closed.
        let office = [
            (100, false, "6", 22, 22, "203.0.113.0/24", true),
            (100, true, "6", 22, 22, "0.0.0.0/0", true),
            (110, false, "17", 22, 22, "0.0.0.0/0", true),
        ];
        assert!(!nacl_world_reaches(&office, 22, &w));
        // IPv6 anywhere.
        assert!(nacl_world_reaches(
            &[(101, false, "6", 3389, 3389, "::/0", true)],
            3389,
            &w
        ));
    }

    fn world(cidrs: &[&str]) -> Vec<String> {
        world_sources(cidrs, &World::default())
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn protocols_are_named() {
        assert_eq!(protocol_name("-1"), "all");
        assert_eq!(protocol_name("6"), "tcp");
        assert_eq!(protocol_name("UDP"), "udp");
        assert_eq!(protocol_name("50"), "50");
    }

    #[test]
    fn the_whole_space_in_any_spelling_is_the_world() {
        assert_eq!(world(&["0.0.0.0/0"]), ["0.0.0.0/0"]);
        assert_eq!(world(&[" ::/0 "]), [" ::/0 "]);
        assert_eq!(world(&["0.0.0.0/1", "128.0.0.0/1"]), ["0.0.0.0/1", "128.0.0.0/1"]);
        // Host bits set: AWS would normalise 1.2.3.4/0 to 0.0.0.0/0.
        assert_eq!(world(&["1.2.3.4/0"]), ["1.2.3.4/0"]);
    }

    #[test]
    fn a_large_public_block_is_the_world() {
        assert_eq!(world(&["64.0.0.0/2"]), ["64.0.0.0/2"]);
        assert_eq!(world(&["2000::/3"]), ["2000::/3"]);
        assert_eq!(world(&["11.0.0.0/8"]), ["11.0.0.0/8"]);
        // Sixteen /12s that aggregate to a public /8.
        let parts: Vec<String> = (0..16).map(|i| format!("11.{}.0.0/12", i * 16)).collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        assert_eq!(world(&parts).len(), 16);
    }

    #[test]
    fn private_and_small_blocks_are_not() {
        assert!(world(&["10.0.0.0/8"]).is_empty());
        assert!(world(&["172.16.0.0/12", "192.168.0.0/16"]).is_empty());
        assert!(world(&["fc00::/7"]).is_empty());
        assert!(world(&["203.0.113.0/24", "198.51.100.7/32"]).is_empty());
        assert!(world(&["11.0.0.0/9"]).is_empty());
        assert!(world(&["not a cidr"]).is_empty());
        assert!(!is_world_cidr("10.0.0.0/8"));
        assert!(is_world_cidr("0.0.0.0/0"));
    }

    #[test]
    fn tcp_ports_fall_in_the_range() {
        assert!(covers_tcp_port("tcp", 20, 25, 22));
        assert!(covers_tcp_port("all", 0, 65535, 3389));
        assert!(!covers_tcp_port("udp", 0, 65535, 22));
        assert!(!covers_tcp_port("tcp", 23, 25, 22));
    }
}
