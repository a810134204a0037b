//! The three things timed: our generator stage by stage, the bare parse of
//! the same files into `openapiv3` (the floor), and progenitor.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generator::{emit, load, lower, merge, render};
use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle};

use crate::specs::{SpecSet, is_json};

/// What is measured, in the order the tables show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// Our generator as `generator::generate` runs it, formatting on every core.
    Ours,
    /// The same on one thread, with the time of making the tokens (`emit`)
    /// and of formatting them (`format`) told apart.
    OursOneThread,
    Floor,
    /// progenitor's default interface (positional arguments).
    Positional,
    /// progenitor's builder interface, the one closer to ours.
    Builder,
}

impl Tool {
    pub const ALL: [Tool; 5] = [Tool::Ours, Tool::OursOneThread, Tool::Floor, Tool::Positional, Tool::Builder];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Ours => "ours",
            Tool::OursOneThread => "ours-1-thread",
            Tool::Floor => "floor",
            Tool::Positional => "progenitor-positional",
            Tool::Builder => "progenitor-builder",
        }
    }

    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.name() == name)
    }

    /// The names of its stages, in order.
    pub fn stages(self) -> &'static [&'static str] {
        match self {
            // `free` is dropping the merged document once the model is built,
            // which `generator::generate` does before emitting. `render`
            // makes each part's tokens and formats them, on every core.
            Tool::Ours => &["load", "merge", "lower", "free", "render"],
            Tool::OursOneThread => &["load", "merge", "lower", "free", "emit", "format"],
            Tool::Floor => &["parse"],
            Tool::Positional | Tool::Builder => &["parse", "generate", "format"],
        }
    }
}

/// One timed run: the CPU time of each stage (in [`Tool::stages`] order,
/// all threads of the process), their elapsed times, and the elapsed time of
/// the whole.
#[derive(Debug, Clone)]
pub struct Run {
    pub stages: Vec<Duration>,
    pub stage_walls: Vec<Duration>,
    pub wall: Duration,
}

impl Run {
    /// The CPU time of the whole run.
    pub fn total(&self) -> Duration {
        self.stages.iter().sum()
    }

    /// From the clock readings at the start and after each stage.
    fn from_marks(marks: &[Mark]) -> Run {
        let stages = marks.windows(2).map(|pair| pair[1].cpu.saturating_sub(pair[0].cpu)).collect();
        let stage_walls = marks.windows(2).map(|pair| pair[1].wall - pair[0].wall).collect();
        let wall = match (marks.first(), marks.last()) {
            (Some(first), Some(last)) => last.wall - first.wall,
            _ => Duration::ZERO,
        };
        Run { stages, stage_walls, wall }
    }
}

/// Both clocks at one moment: elapsed time, and the CPU time of the whole
/// process, which counts the work of every thread (our `render` runs on
/// all cores; every other tool measured here on one thread) and which other
/// processes on a busy machine do not stretch (they do stretch elapsed
/// time). Nothing else runs in the process while a tool is timed.
#[derive(Clone, Copy)]
struct Mark {
    wall: Instant,
    cpu: Duration,
}

impl Mark {
    fn now() -> Mark {
        Mark { wall: Instant::now(), cpu: cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID) }
    }
}

/// CPU time on `clock` (`CLOCK_PROCESS_CPUTIME_ID`, `CLOCK_THREAD_CPUTIME_ID`).
fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `clock_gettime` only writes the `timespec` it is given, which
    // lives on this stack frame for the whole call.
    let status = unsafe { libc::clock_gettime(clock, &mut time) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(u64::try_from(time.tv_sec).unwrap_or(0), u32::try_from(time.tv_nsec).unwrap_or(0))
}

/// What a run produced, to count and to compile.
pub struct Produced {
    /// Path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    pub operations: usize,
    pub types: usize,
}

/// Runs `tool` once on `set`. progenitor's panics come back as errors.
pub fn run(tool: Tool, set: &SpecSet, progenitor_input: Option<&str>) -> Result<(Run, Produced), String> {
    match tool {
        Tool::Ours => ours(set),
        Tool::OursOneThread => ours_one_thread(set).map(|run| (run, Produced { files: BTreeMap::new(), operations: 0, types: 0 })),
        Tool::Floor => floor(set).map(|run| (run, Produced { files: BTreeMap::new(), operations: 0, types: 0 })),
        Tool::Positional | Tool::Builder => {
            let text = progenitor_input.ok_or("progenitor needs its input text")?;
            caught(|| progenitor(tool, set, text))
        }
    }
}

