//! Lambda in one region: functions with their environment variables (which
//! ListFunctions returns, so one paginated call covers the region). When
//! Lambda could not decrypt a function's variables it returns an error in
//! their place; the function is kept with a gap naming it, never read as a
//! function without variables.

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
            if let Some(error) = f.environment().and_then(|e| e.error()) {
                part.gaps
                    .push(environment_gap(region, f.function_name().unwrap_or_default(), error));
            }
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

/// The gap for a function whose variables Lambda returned as an error.
fn environment_gap(
    region: &str,
    function: &str,
    error: &aws_sdk_lambda::types::EnvironmentError,
) -> crate::snapshot::Gap {
    crate::snapshot::Gap {
        resource_id: Some(function.into()),
        ..super::call::note(
            "lambda",
            region,
            "ListFunctions",
            error.error_code().unwrap_or("EnvironmentError"),
            format!(
                "the environment variables of `{function}` were not returned: {}",
                error.message().unwrap_or("no message")
            ),
            &["lambda.function"],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::EnvironmentError;

    #[test]
    fn variables_lambda_could_not_decrypt_are_a_gap_on_the_function() {
        let error = EnvironmentError::builder()
            .error_code("KMSAccessDeniedException")
            .message("Lambda was unable to decrypt the environment variables")
            .build();
        let gap = environment_gap("us-east-1", "worker", &error);
        assert_eq!(
            (gap.code.as_str(), gap.resource_id.as_deref(), gap.kinds.as_slice()),
            (
                "KMSAccessDeniedException",
                Some("worker"),
                &["lambda.function".to_string()][..]
            )
        );
        assert!(gap.message.contains("`worker`"), "{}", gap.message);
    }
}
