//! Rejected predicates: the message and the byte position it points at.

use super::ok;
use crate::*;

/// Input → (expected `span.start`, expected message).
const BAD: &[(&str, usize, &str)] = &[
    ("", 0, "empty predicate"),
    (" \n\t ", 0, "empty predicate"),
    ("key =", 5, "unexpected end of predicate, expected a value"),
    ("key = ", 6, "unexpected end of predicate, expected a value"),
    ("key = \"x", 6, "unterminated string"),
    ("key = \"x\\", 6, "unterminated string"),
    (
        "= \"x\"",
        0,
        "unexpected token '=', expected a field path, 'not' or '('",
    ),
    (
        "key \"x\"",
        4,
        "unexpected token '\"x\"', expected an operator after field path 'key'",
    ),
    (
        "name.en",
        7,
        "unexpected end of predicate, expected an operator after field path 'name.en'",
    ),
    ("name.en ~ 1", 8, "unexpected character '~'"),
    (
        "key = \"x\" and",
        13,
        "unexpected end of predicate, expected a field path, 'not' or '('",
    ),
    ("key in ()", 8, "unexpected token ')', expected a value"),
    ("key in (1,)", 10, "unexpected token ')', expected a value"),
    (
        "key in (1 2)",
        10,
        "unexpected token '2', expected ',' or ')'",
    ),
    (
        "key in 1",
        7,
        "unexpected token '1', expected '(' or a variable after 'in'",
    ),
    (
        "key not (1)",
        8,
        "unexpected token '(', expected 'in' after 'not'",
    ),
    (
        "key not in 1",
        11,
        "unexpected token '1', expected '(' or a variable after 'not in'",
    ),
    (
        "(key = \"x\"",
        10,
        "unexpected end of predicate, expected 'and', 'or' or ')'",
    ),
    (
        "key = \"x\")",
        9,
        "unexpected token ')', expected 'and', 'or' or end of predicate",
    ),
    (
        "key = \"x\" \"y\"",
        10,
        "unexpected token '\"y\"', expected 'and', 'or' or end of predicate",
    ),
    (
        "key is",
        6,
        "unexpected end of predicate, expected 'defined', 'empty' or 'not' after 'is'",
    ),
    (
        "key is maybe",
        7,
        "unexpected token 'maybe', expected 'defined', 'empty' or 'not' after 'is'",
    ),
    (
        "key is not there",
        11,
        "unexpected token 'there', expected 'defined' or 'empty' after 'is not'",
    ),
    (
        "a(",
        2,
        "unexpected end of predicate, expected a field path, 'not' or '('",
    ),
    (
        "a()",
        2,
        "unexpected token ')', expected a field path, 'not' or '('",
    ),
    (
        "()",
        1,
        "unexpected token ')', expected a field path, 'not' or '('",
    ),
    (
        "not ()",
        5,
        "unexpected token ')', expected a field path, 'not' or '('",
    ),
    (
        "not",
        3,
        "unexpected end of predicate, expected an operator after field path 'not'",
    ),
    (
        "not a = 1",
        4,
        "unexpected token 'a', expected an operator after field path 'not'",
    ),
    ("a = b", 4, "unexpected token 'b', expected a value"),
    ("a = (1)", 4, "unexpected token '(', expected a value"),
    ("a == 1", 3, "unexpected token '=', expected a value"),
    ("a ! 1", 2, "unexpected character '!'"),
    (
        "a = 1 and = 2",
        10,
        "unexpected token '=', expected a field path, 'not' or '('",
    ),
    (
        "a. = 1",
        3,
        "unexpected token '=', expected a field name after '.'",
    ),
    ("a = -", 4, "unexpected character '-'"),
    ("a = 1.", 4, "expected digits after '.' in number"),
    ("a = 1e", 4, "expected digits in number exponent"),
    ("a = 12abc", 4, "invalid number '12abc'"),
    ("a = 1.2.3", 4, "invalid number '1.2.3'"),
    ("a = 1e999", 4, "number '1e999' is out of range"),
    ("a = :", 4, "expected a variable name after ':'"),
    ("a = : x", 4, "expected a variable name after ':'"),
    ("a = \"\\x\"", 5, "invalid escape '\\x' in string"),
    (
        "a = \"\\u12\"",
        5,
        "invalid unicode escape, expected 4 hex digits after '\\u'",
    ),
    ("a = \"\\ud800\"", 5, "unpaired surrogate in unicode escape"),
    ("a = \"\\udc00\"", 5, "unpaired surrogate in unicode escape"),
    (
        "a = \"\\ud800\\u0041\"",
        5,
        "unpaired surrogate in unicode escape",
    ),
    ("`` = 1", 0, "empty quoted field name"),
    ("`abc = 1", 0, "unterminated quoted field name"),
    (
        "tags contains",
        13,
        "unexpected end of predicate, expected a value",
    ),
    (
        "tags contains any \"x\"",
        18,
        "unexpected token '\"x\"', expected '(' or a variable after 'contains any'",
    ),
    (
        "tags contains all",
        17,
        "unexpected end of predicate, expected '(' or a variable after 'contains all'",
    ),
    (
        "g within (1, 2, 3)",
        9,
        "unexpected token '(', expected 'circle' after 'within'",
    ),
    (
        "g within circle 1",
        16,
        "unexpected token '1', expected '(' after 'within circle'",
    ),
    (
        "g within circle(1, 2)",
        20,
        "unexpected token ')', expected ','",
    ),
    (
        "g within circle(1, \"2\", 3)",
        19,
        "unexpected token '\"2\"', expected a number",
    ),
    (
        "g within circle(1, 2, 3, 4)",
        23,
        "unexpected token ',', expected ')'",
    ),
    // Garbage bytes and non-ASCII outside strings.
    ("\u{0}", 0, "predicate contains a NUL character"),
    ("größe = 1", 2, "unexpected character 'ö'"),
    ("é", 0, "unexpected character 'é'"),
    ("key = \"x\" 😀", 10, "unexpected character '😀'"),
    ("a = 1 \u{7f}", 6, "unexpected character '\\u{7f}'"),
    ("#", 0, "unexpected character '#'"),
    // A syntax error earlier in the source wins over a later lexical error.
    (
        "= \"unterminated",
        0,
        "unexpected token '=', expected a field path, 'not' or '('",
    ),
];

