//! The long form of an error: the short message's parts laid out by
//! codespan-reporting around the offending source lines, the way rustc
//! shows a compile error. Plain text (no colours) and ASCII frames, so it
//! reads the same in a terminal, a CI log and a snapshot.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files;
use codespan_reporting::term::{self, Chars, Config};

use crate::config::SpecInput;
use crate::error::{Error, Location, Parts, Warning};

impl Error {
    /// The error with the lines it is about, for people: the problem, each
    /// place as `file:line:column` with its source lines underlined, the JSON
    /// pointer of the spec object, and what to do. `inputs` are the specs the
    /// error came from; places in files not among them are named only.
    pub fn render(&self, inputs: &[SpecInput]) -> String {
        render(&self.parts(), Severity::Error, inputs).unwrap_or_else(|| format!("error: {self}\n"))
    }
}

impl Warning {
    /// The warning laid out as errors are, with the source lines of its
    /// place.
    pub fn render(&self, inputs: &[SpecInput]) -> String {
        let parts = Parts {
            headline: self.message.clone(),
            places: self.location.iter().map(|location| (location, "here")).collect(),
            file: None,
            help: None,
        };
        render(&parts, Severity::Warning, inputs).unwrap_or_else(|| format!("warning: {self}\n"))
    }
}

#[derive(Clone, Copy)]
enum Severity {
    Error,
    Warning,
}

/// `None` only when codespan cannot lay the spans out, which the spans,
/// made from the same texts, rule out; the short form still says it all.
fn render(parts: &Parts<'_>, severity: Severity, inputs: &[SpecInput]) -> Option<String> {
    let mut files = Excerpts::default();
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    // Each place is an excerpt of its own, as codespan shows one file per
    // snippet: a place on a cut line gets its own window.
    let mut shown = std::collections::BTreeMap::new();
    for (index, (location, _)) in parts.places.iter().enumerate() {
        let Some(input) = inputs.iter().find(|input| input.name == location.file) else { continue };
        let (id, spans) = files.add(input, &[(index, location)]);
        for (index, span) in spans {
            shown.insert(index, (id, span));
        }
    }
    for (index, (location, what)) in parts.places.iter().enumerate() {
        match shown.get(&index) {
            Some((id, span)) => {
                let label = if index == 0 { Label::primary(*id, span.clone()) } else { Label::secondary(*id, span.clone()) };
                labels.push(label.with_message(*what));
                if let Some(pointer) = location.pointer_text() {
                    notes.push(match parts.places.len() {
                        1 => format!("spec object: {pointer}"),
                        _ => format!("{what}: spec object {pointer}"),
                    });
                }
            }
            None => notes.push(match parts.places.len() {
                1 => format!("in {}", without_line(location)),
                _ => format!("{what}: {}", without_line(location)),
            }),
        }
    }
    if let Some(file) = parts.file {
        notes.push(format!("in {file}"));
    }
    if let Some(help) = &parts.help {
        notes.push(format!("help: {help}"));
    }
    let diagnostic = match severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    };
    let diagnostic = diagnostic.with_message(&parts.headline).with_labels(labels).with_notes(notes);
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    term::emit_into_string(&config, &files, &diagnostic).ok()
}

/// A location whose line is unknown, or whose place is not shown: file,
/// line and column, and pointer.
fn without_line(location: &Location) -> String {
    match location.pointer_text() {
        Some(pointer) => format!("{} (spec object {pointer})", Location { pointer: None, ..location.clone() }),
        None => location.to_string(),
    }
}

/// The most characters of one source line a message shows. A minified JSON
/// spec is one line of megabytes; a message stays a few lines long.
pub const SHOWN_LINE_CHARS: usize = 120;

/// How many characters before the place a cut line keeps, when it can.
const CONTEXT_BEFORE: usize = 40;

