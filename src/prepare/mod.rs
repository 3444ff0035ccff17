//! Prepares a snapshot for evaluation: computes every derived field and
//! cross-kind join once, builds the synthetic `account` and `region`
//! resources, and converts each resource into the CEL value that every rule
//! of its kind then borrows (never converted again).
//!
//! This is the only place that knows how kinds relate (which subnets are
//! public, which security groups an RDS instance uses, which buckets a
//! CloudFront distribution serves). Some derived fields are facts that read
//! like verdicts (`open_to_world`, a bucket's `public`, an attestation's
//! `valid`); they are computed here, by [`crate::semantics`], so that every
//! rule reads one definition. Pass and fail are decided by the rules.
//!
//! Every stored kind has one [`Derive`] step, next to its area's other kinds
//! (`network.rs`, `data.rs`, ... mirroring `crate::snapshot`); the table of
//! kinds is generated from the snapshot's one list, so a kind without its
//! step does not compile.

mod compute;
mod data;
pub mod dependencies;
mod derive;
mod edge;
mod identity;
mod joins;
mod monitoring;
mod network;
mod synthetic;

pub use dependencies::{dependencies, join_sources};
pub use derive::{Derive, Join, NoFields};
pub use joins::Joins;
pub use synthetic::{SYNTHETIC_KINDS, is_known_kind};

use crate::cel::serialize::{map_of, to_entries};
use crate::semantics::network::World;
use crate::snapshot::{Account, Gap, Resource, ResourceRef, Snapshot};
use cel::common::value::Val;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// One resource ready for evaluation.
pub struct PreparedResource {
    /// What findings about it name; shared by all of them.
    pub resource: Arc<ResourceRef>,
    /// The resource with its derived fields, as a CEL value.
    pub value: Box<dyn Val>,
}

impl PreparedResource {
    fn new(kind: &str, id: &str, arn: &str, region: &str, name: &str, value: Box<dyn Val>) -> PreparedResource {
        let resource = ResourceRef {
            kind: kind.to_string(),
            id: id.to_string(),
            arn: arn.to_string(),
            region: region.to_string(),
            name: name.to_string(),
            location: None,
        };
        PreparedResource {
            resource: Arc::new(resource),
            value,
        }
    }

    pub fn id(&self) -> &str {
        &self.resource.id
    }

    pub fn region(&self) -> &str {
        &self.resource.region
    }
}

/// A snapshot ready for evaluation.
pub struct Prepared {
    pub account: Account,
    pub collected_at: DateTime<Utc>,
    pub regions: Vec<String>,
    /// The snapshot's gaps, and one for each resource that could not be
    /// converted for evaluation (so that its rules report `error`).
    pub gaps: Vec<Gap>,
    /// The kinds the snapshot covers; `None` means every kind.
    pub collected: Option<Vec<String>>,
    /// Kinds taken to be empty for joins (see `Snapshot::assumed_empty`).
    pub assumed_empty: Vec<String>,
    /// Kinds holding only some resources (see `Snapshot::partial`).
    pub partial: Vec<String>,
    /// Resources by kind, synthetic kinds (`account`, `region`) included.
    pub items: HashMap<&'static str, Vec<PreparedResource>>,
}

impl Prepared {
    /// Whether the snapshot covers `kind`.
    pub fn covers(&self, kind: &str) -> bool {
        self.collected
            .as_ref()
            .is_none_or(|kinds| kinds.iter().any(|k| k == kind))
    }

    /// Whether the snapshot holds only some resources of `kind`.
    pub fn is_partial(&self, kind: &str) -> bool {
        self.partial.iter().any(|k| k == kind)
    }

    /// Whether `kind` was not read but is taken to be empty for joins.
    pub fn assumes_empty(&self, kind: &str) -> bool {
        self.assumed_empty.iter().any(|k| k == kind)
    }

