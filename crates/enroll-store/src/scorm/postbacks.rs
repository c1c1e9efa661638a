//! Post-backs: when a registration's enrollment changes (through any dialect, the admin API or
//! the expiry sweep), its post-back URL (the registration's own, else its invitation's)
//! receives the result. Changes are found by comparing the enrollment's `updated_at` with the
//! registration's `postback_mark`, and the message is enqueued in the shared outbox in the same
//! transaction that moves the mark: no change is announced twice or lost across restarts.
use super::registrations::views_by_pk;
use super::schema::{scorm_invitations as si, scorm_registrations as sr};
use super::{PostBack, RegistrationView};
use crate::error::StoreResult;
use crate::outbox::{Channel, NewMessage, enqueue_in};
use crate::schema::enrollments;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use std::collections::HashMap;

/// (registration pk, tenant, own post-back, invitation, enrollment updated_at).
type Changed = (String, String, Option<String>, Option<String>, i64);

/// A rendered post-back request.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPost {
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub body: String,
}

/// Renders a registration's post-back (the facade knows the vendor's format).
pub type PostbackRenderer<'r> = &'r (dyn Fn(&RegistrationView, &PostBack) -> RenderedPost + Sync);

impl Store {
    /// Enqueues post-backs for up to `limit` changed registrations; returns how many were
    /// enqueued (registrations without a post-back URL only move their mark).
    pub fn scorm_collect_postbacks(
        &self,
        limit: i64,
        render: PostbackRenderer<'_>,
    ) -> StoreResult<usize> {
        let now = self.now();
        let now_ms = to_millis(now);
        // A cheap read first: the write lock is taken only when something changed.
        let any: i64 = self.with_conn(|c| {
            Ok(sr::table
                .inner_join(enrollments::table.on(enrollments::id.eq(sr::enrollment_id)))
                .filter(enrollments::updated_at.gt(sr::postback_mark))
                .select(sr::id)
                .limit(1)
                .load::<String>(c)?
                .len() as i64)
        })?;
        if any == 0 {
            return Ok(0);
        }
        self.write(|c| {
            let rows: Vec<Changed> = sr::table
                .inner_join(enrollments::table.on(enrollments::id.eq(sr::enrollment_id)))
                .filter(enrollments::updated_at.gt(sr::postback_mark))
                .select((
                    sr::id,
                    sr::tenant_id,
                    sr::post_back,
                    sr::invitation_id,
                    enrollments::updated_at,
                ))
                .order(enrollments::updated_at)
                .limit(limit)
                .load(c)?;
            if rows.is_empty() {
                return Ok(0);
            }
            let inv_ids: Vec<String> = rows
                .iter()
                .filter(|r| r.2.is_none())
                .filter_map(|r| r.3.clone())
                .collect();
            let inv_pb: HashMap<String, Option<String>> = si::table
                .filter(si::id.eq_any(&inv_ids))
                .select((si::id, si::post_back))
                .load::<(String, Option<String>)>(c)?
                .into_iter()
                .collect();
            let mut targets: Vec<(String, String, PostBack)> = vec![];
            for (pk, tenant, own, inv, _) in &rows {
                let pb = own
                    .clone()
                    .or_else(|| inv.as_ref().and_then(|i| inv_pb.get(i).cloned().flatten()));
                if let Some(p) = PostBack::decode(pb.as_deref())?
                    && !p.url.trim().is_empty()
                {
                    targets.push((pk.clone(), tenant.clone(), p));
                }
            }
            let pks: Vec<String> = targets.iter().map(|t| t.0.clone()).collect();
            let views: HashMap<String, RegistrationView> = views_by_pk(c, &pks, now)?
                .into_iter()
                .map(|v| (v.pk.to_string(), v))
                .collect();
            let mut sent = 0;
            for (pk, tenant, pb) in &targets {
                let Some(view) = views.get(pk) else { continue };
                let post = render(view, pb);
                enqueue_in(
                    c,
                    &NewMessage {
                        tenant_id: Some(crate::models::uuid(tenant)?),
                        channel: Channel::Http,
                        topic: "scormcloud.postback".into(),
                        target: pb.url.clone(),
                        headers: post.headers,
                        content_type: post.content_type,
                        subject: None,
                        body: post.body,
                    },
                    now_ms,
                )?;
                sent += 1;
            }
            for (pk, _, _, _, updated) in &rows {
                diesel::update(sr::table.filter(sr::id.eq(pk)))
                    .set(sr::postback_mark.eq(*updated))
                    .execute(c)?;
            }
            Ok(sent)
        })
    }
}
