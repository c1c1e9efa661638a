//! OAuth 2.0 grants over credentials and tokens: one-time codes valid for their lifetime on the
//! ledger's clock, refresh tokens bound to their client, access tokens that expire, revocation
//! that ends a grant, and secrets stored hashed.
#![allow(clippy::unwrap_used)]

use diesel::prelude::*;
use enroll_auth::oauth::{Consent, GrantError};
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::schema::tokens;
use enroll_store::testing::demo::*;
use time::Duration;

const CLIENT: &str = "1000.DEMOCLIENT";
const SECRET: &str = "demo-trainercentral-client-secret";
const URI: &str = "http://127.0.0.1:8765/callback";
const TC: Dialect = Dialect::TrainerCentral;

fn code(store: &enroll_store::Store, offline: bool) -> String {
    let client = store.oauth_client(TC, CLIENT).unwrap().unwrap();
    let consent = Consent {
        subject: "admin",
        scopes: "a.READ b.CREATE",
        redirect_uri: URI,
        offline,
    };
    store
        .issue_code(&client, TC, &consent, Duration::minutes(2))
        .unwrap()
}

#[test]
fn the_seeded_client_has_its_redirect_uris_and_tenant() {
    for (_db, store, _) in stores() {
        let c = store.oauth_client(TC, CLIENT).unwrap().unwrap();
        assert_eq!(c.tenant_id, TENANT);
        assert!(c.redirects_to(URI));
        assert!(!c.redirects_to("http://127.0.0.1:8765/callback/other"));
        assert!(store.oauth_client(TC, "1000.NOBODY").unwrap().is_none());
        assert!(
            store
                .oauth_client(Dialect::Absorb, CLIENT)
                .unwrap()
                .is_none()
        );
    }
}

#[test]
fn a_code_is_exchanged_once_for_an_access_and_a_refresh_token() {
    for (_db, store, _) in stores() {
        let c = code(&store, true);
        let hour = Duration::hours(1);
        let issued = store
            .redeem_code(TC, CLIENT, SECRET, &c, Some(URI), hour)
            .unwrap()
            .unwrap();
        assert_eq!(issued.scopes, "a.READ b.CREATE");
        assert_eq!(issued.subject, "admin");
        let info = store
            .check_token(TC, &issued.access_token)
            .unwrap()
            .unwrap();
        assert_eq!(info.tenant_id, TENANT);
        // Replayed: refused, and nothing more issued.
        let again = store
            .redeem_code(TC, CLIENT, SECRET, &c, Some(URI), hour)
            .unwrap();
        assert_eq!(again, Err(GrantError::InvalidCode));
        // Neither the code nor the refresh token is a bearer token.
        assert!(store.check_token(TC, &c).unwrap().is_none());
        let refresh = issued.refresh_token.unwrap();
        assert!(store.check_token(TC, &refresh).unwrap().is_none());
        // No secret is stored in clear.
        let stored: Vec<String> = store
            .with_conn(|c| Ok(tokens::table.select(tokens::token_hash).load(c)?))
            .unwrap();
        assert!(!stored.contains(&refresh) && !stored.contains(&issued.access_token));
        // An online consent gets no refresh token.
        let online = code(&store, false);
        let issued = store
            .redeem_code(TC, CLIENT, SECRET, &online, None, hour)
            .unwrap()
            .unwrap();
        assert!(issued.refresh_token.is_none());
    }
}

#[test]
fn codes_expire_after_their_lifetime_on_the_ledger_clock() {
    for (_db, store, clock) in stores() {
        let c = code(&store, true);
        clock.advance(Duration::milliseconds(2 * 60 * 1000 + 1));
        let r = store.redeem_code(TC, CLIENT, SECRET, &c, Some(URI), Duration::hours(1));
        assert_eq!(r.unwrap(), Err(GrantError::InvalidCode));
    }
}

