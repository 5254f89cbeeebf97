/// Shortest-path distances to a goal through the free space of a planar maze, on a regular
/// grid (8-connected Dijkstra, computed once per task). Gives the maze-aware distance that
/// MURAL logs, and the gradient the maze expert follows.
struct GeodesicField: Sendable {
    let origin: SIMD2<Double>
    let cellSize: Double
    let columns: Int
    let rows: Int
    /// Whether the ball's centre may be at each cell centre.
    let free: [Bool]
    /// Distance from each cell centre to the goal; +∞ when unreachable or blocked.
    let distance: [Double]

    /// - Parameters:
    ///   - lower, upper: corners of the rectangle the grid covers.
    ///   - isFree: whether a ball centre at a point is clear of all walls.
    init(lower: SIMD2<Double>, upper: SIMD2<Double>, cellSize: Double, goal: SIMD2<Double>,
         isFree: (SIMD2<Double>) -> Bool) {
        origin = lower
        self.cellSize = cellSize
        columns = Int(((upper.x - lower.x) / cellSize).rounded(.up))
        rows = Int(((upper.y - lower.y) / cellSize).rounded(.up))
        var free = [Bool](repeating: false, count: columns * rows)
        for r in 0..<rows {
            for c in 0..<columns {
                free[r * columns + c] = isFree(lower + SIMD2(Double(c) + 0.5, Double(r) + 0.5) * cellSize)
            }
        }
        self.free = free
        distance = GeodesicField.dijkstra(free: free, columns: columns, rows: rows, cellSize: cellSize,
                                          goal: goal, origin: lower)
    }

    func centre(_ c: Int, _ r: Int) -> SIMD2<Double> { origin + SIMD2(Double(c) + 0.5, Double(r) + 0.5) * cellSize }

    func cell(containing p: SIMD2<Double>) -> (Int, Int) {
        let q = (p - origin) / cellSize
        let c = min(max(Int(q.x.rounded(.down)), 0), columns - 1)
        let r = min(max(Int(q.y.rounded(.down)), 0), rows - 1)
        return (c, r)
    }

    func isFree(_ p: SIMD2<Double>) -> Bool {
        let (c, r) = cell(containing: p)
        return free[r * columns + c]
    }

    /// The geodesic distance from `p` to the goal: through the best free cell near `p` (a
    /// ball pressed against a wall may sit in a blocked cell), plus the straight way to it.
    func distance(from p: SIMD2<Double>) -> Double {
        let (c0, r0) = cell(containing: p)
        var best = Double.infinity
        for radius in 0...3 {
            for r in max(r0 - radius, 0)...min(r0 + radius, rows - 1) {
                for c in max(c0 - radius, 0)...min(c0 + radius, columns - 1) {
                    let d = distance[r * columns + c]
                    if d.isFinite { best = min(best, d + norm(p - centre(c, r))) }
                }
            }
            if best.isFinite { return best }
        }
        return best
    }

    /// Whether the straight segment from `a` to `b` stays in free cells.
    func isSegmentFree(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Bool {
        let samples = max(Int((norm(b - a) / (cellSize * 0.5)).rounded(.up)), 1)
        for i in 0...samples where !isFree(a + (b - a) * (Double(i) / Double(samples))) { return false }
        return true
    }

    private static func dijkstra(free: [Bool], columns: Int, rows: Int, cellSize: Double,
                                 goal: SIMD2<Double>, origin: SIMD2<Double>) -> [Double] {
        var distance = [Double](repeating: .infinity, count: free.count)
        let q = (goal - origin) / cellSize
        let gc = min(max(Int(q.x), 0), columns - 1), gr = min(max(Int(q.y), 0), rows - 1)
        let start = gr * columns + gc
        guard free[start] else { return distance }
        distance[start] = norm(goal - (origin + SIMD2(Double(gc) + 0.5, Double(gr) + 0.5) * cellSize))
        var heap = MinHeap()
        heap.push(distance[start], start)
        let diagonal = cellSize * 2.0.squareRoot()
        let moves: [(Int, Int, Double)] = [(1, 0, cellSize), (-1, 0, cellSize), (0, 1, cellSize), (0, -1, cellSize),
                                           (1, 1, diagonal), (1, -1, diagonal), (-1, 1, diagonal), (-1, -1, diagonal)]
        while let (d, i) = heap.pop() {
            if d > distance[i] { continue }
            let c = i % columns, r = i / columns
            for (dc, dr, cost) in moves {
                let nc = c + dc, nr = r + dr
                guard nc >= 0, nc < columns, nr >= 0, nr < rows else { continue }
                let j = nr * columns + nc
                // A diagonal move may not cut a blocked corner.
                guard free[j], free[r * columns + nc], free[nr * columns + c] else { continue }
                if d + cost < distance[j] {
                    distance[j] = d + cost
                    heap.push(d + cost, j)
                }
            }
        }
        return distance
    }
}

/// A binary min-heap of (key, index) pairs, ties broken by index so the order is total.
private struct MinHeap {
    private var items: [(Double, Int)] = []

    private static func less(_ a: (Double, Int), _ b: (Double, Int)) -> Bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    }

    mutating func push(_ key: Double, _ index: Int) {
        items.append((key, index))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, Self.less(items[l], items[m]) { m = l }
                if r < items.count, Self.less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