#[test]
fn rejects_bad_predicates() {
    for (src, pos, msg) in BAD {
        match parse(src) {
            Ok(e) => panic!("{src:?} should fail, parsed as {e}"),
            Err(e) => assert_eq!(
                (e.span.start, e.message.as_str()),
                (*pos, *msg),
                "input: {src:?}"
            ),
        }
    }
}

#[test]
fn error_spans_cover_the_offending_token() {
    let err = parse("key is maybe").unwrap_err();
    assert_eq!(err.span, Span { start: 7, end: 12 });
    let err = parse("key = \"x").unwrap_err();
    assert_eq!(err.span, Span { start: 6, end: 8 });
    let err = parse("key =").unwrap_err();
    assert_eq!(err.span, Span { start: 5, end: 5 });
}

#[test]
fn long_tokens_are_shortened_in_messages() {
    let src = format!("a = 1 {}", "x".repeat(1000));
    let err = parse(&src).unwrap_err();
    assert_eq!(err.span.start, 6);
    assert!(err.message.len() < 120, "{}", err.message);
    assert!(err.message.contains("xxx..."), "{}", err.message);
}

#[test]
fn deep_nesting_is_rejected_without_overflow() {
    for opener in ["a(", "(", "not (", "a.b ("] {
        let src = opener.repeat(1000);
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{opener}: {err}");
        assert_eq!(err.span.start, opener.len() * MAX_DEPTH + opener.len() - 1);

        // Exactly the limit is fine.
        let src = format!("{}x = 1{}", opener.repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&src).is_ok(), "{opener} at depth {MAX_DEPTH}");
        let src = format!(
            "{}x = 1{}",
            opener.repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&src).is_err(), "{opener} at depth {}", MAX_DEPTH + 1);
    }
}

#[test]
fn long_input_is_rejected() {
    let src = format!("a = \"{}\"", "x".repeat(MAX_LEN - 6));
    assert_eq!(src.len(), MAX_LEN);
    assert!(parse(&src).is_ok(), "a long but acceptable predicate");

    let src = format!("a = \"{}\"", "é".repeat(MAX_LEN));
    let err = parse(&src).unwrap_err();
    assert!(err.message.starts_with("predicate too long"), "{err}");
    assert!(src.is_char_boundary(err.span.start));
    assert!(err.span.start <= MAX_LEN);
    assert!(parse_sort(&src).is_err());
}

#[test]
fn nul_characters_are_rejected_raw_and_escaped() {
    for src in ["a = \"x\0y\"", "a = \"\\u0000\"", "`a\0b` = 1", "a\0 = 1"] {
        let err = parse(src).unwrap_err();
        assert!(err.message.contains("NUL"), "{src:?}: {err}");
    }
    assert!(parse_sort("a\0 asc").unwrap_err().message.contains("NUL"));
    assert!(
        parse("a = \"\\u0001\"").is_ok(),
        "other control characters stay allowed"
    );
}

/// Terms and values are capped: exactly the limit parses, one more is refused at the first
/// term (or value) past it.
#[test]
fn terms_and_values_are_capped() {
    for joiner in [" or ", " and "] {
        let build = |n: usize| {
            let terms: Vec<String> = (0..n).map(|i| format!("f{i} = {i}")).collect();
            terms.join(joiner)
        };
        let e = ok(&build(MAX_TERMS));
        assert_eq!(e.terms(), MAX_TERMS, "{joiner}");
        let src = build(MAX_TERMS + 1);
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("too many terms"), "{joiner}: {err}");
        let last = format!("f{MAX_TERMS} = {MAX_TERMS}");
        assert_eq!(err.span.start, src.find(&last).unwrap(), "{joiner}");
    }
    // `name(…)` scopes count their inner tests only.
    assert_eq!(
        ok(r#"name(en = "a" or de = "b") and not (key is defined)"#).terms(),
        3
    );

    let list = |n: usize| {
        let values: Vec<String> = (0..n).map(|i| format!("\"v{i}\"")).collect();
        format!("id in ({})", values.join(", "))
    };
    assert_eq!(ok(&list(MAX_VALUES)).terms(), 1, "one `in` is one term");
    let src = list(MAX_VALUES + 1);
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("too many values"), "{err}");
    assert_eq!(err.span.start, src.rfind("\"v").unwrap());
    // Values of comparisons count too.
    let src = format!("{} and key = \"x\"", list(MAX_VALUES));
    assert!(parse(&src).unwrap_err().message.contains("too many values"));
}
