//! `GET /documents/new`: the form that uploads a report, and `POST /documents`: the form's
//! `multipart/form-data` read within bounds, checked, and stored through the API's own path
//! ([`crate::web::review_api::store_upload`]). A refused upload shows the form again, filled in as sent,
//! with every problem listed in the page's language and the status the API would give.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::review::private;
use super::{layout, Page, PageError, PageRequest};
use crate::evidence::{Voice, SOURCE_KINDS};
use crate::formats::{Format, FormatError};
use crate::ingestion::document::DocumentMeta;
use crate::ingestion::DocumentError;
use crate::web::i18n::{Lang, Messages};
use crate::web::session::{check_form, SignedIn};
use crate::web::{ApiError, AppState};

/// Bytes of any part but the file (a title of 300 characters is at most 1,200 bytes of UTF-8).
const FIELD_BYTES: usize = 4 * 1024;
/// How many times `limits.document_bytes` of a file over it is read on (and dropped) so that the
/// browser gets to see the form's answer.
const DRAINED: usize = 4;
/// Parts a form may have: the eight of ours and a few a browser or a proxy may add.
const MOST_PARTS: usize = 16;
/// The languages a report may be declared in (none: detected from its text).
const LANGUAGES: [&str; 4] = ["es", "en", "pt", "fr"];

/// What the form sent, as text: kept to fill the form again when the upload is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadValues {
    pub country: String,
    pub cycle: String,
    pub title: String,
    pub language: String,
    pub kind: String,
    /// Empty: the default of the kind.
    pub voice: String,
}

/// The file part of the form.
#[derive(Debug, Clone, Default)]
pub struct FilePart {
    pub file_name: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A problem of an upload, in the page's language: the field it is about (the form links to it), what
/// to do, and the service's own words when they say more (in English, marked as such).
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemView {
    pub field: Option<&'static str>,
    pub text: String,
    pub detail: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "upload.html")]
pub struct UploadPage {
    pub page: Page,
    pub csrf_token: String,
    pub values: UploadValues,
    pub cycles: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub voices: Vec<Choice>,
    pub problems: Vec<ProblemView>,
    pub problems_heading: String,
    pub file_hint: String,
    pub document_href: Option<String>,
}

impl UploadPage {
    /// Whether a problem is about `field` (the control is then marked invalid and described by it).
    pub fn invalid(&self, field: &str) -> bool {
        self.problems.iter().any(|p| p.field == Some(field))
    }
}

/// The problems of the form's fields and what they make: the metadata of the document, when every
/// field is right. Pure; the file is checked apart ([`file_format`]).
pub fn check_fields(
    values: &UploadValues,
    countries: &dyn Fn(&str) -> bool,
    cycles: &[String],
    t: &Messages,
) -> (Option<DocumentMeta>, Vec<ProblemView>) {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, key: &str| {
        problems.push(ProblemView {
            field: Some(field),
            text: t.get(key).to_string(),
            detail: None,
        })
    };
    let country = values.country.trim().to_uppercase();
    if country.is_empty() {
        problem("country", "upload.problem.country_missing");
    } else if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        problem("country", "upload.problem.country_code");
    } else if !countries(&country) {
        problem("country", "upload.problem.country_unknown");
    }
    let cycle = values.cycle.trim();
    if cycle.is_empty() {
        problem("cycle", "upload.problem.cycle_missing");
    } else if !cycles.iter().any(|c| c == cycle) {
        problem("cycle", "upload.problem.cycle_unknown");
    }
    let title = values.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        problem("title", "upload.problem.title");
    }
    let language = values.language.trim();
    if !language.is_empty() && !LANGUAGES.contains(&language) {
        problem("language", "upload.problem.language");
    }
    let kind = match values.kind.trim() {
        "" => "national_report",
        kind => kind,
    };
    if !SOURCE_KINDS.contains(&kind) {
        problem("kind", "upload.problem.kind");
    }
    let voice = values.voice.trim();
    if !voice.is_empty() && Voice::parse(voice).is_none() {
        problem("voice", "upload.problem.voice");
    }
    if !problems.is_empty() {
        return (None, problems);
    }
    let meta = DocumentMeta {
        country,
        cycle: cycle.to_string(),
        title: title.to_string(),
        language: (!language.is_empty()).then(|| language.to_string()),
        kind: Some(kind.to_string()),
        voice: (!voice.is_empty()).then(|| voice.to_string()),
        file_name: String::new(),
    };
    (Some(meta), problems)
}

