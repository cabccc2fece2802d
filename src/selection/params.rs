//! Reading parameter values: each error names its parameter and what it accepts, in the same words
//! wherever the parameter arrives (a query string or a command-line flag).

use std::collections::BTreeSet;

use crate::evidence::Basis;

/// A bad parameter: which one, and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl ParamError {
    pub fn new(parameter: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

/// The parameter's value, trimmed; None when absent or empty.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The non-empty items of a comma list; a list with no item (`basis=,`) is refused rather than read as
/// "count nothing".
pub fn list<'a>(parameter: &str, text: &'a str) -> Result<Vec<&'a str>, ParamError> {
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(ParamError::new(
            parameter,
            format!("`{text}` names nothing; give one or more values separated by commas"),
        ));
    }
    Ok(items)
}

/// `basis=cited,subject` (or `all`): the bases, in their fixed order.
pub fn bases(text: &str) -> Result<Vec<Basis>, ParamError> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(Basis::ALL.to_vec());
    }
    let mut bases = Vec::new();
    for name in list("basis", text)? {
        match Basis::parse(name) {
            Some(basis) if !bases.contains(&basis) => bases.push(basis),
            Some(_) => {}
            None => {
                return Err(ParamError::new(
                    "basis",
                    format!(
                        "`{name}` is not a basis; accepted: all, {}",
                        Basis::accepted()
                    ),
                ))
            }
        }
    }
    bases.sort();
    Ok(bases)
}

/// `cycle=2021,2025` or `cycle=all` (any case): the named cycles, or None for every cycle. Names are
/// checked against the store by the caller, which knows them.
pub fn cycles(parameter: &str, text: &str) -> Result<Option<BTreeSet<String>>, ParamError> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    Ok(Some(
        list(parameter, text)?
            .into_iter()
            .map(str::to_string)
            .collect(),
    ))
}

/// The whole numbers a parameter accepts, and what it calls them in messages.
#[derive(Debug, Clone, Copy)]
pub struct WholeNumber {
    /// "an objective number", "a page size"...
    pub what: &'static str,
    pub min: i64,
    /// None: no upper bound.
    pub max: Option<i64>,
}

impl WholeNumber {
    /// Reads `text` as one of these numbers.
    pub fn read(&self, parameter: &str, text: &str) -> Result<i64, ParamError> {
        match text.trim().parse::<i64>() {
            Ok(n) if n >= self.min && self.max.is_none_or(|max| n <= max) => Ok(n),
            _ => {
                let accepted = match self.max {
                    Some(max) => format!("{}-{max}", self.min),
                    None => format!("{} or more", self.min),
                };
                Err(ParamError::new(
                    parameter,
                    format!("`{text}` is not {}; accepted: {accepted}", self.what),
                ))
            }
        }
    }

    /// The parameter's number, or `default` when it is not given.
    pub fn read_or(
        &self,
        parameter: &str,
        value: &Option<String>,
        default: i64,
    ) -> Result<i64, ParamError> {
        given(value).map_or(Ok(default), |text| self.read(parameter, text))
    }
}

/// A GCM objective's number, 1-23.
pub const OBJECTIVE_NUMBER: WholeNumber = WholeNumber {
    what: "an objective number",
    min: 1,
    max: Some(crate::framework::OBJECTIVE_COUNT as i64),
};

/// A switch: `1`/`true` or `0`/`false`.
pub fn switch(parameter: &str, value: &Option<String>, meaning: &str) -> Result<bool, ParamError> {
    match given(value) {
        None | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(other) => Err(ParamError::new(
            parameter,
            format!("`{other}` is not accepted; accepted: 1 ({meaning}) or 0"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_bases_and_cycles() {
        assert!(list("cycle", " , ").is_err());
        assert_eq!(list("cycle", "2021, 2025").unwrap(), vec!["2021", "2025"]);
        assert_eq!(
            bases("subject,cited").unwrap(),
            vec![Basis::Cited, Basis::Subject]
        );
        assert_eq!(bases("all").unwrap().len(), 6);
        assert!(bases("guess").is_err());
        assert!(bases(",").is_err());
        assert_eq!(cycles("cycle", "ALL").unwrap(), None);
        assert_eq!(
            cycles("cycle", "2025,2021").unwrap(),
            Some(["2021".to_string(), "2025".to_string()].into())
        );
    }

    #[test]
    fn whole_numbers_name_their_range() {
        assert_eq!(OBJECTIVE_NUMBER.read("objective", "23").unwrap(), 23);
        let error = OBJECTIVE_NUMBER.read("objective", "24").unwrap_err();
        assert_eq!(
            error.to_string(),
            "objective: `24` is not an objective number; accepted: 1-23"
        );
        let offset = WholeNumber {
            what: "an offset",
            min: 0,
            max: None,
        };
        assert_eq!(
            offset.read("offset", "-1").unwrap_err().message,
            "`-1` is not an offset; accepted: 0 or more"
        );
        assert_eq!(offset.read_or("offset", &None, 0).unwrap(), 0);
    }
}
