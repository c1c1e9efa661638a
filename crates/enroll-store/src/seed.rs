//! The seed file: demo tenants with credentials, departments, learners and courses.
//!
//! Format (JSON, camelCase): `{"tenants": [{"id", "name", "ids"? (the tenant's own dialect ids,
//! e.g. `{"trainercentral": 60012345678}`; `trainercentralOrgId` is read too),
//! "credentials": [{"dialect", "keyId"?, "secret", "scopes"?, "redirectUris"?}], "departments": [{"id",
//! "parentId"?, "name"}], "learners": [NewLearner], "courses": [NewCourse]}]}`.
//! Secrets are in clear in the seed file only; the store keeps hashes.
use crate::conn::DbConn;
use crate::courses::{NewCourse, insert_course};
use crate::error::{StoreError, StoreResult};
use crate::learners::{NewLearner, insert_department, insert_learner};
use crate::schema::tenants;
use crate::store::Store;
use crate::tenants::{insert_credential, insert_tenant};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::ExternalIds;
use enroll_domain::model::{Department, Dialect};
use serde::Deserialize;
use uuid::Uuid;

/// A whole seed file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    pub tenants: Vec<SeedTenant>,
}

/// One tenant in a seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedTenant {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub ids: ExternalIds,
    /// Earlier seed files' name for the TrainerCentral orgId.
    pub trainercentral_org_id: Option<i64>,
    #[serde(default)]
    pub credentials: Vec<SeedCredential>,
    #[serde(default)]
    pub departments: Vec<SeedDepartment>,
    #[serde(default)]
    pub learners: Vec<NewLearner>,
    #[serde(default)]
    pub courses: Vec<NewCourse>,
}

/// A dialect credential in clear text.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedCredential {
    pub dialect: Dialect,
    pub key_id: Option<String>,
    pub secret: String,
    #[serde(default)]
    pub scopes: String,
    /// An OAuth client's redirect URIs (an OAuth client's, see `enroll-auth`).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// A department in a seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDepartment {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
}

impl SeedTenant {
    /// The tenant's own dialect ids.
    pub fn tenant_ids(&self) -> ExternalIds {
        let mut ids = self.ids.clone();
        if let Some(org) = self.trainercentral_org_id
            && ids.explicit(Dialect::TrainerCentral).is_none()
        {
            ids.set(Dialect::TrainerCentral, org.to_string());
        }
        ids
    }
}

impl Seed {
    /// Parses a seed document.
    pub fn from_json(text: &str) -> StoreResult<Self> {
        serde_json::from_str(text)
            .map_err(|e| StoreError::Invalid(format!("invalid seed file: {e}")))
    }
}

fn load_tenant(c: &mut DbConn, t: &SeedTenant, now: i64) -> StoreResult<()> {
    insert_tenant(c, t.id, &t.name, &t.tenant_ids(), now)?;
    for cred in &t.credentials {
        let id = insert_credential(
            c,
            t.id,
            cred.dialect,
            cred.key_id.as_deref(),
            &cred.secret,
            &cred.scopes,
            now,
        )?;
        if !cred.redirect_uris.is_empty() {
            crate::tenants::set_redirect_uris_in(c, id, &cred.redirect_uris)?;
        }
    }
    for d in &t.departments {
        insert_department(
            c,
            &Department {
                id: d.id,
                tenant_id: t.id,
                parent_id: d.parent_id,
                name: d.name.clone(),
            },
        )?;
    }
    for l in &t.learners {
        insert_learner(c, t.id, l, now)?;
    }
    // Bundles reference their member courses: insert plain courses first.
    let (plain, collections): (Vec<&NewCourse>, Vec<&NewCourse>) =
        t.courses.iter().partition(|c| c.members.is_empty());
    for course in plain.into_iter().chain(collections) {
        insert_course(c, t.id, course, now)?;
    }
    Ok(())
}

/// The passwords of the seed's tenants in `tenants` hashed before its transaction (see
/// `learners::prehash`).
fn prehash_seed(seed: &Seed, tenants: &[String]) {
    for t in seed
        .tenants
        .iter()
        .filter(|t| tenants.contains(&t.id.to_string()))
    {
        crate::learners::prehash(t.id, &t.learners);
    }
}

impl Store {
    /// Loads a seed in one transaction; tenants that already exist are skipped.
    /// Returns how many tenants were created.
    pub fn load_seed(&self, seed: &Seed) -> StoreResult<usize> {
        // Only the tenants missing now are loaded (below): only theirs are worth hashing.
        let ids: Vec<String> = seed.tenants.iter().map(|t| t.id.to_string()).collect();
        let present: Vec<String> = self.with_conn(|c| {
            Ok(tenants::table
                .filter(tenants::id.eq_any(&ids))
                .select(tenants::id)
                .load(c)?)
        })?;
        let missing: Vec<String> = ids.into_iter().filter(|i| !present.contains(i)).collect();
        prehash_seed(seed, &missing);
        let now = to_millis(self.now());
        self.write(|c| {
            // Processes started at the same moment on one PostgreSQL database take turns here
            // (the lock ends with the transaction): the later ones find the tenants there.
            c.on_pg(&format!(
                "SELECT pg_advisory_xact_lock({})",
                crate::migrate::SETUP_LOCK
            ))?;
            let mut created = 0;
            for t in &seed.tenants {
                let exists: i64 = tenants::table
                    .filter(tenants::id.eq(t.id.to_string()))
                    .count()
                    .get_result(c)?;
                if exists == 0 {
                    load_tenant(c, t, now)?;
                    created += 1;
                }
            }
            Ok(created)
        })
    }

    /// Deletes the seed's tenants (and everything under them) and loads them afresh, in one
    /// transaction (set-based, see `purge.rs`). Other tenants are left alone.
    pub fn reset_to_seed(&self, seed: &Seed) -> StoreResult<()> {
        let all: Vec<String> = seed.tenants.iter().map(|t| t.id.to_string()).collect();
        prehash_seed(seed, &all);
        let now = to_millis(self.now());
        self.write_unchecked(|c| {
            for t in &seed.tenants {
                crate::purge::purge_in(c, t.id)?;
                load_tenant(c, t, now)?;
            }
            Ok(())
        })
    }
}

/// Deletes a tenant and, through ON DELETE CASCADE, everything it owns.
pub fn delete_tenant(c: &mut DbConn, id: Uuid) -> StoreResult<()> {
    diesel::delete(tenants::table.filter(tenants::id.eq(id.to_string()))).execute(c)?;
    Ok(())
}
