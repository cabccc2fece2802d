//! Reviewers' decisions on mappings, and the audit log every write leaves behind.
//!
//! Accepting a mapping makes it the reviewer's: basis `reviewed`, attributed to the reviewer from then on
//! (so a later re-import of the same item keeps it). Rejecting moves it out of the counted evidence into
//! `rejected_suggestions`, where it stays to be shown with an undo and so that no re-import suggests it
//! again. Undo takes the last decision back. Every decision leaves an audit-log row with the mapping
//! before and after, in the same transaction.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::forms::{NewAuditEntry, NewObjectiveMapping, NewPrincipleMapping};
use super::rows::AuditRow;
use super::schema::{
    audit_log, evidence_items, not_evidence_items, objective_mappings, principle_mappings,
    rejected_suggestions,
};
use super::version;
use super::{AnyConnection, DbError};

/// A mapping as the audit log and the answers show it.
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema, Queryable, Selectable,
)]
#[diesel(table_name = objective_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MappingState {
    pub id: i32,
    pub item_id: String,
    pub objective: i32,
    pub basis: String,
    pub confidence: f64,
    #[diesel(column_name = is_primary)]
    pub primary: bool,
    pub rationale: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub decision: &'static str,
    pub before: MappingState,
    /// The mapping after the decision; none once rejected.
    pub after: Option<MappingState>,
    /// True when the mapping already was as decided (accepting a reviewed mapping): nothing was written.
    pub unchanged: bool,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub action: String,
    pub actor: String,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub at: NaiveDateTime,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    pub id: i32,
    pub target: String,
}

/// Adds a row to the audit log (call it inside the transaction of the write it records).
pub fn record(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), DbError> {
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            at: Utc::now().naive_utc(),
            actor,
            action,
            target,
            before_value: before.map(|v| v.to_string()),
            after_value: after.map(|v| v.to_string()),
        })
        .execute(conn)?;
    Ok(())
}

/// The audit log, newest first, optionally for one target (`mapping:12`, `source:doc-...`).
pub fn audit_entries(
    conn: &mut AnyConnection,
    target: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, DbError> {
    let mut query = audit_log::table.into_boxed();
    if let Some(target) = target {
        query = query.filter(audit_log::target.eq(target.to_string()));
    }
    let rows = query
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?;
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            before: json(row.before_value),
            after: json(row.after_value),
        })
        .collect())
}

fn load_mapping(conn: &mut AnyConnection, id: i32) -> Result<Option<MappingState>, DbError> {
    Ok(objective_mappings::table
        .find(id)
        .select(MappingState::as_select())
        .first(conn)
        .optional()?)
}

/// A reviewer's decision on a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The mapping becomes the reviewer's (basis `reviewed`).
    Accept,
    /// The mapping leaves the counted evidence and is kept as rejected, never suggested again.
    Reject,
    /// The last decision on it is taken back: an accepted mapping gets its earlier basis and author
    /// again, a rejected one comes back, one a reviewer added goes.
    Undo,
}

impl Verdict {
    pub const NAMES: [&'static str; 3] = ["accept", "reject", "undo"];

    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "accept" => Some(Verdict::Accept),
            "reject" => Some(Verdict::Reject),
            "undo" => Some(Verdict::Undo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Verdict::NAMES[self as usize]
    }
}

/// A rejected suggestion, kept out of the counted evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable, Selectable)]
#[diesel(table_name = rejected_suggestions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Rejection {
    /// The id the objective mapping had (and gets again if the rejection is undone).
    pub mapping_id: Option<i32>,
    pub item_id: String,
    pub objective: Option<i32>,
    pub principle: Option<String>,
    pub basis: String,
    pub confidence: f64,
    #[diesel(column_name = is_primary)]
    pub primary: bool,
    pub rationale: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub rejected_by: String,
    pub rejected_at: NaiveDateTime,
}