/// What codespan is given of each input: only the lines a label is on, at
/// their own line numbers (the others left empty, since only labelled lines
/// are printed), each longer one cut to a window of [`SHOWN_LINE_CHARS`]
/// around its places, with `…` where it was cut. Columns are still the
/// file's own: codespan asks this, not the excerpt, for them.
#[derive(Default)]
struct Excerpts {
    files: Vec<Excerpt>,
}

struct Excerpt {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// Line index → how many characters a displayed column is behind the
    /// file's own on that line (cut characters, less the `…` shown for them).
    shifts: std::collections::BTreeMap<usize, usize>,
}

impl Excerpts {
    /// Adds the excerpt of `input` showing `places` (each with its index
    /// among the message's places); returns its id and the span of each
    /// place that it shows. A place on a cut line outside the window is left
    /// out, and is named in a note instead.
    fn add(&mut self, input: &SpecInput, places: &[(usize, &Location)]) -> (usize, Vec<(usize, std::ops::Range<usize>)>) {
        let source = normalized(&input.text);
        // Line index → the places on it, as (index, column index in characters).
        let mut lines: std::collections::BTreeMap<usize, Vec<(usize, usize)>> = std::collections::BTreeMap::new();
        for (index, location) in places {
            let Some(line) = location.line.and_then(|l| usize::try_from(l).ok()).and_then(|l| l.checked_sub(1)) else { continue };
            let column = location.column.and_then(|c| usize::try_from(c).ok()).unwrap_or(1).max(1) - 1;
            lines.entry(line).or_default().push((*index, column));
        }
        let mut text = String::new();
        let mut shifts = std::collections::BTreeMap::new();
        let mut spans = Vec::new();
        let mut source_lines = source.split('\n').enumerate();
        for (line, columns) in &lines {
            // Empty lines up to this one, so that it keeps its number.
            let mut found = None;
            for (at, line_text) in source_lines.by_ref() {
                if at == *line {
                    found = Some(line_text);
                    break;
                }
                text.push('\n');
            }
            let Some(line_text) = found else { break };
            let line_start = text.len();
            let shown = window(line_text, columns);
            text.push_str(&shown.text);
            text.push('\n');
            if shown.shift > 0 {
                shifts.insert(*line, shown.shift);
            }
            spans.extend(shown.spans.into_iter().map(|(index, span)| (index, line_start + span.start..line_start + span.end)));
        }
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        self.files.push(Excerpt { name: input.name.clone(), text, line_starts, shifts });
        (self.files.len() - 1, spans)
    }

    fn get(&self, id: usize) -> Result<&Excerpt, files::Error> {
        self.files.get(id).ok_or(files::Error::FileMissing)
    }
}

/// One source line as shown.
struct Shown {
    text: String,
    /// See [`Excerpt::shifts`].
    shift: usize,
    /// Each place shown, with its span in `text`.
    spans: Vec<(usize, std::ops::Range<usize>)>,
}

/// `line` as shown for places at `columns` (character indices): whole when
/// it is short, else a window of [`SHOWN_LINE_CHARS`] characters (the `…`
/// included) starting a little before the first place. Each place's span
/// runs from its column to the end of the line's text, or of the window.
fn window(line: &str, columns: &[(usize, usize)]) -> Shown {
    let length = line.chars().count();
    let (start, end) = if length <= SHOWN_LINE_CHARS {
        (0, length)
    } else {
        let first = columns.iter().map(|(_, column)| *column).min().unwrap_or(0).min(length);
        let mut start = first.saturating_sub(CONTEXT_BEFORE);
        // When the rest of the line fits, show as much before it as fits.
        if length - start < SHOWN_LINE_CHARS - 1 {
            start = length.saturating_sub(SHOWN_LINE_CHARS - 1);
        }
        let room = SHOWN_LINE_CHARS - usize::from(start > 0);
        let end = if length - start <= room { length } else { start + room - 1 };
        (start, end)
    };
    // Byte offsets of character indices; the line's length for one past it.
    let byte = |chars: usize| line.char_indices().nth(chars).map_or(line.len(), |(at, _)| at);
    let (start_byte, end_byte) = (byte(start), byte(end));
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    let prefix = text.len();
    text.push_str(line.get(start_byte..end_byte).unwrap_or_default());
    let content_end = prefix + line.get(start_byte..end_byte).unwrap_or_default().trim_end().len();
    if end < length {
        text.push('…');
    }
    let spans = columns
        .iter()
        .filter(|(_, column)| length <= SHOWN_LINE_CHARS || (start..=end).contains(column))
        .map(|(index, column)| {
            let at = prefix + byte(*column).saturating_sub(start_byte).min(end_byte - start_byte);
            let until = content_end.max(at);
            // An empty span (a place at the end of a line) still marks one character.
            let until = if until == at { text.get(at..).and_then(|rest| rest.chars().next()).map_or(at, |c| at + c.len_utf8()) } else { until };
            (*index, at..until)
        })
        .collect();
    Shown { text, shift: start.saturating_sub(usize::from(start > 0)), spans }
}

