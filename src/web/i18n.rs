//! The languages of the web pages: which one a request gets, the interface text in it, and numbers and
//! dates written its way. The text lives in `assets/i18n/*.toml`, so a translator edits data, not code.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(text.trim()))
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The interface text in this language.
    pub fn text(self) -> &'static Messages {
        static EN: OnceLock<Messages> = OnceLock::new();
        static ES: OnceLock<Messages> = OnceLock::new();
        match self {
            Lang::En => EN.get_or_init(|| Messages::parse(EN_TOML)),
            Lang::Es => ES.get_or_init(|| Messages::parse(ES_TOML)),
        }
    }

    /// A number with `decimals` digits after the decimal sign: a point in English, a comma in Spanish.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        match self {
            Lang::En => text,
            Lang::Es => text.replace('.', ","),
        }
    }

    /// A share 0-1 as a whole percentage: "61%" in English, "61 %" in Spanish (with a no-break space).
    pub fn percent(self, share: f64) -> String {
        let whole = (share * 100.0).round();
        match self {
            Lang::En => format!("{whole:.0}%"),
            Lang::Es => format!("{whole:.0}\u{a0}%"),
        }
    }

    /// A date as "27 Nov 2026" or "27 nov 2026".
    pub fn date(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        const ES: [&str; 12] = [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ];
        let month = date.month0() as usize;
        let name = match self {
            Lang::En => EN[month],
            Lang::Es => ES[month],
        };
        format!("{} {name} {}", date.day(), date.year())
    }
}

const EN_TOML: &str = include_str!("../../assets/i18n/en.toml");
const ES_TOML: &str = include_str!("../../assets/i18n/es.toml");

/// The language of a page: `?lang=` when given (a value other than en or es is refused), else the first
/// language of `Accept-Language` that the pages have, else English.
pub fn negotiate(param: Option<&str>, accept_language: Option<&str>) -> Result<Lang, String> {
    if let Some(code) = param.filter(|c| !c.trim().is_empty()) {
        return Lang::parse(code)
            .ok_or_else(|| format!("`{code}` is not a language of these pages; accepted: en, es"));
    }
    let mut offered: Vec<(f32, usize, Lang)> = accept_language
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(position, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let primary = tag.split('-').next()?;
            let lang = Lang::parse(primary)?;
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0).then_some((quality, position, lang))
        })
        .collect();
    // Highest quality first; among equals, the order the browser sent.
    offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(offered.first().map(|o| o.2).unwrap_or(Lang::En))
}

/// The interface text of one language, by key.
#[derive(Debug)]
pub struct Messages {
    text: HashMap<String, String>,
}

#[derive(serde::Deserialize)]
struct MessagesFile {
    #[allow(dead_code)] // read by people and checked by the tests
    version: String,
    text: HashMap<String, String>,
}

impl Messages {
    fn parse(toml_text: &str) -> Messages {
        // The files are compiled in and checked by the tests; a broken file would show keys, not crash.
        let file: MessagesFile = toml::from_str(toml_text).unwrap_or(MessagesFile {
            version: String::new(),
            text: HashMap::new(),
        });
        Messages { text: file.text }
    }

    /// The text for `key`, or the key itself when missing (visible on the page, caught by the tests).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.text.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.text.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_parse() {
        let en: std::collections::BTreeSet<&String> = Lang::En.text().keys().collect();
        let es: std::collections::BTreeSet<&String> = Lang::Es.text().keys().collect();
        assert!(en.len() > 100, "the English file parsed: {} keys", en.len());
        assert_eq!(en, es);
        for file in [EN_TOML, ES_TOML] {
            let parsed: MessagesFile = toml::from_str(file).expect("valid TOML");
            assert_eq!(parsed.version, "2026-11-27");
        }
    }

    #[test]
    fn the_language_follows_the_parameter_then_the_browser() {
        assert_eq!(negotiate(Some("es"), Some("en")), Ok(Lang::Es));
        assert_eq!(negotiate(Some("EN"), None), Ok(Lang::En));
        assert!(negotiate(Some("fr"), None)
            .unwrap_err()
            .contains("accepted: en, es"));
        // es-419 (Latin American Spanish) is Spanish; French is not offered, so it is skipped.
        assert_eq!(
            negotiate(None, Some("fr-FR, es-419;q=0.9, en;q=0.8")),
            Ok(Lang::Es)
        );
        // Quality wins over order; q=0 means "not this one".
        assert_eq!(negotiate(None, Some("es;q=0.5, en")), Ok(Lang::En));
        assert_eq!(negotiate(None, Some("en;q=0, es;q=0.1")), Ok(Lang::Es));
        assert_eq!(negotiate(None, None), Ok(Lang::En));
        assert_eq!(negotiate(None, Some("*")), Ok(Lang::En));
    }

    #[test]
    fn numbers_and_dates_are_written_each_language_s_way() {
        assert_eq!(Lang::En.number(6.5, 1), "6.5");
        assert_eq!(Lang::Es.number(6.5, 1), "6,5");
        assert_eq!(Lang::En.percent(14.0 / 23.0), "61%");
        assert_eq!(Lang::Es.percent(14.0 / 23.0), "61\u{a0}%");
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(Lang::En.date(date), "27 Nov 2026");
        assert_eq!(Lang::Es.date(date), "27 nov 2026");
    }
}
