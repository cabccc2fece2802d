//! One country seen through a selection: its indicators, its peer group's comparison and its change
//! between two cycles. The profile answer, the country page and the country charts all take this, so
//! they show the same figures.

use super::{Group, ParamError, Selection};
use crate::indicators::{self, Change, CountryIndicators, Dataset, PeerComparison};

/// A country's change between two cycles, with its indicators in each.
#[derive(Debug, Clone)]
pub struct CountryChange {
    pub change: Change,
    pub before: CountryIndicators,
    pub after: CountryIndicators,
}

#[derive(Debug, Clone)]
pub struct CountryView {
    pub iso3: String,
    pub own: CountryIndicators,
    /// The peer group (`peers=`, else the country's subregion) and how the country compares with it.
    pub peer_group: Group,
    pub peers: PeerComparison,
    /// None when the store has fewer than two review cycles, or when the change was not asked for.
    pub change: Option<CountryChange>,
}

impl CountryView {
    /// The view of `iso3` (a country of the dataset); `with_change` adds the change between the two
    /// cycles of the selection.
    pub fn new(
        data: &Dataset,
        selection: &Selection,
        iso3: &str,
        with_change: bool,
    ) -> Result<CountryView, ParamError> {
        let counting = &selection.counting;
        let grouping = &selection.grouping;
        let own = indicators::compute(data, counting, grouping, &[iso3.to_string()]).remove(0);
        let (peer_group, peer_members) = selection.peers_of(data, iso3)?;
        let peer_rows = indicators::compute(data, counting, grouping, &peer_members);
        let peers = indicators::compare_with_peers(&own, &peer_rows);
        let change = match (&selection.change, with_change) {
            (Some((from, to)), true) => {
                let (change, before, after) =
                    indicators::country_change(data, counting, grouping, iso3, (from, to));
                Some(CountryChange {
                    change,
                    before,
                    after,
                })
            }
            _ => None,
        };
        Ok(CountryView {
            iso3: iso3.to_string(),
            own,
            peer_group,
            peers,
            change,
        })
    }
}
