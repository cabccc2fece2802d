//! The document planner on an arbitrary body: it refuses with problems or plans a batch, and a batch it
//! plans passes the same validation as any import (else `gcm ingest` would refuse a valid upload).
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use gcm::evidence::batch::ValidationContext;
use gcm::framework::ReferenceData;
use gcm::ingestion::document::{plan_document, DocumentMeta};
use gcm::ingestion::validate;
use gcm::mapping::Classifier;
use libfuzzer_sys::fuzz_target;

/// An empty store that knows the bundled countries and principles and the cycle the uploads name.
fn context() -> &'static ValidationContext {
    static CONTEXT: OnceLock<ValidationContext> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let reference = ReferenceData::bundled().expect("bundled reference data");
        ValidationContext {
            countries: reference.countries.into_iter().map(|c| c.iso3).collect(),
            principles: reference
                .framework
                .principles
                .into_iter()
                .map(|p| p.key)
                .collect(),
            cycles: ["2025".to_string()].into_iter().collect(),
            ..ValidationContext::default()
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    // The first byte picks the language the uploader gives; the last option is one the form refuses.
    let language = match selector % 6 {
        0 => None,
        1 => Some("en"),
        2 => Some("es"),
        3 => Some("pt"),
        4 => Some("fr"),
        _ => Some("de"),
    };
    let meta = DocumentMeta {
        country: "MEX".into(),
        cycle: "2025".into(),
        language: language.map(str::to_string),
        title: "Fuzzed report".into(),
        kind: None,
        file_name: "fuzz.md".into(),
    };
    let body = String::from_utf8_lossy(body);
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date");
    match plan_document(&meta, &body, Classifier::bundled(), today) {
        Ok(plan) => {
            assert_eq!(plan.passages, plan.batch.items.len());
            let problems = validate(&plan.batch, context());
            assert!(
                problems.is_empty(),
                "a planned document fails validation: {:?}",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>()
            );
        }
        Err(problems) => assert!(!problems.is_empty(), "a refusal must say why"),
    }
});
