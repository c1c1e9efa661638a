//! Splits the input into tokens, each with its byte span.
use crate::ast::{Literal, is_field_path};
use crate::error::{FilterError, clip};
use crate::literal;

/// Longest input accepted, in bytes.
pub const MAX_INPUT_LEN: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    Comma,
    /// A field name, keyword or function name (not yet told apart).
    Ident(String),
    Lit(Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Tokenises `input`, refusing anything longer than [`MAX_INPUT_LEN`].
pub(crate) fn lex(input: &str) -> Result<Vec<Token>, FilterError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(FilterError::new(format!(
            "the filter is longer than {MAX_INPUT_LEN} bytes"
        )));
    }
    let b = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // `i` only ever advances over ASCII bytes or to just past a quote, so it stays on a char
    // boundary and slicing `input` with it cannot panic.
    while let Some(&c) = b.get(i) {
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' | b')' | b',' => {
                i += 1;
                match c {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    _ => Tok::Comma,
                }
            }
            b'\'' => {
                let (s, next) = quoted(input, i)?;
                i = next;
                Tok::Lit(Literal::String(s))
            }
            b'0'..=b'9' | b'-' => {
                i = scan(b, i, |x| {
                    x.is_ascii_alphanumeric() || matches!(x, b':' | b'.' | b'-' | b'+')
                });
                Tok::Lit(literal::bare(&input[start..i], start)?)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let (tok, next) = word(input, start)?;
                i = next;
                tok
            }
            _ => {
                let ch = input[i..].chars().next().unwrap_or('?');
                return Err(FilterError::at(format!("unexpected character '{ch}'"), i));
            }
        };
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

/// The index of the first byte at or after `i` that fails `keep`.
fn scan(b: &[u8], mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
    while b.get(i).is_some_and(|&x| keep(x)) {
        i += 1;
    }
    i
}

/// A word: identifier/path, typed literal (`guid'…'`), or a bare GUID starting with a letter.
fn word(input: &str, start: usize) -> Result<(Tok, usize), FilterError> {
    let b = input.as_bytes();
    let i = scan(b, start, |x| {
        x.is_ascii_alphanumeric() || matches!(x, b'_' | b'/' | b'.')
    });
    let w = &input[start..i];
    if b.get(i) == Some(&b'-') {
        // The word stopped at the GUID's first dash; re-read it as hex-and-dashes.
        let end = scan(b, start, |x| x.is_ascii_hexdigit() || x == b'-');
        if let Some(g) = literal::guid(&input[start..end]) {
            return Ok((Tok::Lit(Literal::Guid(g)), end));
        }
    }
    if b.get(i) == Some(&b'\'') && literal::is_prefix(w) {
        let (body, next) = quoted(input, i)?;
        return Ok((Tok::Lit(literal::typed(w, &body, start)?), next));
    }
    if !is_field_path(w) {
        return Err(FilterError::at(
            format!("invalid field path '{}'", clip(w)),
            start,
        ));
    }
    Ok((Tok::Ident(w.to_string()), i))
}

/// Reads a single-quoted string whose opening quote is at `i`; `''` is an escaped quote.
/// Returns the unescaped text and the index just past the closing quote.
fn quoted(input: &str, i: usize) -> Result<(String, usize), FilterError> {
    let b = input.as_bytes();
    let mut s = String::new();
    let mut seg = i + 1;
    let mut j = seg;
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
