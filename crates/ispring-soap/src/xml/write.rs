//! Writing XML: element names come from code, text is escaped.
use quick_xml::escape::escape;

/// Appends `<prefix:name>` (no prefix when `prefix` is empty).
pub fn open(out: &mut String, prefix: &str, name: &str) {
    out.push('<');
    qualified(out, prefix, name);
    out.push('>');
}

/// Appends `</prefix:name>`.
pub fn close(out: &mut String, prefix: &str, name: &str) {
    out.push_str("</");
    qualified(out, prefix, name);
    out.push('>');
}

/// Appends `<prefix:name>text</prefix:name>`, the text escaped.
pub fn leaf(out: &mut String, prefix: &str, name: &str, text: &str) {
    open(out, prefix, name);
    out.push_str(&escape(text));
    close(out, prefix, name);
}

fn qualified(out: &mut String, prefix: &str, name: &str) {
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(':');
    }
    out.push_str(name);
}
