import Foundation
import Physics
import Randomness

/// Parameters of the door family (`door:` in a task file), after MURAL's Sawyer door-hook.
struct DoorParameters: Sendable {
    /// A point on the hinge axis; the axis is vertical.
    var hinge: SIMD3<Double>
    /// Door panel: width along x from the hinge, thickness along y, height along z (centred
    /// on the hinge point's height).
    var panelSize: SIMD3<Double>
    var mass: Double
    var angleRange: ClosedRange<Double>
    /// Torque of the hinge's friction motor (N·m): it stops the door swinging on.
    var frictionTorque: Double
    /// Distance of the handle's centre from the hinge, along the panel.
    var handleOffset: Double
    /// Gap between the panel's front face and the handle bar's axis.
    var handleStandoff: Double
    var handleLength: Double
    var handleRadius: Double
    var hand: HandParameters
    var shaftRadius: Double
    var shaftLength: Double
    var armLength: Double
    var openProbability: Double
    var openRange: ClosedRange<Double>
    var successAngle: Double
    var exampleAngles: ClosedRange<Double>

    init(_ t: YAMLTable) throws {
        hinge = try t.vector3("hinge")
        panelSize = try t.vector3("panel_size")
        mass = try t.positive("mass")
        angleRange = try t.interval("angle_range")
        frictionTorque = try t.double("friction_torque", in: 0...100)
        let handle = try t.table("handle")
        handleOffset = try handle.positive("offset")
        handleStandoff = try handle.positive("standoff")
        handleLength = try handle.positive("length")
        handleRadius = try handle.positive("radius")
        try handle.finish()
        let h = try t.table("hand")
        hand = try HandParameters(h)
        shaftRadius = try h.positive("shaft_radius")
        shaftLength = try h.positive("shaft_length")
        armLength = try h.positive("arm_length")
        try h.finish()
        let reset = try t.table("reset")
        openProbability = try reset.double("open_probability", in: 0...1)
        openRange = try reset.interval("open_range")
        try reset.finish()
        successAngle = try t.double("success_angle")
        exampleAngles = try t.interval("example_angles")
        for (key, r) in [("reset.open_range", openRange), ("example_angles", exampleAngles)]
        where r.lowerBound < angleRange.lowerBound || r.upperBound > angleRange.upperBound {
            throw t.error(key, "must lie within angle_range \(angleRange)")
        }
        guard exampleAngles.lowerBound >= successAngle else {
            throw t.error("example_angles", "must start at or above success_angle (\(successAngle))")
        }
        guard handleOffset + handleLength / 2 <= panelSize.x else {
            throw t.error("handle.offset", "the handle must fit on the panel (offset + length/2 ≤ panel width)")
        }
        guard handleStandoff - handleRadius > 2 * shaftRadius else {
            throw t.error("handle.standoff", "the gap behind the handle must be wider than the hook's shaft")
        }
        try t.finish()
    }
}

/// A door on a vertical hinge with a bar handle, opened by pulling the handle with a
/// hook-shaped end-effector: a vertical shaft hanging from a horizontal arm. The hook's
/// position is the shaft's lower tip. Positive angles swing the free edge toward −y, where
/// the hand comes from.
final class DoorScene: TaskScene {
    let world: World
    let parameters: DoorParameters
    var evaluationEpisodesRepeat: Bool { parameters.openProbability == 0 }
    let hand: KinematicHand
    private let door: Body
    private let hingeJoint: HingeJoint
    /// The panel centre relative to the hinge at angle 0.
    private let panelOffset: SIMD3<Double>
    private static let axis = SIMD3<Double>(0, 0, -1)

    let actionNames = ["dx", "dy", "dz"]
    let featureIndices = [0, 1, 2, 3]
    let observationSpec: ArraySpec

