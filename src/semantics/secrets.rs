//! Recognising secrets in configuration (environment variables, user data)
//! and masking them so that no report ever prints one in full.
//!
//! A variable is a secret when its value matches a known credential format
//! (AWS access key id, private key block, JWT, a URL with a password, GitHub,
//! GitLab, Slack, Stripe, SendGrid, Google, OpenAI, Anthropic and npm
//! tokens), when its name says so (a word such as PASSWORD, SECRET, TOKEN,
//! or a name ending in KEY) and its value is not a reference, placeholder,
//! path, boolean or short number, or when its value is long and
//! random-looking (high Shannon entropy over base64 or hex). A name that
//! ends in a harmless word (`…_NAME`, `…_ID`, `…_BUCKET`, `…_PUBLIC_KEY`)
//! and a value public by design (public keys, certificates, publishable
//! keys) are not secrets unless the value has a credential format. Free text
//! (user data) is also searched for secrets on command lines: `aws
//! configure set aws_secret_access_key`, `mysql -p…`, `--password`, and
//! `Authorization:` headers.

use regex::Regex;
use std::sync::LazyLock;

/// A credential format: a label for reports and its pattern.
struct Format {
    label: &'static str,
    pattern: Regex,
}

fn format(label: &'static str, pattern: &str) -> Format {
    Format {
        label,
        pattern: Regex::new(pattern).expect("valid regex"),
    }
}

/// Credential formats that are secrets whatever the variable is called.
static FORMATS: LazyLock<Vec<Format>> = LazyLock::new(|| {
    vec![
        format("AWS access key", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
        format("private key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"),
        format(
            "JWT",
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ),
        // A password in a URL; the user may be empty (`redis://:pw@host`),
        // and a `${VAR}` or `$VAR` placeholder is not a password.
        format("URL with password", r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:[^/\s@$]+@"),
        format(
            "GitHub token",
            r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b",
        ),
        format("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}\b"),
        format("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        format(
            "Slack webhook",
            r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
        ),
        format("Stripe secret key", r"\b[rs]k_(live|test)_[A-Za-z0-9]{16,}\b"),
        format("SendGrid key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b"),
        format("Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
        format("Anthropic key", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
        format("OpenAI key", r"\bsk-(proj-)?[A-Za-z0-9_-]{32,}"),
        format("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ]
});

/// Secrets handed to a command on its command line (user data scripts).
static COMMAND_LINE: LazyLock<Vec<Format>> = LazyLock::new(|| {
    vec![
        format(
            "aws configure set",
            r"(?i)\baws\s+configure\s+set\s+(?:\S+\.)?(aws_secret_access_key|aws_session_token)\s+['\x22]?([^\s'\x22]+)",
        ),
        format(
            "password argument",
            r"(?i)\b(mysql|mysqldump|mysqladmin)\b[^\n]*?\s-p([^\s'\x22-][^\s'\x22]{3,})",
        ),
        format(
            "password argument",
            r"(?i)(--password)[=\s]+['\x22]?([^\s'\x22$][^\s'\x22]{3,})",
        ),
        format(
            "Authorization header",
            r"(?i)\b(authorization:\s*(?:bearer|basic|token))\s+([A-Za-z0-9._~+/=-]{8,})",
        ),
    ]
});

/// `NAME=value`, `NAME: value` and `"name": "value"` assignments in free
/// text (user data, JSON and YAML written by a script).
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[=:]\s*["']?([^"'\s,}]+)"#)
        .expect("valid regex")
});

/// A CloudFormation or CDK physical name: `Stack-LogicalIdABCDEF12-1A2B3C4D5E6F`.
static PHYSICAL_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*-[A-Za-z0-9]+[A-Fa-f0-9]{8}-[A-Za-z0-9]{12,13}$")
        .expect("valid regex")
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

/// Name words that look secret but are not (`TOKEN_URL`, `KEY_ID`): when a
/// name ends with one, neither its words nor its value's randomness make it
/// a secret (a known credential format still does).
const HARMLESS_LAST_WORDS: &[&str] = &[
    "URL",
    "URI",
    "ENDPOINT",
    "ID",
    "IDS",
    "ARN",
    "ARNS",
    "NAME",
    "NAMES",
    "BUCKET",
    "TABLE",
    "QUEUE",
    "TOPIC",
    "STREAM",
    "FUNCTION",
    "CLUSTER",
    "DOMAIN",
    "ISSUER",
    "PROVIDER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "MODE",
    "ENABLED",
    "VERSION",
    "DIR",
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

/// Names ending in KEY whose values are public or not keys at all.
const HARMLESS_KEY_NAMES: &[&str] = &[
    "PUBLIC_KEY",
    "PUBLISHABLE_KEY",
    "SITE_KEY",
    "PARTITION_KEY",
    "SORT_KEY",
    "HASH_KEY",
    "RANGE_KEY",
    "CACHE_KEY",
    "S3_KEY",
    "OBJECT_KEY",
    "PRIMARY_KEY",
    "FOREIGN_KEY",
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
    // A structured value (`{"password": "…"}`, a YAML or INI block) is
    // free text with keys of its own.
    if (value.starts_with('{') || value.contains('\n')) && !scan_text(value).is_empty() {
        return true;
    }
    if is_public_by_design(value) || harmless_name(name) {
        return false;
    }
    if name_says_secret(name) && value.len() >= 4 && !is_boolean_or_short_number(value) && !is_path(value) {
        return true;
    }
    is_high_entropy(value) && !PHYSICAL_NAME.is_match(value)
}

/// Whether `value` matches a known credential format.
fn has_secret_format(value: &str) -> bool {
    FORMATS.iter().any(|f| f.pattern.is_match(value))
}

/// The upper-case words of a name: `db.password-2` is DB, PASSWORD, 2, and
/// camel case is split too (`DBPassword` and `dbPassword` are DB, PASSWORD:
/// Beanstalk options and JSON-style names are written so).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            words.push(std::mem::take(&mut word));
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let lower_to_upper = prev.is_some_and(|p| p.is_ascii_lowercase()) && c.is_ascii_uppercase();
        // The last capital of an acronym starts the next word: DB|Password.
        let acronym_end = prev.is_some_and(|p| p.is_ascii_uppercase())
            && c.is_ascii_uppercase()
            && next.is_some_and(|n| n.is_ascii_lowercase());
        if lower_to_upper || acronym_end {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_uppercase());
    }
    words.push(word);
    words.retain(|w| !w.is_empty());
    words
}

/// Whether the name says its value is not a secret (`…_NAME`, `…_ID`,
/// `…_PUBLIC_KEY`).
fn harmless_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else { return false };
    let joined = words.join("_");
    HARMLESS_LAST_WORDS.contains(&last.as_str()) || HARMLESS_KEY_NAMES.iter().any(|k| joined.ends_with(k))
}

/// Whether the name of a variable says it holds a secret.
fn name_says_secret(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else { return false };
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str())) || last == "KEY"
}

/// Values that are public by design: public keys and certificates,
/// publishable keys, KMS aliases.
fn is_public_by_design(value: &str) -> bool {
    value.starts_with("-----BEGIN PUBLIC KEY-----")
        || value.starts_with("-----BEGIN CERTIFICATE-----")
        || value.starts_with("-----BEGIN RSA PUBLIC KEY-----")
        || value.starts_with("ssh-rsa ")
        || value.starts_with("ssh-ed25519 ")
        || value.starts_with("pk_live_")
        || value.starts_with("pk_test_")
        || value.starts_with("alias/")
}

/// A file path rather than a value (`/secrets/gcp/key.json`, `./certs/ca.pem`).
fn is_path(value: &str) -> bool {
    !value.contains(char::is_whitespace)
        && (value.starts_with('/') || value.starts_with("./") || value.starts_with("../") || value.starts_with("~/"))
}

fn is_reference_or_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("arn:")
        || lower.starts_with("{{resolve:")
        || lower.starts_with("ssm:")
        || lower.starts_with("secretsmanager:")
        || is_variable_reference(value)
        || lower.starts_with('<') && lower.ends_with('>')
        || matches!(
            lower.as_str(),
            "changeme" | "change-me" | "todo" | "none" | "null" | "placeholder" | "xxx" | "redacted" | "***"
        )
}

