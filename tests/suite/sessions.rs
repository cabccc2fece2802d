//! People signing in to the pages: a wrong password, the limit on wrong passwords (429), forged,
//! missing and cross-site forms (403), a cookie replayed after signing out, a disabled account; and the
//! decisions that are kept: a rejection stays rejected through a re-import, and undo takes it back.
//! Backend under test as for every suite.

use actix_web::cookie::Cookie;
use actix_web::test as actix_test;

use crate::common;

/// The host actix's test requests carry, so the origin this service sees itself as.
const ORIGIN: &str = "http://localhost:8080";
const PASSWORD: &str = "una contraseña larga";

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value a `Set-Cookie` header gives `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| Cookie::parse(v.clone()).ok())
            .find(|c| c.name() == name)
            .map(|c| c.value().to_string())
    }

    fn set_cookie_line(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    /// The value of the hidden `csrf_token` field of the page.
    fn csrf_field(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf_token\" value=\"")
            .expect("a csrf_token field");
        let rest = &self.body[at + "name=\"csrf_token\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

async fn call(state: &gcm::web::AppState, request: actix_test::TestRequest) -> Answer {
    let app = actix_test::init_service(gcm::web::app(state.clone())).await;
    let response = actix_test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = String::from_utf8_lossy(&actix_test::read_body(response).await).to_string();
    Answer {
        status,
        headers,
        body,
    }
}

fn account(state: &gcm::web::AppState, name: &str) {
    let mut conn = state.db.get().unwrap();
    gcm::db::users::create(&mut conn, name, gcm::auth::Role::Editor, PASSWORD, "test").unwrap();
}

/// The sign-in form: its CSRF token and the cookie that must come back with it.
async fn sign_in_form(state: &gcm::web::AppState) -> (String, String) {
    let form = call(
        state,
        actix_test::TestRequest::get().uri("/sign-in?lang=en"),
    )
    .await;
    assert_eq!(form.status, 200, "{}", form.body);
    let cookie = form.cookie("gcm_sign_in").expect("the form's cookie");
    (form.csrf_field(), cookie)
}

fn sign_in_request(
    name: &str,
    password: &str,
    csrf_field: &str,
    csrf_cookie: &str,
    origin: Option<&str>,
) -> actix_test::TestRequest {
    let mut request = actix_test::TestRequest::post()
        .uri("/sign-in?lang=en")
        .cookie(Cookie::new("gcm_sign_in", csrf_cookie.to_string()))
        .set_form([
            ("name", name),
            ("password", password),
            ("csrf_token", csrf_field),
            ("next", "/evidence"),
        ]);
    if let Some(origin) = origin {
        request = request.insert_header(("Origin", origin));
    }
    request
}

/// Signs in and returns the session cookie's value.
async fn signed_in(state: &gcm::web::AppState, name: &str) -> String {
    let (field, cookie) = sign_in_form(state).await;
    let answer = call(
        state,
        sign_in_request(name, PASSWORD, &field, &cookie, Some(ORIGIN)),
    )
    .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    answer.cookie("gcm_session").expect("a session cookie")
}

/// The CSRF token of a session, as its pages would carry it.
fn session_csrf(state: &gcm::web::AppState, secret: &str) -> String {
    let mut conn = state.db.get().unwrap();
    gcm::db::users::session(&mut conn, secret, &state.policy.sessions)
        .unwrap()
        .expect("a live session")
        .csrf_token
}

fn sign_out_request(secret: &str, csrf: &str, origin: &str) -> actix_test::TestRequest {
    actix_test::TestRequest::post()
        .uri("/sign-out")
        .cookie(Cookie::new("gcm_session", secret.to_string()))
        .insert_header(("Origin", origin))
        .set_form([("csrf_token", csrf)])
}

#[actix_web::test]
async fn signing_in_sets_a_session_cookie_and_a_wrong_password_does_not() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    account(&state, "ana");

    let form = call(
        &state,
        actix_test::TestRequest::get().uri("/sign-in?lang=es"),
    )
    .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Contraseña"), "the form in Spanish");
    assert_eq!(form.header("cache-control"), Some("no-store"));

    let (field, cookie) = sign_in_form(&state).await;
    let wrong = call(
        &state,
        sign_in_request("ana", "not the password", &field, &cookie, Some(ORIGIN)),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("is not right"), "{}", wrong.body);
    assert!(wrong.cookie("gcm_session").is_none());

    let right = call(
        &state,
        sign_in_request("ana", PASSWORD, &field, &cookie, Some(ORIGIN)),
    )
    .await;
    assert_eq!(right.status, 303);
    assert_eq!(right.header("location"), Some("/evidence"));
    let line = right.set_cookie_line("gcm_session").unwrap();
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax"),
        "{line}"
    );
    assert!(
        !line.contains("Secure"),
        "web.secure_cookies is off by default: {line}"
    );
    let secret = right.cookie("gcm_session").unwrap();
    assert_eq!(secret.len(), 64);

    // The audit log says who signed in.
    let mut conn = state.db.get().unwrap();
    let entries = gcm::db::review::audit_entries(&mut conn, Some("user:ana"), 10).unwrap();
    assert!(entries
        .iter()
        .any(|e| e.action == "session.start" && e.actor == "user:ana"));
}

#[actix_web::test]
async fn forged_missing_and_cross_site_forms_are_refused() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    account(&state, "ana");
    let (field, cookie) = sign_in_form(&state).await;
    // A field that is not the cookie's, no field, a foreign Origin, and no Origin nor Referer at all.
    let cases = [
        (
            "forged token",
            sign_in_request("ana", PASSWORD, &"0".repeat(64), &cookie, Some(ORIGIN)),
        ),
        (
            "missing token",
            sign_in_request("ana", PASSWORD, "", &cookie, Some(ORIGIN)),
        ),
        (
            "foreign origin",
            sign_in_request(
                "ana",
                PASSWORD,
                &field,
                &cookie,
                Some("https://evil.example"),
            ),
        ),
        (
            "no origin",
            sign_in_request("ana", PASSWORD, &field, &cookie, None),
        ),
    ];
    for (what, request) in cases {
        let answer = call(&state, request).await;
        assert_eq!(answer.status, 403, "{what}: {}", answer.body);
        assert!(answer.body.contains("Nothing was changed"), "{what}");
        assert!(answer.cookie("gcm_session").is_none(), "{what}");
    }

    // Signed in, a form of the session must carry the session's token, from this origin.
    let secret = signed_in(&state, "ana").await;
    let csrf = session_csrf(&state, &secret);
    for (what, request) in [
        (
            "other token",
            sign_out_request(&secret, &"f".repeat(64), ORIGIN),
        ),
        (
            "foreign origin",
            sign_out_request(&secret, &csrf, "https://evil.example"),
        ),
    ] {
        let answer = call(&state, request).await;
        assert_eq!(answer.status, 403, "{what}");
    }
    // Neither refused form ended the session.
    let mut conn = state.db.get().unwrap();
    assert!(
        gcm::db::users::session(&mut conn, &secret, &state.policy.sessions)
            .unwrap()
            .is_some()
    );
}

#[actix_web::test]
async fn repeated_wrong_passwords_are_answered_429() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    account(&state, "ana");
    let (field, cookie) = sign_in_form(&state).await;
    // auth.sign_in_attempts = 5 (assets/default-settings.toml): five failures are answered 401...
    for attempt in 1..=5 {
        let answer = call(
            &state,
            sign_in_request("ana", "wrong password", &field, &cookie, Some(ORIGIN)),
        )
        .await;
        assert_eq!(answer.status, 401, "attempt {attempt}");
    }
    // ...and then every attempt for the name is 429, the right password too, until the window of
    // auth.sign_in_window_seconds = 900 s has passed since the first failure.
    let answer = call(
        &state,
        sign_in_request("ana", PASSWORD, &field, &cookie, Some(ORIGIN)),
    )
    .await;
    assert_eq!(answer.status, 429, "{}", answer.body);
    let retry: i64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(
        answer.body.contains("Too many wrong passwords"),
        "{}",
        answer.body
    );
    assert!(answer.cookie("gcm_session").is_none());
}

#[actix_web::test]
async fn a_cookie_replayed_after_signing_out_or_of_a_disabled_account_opens_nothing() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    account(&state, "ana");
    account(&state, "luis");

    let secret = signed_in(&state, "ana").await;
    let csrf = session_csrf(&state, &secret);
    let out = call(&state, sign_out_request(&secret, &csrf, ORIGIN)).await;
    assert_eq!(out.status, 303);
    assert!(out.header("location").unwrap().starts_with("/sign-in"));
    // The same cookie again: no session, so the form for signed-in people sends it to sign in.
    let replayed = call(&state, sign_out_request(&secret, &csrf, ORIGIN)).await;
    assert_eq!(replayed.status, 303);
    assert!(
        replayed
            .header("location")
            .unwrap()
            .starts_with("/sign-in?next="),
        "{:?}",
        replayed.header("location")
    );
    let mut conn = state.db.get().unwrap();
    assert!(
        gcm::db::users::session(&mut conn, &secret, &state.policy.sessions)
            .unwrap()
            .is_none()
    );

    // Disabling an account ends its live session at once, and it cannot sign in again.
    let luis = signed_in(&state, "luis").await;
    gcm::db::users::set_disabled(&mut conn, "luis", true, "test").unwrap();
    assert!(
        gcm::db::users::session(&mut conn, &luis, &state.policy.sessions)
            .unwrap()
            .is_none()
    );
    drop(conn);
    let (field, cookie) = sign_in_form(&state).await;
    let answer = call(
        &state,
        sign_in_request("luis", PASSWORD, &field, &cookie, Some(ORIGIN)),
    )
    .await;
    assert_eq!(
        answer.status, 401,
        "a disabled account is refused like a wrong password"
    );
}

#[test]
fn the_command_line_creates_lists_and_disables_accounts() {
    let db = common::TestDatabase::new();
    let gcm = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut child = common::gcm_command()
            .args(args)
            .env("GCM__DATABASE__URL", &db.url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).to_string()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let create = [
        "user",
        "create",
        "--name",
        "ana",
        "--role",
        "editor",
        "--password-stdin",
    ];
    let (ok, said) = gcm(&create, "corta\n");
    assert!(!ok && said.contains("at least 12"), "{said}");
    let (ok, said) = gcm(&create, &format!("{PASSWORD}\n"));
    assert!(ok, "{said}");
    let (ok, said) = gcm(&create, &format!("{PASSWORD}\n"));
    assert!(!ok && said.contains("already exists"), "{said}");
    let (ok, said) = gcm(&["user", "disable", "ana"], "");
    assert!(ok, "{said}");
    let (ok, said) = gcm(&["user", "list"], "");
    assert!(ok);
    let row = said.lines().find(|l| l.starts_with("ana ")).unwrap();
    assert!(
        row.contains("editor") && !row.trim_end().ends_with('-'),
        "disabled: {row}"
    );
    let (ok, said) = gcm(&["user", "disable", "ana"], "");
    assert!(!ok && said.contains("already disabled"), "{said}");
}

#[actix_web::test]
async fn a_rejection_is_kept_through_a_reimport_and_undo_brings_it_back() {
    let db = common::TestDatabase::new();
    let state = common::prepared_state(&db);
    let mut conn = state.db.get().unwrap();
    // s001-m057 (GlobalMx, fixtures/items.jsonl line 76) is mapped to objective 19 (section) and 18
    // (inferred, "Skills / knowledge transfer").
    let item = gcm::db::items::by_id(&mut conn, "s001-m057")
        .unwrap()
        .unwrap();
    let mapping = item.objectives.iter().find(|o| o.objective == 18).unwrap();
    let id = mapping.id;
    let decision =
        gcm::db::review::decide(&mut conn, id, gcm::db::review::Verdict::Reject, "user:ana")
            .unwrap()
            .unwrap();
    assert_eq!(decision.after, None);
    let rejections = gcm::db::review::rejections_of_source(&mut conn, "seed-001").unwrap();
    assert!(rejections.iter().any(|r| r.mapping_id == Some(id)
        && r.objective == Some(18)
        && r.rejected_by == "user:ana"));

    // The fixtures imported again with the item's title corrected (as an operator would after fixing a
    // file), so that the item is rewritten with its imported mappings: the rejected one is not.
    let mut files = gcm::ingestion::bundled_fixtures();
    let items = files
        .iter_mut()
        .find(|f| f.name.ends_with("items.jsonl"))
        .unwrap();
    let text = String::from_utf8(items.bytes.clone()).unwrap();
    let title = "GlobalMx network of the qualified Mexican diaspora";
    assert!(text.contains(title));
    items.bytes = text
        .replace(
            title,
            "GlobalMx, the network of the qualified Mexican diaspora",
        )
        .into_bytes();
    gcm::ingestion::import(&mut conn, &files, &|_, _| {}).unwrap();
    let again = gcm::db::items::by_id(&mut conn, "s001-m057")
        .unwrap()
        .unwrap();
    assert!(
        again.title.starts_with("GlobalMx, the network"),
        "rewritten"
    );
    assert!(
        again.objectives.iter().any(|o| o.objective == 19),
        "the other mapping is written"
    );
    assert!(
        again.objectives.iter().all(|o| o.objective != 18),
        "still rejected"
    );

    // Undo: the mapping is back with its id, basis and author.
    let undone = gcm::db::review::decide(&mut conn, id, gcm::db::review::Verdict::Undo, "user:ana")
        .unwrap()
        .unwrap();
    let after = undone.after.unwrap();
    assert_eq!((after.id, after.objective), (id, 18));
    assert_eq!(after.basis, mapping.basis.to_string());
    assert!(gcm::db::review::rejections_of_source(&mut conn, "seed-001")
        .unwrap()
        .iter()
        .all(|r| r.mapping_id != Some(id)));
    // Every decision is in the audit log under the person's name, with the mapping before and after.
    let entries =
        gcm::db::review::audit_entries(&mut conn, Some(&format!("mapping:{id}")), 10).unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("mapping.undo", "user:ana"), ("mapping.reject", "user:ana")]
    );
}

#[actix_web::test]
async fn wrong_passwords_from_one_client_address_are_counted_together() {
    let db = common::TestDatabase::new();
    // The service sits behind a load balancer at 10.0.0.2, named in web.trusted_proxies.
    let policy = gcm::web::WebPolicy {
        trusted_proxies: vec!["10.0.0.0/24".parse().unwrap()],
        ..gcm::web::WebPolicy::default()
    };
    let state = gcm::web::AppState::with_policy(common::prepared_state(&db).db, policy);
    account(&state, "ana");
    let (field, cookie) = sign_in_form(&state).await;
    let balancer: std::net::SocketAddr = "10.0.0.2:41000".parse().unwrap();
    // The balancer passes the client's address in X-Forwarded-For. Five wrong passwords from
    // 203.0.113.7, each for another name (so no name reaches its own limit of 5)...
    for name in ["uno", "dos", "tres", "cuatro", "cinco"] {
        let answer = call(
            &state,
            sign_in_request(name, "wrong password", &field, &cookie, Some(ORIGIN))
                .peer_addr(balancer)
                .insert_header(("X-Forwarded-For", "203.0.113.7")),
        )
        .await;
        assert_eq!(answer.status, 401, "{name}");
    }
    // ...and the sixth from that address is 429, even when the client prepends a forged address (the
    // balancer appends the one it saw, and the nearest untrusted hop counts)...
    let from_same = call(
        &state,
        sign_in_request("ana", PASSWORD, &field, &cookie, Some(ORIGIN))
            .peer_addr(balancer)
            .insert_header(("X-Forwarded-For", "192.0.2.1, 203.0.113.7")),
    )
    .await;
    assert_eq!(from_same.status, 429);
    // ...while ana from another address signs in.
    let from_other = call(
        &state,
        sign_in_request("ana", PASSWORD, &field, &cookie, Some(ORIGIN))
            .peer_addr(balancer)
            .insert_header(("X-Forwarded-For", "198.51.100.20")),
    )
    .await;
    assert_eq!(from_other.status, 303);
}

#[actix_web::test]
async fn a_client_cannot_dodge_the_count_by_address_with_a_forged_header() {
    let db = common::TestDatabase::new();
    // No proxy is trusted (the default): X-Forwarded-For from a direct client is ignored.
    let state = common::prepared_state(&db);
    account(&state, "ana");
    let (field, cookie) = sign_in_form(&state).await;
    let client: std::net::SocketAddr = "203.0.113.7:52000".parse().unwrap();
    // Five wrong passwords for five names from 203.0.113.7, each claiming another address...
    for (name, claimed) in [
        ("uno", "192.0.2.1"),
        ("dos", "192.0.2.2"),
        ("tres", "192.0.2.3"),
        ("cuatro", "192.0.2.4"),
        ("cinco", "192.0.2.5"),
    ] {
        let answer = call(
            &state,
            sign_in_request(name, "wrong password", &field, &cookie, Some(ORIGIN))
                .peer_addr(client)
                .insert_header(("X-Forwarded-For", claimed)),
        )
        .await;
        assert_eq!(answer.status, 401, "{name}");
    }
    // ...all counted against 203.0.113.7: the sixth, with yet another claim, is 429.
    let sixth = call(
        &state,
        sign_in_request("ana", PASSWORD, &field, &cookie, Some(ORIGIN))
            .peer_addr(client)
            .insert_header(("X-Forwarded-For", "192.0.2.6")),
    )
    .await;
    assert_eq!(sixth.status, 429);
}
