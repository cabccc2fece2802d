//! Reviewers' decisions on mappings, and the audit log every write leaves behind.
//!
//! Accepting a mapping makes it the reviewer's: basis `reviewed`, attributed to the reviewer from then on
//! (so a later re-import of the same item keeps it). Rejecting removes it from the counted evidence. Both
//! leave an audit-log row with the mapping before and after, in the same transaction.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::forms::NewAuditEntry;
use super::rows::AuditRow;
use super::schema::{audit_log, objective_mappings};
use super::version;
use super::{AnyConnection, DbError};

/// A mapping as the audit log and the answers show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, Queryable, Selectable)]
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

/// Accepts (`accept = true`) or rejects a mapping in one transaction, with its audit-log row. `None`
/// when there is no mapping with this id.
pub fn decide(
    conn: &mut AnyConnection,
    mapping_id: i32,
    accept: bool,
    actor: &str,
) -> Result<Option<Decision>, DbError> {
    crate::db::write_transaction(conn, |conn| {
        let Some(before) = load_mapping(conn, mapping_id)? else {
            return Ok(None);
        };
        let target = format!("mapping:{mapping_id}");
        let before_json = serde_json::to_value(&before).ok();
        if accept {
            if before.basis == "reviewed" {
                return Ok(Some(Decision {
                    decision: "accept",
                    after: Some(before.clone()),
                    before,
                    unchanged: true,
                }));
            }
            let now = Utc::now().naive_utc();
            diesel::update(objective_mappings::table.find(mapping_id))
                .set((
                    objective_mappings::basis.eq("reviewed"),
                    objective_mappings::created_by.eq(actor),
                    objective_mappings::created_at.eq(now),
                ))
                .execute(conn)?;
            let after = load_mapping(conn, mapping_id)?;
            record(
                conn,
                actor,
                "mapping.accept",
                &target,
                before_json.as_ref(),
                after
                    .as_ref()
                    .and_then(|a| serde_json::to_value(a).ok())
                    .as_ref(),
            )?;
            version::bump(conn)?;
            Ok(Some(Decision {
                decision: "accept",
                before,
                after,
                unchanged: false,
            }))
        } else {
            diesel::delete(objective_mappings::table.find(mapping_id)).execute(conn)?;
            record(
                conn,
                actor,
                "mapping.reject",
                &target,
                before_json.as_ref(),
                None,
            )?;
            version::bump(conn)?;
            Ok(Some(Decision {
                decision: "reject",
                before,
                after: None,
                unchanged: false,
            }))
        }
    })
}

// Placeholders of the decision layer, replaced on merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Reject,
    Undo,
}

impl Verdict {
    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "accept" => Some(Verdict::Accept),
            "reject" => Some(Verdict::Reject),
            "undo" => Some(Verdict::Undo),
            _ => None,
        }
    }
}

pub fn add_objective(
    _conn: &mut AnyConnection,
    _item_id: &str,
    _objective: i32,
    _actor: &str,
) -> Result<Option<MappingState>, DbError> {
    Ok(None)
}

pub fn decide_principle(
    _conn: &mut AnyConnection,
    _item_id: &str,
    _principle: &str,
    _verdict: Verdict,
    _actor: &str,
) -> Result<Option<()>, DbError> {
    Ok(None)
}

pub fn add_principle(
    _conn: &mut AnyConnection,
    _item_id: &str,
    _principle: &str,
    _actor: &str,
) -> Result<bool, DbError> {
    Ok(false)
}

pub fn set_not_evidence(
    _conn: &mut AnyConnection,
    _item_id: &str,
    _not_evidence: bool,
    _actor: &str,
) -> Result<bool, DbError> {
    Ok(false)
}
