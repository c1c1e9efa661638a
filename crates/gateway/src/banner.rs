//! The start-up banner: every facade's base URL, the admin token, and the demo tenants'
//! credentials with what to send to Absorb's `POST /authenticate`.
use crate::config::Config;
use crate::{AppState, MOUNTS};
use enroll_domain::model::{Dialect, Role};
use enroll_store::seed::SeedTenant;
use serde_json::json;

/// Prints the banner to stdout.
#[expect(
    clippy::print_stdout,
    reason = "the banner is for the person who started the gateway"
)]
pub fn print(state: &AppState, config: &Config) {
    let base = &state.public_url;
    println!(
        "enroll-gateway listening on http://{} ({} database)",
        config.bind,
        state.store.backend()
    );
    for (name, path) in MOUNTS {
        println!("  {name:<28} {base}{path}");
    }
    println!(
        "  {:<28} {base}/admin/v1  (Authorization: Bearer {})",
        "Admin API", state.admin_token
    );
    for t in state.seed.iter().flat_map(|s| &s.tenants) {
        println!("demo tenant '{}' ({}):", t.name, t.id);
        if let Some(org) = t
            .tenant_ids()
            .explicit(enroll_domain::model::Dialect::TrainerCentral)
        {
            println!(
                "  trainercentral orgId {org}  (consent: {base}/trainercentral/oauth/v2/auth, token: POST {base}/trainercentral/oauth/v2/token)"
            );
        }
        if let Some(host) = t.tenant_ids().explicit(Dialect::Ispring) {
            println!("  ispring account https://{host}  (token: POST {base}/ispring/api/v3/token)");
        }
        for c in &t.credentials {
            match &c.key_id {
                Some(k) => println!(
                    "  {:<15} key id {k}  secret {}",
                    c.dialect.as_str(),
                    c.secret
                ),
                None => println!("  {:<15} key {}", c.dialect.as_str(), c.secret),
            }
        }
        for line in absorb_logins(t, base) {
            println!("{line}");
        }
    }
}

/// The tenant's Absorb admin logins (seed users with role `admin` and a password), each with
/// the authenticate call that gets a token for it.
pub fn absorb_logins(t: &SeedTenant, base: &str) -> Vec<String> {
    let Some(key) = t
        .credentials
        .iter()
        .find(|c| c.dialect == Dialect::Absorb)
        .map(|c| &c.secret)
    else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for l in t.learners.iter().filter(|l| l.role == Role::Admin) {
        let (Some(password), username) = (&l.password, l.username.as_ref().unwrap_or(&l.email))
        else {
            continue;
        };
        let (u, p, k) = (json!(username), json!(password), json!(key));
        lines.push(format!("  absorb admin    {username} / {password}"));
        lines.push(format!(
            "    POST {base}/absorb/authenticate  x-api-key: {key}  \
             Content-Type: application/json  body {{\"username\": {u}, \"password\": {p}, \
             \"privateKey\": {k}}}"
        ));
    }
    lines
}
