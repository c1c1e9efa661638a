//! The one error type: a message fit to show an API user verbatim, and where it happened.
use thiserror::Error;

/// Why a filter or sort expression was refused.
///
/// `Display` is the message followed by ` at position N` when the position is known, e.g.
/// `unexpected token ')' at position 14`. Positions are 0-based byte offsets into the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}{}", .position.map(|p| format!(" at position {p}")).unwrap_or_default())]
pub struct FilterError {
    /// What is wrong, in words.
    pub message: String,
    /// 0-based byte offset in the input, when known (parse errors have one, SQL rendering
    /// errors do not because the AST carries no positions).
    pub position: Option<usize>,
}

impl FilterError {
    /// An error at a byte position of the input.
    pub fn at(message: impl Into<String>, position: usize) -> Self {
        Self {
            message: message.into(),
            position: Some(position),
        }
    }

    /// An error without a position.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            position: None,
        }
    }
}

/// Shortens user text quoted back in an error message, so a 4 KiB value doesn't echo whole.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}
