//! SOAP envelopes.
pub mod envelope;
