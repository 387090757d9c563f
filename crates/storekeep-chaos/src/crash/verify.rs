//! The end of a crash run: every acknowledged write in the client log is checked against the
//! server through the API. A customer must hold every acknowledged address (and only
//! addresses its writer sent), its version must be 1 + its number of addresses, and a query
//! by its email must find exactly it; a store must be at least at its last acknowledged
//! version, with that write's name (or, when newer, the name of a write with an unknown
//! outcome), and be found by its key. Writes reported `lost` during the run count too.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hyper::{Method, StatusCode};
use serde_json::Value;

use super::writers::address_keys;
use crate::client::{enc, Http};

/// What the verification found.
#[derive(Debug, Default, Clone)]
pub struct Verdict {
    /// Acknowledged writes checked (creates and updates).
    pub acked: u64,
    /// Resources checked.
    pub resources: u64,
    /// Acknowledged writes found missing, as `(id, version)`.
    pub lost: BTreeSet<(String, i64)>,
    /// Other contradictions (phantom data, wrong version arithmetic, look-up mismatch).
    pub inconsistent: Vec<String>,
    /// Writes with an unknown outcome that turned out applied.
    pub unknown_applied: u64,
}

/// One resource as the log describes it.
#[derive(Debug, Default)]
struct Entry {
    kind: String,
    key: Option<String>,
    email: Option<String>,
    /// Acknowledged writes in log order: (version, op, value).
    acks: Vec<(i64, String, String)>,
    /// Values of writes with an unknown outcome, with the version they would have made.
    unknown: Vec<(i64, String)>,
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn collect(entries: &[Value], verdict: &mut Verdict) -> BTreeMap<String, Entry> {
    let mut by_id: BTreeMap<String, Entry> = BTreeMap::new();
    let mut lost_ranges = Vec::new();
    for e in entries {
        let id = s(&e["id"]);
        match e["t"].as_str() {
            Some("ack") => {
                verdict.acked += 1;
                let en = by_id.entry(id).or_default();
                en.kind = s(&e["kind"]);
                let (op, value) = (s(&e["op"]), s(&e["value"]));
                if op == "create" {
                    en.key = Some(s(&e["key"]));
                    if en.kind == "customer" {
                        en.email = Some(value.clone());
                    }
                }
                en.acks
                    .push((e["version"].as_i64().unwrap_or(0), op, value));
            }
            Some("adopt") => {
                let en = by_id.entry(id).or_default();
                en.kind = s(&e["kind"]);
                en.key = Some(s(&e["key"]));
            }
            Some("unknown") if !id.is_empty() => {
                by_id
                    .entry(id)
                    .or_default()
                    .unknown
                    .push((e["version"].as_i64().unwrap_or(0), s(&e["value"])));
            }
            Some("lost") => lost_ranges.push((
                id,
                e["from"].as_i64().unwrap_or(0),
                e["to"].as_i64().unwrap_or(0),
            )),
            _ => {}
        }
    }
    // Writes reported lost during the run: the acknowledged versions in the range.
    for (id, from, to) in lost_ranges {
        if let Some(en) = by_id.get(&id) {
            for (v, _, _) in &en.acks {
                if (from..=to).contains(v) {
                    verdict.lost.insert((id.clone(), *v));
                }
            }
        }
    }
    by_id
}

/// Check every resource of the log at `base`.
pub async fn verify(
    http: &Http,
    base: &str,
    project: &str,
    entries: &[Value],
) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::default();
    let by_id = collect(entries, &mut verdict);
    for (id, en) in &by_id {
        if en.kind.is_empty() {
            continue; // only unknown-outcome writes on an id never acknowledged nor adopted
        }
        verdict.resources += 1;
        let path = if en.kind == "customer" {
            format!("/{project}/customers/{id}")
        } else {
            format!("/{project}/stores/{id}")
        };
        let r = http.call(Method::GET, base, &path, None).await?;
        if r.status == StatusCode::NOT_FOUND {
            for (v, _, _) in &en.acks {
                verdict.lost.insert((id.clone(), *v));
            }
            if en.acks.is_empty() {
                verdict
                    .inconsistent
                    .push(format!("{} {id}: adopted (seen) but now missing", en.kind));
            }
            continue;
        }
        if !r.status.is_success() {
            anyhow::bail!("GET {path}: {} {}", r.status, r.body);
        }
        if en.kind == "customer" {
            check_customer(http, base, project, id, en, &r.body, &mut verdict).await?;
        } else {
            check_store(http, base, project, id, en, &r.body, &mut verdict).await?;
        }
    }
    Ok(verdict)
}

/// The document checks of a customer (no I/O).
fn customer_doc(id: &str, en: &Entry, doc: &Value, verdict: &mut Verdict) {
    let version = doc["version"].as_i64().unwrap_or(0);
    let keys: HashSet<String> = address_keys(doc).into_iter().collect();
    for (v, op, value) in &en.acks {
        if (op == "addAddress" && !keys.contains(value)) || *v > version {
            verdict.lost.insert((id.to_string(), *v));
        }
    }
    let sent: HashSet<&String> = en
        .acks
        .iter()
        .map(|(_, _, v)| v)
        .chain(en.unknown.iter().map(|(_, v)| v))
        .collect();
    for k in &keys {
        if !sent.contains(k) {
            verdict
                .inconsistent
                .push(format!("customer {id}: address '{k}' was never sent"));
        }
    }
    verdict.unknown_applied += en.unknown.iter().filter(|(_, v)| keys.contains(v)).count() as u64;
    if version != 1 + keys.len() as i64 {
        verdict.inconsistent.push(format!(
            "customer {id}: version {version} with {} addresses",
            keys.len()
        ));
    }
}

