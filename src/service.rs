//! Talking to systemd (Type=notify): READY, RELOADING, STOPPING, STATUS
//! and the watchdog, over the datagram socket named in `NOTIFY_SOCKET`.
//! The protocol is one datagram of `KEY=value` lines; no library needed.
//! Outside systemd (no `NOTIFY_SOCKET`) every call does nothing.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// Send `state` (e.g. "READY=1\nSTATUS=watching 2 inboxes").
pub fn notify(state: &str) {
    let Ok(path) = std::env::var("NOTIFY_SOCKET") else { return };
    let Ok(sock) = UnixDatagram::unbound() else { return };
    let sent = if let Some(name) = path.strip_prefix('@') {
        // An abstract socket (Linux).
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).and_then(|addr| sock.send_to_addr(state.as_bytes(), &addr))
    } else {
        sock.send_to(state.as_bytes(), &path)
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, socket = %path, "could not notify systemd");
    }
}

/// How often to send WATCHDOG=1: half of systemd's `WatchdogSec`, when set
/// for this process.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    if let Ok(pid) = std::env::var("WATCHDOG_PID") {
        if pid.parse::<u32>().ok() != Some(std::process::id()) {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2).max(Duration::from_millis(500)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_arrive_on_the_socket_systemd_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let server = UnixDatagram::bind(&path).unwrap();
        server.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        // The variable is process-wide: this is the only test that sets it.
        std::env::set_var("NOTIFY_SOCKET", &path);
        notify("READY=1\nSTATUS=watching 1 inbox");
        std::env::remove_var("NOTIFY_SOCKET");
        let mut buf = [0u8; 256];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1\nSTATUS=watching 1 inbox");
        notify("STOPPING=1"); // no socket: nothing happens, no panic
    }
}
