//! Calling the API: `Authorization: Zoho-oauthtoken <t>` (Zoho's scheme) or `Bearer <t>`,
//! a token from `/oauth/v2/token`, valid one hour of ledger time. Each operation needs one
//! scope, `TrainerCentral.<group>.<OPERATION>`, or its group's `.ALL`; scopes compare without
//! regard to case. The orgId in the path must be the token's portal: any other (unknown, or
//! another portal's) is `RESOURCE_NOT_FOUND`.
//!
//! A verified token is trusted for a moment without asking the database again
//! ([`enroll_web::credential_cache`]). A revocation through this process's
//! `/oauth/v2/token/revoke` makes it forget its cached tokens ([`forget_tokens`]) before it
//! answers; one made by another process sharing a PostgreSQL database reaches this one's
//! cache within 25 ms (the cache's rules say how).
use crate::error::TcError;
use crate::handlers::run;
use actix_web::HttpRequest;
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::{Store, StoreError};
use enroll_web::{CredentialCache, CredentialKind};
use std::sync::{Arc, LazyLock};
use time::Duration;
use uuid::Uuid;

/// What a verified access token grants.
#[derive(Debug, Clone)]
struct Grant {
    tenant_id: Uuid,
    /// Space-separated.
    scopes: Arc<str>,
    /// The portal's orgId (normalized), when the check that verified the token was given it.
    org: Option<String>,
}

static TOKENS: LazyLock<CredentialCache<Grant>> = LazyLock::new(CredentialCache::new);

/// Forgets every cached token, on every worker of this process: a revocation ended some (a
/// refresh token ends every access token of its grant, which the cache does not know).
pub fn forget_tokens() {
    TOKENS.evict(CredentialKind::Token, |_| true);
}

/// Access tokens last an hour (Zoho Accounts' lifetime).
pub const ACCESS_TTL: Duration = Duration::hours(1);
/// Authorization codes last two minutes and are used once.
pub const CODE_TTL: Duration = Duration::minutes(2);

/// The scope an operation needs: `TrainerCentral.<group>.<op>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub group: &'static str,
    pub op: &'static str,
}

impl Need {
    /// Inviting learners (`addCourseAttendee`).
    pub const USER_CREATE: Self = Self::new("userapi", "CREATE");
    /// Reading a learner's details.
    pub const USER_READ: Self = Self::new("userapi", "READ");
    /// Courses and their members.
    pub const COURSE_READ: Self = Self::new("courseapi", "READ");
    /// Revoking and granting course access.
    pub const COURSE_UPDATE: Self = Self::new("courseapi", "UPDATE");
    /// The academy's learners.
    pub const PRESENTER_READ: Self = Self::new("presenterapi", "READ");
    /// Deleting an academy learner.
    pub const PRESENTER_DELETE: Self = Self::new("presenterapi", "DELETE");
    /// The account's portals.
    pub const PORTAL_READ: Self = Self::new("portalapi", "READ");

    const fn new(group: &'static str, op: &'static str) -> Self {
        Self { group, op }
    }

    /// The scope's name.
    pub fn name(self) -> String {
        format!("TrainerCentral.{}.{}", self.group, self.op)
    }

    /// Whether space-separated `granted` scopes include this one (or its group's `.ALL`).
    pub fn granted_by(self, granted: &str) -> bool {
        let all = format!("TrainerCentral.{}.ALL", self.group);
        let name = self.name();
        granted
            .split_whitespace()
            .any(|g| g.eq_ignore_ascii_case(&name) || g.eq_ignore_ascii_case(&all))
    }
}

/// Scope groups and operations a token may be granted.
pub const GROUPS: [&str; 8] = [
    "userapi",
    "courseapi",
    "presenterapi",
    "portalapi",
    "sectionapi",
    "sessionapi",
    "talkapi",
    "orgapi",
];
const OPS: [&str; 5] = ["READ", "CREATE", "UPDATE", "DELETE", "ALL"];

/// Parses a requested scope list (comma- or space-separated, as Zoho takes them), each
/// `TrainerCentral.<group>.<op>`; `None` if any is not one.
pub fn parse_scopes(text: &str) -> Option<Vec<String>> {
    let scopes: Vec<String> = text
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut p = s.split('.');
            match (p.next(), p.next(), p.next(), p.next()) {
                (Some(app), Some(g), Some(op), None)
                    if app.eq_ignore_ascii_case("TrainerCentral")
                        && GROUPS.iter().any(|x| x.eq_ignore_ascii_case(g))
                        && OPS.iter().any(|x| x.eq_ignore_ascii_case(op)) =>
                {
                    Some(format!(
                        "TrainerCentral.{}.{}",
                        g.to_ascii_lowercase(),
                        op.to_ascii_uppercase()
                    ))
                }
                _ => None,
            }
        })
        .collect::<Option<_>>()?;
    (!scopes.is_empty()).then_some(scopes)
}

