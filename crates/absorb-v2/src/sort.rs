//! Absorb's `_sort` syntax: a comma list of fields, each optionally prefixed with `-`
//! (descending) or `+` (ascending), e.g. `lastName,-dateAdded`. Parsed into odata-filter's
//! neutral [`SortKey`]s, which `enroll_store::filter::compile_sort` resolves against an
//! operation's field list (an unknown field is refused there).
use odata_filter::{FilterError, MAX_INPUT_LEN, MAX_SORT_KEYS, SortKey};

/// Parses a `_sort` value. Errors name what is wrong and, where it applies, the 0-based byte
/// position of the offending item: empty input or items, more than [`MAX_SORT_KEYS`] keys,
/// more than [`MAX_INPUT_LEN`] bytes, or a field that is not a name (`a`, `a_b`, `a/b`).
pub fn parse_sort(input: &str) -> Result<Vec<SortKey>, FilterError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(FilterError::new(format!(
            "the sort is longer than {MAX_INPUT_LEN} bytes"
        )));
    }
    if input.trim().is_empty() {
        return Err(FilterError::new("the sort is empty"));
    }
    let mut keys = Vec::new();
    let mut pos = 0;
    for raw in input.split(',') {
        let at = pos + (raw.len() - raw.trim_start().len());
        pos += raw.len() + 1;
        let item = raw.trim();
        if item.is_empty() {
            return Err(FilterError::at("empty item in sort list", at));
        }
        if keys.len() == MAX_SORT_KEYS {
            let msg = format!("at most {MAX_SORT_KEYS} sort fields are allowed");
            return Err(FilterError::at(msg, at));
        }
        let (field, descending) = match item.strip_prefix('-') {
            Some(rest) => (rest.trim_start(), true),
            None => (item.strip_prefix('+').unwrap_or(item).trim_start(), false),
        };
        if !is_field(field) {
            let msg = format!("invalid sort field '{}'", clip(field));
            return Err(FilterError::at(msg, at));
        }
        keys.push(SortKey {
            field: field.to_string(),
            descending,
        });
    }
    Ok(keys)
}

/// A field name or path as Absorb writes them: a letter or `_` first, then segments of
/// letters, digits, `_` and `.` separated by `/` (`customFields/string1`).
fn is_field(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        })
}

/// User text quoted back in a message, shortened so a long value doesn't echo whole.
fn clip(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
                .filter(|(f, _)| is_field(f))
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
