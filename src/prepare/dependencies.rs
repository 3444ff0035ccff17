//! Which kinds a rule's data comes from: the kind it iterates over, and the
//! kinds joined into the derived fields its expressions read. A gap in any
//! of them makes the rule `error` instead of `pass`.
//!
//! The fields a rule reads are found in the compiled CEL, as the
//! selections `resource.<field>` (and `resource["field"]`), not in the text,
//! so a string literal that happens to spell a field name adds nothing and
//! a field read under another name is still seen.

use super::SYNTHETIC_KINDS;
use super::derive::Join;
use cel::common::ast::{EntryExpr, Expr, LiteralValue};
use std::collections::BTreeSet;

/// The derived fields of `kind` that join other kinds, each with the kinds
/// it reads, as declared next to the kind's derive step. (Rules over the
/// synthetic `account` and `region` kinds list what they read in `needs`.)
pub fn join_sources(kind: &str) -> &'static [Join] {
    super::declared_joins(kind)
}

/// What a set of expressions reads of `resource`.
#[derive(Debug, Default, PartialEq)]
pub struct Reads {
    /// The top-level fields selected on `resource`.
    pub fields: BTreeSet<String>,
    /// `resource` is used whole (passed to a function, bound to a name,
    /// indexed by a computed key): it may read any field.
    pub whole: bool,
}

impl Reads {
    /// Adds what `expr` reads.
    pub fn add(&mut self, expr: &Expr) {
        match expr {
            Expr::Select(select) => match &select.operand.expr {
                Expr::Ident(name) if name == "resource" => {
                    self.fields.insert(select.field.clone());
                }
                other => self.add(other),
            },
            Expr::Call(call) => {
                // resource["field"]: an index with a literal string.
                if (call.func_name == "_[_]" || call.func_name == "_[?_]")
                    && let [target, key] = call.args.as_slice()
                    && matches!(&target.expr, Expr::Ident(name) if name == "resource")
                {
                    match &key.expr {
                        Expr::Literal(LiteralValue::String(field)) => {
                            self.fields.insert(field.inner().to_string());
                        }
                        _ => self.whole = true,
                    }
                    return;
                }
                if let Some(target) = &call.target {
                    self.add(&target.expr);
                }
                for arg in &call.args {
                    self.add(&arg.expr);
                }
            }
            Expr::Ident(name) => {
                if name == "resource" {
                    self.whole = true;
                }
            }
            Expr::Comprehension(c) => {
                for e in [&c.iter_range, &c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.add(&e.expr);
                }
            }
            Expr::List(list) => {
                for e in &list.elements {
                    self.add(&e.expr);
                }
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(e) = &entry.expr {
                        self.add(&e.key.expr);
                        self.add(&e.value.expr);
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    match &entry.expr {
                        EntryExpr::StructField(f) => self.add(&f.value.expr),
                        EntryExpr::MapEntry(e) => {
                            self.add(&e.key.expr);
                            self.add(&e.value.expr);
                        }
                    }
                }
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
}

/// The kinds whose data a rule over `kind` depends on, given what its
/// expressions read: the kind itself, and the sources of the derived fields
/// it reads. A rule that reads only a database's own settings does not
/// depend on alarms.
pub fn dependencies(kind: &str, reads: &Reads) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    if !SYNTHETIC_KINDS.contains(&kind) {
        kinds.push(kind.to_string());
    }
    for (field, sources) in join_sources(kind) {
        if reads.whole || reads.fields.contains(*field) {
            kinds.extend(sources.iter().map(|s| s.to_string()));
        }
    }
    let mut seen = BTreeSet::new();
    kinds.retain(|k| seen.insert(k.clone()));
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(expressions: &[&str]) -> Reads {
        let mut reads = Reads::default();
        for e in expressions {
            let program = crate::cel::functions::ENV.compile(e).expect("valid CEL");
            reads.add(&program.expression().expr);
        }
        reads
    }

    #[test]
    fn selections_of_resource_are_fields() {
        let r = reads(&["resource.ingress.exists(p, p.open_to_world) && has(resource.engine)"]);
        assert_eq!(r.fields, ["engine", "ingress"].map(String::from).into());
        assert!(!r.whole);
    }

    #[test]
    fn a_string_literal_is_not_a_read() {
        let r = reads(&["resource.engine == 'parameters'"]);
        assert_eq!(dependencies("rds.db_instance", &r), ["rds.db_instance"]);
    }

    #[test]
    fn a_derived_field_brings_its_sources() {
        let r = reads(&["size(resource.subnet_ids) > 0"]);
        assert_eq!(
            dependencies("ec2.vpc", &r),
            ["ec2.vpc", "ec2.subnet", "ec2.route_table"]
        );
        let r = reads(&["resource['parameters']['rds.force_ssl'] == '1'"]);
        assert_eq!(
            dependencies("rds.db_instance", &r),
            ["rds.db_instance", "rds.parameter_group"]
        );
    }

    #[test]
    fn resource_used_whole_depends_on_every_join() {
        let r = reads(&["[resource].exists(x, x.public)"]);
        assert!(r.whole);
        assert_eq!(
            dependencies("s3.bucket", &r),
            [
                "s3.bucket",
                "cloudfront.distribution",
                "s3.account_public_access_block",
                "s3.bucket_versioning"
            ]
        );
    }

    #[test]
    fn a_field_of_a_joined_value_is_not_a_field_of_the_resource() {
        // `web_acl` here is a field of a listener, not of the load balancer.
        let r = reads(&["resource.listeners.all(l, has(l.web_acl))"]);
        assert_eq!(
            dependencies("elbv2.load_balancer", &r),
            ["elbv2.load_balancer", "elbv2.listener"]
        );
    }
}
