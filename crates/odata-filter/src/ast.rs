//! The parsed expression tree.
use time::OffsetDateTime;

/// A boolean filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `left and right`.
    And(Box<Expr>, Box<Expr>),
    /// `left or right`.
    Or(Box<Expr>, Box<Expr>),
    /// `not inner`.
    Not(Box<Expr>),
    /// `left op right`; the parser accepts any operands, [`crate::to_sql`] requires exactly one
    /// field and one literal (in either order).
    Compare {
        /// The operator.
        op: CmpOp,
        /// Left operand as written.
        left: Operand,
        /// Right operand as written.
        right: Operand,
    },
    /// `substringof('v', f)` / `contains(f, 'v')`, `startswith(f, 'v')`, `endswith(f, 'v')`.
    Text {
        /// Which match.
        func: TextFunc,
        /// The field searched.
        field: FieldRef,
        /// The text searched for, unescaped (no LIKE wildcards: `%` means a percent sign).
        value: String,
    },
    /// A bare boolean field used as a condition (`isActive` means `isActive eq true`).
    Field(FieldRef),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

impl CmpOp {
    /// The operator with its sides swapped (`5 lt a` ⇔ `a gt 5`).
    pub fn mirrored(self) -> Self {
        match self {
            Self::Gt => Self::Lt,
            Self::Ge => Self::Le,
            Self::Lt => Self::Gt,
            Self::Le => Self::Ge,
            other => other,
        }
    }

    /// The SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
        }
    }
}

/// Text-matching functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFunc {
    /// `substringof('v', f)` (OData v2) or `contains(f, 'v')` (OData v4).
    Contains,
    /// `startswith(f, 'v')`.
    StartsWith,
    /// `endswith(f, 'v')`.
    EndsWith,
}

/// A case-mapping function applied to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFn {
    /// `tolower(f)`
    Lower,
    /// `toupper(f)`
    Upper,
}

/// A field path (`name`, `customFields/string1`), optionally wrapped in a case function.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    /// The path exactly as written (resolvers should match it case-insensitively).
    pub path: String,
    /// `tolower`/`toupper` around the field, if any.
    pub case: Option<CaseFn>,
}

impl FieldRef {
    /// A plain field reference without a case function.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            case: None,
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A field, possibly case-mapped.
    Field(FieldRef),
    /// A constant.
    Literal(Literal),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer without a fraction (`42`, `-7`, `42L`).
    Int(i64),
    /// A finite number with a fraction, exponent or `m`/`d`/`f` suffix (`1.5`, `2m`).
    Decimal(f64),
    /// A quoted string with `''` unescaped to `'`.
    String(String),
    /// `guid'…'` or a bare 8-4-4-4-12 GUID, normalised to lowercase.
    Guid(String),
    /// `datetime'…'`, `datetimeoffset'…'` or a bare date-time; no offset means UTC.
    DateTime(OffsetDateTime),
}

/// Whether `s` is a usable field path: `/`-separated non-empty segments of ASCII letters,
/// digits, `_` and `.`, starting with a letter or `_`.
pub(crate) fn is_field_path(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        })
}
