//! The deterministic mutations of the hostile-input replay: a small generator, predicate
//! variants (truncations, flipped characters, deep nesting, long chains, huge numbers, NUL)
//! and JSON variants (truncations, flipped bytes, deep nesting, huge numbers, wrong types,
//! long strings, NUL, 10 000-element arrays, and every leaf replaced in turn).

use serde_json::{json, Value};

/// A deterministic generator (xorshift64*), so every run sends the same requests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Replace the character at a random position of `s` with `with`.
fn flip(s: &str, rng: &mut Rng, with: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len());
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i == at { with } else { c })
        .collect()
}

/// A seed predicate and its mutations.
pub fn predicate_variants(seed: &str, rng: &mut Rng) -> Vec<String> {
    const ODD: [char; 12] = [
        '(', ')', '"', '\\', ':', ',', '=', '<', '\u{0}', 'é', '\u{ffff}', ' ',
    ];
    let chars: Vec<char> = seed.chars().collect();
    let mut out = vec![seed.to_string()];
    for _ in 0..3 {
        out.push(chars[..rng.below(chars.len())].iter().collect());
        let with = ODD[rng.below(ODD.len())];
        out.push(flip(seed, rng, with));
    }
    out.push(format!("{}{seed}{}", "(".repeat(200), ")".repeat(200)));
    out.push(format!("not ({seed}) and not ({seed}) or ({seed})"));
    out
}

/// Predicates that attack the limits rather than the grammar.
pub fn predicate_extremes() -> Vec<String> {
    let or_chain = vec!["key = \"x\""; 3000].join(" or ");
    let and_chain = vec!["version > 0"; 3000].join(" and ");
    let list: Vec<String> = (0..10_000).map(|i| format!("\"k{i}\"")).collect();
    vec![
        "(".repeat(100_000),
        "(".repeat(19_000),
        format!("{}key = \"a\"{}", "not (".repeat(70), ")".repeat(70)),
        format!("{}key = \"a\"{}", "(".repeat(64), ")".repeat(64)),
        or_chain,
        and_chain,
        format!("key in ({})", list.join(", ")),
        "version = 99999999999999999999999999".into(),
        "version = 1e999999".into(),
        "version = -9223372036854775809".into(),
        "version > 1.7976931348623157e309".into(),
        "key = \"\\u0000\"".into(),
        "key = \"a\u{0}b\"".into(),
        "email = \"\u{0}\"".into(),
        format!("key = \"{}\"", "x".repeat(70_000)),
        "key = :missing".into(),
        "createdAt > \"not a date\"".into(),
        "stores(key = \"x\" or stores(key = \"y\"))".into(),
        "name(en = 1)".into(),
        "version = \"one\"".into(),
        "key is defined and key is empty".into(),
    ]
}

/// Apply `f` to every scalar or container of a JSON value, bottom-up.
fn map_json(v: &Value, f: &dyn Fn(&Value) -> Option<Value>) -> Value {
    let inner = match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| map_json(x, f)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), map_json(x, f))).collect())
        }
        other => other.clone(),
    };
    f(&inner).unwrap_or(inner)
}

/// Every outermost array of `v` grown to 10 000 copies of its first element.
fn grow_arrays(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(vec![a.first().cloned().unwrap_or(json!(1)); 10_000]),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), grow_arrays(x))).collect())
        }
        other => other.clone(),
    }
}

/// `n` pseudo-random letters: incompressible, so PostgreSQL cannot shrink them below the row
/// limit of an index.
fn random_text(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'a' + (rng.next() % 26) as u8))
        .collect()
}

