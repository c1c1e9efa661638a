//! Link tokens: the capabilities that travel in URLs and mails and that an API shows again
//! later (a public invitation's sign-up page, each invitation recipient's link).
//!
//! They are not stored at all: a token is its record's id and a 128-bit HMAC-SHA256 of that
//! id under the store's [`LinkKey`], checked by recomputing it. The API can show a link
//! again, deleting the record ends it, and a copy of the database opens none of them unless
//! the key was kept in the database too. Links shown only once (launch links, player
//! sessions) are random tokens stored hashed instead (see `launches.rs`), as API tokens are.
//!
//! The key is the host's: [`crate::options::StoreBuilder::link_key`] (the gateway keeps it in
//! a file beside the database). Without one, the store keeps a key in the database itself
//! (created on first open): links work the same, but whoever reads the database can make
//! them. Either way the database records the key's fingerprint, and once an invitation
//! exists a store opened with another key refuses to start rather than invalidate every link
//! handed out so far.
use crate::conn::{DbConn, Manager};
use crate::error::{StoreError, StoreResult};
use crate::schema::settings;
use crate::secrets::constant_time_eq;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The settings row holding a key kept in the database (no key given by the host).
const KEY_SETTING: &str = "link_key";
/// The settings row holding the fingerprint of the key links are made with.
const FINGERPRINT_SETTING: &str = "link_key_fingerprint";

/// The secret link tokens are made with: 32 bytes, written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LinkKey({})", self.fingerprint())
    }
}

impl LinkKey {
    /// A new random key (from the operating system's generator, through UUID v4).
    pub fn generate() -> Self {
        let mut h = Sha256::new();
        for _ in 0..3 {
            h.update(Uuid::new_v4().as_bytes());
        }
        Self(h.finalize().into())
    }

    /// A key written as 64 hex digits (surrounding white space is ignored).
    pub fn from_hex(text: &str) -> StoreResult<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut out)
            .map_err(|_| StoreError::Config("a link key is 64 hex digits".into()))?;
        Ok(Self(out))
    }

    /// The key as 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A short public name of the key (16 hex digits) that reveals nothing of it.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"enroll link key fingerprint\0");
        h.update(self.0);
        hex::encode(&h.finalize()[..8])
    }

    fn mac(&self, purpose: Purpose, id: &Uuid) -> [u8; 16] {
        // A key of any length is accepted by HMAC: `new_from_slice` cannot fail here.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        m.update(purpose.label().as_bytes());
        m.update(&[0]);
        m.update(id.as_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&m.finalize().into_bytes()[..16]);
        out
    }

    /// The token of a record's link: its id (32 hex digits) then the MAC (32 hex digits).
    pub fn sign(&self, purpose: Purpose, id: &str) -> StoreResult<String> {
        let id = Uuid::parse_str(id)
            .map_err(|_| StoreError::Internal(format!("a link for the non-UUID id '{id}'")))?;
        Ok(format!(
            "{}{}",
            id.simple(),
            hex::encode(self.mac(purpose, &id))
        ))
    }

    /// The record id a token stands for, if the token is one this key made for `purpose`.
    pub fn open(&self, purpose: Purpose, token: &str) -> Option<String> {
        let (id, mac) = (token.get(..32)?, token.get(32..)?);
        if mac.len() != 32 || id.bytes().any(|b| !b.is_ascii_hexdigit()) {
            return None;
        }
        let id = Uuid::try_parse(id).ok()?;
        let expected = hex::encode(self.mac(purpose, &id));
        constant_time_eq(expected.as_bytes(), mac.to_ascii_lowercase().as_bytes())
            .then(|| id.to_string())
    }
}

/// What a link token opens (each purpose's tokens are worthless for the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A public invitation's sign-up page.
    PublicInvitation,
    /// An invitation recipient's link.
    Recipient,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Self::PublicInvitation => "public-invitation",
            Self::Recipient => "invitation-recipient",
        }
    }
}

fn setting(c: &mut DbConn, key: &str) -> StoreResult<Option<String>> {
    Ok(settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(c)
        .optional()?)
}

