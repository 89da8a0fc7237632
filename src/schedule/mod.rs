//! Schedules: when each job is due, in its own time zone, daylight saving
//! included. croner reads the cron expression and finds occurrences on the
//! zone's wall clock (a 02:00 Europe/Paris job runs at 02:00 local time in
//! winter and in summer; on the spring-forward night it runs at 03:00, the
//! first minute that exists, and on the fall-back night once).
//!
//! `runner` sleeps until the next due time on a `Clock` (tokio's, so tests
//! pause and advance time), runs each job at most once at a time, and
//! catches up a run missed while the daemon was down.

pub mod runner;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

pub use runner::{Clock, JobRun, Runner, ScheduleState};

pub fn parse_cron(expr: &str) -> Result<Cron, String> {
    expr.parse::<Cron>().map_err(|e| format!("not a cron expression ({e})"))
}

/// A cron expression read in a time zone.
#[derive(Debug, Clone)]
pub struct When {
    cron: Cron,
    tz: Tz,
}

impl When {
    pub fn new(expr: &str, tz: &str) -> Result<When, String> {
        let tz: Tz = tz.parse().map_err(|_| format!("`{tz}` is not an IANA time zone"))?;
        Ok(When { cron: parse_cron(expr)?, tz })
    }

    /// The first occurrence strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&t.with_timezone(&self.tz), false).ok().map(|d| d.with_timezone(&Utc))
    }

    /// The last occurrence at or before `t`.
    pub fn last_until(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_previous_occurrence(&t.with_timezone(&self.tz), true).ok().map(|d| d.with_timezone(&Utc))
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }
}

#[cfg(test)]
mod tests;
