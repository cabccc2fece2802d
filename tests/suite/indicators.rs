//! Coverage indicators over the fixtures, on the backend under test. Every expected value below is worked
//! out by hand from fixtures/items.jsonl; the comments list the items that make it.

use crate::common;

use actix_web::test;
use serde_json::Value;

async fn get(state: &gcm::web::AppState, uri: &str) -> (u16, Value) {
    let app = test::init_service(gcm::web::app(state.clone())).await;
    let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = response.status().as_u16();
    (status, test::read_body_json(response).await)
}

fn depths(profile: &Value) -> Vec<(i64, i64, i64)> {
    profile["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["depth"].as_i64().unwrap() > 0)
        .map(|o| {
            (
                o["objective"].as_i64().unwrap(),
                o["depth"].as_i64().unwrap(),
                o["evidence_count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn areas(profile: &Value) -> Vec<(String, i64, i64)> {
    profile["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["covered"].as_i64().unwrap(),
                a["total"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn mexico_profile_worked_by_hand() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (status, mex) = get(&state, "/api/v1/countries/MEX/profile").await;
    assert_eq!(status, 200);
    assert_eq!(mex["method_version"], "gcm-coverage/1.1");
    assert_eq!(mex["iso3"], "MEX");

    // Mexico is credited with 27 items; s004-r044 maps to no objective, so 26 count.
    assert_eq!(mex["items_counted"], 26);
    // Objectives with at least one item (all bases but `auto`, all cycles), and why each has its depth:
    //  1: r037 r038 (report entries, depth 1)        3: r040 (1)       4: r034 (1)       5: r042 (1)
    //  6: r045 (1)        7: m096 (situation) p43 p44 (practices, no figures: 2) r035 r042 r043 -> 2, 6 items
    //  8: m096 (1)        9: r025 r026 r043 (1)     10: r024 r025 r027-r030 r042 r043 (1, 8 items)
    // 11: r042 (1)       12: p44 (practice: 2)     14: r045 (1)       15: p43 (2) r039 r045 -> 2, 3 items
    // 17: r036 r037 r038 (1)
    // 18: m057 (GlobalMx, a measure with figures: 3) r034 -> 3, 2 items
    // 19: m057 (3) r023 r041 -> 3, 3 items
    // 21: p43 (2) r023 r032 r033 r034 r035 r040 -> 2, 7 items
    // 23: r025 r027 r031 r043 (1, 4 items)
    // None for 2, 13, 16, 20, 22: 18 objectives covered.
    assert_eq!(
        depths(&mex),
        vec![
            (1, 1, 2),
            (3, 1, 1),
            (4, 1, 1),
            (5, 1, 1),
            (6, 1, 1),
            (7, 2, 6),
            (8, 1, 1),
            (9, 1, 3),
            (10, 1, 8),
            (11, 1, 1),
            (12, 2, 1),
            (14, 1, 1),
            (15, 2, 3),
            (17, 1, 3),
            (18, 3, 2),
            (19, 3, 3),
            (21, 2, 7),
            (23, 1, 4)
        ]
    );
    assert_eq!(mex["objectives_covered"], 18);
    assert_eq!(mex["objectives"].as_array().unwrap().len(), 23);
    assert_eq!(
        mex["objectives"][1]["status"],
        "no evidence in these sources"
    );
    // MPTF areas, objective 23 counted in each: TA1 {1,3,17,23} all 4; TA2 {2,7,8,12,13,23}: 7,8,12,23 = 4;
    // TA3 {9,10,11,14,21,23} all 6; TA4 {5,6,18,19,20,23}: all but 20 = 5; TA5 {4,15,16,22,23}: 4,15,23 = 3.
    // 4+4+6+5+3 = 22 memberships = 17 covered objectives other than 23 + 23 five times; overall counts 23
    // once: 18.
    assert_eq!(
        areas(&mex),
        vec![
            ("TA1".into(), 4, 4),
            ("TA2".into(), 4, 6),
            ("TA3".into(), 6, 6),
            ("TA4".into(), 5, 6),
            ("TA5".into(), 3, 5)
        ]
    );
    assert_eq!(mex["overall"]["covered"], 18);
    // Balance: shares 1, 4/6, 1, 5/6, 3/5 sum to 4.1; p = .2439 .1626 .2439 .2033 .1463;
    // H = 1.5887, ln 5 = 1.6094, J = 0.9871.
    let balance = mex["balance"]["value"].as_f64().unwrap();
    assert!((balance - 0.9871).abs() < 0.0001, "{balance}");
    // Principles: whole-of-government (p43), child-sensitive and human rights (p44).
    assert_eq!(mex["principles_covered"], 3);
    // 49 objective mappings: one `section` (m057 -> 19), 48 `inferred`; none cited or reviewed.
    assert_eq!(mex["solidity"]["mappings_counted"], 49);
    assert_eq!(mex["solidity"]["basis_counts"]["section"], 1);
    assert_eq!(mex["solidity"]["basis_counts"]["inferred"], 48);
    assert_eq!(mex["solidity"]["solid_share"], 0.0);
    // Mexico submitted a voluntary report to the 2021 review (seed 001, Annex 2).
    assert_eq!(
        mex["reporting"]["voluntary_reports"],
        serde_json::json!(["2021"])
    );
    // Every cell can be traced to its items.
    assert_eq!(
        mex["objectives"][17]["items"],
        serde_json::json!(["s001-m057", "s004-r034"])
    );
    assert!(mex["objectives"][17]["evidence"]
        .as_str()
        .unwrap()
        .starts_with("/api/v1/evidence?country=MEX&objective=18"));
    // Counted: all three cycles and all five sources.
    assert_eq!(mex["counted"]["sources"].as_array().unwrap().len(), 5);

    // Mexico's change 2021 -> 2025 is not comparable: none of the 2025 sources credits Mexico with anything,
    // and silence in a source is not a loss. In 2021 it covered 7, 8, 12, 15, 18, 19, 21 (m057 m096 p43 p44).
    assert_eq!(mex["change"]["comparable"], false);
    assert_eq!(mex["change"]["objectives_covered_from"], 7);
    assert_eq!(mex["change"]["objectives_covered_to"], 0);
    assert_eq!(mex["change"]["no_longer_covered"], serde_json::json!([]));
}

#[actix_web::test]
async fn colombia_and_the_basis_and_cycle_filters() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let (_, col) = get(&state, "/api/v1/countries/COL/profile").await;
    // Colombia's 11 items; s004-r012 has no objective. Depths:
    //  p05 (practice with figures: 3) -> 3, 7, 12;  p10 (practice with figures) -> 9, 10;
    //  m044 (measure with figures) -> 4, 5, 7, 16;  m067 (measure, no figures: 2) -> 6 (16 already 3);
    //  p21 (statement: 1) -> 2, 9, 10, 23;  p28 (practice: 2) -> 2;  p29 (practice) -> 1, 2;
    //  p80 (practice) -> 11, 23;  r013, r014 (report entries: 1) -> 7, 14, 17, 19, 20, 21.
    assert_eq!(
        depths(&col)
            .iter()
            .map(|(o, d, _)| (*o, *d))
            .collect::<Vec<_>>(),
        vec![
            (1, 2),
            (2, 2),
            (3, 3),
            (4, 3),
            (5, 3),
            (6, 2),
            (7, 3),
            (9, 3),
            (10, 3),
            (11, 2),
            (12, 3),
            (14, 1),
            (16, 3),
            (17, 1),
            (19, 1),
            (20, 1),
            (21, 1),
            (23, 2)
        ]
    );
    assert_eq!(col["objectives_covered"], 18);
    // Seven principles: child-sensitive, human rights, international cooperation (p05, p21, p80),
    // whole-of-government, whole-of-society (p10, p29), gender-responsive (p21), sustainable development (p28).
    assert_eq!(col["principles_covered"], 7);
    // 28 mappings: subject 5 (p21 -> 9, 10, 23; p28 -> 2; p80 -> 23), section 2 (m044 -> 5, m067 -> 16).
    assert_eq!(col["solidity"]["mappings_counted"], 28);
    assert_eq!(col["solidity"]["basis_counts"]["subject"], 5);
    assert_eq!(col["solidity"]["basis_counts"]["section"], 2);

    // Only `subject` mappings: p21 (2, 9, 10, 23) and p28 (2) and p80 (23): objectives 2, 9, 10, 23.
    let (_, subject) = get(&state, "/api/v1/countries/COL/profile?basis=subject").await;
    assert_eq!(subject["objectives_covered"], 4);
    assert_eq!(subject["counted"]["bases"], serde_json::json!(["subject"]));
    // p21 is a statement (depth 1) but p28 a practice (2): objective 2 has depth 2, 9 and 10 depth 1.
    assert_eq!(subject["objectives"][1]["depth"], 2);
    assert_eq!(subject["objectives"][8]["depth"], 1);

    // 2021 (seed 001): m044, m067 -> 4, 5, 6, 7, 16. 2025 (seeds 000, 003): p05 p10 p21 p28 p29 p80 ->
    // 1, 2, 3, 7, 9, 10, 11, 12, 23.
    let (_, y2021) = get(&state, "/api/v1/countries/COL/profile?cycle=2021").await;
    assert_eq!(y2021["objectives_covered"], 5);
    assert_eq!(
        y2021["counted"]["sources"],
        serde_json::json!(["seed-001", "seed-002"])
    );
    // Change 2021 -> 2025: new 1, 2, 3, 9, 10, 11, 12, 23; no longer 4, 5, 6, 16; 7 is depth 3 in both.
    let change = &col["change"];
    assert_eq!(change["comparable"], true);
    assert_eq!(
        change["newly_covered"],
        serde_json::json!([1, 2, 3, 9, 10, 11, 12, 23])
    );
    assert_eq!(
        change["no_longer_covered"],
        serde_json::json!([4, 5, 6, 16])
    );
    assert_eq!(change["deeper"], serde_json::json!([]));
    assert_eq!(change["shallower"], serde_json::json!([]));
}

#[actix_web::test]
async fn a_country_without_evidence_reads_as_such_not_as_zero_activity() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Nicaragua is credited with no item in the fixtures.
    let (status, nic) = get(&state, "/api/v1/countries/NIC/profile").await;
    assert_eq!(status, 200);
    assert_eq!(nic["objectives_covered"], 0);
    assert_eq!(nic["evidence_status"], "no evidence in these sources");
    for cell in nic["objectives"].as_array().unwrap() {
        assert_eq!(cell["status"], "no evidence in these sources");
    }
    assert_eq!(nic["balance"]["value"], Value::Null);
    assert_eq!(nic["solidity"]["solid_share"], Value::Null);
    // It is not ranked among its Central American peers, and peers' medians leave it out.
    assert_eq!(nic["peers"]["comparison"]["rank"], Value::Null);
    assert!(nic["peers"]["comparison"]["members_without_evidence"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("NIC")));
}

#[actix_web::test]
async fn champions_as_a_peer_group() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Objectives covered by the champions (all cycles): CAN 8, COL 18, CRI 9, ECU 12, SLV 8, HND 2, MEX 18.
    // Sorted 2 8 8 9 12 18 18: median 9. Mexico ties Colombia for rank 1; it is ahead of 5 of the 6 others.
    let (_, mex) = get(&state, "/api/v1/countries/MEX/profile?peers=champions").await;
    let peers = &mex["peers"]["comparison"];
    assert_eq!(mex["peers"]["group"], "champions");
    assert_eq!(peers["group_size"], 7);
    assert_eq!(peers["median_objectives_covered"], 9.0);
    assert_eq!(peers["rank"], 1);
    let percentile = peers["percentile"].as_f64().unwrap();
    assert!((percentile - 500.0 / 6.0).abs() < 1e-9, "{percentile}");
    assert_eq!(peers["gap_objectives_covered"], 9.0);
    // Honduras covers 2 (6 and 10): last of 7, ahead of nobody.
    let (_, hnd) = get(&state, "/api/v1/countries/HND/profile?peers=champions").await;
    assert_eq!(hnd["peers"]["comparison"]["rank"], 7);
    assert_eq!(hnd["peers"]["comparison"]["percentile"], 0.0);

    // The compare endpoint defaults to the champions.
    let (_, compare) = get(&state, "/api/v1/compare").await;
    let codes: Vec<&str> = compare["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iso3"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["CAN", "COL", "CRI", "ECU", "HND", "MEX", "SLV"]);

    // Among the champions only objective 22 (social protection) has no evidence; 13 is El Salvador's alone.
    let (_, gaps) = get(&state, "/api/v1/gaps?group=champions").await;
    assert_eq!(
        gaps["gaps"]["objectives_without_evidence"],
        serde_json::json!([22])
    );
    assert_eq!(
        gaps["gaps"]["objectives"][12]["with_evidence"][0]["iso3"],
        "SLV"
    );
    assert_eq!(gaps["gaps"]["objectives"][12]["countries_with_evidence"], 1);
}

#[actix_web::test]
async fn objective_pages_list_who_has_done_it() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Objective 13 (alternatives to detention) in the RCM: items credited to a member are El Salvador's
    // s004-r019 and the United States' s004-r057 (CHL's s001-m097 is outside the RCM), both report entries
    // (depth 1, one item each); ties are listed by code.
    let (status, body) = get(&state, "/api/v1/objectives/13/countries?group=bloc:RCM").await;
    assert_eq!(status, 200);
    assert_eq!(body["countries_with_evidence"], 2);
    assert_eq!(body["countries"][0]["iso3"], "SLV");
    assert_eq!(body["countries"][1]["iso3"], "USA");
    assert_eq!(
        body["countries"][2]["status"],
        "no evidence in these sources"
    );
    assert_eq!(body["counted"]["countries_in_group"], 11);
    let (status, body) = get(&state, "/api/v1/objectives/24/countries").await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "objective");
}

#[actix_web::test]
async fn change_between_cycles_on_a_hand_made_fixture() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // tests/fixtures/two_cycles credits Nicaragua with three items per cycle:
    //   2021: visas, a practice with figures (5, depth 3); a commitment (7, depth 1); a statement (10, depth 1)
    //   2025: mobile teams, a practice (7, depth 2); a statement (5, depth 1); a protocol, a practice (12, 2)
    // So 2021 -> 2025: 12 is new, 10 is no longer covered, 7 is deeper (1 -> 2), 5 shallower (3 -> 1).
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two_cycles");
    let files = gcm::ingestion::read_paths(&[folder]).unwrap();
    let mut conn = state.db.get().unwrap();
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    drop(conn);
    let (_, nic) = get(&state, "/api/v1/countries/NIC/profile?from=2021&to=2025").await;
    let change = &nic["change"];
    assert_eq!(change["comparable"], true);
    assert_eq!(change["newly_covered"], serde_json::json!([12]));
    assert_eq!(change["no_longer_covered"], serde_json::json!([10]));
    assert_eq!(change["deeper"], serde_json::json!([7]));
    assert_eq!(change["shallower"], serde_json::json!([5]));
    // Over both cycles: 5, 7, 10, 12 covered, each at its deepest (3, 2, 1, 2).
    assert_eq!(
        depths(&nic),
        vec![(5, 3, 2), (7, 2, 2), (10, 1, 1), (12, 2, 1)]
    );
    // The import raised the store version, so the cached dataset was replaced: NIC is now in the
    // indicators table with evidence.
    let (_, table) = get(&state, "/api/v1/indicators?group=NIC,MEX").await;
    assert_eq!(table["countries"][1]["iso3"], "NIC");
    assert_eq!(table["countries"][1]["objectives_covered"], 4);
}

#[actix_web::test]
async fn bad_indicator_parameters_name_themselves() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    for (uri, parameter) in [
        ("/api/v1/indicators?cycle=2030", "cycle"),
        ("/api/v1/indicators?basis=rumour", "basis"),
        ("/api/v1/indicators?grouping=regions", "grouping"),
        ("/api/v1/indicators?group=bloc:NATO", "group"),
        ("/api/v1/indicators?group=planet:mars", "group"),
        (
            "/api/v1/countries/MEX/profile?peers=subregion:Atlantis",
            "peers",
        ),
        ("/api/v1/countries/MEX/profile?from=1999", "from"),
        ("/api/v1/compare?countries=MEX,XXX", "countries"),
    ] {
        let (status, body) = get(&state, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(body["parameter"], parameter, "{uri}: {body}");
    }
    let (status, _) = get(&state, "/api/v1/countries/XXX/profile").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn the_indicator_table_covers_the_group_with_imrf_round_tables_on_request() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    // Latin America and the Caribbean: 8 Central American + 16 South American + 28 Caribbean entries.
    let (_, table) = get(&state, "/api/v1/indicators").await;
    assert_eq!(table["counted"]["group"], "lac");
    assert_eq!(table["counted"]["countries_in_group"], 52);
    // The items credit 24 distinct countries (the corpus README says 25, but its own per-country list
    // has 24): all but USA and CAN are in LAC, and each has at least one mapped item: 22.
    assert_eq!(table["countries_with_evidence"], 22);
    let (_, imrf) = get(&state, "/api/v1/indicators?group=MEX&grouping=imrf").await;
    let mex = &imrf["countries"][0];
    // Round tables partition the objectives: RT1 {2,5,6,12,18}: 5,6,12,18 = 4; RT2 {4,8,9,10,11,13,21}: all
    // but 13 = 6; RT3 {14,15,16,19,20,22}: 14,15,19 = 3; RT4 {1,3,7,17,23}: all 5. 4+6+3+5 = 18.
    assert_eq!(
        areas(mex),
        vec![
            ("RT1".into(), 4, 5),
            ("RT2".into(), 6, 7),
            ("RT3".into(), 3, 6),
            ("RT4".into(), 5, 5)
        ]
    );
}