async fn check_customer(
    http: &Http,
    base: &str,
    project: &str,
    id: &str,
    en: &Entry,
    doc: &Value,
    verdict: &mut Verdict,
) -> anyhow::Result<()> {
    customer_doc(id, en, doc, verdict);
    if let Some(email) = &en.email {
        let pred = enc(&format!("email = \"{email}\""));
        let r = http
            .call(
                Method::GET,
                base,
                &format!("/{project}/customers?where={pred}"),
                None,
            )
            .await?;
        let ids: Vec<String> = r.body["results"]
            .as_array()
            .map(|a| a.iter().map(|c| s(&c["id"])).collect())
            .unwrap_or_default();
        if ids != [id.to_string()] {
            verdict.inconsistent.push(format!(
                "customer {id}: query by email found {ids:?} ({})",
                r.status
            ));
        }
    }
    Ok(())
}

/// The document checks of a store (no I/O).
fn store_doc(id: &str, en: &Entry, doc: &Value, verdict: &mut Verdict) {
    let version = doc["version"].as_i64().unwrap_or(0);
    let name = s(&doc["name"]["en"]);
    for (v, _, _) in &en.acks {
        if *v > version {
            verdict.lost.insert((id.to_string(), *v));
        }
    }
    // The last acknowledged write (log order) decides what the name must be.
    let Some((v, _, value)) = en.acks.last() else {
        return;
    };
    if version == *v && name != *value {
        verdict.lost.insert((id.to_string(), *v));
    }
    if version > *v {
        if en.unknown.iter().any(|(uv, uval)| uv > v && *uval == name) {
            verdict.unknown_applied += 1;
        } else {
            verdict.inconsistent.push(format!(
                "store {id}: version {version} after acknowledged {v}, name '{name}' from no write"
            ));
        }
    }
}

async fn check_store(
    http: &Http,
    base: &str,
    project: &str,
    id: &str,
    en: &Entry,
    doc: &Value,
    verdict: &mut Verdict,
) -> anyhow::Result<()> {
    store_doc(id, en, doc, verdict);
    if let Some(key) = &en.key {
        let r = http
            .call(
                Method::GET,
                base,
                &format!("/{project}/stores/key={key}"),
                None,
            )
            .await?;
        if s(&r.body["id"]) != id {
            verdict.inconsistent.push(format!(
                "store {id}: key '{key}' finds {} {}",
                r.status, r.body["id"]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn log() -> Vec<Value> {
        vec![
            json!({"t": "ack", "kind": "customer", "op": "create", "id": "c1", "key": "k1", "version": 1, "value": "e@x"}),
            json!({"t": "ack", "kind": "customer", "op": "addAddress", "id": "c1", "version": 2, "value": "a1"}),
            json!({"t": "ack", "kind": "customer", "op": "addAddress", "id": "c1", "version": 3, "value": "a2"}),
            json!({"t": "unknown", "kind": "customer", "op": "addAddress", "id": "c1", "version": 4, "value": "a3"}),
            json!({"t": "ack", "kind": "store", "op": "create", "id": "s1", "key": "ks", "version": 1, "value": "n1"}),
            json!({"t": "ack", "kind": "store", "op": "setName", "id": "s1", "version": 2, "value": "n2"}),
            json!({"t": "unknown", "kind": "store", "op": "setName", "id": "s1", "version": 3, "value": "n3"}),
        ]
    }

    fn check(customer: Value, store: Value) -> Verdict {
        let mut v = Verdict::default();
        let by_id = collect(&log(), &mut v);
        customer_doc("c1", &by_id["c1"], &customer, &mut v);
        store_doc("s1", &by_id["s1"], &store, &mut v);
        v
    }

    fn addresses(keys: &[&str]) -> Value {
        Value::Array(keys.iter().map(|k| json!({"key": k})).collect())
    }

    #[test]
    fn a_database_with_every_acknowledged_write_passes() {
        let v = check(
            json!({"version": 3, "addresses": addresses(&["a1", "a2"])}),
            json!({"version": 2, "name": {"en": "n2"}}),
        );
        assert_eq!(v.acked, 5);
        assert!(v.lost.is_empty() && v.inconsistent.is_empty(), "{v:?}");
        // Writes with an unknown outcome may have happened.
        let v = check(
            json!({"version": 4, "addresses": addresses(&["a1", "a2", "a3"])}),
            json!({"version": 3, "name": {"en": "n3"}}),
        );
        assert!(v.lost.is_empty() && v.inconsistent.is_empty(), "{v:?}");
        assert_eq!(v.unknown_applied, 2);
    }

    #[test]
    fn missing_acknowledged_writes_are_lost() {
        let v = check(
            json!({"version": 2, "addresses": addresses(&["a1"])}),
            json!({"version": 2, "name": {"en": "n1"}}),
        );
        let lost: Vec<_> = v.lost.iter().map(|(id, n)| format!("{id}@{n}")).collect();
        assert_eq!(lost, ["c1@3", "s1@2"]);
    }

    #[test]
    fn phantom_data_and_bad_versions_are_inconsistent() {
        let v = check(
            json!({"version": 5, "addresses": addresses(&["a1", "a2", "zz"])}),
            json!({"version": 4, "name": {"en": "nobody"}}),
        );
        assert!(v.lost.is_empty(), "{v:?}");
        assert_eq!(v.inconsistent.len(), 3, "{v:?}");
    }

    #[test]
    fn losses_reported_during_the_run_count() {
        let mut entries = log();
        entries.push(json!({"t": "lost", "kind": "store", "id": "s1", "from": 2, "to": 2}));
        let mut v = Verdict::default();
        collect(&entries, &mut v);
        assert!(v.lost.contains(&("s1".to_string(), 2)));
    }
}
