//! Settings: embedded defaults, then an optional TOML file, then `GCM__SECTION__KEY` environment variables.
//!
//! Every struct denies unknown fields so that a misspelt key stops start-up instead of being ignored.

use std::fmt;
use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The defaults shipped inside the binary, so the service runs with no file present.
pub const DEFAULT_SETTINGS: &str = include_str!("../assets/default-settings.toml");

/// Environment variable naming a settings file when `--config` is not given.
pub const CONFIG_FILE_ENV: &str = "GCM_CONFIG";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub limits: LimitSettings,
    pub web: WebSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Reading needs a token too (writing always does).
    pub read_requires_token: bool,
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: u64,
    /// Hours after signing in at which a session ends whatever its use.
    pub session_max_hours: u64,
    /// Failed sign-ins for one name or from one address, within the window, before 429.
    pub sign_in_attempts: u32,
    /// The window of `sign_in_attempts`, in seconds.
    pub sign_in_window_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest body of a document upload, in bytes.
    pub document_bytes: usize,
    /// Seconds a client gets to send a whole request body.
    pub body_timeout_seconds: u64,
    /// Charts and tables rendered at the same time.
    pub concurrent_renders: usize,
    /// Seconds a render waits for its turn before a 503.
    pub render_wait_seconds: u64,
    /// Largest chart in pixels (width x height).
    pub chart_pixels: u64,
    /// Most pages of an uploaded or ingested PDF.
    pub document_pages: usize,
    /// Seconds reading one report (PDF, DOCX, ODT, HTML) may take before it is refused.
    pub extract_seconds: u64,
}

impl LimitSettings {
    /// The bounds on reading one report, from these settings and the format readers' own defaults.
    pub fn extract_limits(&self) -> crate::formats::ExtractLimits {
        crate::formats::ExtractLimits {
            max_pages: self.document_pages,
            time_limit: std::time::Duration::from_secs(self.extract_seconds),
            ..crate::formats::ExtractLimits::default()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// Origins allowed to frame the pages (CSP frame-ancestors); empty allows only this service.
    pub frame_ancestors: Vec<String>,
    /// Mark the session cookie `Secure` (HTTPS only).
    pub secure_cookies: bool,
    /// Load balancers and proxies (addresses or networks) whose `Forwarded` / `X-Forwarded-For` header
    /// names the client; from anyone else the header is ignored.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    /// Seconds requests in flight get to finish on shutdown.
    pub shutdown_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Kept secret: a PostgreSQL URL may carry a password, and `Debug` must never print it.
    pub url: SecretString,
    pub pool_size: u32,
    /// Wait for a connection, and for its check, before a 503.
    pub connect_timeout_seconds: u64,
    /// Wait for another writer (SQLite busy timeout, PostgreSQL lock_timeout) before a 503.
    pub lock_timeout_seconds: u64,
    /// Longest database work of one request (PostgreSQL statement_timeout and the service's deadline).
    pub statement_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
}

/// Which database a URL selects, with what the driver needs to open it.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file; its folder is created on start.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, passed to libpq as given.
    Postgres(String),
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseTarget::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
            DatabaseTarget::Postgres(url) => write!(f, "Postgres({})", redact_url(url)),
        }
    }
}

impl DatabaseTarget {
    /// A description safe to log: the password of a PostgreSQL URL is replaced by `***`.
    pub fn describe(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("SQLite file {}", path.display()),
            DatabaseTarget::Postgres(url) => format!("PostgreSQL {}", redact_url(url)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("invalid settings: {0}")]
    Invalid(String),
}

impl Settings {
    /// The built-in defaults alone (no file, no environment).
    pub fn defaults() -> Settings {
        // The defaults are compiled in and checked by `shipped_defaults_parse`.
        Settings::load_from(
            None,
            Environment::with_prefix("GCM").source(Some(Default::default())),
        )
        .expect("the built-in default settings parse")
    }

    /// Loads the layered settings. `file` is the `--config` argument; when absent, `GCM_CONFIG` is used.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let env_file = std::env::var_os(CONFIG_FILE_ENV).map(PathBuf::from);
        let file = file.map(Path::to_path_buf).or(env_file);
        Self::load_from(file.as_deref(), Environment::with_prefix("GCM"))
    }

