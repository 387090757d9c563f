//! Bounds that hold before async-graphql looks at a document (issue 14 item 2, issue 21
//! item 8 and F2).
//!
//! async-graphql's validation — its complexity and depth visitors included — walks a document
//! with every fragment spread expanded in place. A document of a few hundred bytes whose
//! fragments each spread the previous one twice expands to 2^n fields: the expansion alone
//! took gigabytes and minutes before any limit looked at it. [`check`] therefore measures the
//! document *before* validation, on the parsed tree, without expanding anything: each fragment
//! is summarised once (its own fields and aliases, and which fragments it spreads how often),
//! and the totals are combined bottom-up over the fragment graph, in saturating arithmetic,
//! with an explicit stack (a chain of thousands of fragments cannot overflow the thread's
//! stack). Its cost is linear in the size of the document. A fragment that spreads itself,
//! directly or not, is refused here too: async-graphql's own pre-validation walks
//! (`limit_directives`) would recurse without end on one.
//!
//! What it bounds:
//! - [`MAX_FIELDS`] fields after fragment expansion (the work of every later walk);
//! - [`MAX_ALIASES`] aliased fields after fragment expansion;
//! - the introspection fields `__schema` and `__type`, whose answers are large and which
//!   async-graphql's complexity counts as one field each: they cost
//!   [`SCHEMA_INTROSPECTION_COST`] and [`TYPE_INTROSPECTION_COST`] towards
//!   [`crate::MAX_COMPLEXITY`] (added to async-graphql's own figure by [`BoundsExtension`]
//!   after validation).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{ServerError, ValidationResult};

/// Most fields a document may hold once its fragments are expanded.
pub const MAX_FIELDS: usize = 2_000;
/// Most aliased fields a document may hold once its fragments are expanded.
pub const MAX_ALIASES: usize = 200;
/// What one `__schema` field costs towards the complexity limit: at most ten per request.
pub const SCHEMA_INTROSPECTION_COST: usize = 1_000;
/// What one `__type` field costs towards the complexity limit.
pub const TYPE_INTROSPECTION_COST: usize = 100;

/// Why a document is refused before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Over [`MAX_FIELDS`] or [`MAX_ALIASES`]: `QueryComplexityLimitExceeded`.
    TooLarge(String),
    /// A fragment spreads itself: `InvalidInput`.
    FragmentCycle(String),
}

/// The extra complexity of an admitted document (its introspection fields), for
/// [`BoundsExtension`]; put into the request's data.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExtraComplexity(pub usize);

/// Counts of a selection set, fragments expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    fields: usize,
    aliases: usize,
    introspection: usize,
}

impl Tally {
    fn add(&mut self, other: Tally, times: usize) {
        self.fields = self
            .fields
            .saturating_add(other.fields.saturating_mul(times));
        self.aliases = self
            .aliases
            .saturating_add(other.aliases.saturating_mul(times));
        self.introspection = self
            .introspection
            .saturating_add(other.introspection.saturating_mul(times));
    }
}

/// A selection set's own counts, and the fragments it spreads with how often.
#[derive(Default)]
struct Local<'a> {
    own: Tally,
    spreads: HashMap<&'a str, usize>,
}

/// Summarise a selection set without following spreads. The recursion follows the document's
/// nesting, which the parser bounds (async-graphql-parser's recursion limit).
fn summarise<'a>(set: &'a SelectionSet, out: &mut Local<'a>) {
    for sel in &set.items {
        match &sel.node {
            Selection::Field(f) => {
                let f = &f.node;
                out.own.fields = out.own.fields.saturating_add(1);
                if f.alias.is_some() {
                    out.own.aliases = out.own.aliases.saturating_add(1);
                }
                let cost = match f.name.node.as_str() {
                    "__schema" => SCHEMA_INTROSPECTION_COST,
                    "__type" => TYPE_INTROSPECTION_COST,
                    _ => 0,
                };
                out.own.introspection = out.own.introspection.saturating_add(cost);
                summarise(&f.selection_set.node, out);
            }
            Selection::FragmentSpread(s) => {
                let n = out
                    .spreads
                    .entry(s.node.fragment_name.node.as_str())
                    .or_insert(0);
                *n = n.saturating_add(1);
            }
            Selection::InlineFragment(i) => summarise(&i.node.selection_set.node, out),
        }
    }
}

