//! `generation`: time per stage, the parse floor, progenitor, peak memory,
//! and the plot of time against spec size.
//!
//! Memory first: each tool runs once per spec in a child process of its own
//! (which also finds out, safely, where progenitor fails). Then the timings,
//! in this process: after one warm-up round, every round runs each tool that
//! succeeded once on the spec, in an order that rotates from round to round,
//! so that load from other processes spreads over all of them; ratios are
//! taken within each round, then their median.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::child::{self, Outcome};
use crate::pipeline::{self, Run, Tool};
use crate::plot;
use crate::specs::{self, SpecSet};
use crate::stats::{self, Table};

struct Options {
    corpus: PathBuf,
    runs: usize,
    plot: PathBuf,
    /// Restricts the run to these corpus file names (and `vendored`).
    only: Vec<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let root = specs::repository_root();
        let mut options = Options {
            corpus: root.join("../shared/corpus"),
            runs: 5,
            plot: root.join("target/bench-generation/generation-time.svg"),
            only: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--corpus" => options.corpus = value()?.into(),
                "--runs" => options.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
                "--plot" => options.plot = value()?.into(),
                "--spec" => options.only.push(value()?.clone()),
                other => return Err(format!("unexpected argument {other:?}\n\n{}", crate::USAGE)),
            }
        }
        if options.runs == 0 {
            return Err("--runs must be at least 1".to_owned());
        }
        Ok(options)
    }
}

/// Everything measured for one spec set.
struct Measured {
    set: SpecSet,
    outcomes: BTreeMap<Tool, Outcome>,
    runs: BTreeMap<Tool, Vec<Run>>,
    /// A tool that succeeded in its child but failed here.
    late_failures: BTreeMap<Tool, String>,
}

impl Measured {
    fn median_total(&self, tool: Tool) -> Option<Duration> {
        let totals: Vec<Duration> = self.runs.get(&tool)?.iter().map(Run::total).collect();
        stats::median_duration(&totals)
    }

    fn median_wall(&self, tool: Tool) -> Option<Duration> {
        let walls: Vec<Duration> = self.runs.get(&tool)?.iter().map(|run| run.wall).collect();
        stats::median_duration(&walls)
    }

    fn median_stage(&self, tool: Tool, stage: usize) -> Option<Duration> {
        let values: Vec<Duration> = self.runs.get(&tool)?.iter().filter_map(|run| run.stages.get(stage).copied()).collect();
        stats::median_duration(&values)
    }

