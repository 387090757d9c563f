//! The admin console's server side (issue 19): every file of `crates/storekeep-http/admin/` is
//! served from the binary with its media type, a strict Content-Security-Policy and a
//! validator; nothing it serves points at another host; unknown files are the API's 404;
//! `/admin` redirects browsers but stays the Project resource of a project keyed `admin`.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::Value;

use crate::harness::{each, Harness};

/// The console's source folder.
fn folder() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("admin")
}

/// `(file name, its text)` for every file of the folder.
fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "the console's files: {out:?}");
    out
}

/// Where a file is served.
fn url_of(name: &str) -> String {
    if name == "index.html" {
        "/admin/".into()
    } else {
        format!("/admin/assets/{name}")
    }
}

async fn get(
    h: &Harness,
    uri: &str,
    extra: &[(header::HeaderName, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::builder().method(Method::GET).uri(uri);
    for (name, value) in extra {
        req = req.header(name, *value);
    }
    h.send(req.body(Body::empty()).unwrap()).await
}

fn text(body: &Value) -> String {
    match body {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[tokio::test]
async fn every_file_is_served_with_its_type_and_a_strict_policy() {
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    for (name, source) in files() {
        let uri = url_of(&name);
        let (status, headers, body) = get(&h, &uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let expected_type = match name.rsplit_once('.').unwrap().1 {
            "html" => "text/html; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "svg" => "image/svg+xml",
            other => panic!("{name}: no media type is expected for .{other}"),
        };
        assert_eq!(
            header_of(&headers, header::CONTENT_TYPE),
            expected_type,
            "{uri}"
        );
        assert_eq!(
            text(&body),
            source,
            "{uri} serves the file as it is in the folder"
        );
        let csp = header_of(&headers, header::CONTENT_SECURITY_POLICY);
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'none'",
        ] {
            assert!(csp.contains(part), "{uri}: {csp}");
        }
        assert!(!csp.contains("unsafe"), "{uri}: {csp}");
        assert_eq!(
            header_of(&headers, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff"
        );
        assert_eq!(header_of(&headers, header::REFERRER_POLICY), "no-referrer");
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");

        // The validator: the same ETag answers 304 without a body.
        let tag = header_of(&headers, header::ETAG).to_string();
        assert!(tag.starts_with('"') && tag.len() > 10, "{uri}: {tag}");
        let (status, again, body) = get(&h, &uri, &[(header::IF_NONE_MATCH, tag.as_str())]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert_eq!(body, Value::Null);
        assert_eq!(header_of(&again, header::ETAG), tag);
        let (status, _, _) = get(&h, &uri, &[(header::IF_NONE_MATCH, "\"other\"")]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
}

/// Every `://` in a served file: none may name another host (the SVG namespace is a name,
/// not a request).
#[test]
fn nothing_points_at_another_host() {
    for (name, source) in files() {
        let mut rest = source.as_str();
        while let Some(i) = rest.find("://") {
            let start = rest[..i]
                .rfind(|c: char| c == '"' || c == '\'' || c == '(' || c.is_whitespace())
                .map_or(0, |s| s + 1);
            let end = rest[i..]
                .find(|c: char| c == '"' || c == '\'' || c == ')' || c.is_whitespace())
                .map_or(rest.len(), |e| i + e);
            let url = &rest[start..end];
            assert!(
                name.ends_with(".svg") && url == "http://www.w3.org/2000/svg",
                "{name} names another host: {url}"
            );
            rest = &rest[end..];
        }
        // No protocol-relative addresses in attributes, styles or imports.
        for needle in [
            "src=\"//",
            "href=\"//",
            "url(//",
            "url(\"//",
            "from '//",
            "fetch('//",
        ] {
            assert!(!source.contains(needle), "{name}: {needle}");
        }
    }
    let page = std::fs::read_to_string(folder().join("index.html")).unwrap();
    // No inline script or style (the policy would block them anyway).
    assert!(
        !page.contains("<script>") && !page.contains("<style"),
        "{page}"
    );
    assert!(
        !page.contains(" style=") && !page.contains(" onclick="),
        "{page}"
    );
    for attr in page.split(['"']).filter(|a| a.starts_with('/')) {
        assert!(attr.starts_with("/admin/"), "index.html refers to {attr}");
    }
}

#[tokio::test]
async fn unknown_files_are_the_apis_404() {
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    for uri in [
        "/admin/assets/nope.js",
        "/admin/assets/..%2FCargo.toml",
        "/admin/assets/index.html",
        "/admin/assets/",
        "/admin/nope.js",
    ] {
        let (status, _, body) = get(&h, uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert_eq!(body["errors"][0]["code"], "ResourceNotFound", "{uri}");
    }
    let (status, body) = h.call(Method::POST, "/admin/", None, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    let (status, headers, body) = h
        .send(
            Request::builder()
                .method(Method::HEAD)
                .uri("/admin/assets/main.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, Value::Null);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
}

#[tokio::test]
async fn the_scope_names_come_from_the_core_table() {
    let h = Harness::new(crate::harness::Kind::Sqlite).await;
    let (status, headers, body) = get(&h, "/admin/assets/scopes.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "application/json; charset=utf-8"
    );
    let names = body.as_array().unwrap();
    let all: Vec<_> = storekeep_core::scopes::ScopeName::all().collect();
    assert_eq!(names.len(), all.len());
    for (entry, name) in names.iter().zip(all) {
        assert_eq!(entry["name"], name.as_str());
        assert_eq!(entry["store"], name.has_store_form());
    }
    assert!(names.contains(&serde_json::json!({"name": "manage_customers", "store": true})));
}

#[tokio::test]
async fn bare_admin_redirects_browsers_and_stays_a_project_path_for_the_api() {
    each(|h| async move {
        let (status, headers, _) = get(&h, "/admin", &[]).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(header_of(&headers, header::LOCATION), "/admin/");

        // With a token, `/admin` and `/admin/…` are the API of a project keyed `admin`.
        let (id, secret) = h.project_client("admin", "manage_project:admin").await;
        let token = h.token_of(&id, &secret).await;
        let (status, body) = h.call(Method::GET, "/admin", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["key"], "admin");
        let (status, body) = h
            .call(Method::GET, "/admin/stores", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["results"].is_array());
        let (status, body) = h.call(Method::GET, "/admin", None, None).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{body}");
        let (status, body) = h.call(Method::GET, "/admin/stores", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    })
    .await;
}
