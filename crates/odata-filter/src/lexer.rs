//! Tokens with their byte positions.
use crate::ast::Literal;
use crate::error::FilterError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Longest input we accept.
pub const MAX_INPUT: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    Comma,
    Ident(String),
    Lit(Literal),
}

/// Splits `input` into tokens.
pub fn lex(input: &str) -> Result<Vec<(Tok, usize)>, FilterError> {
    if input.len() > MAX_INPUT {
        return Err(FilterError::new(format!(
            "filter is longer than {MAX_INPUT} characters"
        )));
    }
    let b = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'(' => (out.push((Tok::LParen, i)), i += 1).1,
            b')' => (out.push((Tok::RParen, i)), i += 1).1,
            b',' => (out.push((Tok::Comma, i)), i += 1).1,
            b'\'' => {
                let (s, next) = quoted(input, i)?;
                out.push((Tok::Lit(Literal::String(s)), start));
                i = next;
            }
            b'0'..=b'9' | b'-' => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b':' | b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
                out.push((Tok::Lit(bare_literal(&input[start..i], start)?), start));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'/' | b'.'))
                {
                    i += 1;
                }
                let word = &input[start..i];
                // A bare GUID can start with a hex letter: read the rest of it.
                if word.len() == 8
                    && word.bytes().all(|x| x.is_ascii_hexdigit())
                    && b.get(i) == Some(&b'-')
                {
                    let end = (start + 36).min(b.len());
                    let candidate = &input[start..end];
                    if is_guid(candidate) {
                        out.push((
                            Tok::Lit(Literal::Guid(candidate.to_ascii_lowercase())),
                            start,
                        ));
                        i = end;
                        continue;
                    }
                }
                if b.get(i) == Some(&b'\'') {
                    let kind = word.to_ascii_lowercase();
                    if matches!(kind.as_str(), "guid" | "datetime" | "datetimeoffset") {
                        let (s, next) = quoted(input, i)?;
                        out.push((Tok::Lit(typed_literal(&kind, &s, start)?), start));
                        i = next;
                        continue;
                    }
                    return Err(FilterError::at(
                        format!("unknown literal prefix '{word}'"),
                        start,
                    ));
                }
                out.push((Tok::Ident(word.to_string()), start));
            }
            _ => {
                let ch = input[i..].chars().next().unwrap_or('?');
                return Err(FilterError::at(format!("unexpected character '{ch}'"), i));
            }
        }
    }
    Ok(out)
}

/// Reads a single-quoted string starting at `i`; `''` is an escaped quote.
fn quoted(input: &str, i: usize) -> Result<(String, usize), FilterError> {
    let b = input.as_bytes();
    let mut j = i + 1;
    let mut s = String::new();
    let mut seg = j;
    loop {
        match b.get(j) {
            None => return Err(FilterError::at("unterminated string literal", i)),
            Some(b'\'') if b.get(j + 1) == Some(&b'\'') => {
                s.push_str(&input[seg..=j]);
                j += 2;
                seg = j;
            }
            Some(b'\'') => {
                s.push_str(&input[seg..j]);
                return Ok((s, j + 1));
            }
            Some(_) => j += 1,
        }
    }
}

/// Whether `s` has the 8-4-4-4-12 hex shape.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Parses an RFC 3339 date-time; without an offset it means UTC.
pub fn parse_datetime(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .or_else(|| OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339).ok())
}

fn typed_literal(kind: &str, s: &str, pos: usize) -> Result<Literal, FilterError> {
    if kind == "guid" {
        return if is_guid(s) {
            Ok(Literal::Guid(s.to_ascii_lowercase()))
        } else {
            Err(FilterError::at(format!("'{s}' is not a valid GUID"), pos))
        };
    }
    parse_datetime(s)
        .map(Literal::DateTime)
        .ok_or_else(|| FilterError::at(format!("'{s}' is not a valid date-time"), pos))
}

fn bare_literal(raw: &str, pos: usize) -> Result<Literal, FilterError> {
    if is_guid(raw) {
        return Ok(Literal::Guid(raw.to_ascii_lowercase()));
    }
    if raw.contains('T') && raw.contains(':') {
        return parse_datetime(raw)
            .map(Literal::DateTime)
            .ok_or_else(|| FilterError::at(format!("'{raw}' is not a valid date-time"), pos));
    }
    let num = raw
        .strip_suffix(['m', 'M', 'd', 'D', 'l', 'L'])
        .unwrap_or(raw);
    if let Ok(n) = num.parse::<i64>() {
        return Ok(Literal::Int(n));
    }
    match num.parse::<f64>() {
        Ok(f)
            if f.is_finite()
                && num.bytes().all(|c| {
                    c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'e' | b'E' | b'+')
                }) =>
        {
            Ok(Literal::Decimal(f))
        }
        _ => Err(FilterError::at(
            format!("'{raw}' is not a valid number"),
            pos,
        )),
    }
}
