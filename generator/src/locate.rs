//! Maps a JSON pointer back to a line and column in the source text.
//!
//! Only used when a diagnostic is reported, so the happy path never pays for
//! it. JSON is valid YAML, so one event-based YAML parser serves both.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

use crate::diagnostics::{Position, unescape_token};

/// The position of the node (or, for mapping entries, of its key) that
/// `pointer` designates, if it can be found.
pub fn position(text: &str, pointer: &str) -> Option<Position> {
    positions(text, &[pointer]).pop().flatten()
}

/// The positions of several pointers, each at its nearest ancestor the
/// text holds when it does not hold the pointer itself (a node added when
/// the document was normalised), found in one pass over the text.
pub fn nearest_positions(text: &str, pointers: &[&str]) -> Vec<Option<Position>> {
    let mut all: Vec<&str> = Vec::new();
    let mut chains: Vec<std::ops::Range<usize>> = Vec::new();
    for p in pointers {
        let start = all.len();
        let mut current = *p;
        loop {
            all.push(current);
            match current.rsplit_once('/') {
                Some((parent, _)) if !parent.is_empty() => current = parent,
                _ => break,
            }
        }
        chains.push(start..all.len());
    }
    let found = positions(text, &all);
    chains
        .into_iter()
        .map(|chain| chain.into_iter().find_map(|i| found[i]))
        .collect()
}

/// The positions of several pointers, found in one pass over the text.
pub fn positions(text: &str, pointers: &[&str]) -> Vec<Option<Position>> {
    let mut found: Vec<Option<Position>> = vec![None; pointers.len()];
    let mut wanted: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (i, p) in pointers.iter().enumerate() {
        if let Some(rest) = p.strip_prefix('#') {
            let tokens = rest.split('/').skip(1).map(unescape_token).collect();
            wanted.entry(tokens).or_default().push(i);
        }
    }
    let mut remaining = wanted.len();
    let mut path: Vec<String> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut hit = |path: &[String], here: Position, remaining: &mut usize| {
        if let Some(indices) = wanted.remove(path) {
            for i in indices {
                found[i] = Some(here);
            }
            *remaining -= 1;
        }
    };
    for event in Parser::new_from_str(text) {
        if remaining == 0 {
            break;
        }
        let Ok((event, span)) = event else { break };
        let here = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { awaiting_key: true }) = frames.last() {
                    path.push(value.into_owned());
                    hit(&path, here, &mut remaining);
                    set_awaiting_key(&mut frames, false);
                    continue;
                }
                if enter_value(&mut path, &frames) {
                    hit(&path, here, &mut remaining);
                }
                leave_value(&mut path, &mut frames);
            }
            Event::Alias(_) => {
                if enter_value(&mut path, &frames) {
                    hit(&path, here, &mut remaining);
                }
                leave_value(&mut path, &mut frames);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let awaiting_key = matches!(frames.last(), Some(Frame::Map { awaiting_key: true }));
                if awaiting_key {
                    // A complex key: give it an empty name and skip into it.
                    path.push(String::new());
                    set_awaiting_key(&mut frames, false);
                } else if enter_value(&mut path, &frames) {
                    hit(&path, here, &mut remaining);
                }
                frames.push(match event {
                    Event::MappingStart(..) => Frame::Map { awaiting_key: true },
                    _ => Frame::Seq { index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                frames.pop();
                leave_value(&mut path, &mut frames);
            }
            _ => {}
        }
    }
    found
}

#[derive(Debug)]
enum Frame {
    Map { awaiting_key: bool },
    Seq { index: usize },
}

fn set_awaiting_key(frames: &mut [Frame], value: bool) {
    if let Some(Frame::Map { awaiting_key }) = frames.last_mut() {
        *awaiting_key = value;
    }
}

/// Pushes the token of a value that starts now; returns whether the path
/// now names it (false at the document root, which has no token).
fn enter_value(path: &mut Vec<String>, frames: &[Frame]) -> bool {
    match frames.last() {
        Some(Frame::Seq { index }) => {
            path.push(index.to_string());
            true
        }
        // The key was pushed when it was read.
        Some(Frame::Map { .. }) => true,
        None => false,
    }
}

/// Pops the token of a finished value and advances its parent.
fn leave_value(path: &mut Vec<String>, frames: &mut [Frame]) {
    match frames.last_mut() {
        Some(Frame::Seq { index }) => {
            path.pop();
            *index += 1;
        }
        Some(Frame::Map { awaiting_key }) => {
            path.pop();
            *awaiting_key = true;
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n";

    #[test]
    fn finds_mapping_keys_and_sequence_items() {
        assert_eq!(
            position(YAML, "#/paths/~1a~1{b}/get"),
            Some(Position { line: 4, column: 5 })
        );
        assert_eq!(
            position(YAML, "#/paths/~1a~1{b}/get/parameters/1"),
            Some(Position {
                line: 8,
                column: 11
            })
        );
        assert_eq!(
            position(YAML, "#/paths/~1a~1{b}/get/parameters/0/in"),
            Some(Position {
                line: 7,
                column: 11
            })
        );
        assert_eq!(position(YAML, "#/nope"), None);
    }

    #[test]
    fn finds_many_pointers_in_one_pass() {
        let found = positions(YAML, &["#/paths/~1a~1{b}/get", "#/nope", "#/openapi"]);
        assert_eq!(
            found,
            vec![
                Some(Position { line: 4, column: 5 }),
                None,
                Some(Position { line: 1, column: 1 })
            ]
        );
    }

    #[test]
    fn missing_pointers_fall_back_to_their_nearest_ancestor() {
        assert_eq!(
            nearest_positions(YAML, &["#/paths/~1a~1{b}/get/nope/deeper", "#/openapi"]),
            vec![
                Some(Position { line: 4, column: 5 }),
                Some(Position { line: 1, column: 1 })
            ]
        );
    }

    #[test]
    fn works_on_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1, {\"c\": 2}]\n  }\n}";
        assert_eq!(
            position(json, "#/a/b/1/c"),
            Some(Position {
                line: 3,
                column: 15
            })
        );
    }
}
