//! Dates as sources give them: a year, a month or a day ("2021", "2021-11", "2021-11-15").

use std::fmt;

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A date known to a year, a month or a day. Stored as the ISO text it was given in, which sorts in time
/// order within the same precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is accepted.
    pub fn parse(text: &str) -> Result<PartialDate, String> {
        let wrong = || {
            format!("`{text}` is not a date; accepted: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-11)")
        };
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, digits: usize| -> Result<u32, String> {
            if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| wrong())
            } else {
                Err(wrong())
            }
        };
        let date = match parts.as_slice() {
            [y] => PartialDate {
                year: number(y, 4)? as i32,
                month: None,
                day: None,
            },
            [y, m] => PartialDate {
                year: number(y, 4)? as i32,
                month: Some(number(m, 2)?),
                day: None,
            },
            [y, m, d] => PartialDate {
                year: number(y, 4)? as i32,
                month: Some(number(m, 2)?),
                day: Some(number(d, 2)?),
            },
            _ => return Err(wrong()),
        };
        // Check the calendar: month 1-12, and a day that exists in that month.
        let month = date.month.unwrap_or(1);
        let day = date.day.unwrap_or(1);
        if NaiveDate::from_ymd_opt(date.year, month, day).is_none() {
            return Err(format!("`{text}` is not a calendar date"));
        }
        Ok(date)
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The first day the partial date can mean (for comparisons against cut-off dates).
    pub fn earliest(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions_and_prints_them_back() {
        for (text, precision) in [
            ("2021", Precision::Year),
            ("2021-11", Precision::Month),
            ("2024-02-29", Precision::Day),
        ] {
            let date = PartialDate::parse(text).unwrap();
            assert_eq!(date.precision(), precision);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for text in [
            "21",
            "2021-13",
            "2023-02-29",
            "11/20/2016",
            "2021-1",
            "",
            "2021-11-05-1",
        ] {
            assert!(PartialDate::parse(text).is_err(), "{text}");
        }
    }
}
