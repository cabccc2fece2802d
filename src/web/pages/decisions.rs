//! The review page's small forms: a decision on a suggestion, an objective or a principle added, a
//! passage marked as not evidence. Each needs a person signed in and their form token (checked first,
//! before anything is read from the store), writes through `db::review` in one transaction with its
//! audit row, and answers 303 back to the review page at the passage, with the page's filters.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::review::{passage_anchor, ReviewFilter, ReviewParams};
use super::{InPage, PageError};
use crate::db::review::{self, Verdict};
use crate::selection::params::OBJECTIVE_NUMBER;
use crate::selection::ParamError;
use crate::web::extract::page_lang;
use crate::web::i18n::Lang;
use crate::web::session::{check_form, SignedIn};
use crate::web::{ApiError, AppState};

/// The fields a decision form may send; each handler reads the ones it takes.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    pub csrf_token: Option<String>,
    pub decision: Option<String>,
    pub objective: Option<String>,
    pub principle: Option<String>,
    pub value: Option<String>,
}

/// What every decision handler starts from: the language, the filters to come back to, and the form's
/// token checked.
struct Checked {
    lang: Lang,
    filter: ReviewFilter,
    actor: String,
}

fn check(
    request: &HttpRequest,
    signed_in: &SignedIn,
    form: &DecisionForm,
    back: &ReviewParams,
) -> Result<Checked, PageError> {
    let lang = page_lang(request).unwrap_or(Lang::En);
    check_form(request, signed_in, form.csrf_token.as_deref().unwrap_or(""))?;
    let filter = ReviewFilter::parse(back).in_page(lang)?;
    Ok(Checked {
        lang,
        filter,
        actor: signed_in.actor(),
    })
}

/// `accept`, `reject` or `undo`.
pub fn verdict(value: Option<&str>) -> Result<Verdict, ParamError> {
    let text = value.unwrap_or("").trim();
    Verdict::parse(text).ok_or_else(|| {
        ParamError::new(
            "decision",
            format!("`{text}` is not a decision; accepted: accept, reject, undo"),
        )
    })
}

/// A mapping id of the address: a positive whole number.
pub fn mapping_id(text: &str) -> Result<i32, ParamError> {
    match text.trim().parse::<i32>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ParamError::new(
            "id",
            format!("`{text}` is not a mapping id"),
        )),
    }
}

/// A guiding principle's key, one of the framework's.
pub fn principle_key(value: Option<&str>) -> Result<String, ParamError> {
    let text = value.unwrap_or("").trim();
    let keys: Vec<&str> = super::reference()
        .map(|r| {
            r.framework
                .principles
                .iter()
                .map(|p| p.key.as_str())
                .collect()
        })
        .unwrap_or_default();
    if keys.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(ParamError::new(
            "principle",
            format!(
                "`{text}` is not a guiding principle; accepted: {}",
                keys.join(", ")
            ),
        ))
    }
}

/// `1` (not evidence) or `0` (evidence after all).
pub fn not_evidence_value(value: Option<&str>) -> Result<bool, ParamError> {
    match value.unwrap_or("").trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(ParamError::new(
            "value",
            format!("`{other}` is not accepted; accepted: 1 (not evidence), 0 (evidence)"),
        )),
    }
}

