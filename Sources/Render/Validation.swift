import Physics

extension Primitive {
    /// Coordinates beyond this (metres) are almost certainly a bug, and would overflow the
    /// rasterizer's Float arithmetic.
    static let maxCoordinate = 1e6

    /// Throws unless the primitive can be drawn: finite pose, non-zero rotation, positive
    /// finite sizes, colour components in [0, 1].
    func validate() throws {
        let label = name.isEmpty ? "primitive" : "primitive '\(name)'"
        func fail(_ problem: String) -> RenderError { .invalidArgument("\(label): \(problem)") }
        let p = position
        guard [p.x, p.y, p.z].allSatisfy({ $0.isFinite && abs($0) < Self.maxCoordinate }) else {
            throw fail("position \(p) is not finite or is too far from the origin")
        }
        let q = orientation
        let norm = q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z
        guard norm.isFinite, norm > 1e-12 else { throw fail("orientation \(q) is not a finite non-zero quaternion") }
        let sizes: [Double]
        switch shape {
        case .plane(let normal, let offset):
            guard [normal.x, normal.y, normal.z, offset].allSatisfy(\.isFinite), length(normal) > 0,
                  abs(offset) / length(normal) < Self.maxCoordinate
            else { throw fail("plane normal \(normal) / offset \(offset) is not a valid plane") }
            sizes = []
        case .box(let size): sizes = [size.x, size.y, size.z]
        case .sphere(let radius): sizes = [radius]
        case .capsule(let radius, let length), .cylinder(let radius, let length): sizes = [radius, length]
        }
        guard sizes.allSatisfy({ $0.isFinite && $0 > 0 && $0 < Self.maxCoordinate }) else {
            throw fail("\(shape) has a size that is not positive and finite")
        }
        let c = appearance.color
        guard [c.red, c.green, c.blue, c.alpha].allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw fail("colour \(c) has a component outside [0, 1]")
        }
        if case .checker(let secondary, let cellSize) = appearance.pattern {
            guard cellSize.isFinite, cellSize > 0 else { throw fail("checker cell size \(cellSize) must be positive") }
            guard [secondary.red, secondary.green, secondary.blue].allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                throw fail("checker colour \(secondary) has a component outside [0, 1]")
            }
        }
    }
}

extension Lighting {
    /// Throws unless the light has a finite non-zero direction and finite, non-negative strengths.
    func validate() throws {
        let d = direction
        guard d.x.isFinite, d.y.isFinite, d.z.isFinite, length(d) > 0 else {
            throw RenderError.invalidArgument("light direction \(d) must be finite and non-zero")
        }
        guard ambient.isFinite, ambient >= 0, diffuse.isFinite, diffuse >= 0 else {
            throw RenderError.invalidArgument(
                "light strengths must be finite and non-negative, got ambient \(ambient), diffuse \(diffuse)")
        }
    }
}
