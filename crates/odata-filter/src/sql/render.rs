//! Walking the expression and emitting raw SQL and binds.
use super::{BindValue, Column, FieldResolver, SqlFilter, ValueKind};
use crate::ast::{CaseFn, CmpOp, Expr, FieldRef, Literal, Operand, TextFunc};
use crate::coerce::bind_value;
use crate::error::{FilterError, clip};

fn column(resolver: &dyn FieldResolver, f: &FieldRef) -> Result<Column, FilterError> {
    resolver
        .resolve(&f.path)
        .ok_or_else(|| FilterError::new(format!("unknown field '{}' in filter", clip(&f.path))))
}

fn is_textual(kind: ValueKind) -> bool {
    matches!(kind, ValueKind::Text | ValueKind::Guid)
}

/// `negated`: some ancestor is a `not`, so a NULL comparison result would wrongly stay NULL.
pub(super) fn render(
    expr: &Expr,
    r: &dyn FieldResolver,
    negated: bool,
    out: &mut SqlFilter,
) -> Result<(), FilterError> {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            out.raw("(");
            render(a, r, negated, out)?;
            out.raw(if matches!(expr, Expr::And(..)) {
                " AND "
            } else {
                " OR "
            });
            render(b, r, negated, out)?;
            out.raw(")");
        }
        Expr::Not(e) => {
            out.raw("NOT (");
            render(e, r, true, out)?;
            out.raw(")");
        }
        Expr::Field(f) => {
            let col = column(r, f)?;
            if col.kind != ValueKind::Bool || f.case.is_some() {
                let msg = format!(
                    "field '{}' is not a boolean; compare it with a value instead",
                    f.path
                );
                return Err(FilterError::new(msg));
            }
            out.raw(&format!("({} = ", col.sql));
            out.bind(BindValue::Bool(true));
            out.raw(")");
        }
        Expr::Text { func, field, value } => {
            let col = column(r, field)?;
            if !is_textual(col.kind) {
                let msg = format!(
                    "field '{}' is not text, so it cannot be searched with a text function",
                    field.path
                );
                return Err(FilterError::new(msg));
            }
            out.raw(&format!("(LOWER({}) LIKE ", col.sql));
            out.bind(BindValue::Text(like_pattern(*func, value)));
            out.raw(" ESCAPE '\\')");
        }
        Expr::Compare { op, left, right } => compare(*op, left, right, r, negated, out)?,
    }
    Ok(())
}

/// The LIKE pattern for `value`: lowercased, `\`, `%`, `_` escaped with `\`, then wrapped.
fn like_pattern(func: TextFunc, value: &str) -> String {
    let mut esc = String::with_capacity(value.len() + 2);
    for c in value.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            esc.push('\\');
        }
        esc.push(c);
    }
    match func {
        TextFunc::Contains => format!("%{esc}%"),
        TextFunc::StartsWith => format!("{esc}%"),
        TextFunc::EndsWith => format!("%{esc}"),
    }
}

fn compare(
    op: CmpOp,
    left: &Operand,
    right: &Operand,
    r: &dyn FieldResolver,
    negated: bool,
    out: &mut SqlFilter,
) -> Result<(), FilterError> {
    let (op, f, lit) = match (left, right) {
        (Operand::Field(f), Operand::Literal(l)) => (op, f, l),
        (Operand::Literal(l), Operand::Field(f)) => (op.mirrored(), f, l),
        (Operand::Field(_), Operand::Field(_)) => {
            return Err(FilterError::new("comparing two fields is not supported"));
        }
        (Operand::Literal(_), Operand::Literal(_)) => {
            return Err(FilterError::new(
                "a comparison needs a field on one side, found two values",
            ));
        }
    };
    let col = column(r, f)?;
    if f.case.is_some() && !is_textual(col.kind) {
        let msg = format!(
            "tolower/toupper need a text field, and '{}' is not text",
            f.path
        );
        return Err(FilterError::new(msg));
    }
    let lhs = match f.case {
        Some(CaseFn::Lower) => format!("LOWER({})", col.sql),
        Some(CaseFn::Upper) => format!("UPPER({})", col.sql),
        None => col.sql.to_string(),
    };
    if *lit == Literal::Null {
        let test = match op {
            CmpOp::Eq => "IS NULL",
            CmpOp::Ne => "IS NOT NULL",
            _ => {
                let msg = format!(
                    "field '{}' can only be compared with null using eq or ne",
                    f.path
                );
                return Err(FilterError::new(msg));
            }
        };
        out.raw(&format!("({} {test})", col.sql));
        return Ok(());
    }
    let value = bind_value(&col, f, op, lit)?;
    let guard = match (col.nullable, op) {
        (true, CmpOp::Ne) => format!("{} IS NULL OR ", col.sql),
        (true, _) if negated => format!("{} IS NOT NULL AND ", col.sql),
        _ => String::new(),
    };
    out.raw(&format!("({guard}{lhs} {} ", op.sql()));
    out.bind(value);
    out.raw(")");
    Ok(())
}
