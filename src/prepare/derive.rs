//! The one step each stored kind has: its derived fields, as a typed
//! struct, and the kinds each of them joins.

use super::Joins;
use crate::snapshot::Resource;
use serde::Serialize;

/// A derived field and the kinds it reads: a gap in any of them leaves the
/// field incomplete, so a rule that reads the field reports `error`.
pub type Join = (&'static str, &'static [&'static str]);

/// A derived field and the stored fields of its own resource it is
/// computed from (a plan's unknown `policy` leaves `public` unknown, not
/// `versioning`).
pub type Source = (&'static str, &'static [&'static str]);

/// A stored kind's derived fields.
///
/// `Fields` is serialised into CEL on the same path as the stored fields
/// (no JSON detour), before them, so that a derived field replaces a
/// stored one of the same name. `JOINS` names, for each derived field that
/// reads other kinds, those kinds; a unit test checks that every name is a
/// field of `Fields`.
pub trait Derive: Resource + Serialize + Sync {
    type Fields<'a>: Serialize + Default
    where
        Self: 'a;

    /// The derived fields that read other kinds, with those kinds.
    const JOINS: &'static [Join] = &[];

    /// The derived fields computed from stored fields, with those fields.
    /// A derived field not listed may depend on any stored field.
    const SOURCES: &'static [Source] = &[];

    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a>;
}

/// The derived fields of a kind that has none.
#[derive(Debug, Default, Serialize)]
pub struct NoFields {}

/// Declares kinds whose prepared value is their stored fields only.
macro_rules! stored_only {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::prepare::Derive for $ty {
            type Fields<'a> = $crate::prepare::NoFields;
            fn derive<'a>(&'a self, _: &'a $crate::prepare::Joins<'a>) -> Self::Fields<'a> {
                $crate::prepare::NoFields {}
            }
        })*
    };
}
pub(crate) use stored_only;

/// The derived field of a kind that expires (certificates).
#[derive(Debug, Default, Serialize)]
pub struct ExpiryFields {
    /// Whole days from the collection to its expiry; negative once expired,
    /// null when unknown.
    pub expires_in_days: Option<i64>,
}

/// Declares kinds whose derived field is `expires_in_days`, from the
/// stored field named.
macro_rules! expires {
    ($($ty:ty => $field:ident),* $(,)?) => {
        $(impl $crate::prepare::Derive for $ty {
            type Fields<'a> = $crate::prepare::derive::ExpiryFields;
            fn derive<'a>(&'a self, joins: &'a $crate::prepare::Joins<'a>) -> Self::Fields<'a> {
                $crate::prepare::derive::ExpiryFields {
                    expires_in_days: joins.days_until(self.$field),
                }
            }
        })*
    };
}
pub(crate) use expires;

/// The kinds a subnet's publicity is read from: the subnets, and the route
/// tables that say whether they route to an internet gateway.
pub const SUBNETS: &[&str] = &["ec2.subnet", "ec2.route_table"];

/// The kinds a security group's permissions are read from: the group, and
/// the prefix lists its permissions name.
pub const SECURITY_GROUPS: &[&str] = &["ec2.security_group", "ec2.prefix_list"];

/// The names of `T`'s derived fields.
pub fn field_names<T: Derive>() -> Vec<String> {
    match serde_json::to_value(T::Fields::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
