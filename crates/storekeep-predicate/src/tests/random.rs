//! A small property test: strings stitched together from a token alphabet (plus some raw
//! characters) never make the parser panic, and whatever parses has a stable canonical form.

use crate::*;

/// xorshift64: a tiny deterministic RNG, so the test needs no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABET: &[&str] = &[
    "key",
    "name",
    ".",
    "en",
    "`odd x`",
    "(",
    ")",
    ",",
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not",
    "in",
    "contains",
    "any",
    "all",
    "is",
    "defined",
    "empty",
    "true",
    "false",
    "within",
    "circle",
    "\"str\"",
    "\"a\\\"b\"",
    "\"\\u00e9\"",
    "\"unterminated",
    "1",
    "-2",
    "3.5",
    "1e3",
    "99999999999999999999",
    ":var",
    ":",
    "-",
    "`",
    "\\",
    "é",
    "\u{0}",
    " ",
    " ",
    " ",
    "\n",
];

fn random_source(rng: &mut Rng) -> String {
    let len = 1 + rng.below(24);
    let mut s = String::new();
    for _ in 0..len {
        s.push_str(ALPHABET[rng.below(ALPHABET.len())]);
        if rng.below(3) > 0 {
            s.push(' ');
        }
    }
    s
}

/// A random but well-formed predicate, so that the accepting paths get exercised too.
fn random_predicate(rng: &mut Rng, depth: usize) -> String {
    let leaf = |rng: &mut Rng| -> String {
        let path = ["key", "name.en", "in", "`a b`.c", "not.x"][rng.below(5)];
        match rng.below(9) {
            0 => format!("{path} = \"v\""),
            1 => format!("{path} <> -1.25"),
            2 => format!("{path} not in (1, :v, true)"),
            3 => format!("{path} contains all :v"),
            4 => format!("{path} contains \"x\""),
            5 => format!("{path} is not empty"),
            6 => format!("{path} is defined"),
            7 => format!("{path} within circle(1, -2.5, 3e2)"),
            _ => format!("{path} >= 7"),
        }
    };
    if depth == 0 {
        return leaf(rng);
    }
    match rng.below(6) {
        0 => format!(
            "{} and {}",
            random_predicate(rng, depth - 1),
            random_predicate(rng, depth - 1)
        ),
        1 => format!(
            "{} or {}",
            random_predicate(rng, depth - 1),
            random_predicate(rng, depth - 1)
        ),
        2 => format!("not ({})", random_predicate(rng, depth - 1)),
        3 => format!("({})", random_predicate(rng, depth - 1)),
        4 => format!("items({})", random_predicate(rng, depth - 1)),
        _ => leaf(rng),
    }
}

fn check(src: &str) -> bool {
    match parse(src) {
        Ok(expr) => {
            let printed = expr.to_string();
            match parse(&printed) {
                Ok(again) => assert_eq!(again.to_string(), printed, "from {src:?}"),
                Err(e) => panic!("canonical form {printed:?} of {src:?} fails: {e}"),
            }
            let span = expr.span();
            assert!(span.start <= span.end && span.end <= src.len(), "{src:?}");
            true
        }
        Err(e) => {
            assert!(
                e.span.start <= e.span.end && e.span.end <= src.len(),
                "{src:?}: {e}"
            );
            assert!(src.is_char_boundary(e.span.start), "{src:?}: {e}");
            false
        }
    }
}

#[test]
fn random_token_soup_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    for _ in 0..2000 {
        let src = random_source(&mut rng);
        if check(&src) {
            accepted += 1;
        }
        let _ = parse_sort(&src);
    }
    // A few short soups happen to be valid predicates.
    assert!(accepted > 0);
}

#[test]
fn random_well_formed_predicates_parse() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for _ in 0..500 {
        let depth = rng.below(5);
        let src = random_predicate(&mut rng, depth);
        assert!(check(&src), "{src:?} should parse");
    }
}

#[test]
fn every_prefix_and_truncation_is_handled() {
    let src = r#"a(b = "x\u00e9" and c not in (1, 2.5e1)) or not (d is not empty) or g within circle(1, 2, 3)"#;
    for (i, _) in src.char_indices() {
        check(&src[..i]);
        check(&src[i..]);
    }
    assert!(check(src));
}

#[test]
fn fuzz_seeds_are_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/parse");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        assert!(
            parse(&src).is_ok() || parse_sort(&src).is_ok(),
            "{}: {src:?}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 25, "only {seen} seeds in {}", dir.display());
}
