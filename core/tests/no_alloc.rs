//! Stepping allocates nothing: the strip's buffers are swapped or rotated,
//! never reallocated. Counted with a global allocator, for every kernel variant.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use life_core::engine::{BitGrid, Edge, Isa, Rule, Stepping, Strip};

struct Counting;

thread_local! {
    /// Allocations made by this thread (the test harness's own threads
    /// may allocate meanwhile; they do not count).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn stepping_allocates_nothing() {
    // The counter counts: a new Vec is seen.
    let before = allocations();
    let probe = std::hint::black_box(vec![1u8; 64]);
    assert!(allocations() > before);
    drop(probe);

    let highlife = Rule::parse("B36/S23").unwrap();
    let mut grid = BitGrid::new(1000, 300);
    for i in 0..20_000 {
        grid.set(i * 7919 % 1000, i * 104_729 % 300, true);
    }
    for isa in Isa::available() {
        for rule in [Rule::LIFE, highlife] {
            for edge in [Edge::Torus, Edge::Dead] {
                let mut strip = Strip::from_grid(&grid);
                strip.set_isa(isa);
                strip.fill_halos_alone(edge);
                strip.step(&rule, edge);
                let before = allocations();
                for _ in 0..10 {
                    strip.fill_halos_alone(edge);
                    strip.step(&rule, edge);
                }
                let allocated = allocations() - before;
                assert_eq!(allocated, 0, "{isa:?} {rule} {edge}");

                let mut strip = Strip::from_grid_with_depth(&grid, 4);
                strip.set_isa(isa);
                strip.advance_alone(&rule, edge, 4);
                let before = allocations();
                for k in [4, 3, 1, 4] {
                    strip.advance_alone(&rule, edge, k);
                }
                let allocated = allocations() - before;
                assert_eq!(allocated, 0, "{isa:?} {rule} {edge}, four at once");

                // Tile by tile: the lists of due tiles have room for every
                // tile from the start. Widening the ring to six buffers
                // allocates them, once, within the first 16 generations.
                for depth in [1, 4] {
                    let mut strip = Strip::from_grid_with_depth(&grid, depth);
                    strip.set_isa(isa);
                    strip.set_stepping(Stepping::Sparse);
                    for _ in 0..16 {
                        strip.advance_alone(&rule, edge, 1);
                    }
                    let before = allocations();
                    for k in [depth, 1, depth] {
                        strip.advance_alone(&rule, edge, k);
                        strip.fill_halos_alone(edge);
                        strip.advance(&rule, edge, k, Default::default(), |_, interior| interior());
                    }
                    let allocated = allocations() - before;
                    assert_eq!(allocated, 0, "{isa:?} {rule} {edge}, sparse, depth {depth}");
                    assert!(strip.activity().sparse_generations > 0);
                }
            }
        }
    }
}
