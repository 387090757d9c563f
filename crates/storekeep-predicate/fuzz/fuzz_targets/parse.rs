//! Fuzzes the predicate and sort parsers: they must never panic, and whatever parses must
//! print a canonical form that parses back to the same canonical form.
//!
//! Run with `cargo fuzz run parse` from `crates/storekeep-predicate/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    if let Ok(expr) = storekeep_predicate::parse(src) {
        let printed = expr.to_string();
        match storekeep_predicate::parse(&printed) {
            Ok(again) => assert_eq!(again.to_string(), printed),
            Err(e) => panic!("canonical form {printed:?} does not parse: {e}"),
        }
    }
    let _ = storekeep_predicate::parse_sort(src);
});
