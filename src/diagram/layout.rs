//! A layered (Sugiyama) layout for boxes joined by labelled edges, in plain numbers so
//! that the app's painter and the SVG export place everything in the same spot.
//!
//! 1. Layers: longest path from the sources; a source is then moved next to its first
//!    consumer, so a bias used late does not drag a long edge across the picture.
//! 2. Edges longer than one layer pass through thin dummy nodes, one per layer crossed.
//! 3. Order within layers: barycentre sweeps down and up; the ordering with the fewest
//!    crossings seen is kept (crossings counted exactly, per pair of layers).
//! 4. Coordinates across layers: each node pulled towards the mean of its neighbours,
//!    then placed as close to that as the order and the spacing allow (isotonic
//!    regression), alternately from both sides.
//! 5. Along the layer axis, every gap between two layers is made wide enough for the
//!    label plates of the edges that end in the next layer; the plates in one gap are
//!    spread so none overlaps another, and each edge is routed through its own plate.
//!
//! An edge leaves its box on the side facing the next layer, runs straight across its
//! own layer's column (where, by construction, no other box lies at its height), crosses
//! the gap, and so on: no edge passes through a box. Everything is iterative, linear or
//! `n log n` per sweep in the number of boxes and dummies.

/// A point of the picture, in pixels at 100% zoom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Rightwards.
    pub x: f32,
    /// Downwards.
    pub y: f32,
}

/// An axis-aligned rectangle of the picture, in pixels at 100% zoom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// The centre point.
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    /// Whether the two rectangles share interior area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// Whether the segment from `a` to `b` passes through the interior of this
    /// rectangle shrunk by `inset` on every side.
    pub fn is_crossed_by(&self, a: Point, b: Point, inset: f32) -> bool {
        let (x0, x1) = (self.x + inset, self.x + self.w - inset);
        let (y0, y1) = (self.y + inset, self.y + self.h - inset);
        if x0 >= x1 || y0 >= y1 {
            return false;
        }
        // Liang–Barsky clipping of the segment against the rectangle.
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let mut t0 = 0.0f32;
        let mut t1 = 1.0f32;
        for (p, q) in [
            (-dx, a.x - x0),
            (dx, x1 - a.x),
            (-dy, a.y - y0),
            (dy, y1 - a.y),
        ] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }
}

/// Which way the layers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Inputs on the left, the output on the right.
    #[default]
    LeftToRight,
    /// Inputs at the top, the output at the bottom (for deep, narrow graphs).
    TopToBottom,
}

/// Width and height of something to place, in pixels at 100% zoom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Size {
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// What to lay out: boxes by index, and edges between them (from operand to consumer).
#[derive(Debug, Clone, Default)]
pub struct LayoutInput {
    /// The size of each box.
    pub boxes: Vec<Size>,
    /// Edges `(from, to, label plate size)`; `from` must come before `to` in some
    /// topological order (the graph is acyclic).
    pub edges: Vec<(usize, usize, Size)>,
}

/// Tunable spacing, in pixels at 100% zoom.
#[derive(Debug, Clone, Copy)]
pub struct Spacing {
    /// Space between neighbouring boxes of one layer.
    pub between_boxes: f32,
    /// Thickness reserved for an edge passing through a layer.
    pub dummy_thickness: f32,
    /// The smallest gap between two layers.
    pub min_layer_gap: f32,
    /// Space between a label plate and the layers on either side.
    pub plate_margin: f32,
    /// Space between two plates of one gap.
    pub between_plates: f32,
    /// Space around the whole picture.
    pub margin: f32,
    /// The horizontal gap between two boxes of a chain: room for the stem of the plate
    /// above.
    pub chain_gap: f32,
}

impl Default for Spacing {
    fn default() -> Self {
        Self {
            between_boxes: 26.0,
            dummy_thickness: 10.0,
            min_layer_gap: 48.0,
            plate_margin: 10.0,
            between_plates: 6.0,
            margin: 12.0,
            chain_gap: 30.0,
        }
    }
}

/// Options of the crossing reduction.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Down-and-up barycentre sweeps (1: one plain barycentre pass down).
    pub sweeps: usize,
    /// The spacing.
    pub spacing: Spacing,
    /// Whether a chain fed by inputs from below (a comb, see [`comb_order`]) is laid out
    /// as one: narrower than layers, for canvases too narrow for them.
    pub comb: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sweeps: 12,
            spacing: Spacing::default(),
            comb: false,
        }
    }
}

/// Where everything goes.
#[derive(Debug, Clone, Default)]
pub struct LayoutResult {
    /// The direction used.
    pub direction: Direction,
    /// Each box's rectangle, by box index.
    pub boxes: Vec<Rect>,
    /// Each edge's polyline (from its source box to its target box), by edge index.
    pub edges: Vec<Vec<Point>>,
    /// Each edge's label plate, by edge index.
    pub plates: Vec<Rect>,
    /// The size of the whole picture (everything lies in `0..w`, `0..h`).
    pub size: Size,
    /// Edge crossings between neighbouring layers in the ordering chosen.
    pub crossings: usize,
    /// The layer of each box.
    pub layer_of: Vec<usize>,
}

