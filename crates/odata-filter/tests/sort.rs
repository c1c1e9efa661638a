//! `$orderby` parsing and rendering sort keys against a whitelist.
// Helpers outside `#[test]` fns also unwrap; clippy's test exemption doesn't reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use odata_filter::{
    Column, FieldTable, MAX_SORT_KEYS, SortKey, ValueKind, parse_orderby, sort_to_sql,
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
    assert_eq!(
        parse_orderby("customFields/string1 desc").unwrap(),
        vec![key("customFields/string1", true)]
    );
}

#[test]
fn sort_errors() {
    let msg = |r: Result<Vec<SortKey>, odata_filter::FilterError>| r.unwrap_err().to_string();
    assert_eq!(msg(parse_orderby("")), "the sort is empty");
    assert_eq!(msg(parse_orderby("  ")), "the sort is empty");
    assert_eq!(
        msg(parse_orderby("Name,,x")),
        "empty item in sort list at position 5"
    );
    assert_eq!(
        msg(parse_orderby("Name, ")),
        "empty item in sort list at position 6"
    );
    assert_eq!(
        msg(parse_orderby("Name;DROP desc")),
        "invalid sort field 'Name;DROP' at position 0"
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
    let nine = ["Name"; MAX_SORT_KEYS + 1].join(",");
    assert!(msg(parse_orderby(&nine)).starts_with("at most 8 sort fields are allowed"));
    let eight = ["Name"; MAX_SORT_KEYS].join(",");
    assert_eq!(parse_orderby(&eight).unwrap().len(), 8);
    assert!(msg(parse_orderby(&"a,".repeat(3000))).contains("longer than 4096 bytes"));
}

#[test]
fn sort_sql() {
    let keys = parse_orderby("NAME,dateadded desc,customFields/String1").unwrap();
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
