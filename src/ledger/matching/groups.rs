//! Matching groups and their codes ("lettrage"). Lines sharing an origin
//! form one group: a payment allocated to several due dates, a due date
//! reached by several payments, the due dates of one invoice. The group is
//! shown with one code per account: AA, AB, … ZZ, AAA, …; in lower case
//! while it does not balance yet (a partial matching).

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::MatchProposal;

/// The `n`-th code (from 0): AA … ZZ (676 codes), then AAA … ZZZ, and so on.
pub fn code(n: u64) -> String {
    let mut n = n;
    let mut len = 2u32;
    // 26^len codes of each length, shortest first.
    while let Some(count) = 26u64.checked_pow(len) {
        if n < count {
            break;
        }
        n -= count;
        len += 1;
    }
    let mut out = vec![b'A'; len as usize];
    for slot in out.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8(out).expect("ASCII letters")
}

/// The code as shown: upper case when the group balances, lower case while
/// it is partial.
pub fn group_code(n: u64, complete: bool) -> String {
    let c = code(n);
    if complete {
        c
    } else {
        c.to_ascii_lowercase()
    }
}

/// A group balances when its lines' signed amounts (debit +, credit −) sum to zero.
pub fn is_complete(balances: &[Decimal]) -> bool {
    !balances.is_empty() && balances.iter().sum::<Decimal>().is_zero()
}

/// Union-find over line keys. Keys must come from one key space (the
/// ledger's line ids), not a mix of bank line and invoice ids.
#[derive(Debug, Default, Clone)]
pub struct MatchGroups {
    index: HashMap<u64, usize>,
    keys: Vec<u64>,
    parent: Vec<usize>,
}

impl MatchGroups {
    pub fn new() -> MatchGroups {
        MatchGroups::default()
    }

    fn slot(&mut self, key: u64) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.keys.len();
        self.index.insert(key, i);
        self.keys.push(key);
        self.parent.push(i);
        i
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]]; // path halving
            i = self.parent[i];
        }
        i
    }

    /// Puts `a` and `b` in the same group (merging their groups).
    pub fn link(&mut self, a: u64, b: u64) {
        let (ia, ib) = (self.slot(a), self.slot(b));
        let (ra, rb) = (self.root(ia), self.root(ib));
        if ra != rb {
            // The smaller slot stays root: groups come out in first-seen order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }

    /// A line in a group of its own (an unmatched line shown without a code).
    pub fn add(&mut self, key: u64) {
        self.slot(key);
    }

    /// Links a payment to every item it settled (the proposal's `line` and
    /// allocation `item` keys must be in the same key space).
    pub fn link_proposal(&mut self, p: &MatchProposal) {
        for a in &p.allocations {
            self.link(p.line, a.item);
        }
    }

    /// Are `a` and `b` in the same group?
    pub fn same(&self, a: u64, b: u64) -> bool {
        match (self.index.get(&a).copied(), self.index.get(&b).copied()) {
            (Some(x), Some(y)) => self.root_of(x) == self.root_of(y),
            _ => a == b,
        }
    }

    fn root_of(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    /// The groups, each sorted by key, in the order their first line was seen.
    pub fn groups(&self) -> Vec<Vec<u64>> {
        let mut by_root: HashMap<usize, usize> = HashMap::new();
        let mut out: Vec<Vec<u64>> = Vec::new();
        for i in 0..self.keys.len() {
            let r = self.root_of(i);
            let g = *by_root.entry(r).or_insert_with(|| {
                out.push(Vec::new());
                out.len() - 1
            });
            out[g].push(self.keys[i]);
        }
        for g in &mut out {
            g.sort_unstable();
        }
        out
    }
}
