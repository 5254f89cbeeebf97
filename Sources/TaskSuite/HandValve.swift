import Foundation
import Physics
import Randomness

/// Parameters of the dexterous hand-valve family (`hand_valve:` in a task file).
struct HandValveParameters: Sendable {
    static let fingers = 4
    static let jointsPerFinger = 4

    var palmCentre: SIMD3<Double>
    var palmSize: SIMD3<Double>
    /// Distance of the finger bases from the valve's axis.
    var fingerBaseRadius: Double
    var fingerBaseHeight: Double
    /// Angle about the valve axis of finger 0; the others follow every 90°.
    var firstFingerAngle: Double
    /// Lengths of the four links, palm to tip.
    var linkLengths: [Double]
    var linkRadius: Double
    var linkMass: Double
    var fingerFriction: Double
    /// The range each joint's action maps onto (joint 0 abducts, joints 1–3 flex); the
    /// joint stops sit `limitMargin` outside, so a servo never drives a joint into its stop.
    var jointRanges: [ClosedRange<Double>]
    var limitMargin: Double
    var servo: PositionServo
    var valveHeight: Double
    var hubRadius: Double
    var prongLength: Double
    var prongRadius: Double
    var valveMass: Double
    var valveFrictionTorque: Double
    var valveStartAngles: ClosedRange<Double>
    var targetAngle: Double
    var successTolerance: Double
    /// Valve angles of teleport examples lie within this of the target.
    var exampleTolerance: Double

    init(_ t: YAMLTable) throws {
        let palm = try t.table("palm")
        palmCentre = try palm.vector3("centre")
        palmSize = try palm.vector3("size")
        try palm.finish()
        let f = try t.table("finger")
        fingerBaseRadius = try f.positive("base_radius")
        fingerBaseHeight = try f.positive("base_height")
        firstFingerAngle = try f.double("first_angle")
        linkLengths = try f.doubles("link_lengths", count: Self.jointsPerFinger)
        guard linkLengths.allSatisfy({ $0 > 0 }) else { throw f.error("link_lengths", "lengths must be positive") }
        linkRadius = try f.positive("link_radius")
        linkMass = try f.positive("link_mass")
        fingerFriction = try f.double("friction", in: 0...10)
        jointRanges = try f.tables("joint_ranges").map { r in
            let range = try r.interval("range")
            try r.finish()
            return range
        }
        guard jointRanges.count == Self.jointsPerFinger else {
            throw f.error("joint_ranges", "expected \(Self.jointsPerFinger) ranges, got \(jointRanges.count)")
        }
        limitMargin = try f.double("limit_margin", in: 0...1)
        let s = try f.table("servo")
        servo = PositionServo(gain: try s.positive("gain"), maxVelocity: try s.positive("max_velocity"),
                              maxForce: try s.positive("max_force"))
        try s.finish()
        try f.finish()
        let v = try t.table("valve")
        valveHeight = try v.positive("height")
        hubRadius = try v.positive("hub_radius")
        prongLength = try v.positive("prong_length")
        prongRadius = try v.positive("prong_radius")
        valveMass = try v.positive("mass")
        valveFrictionTorque = try v.double("friction_torque", in: 0...10)
        valveStartAngles = try v.interval("start_angles")
        try v.finish()
        targetAngle = try t.double("target_angle", in: -Double.pi...Double.pi)
        successTolerance = try t.positive("success_tolerance")
        exampleTolerance = try t.positive("example_tolerance")
        guard exampleTolerance < successTolerance else {
            throw t.error("example_tolerance", "must be below success_tolerance (\(successTolerance))")
        }
        guard linkLengths.reduce(0, +) < fingerBaseHeight else {
            throw t.error("finger.link_lengths", "a straight finger must not reach below the floor (z = 0)")
        }
        try t.finish()
    }
}

