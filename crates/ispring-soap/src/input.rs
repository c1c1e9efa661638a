//! An operation's parameters, however they came: a SOAP request element or a REST XML body
//! (an element tree), a JSON body, or a query string. Optional parameters may be omitted or
//! empty; a parameter of the wrong type is `Wrong parameters` naming it. Lists come as JSON
//! arrays, as XML wrappers of `<id>` items or repeated elements, or as repeated query
//! parameters (`ids[]=…`, `ids=…`, `ids[0]=…`).
use crate::error::IspringError;
use crate::xml::Element;
use serde_json::Value;

/// Where the parameters are.
#[derive(Debug, Clone)]
pub enum Input {
    /// A SOAP request element: an empty optional element means "not given", as SOAP callers
    /// (and the vendor's samples) write them.
    Xml(Element),
    /// A REST XML body: as [`Input::Xml`], but an element that is present holds a value of
    /// its parameter's type (an empty one is not "not given"), as the OpenAPI document says.
    RestXml(Element),
    Json(Value),
    Query(Vec<(String, String)>),
}

fn wrong(field: &str, what: &str) -> IspringError {
    IspringError::WrongParameters(format!("{field}: {what}"))
}

impl Input {
    /// A query string's parameters (a malformed one is `Wrong parameters`).
    pub fn query(q: &str) -> Result<Self, IspringError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map(Self::Query)
            .map_err(|e| IspringError::WrongParameters(format!("the query string: {e}")))
    }

    /// Whether the parameter is present at all (a query's `name[…]` counts).
    pub fn has(&self, field: &str) -> bool {
        match self {
            Self::Xml(e) | Self::RestXml(e) => e.child(field).is_some(),
            Self::Json(v) => v.get(field).is_some(),
            Self::Query(pairs) => {
                let bracket = format!("{field}[");
                pairs
                    .iter()
                    .any(|(k, _)| k == field || k.starts_with(&bracket))
            }
        }
    }

    /// A single text parameter; absent or empty is `None`.
    pub fn text(&self, field: &str) -> Result<Option<String>, IspringError> {
        let found = match self {
            Self::Xml(e) | Self::RestXml(e) => match e.child(field) {
                None => None,
                Some(c) if !c.children.is_empty() => return Err(wrong(field, "expected a value")),
                Some(c) => Some(c.value().to_string()),
            },
            Self::Json(v) => match v.get(field) {
                None => None,
                Some(Value::String(s)) => Some(s.trim().to_string()),
                Some(_) => return Err(wrong(field, "expected a string")),
            },
            Self::Query(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.trim().to_string()),
        };
        // SOAP callers leave optional elements empty to mean "not given"; elsewhere an empty
        // value is a value (and must be one of the parameter's type).
        Ok(match self {
            Self::Xml(_) => found.filter(|s| !s.is_empty()),
            _ => found,
        })
    }

    /// A required text parameter.
    pub fn required(&self, field: &str) -> Result<String, IspringError> {
        self.text(field)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| wrong(field, "the parameter is required"))
    }

    /// A boolean: `true`/`false` (any case; SOAP and queries also `1`/`0`); in JSON, a JSON
    /// boolean.
    pub fn bool(&self, field: &str) -> Result<Option<bool>, IspringError> {
        if let Self::Json(v) = self {
            return match v.get(field) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(wrong(field, "expected true or false")),
            };
        }
        let soap = matches!(self, Self::Xml(_) | Self::Query(_));
        match self.text(field)? {
            None => Ok(None),
            Some(s) => match s.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                // XML Schema's other spellings, for SOAP callers.
                "1" if soap => Ok(Some(true)),
                "0" if soap => Ok(Some(false)),
                _ => Err(wrong(field, "expected true or false")),
            },
        }
    }

    /// A whole number; in JSON, a JSON number.
    pub fn int(&self, field: &str) -> Result<Option<i64>, IspringError> {
        if let Self::Json(v) = self {
            return match v.get(field) {
                None => Ok(None),
                Some(Value::Number(n)) => n
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| wrong(field, "expected a whole number")),
                Some(_) => Err(wrong(field, "expected a whole number")),
            };
        }
        match self.text(field)? {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| wrong(field, "expected a whole number")),
        }
    }

    /// A number; in JSON, a JSON number.
    pub fn num(&self, field: &str) -> Result<Option<f64>, IspringError> {
        if let Self::Json(v) = self {
            return match v.get(field) {
                None => Ok(None),
                Some(Value::Number(n)) => n
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| wrong(field, "expected a number")),
                Some(_) => Err(wrong(field, "expected a number")),
            };
        }
        match self.text(field)? {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(wrong(field, "expected a number")),
            },
        }
    }

    /// A list of values; absent is `None`, present but empty is an empty list.
    pub fn list(&self, field: &str) -> Result<Option<Vec<String>>, IspringError> {
        let items: Option<Vec<String>> = match self {
            Self::Xml(e) | Self::RestXml(e) => {
                let found: Vec<&Element> = e.all(field).collect();
                if found.is_empty() {
                    None
                } else {
                    let mut out = Vec::new();
                    for f in found {
                        if f.children.is_empty() {
                            // Unwrapped: `<ids>a</ids><ids>b</ids>` (or one empty wrapper).
                            if !f.value().is_empty() {
                                out.push(f.value().to_string());
                            }
                        } else {
                            for item in &f.children {
                                if !item.children.is_empty() {
                                    return Err(wrong(field, "expected a list of values"));
                                }
                                out.push(item.value().to_string());
                            }
                        }
                    }
                    Some(out)
                }
            }
            Self::Json(v) => match v.get(field) {
                None => None,
                Some(Value::Array(a)) => Some(
                    a.iter()
                        .map(|x| match x {
                            Value::String(s) => Ok(s.trim().to_string()),
                            _ => Err(wrong(field, "expected a list of strings")),
                        })
                        .collect::<Result<_, _>>()?,
                ),
                Some(_) => return Err(wrong(field, "expected a list")),
            },
            Self::Query(pairs) => {
                let bracket = format!("{field}[");
                let found: Vec<String> = pairs
                    .iter()
                    .filter(|(k, _)| k == field || (k.starts_with(&bracket) && k.ends_with(']')))
                    .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
                    .collect();
                let named = pairs
                    .iter()
                    .any(|(k, _)| k == field || k.starts_with(&bracket));
                named.then_some(found)
            }
        };
        Ok(items)
    }

    /// A list of ids (each must be a UUID).
    pub fn ids(&self, field: &str) -> Result<Option<Vec<String>>, IspringError> {
        self.list(field)?
            .map(|ids| ids.into_iter().map(|id| uuid(&id, field)).collect())
            .transpose()
    }

    /// A required, non-empty list of ids.
    pub fn required_ids(&self, field: &str) -> Result<Vec<String>, IspringError> {
        match self.ids(field)? {
            Some(ids) if !ids.is_empty() => Ok(ids),
            _ => Err(wrong(field, "at least one id is required")),
        }
    }
}

/// `id` if it is a UUID (lower-cased, hyphenated), else `Wrong parameters` naming `field`.
pub fn uuid(id: &str, field: &str) -> Result<String, IspringError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            wrong(
                field,
                &format!("'{}' is not an id", id.chars().take(60).collect::<String>()),
            )
        })
}
