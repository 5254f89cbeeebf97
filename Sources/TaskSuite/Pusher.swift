import Foundation
import Physics
import Randomness

/// Parameters of the pusher family (`pusher:` in a task file), after MURAL's Sawyer push.
struct PusherParameters: Sendable {
    var tableCentre: SIMD3<Double>
    var tableSize: SIMD3<Double>
    var tableFriction: Double
    var hand: HandParameters
    var handRadius: Double
    var puckRadius: Double
    var puckHeight: Double
    var puckMass: Double
    var puckFriction: Double
    var puckStartX: ClosedRange<Double>
    var puckStartY: Double
    var goal: SIMD2<Double>
    var successRadius: Double
    /// Half-width of the uniform offset of teleport examples from the goal.
    var exampleNoise: Double

    init(_ t: YAMLTable) throws {
        let table = try t.table("table")
        tableCentre = try table.vector3("centre")
        tableSize = try table.vector3("size")
        tableFriction = try table.double("friction", in: 0...10)
        try table.finish()
        let h = try t.table("hand")
        hand = try HandParameters(h)
        handRadius = try h.positive("radius")
        try h.finish()
        let puck = try t.table("puck")
        puckRadius = try puck.positive("radius")
        puckHeight = try puck.positive("height")
        puckMass = try puck.positive("mass")
        puckFriction = try puck.double("friction", in: 0...10)
        puckStartX = try puck.interval("start_x")
        puckStartY = try puck.double("start_y")
        try puck.finish()
        goal = try t.vector2("goal")
        successRadius = try t.positive("success_radius")
        exampleNoise = try t.double("example_noise", in: 0...1)
        guard exampleNoise * 2.0.squareRoot() < successRadius else {
            throw t.error("example_noise", "corner offsets (×√2) must stay below success_radius (\(successRadius))")
        }
        try t.finish()
    }

    /// Height of the table top.
    var tableTop: Double { tableCentre.z + tableSize.z / 2 }

    /// Where the puck's centre is when it rests on the table at `xy`.
    func puckCentre(_ xy: SIMD2<Double>) -> SIMD3<Double> { SIMD3(xy.x, xy.y, tableTop + puckHeight / 2) }
}

/// A puck on a table pushed by a spherical end-effector that moves in xy at a fixed height.
final class PusherScene: TaskScene {
    let world: World
    let parameters: PusherParameters
    var evaluationEpisodesRepeat: Bool { parameters.puckStartX.lowerBound == parameters.puckStartX.upperBound }
    let hand: KinematicHand
    private let puck: Body

    let actionNames = ["dx", "dy"]
    let featureIndices = [0, 1, 2, 3, 4]

    // Contacts: table–feet and hand–puck only.
    private static let tableFilter = CollisionFilter(category: 1 << 0, collidesWith: 1 << 1)
    private static let footFilter = CollisionFilter(category: 1 << 1, collidesWith: 1 << 0)
    private static let puckFilter = CollisionFilter(category: 1 << 2, collidesWith: 1 << 3)
    private static let handFilter = CollisionFilter(category: 1 << 3, collidesWith: 1 << 2)
    let observationSpec: ArraySpec

    init(definition: TaskDefinition, parameters p: PusherParameters) throws {
        parameters = p
        world = try World(configuration: definition.worldConfiguration(gravity: SIMD3(0, 0, -9.81)))
        try world.addGeom(named: "table", shape: .box(size: p.tableSize), offset: p.tableCentre,
                          material: Material(friction: p.tableFriction), filter: Self.tableFilter)
        puck = try world.addBody(named: "puck_body", at: p.puckCentre(SIMD2(0, p.puckStartY)),
                                 massFrom: .cylinder(radius: p.puckRadius, length: p.puckHeight), totalMass: p.puckMass)
        try world.addGeom(named: "puck", shape: .cylinder(radius: p.puckRadius, length: p.puckHeight), body: puck,
                          material: Material(friction: p.puckFriction), filter: Self.puckFilter)
        // ODE's cylinder–box and cylinder–plane contacts let a resting puck wobble and creep
        // (4 rim contacts, no stable support). The puck therefore stands on three small
        // spheres flush with its base, whose contacts with the table are steady; the cylinder
        // itself only touches the hand.
        let footRadius = p.puckHeight / 8
        for i in 0..<3 {
            let angle = Double(i) * 2 * Double.pi / 3
            let foot = SIMD3(cos(angle), sin(angle), 0) * (p.puckRadius - footRadius)
                + SIMD3(0, 0, footRadius - p.puckHeight / 2)
            try world.addGeom(named: "puck_foot_\(i)", shape: .sphere(radius: footRadius), body: puck, offset: foot,
                              material: Material(friction: p.puckFriction), filter: Self.footFilter)
        }
        hand = try KinematicHand(world: world, name: "hand_body", parameters: p.hand,
                                 controlTimestep: definition.timing.controlTimestep)
        try world.addGeom(named: "hand", shape: .sphere(radius: p.handRadius), body: hand.body,
                          material: Material(friction: 0.2), filter: Self.handFilter)
        let lo = p.hand.workspaceLower, hi = p.hand.workspaceUpper
        let speed = p.hand.maxDisplacement * 3.0.squareRoot() / definition.timing.controlTimestep
        observationSpec = ArraySpec([
            Component("hand_x", lo.x...hi.x), Component("hand_y", lo.y...hi.y), Component("hand_z", lo.z...hi.z),
            // The puck can leave the table; its position is then unbounded.
            Component("puck_x"), Component("puck_y"),
            Component("hand_vx", -speed...speed), Component("hand_vy", -speed...speed),
            Component("puck_vx"), Component("puck_vy"),
        ])
    }

