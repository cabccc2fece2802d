//! The dashboard pages, in process: language choice, the text alternatives, the evidence behind a cell,
//! escaping of untrusted text, embedding, and error pages. The browser test (tests/browser.rs) walks
//! the same pages in Chromium.

use crate::common;

use actix_web::test;

async fn get(
    state: &gcm::web::AppState,
    uri: &str,
    accept_language: Option<&str>,
) -> (u16, String, String) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let mut request = test::TestRequest::get().uri(uri);
    if let Some(value) = accept_language {
        request = request.insert_header(("Accept-Language", value));
    }
    let response = test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    (status, content_type, body)
}

/// The text of a page with tags removed and whitespace collapsed, for phrase checks. Inline tags (links,
/// emphasis) vanish; block and cell tags become a space, so neighbouring cells do not run together.
fn text(html: &str) -> String {
    const INLINE: [&str; 6] = ["a", "strong", "span", "mark", "em", "code"];
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[actix_web::test]
async fn the_overview_in_english_and_in_spanish() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, content_type, html) = get(&state, "/", None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    let page = text(&html);
    // The region (group lac) has 52 members in the reference data. The fixtures credit items to 24
    // countries (fixtures/items.jsonl, reporting_iso3); two of them, Canada and the United States, are
    // in Northern America, so 22 members have evidence. Colombia and Mexico both cover 18 objectives,
    // the most (tests/indicators.rs works out Colombia's 18 and the champions' counts).
    assert!(
        page.contains(
            "22 of 52 countries have evidence in these sources; Colombia and Mexico cover the most objectives (18 of 23)."
        ),
        "{page}"
    );
    // The chart, its text alternative (the same sentence) and the table behind it.
    assert!(
        html.contains("<img src=\"/charts/coverage-matrix.svg?lang=en\" alt=\"22 of 52 countries")
    );
    assert!(html.contains("<a href=\"/countries/COL?lang=en\">Colombia</a>"));
    // A depth cell links to the evidence behind it: Colombia, objective 3 (p05, depth 3).
    assert!(html.contains("href=\"/evidence?country=COL&#38;objective=3&#38;lang=en\""));
    // The countries without evidence are named as such, with the caveat.
    assert!(page.contains("No evidence in these sources for: Anguilla, Antigua and Barbuda, Aruba"));
    assert!(page.contains("It does not mean that nothing was done."));

    // Spanish by parameter, and by the browser's language when no parameter is given.
    for (uri, accept) in [("/?lang=es", None), ("/", Some("es-419,es;q=0.9,en;q=0.5"))] {
        let (status, _, html) = get(&state, uri, accept).await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"es\">"), "{uri}");
        let page = text(&html);
        assert!(page.contains("Cobertura regional de los objetivos del PMM"));
        assert!(page.contains(
            "22 de 52 países tienen evidencia en estas fuentes; Colombia y México cubren más objetivos (18 de 23)."
        ), "{page}");
        assert!(page.contains("Sin evidencia en estas fuentes para: Anguila"));
    }
    // The switch leads to the same view in the other language, keeping the selection.
    let (_, _, html) = get(&state, "/?group=champions&cycle=2021", None).await;
    assert!(html.contains("href=\"/?group=champions&#38;cycle=2021&#38;lang=es\" hreflang=\"es\""));
    // The selection travels in every link: the navigation keeps group and cycle.
    assert!(html.contains("href=\"/compare?group=champions&#38;cycle=2021&#38;lang=en\""));
}

#[actix_web::test]
async fn a_country_page_has_its_summary_peers_and_evidence() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, _, html) = get(&state, "/countries/col", None).await;
    assert_eq!(status, 200);
    let page = text(&html);
    // Colombia's 18 objectives (tests/indicators.rs); the five without evidence: 8, 13, 15, 18, 22.
    assert!(page.contains(
        "Colombia has evidence for 18 of 23 objectives; none for objectives 8, 13, 15, 18 and 22."
    ), "{page}");
    assert!(page.contains("Champion country of the Global Compact"));
    assert!(html.contains("/charts/countries/COL/areas.svg"));
    // Objective 9 (smuggling) has p10 and p21 behind it, listed with their quotes and source lines.
    assert!(html.contains("id=\"objective-9\""));
    assert!(html.contains("href=\"/evidence/s000-p10?lang=en\""));
    // The change since the last cycle: the two latest review cycles, 2021 and 2025.
    assert!(page.contains("Change between review cycles: 2021 → 2025"));

    // In Spanish: the objective names, depth labels and numbers come in Spanish.
    let (_, _, html) = get(&state, "/countries/COL?lang=es", None).await;
    let page = text(&html);
    assert!(page.contains("Colombia tiene evidencia para 18 de 23 objetivos; ninguna para los objetivos 8, 13, 15, 18 y 22."));
    assert!(page.contains("9. Combatir el tráfico de migrantes"));
    assert!(page.contains("3 · con resultados"));

    // A country with no evidence is told as silence in the sources, not as nothing done.
    let (status, _, html) = get(&state, "/countries/ABW", None).await;
    assert_eq!(status, 200);
    assert!(text(&html)
        .contains("These sources hold no evidence credited to Aruba for this selection."));
}

