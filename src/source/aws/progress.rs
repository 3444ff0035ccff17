//! Collection progress as plain counters: the collector updates them as each
//! service × region task ends, and the CLI draws them (only on a terminal).

use super::Part;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counters shared between the collector and whoever displays them.
#[derive(Debug, Default)]
pub struct Progress {
    /// Tasks (service × region, plus the global services) to run.
    pub total: AtomicUsize,
    /// Tasks finished.
    pub done: AtomicUsize,
    /// Resources found so far.
    pub resources: AtomicUsize,
    /// Gaps so far.
    pub gaps: AtomicUsize,
    /// API calls made so far.
    pub calls: AtomicUsize,
}

impl Progress {
    /// Counts a finished task.
    pub fn record(&self, part: &Part) {
        self.resources.fetch_add(part.resources.len(), Ordering::Relaxed);
        self.gaps.fetch_add(part.gaps.len(), Ordering::Relaxed);
        self.calls.fetch_add(part.calls, Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// One line: `collecting: 12/40 tasks, 311 resources, 55 calls, 1 gap`
    /// (before the tasks are known, what is being done instead).
    pub fn line(&self) -> String {
        if self.total.load(Ordering::Relaxed) == 0 {
            return "collecting: checking credentials and regions".into();
        }
        let gaps = self.gaps.load(Ordering::Relaxed);
        format!(
            "collecting: {}/{} tasks, {} resources, {} calls, {} gap{}",
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.resources.load(Ordering::Relaxed),
            self.calls.load(Ordering::Relaxed),
            gaps,
            if gaps == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_tasks_resources_calls_and_gaps() {
        let progress = Progress::default();
        assert!(progress.line().contains("credentials"));
        progress.total.store(4, Ordering::Relaxed);
        let mut part = Part {
            calls: 3,
            ..Part::default()
        };
        part.gaps.push(crate::snapshot::Gap {
            service: "kms".into(),
            region: "us-east-1".into(),
            operation: "ListKeys".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
            kinds: Vec::new(),
            resource_id: None,
            fields: Vec::new(),
        });
        part.resources.kms_key.push(Default::default());
        progress.record(&part);
        assert_eq!(progress.line(), "collecting: 1/4 tasks, 1 resources, 3 calls, 1 gap");
    }
}