/// One element of a layer: a box or the dummy of an edge crossing the layer.
#[derive(Debug, Clone, Copy)]
enum Item {
    Box(usize),
    Dummy,
}

/// The layered graph the ordering works on: items per layer, and links between items of
/// neighbouring layers.
struct Layered {
    layers: Vec<Vec<Item>>,
    /// For each layer `l`, links `(index in l, index in l + 1)` (rebuilt from `up`).
    /// For each item (by layer, position): items of the previous layer it links to.
    up: Vec<Vec<Vec<usize>>>,
    /// Items of the next layer each item links to.
    down: Vec<Vec<Vec<usize>>>,
    /// For each edge, the items it passes through: (layer, position) at the time of
    /// building; positions are remapped by `order`.
    chains: Vec<Vec<(usize, usize)>>,
}

impl Layered {
    /// The links of each item of layer `l` into the neighbouring layer `other`.
    fn neighbours(&self, l: usize, other: usize) -> &[Vec<usize>] {
        if other < l {
            &self.up[l]
        } else {
            &self.down[l]
        }
    }
}

/// The layers a sweep visits, each with the neighbouring layer it is ordered by: from the
/// second layer down (each by the one above), or from the second-to-last up.
fn sweep_order(depth: usize, downward: bool) -> Vec<(usize, usize)> {
    if downward {
        (1..depth).map(|l| (l, l - 1)).collect()
    } else {
        (0..depth.saturating_sub(1))
            .rev()
            .map(|l| (l, l + 1))
            .collect()
    }
}

/// Lays out the boxes and edges.
pub fn layout(input: &LayoutInput, direction: Direction, options: &Options) -> LayoutResult {
    let n = input.boxes.len();
    if n == 0 {
        return LayoutResult {
            direction,
            ..Default::default()
        };
    }
    let layer_of = assign_layers(n, &input.edges);
    if direction == Direction::LeftToRight
        && let Some(chain) = chain_order(input, &layer_of)
    {
        return place_chain(input, &chain, layer_of, &options.spacing);
    }
    if direction == Direction::LeftToRight
        && options.comb
        && let Some(comb) = comb_order(input)
    {
        return place_comb(input, &comb, layer_of, &options.spacing);
    }
    let mut layered = build_layers(n, &input.edges, &layer_of);
    let crossings = reduce_crossings(&mut layered, options.sweeps);
    place(input, direction, options, &layered, layer_of, crossings)
}

/// The boxes in order, if the graph is a plain chain: one box per layer, and exactly one
/// edge from each layer to the next.
fn chain_order(input: &LayoutInput, layer_of: &[usize]) -> Option<Vec<usize>> {
    let n = input.boxes.len();
    let mut order = vec![usize::MAX; n];
    for (b, &l) in layer_of.iter().enumerate() {
        let slot = order.get_mut(l)?;
        if *slot != usize::MAX {
            return None;
        }
        *slot = b;
    }
    let links_next = |&(from, to, _): &(usize, usize, Size)| {
        layer_of
            .get(from)
            .zip(layer_of.get(to))
            .is_some_and(|(f, t)| f + 1 == *t)
    };
    (n >= 2 && input.edges.len() == n - 1 && input.edges.iter().all(links_next)).then_some(order)
}

/// A chain left to right in one row, each edge's plate laid above its edge with a stem
/// down to it: the plates take no width between the boxes, so a chain of several boxes
/// fits a laptop's canvas.
fn place_chain(
    input: &LayoutInput,
    chain: &[usize],
    layer_of: Vec<usize>,
    spacing: &Spacing,
) -> LayoutResult {
    let plate_h = input.edges.iter().map(|e| e.2.h).fold(0.0, f32::max);
    let row_top = spacing.margin + plate_h + spacing.plate_margin;
    let shortest = chain
        .iter()
        .map(|&b| input.boxes[b].h)
        .fold(f32::INFINITY, f32::min);
    // Every edge runs at one height, inside even the shortest box.
    let edge_y = row_top + shortest / 2.0;
    let mut boxes = vec![Rect::default(); input.boxes.len()];
    let mut x = spacing.margin;
    for &b in chain {
        let size = input.boxes[b];
        boxes[b] = Rect {
            x,
            y: row_top,
            w: size.w,
            h: size.h,
        };
        x += size.w + spacing.chain_gap;
    }
    let mut width = x - spacing.chain_gap + spacing.margin;
    let mut edges = Vec::with_capacity(input.edges.len());
    let mut plates = Vec::with_capacity(input.edges.len());
    for &(from, to, plate) in &input.edges {
        let (points, rect) = row_edge(boxes[from], boxes[to], plate, edge_y, spacing);
        width = width.max(rect.x + rect.w + spacing.margin);
        edges.push(points);
        plates.push(rect);
    }
    width += shift_past_margin(&mut boxes, &mut edges, &mut plates, spacing.margin);
    let tallest = chain.iter().map(|&b| input.boxes[b].h).fold(0.0, f32::max);
    LayoutResult {
        direction: Direction::LeftToRight,
        boxes,
        edges,
        plates,
        size: Size {
            w: width,
            h: row_top + tallest + spacing.margin,
        },
        crossings: 0,
        layer_of,
    }
}