/// A fixed palm above a three-pronged valve on a vertical hinge, with four fingers of four
/// servo-driven joints each (16 actuated degrees of freedom, like the D'Hand).
///
/// Each finger hangs from the palm: joint 0 abducts it sideways (tangentially about the
/// valve), joints 1–3 flex it toward (+) or away from (−) the valve's axis. Actions are joint
/// position targets in [−1, 1], mapped linearly onto each joint's range and tracked by
/// implicit PD servos with a force limit. Gravity on the fingers is compensated, as a real
/// hand's controller would, so small force limits suffice. The joint stops lie outside the
/// target ranges, so servos never aim into a stop, and the force limit is low enough that
/// contacts pressing a joint into its stop cannot make QuickStep's fingers explode (checked
/// by HandValveTests). The expert turns the valve with a four-phase finger gait.
final class HandValveScene: TaskScene {
    let world: World
    let parameters: HandValveParameters
    /// Never, even from a fixed valve angle: the solver's randomised constraint order, seeded per
    /// episode, makes the fingers' many contacts resolve differently.
    var evaluationEpisodesRepeat: Bool { false }
    private let links: [[Body]]
    private let joints: [[HingeJoint]]
    private let valve: Body
    private let valveHinge: HingeJoint
    /// Per link: joint anchor and axis in the straight posture (joint angles zero).
    private let anchors: [[SIMD3<Double>]]
    private let axes: [[SIMD3<Double>]]
    private let linkCentres: [[SIMD3<Double>]]

    let actionNames: [String]
    let featureIndices: [Int]
    let observationSpec: ArraySpec

    private static let fingerFilter = CollisionFilter(category: 1 << 0, collidesWith: 1 << 1)
    private static let valveFilter = CollisionFilter(category: 1 << 1, collidesWith: 1 << 0)

    init(definition: TaskDefinition, parameters p: HandValveParameters) throws {
        parameters = p
        world = try World(configuration: definition.worldConfiguration(gravity: SIMD3(0, 0, -9.81)))
        try world.addGeom(named: "palm", shape: .box(size: p.palmSize), offset: p.palmCentre, filter: .none)
        try world.addGeom(named: "floor", shape: .box(size: SIMD3(0.4, 0.4, 0.01)), offset: SIMD3(0, 0, -0.005),
                          filter: .none)
        try world.addGeom(named: "valve_post", shape: .capsule(radius: p.hubRadius * 0.6, length: p.valveHeight),
                          offset: SIMD3(0, 0, p.valveHeight / 2), filter: .none)

        // Inertia of a disc as wide as the prongs reach: a hub-sized sphere would make the
        // valve spin away at the lightest touch.
        valve = try world.addBody(named: "valve_body", at: SIMD3(0, 0, p.valveHeight),
                                  massFrom: .cylinder(radius: p.hubRadius + p.prongLength, length: 2 * p.prongRadius),
                                  totalMass: p.valveMass)
        try world.addGeom(named: "valve_hub", shape: .sphere(radius: p.hubRadius), body: valve, filter: Self.valveFilter)
        for k in 0..<3 {
            let angle = Double(k) * 2 * Double.pi / 3
            let direction = SIMD3(cos(angle), sin(angle), 0)
            // A capsule lies along its local z; turn it horizontal, then toward `angle`.
            let rotation = Quaternion(axis: SIMD3(0, 0, 1), angle: angle) * Quaternion(axis: SIMD3(0, 1, 0), angle: Double.pi / 2)
            try world.addGeom(named: "valve_prong_\(k)", shape: .capsule(radius: p.prongRadius, length: p.prongLength),
                              body: valve, offset: direction * (p.hubRadius + p.prongLength / 2), rotation: rotation,
                              material: Material(friction: p.fingerFriction), filter: Self.valveFilter)
        }
        valveHinge = try world.addHinge(named: "valve_hinge", valve, anchor: SIMD3(0, 0, p.valveHeight), axis: SIMD3(0, 0, 1))
        try valveHinge.setMotor(velocity: 0, maxForce: p.valveFrictionTorque)

        var links: [[Body]] = [], joints: [[HingeJoint]] = []
        var anchors: [[SIMD3<Double>]] = [], axes: [[SIMD3<Double>]] = [], centres: [[SIMD3<Double>]] = []
        for i in 0..<HandValveParameters.fingers {
            let phi = p.firstFingerAngle + Double(i) * Double.pi / 2
            let radial = SIMD3(cos(phi), sin(phi), 0), tangential = SIMD3(-sin(phi), cos(phi), 0)
            var top = radial * p.fingerBaseRadius + SIMD3(0, 0, p.fingerBaseHeight)
            var fingerLinks: [Body] = [], fingerJoints: [HingeJoint] = []
            var fingerAnchors: [SIMD3<Double>] = [], fingerAxes: [SIMD3<Double>] = [], fingerCentres: [SIMD3<Double>] = []
            for k in 0..<HandValveParameters.jointsPerFinger {
                let length = p.linkLengths[k]
                let centre = top - SIMD3(0, 0, length / 2)
                // Capsule caps just meet at the joints, so links of one finger never overlap.
                let shape = Shape.capsule(radius: p.linkRadius, length: max(length - 2 * p.linkRadius, 1e-3))
                let link = try world.addBody(named: "finger_\(i)_link_\(k)_body", at: centre, massFrom: shape, totalMass: p.linkMass)
                try world.addGeom(named: "finger_\(i)_link_\(k)", shape: shape, body: link,
                                  material: Material(friction: p.fingerFriction), filter: Self.fingerFilter)
                // Joint 0 abducts about the radial axis; the others flex about the tangential one.
                let axis = k == 0 ? radial : tangential
                let range = p.jointRanges[k]
                let joint = try world.addHinge(named: "finger_\(i)_joint_\(k)", link, fingerLinks.last, anchor: top, axis: axis,
                                               limits: (range.lowerBound - p.limitMargin)...(range.upperBound + p.limitMargin))
                try joint.setServo(p.servo)
                fingerLinks.append(link)
                fingerJoints.append(joint)
                fingerAnchors.append(top)
                fingerAxes.append(axis)
                fingerCentres.append(centre)
                top -= SIMD3(0, 0, length)
            }
            links.append(fingerLinks)
            joints.append(fingerJoints)
            anchors.append(fingerAnchors)
            axes.append(fingerAxes)
            centres.append(fingerCentres)
        }
        self.links = links
        self.joints = joints
        self.anchors = anchors
        self.axes = axes
        self.linkCentres = centres

        var names: [String] = []
        for i in 0..<HandValveParameters.fingers {
            for k in 0..<HandValveParameters.jointsPerFinger { names.append("finger_\(i)_joint_\(k)") }
        }
        actionNames = names
        let angleComponents = zip(names, (0..<names.count).map { p.jointRanges[$0 % HandValveParameters.jointsPerFinger] })
            .map { Component($0, ($1.lowerBound - p.limitMargin - 0.1)...($1.upperBound + p.limitMargin + 0.1)) }
        let rateComponents = names.map { Component($0 + "_rate") }
        observationSpec = ArraySpec(angleComponents + rateComponents
                                    + [Component("valve_cos", -1...1), Component("valve_sin", -1...1), Component("valve_rate")])
        featureIndices = [2 * names.count, 2 * names.count + 1]
    }

