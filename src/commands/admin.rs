//! The admin commands from the shell: through the running daemon's
//! control socket when there is one, else on the database directly.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::admin::{self, Request};
use std::sync::Arc;

use crate::store::{Store, StoreHandle};

pub fn run(config: &Path, req: Request) -> Result<ExitCode> {
    let reply = ask(config, req)?;
    print!("{}", reply.out);
    let _ = std::io::stdout().flush();
    if !reply.err.is_empty() {
        eprint!("{}", reply.err);
        if !reply.err.ends_with('\n') {
            eprintln!();
        }
    }
    Ok(ExitCode::from(reply.code))
}

/// The reply to a request: from the running daemon, else from the database.
pub fn ask(config: &Path, req: Request) -> Result<admin::Reply> {
    let actor = admin::cli_actor();
    // A running daemon answers with the rules it runs: the CLI needs only
    // the config file's data_dir to reach it.
    let daemon = match crate::pipeline::Site::control_socket_of(config) {
        Some(sock) => admin::socket::ask(&sock, &req, &actor)?,
        None => None,
    };
    let reply = match daemon {
        Some(r) => r,
        None => {
            let site = super::load_site(config)?;
            let mut store = Store::open(&site.database)?;
            for c in site.companies() {
                store.record_hard_lock(&c.company.id, c.ledger.locks.hard, &actor)?;
            }
            match req {
                Request::Report { send, to } => {
                    // The same code as in the daemon: the store on its own thread, SMTP async.
                    let (handle, thread) = StoreHandle::spawn(store);
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    let reply = rt.block_on(admin::report::run(Arc::new(site), handle, send, to));
                    let _ = thread.join();
                    reply
                }
                req => admin::execute(&mut store, &site, &req, &actor),
            }
        }
    };
    Ok(reply)
}
