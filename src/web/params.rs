//! Query-parameter parsing shared by the handlers: each error names its parameter and what it accepts.

use crate::indicators::request::ParamError;
pub use crate::indicators::request::{bases, given, list};

impl From<ParamError> for super::ApiError {
    fn from(error: ParamError) -> super::ApiError {
        super::ApiError::bad_parameter(&error.parameter, error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Basis;

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
