//! Derived fields of the compute kinds: Elastic Beanstalk environment
//! properties, the registry scanning an ECR repository falls under.

use super::derive::{Derive, stored_only};
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
}

impl Derive for Repository {
    type Fields<'a> = RepositoryFields<'a>;
    const JOINS: &'static [Join] = &[("registry_scan_type", &["ecr.registry_scanning"])];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        RepositoryFields {
            registry_scan_type: joins
                .registry_scanning
                .get(self.region.as_str())
                .map(|g| g.scan_type.as_str()),
        }
    }
}

stored_only!(TaskDefinition, Function, RegistryScanning);
