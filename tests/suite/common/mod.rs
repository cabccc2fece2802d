//! Test support shared by the integration tests: a database of the backend under test, created for one
//! test and dropped after it, the in-process app, and a TCP proxy that can cut the database off.
//!
//! The backend is SQLite unless `GCM_TEST_POSTGRES_URL` names a PostgreSQL server
//! (e.g. `postgres://postgres@127.0.0.1:5432`): then every test gets its own database there.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use gcm::config::Settings;

pub const POSTGRES_ENV: &str = "GCM_TEST_POSTGRES_URL";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server URL tests should use, if any (without a database name).
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty())
        .map(|url| url.trim_end_matches('/').to_string())
}

/// The PostgreSQL server of a test that only makes sense on PostgreSQL. Such tests are marked
/// `#[ignore]`, so a plain `cargo test` lists them as ignored; `.ci/run` runs them with
/// `--include-ignored` beside `GCM_TEST_POSTGRES_URL`, and without it they fail rather than pass.
pub fn require_postgres() -> String {
    postgres_server().unwrap_or_else(|| {
        panic!("this test needs PostgreSQL: set {POSTGRES_ENV}, e.g. postgres://postgres@127.0.0.1:5432")
    })
}

/// A fresh, empty database of the backend under test; removed when dropped.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>, // (server url, database name)
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        match postgres_server() {
            Some(server) => TestDatabase::postgres(&server),
            None => TestDatabase::sqlite(),
        }
    }

    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("db/gcm.sqlite3").display());
        TestDatabase {
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    pub fn postgres(server: &str) -> TestDatabase {
        let name = format!(
            "gcm_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_micros()
        );
        let mut admin = PgConnection::establish(&format!("{server}/postgres"))
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {server}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        TestDatabase {
            url: format!("{server}/{name}"),
            _dir: None,
            postgres: Some((server.to_string(), name)),
        }
    }

    /// Default settings pointing at this database and at a free port.
    pub fn settings(&self) -> Settings {
        settings_with_url(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(&format!("{server}/postgres")) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub fn settings_with_url(url: &str) -> Settings {
    let mut vars = std::collections::HashMap::new();
    vars.insert("GCM__DATABASE__URL".to_string(), url.to_string());
    vars.insert("GCM__SERVER__BIND".to_string(), "127.0.0.1:0".to_string());
    vars.insert(
        "GCM__DATABASE__CONNECT_TIMEOUT_SECONDS".to_string(),
        "2".to_string(),
    );
    Settings::load_from(
        None,
        config::Environment::with_prefix("GCM").source(Some(vars)),
    )
    .expect("test settings")
}

/// Migrated and loaded database plus the in-process application state.
pub fn prepared_state(db: &TestDatabase) -> gcm::web::AppState {
    let database = gcm::startup::prepare_database(&db.settings()).expect("prepare database");
    gcm::web::AppState::new(database)
}

/// A TCP proxy in front of a server, which a test can cut (closing its port and every open connection)
/// and restore, to play a database that goes away and comes back.
pub struct CuttableProxy {
    pub address: SocketAddr,
    target: SocketAddr,
    enabled: Arc<AtomicBool>,
    /// While set, bytes are held instead of forwarded: the sockets stay open and nothing comes back,
    /// as in a silent network partition.
    stalled: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: Option<thread::JoinHandle<()>>,
}

impl CuttableProxy {
    pub fn start(target: SocketAddr) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let address = listener.local_addr().unwrap();
        let mut proxy = CuttableProxy {
            address,
            target,
            enabled: Arc::new(AtomicBool::new(true)),
            stalled: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(AtomicBool::new(false)),
            streams: Arc::new(Mutex::new(Vec::new())),
            acceptor: None,
        };
        proxy.spawn_acceptor(listener);
        proxy
    }

    fn spawn_acceptor(&mut self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        let (enabled, stop, streams, target, stalled) = (
            self.enabled.clone(),
            self.stop.clone(),
            self.streams.clone(),
            self.target,
            self.stalled.clone(),
        );
        self.acceptor = Some(thread::spawn(move || loop {
            if stop.load(Ordering::SeqCst) || !enabled.load(Ordering::SeqCst) {
                return; // dropping the listener closes the port
            }
            match listener.accept() {
                Ok((client, _)) => {
                    client.set_nonblocking(false).unwrap();
                    let Ok(server) = TcpStream::connect(target) else {
                        continue;
                    };
                    let mut registry = streams.lock().unwrap();
                    registry.push(client.try_clone().unwrap());
                    registry.push(server.try_clone().unwrap());
                    pipe(
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                        stalled.clone(),
                    );
                    pipe(server, client, stalled.clone());
                }
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }));
    }

    /// Closes the port and every connection through it.
    pub fn cut(&mut self) {
        self.enabled.store(false, Ordering::SeqCst);
        if let Some(handle) = self.acceptor.take() {
            handle.join().unwrap();
        }
        for stream in self.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Holds every byte in both directions, keeping the connections open.
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
    }

    /// Delivers what was held and forwards again.
    pub fn resume(&self) {
        self.stalled.store(false, Ordering::SeqCst);
    }

    /// Opens the same port again.
    pub fn restore(&mut self) {
        self.enabled.store(true, Ordering::SeqCst);
        let listener = TcpListener::bind(self.address).expect("rebind proxy port");
        self.spawn_acceptor(listener);
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.cut();
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, stalled: Arc<AtomicBool>) {
    thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    while stalled.load(Ordering::SeqCst) {
                        thread::sleep(Duration::from_millis(20));
                    }
                    if to.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Both);
    });
}

/// Sends a request to the in-process app: status, headers (lower-case names) and the body as JSON
/// (null when it is not JSON).
pub async fn send(
    state: &gcm::web::AppState,
    request: actix_web::test::TestRequest,
) -> (u16, Vec<(String, String)>, serde_json::Value) {
    let app = actix_web::test::init_service(gcm::web::app(state.clone())).await;
    let response = actix_web::test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = actix_web::test::read_body(response).await;
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// The real `gcm` binary with no settings from the environment the tests run in.
pub fn gcm_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gcm"));
    command.env_remove("GCM_CONFIG").env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("GCM__") {
            command.env_remove(key);
        }
    }
    command
}

/// `gcm serve` running on a free port, with every line it logged.
pub struct Served {
    pub child: std::process::Child,
    pub base: String,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    /// Starts `gcm serve` on `url` with extra `GCM__...` settings and waits for its address.
    pub fn start(url: &str, settings: &[(&str, &str)]) -> Served {
        use std::io::BufRead;
        let mut command = gcm_command();
        command
            .arg("serve")
            .env("GCM__DATABASE__URL", url)
            .env("GCM__SERVER__BIND", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null());
        for (key, value) in settings {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start gcm serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let lines = log.clone();
        thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(address) = line.split("listening on ").nth(1) {
                    let _ = sender.send(address.trim().to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let base = receiver
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("gcm serve did not start: {:?}", log.lock().unwrap()));
        Served { child, base, log }
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Peak resident memory of the server so far (VmHWM), in KiB.
    pub fn peak_memory_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc status")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer over the network: status, headers (lower-case names) and body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Sends a request with ureq and returns whatever status came back (ureq reports 4xx/5xx as errors).
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let mut request = ureq::request(method, url).timeout(Duration::from_secs(60));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let result = match body {
        Some(bytes) => request.send_bytes(bytes),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{method} {url}: {error}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|name| {
            let value = response.header(&name).unwrap_or("").to_string();
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
    Answer {
        status,
        headers,
        body,
    }
}