/// The name a file is recorded under: the last part of what the browser sent, without control
/// characters, at most 200 characters; `upload.EXT` when nothing is left.
pub fn file_name(sent: &str, format: Format) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        format!("upload.{}", format.extension())
    } else {
        clean.to_string()
    }
}

/// The format to read the file as: the type the browser declared, checked against the bytes as the API
/// checks a `Content-Type`; told by the bytes (and the name) when the browser declared none or only
/// `application/octet-stream`.
pub fn file_format(part: &FilePart) -> Result<Format, ApiError> {
    let declared = part
        .content_type
        .as_deref()
        .map(str::trim)
        .filter(|ct| !ct.is_empty())
        .filter(|ct| {
            !ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/octet-stream")
        });
    match declared {
        None => Ok(crate::formats::detect(&part.bytes, Some(&part.file_name))?),
        Some(content_type) => {
            let format = crate::web::review_api::declared_format(content_type)?;
            Ok(crate::formats::check_declared(format, &part.bytes)?)
        }
    }
}

/// A refusal of the file or of the document, in the page's language, with its status.
pub fn refusal_problem(error: &ApiError, t: &Messages) -> ProblemView {
    let detail = Some(error.to_string());
    let (field, key) = match error {
        ApiError::Unreadable(format) => (
            Some("file"),
            match format {
                FormatError::Unsupported { .. } => "upload.problem.unsupported_format",
                FormatError::Mismatch { .. } => "upload.problem.format_mismatch",
                FormatError::NoTextLayer { .. } => "upload.problem.no_text_layer",
                FormatError::Encrypted { .. } => "upload.problem.encrypted",
                FormatError::NotUtf8 { .. } => "upload.problem.not_utf8",
                FormatError::Corrupt { .. } => "upload.problem.corrupt",
                FormatError::TooManyPages { .. } => "upload.problem.too_many_pages",
                FormatError::TooLarge { .. } => "upload.problem.too_large",
                FormatError::TimedOut { .. } => "upload.problem.timed_out",
            },
        ),
        ApiError::UnsupportedMediaType(_) => (Some("file"), "upload.problem.not_utf8"),
        ApiError::TooLarge(_) => (Some("file"), "upload.problem.too_large"),
        ApiError::Conflict(_) => (Some("file"), "upload.problem.duplicate"),
        ApiError::RequestTimeout(_) => (Some("file"), "upload.problem.timeout"),
        _ => (None, "upload.problem.other"),
    };
    ProblemView {
        field,
        text: t.get(key).to_string(),
        detail,
    }
}

/// The problems of a document the store refused (its fields, its text), in the page's language.
pub fn document_problems(refused: &DocumentError, t: &Messages) -> Vec<ProblemView> {
    match refused {
        DocumentError::Invalid(problems) => problems
            .iter()
            .map(|p| {
                let (field, key) = match p.field.as_str() {
                    "country" | "reporting_iso3" | "publisher" => {
                        (Some("country"), "upload.problem.country_code")
                    }
                    "cycle" => (Some("cycle"), "upload.problem.cycle_unknown"),
                    "title" => (Some("title"), "upload.problem.title"),
                    "language" => (Some("language"), "upload.problem.language"),
                    "kind" => (Some("kind"), "upload.problem.kind"),
                    "voice" => (Some("voice"), "upload.problem.voice"),
                    _ => (Some("file"), "upload.problem.text"),
                };
                ProblemView {
                    field,
                    text: t.get(key).to_string(),
                    detail: Some(p.to_string()),
                }
            })
            .collect(),
        DocumentError::Duplicate(source) => vec![ProblemView {
            field: Some("file"),
            text: t.get("upload.problem.duplicate").to_string(),
            detail: Some(format!(
                "this document is already stored as source `{source}`"
            )),
        }],
        DocumentError::Unreadable(error) => {
            vec![refusal_problem(&ApiError::Unreadable(error.clone()), t)]
        }
        // The store's own failures are the service's, answered as an error page before this.
        DocumentError::Database(_) => vec![ProblemView {
            field: None,
            text: t.get("upload.problem.other").to_string(),
            detail: None,
        }],
    }
}

