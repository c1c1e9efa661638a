//! The parsed expression.
use time::OffsetDateTime;

/// A boolean filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `left op right`.
    Compare {
        op: CmpOp,
        left: Operand,
        right: Operand,
    },
    /// `substringof`/`contains`, `startswith`, `endswith`.
    Text {
        func: TextFunc,
        field: FieldRef,
        value: String,
    },
    /// A bare boolean field (`isActive`).
    Field(FieldRef),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    /// The operator with its sides swapped (`a lt b` ⇔ `b gt a`).
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
    Contains,
    StartsWith,
    EndsWith,
}

/// `tolower` / `toupper`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFn {
    Lower,
    Upper,
}

/// A field path, optionally wrapped in a case function.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    pub path: String,
    pub case: Option<CaseFn>,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Field(FieldRef),
    Literal(Literal),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Decimal(f64),
    String(String),
    /// Lowercase 8-4-4-4-12 form.
    Guid(String),
    DateTime(OffsetDateTime),
}
