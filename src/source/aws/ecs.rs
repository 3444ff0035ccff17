//! ECS in one region: the active task definition revisions, with their
//! containers' plain environment variables and secret references.

use super::Part;
use crate::snapshot::compute::{Container, ContainerSecret, EnvVar, TaskDefinition};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::TaskDefinitionStatus;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ecs.task_definition"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["ecs.task_definition"];
    let arns = each_item!(
        part,
        "ecs",
        region,
        "ListTaskDefinitions",
        kinds,
        client.list_task_definitions().status(TaskDefinitionStatus::Active),
        |arn| arn
    );
    for arn in arns {
        // `family:revision`, the part after `task-definition/`.
        let id = arn.rsplit_once('/').map_or(arn.as_str(), |(_, r)| r).to_string();
        let out = call!(
            part,
            "ecs",
            region,
            "DescribeTaskDefinition",
            kinds,
            resource = &id,
            client.describe_task_definition().task_definition(&arn)
        );
        // A revision whose details failed is kept, so that its gap reports
        // `error` on it rather than the revision going unseen.
        let Some(t) = out.as_ref().and_then(|o| o.task_definition()) else {
            part.resources.ecs_task_definition.push(TaskDefinition {
                id,
                arn: arn.clone(),
                region: region.into(),
                ..TaskDefinition::default()
            });
            continue;
        };
        part.resources.ecs_task_definition.push(TaskDefinition {
            id,
            arn: arn.clone(),
            region: region.into(),
            family: t.family().unwrap_or_default().into(),
            revision: i64::from(t.revision()),
            status: t.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            task_role_arn: super::present(t.task_role_arn()),
            containers: t
                .container_definitions()
                .iter()
                .map(|c| Container {
                    name: c.name().unwrap_or_default().into(),
                    image: c.image().unwrap_or_default().into(),
                    environment: c
                        .environment()
                        .iter()
                        .map(|e| EnvVar {
                            name: e.name().unwrap_or_default().into(),
                            value: e.value().unwrap_or_default().into(),
                        })
                        .collect(),
                    secrets: c
                        .secrets()
                        .iter()
                        .map(|s| ContainerSecret {
                            name: s.name().into(),
                            value_from: s.value_from().into(),
                        })
                        .collect(),
                    command: c.command().to_vec(),
                    entry_point: c.entry_point().to_vec(),
                })
                .collect(),
        });
    }
    part
}
