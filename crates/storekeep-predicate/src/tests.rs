//! Parser tests: accepted predicates (checked through the canonical `Display` form and
//! the tree), rejected predicates (message and position), sort expressions, and a
//! pseudo-random no-panic test.

mod errors;
mod random;

use crate::*;

fn sp(start: usize, end: usize) -> Span {
    Span { start, end }
}

fn ok(src: &str) -> Expr {
    match parse(src) {
        Ok(e) => e,
        Err(e) => panic!("{src:?} should parse, got: {e}"),
    }
}

/// The canonical form must parse back to the same tree.
fn assert_round_trip(expr: &Expr) {
    let printed = expr.to_string();
    let again = ok(&printed);
    assert_eq!(again.to_string(), printed, "canonical form is not stable");
}

/// Input → canonical printed form.
const CASES: &[(&str, &str)] = &[
    // The commercetools documentation examples.
    (r#"name(en = "big store")"#, r#"name(en = "big store")"#),
    (r#"key = "luxury""#, r#"key = "luxury""#),
    (r#"stores(key = "luxury")"#, r#"stores(key = "luxury")"#),
    (r#"email = "a@b.com""#, r#"email = "a@b.com""#),
    (r#"id in ("a", "b")"#, r#"id in ("a", "b")"#),
    (r#"key not in ("a")"#, r#"key not in ("a")"#),
    (
        r#"languages contains any ("en", "de")"#,
        r#"languages contains any ("en", "de")"#,
    ),
    (
        r#"shippingAddressIds contains "abc""#,
        r#"shippingAddressIds contains "abc""#,
    ),
    (
        r#"languages contains all ("en")"#,
        r#"languages contains all ("en")"#,
    ),
    ("custom is defined", "custom is defined"),
    ("firstName is not defined", "firstName is not defined"),
    ("stores is empty", "stores is empty"),
    ("stores is not empty", "stores is not empty"),
    (
        r#"createdAt > "2019-08-29T00:00:00.000Z""#,
        r#"createdAt > "2019-08-29T00:00:00.000Z""#,
    ),
    (
        "version >= 2 and version <= 10",
        "version >= 2 and version <= 10",
    ),
    ("email = :mail", "email = :mail"),
    ("key in :keys", "key in :keys"),
    (r#"not (key = "a")"#, r#"not (key = "a")"#),
    ("a = 1 or b = 2 and c = 3", "a = 1 or (b = 2 and c = 3)"),
    ("(a = 1 or b = 2) and c = 3", "(a = 1 or b = 2) and c = 3"),
    (
        r#"addresses(city = "Berlin" and country = "DE")"#,
        r#"addresses(city = "Berlin" and country = "DE")"#,
    ),
    ("isEmailVerified = true", "isEmailVerified = true"),
    ("x <> 1.5e3", "x != 1500.0"),
    (
        "geoLocation within circle(13.37, 52.52, 1000)",
        "geoLocation within circle(13.37, 52.52, 1000)",
    ),
    (
        r#"KEY = "x" AND Version = 1"#,
        r#"KEY = "x" and Version = 1"#,
    ),
    // Operators.
    ("a = 1", "a = 1"),
    ("a != 1", "a != 1"),
    ("a <> 1", "a != 1"),
    ("a < 1", "a < 1"),
    ("a <= 1", "a <= 1"),
    ("a > 1", "a > 1"),
    ("a >= 1", "a >= 1"),
    ("a>=1 and b<2", "a >= 1 and b < 2"),
    // Values.
    ("a = -7", "a = -7"),
    ("a = 0.25", "a = 0.25"),
    ("a = -1.5E-2", "a = -0.015"),
    ("a = 2e+3", "a = 2000.0"),
    ("a = 9223372036854775807", "a = 9223372036854775807"),
    ("a = 9223372036854775808", "a = 9.223372036854776e18"),
    ("a = FALSE", "a = false"),
    ("a = True", "a = true"),
    ("a = :v1", "a = :v1"),
    ("a = :1", "a = :1"),
    // Strings and escapes.
    (r#"a = """#, r#"a = """#),
    (r#"a = "say \"hi\"""#, r#"a = "say \"hi\"""#),
    (r#"a = "back\\slash""#, r#"a = "back\\slash""#),
    (r#"a = "a\/b""#, r#"a = "a/b""#),
    (r#"a = "l1\nl2\tx""#, r#"a = "l1\nl2\tx""#),
    (r#"a = "\u00e9\u00E9""#, r#"a = "éé""#),
    (r#"a = "\ud83d\ude00""#, r#"a = "😀""#),
    (r#"a = "\u0001""#, r#"a = "\u0001""#),
    (r#"a = "straße 😀""#, r#"a = "straße 😀""#),
    (r#"a = "and or not ( ) ,""#, r#"a = "and or not ( ) ,""#),
    // in / not in / contains forms.
    ("id in (1, 2.5, true, :x)", "id in (1, 2.5, true, :x)"),
    ("id IN(\"a\")", r#"id in ("a")"#),
    ("key not in :keys", "key not in :keys"),
    ("tags contains :t", "tags contains :t"),
    ("tags contains any :t", "tags contains any :t"),
    ("tags CONTAINS ALL :t", "tags contains all :t"),
    ("tags contains 5", "tags contains 5"),
    // Paths and keyword-named fields.
    ("name.en = \"x\"", "name.en = \"x\""),
    (
        "custom.fields.my-field_2 = 1",
        "custom.fields.my-field_2 = 1",
    ),
    ("_x = 1", "_x = 1"),
    ("name . en = 1", "name.en = 1"),
    ("`odd name`.x = 1", "`odd name`.x = 1"),
    ("`größe` = 1", "`größe` = 1"),
    ("`a` = 1", "a = 1"),
    ("not = 1", "not = 1"),
    ("not.x = 1", "not.x = 1"),
    ("`not`(x = 1)", "`not`(x = 1)"),
    ("in in (1)", "in in (1)"),
    (
        "and = 1 and or = 2 or is is defined",
        "(and = 1 and or = 2) or is is defined",
    ),
    ("contains contains any (1)", "contains contains any (1)"),
    ("true = false", "true = false"),
    ("key = 1", "key = 1"),
    // Grouping, flattening, nesting.
    ("a = 1 or b = 2 or c = 3", "a = 1 or b = 2 or c = 3"),
    ("a = 1 and b = 2 and c = 3", "a = 1 and b = 2 and c = 3"),
    ("(a = 1)", "a = 1"),
    ("((((a = 1))))", "a = 1"),
    ("(a = 1 or b = 2) or c = 3", "(a = 1 or b = 2) or c = 3"),
    ("a = 1 and (b = 2 and c = 3)", "a = 1 and (b = 2 and c = 3)"),
    ("NOT(a = 1 or b = 2)", "not (a = 1 or b = 2)"),
    ("not (not (a = 1))", "not (not (a = 1))"),
    ("a = 1 and not (b = 2)", "a = 1 and not (b = 2)"),
    (
        r#"name(en = "a" or de = "b")"#,
        r#"name(en = "a" or de = "b")"#,
    ),
    ("a(b(c = 1))", "a(b(c = 1))"),
    ("a.b(c.d(e is defined))", "a.b(c.d(e is defined))"),
    ("a (b = 1)", "a(b = 1)"),
    // Within circle.
    (
        "loc WITHIN CIRCLE ( -13.5 , -52 , 0.5 )",
        "loc within circle(-13.5, -52, 0.5)",
    ),
    // Whitespace.
    (" \t\r\n key\n=\t\"x\" \r\n", "key = \"x\""),
];

#[test]
fn parses_every_construct() {
    for (src, want) in CASES {
        let expr = ok(src);
        assert_eq!(expr.to_string(), *want, "input: {src:?}");
        assert_round_trip(&expr);
    }
}

#[test]
fn precedence_builds_the_right_tree() {
    let Expr::Or(items, _) = ok("a = 1 or b = 2 and c = 3") else {
        panic!("expected Or")
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Expr::And(inner, _) if inner.len() == 2));

    let Expr::And(items, _) = ok("(a = 1 or b = 2) and c = 3") else {
        panic!("expected And")
    };
    assert!(matches!(&items[0], Expr::Or(inner, _) if inner.len() == 2));
}

#[test]
fn builds_exact_nodes() {
    let want = Expr::Compare {
        path: Path {
            segments: vec![
                Ident {
                    name: "name".into(),
                    span: sp(0, 4),
                },
                Ident {
                    name: "en".into(),
                    span: sp(5, 7),
                },
            ],
            span: sp(0, 7),
        },
        op: CmpOp::Eq,
        value: Value {
            lit: Literal::Str("x".into()),
            span: sp(10, 13),
        },
        span: sp(0, 13),
    };
    assert_eq!(ok(r#"name.en = "x""#), want);

    let Expr::In {
        negated, values, ..
    } = ok("key in :keys")
    else {
        panic!("expected In")
    };
    assert!(!negated);
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].lit, Literal::Var("keys".into()));

    let Expr::In {
        negated, values, ..
    } = ok("key not in (\"a\")")
    else {
        panic!("expected In")
    };
    assert!(negated);
    assert_eq!(values[0].lit, Literal::Str("a".into()));

    let Expr::Contains { mode, values, .. } = ok("l contains any (\"en\", \"de\")") else {
        panic!("expected Contains")
    };
    assert_eq!(mode, ContainsMode::Any);
    assert_eq!(values.len(), 2);

    let Expr::WithinCircle {
        lng, lat, radius, ..
    } = ok("g within circle(13.37, 52.52, 1000)")
    else {
        panic!("expected WithinCircle")
    };
    assert_eq!((lng, lat, radius), (13.37, 52.52, 1000.0));

    let Expr::Compare { value, .. } = ok("x <> 1.5e3") else {
        panic!("expected Compare")
    };
    assert_eq!(value.lit, Literal::Float(1500.0));
    let Expr::Compare { value, .. } = ok("x = 15") else {
        panic!("expected Compare")
    };
    assert_eq!(value.lit, Literal::Int(15));
    let Expr::Compare { value, .. } = ok("x = 1.0") else {
        panic!("expected Compare")
    };
    assert_eq!(value.lit, Literal::Float(1.0));
}

#[test]
fn spans_cover_source_text() {
    let src = r#"(a = 1 or b = 2) and not (c = "x") and d(e is defined)"#;
    let Expr::And(items, span) = ok(src) else {
        panic!("expected And")
    };
    assert_eq!(span, sp(0, src.len()));
    assert_eq!(items[0].span(), sp(1, 15)); // the Or, without its parentheses
    assert_eq!(items[1].span(), sp(21, 34)); // not ( ... )
    assert_eq!(items[2].span(), sp(39, src.len())); // d( ... )
    let Expr::Or(inner, _) = &items[0] else {
        panic!("expected Or")
    };
    assert_eq!(inner[1].span(), sp(10, 15));

    let src = "  tags contains all (1, 2)  ";
    assert_eq!(ok(src).span(), sp(2, 26));
    assert_eq!(ok("k is not empty").span(), sp(0, 14));
    assert_eq!(ok("k not in :v").span(), sp(0, 11));
    assert_eq!(ok("g within circle(1,2,3)").span(), sp(0, 22));
    assert_eq!(ok("`a b` = \"é\"").span(), sp(0, 12));
}

fn sort(src: &str) -> (String, bool) {
    match parse_sort(src) {
        Ok(s) => (s.path.dotted(), s.descending),
        Err(e) => panic!("{src:?} should parse, got: {e}"),
    }
}

#[test]
fn sort_expressions() {
    assert_eq!(sort("createdAt desc"), ("createdAt".into(), true));
    assert_eq!(sort("name.en asc"), ("name.en".into(), false));
    assert_eq!(sort("key"), ("key".into(), false));
    assert_eq!(sort("key DESC"), ("key".into(), true));
    assert_eq!(sort("  key  Asc "), ("key".into(), false));
    assert_eq!(sort("desc desc"), ("desc".into(), true));
    assert_eq!(sort("`odd x`.y desc"), ("odd x.y".into(), true));
    let s = parse_sort("name.en asc").unwrap();
    assert_eq!(s.path.span, sp(0, 7));

    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty sort expression"),
        ("   ", 0, "empty sort expression"),
        (
            "key sideways",
            4,
            "unexpected token 'sideways', expected 'asc', 'desc' or end of sort expression",
        ),
        (
            "key asc extra",
            8,
            "unexpected token 'extra', expected end of sort expression",
        ),
        (
            "asc.",
            4,
            "unexpected end of sort expression, expected a field name after '.'",
        ),
        ("= x", 0, "unexpected token '=', expected a field path"),
        (
            "\"key\" asc",
            0,
            "unexpected token '\"key\"', expected a field path",
        ),
    ];
    for (src, pos, msg) in cases {
        let err = parse_sort(src).unwrap_err();
        assert_eq!(
            (err.span.start, err.message.as_str()),
            (*pos, *msg),
            "input: {src:?}"
        );
    }
}

#[test]
fn error_display_and_trait() {
    let err = parse("key =").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unexpected end of predicate, expected a value at position 5"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().ends_with("at position 5"));
}
