//! Coverage indicators (docs/METHODOLOGY.md): pure functions over plain data. The database is read
//! elsewhere into a `Dataset`; everything here is arithmetic that a statistician can redo by hand.

mod change;
pub mod editions;
mod gaps;
mod items;
mod peers;

pub use change::{change, country_change, Change};
pub use gaps::{gaps, CountryCount, Gaps, ObjectiveGap};
pub use items::{
    ColumnsBuilder, ItemColumns, ObjectiveFact, PrincipleFact, SourceFacts, NO_COUNTRY,
};
pub use peers::{compare_with_peers, median, PeerArea, PeerComparison, PeerObjective};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::evidence::{Basis, Voice};
use crate::framework::{Grouping, OBJECTIVE_COUNT};

/// Version of the method; every answer and export carries it. Bump it whenever a definition changes.
pub const METHOD_VERSION: &str = "gcm-coverage/1.1";

/// Item kinds that describe something done (depth 2, or 3 with reported figures); every other kind
/// only mentions it (depth 1).
pub const DESCRIBED_KINDS: &[&str] = &["practice", "measure"];

/// The bases counted unless the caller asks otherwise: every human-made one, not unreviewed suggestions.
pub fn default_bases() -> BTreeSet<Basis> {
    Basis::ALL
        .into_iter()
        .filter(|b| *b != Basis::Auto)
        .collect()
}

/// Bases that make a figure solid: the text names the objective, or a reviewer confirmed the mapping.
pub const SOLID_BASES: [Basis; 2] = [Basis::Cited, Basis::Reviewed];

/// Depth an item gives each objective it serves: 1 mentioned only, 2 described, 3 described with figures.
pub fn item_depth(kind: &str, has_figures: bool) -> u8 {
    match (DESCRIBED_KINDS.contains(&kind), has_figures) {
        (true, true) => 3,
        (true, false) => 2,
        (false, _) => 1,
    }
}

/// One evidence item, reduced to what the indicators need: the plain form, from which
/// [`ItemColumns::from_facts`] builds the columns the indicators are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFact {
    /// Shared, so that the cells listing an item's id do not copy it (a world has 300,000 items).
    pub id: Arc<str>,
    /// The country credited with the item; items credited to nobody count for no country.
    pub country: Option<String>,
    pub source: Arc<str>,
    pub cycle: String,
    pub depth: u8,
    pub objectives: Vec<(i32, Basis)>,
    pub principles: Vec<(String, Basis)>,
}

/// What the indicators need to know about a country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryInfo {
    pub iso3: String,
    pub name_en: String,
    pub name_es: String,
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub blocs: Vec<String>,
    pub champion: bool,
    /// Cycles the country submitted a voluntary national report to.
    pub voluntary_reports: BTreeSet<String>,
}

/// Everything the indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub items: ItemColumns,
    pub countries: BTreeMap<String, CountryInfo>,
    /// Principle keys in their order.
    pub principles: Vec<String>,
    pub groupings: Vec<Grouping>,
    /// Cycle ids in their order, and the sources of each.
    pub cycles: Vec<String>,
    pub sources_by_cycle: BTreeMap<String, Vec<String>>,
    /// Whose voice each source is, looked up from an item's source. An item of a source missing here
    /// counts as evidence all the same but names no voice.
    pub source_voices: HashMap<Arc<str>, Voice>,
}

impl Dataset {
    /// The voice of a source, when the dataset knows it.
    pub fn voice_of(&self, source: &str) -> Option<Voice> {
        self.source_voices.get(source).copied()
    }
}

/// Which evidence counts: cycles (None = all) and mapping bases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counting {
    pub cycles: Option<BTreeSet<String>>,
    pub bases: BTreeSet<Basis>,
}

impl Default for Counting {
    fn default() -> Self {
        Counting {
            cycles: None,
            bases: default_bases(),
        }
    }
}

impl Counting {
    fn counts_cycle(&self, cycle: &str) -> bool {
        self.cycles.as_ref().is_none_or(|c| c.contains(cycle))
    }