fn put(c: &mut DbConn, key: &str, value: &str) -> StoreResult<()> {
    diesel::delete(settings::table.filter(settings::key.eq(key))).execute(c)?;
    diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(value)))
        .execute(c)?;
    Ok(())
}

/// Whether any link was handed out: every one belongs to an invitation (the table of the
/// `enroll-invitations` crate, which the core's early migrations created; named here in SQL,
/// as the core cannot use that crate's schema).
fn links_exist(c: &mut DbConn) -> StoreResult<bool> {
    let any = diesel::dsl::sql::<diesel::sql_types::Bool>("EXISTS (SELECT 1 FROM invitations)");
    Ok(diesel::select(any).get_result(c)?)
}

fn choose(c: &mut DbConn, given: Option<&LinkKey>) -> StoreResult<LinkKey> {
    let key = match (given, setting(c, KEY_SETTING)?) {
        (Some(k), _) => k.clone(),
        (None, Some(text)) => LinkKey::from_hex(&text).map_err(|_| {
            StoreError::Config("the link key stored in the database is not valid".into())
        })?,
        (None, None) => {
            let k = LinkKey::generate();
            put(c, KEY_SETTING, &k.to_hex())?;
            k
        }
    };
    let fingerprint = key.fingerprint();
    match setting(c, FINGERPRINT_SETTING)? {
        Some(f) if f == fingerprint => {}
        // Another key made the links handed out so far: refuse rather than break them all.
        Some(f) if links_exist(c)? => {
            return Err(StoreError::Config(format!(
                "this database's invitation links were made with another link key (fingerprint \
                 {f}, this one is {fingerprint}): open it with that key, or every link handed \
                 out so far stops working"
            )));
        }
        _ => put(c, FINGERPRINT_SETTING, &fingerprint)?,
    }
    if given.is_some() {
        // The host keeps the key: a copy in the database would open every link.
        diesel::delete(settings::table.filter(settings::key.eq(KEY_SETTING))).execute(c)?;
    }
    Ok(key)
}

/// The key this store makes links with: `given`, else the one kept in the database (created
/// on first open). A key other than the one the database's links were made with is refused
/// once an invitation exists (before, nothing would break: the new key is recorded). Runs
/// once migrations are applied, on a connection of its own, one process at a time.
pub(crate) fn load(manager: &Manager, given: Option<&LinkKey>) -> StoreResult<LinkKey> {
    let mut c = manager
        .open()
        .map_err(|e| StoreError::Config(format!("cannot open the database: {e}")))?;
    let begin = if c.is_pg() {
        format!(
            "BEGIN; SELECT pg_advisory_xact_lock({})",
            crate::migrate::SETUP_LOCK
        )
    } else {
        "BEGIN IMMEDIATE".to_string()
    };
    c.batch_execute(&begin)?;
    let out = choose(&mut c, given);
    c.batch_execute(if out.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_open_only_with_their_key_and_purpose() {
        let (k, other) = (LinkKey::generate(), LinkKey::generate());
        let id = Uuid::new_v4().to_string();
        let t = k.sign(Purpose::Recipient, &id).unwrap();
        assert_eq!(t.len(), 64);
        assert_eq!(k.open(Purpose::Recipient, &t), Some(id.clone()));
        assert_eq!(k.open(Purpose::PublicInvitation, &t), None);
        assert_eq!(other.open(Purpose::Recipient, &t), None);
        let mut forged = t.clone();
        forged.replace_range(63.., if t.ends_with('0') { "1" } else { "0" });
        assert_eq!(k.open(Purpose::Recipient, &forged), None);
        for junk in ["", "x", &t[..63], &format!("{t}0"), "é".repeat(40).as_str()] {
            assert_eq!(k.open(Purpose::Recipient, junk), None, "{junk}");
        }
    }

    #[test]
    fn keys_round_trip_as_hex_and_debug_shows_only_the_fingerprint() {
        let k = LinkKey::generate();
        assert_eq!(LinkKey::from_hex(&format!(" {}\n", k.to_hex())).unwrap(), k);
        assert!(LinkKey::from_hex("abc").is_err());
        assert!(!format!("{k:?}").contains(&k.to_hex()));
        assert_ne!(k.fingerprint(), LinkKey::generate().fingerprint());
    }
}
