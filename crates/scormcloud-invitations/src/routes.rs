//! Route wiring.
use crate::error::ScormError;
use crate::handlers::{
    invitation_lists as il, invitations as inv, oauth, registrations as reg, tags,
};
use crate::{pages, player};
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, web};

/// Mounts the SCORM Cloud facade (relative paths; the host picks the prefix, e.g.
/// `/scormcloud/api/v2`). The official Python SDK sends `//invitations`: the host should merge
/// slashes (the gateway wraps the app in `NormalizePath::new(TrailingSlash::MergeOnly)`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            // The host's ledger registration, checked once per request (a clear log line
            // instead of actix's plain-text 500).
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "scormcloud-invitations", || {
                    ScormError::Internal
                })
            }))
            .configure(routes),
    );
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(2 * 1024 * 1024)
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::FormConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .route(
        "/oauth/authenticate/application/token",
        web::post().to(oauth::app_token),
    )
    // Invitations (all 16 operations).
    .route("/invitations", web::get().to(il::list_all))
    .route("/invitations/tags", web::put().to(tags::batch_invitations))
    .route("/invitations/private", web::post().to(inv::create_private))
    .route("/invitations/private", web::get().to(il::list_private))
    .route(
        "/invitations/private/{invitationId}",
        web::get().to(inv::get_private),
    )
    .route(
        "/invitations/private/{invitationId}",
        web::put().to(inv::update_private),
    )
    .route(
        "/invitations/private/{invitationId}/jobStatus",
        web::get().to(il::job),
    )
    .route(
        "/invitations/private/{invitationId}/userInvitations",
        web::get().to(il::private_users),
    )
    .route("/invitations/public", web::post().to(inv::create_public))
    .route("/invitations/public", web::get().to(il::list_public))
    .route(
        "/invitations/public/{invitationId}",
        web::get().to(inv::get_public),
    )
    .route(
        "/invitations/public/{invitationId}",
        web::put().to(inv::update_public),
    )
    .route(
        "/invitations/public/{invitationId}/userInvitations",
        web::get().to(il::public_users),
    )
    .route(
        "/invitations/{invitationId}/tags",
        web::get().to(tags::get_invitation),
    )
    .route(
        "/invitations/{invitationId}/tags",
        web::put().to(tags::put_invitation),
    )
    .route(
        "/invitations/{invitationId}/tags",
        web::delete().to(tags::delete_invitation),
    )
    // Registrations.
    .route("/registrations", web::get().to(reg::list))
    .route("/registrations", web::post().to(reg::create))
    .route(
        "/registrations/tags",
        web::put().to(tags::batch_registrations),
    )
    .route(
        "/registrations/postBackTest",
        web::post().to(reg::postback_test),
    )
    .route(
        "/registrations/{registrationId}",
        web::head().to(reg::exists),
    )
    .route(
        "/registrations/{registrationId}",
        web::get().to(reg::progress),
    )
    .route(
        "/registrations/{registrationId}",
        web::delete().to(reg::delete),
    )
    .route(
        "/registrations/{registrationId}/launchLink",
        web::post().to(reg::launch_link),
    )
    .route(
        "/registrations/{registrationId}/instances",
        web::post().to(reg::new_instance),
    )
    .route(
        "/registrations/{registrationId}/instances",
        web::get().to(reg::instances),
    )
    .route(
        "/registrations/{registrationId}/progress",
        web::delete().to(reg::reset),
    )
    .route(
        "/registrations/{registrationId}/launchHistory",
        web::get().to(reg::launch_history),
    )
    .route(
        "/registrations/{registrationId}/tags",
        web::get().to(tags::get_registration),
    )
    .route(
        "/registrations/{registrationId}/tags",
        web::put().to(tags::put_registration),
    )
    .route(
        "/registrations/{registrationId}/tags",
        web::delete().to(tags::delete_registration),
    )
    // Learner pages.
    .service(
        web::resource("/learn/launch/{token}")
            .name("scorm_launch")
            .route(web::get().to(player::launch)),
    )
    .route("/learn/invite/{token}", web::get().to(player::invite))
    .route("/learn/session/{token}", web::post().to(player::report))
    .route("/learn/join/{token}", web::get().to(pages::join_form))
    .route("/learn/join/{token}", web::post().to(pages::join))
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, ScormError> {
    Err(ScormError::NotFound(format!(
        "No resource at {}",
        req.path()
    )))
}