    /// The layering itself, with the environment source passed in so tests can supply their own variables.
    pub fn load_from(
        file: Option<&Path>,
        environment: Environment,
    ) -> Result<Settings, SettingsError> {
        let mut builder =
            Config::builder().add_source(File::from_str(DEFAULT_SETTINGS, FileFormat::Toml));
        if let Some(path) = file {
            // Read the file ourselves so that a missing or unreadable file gets a message naming it.
            let text = std::fs::read_to_string(path).map_err(|e| SettingsError::File {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            builder = builder.add_source(File::from_str(&text, FileFormat::Toml));
        }
        let config = builder
            .add_source(
                environment
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    // GCM__WEB__FRAME_ANCESTORS="https://a.example https://b.example"
                    .list_separator(" ")
                    .with_list_parse_key("web.frame_ancestors")
                    .with_list_parse_key("web.trusted_proxies"),
            )
            .build()
            .map_err(|e| describe_config_error(file, e))?;
        let settings: Settings = config
            .try_deserialize()
            .map_err(|e| describe_config_error(file, e))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        self.database.target()?;
        if self.database.pool_size == 0 {
            return Err(SettingsError::Invalid(
                "database.pool_size must be at least 1".into(),
            ));
        }
        for (key, value) in [
            (
                "database.connect_timeout_seconds",
                self.database.connect_timeout_seconds,
            ),
            (
                "database.lock_timeout_seconds",
                self.database.lock_timeout_seconds,
            ),
            (
                "database.statement_timeout_seconds",
                self.database.statement_timeout_seconds,
            ),
            (
                "limits.body_timeout_seconds",
                self.limits.body_timeout_seconds,
            ),
            (
                "limits.render_wait_seconds",
                self.limits.render_wait_seconds,
            ),
            (
                "limits.concurrent_renders",
                self.limits.concurrent_renders as u64,
            ),
            ("limits.document_pages", self.limits.document_pages as u64),
            ("auth.session_idle_minutes", self.auth.session_idle_minutes),
            ("auth.session_max_hours", self.auth.session_max_hours),
            (
                "auth.sign_in_attempts",
                u64::from(self.auth.sign_in_attempts),
            ),
            (
                "auth.sign_in_window_seconds",
                self.auth.sign_in_window_seconds,
            ),
            ("limits.extract_seconds", self.limits.extract_seconds),
        ] {
            if value == 0 {
                return Err(SettingsError::Invalid(format!("{key} must be at least 1")));
            }
        }
        // A chart needs room for its title, legend and at least a few cells.
        if self.limits.chart_pixels < 100_000 {
            return Err(SettingsError::Invalid(
                "limits.chart_pixels must be at least 100000 (e.g. 400 x 250)".into(),
            ));
        }
        if self.server.bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(SettingsError::Invalid(format!(
                "server.bind `{}` is not an address and port such as 127.0.0.1:8080 or [::1]:8080",
                self.server.bind
            )));
        }
        if self.limits.document_bytes == 0 {
            return Err(SettingsError::Invalid(
                "limits.document_bytes must be at least 1".into(),
            ));
        }
        // Each entry goes into a Content-Security-Policy header: a stray `;` or `,` would add directives.
        for origin in &self.web.frame_ancestors {
            let allowed = |c: char| c.is_ascii_alphanumeric() || ":/.-*'_".contains(c);
            if origin.is_empty() || !origin.chars().all(allowed) {
                return Err(SettingsError::Invalid(format!(
                    "web.frame_ancestors entry `{origin}` is not a source such as https://www.example.org"
                )));
            }
        }
        for entry in &self.web.trusted_proxies {
            if crate::web::client_address::parse_trusted(entry).is_none() {
                return Err(SettingsError::Invalid(format!(
                    "web.trusted_proxies entry `{entry}` is not an address or network such as 10.0.0.5 or 10.0.0.0/8"
                )));
            }
        }
        Ok(())
    }
}

impl WebSettings {
    /// The trusted proxies as networks (entries were checked when the settings were loaded).
    pub fn trusted_proxy_networks(&self) -> Vec<ipnet::IpNet> {
        self.trusted_proxies
            .iter()
            .filter_map(|entry| crate::web::client_address::parse_trusted(entry))
            .collect()
    }
}

impl DatabaseSettings {
    /// Picks the backend from the URL scheme; any scheme other than the accepted ones is refused.
    pub fn target(&self) -> Result<DatabaseTarget, SettingsError> {
        parse_database_url(self.url.expose_secret())
    }
}

/// The schemes `database.url` accepts, as shown in error messages.
pub const ACCEPTED_DATABASE_SCHEMES: &str =
    "sqlite://PATH, postgres://USER@HOST:PORT/DB, postgresql://USER@HOST:PORT/DB";

pub fn parse_database_url(url: &str) -> Result<DatabaseTarget, SettingsError> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(SettingsError::Invalid(format!(
            "database.url has no scheme; accepted: {ACCEPTED_DATABASE_SCHEMES}"
        )));
    };
    match scheme {
        "sqlite" => {
            if rest.is_empty() || rest == ":memory:" {
                // An in-memory database would be a different empty database per pooled connection.
                return Err(SettingsError::Invalid(
                    "database.url sqlite:// needs a file path, e.g. sqlite://data/gcm.sqlite3"
                        .into(),
                ));
            }
            Ok(DatabaseTarget::Sqlite(PathBuf::from(rest)))
        }
        "postgres" | "postgresql" => Ok(DatabaseTarget::Postgres(url.to_string())),
        other => Err(SettingsError::Invalid(format!(
            "database.url scheme `{other}` is not supported; accepted: {ACCEPTED_DATABASE_SCHEMES}"
        ))),
    }
}

