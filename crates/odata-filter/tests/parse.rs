//! Parsing: Absorb's documented examples, the OData v4 forms, precedence and errors.
// Helpers outside `#[test]` fns also unwrap; clippy's test exemption doesn't reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use odata_filter::{
    CaseFn, CmpOp, Expr, FieldRef, FilterError, Literal, MAX_INPUT_LEN, Operand, TextFunc, parse,
};
use time::macros::datetime;

fn field(p: &str) -> Operand {
    Operand::Field(FieldRef::new(p))
}

fn lit(l: Literal) -> Operand {
    Operand::Literal(l)
}

fn cmp(op: CmpOp, f: &str, l: Literal) -> Expr {
    Expr::Compare {
        op,
        left: field(f),
        right: lit(l),
    }
}

fn s(v: &str) -> Literal {
    Literal::String(v.into())
}

fn err(input: &str) -> FilterError {
    parse(input).expect_err(input)
}

#[test]
fn absorb_documented_examples() {
    assert_eq!(
        parse("firstname eq 'Jeffrey'").unwrap(),
        cmp(CmpOp::Eq, "firstname", s("Jeffrey"))
    );
    assert_eq!(
        parse("id eq guid'A14C149C-4a1d-4c2b-a1a8-5e2dfc0b3a9e'").unwrap(),
        cmp(
            CmpOp::Eq,
            "id",
            Literal::Guid("a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e".into())
        )
    );
    assert_eq!(
        parse("startsWith(lastname,'leb') or dateAdded ge datetime'1998-03-06T20:38:07Z'").unwrap(),
        Expr::Or(
            Box::new(Expr::Text {
                func: TextFunc::StartsWith,
                field: FieldRef::new("lastname"),
                value: "leb".into()
            }),
            Box::new(cmp(
                CmpOp::Ge,
                "dateAdded",
                Literal::DateTime(datetime!(1998-03-06 20:38:07 UTC))
            )),
        )
    );
    assert_eq!(
        parse("substringof('eff', firstName)").unwrap(),
        Expr::Text {
            func: TextFunc::Contains,
            field: FieldRef::new("firstName"),
            value: "eff".into()
        }
    );
    assert_eq!(
        parse("not (status eq 3)").unwrap(),
        Expr::Not(Box::new(cmp(CmpOp::Eq, "status", Literal::Int(3))))
    );
    assert_eq!(
        parse("tolower(username) eq 'bob'").unwrap(),
        Expr::Compare {
            op: CmpOp::Eq,
            left: Operand::Field(FieldRef {
                path: "username".into(),
                case: Some(CaseFn::Lower)
            }),
            right: lit(s("bob")),
        }
    );
    assert_eq!(
        parse("isActive").unwrap(),
        Expr::Field(FieldRef::new("isActive"))
    );
    assert_eq!(
        parse("not isActive").unwrap(),
        Expr::Not(Box::new(Expr::Field(FieldRef::new("isActive"))))
    );
    assert_eq!(
        parse("customFields/string1 eq 'x'").unwrap(),
        cmp(CmpOp::Eq, "customFields/string1", s("x"))
    );
    assert_eq!(
        parse("name eq 'O''Brien'").unwrap(),
        cmp(CmpOp::Eq, "name", s("O'Brien"))
    );
    assert_eq!(
        parse("name eq ''''").unwrap(),
        cmp(CmpOp::Eq, "name", s("'"))
    );
    assert_eq!(parse("name eq ''").unwrap(), cmp(CmpOp::Eq, "name", s("")));
}

#[test]
fn odata_v4_forms() {
    assert_eq!(
        parse("contains(tolower(Title), 'rust')").unwrap(),
        Expr::Text {
            func: TextFunc::Contains,
            field: FieldRef {
                path: "Title".into(),
                case: Some(CaseFn::Lower)
            },
            value: "rust".into(),
        }
    );
    assert_eq!(
        parse("ENDSWITH(email,'@x.org')").unwrap(),
        Expr::Text {
            func: TextFunc::EndsWith,
            field: FieldRef::new("email"),
            value: "@x.org".into()
        }
    );
    assert_eq!(
        parse("Id eq a14c149c-4A1D-4c2b-a1a8-5e2dfc0b3a9e").unwrap(),
        cmp(
            CmpOp::Eq,
            "Id",
            Literal::Guid("a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9e".into())
        )
    );
    assert_eq!(
        parse("Id eq 14c149ca-4a1d-4c2b-a1a8-5e2dfc0b3a9e").unwrap(),
        cmp(
            CmpOp::Eq,
            "Id",
            Literal::Guid("14c149ca-4a1d-4c2b-a1a8-5e2dfc0b3a9e".into())
        )
    );
    assert_eq!(
        parse("Modified gt 2020-01-01T00:00:00Z").unwrap(),
        cmp(
            CmpOp::Gt,
            "Modified",
            Literal::DateTime(datetime!(2020-01-01 0:00 UTC))
        )
    );
    // v2 style comparison of a text function with a boolean.
    assert_eq!(
        parse("substringof('a', name) eq false").unwrap(),
        Expr::Not(Box::new(Expr::Text {
            func: TextFunc::Contains,
            field: FieldRef::new("name"),
            value: "a".into()
        }))
    );
    assert_eq!(
        parse("toupper(code) NE 'AB'").unwrap(),
        Expr::Compare {
            op: CmpOp::Ne,
            left: Operand::Field(FieldRef {
                path: "code".into(),
                case: Some(CaseFn::Upper)
            }),
            right: lit(s("AB")),
        }
    );
}

