//! Predicate queries: every operator and field type of the predicate language, checked for
//! the exact set of documents on both backends.

use std::collections::HashMap;
use std::sync::Arc;

use storekeep_core::query::Query;
use storekeep_core::storage::Storage;

use crate::fixture::{filtered, fixture, ids, vars, C};
use crate::Kind;

/// Run every `(predicate, expected ids)` case and report all mismatches at once.
async fn check(store: &Arc<dyn Storage>, kind: Kind, cases: &[(&str, &[&str])]) {
    check_vars(store, kind, &vars(&[]), cases).await
}

async fn check_vars(
    store: &Arc<dyn Storage>,
    kind: Kind,
    v: &HashMap<String, Vec<String>>,
    cases: &[(&str, &[&str])],
) {
    let p = fixture(store).await;
    let mut failures = Vec::new();
    for (src, want) in cases {
        let q = filtered(src, v);
        match store.query(C, &p, &q).await {
            Ok(page) if ids(&page.docs) == *want => {}
            Ok(page) => failures.push(format!("{src}: got {:?}, want {want:?}", ids(&page.docs))),
            Err(e) => failures.push(format!("{src}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{kind:?}:\n{}", failures.join("\n"));
}

cases!(
    compare_strings,
    compare_numbers_bools,
    compare_dates,
    compare_columns,
    in_lists,
    contains,
    defined_and_empty,
    logic,
    nested_and_localized,
    object_arrays,
    custom_fields,
    input_variables,
    injection,
    long_chains,
);

async fn compare_strings(store: Arc<dyn Storage>, kind: Kind) {
    // Binary (C) order: "Banana" < "apple" < "banana". Missing and null never compare.
    check(
        &store,
        kind,
        &[
            ("title = \"apple\"", &["d1"]),
            ("title != \"apple\"", &["d2", "d3", "d6"]),
            ("title <> \"apple\"", &["d2", "d3", "d6"]),
            ("title < \"banana\"", &["d1", "d2"]),
            ("title <= \"cherry\"", &["d1", "d2", "d3"]),
            ("title > \"cherry\"", &["d6"]),
            ("title >= \"cherry\"", &["d3", "d6"]),
            ("title = \"APPLE\"", &[]),
            ("title = \"\"", &[]),
        ],
    )
    .await;
}

async fn compare_numbers_bools(store: Arc<dyn Storage>, kind: Kind) {
    check(
        &store,
        kind,
        &[
            ("qty = 5", &["d2"]),
            ("qty = 2.5", &["d4"]),
            ("qty = 5.0", &["d2"]),
            ("qty != 5", &["d1", "d3", "d4", "d6"]),
            ("qty <> 5", &["d1", "d3", "d4", "d6"]),
            ("qty < 2", &["d1", "d6"]),
            ("qty <= 2.5", &["d1", "d4", "d6"]),
            ("qty > 2", &["d2", "d3", "d4"]),
            ("qty >= 5", &["d2", "d3"]),
            ("qty < 1.5", &["d1", "d6"]),
            ("qty > -2", &["d1", "d2", "d3", "d4", "d6"]),
            ("qty >= 1e1", &["d3"]),
            ("active = true", &["d1", "d3", "d6"]),
            ("active = false", &["d2", "d5"]),
            ("active != true", &["d2", "d5"]),
            ("active <> false", &["d1", "d3", "d6"]),
        ],
    )
    .await;
}

async fn compare_dates(store: Arc<dyn Storage>, kind: Kind) {
    // createdAt: d1 Jan 1, d2 Feb 1, d3 Mar 1, d4 Apr 1, d5 May 1, d6 Jun 1 (2024).
    check(
        &store,
        kind,
        &[
            ("createdAt = \"2024-02-01T00:00:00.000Z\"", &["d2"]),
            (
                "createdAt != \"2024-02-01T00:00:00.000Z\"",
                &["d1", "d3", "d4", "d5", "d6"],
            ),
            ("createdAt < \"2024-02-01T00:00:00.000Z\"", &["d1"]),
            ("createdAt <= \"2024-02-01T00:00:00.000Z\"", &["d1", "d2"]),
            (
                "createdAt > \"2024-03-01T00:00:00.000Z\"",
                &["d4", "d5", "d6"],
            ),
            (
                "createdAt >= \"2024-03-01T00:00:00.000Z\"",
                &["d3", "d4", "d5", "d6"],
            ),
            (
                "createdAt > \"2024-02-01\"",
                &["d2", "d3", "d4", "d5", "d6"],
            ),
            ("lastModifiedAt = \"2024-01-02T00:00:00.000Z\"", &["d1"]),
            ("lastModifiedAt < \"2024-02-02T00:00:00.000Z\"", &["d1"]),
            ("due = \"2024-01-15T00:00:00.000Z\"", &["d2"]),
            ("due != \"2024-01-15T00:00:00.000Z\"", &["d1", "d5"]),
            ("due < \"2024-03-01T10:00:00.000Z\"", &["d2"]),
            ("due <= \"2024-03-01T10:00:00.000Z\"", &["d1", "d2"]),
            ("due > \"2024-02-01T00:00:00.000Z\"", &["d1", "d5"]),
            ("due >= \"2024-12-31T23:59:59.999Z\"", &["d5"]),
        ],
    )
    .await;
}

async fn compare_columns(store: Arc<dyn Storage>, kind: Kind) {
    // version: d1 1, d2 2, d3 3, d4 1, d5 4, d6 2; key: k1, k2, -, k4, k5, -.
    check(
        &store,
        kind,
        &[
            ("version = 1", &["d1", "d4"]),
            ("version != 1", &["d2", "d3", "d5", "d6"]),
            ("version <> 1", &["d2", "d3", "d5", "d6"]),
            ("version < 2", &["d1", "d4"]),
            ("version <= 2", &["d1", "d2", "d4", "d6"]),
            ("version > 2", &["d3", "d5"]),
            ("version >= 3", &["d3", "d5"]),
            ("version > 1.5", &["d2", "d3", "d5", "d6"]),
            ("key = \"k1\"", &["d1"]),
            ("key != \"k1\"", &["d2", "d4", "d5"]),
            ("key < \"k4\"", &["d1", "d2"]),
            ("key <= \"k4\"", &["d1", "d2", "d4"]),
            ("key > \"k2\"", &["d4", "d5"]),
            ("key >= \"k4\"", &["d4", "d5"]),
            ("id = \"d3\"", &["d3"]),
            ("id > \"d4\"", &["d5", "d6"]),
        ],
    )
    .await;
}

async fn in_lists(store: Arc<dyn Storage>, kind: Kind) {
    // `not in` is the complement of `in`: documents without the field are included.
    check(
        &store,
        kind,
        &[
            ("title in (\"apple\", \"cherry\", \"nope\")", &["d1", "d3"]),
            ("title not in (\"apple\")", &["d2", "d3", "d4", "d5", "d6"]),
            ("qty in (1, 10)", &["d1", "d3"]),
            ("qty in (2.5)", &["d4"]),
            ("qty not in (1, 10)", &["d2", "d4", "d5", "d6"]),
            ("version in (2, 4)", &["d2", "d5", "d6"]),
            ("version not in (2, 4)", &["d1", "d3", "d4"]),
            ("key in (\"k1\", \"k5\")", &["d1", "d5"]),
            ("key not in (\"k1\")", &["d2", "d3", "d4", "d5", "d6"]),
            ("id in (\"d1\", \"d6\")", &["d1", "d6"]),
            ("active in (false)", &["d2", "d5"]),
            (
                "createdAt in (\"2024-01-01T00:00:00.000Z\", \"2024-06-01T00:00:00.000Z\")",
                &["d1", "d6"],
            ),
        ],
    )
    .await;
}

async fn contains(store: Arc<dyn Storage>, kind: Kind) {
    // tags: d1 [a,b], d2 [b,c], d3 [], d4 -, d5 [a,c,d], d6 [d]; nums: [1,2] [5] [] - [10] [2].
    check(
        &store,
        kind,
        &[
            ("tags contains \"a\"", &["d1", "d5"]),
            ("tags contains \"z\"", &[]),
            ("tags contains any (\"a\", \"d\")", &["d1", "d5", "d6"]),
            ("tags contains all (\"a\", \"c\")", &["d5"]),
            ("tags contains all (\"b\")", &["d1", "d2"]),
            ("tags contains all (\"a\", \"z\")", &[]),
            ("nums contains 2", &["d1", "d6"]),
            ("nums contains any (5, 10)", &["d2", "d5"]),
            ("nums contains all (1, 2)", &["d1"]),
            ("not(tags contains \"a\")", &["d2", "d3", "d4", "d6"]),
        ],
    )
    .await;
}

async fn defined_and_empty(store: Arc<dyn Storage>, kind: Kind) {
    // title: d4 missing, d5 null; due: d3 null, d4/d6 missing; obj.a: d3 null, d6 missing.
    check(
        &store,
        kind,
        &[
            ("title is defined", &["d1", "d2", "d3", "d6"]),
            ("title is not defined", &["d4", "d5"]),
            ("due is defined", &["d1", "d2", "d5"]),
            ("due is not defined", &["d3", "d4", "d6"]),
            ("key is defined", &["d1", "d2", "d4", "d5"]),
            ("key is not defined", &["d3", "d6"]),
            ("id is defined", &["d1", "d2", "d3", "d4", "d5", "d6"]),
            ("obj.a is defined", &["d1", "d2", "d5"]),
            ("obj(a is not defined)", &["d3", "d4", "d6"]),
            ("obj is defined", &["d1", "d2", "d3", "d5", "d6"]),
            ("name is defined", &["d1", "d2", "d3", "d5", "d6"]),
            ("name.en is defined", &["d1", "d2", "d3", "d5"]),
            ("name(en is not defined)", &["d4", "d6"]),
            ("tags is defined", &["d1", "d2", "d3", "d5", "d6"]),
            ("stores is not defined", &["d4"]),
            ("custom.fields.color is defined", &["d1", "d2", "d6"]),
            ("custom(fields(color is defined))", &["d1", "d2", "d6"]),
            ("custom.fields is defined", &["d1", "d2", "d3", "d5", "d6"]),
            ("tags is empty", &["d3", "d4"]),
            ("tags is not empty", &["d1", "d2", "d5", "d6"]),
            ("stores is empty", &["d3", "d4"]),
            ("stores is not empty", &["d1", "d2", "d5", "d6"]),
            ("nums is empty", &["d3", "d4"]),
        ],
    )
    .await;
}

async fn logic(store: Arc<dyn Storage>, kind: Kind) {
    check(
        &store,
        kind,
        &[
            ("qty > 2 and active = true", &["d3"]),
            ("title = \"apple\" or qty = 10", &["d1", "d3"]),
            // `and` binds tighter than `or`.
            ("title = \"apple\" or qty = 10 and active = false", &["d1"]),
            (
                "(title = \"apple\" or qty = 10) and active = true",
                &["d1", "d3"],
            ),
            ("active = false and qty = 5 or key = \"k1\"", &["d1", "d2"]),
            ("active = false and (qty = 5 or key = \"k1\")", &["d2"]),
            // `not` is the complement (documents without the field included).
            ("not(active = true)", &["d2", "d4", "d5"]),
            (
                "not(title = \"apple\" or title = \"cherry\")",
                &["d2", "d4", "d5", "d6"],
            ),
            ("not(qty > 2) and key is defined", &["d1", "d5"]),
            ("not(not(active = true))", &["d1", "d3", "d6"]),
            (
                "title = \"apple\" or not(key is defined)",
                &["d1", "d3", "d6"],
            ),
            ("NOT (active = TRUE) AND qty IS DEFINED", &["d2", "d4"]),
            ("qty > 0 and qty < 6 and active = true", &["d1"]),
            (
                "id = \"d1\" or id = \"d2\" or id = \"d3\"",
                &["d1", "d2", "d3"],
            ),
        ],
    )
    .await;
}

async fn nested_and_localized(store: Arc<dyn Storage>, kind: Kind) {
    check(
        &store,
        kind,
        &[
            ("obj(a = 1)", &["d1", "d5"]),
            ("obj(a = 1 and b = \"x\")", &["d1"]),
            ("obj(a = 1 or b = \"x\")", &["d1", "d5", "d6"]),
            ("obj(b = \"x\")", &["d1", "d6"]),
            ("obj.b = \"y\"", &["d2"]),
            ("obj(inner(c = \"deep\"))", &["d1"]),
            ("obj.inner.c = \"deep\"", &["d1"]),
            ("obj(inner.c != \"deep\")", &[]),
            ("name(en = \"Apple\")", &["d1"]),
            ("name.en = \"apple\"", &["d5"]),
            ("name(de-DE = \"Kirsche\")", &["d3"]),
            ("name(de-DE = \"y\")", &["d6"]),
            ("name.de-DE = \"Apfel\"", &["d1"]),
            ("name(en = \"Apple\" or de-DE = \"y\")", &["d1", "d6"]),
            ("name(en > \"B\")", &["d2", "d3", "d5"]),
            ("name(en in (\"Banana\", \"Cherry\"))", &["d2", "d3"]),
            ("name(`x y` = \"sp\")", &["d6"]),
            ("name(`a.b` = \"dot\")", &["d6"]),
            ("name(`a\"b` = \"quote\")", &["d6"]),
            ("name(`a\\b` = \"bs\")", &["d6"]),
            ("name(`a\"b` is defined)", &["d6"]),
        ],
    )
    .await;
}

async fn object_arrays(store: Arc<dyn Storage>, kind: Kind) {
    // stores: d1 [a/true], d2 [a/false, b/true], d3 [], d4 -, d5 [c/true], d6 [b/false].
    check(
        &store,
        kind,
        &[
            ("stores(key = \"a\")", &["d1", "d2"]),
            // Both conditions must hold for the same element.
            ("stores(key = \"a\" and active = true)", &["d1"]),
            ("stores(key = \"b\" and active = true)", &["d2"]),
            (
                "stores(key = \"a\") and stores(active = true)",
                &["d1", "d2"],
            ),
            ("stores(active = false)", &["d2", "d6"]),
            ("stores(key in (\"b\", \"c\"))", &["d2", "d5", "d6"]),
            ("stores(not(active = true))", &["d2", "d6"]),
            ("not(stores(key = \"a\"))", &["d3", "d4", "d5", "d6"]),
            ("stores(key = \"a\" or key = \"c\")", &["d1", "d2", "d5"]),
            ("stores(key is defined)", &["d1", "d2", "d5", "d6"]),
            ("stores(key > \"a\")", &["d2", "d5", "d6"]),
        ],
    )
    .await;
}

async fn custom_fields(store: Arc<dyn Storage>, kind: Kind) {
    // fields: d1 {size 3, color red, flag true}, d2 {size "3", color blue}, d3 {size 5},
    // d4 -, d5 {size 1, flag false}, d6 {color red, size 3.5}. Values compare only with
    // values of the same JSON type.
    check(
        &store,
        kind,
        &[
            ("custom.fields.size = 3", &["d1"]),
            ("custom.fields.size = \"3\"", &["d2"]),
            ("custom.fields.size = 3.5", &["d6"]),
            ("custom(fields(color = \"red\"))", &["d1", "d6"]),
            ("custom.fields.color != \"red\"", &["d2"]),
            ("custom.fields.color > \"blue\"", &["d1", "d6"]),
            ("custom.fields.flag = true", &["d1"]),
            ("custom.fields.flag = false", &["d5"]),
            ("custom.fields.size = true", &[]),
            ("custom.fields.flag = 1", &[]),
            ("custom.fields.size > 2", &["d1", "d3", "d6"]),
            ("custom.fields.size < 4", &["d1", "d5", "d6"]),
            ("custom.fields.size >= \"3\"", &["d2"]),
            ("custom.fields.size in (3, \"3\")", &["d1", "d2"]),
            ("custom.fields.size in (1, 5)", &["d3", "d5"]),
            (
                "custom.fields.size not in (3, 5)",
                &["d2", "d4", "d5", "d6"],
            ),
            ("custom.type.id = \"t1\"", &["d1"]),
            ("custom(type(typeId = \"type\"))", &["d1"]),
            (
                "custom.fields.size is defined",
                &["d1", "d2", "d3", "d5", "d6"],
            ),
            (
                "custom.fields.missing is not defined",
                &["d1", "d2", "d3", "d4", "d5", "d6"],
            ),
        ],
    )
    .await;
}

async fn input_variables(store: Arc<dyn Storage>, kind: Kind) {
    let v = vars(&[
        ("k", &["k2"]),
        ("ks", &["k1", "k4"]),
        ("n", &["2"]),
        ("t", &["apple"]),
        ("k5", &["k5"]),
        ("b", &["true"]),
        ("one", &["k1"]),
        ("two", &["k2", "k4"]),
        ("f", &["2.5"]),
    ]);
    check_vars(
        &store,
        kind,
        &v,
        &[
            ("key = :k", &["d2"]),
            ("key in :ks", &["d1", "d4"]),
            ("key not in :ks", &["d2", "d3", "d5", "d6"]),
            ("key in (:one, :two)", &["d1", "d2", "d4"]),
            ("qty > :n", &["d2", "d3", "d4"]),
            ("qty = :f", &["d4"]),
            ("version = :n", &["d2", "d6"]),
            ("title = :t or key = :k5", &["d1", "d5"]),
            ("active = :b", &["d1", "d3", "d6"]),
            ("tags contains any :ks", &[]),
            ("stores(key = :t)", &[]),
            ("custom.fields.color = :t", &[]),
        ],
    )
    .await;
}

async fn injection(store: Arc<dyn Storage>, kind: Kind) {
    check(
        &store,
        kind,
        &[
            ("title = \"x' OR '1'='1\"", &[]),
            ("title = \"apple' --\"", &[]),
            ("title = \"apple\\\" or 1=1 --\"", &[]),
            ("key in (\"k1') OR ('1'='1\")", &[]),
            ("name(`x') OR 1=1 --` = \"a\")", &[]),
            ("name(`en'); DROP TABLE stores; --` = \"a\")", &[]),
            ("name(`$.en` = \"Apple\")", &[]),
            ("name(`en\\\\` = \"Apple\")", &[]),
            ("custom.fields.`x'}` = 1", &[]),
            ("custom.fields.`a\"b` = 1", &[]),
            ("custom(fields(`' OR 1=1 --` is defined))", &[]),
            ("stores(key = \"a' OR 1=1 --\")", &[]),
            ("tags contains \"a') OR ('1'='1\"", &[]),
        ],
    )
    .await;
    // The table is intact.
    let p = fixture(&store).await;
    let n = store.count(C, &p, &Query::all(500), 1000).await.unwrap();
    assert_eq!(n, 6);
}

/// The longest `or`/`and` chains a predicate may hold (`MAX_TERMS` tests): the compiler groups
/// long chains as a balanced tree (SQLite parses a flat chain as a left-deep tree and refuses
/// expressions deeper than 1000), and every term still counts.
async fn long_chains(store: Arc<dyn Storage>, kind: Kind) {
    let n = storekeep_predicate::MAX_TERMS - 1;
    let or: Vec<String> = (0..n).map(|i| format!("title = \"x{i}\"")).collect();
    let or = format!("{} or title = \"apple\"", or.join(" or "));
    let and = vec!["qty > 0"; n].join(" and ");
    let and = format!("{and} and active = true");
    check(
        &store,
        kind,
        &[(or.as_str(), &["d1"]), (and.as_str(), &["d1", "d3"])],
    )
    .await;
}