    // MARK: Postures

    /// Joint angles of one finger, abduction first.
    typealias Posture = [Double]

    /// Places a finger's links for the given joint angles (forward kinematics from the
    /// straight posture), at rest, and aims its servos there.
    private func place(finger i: Int, posture: Posture) throws {
        var rotation = Quaternion.identity
        var pivot = SIMD3<Double>.zero, image = SIMD3<Double>.zero
        // Current map x ↦ rotation·(x − pivot) + image, composed joint by joint.
        for k in 0..<HandValveParameters.jointsPerFinger {
            let anchor = rotation.rotate(anchors[i][k] - pivot) + image
            let step = Quaternion(axis: rotation.rotate(axes[i][k]), angle: posture[k])
            image = step.rotate(image - anchor) + anchor
            rotation = step * rotation
            let link = links[i][k]
            try link.setPosition(rotation.rotate(linkCentres[i][k] - pivot) + image)
            try link.setOrientation(rotation)
            try link.setLinearVelocity(.zero)
            try link.setAngularVelocity(.zero)
            try joints[i][k].setServoTarget(posture[k])
        }
    }

    /// Fingers raised clear of the prongs: the last link folds up, so the tip rises and
    /// falls almost vertically, without sweeping prongs on the way.
    private func lifted(abduction: Double) -> Posture { [abduction, -0.45, 0.3, 1.95] }
    /// Where episodes start: lifted at the start of a positive stroke.
    private var liftedPosture: Posture { lifted(abduction: -gaitSweep) }
    /// Fingertips down at prong height.
    private func downPosture(abduction: Double) -> Posture { [abduction, 0.05, 0.05, 0.05] }
    /// Abduction at the ends of a stroke (near the joint's range), so that with four fingers
    /// 90° apart every prong lies in some finger's stroke.
    private var gaitSweep: Double { 0.38 }

    // MARK: TaskScene

    func resetState(rng: inout RandomGenerator) throws {
        for i in 0..<HandValveParameters.fingers { try place(finger: i, posture: liftedPosture) }
        try setValveAngle(rng.uniform(parameters.valveStartAngles))
    }

    private func setValveAngle(_ angle: Double) throws {
        try valve.setOrientation(Quaternion(axis: SIMD3(0, 0, 1), angle: angle))
        try valve.setAngularVelocity(.zero)
        try valve.setLinearVelocity(.zero)
    }