/// The status the API gives a refused document: 422 for its problems, 409 for bytes already stored,
/// the format's own (415, 413 or 422) for a file that cannot be read.
fn refusal_status(refused: &DocumentError) -> StatusCode {
    match refused {
        DocumentError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DocumentError::Duplicate(_) => StatusCode::CONFLICT,
        DocumentError::Unreadable(error) => {
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
        }
        DocumentError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The status of a refused form: the API's for the worst of its problems (413 over 415 over 422).
fn status_of(statuses: &[StatusCode]) -> StatusCode {
    [
        StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::CONFLICT,
        StatusCode::REQUEST_TIMEOUT,
    ]
    .into_iter()
    .find(|s| statuses.contains(s))
    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

fn upload_page(
    request: &PageRequest,
    csrf_token: &str,
    values: UploadValues,
    problems: Vec<ProblemView>,
    document_href: Option<String>,
    document_bytes: usize,
) -> UploadPage {
    let lang = request.lang;
    let t = lang.text();
    let page = layout(request, t.get("upload.title").to_string(), "documents");
    let megabytes = lang.number(document_bytes as f64 / (1024.0 * 1024.0), 0);
    let chosen_kind = match values.kind.trim() {
        "" => "national_report".to_string(),
        kind => kind.to_string(),
    };
    UploadPage {
        csrf_token: csrf_token.to_string(),
        cycles: request
            .data
            .cycles
            .iter()
            .rev()
            .map(|c| Choice {
                value: c.clone(),
                label: c.clone(),
                selected: *c == values.cycle.trim(),
            })
            .collect(),
        languages: std::iter::once("")
            .chain(LANGUAGES)
            .map(|code| Choice {
                value: code.to_string(),
                label: t
                    .get(&format!(
                        "upload.language.{}",
                        if code.is_empty() { "detect" } else { code }
                    ))
                    .to_string(),
                selected: values.language.trim() == code,
            })
            .collect(),
        kinds: SOURCE_KINDS
            .iter()
            .map(|kind| Choice {
                value: kind.to_string(),
                label: t.get(&format!("source_kind.{kind}")).to_string(),
                selected: *kind == chosen_kind,
            })
            .collect(),
        voices: std::iter::once(None)
            .chain(Voice::ALL.map(Some))
            .map(|voice| Choice {
                value: voice.map(Voice::as_str).unwrap_or_default().to_string(),
                label: match voice {
                    None => t.get("upload.voice.from_kind").to_string(),
                    Some(voice) => t.get(&format!("voice.{voice}")).to_string(),
                },
                selected: values.voice.trim() == voice.map(Voice::as_str).unwrap_or_default(),
            })
            .collect(),
        problems_heading: t.fill("upload.problems", &[("count", &problems.len().to_string())]),
        file_hint: t.fill("upload.file.hint", &[("megabytes", &megabytes)]),
        problems,
        values,
        document_href,
        page,
    }
}

fn form_answer(
    page: &UploadPage,
    status: StatusCode,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let mut response = super::html(page, lang)?;
    *response.status_mut() = status;
    Ok(private(response, true))
}

/// `GET /documents/new`: the upload form (for a person signed in).
pub async fn new_document(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    request: PageRequest,
) -> Result<HttpResponse, PageError> {
    let page = upload_page(
        &request,
        &signed_in.csrf_token,
        UploadValues::default(),
        Vec::new(),
        None,
        state.policy.document_bytes,
    );
    form_answer(&page, StatusCode::OK, request.lang)
}

/// Why the form could not be read.
enum ReadFailure {
    /// The page to answer at once (a refused CSRF token).
    Refused(PageError),
    /// A problem shown on the form.
    Problem(ApiError),
}

/// The form as sent.
#[derive(Default)]
struct Sent {
    csrf_token: Option<String>,
    file: Option<FilePart>,
    /// The file was over `limits.document_bytes` (and dropped).
    too_large: bool,
    values: UploadValues,
}

/// Reads the parts of the form, each within its bound: the file up to `file_limit` bytes, the others
/// up to [`FIELD_BYTES`]; at most [`MOST_PARTS`] parts. The CSRF token is checked as soon as it
/// arrives (the form sends it first), so a forged form is refused before its file is read.
async fn read_form(
    mut multipart: actix_multipart::Multipart,
    file_limit: usize,
    check: impl Fn(&str) -> Result<(), PageError>,
) -> Result<Sent, ReadFailure> {
    use futures_util::StreamExt;
    let mut sent = Sent::default();
    let mut parts = 0;
    let malformed = |error: &dyn std::fmt::Display| {
        ApiError::bad_parameter("body", format!("the form cannot be read: {error}"))
    };
    // A problem is shown on the form only to a request whose token was checked: before that, the
    // request is refused as a forged form would be.
    let failure = |checked: bool, problem: ApiError| {
        if checked {
            return ReadFailure::Problem(problem);
        }
        match check("") {
            Err(refused) => ReadFailure::Refused(refused),
            Ok(()) => ReadFailure::Problem(problem),
        }
    };
    while let Some(part) = multipart.next().await {
        let checked = sent.csrf_token.is_some();
        let mut part = part.map_err(|e| failure(checked, malformed(&e)))?;
        parts += 1;
        if parts > MOST_PARTS {
            return Err(failure(
                checked,
                malformed(&format!("more than {MOST_PARTS} parts")),
            ));
        }
        let name = part.name().unwrap_or("").to_string();
        let limit = if name == "file" {
            file_limit
        } else {
            FIELD_BYTES
        };
        let mut bytes: Vec<u8> = Vec::new();
        let mut over = false;
        let mut discarded = 0usize;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| failure(checked, malformed(&e)))?;
            if over || bytes.len() + chunk.len() > limit {
                let too_large = if name == "file" {
                    ApiError::TooLarge(format!(
                        "the document is larger than {limit} bytes (limits.document_bytes)"
                    ))
                } else {
                    ApiError::bad_parameter(
                        &name,
                        format!("`{name}` is longer than {FIELD_BYTES} bytes"),
                    )
                };
                // A file over the limit is read on, and dropped, for a while: a browser shows the
                // form's answer only once it has sent its body. Past that, or from a request whose
                // token was not checked, the answer comes at once.
                discarded += chunk.len();
                if name != "file" || !checked || discarded > file_limit.saturating_mul(DRAINED) {
                    return Err(failure(checked, too_large));
                }
                over = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if over {
            sent.too_large = true;
            continue;
        }
        if name == "file" {
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or("")
                .to_string();
            // A form sent without a file chosen has an empty, unnamed file part.
            if !(bytes.is_empty() && file_name.is_empty()) {
                sent.file = Some(FilePart {
                    file_name,
                    content_type: part.content_type().map(|m| m.to_string()),
                    bytes,
                });
            }
            continue;
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| failure(checked, malformed(&format!("`{name}` is not UTF-8 text"))))?;
        match name.as_str() {
            "csrf_token" => {
                check(&text).map_err(ReadFailure::Refused)?;
                sent.csrf_token = Some(text);
            }
            "country" => sent.values.country = text,
            "cycle" => sent.values.cycle = text,
            "title" => sent.values.title = text,
            "language" => sent.values.language = text,
            "kind" => sent.values.kind = text,
            "voice" => sent.values.voice = text,
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /documents`: stores an uploaded report and answers 303 to its review page; a refused one gets
/// the form again with every problem.
pub async fn post_document(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    request: PageRequest,
    http: HttpRequest,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let t = lang.text();
    let limit = state.policy.document_bytes;
    let refused_form = |values: UploadValues, problems: Vec<ProblemView>, status: StatusCode| {
        let page = upload_page(
            &request,
            &signed_in.csrf_token,
            values,
            problems,
            None,
            limit,
        );
        form_answer(&page, status, lang)
    };
    let reading = read_form(multipart, limit, |token| {
        check_form(&http, &signed_in, token)
    });
    let sent = match actix_web::rt::time::timeout(state.policy.body_timeout, reading).await {
        Ok(Ok(sent)) => sent,
        Ok(Err(ReadFailure::Refused(error))) => return Err(error),
        Ok(Err(ReadFailure::Problem(error))) => {
            let status = error_status(&error);
            return refused_form(
                UploadValues::default(),
                vec![refusal_problem(&error, t)],
                status,
            );
        }
        Err(_) => {
            let error = ApiError::RequestTimeout(format!(
                "the form did not arrive within {} s (limits.body_timeout_seconds)",
                state.policy.body_timeout.as_secs()
            ));
            return Err(PageError::new(lang, error));
        }
    };
    // The token was checked as it arrived; a form without one is refused here.
    if sent.csrf_token.is_none() {
        check_form(&http, &signed_in, "")?;
    }
    let data = &request.data;
    let (meta, mut problems) = check_fields(
        &sent.values,
        &|iso3| data.countries.contains_key(iso3),
        &data.cycles,
        t,
    );
    let mut statuses = vec![StatusCode::UNPROCESSABLE_ENTITY];
    let format = match &sent.file {
        None if sent.too_large => {
            let error = ApiError::TooLarge(format!(
                "the document is larger than {limit} bytes (limits.document_bytes)"
            ));
            statuses.push(error_status(&error));
            problems.insert(0, refusal_problem(&error, t));
            None
        }
        None => {
            problems.insert(
                0,
                ProblemView {
                    field: Some("file"),
                    text: t.get("upload.problem.file_missing").to_string(),
                    detail: None,
                },
            );
            None
        }
        Some(part) => match file_format(part) {
            Ok(format) => Some(format),
            Err(error) => {
                statuses.push(error_status(&error));
                problems.insert(0, refusal_problem(&error, t));
                None
            }
        },
    };
    let (Some(mut meta), Some(format), Some(file)) = (meta, format, sent.file) else {
        return refused_form(sent.values, problems, status_of(&statuses));
    };
    meta.file_name = file_name(&file.file_name, format);
    let crate_values = sent.values.clone();
    let stored =
        crate::web::review_api::store_upload(&state, meta, file.bytes, format, signed_in.actor())
            .await
            .map_err(|e| PageError::new(lang, e))?;
    match stored {
        Ok(summary) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/documents/{}?lang={}", summary.source, lang.code()),
            ))
            .finish()),
        Err(refused) => {
            let status = refusal_status(&refused);
            let problems = document_problems(&refused, t);
            let mut page = upload_page(
                &request,
                &signed_in.csrf_token,
                crate_values,
                problems,
                None,
                limit,
            );
            if let DocumentError::Duplicate(source) = &refused {
                page.document_href = Some(format!("/documents/{source}?lang={}", lang.code()));
            }
            form_answer(&page, status, lang)
        }
    }
}

fn error_status(error: &ApiError) -> StatusCode {
    use actix_web::ResponseError;
    error.status_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(country: &str, cycle: &str, title: &str, language: &str, kind: &str) -> UploadValues {
        UploadValues {
            country: country.into(),
            cycle: cycle.into(),
            title: title.into(),
            language: language.into(),
            kind: kind.into(),
            voice: String::new(),
        }
    }

    #[test]
    fn a_voice_is_optional_and_checked() {
        let t = Lang::En.text();
        let cycles = vec!["2025".to_string()];
        let known = |iso3: &str| iso3 == "COL";
        let with = |voice: &str| UploadValues {
            voice: voice.into(),
            ..values("COL", "2025", "Informe", "", "")
        };
        let (meta, _) = check_fields(&with(""), &known, &cycles, t);
        assert_eq!(meta.unwrap().voice, None, "none: the default of the kind");
        let (meta, _) = check_fields(&with("civil_society"), &known, &cycles, t);
        assert_eq!(meta.unwrap().voice.as_deref(), Some("civil_society"));
        let (meta, problems) = check_fields(&with("ngo"), &known, &cycles, t);
        assert!(meta.is_none());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, Some("voice"));
        assert_eq!(problems[0].text, "Choose a voice from the list.");
    }

    #[test]
    fn the_fields_are_checked_all_at_once() {
        let t = Lang::En.text();
        let cycles = vec!["2021".to_string(), "2025".to_string()];
        let known = |iso3: &str| iso3 == "COL";
        let (meta, problems) = check_fields(
            &values(" col ", "2025", " Informe ", "", ""),
            &known,
            &cycles,
            t,
        );
        assert!(problems.is_empty());
        let meta = meta.unwrap();
        assert_eq!(
            (
                meta.country.as_str(),
                meta.cycle.as_str(),
                meta.title.as_str()
            ),
            ("COL", "2025", "Informe")
        );
        assert_eq!(meta.language, None);
        assert_eq!(meta.kind.as_deref(), Some("national_report"));

        let long = "x".repeat(301);
        let (meta, problems) = check_fields(
            &values("XYZ", "1999", &long, "de", "novel"),
            &known,
            &cycles,
            t,
        );
        assert!(meta.is_none());
        let fields: Vec<_> = problems.iter().map(|p| p.field.unwrap()).collect();
        assert_eq!(
            fields,
            vec!["country", "cycle", "title", "language", "kind"]
        );
        assert_eq!(problems[0].text, "No country has this code.");
        let (_, problems) = check_fields(
            &values("", "", "", "", ""),
            &known,
            &cycles,
            Lang::Es.text(),
        );
        assert_eq!(problems[0].text, "Indique el país que informa.");
        assert_eq!(problems[1].text, "Elija un ciclo de examen.");
    }

    #[test]
    fn the_file_is_read_as_declared_or_told_by_its_bytes() {
        let part = |content_type: Option<&str>, name: &str, bytes: &[u8]| FilePart {
            file_name: name.into(),
            content_type: content_type.map(String::from),
            bytes: bytes.to_vec(),
        };
        let text = "# Informe\n\nUn párrafo.\n".as_bytes();
        assert_eq!(
            file_format(&part(Some("text/markdown"), "a.md", text)).unwrap(),
            Format::Markdown
        );
        // No type, or octet-stream: the bytes and the name tell.
        assert_eq!(
            file_format(&part(Some("application/octet-stream"), "a.md", text)).unwrap(),
            Format::Markdown
        );
        assert_eq!(
            file_format(&part(None, "a.txt", text)).unwrap(),
            Format::Text
        );
        assert_eq!(
            file_format(&part(None, "a", b"%PDF-1.7\n")).unwrap(),
            Format::Pdf
        );
        // A declared type is checked against the bytes, as the API checks it.
        let refused = file_format(&part(Some("application/pdf"), "a.pdf", text)).unwrap_err();
        assert!(matches!(
            refused,
            ApiError::Unreadable(FormatError::Mismatch { .. })
        ));
        let refused = file_format(&part(Some("image/png"), "a.png", b"\x89PNG")).unwrap_err();
        assert_eq!(
            refusal_problem(&refused, Lang::En.text()).field,
            Some("file")
        );
        assert!(matches!(
            file_format(&part(Some("text/plain; charset=latin1"), "a.txt", text)).unwrap_err(),
            ApiError::UnsupportedMediaType(_)
        ));
    }

    #[test]
    fn a_file_keeps_its_own_name_only() {
        assert_eq!(file_name("informe.pdf", Format::Pdf), "informe.pdf");
        assert_eq!(
            file_name("C:\\Users\\ana\\informe.pdf", Format::Pdf),
            "informe.pdf"
        );
        assert_eq!(
            file_name("a/b/in\u{7}forme.md", Format::Markdown),
            "informe.md"
        );
        assert_eq!(file_name("", Format::Docx), "upload.docx");
        assert_eq!(
            file_name("x".repeat(300).as_str(), Format::Text)
                .chars()
                .count(),
            200
        );
    }

    #[test]
    fn a_refused_document_gets_the_api_s_status_and_words() {
        let t = Lang::En.text();
        let duplicate = DocumentError::Duplicate("doc-col-2025-ab".into());
        assert_eq!(refusal_status(&duplicate), StatusCode::CONFLICT);
        let problems = document_problems(&duplicate, t);
        assert_eq!(problems[0].text, "This very file is already stored.");
        assert!(problems[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("doc-col-2025-ab"));
        let scan = DocumentError::Unreadable(FormatError::NoTextLayer { pages: 3 });
        assert_eq!(refusal_status(&scan), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(document_problems(&scan, t)[0]
            .text
            .contains("Run OCR on it first"));
        let pages = DocumentError::Unreadable(FormatError::TooManyPages {
            pages: 900,
            limit: 500,
        });
        assert_eq!(refusal_status(&pages), StatusCode::PAYLOAD_TOO_LARGE);
        let invalid = DocumentError::Invalid(vec![crate::ingestion::Problem::new(
            "document",
            None,
            "language",
            "could not be told",
        )]);
        assert_eq!(refusal_status(&invalid), StatusCode::UNPROCESSABLE_ENTITY);
        let problems = document_problems(&invalid, Lang::Es.text());
        assert_eq!(problems[0].field, Some("language"));
        assert_eq!(
            problems[0].text,
            "Elija un idioma de la lista, o deje que se detecte."
        );
    }

    #[test]
    fn the_worst_problem_gives_the_status() {
        use StatusCode as S;
        assert_eq!(
            status_of(&[S::UNPROCESSABLE_ENTITY]),
            S::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(&[S::UNPROCESSABLE_ENTITY, S::UNSUPPORTED_MEDIA_TYPE]),
            S::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            status_of(&[S::UNSUPPORTED_MEDIA_TYPE, S::PAYLOAD_TOO_LARGE]),
            S::PAYLOAD_TOO_LARGE
        );
    }
}
