//! Glob matching with `*` (any run) and `?` (one character), as IAM policies,
//! waivers and configuration selectors write patterns.

/// Whether `pattern` matches all of `text`, byte by byte (case-sensitive;
/// callers lower-case both sides where the format is case-insensitive).
pub fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn stars_and_question_marks() {
        assert!(wildcard_match(b"s3:Get*", b"s3:GetObject"));
        assert!(wildcard_match(b"a?c", b"abc"));
        assert!(wildcard_match(b"*", b""));
        assert!(!wildcard_match(b"a?c", b"ac"));
        assert!(!wildcard_match(b"s3:Get*", b"s3:PutObject"));
        assert!(wildcard_match(b"*-prod-*", b"db-prod-1"));
    }
}
