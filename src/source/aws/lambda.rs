//! Lambda in one region: functions with their environment variables (which
//! ListFunctions returns, so one paginated call covers the region).

use super::Part;
use crate::snapshot::compute::{EnvVar, Function};
use aws_sdk_lambda::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["lambda.function"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.lambda_function = each_item!(
        part,
        "lambda",
        region,
        "ListFunctions",
        &["lambda.function"],
        client.list_functions(),
        |f| {
            let mut environment: Vec<EnvVar> = f
                .environment()
                .and_then(|e| e.variables())
                .map(|vars| {
                    vars.iter()
                        .map(|(name, value)| EnvVar {
                            name: name.clone(),
                            value: value.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            environment.sort_by(|a, b| a.name.cmp(&b.name));
            Function {
                id: f.function_name().unwrap_or_default().into(),
                arn: f.function_arn().unwrap_or_default().into(),
                region: region.into(),
                runtime: f.runtime().map(|r| r.as_str().to_string()).unwrap_or_default(),
                environment,
                kms_key_arn: super::present(f.kms_key_arn()),
            }
        }
    );
    part
}