    init(definition: TaskDefinition, parameters p: DoorParameters) throws {
        parameters = p
        world = try World(configuration: definition.worldConfiguration(gravity: SIMD3(0, 0, -9.81)))
        panelOffset = SIMD3(p.panelSize.x / 2, 0, 0)
        door = try world.addBody(named: "door_body", at: p.hinge + panelOffset, massFrom: .box(size: p.panelSize),
                                 totalMass: p.mass)
        try world.addGeom(named: "door", shape: .box(size: p.panelSize), body: door)
        // Handle: a bar parallel to the panel, held off its front face by two stems.
        let front = -p.panelSize.y / 2
        let barCentre = SIMD3(p.handleOffset - p.panelSize.x / 2, front - p.handleStandoff, 0)
        try world.addGeom(named: "handle", shape: .capsule(radius: p.handleRadius, length: p.handleLength), body: door,
                          offset: barCentre, rotation: Quaternion(axis: SIMD3(0, 1, 0), angle: Double.pi / 2))
        for (i, side) in [-1.0, 1.0].enumerated() {
            let stem = SIMD3(barCentre.x + side * p.handleLength / 2, front - p.handleStandoff / 2, 0)
            try world.addGeom(named: "handle_stem_\(i)",
                              shape: .box(size: SIMD3(p.handleRadius * 2, p.handleStandoff, p.handleRadius * 2)),
                              body: door, offset: stem)
        }
        hingeJoint = try world.addHinge(named: "door_hinge", door, anchor: p.hinge, axis: Self.axis, limits: p.angleRange)
        try hingeJoint.setMotor(velocity: 0, maxForce: p.frictionTorque)

        hand = try KinematicHand(world: world, name: "hook_body", parameters: p.hand,
                                 controlTimestep: definition.timing.controlTimestep)
        let shaftCentre = SIMD3(0, 0, p.shaftLength / 2)
        try world.addGeom(named: "hook_shaft", shape: .capsule(radius: p.shaftRadius, length: p.shaftLength),
                          body: hand.body, offset: shaftCentre)
        try world.addGeom(named: "hook_arm", shape: .capsule(radius: p.shaftRadius, length: p.armLength), body: hand.body,
                          offset: SIMD3(0, -p.armLength / 2, p.shaftLength),
                          rotation: Quaternion(axis: SIMD3(1, 0, 0), angle: Double.pi / 2))
        let lo = p.hand.workspaceLower, hi = p.hand.workspaceUpper
        let speed = p.hand.maxDisplacement * 3.0.squareRoot() / definition.timing.controlTimestep
        observationSpec = ArraySpec([
            Component("hand_x", lo.x...hi.x), Component("hand_y", lo.y...hi.y), Component("hand_z", lo.z...hi.z),
            // ODE's joint stops are soft: a hand forcing the door can overshoot them slightly.
            Component("door_angle", (p.angleRange.lowerBound - 0.05)...(p.angleRange.upperBound + 0.05)),
            Component("hand_vx", -speed...speed), Component("hand_vy", -speed...speed),
            Component("hand_vz", -speed...speed), Component("door_angle_rate"),
        ])
    }

    /// Rotation of the door about its hinge by `angle`.
    private func rotation(_ angle: Double) -> Quaternion { Quaternion(axis: Self.axis, angle: angle) }

    private func setDoorAngle(_ angle: Double) throws {
        let q = rotation(angle)
        try door.setPosition(parameters.hinge + q.rotate(panelOffset))
        try door.setOrientation(q)
        try door.setLinearVelocity(.zero)
        try door.setAngularVelocity(.zero)
    }

    /// Where the hook's tip goes at door angle `angle`: in the slot between panel and handle
    /// bar, a little below the bar. By default the middle of the slot; `touchingBar` puts the
    /// shaft against the bar's back, where it is while pulling.
    func hookPoint(angle: Double, touchingBar: Bool = false) -> SIMD3<Double> {
        let p = parameters
        let barBack = -p.panelSize.y / 2 - p.handleStandoff + p.handleRadius
        let slotY = touchingBar ? barBack + p.shaftRadius : (barBack - p.panelSize.y / 2) / 2
        let local = SIMD3(p.handleOffset, slotY, -(p.handleRadius + 2 * p.shaftRadius))
        return p.hinge + rotation(angle).rotate(local)
    }

