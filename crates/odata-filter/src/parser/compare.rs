//! Comparisons and their operands.
use super::{Parser, RESERVED, Term};
use crate::ast::{CmpOp, Expr, Literal, Operand};
use crate::error::FilterError;
use crate::lexer::Tok;

impl Parser<'_> {
    fn cmp_op(&self) -> Option<CmpOp> {
        let Some(Tok::Ident(s)) = self.peek() else {
            return None;
        };
        Some(match s.to_ascii_lowercase().as_str() {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            _ => return None,
        })
    }

    pub(super) fn comparison(&mut self) -> Result<Expr, FilterError> {
        self.node()?;
        let left = self.term()?;
        let Some(op) = self.cmp_op() else {
            return match left {
                Term::Bool(e) => Ok(e),
                Term::Operand(Operand::Field(f)) if f.case.is_none() => Ok(Expr::Field(f)),
                Term::Operand(_) => Err(self.err_here("expected a comparison operator, found")),
            };
        };
        self.i += 1;
        let rpos = self.pos();
        let right = self.term()?;
        match (left, right) {
            (Term::Operand(l), Term::Operand(r)) => Ok(Expr::Compare {
                op,
                left: l,
                right: r,
            }),
            // OData v2 style: `substringof('x', f) eq true`.
            (Term::Bool(e), Term::Operand(Operand::Literal(Literal::Bool(b)))) => match (op, b) {
                (CmpOp::Eq, true) | (CmpOp::Ne, false) => Ok(e),
                (CmpOp::Eq, false) | (CmpOp::Ne, true) => Ok(Expr::Not(Box::new(e))),
                _ => Err(bool_cmp_error(rpos)),
            },
            _ => Err(bool_cmp_error(rpos)),
        }
    }

    /// A literal, field, `tolower`/`toupper(field)` or text function.
    fn term(&mut self) -> Result<Term, FilterError> {
        let Some(Tok::Ident(name)) = self.peek().cloned() else {
            return match self.peek().cloned() {
                Some(Tok::Lit(l)) => {
                    self.i += 1;
                    Ok(Term::Operand(Operand::Literal(l)))
                }
                _ => Err(self.err_here("expected a field or a value, found")),
            };
        };
        if RESERVED.iter().any(|k| name.eq_ignore_ascii_case(k)) {
            return Err(self.err_here("expected a field or a value, found"));
        }
        let lower = name.to_ascii_lowercase();
        if self.peek_at(1) == Some(&Tok::LParen) {
            return match lower.as_str() {
                "tolower" | "toupper" => Ok(Term::Operand(Operand::Field(self.field_arg()?))),
                _ => self.text_call().map(Term::Bool),
            };
        }
        let lit = match lower.as_str() {
            "true" => Literal::Bool(true),
            "false" => Literal::Bool(false),
            "null" => Literal::Null,
            _ => return Ok(Term::Operand(Operand::Field(self.field_arg()?))),
        };
        self.i += 1;
        Ok(Term::Operand(Operand::Literal(lit)))
    }
}

fn bool_cmp_error(pos: usize) -> FilterError {
    FilterError::at(
        "a text function can only be compared with eq/ne true/false",
        pos,
    )
}
