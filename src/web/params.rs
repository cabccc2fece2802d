//! Query-parameter parsing shared by the handlers: each error names its parameter and what it accepts.

use super::ApiError;
use crate::evidence::Basis;

/// The parameter's value, trimmed; None when absent or empty.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The non-empty items of a comma list; a list with no item (`basis=,`) is refused rather than read as
/// "count nothing".
pub fn list<'a>(parameter: &str, text: &'a str) -> Result<Vec<&'a str>, ApiError> {
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(ApiError::bad_parameter(
            parameter,
            format!("`{text}` names nothing; give one or more values separated by commas"),
        ));
    }
    Ok(items)
}

/// `basis=cited,subject` (or `all`): the bases, in their fixed order.
pub fn bases(text: &str) -> Result<Vec<Basis>, ApiError> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(Basis::ALL.to_vec());
    }
    let mut bases = Vec::new();
    for name in list("basis", text)? {
        match Basis::parse(name) {
            Some(basis) if !bases.contains(&basis) => bases.push(basis),
            Some(_) => {}
            None => {
                return Err(ApiError::bad_parameter(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_bases() {
        assert!(list("cycle", " , ").is_err());
        assert_eq!(list("cycle", "2021, 2025").unwrap(), vec!["2021", "2025"]);
        assert_eq!(
            bases("subject,cited").unwrap(),
            vec![Basis::Cited, Basis::Subject]
        );
        assert_eq!(bases("all").unwrap().len(), 6);
        assert!(bases("guess").is_err());
        assert!(bases(",").is_err());
    }
}
