//! Inline SVG charts for the HTML report: no script, no external resource, every piece of text
//! escaped. Each chart is one `<svg>` with a stable `id`, `role="img"`, an `aria-label` and a
//! `<title>`, and copes with empty data (no estimates, no cycle times) without NaN or panics.

use std::fmt::Write as _;

use crate::markup::escape;
use crate::report::SprintReport;

/// The burndown chart's element id.
pub const BURNDOWN_ID: &str = "chart-burndown";
/// The committed-vs-completed chart's element id.
pub const COMMITTED_COMPLETED_ID: &str = "chart-committed-completed";
/// The cycle-time histogram's element id.
pub const CYCLE_TIME_ID: &str = "chart-cycle-time";

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 44.0;
const ACTUAL: &str = "#1f6feb";
const IDEAL: &str = "#8c959f";
const COMMITTED: &str = "#8c959f";
const COMPLETED: &str = "#2da44e";
const BAR: &str = "#1f6feb";
const INK: &str = "#24292f";
const GRID: &str = "#d0d7de";

/// A number for an SVG attribute: finite, one decimal.
fn n(value: f64) -> String {
    let v = if value.is_finite() { value } else { 0.0 };
    format!("{v:.1}")
}

/// A value label: integers without decimals, others with one.
fn label(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// A "nice" axis maximum at or above `max` (1, 2, 2.5 or 5 times a power of ten); 1 for empty
/// or non-positive data.
fn nice_max(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let candidate = step * magnitude;
        if candidate >= max {
            return candidate;
        }
    }
    10.0 * magnitude
}

/// An axis maximum for counts: a multiple of 4 (so the four grid steps are whole numbers),
/// at least 4.
fn count_max(max: f64) -> f64 {
    (nice_max(max) / 4.0).ceil().max(1.0) * 4.0
}

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="chart" role="img" aria-label="{label}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11"><title>{title}</title><desc>{desc}</desc>"#,
        label = escape(title),
        title = escape(title),
        desc = escape(desc),
        w = WIDTH,
        h = HEIGHT,
    );
}

/// Horizontal grid lines with value labels for a y axis from 0 to `max`.
fn y_axis(out: &mut String, max: f64, unit: &str) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    for i in 0..=4 {
        let value = max * f64::from(i) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            out,
            r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{GRID}" stroke-width="1"/><text x="{tx}" y="{ty}" text-anchor="end" fill="{INK}">{v}</text>"#,
            x1 = n(LEFT),
            x2 = n(WIDTH - RIGHT),
            y = n(y),
            tx = n(LEFT - 6.0),
            ty = n(y + 4.0),
            v = escape(&label(value)),
        );
    }
    let _ = write!(
        out,
        r#"<text x="12" y="{y}" transform="rotate(-90 12 {y})" text-anchor="middle" fill="{INK}">{u}</text>"#,
        y = n(TOP + plot_h / 2.0),
        u = escape(unit),
    );
}

fn empty_note(out: &mut String, text: &str) {
    let _ = write!(
        out,
        r#"<text class="chart-empty" x="{x}" y="{y}" text-anchor="middle" fill="{INK}" font-size="13">{t}</text>"#,
        x = n(WIDTH / 2.0),
        y = n(HEIGHT / 2.0),
        t = escape(text),
    );
}

fn legend(out: &mut String, items: &[(&str, &str, bool)]) {
    let mut x = LEFT;
    for (name, color, dashed) in items {
        let dash = if *dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<line x1="{x1}" y1="12" x2="{x2}" y2="12" stroke="{color}" stroke-width="3"{dash}/><text x="{tx}" y="16" fill="{INK}">{t}</text>"#,
            x1 = n(x),
            x2 = n(x + 18.0),
            tx = n(x + 24.0),
            t = escape(name),
        );
        x += 40.0 + 6.5 * name.len() as f64;
    }
}

