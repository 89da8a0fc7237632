//! The admin commands from the shell: through the running daemon's
//! control socket when there is one, else on the database directly.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::admin::{self, Request};
use crate::store::Store;

pub fn run(config: &Path, req: Request) -> Result<ExitCode> {
    let site = super::load_site(config)?;
    let actor = admin::cli_actor();
    let reply = match admin::socket::ask(&site.control_socket(), &req, &actor)? {
        Some(r) => r,
        None => {
            let mut store = Store::open(&site.database)?;
            for c in site.companies() {
                store.record_hard_lock(&c.company.id, c.ledger.locks.hard, &actor)?;
            }
            admin::execute(&mut store, &site, &req, &actor)
        }
    };
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