    /// The median over rounds of `ours / other` within each round, of
    /// elapsed time and of CPU time.
    fn paired_ratios(&self, other: Tool) -> Option<(f64, f64)> {
        let ours = self.runs.get(&Tool::Ours)?;
        let theirs = self.runs.get(&other)?;
        let ratio = |of: fn(&Run) -> Duration| {
            let ratios: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| of(a).as_secs_f64() / of(b).as_secs_f64()).collect();
            stats::median(&ratios)
        };
        ratio(|run| run.wall).zip(ratio(Run::total))
    }

    fn failure(&self, tool: Tool) -> Option<&str> {
        if let Some(Outcome::Failed { reason }) = self.outcomes.get(&tool) {
            return Some(reason);
        }
        self.late_failures.get(&tool).map(String::as_str)
    }

    fn counts(&self) -> Option<(usize, usize)> {
        match self.outcomes.get(&Tool::Ours) {
            Some(Outcome::Ok { operations, types, .. }) => Some((*operations, *types)),
            _ => None,
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let load_before = stats::load_average();
    let mut ids = vec![specs::VENDORED.to_owned()];
    for path in specs::corpus_files(&options.corpus).map_err(|e| format!("{e:#}"))? {
        let name = specs::file_name(&path);
        if options.only.is_empty() || options.only.contains(&name) {
            ids.push(path.display().to_string());
        }
    }
    let mut measured = Vec::new();
    for id in &ids {
        let set = specs::load(id)?;
        let mut outcomes = BTreeMap::new();
        for tool in Tool::ALL {
            let outcome = child::measure(tool, id)?;
            let shown = match &outcome {
                Outcome::Ok { peak_kib, .. } => format!("peak {}", stats::mib(*peak_kib)),
                Outcome::Failed { reason } => format!("failed: {reason}"),
            };
            eprintln!("memory: {} {}: {shown}", set.label, tool.name());
            outcomes.insert(tool, outcome);
        }
        measured.push(Measured { set, outcomes, runs: BTreeMap::new(), late_failures: BTreeMap::new() });
    }

    let runs = options.runs;
    let mut measured = child::with_stack(move || {
        for entry in &mut measured {
            time_spec(entry, runs);
        }
        measured
    })?;
    measured.sort_by_key(|entry| order(&entry.set));
    let load_after = stats::load_average();

    println!(
        "Generation, {} timed {} per spec after one warm-up (release build; CPU time of all threads of the process, and elapsed time); {} cores; load average {load_before} before, {load_after} after.\n",
        options.runs,
        if options.runs == 1 { "round" } else { "rounds" },
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
    );
    print!("{}", report(&measured));
    let points: Vec<plot::Point> = measured
        .iter()
        .map(|entry| plot::Point {
            label: short_label(&entry.set),
            bytes: entry.set.bytes(),
            times: [Tool::Ours, Tool::Floor, Tool::Positional, Tool::Builder].map(|tool| entry.median_wall(tool)),
        })
        .collect();
    let svg = plot::svg(&points);
    if let Some(folder) = options.plot.parent() {
        std::fs::create_dir_all(folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    }
    std::fs::write(&options.plot, svg).map_err(|e| format!("cannot write {}: {e}", options.plot.display()))?;
    println!("\nplot: {}", options.plot.display());
    Ok(())
}

/// The specs first, in its order, then the rest of the corpus by size.
fn order(set: &SpecSet) -> (usize, usize) {
    if set.is_vendored() {
        return (0, 0);
    }
    match specs::HEADLINE.iter().position(|name| *name == set.label) {
        Some(at) => (1 + at, 0),
        None => (usize::MAX, set.bytes()),
    }
}

fn time_spec(entry: &mut Measured, rounds: usize) {
    let progenitor_input = match pipeline::progenitor_input(&entry.set) {
        Ok(text) => Some(text),
        Err(reason) => {
            for tool in [Tool::Positional, Tool::Builder] {
                entry.late_failures.insert(tool, reason.clone());
            }
            None
        }
    };
    let tools: Vec<Tool> = Tool::ALL.into_iter().filter(|tool| entry.outcomes.get(tool).is_some_and(Outcome::is_ok)).collect();
    for round in 0..=rounds {
        for offset in 0..tools.len() {
            let tool = tools[(round + offset) % tools.len()];
            if entry.late_failures.contains_key(&tool) {
                continue;
            }
            match pipeline::run(tool, &entry.set, progenitor_input.as_deref()) {
                // Round 0 warms up.
                Ok((run, _)) if round > 0 => entry.runs.entry(tool).or_default().push(run),
                Ok(_) => {}
                Err(reason) => {
                    entry.late_failures.insert(tool, reason);
                }
            }
        }
        eprintln!("timing: {} round {round} of {rounds}", entry.set.label);
    }
    // A tool that failed part way has fewer runs; pairing would mismatch.
    for tool in entry.late_failures.keys() {
        entry.runs.remove(tool);
    }
}

fn short_label(set: &SpecSet) -> String {
    if set.is_vendored() {
        return "invoice specs".to_owned();
    }
    let stem = set.label.rsplit_once('.').map_or(set.label.as_str(), |(stem, _)| stem);
    stem.trim_end_matches(".api.github.com").trim_end_matches("-api").to_owned()
}

fn cell(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "–".to_owned(), stats::time)
}

fn ratio_cell(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "–".to_owned(), stats::ratio)
}

/// Ratios of elapsed and of CPU time, as `elapsed / CPU`.
fn ratios_cell(ratios: Option<(f64, f64)>) -> String {
    ratios.map_or_else(|| "–".to_owned(), |(wall, cpu)| format!("{} / {}", stats::ratio(wall), stats::ratio(cpu)))
}

