//! AWS schedule expressions (`rate(…)`, `cron(…)`, as Secrets Manager
//! rotation and EventBridge take them) as the longest interval between two
//! runs, in days.

/// The longest interval between two runs of a schedule, in whole days
/// (rounded up); `None` for an expression this does not understand.
///
/// - `rate(N minutes|hours|days)`: N of that unit.
/// - `cron(min hour day-of-month month day-of-week year)`: daily when every
///   day matches, weekly when only weekdays are named, monthly when a day of
///   month is named for every month, and 366 / n days for n named months.
pub fn interval_days(expression: &str) -> Option<i64> {
    let expression = expression.trim();
    if let Some(body) = expression.strip_prefix("rate(").and_then(|e| e.strip_suffix(')')) {
        let mut parts = body.split_whitespace();
        let n: i64 = parts.next()?.parse().ok().filter(|n| *n > 0)?;
        let minutes = match parts.next()?.trim_end_matches('s') {
            "minute" => n,
            "hour" => n * 60,
            "day" => n * 24 * 60,
            _ => return None,
        };
        return Some((minutes + 24 * 60 - 1) / (24 * 60));
    }
    let body = expression.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [_, _, day_of_month, month, day_of_week, ..] = fields.as_slice() else {
        return None;
    };
    let every = |f: &str| f == "*" || f == "?";
    let months = if every(month) {
        12
    } else {
        month.split(',').count() as i64
    };
    if months < 12 {
        return Some((366 + months - 1) / months);
    }
    if every(day_of_month) && every(day_of_week) {
        Some(1)
    } else if every(day_of_month) {
        Some(7)
    } else {
        Some(31)
    }
}

#[cfg(test)]
mod tests {
    use super::interval_days;

    #[test]
    fn rates_and_crons_as_days() {
        assert_eq!(interval_days("rate(30 days)"), Some(30));
        assert_eq!(interval_days("rate(1 day)"), Some(1));
        assert_eq!(interval_days("rate(12 hours)"), Some(1));
        assert_eq!(interval_days("cron(0 16 1 * ? *)"), Some(31));
        assert_eq!(interval_days("cron(0 8 ? * MON *)"), Some(7));
        assert_eq!(interval_days("cron(0 8 * * ? *)"), Some(1));
        assert_eq!(interval_days("cron(0 0 1 1,7 ? *)"), Some(183));
        assert_eq!(interval_days("cron(0 0 1 1 ? *)"), Some(366));
        assert_eq!(interval_days("whenever"), None);
        assert_eq!(interval_days("rate(0 days)"), None);
    }
}
