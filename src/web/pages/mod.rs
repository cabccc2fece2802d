//! The dashboard: server-rendered pages for preparers and champion countries, in English and Spanish,
//! usable without JavaScript. Each page reads its selection from the URL (so a view can be shared as a
//! link), computes what it shows with the same pure indicator core as the API, and renders an askama
//! template compiled into the binary (`assets/templates/`).

mod compare;
mod country;
mod decisions;
mod documents;
mod evidence;
mod marks;
mod objective;
mod overview;
mod review;
mod upload;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use super::extract::{page_lang, request_dataset, selection_params};
use super::i18n::{Lang, Messages};
use super::ApiError;
use crate::framework::ReferenceData;
use crate::indicators::{Dataset, METHOD_VERSION};
use crate::selection::{given, ParamError, Selection, SelectionParams};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use super::routing::{form, read, write};
    cfg.service(read("/", overview::overview))
        .service(read("/countries/{iso3}", country::country))
        .service(read("/objectives/{n}", objective::objective))
        .service(read("/compare", compare::compare))
        .service(read("/evidence", evidence::browse))
        .service(read("/evidence/{id}", evidence::item))
        .service(read("/downloads", documents::downloads))
        .service(read("/methodology", documents::methodology))
        .service(form("/documents", review::documents, upload::post_document))
        .service(read("/documents/new", upload::new_document))
        .service(read("/documents/{source_id}", review::review))
        .service(write("/mappings/{id}/decision", decisions::mapping))
        .service(write("/items/{id}/objectives", decisions::add_objective))
        .service(write("/items/{id}/principles", decisions::add_principle))
        .service(write(
            "/items/{id}/principles/{key}/decision",
            decisions::principle,
        ))
        .service(write("/items/{id}/not-evidence", decisions::not_evidence))
        .service(super::routing::form(
            "/sign-in",
            super::session::sign_in_page,
            super::session::sign_in,
        ))
        .service(super::routing::write("/sign-out", super::session::sign_out))
        .service(read("/static/{file}", static_file));
}

/// What every page starts from: its language, the dataset and the request's selection, checked (a bad
/// value is an error page in the page's language, before anything is computed).
pub struct PageRequest {
    pub lang: Lang,
    pub data: Arc<Dataset>,
    pub selection: Selection,
    pub request: HttpRequest,
    /// Who is signed in, if anyone (the layout says so and offers to sign out).
    pub account: Option<Account>,
}

/// The person signed in, as a page shows them: their name, and the token their forms carry.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub csrf_token: String,
}

/// Who is signed in on this request, if anyone (none without a session cookie, at no cost).
async fn account_of(request: &HttpRequest) -> Option<Account> {
    let mut payload = Payload::None;
    let signed_in = super::session::MaybeSignedIn::from_request(request, &mut payload)
        .await
        .ok()?
        .0?;
    Some(Account {
        name: signed_in.name,
        csrf_token: signed_in.csrf_token,
    })
}

impl PageRequest {
    async fn extract(request: HttpRequest) -> Result<PageRequest, PageError> {
        let lang = page_lang(&request).map_err(|e| PageError::new(Lang::En, e))?;
        let params = selection_params(&request).map_err(|e| PageError::new(lang, e))?;
        let data = request_dataset(&request)
            .await
            .map_err(|e| PageError::new(lang, e))?;
        let selection = Selection::resolve(&data, &params).in_page(lang)?;
        let account = account_of(&request).await;
        Ok(PageRequest {
            lang,
            data,
            selection,
            request,
            account,
        })
    }

    /// Names in the page's language.
    pub fn names(&self) -> Names<'_> {
        Names {
            lang: self.lang,
            data: &self.data,
        }
    }
}

impl FromRequest for PageRequest {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<PageRequest, actix_web::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { PageRequest::extract(request).await.map_err(Into::into) })
    }
}

