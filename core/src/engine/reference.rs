//! A naive byte-per-cell engine: slow, obviously right, and the reference
//! every fast kernel is tested against.

use super::{BitGrid, Edge, Rule};

/// One generation of `grid` under `rule`, computed cell by cell.
pub fn step(grid: &BitGrid, rule: &Rule, edge: Edge) -> BitGrid {
    let (w, h) = (grid.width() as isize, grid.height() as isize);
    let alive = |x: isize, y: isize| -> u32 {
        match edge {
            Edge::Torus => u32::from(grid.get(x.rem_euclid(w) as usize, y.rem_euclid(h) as usize)),
            Edge::Dead if x < 0 || y < 0 || x >= w || y >= h => 0,
            Edge::Dead => u32::from(grid.get(x as usize, y as usize)),
        }
    };
    let mut next = BitGrid::new(grid.width(), grid.height());
    for y in 0..h {
        for x in 0..w {
            let mut neighbours = 0;
            for dy in -1..=1 {
                for dx in -1..=1 {
                    if (dx, dy) != (0, 0) {
                        neighbours += alive(x + dx, y + dy);
                    }
                }
            }
            let state = rule.next_state(alive(x, y) == 1, neighbours);
            next.set(x as usize, y as usize, state);
        }
    }
    next
}
