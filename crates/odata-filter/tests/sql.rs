//! Rendering to SQL: exact raw/bind sequences, type checks, null handling, LIKE escaping.
// Helpers outside `#[test]` fns also unwrap; clippy's test exemption doesn't reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use odata_filter::{
    BindValue, Column, FieldResolver, FieldTable, SqlFilter, SqlPart, ValueKind, parse, to_sql,
};

const FIELDS: &[(&str, Column)] = &[
    ("firstName", Column::new("l.first_name", ValueKind::Text)),
    ("jobTitle", Column::nullable("l.job_title", ValueKind::Text)),
    ("id", Column::new("l.id", ValueKind::Guid)),
    ("status", Column::new("e.status", ValueKind::Int)),
    ("score", Column::nullable("e.score", ValueKind::Float)),
    ("isActive", Column::new("l.active", ValueKind::Bool)),
    ("dateAdded", Column::new("l.added_at", ValueKind::Timestamp)),
    (
        "customFields/string1",
        Column::nullable("l.cf_string1", ValueKind::Text),
    ),
];

fn render(filter: &str) -> Result<SqlFilter, String> {
    let expr = parse(filter).map_err(|e| format!("parse: {e}"))?;
    to_sql(&expr, &FieldTable(FIELDS)).map_err(|e| e.to_string())
}

fn sql(filter: &str) -> (String, Vec<BindValue>) {
    render(filter).unwrap().with_placeholders(|_| "?".into())
}

fn err(filter: &str) -> String {
    render(filter).expect_err(filter)
}

fn raw(s: &str) -> SqlPart {
    SqlPart::Raw(s.into())
}

fn text(s: &str) -> SqlPart {
    SqlPart::Bind(BindValue::Text(s.into()))
}

#[test]
fn exact_parts() {
    assert_eq!(
        render("firstName eq 'Jeffrey'").unwrap().parts,
        vec![raw("(l.first_name = "), text("Jeffrey"), raw(")")]
    );
    assert_eq!(
        render("FIRSTNAME ne 'a' and (status ge 3 or isActive)")
            .unwrap()
            .parts,
        vec![
            raw("((l.first_name <> "),
            text("a"),
            raw(") AND ((e.status >= "),
            SqlPart::Bind(BindValue::Int(3)),
            raw(") OR (l.active = "),
            SqlPart::Bind(BindValue::Bool(true)),
            raw(")))"),
        ]
    );
    assert_eq!(
        render("startsWith(firstName,'Jef') or dateAdded ge datetime'1998-03-06T20:38:07.5Z'")
            .unwrap()
            .parts,
        vec![
            raw("((LOWER(l.first_name) LIKE "),
            text("jef%"),
            raw(" ESCAPE '\\') OR (l.added_at >= "),
            SqlPart::Bind(BindValue::Int(889_216_687_500)),
            raw("))"),
        ]
    );
    assert_eq!(
        render("not (status eq 3)").unwrap().parts,
        vec![
            raw("NOT ((e.status = "),
            SqlPart::Bind(BindValue::Int(3)),
            raw("))")
        ]
    );
}

#[test]
fn raw_text_never_holds_user_values_or_placeholders() {
    let f = render("firstName eq 'x'' OR 1=1 --' or substringof('?', firstName)").unwrap();
    for part in &f.parts {
        if let SqlPart::Raw(r) = part {
            assert!(!r.contains('?') && !r.contains("1=1"), "{r}");
        }
    }
    assert_eq!(
        f.with_placeholders(|n| format!("${n}")).0,
        "((l.first_name = $1) OR (LOWER(l.first_name) LIKE $2 ESCAPE '\\'))"
    );
}

#[test]
fn literal_on_left_is_mirrored() {
    assert_eq!(
        sql("3 lt status"),
        ("(e.status > ?)".into(), vec![BindValue::Int(3)])
    );
    assert_eq!(
        sql("'Bob' eq firstName"),
        (
            "(l.first_name = ?)".into(),
            vec![BindValue::Text("Bob".into())]
        )
    );
    assert_eq!(sql("null eq jobTitle").0, "(l.job_title IS NULL)");
}

#[test]
fn text_functions_are_case_insensitive_and_escaped() {
    assert_eq!(
        sql(r"substringof('50%_OFF\', firstName)"),
        (
            "(LOWER(l.first_name) LIKE ? ESCAPE '\\')".into(),
            vec![BindValue::Text(r"%50\%\_off\\%".into())]
        )
    );
    assert_eq!(
        sql("contains(firstName,'Ab')").1,
        vec![BindValue::Text("%ab%".into())]
    );
    assert_eq!(
        sql("endswith(firstName,'Ab')").1,
        vec![BindValue::Text("%ab".into())]
    );
    assert_eq!(
        sql("startswith(tolower(id),'A14C')").1,
        vec![BindValue::Text("a14c%".into())]
    );
    assert_eq!(
        err("contains(status,'1')"),
        "field 'status' is not text, so it cannot be searched with a text function"
    );
}