    private var puckXY: SIMD2<Double> { let p = puck.position; return SIMD2(p.x, p.y) }

    private func placePuck(_ xy: SIMD2<Double>) throws {
        try puck.setPosition(parameters.puckCentre(xy))
        try puck.setOrientation(.identity)
        try puck.setLinearVelocity(.zero)
        try puck.setAngularVelocity(.zero)
    }

    func resetState(rng: inout RandomGenerator) throws {
        try hand.place(at: parameters.hand.start)
        try placePuck(SIMD2(rng.uniform(parameters.puckStartX), parameters.puckStartY))
    }

    func applyAction(_ action: [Double]) throws {
        try hand.command(SIMD3(action[0], action[1], 0))
    }

    func observation() -> [Double] {
        let h = hand.position, hv = hand.velocity, p = puck.position, pv = puck.linearVelocity
        return [h.x, h.y, h.z, p.x, p.y, hv.x, hv.y, pv.x, pv.y]
    }

    private func puckDistance(_ o: [Double]) -> Double { norm(SIMD2(o[3], o[4]) - parameters.goal) }
    private func reachDistance(_ o: [Double]) -> Double { norm(SIMD2(o[0] - o[3], o[1] - o[4])) }

    func isSuccess(_ observation: [Double]) -> Bool { puckDistance(observation) < parameters.successRadius }

    func goalMarkers() -> [GoalMarker] {
        [.disc(centre: parameters.goal, radius: parameters.successRadius, height: parameters.tableTop)]
    }

    func metrics(_ observation: [Double]) -> [String: Double] {
        ["puck_distance": puckDistance(observation), "hand_puck_distance": reachDistance(observation)]
    }

    /// Reach the puck, then bring it to the goal; the goal term dominates. The distance terms
    /// barely tell the last few millimetres apart, hence the task's success bonus.
    func denseShaping(_ observation: [Double]) -> Double {
        -(reachDistance(observation) + 2 * puckDistance(observation))
    }

    /// Pushes along the puck–goal line: go to a point behind the puck (around it if the hand
    /// is on the wrong side), then advance the behind-point toward the goal each step, which
    /// also corrects sideways drift. Stops when the puck is close to the goal.
    func expertAction(step: Int) -> [Double] {
        let p = parameters
        let puckXY = self.puckXY
        let toGoal = p.goal - puckXY
        let remaining = norm(toGoal)
        // Near the goal the push direction turns unreliable; holding still keeps the success.
        guard remaining > p.successRadius * 0.4 else { return [0, 0] }
        let u = toGoal / remaining
        let contact = p.puckRadius + p.handRadius
        let h = SIMD2(hand.position.x, hand.position.y)
        let relative = h - puckXY
        let along = (relative * u).sum()
        let lateral = relative - along * u
        let target: SIMD2<Double>
        if along < -contact * 0.8, norm(lateral) < p.puckRadius * 0.5 {
            // Aligned behind the puck: push, slowing down near the goal so the puck stops there.
            target = puckXY - u * contact + u * min(p.hand.maxDisplacement, remaining * 0.5)
        } else {
            let behind = puckXY - u * (contact + 0.02)
            if along > -contact * 0.5, norm(lateral) < contact + 0.01 {
                // In front of or beside the puck: step around it on the hand's side.
                let side = norm(lateral) > 1e-9 ? lateral / norm(lateral) : SIMD2(-u.y, u.x)
                target = puckXY + side * (contact + 0.02) - u * contact
            } else {
                target = behind
            }
        }
        let a = hand.action(toward: SIMD3(target.x, target.y, hand.position.z))
        return [a.x, a.y]
    }

    /// Puck within `exampleNoise` of the goal (per axis), hand resting just behind it (on the
    /// side the hand starts from, within ±0.6 rad).
    func placeInSuccessConfiguration(rng: inout RandomGenerator) throws {
        let n = parameters.exampleNoise
        let puckXY = parameters.goal + SIMD2(rng.uniform(-n...n), rng.uniform(-n...n))
        try placePuck(puckXY)
        let approach = parameters.goal - SIMD2(parameters.hand.start.x, parameters.hand.start.y)
        let angle = atan2(approach.y, approach.x) + rng.uniform(-0.6...0.6)
        let gap = parameters.puckRadius + parameters.handRadius + rng.uniform(0.005...0.03)
        let h = puckXY - SIMD2(cos(angle), sin(angle)) * gap
        try hand.place(at: SIMD3(h.x, h.y, parameters.hand.start.z))
    }
}