    func applyAction(_ action: [Double]) throws {
        for i in 0..<HandValveParameters.fingers {
            for k in 0..<HandValveParameters.jointsPerFinger {
                let range = parameters.jointRanges[k]
                let a = action[i * HandValveParameters.jointsPerFinger + k]
                try joints[i][k].setServoTarget(range.lowerBound + (a + 1) / 2 * (range.upperBound - range.lowerBound))
            }
        }
    }

    /// Gravity compensation of the fingers.
    func beforeSubstep() throws {
        for finger in links {
            for link in finger { try link.addForce(SIMD3(0, 0, link.mass * 9.81)) }
        }
    }

    func observation() -> [Double] {
        let all = joints.joined()
        let angle = valveHinge.angle
        return all.map(\.angle) + all.map(\.angleRate) + [cos(angle), sin(angle), valveHinge.angleRate]
    }

    /// Angular error to the target in (−π, π], from the observation's (cos, sin).
    private func error(_ o: [Double]) -> Double {
        let angle = atan2(o[featureIndices[1]], o[featureIndices[0]])
        return remainder(angle - parameters.targetAngle, 2 * Double.pi)
    }

    func isSuccess(_ observation: [Double]) -> Bool { abs(error(observation)) < parameters.successTolerance }

    /// A ghost of the three prongs turned to the target angle.
    func goalMarkers() -> [GoalMarker] {
        let p = parameters
        return (0..<3).map { k in
            let angle = p.targetAngle + Double(k) * 2 * Double.pi / 3
            let direction = SIMD3(cos(angle), sin(angle), 0)
            return GoalMarker(
                name: "goal_prong_\(k)", shape: .capsule(radius: p.prongRadius * 1.15, length: p.prongLength),
                position: SIMD3(0, 0, p.valveHeight) + direction * (p.hubRadius + p.prongLength / 2),
                orientation: Quaternion(axis: SIMD3(0, 0, 1), angle: angle) * Quaternion(axis: SIMD3(0, 1, 0), angle: Double.pi / 2),
                colour: GoalMarker.goalColour, opacity: 0.35)
        }
    }

    func metrics(_ observation: [Double]) -> [String: Double] {
        ["angle_error": abs(error(observation))]
    }

    /// −|error|: alone it barely separates holding the valve at the target from pushing it on
    /// past, hence the task's success bonus.
    func denseShaping(_ observation: [Double]) -> Double {
        -abs(error(observation))
    }

    /// A finger gait that turns the valve toward the target: lower the tips at one end of
    /// the stroke, sweep them sideways pushing the prongs, lift, swing back in the air, and
    /// repeat. The stroke's direction follows the sign of the angle error; once the valve is
    /// within the success tolerance the fingers lift and stay up.
    func expertAction(step: Int) -> [Double] {
        // Control steps per gait phase: enough for the servos to reach each posture.
        let phaseLength = 8
        let error = self.error(observation())
        guard abs(error) >= parameters.successTolerance else {
            // Lift straight up where each finger is: moving sideways first would drag the
            // prongs along.
            return (0..<HandValveParameters.fingers).flatMap { i in
                actionValues(lifted(abduction: joints[i][0].angle))
            }
        }
        // Push against the error.
        let sweep = -(error > 0 ? 1.0 : -1.0) * gaitSweep
        let posture: Posture
        switch (step / phaseLength) % 4 {
        case 0: posture = downPosture(abduction: -sweep)
        case 1: posture = downPosture(abduction: sweep)
        case 2: posture = lifted(abduction: sweep)
        default: posture = lifted(abduction: -sweep)
        }
        return (0..<HandValveParameters.fingers).flatMap { _ in actionValues(posture) }
    }

    /// The action components that aim one finger's servos at `posture`.
    private func actionValues(_ posture: Posture) -> [Double] {
        posture.enumerated().map { k, q in
            let range = parameters.jointRanges[k]
            return min(max(2 * (q - range.lowerBound) / (range.upperBound - range.lowerBound) - 1, -1), 1)
        }
    }

    /// Valve within `exampleTolerance` of the target, fingers lifted clear of it.
    func placeInSuccessConfiguration(rng: inout RandomGenerator) throws {
        for i in 0..<HandValveParameters.fingers { try place(finger: i, posture: liftedPosture) }
        let t = parameters.exampleTolerance
        try setValveAngle(parameters.targetAngle + rng.uniform(-t...t))
    }
}