#[test]
fn literals() {
    let right = |input: &str| match parse(&format!("x eq {input}")).unwrap() {
        Expr::Compare {
            right: Operand::Literal(l),
            ..
        } => l,
        other => panic!("{other:?}"),
    };
    assert_eq!(right("42"), Literal::Int(42));
    assert_eq!(right("-7"), Literal::Int(-7));
    assert_eq!(right("42L"), Literal::Int(42));
    assert_eq!(right("1.5"), Literal::Decimal(1.5));
    assert_eq!(right("-0.25"), Literal::Decimal(-0.25));
    assert_eq!(right("2m"), Literal::Decimal(2.0));
    assert_eq!(right("2.5M"), Literal::Decimal(2.5));
    assert_eq!(right("1.5d"), Literal::Decimal(1.5));
    assert_eq!(right("TRUE"), Literal::Bool(true));
    assert_eq!(right("false"), Literal::Bool(false));
    assert_eq!(right("Null"), Literal::Null);
    assert_eq!(right("'a b'"), s("a b"));
    let dt = |v: &str| right(&format!("datetime'{v}'"));
    assert_eq!(
        dt("1998-03-06T20:38:07Z"),
        Literal::DateTime(datetime!(1998-03-06 20:38:07 UTC))
    );
    assert_eq!(
        dt("1998-03-06T20:38:07"),
        Literal::DateTime(datetime!(1998-03-06 20:38:07 UTC))
    );
    assert_eq!(
        dt("1998-03-06T20:38"),
        Literal::DateTime(datetime!(1998-03-06 20:38 UTC))
    );
    assert_eq!(
        dt("1998-03-06T20:38:07.25+02:00"),
        Literal::DateTime(datetime!(1998-03-06 20:38:07.25 +2))
    );
    assert_eq!(
        dt("1998-03-06T20:38:07.123456"),
        Literal::DateTime(datetime!(1998-03-06 20:38:07.123456 UTC))
    );
    assert_eq!(
        dt("1998-03-06"),
        Literal::DateTime(datetime!(1998-03-06 0:00 UTC))
    );
    assert_eq!(
        right("datetimeoffset'2020-05-01T10:00:00-05:00'"),
        Literal::DateTime(datetime!(2020-05-01 10:00 -5))
    );
    assert_eq!(
        right("2020-05-01T10:00:00.5+01:00"),
        Literal::DateTime(datetime!(2020-05-01 10:00:00.5 +1))
    );
}

#[test]
fn literal_on_the_left_is_kept_as_written() {
    assert_eq!(
        parse("'x' eq name").unwrap(),
        Expr::Compare {
            op: CmpOp::Eq,
            left: lit(s("x")),
            right: field("name")
        }
    );
}

#[test]
fn precedence_and_grouping() {
    let (a, b, c) = (
        cmp(CmpOp::Eq, "a", Literal::Int(1)),
        cmp(CmpOp::Eq, "b", Literal::Int(2)),
        cmp(CmpOp::Eq, "c", Literal::Int(3)),
    );
    let and_first = Expr::Or(
        Box::new(a.clone()),
        Box::new(Expr::And(Box::new(b.clone()), Box::new(c.clone()))),
    );
    assert_eq!(parse("a eq 1 or b eq 2 and c eq 3").unwrap(), and_first);
    assert_eq!(parse("a eq 1 OR (b eq 2 AND c eq 3)").unwrap(), and_first);
    assert_eq!(
        parse("(a eq 1 or b eq 2) and c eq 3").unwrap(),
        Expr::And(
            Box::new(Expr::Or(Box::new(a.clone()), Box::new(b.clone()))),
            Box::new(c.clone())
        )
    );
    // `not` binds tighter than `and`, and applies to the whole comparison.
    assert_eq!(
        parse("not a eq 1 and b eq 2").unwrap(),
        Expr::And(
            Box::new(Expr::Not(Box::new(a.clone()))),
            Box::new(b.clone())
        )
    );
    // Left-associative chains.
    assert_eq!(
        parse("a eq 1 and b eq 2 and c eq 3").unwrap(),
        Expr::And(Box::new(Expr::And(Box::new(a), Box::new(b))), Box::new(c))
    );
    assert_eq!(
        parse("  ((( x eq 1 )))\n").unwrap(),
        cmp(CmpOp::Eq, "x", Literal::Int(1))
    );
}

