//! Table tests of predicate, sort and query-parameter validation against the Store field map.

use std::collections::HashMap;

use super::*;
use crate::error::ApiError;
use crate::stores::STORE_SCHEMA;

type Vars = HashMap<String, Vec<String>>;

fn vars(list: &[(&str, &[&str])]) -> Vars {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

fn col(c: Column, kind: ScalarKind) -> FieldRef {
    FieldRef {
        base: Base::Row,
        column: Some(c),
        path: Vec::new(),
        kind,
    }
}

fn at(base: Base, path: &[&str], kind: ScalarKind) -> FieldRef {
    FieldRef {
        base,
        column: None,
        path: path.iter().map(|s| s.to_string()).collect(),
        kind,
    }
}

fn body(path: &[&str], kind: ScalarKind) -> FieldRef {
    at(Base::Row, path, kind)
}

fn elem(path: &[&str], kind: ScalarKind) -> FieldRef {
    at(Base::Element(0), path, kind)
}

fn cmp(field: FieldRef, op: CmpOp, value: Scalar) -> Filter {
    Filter::Cmp { field, op, value }
}

fn is_in(field: FieldRef, negated: bool, values: Vec<Scalar>) -> Filter {
    Filter::In {
        field,
        negated,
        values,
    }
}

fn defined(field: FieldRef, negated: bool) -> Filter {
    Filter::Defined { field, negated }
}

fn empty(field: FieldRef, negated: bool) -> Filter {
    Filter::Empty { field, negated }
}

fn contains(field: FieldRef, all: bool, values: Vec<Scalar>) -> Filter {
    Filter::Contains { field, all, values }
}

fn any(array: FieldRef, inner: Filter) -> Filter {
    Filter::AnyElement {
        array,
        inner: Box::new(inner),
    }
}

fn sort(field: FieldRef, descending: bool) -> SortKey {
    SortKey { field, descending }
}

fn eq(field: FieldRef, value: Scalar) -> Filter {
    cmp(field, CmpOp::Eq, value)
}

fn key() -> FieldRef {
    col(Column::Key, ScalarKind::Text)
}

fn version() -> FieldRef {
    col(Column::Version, ScalarKind::Number)
}

fn int(i: i64) -> Scalar {
    Scalar::Int(i)
}

fn text(s: &str) -> Scalar {
    Scalar::Text(s.to_string())
}

fn ok_with(src: &str, v: &Vars) -> Filter {
    match validate_predicate(src, STORE_SCHEMA, v) {
        Ok(f) => f.root().clone(),
        Err(e) => panic!("{src:?} should be valid: {e}"),
    }
}

fn ok(src: &str) -> Filter {
    ok_with(src, &Vars::new())
}

/// The message of an `InvalidInput` error.
fn invalid(r: Result<impl std::fmt::Debug, ApiError>, what: &str) -> String {
    match r {
        Err(ApiError::InvalidInput(m)) => m,
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn valid_predicates_have_the_expected_shape() {
    use ScalarKind::*;
    let id = || col(Column::Id, Text);
    let name = |l: &str| body(&["name", l], Text);
    let custom = |f: &str, kind| body(&["custom", "fields", f], kind);
    #[rustfmt::skip]
    let cases: Vec<(&str, Filter)> = vec![
        ("key = \"x\"", eq(key(), text("x"))),
        ("id != \"x\"", cmp(id(), CmpOp::Ne, text("x"))),
        ("id <> \"x\"", cmp(id(), CmpOp::Ne, text("x"))),
        ("version >= 2", cmp(version(), CmpOp::Ge, int(2))),
        ("version < 1.5", cmp(version(), CmpOp::Lt, Scalar::Float(1.5))),
        ("version <= -3", cmp(version(), CmpOp::Le, int(-3))),
        ("createdAt > \"2024-01-01\"", cmp(col(Column::CreatedAt, Text), CmpOp::Gt, text("2024-01-01"))),
        ("lastModifiedAt <= \"2024\"", cmp(col(Column::LastModifiedAt, Text), CmpOp::Le, text("2024"))),
        ("name(en = \"x\")", eq(name("en"), text("x"))),
        ("name.en = \"x\"", eq(name("en"), text("x"))),
        ("name(de-DE = \"y\")", eq(name("de-DE"), text("y"))),
        ("name(`x') --` = \"y\")", eq(name("x') --"), text("y"))),
        ("storefront.faqUrl = \"u\"", eq(body(&["storefront", "faqUrl"], Text), text("u"))),
        ("createdBy(clientId = \"c\")", eq(body(&["createdBy", "clientId"], Text), text("c"))),
        ("lastModifiedBy.customer.id = \"c\"", eq(body(&["lastModifiedBy", "customer", "id"], Text), text("c"))),
        ("custom.fields.size = 3", eq(custom("size", Any), int(3))),
        ("custom(fields(color = \"red\"))", eq(custom("color", Any), text("red"))),
        ("custom.fields(flag = true)", eq(custom("flag", Any), Scalar::Bool(true))),
        ("custom(type(id = \"t\"))", eq(body(&["custom", "type", "id"], Text), text("t"))),
        ("key in (\"a\", \"b\")", is_in(key(), false, vec![text("a"), text("b")])),
        ("version not in (1, 2.5)", is_in(version(), true, vec![int(1), Scalar::Float(2.5)])),
        ("languages contains \"en\"", contains(body(&["languages"], Text), false, vec![text("en")])),
        ("languages contains any (\"en\")", contains(body(&["languages"], Text), false, vec![text("en")])),
        ("languages contains all (\"en\", \"de\")", contains(body(&["languages"], Text), true, vec![text("en"), text("de")])),
        ("name is defined", defined(body(&["name"], Text), false)),
        ("name.en is defined", defined(name("en"), false)),
        ("custom is not defined", defined(body(&["custom"], Any), true)),
        ("key is defined", defined(key(), false)),
        ("languages is empty", empty(body(&["languages"], Text), false)),
        ("countries is not empty", empty(body(&["countries"], Text), true)),
        ("countries(code = \"DE\")", any(body(&["countries"], Text), eq(elem(&["code"], Text), text("DE")))),
        (
            "productSelections(active = true and productSelection(id = \"p\"))",
            any(
                body(&["productSelections"], Text),
                Filter::And(vec![
                    eq(elem(&["active"], Bool), Scalar::Bool(true)),
                    eq(elem(&["productSelection", "id"], Text), text("p")),
                ]),
            ),
        ),
        (
            // `and` binds tighter than `or`; `not` wraps its parenthesised predicate.
            "not(key = \"a\") and version = 1 or version = 2",
            Filter::Or(vec![
                Filter::And(vec![Filter::Not(Box::new(eq(key(), text("a")))), eq(version(), int(1))]),
                eq(version(), int(2)),
            ]),
        ),
        (
            "key = \"a\" and (version = 1 or not(name(en = \"x\")))",
            Filter::And(vec![
                eq(key(), text("a")),
                Filter::Or(vec![eq(version(), int(1)), Filter::Not(Box::new(eq(name("en"), text("x"))))]),
            ]),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(ok(src), want, "{src}");
    }
}

#[test]
fn input_variables_are_bound_with_the_field_type() {
    use ScalarKind::*;
    let v = vars(&[
        ("k", &["a"]),
        ("ks", &["a", "b"]),
        ("n", &["3"]),
        ("f", &["2.5"]),
        ("b", &["false"]),
    ]);
    #[rustfmt::skip]
    let cases: Vec<(&str, Filter)> = vec![
        ("key = :k", eq(key(), text("a"))),
        ("key in :ks", is_in(key(), false, vec![text("a"), text("b")])),
        ("key not in :ks", is_in(key(), true, vec![text("a"), text("b")])),
        ("key in (:k, :ks, \"c\")", is_in(key(), false, vec![text("a"), text("a"), text("b"), text("c")])),
        ("version = :n", eq(version(), int(3))),
        ("version > :f", cmp(version(), CmpOp::Gt, Scalar::Float(2.5))),
        ("languages contains any :ks", contains(body(&["languages"], Text), false, vec![text("a"), text("b")])),
        ("productSelections(active = :b)", any(body(&["productSelections"], Text), eq(elem(&["active"], Bool), Scalar::Bool(false)))),
        // Custom fields are untyped: variables bind as text.
        ("custom.fields.n = :n", eq(body(&["custom", "fields", "n"], Any), text("3"))),
    ];
    for (src, want) in cases {
        assert_eq!(ok_with(src, &v), want, "{src}");
    }
}

#[test]
fn invalid_predicates_report_reason_and_position() {
    let v = vars(&[
        ("two", &["a", "b"]),
        ("word", &["abc"]),
        ("maybe", &["maybe"]),
    ]);
    // (predicate, expected message fragments)
    let cases: &[(&str, &[&str])] = &[
        ("foo = 1", &["Unknown field 'foo'", "at position 0"]),
        (
            "key = \"a\" and bar = 1",
            &["Unknown field 'bar'", "at position 14"],
        ),
        (
            "name.en.x = \"a\"",
            &["Unknown field 'name.en.x'", "at position 0"],
        ),
        (
            "countries(nope = \"a\")",
            &["Unknown field 'nope'", "at position 10"],
        ),
        (
            "version = \"a\"",
            &["wrong type; expected a number", "at position 10"],
        ),
        (
            "key = 1",
            &["wrong type; expected a string", "at position 6"],
        ),
        (
            "productSelections(active = \"yes\")",
            &["expected a boolean", "at position 27"],
        ),
        (
            "key in (\"a\", 2)",
            &["expected a string", "at position 13"],
        ),
        (
            "custom = 1",
            &["'custom' cannot be compared to a value", "at position 0"],
        ),
        (
            "name = \"x\"",
            &["'name' cannot be compared", "at position 0"],
        ),
        ("countries = \"DE\"", &["'countries' cannot be compared"]),
        (
            "key contains \"a\"",
            &["'key' is not an array of values", "at position 0"],
        ),
        (
            "countries contains \"DE\"",
            &["'countries' is not an array of values"],
        ),
        ("languages contains :two", &["'contains' takes one value"]),
        ("key is empty", &["'key' is not an array", "at position 0"]),
        (
            "version = 1 and name is not empty",
            &["'name' is not an array", "at position 16"],
        ),
        ("key.x = \"a\"", &["'key' is not an object"]),
        (
            "key(x = \"a\")",
            &["'key' is not an object", "at position 0"],
        ),
        ("languages(x = \"a\")", &["'languages' is not an object"]),
        (
            "languages.x = \"a\"",
            &["'languages' is an array of values"],
        ),
        ("countries.code = \"DE\"", &["use 'countries(...)'"]),
        (
            "key = :missing",
            &["missing input variable 'var.missing'", "at position 6"],
        ),
        (
            "key = :two",
            &["input variable 'two' must have one value", "at position 6"],
        ),
        (
            "version = :word",
            &["input variable value 'abc' is not a number"],
        ),
        (
            "productSelections(active = :maybe)",
            &["'maybe' is not a boolean"],
        ),
        (
            "key within circle(1, 2, 3)",
            &["'key' is not a geo-location field"],
        ),
        (
            "key = ",
            &["Malformed parameter: where:", "Predicate: key = "],
        ),
        ("key = \"a\" and", &["Malformed parameter: where:"]),
        ("", &["Malformed parameter: where:"]),
    ];
    let mut failures = Vec::new();
    for (src, want) in cases {
        let m = invalid(validate_predicate(src, STORE_SCHEMA, &v), src);
        if !m.starts_with("Malformed parameter: where:") || !want.iter().all(|w| m.contains(w)) {
            failures.push(format!("{src}: {m}"));
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected messages:\n{}",
        failures.join("\n")
    );
}

#[test]
fn sort_keys() {
    let cases: Vec<(&str, SortKey)> = vec![
        ("key", sort(key(), false)),
        ("key asc", sort(key(), false)),
        (
            "createdAt desc",
            sort(col(Column::CreatedAt, ScalarKind::Text), true),
        ),
        ("version DESC", sort(version(), true)),
        (
            "name.en asc",
            sort(body(&["name", "en"], ScalarKind::Text), false),
        ),
        (
            "custom.fields.rank desc",
            sort(body(&["custom", "fields", "rank"], ScalarKind::Any), true),
        ),
    ];
    for (src, want) in cases {
        match validate_sort(src, STORE_SCHEMA) {
            Ok(k) => assert_eq!(k, want, "{src}"),
            Err(e) => panic!("{src}: {e}"),
        }
    }
    let errors: &[(&str, &str)] = &[
        ("nope asc", "Unknown field 'nope'"),
        ("languages", "'languages' is not a sortable field"),
        ("countries desc", "'countries' is not a sortable field"),
        ("name", "'name' is not a sortable field"),
        ("custom", "'custom' is not a sortable field"),
        ("key sideways", "Malformed parameter: sort:"),
        ("", "Malformed parameter: sort:"),
    ];
    for (src, want) in errors {
        let m = invalid(validate_sort(src, STORE_SCHEMA), src);
        assert!(
            m.starts_with("Malformed parameter: sort:") && m.contains(want),
            "{src}: {m}"
        );
    }
}

fn params(pairs: &[(&str, &str)]) -> Result<Query, ApiError> {
    parse_query_params(
        &QueryParams::from_pairs(pairs.iter().copied()),
        STORE_SCHEMA,
    )
}

#[test]
fn query_params_defaults_and_limits() {
    let q = params(&[]).unwrap();
    assert_eq!(
        q,
        Query {
            filter: None,
            sort: vec![],
            limit: 20,
            offset: 0,
            with_total: true
        }
    );
    let q = params(&[
        ("limit", "500"),
        ("offset", "10000"),
        ("withTotal", "false"),
    ])
    .unwrap();
    assert_eq!(
        (q.limit, q.offset, q.with_total),
        (MAX_LIMIT, MAX_OFFSET, false)
    );
    let q = params(&[
        ("limit", "0"),
        ("withTotal", "True"),
        ("expand", "x"),
        ("other", "y"),
    ]);
    assert_eq!(q.map(|q| (q.limit, q.with_total)), Ok((0, true)));

    let errors: &[(&[(&str, &str)], &str)] = &[
        (
            &[("limit", "501")],
            "limit: must be between 0 and 500, got 501",
        ),
        (
            &[("limit", "-1")],
            "limit: must be between 0 and 500, got -1",
        ),
        (&[("limit", "abc")], "limit: 'abc' is not a valid integer"),
        (&[("limit", "")], "limit: '' is not a valid integer"),
        (&[("limit", "1.5")], "limit: '1.5' is not a valid integer"),
        (
            &[("offset", "10001")],
            "offset: must be between 0 and 10000, got 10001",
        ),
        (&[("offset", "-5")], "offset: must be between 0 and 10000"),
        (&[("offset", "ten")], "offset: 'ten' is not a valid integer"),
        (
            &[("withTotal", "maybe")],
            "withTotal: 'maybe' is not a boolean",
        ),
        (&[("withTotal", "yes")], "withTotal: 'yes' is not a boolean"),
        (
            &[("var.my-var", "x")],
            "var.my-var: variable names may contain only letters",
        ),
        (
            &[("var.a_b", "x")],
            "var.a_b: variable names may contain only letters",
        ),
        (
            &[("var.", "x")],
            "var.: variable names may contain only letters",
        ),
        (
            &[("var.é", "x")],
            "variable names may contain only letters and digits",
        ),
        (&[("where", "nope = 1")], "Unknown field 'nope'"),
        (&[("where", "key = :k")], "missing input variable 'var.k'"),
        (
            &[("sort", "languages")],
            "'languages' is not a sortable field",
        ),
        (&[("sort", "key"), ("sort", "nope")], "Unknown field 'nope'"),
    ];
    for (pairs, want) in errors {
        let m = invalid(params(pairs), &format!("{pairs:?}"));
        assert!(
            m.starts_with("Malformed parameter: ") && m.contains(want),
            "{pairs:?}: {m}"
        );
    }
}

#[test]
fn query_params_combine_wheres_sorts_and_vars() {
    let q = params(&[
        ("where", "key = :k"),
        ("sort", "createdAt desc"),
        ("where", "version in :v"),
        ("var.k", "a"),
        ("var.v", "1"),
        ("var.v", "2"),
        ("sort", "key"),
        ("var.Abc123", "unused"),
    ])
    .unwrap();
    let want = Filter::And(vec![
        eq(key(), text("a")),
        is_in(version(), false, vec![int(1), int(2)]),
    ]);
    assert_eq!(q.filter.as_ref().map(|f| f.root().clone()), Some(want));
    let sorts: Vec<(Option<Column>, bool)> = q
        .sort
        .iter()
        .map(|k| (k.field.column, k.descending))
        .collect();
    assert_eq!(
        sorts,
        vec![(Some(Column::CreatedAt), true), (Some(Column::Key), false)]
    );
}

#[test]
fn from_pairs_groups_parameters() {
    let p = QueryParams::from_pairs([
        ("where", "a"),
        ("where", "b"),
        ("sort", "s"),
        ("limit", "1"),
        ("limit", "2"),
        ("expand", "e"),
        ("var.x", "1"),
        ("var.x", "2"),
        ("unknown", "z"),
    ]);
    assert_eq!(p.wheres, vec!["a", "b"]);
    assert_eq!(p.sorts, vec!["s"]);
    assert_eq!(p.limit.as_deref(), Some("2"), "the last value wins");
    assert_eq!(p.offset, None);
    assert_eq!(p.expand, vec!["e"]);
    assert_eq!(p.vars, vars(&[("x", &["1", "2"])]));
}

#[test]
fn valid_filters_combine_with_and() {
    let a = validate_predicate("key = \"a\"", STORE_SCHEMA, &Vars::new()).unwrap();
    let b = validate_predicate("version = 1", STORE_SCHEMA, &Vars::new()).unwrap();
    let c = validate_predicate("id = \"c\" and id = \"d\"", STORE_SCHEMA, &Vars::new()).unwrap();
    let ab = a.clone().and(b.clone());
    assert_eq!(
        ab.root(),
        &Filter::And(vec![a.root().clone(), b.root().clone()])
    );
    // Conjunctions are flattened.
    let Filter::And(cs) = c.root().clone() else {
        panic!("and")
    };
    let abc = ab.clone().and(c);
    let Filter::And(items) = abc.root() else {
        panic!("and")
    };
    assert_eq!(items.len(), 2 + cs.len());
    assert_eq!(ValidFilter::and_opt(None, Some(a.clone())), Some(a.clone()));
    assert_eq!(ValidFilter::and_opt(Some(a.clone()), None), Some(a));
    assert_eq!(ValidFilter::and_opt(None, None), None);
}

#[test]
fn scalar_arrays_carry_the_element_kind() {
    // Backends compare `contains` values with the elements as the reference's kind.
    const S: Schema = Schema(&[
        Field::body("nums", FieldType::Array(&FieldType::Number)),
        Field::body("flags", FieldType::Array(&FieldType::Bool)),
    ]);
    let f = validate_predicate("nums contains any (1, 2.5)", S, &Vars::new()).unwrap();
    assert_eq!(
        f.root(),
        &contains(
            body(&["nums"], ScalarKind::Number),
            false,
            vec![int(1), Scalar::Float(2.5)]
        )
    );
    let f = validate_predicate("flags contains true", S, &Vars::new()).unwrap();
    assert_eq!(
        f.root(),
        &contains(
            body(&["flags"], ScalarKind::Bool),
            false,
            vec![Scalar::Bool(true)]
        )
    );
    let m = invalid(
        validate_predicate("nums contains \"1\"", S, &Vars::new()),
        "string in a number array",
    );
    assert!(m.contains("expected a number"), "{m}");
}

#[test]
fn at_most_max_sort_keys_sort_expressions() {
    let sorts = |n: usize| vec![("sort", "key asc"); n];
    assert_eq!(
        params(&sorts(MAX_SORT_KEYS)).map(|q| q.sort.len()),
        Ok(MAX_SORT_KEYS)
    );
    let err = params(&sorts(MAX_SORT_KEYS + 1)).unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
}

/// Issue 21 F12: an error quotes a short excerpt around the error, never the whole (up to
/// 64 KiB) predicate.
#[test]
fn predicate_errors_quote_a_short_excerpt() {
    let long = format!("key = \"{}\" and nope = 1", "x".repeat(60_000));
    for (src, v) in [
        (long.clone(), vars(&[])),
        (format!("{long} and"), vars(&[])),
        (
            format!("key = \"{}\" and key in :l", "x".repeat(60_000)),
            vars(&[("l", &[])]),
        ),
    ] {
        let m = invalid(validate_predicate(&src, STORE_SCHEMA, &v), "long predicate");
        assert!(
            m.len() < 300,
            "{} bytes: {}",
            m.len(),
            &m[..300.min(m.len())]
        );
        assert!(m.contains("Predicate: ..."), "{m}");
    }
    let m = invalid(
        validate_predicate(&long, STORE_SCHEMA, &vars(&[])),
        "unknown field",
    );
    assert!(
        m.contains("Unknown field 'nope'") && m.contains("xxx\" and nope = 1"),
        "{m}"
    );
    // A short predicate is quoted whole.
    let m = invalid(
        validate_predicate("nope = 1", STORE_SCHEMA, &vars(&[])),
        "short",
    );
    assert!(m.ends_with("Predicate: nope = 1"), "{m}");
    // Cut on character boundaries.
    assert_eq!(super::validate::excerpt("ééééé", 3), "ééééé");
    let wide = "é".repeat(100);
    let e = super::validate::excerpt(&wide, 101);
    assert!(e.starts_with("...é") && e.ends_with("é..."), "{e}");
}

/// Terms are capped over all `where` parameters together, and values bound from input
/// variables like values written in the predicate.
#[test]
fn terms_and_bound_values_are_capped() {
    let half = vec!["key = \"a\""; MAX_PREDICATE_TERMS / 2].join(" or ");
    let pairs = [("where", half.as_str()), ("where", half.as_str())];
    assert!(
        params(&pairs).is_ok(),
        "exactly the limit over two parameters"
    );
    let more = [
        ("where", half.as_str()),
        ("where", half.as_str()),
        ("where", "key = \"b\""),
    ];
    let m = invalid(params(&more), "one term too many");
    assert!(m.contains("more than 50 terms"), "{m}");

    let many: Vec<String> = (0..=MAX_PREDICATE_VALUES).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let m = invalid(
        validate_predicate("key in :l", STORE_SCHEMA, &vars(&[("l", &refs)])),
        "too many bound values",
    );
    assert!(m.contains("bind too many values"), "{m}");
    assert!(validate_predicate("key in :l", STORE_SCHEMA, &vars(&[("l", &refs[1..])])).is_ok());
}
