//! JUnit XML, for CI systems that show test reports: one test suite per
//! rule, one test case per resource. A failing finding is a `<failure>` with
//! the evidence, an undecided one an `<error>`; waived, manual and
//! not-applicable findings are `<skipped>` with the reason.

use super::{Context, Emitter};
use crate::engine::{Finding, Report, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

pub struct JunitEmitter;

/// Escapes text for XML attributes and content.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn case_name(f: &Finding) -> String {
    let r = &f.resource;
    let name = match (r.id.is_empty(), r.region.is_empty() || r.region == "global") {
        (true, _) => r.kind.clone(),
        (false, true) => r.display(),
        (false, false) => format!("{} ({})", r.display(), r.region),
    };
    match &f.account {
        Some(account) => format!("{} · {name}", account.label()),
        None => name,
    }
}

impl Emitter for JunitEmitter {
    fn emit(&self, report: &Report, _: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_rule.entry(&f.rule_id).or_default().push(f);
        }
        let s = &report.summary;
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writeln!(
            x,
            "<testsuites name=\"posture-audit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            report.findings.len(),
            s.failed,
            s.errors,
            s.skipped + s.waived + s.manual
        )?;
        for rule in &report.rules {
            let findings = by_rule.get(rule.id.as_str()).map_or(&[][..], Vec::as_slice);
            let count = |status: Status| findings.iter().filter(|f| f.status == status).count();
            let skipped = count(Status::Skip) + count(Status::Waived) + count(Status::Manual);
            writeln!(
                x,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{skipped}\">",
                xml(&rule.id),
                findings.len(),
                count(Status::Fail),
                count(Status::Error)
            )?;
            for f in findings {
                write!(
                    x,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml(&rule.id),
                    xml(&case_name(f))
                )?;
                let body = match f.status {
                    Status::Pass => None,
                    Status::Fail => Some(format!(
                        "<failure type=\"{}\" message=\"{}\">{}</failure>",
                        f.severity,
                        xml(&f.message),
                        xml(&f.evidence.join("\n"))
                    )),
                    Status::Error => Some(format!("<error message=\"{}\"/>", xml(&f.message))),
                    Status::Waived => {
                        let reason = f
                            .waiver
                            .as_ref()
                            .map_or(String::new(), |w| format!("waived until {}: {}", w.expires, w.reason));
                        Some(format!("<skipped message=\"{}\"/>", xml(&reason)))
                    }
                    Status::Manual | Status::Skip => Some(format!("<skipped message=\"{}\"/>", xml(&f.message))),
                };
                match body {
                    None => writeln!(x, "/>")?,
                    Some(body) => writeln!(x, ">{body}</testcase>")?,
                }
            }
            writeln!(x, "  </testsuite>")?;
        }
        writeln!(x, "</testsuites>")?;
        out.write_all(x.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            super::xml("a<b & \"c\" 'd'>\u{7}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
    }
}
