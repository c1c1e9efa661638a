//! Untrusted XML in, a small element tree out: the SOAP envelopes and REST XML bodies callers
//! send. The reader refuses what could make it expensive or dangerous instead of processing
//! it: a document type declaration (so no entity is ever declared, let alone expanded: no
//! XXE, no billion laughs), references to entities other than XML's five, nesting deeper
//! than [`MAX_DEPTH`], more than [`MAX_ELEMENTS`] elements, and anything not well-formed
//! (mismatched tags, undeclared prefixes). The body itself is bounded before it gets here.
pub mod write;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Elements may nest this deep (a SOAP call needs five levels).
pub const MAX_DEPTH: usize = 32;
/// A document may hold this many elements (a bulk call of 1,000 learners in 100 courses
/// needs about 1,100).
pub const MAX_ELEMENTS: usize = 200_000;

/// An element: its namespace, local name, child elements and text (attributes are ignored).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The first child named `name` (local name, namespace ignored: callers mix them).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element's text, trimmed.
    pub fn value(&self) -> &str {
        self.text.trim()
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XmlError {
    #[error("the body is not UTF-8 text")]
    NotUtf8,
    #[error("the body is empty")]
    Empty,
    #[error("document type declarations are not accepted")]
    Doctype,
    #[error("the entity '&{0};' is not defined")]
    Entity(String),
    #[error("elements nest more than {MAX_DEPTH} deep")]
    TooDeep,
    #[error("the document holds more than {MAX_ELEMENTS} elements")]
    TooMany,
    #[error("the XML is not well-formed: {0}")]
    Malformed(String),
}

/// Parses a whole document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooMany);
                }
                if root.is_some() {
                    return Err(XmlError::Malformed("content after the root element".into()));
                }
                let ns = match ns {
                    ResolveResult::Bound(n) => Some(n.into_inner().to_string()),
                    ResolveResult::Unbound => None,
                    ResolveResult::Unknown(p) => {
                        return Err(XmlError::Malformed(format!("undeclared prefix '{p}'")));
                    }
                };
                stack.push(Element {
                    ns,
                    name: e.local_name().into_inner().to_string(),
                    ..Element::default()
                });
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.xml10_content();
                        resolve_xml_entity(&name)
                            .ok_or_else(|| XmlError::Entity(name.chars().take(40).collect()))?
                            .to_string()
                    }
                    Err(e) => return Err(XmlError::Malformed(e.to_string())),
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Eof => break,
            Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed(
            "the document ends inside an element".into(),
        ));
    }
    root.ok_or(XmlError::Empty)
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(e) => {
            e.text.push_str(text);
            Ok(())
        }
        // Whitespace around the root is fine; anything else is not XML.
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::Malformed("text outside the root element".into())),
    }
}
