//! Recognising secrets in configuration (environment variables, user data)
//! and masking them so that no report ever prints one in full.
//!
//! A variable is a secret when its value matches a known credential format
//! (AWS access key id, private key block, JWT, URL with a password), when its
//! name says so (a word such as PASSWORD, SECRET, TOKEN, or a name ending in
//! KEY) and its value is not a reference or placeholder, or when its value
//! is long and random-looking (high Shannon entropy over base64 or hex).

use regex::Regex;
use std::sync::LazyLock;

static AWS_ACCESS_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b").expect("valid regex"));
static PRIVATE_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-----BEGIN [A-Z ]*PRIVATE KEY-----").expect("valid regex"));
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}").expect("valid regex")
});
static URL_WITH_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@").expect("valid regex"));
/// `NAME=value` or `NAME: value` assignments in free text (user data).
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*["']?([^"'\s]+)"#).expect("valid regex")
});

/// Words in a variable name that mark it as holding a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASS",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATE",
    "AUTH",
    "SIGNING",
    "SALT",
    "DSN",
];

/// Name words that look secret but are not (`TOKEN_URL`, `KEY_ID`).
const HARMLESS_LAST_WORDS: &[&str] = &[
    "URL",
    "URI",
    "ENDPOINT",
    "ID",
    "ARN",
    "NAME",
    "PATH",
    "FILE",
    "HOST",
    "PORT",
    "REGION",
    "TTL",
    "EXPIRY",
    "LENGTH",
    "ALGORITHM",
    "HEADER",
    "TYPE",
    "PREFIX",
];

/// Whether the variable `name` with `value` holds a secret in plain text.
pub fn looks_like_secret(name: &str, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || is_reference_or_placeholder(value) {
        return false;
    }
    if has_secret_format(value) {
        return true;
    }
    if name_says_secret(name) && value.len() >= 4 && !is_boolean_or_number(value) {
        return true;
    }
    is_high_entropy(value)
}

/// Whether `value` matches a known credential format.
pub fn has_secret_format(value: &str) -> bool {
    AWS_ACCESS_KEY.is_match(value)
        || PRIVATE_KEY.is_match(value)
        || JWT.is_match(value)
        || URL_WITH_PASSWORD.is_match(value)
}

/// Whether the name of a variable says it holds a secret.
pub fn name_says_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else { return false };
    if HARMLESS_LAST_WORDS.contains(last) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(w)) || *last == "KEY"
}

fn is_reference_or_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("arn:")
        || lower.starts_with("{{resolve:")
        || lower.starts_with("ssm:")
        || lower.starts_with("secretsmanager:")
        || lower.starts_with('$')
        || lower.starts_with('<') && lower.ends_with('>')
        || matches!(
            lower.as_str(),
            "changeme" | "change-me" | "todo" | "none" | "null" | "placeholder" | "xxx" | "redacted" | "***"
        )
}

fn is_boolean_or_number(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    ) || value.parse::<f64>().is_ok()
}

/// Long, random-looking values: at least 24 characters from the base64 or hex
/// alphabets with at least 4 bits of entropy per character.
pub fn is_high_entropy(value: &str) -> bool {
    if value.len() < 24 || !value.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c)) {
        return false;
    }
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    let has_letter = value.chars().any(|c| c.is_ascii_alphabetic());
    has_digit && has_letter && shannon_entropy(value) >= 4.0
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let len = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// A masked rendering of a secret value: at most its first three characters
/// for a long value, none for a short one, and its length.
pub fn mask(value: &str) -> String {
    let chars = value.chars().count();
    if chars >= 16 {
        let head: String = value.chars().take(3).collect();
        format!("{head}… ({chars} chars)")
    } else {
        format!("*** ({chars} chars)")
    }
}

/// Secrets found in free text such as user data, each as `line N: NAME=<masked>`
/// or `line N: <format> <masked>`.
pub fn scan_text(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let mut hit = false;
        for caps in ASSIGNMENT.captures_iter(line) {
            let (name, value) = (&caps[1], &caps[2]);
            if looks_like_secret(name, value) {
                found.push(format!("line {number}: {name}={}", mask(value)));
                hit = true;
            }
        }
        if !hit {
            for (label, re) in [
                ("AWS access key", &*AWS_ACCESS_KEY),
                ("private key", &*PRIVATE_KEY),
                ("JWT", &*JWT),
                ("URL with password", &*URL_WITH_PASSWORD),
            ] {
                if let Some(m) = re.find(line) {
                    found.push(format!("line {number}: {label} {}", mask(m.as_str())));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_with_values_are_secrets() {
        assert!(looks_like_secret("DB_PASSWORD", "hunter2hunter2"));
        assert!(looks_like_secret("JWT_SECRET", "abc123"));
        assert!(looks_like_secret("STRIPE_API_KEY", "sk_live_abcdef"));
        assert!(looks_like_secret("ENTRY_ENCRYPTION_KEY", "c2VjcmV0IGtleQ=="));
    }

    #[test]
    fn references_placeholders_and_harmless_names_are_not() {
        assert!(!looks_like_secret(
            "DB_PASSWORD",
            "arn:aws:secretsmanager:us-east-1:1:secret:db"
        ));
        assert!(!looks_like_secret("DB_PASSWORD", ""));
        assert!(!looks_like_secret("JWT_SECRET", "${JWT_SECRET}"));
        assert!(!looks_like_secret("TOKEN_URL", "https://auth.example.com/token"));
        assert!(!looks_like_secret("KMS_KEY_ID", "alias/app"));
        assert!(!looks_like_secret("NODE_ENV", "production"));
        assert!(!looks_like_secret("PORT", "8080"));
        assert!(!looks_like_secret("CACHE_TOKEN_TTL", "300"));
    }

    #[test]
    fn credential_formats_are_secrets_whatever_the_name() {
        assert!(looks_like_secret("X", "AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_like_secret(
            "DATABASE_URL",
            "postgres://app:s3cr3t@db.internal:5432/app"
        ));
        assert!(!looks_like_secret("DATABASE_URL", "postgres://db.internal:5432/app"));
        assert!(looks_like_secret("SOMETHING", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg"));
    }

    #[test]
    fn masking_never_shows_more_than_three_characters() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKI… (20 chars)");
        assert_eq!(mask("hunter2"), "*** (7 chars)");
    }

    #[test]
    fn user_data_scan_reports_lines_masked() {
        let text = "#!/bin/bash\nexport DB_PASSWORD=SuperSecretPass123\necho hello\naws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\n";
        let found = scan_text(text);
        assert_eq!(
            found,
            vec![
                "line 2: DB_PASSWORD=Sup… (18 chars)",
                "line 4: AWS access key AKI… (20 chars)"
            ]
        );
        assert!(found.iter().all(|f| !f.contains("SuperSecretPass123")));
    }
}
