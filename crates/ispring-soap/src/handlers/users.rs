//! Users: `GetUsers` (`GET /user`), `GetUserProfile` (`GET /user/{userId}`) and
//! `FindExistingUsers` (`POST /users/find_existing`). A department administrator sees only
//! the users of the departments they administer.
use super::{departments, run};
use crate::auth::Principal;
use crate::error::IspringError;
use crate::input::{Input, uuid};
use crate::value::Out;
use crate::wire;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::catalog::DirectoryQuery;

/// `getUsers` / `GET /user`: filtered by `departments`, `groups` (the ledger has no groups:
/// naming any matches nobody), `logins` and `emails`; a list of `userProfile`.
pub async fn list(p: &Principal, store: &Store, input: &Input) -> Result<Out, IspringError> {
    p.require_admin()?;
    let groups = input.ids("groups")?;
    let q = DirectoryQuery {
        ids: None,
        departments: departments(&p.scope, input.ids("departments")?),
        usernames: input.list("logins")?,
        emails: input.list("emails")?,
    };
    if groups.is_some_and(|g| !g.is_empty()) {
        return Ok(Out::List("userProfile", Vec::new()));
    }
    let t = p.tenant_id;
    let users = run(store, move |s| s.directory(t, &q)).await?;
    Ok(Out::List(
        "userProfile",
        users.iter().map(wire::user).collect(),
    ))
}

/// `getUser` / `GET /user/{userId}`: one `userProfile`.
pub async fn get(p: &Principal, store: &Store, id: &str) -> Result<Out, IspringError> {
    p.require_admin()?;
    let id = uuid(id, "userId")?;
    let q = DirectoryQuery {
        ids: Some((Dialect::Ispring, vec![id])),
        ..Default::default()
    };
    let t = p.tenant_id;
    let found = run(store, move |s| s.directory(t, &q)).await?;
    let user = found
        .first()
        .ok_or_else(|| IspringError::NotFound("User not found".into()))?;
    if !p.scope.reaches(&user.learner) {
        return Err(IspringError::PermissionDenied(
            "The user is outside the departments the caller administers".into(),
        ));
    }
    Ok(wire::user(user))
}

/// `POST /users/find_existing`: which of `userIds` (and the `X-User-Ids` header's, `extra`)
/// exist among the users the caller reaches.
pub async fn find_existing(
    p: &Principal,
    store: &Store,
    input: &Input,
    extra: Option<Vec<String>>,
) -> Result<Out, IspringError> {
    p.require_admin()?;
    let mut ids = input.required_ids("userIds")?;
    ids.extend(extra.unwrap_or_default());
    let q = DirectoryQuery {
        ids: Some((Dialect::Ispring, ids)),
        departments: p.scope.departments(),
        ..Default::default()
    };
    let t = p.tenant_id;
    let found = run(store, move |s| s.directory(t, &q)).await?;
    Ok(Out::List(
        "id",
        found
            .iter()
            .map(|u| Out::text(wire::learner_id(&u.learner)))
            .collect(),
    ))
}