impl<'a> files::Files<'a> for Excerpts {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let starts = &self.get(id)?.line_starts;
        Ok(starts.partition_point(|start| *start <= byte_index).saturating_sub(1))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<std::ops::Range<usize>, files::Error> {
        let excerpt = self.get(id)?;
        let start = excerpt.line_starts.get(line_index).copied();
        let end = excerpt.line_starts.get(line_index + 1).copied().unwrap_or(excerpt.text.len());
        match start {
            Some(start) => Ok(start..end),
            None => Err(files::Error::LineTooLarge { given: line_index, max: excerpt.line_starts.len().saturating_sub(1) }),
        }
    }

    fn column_number(&'a self, id: usize, line_index: usize, byte_index: usize) -> Result<usize, files::Error> {
        let excerpt = self.get(id)?;
        let range = self.line_range(id, line_index)?;
        let shift = excerpt.shifts.get(&line_index).copied().unwrap_or(0);
        Ok(files::column_index(&excerpt.text, range, byte_index) + 1 + shift)
    }
}

/// Line endings as LF, so that a file written on Windows renders the same.
fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') { std::borrow::Cow::Owned(text.replace("\r\n", "\n")) } else { std::borrow::Cow::Borrowed(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(line: &str, column: usize) -> (String, String, usize) {
        let shown = window(line, &[(0, column)]);
        let span = shown.spans.first().map(|(_, span)| span.clone()).unwrap_or_default();
        (shown.text.clone(), shown.text.get(span).unwrap_or_default().to_owned(), shown.shift)
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let (text, marked, shift) = shown("  type: strin  ", 8);
        assert_eq!((text.as_str(), marked.as_str(), shift), ("  type: strin  ", "strin", 0));
    }

    #[test]
    fn a_long_line_is_cut_around_the_place_between_characters() {
        let line = format!("{}{}{}", "é".repeat(500), "XMARK", "名".repeat(500));
        let (text, marked, shift) = shown(&line, 500);
        assert_eq!(text.chars().count(), SHOWN_LINE_CHARS);
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(marked.starts_with("XMARK名"), "{marked}");
        assert!(!marked.ends_with('…'), "the caret stops where the text is cut: {marked}");
        // The displayed column of `X`, plus the shift, is the file's own.
        let displayed = text.chars().position(|c| c == 'X').unwrap_or_default();
        assert_eq!(displayed + shift, 500);
    }

    #[test]
    fn a_place_near_either_end_shows_as_much_of_the_line_as_fits() {
        let line = "x".repeat(1000);
        let (start, _, shift) = shown(&line, 3);
        assert!(!start.starts_with('…') && start.ends_with('…') && start.chars().count() == SHOWN_LINE_CHARS, "{start}");
        assert_eq!(shift, 0);
        let (end, marked, shift) = shown(&line, 999);
        assert!(end.starts_with('…') && !end.ends_with('…') && end.chars().count() == SHOWN_LINE_CHARS, "{end}");
        assert_eq!((marked.as_str(), end.chars().count() - 1 + shift), ("x", 999));
    }
}