/// What the layout needs: language, text, the links that keep the selection, and the page's place in
/// the navigation.
pub struct Page {
    pub lang: &'static str,
    pub t: &'static Messages,
    pub embed: bool,
    pub title: String,
    /// This page in the other language.
    pub switch_href: String,
    pub other_lang: &'static str,
    /// The selection as a query string without the language (`group=lac&cycle=2021`).
    pub filters: String,
    pub method_version: &'static str,
    pub current: &'static str,
    /// Who is signed in: the layout shows "Sign out NAME" (a form with their token), else "Sign in".
    pub account: Option<Account>,
    /// The sign-in page, coming back to this one; none on the sign-in page itself.
    pub sign_in_href: Option<String>,
    /// The edition the page shows (`snapshot=`), for the banner that says so; None for live data.
    pub edition: Option<Arc<crate::db::editions::EditionInfo>>,
    /// This page on live data: the address without `snapshot`.
    pub live_href: String,
}

impl Page {
    /// A link to another page that keeps the selection and the language.
    pub fn href(&self, path: &str) -> String {
        self.link(path, "")
    }

    /// A link with extra parameters (already encoded, `a=b&c=d`) before the selection and language.
    pub fn link(&self, path: &str, extra: &str) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if !extra.is_empty() {
            parts.push(extra);
        }
        if !self.filters.is_empty() {
            parts.push(&self.filters);
        }
        let lang = format!("lang={}", self.lang);
        parts.push(&lang);
        // Inside an iframe, links stay without the page chrome.
        if self.embed {
            parts.push("embed=1");
        }
        format!("{path}?{}", parts.join("&"))
    }

    /// A chart or table address: the selection, no language (the files are the same in both).
    pub fn resource(&self, path: &str, extra: &str) -> String {
        let parts: Vec<&str> = [extra, self.filters.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }

    /// A chart of the selection, with its words in the page's language.
    pub fn chart(&self, path: &str, extra: &str) -> String {
        let lang = format!("lang={}", self.lang);
        let extra = if extra.is_empty() {
            lang
        } else {
            format!("{extra}&{lang}")
        };
        self.resource(path, &extra)
    }

    /// The page of an objective.
    pub fn objective_href(&self, number: &i32) -> String {
        self.href(&format!("/objectives/{number}"))
    }

    /// A table for Excel in the page's language (`;` and decimal commas in Spanish).
    pub fn excel(&self, path: &str) -> String {
        self.resource(path, &format!("excel=1&lang={}", self.lang))
    }

    /// The banner of a page shown from an edition: its title, id and date.
    pub fn edition_banner(&self) -> String {
        let Some(edition) = &self.edition else {
            return String::new();
        };
        self.t.fill(
            "edition.banner",
            &[
                ("title", edition.title.as_str()),
                ("id", edition.id.as_str()),
                ("date", &edition.created_at.format("%Y-%m-%d").to_string()),
            ],
        )
    }

    /// "Sign out NAME", for the person signed in.
    pub fn sign_out_label(&self) -> String {
        let name = self.account.as_ref().map_or("", |a| a.name.as_str());
        self.t.fill("account.sign_out", &[("name", name)])
    }

    /// `aria-current` for the navigation entry of this page.
    pub fn aria_current(&self, entry: &str) -> &'static str {
        if entry == self.current {
            "page"
        } else {
            "false"
        }
    }
}

/// Builds the layout context of a page.
pub fn layout(page: &PageRequest, title: String, current: &'static str) -> Page {
    let (request, lang) = (&page.request, page.lang);
    let filters = encode_pairs(&page.selection.params.pairs());
    // The same address in the other language: every parameter kept, `lang` replaced.
    let mut pairs: Vec<(String, String)> =
        web::Query::<Vec<(String, String)>>::from_query(request.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "lang")
            .collect();
    let live_pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "snapshot")
        .cloned()
        .collect();
    let live_href = format!(
        "{}?{}",
        request.path(),
        encode_pairs(&[live_pairs, vec![("lang".into(), lang.code().into())]].concat())
    );
    pairs.push(("lang".into(), lang.other().code().into()));
    let switch_href = format!("{}?{}", request.path(), encode_pairs(&pairs));
    let here = match request.query_string() {
        "" => request.path().to_string(),
        query => format!("{}?{query}", request.path()),
    };
    use actix_web::HttpMessage;
    let edition = request
        .extensions()
        .get::<Arc<crate::db::editions::EditionInfo>>()
        .cloned();
    Page {
        edition,
        live_href,
        account: page.account.clone(),
        sign_in_href: (request.path() != "/sign-in")
            .then(|| format!("/sign-in?{}&lang={}", pair("next", &here), lang.code())),
        lang: lang.code(),
        t: lang.text(),
        embed: page.selection.embed,
        title,
        switch_href,
        other_lang: lang.other().code(),
        filters,
        method_version: METHOD_VERSION,
        current,
    }
}

