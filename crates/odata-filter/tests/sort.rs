//! Sort parsing (Absorb and OData syntaxes) and rendering.
// Helpers outside `#[test]` fns also unwrap; clippy's test exemption doesn't reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use odata_filter::{
    Column, FieldTable, MAX_SORT_KEYS, SortKey, ValueKind, parse_absorb_sort, parse_orderby,
    sort_to_sql,
};

const FIELDS: &[(&str, Column)] = &[
    ("name", Column::new("l.name", ValueKind::Text)),
    ("dateAdded", Column::new("l.added_at", ValueKind::Timestamp)),
    (
        "customFields/string1",
        Column::nullable("l.cf1", ValueKind::Text),
    ),
];

fn key(field: &str, descending: bool) -> SortKey {
    SortKey {
        field: field.into(),
        descending,
    }
}

#[test]
fn absorb_sort() {
    assert_eq!(
        parse_absorb_sort("name,-dateAdded").unwrap(),
        vec![key("name", false), key("dateAdded", true)]
    );
    assert_eq!(
        parse_absorb_sort(" +name , - dateAdded,customFields/string1 ").unwrap(),
        vec![
            key("name", false),
            key("dateAdded", true),
            key("customFields/string1", false)
        ]
    );
}

#[test]
fn odata_orderby() {
    assert_eq!(
        parse_orderby("Name desc, Id asc").unwrap(),
        vec![key("Name", true), key("Id", false)]
    );
    assert_eq!(
        parse_orderby("Name DESC,Id").unwrap(),
        vec![key("Name", true), key("Id", false)]
    );
    assert_eq!(
        parse_orderby("  Name\tAsc ").unwrap(),
        vec![key("Name", false)]
    );
}

#[test]
fn sort_errors() {
    let msg = |r: Result<Vec<SortKey>, odata_filter::FilterError>| r.unwrap_err().to_string();
    assert_eq!(msg(parse_absorb_sort("")), "the sort is empty");
    assert_eq!(msg(parse_orderby("  ")), "the sort is empty");
    assert_eq!(
        msg(parse_absorb_sort("name,,x")),
        "empty item in sort list at position 5"
    );
    assert_eq!(
        msg(parse_absorb_sort("name, ")),
        "empty item in sort list at position 6"
    );
    assert_eq!(
        msg(parse_absorb_sort("name,-")),
        "invalid sort field '' at position 5"
    );
    assert_eq!(
        msg(parse_absorb_sort("name; DROP TABLE x")),
        "invalid sort field 'name; DROP TABLE x' at position 0"
    );
    assert_eq!(
        msg(parse_orderby("Name down")),
        "invalid sort direction 'down' (use asc or desc) at position 0"
    );
    assert_eq!(
        msg(parse_orderby("Id, Name desc extra")),
        "unexpected 'extra' in sort item at position 4"
    );
    assert_eq!(
        msg(parse_orderby("-Name")),
        "invalid sort field '-Name' at position 0"
    );
    let nine = ["name"; MAX_SORT_KEYS + 1].join(",");
    assert!(msg(parse_absorb_sort(&nine)).starts_with("at most 8 sort fields are allowed"));
    let eight = ["name"; MAX_SORT_KEYS].join(",");
    assert_eq!(parse_absorb_sort(&eight).unwrap().len(), 8);
    assert!(msg(parse_orderby(&"a,".repeat(3000))).contains("longer than 4096 bytes"));
}

#[test]
fn sort_sql() {
    let keys = parse_absorb_sort("NAME,-dateadded,customFields/String1").unwrap();
    assert_eq!(
        sort_to_sql(&keys, &FieldTable(FIELDS)).unwrap(),
        "l.name ASC, l.added_at DESC, l.cf1 ASC"
    );
    assert_eq!(sort_to_sql(&[], &FieldTable(FIELDS)).unwrap(), "");
    let bad = parse_orderby("name, secret desc").unwrap();
    assert_eq!(
        sort_to_sql(&bad, &FieldTable(FIELDS))
            .unwrap_err()
            .to_string(),
        "unknown field 'secret' in sort"
    );
    let many = vec![key("name", false); MAX_SORT_KEYS + 1];
    assert!(sort_to_sql(&many, &FieldTable(FIELDS)).is_err());
}
