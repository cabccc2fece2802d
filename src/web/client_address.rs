//! The address of the person behind a request, for counting wrong passwords by address.
//!
//! Behind a load balancer the connection comes from the balancer, and the client's address is in the
//! `Forwarded` or `X-Forwarded-For` header the balancer adds. Anyone can send those headers, so they are
//! read only when the connection comes from a proxy named in `web.trusted_proxies`, and then from the
//! right: each trusted proxy appends the address it received the request from, so the first address from
//! the right that is not a trusted proxy is the client's (anything left of it the client may have forged).

use std::net::IpAddr;

use ipnet::IpNet;

/// The client's address: the connection's own, unless that is a trusted proxy, in which case the nearest
/// untrusted address of the forwarding chain (`Forwarded` when present, else `X-Forwarded-For`).
/// `None` when the connection has no address (a test request) and nothing trusted says otherwise.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded: Option<&str>,
    x_forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let chain: Vec<IpAddr> = match forwarded {
        Some(header) => forwarded_for_values(header),
        None => x_forwarded_for
            .map(|header| header.split(',').filter_map(parse_address).collect())
            .unwrap_or_default(),
    };
    // Every hop trusted (or no chain at all): the leftmost known address is the best there is.
    chain
        .iter()
        .rev()
        .find(|address| !is_trusted(address))
        .or(chain.first())
        .copied()
        .or(Some(peer))
}

/// The `for=` values of an RFC 7239 `Forwarded` header, in order (`for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`).
fn forwarded_for_values(header: &str) -> Vec<IpAddr> {
    header
        .split(',')
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("for")
                .then(|| parse_address(value))
                .flatten()
        })
        .collect()
}

/// An address as proxies write it: bare (`192.0.2.1`, `2001:db8::1`), with a port (`192.0.2.1:80`),
/// bracketed (`[2001:db8::1]:4711`), possibly quoted. Obfuscated names (`_hidden`, `unknown`) are not
/// addresses.
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(inside, _)| inside.parse().ok())
}

/// Parses one `web.trusted_proxies` entry: an address (`10.0.0.5`) or a network (`10.0.0.0/8`).
pub fn parse_trusted(entry: &str) -> Option<IpNet> {
    entry
        .parse::<IpNet>()
        .ok()
        .or_else(|| entry.parse::<IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn balancer() -> Vec<IpNet> {
        vec![parse_trusted("10.0.0.0/8").unwrap()]
    }

    #[test]
    fn an_untrusted_connection_is_its_own_address_whatever_it_claims() {
        // 198.51.100.9 is not a trusted proxy: its X-Forwarded-For is the client's own say-so.
        let address = client_address(
            Some(ip("198.51.100.9")),
            None,
            Some("203.0.113.7"),
            &balancer(),
        );
        assert_eq!(address, Some(ip("198.51.100.9")));
        // With no proxy trusted at all (the default), the header is never read.
        let address = client_address(Some(ip("10.0.0.2")), None, Some("203.0.113.7"), &[]);
        assert_eq!(address, Some(ip("10.0.0.2")));
    }

    #[test]
    fn behind_a_trusted_balancer_the_nearest_untrusted_hop_is_the_client() {
        // The client forged "1.2.3.4"; the balancer (10.0.0.2) appended the address it saw, 203.0.113.7.
        let address = client_address(
            Some(ip("10.0.0.2")),
            None,
            Some("1.2.3.4, 203.0.113.7"),
            &balancer(),
        );
        assert_eq!(address, Some(ip("203.0.113.7")));
        // Two trusted hops (10.1.1.1 then the peer 10.0.0.2): still the first untrusted from the right.
        let address = client_address(
            Some(ip("10.0.0.2")),
            None,
            Some("203.0.113.7, 10.1.1.1"),
            &balancer(),
        );
        assert_eq!(address, Some(ip("203.0.113.7")));
    }

    #[test]
    fn the_forwarded_header_is_read_with_ports_brackets_and_quotes() {
        let address = client_address(
            Some(ip("10.0.0.2")),
            Some(r#"for=192.0.2.60;proto=http, for="[2001:db8::1]:4711""#),
            Some("203.0.113.7"),
            &balancer(),
        );
        // Forwarded wins over X-Forwarded-For; its last untrusted `for=` is the IPv6 client.
        assert_eq!(address, Some(ip("2001:db8::1")));
        let address = client_address(
            Some(ip("10.0.0.2")),
            Some("for=_hidden, for=192.0.2.60:8080"),
            None,
            &balancer(),
        );
        assert_eq!(address, Some(ip("192.0.2.60")));
    }

    #[test]
    fn a_trusted_connection_without_a_chain_is_its_own_address() {
        let address = client_address(Some(ip("10.0.0.2")), None, None, &balancer());
        assert_eq!(address, Some(ip("10.0.0.2")));
        assert_eq!(
            client_address(None, None, Some("203.0.113.7"), &balancer()),
            None
        );
    }

    #[test]
    fn trusted_entries_are_addresses_or_networks() {
        assert_eq!(
            parse_trusted("10.0.0.5"),
            Some("10.0.0.5/32".parse().unwrap())
        );
        assert_eq!(parse_trusted("fd00::/8"), Some("fd00::/8".parse().unwrap()));
        assert_eq!(parse_trusted("balancer.internal"), None);
    }
}
