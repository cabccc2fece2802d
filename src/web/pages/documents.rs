//! `/downloads` (every table and chart of the current selection) and `/methodology` (docs/METHODOLOGY.md
//! rendered as a page).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    layout, request_lang, selection_form, InPage, Names, Page, PageError, PageQuery, SelectionForm,
};
use crate::web::indicators_api::dataset;
use crate::web::AppState;

pub struct TableLink {
    pub label: &'static str,
    pub href: String,
    pub excel_en: String,
    pub excel_es: String,
}

pub struct ChartLink {
    pub label: &'static str,
    pub svg: String,
    pub png: String,
}

#[derive(Template)]
#[template(path = "downloads.html")]
pub struct DownloadsPage {
    pub page: Page,
    pub form: SelectionForm,
    pub tables: Vec<TableLink>,
    pub bundle: String,
    pub charts: Vec<ChartLink>,
}

pub async fn downloads(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let lang = request_lang(&request, &query)?;
    let data = dataset(&state).await.in_page(lang)?;
    // A bad selection is named here rather than in every link of the page.
    crate::indicators::request::check_selection(&data, &query.indicators).in_page(lang)?;
    let t = lang.text();
    let page = layout(
        &request,
        &query,
        lang,
        t.get("downloads.title").to_string(),
        "downloads",
    );
    let table = |label: &'static str, path: &str| TableLink {
        label,
        href: page.resource(path, ""),
        excel_en: page.resource(path, "excel=1&lang=en"),
        excel_es: page.resource(path, "excel=1&lang=es"),
    };
    let chart = |label: &'static str, path: &str| ChartLink {
        label,
        svg: page.chart(&format!("{path}.svg"), ""),
        png: page.chart(&format!("{path}.png"), ""),
    };
    let template = DownloadsPage {
        form: selection_form(Names { lang, data: &data }, &query.indicators),
        tables: vec![
            table(t.get("dl.indicators"), "/exports/indicators.csv"),
            table(t.get("dl.matrix"), "/exports/coverage-matrix.csv"),
            table(t.get("dl.evidence"), "/exports/evidence.csv"),
        ],
        bundle: page.resource("/exports/bundle.zip", ""),
        charts: vec![
            chart(t.get("dl.matrix_chart"), "/charts/coverage-matrix"),
            chart(t.get("dl.objectives_chart"), "/charts/objectives"),
            chart(t.get("dl.principles_chart"), "/charts/principles"),
            chart(t.get("dl.compare_chart"), "/charts/compare"),
        ],
        page,
    };
    super::html(&template, lang)
}

#[derive(Template)]
#[template(path = "methodology.html")]
pub struct MethodologyPage {
    pub page: Page,
    pub body: String,
}

/// docs/METHODOLOGY.md as HTML. The document is the project's own, compiled in; raw HTML in it is
/// escaped all the same, so the page never carries markup the Markdown did not mean.
pub fn methodology_html() -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let parser = Parser::new_ext(crate::exports::METHODOLOGY, Options::ENABLE_TABLES).map(
        |event| match event {
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            other => other,
        },
    );
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

pub async fn methodology(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let lang = request_lang(&request, &query)?;
    let data = dataset(&state).await.in_page(lang)?;
    // The page links to the others with its selection: a bad value is named here.
    crate::indicators::request::check_selection(&data, &query.indicators).in_page(lang)?;
    let t = lang.text();
    let page = layout(
        &request,
        &query,
        lang,
        t.get("methodology.title").to_string(),
        "methodology",
    );
    super::html(
        &MethodologyPage {
            page,
            body: methodology_html(),
        },
        lang,
    )
}
