//! Tenants, dialect credentials and persisted settings (the clock offset).
use crate::conn::DbConn;
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::models::uuid;
use crate::schema::{credentials, external_ids, settings, tenants};
use crate::secrets::hash_secret;
use crate::store::{FirstRow, Store};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::{Dialect, Tenant};
use uuid::Uuid;

/// A verified dialect credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub credential_id: Uuid,
    /// Space-separated scopes granted to the credential ("" = all).
    pub scopes: String,
}

/// Inserts a tenant and its own dialect ids (e.g. a TrainerCentral orgId), inside a caller's
/// transaction.
pub fn insert_tenant(
    conn: &mut DbConn,
    id: Uuid,
    name: &str,
    ids: &ExternalIds,
    now: i64,
) -> StoreResult<()> {
    diesel::insert_into(tenants::table)
        .values((
            tenants::id.eq(id.to_string()),
            tenants::name.eq(name),
            tenants::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("tenant {id} already exists")),
            other => other,
        })?;
    let t = id.to_string();
    for (d, external) in ids.iter() {
        crosswalk::record(conn, &t, d, Kind::Tenant, external, &t).map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "another tenant already has the {} id '{external}'",
                d.as_str()
            )),
            other => other,
        })?;
    }
    Ok(())
}

/// Inserts a credential. `key_id = None` marks a secret-only key, looked up by its hash.
pub fn insert_credential(
    conn: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    key_id: Option<&str>,
    secret: &str,
    scopes: &str,
    now: i64,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    let secret_hash = hash_secret(secret);
    let key = key_id.map_or_else(|| secret_hash.clone(), str::to_string);
    diesel::insert_into(credentials::table)
        .values((
            credentials::id.eq(id.to_string()),
            credentials::tenant_id.eq(tenant_id.to_string()),
            credentials::dialect.eq(dialect.as_str()),
            credentials::key_id.eq(key),
            credentials::secret_hash.eq(secret_hash),
            credentials::scopes.eq(scopes),
            credentials::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "a {} credential with that key already exists",
                dialect.as_str()
            )),
            other => other,
        })?;
    Ok(id)
}

impl Store {
    /// Creates a tenant with its own dialect ids.
    pub fn create_tenant(&self, name: &str, ids: &ExternalIds) -> StoreResult<Tenant> {
        let id = Uuid::new_v4();
        let now = to_millis(self.now());
        self.write(|c| insert_tenant(c, id, name, ids, now))?;
        Ok(Tenant {
            id,
            name: name.to_string(),
        })
    }

    /// Every tenant with its own dialect ids, oldest first.
    pub fn list_tenants(&self) -> StoreResult<Vec<(Tenant, ExternalIds)>> {
        self.with_conn(|c| {
            let rows: Vec<(String, String)> = tenants::table
                .select((tenants::id, tenants::name))
                .order((tenants::created_at, tenants::id))
                .load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
            let book = crosswalk::ids_of(c, &ids)?;
            rows.iter()
                .map(|(id, name)| {
                    let tenant = Tenant {
                        id: uuid(id)?,
                        name: name.clone(),
                    };
                    Ok((tenant, book.get(Kind::Tenant, id)))
                })
                .collect()
        })
    }

    /// Whether a tenant exists.
    pub fn tenant_exists(&self, tenant_id: Uuid) -> StoreResult<bool> {
        self.with_conn(|c| {
            let n: i64 = tenants::table
                .filter(tenants::id.eq(tenant_id.to_string()))
                .count()
                .get_result(c)?;
            Ok(n > 0)
        })
    }

    /// The tenant a dialect names by an id of its own (e.g. a TrainerCentral orgId).
    pub fn tenant_by_external(&self, dialect: Dialect, external_id: &str) -> StoreResult<Uuid> {
        self.with_conn(|c| {
            let id: String = external_ids::table
                .filter(external_ids::dialect.eq(dialect.as_str()))
                .filter(external_ids::kind.eq(Kind::Tenant.as_str()))
                .filter(external_ids::external_id.eq(external_id))
                .select(external_ids::ledger_id)
                .first_row(c)?
                .ok_or_else(|| StoreError::NotFound("tenant".into()))?;
            uuid(&id)
        })
    }

    /// Adds a dialect credential to a tenant; the secret is stored hashed.
    pub fn add_credential(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        key_id: Option<&str>,
        secret: &str,
        scopes: &str,
    ) -> StoreResult<Uuid> {
        let now = to_millis(self.now());
        self.write(|c| insert_credential(c, tenant_id, dialect, key_id, secret, scopes, now))
    }

    /// Lists a tenant's credentials as (id, dialect, key id, scopes); secrets are never returned.
    pub fn list_credentials(
        &self,
        tenant_id: Uuid,
    ) -> StoreResult<Vec<(Uuid, String, String, String)>> {
        self.with_conn(|c| {
            let rows: Vec<(String, String, String, String)> = credentials::table
                .filter(credentials::tenant_id.eq(tenant_id.to_string()))
                .select((
                    credentials::id,
                    credentials::dialect,
                    credentials::key_id,
                    credentials::scopes,
                ))
                .order(credentials::created_at)
                .load(c)?;
            rows.into_iter()
                .map(|(id, d, k, s)| Ok((uuid(&id)?, d, k, s)))
                .collect()
        })
    }

    /// Verifies a credential. `key_id = None` for secret-only keys. `None` when it does not match.
    pub fn verify_credential(
        &self,
        dialect: Dialect,
        key_id: Option<&str>,
        secret: &str,
    ) -> StoreResult<Option<Principal>> {
        let hash = hash_secret(secret);
        let key = key_id.map_or_else(|| hash.clone(), str::to_string);
        let row: Option<(String, String, String, String)> = self.with_conn(|c| {
            Ok(credentials::table
                .filter(credentials::dialect.eq(dialect.as_str()))
                .filter(credentials::key_id.eq(key))
                .select((
                    credentials::id,
                    credentials::tenant_id,
                    credentials::secret_hash,
                    credentials::scopes,
                ))
                .first_row(c)?)
        })?;
        let Some((id, tenant, stored, scopes)) = row else {
            return Ok(None);
        };
        if !crate::secrets::constant_time_eq(stored.as_bytes(), hash.as_bytes()) {
            return Ok(None);
        }
        Ok(Some(Principal {
            tenant_id: uuid(&tenant)?,
            credential_id: uuid(&id)?,
            scopes,
        }))
    }

    /// Reads a persisted setting.
    pub fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        self.with_conn(|c| {
            Ok(settings::table
                .filter(settings::key.eq(key))
                .select(settings::value)
                .first_row(c)?)
        })
    }

    /// Writes a persisted setting (update, else insert, in one transaction).
    pub fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.write(|c| {
            let n = diesel::update(settings::table.filter(settings::key.eq(key)))
                .set(settings::value.eq(value))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(settings::table)
                    .values((settings::key.eq(key), settings::value.eq(value)))
                    .execute(c)?;
            }
            Ok(())
        })
    }
}

/// Sets a credential's redirect URIs inside a caller's transaction.
pub fn set_redirect_uris_in(
    c: &mut DbConn,
    credential_id: Uuid,
    uris: &[String],
) -> StoreResult<()> {
    if let Some(bad) = uris
        .iter()
        .find(|u| u.is_empty() || u.contains(char::is_whitespace))
    {
        return Err(StoreError::Invalid(format!("invalid redirect URI '{bad}'")));
    }
    diesel::update(credentials::table.filter(credentials::id.eq(credential_id.to_string())))
        .set(credentials::redirect_uris.eq(uris.join(" ")))
        .execute(c)?;
    Ok(())
}
