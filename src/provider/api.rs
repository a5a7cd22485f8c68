//! The generic request helpers every JSON provider uses: one call with the key as
//! a Bearer token, and reading any answer into an [`Answer`] envelope. Nothing
//! here knows a provider's dialect.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::Value;

use super::envelope::Answer;
use super::ProviderInfo;
use crate::config::{ProviderSettings, Secret};
use crate::http::{Busy, Http, Retry};

/// [`call`] with the provider's key, or the missing-key error.
#[allow(clippy::too_many_arguments)]
pub fn keyed_call(
    info: &ProviderInfo,
    settings: &ProviderSettings,
    http: &Http,
    method: Method,
    path: &str,
    body: Option<&Value>,
    retry: Retry,
    busy: Option<Busy>,
) -> Result<Answer> {
    let key = info.key(settings)?;
    call(
        http,
        &settings.base_url,
        Some(key),
        method,
        path,
        body,
        retry,
        busy,
    )
}

/// One JSON request to a provider's API; the key goes only here, as a Bearer
/// token, and only when there is one. `busy`: the dialect's test for an answer
/// that says "try again later" (retried by the HTTP layer, creations included).
#[allow(clippy::too_many_arguments)]
pub fn call(
    http: &Http,
    base_url: &str,
    key: Option<&Secret>,
    method: Method,
    path: &str,
    body: Option<&Value>,
    retry: Retry,
    busy: Option<Busy>,
) -> Result<Answer> {
    let url = format!("{base_url}{path}");
    let build = |c: &reqwest::blocking::Client| {
        let mut req = c
            .request(method.clone(), &url)
            .header("Accept", "application/json");
        if let Some(key) = key {
            req = req.bearer_auth(key.expose());
        }
        match body {
            Some(b) => req.json(b),
            None => req,
        }
    };
    let resp = match busy {
        Some(busy) => http.send_busy(retry, busy, build)?,
        None => http.send(retry, build)?,
    };
    read_answer(resp)
}

/// Reads a JSON answer (at most 16 MiB) whatever its status.
pub fn read_answer(resp: reqwest::blocking::Response) -> Result<Answer> {
    use std::io::Read;
    let status = resp.status().as_u16();
    let mut bytes = Vec::new();
    resp.take(16 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .context("the answer was cut off")?;
    Ok(Answer::from_bytes(status, &bytes))
}
