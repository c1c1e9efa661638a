//! System query options: every option read, every bad one refused with its name, and paging.
#![allow(clippy::unwrap_used)]
use odata_filter::{Page, Vocabulary, next_link, parse_options};

const V: Vocabulary<'static> = Vocabulary {
    properties: &["Id", "CourseId", "Title"],
    navigations: &["Course", "User"],
};

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn err(q: &[(&str, &str)]) -> String {
    parse_options(&pairs(q), &V).unwrap_err().to_string()
}

#[test]
fn every_option_is_read() {
    let q = parse_options(
        &pairs(&[
            ("$filter", "CourseId eq 101"),
            ("$orderby", "Title desc"),
            ("$TOP", "5"),
            ("$skip", "10"),
            ("$select", "id,Title"),
            ("$expand", "course"),
            ("$count", "true"),
            ("$format", "json"),
            ("custom", "ignored"),
        ]),
        &V,
    )
    .unwrap();
    assert!(q.filter.is_some());
    assert_eq!(q.orderby.len(), 1);
    assert_eq!((q.top, q.skip, q.count), (Some(5), 10, true));
    assert_eq!(q.select, Some(vec!["Id".to_string(), "Title".to_string()]));
    assert_eq!(q.expand, vec!["Course".to_string()]);
}

#[test]
fn bad_options_are_named() {
    assert!(err(&[("$top", "-1")]).contains("$top"));
    assert!(err(&[("$skip", "99999999999999999999999")]).contains("$skip"));
    assert!(err(&[("$select", "Nope")]).contains("unknown property 'Nope'"));
    assert!(err(&[("$expand", "Title")]).contains("'Title'"));
    assert!(err(&[("$expand", "Course($select=Title)")]).contains("not supported"));
    assert!(err(&[("$count", "yes")]).contains("$count"));
    assert!(err(&[("$bogus", "1")]).contains("unknown system query option '$bogus'"));
    assert!(err(&[("$search", "x")]).contains("not supported"));
    assert!(err(&[("$top", "1"), ("$Top", "2")]).contains("more than once"));
    assert!(err(&[("$filter", "Id eq")]).starts_with("invalid $filter"));
    assert!(err(&[("$select", "Id,,Title")]).contains("empty item"));
    let deep = format!("{}Id eq 1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(err(&[("$filter", &deep)]).starts_with("invalid $filter"));
}

#[test]
fn select_star_and_expand_star() {
    let q = parse_options(&pairs(&[("$select", "*"), ("$expand", "*")]), &V).unwrap();
    assert_eq!(q.select, None);
    assert_eq!(q.expand, vec!["Course".to_string(), "User".to_string()]);
}

#[test]
fn pages_follow_top_and_the_server_page_size() {
    let q = parse_options(&pairs(&[("$top", "25"), ("$skip", "5")]), &V).unwrap();
    let page = q.page(10);
    assert_eq!(
        page,
        Page {
            limit: 10,
            offset: 5
        }
    );
    // 10 of 100 matching read: 15 more of the caller's 25 remain.
    assert_eq!(q.next(page, 10, 100), Some((15, Some(15))));
    // Fewer matching rows than the page: no next page.
    assert_eq!(q.next(page, 3, 8), None);
    let all = parse_options(&[], &V).unwrap();
    let p = all.page(10_000);
    assert_eq!(all.next(p, 10_000, 10_001), Some((10_000, None)));
    assert_eq!(all.next(p, 1, 1), None);
    assert_eq!(all.next(p, 0, 5), None);
}

#[test]
fn next_links_keep_the_other_options() {
    let link = next_link(
        "http://h/odata/v2/Enrollments",
        &pairs(&[
            ("$filter", "Title eq 'a b'"),
            ("$skip", "3"),
            ("$count", "true"),
        ]),
        10,
        Some(5),
    );
    assert_eq!(
        link,
        "http://h/odata/v2/Enrollments?$filter=Title%20eq%20%27a%20b%27&$count=true&$top=5&$skip=10"
    );
}

#[test]
fn number_keyed_ids_take_integer_or_quoted_numbers() {
    use odata_filter::{BindValue, Column, FieldTable, ValueKind, parse, to_sql};
    const F: &[(&str, Column)] = &[("CourseId", Column::new("c.ext", ValueKind::NumberText))];
    for text in ["CourseId eq 101", "CourseId eq '101'"] {
        let sql = to_sql(&parse(text).unwrap(), &FieldTable(F)).unwrap();
        let (s, binds) = sql.with_placeholders(|_| "?".into());
        assert_eq!(
            (s.as_str(), binds),
            ("(c.ext = ?)", vec![BindValue::Text("101".into())])
        );
    }
    let e = to_sql(&parse("CourseId eq 'abc'").unwrap(), &FieldTable(F)).unwrap_err();
    assert!(e.to_string().contains("expects a whole number"), "{e}");
}