/// The burndown: remaining work at the end of each day against the ideal line, in points, or
/// in issues when the sprint has no estimates.
pub fn burndown(report: &SprintReport) -> String {
    let b = &report.burndown;
    let use_points = b.initial_points > 0.0
        || b.days
            .iter()
            .any(|d| d.remaining_points.unwrap_or(0.0) > 0.0);
    let unit = if use_points { "points" } else { "issues" };
    let title = format!("Burndown of {} ({unit} remaining)", report.sprint.name);
    let mut out = String::with_capacity(4096);
    open_svg(
        &mut out,
        BURNDOWN_ID,
        &title,
        "Remaining work at the end of each day (solid) against the ideal line (dashed).",
    );
    if b.days.is_empty() {
        empty_note(&mut out, "No sprint days to chart");
        out.push_str("</svg>");
        return out;
    }
    let initial = if use_points {
        b.initial_points
    } else {
        f64::from(b.initial_issues)
    };
    let actual: Vec<Option<f64>> = b
        .days
        .iter()
        .map(|d| {
            if use_points {
                d.remaining_points
            } else {
                d.remaining_issues.map(f64::from)
            }
        })
        .collect();
    let ideal: Vec<f64> = b
        .days
        .iter()
        .map(|d| {
            if use_points {
                d.ideal_points
            } else {
                d.ideal_issues
            }
        })
        .collect();
    let highest = actual
        .iter()
        .flatten()
        .chain(&ideal)
        .copied()
        .fold(initial, f64::max);
    let max = if use_points {
        nice_max(highest)
    } else {
        count_max(highest)
    };
    y_axis(&mut out, max, unit);
    legend(
        &mut out,
        &[("Remaining", ACTUAL, false), ("Ideal", IDEAL, true)],
    );

    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    // Slot 0 is the sprint's start; slot k is the end of day k.
    let slots = b.days.len() as f64;
    let x = |slot: f64| LEFT + plot_w * slot / slots;
    let y = |v: f64| TOP + plot_h - plot_h * (v / max).clamp(0.0, 1.0);

    let _ = write!(
        out,
        r#"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="{INK}" stroke-width="1"/>"#,
        l = n(LEFT),
        r = n(WIDTH - RIGHT),
        b = n(TOP + plot_h),
    );
    let stride = b.days.len().div_ceil(14).max(1);
    for (i, day) in b.days.iter().enumerate() {
        if i % stride != 0 && i + 1 != b.days.len() {
            continue;
        }
        let short = day.date.get(5..).unwrap_or(&day.date);
        let _ = write!(
            out,
            r#"<text class="day" x="{x}" y="{y}" text-anchor="middle" fill="{INK}">{t}</text>"#,
            x = n(x(i as f64 + 1.0)),
            y = n(TOP + plot_h + 16.0),
            t = escape(short),
        );
    }
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" text-anchor="middle" fill="{INK}">day (end of)</text>"#,
        x = n(LEFT + plot_w / 2.0),
        y = n(HEIGHT - 6.0),
    );

    let mut ideal_points = format!("{},{}", n(x(0.0)), n(y(initial)));
    for (i, v) in ideal.iter().enumerate() {
        let _ = write!(ideal_points, " {},{}", n(x(i as f64 + 1.0)), n(y(*v)));
    }
    let _ = write!(
        out,
        r#"<polyline class="ideal" points="{ideal_points}" fill="none" stroke="{IDEAL}" stroke-width="2" stroke-dasharray="5 4"/>"#
    );

    let mut actual_points = format!("{},{}", n(x(0.0)), n(y(initial)));
    let mut dots = String::new();
    for (i, v) in actual.iter().enumerate() {
        let Some(v) = v else { break };
        let (px, py) = (n(x(i as f64 + 1.0)), n(y(*v)));
        let _ = write!(actual_points, " {px},{py}");
        let _ = write!(
            dots,
            r#"<circle cx="{px}" cy="{py}" r="3" fill="{ACTUAL}"><title>{t}</title></circle>"#,
            t = escape(&format!(
                "{}: {} {unit} remaining",
                b.days[i].date,
                label(*v)
            )),
        );
    }
    let _ = write!(
        out,
        r#"<polyline class="actual" points="{actual_points}" fill="none" stroke="{ACTUAL}" stroke-width="2.5"/>{dots}</svg>"#
    );
    out
}

