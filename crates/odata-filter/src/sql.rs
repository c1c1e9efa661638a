//! Rendering an [`Expr`] to SQL text plus bound values, against a field whitelist.
use crate::ast::{CaseFn, CmpOp, Expr, FieldRef, Literal, Operand, TextFunc};
use crate::error::FilterError;
use crate::lexer::{is_guid, parse_datetime};

/// The type of a filterable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Guid,
    Int,
    Float,
    Bool,
    /// i64 Unix epoch milliseconds.
    Timestamp,
}

/// A filterable column: its SQL (from the whitelist only) and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub sql: &'static str,
    pub kind: ValueKind,
    pub nullable: bool,
}

/// Maps a field path to a column; `None` = unknown field.
pub trait FieldResolver {
    /// The column for `path` (matching is the resolver's business).
    fn resolve(&self, path: &str) -> Option<Column>;
}

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum BindValue {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A piece of the rendered filter.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlPart {
    /// SQL text (never contains user values).
    Raw(String),
    /// A value for the caller's DB layer to bind.
    Bind(BindValue),
}

/// A rendered filter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlFilter {
    pub parts: Vec<SqlPart>,
}

impl SqlFilter {
    fn raw(&mut self, s: &str) {
        match self.parts.last_mut() {
            Some(SqlPart::Raw(r)) => r.push_str(s),
            _ => self.parts.push(SqlPart::Raw(s.to_string())),
        }
    }

    fn bind(&mut self, v: BindValue) {
        self.parts.push(SqlPart::Bind(v));
    }
}

/// Renders `expr`; unknown fields and ill-typed values are errors naming them.
pub fn to_sql(expr: &Expr, resolver: &dyn FieldResolver) -> Result<SqlFilter, FilterError> {
    let mut out = SqlFilter::default();
    render(expr, resolver, &mut out)?;
    Ok(out)
}

fn column(resolver: &dyn FieldResolver, f: &FieldRef) -> Result<Column, FilterError> {
    resolver
        .resolve(&f.path)
        .ok_or_else(|| FilterError::new(format!("unknown field '{}' in filter", f.path)))
}

fn col_sql(col: &Column, case: Option<CaseFn>) -> String {
    match case {
        Some(CaseFn::Lower) => format!("LOWER({})", col.sql),
        Some(CaseFn::Upper) => format!("UPPER({})", col.sql),
        None => col.sql.to_string(),
    }
}

fn render(expr: &Expr, r: &dyn FieldResolver, out: &mut SqlFilter) -> Result<(), FilterError> {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            out.raw("(");
            render(a, r, out)?;
            out.raw(if matches!(expr, Expr::And(..)) {
                " AND "
            } else {
                " OR "
            });
            render(b, r, out)?;
            out.raw(")");
        }
        Expr::Not(e) => {
            out.raw("NOT (");
            render(e, r, out)?;
            out.raw(")");
        }
        Expr::Field(f) => {
            let col = column(r, f)?;
            if col.kind != ValueKind::Bool || f.case.is_some() {
                return Err(FilterError::new(format!(
                    "field '{}' is not a boolean",
                    f.path
                )));
            }
            out.raw(&format!("({} = ", col.sql));
            out.bind(BindValue::Bool(true));
            out.raw(")");
        }
        Expr::Text { func, field, value } => {
            let col = column(r, field)?;
            if !matches!(col.kind, ValueKind::Text | ValueKind::Guid) {
                return Err(FilterError::new(format!(
                    "field '{}' is not text",
                    field.path
                )));
            }
            let esc = value
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = match func {
                TextFunc::Contains => format!("%{esc}%"),
                TextFunc::StartsWith => format!("{esc}%"),
                TextFunc::EndsWith => format!("%{esc}"),
            };
            out.raw(&format!("(LOWER({}) LIKE ", col.sql));
            out.bind(BindValue::Text(pattern));
            out.raw(" ESCAPE '\\')");
        }
        Expr::Compare { op, left, right } => {
            let (op, f, lit) = match (left, right) {
                (Operand::Field(f), Operand::Literal(l)) => (*op, f, l),
                (Operand::Literal(l), Operand::Field(f)) => (op.mirrored(), f, l),
                (Operand::Field(_), Operand::Field(_)) => {
                    return Err(FilterError::new("comparing two fields is not supported"));
                }
                _ => return Err(FilterError::new("a comparison needs a field on one side")),
            };
            let col = column(r, f)?;
            if f.case.is_some() && !matches!(col.kind, ValueKind::Text | ValueKind::Guid) {
                return Err(FilterError::new(format!(
                    "tolower/toupper need a text field, '{}' is not",
                    f.path
                )));
            }
            let lhs = col_sql(&col, f.case);
            if *lit == Literal::Null {
                let test = match op {
                    CmpOp::Eq => "IS NULL",
                    CmpOp::Ne => "IS NOT NULL",
                    _ => {
                        return Err(FilterError::new(format!(
                            "field '{}' can only be compared with null using eq or ne",
                            f.path
                        )));
                    }
                };
                out.raw(&format!("({lhs} {test})"));
                return Ok(());
            }
            let value = coerce(&col, &f.path, lit, f.case)?;
            out.raw(&format!("({lhs} {} ", op.sql()));
            out.bind(value);
            out.raw(")");
        }
    }
    Ok(())
}

