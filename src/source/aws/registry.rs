//! The collectors, listed once: which run per region and which once per
//! account. The jobs and the kinds a snapshot says it collected are
//! generated from this list and from each module's `KINDS`.

use super::{Global, Job};

/// Declares the collector modules: `regional` ones have
/// `collect(&SdkConfig, region)`, `global` ones `collect_global(Global)`.
macro_rules! collectors {
    (regional: $($regional:ident),* $(,)?; global: $($global:ident),* $(,)?;) => {
        /// A job for each regional collector in `region`.
        pub fn regional_jobs(config: &aws_config::SdkConfig, region: &str) -> Vec<Job> {
            vec![$({
                let (config, region) = (config.clone(), region.to_string());
                Box::pin(async move { super::$regional::collect(&config, &region).await }) as Job
            }),*]
        }

        /// A job for each global collector.
        pub fn global_jobs(global: &Global) -> Vec<Job> {
            vec![$(Box::pin(super::$global::collect_global(global.clone())) as Job),*]
        }

        /// Every collector module with the kinds it writes.
        pub const COLLECTORS: &[(&str, &[&str])] = &[
            $((stringify!($regional), super::$regional::KINDS),)*
            $((stringify!($global), super::$global::KINDS),)*
        ];
    };
}

collectors! {
    regional: ec2, prefix_lists, interfaces, network_acls, ebs_snapshots, ssm, rds, rds_snapshots, elasticache, efs, elbv2,
        wafv2, acm, ecs, lambda, elasticbeanstalk, ecr, secretsmanager, kms, accessanalyzer, cloudtrail, config, logs,
        cloudwatch, sns, guardduty, securityhub;
    global: s3, s3control, cloudfront, wafv2, iam;
}

/// The kinds this build collects, in the snapshot's order of kinds.
pub fn collected() -> Vec<&'static str> {
    crate::snapshot::KINDS
        .iter()
        .copied()
        .filter(|kind| COLLECTORS.iter().any(|(_, kinds)| kinds.contains(kind)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::COLLECTORS;

    #[test]
    fn every_collected_kind_is_in_the_model() {
        for (module, kinds) in COLLECTORS {
            for kind in *kinds {
                assert!(
                    crate::snapshot::KINDS.contains(kind),
                    "the {module} collector writes `{kind}`, which the snapshot model does not declare"
                );
            }
        }
    }

    #[test]
    fn collection_covers_every_aws_kind() {
        // The kinds no collector writes come from other sources.
        let others = ["http.endpoint", "attestation"];
        for kind in crate::snapshot::KINDS {
            assert!(
                super::collected().contains(kind) || others.contains(kind),
                "no collector writes `{kind}`"
            );
        }
    }
}