#[test]
fn case_functions() {
    assert_eq!(
        sql("tolower(firstName) eq 'BoB'"),
        (
            "(LOWER(l.first_name) = ?)".into(),
            vec![BindValue::Text("bob".into())]
        )
    );
    assert_eq!(
        sql("toupper(firstName) ne 'BoB'").1,
        vec![BindValue::Text("BOB".into())]
    );
    // Ordering comparisons keep the literal as written.
    assert_eq!(
        sql("tolower(firstName) gt 'M'"),
        (
            "(LOWER(l.first_name) > ?)".into(),
            vec![BindValue::Text("M".into())]
        )
    );
    assert_eq!(
        err("tolower(status) eq 'x'"),
        "tolower/toupper need a text field, and 'status' is not text"
    );
}

#[test]
fn null_handling() {
    assert_eq!(
        sql("jobTitle eq null"),
        ("(l.job_title IS NULL)".into(), vec![])
    );
    assert_eq!(
        sql("jobTitle ne null"),
        ("(l.job_title IS NOT NULL)".into(), vec![])
    );
    assert_eq!(
        err("score gt null"),
        "field 'score' can only be compared with null using eq or ne"
    );
    // Nullable `ne` matches NULL too; negated comparisons are guarded.
    assert_eq!(
        sql("jobTitle ne 'x'").0,
        "(l.job_title IS NULL OR l.job_title <> ?)"
    );
    assert_eq!(sql("score gt 5").0, "(e.score > ?)");
    assert_eq!(
        sql("not (score gt 5)").0,
        "NOT ((e.score IS NOT NULL AND e.score > ?))"
    );
    assert_eq!(
        sql("not (status eq 1 or score le 2.5)"),
        (
            "NOT (((e.status = ?) OR (e.score IS NOT NULL AND e.score <= ?)))".into(),
            vec![BindValue::Int(1), BindValue::Float(2.5)]
        )
    );
    assert_eq!(sql("customFields/string1 eq 'x'").0, "(l.cf_string1 = ?)");
}

#[test]
fn coercions() {
    let guid = "a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e";
    let want = vec![BindValue::Text(guid.into())];
    assert_eq!(sql(&format!("id eq guid'{}'", guid.to_uppercase())).1, want);
    assert_eq!(sql(&format!("id eq '{}'", guid.to_uppercase())).1, want);
    assert_eq!(sql(&format!("id eq {guid}")).1, want);
    assert_eq!(sql(&format!("firstName eq {guid}")).1, want);
    assert_eq!(sql("score ge 3").1, vec![BindValue::Float(3.0)]);
    assert_eq!(sql("score ge -0.5m").1, vec![BindValue::Float(-0.5)]);
    assert_eq!(sql("isActive eq false").1, vec![BindValue::Bool(false)]);
    assert_eq!(
        sql("dateAdded lt '1970-01-01T00:00:01+01:00'").1,
        vec![BindValue::Int(-3_599_000)]
    );
    assert_eq!(
        sql("dateAdded lt 1970-01-01T00:00:00.0015Z").1,
        vec![BindValue::Int(1)]
    );
    assert_eq!(
        sql("dateAdded lt datetime'1969-12-31T23:59:59.9995'").1,
        vec![BindValue::Int(-1)]
    );
}

#[test]
fn type_errors() {
    assert_eq!(
        err("status eq 'abc'"),
        "field 'status' expects a number, got 'abc'"
    );
    assert_eq!(
        err("status eq 1.5"),
        "field 'status' expects a whole number, got 1.5"
    );
    assert_eq!(
        err("score eq true"),
        "field 'score' expects a number, got true"
    );
    assert_eq!(
        err("firstName eq 5"),
        "field 'firstName' expects a quoted string, got 5"
    );
    assert_eq!(err("id eq 'nope'"), "field 'id' expects a GUID, got 'nope'");
    assert_eq!(
        err("isActive eq 1"),
        "field 'isActive' expects true or false, got 1"
    );
    assert_eq!(
        err("dateAdded gt 'yesterday'"),
        "field 'dateAdded' expects a date-time, got 'yesterday'"
    );
    assert_eq!(
        err("status eq datetime'2020-01-01T00:00:00Z'"),
        "field 'status' expects a number, got datetime'2020-01-01T00:00:00Z'"
    );
    assert_eq!(
        err("firstName"),
        "field 'firstName' is not a boolean; compare it with a value instead"
    );
}

#[test]
fn structural_errors() {
    assert_eq!(err("foo eq 1"), "unknown field 'foo' in filter");
    assert_eq!(err("isActive and nope"), "unknown field 'nope' in filter");
    assert_eq!(
        err("firstName eq jobTitle"),
        "comparing two fields is not supported"
    );
    assert_eq!(
        err("1 eq 1"),
        "a comparison needs a field on one side, found two values"
    );
}

#[test]
fn custom_resolver_sees_the_path_as_written() {
    struct Only;
    impl FieldResolver for Only {
        fn resolve(&self, path: &str) -> Option<Column> {
            (path == "a/B").then_some(Column::new("t.ab", ValueKind::Int))
        }
    }
    let f = to_sql(&parse("a/B eq 1").unwrap(), &Only).unwrap();
    assert_eq!(
        f.with_placeholders(|n| format!("${n}")),
        ("(t.ab = $1)".into(), vec![BindValue::Int(1)])
    );
}