/// Hostile values for single leaves.
fn hostile_leaf(rng: &mut Rng) -> Value {
    match rng.below(15) {
        0 => json!("a\u{0}b"),
        1 => json!("x".repeat(100_000)),
        2 => json!(""),
        3 => json!(i64::MAX),
        4 => json!(i64::MIN),
        5 => json!(-1),
        6 => json!(1.5e300),
        7 => json!(true),
        8 => json!(null),
        9 => json!({"typeId": "store", "key": "berlin"}),
        10 => json!(["berlin"]),
        11 => json!("\u{202e}\u{1f600}ä\u{ffff}"),
        12 => json!("Robert'); DROP TABLE customers;--"),
        13 => json!(format!("{}@x.de", random_text(rng, 20_000))),
        _ => json!("1990-02-31"),
    }
}

/// `v` with the `n`-th leaf (depth first) replaced by `with`; `n` counts down.
fn replace_leaf(v: &Value, n: &mut usize, with: &Value) -> Value {
    match v {
        Value::Array(a) if !a.is_empty() => {
            Value::Array(a.iter().map(|x| replace_leaf(x, n, with)).collect())
        }
        Value::Object(m) if !m.is_empty() => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        if k == "action" {
                            x.clone()
                        } else {
                            replace_leaf(x, n, with)
                        },
                    )
                })
                .collect(),
        ),
        leaf => {
            let hit = *n == 0;
            *n = n.wrapping_sub(1);
            if hit {
                with.clone()
            } else {
                leaf.clone()
            }
        }
    }
}

/// The number of leaves of `v`.
fn leaves(v: &Value) -> usize {
    match v {
        Value::Array(a) if !a.is_empty() => a.iter().map(leaves).sum(),
        Value::Object(m) if !m.is_empty() => m
            .iter()
            .filter(|(k, _)| *k != "action")
            .map(|(_, x)| leaves(x))
            .sum(),
        _ => 1,
    }
}

/// A JSON seed and its mutations (bytes, as they go on the wire).
pub fn json_variants(seed: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = vec![seed.to_vec()];
    for _ in 0..3 {
        out.push(seed[..rng.below(seed.len())].to_vec());
        let mut flipped = seed.to_vec();
        let at = rng.below(flipped.len());
        flipped[at] = (rng.next() & 0xff) as u8;
        out.push(flipped);
    }
    out.push([b"[".repeat(100_000), seed.to_vec()].concat());
    let Ok(v) = serde_json::from_slice::<Value>(seed) else {
        return out;
    };
    let text = |v: Value| v.to_string().into_bytes();
    // Every leaf once as a NUL string and once as a long incompressible one; then random
    // hostile leaves.
    for i in 0..leaves(&v) {
        for with in [json!("a\u{0}b"), json!(random_text(rng, 5_000))] {
            out.push(text(replace_leaf(&v, &mut i.clone(), &with)));
        }
    }
    for _ in 0..6 {
        let with = hostile_leaf(rng);
        let mut n = rng.below(leaves(&v));
        out.push(text(replace_leaf(&v, &mut n, &with)));
    }
    let huge = map_json(&v, &|x| x.is_number().then(|| json!("@HUGE@")));
    let huge = huge.to_string();
    for n in [
        "1e999999",
        "99999999999999999999999",
        "-9223372036854775809",
        "1.5",
        "-1",
    ] {
        out.push(huge.replace("\"@HUGE@\"", n).into_bytes());
    }
    out.push(text(map_json(&v, &|x| x.is_string().then(|| json!(12345)))));
    out.push(text(map_json(&v, &|x| x.is_number().then(|| json!("7")))));
    out.push(text(map_json(&v, &|x| {
        x.is_boolean().then(|| json!("true"))
    })));
    out.push(text(map_json(&v, &|x| x.is_object().then(|| json!([])))));
    out.push(text(map_json(&v, &|x| {
        x.is_string().then(|| json!("a\u{0}b"))
    })));
    out.push(text(map_json(&v, &|x| {
        x.is_string().then(|| json!("x".repeat(100_000)))
    })));
    out.push(text(map_json(&v, &|x| x.is_string().then(|| json!("")))));
    out.push(text(grow_arrays(&v)));
    out.push(text(json!([v.clone(), v.clone()])));
    out.push(text(json!(null)));
    out
}
