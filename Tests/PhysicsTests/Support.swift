import Foundation
import Physics
import Testing

/// A world with gravity and a ground plane, for small tests.
func groundWorld(_ configure: (inout WorldConfiguration) -> Void = { _ in }, seed: UInt64 = 0) throws -> World {
    var configuration = WorldConfiguration()
    configure(&configuration)
    let world = try World(configuration: configuration, seed: seed)
    try world.addGeom(named: "ground", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
    return world
}

/// Every body's state as raw bit patterns, for bitwise comparisons with readable failures.
struct StateBits: Equatable, CustomStringConvertible {
    var rows: [String: [UInt64]] = [:]

    init(_ world: World) {
        for body in world.bodies {
            let q = body.orientation
            let values = [body.position.x, body.position.y, body.position.z, q.w, q.x, q.y, q.z,
                          body.linearVelocity.x, body.linearVelocity.y, body.linearVelocity.z,
                          body.angularVelocity.x, body.angularVelocity.y, body.angularVelocity.z]
            rows[body.name] = values.map(\.bitPattern)
        }
    }

    var description: String {
        rows.keys.sorted().map { "\($0): \(rows[$0]!.map { Double(bitPattern: $0) })" }.joined(separator: "\n")
    }

    /// Names of bodies whose state differs.
    func differences(from other: StateBits) -> [String] {
        rows.keys.sorted().filter { rows[$0] != other.rows[$0] }
    }
}

/// Steps a reference scene and records its state after every step.
func trajectory(_ scene: ReferenceScene, steps: Int) throws -> [StateBits] {
    var states: [StateBits] = []
    for _ in 0..<steps {
        try scene.step()
        states.append(StateBits(scene.world))
    }
    return states
}

/// The first step at which two trajectories differ, with the bodies that differ.
func firstDivergence(_ a: [StateBits], _ b: [StateBits]) -> String? {
    for (i, (x, y)) in zip(a, b).enumerated() where x != y {
        return "step \(i): bodies \(x.differences(from: y)) differ"
    }
    return a.count == b.count ? nil : "lengths differ: \(a.count) vs \(b.count)"
}
