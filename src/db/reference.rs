//! Reference data in the database: loading the bundled framework, countries and blocs into an empty
//! database, and reading them back.

use std::collections::BTreeMap;

use chrono::Utc;
use diesel::prelude::*;

use super::rows::{
    CountryRow, DatasetRow, GroupObjectiveRow, GroupRow, GroupingRow, MembershipRow, ObjectiveRow,
    PrincipleRow,
};
use super::schema::{
    bloc_members, blocs, countries, group_objectives, grouping_groups, groupings, objectives,
    principles, reference_datasets,
};
use super::{AnyConnection, DbError};
use crate::framework::{
    Bloc, Country, Framework, Group, Grouping, Objective, Principle, ReferenceData,
};

/// Names of the datasets recorded in `reference_datasets`.
pub const FRAMEWORK_DATASET: &str = "framework";
pub const COUNTRIES_DATASET: &str = "countries";
pub const BLOCS_DATASET: &str = "blocs";

/// What `load_reference_data` did with each dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    /// (dataset, version) pairs newly loaded.
    pub loaded: Vec<(String, String)>,
    /// (dataset, stored version, bundled version) pairs already present and kept.
    pub kept: Vec<(String, String, String)>,
}

/// Loads each bundled dataset that the database does not hold yet, all in one transaction. A dataset
/// already present is kept as it is, even when the bundled version differs: evidence rows refer to it,
/// and replacing reference data is a deliberate migration, not a side effect of a restart.
pub fn load_reference_data(
    conn: &mut AnyConnection,
    data: &ReferenceData,
) -> Result<LoadReport, DbError> {
    crate::db::write_transaction(conn, |conn| {
        let stored: BTreeMap<String, String> = reference_datasets::table
            .select(DatasetRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|row| (row.name, row.version))
            .collect();
        let mut report = LoadReport {
            loaded: vec![],
            kept: vec![],
        };
        let wanted = [
            (FRAMEWORK_DATASET, data.framework.version.as_str()),
            (COUNTRIES_DATASET, data.countries_version.as_str()),
            (BLOCS_DATASET, data.blocs_version.as_str()),
        ];
        for (name, version) in wanted {
            if let Some(existing) = stored.get(name) {
                report
                    .kept
                    .push((name.to_string(), existing.clone(), version.to_string()));
                continue;
            }
            match name {
                FRAMEWORK_DATASET => insert_framework(conn, &data.framework)?,
                COUNTRIES_DATASET => insert_countries(conn, &data.countries)?,
                _ => insert_blocs(conn, &data.blocs)?,
            }
            diesel::insert_into(reference_datasets::table)
                .values((
                    reference_datasets::name.eq(name),
                    reference_datasets::version.eq(version),
                    reference_datasets::loaded_at.eq(Utc::now().naive_utc()),
                ))
                .execute(conn)?;
            report.loaded.push((name.to_string(), version.to_string()));
        }
        Ok(report)
    })
}

fn insert_framework(conn: &mut AnyConnection, framework: &Framework) -> Result<(), DbError> {
    for o in &framework.objectives {
        diesel::insert_into(objectives::table)
            .values((
                objectives::number.eq(o.number),
                objectives::title_en.eq(&o.title_en),
                objectives::title_es.eq(&o.title_es),
                objectives::short_en.eq(&o.short_en),
                objectives::short_es.eq(&o.short_es),
            ))
            .execute(conn)?;
    }
    for p in &framework.principles {
        diesel::insert_into(principles::table)
            .values((
                principles::key.eq(&p.key),
                principles::position.eq(p.position),
                principles::name_en.eq(&p.name_en),
                principles::name_es.eq(&p.name_es),
            ))
            .execute(conn)?;
    }
    for g in &framework.groupings {
        diesel::insert_into(groupings::table)
            .values((
                groupings::id.eq(&g.id),
                groupings::version.eq(&g.version),
                groupings::is_default.eq(g.default),
                groupings::title_en.eq(&g.title_en),
                groupings::title_es.eq(&g.title_es),
                groupings::source.eq(&g.source),
            ))
            .execute(conn)?;
        for (position, group) in g.groups.iter().enumerate() {
            diesel::insert_into(grouping_groups::table)
                .values((
                    grouping_groups::grouping_id.eq(&g.id),
                    grouping_groups::id.eq(&group.id),
                    grouping_groups::position.eq(position as i32 + 1),
                    grouping_groups::title_en.eq(&group.title_en),
                    grouping_groups::title_es.eq(&group.title_es),
                ))
                .execute(conn)?;
            for &objective in &group.objectives {
                diesel::insert_into(group_objectives::table)
                    .values((
                        group_objectives::grouping_id.eq(&g.id),
                        group_objectives::group_id.eq(&group.id),
                        group_objectives::objective.eq(objective),
                    ))
                    .execute(conn)?;
            }
        }
    }
    // The framework version is recorded in reference_datasets by the caller.
    Ok(())
}