fn local_of(set: &SelectionSet) -> Local<'_> {
    let mut out = Local::default();
    summarise(set, &mut out);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    InProgress,
    Done(Tally),
}

/// The expanded counts of every fragment, or the name of a fragment that spreads itself.
/// Spreads of unknown fragments count nothing (validation reports them).
fn fragment_totals<'a>(
    locals: &HashMap<&'a str, Local<'a>>,
) -> Result<HashMap<&'a str, Tally>, String> {
    let mut state: HashMap<&'a str, State> = HashMap::with_capacity(locals.len());
    for &root in locals.keys() {
        if state.contains_key(root) {
            continue;
        }
        // (fragment, its dependencies are done)
        let mut stack = vec![(root, false)];
        while let Some((name, deps_done)) = stack.pop() {
            let Some(local) = locals.get(name) else {
                continue;
            };
            if deps_done {
                let mut total = local.own;
                for (dep, times) in &local.spreads {
                    if let Some(State::Done(t)) = state.get(dep) {
                        total.add(*t, *times);
                    }
                }
                state.insert(name, State::Done(total));
                continue;
            }
            if state.contains_key(name) {
                continue;
            }
            state.insert(name, State::InProgress);
            stack.push((name, true));
            for dep in local.spreads.keys() {
                match state.get(dep) {
                    Some(State::InProgress) => return Err((*dep).to_string()),
                    Some(State::Done(_)) => {}
                    None if locals.contains_key(dep) => stack.push((*dep, false)),
                    None => {}
                }
            }
        }
    }
    Ok(state
        .into_iter()
        .filter_map(|(k, s)| match s {
            State::Done(t) => Some((k, t)),
            State::InProgress => None,
        })
        .collect())
}

/// The operation a request selects (`None` if it cannot be told: the executor then reports
/// the document's problem).
pub(crate) fn selected<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match &doc.operations {
        DocumentOperations::Single(op) => Some(&op.node),
        // Named operations are always "multiple", also when there is just one.
        DocumentOperations::Multiple(ops) => match operation_name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| &op.node),
            None if ops.len() == 1 => ops.values().next().map(|op| &op.node),
            None => None,
        },
    }
}

/// Measure a parsed document without expanding it: refuse it, or admit it with the extra
/// complexity of its introspection fields. Every operation of the document counts, not only
/// the one the request selects: async-graphql validates (and walks) them all.
pub fn check(doc: &ExecutableDocument) -> Result<ExtraComplexity, Refusal> {
    let locals: HashMap<&str, Local<'_>> = doc
        .fragments
        .iter()
        .map(|(name, def)| (name.as_str(), local_of(&def.node.selection_set.node)))
        .collect();
    let totals = fragment_totals(&locals).map_err(|name| {
        Refusal::FragmentCycle(format!("Cannot spread fragment \"{name}\" within itself."))
    })?;
    let mut tally = Tally::default();
    for (_, op) in doc.operations.iter() {
        let local = local_of(&op.node.selection_set.node);
        tally.add(local.own, 1);
        for (dep, times) in &local.spreads {
            if let Some(t) = totals.get(dep) {
                tally.add(*t, *times);
            }
        }
    }
    if tally.fields > MAX_FIELDS {
        return Err(Refusal::TooLarge(format!(
            "The query has more than {MAX_FIELDS} fields once its fragments are expanded."
        )));
    }
    if tally.aliases > MAX_ALIASES {
        return Err(Refusal::TooLarge(format!(
            "The query has more than {MAX_ALIASES} aliased fields once its fragments are expanded."
        )));
    }
    Ok(ExtraComplexity(tally.introspection))
}

/// Adds the request's [`ExtraComplexity`] to the complexity async-graphql computed, and
/// refuses the request past [`crate::MAX_COMPLEXITY`] with async-graphql's own message (which
/// [`crate::error`] answers with `QueryComplexityLimitExceeded`).
pub struct BoundsExtension;

impl ExtensionFactory for BoundsExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(BoundsExtension)
    }
}

