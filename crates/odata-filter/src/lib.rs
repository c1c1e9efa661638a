//! The workspace's one implementation of OData-style filtering and sorting.
//!
//! Vendor-neutral: it knows OData's filter grammar and `$orderby`, no vendor's field names or
//! dialect. [`parse`] turns untrusted, already URL-decoded text into an [`Expr`]; [`to_sql`]
//! renders it against the caller's whitelist of fields ([`FieldResolver`]) into SQL text plus
//! bound values ([`SqlFilter`]). [`parse_orderby`] reads an OData `$orderby` into [`SortKey`]s
//! and [`sort_to_sql`] renders keys against the same whitelist; a facade whose vendor writes
//! sorts another way parses them into [`SortKey`]s itself. User values never enter the SQL
//! text, and field SQL only ever comes from the whitelist.
//!
//! Grammar: `eq ne gt ge lt le`, `and or not`, parentheses; `substringof('v', f)`,
//! `contains(f, 'v')`, `startswith`, `endswith`; `tolower(f)`, `toupper(f)`; a bare boolean
//! field (`isActive`); paths with `/`. Keywords and function names are case-insensitive.
//! Literals: `'strings'` (`''` escapes a quote), integers, decimals (`1.5`, `2m`), `true`,
//! `false`, `null`, `guid'…'` or a bare GUID, `datetime'…'`/`datetimeoffset'…'` or a bare
//! date-time (RFC 3339; no offset means UTC).
//!
//! [`parse_options`] reads a request's OData system query options (`$filter`, `$orderby`,
//! `$top`, `$skip`, `$select`, `$expand`, `$count`) against an entity's [`Vocabulary`];
//! [`QueryOptions::page`], [`QueryOptions::next`] and [`next_link`] do server-driven paging.
//!
//! Limits: [`MAX_INPUT_LEN`] bytes, [`MAX_DEPTH`] levels of nesting, [`MAX_NODES`] nodes,
//! [`MAX_SORT_KEYS`] sort keys. Exceeding them is an error, never a panic or stack overflow.
//!
//! SQL semantics callers should know:
//! - [`SqlPart::Raw`] never contains a placeholder: the caller's DB layer writes `?`/`$n` when
//!   it binds each [`SqlPart::Bind`] (diesel's `push_bind_param`). Every comparison, `and` and
//!   `or` is parenthesised, so the fragment can be `AND`ed into a larger WHERE safely.
//! - Text functions (`contains`/`substringof`, `startswith`, `endswith`) are case-insensitive
//!   on purpose: `(LOWER(col) LIKE ? ESCAPE '\')` with a lowercased pattern whose `%`, `_` and
//!   `\` are escaped, so SQLite (whose `LIKE` ignores ASCII case) and PostgreSQL (whose `LIKE`
//!   does not) agree. Only ASCII folding is identical: SQLite's `LOWER` leaves non-ASCII alone.
//! - `eq` on text is exact (case-sensitive); `tolower(f) eq 'Bob'` binds `'bob'` because for
//!   `eq`/`ne` the literal goes through the same case function. `tolower`/`toupper` and text
//!   functions only apply to [`ValueKind::Text`]/[`ValueKind::Guid`] columns.
//! - GUIDs are bound as lowercase text; timestamps as i64 Unix epoch milliseconds.
//! - Null follows OData's two-valued comparisons: `f eq null` is `col IS NULL`; on a nullable
//!   column `ne` also matches NULL (`(col IS NULL OR col <> ?)`), and inside a `not` the other
//!   comparisons are guarded (`col IS NOT NULL AND col > ?`) so `not (score gt 5)` matches rows
//!   without a score.
//!
//! ```
//! use odata_filter::{BindValue, Column, FieldTable, ValueKind, parse, to_sql};
//!
//! const FIELDS: &[(&str, Column)] = &[
//!     ("lastName", Column::new("learners.last_name", ValueKind::Text)),
//!     ("status", Column::new("enrollments.status", ValueKind::Int)),
//! ];
//! let expr = parse("startswith(lastName,'O''B') and not (status eq 3)")?;
//! let filter = to_sql(&expr, &FieldTable(FIELDS))?;
//! let (sql, binds) = filter.with_placeholders(|n| format!("${n}"));
//! assert_eq!(
//!     sql,
//!     r"((LOWER(learners.last_name) LIKE $1 ESCAPE '\') AND NOT ((enrollments.status = $2)))"
//! );
//! assert_eq!(binds, [BindValue::Text("o'b%".into()), BindValue::Int(3)]);
//!
//! let err = to_sql(&parse("email eq 'x'")?, &FieldTable(FIELDS)).unwrap_err();
//! assert_eq!(err.to_string(), "unknown field 'email' in filter");
//! # Ok::<(), odata_filter::FilterError>(())
//! ```
#![warn(missing_docs)]

mod ast;
mod coerce;
mod error;
mod lexer;
mod literal;
mod parser;
mod query;
mod sort;
mod sql;

pub use ast::{CaseFn, CmpOp, Expr, FieldRef, Literal, Operand, TextFunc};
pub use error::FilterError;
pub use lexer::MAX_INPUT_LEN;
pub use parser::{MAX_DEPTH, MAX_NODES, parse};
pub use query::{Page, QueryOptions, Vocabulary, next_link, parse_options};
pub use sort::{MAX_SORT_KEYS, SortKey, parse_orderby, parse_sort_list, sort_to_sql};
pub use sql::{
    BindValue, Column, FieldResolver, FieldTable, SqlFilter, SqlPart, ValueKind, to_sql,
};