fn insert_countries(conn: &mut AnyConnection, all: &[Country]) -> Result<(), DbError> {
    for c in all {
        diesel::insert_into(countries::table)
            .values((
                countries::iso3.eq(&c.iso3),
                countries::iso2.eq(&c.iso2),
                countries::m49.eq(&c.m49),
                countries::name_en.eq(&c.name_en),
                countries::name_es.eq(&c.name_es),
                countries::region.eq(&c.region),
                countries::subregion.eq(&c.subregion),
                countries::aliases.eq(&c.aliases),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_blocs(conn: &mut AnyConnection, all: &[Bloc]) -> Result<(), DbError> {
    for b in all {
        diesel::insert_into(blocs::table)
            .values((
                blocs::id.eq(&b.id),
                blocs::kind.eq(&b.kind),
                blocs::name_en.eq(&b.name_en),
                blocs::name_es.eq(&b.name_es),
                blocs::founded.eq(b.founded),
                blocs::source.eq(&b.source),
            ))
            .execute(conn)?;
        let memberships = b
            .members
            .iter()
            .map(|m| (m, "member"))
            .chain(b.suspended.iter().map(|m| (m, "suspended")));
        for (iso3, status) in memberships {
            diesel::insert_into(bloc_members::table)
                .values((
                    bloc_members::bloc_id.eq(&b.id),
                    bloc_members::iso3.eq(iso3),
                    bloc_members::status.eq(status),
                    bloc_members::source.eq(&b.source),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The framework as stored, with the version it was loaded from.
pub fn framework(conn: &mut AnyConnection) -> Result<Framework, DbError> {
    let version = reference_datasets::table
        .filter(reference_datasets::name.eq(FRAMEWORK_DATASET))
        .select(reference_datasets::version)
        .first::<String>(conn)?;
    let objective_rows = objectives::table
        .order(objectives::number)
        .select(ObjectiveRow::as_select())
        .load(conn)?;
    let principle_rows = principles::table
        .order(principles::position)
        .select(PrincipleRow::as_select())
        .load(conn)?;
    let grouping_rows = groupings::table
        .order((groupings::is_default.desc(), groupings::id))
        .select(GroupingRow::as_select())
        .load(conn)?;
    let group_rows = grouping_groups::table
        .order((grouping_groups::grouping_id, grouping_groups::position))
        .select(GroupRow::as_select())
        .load(conn)?;
    let member_rows = group_objectives::table
        .order((
            group_objectives::grouping_id,
            group_objectives::group_id,
            group_objectives::objective,
        ))
        .select(GroupObjectiveRow::as_select())
        .load(conn)?;

    let mut members: BTreeMap<(String, String), Vec<i32>> = BTreeMap::new();
    for row in member_rows {
        members
            .entry((row.grouping_id, row.group_id))
            .or_default()
            .push(row.objective);
    }
    let mut groups: BTreeMap<String, Vec<Group>> = BTreeMap::new();
    for row in group_rows {
        let objectives = members
            .remove(&(row.grouping_id.clone(), row.id.clone()))
            .unwrap_or_default();
        groups.entry(row.grouping_id).or_default().push(Group {
            id: row.id,
            title_en: row.title_en,
            title_es: row.title_es,
            objectives,
        });
    }
    Ok(Framework {
        version,
        objectives: objective_rows.into_iter().map(Objective::from).collect(),
        principles: principle_rows.into_iter().map(Principle::from).collect(),
        groupings: grouping_rows
            .into_iter()
            .map(|row| Grouping {
                groups: groups.remove(&row.id).unwrap_or_default(),
                id: row.id,
                version: row.version,
                default: row.is_default,
                title_en: row.title_en,
                title_es: row.title_es,
                source: row.source,
            })
            .collect(),
    })
}

/// A country with the blocs it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryWithBlocs {
    pub country: Country,
    pub blocs: Vec<String>,
}

/// Filters of the country list; `None` means no filter.
#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    pub subregion: Option<String>,
    pub bloc: Option<String>,
}

pub fn countries(
    conn: &mut AnyConnection,
    filter: &CountryFilter,
) -> Result<Vec<CountryWithBlocs>, DbError> {
    let mut query = countries::table.into_boxed();
    if let Some(subregion) = &filter.subregion {
        query = query.filter(countries::subregion.eq(subregion.clone()));
    }
    if let Some(bloc) = &filter.bloc {
        let members = bloc_members::table
            .filter(bloc_members::bloc_id.eq(bloc.clone()))
            .filter(bloc_members::status.eq("member"))
            .select(bloc_members::iso3);
        query = query.filter(countries::iso3.eq_any(members));
    }
    let rows = query
        .order(countries::iso3)
        .select(CountryRow::as_select())
        .load(conn)?;
    let mut memberships = memberships(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| CountryWithBlocs {
            blocs: memberships.remove(&row.iso3).unwrap_or_default(),
            country: Country::from(row),
        })
        .collect())
}

/// The blocs each country is a member of, by code. A suspended member (Venezuela in MERCOSUR) is not
/// listed as a member, and a country of no bloc is absent.
pub(super) fn memberships(
    conn: &mut AnyConnection,
) -> Result<BTreeMap<String, Vec<String>>, DbError> {
    let mut memberships: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in bloc_members::table
        .filter(bloc_members::status.eq("member"))
        .order((bloc_members::iso3, bloc_members::bloc_id))
        .select(MembershipRow::as_select())
        .load(conn)?
    {
        memberships.entry(row.iso3).or_default().push(row.bloc_id);
    }
    Ok(memberships)
}

/// The distinct subregions, for validating `?subregion=` and telling the caller what is accepted.
pub fn subregions(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(countries::table
        .filter(countries::subregion.is_not_null())
        .select(countries::subregion.assume_not_null())
        .distinct()
        .order(countries::subregion.assume_not_null())
        .load::<String>(conn)?)
}

pub fn bloc_ids(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(blocs::table
        .select(blocs::id)
        .order(blocs::id)
        .load::<String>(conn)?)
}

/// Whether a country code is in the reference data.
pub fn country_exists(conn: &mut AnyConnection, iso3: &str) -> Result<bool, DbError> {
    let count: i64 = countries::table
        .filter(countries::iso3.eq(iso3))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// The principles' keys, in the framework's order.
pub fn principle_keys(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(principles::table
        .select(principles::key)
        .order(principles::position)
        .load(conn)?)
}
