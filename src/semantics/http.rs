//! HTTP response headers as browsers read them.

use crate::snapshot::edge::Hsts;

/// Parses a Strict-Transport-Security header value; `None` without a valid
/// `max-age` (browsers then ignore the header).
pub fn parse_hsts(header: &str) -> Option<Hsts> {
    let mut hsts = Hsts::default();
    let mut max_age = None;
    for directive in header.split(';') {
        let directive = directive.trim();
        let (name, value) = directive
            .split_once('=')
            .map_or((directive, ""), |(n, v)| (n.trim(), v.trim()));
        match name.to_ascii_lowercase().as_str() {
            "max-age" => max_age = value.trim_matches('"').parse::<i64>().ok(),
            "includesubdomains" => hsts.include_subdomains = true,
            "preload" => hsts.preload = true,
            _ => {}
        }
    }
    hsts.max_age = max_age?;
    Some(hsts)
}

#[cfg(test)]
mod tests {
    use super::parse_hsts;

    #[test]
    fn directives_in_any_case_and_order() {
        let h = parse_hsts("includeSubDomains; max-age=\"31536000\"; PRELOAD").expect("valid");
        assert_eq!(h.max_age, 31536000);
        assert!(h.include_subdomains && h.preload);
    }

    #[test]
    fn no_max_age_is_no_policy() {
        assert!(parse_hsts("includeSubDomains").is_none());
        assert!(parse_hsts("max-age=soon").is_none());
    }
}