/// `${VAR}`, `$VAR`, `$(command)` or a backquoted command (as free text
/// captures it: up to the first space): the value comes from elsewhere. A
/// literal that merely starts with `$` (`$uper5ecret!`) is not one.
fn is_variable_reference(value: &str) -> bool {
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\(.*|`.*|%[A-Za-z_][A-Za-z0-9_]*%)$")
            .expect("valid regex")
    });
    REFERENCE.is_match(value)
}

/// Booleans, and numbers too short to be a PIN or a numeric password
/// (ports, timeouts, counts); six digits or more can be either.
fn is_boolean_or_short_number(value: &str) -> bool {
    let boolean = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    );
    let digits = value.chars().filter(char::is_ascii_digit).count();
    boolean || (value.parse::<f64>().is_ok() && digits < 6)
}

/// Long, random-looking values: at least 24 characters from the base64 or hex
/// alphabets with at least 4 bits of entropy per character.
fn is_high_entropy(value: &str) -> bool {
    if value.len() < 24 || !value.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c)) {
        return false;
    }
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    let has_letter = value.chars().any(|c| c.is_ascii_alphabetic());
    has_digit && has_letter && shannon_entropy(value) >= 4.0
}

/// Shannon entropy in bits per character.
fn shannon_entropy(value: &str) -> f64 {
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
            // `https://…` is a URL, not `https` set to `//…`.
            if value.starts_with("//") {
                continue;
            }
            if looks_like_secret(name, value) {
                found.push(format!("line {number}: {name}={}", mask(value)));
                hit = true;
            }
        }
        if hit {
            continue;
        }
        let format = FORMATS
            .iter()
            .find_map(|f| f.pattern.find(line).map(|m| (f.label, m.as_str())));
        // Command-line formats capture the value second; a `$VAR` there is
        // a reference.
        let command = || {
            COMMAND_LINE.iter().find_map(|f| {
                let value = f.pattern.captures(line)?.get(2)?.as_str();
                (!is_variable_reference(value)).then_some((f.label, value))
            })
        };
        if let Some((label, value)) = format.or_else(command) {
            found.push(format!("line {number}: {label} {}", mask(value)));
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
        // Camel case, as Beanstalk options and JSON-style names are written.
        assert!(looks_like_secret("DBPassword", "Correct-Horse-9"));
        assert!(looks_like_secret("dbPassword", "Correct-Horse-9"));
        assert!(!looks_like_secret("passwordLength", "12"));
        assert!(!looks_like_secret("DBUser", "ebroot"));
    }

    #[test]
    fn names_split_into_words_at_separators_and_camel_case() {
        assert_eq!(words("db.password-2"), ["DB", "PASSWORD", "2"]);
        assert_eq!(words("DBPassword"), ["DB", "PASSWORD"]);
        assert_eq!(words("apiKeyID"), ["API", "KEY", "ID"]);
        assert_eq!(words("STRIPE_API_KEY"), ["STRIPE", "API", "KEY"]);
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
    fn the_leak_shapes_people_write_are_secrets() {
        for (name, value) in [
            ("REDIS_URL", "redis://:s3cretpass@my-redis:6379/0"),
            (
                "SLACK_WEBHOOK",
                "https://hooks.slack.com/services/T0ABC123/B0DEF456/abcdefGHIJ123456",
            ),
            ("DB_PASSWORD", "$uper5ecret!pass"),
            ("DB_PASSWORD", "12345678"),
            ("REDIS_PASSWORD", "20240601123456"),
            (
                "SENDGRID",
                "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",
            ),
            ("GH", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
            ("CI_TOKEN_FOR_DEPLOY", "glpat-xxxxxxxxxxxxxxxxxxxx"),
            ("X", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            ("MAPS", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
            ("LLM", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"),
            ("NPM", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
            ("SIGNING", "-----BEGIN PGP PRIVATE KEY BLOCK-----"),
        ] {
            assert!(looks_like_secret(name, value), "{name}={value} is a secret");
        }
    }

    #[test]
    fn harmless_names_and_public_values_are_not_secrets() {
        for (name, value) in [
            ("TABLE_NAME", "ProdStack-OrdersTable8A1B2C3D-1XYZABC2DEF3G"),
            ("FUNCTION_NAME", "ProdStack-ProcessOrderFn4F1A2B3C-AbCdEfGhIjKl"),
            ("BUCKET_NAME", "prodstack-assetsbucket5cb76180-1ab2cd3ef4gh5"),
            ("ORDERS", "ProdStack-OrdersTable8A1B2C3D-1XYZABC2DEF3G"),
            ("ASSETS_BUCKET", "my-app-assets-prod-123456789012"),
            ("COGNITO_APP_CLIENT_ID", "4s8example1h57kf5cpq17m0eml"),
            ("GOOGLE_APPLICATION_CREDENTIALS", "/secrets/gcp/key.json"),
            (
                "PUBLIC_KEY",
                "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
            ),
            ("STRIPE_PUBLISHABLE_KEY", "pk_live_51HqLyjWDarjtT1zdp7dc"),
            ("RECAPTCHA_SITE_KEY", "6LcAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            ("S3_KEY", "uploads/avatars/default.png"),
            ("CACHE_KEY", "user-profile"),
            ("KMS_KEY", "alias/app"),
            ("AUTH_DOMAIN", "myapp.us.auth0.com"),
            ("AUTH_PROVIDER", "google"),
            (
                "TOKEN_ISSUER",
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
            ),
            ("PRIVATE_SUBNET_IDS", "subnet-0a1b2c3d,subnet-4e5f6a7b"),
            ("PWD", "/home/app"),
            ("SESSION_TIMEOUT_PASS", "300"),
            ("JWT_SECRET", "$JWT_SECRET"),
        ] {
            assert!(!looks_like_secret(name, value), "{name}={value} is not a secret");
        }
    }

    #[test]
    fn command_lines_and_files_in_user_data_are_scanned() {
        let text = "git clone https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/acme/app.git\n\
            aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
            mysql -h db -u admin -pSuperSecret123 app\n\
            curl -H \"Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456\" https://api\n\
            {\"db_password\": \"Tr0ub4dor&3xyz\"}\n\
            export DATABASE_URL=\"postgres://app:${DB_PASSWORD}@${DB_HOST}:5432/app\"\n\
            mysql -u admin -p\"$DB_PASSWORD\" app\n";
        let found = scan_text(text);
        assert_eq!(
            found,
            vec![
                "line 1: GitHub token ghp… (40 chars)",
                "line 2: aws configure set wJa… (40 chars)",
                "line 3: password argument *** (14 chars)",
                "line 4: Authorization header abc… (32 chars)",
                "line 5: db_password=*** (14 chars)",
            ]
        );
        assert!(
            found
                .iter()
                .all(|f| !f.contains("SuperSecret123") && !f.contains("wJalrXUtnFEMI"))
        );
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
