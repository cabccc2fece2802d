//! The OpenAPI 3.1 description of the JSON API, derived from the handlers' annotations and the answer
//! types (`answers`), served at `/api/v1/openapi.json`. Pages, charts and CSV tables are not JSON and are
//! described in the README.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{editions, evidence_api, framework_api, health, indicators_api, review_api};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gcm",
        description = "Evidence and coverage indicators of the implementation of the Global Compact for \
                       Safe, Orderly and Regular Migration (GCM). Every figure states what it counted; \
                       a cell without evidence means \"no evidence in these sources\", never \"nothing done\".",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        health::health,
        framework_api::framework,
        framework_api::countries,
        indicators_api::indicators,
        indicators_api::profile,
        indicators_api::objective_countries,
        indicators_api::compare,
        indicators_api::gaps,
        evidence_api::sources,
        evidence_api::source,
        evidence_api::evidence_list,
        evidence_api::evidence_item,
        evidence_api::cycles,
        evidence_api::champions,
        review_api::accept,
        review_api::reject,
        review_api::undo,
        review_api::audit,
        review_api::post_document,
        editions::list,
        editions::create,
        editions::changes,
        description,
    ),
    modifiers(&BearerToken, &EditionParameter),
    tags(
        (name = "reference", description = "The GCM framework and the countries"),
        (name = "evidence", description = "Source documents and the evidence read out of them"),
        (name = "indicators", description = "Coverage indicators (docs/METHODOLOGY.md)"),
        (name = "review", description = "Writes: document uploads and reviewers' decisions (a token)"),
        (name = "editions", description = "Frozen, citable editions of the data (docs/EDITIONS.md)"),
        (name = "service", description = "The service itself")
    )
)]
pub struct ApiDescription;

/// Writes take `Authorization: Bearer <token>` (`gcm token create`).
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every read takes `snapshot=ID`, an edition (`GET /api/v1/snapshots`), and answers from it.
struct EditionParameter;

impl Modify for EditionParameter {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let (Some(get), false) = (item.get.as_mut(), path.starts_with("/api/v1/snapshots"))
            else {
                continue;
            };
            if path == "/health" || path == "/api/v1/openapi.json" {
                continue;
            }
            let parameter = ParameterBuilder::new()
                .name("snapshot")
                .parameter_in(ParameterIn::Query)
                .description(Some(
                    "an edition's id (GET /api/v1/snapshots): the answer comes from that frozen \
                     edition, names it in the Gcm-Edition header and, for a JSON object, in its \
                     `edition` member; live data without it",
                ))
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String),
                ))
                .build();
            get.parameters.get_or_insert_with(Vec::new).push(parameter);
        }
    }
}

/// This description, as JSON.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service",
    responses((status = 200, description = "the OpenAPI 3.1 description of this API",
        content_type = "application/json")))]
pub async fn description() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(ApiDescription::openapi().to_json().unwrap_or_default())
}
