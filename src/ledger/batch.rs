//! Batches and their lifecycle (seeds/01 and seeds/04), as pure rules: the
//! store asks `next_status` before it writes anything, so a refused action
//! changes nothing and says which rule refused it.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::books::BatchOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    OnHold,
    Balanced,
    Scheduled,
    Unposted,
    Posted,
    Void,
}

impl Status {
    pub const ALL: [Status; 6] = [Status::OnHold, Status::Balanced, Status::Scheduled, Status::Unposted, Status::Posted, Status::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnHold => "on-hold",
            Status::Balanced => "balanced",
            Status::Scheduled => "scheduled",
            Status::Unposted => "unposted",
            Status::Posted => "posted",
            Status::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Entries may be changed in place (seeds/04: not once released).
    pub fn editable(self) -> bool {
        matches!(self, Status::OnHold | Status::Balanced | Status::Scheduled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Beside the status (seeds/01): has the accounting software received it?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportState {
    InProgress,
    Exported,
    ExportFailed,
}

impl ExportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportState::InProgress => "in-progress",
            ExportState::Exported => "exported",
            ExportState::ExportFailed => "export-failed",
        }
    }

    pub fn parse(s: &str) -> Option<ExportState> {
        [ExportState::InProgress, ExportState::Exported, ExportState::ExportFailed].into_iter().find(|e| e.as_str() == s)
    }
}

/// Why a batch exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchKind {
    /// Entries filed by journal and fiscal year.
    Normal,
    /// Changes to entries of an exported batch; never merged with another.
    Change,
    /// The original's lines, debit and credit swapped.
    Reversal,
    /// Corrections of a posted batch: reversal of the old entry and the new one.
    Adjusting,
    /// Generated from a scheduled batch.
    Generated,
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Normal => "normal",
            BatchKind::Change => "change",
            BatchKind::Reversal => "reversal",
            BatchKind::Adjusting => "adjusting",
            BatchKind::Generated => "generated",
        }
    }

    pub fn parse(s: &str) -> Option<BatchKind> {
        [BatchKind::Normal, BatchKind::Change, BatchKind::Reversal, BatchKind::Adjusting, BatchKind::Generated].into_iter().find(|k| k.as_str() == s)
    }
}

/// What the lifecycle rules need to know about a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFacts {
    pub status: Status,
    pub lines: usize,
    pub debit: Decimal,
    pub credit: Decimal,
    pub control_total: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Hold,
    /// Clear the hold: On hold → Balanced.
    Balance,
    Release,
    Post,
    Schedule,
    /// Remove from its schedule, or cancel a batch not yet released.
    Void,
    /// Change its entries.
    Edit,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Hold => "hold",
            Action::Balance => "balance",
            Action::Release => "release",
            Action::Post => "post",
            Action::Schedule => "schedule",
            Action::Void => "void",
            Action::Edit => "edit",
        }
    }
}

/// A refused action, with the rule that refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Why the batch is not balanced, if it is not: at least two lines, debit
/// total = credit total, and the control total when it is checked.
pub fn unbalanced_reason(b: &BatchFacts, opts: &BatchOptions) -> Option<String> {
    if b.lines < 2 {
        return Some(format!("a batch needs at least two lines; it has {}", b.lines));
    }
    if b.debit != b.credit {
        return Some(format!("debit total {} differs from credit total {} by {}", b.debit, b.credit, b.debit - b.credit));
    }
    if opts.validate_control_total {
        match b.control_total {
            None => return Some(format!("the control total is checked and none was entered (totals: {})", b.debit)),
            Some(c) if c != b.debit => return Some(format!("control total {c} differs from the totals {}", b.debit)),
            _ => {}
        }
    }
    None
}

/// The status of a batch as first saved (or saved again after an edit):
/// On hold when the options say so or when it does not balance.
pub fn status_on_save(b: &BatchFacts, opts: &BatchOptions, requested_hold: bool) -> Status {
    if requested_hold || opts.hold_on_entry || unbalanced_reason(b, opts).is_some() {
        Status::OnHold
    } else {
        Status::Balanced
    }
}

