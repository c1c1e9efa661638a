//! Absorb's `_sort` syntax: a comma list of fields, each optionally prefixed with `-`
//! (descending) or `+` (ascending), e.g. `lastName,-dateAdded`. Parsed into odata-filter's
//! neutral [`SortKey`]s, which `enroll_store::filter::compile_sort` resolves against an
//! operation's field list (an unknown field is refused there).
use odata_filter::{FilterError, SortKey, parse_sort_list};

/// Parses a `_sort` value. Errors name what is wrong and, where it applies, the 0-based byte
/// position of the offending item: empty input or items, more than
/// [`odata_filter::MAX_SORT_KEYS`] keys, more than [`odata_filter::MAX_INPUT_LEN`] bytes, or
/// a field that is not a name (`a`, `a_b`, `a/b`).
pub fn parse_sort(input: &str) -> Result<Vec<SortKey>, FilterError> {
    parse_sort_list(input, |item| match item.strip_prefix('-') {
        Some(rest) => SortKey::new(rest.trim_start(), true),
        None => SortKey::new(item.strip_prefix('+').unwrap_or(item).trim_start(), false),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use odata_filter::MAX_SORT_KEYS;

    fn key(field: &str, descending: bool) -> SortKey {
        SortKey {
            field: field.into(),
            descending,
        }
    }

    fn msg(input: &str) -> String {
        parse_sort(input).unwrap_err().to_string()
    }

    #[test]
    fn fields_with_signs_become_keys_in_order() {
        assert_eq!(
            parse_sort("name,-dateAdded").unwrap(),
            vec![key("name", false), key("dateAdded", true)]
        );
        assert_eq!(
            parse_sort(" +name , - dateAdded,customFields/string1 ").unwrap(),
            vec![
                key("name", false),
                key("dateAdded", true),
                key("customFields/string1", false)
            ]
        );
    }

    #[test]
    fn malformed_sorts_are_refused_with_the_position() {
        assert_eq!(msg(""), "the sort is empty");
        assert_eq!(msg("  "), "the sort is empty");
        assert_eq!(msg("name,,x"), "empty item in sort list at position 5");
        assert_eq!(msg("name, "), "empty item in sort list at position 6");
        assert_eq!(msg("name,-"), "invalid sort field '' at position 5");
        assert_eq!(msg("name,--x"), "invalid sort field '-x' at position 5");
        assert_eq!(
            msg("name; DROP TABLE x"),
            "invalid sort field 'name; DROP TABLE x' at position 0"
        );
        assert_eq!(
            msg("name desc"),
            "invalid sort field 'name desc' at position 0"
        );
        assert_eq!(
            msg(&format!("{}!", "a".repeat(60))),
            format!("invalid sort field '{}…' at position 0", "a".repeat(40))
        );
    }

    #[test]
    fn key_count_and_length_are_bounded() {
        let nine = ["name"; MAX_SORT_KEYS + 1].join(",");
        assert_eq!(
            msg(&nine),
            "at most 8 sort fields are allowed at position 40"
        );
        let eight = ["name"; MAX_SORT_KEYS].join(",");
        assert_eq!(parse_sort(&eight).unwrap().len(), MAX_SORT_KEYS);
        assert!(msg(&"a,".repeat(3000)).contains("longer than 4096 bytes"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in proptest::prelude::any::<String>()) {
            let _ = parse_sort(&s);
        }

        #[test]
        fn signed_field_lists_round_trip(
            fields in proptest::collection::vec(("[a-zA-Z_][a-zA-Z0-9_./]{0,12}", proptest::bool::ANY), 1..=MAX_SORT_KEYS)
        ) {
            let fields: Vec<(String, bool)> = fields
                .into_iter()
                .filter(|(f, _)| SortKey::new(f, false).is_ok())
                .collect();
            proptest::prop_assume!(!fields.is_empty());
            let text: Vec<String> = fields
                .iter()
                .map(|(f, d)| format!("{}{f}", if *d { "-" } else { "" }))
                .collect();
            let keys = parse_sort(&text.join(",")).unwrap();
            let want: Vec<SortKey> = fields.iter().map(|(f, d)| key(f, *d)).collect();
            proptest::prop_assert_eq!(keys, want);
        }
    }
}