#[test]
fn a_wrong_secret_redirect_or_client_is_refused_and_the_code_survives() {
    for (_db, store, _) in stores() {
        let hour = Duration::hours(1);
        let c = code(&store, true);
        let wrong = store
            .redeem_code(TC, CLIENT, "nope", &c, Some(URI), hour)
            .unwrap();
        assert_eq!(wrong, Err(GrantError::InvalidClient));
        let other = store
            .redeem_code(TC, CLIENT, SECRET, &c, Some("http://evil.example/cb"), hour)
            .unwrap();
        assert_eq!(other, Err(GrantError::RedirectMismatch));
        // Another client of the tenant cannot use this client's code.
        let id = store
            .add_credential(TENANT, TC, Some("1000.OTHER"), "other-secret", "")
            .unwrap();
        store.set_redirect_uris(id, &[URI.to_string()]).unwrap();
        let stolen = store.redeem_code(TC, "1000.OTHER", "other-secret", &c, Some(URI), hour);
        assert_eq!(stolen.unwrap(), Err(GrantError::InvalidCode));
        assert!(
            store
                .redeem_code(TC, CLIENT, SECRET, &c, Some(URI), hour)
                .unwrap()
                .is_ok()
        );
    }
}

#[test]
fn refresh_tokens_last_belong_to_their_client_and_revoking_them_ends_the_grant() {
    for (_db, store, clock) in stores() {
        let hour = Duration::hours(1);
        let c = code(&store, true);
        let first = store
            .redeem_code(TC, CLIENT, SECRET, &c, Some(URI), hour)
            .unwrap()
            .unwrap();
        let refresh = first.refresh_token.unwrap();
        // Access tokens end after an hour; the refresh token does not.
        clock.advance(Duration::milliseconds(3600 * 1000 + 1));
        assert!(
            store
                .check_token(TC, &first.access_token)
                .unwrap()
                .is_none()
        );
        clock.advance(Duration::milliseconds(30 * 24 * 3600 * 1000));
        let fresh = store
            .refresh_access(TC, CLIENT, SECRET, &refresh, hour)
            .unwrap()
            .unwrap();
        assert_eq!(fresh.scopes, "a.READ b.CREATE");
        assert!(
            store
                .check_token(TC, &fresh.access_token)
                .unwrap()
                .is_some()
        );
        // Another client cannot use it.
        store
            .add_credential(TENANT, TC, Some("1000.OTHER"), "other-secret", "")
            .unwrap();
        let stolen = store.refresh_access(TC, "1000.OTHER", "other-secret", &refresh, hour);
        assert_eq!(stolen.unwrap(), Err(GrantError::InvalidRefreshToken));
        // Revoking an access token ends it alone; the refresh token ends the grant.
        let second = store
            .refresh_access(TC, CLIENT, SECRET, &refresh, hour)
            .unwrap()
            .unwrap();
        assert_eq!(store.revoke_token(TC, &second.access_token).unwrap(), 1);
        assert!(
            store
                .check_token(TC, &second.access_token)
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .check_token(TC, &fresh.access_token)
                .unwrap()
                .is_some()
        );
        assert_eq!(store.revoke_token(TC, &refresh).unwrap(), 2);
        assert!(
            store
                .check_token(TC, &fresh.access_token)
                .unwrap()
                .is_none()
        );
        let after = store
            .refresh_access(TC, CLIENT, SECRET, &refresh, hour)
            .unwrap();
        assert_eq!(after, Err(GrantError::InvalidRefreshToken));
        assert_eq!(store.revoke_token(TC, &refresh).unwrap(), 0);
    }
}

#[test]
fn client_credentials_give_the_client_a_token_of_its_own() {
    for (_db, store, _) in stores() {
        let (client, issued) = store
            .client_credentials(TC, CLIENT, SECRET, "x.READ", Duration::hours(1))
            .unwrap()
            .unwrap();
        assert_eq!(client.tenant_id, TENANT);
        assert!(issued.refresh_token.is_none());
        let info = store
            .check_token(TC, &issued.access_token)
            .unwrap()
            .unwrap();
        assert_eq!(info.scopes, "x.READ");
        let bad = store.client_credentials(TC, CLIENT, "wrong", "", Duration::hours(1));
        assert_eq!(bad.unwrap(), Err(GrantError::InvalidClient));
    }
}