/// Replaces the password in `scheme://user:password@host` by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparsable url>".into();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

fn describe_config_error(file: Option<&Path>, error: config::ConfigError) -> SettingsError {
    let origin = match file {
        Some(path) => format!(" (defaults, {}, GCM__* environment)", path.display()),
        None => " (defaults, GCM__* environment)".to_string(),
    };
    SettingsError::Invalid(format!("{error}{origin}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> Environment {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::with_prefix("GCM").source(Some(map))
    }

    #[test]
    fn shipped_defaults_parse() {
        let settings = Settings::load_from(None, env(&[])).expect("defaults must parse");
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
        assert_eq!(
            settings.database.target().unwrap(),
            DatabaseTarget::Sqlite(PathBuf::from("data/gcm.sqlite3"))
        );
    }

    #[test]
    fn environment_overrides_defaults() {
        let settings = Settings::load_from(
            None,
            env(&[
                (
                    "GCM__DATABASE__URL",
                    "postgres://postgres@127.0.0.1:5432/gcm",
                ),
                ("GCM__SERVER__BIND", "0.0.0.0:9000"),
                ("GCM__DATABASE__POOL_SIZE", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.server.bind, "0.0.0.0:9000");
        assert_eq!(settings.database.pool_size, 3);
        assert!(matches!(
            settings.database.target().unwrap(),
            DatabaseTarget::Postgres(_)
        ));
    }

    #[test]
    fn unknown_scheme_names_the_accepted_ones() {
        let err = Settings::load_from(
            None,
            env(&[("GCM__DATABASE__URL", "mysql://root@localhost/x")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`mysql`"), "{err}");
        assert!(
            err.contains("sqlite://") && err.contains("postgres://"),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_come_space_separated_and_are_checked() {
        let settings = Settings::load_from(
            None,
            env(&[("GCM__WEB__TRUSTED_PROXIES", "10.0.0.5 192.168.0.0/16")]),
        )
        .unwrap();
        assert_eq!(
            settings.web.trusted_proxy_networks(),
            vec![
                "10.0.0.5/32".parse::<ipnet::IpNet>().unwrap(),
                "192.168.0.0/16".parse().unwrap()
            ]
        );
        let error = Settings::load_from(
            None,
            env(&[("GCM__WEB__TRUSTED_PROXIES", "balancer.internal")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("web.trusted_proxies entry `balancer.internal`"),
            "{error}"
        );
    }

    #[test]
    fn unknown_key_is_refused() {
        let err = Settings::load_from(None, env(&[("GCM__SERVER__PORTT", "1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("portt"), "{err}");
    }

    #[test]
    fn unreadable_file_is_named() {
        let err = Settings::load_from(Some(Path::new("/nonexistent/gcm.toml")), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/gcm.toml"), "{err}");
    }

    #[test]
    fn file_layer_sits_between_defaults_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gcm.toml");
        std::fs::write(&path, "[server]\nbind = \"127.0.0.1:7000\"\nworkers = 2\n").unwrap();
        let from_file = Settings::load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(from_file.server.bind, "127.0.0.1:7000");
        assert_eq!(from_file.server.workers, 2);
        let env_wins =
            Settings::load_from(Some(&path), env(&[("GCM__SERVER__BIND", "127.0.0.1:7001")]))
                .unwrap();
        assert_eq!(env_wins.server.bind, "127.0.0.1:7001");
    }

    #[test]
    fn debug_output_hides_the_password() {
        let settings = Settings::load_from(
            None,
            env(&[("GCM__DATABASE__URL", "postgres://gcm:hunter2@db:5432/gcm")]),
        )
        .unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
        let target = settings.database.target().unwrap();
        assert!(!format!("{target:?}").contains("hunter2"));
        assert_eq!(
            target.describe(),
            "PostgreSQL postgres://gcm:***@db:5432/gcm"
        );
    }
}
