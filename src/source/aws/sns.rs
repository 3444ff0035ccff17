//! SNS in one region: topics with their subscriptions.

use super::{Part, last_part};
use crate::snapshot::monitoring::{Subscription, Topic};
use aws_sdk_sns::Client;
use std::collections::HashMap;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["sns.topic"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["sns.topic"];
    let topics = each_item!(part, "sns", region, "ListTopics", kinds, client.list_topics(), |t| t);
    if topics.is_empty() {
        return part;
    }
    // One account-wide listing rather than one call per topic.
    let mut by_topic: HashMap<String, Vec<Subscription>> = HashMap::new();
    for s in each_item!(
        part,
        "sns",
        region,
        "ListSubscriptions",
        kinds,
        client.list_subscriptions(),
        |s| s
    ) {
        by_topic
            .entry(s.topic_arn().unwrap_or_default().to_string())
            .or_default()
            .push(Subscription {
                protocol: s.protocol().unwrap_or_default().into(),
                endpoint: s.endpoint().unwrap_or_default().into(),
                pending_confirmation: s.subscription_arn() == Some("PendingConfirmation"),
            });
    }
    for t in topics {
        let arn = t.topic_arn().unwrap_or_default().to_string();
        part.resources.sns_topic.push(Topic {
            id: last_part(&arn).into(),
            region: region.into(),
            subscriptions: by_topic.remove(&arn).unwrap_or_default(),
            arn,
        });
    }
    part
}
