//! The long form of an error: the short message's parts laid out by
//! codespan-reporting around the offending source lines, the way rustc
//! shows a compile error. Plain text (no colours) and ASCII frames, so it
//! reads the same in a terminal, a CI log and a snapshot.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
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
    let mut files = SimpleFiles::new();
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    for (index, (location, what)) in parts.places.iter().enumerate() {
        let source = inputs.iter().find(|input| input.name == location.file);
        match source.and_then(|input| span(&normalized(&input.text), location).map(|span| (input, span))) {
            Some((input, span)) => {
                let id = files.add(input.name.clone(), normalized(&input.text));
                let label = if index == 0 { Label::primary(id, span) } else { Label::secondary(id, span) };
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

/// Line endings as LF, so that a file written on Windows renders the same.
fn normalized(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// A location whose line is unknown: file and pointer.
fn without_line(location: &Location) -> String {
    match location.pointer_text() {
        Some(pointer) => format!("{} (spec object {pointer})", location.file),
        None => location.file.clone(),
    }
}

/// The byte range from the location's line and column (both 1-based, the
/// column counted in characters) to the end of that line, without trailing
/// blanks: the value or key the location names and what follows it there.
fn span(text: &str, location: &Location) -> Option<std::ops::Range<usize>> {
    let line = usize::try_from(location.line?).ok()?.checked_sub(1)?;
    let column = location.column.and_then(|c| usize::try_from(c).ok()).unwrap_or(1).max(1) - 1;
    let line_start = if line == 0 {
        0
    } else {
        text.match_indices('\n').nth(line - 1).map(|(at, _)| at + 1)?
    };
    let line_text = &text[line_start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let start = line_text.char_indices().nth(column).map_or(line_text.len(), |(at, _)| at);
    let end = line_text.trim_end().len().max(start);
    // An empty span (a location at the end of a line) still marks one place.
    let end = if end == start { line_text[start..].chars().next().map_or(start, |c| start + c.len_utf8()) } else { end };
    Some(line_start + start..line_start + end)
}
