//! Drawing the [`App`]: the grid (three render modes, the rank overlay),
//! the rank side panel, the status bar, the hint line and the help.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{App, Phase, RenderMode};
use crate::keys;
use crate::live::scaling::active_ranks;
use crate::tui::speedup;
use crate::tui::theme::{
    ACCENT, ALIVE, ALIVE_RGB, BADGE_TEXT, BRIGHT_TEXT, Colours, DIM, OUTSIDE, RANK_COLOURS,
    SPARSE_RGB, STATUS_BG, WAIT, WARNING, bar, short, short_time, titled_box,
};
use crate::view::dot_inside;

/// Rank `rank`'s colour; past eight ranks they repeat.
pub fn rank_rgb(rank: usize) -> (u8, u8, u8) {
    RANK_COLOURS[rank % RANK_COLOURS.len()]
}

/// How bright a rank's colour is, as a share of it, behind the empty cells
/// of its strip with the rank overlay: dark enough for live cells to stand
/// out in the rank's full colour.
const STRIP_TINT: f32 = 0.16;
/// Behind the seam rows where two ranks' strips meet: brighter than the
/// strip's tint, so that the edges the halos cross show.
const SEAM_TINT: f32 = 0.45;
/// A live half block of the overlay runs from this share of its rank's
/// colour (one live cell of many) to all of it (every cell live).
const SPARSE_DOT: f32 = 0.35;

fn scaled((r, g, b): (u8, u8, u8), f: f32) -> Color {
    let c = |v: u8| (f32::from(v) * f).round().clamp(0.0, 255.0) as u8;
    Color::Rgb(c(r), c(g), c(b))
}

pub fn rank_colour(rank: usize) -> Color {
    scaled(rank_rgb(rank), 1.0)
}

fn rank_tint(rank: usize) -> Color {
    scaled(rank_rgb(rank), STRIP_TINT)
}

/// The colour of a live dot of density `v` (1 to 255) without the overlay:
/// sparse blocks deep teal, full ones as live cells in the other modes.
fn density_colour(v: u8) -> Color {
    let t = f32::from(v) / 255.0;
    let lerp = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
    let ((r0, g0, b0), (r1, g1, b1)) = (SPARSE_RGB, ALIVE_RGB);
    Color::Rgb(lerp(r0, r1), lerp(g0, g1), lerp(b0, b1))
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let areas = self.layout(area);
        render_grid(self, areas.grid, buf);
        if let Some(tour) = &self.tour {
            tour.render(areas.grid, buf);
        }
        render_charts(self, areas.grid, buf);
        if let Some(panel) = areas.panel {
            render_panel(self, panel, buf);
        }
        render_status(self, areas.status, buf);
        render_hint(self, areas.hint, buf);
        if self.phase == Phase::Help {
            render_help(area, buf);
        }
    }
}

/// Which rank owns the cells of dot row `j`, if the row shows the grid.
fn owner_of_dot_row(app: &App, j: usize) -> Option<usize> {
    let y = app.view.y0 + j as i64 * app.view.scale as i64;
    if app.info.plane {
        // The bands as the last round found them; a zoomed-out dot row
        // belongs to the band of its first cell row.
        return app.ranks.iter().position(|r| r.rows.contains(&y));
    }
    let height = app.info.height as i64;
    // A zoomed-out dot row may start above the grid: use its first real row.
    let y = y.max(0);
    (y < height && y < app.view.y0 + (j as i64 + 1) * app.view.scale as i64)
        .then(|| app.info.decomp.owner_of(y as usize))
}

/// Which ranks own the dot rows behind one character row.
struct RowOwners {
    /// The owner of the first dot row that lies in the grid.
    first: Option<usize>,
    /// A strip starts inside this character row (or right at its top).
    seam: bool,
    all: Vec<Option<usize>>,
}