/// An edge between two boxes of a row, at height `edge_y`, with its plate above the row
/// over the gap and a stem from the edge up to the plate.
fn row_edge(
    source: Rect,
    target: Rect,
    plate: Size,
    edge_y: f32,
    spacing: &Spacing,
) -> (Vec<Point>, Rect) {
    let mid = (source.x + source.w + target.x) / 2.0;
    let rect = Rect {
        x: mid - plate.w / 2.0,
        y: spacing.margin,
        w: plate.w,
        h: plate.h,
    };
    let at = |x: f32, y: f32| Point { x, y };
    let points = vec![
        at(source.x + source.w, edge_y),
        at(mid, edge_y),
        at(mid, rect.y + rect.h),
        at(mid, edge_y),
        at(target.x, edge_y),
    ];
    (points, rect)
}

/// A plate wider than its gap reaches over the boxes beside it, and the first and the
/// last may reach past the row's ends: shifts everything right so nothing starts before
/// the margin; returns the shift (which the picture's width grows by).
fn shift_past_margin(
    boxes: &mut [Rect],
    edges: &mut [Vec<Point>],
    plates: &mut [Rect],
    margin: f32,
) -> f32 {
    let shift = plates.iter().map(|p| margin - p.x).fold(0.0, f32::max);
    if shift > 0.0 {
        for r in boxes.iter_mut().chain(plates.iter_mut()) {
            r.x += shift;
        }
        for p in edges.iter_mut().flatten() {
            p.x += shift;
        }
    }
    shift
}

/// A chain fed from below: the boxes of a row, each after the first fed by the one
/// before it, and for some of them one input placed under it.
#[derive(Debug)]
struct Comb {
    /// The row, left to right: the first box is an input, the last the output.
    row: Vec<usize>,
    /// Under each box of the row (by position in `row`), the input that feeds it, if any.
    below: Vec<Option<usize>>,
}

/// The comb a graph makes, if it is one: every box that is not an input (no edge in)
/// feeds the next one only, they form one chain, and each input feeds exactly one box of
/// it, at most one input per box besides the first box's, whose other input heads the row.
fn comb_order(input: &LayoutInput) -> Option<Comb> {
    let n = input.boxes.len();
    let mut operands: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to, _) in &input.edges {
        if from >= n || to >= n || from == to {
            return None;
        }
        operands[to].push(from);
        consumers[from].push(to);
    }
    let is_input = |b: usize| operands[b].is_empty();
    // Inputs feed exactly one box; operations form one chain.
    if (0..n).any(|b| is_input(b) && consumers[b].len() != 1) {
        return None;
    }
    let operations: Vec<usize> = (0..n).filter(|&b| !is_input(b)).collect();
    let first = *operations
        .iter()
        .find(|&&b| operands[b].iter().all(|&o| is_input(o)))?;
    let mut spine = vec![first];
    let mut at = first;
    while let [next] = consumers[at][..] {
        let from_operations = operands[next].iter().filter(|&&o| !is_input(o)).count();
        if from_operations != 1 {
            return None;
        }
        spine.push(next);
        at = next;
    }
    if !consumers[at].is_empty() || spine.len() != operations.len() || spine.len() < 2 {
        return None;
    }
    let inputs_of = |b: usize| -> Vec<usize> {
        operands[b]
            .iter()
            .copied()
            .filter(|&o| is_input(o))
            .collect()
    };
    let head = inputs_of(first);
    let (row_head, under_first) = match head[..] {
        [only] => (only, None),
        [a, b] => (a, Some(b)),
        _ => return None,
    };
    let mut row = vec![row_head, first];
    let mut below = vec![None, under_first];
    for &b in &spine[1..] {
        let side = inputs_of(b);
        if side.len() > 1 {
            return None;
        }
        row.push(b);
        below.push(side.first().copied());
    }
    Some(Comb { row, below })
}

