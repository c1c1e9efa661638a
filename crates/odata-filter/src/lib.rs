//! The workspace's one implementation of OData-style filtering and sorting.
//!
//! Used by Absorb's `_filter`/`_sort` and LMS365's `$filter`/`$orderby`: [`parse`] turns
//! untrusted text into an [`Expr`]; [`to_sql`] renders it, against a caller's whitelist of
//! fields ([`FieldResolver`]), into SQL text plus bound values ([`SqlFilter`]). User values never
//! enter the SQL text.
//!
//! Text functions (`substringof`/`contains`, `startswith`, `endswith`) match
//! case-insensitively on both SQLite and PostgreSQL (`LOWER(col) LIKE lower(pattern)`), so the
//! two backends agree; `eq` on text is exact.
mod ast;
mod error;
mod lexer;
mod parser;
mod sort;
mod sql;

pub use ast::{CaseFn, CmpOp, Expr, FieldRef, Literal, Operand, TextFunc};
pub use error::FilterError;
pub use parser::parse;
pub use sort::{SortKey, parse_absorb_sort, parse_orderby, sort_to_sql};
pub use sql::{BindValue, Column, FieldResolver, SqlFilter, SqlPart, ValueKind, to_sql};