/// The review page of `source_id` at the passage `item_id`, with the filters it was posted from.
pub fn back_to(source_id: &str, item_id: &str, filter: &ReviewFilter, lang: Lang) -> String {
    format!(
        "/documents/{}?{}#{}",
        super::review::segment(source_id),
        filter.query(lang),
        passage_anchor(item_id)
    )
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Runs a decision and answers 303 back to its passage; 404 when the store has no such thing.
async fn decided<F>(
    state: &AppState,
    checked: Checked,
    missing: String,
    work: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut crate::db::AnyConnection, &str) -> Result<Option<String>, crate::db::DbError>
        + Send
        + 'static,
{
    let lang = checked.lang;
    let actor = checked.actor;
    let found = state
        .with_db(move |conn| {
            let Some(item_id) = work(conn, &actor)? else {
                return Ok(None);
            };
            let source = crate::db::documents::source_of_item(conn, &item_id)?;
            Ok(source.map(|source| (source, item_id)))
        })
        .await
        .in_page(lang)?;
    match found {
        Some((source, item)) => Ok(see_other(back_to(&source, &item, &checked.filter, lang))),
        None => Err(PageError::new(lang, ApiError::NotFound(missing))),
    }
}

/// `POST /mappings/{id}/decision` with `decision=accept|reject|undo`.
pub async fn mapping(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    back: web::Query<ReviewParams>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let checked = check(&request, &signed_in, &form, &back)?;
    let lang = checked.lang;
    let id = mapping_id(&path).in_page(lang)?;
    let verdict = verdict(form.decision.as_deref()).in_page(lang)?;
    decided(
        &state,
        checked,
        format!("no mapping with id {id}"),
        move |conn, actor| Ok(review::decide(conn, id, verdict, actor)?.map(|d| d.before.item_id)),
    )
    .await
}

/// `POST /items/{id}/objectives` with `objective=N`: an objective the classifier missed.
pub async fn add_objective(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    back: web::Query<ReviewParams>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let checked = check(&request, &signed_in, &form, &back)?;
    let lang = checked.lang;
    let objective = OBJECTIVE_NUMBER
        .read("objective", form.objective.as_deref().unwrap_or(""))
        .in_page(lang)? as i32;
    let item = path.into_inner();
    decided(
        &state,
        checked,
        format!("no evidence item `{item}`"),
        move |conn, actor| {
            Ok(review::add_objective(conn, &item, objective, actor)?.map(|m| m.item_id))
        },
    )
    .await
}

/// `POST /items/{id}/principles` with `principle=KEY`: a principle the classifier missed.
pub async fn add_principle(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    back: web::Query<ReviewParams>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let checked = check(&request, &signed_in, &form, &back)?;
    let lang = checked.lang;
    let principle = principle_key(form.principle.as_deref()).in_page(lang)?;
    let item = path.into_inner();
    decided(
        &state,
        checked,
        format!("no evidence item `{item}`"),
        move |conn, actor| {
            let added = review::add_principle(conn, &item, &principle, actor)?;
            Ok(added.then_some(item))
        },
    )
    .await
}

/// `POST /items/{id}/principles/{key}/decision` with `decision=accept|reject|undo`.
pub async fn principle(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    back: web::Query<ReviewParams>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let checked = check(&request, &signed_in, &form, &back)?;
    let lang = checked.lang;
    let (item, key) = path.into_inner();
    let principle = principle_key(Some(&key)).in_page(lang)?;
    let verdict = verdict(form.decision.as_deref()).in_page(lang)?;
    decided(
        &state,
        checked,
        format!("item `{item}` has no principle `{principle}` to decide on"),
        move |conn, actor| {
            let decision = review::decide_principle(conn, &item, &principle, verdict, actor)?;
            Ok(decision.map(|_| item))
        },
    )
    .await
}

/// `POST /items/{id}/not-evidence` with `value=1|0`.
pub async fn not_evidence(
    signed_in: SignedIn,
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    back: web::Query<ReviewParams>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let checked = check(&request, &signed_in, &form, &back)?;
    let lang = checked.lang;
    let value = not_evidence_value(form.value.as_deref()).in_page(lang)?;
    let item = path.into_inner();
    decided(
        &state,
        checked,
        format!("no evidence item `{item}`"),
        move |conn, actor| {
            let marked = review::set_not_evidence(conn, &item, value, actor)?;
            Ok(marked.then_some(item))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_read_once_and_named_when_refused() {
        assert_eq!(verdict(Some("accept")).unwrap(), Verdict::Accept);
        assert_eq!(verdict(Some(" undo ")).unwrap(), Verdict::Undo);
        let refused = verdict(Some("maybe")).unwrap_err();
        assert_eq!(refused.parameter, "decision");
        assert!(refused.message.contains("accept, reject, undo"));
        assert_eq!(verdict(None).unwrap_err().parameter, "decision");
        assert_eq!(mapping_id("12").unwrap(), 12);
        assert!(mapping_id("0").is_err() && mapping_id("x").is_err());
        assert_eq!(
            principle_key(Some("gender-responsive")).unwrap(),
            "gender-responsive"
        );
        assert_eq!(
            principle_key(Some("nope")).unwrap_err().parameter,
            "principle"
        );
        assert!(not_evidence_value(Some("1")).unwrap());
        assert!(!not_evidence_value(Some("0")).unwrap());
        assert_eq!(
            not_evidence_value(Some("yes")).unwrap_err().parameter,
            "value"
        );
    }

    #[test]
    fn a_decision_comes_back_to_its_passage_with_the_filters() {
        let filter = ReviewFilter {
            show: super::super::review::Show::Undecided,
            objective: Some(7),
            page: 3,
        };
        assert_eq!(
            back_to("doc-col-2025-ab12", "doc-col-2025-ab12-p003", &filter, Lang::Es),
            "/documents/doc-col-2025-ab12?show=undecided&objective=7&page=3&lang=es#p-doc-col-2025-ab12-p003"
        );
        assert_eq!(
            back_to("s", "s-p1", &ReviewFilter::default(), Lang::En),
            "/documents/s?lang=en#p-s-p1"
        );
    }
}