fn coerce(
    col: &Column,
    path: &str,
    lit: &Literal,
    case: Option<CaseFn>,
) -> Result<BindValue, FilterError> {
    let mismatch = |want: &str| {
        let got = match lit {
            Literal::String(s) => format!("'{s}'"),
            Literal::Int(n) => n.to_string(),
            Literal::Decimal(d) => d.to_string(),
            Literal::Bool(b) => b.to_string(),
            Literal::Guid(g) => format!("guid'{g}'"),
            Literal::DateTime(_) => "a date-time".into(),
            Literal::Null => "null".into(),
        };
        FilterError::new(format!("field '{path}' expects {want}, got {got}"))
    };
    let apply_case = |s: &str| match case {
        Some(CaseFn::Lower) => s.to_lowercase(),
        Some(CaseFn::Upper) => s.to_uppercase(),
        None => s.to_string(),
    };
    Ok(match (col.kind, lit) {
        (ValueKind::Text, Literal::String(s) | Literal::Guid(s)) => BindValue::Text(apply_case(s)),
        (ValueKind::Guid, Literal::Guid(g)) => BindValue::Text(apply_case(g)),
        (ValueKind::Guid, Literal::String(s)) if is_guid(s) => {
            BindValue::Text(apply_case(&s.to_ascii_lowercase()))
        }
        (ValueKind::Guid, _) => return Err(mismatch("a GUID")),
        (ValueKind::Int, Literal::Int(n)) => BindValue::Int(*n),
        (ValueKind::Int, _) => return Err(mismatch("an integer")),
        (ValueKind::Float, Literal::Int(n)) => BindValue::Float(*n as f64),
        (ValueKind::Float, Literal::Decimal(d)) => BindValue::Float(*d),
        (ValueKind::Float, _) => return Err(mismatch("a number")),
        (ValueKind::Bool, Literal::Bool(b)) => BindValue::Bool(*b),
        (ValueKind::Bool, _) => return Err(mismatch("true or false")),
        (ValueKind::Timestamp, Literal::DateTime(t)) => BindValue::Int(millis(*t)),
        (ValueKind::Timestamp, Literal::String(s)) => match parse_datetime(s) {
            Some(t) => BindValue::Int(millis(t)),
            None => return Err(mismatch("a date-time")),
        },
        (ValueKind::Timestamp, _) => return Err(mismatch("a date-time")),
        (ValueKind::Text, _) => return Err(mismatch("a string")),
    })
}

fn millis(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}
