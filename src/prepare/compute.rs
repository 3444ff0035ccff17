//! Derived fields of the compute kinds: Elastic Beanstalk environment
//! properties, the registry scanning an ECR repository falls under, an ECS
//! service's exposure.

use super::derive::{Derive, SECURITY_GROUPS, SUBNETS, stored_only};
use super::network::PermissionView;
use super::{Join, Joins};
use crate::snapshot::compute::*;
use serde::Serialize;

/// The namespace of Elastic Beanstalk environment properties.
const ENVIRONMENT_NAMESPACE: &str = "aws:elasticbeanstalk:application:environment";

/// An environment property.
#[derive(Debug, Default, Serialize)]
pub struct Property<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

#[derive(Debug, Default, Serialize)]
pub struct BeanstalkEnvironmentFields<'a> {
    /// The environment properties among the option settings.
    pub environment: Vec<Property<'a>>,
}

impl Derive for BeanstalkEnvironment {
    type Fields<'a> = BeanstalkEnvironmentFields<'a>;
    fn derive<'a>(&'a self, _: &'a Joins<'a>) -> Self::Fields<'a> {
        BeanstalkEnvironmentFields {
            environment: self
                .settings
                .iter()
                .filter(|s| s.namespace == ENVIRONMENT_NAMESPACE)
                .map(|s| Property {
                    name: &s.option,
                    value: &s.value,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct RepositoryFields<'a> {
    /// `BASIC` or `ENHANCED`; null when the registry's setting is unknown.
    pub registry_scan_type: Option<&'a str>,
    /// A registry scanning rule scans this repository on push (or
    /// continuously, with enhanced scanning): its filter matches the name.
    /// Enhanced scanning whose rules were not recorded counts, as before
    /// rules were collected.
    pub registry_scan_on_push: bool,
}

impl Derive for Repository {
    type Fields<'a> = RepositoryFields<'a>;
    const JOINS: &'static [Join] = &[
        ("registry_scan_type", &["ecr.registry_scanning"]),
        ("registry_scan_on_push", &["ecr.registry_scanning"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let registry = joins.registry_scanning.get(self.region.as_str());
        let enhanced = registry.is_some_and(|g| g.scan_type == "ENHANCED");
        let scans = |r: &ScanningRule| {
            (r.frequency == "SCAN_ON_PUSH" || (enhanced && r.frequency == "CONTINUOUS_SCAN"))
                && r.filters
                    .iter()
                    .any(|f| crate::glob::wildcard_match(f.as_bytes(), self.id.as_bytes()))
        };
        RepositoryFields {
            registry_scan_type: registry.map(|g| g.scan_type.as_str()),
            registry_scan_on_push: registry
                .is_some_and(|g| g.rules.iter().any(scans) || (enhanced && g.rules.is_empty())),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct EcsServiceFields<'a> {
    /// The inbound permissions of its security groups.
    pub ingress: Vec<PermissionView<'a>>,
    /// Its subnets that route to an internet gateway.
    pub public_subnet_ids: Vec<&'a str>,
    /// The security groups of the region's load balancers (a permission
    /// from one of them admits only what the load balancer forwards).
    pub load_balancer_security_groups: Vec<&'a str>,
}

impl Derive for EcsService {
    type Fields<'a> = EcsServiceFields<'a>;
    const JOINS: &'static [Join] = &[
        ("ingress", SECURITY_GROUPS),
        ("public_subnet_ids", SUBNETS),
        ("load_balancer_security_groups", &["elbv2.load_balancer"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let region = self.region.as_str();
        EcsServiceFields {
            ingress: PermissionView::ingress_of(joins, region, &self.security_groups),
            public_subnet_ids: joins.public_subnets(region, &self.subnet_ids),
            load_balancer_security_groups: joins
                .load_balancer_groups
                .get(region)
                .map_or_else(Vec::new, |groups| groups.iter().copied().collect()),
        }
    }
}

stored_only!(TaskDefinition, Function, RegistryScanning);