fn report(measured: &[Measured]) -> String {
    let mut out = String::new();

    let mut stages = Table::new(&[
        "spec", ">size", ">operations", ">types", ">load", ">merge", ">lower", ">free", ">render", ">CPU", ">elapsed",
    ]);
    for entry in measured {
        let (operations, types) = entry.counts().map_or(("–".to_owned(), "–".to_owned()), |(o, t)| (o.to_string(), t.to_string()));
        let mut row = vec![entry.set.label.clone(), stats::bytes(entry.set.bytes()), operations, types];
        row.extend((0..Tool::Ours.stages().len()).map(|stage| cell(entry.median_stage(Tool::Ours, stage))));
        row.push(cell(entry.median_total(Tool::Ours)));
        row.push(cell(entry.median_wall(Tool::Ours)));
        stages.row(row);
    }
    out.push_str("Our generator, median CPU time per stage (all threads; `render` makes and formats the parts on every core), and the elapsed time of the whole run:\n\n");
    out.push_str(&stages.render());

    let mut one_thread = Table::new(&["spec", ">load", ">merge", ">lower", ">free", ">emit", ">format", ">total"]);
    for entry in measured {
        let mut row = vec![entry.set.label.clone()];
        row.extend((0..Tool::OursOneThread.stages().len()).map(|stage| cell(entry.median_stage(Tool::OursOneThread, stage))));
        row.push(cell(entry.median_total(Tool::OursOneThread)));
        one_thread.row(row);
    }
    out.push_str("\nThe same on one thread, making the tokens (`emit`) timed apart from formatting them (`format`), median CPU time:\n\n");
    out.push_str(&one_thread.render());

    let mut against = Table::new(&[
        "spec",
        ">ours, elapsed",
        ">ours, CPU",
        ">bare parse",
        ">ours ÷ parse",
        ">progenitor (positional)",
        ">ours ÷ it",
        ">progenitor (builder)",
        ">ours ÷ it",
    ]);
    for entry in measured {
        against.row(vec![
            entry.set.label.clone(),
            cell(entry.median_wall(Tool::Ours)),
            cell(entry.median_total(Tool::Ours)),
            cell(entry.median_wall(Tool::Floor)),
            ratios_cell(entry.paired_ratios(Tool::Floor)),
            cell(entry.median_wall(Tool::Positional)),
            ratios_cell(entry.paired_ratios(Tool::Positional)),
            cell(entry.median_wall(Tool::Builder)),
            ratios_cell(entry.paired_ratios(Tool::Builder)),
        ]);
    }
    out.push_str("\nOurs against the bare parse and progenitor, which work on one thread (their elapsed times; ratios `elapsed / CPU`, each the median of the ratios within each round):\n\n");
    out.push_str(&against.render());

    let mut theirs = Table::new(&[
        "spec", ">positional: parse", ">generate", ">format", ">builder: parse", ">generate", ">format",
    ]);
    for entry in measured {
        let mut row = vec![entry.set.label.clone()];
        for tool in [Tool::Positional, Tool::Builder] {
            row.extend((0..tool.stages().len()).map(|stage| cell(entry.median_stage(tool, stage))));
        }
        theirs.row(row);
    }
    out.push_str("\nprogenitor, median CPU time per stage:\n\n");
    out.push_str(&theirs.render());

    let mut memory = Table::new(&[
        "spec", ">ours", ">bare parse", ">ours ÷ parse", ">ours, 1 thread", ">progenitor (positional)", ">progenitor (builder)",
    ]);
    let peak = |entry: &Measured, tool: Tool| entry.outcomes.get(&tool).and_then(Outcome::peak_kib);
    for entry in measured {
        let ours = peak(entry, Tool::Ours);
        let floor = peak(entry, Tool::Floor);
        let shown = |kib: Option<u64>| kib.map_or_else(|| "–".to_owned(), stats::mib);
        memory.row(vec![
            entry.set.label.clone(),
            shown(ours),
            shown(floor),
            ratio_cell(ours.zip(floor).map(|(a, b)| a as f64 / b as f64)),
            shown(peak(entry, Tool::OursOneThread)),
            shown(peak(entry, Tool::Positional)),
            shown(peak(entry, Tool::Builder)),
        ]);
    }
    let baseline = measured.iter().find_map(|entry| match entry.outcomes.get(&Tool::Floor) {
        Some(Outcome::Ok { baseline_kib, .. }) => Some(*baseline_kib),
        _ => None,
    });
    out.push_str(&format!(
        "\nPeak memory (VmHWM) of one run in a process of its own; the process before reading anything: {}:\n\n",
        baseline.map_or_else(|| "unknown".to_owned(), stats::mib)
    ));
    out.push_str(&memory.render());

    let mut growth = Table::new(&[
        "spec", ">after load", ">merge", ">lower", ">free", ">render", ">text of the spec",
    ]);
    for entry in measured {
        let Some(Outcome::Ok { stage_peaks_kib, .. }) = entry.outcomes.get(&Tool::Ours) else { continue };
        let mut row = vec![entry.set.label.clone()];
        row.extend(stage_peaks_kib.iter().map(|kib| stats::mib(*kib)));
        row.push(stats::bytes(entry.set.bytes()));
        growth.row(row);
    }
    out.push_str("\nOur peak memory so far after each stage (VmHWM of the same runs):\n\n");
    out.push_str(&growth.render());

    let mut failures = String::new();
    for entry in measured {
        for tool in Tool::ALL {
            if let Some(reason) = entry.failure(tool) {
                failures.push_str(&format!("- {} on {}: {reason}\n", tool.name(), entry.set.label));
            }
        }
    }
    if !failures.is_empty() {
        out.push_str("\nFailures:\n\n");
        out.push_str(&failures);
    }
    out
}
