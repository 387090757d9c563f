//! Sorting, paging, totals and counts, through the real query-parameter parser.

use std::sync::Arc;

use storekeep_core::query::{parse_query_params, Query, QueryParams};
use storekeep_core::storage::Storage;

use crate::fixture::{filtered, fixture, ids, vars, C, SCHEMA};
use crate::Kind;

cases!(sorting, paging, counting);

fn params(pairs: &[(&str, &str)]) -> Query {
    let p = QueryParams::from_pairs(pairs.iter().copied());
    parse_query_params(&p, SCHEMA).unwrap_or_else(|e| panic!("{pairs:?}: {e}"))
}

async fn sorting(store: Arc<dyn Storage>, kind: Kind) {
    let p = fixture(&store).await;
    // Missing and null values sort first ascending and last descending; `id` breaks ties.
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["d1", "d2", "d3", "d4", "d5", "d6"]),
        (&["id desc"], &["d6", "d5", "d4", "d3", "d2", "d1"]),
        (&["id asc"], &["d1", "d2", "d3", "d4", "d5", "d6"]),
        (&["key"], &["d3", "d6", "d1", "d2", "d4", "d5"]),
        (&["key asc"], &["d3", "d6", "d1", "d2", "d4", "d5"]),
        (&["key desc"], &["d5", "d4", "d2", "d1", "d3", "d6"]),
        (&["qty asc"], &["d5", "d6", "d1", "d4", "d2", "d3"]),
        (&["qty desc"], &["d3", "d2", "d4", "d1", "d6", "d5"]),
        // Binary order: "Banana" < "apple".
        (&["title asc"], &["d4", "d5", "d2", "d1", "d3", "d6"]),
        (&["title desc"], &["d6", "d3", "d1", "d2", "d4", "d5"]),
        (
            &["version asc", "createdAt desc"],
            &["d4", "d1", "d6", "d2", "d3", "d5"],
        ),
        (&["version desc"], &["d5", "d3", "d2", "d6", "d1", "d4"]),
        (
            &["active desc", "qty asc"],
            &["d6", "d1", "d3", "d5", "d2", "d4"],
        ),
        (
            &["active asc", "title desc"],
            &["d4", "d2", "d5", "d6", "d3", "d1"],
        ),
        (&["name.en asc"], &["d4", "d6", "d1", "d2", "d3", "d5"]),
        (&["name.de-DE desc"], &["d6", "d3", "d1", "d2", "d4", "d5"]),
        (&["obj.a asc"], &["d3", "d4", "d6", "d1", "d5", "d2"]),
        (
            &["obj.a desc", "id desc"],
            &["d2", "d5", "d1", "d6", "d4", "d3"],
        ),
        (&["due desc"], &["d5", "d1", "d2", "d3", "d4", "d6"]),
        (&["createdAt desc"], &["d6", "d5", "d4", "d3", "d2", "d1"]),
        (
            &["lastModifiedAt asc"],
            &["d1", "d2", "d3", "d4", "d5", "d6"],
        ),
        (
            &["custom.fields.color asc"],
            &["d3", "d4", "d5", "d2", "d1", "d6"],
        ),
        (
            &["custom.type.id desc"],
            &["d1", "d2", "d3", "d4", "d5", "d6"],
        ),
    ];
    let mut failures = Vec::new();
    for (sorts, want) in cases {
        let pairs: Vec<(&str, &str)> = sorts.iter().map(|s| ("sort", *s)).collect();
        let q = Query {
            limit: 500,
            ..params(&pairs)
        };
        let got = ids(&store.query(C, &p, &q).await.unwrap().docs);
        if got != *want {
            failures.push(format!("{sorts:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{kind:?}:\n{}", failures.join("\n"));
}

async fn paging(store: Arc<dyn Storage>, _kind: Kind) {
    let p = fixture(&store).await;
    let page = |pairs: &'static [(&'static str, &'static str)]| {
        let store = store.clone();
        let p = p.clone();
        async move {
            let pg = store.query(C, &p, &params(pairs)).await.unwrap();
            (ids(&pg.docs), pg.total)
        }
    };
    let all = ["d1", "d2", "d3", "d4", "d5", "d6"]
        .map(String::from)
        .to_vec();
    // Defaults: limit 20, offset 0, withTotal true.
    assert_eq!(page(&[]).await, (all.clone(), Some(6)));
    assert_eq!(
        page(&[("limit", "2")]).await,
        (vec!["d1".into(), "d2".into()], Some(6))
    );
    assert_eq!(
        page(&[("limit", "2"), ("offset", "4")]).await,
        (vec!["d5".into(), "d6".into()], Some(6))
    );
    assert_eq!(
        page(&[("limit", "4"), ("offset", "4"), ("withTotal", "false")]).await,
        (vec!["d5".into(), "d6".into()], None)
    );
    assert_eq!(page(&[("offset", "6")]).await, (vec![], Some(6)));
    assert_eq!(page(&[("offset", "10000")]).await, (vec![], Some(6)));
    assert_eq!(page(&[("limit", "0")]).await, (vec![], Some(6)));
    assert_eq!(page(&[("withTotal", "false")]).await, (all, None));
    // The total counts the filtered documents, not the page.
    assert_eq!(
        page(&[("where", "active = true"), ("limit", "1"), ("offset", "1")]).await,
        (vec!["d3".into()], Some(3))
    );
    // Several `where` parameters are AND-combined.
    assert_eq!(
        page(&[("where", "active = true"), ("where", "qty > 0")]).await,
        (vec!["d1".into(), "d3".into()], Some(2))
    );
    assert_eq!(
        page(&[("sort", "qty desc"), ("limit", "3"), ("offset", "1")]).await,
        (vec!["d2".into(), "d4".into(), "d1".into()], Some(6))
    );
    assert_eq!(
        page(&[("where", "key = :k"), ("var.k", "k4")]).await,
        (vec!["d4".into()], Some(1))
    );
    assert_eq!(
        page(&[
            ("where", "key in :k"),
            ("var.k", "k4"),
            ("var.k", "k1"),
            ("sort", "key desc")
        ])
        .await,
        (vec!["d4".into(), "d1".into()], Some(2))
    );
}

async fn counting(store: Arc<dyn Storage>, _kind: Kind) {
    let p = fixture(&store).await;
    let all = Query::all(1);
    assert_eq!(store.count(C, &p, &all, 100).await.unwrap(), 6);
    assert_eq!(store.count(C, &p, &all, 4).await.unwrap(), 4, "capped");
    assert_eq!(store.count(C, &p, &all, 0).await.unwrap(), 0);
    // Limit, offset and sort are ignored.
    let q = Query {
        offset: 5,
        limit: 1,
        ..params(&[("sort", "qty desc"), ("where", "version < 3")])
    };
    assert_eq!(store.count(C, &p, &q, 100).await.unwrap(), 4);
    let q = filtered("active = true", &vars(&[]));
    assert_eq!(store.count(C, &p, &q, 100).await.unwrap(), 3);
    let q = filtered("title = \"nope\"", &vars(&[]));
    assert_eq!(store.count(C, &p, &q, 100).await.unwrap(), 0);
    // Nothing in an unknown project; the decoy of another project is never counted.
    assert_eq!(
        store.count(C, &crate::project(), &all, 100).await.unwrap(),
        0
    );
    let q = filtered("id = \"d0\"", &vars(&[]));
    assert_eq!(store.count(C, &p, &q, 100).await.unwrap(), 0);
}