impl Rejection {
    fn as_mapping(&self) -> Option<MappingState> {
        Some(MappingState {
            id: self.mapping_id?,
            item_id: self.item_id.clone(),
            objective: self.objective?,
            basis: self.basis.clone(),
            confidence: self.confidence,
            primary: self.primary,
            rationale: self.rationale.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = rejected_suggestions)]
struct NewRejection<'a> {
    item_id: &'a str,
    mapping_id: Option<i32>,
    objective: Option<i32>,
    principle: Option<&'a str>,
    basis: &'a str,
    confidence: f64,
    is_primary: bool,
    rationale: Option<&'a str>,
    created_by: &'a str,
    created_at: NaiveDateTime,
    rejected_by: &'a str,
    rejected_at: NaiveDateTime,
}

fn to_json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Decides on an objective mapping in one transaction, with its audit-log row. `None` when there is
/// no mapping with this id (for `Undo`, nor a rejection of one).
pub fn decide(
    conn: &mut AnyConnection,
    mapping_id: i32,
    verdict: Verdict,
    actor: &str,
) -> Result<Option<Decision>, DbError> {
    crate::db::write_transaction(conn, |conn| {
        let target = format!("mapping:{mapping_id}");
        let now = Utc::now().naive_utc();
        let current = load_mapping(conn, mapping_id)?;
        let decision = match (verdict, current) {
            (Verdict::Accept, Some(before)) if before.basis == "reviewed" => Decision {
                decision: "accept",
                after: Some(before.clone()),
                before,
                unchanged: true,
            },
            (Verdict::Accept, Some(before)) => {
                diesel::update(objective_mappings::table.find(mapping_id))
                    .set((
                        objective_mappings::basis.eq("reviewed"),
                        objective_mappings::created_by.eq(actor),
                        objective_mappings::created_at.eq(now),
                    ))
                    .execute(conn)?;
                let after = load_mapping(conn, mapping_id)?;
                Decision {
                    decision: "accept",
                    before,
                    after,
                    unchanged: false,
                }
            }
            (Verdict::Reject, Some(before)) => {
                reject_objective(conn, &before, actor, now)?;
                Decision {
                    decision: "reject",
                    before,
                    after: None,
                    unchanged: false,
                }
            }
            (Verdict::Undo, Some(before)) => match undo_of_accept(conn, &target)? {
                // Accepted by a reviewer: the basis and author it had before come back.
                Some(earlier) if before.basis == "reviewed" && earlier.id == mapping_id => {
                    diesel::update(objective_mappings::table.find(mapping_id))
                        .set((
                            objective_mappings::basis.eq(&earlier.basis),
                            objective_mappings::created_by.eq(&earlier.created_by),
                            objective_mappings::created_at.eq(earlier.created_at),
                        ))
                        .execute(conn)?;
                    let after = load_mapping(conn, mapping_id)?;
                    Decision {
                        decision: "undo",
                        before,
                        after,
                        unchanged: false,
                    }
                }
                // Added by a reviewer: taking it back removes it (it is no suggestion to keep).
                _ if before.basis == "reviewed" && was_added(conn, &target)? => {
                    diesel::delete(objective_mappings::table.find(mapping_id)).execute(conn)?;
                    Decision {
                        decision: "undo",
                        before,
                        after: None,
                        unchanged: false,
                    }
                }
                _ => Decision {
                    decision: "undo",
                    after: Some(before.clone()),
                    before,
                    unchanged: true,
                },
            },
            (Verdict::Undo, None) => {
                let rejection: Option<Rejection> = rejected_suggestions::table
                    .filter(rejected_suggestions::mapping_id.eq(mapping_id))
                    .select(Rejection::as_select())
                    .first(conn)
                    .optional()?;
                let Some(before) = rejection.as_ref().and_then(Rejection::as_mapping) else {
                    return Ok(None);
                };
                restore_objective(conn, &before)?;
                let after = load_mapping(conn, mapping_id)?;
                Decision {
                    decision: "undo",
                    before,
                    after,
                    unchanged: false,
                }
            }
            (Verdict::Accept | Verdict::Reject, None) => return Ok(None),
        };
        if !decision.unchanged {
            record(
                conn,
                actor,
                &format!("mapping.{}", verdict.as_str()),
                &target,
                to_json(&decision.before).as_ref(),
                decision.after.as_ref().and_then(to_json).as_ref(),
            )?;
            version::bump(conn)?;
        }
        Ok(Some(decision))
    })
}

/// Moves an objective mapping out of the evidence into the rejected suggestions.
fn reject_objective(
    conn: &mut AnyConnection,
    mapping: &MappingState,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(objective_mappings::table.find(mapping.id)).execute(conn)?;
    // A rejection of the same objective on the same item already kept (rejected, added again by a
    // reviewer, rejected again) is replaced by this one.
    diesel::delete(
        rejected_suggestions::table
            .filter(rejected_suggestions::item_id.eq(&mapping.item_id))
            .filter(rejected_suggestions::objective.eq(mapping.objective)),
    )
    .execute(conn)?;
    diesel::insert_into(rejected_suggestions::table)
        .values(NewRejection {
            item_id: &mapping.item_id,
            mapping_id: Some(mapping.id),
            objective: Some(mapping.objective),
            principle: None,
            basis: &mapping.basis,
            confidence: mapping.confidence,
            is_primary: mapping.primary,
            rationale: mapping.rationale.as_deref(),
            created_by: &mapping.created_by,
            created_at: mapping.created_at,
            rejected_by: actor,
            rejected_at: now,
        })
        .execute(conn)?;
    Ok(())
}

/// Puts a rejected objective mapping back, with the id it had.
fn restore_objective(conn: &mut AnyConnection, mapping: &MappingState) -> QueryResult<()> {
    diesel::delete(
        rejected_suggestions::table.filter(rejected_suggestions::mapping_id.eq(mapping.id)),
    )
    .execute(conn)?;
    diesel::insert_into(objective_mappings::table)
        .values((
            objective_mappings::id.eq(mapping.id),
            NewObjectiveMapping {
                item_id: &mapping.item_id,
                objective: mapping.objective,
                basis: &mapping.basis,
                confidence: mapping.confidence,
                is_primary: mapping.primary,
                rationale: mapping.rationale.as_deref(),
                created_by: &mapping.created_by,
                created_at: mapping.created_at,
            },
        ))
        .execute(conn)?;
    Ok(())
}

/// The mapping as it was before its last acceptance, from the audit log, if its last recorded change
/// was an acceptance.
fn undo_of_accept(conn: &mut AnyConnection, target: &str) -> Result<Option<MappingState>, DbError> {
    let last = audit_entries(conn, Some(target), 1)?.into_iter().next();
    Ok(last
        .filter(|entry| entry.action == "mapping.accept")
        .and_then(|entry| entry.before)
        .and_then(|before| serde_json::from_value(before).ok()))
}

/// Whether the mapping's last recorded change is its addition by a reviewer.
fn was_added(conn: &mut AnyConnection, target: &str) -> Result<bool, DbError> {
    let last = audit_entries(conn, Some(target), 1)?.into_iter().next();
    Ok(last.is_some_and(|entry| entry.action == "mapping.add"))
}

fn item_exists(conn: &mut AnyConnection, item_id: &str) -> QueryResult<bool> {
    Ok(evidence_items::table
        .find(item_id)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Adds an objective the classifier missed, as the reviewer's (basis `reviewed`, confidence 1), or
/// accepts it when it is already suggested; a rejection of it is taken back. `None` when there is no
/// such item. The caller checks that `objective` is one of the 23.
pub fn add_objective(
    conn: &mut AnyConnection,
    item_id: &str,
    objective: i32,
    actor: &str,
) -> Result<Option<MappingState>, DbError> {
    let existing: Option<i32> = objective_mappings::table
        .filter(objective_mappings::item_id.eq(item_id))
        .filter(objective_mappings::objective.eq(objective))
        .select(objective_mappings::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(decide(conn, id, Verdict::Accept, actor)?.and_then(|d| d.after));
    }
    crate::db::write_transaction(conn, |conn| {
        if !item_exists(conn, item_id)? {
            return Ok(None);
        }
        let now = Utc::now().naive_utc();
        diesel::delete(
            rejected_suggestions::table
                .filter(rejected_suggestions::item_id.eq(item_id))
                .filter(rejected_suggestions::objective.eq(objective)),
        )
        .execute(conn)?;
        let has_primary: i64 = objective_mappings::table
            .filter(objective_mappings::item_id.eq(item_id))
            .filter(objective_mappings::is_primary.eq(true))
            .count()
            .get_result(conn)?;
        diesel::insert_into(objective_mappings::table)
            .values(NewObjectiveMapping {
                item_id,
                objective,
                basis: "reviewed",
                confidence: 1.0,
                is_primary: has_primary == 0,
                rationale: Some("added by a reviewer"),
                created_by: actor,
                created_at: now,
            })
            .execute(conn)?;
        let added: MappingState = objective_mappings::table
            .filter(objective_mappings::item_id.eq(item_id))
            .filter(objective_mappings::objective.eq(objective))
            .select(MappingState::as_select())
            .first(conn)?;
        record(
            conn,
            actor,
            "mapping.add",
            &format!("mapping:{}", added.id),
            None,
            to_json(&added).as_ref(),
        )?;
        version::bump(conn)?;
        Ok(Some(added))
    })
}

/// A principle mapping as the audit log and the pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, Queryable, Selectable)]
#[diesel(table_name = principle_mappings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PrincipleState {
    pub item_id: String,
    pub principle: String,
    pub basis: String,
    pub confidence: f64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// What a decision on a principle mapping did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipleDecision {
    pub decision: &'static str,
    pub before: PrincipleState,
    pub after: Option<PrincipleState>,
    pub unchanged: bool,
}

fn load_principle(
    conn: &mut AnyConnection,
    item_id: &str,
    principle: &str,
) -> QueryResult<Option<PrincipleState>> {
    principle_mappings::table
        .find((item_id, principle))
        .select(PrincipleState::as_select())
        .first(conn)
        .optional()
}

/// Decides on an item's principle mapping, as [`decide`] does on an objective mapping. `None` when
/// the item has no such mapping (for `Undo`, nor a rejection of it).
pub fn decide_principle(
    conn: &mut AnyConnection,
    item_id: &str,
    principle: &str,
    verdict: Verdict,
    actor: &str,
) -> Result<Option<PrincipleDecision>, DbError> {
    crate::db::write_transaction(conn, |conn| {
        let target = format!("principle:{item_id}:{principle}");
        let now = Utc::now().naive_utc();
        let current = load_principle(conn, item_id, principle)?;
        let last = audit_entries(conn, Some(&target), 1)?.into_iter().next();
        let decision = match (verdict, current) {
            (Verdict::Accept, Some(before)) if before.basis == "reviewed" => PrincipleDecision {
                decision: "accept",
                after: Some(before.clone()),
                before,
                unchanged: true,
            },
            (Verdict::Accept, Some(before)) => {
                diesel::update(principle_mappings::table.find((item_id, principle)))
                    .set((
                        principle_mappings::basis.eq("reviewed"),
                        principle_mappings::created_by.eq(actor),
                        principle_mappings::created_at.eq(now),
                    ))
                    .execute(conn)?;
                PrincipleDecision {
                    decision: "accept",
                    before,
                    after: load_principle(conn, item_id, principle)?,
                    unchanged: false,
                }
            }
            (Verdict::Reject, Some(before)) => {
                reject_principle(conn, &before, actor, now)?;
                PrincipleDecision {
                    decision: "reject",
                    before,
                    after: None,
                    unchanged: false,
                }
            }
            (Verdict::Undo, Some(before)) => {
                let earlier: Option<PrincipleState> = last
                    .as_ref()
                    .filter(|entry| entry.action == "principle.accept")
                    .and_then(|entry| entry.before.clone())
                    .and_then(|value| serde_json::from_value(value).ok());
                let added = last.as_ref().is_some_and(|e| e.action == "principle.add");
                match earlier {
                    Some(earlier) => {
                        diesel::update(principle_mappings::table.find((item_id, principle)))
                            .set((
                                principle_mappings::basis.eq(&earlier.basis),
                                principle_mappings::created_by.eq(&earlier.created_by),
                                principle_mappings::created_at.eq(earlier.created_at),
                            ))
                            .execute(conn)?;
                        PrincipleDecision {
                            decision: "undo",
                            before,
                            after: load_principle(conn, item_id, principle)?,
                            unchanged: false,
                        }
                    }
                    None if added => {
                        diesel::delete(principle_mappings::table.find((item_id, principle)))
                            .execute(conn)?;
                        PrincipleDecision {
                            decision: "undo",
                            before,
                            after: None,
                            unchanged: false,
                        }
                    }
                    None => PrincipleDecision {
                        decision: "undo",
                        after: Some(before.clone()),
                        before,
                        unchanged: true,
                    },
                }
            }
            (Verdict::Undo, None) => {
                let rejection: Option<Rejection> = rejected_suggestions::table
                    .filter(rejected_suggestions::item_id.eq(item_id))
                    .filter(rejected_suggestions::principle.eq(principle))
                    .select(Rejection::as_select())
                    .first(conn)
                    .optional()?;
                let Some(rejection) = rejection else {
                    return Ok(None);
                };
                let before = PrincipleState {
                    item_id: item_id.to_string(),
                    principle: principle.to_string(),
                    basis: rejection.basis.clone(),
                    confidence: rejection.confidence,
                    created_by: rejection.created_by.clone(),
                    created_at: rejection.created_at,
                };
                restore_principle(conn, &before)?;
                PrincipleDecision {
                    decision: "undo",
                    after: load_principle(conn, item_id, principle)?,
                    before,
                    unchanged: false,
                }
            }
            (Verdict::Accept | Verdict::Reject, None) => return Ok(None),
        };
        if !decision.unchanged {
            record(
                conn,
                actor,
                &format!("principle.{}", verdict.as_str()),
                &target,
                to_json(&decision.before).as_ref(),
                decision.after.as_ref().and_then(to_json).as_ref(),
            )?;
            version::bump(conn)?;
        }
        Ok(Some(decision))
    })
}

fn reject_principle(
    conn: &mut AnyConnection,
    mapping: &PrincipleState,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(principle_mappings::table.find((&mapping.item_id, &mapping.principle)))
        .execute(conn)?;
    diesel::delete(
        rejected_suggestions::table
            .filter(rejected_suggestions::item_id.eq(&mapping.item_id))
            .filter(rejected_suggestions::principle.eq(&mapping.principle)),
    )
    .execute(conn)?;
    diesel::insert_into(rejected_suggestions::table)
        .values(NewRejection {
            item_id: &mapping.item_id,
            mapping_id: None,
            objective: None,
            principle: Some(&mapping.principle),
            basis: &mapping.basis,
            confidence: mapping.confidence,
            is_primary: false,
            rationale: None,
            created_by: &mapping.created_by,
            created_at: mapping.created_at,
            rejected_by: actor,
            rejected_at: now,
        })
        .execute(conn)?;
    Ok(())
}

fn restore_principle(conn: &mut AnyConnection, mapping: &PrincipleState) -> QueryResult<()> {
    diesel::delete(
        rejected_suggestions::table
            .filter(rejected_suggestions::item_id.eq(&mapping.item_id))
            .filter(rejected_suggestions::principle.eq(&mapping.principle)),
    )
    .execute(conn)?;
    diesel::insert_into(principle_mappings::table)
        .values(NewPrincipleMapping {
            item_id: &mapping.item_id,
            principle: &mapping.principle,
            basis: &mapping.basis,
            confidence: mapping.confidence,
            created_by: &mapping.created_by,
            created_at: mapping.created_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Adds a principle the classifier missed, as the reviewer's, or accepts it when already suggested.
/// `false` when there is no such item. The caller checks that `principle` is one of the ten.
pub fn add_principle(
    conn: &mut AnyConnection,
    item_id: &str,
    principle: &str,
    actor: &str,
) -> Result<bool, DbError> {
    if load_principle(conn, item_id, principle)?.is_some() {
        decide_principle(conn, item_id, principle, Verdict::Accept, actor)?;
        return Ok(true);
    }
    crate::db::write_transaction(conn, |conn| {
        if !item_exists(conn, item_id)? {
            return Ok(false);
        }
        let now = Utc::now().naive_utc();
        diesel::delete(
            rejected_suggestions::table
                .filter(rejected_suggestions::item_id.eq(item_id))
                .filter(rejected_suggestions::principle.eq(principle)),
        )
        .execute(conn)?;
        let added = PrincipleState {
            item_id: item_id.to_string(),
            principle: principle.to_string(),
            basis: "reviewed".into(),
            confidence: 1.0,
            created_by: actor.to_string(),
            created_at: now,
        };
        diesel::insert_into(principle_mappings::table)
            .values(NewPrincipleMapping {
                item_id,
                principle,
                basis: "reviewed",
                confidence: 1.0,
                created_by: actor,
                created_at: now,
            })
            .execute(conn)?;
        record(
            conn,
            actor,
            "principle.add",
            &format!("principle:{item_id}:{principle}"),
            None,
            to_json(&added).as_ref(),
        )?;
        version::bump(conn)?;
        Ok(true)
    })
}

/// Marks a passage as not evidence (`true`): every mapping it has is rejected, so it counts for
/// nothing, and no suggestion is made for it again. Unmarking (`false`) brings back the mappings that
/// the marking rejected. `false` when there is no such item.
pub fn set_not_evidence(
    conn: &mut AnyConnection,
    item_id: &str,
    not_evidence: bool,
    actor: &str,
) -> Result<bool, DbError> {
    crate::db::write_transaction(conn, |conn| {
        if !item_exists(conn, item_id)? {
            return Ok(false);
        }
        let mark: Option<(String, NaiveDateTime)> = not_evidence_items::table
            .find(item_id)
            .select((not_evidence_items::marked_by, not_evidence_items::marked_at))
            .first(conn)
            .optional()?;
        let target = format!("item:{item_id}");
        match (not_evidence, mark) {
            (true, Some(_)) | (false, None) => return Ok(true),
            (true, None) => {
                let now = Utc::now().naive_utc();
                let objectives: Vec<MappingState> = objective_mappings::table
                    .filter(objective_mappings::item_id.eq(item_id))
                    .select(MappingState::as_select())
                    .load(conn)?;
                let principles: Vec<PrincipleState> = principle_mappings::table
                    .filter(principle_mappings::item_id.eq(item_id))
                    .select(PrincipleState::as_select())
                    .load(conn)?;
                for mapping in &objectives {
                    reject_objective(conn, mapping, actor, now)?;
                }
                for mapping in &principles {
                    reject_principle(conn, mapping, actor, now)?;
                }
                diesel::insert_into(not_evidence_items::table)
                    .values((
                        not_evidence_items::item_id.eq(item_id),
                        not_evidence_items::marked_by.eq(actor),
                        not_evidence_items::marked_at.eq(now),
                    ))
                    .execute(conn)?;
                let before =
                    serde_json::json!({"objectives": objectives, "principles": principles});
                record(
                    conn,
                    actor,
                    "item.not_evidence",
                    &target,
                    Some(&before),
                    None,
                )?;
            }
            (false, Some((marked_by, marked_at))) => {
                // The rejections the marking made (same reviewer, same moment) are taken back.
                let made: Vec<Rejection> = rejected_suggestions::table
                    .filter(rejected_suggestions::item_id.eq(item_id))
                    .filter(rejected_suggestions::rejected_by.eq(&marked_by))
                    .filter(rejected_suggestions::rejected_at.eq(marked_at))
                    .select(Rejection::as_select())
                    .load(conn)?;
                for rejection in &made {
                    match (rejection.as_mapping(), &rejection.principle) {
                        (Some(mapping), _) => restore_objective(conn, &mapping)?,
                        (None, Some(principle)) => restore_principle(
                            conn,
                            &PrincipleState {
                                item_id: item_id.to_string(),
                                principle: principle.clone(),
                                basis: rejection.basis.clone(),
                                confidence: rejection.confidence,
                                created_by: rejection.created_by.clone(),
                                created_at: rejection.created_at,
                            },
                        )?,
                        (None, None) => {}
                    }
                }
                diesel::delete(not_evidence_items::table.find(item_id)).execute(conn)?;
                record(conn, actor, "item.evidence", &target, None, None)?;
            }
        }
        version::bump(conn)?;
        Ok(true)
    })
}

/// The rejected suggestions of a source's items, in item and objective order.
pub fn rejections_of_source(
    conn: &mut AnyConnection,
    source_id: &str,
) -> Result<Vec<Rejection>, DbError> {
    Ok(rejected_suggestions::table
        .inner_join(evidence_items::table)
        .filter(evidence_items::source_id.eq(source_id))
        .order((
            rejected_suggestions::item_id,
            rejected_suggestions::objective,
            rejected_suggestions::principle,
        ))
        .select(Rejection::as_select())
        .load(conn)?)
}

/// The items of a source marked as not evidence.
pub fn not_evidence_items(
    conn: &mut AnyConnection,
    source_id: &str,
) -> Result<Vec<String>, DbError> {
    Ok(not_evidence_items::table
        .inner_join(evidence_items::table)
        .filter(evidence_items::source_id.eq(source_id))
        .order(not_evidence_items::item_id)
        .select(not_evidence_items::item_id)
        .load(conn)?)
}
