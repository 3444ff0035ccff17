//! Network addresses and security group permissions: which sources are the
//! whole internet, and what a protocol number means.

/// Whether a CIDR is the whole IPv4 or IPv6 internet.
pub fn is_world_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_are_named() {
        assert_eq!(protocol_name("-1"), "all");
        assert_eq!(protocol_name("6"), "tcp");
        assert_eq!(protocol_name("UDP"), "udp");
        assert_eq!(protocol_name("50"), "50");
    }

    #[test]
    fn only_the_whole_space_is_the_world() {
        assert!(is_world_cidr("0.0.0.0/0"));
        assert!(is_world_cidr(" ::/0 "));
        assert!(!is_world_cidr("10.0.0.0/8"));
    }

    #[test]
    fn tcp_ports_fall_in_the_range() {
        assert!(covers_tcp_port("tcp", 20, 25, 22));
        assert!(covers_tcp_port("all", 0, 65535, 3389));
        assert!(!covers_tcp_port("udp", 0, 65535, 22));
        assert!(!covers_tcp_port("tcp", 23, 25, 22));
    }
}