/// A comb left to right: the row as a chain (each plate above its edge with a stem), and
/// each input under the box it feeds, its edge running straight up with its plate laid
/// over it, in a band between the row and the inputs.
fn place_comb(
    input: &LayoutInput,
    comb: &Comb,
    layer_of: Vec<usize>,
    spacing: &Spacing,
) -> LayoutResult {
    let plate_h = input.edges.iter().map(|e| e.2.h).fold(0.0, f32::max);
    let row_top = spacing.margin + plate_h + spacing.plate_margin;
    let row_height = comb
        .row
        .iter()
        .map(|&b| input.boxes[b].h)
        .fold(0.0, f32::max);
    let shortest = comb
        .row
        .iter()
        .map(|&b| input.boxes[b].h)
        .fold(f32::INFINITY, f32::min);
    let edge_y = row_top + shortest / 2.0;
    // Under the row, as under any box of a column, room for a mark on the box (the
    // current step's), then the plates of the edges from below.
    let band_top = row_top + row_height + spacing.between_boxes;
    let below_top = band_top + plate_h + 2.0 * spacing.plate_margin;
    let mut boxes = vec![Rect::default(); input.boxes.len()];
    // Each column as wide as its row box and the input under it.
    let mut x = spacing.margin;
    for (&b, under) in comb.row.iter().zip(&comb.below) {
        let width = under.map_or(input.boxes[b].w, |u| input.boxes[u].w.max(input.boxes[b].w));
        let centre = x + width / 2.0;
        let size = input.boxes[b];
        boxes[b] = Rect {
            x: centre - size.w / 2.0,
            y: row_top,
            w: size.w,
            h: size.h,
        };
        if let Some(u) = *under {
            let size = input.boxes[u];
            boxes[u] = Rect {
                x: centre - size.w / 2.0,
                y: below_top,
                w: size.w,
                h: size.h,
            };
        }
        x += width + spacing.chain_gap;
    }
    let mut width = x - spacing.chain_gap + spacing.margin;
    let mut edges = Vec::with_capacity(input.edges.len());
    let mut plates = Vec::with_capacity(input.edges.len());
    for &(from, to, plate) in &input.edges {
        let (source, target) = (boxes[from], boxes[to]);
        if source.y > target.y {
            // From below: straight up into the box, the plate in the band, on the edge.
            let x = target.x + target.w / 2.0;
            edges.push(vec![
                Point { x, y: source.y },
                Point {
                    x,
                    y: target.y + target.h,
                },
            ]);
            plates.push(Rect {
                x: x - plate.w / 2.0,
                y: band_top + spacing.plate_margin,
                w: plate.w,
                h: plate.h,
            });
        } else {
            let (points, rect) = row_edge(source, target, plate, edge_y, spacing);
            edges.push(points);
            plates.push(rect);
        }
    }
    width += shift_past_margin(&mut boxes, &mut edges, &mut plates, spacing.margin);
    for p in &plates {
        width = width.max(p.x + p.w + spacing.margin);
    }
    let bottom = boxes.iter().map(|r| r.y + r.h).fold(0.0, f32::max);
    LayoutResult {
        direction: Direction::LeftToRight,
        boxes,
        edges,
        plates,
        size: Size {
            w: width,
            h: bottom + spacing.margin,
        },
        crossings: 0,
        layer_of,
    }
}

/// Longest path from the sources, then each source moved up to just before its first
/// consumer.
fn assign_layers(n: usize, edges: &[(usize, usize, Size)]) -> Vec<usize> {
    let mut operands: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(from, to, _) in edges {
        if from < n && to < n && from != to {
            operands[to].push(from);
            consumers[from].push(to);
            indegree[to] += 1;
        }
    }
    // Kahn's algorithm, iterative.
    let mut order = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).rev().filter(|&i| indegree[i] == 0).collect();
    while let Some(i) = ready.pop() {
        order.push(i);
        for &c in consumers[i].iter().rev() {
            indegree[c] -= 1;
            if indegree[c] == 0 {
                ready.push(c);
            }
        }
    }
    // A cycle cannot come from the engine; place anything left over at the end.
    let mut seen = vec![false; n];
    for &i in &order {
        seen[i] = true;
    }
    order.extend((0..n).filter(|&i| !seen[i]));
    let mut layer = vec![0usize; n];
    for &i in &order {
        layer[i] = operands[i].iter().map(|&o| layer[o] + 1).max().unwrap_or(0);
    }
    for i in 0..n {
        if operands[i].is_empty()
            && let Some(first_use) = consumers[i].iter().map(|&c| layer[c]).min()
        {
            layer[i] = first_use.saturating_sub(1);
        }
    }
    layer
}

/// The most layers an edge passes through as dummies (one per layer); a longer edge is
/// drawn straight. Lesson graphs have fewer layers than this in all.
pub const MAX_DUMMY_SPAN: usize = 24;

fn build_layers(n: usize, edges: &[(usize, usize, Size)], layer_of: &[usize]) -> Layered {
    let depth = layer_of.iter().copied().max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<Item>> = vec![Vec::new(); depth];
    let mut position = vec![0usize; n];
    for (i, &l) in layer_of.iter().enumerate() {
        position[i] = layers[l].len();
        layers[l].push(Item::Box(i));
    }
    let mut chains = Vec::with_capacity(edges.len());
    for &(from, to, _) in edges {
        let mut chain = vec![(layer_of[from], position[from])];
        // An edge across more than MAX_DUMMY_SPAN layers is drawn straight, without
        // dummies: one input feeding every box of a long chain would otherwise cost a
        // dummy per layer per edge, memory quadratic in the chain's length.
        let span = layer_of[to].saturating_sub(layer_of[from] + 1);
        if from < n && to < n && layer_of[from] < layer_of[to] && span <= MAX_DUMMY_SPAN {
            for (l, layer) in layers
                .iter_mut()
                .enumerate()
                .take(layer_of[to])
                .skip(layer_of[from] + 1)
            {
                chain.push((l, layer.len()));
                layer.push(Item::Dummy);
            }
        }
        chain.push((layer_of[to], position[to]));
        chains.push(chain);
    }
    let mut up: Vec<Vec<Vec<usize>>> = layers.iter().map(|l| vec![Vec::new(); l.len()]).collect();
    let mut down: Vec<Vec<Vec<usize>>> = layers.iter().map(|l| vec![Vec::new(); l.len()]).collect();
    for chain in &chains {
        for pair in chain.windows(2) {
            let ((la, pa), (lb, pb)) = (pair[0], pair[1]);
            if lb == la + 1 {
                down[la][pa].push(pb);
                up[lb][pb].push(pa);
            }
        }
    }
    Layered {
        layers,
        up,
        down,
        chains,
    }
}