/// Where an item stands in its source, as a review report cites it: "Title, page 12, lines 3–8" (pages
/// only for a paged report).
pub fn citation(item: &crate::db::items::EvidenceItem, t: &Messages) -> String {
    let pages = match (item.page_start, item.page_end) {
        (Some(start), Some(end)) if start == end => format!(", {} {start}", t.get("evidence.page")),
        (Some(start), Some(end)) => format!(", {} {start}–{end}", t.get("evidence.pages")),
        _ => String::new(),
    };
    format!(
        "{}{pages}, {} {}–{}",
        item.source.title,
        t.get("evidence.lines"),
        item.line_start,
        item.line_end
    )
}

pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut encoder = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        encoder.append_pair(k, v);
    }
    encoder.finish()
}

/// One `key=value` pair, encoded.
pub fn pair(key: &str, value: &str) -> String {
    encode_pairs(&[(key.to_string(), value.to_string())])
}

/// The reference data (framework, countries, blocs) compiled into the binary, read once: the pages
/// take objective, principle and area names in both languages from it.
pub fn reference() -> Option<&'static ReferenceData> {
    static REFERENCE: OnceLock<Option<ReferenceData>> = OnceLock::new();
    REFERENCE
        .get_or_init(|| ReferenceData::bundled().ok())
        .as_ref()
}

/// Names of things in the page's language.
/// A voice in a table: its initials, and its name for the legend and for screen readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceMark {
    pub initials: String,
    pub name: String,
}

#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub lang: Lang,
    pub data: &'a Dataset,
}

