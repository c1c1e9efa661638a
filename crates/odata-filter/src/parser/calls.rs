//! Function calls: `tolower`/`toupper` around a field, and the text functions.
use super::{Parser, RESERVED};
use crate::ast::{CaseFn, Expr, FieldRef, Literal, TextFunc};
use crate::error::{FilterError, clip};
use crate::lexer::Tok;

impl Parser<'_> {
    /// A field name, or `tolower(field)` / `toupper(field)` (not nested).
    pub(super) fn field_arg(&mut self) -> Result<FieldRef, FilterError> {
        let name = self.plain_field()?;
        if self.peek() != Some(&Tok::LParen) {
            return Ok(FieldRef {
                path: name,
                case: None,
            });
        }
        let case = match name.to_ascii_lowercase().as_str() {
            "tolower" => CaseFn::Lower,
            "toupper" => CaseFn::Upper,
            _ => {
                self.i -= 1;
                return Err(self.err_here("expected a field name, found"));
            }
        };
        self.i += 1;
        let path = self.plain_field()?;
        if self.peek() == Some(&Tok::LParen) {
            self.i -= 1;
            return Err(self.err_here("tolower/toupper take a plain field name, found"));
        }
        self.expect(&Tok::RParen, "')'")?;
        Ok(FieldRef {
            path,
            case: Some(case),
        })
    }

    /// An identifier that is not a keyword or literal word.
    fn plain_field(&mut self) -> Result<String, FilterError> {
        match self.peek() {
            Some(Tok::Ident(s))
                if !RESERVED
                    .iter()
                    .chain(&["true", "false", "null"])
                    .any(|k| s.eq_ignore_ascii_case(k)) =>
            {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err_here("expected a field name, found")),
        }
    }

    fn string_arg(&mut self) -> Result<String, FilterError> {
        match self.peek() {
            Some(Tok::Lit(Literal::String(s))) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err_here("expected a quoted string, found")),
        }
    }

    /// `substringof('v', f)`, `contains(f, 'v')`, `startswith(f, 'v')`, `endswith(f, 'v')`;
    /// the current token is the function name.
    pub(super) fn text_call(&mut self) -> Result<Expr, FilterError> {
        let pos = self.pos();
        let name = match self.peek() {
            Some(Tok::Ident(s)) => s.clone(),
            _ => String::new(),
        };
        let lower = name.to_ascii_lowercase();
        let func = match lower.as_str() {
            "substringof" | "contains" => TextFunc::Contains,
            "startswith" => TextFunc::StartsWith,
            "endswith" => TextFunc::EndsWith,
            _ => {
                let msg = format!("unknown function '{}'", clip(&name));
                return Err(FilterError::at(msg, pos));
            }
        };
        self.i += 2; // name and '('
        let (field, value) = if lower == "substringof" {
            let value = self.string_arg()?;
            self.expect(&Tok::Comma, "','")?;
            (self.field_arg()?, value)
        } else {
            let field = self.field_arg()?;
            self.expect(&Tok::Comma, "','")?;
            (field, self.string_arg()?)
        };
        self.expect(&Tok::RParen, "')'")?;
        Ok(Expr::Text { func, field, value })
    }
}
