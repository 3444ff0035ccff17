//! Elastic Beanstalk in one region: environments (not terminated) with all
//! their option settings, environment properties included.

use super::Part;
use crate::snapshot::compute::{BeanstalkEnvironment, OptionSetting};
use aws_sdk_elasticbeanstalk::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["elasticbeanstalk.environment"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["elasticbeanstalk.environment"];
    let mut token: Option<String> = None;
    loop {
        let Some(out) = call!(
            part,
            "elasticbeanstalk",
            region,
            "DescribeEnvironments",
            kinds,
            client
                .describe_environments()
                .include_deleted(false)
                .set_next_token(token.clone())
        ) else {
            return part;
        };
        for env in out.environments() {
            let (Some(name), Some(application)) = (env.environment_name(), env.application_name()) else {
                continue;
            };
            // An environment whose settings cannot be read is kept, with the
            // gap, so it reports `error`, not "no variables".
            let settings = call!(
                part,
                "elasticbeanstalk",
                region,
                "DescribeConfigurationSettings",
                kinds,
                resource = name,
                client
                    .describe_configuration_settings()
                    .application_name(application)
                    .environment_name(name)
            );
            part.resources.elasticbeanstalk_environment.push(BeanstalkEnvironment {
                id: name.into(),
                arn: env.environment_arn().unwrap_or_default().into(),
                region: region.into(),
                application: application.into(),
                settings: settings
                    .iter()
                    .flat_map(|s| s.configuration_settings())
                    .flat_map(|c| c.option_settings())
                    .map(|o| OptionSetting {
                        namespace: o.namespace().unwrap_or_default().into(),
                        option: o.option_name().unwrap_or_default().into(),
                        value: o.value().unwrap_or_default().into(),
                    })
                    .collect(),
            });
        }
        token = super::present(out.next_token());
        if token.is_none() {
            return part;
        }
    }
}
