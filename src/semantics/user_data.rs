//! EC2 user data as the instance receives it: base64 over the API, then
//! possibly gzip-compressed (Terraform's `cloudinit_config` compresses by
//! default) and possibly a cloud-init MIME multipart archive whose parts may
//! be base64-encoded again. Secrets are searched in the decoded text, so
//! every layer is undone here; what cannot be decoded is an error, never
//! "no user data".

use std::io::Read;

/// The largest decompressed user data accepted (EC2 allows 16 KiB encoded;
/// this bounds a gzip bomb well above any real script).
const MAX_DECODED: u64 = 4 * 1024 * 1024;

/// Why user data could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserDataError {
    #[error("user data is not valid base64")]
    Base64,
    #[error("user data is gzip-compressed but does not decompress: {0}")]
    Gzip(String),
    #[error("user data is not text (neither UTF-8 nor a format audit reads)")]
    NotText,
}

/// Decodes base64-encoded user data into its text: gzip undone, and the
/// parts of a MIME multipart archive appended after it, base64 parts
/// decoded. `Ok(None)` when there is none.
pub fn decode_base64(encoded: Option<&str>) -> Result<Option<String>, UserDataError> {
    let Some(encoded) = encoded.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let bytes = base64_decode(encoded).ok_or(UserDataError::Base64)?;
    decode(&bytes).map(Some)
}

/// Decodes raw user data bytes (gzip, multipart) into text.
pub fn decode(bytes: &[u8]) -> Result<String, UserDataError> {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_DECODED)
            .read_to_end(&mut out)
            .map_err(|e| UserDataError::Gzip(e.to_string()))?;
        out
    } else {
        bytes.to_vec()
    };
    let text = String::from_utf8(bytes).map_err(|_| UserDataError::NotText)?;
    Ok(with_multipart_parts(text))
}

/// For a MIME multipart archive, the archive followed by each part's
/// decoded body (base64 and gzip parts undone), so that secrets in encoded
/// parts are found too.
fn with_multipart_parts(text: String) -> String {
    let Some(boundary) = boundary(&text) else {
        return text;
    };
    let mut decoded = Vec::new();
    for part in text.split(&format!("--{boundary}")).skip(1) {
        let Some((headers, body)) = part.split_once("\n\n").or_else(|| part.split_once("\r\n\r\n")) else {
            continue;
        };
        let base64 = headers
            .lines()
            .any(|h| h.to_ascii_lowercase().starts_with("content-transfer-encoding:") && h.contains("base64"));
        if base64 {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(bytes) = base64_decode(&compact)
                && let Ok(inner) = decode(&bytes)
            {
                decoded.push(inner);
            }
        }
    }
    if decoded.is_empty() {
        text
    } else {
        format!("{text}\n{}", decoded.join("\n"))
    }
}

/// The boundary of a `Content-Type: multipart/...` header at the top.
fn boundary(text: &str) -> Option<String> {
    let header = text
        .lines()
        .take(20)
        .find(|l| l.to_ascii_lowercase().starts_with("content-type: multipart/"))?;
    let at = header.to_ascii_lowercase().find("boundary=")?;
    let value = header[at + "boundary=".len()..].trim();
    let value = value.trim_matches('"');
    let value = value.split([';', '"']).next().unwrap_or(value);
    (!value.is_empty()).then(|| value.to_string())
}

/// Standard base64 (with or without padding).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let digits: Vec<u8> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = encoder.write_all(text.as_bytes());
        encoder.finish().unwrap_or_default()
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn plain_and_gzipped_scripts_are_text() {
        let script = "#!/bin/bash\nexport DB_PASSWORD=SuperSecretPass123\n";
        assert_eq!(
            decode_base64(Some(&base64(script.as_bytes()))),
            Ok(Some(script.to_string()))
        );
        assert_eq!(
            decode_base64(Some(&base64(&gzip(script)))),
            Ok(Some(script.to_string()))
        );
        assert_eq!(decode_base64(None), Ok(None));
        assert_eq!(decode_base64(Some("")), Ok(None));
    }

    #[test]
    fn base64_parts_of_a_cloud_init_archive_are_decoded() {
        let inner = "#!/bin/bash\nexport API_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n";
        let archive = format!(
            "Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\nMIME-Version: 1.0\n\n--MIMEBOUNDARY\nContent-Transfer-Encoding: base64\nContent-Type: text/x-shellscript\n\n{}\n--MIMEBOUNDARY--\n",
            base64(inner.as_bytes())
        );
        let text = decode(&gzip(&archive)).expect("decodes");
        assert!(text.contains("API_TOKEN=ghp_"), "{text}");
    }

    #[test]
    fn what_cannot_be_decoded_is_an_error() {
        assert_eq!(decode_base64(Some("not base64 !!")), Err(UserDataError::Base64));
        assert_eq!(decode(&[0xff, 0xfe, 0x00, 0x01]), Err(UserDataError::NotText));
        assert!(matches!(
            decode(&[0x1f, 0x8b, 0x08, 0x00, 0x01]),
            Err(UserDataError::Gzip(_))
        ));
    }
}
