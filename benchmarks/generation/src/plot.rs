//! Generation time against spec size, log–log, as a small hand-written SVG:
//! one point per spec and tool, numbered by spec, with a key.

use std::fmt::Write;
use std::time::Duration;

/// One spec: its size and the median total time of each tool, in the order
/// of [`SERIES`].
pub struct Point {
    pub label: String,
    pub bytes: usize,
    pub times: [Option<Duration>; 4],
}

/// Name, colour and marker of each tool's points.
const SERIES: [(&str, &str, Marker); 4] = [
    ("ours (elapsed)", "#1f6fb4", Marker::Circle),
    ("bare parse into openapiv3", "#2b9a3e", Marker::Square),
    ("progenitor, positional", "#d03a2f", Marker::Triangle),
    ("progenitor, builder", "#e08a12", Marker::Diamond),
];

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 560.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 640.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 490.0;

pub fn svg(points: &[Point]) -> String {
    let mut sorted: Vec<&Point> = points.iter().collect();
    sorted.sort_by(|a, b| a.bytes.cmp(&b.bytes).then_with(|| a.label.cmp(&b.label)));

    let sizes: Vec<f64> = sorted.iter().map(|p| p.bytes.max(1) as f64).collect();
    let times: Vec<f64> = sorted.iter().flat_map(|p| p.times.iter().flatten().map(|t| t.as_secs_f64() * 1000.0)).collect();
    let (x_low, x_high) = decades(&sizes);
    let (y_low, y_high) = decades(&times);
    let x = |bytes: f64| LEFT + (bytes.log10() - x_low) / (x_high - x_low) * (RIGHT - LEFT);
    let y = |ms: f64| BOTTOM - (ms.log10() - y_low) / (y_high - y_low) * (BOTTOM - TOP);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="15">Generation time against spec size (median CPU time, release build, log–log)</text>"#,
        (LEFT + RIGHT) / 2.0
    );

    // Grid and axes, one line per decade.
    for decade in (x_low as i32)..=(x_high as i32) {
        let at = x(10f64.powi(decade));
        let _ = writeln!(out, r##"<line x1="{at:.1}" y1="{TOP}" x2="{at:.1}" y2="{BOTTOM}" stroke="#dddddd"/>"##);
        let _ = writeln!(out, r#"<text x="{at:.1}" y="{}" text-anchor="middle">{}</text>"#, BOTTOM + 18.0, size_label(decade));
    }
    for decade in (y_low as i32)..=(y_high as i32) {
        let at = y(10f64.powi(decade));
        let _ = writeln!(out, r##"<line x1="{LEFT}" y1="{at:.1}" x2="{RIGHT}" y2="{at:.1}" stroke="#dddddd"/>"##);
        let _ = writeln!(out, r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#, LEFT - 8.0, at + 4.0, time_label(decade));
    }
    let _ = writeln!(out, r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="#444444"/>"##, RIGHT - LEFT, BOTTOM - TOP);
    let _ = writeln!(out, r#"<text x="{}" y="{}" text-anchor="middle">spec size (bytes of YAML or JSON)</text>"#, (LEFT + RIGHT) / 2.0, BOTTOM + 42.0);
    let _ = writeln!(
        out,
        r#"<text x="22" y="{0}" text-anchor="middle" transform="rotate(-90 22 {0})">CPU time from spec text to formatted code</text>"#,
        (TOP + BOTTOM) / 2.0
    );

    // A dashed line of slope one through our largest spec: cost in
    // proportion to size.
    if let Some((bytes, ms)) = sorted.iter().rev().find_map(|p| p.times[0].map(|t| (p.bytes as f64, t.as_secs_f64() * 1000.0))) {
        let low = 10f64.powf(x_low);
        let high = 10f64.powf(x_high);
        let (mut from, mut to) = ((low, ms * low / bytes), (high, ms * high / bytes));
        let floor = 10f64.powf(y_low);
        if from.1 < floor {
            from = (bytes * floor / ms, floor);
        }
        let ceiling = 10f64.powf(y_high);
        if to.1 > ceiling {
            to = (bytes * ceiling / ms, ceiling);
        }
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999999" stroke-dasharray="5 4"/>"##,
            x(from.0),
            y(from.1),
            x(to.0),
            y(to.1)
        );
    }

    for (number, point) in sorted.iter().enumerate() {
        let px = x(point.bytes.max(1) as f64);
        for (series, time) in point.times.iter().enumerate() {
            if let Some(time) = time {
                let (_, colour, marker) = SERIES[series];
                out.push_str(&marker_svg(marker, px, y(time.as_secs_f64() * 1000.0), colour));
            }
        }
        if let Some(time) = point.times[0] {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" font-weight="bold">{}</text>"#,
                px + 7.0,
                y(time.as_secs_f64() * 1000.0) - 6.0,
                number + 1
            );
        }
    }

    // The key: series, then the numbered specs.
    let key_x = RIGHT + 24.0;
    let mut key_y = TOP + 8.0;
    for (name, colour, marker) in SERIES {
        out.push_str(&marker_svg(marker, key_x + 6.0, key_y, colour));
        let _ = writeln!(out, r#"<text x="{:.1}" y="{:.1}">{name}</text>"#, key_x + 18.0, key_y + 4.0);
        key_y += 20.0;
    }
    let _ = writeln!(
        out,
        r##"<line x1="{key_x:.1}" y1="{key_y:.1}" x2="{:.1}" y2="{key_y:.1}" stroke="#999999" stroke-dasharray="5 4"/>"##,
        key_x + 12.0
    );
    let _ = writeln!(out, r#"<text x="{:.1}" y="{:.1}">time in proportion to size</text>"#, key_x + 18.0, key_y + 4.0);
    key_y += 32.0;
    for (number, point) in sorted.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{key_x:.1}" y="{key_y:.1}"><tspan font-weight="bold">{}</tspan> {} ({})</text>"#,
            number + 1,
            escape(&point.label),
            decimal_size(point.bytes)
        );
        key_y += 18.0;
    }
    out.push_str("</svg>\n");
    out
}

/// The whole decades around `values` (log10), at least one decade wide.
fn decades(values: &[f64]) -> (f64, f64) {
    let logs: Vec<f64> = values.iter().filter(|v| **v > 0.0).map(|v| v.log10()).collect();
    let low = logs.iter().copied().fold(f64::INFINITY, f64::min);
    let high = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    let (low, high) = (low.floor(), high.ceil());
    if high > low { (low, high) } else { (low, low + 1.0) }
}

fn size_label(decade: i32) -> String {
    match decade {
        ..=2 => format!("{} B", 10u64.pow(decade.max(0) as u32)),
        3..=5 => format!("{} kB", 10u64.pow((decade - 3) as u32)),
        6..=8 => format!("{} MB", 10u64.pow((decade - 6) as u32)),
        _ => format!("1e{decade} B"),
    }
}

/// `38 kB`, `4.16 MB`: decimal, as on the axis.
fn decimal_size(bytes: usize) -> String {
    let bytes = bytes as f64;
    if bytes < 1e6 { format!("{:.0} kB", bytes / 1e3) } else { format!("{:.2} MB", bytes / 1e6) }
}

fn time_label(decade: i32) -> String {
    match decade {
        ..=-1 => format!("{} ms", 10f64.powi(decade)),
        0..=2 => format!("{} ms", 10u64.pow(decade as u32)),
        _ => format!("{} s", 10u64.pow((decade - 3) as u32)),
    }
}

fn marker_svg(marker: Marker, x: f64, y: f64, colour: &str) -> String {
    match marker {
        Marker::Circle => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}"/>"#) + "\n",
        Marker::Square => {
            format!(r#"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="none" stroke="{colour}" stroke-width="2"/>"#, x - 4.5, y - 4.5) + "\n"
        }
        Marker::Triangle => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{colour}" fill-opacity="0.8"/>"#,
            x,
            y - 6.0,
            x - 5.5,
            y + 4.5,
            x + 5.5,
            y + 4.5
        ) + "\n",
        Marker::Diamond => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            x,
            y - 6.0,
            x + 6.0,
            y,
            x,
            y + 6.0,
            x - 6.0,
            y
        ) + "\n",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_cover_whole_decades() {
        assert_eq!(decades(&[2_000.0, 4_000_000.0]), (3.0, 7.0));
        assert_eq!(decades(&[10.0]), (1.0, 2.0));
        assert_eq!(size_label(3), "1 kB");
        assert_eq!(size_label(7), "10 MB");
        assert_eq!(time_label(-1), "0.1 ms");
        assert_eq!(time_label(4), "10 s");
    }

    #[test]
    fn the_same_figures_give_the_same_picture() {
        let points = || {
            vec![
                Point { label: "b.yaml".to_owned(), bytes: 4_000_000, times: [Some(Duration::from_millis(900)), None, None, None] },
                Point { label: "a.json".to_owned(), bytes: 3_000, times: [Some(Duration::from_micros(800)), Some(Duration::from_micros(200)), None, None] },
            ]
        };
        let first = svg(&points());
        assert_eq!(first, svg(&points()));
        assert!(first.contains("a.json (3 kB)"));
        assert!(first.starts_with("<svg"));
    }
}
