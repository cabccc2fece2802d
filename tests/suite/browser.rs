//! End to end in a real browser: Debian's Chromium driven through ChromeDriver (WebDriver). The path of
//! the issue: open the regional overview, click through to a country, check the chart and the evidence
//! list, switch to Spanish, and follow a download link. Screenshots go to target/browser-screenshots/.
//!
//! Needs `chromium` and `chromedriver` (Debian packages of those names; `.ci/run` installs them). Without
//! them the test says it was skipped and why, unless GCM_REQUIRE_BROWSER=1 (set by `.ci/run`), when their
//! absence is a failure.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `gcm serve` on a fresh SQLite file, as a new user starts it.
fn serve(dir: &Path) -> crate::common::Served {
    crate::common::Served::start(&format!("sqlite://{}", dir.join("gcm.db").display()), &[])
}

fn chromedriver(driver: &Path) -> (Killed, String) {
    let port = free_port();
    // Held in `Killed` from the start, so the driver is stopped (and waited for) on every path.
    let driver = Killed(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if ureq::get(&format!("{url}/status")).call().is_ok() {
            return (driver, url);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("chromedriver did not answer on {url}");
}

async fn connect(driver_url: &str, chromium: &Path, downloads: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600"],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        }),
    );
    ClientBuilder::rustls()
        .expect("a TLS-capable client builder")
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .expect("a WebDriver session")
}

async fn screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
}

