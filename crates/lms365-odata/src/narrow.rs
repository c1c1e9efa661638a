//! `CourseId eq N` among a filter's top-level `and`s becomes the list's course (resolved
//! once to its ledger id, the enrollments' indexed column) instead of a per-row comparison of
//! each enrollment's course number: the same rows, found through the index. A transformation of
//! the parsed filter, not a second parser.
use odata_filter::{CmpOp, Expr, Literal, Operand};

/// The course number a comparison names, when it is `CourseId eq <number>` (either order).
fn course_number(left: &Operand, right: &Operand) -> Option<String> {
    let (field, lit) = match (left, right) {
        (Operand::Field(f), Operand::Literal(l)) | (Operand::Literal(l), Operand::Field(f)) => {
            (f, l)
        }
        _ => return None,
    };
    if !field.path.eq_ignore_ascii_case("CourseId") || field.case.is_some() {
        return None;
    }
    match lit {
        Literal::Int(n) => Some(n.to_string()),
        Literal::String(s) if s.parse::<i64>().is_ok() => Some(s.clone()),
        _ => None,
    }
}

fn split(expr: Expr, found: &mut Vec<String>) -> Option<Expr> {
    match expr {
        Expr::And(a, b) => match (split(*a, found), split(*b, found)) {
            (Some(l), Some(r)) => Some(Expr::And(Box::new(l), Box::new(r))),
            (one, None) | (None, one) => one,
        },
        Expr::Compare {
            op: CmpOp::Eq,
            left,
            right,
        } => match course_number(&left, &right) {
            Some(n) => {
                found.push(n);
                None
            }
            None => Some(Expr::Compare {
                op: CmpOp::Eq,
                left,
                right,
            }),
        },
        other => Some(other),
    }
}

/// The filter without its top-level `CourseId eq N`, and N, when it names exactly one course
/// that way; otherwise the filter as it was and `None`.
pub fn course_of(expr: &Expr) -> (Option<Expr>, Option<String>) {
    let mut found = Vec::new();
    let rest = split(expr.clone(), &mut found);
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => (rest, Some(one.clone())),
        _ => (Some(expr.clone()), None),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use odata_filter::parse;

    #[test]
    fn the_course_is_taken_from_top_level_ands_only() {
        let (rest, c) =
            course_of(&parse("CourseId eq 101 and CoursePassingStatus eq 'X'").unwrap());
        assert_eq!(c.as_deref(), Some("101"));
        assert_eq!(rest, Some(parse("CoursePassingStatus eq 'X'").unwrap()));
        let (rest, c) = course_of(&parse("'102' eq CourseId").unwrap());
        assert_eq!((rest, c.as_deref()), (None, Some("102")));
        for kept in [
            "CourseId eq 101 or UserId eq 'x'",
            "not (CourseId eq 101)",
            "CourseId ne 101",
            "CourseId eq 101 and CourseId eq 102",
            "CourseId eq 'abc'",
        ] {
            let e = parse(kept).unwrap();
            assert_eq!(course_of(&e), (Some(e.clone()), None), "{kept}");
        }
    }
}