/// The status after `action`, or the rule that refuses it.
pub fn next_status(b: &BatchFacts, action: Action, opts: &BatchOptions) -> Result<Status, Refusal> {
    use Action as A;
    use Status::*;
    let refuse = |why: String| Err(Refusal(format!("cannot {} a batch that is {}: {why}", action.name(), b.status)));
    match (b.status, action) {
        (Posted, _) => refuse("a posted batch is never changed nor deleted; correct it with a reversing or adjusting batch".into()),
        (Void, _) => refuse("a void batch is kept for the audit trail only".into()),
        (Unposted, A::Post) => Ok(Posted),
        (Unposted, _) => refuse("a released batch can no longer be edited; post it, then reverse it if needed".into()),
        (OnHold, A::Hold) | (Balanced, A::Balance) => Ok(b.status),
        (Balanced, A::Hold) => Ok(OnHold),
        (OnHold, A::Balance) => match unbalanced_reason(b, opts) {
            Some(why) => refuse(why),
            None => Ok(Balanced),
        },
        (OnHold, A::Release) | (OnHold, A::Post) => refuse("an On hold batch cannot be released or posted; clear the hold first (batch balance)".into()),
        (Balanced, A::Release) => match unbalanced_reason(b, opts) {
            Some(why) => refuse(why),
            None => Ok(if opts.post_on_release { Posted } else { Unposted }),
        },
        (Balanced, A::Post) => refuse("only released batches are posted; release it first".into()),
        (Balanced, A::Schedule) => match unbalanced_reason(b, opts) {
            Some(why) => refuse(why),
            None => Ok(Scheduled),
        },
        (OnHold, A::Schedule) => refuse("only a Balanced batch can be scheduled".into()),
        (Scheduled, A::Schedule) => Ok(Scheduled),
        (Scheduled, A::Void) | (OnHold, A::Void) | (Balanced, A::Void) => Ok(Void),
        (Scheduled, A::Hold) | (Scheduled, A::Balance) => refuse("a scheduled batch is a template; remove it from its schedule (void) instead".into()),
        (Scheduled, A::Release) | (Scheduled, A::Post) => refuse("a scheduled batch is a template; the batches it generates are released and posted".into()),
        (OnHold, A::Edit) | (Balanced, A::Edit) | (Scheduled, A::Edit) => Ok(b.status),
    }
}

/// After an edit: a Balanced batch must stay balanced (else the change is
/// refused unless it is saved On hold); a Scheduled one too.
pub fn status_after_edit(before: Status, after: &BatchFacts, opts: &BatchOptions, hold: bool) -> Result<Status, Refusal> {
    match before {
        // The hold is cleared by someone (`balance`), never by an edit.
        Status::OnHold => Ok(Status::OnHold),
        Status::Balanced if hold => Ok(Status::OnHold),
        Status::Balanced | Status::Scheduled => match unbalanced_reason(after, opts) {
            None => Ok(before),
            Some(why) => Err(Refusal(format!("a {before} batch must stay balanced after a change ({why}); save it On hold instead (--hold)"))),
        },
        other => Err(Refusal(format!("cannot edit a batch that is {other}"))),
    }
}