/// Our pipeline, step by step as `generator::generate` runs it.
fn ours(set: &SpecSet) -> Result<(Run, Produced), String> {
    let mut marks = Vec::with_capacity(Tool::Ours.stages().len() + 1);
    marks.push(Mark::now());
    let produced = ours_staged(set, &mut || marks.push(Mark::now()))?;
    Ok((Run::from_marks(&marks), produced))
}

/// Our pipeline, with the peak memory of the process (VmHWM, KiB) read
/// after each stage.
pub fn ours_memory(set: &SpecSet) -> Result<(Vec<u64>, Produced), String> {
    let mut peaks = Vec::with_capacity(Tool::Ours.stages().len());
    let produced = ours_staged(set, &mut || peaks.push(crate::child::peak_memory_kib().unwrap_or(0)))?;
    Ok((peaks, produced))
}

/// The stages of `generator::generate`, calling `mark` after each of
/// [`Tool::stages`].
fn ours_staged(set: &SpecSet, mark: &mut dyn FnMut()) -> Result<Produced, String> {
    let model = model_staged(set, mark)?;
    let parts = emit::emit(&model, set.config.crate_name(), set.layout);
    let provenance = render::Provenance { command: &set.command, inputs: &set.inputs };
    let files = render::render(parts, &provenance).map_err(|e| e.render(&set.inputs))?;
    mark();
    Ok(Produced { files, operations: model.operations.len(), types: model.types.len() })
}

/// `load`, `merge`, `lower` and `free`, calling `mark` after each.
fn model_staged(set: &SpecSet, mark: &mut dyn FnMut()) -> Result<generator::model::Api, String> {
    let report = |e: generator::Error| e.render(&set.inputs);
    let documents = set.inputs.iter().map(load::load).collect::<Result<Vec<_>, _>>().map_err(report)?;
    mark();
    let merged = merge::merge(&set.config, &set.inputs, documents).map_err(report)?;
    mark();
    let model = lower::lower(&set.config, &merged).map_err(report)?;
    mark();
    drop(merged);
    mark();
    Ok(model)
}

/// Our pipeline on this thread alone, timing the making of each batch of
/// parts apart from its formatting (as `render::render_on` with one thread
/// does them, batch after batch; file headers left out).
fn ours_one_thread(set: &SpecSet) -> Result<Run, String> {
    let mut marks = vec![Mark::now()];
    let model = model_staged(set, &mut || marks.push(Mark::now()))?;
    let freed = marks.last().copied().unwrap_or_else(Mark::now);
    let (mut emit_cpu, mut emit_wall) = (Duration::ZERO, Duration::ZERO);
    let mut texts = Vec::new();
    for (path, content) in emit::emit(&model, set.config.crate_name(), set.layout) {
        let emit::FileContent::Rust(parts) = content else { continue };
        for batch in render::batched(parts) {
            let before = Mark::now();
            let tokens = render::tokens(batch);
            let made = Mark::now();
            emit_cpu += made.cpu.saturating_sub(before.cpu);
            emit_wall += made.wall - before.wall;
            texts.push(render::format(tokens, &path)?);
        }
    }
    let done = Mark::now();
    drop(texts);
    let mut run = Run::from_marks(&marks);
    let cpu = done.cpu.saturating_sub(freed.cpu);
    let wall = done.wall - freed.wall;
    run.stages.extend([emit_cpu, cpu.saturating_sub(emit_cpu)]);
    run.stage_walls.extend([emit_wall, wall.saturating_sub(emit_wall)]);
    run.wall += wall;
    Ok(run)
}

/// Parses one file into `openapiv3` with the deserializers (and, for YAML,
/// the limits) the generator uses.
pub fn parse(name: &str, json: bool, text: &str) -> Result<OpenAPI, String> {
    if json {
        serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))
    } else {
        serde_saphyr::from_str_with_options(text, load::yaml_options()).map_err(|e| format!("{name}: {}", first_line(&e.to_string())))
    }
}

fn floor(set: &SpecSet) -> Result<Run, String> {
    let started = Mark::now();
    let mut documents = Vec::with_capacity(set.inputs.len());
    for input in &set.inputs {
        documents.push(parse(&input.name, is_json(input), &input.text)?);
    }
    let parsed = Mark::now();
    drop(documents);
    Ok(Run::from_marks(&[started, parsed]))
}