/// Committed against completed work, as issues and as points, side by side.
pub fn committed_completed(report: &SprintReport) -> String {
    let s = &report.summary;
    let title = format!("Committed vs completed in {}", report.sprint.name);
    let mut out = String::with_capacity(2048);
    open_svg(
        &mut out,
        COMMITTED_COMPLETED_ID,
        &title,
        "Issues and story points committed at the sprint's start against those completed.",
    );
    legend(
        &mut out,
        &[
            ("Committed", COMMITTED, false),
            ("Completed", COMPLETED, false),
        ],
    );
    let panels = [
        (
            "Issues",
            f64::from(s.committed.issues),
            f64::from(s.completed.issues),
        ),
        ("Points", s.committed.points, s.completed.points),
    ];
    let plot_h = HEIGHT - TOP - BOTTOM;
    let panel_w = (WIDTH - LEFT - RIGHT) / 2.0;
    for (p, (name, committed, completed)) in panels.iter().enumerate() {
        let x0 = LEFT + panel_w * p as f64;
        let max = nice_max(committed.max(*completed));
        let bar_w = panel_w / 4.0;
        let base = TOP + plot_h;
        let _ = write!(
            out,
            r#"<line x1="{a}" y1="{b}" x2="{c}" y2="{b}" stroke="{INK}" stroke-width="1"/>"#,
            a = n(x0 + 8.0),
            c = n(x0 + panel_w - 8.0),
            b = n(base),
        );
        for (k, (value, color, what)) in [
            (*committed, COMMITTED, "committed"),
            (*completed, COMPLETED, "completed"),
        ]
        .into_iter()
        .enumerate()
        {
            let h = plot_h * (value / max).clamp(0.0, 1.0);
            let bx = x0 + bar_w * (0.75 + 1.25 * k as f64);
            let _ = write!(
                out,
                r#"<rect class="bar-{what}" x="{x}" y="{y}" width="{w}" height="{h}" fill="{color}"><title>{t}</title></rect><text x="{cx}" y="{ty}" text-anchor="middle" fill="{INK}">{v}</text>"#,
                x = n(bx),
                y = n(base - h),
                w = n(bar_w),
                h = n(h),
                t = escape(&format!("{} {what}", label(value))),
                cx = n(bx + bar_w / 2.0),
                ty = n(base - h - 4.0),
                v = escape(&label(value)),
            );
        }
        let _ = write!(
            out,
            r#"<text x="{x}" y="{y}" text-anchor="middle" fill="{INK}" font-weight="600">{t}</text>"#,
            x = n(x0 + panel_w / 2.0),
            y = n(base + 18.0),
            t = escape(name),
        );
    }
    out.push_str("</svg>");
    out
}

/// The cycle-time distribution: completed issues per cycle-time bucket.
pub fn cycle_time(report: &SprintReport) -> String {
    let buckets = &report.metrics.cycle_time_histogram;
    let title = format!("Cycle-time distribution in {}", report.sprint.name);
    let mut out = String::with_capacity(2048);
    open_svg(
        &mut out,
        CYCLE_TIME_ID,
        &title,
        "Completed issues per cycle-time bucket (start of work to done).",
    );
    let total: u32 = buckets.iter().map(|b| b.count).sum();
    if buckets.is_empty() || total == 0 {
        empty_note(&mut out, "No completed issues with a cycle time");
        out.push_str("</svg>");
        return out;
    }
    let max = count_max(f64::from(
        buckets.iter().map(|b| b.count).max().unwrap_or(0),
    ));
    y_axis(&mut out, max, "issues");
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / buckets.len() as f64;
    let base = TOP + plot_h;
    for (i, bucket) in buckets.iter().enumerate() {
        let value = f64::from(bucket.count);
        let h = plot_h * (value / max).clamp(0.0, 1.0);
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let _ = write!(
            out,
            r#"<rect class="bucket" x="{x}" y="{y}" width="{w}" height="{h}" fill="{BAR}"><title>{t}</title></rect><text x="{cx}" y="{ty}" text-anchor="middle" fill="{INK}">{v}</text><text x="{cx}" y="{ly}" text-anchor="middle" fill="{INK}">{l}</text>"#,
            x = n(x),
            y = n(base - h),
            w = n(slot * 0.7),
            h = n(h),
            t = escape(&format!("{}: {} issues", bucket.label, bucket.count)),
            cx = n(x + slot * 0.35),
            ty = n(base - h - 4.0),
            v = bucket.count,
            ly = n(base + 16.0),
            l = escape(&bucket.label),
        );
    }
    let _ = write!(
        out,
        r#"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="{INK}" stroke-width="1"/><text x="{x}" y="{y}" text-anchor="middle" fill="{INK}">cycle time (days)</text></svg>"#,
        l = n(LEFT),
        r = n(WIDTH - RIGHT),
        b = n(base),
        x = n(LEFT + plot_w / 2.0),
        y = n(HEIGHT - 6.0),
    );
    out
}