/// Batch number: prefix and six digits (more when the sequence outgrows them).
pub fn batch_number(prefix: &str, n: i64) -> String {
    format!("{prefix}{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn facts(status: Status, lines: usize, debit: Decimal, credit: Decimal) -> BatchFacts {
        BatchFacts { status, lines, debit, credit, control_total: None }
    }

    fn opts() -> BatchOptions {
        BatchOptions::default()
    }

    #[test]
    fn the_seeds_lifecycle_balanced_released_posted() {
        let b = facts(Status::Balanced, 3, dec!(120), dec!(120));
        assert_eq!(next_status(&b, Action::Release, &opts()), Ok(Status::Unposted));
        let post_at_once = BatchOptions { post_on_release: true, ..opts() };
        assert_eq!(next_status(&b, Action::Release, &post_at_once), Ok(Status::Posted));
        let u = facts(Status::Unposted, 3, dec!(120), dec!(120));
        assert_eq!(next_status(&u, Action::Post, &opts()), Ok(Status::Posted));
        // Only released batches are posted.
        assert!(next_status(&b, Action::Post, &opts()).unwrap_err().0.contains("release it first"));
    }

    #[test]
    fn posted_and_void_batches_refuse_everything_with_the_rule() {
        for status in [Status::Posted, Status::Void] {
            let b = facts(status, 2, dec!(1), dec!(1));
            for a in [Action::Hold, Action::Balance, Action::Release, Action::Post, Action::Schedule, Action::Void, Action::Edit] {
                let r = next_status(&b, a, &opts()).unwrap_err();
                assert!(r.0.starts_with(&format!("cannot {} a batch that is {status}", a.name())), "{r}");
            }
        }
        let r = next_status(&facts(Status::Posted, 2, dec!(1), dec!(1)), Action::Hold, &opts()).unwrap_err();
        assert!(r.0.contains("reversing or adjusting batch"), "{r}");
        // Released: only posting remains.
        let u = facts(Status::Unposted, 2, dec!(1), dec!(1));
        assert!(next_status(&u, Action::Edit, &opts()).is_err());
        assert!(next_status(&u, Action::Hold, &opts()).is_err());
    }

    #[test]
    fn on_hold_needs_two_lines_equal_totals_and_the_control_total_to_balance() {
        let one = facts(Status::OnHold, 1, dec!(5), dec!(5));
        assert!(next_status(&one, Action::Balance, &opts()).unwrap_err().0.contains("at least two lines"));
        let off = facts(Status::OnHold, 2, dec!(5), dec!(4));
        assert!(next_status(&off, Action::Balance, &opts()).unwrap_err().0.contains("differs from credit total 4 by 1"));
        assert!(next_status(&off, Action::Release, &opts()).unwrap_err().0.contains("cannot be released or posted"));
        let even = facts(Status::OnHold, 2, dec!(5), dec!(5));
        assert_eq!(next_status(&even, Action::Balance, &opts()), Ok(Status::Balanced));
        let checked = BatchOptions { validate_control_total: true, ..opts() };
        assert!(next_status(&even, Action::Balance, &checked).unwrap_err().0.contains("control total"));
        let with_total = BatchFacts { control_total: Some(dec!(5)), ..even.clone() };
        assert_eq!(next_status(&with_total, Action::Balance, &checked), Ok(Status::Balanced));
        let wrong_total = BatchFacts { control_total: Some(dec!(6)), ..even };
        assert!(next_status(&wrong_total, Action::Balance, &checked).unwrap_err().0.contains("control total 6 differs"));
    }

    #[test]
    fn saving_follows_hold_on_entry_and_balance() {
        let even = facts(Status::OnHold, 2, dec!(5), dec!(5));
        assert_eq!(status_on_save(&even, &opts(), false), Status::Balanced);
        assert_eq!(status_on_save(&even, &BatchOptions { hold_on_entry: true, ..opts() }, false), Status::OnHold);
        assert_eq!(status_on_save(&facts(Status::OnHold, 2, dec!(5), dec!(6)), &opts(), false), Status::OnHold);
    }

    #[test]
    fn an_edit_keeps_a_balanced_or_scheduled_batch_balanced_or_holds_it() {
        let off = facts(Status::Balanced, 2, dec!(5), dec!(6));
        assert!(status_after_edit(Status::Balanced, &off, &opts(), false).unwrap_err().0.contains("--hold"));
        assert_eq!(status_after_edit(Status::Balanced, &off, &opts(), true), Ok(Status::OnHold));
        assert!(status_after_edit(Status::Scheduled, &off, &opts(), false).is_err());
        assert!(status_after_edit(Status::Posted, &off, &opts(), true).is_err());
    }

    #[test]
    fn schedules_take_balanced_batches_and_end_void() {
        let b = facts(Status::Balanced, 2, dec!(5), dec!(5));
        assert_eq!(next_status(&b, Action::Schedule, &opts()), Ok(Status::Scheduled));
        let s = facts(Status::Scheduled, 2, dec!(5), dec!(5));
        assert_eq!(next_status(&s, Action::Void, &opts()), Ok(Status::Void));
        assert!(next_status(&s, Action::Release, &opts()).is_err());
        assert!(next_status(&facts(Status::OnHold, 2, dec!(5), dec!(5)), Action::Schedule, &opts()).is_err());
    }

    #[test]
    fn batch_numbers_keep_six_digits_then_grow() {
        assert_eq!(batch_number("B", 12), "B000012");
        assert_eq!(batch_number("GL-", 1234567), "GL-1234567");
    }
}
