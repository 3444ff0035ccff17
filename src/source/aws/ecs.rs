//! ECS in one region: the active task definition revisions, with their
//! containers' plain environment variables and secret references, and every
//! cluster's services with their network configuration.

use super::Part;
use crate::snapshot::compute::{Container, ContainerSecret, EcsService, EnvVar, TaskDefinition};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{AssignPublicIp, TaskDefinitionStatus};

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ecs.task_definition", "ecs.service"];

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
    services(&client, region, &mut part).await;
    part
}

/// The services of every cluster, with their network configuration.
/// `DescribeServices` takes at most 10 services a call.
async fn services(client: &Client, region: &str, part: &mut Part) {
    let kinds = &["ecs.service"];
    let clusters = each_item!(
        part,
        "ecs",
        region,
        "ListClusters",
        kinds,
        client.list_clusters(),
        |arn| arn
    );
    for cluster in clusters {
        let arns = each_item!(
            part,
            "ecs",
            region,
            "ListServices",
            kinds,
            client.list_services().cluster(&cluster),
            |arn| arn
        );
        let cluster_name = super::last_part(&cluster).to_string();
        for batch in arns.chunks(10) {
            let out = call!(
                part,
                "ecs",
                region,
                "DescribeServices",
                kinds,
                client
                    .describe_services()
                    .cluster(&cluster)
                    .set_services(Some(batch.to_vec()))
            );
            let Some(out) = out else { continue };
            for s in out.services() {
                part.resources.ecs_service.push(service(s, region, &cluster_name));
            }
            // A service the answer says it could not describe stays undecided.
            for f in out.failures() {
                let arn = f.arn().unwrap_or_default();
                part.gaps.push(crate::snapshot::Gap {
                    resource_id: Some(super::last_part(arn).to_string()),
                    ..super::call::note(
                        "ecs",
                        region,
                        "DescribeServices",
                        f.reason().unwrap_or("Failure"),
                        format!("service {arn} could not be described"),
                        kinds,
                    )
                });
            }
        }
    }
}

fn service(s: &aws_sdk_ecs::types::Service, region: &str, cluster: &str) -> EcsService {
    let network = s.network_configuration().and_then(|n| n.awsvpc_configuration());
    EcsService {
        id: s.service_name().unwrap_or_default().into(),
        arn: s.service_arn().unwrap_or_default().into(),
        region: region.into(),
        cluster: cluster.into(),
        launch_type: s.launch_type().map(|l| l.as_str().to_string()).unwrap_or_default(),
        task_definition: s.task_definition().unwrap_or_default().into(),
        assign_public_ip: network.and_then(|n| n.assign_public_ip()) == Some(&AssignPublicIp::Enabled),
        security_groups: network.map(|n| n.security_groups().to_vec()).unwrap_or_default(),
        subnet_ids: network.map(|n| n.subnets().to_vec()).unwrap_or_default(),
        target_groups: s
            .load_balancers()
            .iter()
            .filter_map(|l| l.target_group_arn().map(String::from))
            .collect(),
        desired_count: i64::from(s.desired_count()),
    }
}
