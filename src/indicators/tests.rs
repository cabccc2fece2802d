//! Unit tests of the indicator core, on the bundled reference data and small hand-made datasets.

use super::*;
use crate::framework::ReferenceData;

fn mptf() -> Grouping {
    ReferenceData::bundled()
        .unwrap()
        .framework
        .grouping("mptf")
        .unwrap()
        .clone()
}

fn fact(id: &str, country: &str, cycle: &str, depth: u8, objectives: &[(i32, Basis)]) -> ItemFact {
    ItemFact {
        id: id.into(),
        country: Some(country.into()),
        source: format!("src-{cycle}").into(),
        cycle: cycle.into(),
        depth,
        objectives: objectives.to_vec(),
        principles: vec![],
    }
}

fn data(items: Vec<ItemFact>) -> Dataset {
    Dataset {
        items,
        principles: vec!["human rights".into()],
        cycles: vec!["2021".into(), "2025".into()],
        ..Dataset::default()
    }
}

#[test]
fn depth_follows_kind_and_figures() {
    assert_eq!(item_depth("statement", true), 1);
    assert_eq!(item_depth("mandate", false), 1);
    assert_eq!(item_depth("practice", false), 2);
    assert_eq!(item_depth("measure", true), 3);
}

#[test]
fn an_item_tagged_only_23_lifts_every_area_and_counts_once_overall() {
    let d = data(vec![fact("a", "XXX", "2021", 2, &[(23, Basis::Inferred)])]);
    let c = &compute(&d, &Selection::default(), &mptf(), &["XXX".into()])[0];
    assert_eq!(c.objectives_covered, 1);
    assert!(c.areas.iter().all(|a| a.covered == 1), "{:?}", c.areas);
    // Every area has share 1/size; evenness over unequal sizes (4, 6, 6, 6, 5) is close to, not, 1.
    let balance = c.balance.unwrap();
    assert!(balance > 0.98 && balance < 1.0, "{balance}");
}

#[test]
fn bases_and_cycles_select_what_counts() {
    let d = data(vec![
        fact(
            "a",
            "XXX",
            "2021",
            3,
            &[(5, Basis::Cited), (6, Basis::Auto)],
        ),
        fact("b", "XXX", "2025", 1, &[(7, Basis::Inferred)]),
    ]);
    let all = &compute(&d, &Selection::default(), &mptf(), &["XXX".into()])[0];
    // `auto` is not counted by default: 5 and 7.
    assert_eq!(all.objectives_covered, 2);
    assert_eq!(all.solid_share, Some(0.5)); // one cited of two counted mappings
    let only_2025 = Selection {
        cycles: Some(["2025".to_string()].into_iter().collect()),
        ..Selection::default()
    };
    let c = &compute(&d, &only_2025, &mptf(), &["XXX".into()])[0];
    assert_eq!(c.objectives_covered, 1);
    assert_eq!(c.depth_of(7), 1);
    let with_auto = Selection {
        bases: Basis::ALL.into_iter().collect(),
        ..Selection::default()
    };
    assert_eq!(
        compute(&d, &with_auto, &mptf(), &["XXX".into()])[0].objectives_covered,
        3
    );
}

#[test]
fn evenness_and_median_by_hand() {
    assert_eq!(evenness(&[0.0, 0.0]), None);
    assert_eq!(evenness(&[0.5]), None);
    assert!((evenness(&[1.0, 0.0, 0.0]).unwrap()).abs() < 1e-12);
    assert!((evenness(&[0.3, 0.3, 0.3]).unwrap() - 1.0).abs() < 1e-12);
    // p = 2/3, 1/3: H = 0.6365, ln 2 = 0.6931, J = 0.9183.
    assert!((evenness(&[1.0, 0.5]).unwrap() - 0.918_295_834).abs() < 1e-6);
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
}

#[test]
fn peers_share_ranks_on_ties_and_leave_out_members_without_evidence() {
    let d = data(vec![
        fact(
            "a",
            "AAA",
            "2021",
            1,
            &[(1, Basis::Inferred), (2, Basis::Inferred)],
        ),
        fact(
            "b",
            "BBB",
            "2021",
            1,
            &[(1, Basis::Inferred), (3, Basis::Inferred)],
        ),
        fact("c", "CCC", "2021", 1, &[(4, Basis::Inferred)]),
    ]);
    let members: Vec<String> = ["AAA", "BBB", "CCC", "DDD"].map(String::from).to_vec();
    let rows = compute(&d, &Selection::default(), &mptf(), &members);
    let a = compare_with_peers(&rows[0], &rows);
    assert_eq!(a.rank, Some(1));
    let b = compare_with_peers(&rows[1], &rows);
    assert_eq!(b.rank, Some(1)); // tied with AAA
    assert_eq!(b.percentile, Some(50.0)); // ahead of CCC, not of AAA
    let c = compare_with_peers(&rows[2], &rows);
    assert_eq!(c.rank, Some(3));
    assert_eq!(c.median_objectives_covered, Some(2.0)); // of 2, 2, 1 - DDD has no evidence
    assert_eq!(c.members_without_evidence, vec!["DDD".to_string()]);
    // Objective 1: depths 1, 1, 0 -> median 1; CCC is 1 below it.
    assert_eq!(c.objectives[0].median_depth, Some(1.0));
    assert_eq!(c.objectives[0].gap, Some(-1.0));
    let d_row = compare_with_peers(&rows[3], &rows);
    assert_eq!((d_row.rank, d_row.percentile), (None, None));
}

#[test]
fn gaps_name_the_objectives_nobody_covers_and_the_least_covered() {
    let d = data(vec![
        fact("a", "AAA", "2021", 1, &[(1, Basis::Inferred)]),
        fact("b", "AAA", "2021", 1, &[(1, Basis::Inferred)]),
        fact(
            "c",
            "BBB",
            "2021",
            1,
            &[(1, Basis::Inferred), (2, Basis::Inferred)],
        ),
    ]);
    let members: Vec<String> = ["AAA", "BBB", "CCC"].map(String::from).to_vec();
    let g = gaps(&compute(&d, &Selection::default(), &mptf(), &members));
    assert_eq!(g.objectives_without_evidence, (3..=23).collect::<Vec<_>>());
    let with: Vec<(&str, usize)> = g.objectives[0]
        .with_evidence
        .iter()
        .map(|c| (c.iso3.as_str(), c.evidence_count))
        .collect();
    assert_eq!(with, vec![("BBB", 1), ("AAA", 2)]);
    assert_eq!(g.objectives[0].least, vec!["BBB".to_string()]);
    assert_eq!(g.objectives[0].without_evidence, vec!["CCC".to_string()]);
    // Objective 2: AAA has evidence elsewhere but none here, so it is among the least (0 items).
    assert_eq!(g.objectives[1].least, vec!["AAA".to_string()]);
    assert_eq!(g.objectives[1].least_count, 0);
}