impl Names<'_> {
    pub fn country(&self, iso3: &str) -> String {
        self.data
            .countries
            .get(iso3)
            .map(|c| match self.lang {
                Lang::En => c.name_en.clone(),
                Lang::Es => c.name_es.clone(),
            })
            .unwrap_or_else(|| iso3.to_string())
    }

    /// "7. Reduce vulnerabilities" (the short label).
    pub fn objective(&self, number: i32) -> String {
        let short = reference()
            .and_then(|r| r.framework.objectives.iter().find(|o| o.number == number))
            .map(|o| match self.lang {
                Lang::En => o.short_en.clone(),
                Lang::Es => o.short_es.clone(),
            })
            .unwrap_or_default();
        format!("{number}. {short}")
    }

    /// The objective's full title.
    pub fn objective_title(&self, number: i32) -> String {
        reference()
            .and_then(|r| r.framework.objectives.iter().find(|o| o.number == number))
            .map(|o| match self.lang {
                Lang::En => o.title_en.clone(),
                Lang::Es => o.title_es.clone(),
            })
            .unwrap_or_default()
    }

    pub fn principle(&self, key: &str) -> String {
        reference()
            .and_then(|r| r.framework.principles.iter().find(|p| p.key == key))
            .map(|p| match self.lang {
                Lang::En => p.name_en.clone(),
                Lang::Es => p.name_es.clone(),
            })
            .unwrap_or_else(|| key.to_string())
    }

    /// An area (group of objectives) of a grouping: "TA1 · Promoting a migration discourse...".
    pub fn area(&self, grouping: &crate::framework::Grouping, id: &str) -> String {
        grouping
            .groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| {
                let title = match self.lang {
                    Lang::En => &g.title_en,
                    Lang::Es => &g.title_es,
                };
                format!("{id} · {title}")
            })
            .unwrap_or_else(|| id.to_string())
    }

    pub fn grouping_title(&self, grouping: &crate::framework::Grouping) -> String {
        match self.lang {
            Lang::En => grouping.title_en.clone(),
            Lang::Es => grouping.title_es.clone(),
        }
    }

    /// A group of countries as chosen in the selection (`lac`, `subregion:Caribbean`, `bloc:SICA`...).
    pub fn group(&self, group: &str) -> String {
        let t = self.lang.text();
        match group.split_once(':') {
            Some(("subregion", name)) => {
                let key = format!("subregion.{name}");
                let text = t.get(&key);
                if text == key {
                    name.to_string()
                } else {
                    text.to_string()
                }
            }
            Some(("bloc", id)) => reference()
                .and_then(|r| r.blocs.iter().find(|b| b.id.eq_ignore_ascii_case(id)))
                .map(|b| match self.lang {
                    Lang::En => b.name_en.clone(),
                    Lang::Es => b.name_es.clone(),
                })
                .unwrap_or_else(|| id.to_string()),
            _ => {
                let key = format!("group.{group}");
                let text = t.get(&key);
                if text == key {
                    group.to_string()
                } else {
                    text.to_string()
                }
            }
        }
    }

    pub fn depth(&self, depth: u8) -> &'static str {
        let key = match depth {
            0 => "depth.0",
            1 => "depth.1",
            2 => "depth.2",
            _ => "depth.3",
        };
        self.lang.text().get(key)
    }

    /// A kind of evidence item ("report passage", "pasaje de informe").
    /// A voice's name in the page's language.
    pub fn voice(&self, voice: crate::evidence::Voice) -> String {
        self.lang.text().get(&format!("voice.{voice}")).to_string()
    }

    /// Voices' names, listed; `voices.none` when there are none (no evidence, not "nothing done").
    pub fn voices(&self, voices: &[crate::evidence::Voice]) -> String {
        if voices.is_empty() {
            return self.lang.text().get("voices.none").to_string();
        }
        let names: Vec<String> = voices.iter().map(|v| self.voice(*v)).collect();
        crate::web::summaries::list(self.lang, &names)
    }

    /// The initials that stand for a voice in a table, with its name (the legend says which is which).
    pub fn voice_mark(&self, voice: crate::evidence::Voice) -> VoiceMark {
        VoiceMark {
            initials: self
                .lang
                .text()
                .get(&format!("voice.initials.{voice}"))
                .to_string(),
            name: self.voice(voice),
        }
    }

    /// Every voice's mark, in order: the legend of a table of initials.
    pub fn voice_legend(&self) -> Vec<VoiceMark> {
        crate::evidence::Voice::ALL
            .into_iter()
            .map(|v| self.voice_mark(v))
            .collect()
    }

    pub fn kind(&self, kind: &str) -> String {
        let key = format!("kind.{kind}");
        let text = self.lang.text().get(&key);
        if text == key {
            kind.to_string()
        } else {
            text.to_string()
        }
    }

    pub fn basis(&self, basis: &str) -> String {
        let key = format!("basis.{basis}");
        let text = self.lang.text().get(&key);
        if text == key {
            basis.to_string()
        } else {
            text.to_string()
        }
    }
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The selection form's choices, marked with what the request chose.
pub struct SelectionForm {
    pub groups: Vec<Choice>,
    pub cycles: Vec<Choice>,
    pub groupings: Vec<Choice>,
    pub bases: Vec<Choice>,
}