/// What progenitor reads for `set`: the file itself, or for the several
/// vendored files (progenitor takes one document), our merge of them as JSON.
pub fn progenitor_input(set: &SpecSet) -> Result<String, String> {
    match set.inputs.as_slice() {
        [single] if !set.is_vendored() => Ok(single.text.clone()),
        inputs => {
            let merged = generator::merged_spec(&set.config, inputs).map_err(|e| e.render(inputs))?;
            serde_json::to_string_pretty(&merged).map_err(|e| format!("cannot write the merged spec: {e}"))
        }
    }
}

fn progenitor(tool: Tool, set: &SpecSet, text: &str) -> Result<(Run, Produced), String> {
    let json = set.is_vendored() || set.inputs.first().is_some_and(is_json);
    let started = Mark::now();
    let spec = parse(&set.label, json, text)?;
    let parsed = Mark::now();
    let mut settings = GenerationSettings::new();
    settings.with_interface(if tool == Tool::Builder { InterfaceStyle::Builder } else { InterfaceStyle::Positional });
    let mut generator = Generator::new(&settings);
    let tokens = generator.generate_tokens(&spec).map_err(|e| format!("progenitor: {e}"))?;
    let generated = Mark::now();
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let code = prettyplease::unparse(&file);
    let formatted = Mark::now();

    let operations = spec.operations().count();
    let types = generator.get_type_space().iter_types().count();
    let mut files = BTreeMap::new();
    files.insert("src/lib.rs".to_owned(), code);
    files.insert("Cargo.toml".to_owned(), progenitor_manifest(&crate::specs::crate_name(tool.name(), &set.label), &generator));
    drop(spec);
    Ok((Run::from_marks(&[started, parsed, generated, formatted]), Produced { files, operations, types }))
}

/// The dependencies progenitor's generated code needs, as its documentation
/// lists them, with the optional ones added when the generator used them.
fn progenitor_manifest(name: &str, generator: &Generator) -> String {
    let types = generator.get_type_space();
    let mut dependencies = vec![
        "bytes = \"1\"".to_owned(),
        "futures-core = \"0.3\"".to_owned(),
        "progenitor-client = \"0.15\"".to_owned(),
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }".to_owned(),
        "serde = { version = \"1\", features = [\"derive\"] }".to_owned(),
        "serde_json = \"1\"".to_owned(),
        "serde_urlencoded = \"0.7\"".to_owned(),
    ];
    if types.uses_chrono() {
        dependencies.push("chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }".to_owned());
    }
    if types.uses_uuid() {
        dependencies.push("uuid = { version = \"1\", features = [\"serde\", \"v4\"] }".to_owned());
    }
    if types.uses_regress() {
        dependencies.push("regress = \"0.10\"".to_owned());
    }
    if generator.uses_futures() {
        dependencies.push("futures = \"0.3\"".to_owned());
    }
    if generator.uses_websockets() {
        dependencies.push("base64 = \"0.22\"".to_owned());
        dependencies.push("rand = \"0.8\"".to_owned());
    }
    dependencies.sort();
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n", dependencies.join("\n"))
}

/// Runs `f`, turning a panic into an error that quotes its message and
/// where it was raised.
pub fn caught<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let raised: Arc<Mutex<Option<String>>> = Arc::default();
    let previous = panic::take_hook();
    let seen = Arc::clone(&raised);
    panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let at = info.location().map_or_else(String::new, |l| format!(" at {}:{}", short_path(l.file()), l.line()));
        if let Ok(mut slot) = seen.lock() {
            slot.get_or_insert(format!("panicked{at}: {}", first_line(&message)));
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.unwrap_or_else(|_| {
        let described = raised.lock().ok().and_then(|mut slot| slot.take());
        Err(described.unwrap_or_else(|| "panicked".to_owned()))
    })
}

/// A source path from the cargo registry, from the crate folder on
/// (`typify-impl-0.8.0/src/convert.rs`).
fn short_path(file: &str) -> &str {
    let parts: Vec<&str> = file.rsplitn(3, '/').collect();
    match parts.as_slice() {
        [_, "src", _] => file.rsplitn(4, '/').nth(3).map_or(file, |prefix| &file[prefix.len() + 1..]),
        _ => file,
    }
}

pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}
