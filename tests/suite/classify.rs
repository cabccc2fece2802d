//! `gcm classify`: the real binary on English, Spanish, Portuguese and French passages, on a Markdown
//! report, and on bad input. Expected objectives are worked out by hand from assets/lexicon/*.toml:
//! score = 1 - exp(-raw), raw = sum of the weights of the distinct terms matched, longest match first;
//! the default threshold is 0.35.

use std::process::{Command, Output};

use serde_json::Value;

fn gcm() -> Command {
    crate::common::gcm_command()
}

fn classify_file(name: &str, content: &str, extra: &[&str]) -> (Output, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, content).unwrap();
    let output = gcm()
        .args(["classify", "--input"])
        .arg(&input)
        .args(extra)
        .output()
        .unwrap();
    let lines = String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (output, lines)
}

/// (objective, score) pairs of one output line, in output order.
fn objectives(line: &Value) -> Vec<(u64, f64)> {
    line["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["objective"].as_u64().unwrap(),
                s["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn terms(line: &Value, objective: u64) -> Vec<String> {
    line["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["objective"] == objective)
        .flat_map(|s| s["evidence"].as_array().unwrap().iter())
        .map(|e| e["term"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn passages_in_four_languages_get_their_objectives_with_evidence() {
    let input = [
        r#"{"id": "en-1", "text": "The Ministry runs an assisted voluntary return programme and supports the reintegration of returnees."}"#,
        r#"{"id": "es-1", "text": "Campaña de sensibilización contra la xenofobia y la discriminación en las escuelas."}"#,
        r#"{"id": 3, "text": "Os trabalhadores migrantes têm direito à portabilidade da aposentadoria e da seguridade social."}"#,
        r#"{"id": "fr-1", "text": "Le Gouvernement renforce la lutte contre la traite des personnes et le trafic de migrants aux frontières."}"#,
    ]
    .join("\n");
    let (output, lines) = classify_file("passages.jsonl", &input, &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(lines.len(), 4);

    // English (stopwords the, an, and, of: detected "en"). "assisted voluntary return" (2.0) is the
    // longest match and hides "voluntary return", "return" and the overlapping "return programme";
    // with "reintegration" (1.8) and "returnees" (1.5): raw 5.3, 1 - e^-5.3 = 0.995. Nothing else.
    assert_eq!(lines[0]["id"], "en-1");
    assert_eq!(lines[0]["language"], "en");
    assert_eq!(objectives(&lines[0]), [(21, 0.995)]);
    assert_eq!(
        terms(&lines[0], 21),
        ["assisted voluntary return", "reintegration", "returnees"]
    );

    // Spanish (de, la, y, la, en, las: 6 Spanish hits against 4 shared with French). Objective 17:
    // "sensibilización" 0.7 + "xenofobia" 1.5 + "discriminación" 1.5 = 3.7, 1 - e^-3.7 = 0.975.
    // Objective 15: "escuelas" 0.6, 1 - e^-0.6 = 0.451, above 0.35.
    assert_eq!(lines[1]["language"], "es");
    assert_eq!(objectives(&lines[1]), [(17, 0.975), (15, 0.451)]);
    // "xenofobia" starts after "Campaña de sensibilización contra la " (37 characters; "ñ" and "ó"
    // count as one character each).
    let xenofobia = &lines[1]["objectives"][0]["evidence"][1];
    assert_eq!(
        (&xenofobia["start"], &xenofobia["end"], &xenofobia["term"]),
        (
            &Value::from(37),
            &Value::from(46),
            &Value::from("xenofobia")
        )
    );

    // Portuguese (os, da, e, da). Objective 22: "portabilidade" 2.0 + "aposentadoria" 0.8 +
    // "seguridade social" 1.5 = 4.3, 0.986. Objective 6: "trabalhadores migrantes" 1.0 (it hides
    // "trabalhadores"), 0.632. "direito à" counts 0.4 for human rights: 0.330, below the threshold.
    assert_eq!(lines[2]["id"], 3);
    assert_eq!(lines[2]["language"], "pt");
    assert_eq!(objectives(&lines[2]), [(22, 0.986), (6, 0.632)]);
    assert_eq!(lines[2]["principles"], Value::Array(vec![]));

    // French. "traite des personnes" is trafficking (10) and "trafic de migrants" smuggling (9), 2.0
    // each: 0.865, a tie ordered by objective number; "frontières" 0.6 for borders (11): 0.451.
    assert_eq!(lines[3]["language"], "fr");
    assert_eq!(
        objectives(&lines[3]),
        [(9, 0.865), (10, 0.865), (11, 0.451)]
    );
}

#[test]
fn the_language_given_decides_which_lexicon_counts() {
    // "data" is an English term (objective 1, 0.6) but Portuguese for "date": in a line declared
    // Portuguese it is not evidence, while "dados desagregados" (2.0) is: 1 - e^-2 = 0.865.
    let input =
        r#"{"id": "x", "language": "pt", "text": "A data de coleta dos dados desagregados."}"#;
    let (output, lines) = classify_file("one.jsonl", input, &[]);
    assert!(output.status.success());
    assert_eq!(objectives(&lines[0]), [(1, 0.865)]);
    assert_eq!(terms(&lines[0], 1), ["dados desagregados"]);
}

#[test]
fn a_markdown_report_is_segmented_and_each_passage_keeps_its_lines() {
    // Line 1 a heading (the section), line 3 a paragraph broken over lines 3-4, line 6 a page number,
    // line 8 a list item. Passage p1 (lines 3-4): "remittances" 2.0 and "financial inclusion" 2.0 give
    // objective 20 raw 4.0, 0.982. Passage p2 (line 8): "consular assistance" 2.0, objective 14, 0.865.
    let report = "# Remittances and consular work\n\nThe central bank lowered the cost of remittances and\npromoted the financial inclusion of migrant families.\n\n12\n\n- Mobile consulates gave consular assistance to nationals in three cities.\n";
    let (output, lines) = classify_file("report.md", report, &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "p1");
    assert_eq!(
        (&lines[0]["line_start"], &lines[0]["line_end"]),
        (&Value::from(3), &Value::from(4))
    );
    assert_eq!(lines[0]["section"], "Remittances and consular work");
    assert_eq!(objectives(&lines[0])[0], (20, 0.982));
    assert_eq!(lines[1]["id"], "p2");
    assert_eq!(
        (&lines[1]["line_start"], &lines[1]["line_end"]),
        (&Value::from(8), &Value::from(8))
    );
    // "mobile consulates" (1.5) and "consular assistance" (2.0): raw 3.5, 1 - e^-3.5 = 0.970.
    assert_eq!(objectives(&lines[1])[0], (14, 0.970));
    // Offsets refer to the passage text, which is therefore in the output.
    let text = lines[1]["text"].as_str().unwrap();
    let evidence = &lines[1]["objectives"][0]["evidence"][0];
    let (start, end) = (
        evidence["start"].as_u64().unwrap() as usize,
        evidence["end"].as_u64().unwrap() as usize,
    );
    let quoted: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(quoted, "Mobile consulates");
}

#[test]
fn bad_lines_are_reported_by_number_and_the_others_still_classified() {
    let input = [
        r#"{"id": "ok-1", "text": "Search and rescue saved lives at sea."}"#,
        "{not json",
        r#"{"id": "no-text"}"#,
        r#"{"id": "number", "text": 42}"#,
        "",
        r#"{"id": "german", "text": "Grenzschutz", "language": "de"}"#,
        r#"{"id": "ok-2", "text": "Alternatives to detention for families."}"#,
    ]
    .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("batch.jsonl");
    let output_path = dir.path().join("out.jsonl");
    std::fs::write(&input_path, input).unwrap();
    let output = gcm()
        .args(["classify", "--input"])
        .arg(&input_path)
        .arg("--output")
        .arg(&output_path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let file = input_path.display();
    for expected in [
        format!("{file}:2: invalid JSON"),
        format!("{file}:3: missing `text`"),
        format!("{file}:4: `text` must be a string"),
        format!("{file}:6: `language`: `de` is not a language of the lexicon"),
    ] {
        assert!(stderr.contains(&expected), "{expected} not in {stderr}");
    }
    // The blank line 5 is not an error: four bad lines.
    assert!(stderr.contains("4 bad line(s)"), "{stderr}");
    assert!(!stderr.contains("panicked"));

    let written = std::fs::read_to_string(&output_path).unwrap();
    let lines: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ok-1", "ok-2"]);
    // "search and rescue" 2.0: objective 8 at 0.865. "alternatives to detention" 2.0: objective 13 at
    // 0.865 ("families" weighs 0.3 for people-centred: 0.259, not listed).
    assert_eq!(objectives(&lines[0]), [(8, 0.865)]);
    assert_eq!(objectives(&lines[1]), [(13, 0.865)]);
}

#[test]
fn a_missing_input_and_a_bad_threshold_are_clear_errors() {
    let output = gcm()
        .args(["classify", "--input", "/nonexistent/in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/in.jsonl"));

    let (output, lines) = classify_file("t.jsonl", r#"{"text": "x"}"#, &["--threshold", "2"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(lines.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--threshold must be between 0 and 1"));
}
