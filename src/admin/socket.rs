//! The daemon's control socket: one JSON request per connection, one JSON
//! reply. The socket file is created 0600-equivalent by the umask of the
//! service and lives in the data directory, so only the daemon's user (and
//! root) reach it.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use super::{execute, Reply, Request};
use crate::pipeline::{SharedSite, Site};
use crate::store::StoreHandle;

#[derive(Serialize, Deserialize)]
struct Envelope {
    actor: String,
    request: Request,
}

/// Send `req` to a running daemon. `None` when no daemon listens there.
pub fn ask(path: &Path, req: &Request, actor: &str) -> Result<Option<Reply>> {
    let Ok(mut s) = UnixStream::connect(path) else { return Ok(None) };
    let line = serde_json::to_string(&Envelope { actor: actor.to_string(), request: req.clone() })?;
    s.write_all(line.as_bytes())?;
    s.write_all(b"\n")?;
    s.flush()?;
    let mut answer = String::new();
    BufReader::new(s).read_line(&mut answer).context("reading the daemon's answer")?;
    if answer.trim().is_empty() {
        anyhow::bail!("the daemon closed the control socket {} without answering (is it stopping?)", path.display());
    }
    Ok(Some(serde_json::from_str(&answer).context("the daemon's answer")?))
}

/// Listen until `stop` turns true; each request runs on the store thread.
pub async fn serve(site: SharedSite, store: StoreHandle, mut stop: tokio::sync::watch::Receiver<bool>) -> Result<()> {
    let path = site.get().control_socket();
    // A socket left by a daemon that died: nobody answers on it any more.
    if path.exists() && UnixStream::connect(&path).is_err() {
        let _ = std::fs::remove_file(&path);
    }
    let listener = tokio::net::UnixListener::bind(&path).with_context(|| format!("listening on {} (is another daemon running?)", path.display()))?;
    tracing::info!(socket = %path.display(), "admin commands accepted on the control socket");
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let Ok((conn, _)) = acc else { continue };
                let (site, store) = (site.get(), store.clone());
                tokio::spawn(async move {
                    if let Err(e) = answer(conn, site, store).await {
                        tracing::warn!(error = %format!("{e:#}"), "control socket request");
                    }
                });
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    Ok(())
}

async fn answer(conn: tokio::net::UnixStream, site: Arc<Site>, store: StoreHandle) -> Result<()> {
    let (r, mut w) = conn.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(r).read_line(&mut line).await?;
    let reply = match serde_json::from_str::<Envelope>(&line) {
        Ok(env) => {
            tracing::info!(actor = %env.actor, request = %line.trim(), "admin command");
            match env.request {
                Request::Report { send, to } => super::report::run(site, store, send, to).await,
                req => store.call(move |s| Ok(execute(s, &site, &req, &env.actor))).await.unwrap_or_else(|e| Reply { code: 1, out: String::new(), err: format!("{e:#}") }),
            }
        }
        Err(e) => Reply { code: 2, out: String::new(), err: format!("bad request on the control socket: {e}") },
    };
    w.write_all(serde_json::to_string(&reply)?.as_bytes()).await?;
    w.write_all(b"\n").await?;
    w.flush().await?;
    Ok(())
}