#[async_trait::async_trait]
impl Extension for BoundsExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let extra = ctx.data_opt::<ExtraComplexity>().map_or(0, |e| e.0);
        if result.complexity.saturating_add(extra) > crate::MAX_COMPLEXITY {
            return Err(vec![ServerError::new(crate::error::TOO_COMPLEX, None)]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn run(q: &str) -> Result<ExtraComplexity, Refusal> {
        check(&parse_query(q).expect("parses"))
    }

    /// The bomb of issue 21 item 8: each fragment spreads the previous one twice. Measured
    /// without expanding, at any depth (2^60 fields saturate, they do not overflow).
    #[test]
    fn fragment_bombs_are_measured_without_expanding() {
        for depth in [10usize, 11, 24, 60] {
            let mut q = format!("{{ ...F{depth} }}\nfragment F0 on Query {{ __typename }}\n");
            for i in 1..=depth {
                q.push_str(&format!(
                    "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                    i - 1,
                    i - 1
                ));
            }
            let r = run(&q);
            if 1usize << depth <= MAX_FIELDS {
                assert_eq!(r, Ok(ExtraComplexity(0)), "depth {depth}");
            } else {
                assert!(
                    matches!(r, Err(Refusal::TooLarge(_))),
                    "depth {depth}: {r:?}"
                );
            }
        }
    }

    #[test]
    fn field_and_alias_counts_are_exact() {
        let fields = |n: usize| format!("{{ {} }}", vec!["__typename"; n].join(" "));
        assert!(run(&fields(MAX_FIELDS)).is_ok());
        assert!(matches!(
            run(&fields(MAX_FIELDS + 1)),
            Err(Refusal::TooLarge(_))
        ));
        let aliases = |n: usize| {
            let a: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
            format!("{{ {} }}", a.join(" "))
        };
        assert!(run(&aliases(MAX_ALIASES)).is_ok());
        let r = run(&aliases(MAX_ALIASES + 1));
        assert!(
            matches!(&r, Err(Refusal::TooLarge(m)) if m.contains("aliased")),
            "{r:?}"
        );
        // Fields in fragments and inline fragments count once per spread.
        let q = format!(
            "{{ ...A ...A ... on Query {{ x: __typename }} }} fragment A on Query {{ {} }}",
            aliases(MAX_ALIASES / 2).trim_matches(|c| c == '{' || c == '}')
        );
        assert!(matches!(run(&q), Err(Refusal::TooLarge(_))), "{q}");
    }

    #[test]
    fn introspection_fields_carry_their_cost() {
        let q = "{ a: __schema { types { name } } b: __schema { queryType { name } } \
                 __type(name: \"Store\") { name } }";
        assert_eq!(
            run(q),
            Ok(ExtraComplexity(
                2 * SCHEMA_INTROSPECTION_COST + TYPE_INTROSPECTION_COST
            ))
        );
        let in_fragment = "{ ...I ...I } fragment I on Query { __schema { types { name } } }";
        assert_eq!(
            run(in_fragment),
            Ok(ExtraComplexity(2 * SCHEMA_INTROSPECTION_COST))
        );
    }

    #[test]
    fn fragment_cycles_are_refused() {
        for q in [
            "{ ...A } fragment A on Query { ...A }",
            "{ ...A } fragment A on Query { ...B } fragment B on Query { x { ...A } }",
            // Not spread by the operation: still a cycle (validation refuses it as well).
            "{ __typename } fragment A on Query { ...B } fragment B on Query { ...A }",
        ] {
            assert!(matches!(run(q), Err(Refusal::FragmentCycle(_))), "{q}");
        }
        // A diamond is no cycle; unknown fragments count nothing.
        let q = "{ ...A ...Nope } fragment A on Query { ...B ...C } \
                 fragment B on Query { ...C } fragment C on Query { __typename }";
        assert_eq!(run(q), Ok(ExtraComplexity(0)));
    }

    /// A chain of 20,000 fragments is measured with the explicit stack, not recursion.
    #[test]
    fn long_fragment_chains_do_not_recurse() {
        let n = 20_000;
        let mut q = format!("{{ ...F{n} }}\nfragment F0 on Query {{ __typename }}\n");
        for i in 1..=n {
            q.push_str(&format!("fragment F{i} on Query {{ ...F{} }}\n", i - 1));
        }
        assert_eq!(run(&q), Ok(ExtraComplexity(0)));
    }

    /// Validation walks every operation of a document, so every one counts.
    #[test]
    fn every_operation_counts() {
        let half = vec!["__typename"; MAX_FIELDS / 2].join(" ");
        assert!(run(&format!("query A {{ {half} }} query B {{ {half} }}")).is_ok());
        let r = run(&format!(
            "query A {{ {half} }} query B {{ {half} __typename }}"
        ));
        assert!(matches!(r, Err(Refusal::TooLarge(_))), "{r:?}");
    }
}
