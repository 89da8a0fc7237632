//! Reading YAML files so that every problem can be reported as
//! `file:line:col: message`, both parse errors (from the parser) and
//! problems found later while validating a value (located by its path).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One problem in a configuration, pipeline or rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.col, self.message)
    }
}

impl std::error::Error for Issue {}

/// Several problems at once: an admin fixes them all in one pass.
#[derive(Debug, Clone, Default)]
pub struct Issues(pub Vec<Issue>);

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Issues {}

/// A YAML file's text, kept to locate problems found after parsing.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    pub path: PathBuf,
    pub text: String,
}

impl YamlDoc {
    pub fn read(path: &Path) -> Result<YamlDoc, Issue> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(YamlDoc { path: path.to_path_buf(), text }),
            Err(e) => Err(Issue {
                file: path.to_path_buf(),
                line: 1,
                col: 1,
                message: format!("cannot read the file: {e}; check the path and its permissions"),
            }),
        }
    }

    pub fn from_text(path: &Path, text: &str) -> YamlDoc {
        YamlDoc { path: path.to_path_buf(), text: text.to_string() }
    }

    /// Deserialize the whole file; a syntax error, a wrong type or an
    /// unknown key comes back with its position.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Issue> {
        serde_yaml::from_str(&self.text).map_err(|e| {
            let (line, col) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
            let mut message = e.to_string();
            // The parser appends " at line L column C": already in the prefix.
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            if message.contains("unknown field") {
                message.push_str("; fix the spelling or remove the key");
            }
            Issue { file: self.path.clone(), line, col, message }
        })
    }

    /// An issue about the value at `path` (`inboxes[0].pipeline`,
    /// `rules[2].match.regex`); falls back to the closest located parent.
    pub fn issue_at(&self, path: &str, message: impl Into<String>) -> Issue {
        let (line, col) = self.locate(path);
        Issue { file: self.path.clone(), line, col, message: message.into() }
    }

    /// Best-effort position (1-based) of the node at `path` in block-style
    /// YAML: walks keys and list items by indentation.
    pub fn locate(&self, path: &str) -> (usize, usize) {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut lo = 0usize;
        let mut hi = lines.len();
        let mut parent_indent: isize = -1;
        let mut found = (1usize, 1usize);
        for seg in parse_path(path) {
            let hit = match &seg {
                Seg::Key(k) => find_key(&lines, lo, hi, parent_indent, k),
                Seg::Index(i) => find_item(&lines, lo, hi, parent_indent, *i),
            };
            let Some((line_idx, col_idx, indent)) = hit else { break };
            found = (line_idx + 1, col_idx + 1);
            lo = line_idx + 1;
            // The node's block ends at the next meaningful line indented no deeper.
            hi = (lo..hi)
                .find(|&j| meaningful(lines[j]) && indent_of(lines[j]) <= indent)
                .unwrap_or(hi);
            // Keys of a list item sit at the item's dash indent + 2.
            parent_indent = indent as isize;
            if let Seg::Index(_) = seg {
                lo = line_idx; // the item's first key is on the dash line
            }
        }
        found
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let e = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..e].parse() {
                    out.push(Seg::Index(i));
                }
                rest = stripped.get(e + 1..).unwrap_or("");
            }
        } else {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

fn meaningful(l: &str) -> bool {
    let t = l.trim();
    !t.is_empty() && !t.starts_with('#')
}

fn indent_of(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// A key directly under the parent: `key:` or `- key:` (first key of an item).
fn find_key(lines: &[&str], lo: usize, hi: usize, parent: isize, key: &str) -> Option<(usize, usize, usize)> {
    let mut child_indent: Option<usize> = None;
    for (j, l) in lines.iter().enumerate().take(hi).skip(lo) {
        if !meaningful(l) {
            continue;
        }
        let mut ind = indent_of(l);
        let mut body = l.trim_start();
        while let Some(after) = body.strip_prefix("- ") {
            ind += 2 + (after.len() - after.trim_start().len());
            body = after.trim_start();
        }
        if (ind as isize) <= parent {
            continue;
        }
        let ci = *child_indent.get_or_insert(ind);
        if ind != ci {
            continue;
        }
        let unquoted = body.trim_start_matches(['"', '\'']);
        if let Some(after) = unquoted.strip_prefix(key) {
            let after = after.trim_start_matches(['"', '\'']);
            if after.starts_with(':') {
                return Some((j, ind, ind));
            }
        }
    }
    None
}

/// The `index`-th `- ` item of the sequence under the parent.
fn find_item(lines: &[&str], lo: usize, hi: usize, parent: isize, index: usize) -> Option<(usize, usize, usize)> {
    let mut seen = 0usize;
    let mut dash_indent: Option<usize> = None;
    for (j, l) in lines.iter().enumerate().take(hi).skip(lo) {
        if !meaningful(l) {
            continue;
        }
        let ind = indent_of(l);
        let body = l.trim_start();
        if !(body.starts_with("- ") || body == "-") {
            continue;
        }
        if (ind as isize) < parent {
            break;
        }
        let di = *dash_indent.get_or_insert(ind);
        if ind != di {
            continue;
        }
        if seen == index {
            let content = body[1..].len() - body[1..].trim_start().len();
            return Some((j, ind, ind + 1 + content - 1));
        }
        seen += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# comment\ncompanies:\n  - id: acme\n    name: ACME\n  - id: beta\n    siren: \"12\"\ninboxes:\n  - path: inbox\n    pipeline: nope\n";

    #[test]
    fn locates_nested_keys_and_items() {
        let d = YamlDoc::from_text(Path::new("c.yaml"), TEXT);
        assert_eq!(d.locate("companies"), (2, 1));
        assert_eq!(d.locate("companies[1].siren"), (6, 5));
        assert_eq!(d.locate("companies[1].id"), (5, 5));
        assert_eq!(d.locate("inboxes[0].pipeline"), (9, 5));
        assert_eq!(d.issue_at("inboxes[0].pipeline", "bad").to_string(), "c.yaml:9:5: bad");
    }

    #[test]
    fn parse_errors_carry_position() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct C {
            a: u32,
        }
        let d = YamlDoc::from_text(Path::new("x.yaml"), "a: 1\nb: 2\n");
        let e = d.parse::<C>().unwrap_err();
        assert_eq!((e.line, e.col), (2, 1), "{e}");
        assert!(e.message.contains("unknown field `b`"), "{e}");
    }
}