pub fn selection_form(names: Names<'_>, query: &SelectionParams) -> SelectionForm {
    let t = names.lang.text();
    let chosen =
        |value: &Option<String>, default: &str| given(value).unwrap_or(default).to_string();
    let group = chosen(&query.group, "lac");
    let mut groups: Vec<String> = ["lac", "americas", "champions", "vnr"]
        .into_iter()
        .map(String::from)
        .collect();
    for subregion in ["Caribbean", "Central America", "South America"] {
        groups.push(format!("subregion:{subregion}"));
    }
    if let Some(reference) = reference() {
        groups.extend(reference.blocs.iter().map(|b| format!("bloc:{}", b.id)));
    }
    if !groups.contains(&group) {
        groups.push(group.clone());
    }
    let cycle = chosen(&query.cycle, "all");
    let mut cycles = vec![Choice {
        value: "all".into(),
        label: t.get("filters.cycle.all").into(),
        selected: cycle == "all",
    }];
    cycles.extend(names.data.cycles.iter().map(|c| Choice {
        value: c.clone(),
        label: c.clone(),
        selected: *c == cycle,
    }));
    let default_grouping = names
        .data
        .groupings
        .iter()
        .find(|g| g.default)
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let grouping = chosen(&query.grouping, &default_grouping);
    let basis = chosen(&query.basis, "");
    SelectionForm {
        groups: groups
            .iter()
            .map(|g| Choice {
                value: g.clone(),
                label: names.group(g),
                selected: *g == group,
            })
            .collect(),
        cycles,
        groupings: names
            .data
            .groupings
            .iter()
            .map(|g| Choice {
                value: g.id.clone(),
                label: names.grouping_title(g),
                selected: g.id == grouping,
            })
            .collect(),
        bases: [
            ("", "filters.basis.default"),
            ("cited,subject,reviewed", "filters.basis.stated"),
            ("cited,reviewed", "filters.basis.solid"),
            (
                "cited,subject,section,inferred,reviewed,auto",
                "filters.basis.auto",
            ),
        ]
        .into_iter()
        .map(|(value, key)| Choice {
            value: value.into(),
            label: t.get(key).into(),
            selected: value == basis,
        })
        .collect(),
    }
}

/// An error shown as a page in the request's language, with the status of the underlying error.
#[derive(Debug)]
pub struct PageError {
    lang: Lang,
    error: ApiError,
}

impl PageError {
    pub fn new(lang: Lang, error: ApiError) -> PageError {
        PageError { lang, error }
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: &'static str,
    t: &'static Messages,
    message: String,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self.error {
            ApiError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            _ => self.error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        // A page for signed-in people sends others to the sign-in form, which brings them back.
        if let ApiError::SignInRequired { next } = &self.error {
            let location = format!(
                "/sign-in?{}",
                encode_pairs(&[
                    ("next".to_string(), next.clone()),
                    ("lang".to_string(), self.lang.code().to_string()),
                ])
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        // The API error decides the status, the Retry-After and what may be said (a 500 says nothing
        // internal); the page only dresses its message.
        let api = self.error.error_response();
        let message = match &self.error {
            ApiError::BadRequest { parameter, message } => format!("{parameter}: {message}"),
            ApiError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        };
        let body = ErrorPage {
            lang: self.lang.code(),
            t: self.lang.text(),
            message,
        }
        .render()
        .unwrap_or_default();
        let mut response = HttpResponse::build(api.status());
        if let Some(retry) = api.headers().get(header::RETRY_AFTER) {
            response.insert_header((header::RETRY_AFTER, retry.clone()));
        }
        response
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(body)
    }
}

/// Turns an API-layer failure into an error page in `lang`.
pub trait InPage<T> {
    fn in_page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: Into<ApiError>> InPage<T> for Result<T, E> {
    fn in_page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError::new(lang, e.into()))
    }
}

impl From<ParamError> for PageError {
    fn from(error: ParamError) -> PageError {
        PageError::new(Lang::En, error.into())
    }
}

/// Renders a page template as an HTML answer.
pub fn html<T: Template>(template: &T, lang: Lang) -> Result<HttpResponse, PageError> {
    let body = template
        .render()
        .map_err(|e| PageError::new(lang, ApiError::Internal(format!("template: {e}"))))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .insert_header((header::VARY, "Accept-Language"))
        .body(body))
}

const STYLE_CSS: &str = include_str!("../../../assets/static/style.css");
const APP_JS: &str = include_str!("../../../assets/static/app.js");
const REVIEW_JS: &str = include_str!("../../../assets/static/review.js");

/// The stylesheet and the script, compiled in.
async fn static_file(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (content_type, body) = match file.as_str() {
        "style.css" => ("text/css; charset=utf-8", STYLE_CSS),
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "review.js" => ("text/javascript; charset=utf-8", REVIEW_JS),
        other => return Err(ApiError::NotFound(format!("no static file `{other}`"))),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body))
}
