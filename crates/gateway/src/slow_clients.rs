//! A deadline for request bodies. actix-http bounds the wait for a request's head
//! (`client_request_timeout`) and for the next request on an idle connection (keep-alive),
//! but not for the body: a client announcing `Content-Length: 1000` and sending 13 bytes held
//! its connection and handler forever. Here the body must have arrived within the body
//! timeout of the head; otherwise the handler's read fails, the client gets a 408 in its
//! vendor's shape, and the connection is closed.
use crate::AppState;
use crate::vendor_error;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use futures_util::Stream;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use tokio::time::{Instant, Sleep};

/// Middleware (`App::wrap(from_fn(body_deadline))`); requests without a body pass untouched.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let has_body = req.headers().contains_key(TRANSFER_ENCODING)
        || req
            .headers()
            .get(CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let timeout = req.app_data::<Data<AppState>>().map(|st| st.body_timeout);
    let (Some(timeout), true) = (timeout, has_body) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let state = Rc::new(Cell::new(BodyState::Reading));
    let body = Deadline {
        inner: req.take_payload(),
        deadline: Instant::now() + timeout,
        sleep: None,
        state: state.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(body),
    });
    let path = req.path().to_string();
    let mut res = next.call(req).await?;
    match state.get() {
        BodyState::Complete => Ok(res.map_into_left_body()),
        BodyState::TimedOut => {
            let secs = timeout.as_secs();
            let message = format!("the request body did not arrive within {secs} s");
            let mut resp = vendor_error::respond(&path, StatusCode::REQUEST_TIMEOUT, &message);
            resp.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Ok(res.into_response(resp).map_into_right_body())
        }
        // The handler answered without reading the whole body: the rest may never come, so
        // the connection is not kept for another request.
        BodyState::Reading => {
            res.response_mut()
                .head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Ok(res.map_into_left_body())
        }
    }
}

#[derive(Clone, Copy)]
enum BodyState {
    Reading,
    Complete,
    TimedOut,
}

struct Deadline {
    inner: Payload,
    deadline: Instant,
    // Created on the first wait only: a body that came with its head needs no timer.
    sleep: Option<Pin<Box<Sleep>>>,
    state: Rc<Cell<BodyState>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if matches!(this.state.get(), BodyState::TimedOut) {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            if item.is_none() {
                this.state.set(BodyState::Complete);
            }
            return Poll::Ready(item);
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.state.set(BodyState::TimedOut);
                Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the request body did not arrive in time",
                )))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
