//! Rendering an [`Expr`] to SQL text plus bound values, against a whitelist of fields.
//!
//! Field SQL comes only from the caller's [`FieldResolver`]; every user value becomes a
//! [`SqlPart::Bind`]. [`SqlPart::Raw`] never contains a placeholder: the caller's DB layer
//! writes `?`/`$n` itself when it binds each value (diesel's `push_bind_param`).
//! The semantics (case-insensitive text functions, null handling) are in the crate docs.
use crate::ast::Expr;
use crate::error::FilterError;

mod render;

/// The type of a filterable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text; compared exactly, matched case-insensitively by text functions.
    Text,
    /// A GUID stored as lowercase hyphenated text.
    Guid,
    /// A 64-bit integer.
    Int,
    /// A floating-point number.
    Float,
    /// A boolean.
    Bool,
    /// An instant stored as i64 Unix epoch milliseconds.
    Timestamp,
    /// A whole number stored as text (the ids of a number-keyed dialect): compared with an
    /// integer literal (`CourseId eq 101`) or a quoted one (`'101'`), bound as its text.
    NumberText,
}

/// A filterable column: its SQL (from the whitelist only, never user text) and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// SQL text for the column or expression, e.g. `learners.email`.
    pub sql: &'static str,
    /// How literals are checked and bound against it.
    pub kind: ValueKind,
    /// Whether it may be NULL (changes `ne` and negated comparisons, see the module docs).
    pub nullable: bool,
}

impl Column {
    /// A NOT NULL column.
    pub const fn new(sql: &'static str, kind: ValueKind) -> Self {
        Self {
            sql,
            kind,
            nullable: false,
        }
    }

    /// A nullable column.
    pub const fn nullable(sql: &'static str, kind: ValueKind) -> Self {
        Self {
            sql,
            kind,
            nullable: true,
        }
    }
}

/// Maps a field path to a column; `None` means the field is unknown (and is an error).
pub trait FieldResolver {
    /// The column for `path`. Matching is the resolver's business; it should ignore case.
    fn resolve(&self, path: &str) -> Option<Column>;
}

/// A [`FieldResolver`] over a fixed table, matching paths ASCII-case-insensitively.
#[derive(Debug, Clone, Copy)]
pub struct FieldTable<'a>(pub &'a [(&'a str, Column)]);

impl FieldResolver for FieldTable<'_> {
    fn resolve(&self, path: &str) -> Option<Column> {
        self.0
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(path))
            .map(|(_, c)| *c)
    }
}

/// A value for the caller's DB layer to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum BindValue {
    /// Bind as text.
    Text(String),
    /// Bind as a 64-bit integer (also timestamps, as epoch milliseconds).
    Int(i64),
    /// Bind as a double.
    Float(f64),
    /// Bind as a boolean.
    Bool(bool),
}

/// A piece of the rendered filter.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlPart {
    /// SQL text: whitelisted column SQL, operators and parentheses only.
    Raw(String),
    /// One bound value, standing where its placeholder goes.
    Bind(BindValue),
}

/// A rendered filter: a boolean SQL expression as a sequence of raw text and binds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlFilter {
    /// Adjacent raw pieces are merged, so raw and binds alternate.
    pub parts: Vec<SqlPart>,
}

impl SqlFilter {
    /// The SQL with each bind replaced by `placeholder(n)` (n counts from 1), and the values in
    /// order; for logging, tests, or DB layers that take SQL text plus a parameter list.
    pub fn with_placeholders(
        &self,
        mut placeholder: impl FnMut(usize) -> String,
    ) -> (String, Vec<BindValue>) {
        let (mut sql, mut binds) = (String::new(), Vec::new());
        for part in &self.parts {
            match part {
                SqlPart::Raw(s) => sql.push_str(s),
                SqlPart::Bind(v) => {
                    binds.push(v.clone());
                    sql.push_str(&placeholder(binds.len()));
                }
            }
        }
        (sql, binds)
    }

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

/// Renders `expr` against `resolver`. Unknown fields and ill-typed values are errors that name
/// the field and are fit to show the API user.
pub fn to_sql(expr: &Expr, resolver: &dyn FieldResolver) -> Result<SqlFilter, FilterError> {
    let mut out = SqlFilter::default();
    render::render(expr, resolver, false, &mut out)?;
    Ok(out)
}
