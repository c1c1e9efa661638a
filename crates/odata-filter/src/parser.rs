//! Recursive-descent parser with depth and size limits.
//!
//! Precedence, loosest first: `or`, `and`, `not`, comparison. `not` applies to the whole
//! comparison that follows it (`not a eq 1` is `not (a eq 1)`), which is what users mean.
use crate::ast::{Expr, Literal, Operand};
use crate::error::{FilterError, clip};
use crate::lexer::{Tok, Token, lex};

mod calls;
mod compare;

/// Deepest nesting of parentheses / `not` accepted.
pub const MAX_DEPTH: usize = 32;
/// Most AST nodes (comparisons, text functions, `and`/`or`/`not`) accepted.
pub const MAX_NODES: usize = 200;

/// Words that can never be field names.
const RESERVED: [&str; 9] = ["and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le"];

/// Parses an OData filter expression (the text of a `$filter`) into an [`Expr`].
///
/// Input must already be URL-decoded. Errors carry the byte position of the offending token.
pub fn parse(input: &str) -> Result<Expr, FilterError> {
    let toks = lex(input)?;
    if toks.is_empty() {
        return Err(FilterError::new("the filter is empty"));
    }
    let mut p = Parser {
        src: input,
        toks,
        i: 0,
        depth: 0,
        nodes: 0,
    };
    let e = p.or()?;
    if p.i < p.toks.len() {
        return Err(p.err_here("unexpected"));
    }
    Ok(e)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    nodes: usize,
}

/// What a term turned out to be: a value-like operand, or already a boolean (a text function).
enum Term {
    Operand(Operand),
    Bool(Expr),
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.toks.get(self.i + ahead).map(|t| &t.tok)
    }

    /// Byte position of the current token (input length at the end).
    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.src.len(), |t| t.start)
    }

    /// The current token as shown to users, e.g. `token ')'` or `the end of the filter`.
    fn describe_here(&self) -> String {
        let Some(t) = self.toks.get(self.i) else {
            return "the end of the filter".into();
        };
        let text = clip(self.src.get(t.start..t.end).unwrap_or(""));
        match t.tok {
            Tok::Lit(Literal::String(_)) => format!("string {text}"),
            Tok::Lit(_) => format!("value '{text}'"),
            _ => format!("token '{text}'"),
        }
    }

    /// `"{prefix} {current token}"` at the current position.
    fn err_here(&self, prefix: &str) -> FilterError {
        FilterError::at(format!("{prefix} {}", self.describe_here()), self.pos())
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), FilterError> {
        if self.peek() == Some(want) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err_here(&format!("expected {what}, found")))
        }
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }

    fn node(&mut self) -> Result<(), FilterError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            let msg = format!("the filter has more than {MAX_NODES} terms");
            return Err(FilterError::at(msg, self.pos()));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.i += 1;
            self.node()?;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.i += 1;
            self.node()?;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    /// `not x`, `( x )` or a comparison; the only recursive step, hence the depth guard.
    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.depth >= MAX_DEPTH {
            let msg = format!("the filter is nested more than {MAX_DEPTH} levels deep");
            return Err(FilterError::at(msg, self.pos()));
        }
        self.depth += 1;
        let r = if self.keyword("not") {
            self.i += 1;
            self.node()?;
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if self.peek() == Some(&Tok::LParen) {
            self.i += 1;
            self.or()
                .and_then(|e| self.expect(&Tok::RParen, "')'").map(|()| e))
        } else {
            self.comparison()
        };
        self.depth -= 1;
        r
    }
}
