//! The two transports: stdio (the default; stdout carries only MCP messages,
//! everything else goes to stderr) and streamable HTTP on `/mcp`, served by
//! hyper, with the bearer token checked before rmcp sees a request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{header, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::ServiceExt;

use super::safety;
use super::tools::DocServer;

/// The path the HTTP transport answers on.
pub const HTTP_PATH: &str = "/mcp";

pub async fn stdio(server: DocServer) -> Result<()> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("mcp: the client's initialization on stdio failed")?;
    running.waiting().await?;
    Ok(())
}

type Body = http_body_util::combinators::BoxBody<Bytes, Infallible>;

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from(text.to_string())).boxed());
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

pub async fn http(
    server: DocServer,
    addr: SocketAddr,
    token: Option<String>,
    origins: safety::Origins,
    roots: &[String],
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("mcp: cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let mut config = StreamableHttpServerConfig::default();
    if !addr.ip().is_loopback() {
        // rmcp's Host check guards loopback servers against DNS rebinding;
        // beyond loopback clients name the machine as they like, and the
        // bearer token (required there) is the guard.
        config = config.disable_allowed_hosts();
    }
    let service: StreamableHttpService<DocServer, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    // Always on stderr, even with -q: a client needs the address (the port of
    // :0 is only known now).
    crate::messages::line(&format!(
        "docpipe: mcp: listening on http://{local}{HTTP_PATH}{}; roots: {}",
        if token.is_some() {
            " (bearer token required)"
        } else {
            ""
        },
        roots.join(", ")
    ));
    let token: Option<Arc<str>> = token.map(Arc::from);
    let origins = Arc::new(origins);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // A full file table or a reset before accept: keep serving.
                crate::messages::line(&format!("docpipe: mcp: accept failed: {e}"));
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = service.clone();
        let token = token.clone();
        let origins = Arc::clone(&origins);
        tokio::spawn(async move {
            let handler = hyper::service::service_fn(move |req: Request<Incoming>| {
                let service = service.clone();
                let token = token.clone();
                let origins = Arc::clone(&origins);
                async move {
                    if req.uri().path() != HTTP_PATH {
                        return Ok::<_, Infallible>(plain(
                            StatusCode::NOT_FOUND,
                            "docpipe mcp serves MCP on /mcp\n",
                        ));
                    }
                    if let Some(origin) = req.headers().get(header::ORIGIN) {
                        if !origins.allows(origin.as_bytes()) {
                            return Ok(plain(
                                StatusCode::FORBIDDEN,
                                "docpipe mcp: this Origin may not call the server (loopback pages only; the server's --allow-origin adds others)\n",
                            ));
                        }
                    }
                    if let Some(token) = &token {
                        let given = req
                            .headers()
                            .get(header::AUTHORIZATION)
                            .map(|v| v.as_bytes());
                        if !safety::bearer_ok(given, token) {
                            let mut res = plain(
                                StatusCode::UNAUTHORIZED,
                                "docpipe mcp: missing or wrong bearer token (send 'Authorization: Bearer TOKEN' with the server's --token)\n",
                            );
                            res.headers_mut().insert(
                                header::WWW_AUTHENTICATE,
                                header::HeaderValue::from_static("Bearer"),
                            );
                            return Ok(res);
                        }
                    }
                    let delete = req.method() == hyper::Method::DELETE;
                    let mut res = service.handle(req).await;
                    // A session ended by DELETE: rmcp answers 202, clients
                    // (the official Python SDK among them) expect 200.
                    if delete && res.status() == StatusCode::ACCEPTED {
                        *res.status_mut() = StatusCode::OK;
                    }
                    Ok(res)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), handler)
                .await;
        });
    }
}