/// Barycentre sweeps; returns the crossings of the ordering kept. On return every layer
/// is in its final order and `up`, `down` and `chains` use the final positions.
fn reduce_crossings(layered: &mut Layered, sweeps: usize) -> usize {
    let depth = layered.layers.len();
    // rank[l][i]: the position of item i (as built) within layer l.
    let mut rank: Vec<Vec<usize>> = layered
        .layers
        .iter()
        .map(|l| (0..l.len()).collect())
        .collect();
    let mut best = rank.clone();
    let mut best_crossings = count_crossings(layered, &rank);
    for sweep in 0..sweeps.max(1) {
        for (l, other) in sweep_order(depth, sweep % 2 == 0) {
            let neighbours = layered.neighbours(l, other);
            let mut keyed: Vec<(f64, usize, usize)> = (0..layered.layers[l].len())
                .map(|i| {
                    let links = &neighbours[i];
                    let key = if links.is_empty() {
                        rank[l][i] as f64
                    } else {
                        links.iter().map(|&j| rank[other][j] as f64).sum::<f64>()
                            / links.len() as f64
                    };
                    (key, rank[l][i], i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (new_rank, &(_, _, i)) in keyed.iter().enumerate() {
                rank[l][i] = new_rank;
            }
        }
        let crossings = count_crossings(layered, &rank);
        if crossings < best_crossings {
            best_crossings = crossings;
            best.clone_from(&rank);
        }
        if best_crossings == 0 {
            break;
        }
    }
    apply_order(layered, &best);
    best_crossings
}

/// Reorders the layers by `rank` and renumbers every link.
fn apply_order(layered: &mut Layered, rank: &[Vec<usize>]) {
    for (l, layer) in layered.layers.iter_mut().enumerate() {
        let mut reordered = layer.clone();
        for (i, item) in layer.iter().enumerate() {
            reordered[rank[l][i]] = *item;
        }
        *layer = reordered;
    }
    let renumber = |links: &mut Vec<Vec<Vec<usize>>>, offset: isize| {
        let old = std::mem::take(links);
        let mut new: Vec<Vec<Vec<usize>>> = old.iter().map(|l| vec![Vec::new(); l.len()]).collect();
        for (l, items) in old.into_iter().enumerate() {
            let other = (l as isize + offset) as usize;
            for (i, targets) in items.into_iter().enumerate() {
                new[l][rank[l][i]] = targets
                    .into_iter()
                    .map(|j| rank.get(other).map_or(j, |r| r[j]))
                    .collect();
            }
        }
        *links = new;
    };
    renumber(&mut layered.up, -1);
    renumber(&mut layered.down, 1);
    for chain in &mut layered.chains {
        for (l, p) in chain.iter_mut() {
            *p = rank[*l][*p];
        }
    }
}

/// Exact crossings between every pair of neighbouring layers (inversions counted with a
/// Fenwick tree: `E log V` per pair).
fn count_crossings(layered: &Layered, rank: &[Vec<usize>]) -> usize {
    let mut total = 0usize;
    for l in 0..layered.layers.len().saturating_sub(1) {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, targets) in layered.down[l].iter().enumerate() {
            for &j in targets {
                pairs.push((rank[l][i], rank[l + 1][j]));
            }
        }
        pairs.sort_unstable();
        let width = layered.layers[l + 1].len() + 1;
        let mut tree = vec![0usize; width + 1];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // Count earlier pairs whose lower end lies strictly after b.
            let mut at_most_b = 0usize;
            let mut k = b + 1;
            while k > 0 {
                at_most_b += tree[k];
                k &= k - 1;
            }
            total += seen - at_most_b;
            let mut k = b + 1;
            while k <= width {
                tree[k] += 1;
                k += k & k.wrapping_neg();
            }
        }
    }
    total
}

/// Places items on the order axis (isotonic regression towards their neighbours' mean)
/// and layers on the layer axis (gaps sized for the plates), then routes the edges.
fn place(
    input: &LayoutInput,
    direction: Direction,
    options: &Options,
    layered: &Layered,
    layer_of: Vec<usize>,
    crossings: usize,
) -> LayoutResult {
    let spacing = options.spacing;
    let flip = direction == Direction::TopToBottom;
    // Extent of a size along the layer axis (across) and along the order axis (along).
    let across = |s: Size| if flip { s.h } else { s.w };
    let along = |s: Size| if flip { s.w } else { s.h };
    let item_along = |item: &Item| match item {
        Item::Box(b) => along(input.boxes[*b]),
        Item::Dummy => spacing.dummy_thickness,
    };

    // Order axis: start packed, then pull towards the neighbours, a few rounds each way.
    let mut centre: Vec<Vec<f32>> = layered
        .layers
        .iter()
        .map(|layer| {
            let mut at = 0.0;
            layer
                .iter()
                .map(|item| {
                    let half = item_along(item) / 2.0;
                    let c = at + half;
                    at += 2.0 * half + spacing.between_boxes;
                    c
                })
                .collect()
        })
        .collect();
    let depth = layered.layers.len();
    for round in 0..8 {
        for (l, other) in sweep_order(depth, round % 2 == 0) {
            let links = layered.neighbours(l, other);
            let is_box = |layer: usize, i: usize| matches!(layered.layers[layer][i], Item::Box(_));
            let desired: Vec<f32> = (0..layered.layers[l].len())
                .map(|i| {
                    let linked = &links[i];
                    if linked.is_empty() {
                        return centre[l][i];
                    }
                    // A box with a box among its neighbours follows only those: a
                    // long edge passing by must bend, not the chain of boxes.
                    let box_links = is_box(l, i) && linked.iter().any(|&j| is_box(other, j));
                    let (mut sum, mut total) = (0.0f32, 0.0f32);
                    for &j in linked {
                        if box_links && !is_box(other, j) {
                            continue;
                        }
                        sum += centre[other][j];
                        total += 1.0;
                    }
                    sum / total
                })
                .collect();
            let sizes: Vec<f32> = layered.layers[l].iter().map(item_along).collect();
            // Edges passing through give way to boxes: a stack of long edges beside a
            // chain must not push the chain sideways.
            let weights: Vec<f32> = layered.layers[l]
                .iter()
                .map(|item| match item {
                    Item::Box(_) => 1.0,
                    Item::Dummy => 0.001,
                })
                .collect();
            centre[l] = isotonic_place_weighted(&desired, &sizes, &weights, spacing.between_boxes);
        }
    }
    // Shift so the smallest extent starts at the margin.
    let mut low = f32::INFINITY;
    for (l, layer) in layered.layers.iter().enumerate() {
        for (i, item) in layer.iter().enumerate() {
            low = low.min(centre[l][i] - item_along(item) / 2.0);
        }
    }

    // Layer axis: each layer's column as wide as its widest box; each gap as wide as
    // the widest plate of the edges that end in the next layer.
    let column: Vec<f32> = layered
        .layers
        .iter()
        .map(|layer| {
            layer
                .iter()
                .map(|item| match item {
                    Item::Box(b) => across(input.boxes[*b]),
                    Item::Dummy => 0.0,
                })
                .fold(0.0, f32::max)
        })
        .collect();
    let mut gap = vec![spacing.min_layer_gap; depth];
    for (e, &(_, to, plate)) in input.edges.iter().enumerate() {
        let _ = e;
        if let Some(&l) = layer_of.get(to)
            && l > 0
        {
            gap[l] = gap[l].max(across(plate) + 2.0 * spacing.plate_margin);
        }
    }
    let mut column_start = vec![0.0f32; depth];
    let mut at = spacing.margin;
    for l in 0..depth {
        if l > 0 {
            at += gap[l];
        }
        column_start[l] = at;
        at += column[l];
    }
    let total_across = at + spacing.margin;

    // From (across, along) to picture coordinates.
    let point = |a: f32, o: f32| -> Point {
        let o = o - low + spacing.margin;
        if flip {
            Point { x: o, y: a }
        } else {
            Point { x: a, y: o }
        }
    };

    let mut boxes = vec![Rect::default(); input.boxes.len()];
    for (l, layer) in layered.layers.iter().enumerate() {
        for (i, item) in layer.iter().enumerate() {
            if let Item::Box(b) = item {
                let size = input.boxes[*b];
                let a0 = column_start[l] + (column[l] - across(size)) / 2.0;
                let o0 = centre[l][i] - along(size) / 2.0;
                let p = point(a0, o0);
                boxes[*b] = Rect {
                    x: p.x,
                    y: p.y,
                    w: size.w,
                    h: size.h,
                };
            }
        }
    }

    // Ports: the edges leaving (or entering) one box are spread along its side in the
    // order of their other ends, so they do not cross at the box.
    let n_edges = input.edges.len();
    let mut out_port = vec![0.0f32; n_edges];
    let mut in_port = vec![0.0f32; n_edges];
    {
        let mut leaving: Vec<Vec<(f32, usize)>> = vec![Vec::new(); input.boxes.len()];
        let mut entering: Vec<Vec<(f32, usize)>> = vec![Vec::new(); input.boxes.len()];
        for (e, chain) in layered.chains.iter().enumerate() {
            let (from, to, _) = input.edges[e];
            if chain.len() < 2 {
                continue;
            }
            let (l1, p1) = chain[1];
            let (lz, pz) = chain[chain.len() - 2];
            leaving[from].push((centre[l1][p1], e));
            entering[to].push((centre[lz][pz], e));
        }
        let spread = |list: &mut Vec<(f32, usize)>, b: usize, ports: &mut Vec<f32>| {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let size = along(input.boxes[b]);
            let rect = boxes[b];
            let start = if flip { rect.x } else { rect.y } - spacing.margin + low;
            let k = list.len() as f32;
            for (i, &(_, e)) in list.iter().enumerate() {
                ports[e] = start + size * (i as f32 + 1.0) / (k + 1.0);
            }
        };
        for b in 0..input.boxes.len() {
            spread(&mut leaving[b], b, &mut out_port);
            spread(&mut entering[b], b, &mut in_port);
        }
    }

    // Plates: each in the gap before its edge's target layer, at the height where the
    // edge crosses the gap's middle, then spread apart within the gap.
    let mut plate_centre: Vec<(f32, f32)> = vec![(0.0, 0.0); n_edges];
    let mut in_gap: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (e, chain) in layered.chains.iter().enumerate() {
        if chain.len() < 2 {
            continue;
        }
        let (lz, _) = chain[chain.len() - 1];
        let (ly, py) = chain[chain.len() - 2];
        let from_along = if chain.len() == 2 {
            out_port[e]
        } else {
            centre[ly][py]
        };
        // A long edge drawn without dummies arrives from the lane below the picture:
        // its plate sits at the target's height.
        let mid = if lz > ly + 1 {
            in_port[e]
        } else {
            (from_along + in_port[e]) / 2.0
        };
        plate_centre[e] = (column_start[lz] - gap[lz] / 2.0, mid);
        in_gap[lz].push(e);
    }
    for edges in &mut in_gap {
        edges.sort_by(|&a, &b| {
            plate_centre[a]
                .1
                .total_cmp(&plate_centre[b].1)
                .then(a.cmp(&b))
        });
        let desired: Vec<f32> = edges.iter().map(|&e| plate_centre[e].1).collect();
        let sizes: Vec<f32> = edges.iter().map(|&e| along(input.edges[e].2)).collect();
        let placed = isotonic_place(&desired, &sizes, spacing.between_plates);
        for (k, &e) in edges.iter().enumerate() {
            plate_centre[e].1 = placed[k];
        }
    }
    let plates: Vec<Rect> = (0..n_edges)
        .map(|e| {
            let size = input.edges[e].2;
            let (a, o) = plate_centre[e];
            let c = point(a, o);
            Rect {
                x: c.x - size.w / 2.0,
                y: c.y - size.h / 2.0,
                w: size.w,
                h: size.h,
            }
        })
        .collect();

    let mut high = 0.0f32;
    for (l, layer) in layered.layers.iter().enumerate() {
        for (i, item) in layer.iter().enumerate() {
            high = high.max(centre[l][i] + item_along(item) / 2.0);
        }
    }
    // The lane of long edges drawn without dummies: below (or right of) everything.
    let lane = high + spacing.min_layer_gap / 2.0;
    let mut lane_used = false;

    // Routes: out of the source's side, straight across each column, through the plate.
    let edges: Vec<Vec<Point>> = layered
        .chains
        .iter()
        .enumerate()
        .map(|(e, chain)| {
            let mut points = Vec::with_capacity(chain.len() * 2 + 2);
            let Some(&(l0, _)) = chain.first() else {
                return points;
            };
            let (from, to, _) = input.edges[e];
            let source = boxes[from];
            let source_end = if flip {
                source.y + source.h
            } else {
                source.x + source.w
            };
            points.push(point(source_end, out_port[e]));
            points.push(point(column_start[l0] + column[l0], out_port[e]));
            let lz = layer_of[to];
            if chain.len() == 2 && lz > l0 + 1 {
                // Down to the lane in the gap after the source, along it, and up to the
                // plate in the gap before the target: never across a box.
                let after_source = column_start[l0] + column[l0] + gap[l0 + 1] / 2.0;
                let before_target = column_start[lz] - gap[lz] + spacing.plate_margin;
                points.push(point(after_source, out_port[e]));
                points.push(point(after_source, lane));
                points.push(point(before_target, lane));
                lane_used = true;
            }
            for &(l, p) in &chain[1..chain.len().saturating_sub(1)] {
                points.push(point(column_start[l], centre[l][p]));
                points.push(point(column_start[l] + column[l], centre[l][p]));
            }
            let (a, o) = plate_centre[e];
            points.push(point(a, o));
            let target = boxes[to];
            let target_start = if flip { target.y } else { target.x };
            points.push(point(column_start[lz], in_port[e]));
            points.push(point(target_start, in_port[e]));
            dedup_points(points)
        })
        .collect();

    if lane_used {
        high = lane;
    }
    let mut total_along = high - low + 2.0 * spacing.margin;
    for plate in &plates {
        let end = if flip {
            plate.x + plate.w
        } else {
            plate.y + plate.h
        };
        total_along = total_along.max(end + spacing.margin);
    }
    // Plates pushed above the first box: shift everything down (or right).
    let mut shift = 0.0f32;
    for plate in &plates {
        let start = if flip { plate.x } else { plate.y };
        shift = shift.max(spacing.margin - start);
    }
    let mut result = LayoutResult {
        direction,
        boxes,
        edges,
        plates,
        size: if flip {
            Size {
                w: total_along + shift,
                h: total_across,
            }
        } else {
            Size {
                w: total_across,
                h: total_along + shift,
            }
        },
        crossings,
        layer_of,
    };
    if shift > 0.0 {
        let (dx, dy) = if flip { (shift, 0.0) } else { (0.0, shift) };
        for r in result.boxes.iter_mut().chain(result.plates.iter_mut()) {
            r.x += dx;
            r.y += dy;
        }
        for p in result.edges.iter_mut().flatten() {
            p.x += dx;
            p.y += dy;
        }
    }
    result
}

fn dedup_points(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_none_or(|q| (q.x - p.x).abs() > 0.01 || (q.y - p.y).abs() > 0.01)
        {
            out.push(p);
        }
    }
    out
}

