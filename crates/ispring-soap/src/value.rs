//! What an operation answers, once, for every transport: a small tree that renders as JSON
//! (REST), as a REST XML body, or inside a SOAP result element. Field order is the order
//! of the vendor's schemas (and of the WSDL's sequences).
use crate::xml::write::{close, leaf, open};
use serde_json::{Map, Value as Json};

/// An answer's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    Bool(bool),
    Int(i64),
    Num(f64),
    /// Fields in schema order; JSON object, XML child elements.
    Obj(Vec<(&'static str, Out)>),
    /// A list whose XML items are elements named by the first value; a JSON array.
    List(&'static str, Vec<Out>),
}

impl Out {
    /// Text.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The JSON form.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Text(s) => Json::String(s.clone()),
            Self::Bool(b) => Json::Bool(*b),
            Self::Int(i) => Json::from(*i),
            Self::Num(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
            Self::Obj(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
            Self::List(_, items) => Json::Array(items.iter().map(Out::to_json).collect()),
        }
    }

    /// Appends the element `name` holding this value, its elements prefixed with `prefix`.
    pub fn write_xml(&self, out: &mut String, prefix: &str, name: &str) {
        match self {
            Self::Obj(_) | Self::List(..) => {
                open(out, prefix, name);
                self.write_content(out, prefix);
                close(out, prefix, name);
            }
            scalar => leaf(out, prefix, name, &scalar.scalar_text()),
        }
    }

    /// Appends this value's content (child elements or text) without an enclosing element.
    pub fn write_content(&self, out: &mut String, prefix: &str) {
        match self {
            Self::Obj(fields) => {
                for (k, v) in fields {
                    v.write_xml(out, prefix, k);
                }
            }
            Self::List(item, items) => {
                for v in items {
                    v.write_xml(out, prefix, item);
                }
            }
            scalar => out.push_str(&quick_xml::escape::escape(scalar.scalar_text())),
        }
    }

    fn scalar_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Num(n) => n.to_string(),
            Self::Obj(_) | Self::List(..) => String::new(),
        }
    }
}

/// Builds an object, leaving out fields whose value is `None`.
#[derive(Debug, Default)]
pub struct ObjBuilder(Vec<(&'static str, Out)>);

impl ObjBuilder {
    /// A field.
    pub fn put(mut self, name: &'static str, v: Out) -> Self {
        self.0.push((name, v));
        self
    }

    /// A field, when there is a value.
    pub fn opt(mut self, name: &'static str, v: Option<Out>) -> Self {
        if let Some(v) = v {
            self.0.push((name, v));
        }
        self
    }

    /// The object.
    pub fn done(self) -> Out {
        Out::Obj(self.0)
    }
}

/// Starts an object.
pub fn obj() -> ObjBuilder {
    ObjBuilder::default()
}