/// Whether every `<img>` of the page has loaded and decoded (naturalWidth > 0).
async fn images_loaded(client: &Client) -> (usize, usize) {
    // Charts below the fold load lazily and a large SVG takes its time on a busy machine: ask for every
    // image now and give them up to 30 s to arrive (a broken image never does).
    let mut counts = (0, 0);
    for _ in 0..60 {
        let value = client
            .execute(
                "const imgs = Array.from(document.images); \
                 imgs.forEach(i => { i.loading = 'eager'; }); \
                 return [imgs.length, imgs.filter(i => i.complete && i.naturalWidth > 0).length];",
                vec![],
            )
            .await
            .expect("script runs");
        let pair = value.as_array().expect("two numbers");
        counts = (
            pair[0].as_u64().unwrap_or(0) as usize,
            pair[1].as_u64().unwrap_or(0) as usize,
        );
        if counts.0 == counts.1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    counts
}

#[actix_web::test]
async fn overview_to_country_to_evidence_in_two_languages_and_a_download() {
    let required = std::env::var("GCM_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let why = "chromium and chromedriver are not on PATH (Debian: apt-get install chromium chromium-driver)";
        assert!(!required, "GCM_REQUIRE_BROWSER=1 but {why}");
        eprintln!("skipped: {why}");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads folder");
    let server = serve(dir.path());
    let base = server.base.clone();
    let (_driver, driver_url) = chromedriver(&driver);
    let client = connect(&driver_url, &chromium, &downloads).await;

    // The regional overview, as a new user opens it.
    client
        .goto(&format!("{base}/?lang=en"))
        .await
        .expect("overview");
    let h1 = client.find(Locator::Css("h1")).await.expect("h1");
    assert_eq!(
        h1.text().await.unwrap(),
        "Regional coverage of the GCM objectives: Latin America and the Caribbean"
    );
    // The keyboard reaches the skip link first.
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip")
    );
    let (images, loaded) = images_loaded(&client).await;
    assert!(
        images >= 1 && loaded == images,
        "{loaded} of {images} images loaded"
    );
    screenshot(&client, "1-overview").await;

    // The map of the group: its image (decoded, counted among the images above) with its text
    // alternative, and the table behind it. The table sits in a closed <details>, so its words are
    // read from the document, not from what is drawn.
    let map = client
        .find(Locator::Css("section[aria-labelledby='map'] figure img"))
        .await
        .expect("the map's image");
    let src = map.attr("src").await.unwrap().unwrap_or_default();
    assert!(src.starts_with("/charts/map.svg"), "{src}");
    let alt = map.attr("alt").await.unwrap().unwrap_or_default();
    assert!(alt.contains("Latin America and the Caribbean"), "{alt}");
    let map_loaded = client
        .execute(
            "const i = document.querySelector(\"section[aria-labelledby='map'] figure img\"); \
             return i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(map_loaded, serde_json::json!(true), "the map image decodes");
    let map_rows = client
        .execute(
            "return Array.from(document.querySelectorAll(\"section[aria-labelledby='map'] details table tbody tr\")) \
             .map(r => Array.from(r.cells).map(c => c.textContent.trim()));",
            vec![],
        )
        .await
        .unwrap();
    let map_rows = map_rows.as_array().expect("rows");
    // Every country and territory of the group (52, METHODOLOGY 1), the most covered first: Colombia
    // and Mexico with 18 objectives each (tests/suite/indicators.rs), in the class 15-18.
    assert_eq!(map_rows.len(), 52);
    assert_eq!(map_rows[0], serde_json::json!(["Colombia", "18", "15–18"]));
    assert_eq!(map_rows[1][0], "Mexico");
    // The matrix table names each cell's voices: Colombia's objective 7 has seed 001's items (UN
    // system) and regional bodies' (tests/suite/voices.rs), shown as initials with their names for
    // screen readers.
    let cell = client
        .find(Locator::Css("table.matrix a[aria-label^='Colombia, 7:']"))
        .await
        .expect("Colombia's objective 7 cell");
    let label = cell.attr("aria-label").await.unwrap().unwrap_or_default();
    assert!(
        label.ends_with("voices: UN system and Intergovernmental body"),
        "{label}"
    );

    // Click through to Colombia from the table behind the matrix.
    client
        .find(Locator::Css("table.matrix a[href^='/countries/COL']"))
        .await
        .expect("Colombia's row")
        .click()
        .await
        .unwrap();
    let summary = client
        .wait()
        .for_element(Locator::Id("country-summary"))
        .await
        .expect("the country page opens")
        .text()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/countries/COL");
    // Colombia's 18 objectives and the five without evidence (worked out in tests/indicators.rs).
    assert_eq!(
        summary,
        "Colombia has evidence for 18 of 23 objectives; none for objectives 8, 13, 15, 18 and 22."
    );
    let (images, loaded) = images_loaded(&client).await;
    assert!(
        images >= 2 && loaded == images,
        "{loaded} of {images} charts loaded"
    );
    let evidence = client
        .find_all(Locator::Css("#evidence-list ul.items li"))
        .await
        .unwrap();
    // 28 mappings counted for Colombia (tests/indicators.rs), one list entry each.
    assert_eq!(evidence.len(), 28);
    // Whose voices: the UN system's review report (seed 001) and regional bodies' documents; only
    // objective 7 has both (tests/suite/voices.rs), so 1 of the 18 is corroborated.
    let voices = client
        .find(Locator::Id("country-voices"))
        .await
        .expect("the voices of the evidence")
        .text()
        .await
        .unwrap();
    assert_eq!(voices, "UN system and Intergovernmental body");
    let corroborated = client
        .find(Locator::Id("country-corroborated"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(corroborated, "1 of 18");
    let cell_voices = client
        .find(Locator::Css("tr#o7 td.voices"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(cell_voices, "UN system and Intergovernmental body");
    screenshot(&client, "2-country").await;

    // The evidence behind a cell: objective 19's count links to the browser, which shows r013.
    client
        .find(Locator::Css("tr#o19 td a"))
        .await
        .expect("objective 19's evidence link")
        .click()
        .await
        .unwrap();
    let item = client
        .wait()
        .for_element(Locator::Css("#evidence-list article.item h3 a"))
        .await
        .expect("an evidence item");
    assert!(item
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default()
        .starts_with("/evidence/s004-r01"));
    screenshot(&client, "3-evidence").await;

    // The same country in Spanish, through the visible switch.
    client.back().await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("a.lang"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let heading = client
        .wait()
        .for_element(Locator::Css("h2#areas"))
        .await
        .unwrap();
    assert_eq!(heading.text().await.unwrap(), "Cobertura por área temática");
    let lang = client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, serde_json::json!("es"));
    let summary = client
        .find(Locator::Id("country-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.starts_with("Colombia tiene evidencia para 18 de 23 objetivos"));
    let voices = client
        .find(Locator::Id("country-voices"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        voices,
        "Sistema de las Naciones Unidas y Organismo intergubernamental"
    );
    screenshot(&client, "4-country-es").await;

    // Downloads: follow the coverage-matrix table link; the file arrives in the download folder.
    client
        .goto(&format!("{base}/downloads?lang=es"))
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "a[href^='/exports/coverage-matrix.csv?excel=1&lang=es']",
        ))
        .await
        .expect("the Excel download link")
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = loop {
        let done: Vec<PathBuf> = std::fs::read_dir(&downloads)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        if let Some(file) = done.into_iter().next() {
            break file;
        }
        assert!(
            Instant::now() < deadline,
            "no CSV arrived in {}",
            downloads.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with("gcm-coverage-matrix_lac_all_"), "{name}");
    let bytes = std::fs::read(&file).unwrap();
    // Excel in Spanish: byte-order mark and `;` between cells.
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let first_line = String::from_utf8_lossy(&bytes[3..])
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(first_line.contains(';'), "{first_line}");
    screenshot(&client, "5-downloads").await;
    client.close().await.unwrap();
}

/// How long the reviewer's test waits for a page: reading the PDF and the machine's other work (the
/// suite runs beside it) may take a while.
const PATIENCE: Duration = Duration::from_secs(90);

/// Creates a person with the CLI, as an administrator does: `gcm user create --password-stdin`.
fn create_user(database_url: &str, name: &str, password: &str) {
    use std::io::Write;
    let mut child = crate::common::gcm_command()
        .args([
            "user",
            "create",
            "--name",
            name,
            "--role",
            "editor",
            "--password-stdin",
        ])
        .env("GCM__DATABASE__URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gcm user create starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "gcm user create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Clicks the button `css` of a small form and waits for the page that answers (the review page
/// again, at the passage): the old page is marked before the click, so the wait ends only on a new one.
async fn submit_in(client: &Client, css: &str) {
    client
        .execute("window.gcmOldPage = true;", vec![])
        .await
        .unwrap();
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = client
            .execute(
                "return [window.gcmOldPage === true, document.readyState];",
                vec![],
            )
            .await
            .unwrap_or(serde_json::json!([true, "loading"]));
        if state == serde_json::json!([false, "complete"]) {
            break;
        }
        assert!(Instant::now() < deadline, "{css}: no new page");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[actix_web::test]
async fn a_reviewer_signs_in_uploads_a_report_decides_and_the_country_changes() {
    let required = std::env::var("GCM_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let why = "chromium and chromedriver are not on PATH (Debian: apt-get install chromium chromium-driver)";
        assert!(!required, "GCM_REQUIRE_BROWSER=1 but {why}");
        eprintln!("skipped: {why}");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads folder");
    let server = serve(dir.path());
    let base = server.base.clone();
    let database_url = format!("sqlite://{}", dir.path().join("gcm.db").display());
    create_user(&database_url, "ana", "una contraseña larga de prueba");
    // An edition frozen before anything is uploaded or decided, as a review team publishes one.
    let edition = crate::common::gcm_command()
        .args([
            "snapshot",
            "create",
            "--id",
            "before-upload",
            "--title",
            "Before the upload",
        ])
        .env("GCM__DATABASE__URL", &database_url)
        .output()
        .expect("gcm snapshot create starts");
    assert!(
        edition.status.success(),
        "gcm snapshot create: {}",
        String::from_utf8_lossy(&edition.stderr)
    );
    let (_driver, driver_url) = chromedriver(&driver);
    let client = connect(&driver_url, &chromium, &downloads).await;

    // Colombia before: 18 of 23 objectives, gaps 8, 13, 15, 18 and 22 (tests/suite/indicators.rs).
    client
        .goto(&format!("{base}/countries/COL?lang=en"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "#country-summary").await,
        "Colombia has evidence for 18 of 23 objectives; none for objectives 8, 13, 15, 18 and 22."
    );

    // The upload form is for people signed in: it sends to the sign-in form, which comes back to it.
    client
        .goto(&format!("{base}/documents/new?lang=en"))
        .await
        .unwrap();
    if client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("form.sign-in"))
        .await
        .is_err()
    {
        let url = client.current_url().await.unwrap();
        let source = client.source().await.unwrap_or_default();
        panic!("no sign-in form at {url}: {source}");
    }
    client
        .find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("ana")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("una contraseña larga de prueba")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.sign-in button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("form.upload"))
        .await
        .expect("back on the upload form, signed in");
    assert_eq!(
        text_of(&client, "form.sign-out button").await,
        "Sign out ana"
    );
    screenshot(&client, "6-upload-form").await;

    // The report: the LibreOffice PDF of the fixtures (34 passages on 4 pages).
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/informe-libreoffice.pdf");
    client
        .find(Locator::Id("upload-file"))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    client
        .find(Locator::Id("upload-country"))
        .await
        .unwrap()
        .send_keys("COL")
        .await
        .unwrap();
    client
        .find(Locator::Id("upload-cycle"))
        .await
        .unwrap()
        .select_by_value("2025")
        .await
        .unwrap();
    client
        .find(Locator::Id("upload-title"))
        .await
        .unwrap()
        .send_keys("Informe nacional de prueba")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.upload button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let progress = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Id("progress-text"))
        .await
        .expect("the review page opens");
    let url = client.current_url().await.unwrap();
    let source = url
        .path()
        .strip_prefix("/documents/")
        .expect("on the review page")
        .to_string();
    assert!(source.starts_with("doc-col-2025-"), "{source}");
    // Of the 34 passages, p1 (the title page's note) and p2 (the introduction) have no objective
    // suggestion (`gcm ingest` of the file, then `gcm export evidence`: their rows have no objective),
    // so they count as reviewed from the start. p16 and p19 have no term of any objective but sit under
    // headings that name one, which suggests it.
    assert_eq!(progress.text().await.unwrap(), "2 of 34 passages reviewed");
    screenshot(&client, "7-review").await;

    // The keyboard: "j" moves to the first undecided passage (p3).
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("j")
        .await
        .unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some(format!("p-{source}-p003").as_str())
    );

    // p6 (under "Objetivo 3") has its suggestions by confidence: 3 (0.906, its heading and its terms),
    // 18 (0.835), 6 (0.777), 5 (0.393). Accept 18, the second (one of Colombia's gaps), then reject 6,
    // the third; decided suggestions keep their place in the list.
    let p6 = format!("#p-{source}-p006");
    let nth = |n: usize, decision: &str| {
        format!(
            "{p6} ul.suggestions:first-of-type > li:nth-child({n}) form.decision.{decision} button"
        )
    };
    submit_in(&client, &nth(2, "accept")).await;
    assert!(text_of(&client, &format!("{p6} li.suggestion.accepted"))
        .await
        .starts_with("18. "));
    submit_in(&client, &nth(3, "reject")).await;
    let rejected = text_of(&client, &format!("{p6} li.suggestion.rejected")).await;
    assert!(rejected.starts_with("6. "), "{rejected}");
    assert!(rejected.contains("rejected by user:ana"), "{rejected}");
    // Add objective 8 (another gap) to p1, which had no suggestion.
    let p1 = format!("p-{source}-p001");
    client
        .find(Locator::Id(&format!("{p1}-objective")))
        .await
        .unwrap()
        .select_by_value("8")
        .await
        .unwrap();
    submit_in(&client, &format!("#{p1} form.add button")).await;
    assert!(text_of(&client, &format!("#{p1} li.suggestion.accepted"))
        .await
        .starts_with("8. "));
    screenshot(&client, "8-decided").await;

    // The country's page follows at once: 20 of 23, gaps 13, 15 and 22.
    client
        .goto(&format!("{base}/countries/COL?lang=en"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "#country-summary").await,
        "Colombia has evidence for 20 of 23 objectives; none for objectives 13, 15 and 22."
    );
    screenshot(&client, "9-country-after").await;

    // The edition frozen before the upload still says 18 of 23, and the page says which edition it is
    // and links back to live data.
    client
        .goto(&format!(
            "{base}/countries/COL?lang=en&snapshot=before-upload"
        ))
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "#country-summary").await,
        "Colombia has evidence for 18 of 23 objectives; none for objectives 8, 13, 15, 18 and 22."
    );
    let banner = text_of(&client, "p.edition-banner").await;
    assert!(
        banner.contains("Before the upload") && banner.contains("before-upload"),
        "{banner}"
    );
    client
        .find(Locator::Css("p.edition-banner a"))
        .await
        .expect("the link to live data")
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "#country-summary").await,
        "Colombia has evidence for 20 of 23 objectives; none for objectives 13, 15 and 22."
    );
    screenshot(&client, "10-edition").await;
    client.close().await.unwrap();
}
