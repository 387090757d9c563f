//! The merge under concurrency: sign-in with an anonymous cart while other requests add custom
//! line items to the anonymous and the customer cart. Afterwards every acknowledged item is in
//! the customer's active cart exactly once, every refused one is nowhere, and nothing is
//! duplicated. Also two sign-ins racing with the same anonymous cart.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use storekeep_core::carts::{Cart, CartState, CartUpdate};
use storekeep_core::storage::{Lookup, Storage};

use super::{item, world, World};
use crate::Kind;

cases!(merge_races_cart_updates, two_sign_ins_race_for_one_cart);

/// How many adds go to each of the two carts per round.
const ADDS_PER_CART: usize = 5;
const ROUNDS: usize = 4;

/// What happened to one add.
#[derive(Debug)]
enum Outcome {
    Acknowledged,
    Refused(&'static str),
}

/// A client adding the item `slug` to `cart_id`: read, then update at that version; on a
/// version conflict it reads again and retries a few times, like an SDK with retries.
async fn add_item(w: Arc<World>, cart_id: String, slug: String, delay_ms: u64) -> Outcome {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    let mut last = "none";
    for _ in 0..3 {
        let cart = w.get(&cart_id).await;
        let mut a = item(&slug, 10, 1);
        a["action"] = json!("addCustomLineItem");
        let u: CartUpdate =
            serde_json::from_value(json!({"version": cart.meta.version, "actions": [a]})).unwrap();
        match w
            .carts
            .update(&w.p, None, None, &w.by, Lookup::Id(&cart_id), u)
            .await
        {
            Ok(_) => return Outcome::Acknowledged,
            Err(e) if e.code() == "ConcurrentModification" => last = "ConcurrentModification",
            Err(e) => return Outcome::Refused(e.code()),
        }
    }
    Outcome::Refused(last)
}

fn count(cart: &Cart, slug: &str) -> usize {
    cart.custom_line_items
        .iter()
        .filter(|l| l.slug == slug)
        .count()
}

fn assert_no_duplicates(cart: &Cart) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for l in &cart.custom_line_items {
        *seen.entry(l.slug.as_str()).or_default() += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "duplicated items: {dups:?}");
    let sum: i64 = cart
        .custom_line_items
        .iter()
        .map(|l| l.total_price.cent_amount)
        .sum();
    assert_eq!(
        cart.total_price.cent_amount, sum,
        "the total is the sum of the items"
    );
}

async fn one_round(w: &Arc<World>, round: usize) {
    let email = format!("race{round}@x.io");
    let c = w.customer(&email, &[]).await;
    let target = w
        .cart(
            None,
            json!({"customerId": c.meta.id, "customLineItems": [item("t-base", 10, 1)]}),
        )
        .await;
    let anon = w
        .cart(None, json!({"anonymousId": format!("anon-{round}"), "customLineItems": [item("a-base", 10, 1)]}))
        .await;
    let mut adds = Vec::new();
    for i in 0..ADDS_PER_CART {
        for (prefix, cart) in [("a", &anon), ("t", &target)] {
            let slug = format!("{prefix}-{round}-{i}");
            let task = add_item(
                w.clone(),
                cart.meta.id.clone(),
                slug.clone(),
                (i % 3) as u64,
            );
            adds.push((slug, tokio::spawn(task)));
        }
    }
    let sign_in = {
        let w = w.clone();
        let body = json!({"email": email, "anonymousCart": {"id": anon.meta.id}});
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            w.sign_in(None, body).await
        })
    };
    let mut outcomes = Vec::new();
    for (slug, t) in adds {
        outcomes.push((slug, t.await.expect("add task")));
    }
    let signed = sign_in.await.expect("sign-in task");
    let final_target = w.get(&target.meta.id).await;
    let final_anon = w.get(&anon.meta.id).await;
    assert_no_duplicates(&final_target);
    assert_no_duplicates(&final_anon);
    let active = w.carts.active_cart(&w.p, None, &c.meta.id).await.unwrap();
    match &signed {
        Ok(r) => {
            let cart = r.cart.as_ref().expect("a cart after the merge");
            assert_eq!(cart.meta.id, target.meta.id);
            assert_eq!(active.meta.id, target.meta.id);
            assert_eq!(final_anon.cart_state, CartState::Merged);
            // Everything the anonymous cart held when it was frozen is in the target once.
            for l in &final_anon.custom_line_items {
                assert_eq!(
                    count(&final_target, &l.slug),
                    1,
                    "{} lost or duplicated",
                    l.slug
                );
            }
        }
        Err(e) => {
            // Retries exhausted: the anonymous cart is active again, nothing was copied.
            assert_eq!(e.code(), "ConcurrentModification", "{e:?}");
            assert_eq!(final_anon.cart_state, CartState::Active);
            assert_eq!(count(&final_target, "a-base"), 0);
        }
    }
    let merged = signed.is_ok();
    for (slug, outcome) in &outcomes {
        let in_target = count(&final_target, slug);
        let in_anon = count(&final_anon, slug);
        match outcome {
            Outcome::Acknowledged if slug.starts_with('t') || merged => {
                assert_eq!(
                    in_target, 1,
                    "acknowledged {slug} must be in the active cart once"
                )
            }
            Outcome::Acknowledged => assert_eq!(in_anon, 1, "acknowledged {slug}"),
            Outcome::Refused(code) => {
                assert!(
                    ["ConcurrentModification", "InvalidOperation"].contains(code),
                    "{slug}: {code}"
                );
                assert_eq!(in_target + in_anon, 0, "refused {slug} must be nowhere");
            }
        }
    }
    for base in ["t-base", "a-base"] {
        assert_eq!(
            count(&final_target, base),
            usize::from(merged || base == "t-base")
        );
    }
}

async fn merge_races_cart_updates(store: Arc<dyn Storage>, _: Kind) {
    let w = Arc::new(world(store).await);
    for round in 0..ROUNDS {
        one_round(&w, round).await;
    }
}

async fn two_sign_ins_race_for_one_cart(store: Arc<dyn Storage>, _: Kind) {
    let w = Arc::new(world(store).await);
    let c = w.customer("twice@x.io", &[]).await;
    let target = w.cart(None, json!({"customerId": c.meta.id})).await;
    let anon = w
        .cart(
            None,
            json!({"customLineItems": [item("x1", 10, 1), item("x2", 20, 2)]}),
        )
        .await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let w = w.clone();
        let body = json!({"email": "twice@x.io", "anonymousCart": {"id": anon.meta.id}});
        tasks.push(tokio::spawn(async move { w.sign_in(None, body).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("sign-in task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code(), "InvalidOperation", "{e:?}"),
        }
    }
    assert_eq!(ok, 1, "exactly one sign-in merges the cart");
    let merged = w.get(&target.meta.id).await;
    assert_eq!(
        super::items(&merged),
        [("x1".to_string(), 1), ("x2".to_string(), 2)]
    );
    assert_eq!(merged.total_price.cent_amount, 50);
    assert_eq!(w.get(&anon.meta.id).await.cart_state, CartState::Merged);
}