#[actix_web::test]
async fn objective_compare_evidence_downloads_and_methodology_pages() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Objective 19: Mexico has s001-m057 (depth 3, with results) among others.
    let (status, _, html) = get(&state, "/objectives/19", None).await;
    assert_eq!(status, 200);
    let page = text(&html);
    assert!(
        page.contains("Create conditions for migrants and diasporas to fully contribute"),
        "{page}"
    );
    assert!(html.contains("href=\"/countries/MEX?lang=en\">Mexico</a>"));

    // Compare: the seven champions by default; two picked countries replace them.
    let (_, _, html) = get(&state, "/compare", None).await;
    for name in [
        "Canada",
        "Colombia",
        "Costa Rica",
        "Ecuador",
        "El Salvador",
        "Honduras",
        "Mexico",
    ] {
        assert!(html.contains(&format!("\">{name}</a></th>")), "{name}");
    }
    let (_, _, html) = get(&state, "/compare?pick=COL&pick=ECU", None).await;
    assert!(html.contains("/charts/compare.svg?lang=en&#38;countries=COL%2CECU"));
    assert!(!html.contains("\">Mexico</a></th>"));

    // The evidence browser: Mexico x objective 19 is m057, r023 and r041 (tests/evidence_api.rs).
    let (_, _, html) = get(&state, "/evidence?country=MEX&objective=19", None).await;
    let page = text(&html);
    assert!(page.contains("3 items match (1–3)"), "{page}");
    // A bad filter gets an error page that names it and what it accepts.
    let (status, content_type, html) = get(&state, "/evidence?objective=30", None).await;
    assert_eq!(status, 400);
    assert!(content_type.starts_with("text/html"));
    assert!(text(&html).contains("objective: `30` is not an objective number; accepted: 1-23"));

    // One item: its quote in the context of its source lines, the span marked.
    let (_, _, html) = get(&state, "/evidence/s001-m057", None).await;
    assert!(html.contains("<li value=\"1236\" class=\"span\"><mark>"));

    let (_, _, html) = get(&state, "/downloads?group=champions&lang=es", None).await;
    assert!(
        html.contains("href=\"/exports/indicators.csv?excel=1&#38;lang=es&#38;group=champions\"")
    );
    assert!(html.contains("href=\"/exports/bundle.zip?group=champions\""));
    let (_, _, html) = get(&state, "/methodology", None).await;
    assert!(
        html.contains("<h1>"),
        "the methodology is rendered from Markdown"
    );
}

#[actix_web::test]
async fn untrusted_text_is_escaped_and_embedding_drops_the_chrome() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("script.jsonl"),
        r#"{"id":"xss-1","source":"seed-001","line_start":1689,"line_end":1689,"kind":"statement","title":"<script>alert(1)</script>","quote":"Costa Rica was confirmed","language":"en","reporting_iso3":"CRI","objectives":[{"objective":23,"basis":"inferred"}]}"#,
    )
    .unwrap();
    let files = gcm::ingestion::read_paths(&[dir.path().join("script.jsonl")]).unwrap();
    let mut conn = state.db.get().unwrap();
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    drop(conn);
    for uri in ["/evidence/xss-1", "/countries/CRI", "/evidence?country=CRI"] {
        let (status, _, html) = get(&state, uri, None).await;
        assert_eq!(status, 200, "{uri}");
        assert!(!html.contains("<script>alert(1)</script>"), "{uri}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{uri}"
        );
    }

    let (_, _, html) = get(&state, "/?embed=1", None).await;
    assert!(!html.contains("<nav aria-label"));
    assert!(html.contains("<body class=\"embed\">"));
    assert!(html.contains("/charts/coverage-matrix.svg"));

    let (status, _, html) = get(&state, "/countries/XXX?lang=es", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("<html lang=\"es\">"));
    assert!(text(&html).contains("No se puede mostrar esta página"));
    let (status, _, html) = get(&state, "/?lang=fr", None).await;
    assert_eq!(status, 400);
    assert!(text(&html).contains("lang: `fr` is not a language of these pages; accepted: en, es"));
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let hex = hex.trim_start_matches('#');
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

// `test` names actix's test module in this file, hence the full path of the built-in attribute.
#[::core::prelude::v1::test]
fn the_stylesheet_colours_pass_wcag_aa() {
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/static/style.css"
    ))
    .unwrap();
    let var = |name: &str| {
        let start = css
            .find(&format!("--{name}:"))
            .unwrap_or_else(|| panic!("--{name}"))
            + name.len()
            + 3;
        css[start..].trim_start()[..7].to_string()
    };
    // Text colours on the backgrounds they are used on (white page, grey header, shaded cells).
    let pairs = [
        (var("ink"), "#ffffff".to_string()),
        (var("link"), "#ffffff".to_string()),
        (var("muted"), "#ffffff".to_string()),
        (var("link"), "#f6f8fa".to_string()),
        (var("ink"), var("d1")),
        (var("ink"), var("d2")),
        ("#ffffff".to_string(), var("d3")),
        ("#ffffff".to_string(), var("link")),
        (var("ink"), var("mark")),
    ];
    for (text, background) in pairs {
        let ratio = contrast(&text, &background);
        assert!(ratio >= 4.5, "{text} on {background}: {ratio:.2}");
    }
    // The rule that keeps links readable in shaded cells is there.
    assert!(css.contains("td.d1 a, td.d2 a { color: var(--ink); }"));
}