#[test]
fn errors_have_messages_and_positions() {
    let e = err("name eq 'abc");
    assert_eq!(
        (e.message.as_str(), e.position),
        ("unterminated string literal", Some(8))
    );
    assert_eq!(e.to_string(), "unterminated string literal at position 8");

    let e = err("frobnicate(name, 'x')");
    assert_eq!(e.to_string(), "unknown function 'frobnicate' at position 0");

    let e = err("name eq");
    assert_eq!(
        e.to_string(),
        "expected a field or a value, found the end of the filter at position 7"
    );
    let e = err("eq 'x'");
    assert_eq!(
        e.to_string(),
        "expected a field or a value, found token 'eq' at position 0"
    );
    let e = err("a eq 1 and");
    assert_eq!(e.position, Some(10));

    let e = err("(status eq 3) eq 4)");
    assert_eq!(e.to_string(), "unexpected token 'eq' at position 14");
    let e = err("status eq 3 )");
    assert_eq!(e.to_string(), "unexpected token ')' at position 12");
    let e = err("status eq 3 'x'");
    assert_eq!(e.to_string(), "unexpected string 'x' at position 12");

    let e = err("id eq guid'a14c149c-4a1d-4c2b-a1a8-5e2dfc0b3a9'");
    assert_eq!(e.position, Some(6));
    assert!(e.message.contains("not a valid GUID"), "{e}");
    let e = err("id eq guid'zz'");
    assert!(e.message.contains("'zz' is not a valid GUID"), "{e}");

    let e = err("d ge datetime'1998-13-06T20:38:07Z'");
    assert_eq!(e.position, Some(5));
    assert!(e.message.contains("not a valid date-time"), "{e}");
    let e = err("d ge 2020-01-01T25:00:00Z");
    assert!(e.message.contains("not a valid date-time"), "{e}");

    let e = err("(a eq 1");
    assert_eq!(
        e.to_string(),
        "expected ')', found the end of the filter at position 7"
    );
    let e = err("a eq 1 # 2");
    assert_eq!(e.to_string(), "unexpected character '#' at position 7");
    let e = err("a eq 1x");
    assert_eq!(e.to_string(), "'1x' is not a valid number at position 5");
    let e = err("a eq 99999999999999999999");
    assert!(e.message.contains("out of range"), "{e}");
    assert_eq!(err("").to_string(), "the filter is empty");
    assert_eq!(err("   ").to_string(), "the filter is empty");
}

#[test]
fn function_argument_errors() {
    assert_eq!(
        err("substringof(name, 'x')").to_string(),
        "expected a quoted string, found token 'name' at position 12"
    );
    assert_eq!(
        err("contains('x', name)").to_string(),
        "expected a field name, found string 'x' at position 9"
    );
    assert_eq!(
        err("startswith(name 'x')").to_string(),
        "expected ',', found string 'x' at position 16"
    );
    assert_eq!(
        err("endswith(name, 'x'").to_string(),
        "expected ')', found the end of the filter at position 18"
    );
    assert!(
        err("tolower(tolower(name)) eq 'x'")
            .message
            .starts_with("tolower/toupper take a plain field name")
    );
    assert!(
        err("tolower(name)")
            .message
            .starts_with("expected a comparison operator")
    );
    assert!(
        err("tolower(name, 'x') eq 'y'")
            .message
            .starts_with("expected ')'")
    );
    assert!(
        err("5")
            .message
            .starts_with("expected a comparison operator")
    );
    assert!(
        err("startswith(a,'b') gt true")
            .message
            .starts_with("a text function can only be compared")
    );
    assert!(err("a/ eq 1").message.starts_with("invalid field path"));
}

#[test]
fn limits() {
    let deep = format!("{}a eq 1{}", "(".repeat(100), ")".repeat(100));
    let e = err(&deep);
    assert!(e.message.contains("nested more than 32 levels"), "{e}");
    assert_eq!(e.position, Some(32));
    let ok = format!("{}a eq 1{}", "(".repeat(31), ")".repeat(31));
    assert!(parse(&ok).is_ok());
    assert!(err(&"not ".repeat(100)).message.contains("nested"));

    let long = format!("a eq '{}'", "x".repeat(MAX_INPUT_LEN));
    assert_eq!(
        err(&long).to_string(),
        "the filter is longer than 4096 bytes"
    );

    let many = vec!["a eq 1"; 150].join(" and ");
    assert!(err(&many).message.contains("more than 200 terms"));
    let fine = vec!["a eq 1"; 100].join(" or ");
    assert!(parse(&fine).is_ok());
}

#[test]
fn non_ascii_is_handled() {
    assert_eq!(
        parse("name eq 'Zoë ✓'").unwrap(),
        cmp(CmpOp::Eq, "name", s("Zoë ✓"))
    );
    assert_eq!(
        err("name eq é").to_string(),
        "unexpected character 'é' at position 8"
    );
    // A letter-led GUID candidate followed by multibyte text must not slice mid-character.
    assert!(parse("abcdef12-ééé").is_err());
}
