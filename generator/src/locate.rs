//! Maps a JSON pointer back to a line and column in the source text.
//!
//! Only used when a diagnostic is reported, so the happy path never pays for
//! it. JSON is valid YAML, so one event-based YAML parser serves both.

use saphyr_parser::{Event, Parser};

use crate::diagnostics::{Position, unescape_token};

/// The position of the node (or, for mapping entries, of its key) that
/// `pointer` designates, if it can be found.
pub fn position(text: &str, pointer: &str) -> Option<Position> {
    let target: Vec<String> = pointer
        .strip_prefix('#')?
        .split('/')
        .skip(1)
        .map(unescape_token)
        .collect();
    let mut path: Vec<String> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let here = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { awaiting_key: true }) = frames.last() {
                    path.push(value.into_owned());
                    if path == target {
                        return Some(here);
                    }
                    set_awaiting_key(&mut frames, false);
                    continue;
                }
                if enter_value(&mut path, &frames) && path == target {
                    return Some(here);
                }
                leave_value(&mut path, &mut frames);
            }
            Event::Alias(_) => {
                if enter_value(&mut path, &frames) && path == target {
                    return Some(here);
                }
                leave_value(&mut path, &mut frames);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let awaiting_key = matches!(frames.last(), Some(Frame::Map { awaiting_key: true }));
                if awaiting_key {
                    // A complex key: give it an empty name and skip into it.
                    path.push(String::new());
                    set_awaiting_key(&mut frames, false);
                } else if enter_value(&mut path, &frames) && path == target {
                    return Some(here);
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
    None
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
