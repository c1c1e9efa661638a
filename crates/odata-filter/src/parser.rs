//! Recursive-descent parser: `or` < `and` < `not` < comparison, with depth and size limits.
use crate::ast::{CaseFn, CmpOp, Expr, FieldRef, Literal, Operand, TextFunc};
use crate::error::FilterError;
use crate::lexer::{Tok, lex};

const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 200;

/// Parses a filter expression.
pub fn parse(input: &str) -> Result<Expr, FilterError> {
    let toks = lex(input)?;
    if toks.is_empty() {
        return Err(FilterError::new("the filter is empty"));
    }
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
        nodes: 0,
        len: input.len(),
    };
    let e = p.or()?;
    if let Some((t, pos)) = p.toks.get(p.i) {
        return Err(FilterError::at(format!("unexpected {}", describe(t)), *pos));
    }
    Ok(e)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    depth: usize,
    nodes: usize,
    len: usize,
}

enum Term {
    Operand(Operand),
    Bool(Expr),
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::Ident(s) => format!("'{s}'"),
        Tok::Lit(_) => "literal".into(),
    }
}

impl Parser {
    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.len, |t| t.1)
    }

    fn node(&mut self) -> Result<(), FilterError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(FilterError::new(format!(
                "the filter has more than {MAX_NODES} terms"
            )));
        }
        Ok(())
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.i), Some((Tok::Ident(s), _)) if s.eq_ignore_ascii_case(kw))
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), FilterError> {
        match self.toks.get(self.i) {
            Some((t, _)) if t == want => {
                self.i += 1;
                Ok(())
            }
            Some((t, pos)) => Err(FilterError::at(
                format!("expected {what}, found {}", describe(t)),
                *pos,
            )),
            None => Err(FilterError::at(
                format!("expected {what}, found the end of the filter"),
                self.len,
            )),
        }
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

    fn unary(&mut self) -> Result<Expr, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::at(
                format!("the filter is nested deeper than {MAX_DEPTH} levels"),
                self.pos(),
            ));
        }
        let r = if self.keyword("not") {
            self.i += 1;
            self.node()?;
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if matches!(self.toks.get(self.i), Some((Tok::LParen, _))) {
            self.i += 1;
            let e = self.or()?;
            self.expect(&Tok::RParen, "')'")?;
            Ok(e)
        } else {
            self.comparison()
        };
        self.depth -= 1;
        r
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        let Some((Tok::Ident(s), _)) = self.toks.get(self.i) else {
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

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        self.node()?;
        let start = self.pos();
        let left = self.term()?;
        let Some(op) = self.cmp_op() else {
            return match left {
                Term::Bool(e) => Ok(e),
                Term::Operand(Operand::Field(f)) => Ok(Expr::Field(f)),
                Term::Operand(Operand::Literal(_)) => Err(FilterError::at(
                    "expected a comparison after the literal",
                    start,
                )),
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
            // `substringof('x', f) eq true` (OData v2 style).
            (Term::Bool(e), Term::Operand(Operand::Literal(Literal::Bool(b)))) => match (op, b) {
                (CmpOp::Eq, true) | (CmpOp::Ne, false) => Ok(e),
                (CmpOp::Eq, false) | (CmpOp::Ne, true) => Ok(Expr::Not(Box::new(e))),
                _ => Err(FilterError::at(
                    "a text function can only be compared with eq/ne true/false",
                    rpos,
                )),
            },
            _ => Err(FilterError::at(
                "a text function can only be compared with eq/ne true/false",
                rpos,
            )),
        }
    }

    fn term(&mut self) -> Result<Term, FilterError> {
        let pos = self.pos();
        match self.toks.get(self.i).cloned() {
            Some((Tok::Lit(l), _)) => {
                self.i += 1;
                Ok(Term::Operand(Operand::Literal(l)))
            }
            Some((Tok::Ident(name), _)) => {
                self.i += 1;
                if matches!(self.toks.get(self.i), Some((Tok::LParen, _))) {
                    self.i += 1;
                    return self.call(&name, pos);
                }
                Ok(Term::Operand(Operand::Literal(
                    match name.to_ascii_lowercase().as_str() {
                        "true" => Literal::Bool(true),
                        "false" => Literal::Bool(false),
                        "null" => Literal::Null,
                        _ => {
                            return Ok(Term::Operand(Operand::Field(FieldRef {
                                path: name,
                                case: None,
                            })));
                        }
                    },
                )))
            }
            Some((t, p)) => Err(FilterError::at(
                format!("expected a field or a value, found {}", describe(&t)),
                p,
            )),
            None => Err(FilterError::at(
                "expected a field or a value, found the end of the filter",
                pos,
            )),
        }
    }

    fn field_arg(&mut self) -> Result<FieldRef, FilterError> {
        let pos = self.pos();
        match self.term()? {
            Term::Operand(Operand::Field(f)) => Ok(f),
            _ => Err(FilterError::at("expected a field name", pos)),
        }
    }

    fn string_arg(&mut self) -> Result<String, FilterError> {
        match self.toks.get(self.i).cloned() {
            Some((Tok::Lit(Literal::String(s)), _)) => {
                self.i += 1;
                Ok(s)
            }
            _ => Err(FilterError::at("expected a quoted string", self.pos())),
        }
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Term, FilterError> {
        let lower = name.to_ascii_lowercase();
        let term = match lower.as_str() {
            "tolower" | "toupper" => {
                let mut f = self.field_arg()?;
                if f.case.is_some() {
                    return Err(FilterError::at("tolower/toupper cannot be nested", pos));
                }
                f.case = Some(if lower == "tolower" {
                    CaseFn::Lower
                } else {
                    CaseFn::Upper
                });
                Term::Operand(Operand::Field(f))
            }
            "substringof" => {
                let value = self.string_arg()?;
                self.expect(&Tok::Comma, "','")?;
                let field = self.field_arg()?;
                Term::Bool(Expr::Text {
                    func: TextFunc::Contains,
                    field,
                    value,
                })
            }
            "contains" | "startswith" | "endswith" => {
                let field = self.field_arg()?;
                self.expect(&Tok::Comma, "','")?;
                let value = self.string_arg()?;
                let func = match lower.as_str() {
                    "contains" => TextFunc::Contains,
                    "startswith" => TextFunc::StartsWith,
                    _ => TextFunc::EndsWith,
                };
                Term::Bool(Expr::Text { func, field, value })
            }
            _ => return Err(FilterError::at(format!("unknown function '{name}'"), pos)),
        };
        self.expect(&Tok::RParen, "')'")?;
        Ok(term)
    }
}