    /// The resources of `kind` (empty when there are none).
    pub fn of_kind(&self, kind: &str) -> &[PreparedResource] {
        self.items.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The number of stored (non-synthetic) resources.
    pub fn resource_count(&self) -> usize {
        self.items
            .iter()
            .filter(|(kind, _)| !SYNTHETIC_KINDS.contains(kind))
            .map(|(_, items)| items.len())
            .sum()
    }
}

/// Generates, from the snapshot's list of kinds, the loop that prepares
/// every stored kind through its [`Derive`] step.
macro_rules! prepare_kinds {
    ($( $(#[$doc:meta])* $kind:literal => $field:ident : $ty:ty ),* $(,)?) => {
        fn prepare_stored(snapshot: &Snapshot, joins: &Joins, out: &mut Built) {
            let r = &snapshot.resources;
            $( out.add($kind, build::<$ty>(&r.$field, $kind, joins)); )*
        }

        /// The joins declared by each stored kind's [`Derive`] step.
        fn declared_joins(kind: &str) -> &'static [Join] {
            match kind {
                $( $kind => <$ty as Derive>::JOINS, )*
                _ => &[],
            }
        }

        /// Every stored kind with the names of its derived fields (for the
        /// test that each declared join names a real field).
        fn derived_field_names() -> Vec<(&'static str, Vec<String>)> {
            vec![$( ($kind, derive::field_names::<$ty>()), )*]
        }

        /// The stored fields each derived field of `kind` is computed from.
        fn declared_sources(kind: &str) -> &'static [derive::Source] {
            match kind {
                $( $kind => <$ty as Derive>::SOURCES, )*
                _ => &[],
            }
        }
    };
}
crate::snapshot::for_each_kind!(prepare_kinds);

/// Where a field a rule reads of a resource comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// A stored field of the kind.
    Stored,
    /// A derived field computed from these stored fields, or (None) from
    /// any of them.
    Derived(Option<&'static [&'static str]>),
    /// Neither: the kind has no such field (a rule over several kinds).
    Absent,
}

/// Where `field` of a resource of `kind` comes from.
pub fn provenance(kind: &str, field: &str) -> Provenance {
    type Names = HashMap<&'static str, Vec<String>>;
    static DERIVED: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    let derived = DERIVED.get_or_init(|| derived_field_names().into_iter().collect());
    if derived.get(kind).is_some_and(|names| names.iter().any(|n| n == field)) {
        return Provenance::Derived(
            declared_sources(kind)
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, s)| *s),
        );
    }
    if SYNTHETIC_KINDS.contains(&kind) {
        return Provenance::Derived(None);
    }
    match crate::snapshot::stored_fields(kind) {
        Some(stored) if stored.contains(field) => Provenance::Stored,
        Some(_) => Provenance::Absent,
        None => Provenance::Derived(None),
    }
}

/// The prepared resources, and resources that could not be converted.
#[derive(Default)]
struct Built {
    items: HashMap<&'static str, Vec<PreparedResource>>,
    gaps: Vec<Gap>,
}

impl Built {
    fn add(&mut self, kind: &'static str, (items, mut gaps): (Vec<PreparedResource>, Vec<Gap>)) {
        self.items.insert(kind, items);
        self.gaps.append(&mut gaps);
    }
}

/// Prepares `snapshot`: derived fields, joins, synthetic kinds, CEL values.
/// Expiry (attestations) is judged on the day of collection.
pub fn prepare(snapshot: &Snapshot) -> Prepared {
    prepare_on(snapshot, snapshot.collected_at.date_naive())
}

/// Prepares `snapshot`, judging expiry (attestations) as of `today` rather
/// than the day of collection. Ages of credentials stay relative to the
/// collection, which is when they were observed.
pub fn prepare_on(snapshot: &Snapshot, today: chrono::NaiveDate) -> Prepared {
    prepare_with(
        snapshot,
        &Options {
            today,
            world: World::default(),
        },
    )
}

/// What preparation takes besides the snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The day expiry (attestations) is judged on.
    pub today: chrono::NaiveDate,
    /// How large a public block counts as the world.
    pub world: World,
}

/// Prepares `snapshot` with `options`.
pub fn prepare_with(snapshot: &Snapshot, options: &Options) -> Prepared {
    let joins = Joins::new(snapshot, options);
    let mut built = Built::default();
    prepare_stored(snapshot, &joins, &mut built);
    built
        .items
        .insert("account", vec![synthetic::account(snapshot, &joins)]);
    built.items.insert("region", synthetic::regions(snapshot));
    attach_locations(snapshot, &mut built.items);

    // Evaluation emits findings in item order; sorting here once replaces a
    // sort of all findings later.
    built
        .items
        .par_iter_mut()
        .for_each(|(_, list)| list.par_sort_by(|a, b| (a.region(), a.id()).cmp(&(b.region(), b.id()))));

    let mut gaps = snapshot.gaps.clone();
    gaps.append(&mut built.gaps);
    Prepared {
        account: snapshot.account.clone(),
        collected_at: snapshot.collected_at,
        regions: snapshot.regions.clone(),
        gaps,
        collected: snapshot.collected.clone(),
        assumed_empty: snapshot.assumed_empty.clone(),
        partial: snapshot.partial.clone(),
        items: built.items,
    }
}

/// Gives the resources of a snapshot read from code (a Terraform plan) their
/// address and line, which every finding about them then carries.
fn attach_locations(snapshot: &Snapshot, items: &mut HashMap<&'static str, Vec<PreparedResource>>) {
    if snapshot.locations.is_empty() {
        return;
    }
    let by_resource: HashMap<(&str, &str), &crate::snapshot::CodeLocation> = snapshot
        .locations
        .iter()
        .map(|l| ((l.kind.as_str(), l.id.as_str()), l))
        .collect();
    for (kind, list) in items.iter_mut() {
        for item in list.iter_mut() {
            if let Some(location) = by_resource.get(&(*kind, item.id())) {
                let mut resource = (*item.resource).clone();
                resource.location = Some((*location).clone());
                item.resource = Arc::new(resource);
            }
        }
    }
}