    func resetState(rng: inout RandomGenerator) throws {
        try hand.place(at: parameters.hand.start)
        let open = rng.unit() < parameters.openProbability
        try setDoorAngle(open ? rng.uniform(parameters.openRange) : parameters.angleRange.lowerBound)
    }

    func applyAction(_ action: [Double]) throws {
        try hand.command(SIMD3(action[0], action[1], action[2]))
    }

    func observation() -> [Double] {
        let h = hand.position, v = hand.velocity
        return [h.x, h.y, h.z, hingeJoint.angle, v.x, v.y, v.z, hingeJoint.angleRate]
    }

    func isSuccess(_ observation: [Double]) -> Bool { observation[3] >= parameters.successAngle }

    /// A ghost of the panel at the success angle.
    func goalMarkers() -> [GoalMarker] {
        let turn = Quaternion(axis: Self.axis, angle: parameters.successAngle)
        return [GoalMarker(name: "goal_door", shape: .box(size: parameters.panelSize),
                           position: parameters.hinge + turn.rotate(panelOffset), orientation: turn,
                           colour: GoalMarker.goalColour, opacity: 0.3)]
    }

    private func hookDistance(_ o: [Double]) -> Double {
        norm(SIMD3(o[0], o[1], o[2]) - hookPoint(angle: o[3]))
    }

    func metrics(_ observation: [Double]) -> [String: Double] {
        ["angle": observation[3], "angle_to_success": max(parameters.successAngle - observation[3], 0),
         "hook_distance": hookDistance(observation)]
    }

    /// Reach the handle's slot, then open the door.
    func denseShaping(_ observation: [Double]) -> Double {
        -(hookDistance(observation) + max(parameters.successAngle - observation[3], 0))
    }

    /// Rise above the handle slot, drop the hook's tip into it, then pull along the door's
    /// arc (toward the slot's position a little further open) until the door is past the
    /// success angle with some margin.
    func expertAction(step: Int) -> [Double] {
        let p = parameters
        let angle = hingeJoint.angle
        let slot = hookPoint(angle: angle)
        let h = hand.position
        let horizontal = norm(SIMD2(h.x - slot.x, h.y - slot.y))
        let aboveBar = slot.z + 2 * p.handleRadius + 2 * p.shaftRadius + 0.03
        let target: SIMD3<Double>
        if h.z < slot.z + 0.01, horizontal < p.handleStandoff / 2 {
            // Hooked (pressing the bar puts the tip off the slot's centre line).
            // Aim a little past success but short of the stop: pulling the door into its limit
            // with an unyielding hand only makes the contact fight the joint.
            let stop = min(p.successAngle + 0.03, p.angleRange.upperBound - 0.01)
            guard angle < stop - 0.005 else { return [0, 0, 0] }
            // Slow down on the way so the door does not coast on into the stop.
            target = hookPoint(angle: angle + min(0.3, 0.6 * (stop - angle)), touchingBar: true)
        } else if horizontal <= 0.006 {
            target = slot
        } else if h.z < aboveBar - 0.005 {
            target = SIMD3(h.x, h.y, aboveBar)
        } else {
            target = SIMD3(slot.x, slot.y, aboveBar)
        }
        let a = hand.action(toward: target)
        return [a.x, a.y, a.z]
    }

    /// Door open within `exampleAngles`, hook resting in the handle's slot.
    func placeInSuccessConfiguration(rng: inout RandomGenerator) throws {
        let angle = rng.uniform(parameters.exampleAngles)
        try setDoorAngle(angle)
        let jitter = SIMD3(rng.uniform(-0.004...0.004), rng.uniform(-0.004...0.004), rng.uniform(-0.01...0.01))
        try hand.place(at: hookPoint(angle: angle) + jitter)
    }
}
