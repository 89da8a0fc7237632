//! Sending mail through the configured SMTP server with lettre: STARTTLS,
//! TLS or (on a trusted network only) plain; authentication with the
//! password read from `password_file` or an environment variable, never
//! logged. Mail goes through the outbox in DuckDB first, so a server that
//! is down delays a report but never loses it.

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::overnight::{Security, Smtp};
use crate::store::QueuedMail;

/// The SMTP password: the first line of `password_file`, else the
/// environment variable `password_env`; `None` without a username.
pub fn password(smtp: &Smtp) -> Result<Option<String>> {
    if smtp.username.is_none() {
        return Ok(None);
    }
    if let Some(f) = &smtp.password_file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading the SMTP password file {}", f.display()))?;
        return Ok(Some(text.lines().next().unwrap_or_default().to_string()));
    }
    match std::env::var(&smtp.password_env) {
        Ok(p) => Ok(Some(p)),
        Err(_) => Err(anyhow!("smtp.username is set but there is no password: set smtp.password_file or the environment variable {}", smtp.password_env)),
    }
}

fn transport(smtp: &Smtp) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let tls = || -> Result<TlsParameters> {
        let mut b = TlsParameters::builder(smtp.host.clone());
        if let Some(ca) = &smtp.ca_file {
            let pem = std::fs::read(ca).with_context(|| format!("reading smtp.ca_file {}", ca.display()))?;
            b = b.add_root_certificate(Certificate::from_pem(&pem).with_context(|| format!("smtp.ca_file {}: not a PEM certificate", ca.display()))?);
        }
        b.build_rustls().context("SMTP TLS settings")
    };
    let base = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str());
    let builder = match smtp.security {
        Security::None => base,
        // The connection fails rather than sending in clear when the server offers no STARTTLS.
        Security::Starttls => base.tls(Tls::Required(tls()?)),
        Security::Tls => base.tls(Tls::Wrapper(tls()?)),
    };
    let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(smtp.timeout_secs)));
    if let (Some(user), Some(pass)) = (&smtp.username, password(smtp)?) {
        builder = builder.credentials(Credentials::new(user.clone(), pass));
    }
    Ok(builder.build())
}

/// Build the message: text and HTML alternatives, files attached.
pub fn message(smtp: &Smtp, m: &QueuedMail) -> Result<Message> {
    let from: Mailbox = smtp.from.parse().with_context(|| format!("smtp.from `{}`", smtp.from))?;
    let mut b = Message::builder().from(from).subject(m.subject.clone());
    for r in &m.recipients {
        b = b.to(r.parse().with_context(|| format!("recipient `{r}`"))?);
    }
    let body = MultiPart::alternative_plain_html(m.text.clone(), m.html.clone());
    let msg = if m.attachments.is_empty() {
        b.multipart(body)?
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for path in &m.attachments {
            let bytes = std::fs::read(path).with_context(|| format!("attaching {path}"))?;
            let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
            let part: SinglePart = Attachment::new(name).body(bytes, ContentType::parse("application/octet-stream").expect("a valid content type"));
            mixed = mixed.singlepart(part);
        }
        b.multipart(mixed)?
    };
    Ok(msg)
}

/// One delivery attempt.
pub async fn send(smtp: &Smtp, m: &QueuedMail) -> Result<()> {
    let msg = message(smtp, m)?;
    let t = transport(smtp)?;
    // lettre's timeout bounds each read; a server that keeps a session
    // half-open (seen after a refused AUTH) is bounded here as a whole.
    let whole = Duration::from_secs(smtp.timeout_secs.saturating_mul(2).max(1));
    match tokio::time::timeout(whole, t.send(msg)).await {
        Ok(r) => r.map(|_| ()).map_err(|e| anyhow!("SMTP {}:{}: {e}", smtp.host, smtp.port)),
        Err(_) => Err(anyhow!("SMTP {}:{}: no answer within {} s", smtp.host, smtp.port, whole.as_secs())),
    }
}
