//! How an edition is cited: a suggested citation, `CITATION.cff` (Citation File Format 1.2.0) and a
//! DataCite-style `metadata.json` for the bundle of an edition. Pure.

use chrono::NaiveDateTime;

use crate::db::editions::EditionInfo;

/// The publisher and author the citation names: the service as a dataset's publisher.
pub const PUBLISHER: &str = "GCM implementation monitor";

/// A UTC time as RFC 3339 (`2026-12-01T22:24:11Z`, with fractions when there are any).
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// "GCM implementation monitor (2026). Title [Data set, edition ID, 2026-12-01]. SHA-256 …."
pub fn suggested_citation(info: &EditionInfo) -> String {
    format!(
        "{PUBLISHER} ({}). {} [Data set, edition {}, {}]. Method {}, model {}. SHA-256 {}.",
        info.created_at.format("%Y"),
        info.title.trim_end_matches('.'),
        info.id,
        info.created_at.format("%Y-%m-%d"),
        info.method_version,
        info.model_version,
        info.export_sha256
    )
}

/// A YAML string in double quotes: backslashes, quotes and line breaks escaped.
fn yaml(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `CITATION.cff` of an edition.
pub fn citation_cff(info: &EditionInfo) -> String {
    let mut out = String::new();
    out.push_str("cff-version: 1.2.0\n");
    out.push_str("message: \"If you use these figures, cite this edition as below.\"\n");
    out.push_str("type: dataset\n");
    out.push_str(&format!("title: {}\n", yaml(&info.title)));
    out.push_str(&format!("version: {}\n", yaml(&info.id)));
    out.push_str(&format!(
        "date-released: {}\n",
        info.created_at.format("%Y-%m-%d")
    ));
    out.push_str("authors:\n");
    out.push_str(&format!("  - name: {}\n", yaml(PUBLISHER)));
    if let Some(note) = &info.note {
        out.push_str(&format!("abstract: {}\n", yaml(note)));
    }
    out.push_str("identifiers:\n");
    out.push_str("  - type: other\n");
    out.push_str(&format!(
        "    value: {}\n",
        yaml(&format!("sha256:{}", info.export_sha256))
    ));
    out.push_str("    description: \"SHA-256 of the edition's canonical export\"\n");
    out.push_str("keywords:\n");
    for keyword in [
        "Global Compact for Migration",
        "GCM",
        "migration governance",
        "implementation review",
    ] {
        out.push_str(&format!("  - {}\n", yaml(keyword)));
    }
    out.push_str(&format!(
        "custom-citation: {}\n",
        yaml(&suggested_citation(info))
    ));
    out
}

/// DataCite-style metadata of an edition (the DataCite Metadata Schema 4's properties, in JSON).
pub fn datacite(info: &EditionInfo) -> serde_json::Value {
    serde_json::json!({
        "identifiers": [{
            "identifier": format!("sha256:{}", info.export_sha256),
            "identifierType": "SHA-256",
        }],
        "creators": [{"name": PUBLISHER, "nameType": "Organizational"}],
        "titles": [{"title": info.title}],
        "publisher": PUBLISHER,
        "publicationYear": info.created_at.format("%Y").to_string(),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "GCM coverage indicators edition"},
        "version": info.id,
        "dates": [{"date": rfc3339(info.created_at), "dateType": "Created"}],
        "descriptions": info.note.iter().map(|note| serde_json::json!({
            "description": note, "descriptionType": "Abstract",
        })).collect::<Vec<_>>(),
        "sizes": [
            format!("{} sources", info.source_count),
            format!("{} evidence items", info.item_count),
            format!("{} objective mappings", info.mapping_count),
            format!("{} countries with evidence", info.country_count),
            format!("{} bytes (canonical export)", info.export_bytes),
        ],
        "formats": ["text/csv", "text/markdown", "application/json"],
        "relatedIdentifiers": [{
            "relatedIdentifier": format!("/api/v1/snapshots/{}/changes", info.id),
            "relatedIdentifierType": "URL",
            "relationType": "IsPreviousVersionOf",
        }],
        "methodVersion": info.method_version,
        "modelVersion": info.model_version,
        "frameworkVersion": info.framework_version,
        "suggestedCitation": suggested_citation(info),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition() -> EditionInfo {
        EditionInfo {
            id: "2026-lac".into(),
            title: "Regional review \"LAC\" 2026.".into(),
            note: Some("Before the\nsecond cycle".into()),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(22, 30, 0))
                .unwrap_or_default(),
            created_by: "token:admin".into(),
            method_version: "gcm-coverage/1.0".into(),
            model_version: "lexicon-1".into(),
            framework_version: "framework 1".into(),
            source_count: 2,
            item_count: 3,
            mapping_count: 4,
            country_count: 1,
            export_sha256: "ab".repeat(32),
            export_bytes: 10,
        }
    }

    #[test]
    fn citation_names_edition_title_year_and_hash() {
        // The title's final full stop is dropped so the bracket follows it; year and day from 22:30 UTC.
        assert_eq!(
            suggested_citation(&edition()),
            format!(
                "GCM implementation monitor (2026). Regional review \"LAC\" 2026 [Data set, edition \
                 2026-lac, 2026-12-01]. Method gcm-coverage/1.0, model lexicon-1. SHA-256 {}.",
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn cff_escapes_quotes_and_line_breaks() {
        let cff = citation_cff(&edition());
        assert!(cff.contains("title: \"Regional review \\\"LAC\\\" 2026.\"\n"));
        assert!(cff.contains("abstract: \"Before the\\nsecond cycle\"\n"));
        assert!(cff.contains("version: \"2026-lac\"\n"));
        assert!(cff.contains("date-released: 2026-12-01\n"));
    }
}