impl RowOwners {
    fn of(app: &App, top: usize, rows_per_char: usize) -> RowOwners {
        let all: Vec<Option<usize>> = (top..top + rows_per_char)
            .map(|j| owner_of_dot_row(app, j))
            .collect();
        let first = all.iter().flatten().next().copied();
        let above = top.checked_sub(1).and_then(|j| owner_of_dot_row(app, j));
        let seam = all.iter().flatten().any(|&o| Some(o) != first)
            || (above.is_some() && first.is_some() && above != first);
        RowOwners { first, seam, all }
    }
}

/// The dot at column `i`, row `j` of the view: None outside the grid.
fn dot(app: &App, i: usize, j: usize) -> Option<u8> {
    let view = &app.view;
    (i < view.dots_w
        && j < view.dots_h
        && (app.info.plane || dot_inside(view, app.info.width, app.info.height, i, j)))
    .then(|| app.dots[j * view.dots_w + i])
}

/// A braille character: 2x4 dots of the view at character (`c`, row `r`).
fn braille_cell(app: &App, c: usize, r: usize, owners: &RowOwners) -> (char, Style) {
    const BITS: [[u32; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
    let mut bits = 0u32;
    let mut any_inside = false;
    for (dx, column_bits) in BITS.iter().enumerate() {
        for (dy, bit) in column_bits.iter().enumerate() {
            if let Some(v) = dot(app, 2 * c + dx, r + dy) {
                any_inside = true;
                if v > 0 {
                    bits |= bit;
                }
            }
        }
    }
    let style = if !any_inside {
        Style::default().bg(OUTSIDE)
    } else if app.overlay {
        let owner = owners.first.unwrap_or(0);
        Style::default().fg(rank_colour(owner)).bg(if owners.seam {
            scaled(rank_rgb(owner), SEAM_TINT)
        } else {
            rank_tint(owner)
        })
    } else {
        Style::default().fg(ALIVE)
    };
    let symbol = match bits {
        0 => ' ',
        _ => char::from_u32(0x2800 + bits).unwrap_or(' '),
    };
    (symbol, style)
}

/// A half block: two dots of the view, one above the other, coloured by
/// density (or by owner with the rank overlay).
fn half_block_cell(app: &App, c: usize, r: usize) -> (char, Style) {
    let colour = |j: usize| -> Color {
        match dot(app, c, j) {
            None => OUTSIDE,
            Some(v) if app.overlay => {
                let owner = owner_of_dot_row(app, j).unwrap_or(0);
                if v == 0 {
                    rank_tint(owner)
                } else {
                    scaled(
                        rank_rgb(owner),
                        SPARSE_DOT + (1.0 - SPARSE_DOT) * f32::from(v) / 255.0,
                    )
                }
            }
            Some(0) => Color::Reset,
            Some(v) => density_colour(v),
        }
    };
    // Terminal-default cells stay blank, so the default foreground never
    // shows as a block.
    match (colour(r), colour(r + 1)) {
        (Color::Reset, Color::Reset) => (' ', Style::default()),
        (Color::Reset, b) => ('▄', Style::default().fg(b)),
        (t, b) => ('▀', Style::default().fg(t).bg(b)),
    }
}

/// One dot of the view shown as two characters, shaded by density.
fn blocks_cell(app: &App, c: usize, r: usize, owners: &RowOwners) -> (char, Style) {
    let value = dot(app, c / 2, r);
    let symbol = match value {
        None | Some(0) => ' ',
        Some(v) if v < 64 => '░',
        Some(v) if v < 128 => '▒',
        Some(v) if v < 192 => '▓',
        Some(_) => '█',
    };
    let style = if value.is_none() || c / 2 >= app.view.dots_w {
        Style::default().bg(OUTSIDE)
    } else if app.overlay {
        let owner = owners.first.unwrap_or(0);
        Style::default().fg(rank_colour(owner)).bg(rank_tint(owner))
    } else {
        Style::default().fg(ALIVE)
    };
    (symbol, style)
}

/// The rank overlay without colour (`NO_COLOR`): every other strip dim,
/// and the character rows where a strip begins underlined.
fn plain_overlay(owners: &RowOwners) -> Style {
    let mut style = Style::default();
    if owners.first.is_some_and(|o| o % 2 == 1) {
        style = style.add_modifier(Modifier::DIM);
    }
    if owners.seam {
        style = style.add_modifier(Modifier::UNDERLINED);
    }
    style
}

/// Labels a strip at the right end of the first character row it shows in
/// (reversed, which shows without colour too).
fn label_strip(owner: usize, area: Rect, row: u16, colours: Colours, buf: &mut Buffer) {
    let label = format!(" rank {owner} ");
    let style = if colours == Colours::Off {
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default()
            .fg(BADGE_TEXT)
            .bg(rank_colour(owner))
            .add_modifier(Modifier::BOLD)
    };
    if area.width as usize > label.len() + 2 {
        buf.set_string(
            area.right() - label.len() as u16 - 1,
            area.y + row,
            &label,
            style,
        );
    }
}

fn render_grid(app: &App, area: Rect, buf: &mut Buffer) {
    let view = &app.view;
    if view.dots_w == 0 || app.dots.len() != view.dots_w * view.dots_h {
        return;
    }
    let (_, rows_per_char) = app.mode.dots(1, 1);
    let mut labelled = vec![false; app.info.ranks()];
    for row in 0..area.height {
        let top = usize::from(row) * rows_per_char;
        let owners = RowOwners::of(app, top, rows_per_char);
        for column in 0..area.width {
            let c = usize::from(column);
            let (symbol, style) = match app.mode {
                RenderMode::Braille => braille_cell(app, c, top, &owners),
                RenderMode::HalfBlock => half_block_cell(app, c, top),
                RenderMode::Blocks => blocks_cell(app, c, top, &owners),
            };
            let cell = &mut buf[(area.x + column, area.y + row)];
            cell.set_char(symbol);
            cell.set_style(style);
            if app.overlay && app.colours == Colours::Off {
                cell.set_style(plain_overlay(&owners));
            }
        }
        if app.overlay
            && let Some(owner) = owners
                .all
                .iter()
                .flatten()
                .find(|&&o| !labelled[o])
                .copied()
        {
            labelled[owner] = true;
            label_strip(owner, area, row, app.colours, buf);
        }
    }
}

fn render_panel(app: &App, area: Rect, buf: &mut Buffer) {
    let block = titled_box(" ranks ", DIM);
    let inner = block.inner(area);
    block.render(area, buf);
    // Idle time per generation (frame pacing), once measured: with it the
    // bars are shares of the same wall time, true at any speed.
    let idle = |rank: usize| app.speedup.idle.get(rank).copied().unwrap_or(0.0);
    let idle_lines = usize::from(app.speedup.idle.iter().any(|&t| t > 0.0));
    let longest = app
        .ranks
        .iter()
        .enumerate()
        .map(|(rank, r)| r.compute + r.wait + idle(rank))
        .fold(0.0f64, f64::max);
    let bar_width = usize::from(inner.width).saturating_sub(14).max(4);
    let roomy = usize::from(inner.height) >= app.ranks.len() * (4 + idle_lines) + 2;
    let mut lines: Vec<Line> = Vec::new();
    for (rank, r) in app.ranks.iter().enumerate() {
        let colour = rank_colour(rank);
        let rows = band_label(&r.rows);
        lines.push(Line::from(vec![
            Span::styled("● ", Style::default().fg(colour)),
            Span::styled(
                format!("rank {rank}"),
                Style::default().fg(colour).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" rows {rows}"), Style::default().fg(DIM)),
        ]));
        let share = |t: f64| if longest > 0.0 { t / longest } else { 0.0 };
        lines.push(Line::from(vec![
            Span::styled(" cpu  ", Style::default().fg(DIM)),
            Span::styled(
                bar(share(r.compute), bar_width),
                Style::default().fg(colour),
            ),
            Span::raw(format!(" {:>7}", short_time(r.compute))),
        ]));
        lines.push(Line::from(vec![
            Span::styled(" wait ", Style::default().fg(DIM)),
            Span::styled(bar(share(r.wait), bar_width), Style::default().fg(WAIT)),
            Span::raw(format!(" {:>7}", short_time(r.wait))),
        ]));
        if idle_lines > 0 {
            lines.push(Line::from(vec![
                Span::styled(" idle ", Style::default().fg(DIM)),
                Span::styled(bar(share(idle(rank)), bar_width), Style::default().fg(DIM)),
                Span::raw(format!(" {:>7}", short_time(idle(rank)))),
            ]));
        }
        if roomy {
            lines.push(Line::from(vec![
                Span::styled(" pop  ", Style::default().fg(DIM)),
                Span::raw(short(r.population as f64)),
            ]));
        }
    }
    if usize::from(inner.height) > lines.len() + 1 {
        lines.push(Line::default());
        lines.push(Line::styled(
            " times are per generation",
            Style::default().fg(DIM).add_modifier(Modifier::ITALIC),
        ));
    }
    Paragraph::new(lines).render(inner, buf);
}

/// The status bar's fields after the always-kept head (`gen`, `PAUSED`,
/// population), in display order, each with its rank: when the bar does
/// not fit, the lowest rank goes first.
fn status_fields(app: &App) -> Vec<(u8, String)> {
    let target = match app.target_speed() {
        Some(n) => format!("{n}"),
        None => "max".into(),
    };
    let zoom = if app.view.scale == 1 {
        "1:1".to_string()
    } else {
        format!("1:{}", app.view.scale)
    };
    let fps = if app.frames_per_second < 9.95 {
        format!("{:.1} fps", app.frames_per_second)
    } else {
        format!("{:.0} fps", app.frames_per_second)
    };
    let ranks = app.info.ranks();
    vec![
        (6, format!("{:.0}/{target} gen/s", app.gens_per_second)),
        (1, fps),
        (
            5,
            format!("{ranks} rank{}", if ranks == 1 { "" } else { "s" }),
        ),
        (3, size_field(app)),
        (6, bbox_field(app)),
        (2, format!("{} {}", app.info.rule, edge_name(app))),
        (
            7,
            match &app.pattern {
                Some(name) => crate::playlist::printable(name),
                None => format!("seed {}", app.seed),
            },
        ),
        (4, format!("{} {zoom}", app.mode.name())),
    ]
    .into_iter()
    .filter(|(_, text)| !text.is_empty())
    .collect()
}

/// A rank's rows in the panel; on the plane the outer bands are open.
fn band_label(rows: &std::ops::Range<i64>) -> String {
    match (rows.start, rows.end) {
        (i64::MIN, i64::MAX) => "all".into(),
        (i64::MIN, end) => format!("..{}", end - 1),
        (start, i64::MAX) => format!("{start}.."),
        (start, end) if start < end => format!("{start}-{}", end - 1),
        _ => "-".into(),
    }
}

/// The grid's size; on the plane, the cells the view spans.
fn size_field(app: &App) -> String {
    if !app.info.plane {
        return format!("{}x{}", app.info.width, app.info.height);
    }
    let span = |dots: usize| dots as u64 * app.view.scale;
    format!(
        "view {},{} {}x{}",
        app.view.x0,
        app.view.y0,
        span(app.view.dots_w),
        span(app.view.dots_h)
    )
}

/// On the plane, where what lives is: its bounding box's top-left and size.
fn bbox_field(app: &App) -> String {
    match (app.info.plane, app.bbox) {
        (false, _) => String::new(),
        (true, None) => "nothing lives".into(),
        (true, Some(b)) => format!(
            "bbox {},{} {}x{}",
            b.x0,
            b.y0,
            b.x1.abs_diff(b.x0) + 1,
            b.y1.abs_diff(b.y0) + 1
        ),
    }
}

fn edge_name(app: &App) -> String {
    if app.info.plane {
        "plane".into()
    } else {
        app.info.edge.to_string()
    }
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    let key = Style::default()
        .fg(BADGE_TEXT)
        .bg(ALIVE)
        .add_modifier(Modifier::BOLD);
    let plain = Style::default().fg(BRIGHT_TEXT).bg(STATUS_BG);
    let sep = Span::styled(" │ ", Style::default().fg(DIM).bg(STATUS_BG));
    let mut head = vec![Span::styled(format!(" gen {} ", app.generation), key)];
    if app.paused {
        head.push(Span::styled(
            " PAUSED ",
            Style::default()
                .fg(BADGE_TEXT)
                .bg(WARNING)
                .add_modifier(Modifier::BOLD),
        ));
    }
    head.push(Span::styled(format!(" pop {}", app.population), plain));
    // Degrade gracefully: drop whole fields, least important first, until
    // the bar fits; never cut one in the middle.
    let mut fields = status_fields(app);
    let width = |fields: &[(u8, String)]| -> usize {
        head.iter().map(Span::width).sum::<usize>()
            + fields
                .iter()
                .map(|(_, text)| sep.width() + Span::raw(text.as_str()).width())
                .sum::<usize>()
            + 1
    };
    while width(&fields) > usize::from(area.width) {
        let Some(least) = fields
            .iter()
            .enumerate()
            .min_by_key(|(_, (rank, _))| *rank)
            .map(|(k, _)| k)
        else {
            break;
        };
        fields.remove(least);
    }
    let mut spans = head;
    for (_, text) in fields {
        spans.push(sep.clone());
        spans.push(Span::styled(text, plain));
    }
    spans.push(Span::styled(" ", plain));
    buf.set_style(area, plain);
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn render_hint(app: &App, area: Rect, buf: &mut Buffer) {
    let line = match &app.message {
        None if app.input_closed => Line::styled(
            " keyboard input closed: keys no longer reach the view (quit with Ctrl-C where it was launched)",
            Style::default().fg(WARNING).add_modifier(Modifier::BOLD),
        ),
        Some(message) => Line::styled(format!(" {message}"), Style::default().fg(ACCENT)),
        None => {
            let mut keys: Vec<(&str, &str)> =
                keys::HINTS.iter().map(|h| (h.keys, h.word)).collect();
            // Whole hints only: drop from the middle of the list until the
            // line fits, keeping `? help` and `q quit` at its end.
            let width = |keys: &[(&str, &str)]| -> usize {
                1 + keys
                    .iter()
                    .map(|(k, what)| k.chars().count() + what.chars().count() + 3)
                    .sum::<usize>()
            };
            while width(&keys) > usize::from(area.width) + 2 && keys.len() > 2 {
                keys.remove(keys.len() - 3);
            }
            let mut spans = vec![Span::raw(" ")];
            for (k, what) in keys {
                spans.push(Span::styled(
                    k,
                    Style::default().fg(ALIVE).add_modifier(Modifier::BOLD),
                ));
                spans.push(Span::styled(format!(" {what}  "), Style::default().fg(DIM)));
            }
            Line::from(spans)
        }
    };
    Paragraph::new(line).render(area, buf);
}

fn render_help(screen: Rect, buf: &mut Buffer) {
    let width = 64.min(screen.width);
    let height = (keys::ROWS.len() as u16 + 4).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + (screen.height - height) / 2,
        width,
        height,
    );
    Clear.render(area, buf);
    let block = titled_box(" keys ", ALIVE)
        .title_bottom(Line::styled(" any key closes ", Style::default().fg(DIM)).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = vec![Line::default()];
    for row in keys::ROWS {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<16}", row.keys),
                Style::default().fg(ALIVE).add_modifier(Modifier::BOLD),
            ),
            Span::raw(row.help),
        ]));
    }
    Paragraph::new(lines).render(inner, buf);
}

/// The history chart at the bottom of the grid area, with the rank-count
/// chart in a column of its own on the right once it has rates.
fn render_charts(app: &App, grid: Rect, buf: &mut Buffer) {
    if !app.history.chart {
        return;
    }
    let beside = if app.speedup.fits_beside(grid) {
        speedup::CHART_WIDTH
    } else {
        0
    };
    let [history, ranks] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(beside)]).areas(grid);
    app.history.render(history, app.generation, buf);
    if beside > 0 {
        app.speedup
            .render(ranks, active_ranks(&app.info.decomp), buf);
    }
}
