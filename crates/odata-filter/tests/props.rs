//! Property tests: parsing and rendering never panic, whatever the input.
// Helpers outside `#[test]` fns also unwrap; clippy's test exemption doesn't reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use odata_filter::{Column, FieldResolver, SqlPart, ValueKind, parse, parse_orderby, to_sql};
use proptest::prelude::*;

/// Resolves every path, with a kind picked from the path, so rendering gets exercised deeply.
struct Anything;

impl FieldResolver for Anything {
    fn resolve(&self, path: &str) -> Option<Column> {
        let kinds = [
            ValueKind::Text,
            ValueKind::Guid,
            ValueKind::Int,
            ValueKind::Float,
            ValueKind::Bool,
            ValueKind::Timestamp,
        ];
        let k = kinds[path.len() % kinds.len()];
        (!path.starts_with('z')).then_some(Column {
            sql: "t.c",
            kind: k,
            nullable: path.len().is_multiple_of(2),
        })
    }
}

/// Whether `raw` is made only of the column SQL, SQL keywords and punctuation: no user text.
fn only_whitelisted_sql(raw: &str) -> bool {
    let mut rest = raw.to_string();
    for known in [
        "ESCAPE '\\'",
        "IS NOT NULL",
        "IS NULL",
        "LOWER",
        "UPPER",
        "LIKE",
        "AND",
        "NOT",
        "OR",
        "t.c",
    ] {
        rest = rest.replace(known, "");
    }
    rest.chars().all(|c| " ()=<>".contains(c))
}

/// Parses and renders `s`; whatever succeeds must keep user text out of the raw SQL.
fn check_render(s: &str) -> Result<(), TestCaseError> {
    if let Ok(e) = parse(s)
        && let Ok(f) = to_sql(&e, &Anything)
    {
        for part in &f.parts {
            if let SqlPart::Raw(raw) = part {
                prop_assert!(only_whitelisted_sql(raw), "{}", raw);
            }
        }
    }
    Ok(())
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    " ",
    "'",
    "''",
    "'x'",
    "'50%_\\'",
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "and",
    "or",
    "not",
    "Not",
    "AND",
    "substringof",
    "contains",
    "startsWith",
    "endswith",
    "tolower",
    "toupper",
    "frob",
    "a",
    "bb",
    "ccc",
    "dddd",
    "z",
    "x/y",
    "x/",
    "isActive",
    "true",
    "false",
    "null",
    "0",
    "-1",
    "1.5",
    "2m",
    "1e400",
    "99999999999999999999",
    "-",
    "guid'a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e'",
    "guid'bad'",
    "a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e",
    "a14c149c-",
    "datetime'1998-03-06T20:38:07Z'",
    "datetime'x'",
    "datetimeoffset'2020-01-01T00:00:00+01:00'",
    "2020-01-01T00:00:00Z",
    "2020-01-01",
    "é",
    "✓",
    "\t",
    "#",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..30).prop_map(|v| {
        v.iter()
            .enumerate()
            .map(|(i, t)| {
                if i % 3 == 0 {
                    format!("{t} ")
                } else {
                    (*t).to_string()
                }
            })
            .collect()
    })
}

const FIELDS: &[&str] = &[
    "a", "bb", "ccc", "dddd", "eeeee", "ffffff", "z", "x/y", "isActive",
];
const LITERALS: &[&str] = &[
    "'x'",
    "'O''Brien'",
    "'50%_\\'",
    "'a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e'",
    "'2020-01-01T00:00:00Z'",
    "3",
    "-1",
    "1.5",
    "2m",
    "true",
    "false",
    "null",
    "guid'a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e'",
    "datetime'1998-03-06T20:38:07Z'",
    "2020-01-01T00:00:00.5+01:00",
    "-9223372036854775808",
];

