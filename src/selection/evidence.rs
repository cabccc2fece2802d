//! The evidence filters (`country=`, `objective=`, `principle=`, `kind=`, `source=`, `cycle=`, `basis=`,
//! `q=`, and `limit=`/`offset=` for a page), parsed once for the API, the evidence page, the evidence
//! table and `gcm export evidence`. Pure: the values that name stored things are checked against the
//! lists the store gives (`db::lookups::KnownReferences`).

use serde::Deserialize;

use super::params::{self, given, ParamError, WholeNumber, OBJECTIVE_NUMBER};
use crate::db::items::EvidenceFilter;
use crate::db::lookups::KnownReferences;
use crate::evidence::ITEM_KINDS;

/// Largest page of evidence items, and the default.
pub const MAX_LIMIT: i64 = 200;
pub const DEFAULT_LIMIT: i64 = 50;

const PAGE_SIZE: WholeNumber = WholeNumber {
    what: "a page size",
    min: 1,
    max: Some(MAX_LIMIT),
};
const OFFSET: WholeNumber = WholeNumber {
    what: "an offset",
    min: 0,
    max: None,
};

/// The evidence filters as given, as text so each bad value is named with its parameter.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceParams {
    /// Items credited to this country (ISO3).
    pub country: Option<String>,
    /// Items mapped to this objective (1-23).
    pub objective: Option<String>,
    /// Items supporting this guiding principle (its key, e.g. `human rights`).
    pub principle: Option<String>,
    /// Item kinds, a comma list (practice, measure, ...).
    pub kind: Option<String>,
    /// Items of this source.
    pub source: Option<String>,
    /// Items of sources of these cycles: a comma list, or all (the default).
    pub cycle: Option<String>,
    /// Mapping bases, a comma list or all; with `objective`, they apply to that mapping.
    pub basis: Option<String>,
    /// Case-insensitive text in the title, summary or quote.
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    pub limit: Option<String>,
    /// Items to skip, 0 or more.
    pub offset: Option<String>,
}

/// A page of evidence: the filters, the page size and the offset.
#[derive(Debug, Clone)]
pub struct EvidencePage {
    pub filter: EvidenceFilter,
    pub limit: i64,
    pub offset: i64,
}

impl EvidenceParams {
    /// The filters alone (tables have no pages).
    pub fn filter(&self) -> Result<EvidenceFilter, ParamError> {
        let mut filter = EvidenceFilter::default();
        if let Some(country) = given(&self.country) {
            let code = country.to_uppercase();
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(ParamError::new(
                    "country",
                    format!("`{country}` is not an ISO 3166-1 alpha-3 code such as MEX"),
                ));
            }
            filter.country = Some(code);
        }
        if let Some(objective) = given(&self.objective) {
            filter.objective = Some(OBJECTIVE_NUMBER.read("objective", objective)? as i32);
        }
        filter.principle = given(&self.principle).map(|p| p.to_lowercase());
        if let Some(kinds) = given(&self.kind) {
            for kind in params::list("kind", kinds)? {
                if !ITEM_KINDS.contains(&kind) {
                    return Err(ParamError::new(
                        "kind",
                        format!(
                            "`{kind}` is not a kind; accepted: {}",
                            ITEM_KINDS.join(", ")
                        ),
                    ));
                }
                filter.kinds.push(kind.to_string());
            }
        }
        filter.source = given(&self.source).map(str::to_string);
        if let Some(cycles) = given(&self.cycle) {
            // `all` (what the selection form offers) is no cycle filter.
            filter.cycles = params::cycles("cycle", cycles)?
                .map(|set| set.into_iter().collect())
                .unwrap_or_default();
        }
        if let Some(bases) = given(&self.basis) {
            filter.bases = params::bases(bases)?;
        }
        filter.text = given(&self.q).map(str::to_string);
        Ok(filter)
    }

    /// The filters with the page size and offset.
    pub fn page(&self) -> Result<EvidencePage, ParamError> {
        Ok(EvidencePage {
            filter: self.filter()?,
            limit: PAGE_SIZE.read_or("limit", &self.limit, DEFAULT_LIMIT)?,
            offset: OFFSET.read_or("offset", &self.offset, 0)?,
        })
    }
}

/// Checks the values that name stored things: country, principle, source, cycle.
pub fn check_references(
    filter: &EvidenceFilter,
    known: &KnownReferences,
) -> Result<(), ParamError> {
    if let (Some(country), Some(false)) = (&filter.country, known.country_known) {
        return Err(ParamError::new(
            "country",
            format!("unknown country code `{country}`; accepted: ISO 3166-1 alpha-3 codes (see /api/v1/countries)"),
        ));
    }
    if let Some(principle) = &filter.principle {
        if !known.principles.contains(principle) {
            return Err(ParamError::new(
                "principle",
                format!(
                    "unknown principle `{principle}`; accepted: {}",
                    known.principles.join(", ")
                ),
            ));
        }
    }
    if let Some(source) = &filter.source {
        if !known.sources.contains(source) {
            return Err(ParamError::new(
                "source",
                format!(
                    "unknown source `{source}`; accepted: {}",
                    known.sources.join(", ")
                ),
            ));
        }
    }
    if let Some(cycle) = filter.cycles.iter().find(|c| !known.cycles.contains(c)) {
        return Err(ParamError::new(
            "cycle",
            format!(
                "unknown cycle `{cycle}`; accepted: all, {}",
                known.cycles.join(", ")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_with_the_parameter_named() {
        let page = |f: fn(&mut EvidenceParams)| {
            let mut params = EvidenceParams::default();
            f(&mut params);
            params.page()
        };
        let name = |r: Result<EvidencePage, ParamError>| r.unwrap_err().parameter;
        assert_eq!(name(page(|q| q.objective = Some("24".into()))), "objective");
        assert_eq!(name(page(|q| q.objective = Some("x".into()))), "objective");
        assert_eq!(name(page(|q| q.country = Some("MEXICO".into()))), "country");
        assert_eq!(
            name(page(|q| q.kind = Some("practice,rumour".into()))),
            "kind"
        );
        assert_eq!(name(page(|q| q.basis = Some("guess".into()))), "basis");
        assert_eq!(name(page(|q| q.limit = Some("500".into()))), "limit");
        assert_eq!(name(page(|q| q.offset = Some("-1".into()))), "offset");
        let ok = page(|q| {
            q.country = Some("mex".into());
            q.basis = Some("cited,subject".into());
            q.cycle = Some("all".into());
        })
        .unwrap();
        assert_eq!(ok.filter.country.as_deref(), Some("MEX"));
        assert!(ok.filter.cycles.is_empty(), "cycle=all filters nothing");
        assert_eq!(
            ok.filter.bases,
            vec![
                crate::evidence::Basis::Cited,
                crate::evidence::Basis::Subject
            ]
        );
        assert_eq!(ok.limit, DEFAULT_LIMIT);
    }
}
