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
    let builder = match smtp.security {
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str()),
        Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).context("SMTP STARTTLS settings")?,
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).context("SMTP TLS settings")?,
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
    t.send(msg).await.map_err(|e| anyhow!("SMTP {}:{}: {e}", smtp.host, smtp.port))?;
    Ok(())
}