/// Centres for items of the given sizes, in the given order, each at least `gap` from
/// the next, as close as possible (least squares) to the desired centres: isotonic
/// regression by pooling adjacent violators, linear time.
pub fn isotonic_place(desired: &[f32], sizes: &[f32], gap: f32) -> Vec<f32> {
    isotonic_place_weighted(desired, sizes, &vec![1.0; desired.len()], gap)
}

/// [`isotonic_place`] where each item's wish counts with its weight: a light item (an
/// edge passing through a layer) gives way to a heavy one (a box).
pub fn isotonic_place_weighted(
    desired: &[f32],
    sizes: &[f32],
    weights: &[f32],
    gap: f32,
) -> Vec<f32> {
    let n = desired.len();
    // offset[i]: the least distance from item 0's centre to item i's centre.
    let mut offset = vec![0.0f32; n];
    for i in 1..n {
        offset[i] = offset[i - 1] + sizes[i - 1] / 2.0 + gap + sizes[i] / 2.0;
    }
    // Blocks of (sum, count), each block's mean is its shared shifted position.
    let mut blocks: Vec<(f32, f32, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let weight = weights.get(i).copied().unwrap_or(1.0).max(1e-6);
        let mut block = ((desired[i] - offset[i]) * weight, weight, 1usize);
        while let Some(&(sum, count, len)) = blocks.last() {
            if sum / count >= block.0 / block.1 {
                blocks.pop();
                block = (block.0 + sum, block.1 + count, block.2 + len);
            } else {
                break;
            }
        }
        blocks.push(block);
    }
    let mut out = Vec::with_capacity(n);
    for (sum, count, len) in blocks {
        let shifted = sum / count;
        for _ in 0..len {
            let i = out.len();
            out.push(shifted + offset[i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> LayoutInput {
        LayoutInput {
            boxes: vec![Size { w: 120.0, h: 60.0 }; n],
            edges: (1..n)
                .map(|i| (i - 1, i, Size { w: 90.0, h: 34.0 }))
                .collect(),
        }
    }

    #[test]
    fn isotonic_placement_keeps_order_and_spacing() {
        let placed = isotonic_place(&[0.0, 0.0, 0.0], &[10.0, 10.0, 10.0], 5.0);
        assert!((placed[1] - placed[0] - 15.0).abs() < 1e-4);
        assert!((placed[2] - placed[1] - 15.0).abs() < 1e-4);
        // Centred on the common desire.
        assert!((placed[1]).abs() < 1e-4);
        let free = isotonic_place(&[0.0, 100.0], &[10.0, 10.0], 5.0);
        assert_eq!(free, vec![0.0, 100.0]);
    }

    #[test]
    fn an_input_feeding_a_long_chain_costs_linear_memory() {
        // x0 feeds every box of a chain of 3,000 (x_i = x_{i-1} + x0): with a dummy per
        // layer crossed, its edges would hold 4.5 million points.
        let n = 3_000;
        let size = Size { w: 60.0, h: 30.0 };
        let plate = Size { w: 40.0, h: 20.0 };
        let mut edges = vec![(0, 1, plate)];
        for i in 2..=n {
            edges.push((i - 1, i, plate));
            edges.push((0, i, plate));
        }
        let input = LayoutInput {
            boxes: vec![size; n + 1],
            edges,
        };
        let result = layout(&input, Direction::LeftToRight, &Options::default());
        let points: usize = result.edges.iter().map(Vec::len).sum();
        assert!(points < 20 * result.edges.len(), "{points} points");
        // The long edges keep off the boxes: they run below them all.
        let bottom = result.boxes.iter().map(|b| b.y + b.h).fold(0.0, f32::max);
        let last = result.edges.last().expect("edges");
        assert!(last.iter().any(|p| p.y > bottom), "{last:?}");
        assert!(result.size.h >= bottom);
    }

    #[test]
    fn a_chain_is_a_straight_row() {
        let result = layout(&chain(5), Direction::LeftToRight, &Options::default());
        let y0 = result.boxes[0].y;
        for b in &result.boxes {
            assert!((b.y - y0).abs() < 1e-3);
        }
        for w in result.boxes.windows(2) {
            assert!(w[1].x > w[0].x + w[0].w);
        }
        assert_eq!(result.crossings, 0);
    }

    #[test]
    fn crossings_are_counted_exactly() {
        // Two layers, edges a->d and b->c cross once with the built order.
        let input = LayoutInput {
            boxes: vec![Size { w: 10.0, h: 10.0 }; 4],
            edges: vec![(0, 3, Size::default()), (1, 2, Size::default())],
        };
        let layer_of = assign_layers(4, &input.edges);
        let layered = build_layers(4, &input.edges, &layer_of);
        let rank: Vec<Vec<usize>> = layered
            .layers
            .iter()
            .map(|l| (0..l.len()).collect())
            .collect();
        assert_eq!(count_crossings(&layered, &rank), 1);
        let result = layout(&input, Direction::LeftToRight, &Options::default());
        assert_eq!(result.crossings, 0);
    }
}
