//! `/downloads` (every table and chart of the current selection) and `/methodology` (docs/METHODOLOGY.md
//! rendered as a page).

use actix_web::HttpResponse;
use askama::Template;

use super::{layout, selection_form, Page, PageError, PageRequest, SelectionForm};

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

/// Every table and chart of the request's selection (checked by [`PageRequest`], so no link of the
/// page answers 400).
pub async fn downloads(request: PageRequest) -> Result<HttpResponse, PageError> {
    super::html(&downloads_page(&request), request.lang)
}

fn downloads_page(request: &PageRequest) -> DownloadsPage {
    let t = request.lang.text();
    let page = layout(request, t.get("downloads.title").to_string(), "downloads");
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
    DownloadsPage {
        form: selection_form(request.names(), &request.selection.params),
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
    }
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

pub async fn methodology(request: PageRequest) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let t = lang.text();
    let page = layout(
        &request,
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