/// Converts each resource with its derived fields, in parallel. Derived
/// fields come first so that they replace stored fields of the same name
/// (`ingress` is replaced by its normalised form). A resource that cannot
/// be converted (the model never has such shapes, but a bug must not turn
/// into a silent pass) is kept with only its identity, under a gap that
/// names it.
fn build<T: Derive>(list: &[T], kind: &'static str, joins: &Joins) -> (Vec<PreparedResource>, Vec<Gap>) {
    let results: Vec<(PreparedResource, Option<Gap>)> = list
        .par_iter()
        .with_min_len(256)
        .map(|resource| {
            let converted = to_entries(&resource.derive(joins)).and_then(|mut entries| {
                entries.extend(to_entries(resource)?);
                Ok(entries)
            });
            let (value, gap) = match converted {
                Ok(entries) => (map_of(entries), None),
                Err(e) => (map_of(Vec::new()), Some(unconvertible(kind, resource, &e.to_string()))),
            };
            let item = PreparedResource::new(
                kind,
                resource.id(),
                resource.arn(),
                resource.region(),
                resource.name(),
                value,
            );
            (item, gap)
        })
        .collect();
    let mut gaps = Vec::new();
    let items = results
        .into_iter()
        .map(|(item, gap)| {
            gaps.extend(gap);
            item
        })
        .collect();
    (items, gaps)
}

fn unconvertible(kind: &str, resource: &dyn Resource, message: &str) -> Gap {
    Gap {
        service: kind.split('.').next().unwrap_or(kind).to_string(),
        region: resource.region().to_string(),
        operation: "prepare".into(),
        code: "Unconvertible".into(),
        message: format!("the resource could not be converted for evaluation: {message}"),
        kinds: vec![kind.to_string()],
        resource_id: Some(resource.id().to_string()),
        fields: Vec::new(),
    }
}

/// The partition of the account, `aws` when the snapshot names none.
fn partition(account: &Account) -> &str {
    if account.partition.is_empty() {
        "aws"
    } else {
        &account.partition
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_join_names_a_derived_field() {
        for (kind, fields) in derived_field_names() {
            for (field, sources) in declared_joins(kind) {
                assert!(
                    fields.iter().any(|f| f == field),
                    "{kind}: the join `{field}` names no derived field (fields: {fields:?})"
                );
                for source in *sources {
                    assert!(
                        crate::snapshot::KINDS.contains(source),
                        "{kind}.{field} reads unknown kind {source}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_declared_source_names_a_derived_field_and_stored_fields() {
        for (kind, fields) in derived_field_names() {
            let stored = crate::snapshot::stored_fields(kind).expect("a stored kind");
            for (field, sources) in declared_sources(kind) {
                assert!(
                    fields.iter().any(|f| f == field),
                    "{kind}: the source list of `{field}` names no derived field"
                );
                for source in *sources {
                    assert!(
                        stored.contains(*source),
                        "{kind}.{field} is computed from unknown field {source}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_field_is_stored_derived_from_declared_fields_or_absent() {
        assert_eq!(provenance("s3.bucket", "website_enabled"), Provenance::Stored);
        // `public` is computed from the policy and the blocks, not versioning.
        let Provenance::Derived(Some(sources)) = provenance("s3.bucket", "public") else {
            panic!("public is a derived field with declared sources");
        };
        assert!(sources.contains(&"policy") && !sources.contains(&"versioning"));
        // Undeclared derived fields may depend on anything.
        assert_eq!(
            provenance("rds.db_instance", "engine_family"),
            Provenance::Derived(None)
        );
        assert_eq!(provenance("ec2.instance", "other_versions"), Provenance::Absent);
        assert_eq!(provenance("account", "anything"), Provenance::Derived(None));
    }

    #[test]
    fn every_resource_of_the_example_is_prepared_and_converts() {
        let snapshot = crate::snapshot::parse(
            include_str!("../../fixtures/example-account.json"),
            std::path::Path::new("fixtures/example-account.json"),
        )
        .expect("the example parses");
        let prepared = prepare(&snapshot);
        for (kind, resources) in snapshot.resources.each_kind() {
            assert_eq!(prepared.of_kind(kind).len(), resources.len(), "{kind}");
        }
        assert_eq!(prepared.of_kind("account").len(), 1);
        assert_eq!(prepared.of_kind("region").len(), snapshot.regions.len());
        // No resource fell back to an identity-only value.
        assert_eq!(prepared.gaps.len(), snapshot.gaps.len(), "{:?}", prepared.gaps);
    }
}