    /// The sources whose items this selection counts: the denominator every answer states.
    pub fn sources(&self, data: &Dataset) -> Vec<String> {
        data.sources_by_cycle
            .iter()
            .filter(|(cycle, _)| self.counts_cycle(cycle))
            .flat_map(|(_, sources)| sources.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The selected cycles as an evidence filter's list (empty: every cycle).
    pub fn cycle_filter(&self) -> Vec<String> {
        self.cycles
            .as_ref()
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The same bases, one cycle only.
    pub fn only_cycle(&self, cycle: &str) -> Counting {
        Counting {
            cycles: Some([cycle.to_string()].into_iter().collect()),
            bases: self.bases.clone(),
        }
    }

    pub fn cycle_list(&self, data: &Dataset) -> Vec<String> {
        data.cycles
            .iter()
            .filter(|c| self.counts_cycle(c))
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveCell {
    pub objective: i32,
    /// 0 means no evidence in these sources, never "nothing done".
    pub depth: u8,
    pub evidence_count: usize,
    pub items: Vec<Arc<str>>,
    /// The voices of the sources of `items`, in `Voice` order, each once; empty when there is no
    /// evidence (which says nothing about what was done).
    pub voices: Vec<Voice>,
}

impl ObjectiveCell {
    /// More than one voice gives evidence for the objective (METHODOLOGY 2.12).
    pub fn corroborated(&self) -> bool {
        self.voices.len() > 1
    }

    /// Only the government's own reports give evidence for the objective.
    pub fn government_only(&self) -> bool {
        self.voices == [Voice::Government]
    }
}

/// An area's coverage. Fields in alphabetical order: the API sends this struct as it is, in the key
/// order of the JSON maps it replaced.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupCell {
    pub covered: usize,
    pub id: String,
    pub share: f64,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipleCell {
    pub principle: String,
    pub evidence_count: usize,
    pub items: Vec<Arc<str>>,
}

/// All indicators of one country under one selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryIndicators {
    pub iso3: String,
    /// Distinct items credited to the country with at least one counted mapping.
    pub items_counted: usize,
    pub objectives_covered: usize,
    pub objectives_share: f64,
    pub objectives: Vec<ObjectiveCell>,
    pub grouping: String,
    pub areas: Vec<GroupCell>,
    pub principles_covered: usize,
    pub principles: Vec<PrincipleCell>,
    /// Normalised Shannon evenness of the area shares; None when no area has evidence.
    pub balance: Option<f64>,
    /// Objective mappings counted, per basis, and the share that is cited or reviewed.
    pub mappings_counted: usize,
    pub basis_counts: BTreeMap<String, usize>,
    pub solid_share: Option<f64>,
    pub voluntary_reports: Vec<String>,
    pub sources: Vec<String>,
    /// Objectives with evidence from more than one voice (METHODOLOGY 2.12).
    pub corroborated: usize,
    /// Objectives whose only evidence is the government's own reports.
    pub government_only: usize,
    /// The voices of the counted items' sources, in `Voice` order.
    pub voices: Vec<Voice>,
}

impl CountryIndicators {
    pub fn has_evidence(&self) -> bool {
        self.objectives_covered > 0
    }

    pub fn depth_of(&self, objective: i32) -> u8 {
        usize::try_from(objective - 1)
            .ok()
            .and_then(|i| self.objectives.get(i))
            .map_or(0, |c| c.depth)
    }
}

/// Computes the indicators of the given countries in one pass over the items.
pub fn compute(
    data: &Dataset,
    selection: &Counting,
    grouping: &Grouping,
    countries: &[String],
) -> Vec<CountryIndicators> {
    compute_with(data, selection, grouping, countries, Evidence::Ids)
}

/// What the cells of an answer hold of the items behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Each cell lists its items' ids: every answer that names its evidence.
    Ids,
    /// Each cell counts its items and lists none (`items` is empty, `evidence_count` is right): for a
    /// chart that draws only depths and counts. A world's cells hold 700,000 ids, whose copying and
    /// dropping were a third of the time of the world's coverage matrix.
    CountsOnly,
}

/// [`compute`], with the cells holding the items' ids or only their number.
pub fn compute_with(
    data: &Dataset,
    selection: &Counting,
    grouping: &Grouping,
    countries: &[String],
    evidence: Evidence,
) -> Vec<CountryIndicators> {
    let keep_ids = evidence == Evidence::Ids;
    let columns = &data.items;
    // Everything the pass asks of an item is an array lookup by a small integer, settled here once:
    // which accumulator a country's items go to (a country named twice: the last), whether a source's
    // cycle counts, whether a basis counts.
    let code_index: HashMap<&str, usize> = columns
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut position = vec![usize::MAX; columns.countries.len()];
    for (at, code) in countries.iter().enumerate() {
        if let Some(&i) = code_index.get(code.as_str()) {
            position[i] = at;
        }
    }
    let source_counts: Vec<bool> = columns
        .sources
        .iter()
        .map(|s| selection.counts_cycle(&s.cycle))
        .collect();
    let source_voice: Vec<Option<Voice>> = columns
        .sources
        .iter()
        .map(|s| data.voice_of(&s.id))
        .collect();
    let mut counted_basis = [false; Basis::ALL.len()];
    for basis in &selection.bases {
        counted_basis[*basis as usize] = true;
    }
    let mut accumulators: Vec<Accumulator> = countries
        .iter()
        .map(|_| Accumulator::new(data.principles.len(), columns.sources.len()))
        .collect();
    for row in 0..columns.len() {
        let country = columns.country[row];
        if country == NO_COUNTRY {
            continue;
        }
        let at = position[country as usize];
        let source = columns.source[row] as usize;
        if at == usize::MAX || !source_counts[source] {
            continue;
        }
        let acc = &mut accumulators[at];
        let depth = columns.depth[row];
        let voice = source_voice[source];
        let mut counted = false;
        for mapping in columns.objectives_of(row) {
            if !counted_basis[mapping.basis as usize] {
                continue;
            }
            counted = true;
            let cell = &mut acc.objectives[mapping.objective as usize - 1];
            cell.depth = cell.depth.max(depth);
            cell.count += 1;
            if keep_ids {
                cell.items.push(columns.ids[row].clone());
            }
            if let Some(voice) = voice {
                cell.voices[voice as usize] = true;
            }
            acc.mappings += 1;
            acc.bases[mapping.basis as usize] += 1;
        }
        // Principles count only on items that count (METHODOLOGY 2.5: items of I(c)), so a country without
        // evidence never shows principles with evidence.
        if !counted {
            continue;
        }
        for mapping in columns.principles_of(row) {
            if counted_basis[mapping.basis as usize] {
                let cell = &mut acc.principles[mapping.principle as usize];
                cell.count += 1;
                if keep_ids {
                    cell.items.push(columns.ids[row].clone());
                }
            }
        }
        acc.items += 1;
        acc.sources[source] = true;
        if let Some(voice) = voice {
            acc.voices[voice as usize] = true;
        }
    }
    countries
        .iter()
        .zip(accumulators)
        .map(|(iso3, acc)| finish(data, grouping, iso3, acc))
        .collect()
}

/// Which voices were seen, indexed by `Voice as usize`.
type VoiceSet = [bool; Voice::ALL.len()];

fn voice_list(seen: &VoiceSet) -> Vec<Voice> {
    Voice::ALL
        .into_iter()
        .filter(|v| seen[*v as usize])
        .collect()
}

/// An objective's or principle's items as the pass finds them.
#[derive(Clone, Default)]
struct CellAccumulator {
    /// The deepest item (objectives only).
    depth: u8,
    count: usize,
    /// The items' ids, when the answer lists them.
    items: Vec<Arc<str>>,
    /// The voices of the items' sources (objectives only).
    voices: VoiceSet,
}

struct Accumulator {
    objectives: Vec<CellAccumulator>,
    voices: VoiceSet,
    principles: Vec<CellAccumulator>,
    /// Items counted (each item is visited once, so a count is enough).
    items: usize,
    /// Per source (by index): whether an item of it counted.
    sources: Vec<bool>,
    mappings: usize,
    /// Mappings counted per basis, indexed by `Basis as usize`.
    bases: [usize; Basis::ALL.len()],
}

impl Accumulator {
    fn new(principles: usize, sources: usize) -> Accumulator {
        Accumulator {
            objectives: vec![CellAccumulator::default(); OBJECTIVE_COUNT as usize],
            voices: [false; Voice::ALL.len()],
            principles: vec![CellAccumulator::default(); principles],
            items: 0,
            sources: vec![false; sources],
            mappings: 0,
            bases: [0; Basis::ALL.len()],
        }
    }
}

fn finish(data: &Dataset, grouping: &Grouping, iso3: &str, acc: Accumulator) -> CountryIndicators {
    let objectives: Vec<ObjectiveCell> = acc
        .objectives
        .into_iter()
        .enumerate()
        .map(|(i, cell)| ObjectiveCell {
            objective: i as i32 + 1,
            depth: cell.depth,
            evidence_count: cell.count,
            items: cell.items,
            voices: voice_list(&cell.voices),
        })
        .collect();
    let covered: BTreeSet<i32> = objectives
        .iter()
        .filter(|c| c.depth > 0)
        .map(|c| c.objective)
        .collect();
    let areas = group_cells(grouping, &covered);
    let principles: Vec<PrincipleCell> = data
        .principles
        .iter()
        .zip(acc.principles)
        .map(|(key, cell)| PrincipleCell {
            principle: key.clone(),
            evidence_count: cell.count,
            items: cell.items,
        })
        .collect();
    let solid: usize = SOLID_BASES.iter().map(|b| acc.bases[*b as usize]).sum();
    let basis_counts: BTreeMap<String, usize> = Basis::ALL
        .iter()
        .filter(|b| acc.bases[**b as usize] > 0)
        .map(|b| (b.as_str().to_string(), acc.bases[*b as usize]))
        .collect();
    let mut sources: Vec<String> = acc
        .sources
        .iter()
        .zip(&data.items.sources)
        .filter(|(counted, _)| **counted)
        .map(|(_, s)| s.id.to_string())
        .collect();
    sources.sort();
    // Two entries of one id (facts that gave one source two cycles) name it once.
    sources.dedup();
    CountryIndicators {
        iso3: iso3.to_string(),
        items_counted: acc.items,
        objectives_covered: covered.len(),
        objectives_share: covered.len() as f64 / OBJECTIVE_COUNT as f64,
        balance: evenness(&areas.iter().map(|a| a.share).collect::<Vec<_>>()),
        areas,
        grouping: grouping.id.clone(),
        principles_covered: principles.iter().filter(|p| p.evidence_count > 0).count(),
        principles,
        solid_share: (acc.mappings > 0).then(|| solid as f64 / acc.mappings as f64),
        mappings_counted: acc.mappings,
        basis_counts,
        voluntary_reports: data
            .countries
            .get(iso3)
            .map(|c| c.voluntary_reports.iter().cloned().collect())
            .unwrap_or_default(),
        sources,
        corroborated: objectives.iter().filter(|c| c.corroborated()).count(),
        government_only: objectives.iter().filter(|c| c.government_only()).count(),
        voices: voice_list(&acc.voices),
        objectives,
    }
}

/// Coverage per group: an objective in several groups (23 in every MPTF area) counts in each.
pub fn group_cells(grouping: &Grouping, covered: &BTreeSet<i32>) -> Vec<GroupCell> {
    grouping
        .groups
        .iter()
        .map(|group| {
            let total = group.objectives.len();
            let hit = group
                .objectives
                .iter()
                .filter(|o| covered.contains(o))
                .count();
            GroupCell {
                id: group.id.clone(),
                covered: hit,
                total,
                share: if total == 0 {
                    0.0
                } else {
                    hit as f64 / total as f64
                },
            }
        })
        .collect()
}

/// Normalised Shannon evenness J = H / ln K of the shares, where p_k = share_k / sum of shares.
/// 1 when every group is equally covered, 0 when one group holds all the coverage; None without coverage
/// (or with fewer than two groups, where evenness means nothing).
pub fn evenness(shares: &[f64]) -> Option<f64> {
    let total: f64 = shares.iter().sum();
    if shares.len() < 2 || total <= 0.0 {
        return None;
    }
    let entropy: f64 = shares
        .iter()
        .filter(|s| **s > 0.0)
        .map(|s| {
            let p = s / total;
            -p * p.ln()
        })
        .sum();
    Some(entropy / (shares.len() as f64).ln())
}

#[cfg(test)]
mod tests {
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

    fn fact(
        id: &str,
        country: &str,
        cycle: &str,
        depth: u8,
        objectives: &[(i32, Basis)],
    ) -> ItemFact {
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
        let principles: Vec<String> = vec!["human rights".into()];
        Dataset {
            items: ItemColumns::from_facts(items, &principles),
            principles,
            cycles: vec!["2021".into(), "2025".into()],
            ..Dataset::default()
        }
    }

    #[test]
    fn voices_per_cell_corroborated_and_government_only_by_hand() {
        // Sources: src-2021 the government's, src-2025 civil society's, src-x unknown to the dataset.
        let mut d = data(vec![
            fact(
                "a",
                "XXX",
                "2021",
                2,
                &[(1, Basis::Inferred), (2, Basis::Inferred)],
            ),
            fact(
                "b",
                "XXX",
                "2025",
                1,
                &[(2, Basis::Inferred), (3, Basis::Inferred)],
            ),
            // Not counted by default (auto): lends objective 4 no evidence and no voice.
            fact("c", "XXX", "2025", 1, &[(4, Basis::Auto)]),
            ItemFact {
                source: "src-x".into(),
                ..fact("d", "XXX", "2021", 1, &[(5, Basis::Inferred)])
            },
        ]);
        d.source_voices = [
            (Arc::from("src-2021"), Voice::Government),
            (Arc::from("src-2025"), Voice::CivilSociety),
        ]
        .into_iter()
        .collect();
        let c = &compute(&d, &Counting::default(), &mptf(), &["XXX".into()])[0];
        // 1: government only; 2: government and civil society; 3: civil society only; 4: nothing
        // counted; 5: evidence whose source names no voice.
        assert_eq!(c.objectives[0].voices, [Voice::Government]);
        assert_eq!(
            c.objectives[1].voices,
            [Voice::Government, Voice::CivilSociety]
        );
        assert_eq!(c.objectives[2].voices, [Voice::CivilSociety]);
        assert!(c.objectives[3].voices.is_empty());
        assert!(c.objectives[4].voices.is_empty());
        assert_eq!(c.objectives[4].depth, 1);
        assert_eq!(c.objectives_covered, 4); // 1, 2, 3, 5
        assert_eq!((c.corroborated, c.government_only), (1, 1));
        assert_eq!(c.voices, [Voice::Government, Voice::CivilSociety]);
        // Only 2025: objectives 2 and 3, each civil society's alone.
        let c = &compute(
            &d,
            &Counting::default().only_cycle("2025"),
            &mptf(),
            &["XXX".into()],
        )[0];
        assert_eq!(
            (c.objectives_covered, c.corroborated, c.government_only),
            (2, 0, 0)
        );
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
        let c = &compute(&d, &Counting::default(), &mptf(), &["XXX".into()])[0];
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
        let all = &compute(&d, &Counting::default(), &mptf(), &["XXX".into()])[0];
        // `auto` is not counted by default: 5 and 7.
        assert_eq!(all.objectives_covered, 2);
        assert_eq!(all.solid_share, Some(0.5)); // one cited of two counted mappings
        let only_2025 = Counting {
            cycles: Some(["2025".to_string()].into_iter().collect()),
            ..Counting::default()
        };
        let c = &compute(&d, &only_2025, &mptf(), &["XXX".into()])[0];
        assert_eq!(c.objectives_covered, 1);
        assert_eq!(c.depth_of(7), 1);
        let with_auto = Counting {
            bases: Basis::ALL.into_iter().collect(),
            ..Counting::default()
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
        let rows = compute(&d, &Counting::default(), &mptf(), &members);
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
    fn counts_only_cells_count_what_the_ids_list_and_list_nothing() {
        // AAA: items a (objectives 1, 2; the principle) and b (objective 1); BBB: item c (objective 2).
        let mut a = fact(
            "a",
            "AAA",
            "2021",
            2,
            &[(1, Basis::Inferred), (2, Basis::Cited)],
        );
        a.principles = vec![("human rights".into(), Basis::Inferred)];
        let d = data(vec![
            a,
            fact("b", "AAA", "2025", 1, &[(1, Basis::Inferred)]),
            fact("c", "BBB", "2021", 1, &[(2, Basis::Inferred)]),
        ]);
        let members: Vec<String> = ["AAA", "BBB"].map(String::from).to_vec();
        let listed = compute(&d, &Counting::default(), &mptf(), &members);
        let counted = compute_with(
            &d,
            &Counting::default(),
            &mptf(),
            &members,
            Evidence::CountsOnly,
        );
        // By hand: AAA's objective 1 has a and b (2 items, depth 2 from a), objective 2 has a (1);
        // BBB's objective 2 has c. The principle: a only.
        assert_eq!(listed[0].objectives[0].items.len(), 2);
        assert_eq!(counted[0].objectives[0].evidence_count, 2);
        assert_eq!(counted[0].objectives[0].depth, 2);
        assert_eq!(counted[0].objectives[1].evidence_count, 1);
        assert_eq!(counted[1].objectives[1].evidence_count, 1);
        assert_eq!(counted[0].principles[0].evidence_count, 1);
        for (listed, counted) in listed.iter().zip(&counted) {
            assert!(counted.objectives.iter().all(|c| c.items.is_empty()));
            assert!(counted.principles.iter().all(|c| c.items.is_empty()));
            // Apart from the lists, the two answers are the same.
            let mut without_ids = listed.clone();
            without_ids
                .objectives
                .iter_mut()
                .for_each(|c| c.items.clear());
            without_ids
                .principles
                .iter_mut()
                .for_each(|c| c.items.clear());
            assert_eq!(&without_ids, counted);
        }
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
        let g = gaps(&compute(&d, &Counting::default(), &mptf(), &members));
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
}