/// The caller of an API operation.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant_id: Uuid,
    /// The portal's orgId.
    pub org: String,
}

/// The token a request carries (`Zoho-oauthtoken` or `Bearer` scheme).
pub fn token_of(req: &HttpRequest) -> Result<String, TcError> {
    let missing = || TcError::InvalidToken("The OAuth token is missing or malformed".into());
    let h = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    match h.trim().split_once(' ') {
        Some((scheme, t))
            if (scheme.eq_ignore_ascii_case("Zoho-oauthtoken")
                || scheme.eq_ignore_ascii_case("Bearer"))
                && !t.trim().is_empty() =>
        {
            Ok(t.trim().to_string())
        }
        _ => Err(missing()),
    }
}

/// Checks the token and its scope; with `org`, that it is the token's portal.
pub async fn authorize(
    req: &HttpRequest,
    store: &Store,
    org: Option<&str>,
    need: Need,
) -> Result<Principal, TcError> {
    let token = token_of(req)?;
    let org_id = org.map(|o| crate::ids::number(o, "orgId")).transpose()?;
    let grant = match TOKENS.get(store, CredentialKind::Token, &token) {
        Ok(g) if org_id.is_none() || g.org == org_id => g,
        cached => {
            let (grant, expires_at) = check(store, token, org_id.clone()).await?;
            if let Err(miss) = cached {
                TOKENS.put(miss, grant.clone(), Some(expires_at));
            }
            grant
        }
    };
    if !need.granted_by(&grant.scopes) {
        return Err(TcError::InvalidScope(need.name()));
    }
    let tenant = grant.tenant_id;
    let org = match org {
        Some(o) => {
            if grant.org != org_id {
                return Err(TcError::NotFound(format!(
                    "No portal with orgId {o} for this OAuth token"
                )));
            }
            o.to_string()
        }
        None => org_of(store, tenant).await?,
    };
    Ok(Principal {
        tenant_id: tenant,
        org,
    })
}

/// The token (and, with `org_id`, the portal) in the database, in one unit of work: what it
/// grants (`org` only when `org_id` is its portal) and when it expires.
async fn check(
    store: &Store,
    token: String,
    org_id: Option<String>,
) -> Result<(Grant, time::OffsetDateTime), TcError> {
    let (info, portal) = run(store, move |s| {
        let Some(info) = s.check_token(Dialect::TrainerCentral, &token)? else {
            return Ok((None, None));
        };
        let portal = match &org_id {
            Some(id) => match s.tenant_by_external(Dialect::TrainerCentral, id) {
                Ok(t) => (t == info.tenant_id).then(|| id.clone()),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        Ok((Some(info), portal))
    })
    .await?;
    let info =
        info.ok_or_else(|| TcError::InvalidToken("Invalid or expired OAuth token".into()))?;
    let grant = Grant {
        tenant_id: info.tenant_id,
        scopes: info.scopes.into(),
        org: portal,
    };
    Ok((grant, info.expires_at))
}

/// The tenant's orgId.
pub async fn org_of(store: &Store, tenant: Uuid) -> Result<String, TcError> {
    let tenants = run(store, |s| s.list_tenants()).await?;
    tenants
        .into_iter()
        .find(|(t, _)| t.id == tenant)
        .map(|(t, ids)| {
            ids.id_in(
                Dialect::TrainerCentral,
                enroll_domain::crosswalk::Kind::Tenant,
                t.id,
            )
        })
        .ok_or_else(|| TcError::NotFound("No portal for this OAuth token".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_granted_exactly_or_by_their_group() {
        let n = Need::USER_CREATE;
        assert!(n.granted_by("TrainerCentral.userapi.CREATE"));
        assert!(n.granted_by("x trainercentral.USERAPI.create"));
        assert!(n.granted_by("TrainerCentral.userapi.ALL"));
        assert!(!n.granted_by("TrainerCentral.userapi.READ TrainerCentral.courseapi.ALL"));
        assert!(!n.granted_by(""));
    }

    #[test]
    fn requested_scopes_parse_comma_or_space_separated() {
        assert_eq!(
            parse_scopes("TrainerCentral.userapi.CREATE,trainercentral.courseapi.read"),
            Some(vec![
                "TrainerCentral.userapi.CREATE".to_string(),
                "TrainerCentral.courseapi.READ".to_string()
            ])
        );
        assert_eq!(parse_scopes("ZohoCRM.modules.ALL"), None);
        assert_eq!(parse_scopes("TrainerCentral.userapi.WRITE"), None);
        assert_eq!(parse_scopes(""), None);
    }
}