/// Grammatical filters with random fields, literals and functions: they parse, and rendering
/// meets every combination of column kind, nullability, operator and literal.
fn filter() -> impl Strategy<Value = String> {
    let field = prop::sample::select(FIELDS).prop_flat_map(|f| {
        prop::sample::select(vec![
            f.to_string(),
            format!("tolower({f})"),
            format!("toupper({f})"),
        ])
    });
    let lit = prop::sample::select(LITERALS);
    let op = prop::sample::select(&["eq", "ne", "gt", "ge", "lt", "le"][..]);
    let func = prop::sample::select(&["contains", "startswith", "endswith"][..]);
    // Pairs that type-check against `Anything` (kind chosen by path length).
    let typed = prop::sample::select(
        &[
            ("a", "guid'a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e'"),
            ("bb", "-7"),
            ("ccc", "1.5"),
            ("dddd", "true"),
            ("eeeee", "datetime'1998-03-06T20:38:07Z'"),
            ("ffffff", "'x''y%'"),
            ("ffffff", "null"),
        ][..],
    );
    let leaf = prop_oneof![
        4 => (typed, op.clone()).prop_map(|((f, l), o)| format!("{f} {o} {l}")),
        2 => (func.clone(), prop::sample::select(&["a", "ffffff"][..]))
            .prop_map(|(n, f)| format!("{n}(tolower({f}), 'A_b')")),
        1 => Just("dddd".to_string()),
        1 => (field.clone(), op.clone(), lit.clone()).prop_map(|(f, o, l)| format!("{f} {o} {l}")),
        1 => (lit.clone(), op.clone(), field.clone()).prop_map(|(l, o, f)| format!("{l} {o} {f}")),
        1 => (field.clone(), op, field.clone()).prop_map(|(f, o, g)| format!("{f} {o} {g}")),
        1 => (func, field.clone(), lit.clone()).prop_map(|(n, f, l)| format!("{n}({f}, {l})")),
        1 => (lit, field.clone()).prop_map(|(l, f)| format!("substringof({l}, {f})")),
        1 => field,
    ];
    leaf.prop_recursive(6, 60, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("not ({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        if let Ok(e) = parse(&s) {
            let _ = to_sql(&e, &Anything);
        }
        let _ = parse_orderby(&s);
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        check_render(&s)?;
    }

    #[test]
    fn generated_filters_render_or_fail_cleanly(f in filter()) {
        // Text-function arguments must be strings, so some fail to parse; none may panic.
        check_render(&f)?;
    }

    #[test]
    fn well_formed_filters_parse_and_render(
        // The underscore keeps generated names clear of keywords (`ge`, `or`, `null`).
        fields in prop::collection::vec("[a-y]_[a-z0-9]{0,6}", 1..6),
        ops in prop::collection::vec(prop::sample::select(&["eq", "ne", "gt", "le"][..]), 6),
        joins in prop::collection::vec(prop::sample::select(&["and", "or"][..]), 6),
        value in "[ -&(-~]{0,12}",
    ) {
        let mut f = String::new();
        for (i, name) in fields.iter().enumerate() {
            if i > 0 {
                f.push_str(&format!(" {} ", joins[i]));
            }
            f.push_str(&format!("{name} {} '{}'", ops[i], value));
        }
        let e = parse(&f);
        prop_assert!(e.is_ok(), "{f}: {e:?}");
        if let Ok(e) = e {
            let _ = to_sql(&e, &Anything);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash(n in 0usize..600, not in any::<bool>()) {
        let open = if not { "not (" } else { "(" };
        let f = format!("{}a eq 1{}", open.repeat(n), ")".repeat(n));
        let r = parse(&f);
        // Each `(` is one level, each `not (` two, and the innermost comparison one more.
        let depth = n * if not { 2 } else { 1 } + 1;
        if f.len() <= 4096 && depth <= 32 {
            prop_assert!(r.is_ok());
        } else {
            prop_assert!(r.is_err());
        }
    }
}
