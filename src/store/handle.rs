//! The one owner of the DuckDB connection: a dedicated thread that runs the
//! closures sent to it, one at a time.

use std::sync::mpsc;
use std::thread;

use anyhow::{anyhow, Result};
use tokio::sync::oneshot;

use super::Store;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

#[derive(Clone)]
pub struct StoreHandle {
    tx: mpsc::Sender<Job>,
}

impl StoreHandle {
    /// Move the store onto its own thread. The thread ends when every
    /// handle is dropped, closing the database cleanly.
    pub fn spawn(store: Store) -> (StoreHandle, thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel::<Job>();
        let join = thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = store;
                while let Ok(job) = rx.recv() {
                    job(&mut store);
                }
            })
            .expect("spawning the store thread");
        (StoreHandle { tx }, join)
    }

    /// Run `f` on the store thread and wait for its answer.
    pub async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Box::new(move |s: &mut Store| {
                let _ = reply.send(f(s));
            }))
            .map_err(|_| anyhow!("the database thread has stopped"))?;
        answer.await.map_err(|_| anyhow!("the database thread has stopped"))?
    }

    /// Blocking variant for synchronous callers (CLI one-shots).
    pub fn call_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Box::new(move |s: &mut Store| {
                let _ = reply.send(f(s));
            }))
            .map_err(|_| anyhow!("the database thread has stopped"))?;
        answer.recv().map_err(|_| anyhow!("the database thread has stopped"))?
    }
}
