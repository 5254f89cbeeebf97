import Physics

/// Physics steps per second through Mural's wrapper and through direct ODE calls, on each
/// `ReferenceScene`: the wrapper (`World.step`), the same work as direct ODE calls
/// (`DirectODELoop.run`, whose final state must equal the wrapper's bit for bit) and bare ODE
/// (`DirectODELoop.runBare`), from one snapshot with the same actions, in interleaved trials.
public struct PhysicsBenchmark: Sendable {
    /// Physics steps per trial.
    public var steps = 4000
    /// Trials per method; the best is reported.
    public var trials = 5

    public init() {}

    public struct SceneResult: Codable, Sendable {
        public var scene: String
        public var bodies: Int
        public var joints: Int
        public var contactsPerStep: Double
        public var wrapperStepsPerSecond: Double
        public var directStepsPerSecond: Double
        public var bareStepsPerSecond: Double
        /// Wrapper time / direct time − 1.
        public var overhead: Double
        public var identicalToDirect: Bool
    }

    public struct Report: Codable, Sendable {
        public var machine: Machine
        public var timestep: Double
        public var solver: String
        public var stepsPerTrial: Int
        public var trials: Int
        public var scenes: [SceneResult]
    }

    public func run() throws -> Report {
        let scenes = try ReferenceScene.Kind.allCases.map(measure)
        return Report(machine: .current(), timestep: 0.01, solver: "QuickStep, 20 iterations",
                      stepsPerTrial: steps, trials: trials, scenes: scenes)
    }

    private func measure(_ kind: ReferenceScene.Kind) throws -> SceneResult {
        let scene = try ReferenceScene(kind, seed: 1)
        for _ in 0..<50 { try scene.step() }
        let start = scene.world.snapshot()
        let actions = (0..<steps).map { scene.action(at: start.stepCount + $0) }
        let direct = DirectODELoop(scene)

        var wrapperBest = Double.infinity, directBest = Double.infinity, bareBest = Double.infinity
        var contacts = 0
        var wrapperFinal = StateFingerprint(), directFinal = StateFingerprint()
        for _ in 0..<trials {
            try scene.world.restore(start)
            contacts = 0
            wrapperBest = min(wrapperBest, try Elapsed.measure {
                for action in actions {
                    try scene.apply(action)
                    try scene.world.step()
                    contacts += scene.world.contactCount
                }
            }.elapsed.wall)
            wrapperFinal = StateFingerprint()
            wrapperFinal.combine(scene.world)

            try scene.world.restore(start)
            var seed = UInt(start.solverSeed)
            directBest = min(directBest, try Elapsed.measure { try direct.run(actions, solverSeed: &seed) }.elapsed.wall)
            directFinal = StateFingerprint()
            directFinal.combine(scene.world)

            try scene.world.restore(start)
            bareBest = min(bareBest, Elapsed.measure { direct.runBare(actions) }.elapsed.wall)
        }
        return SceneResult(
            scene: kind.rawValue, bodies: scene.world.bodies.count, joints: scene.world.joints.count,
            contactsPerStep: Double(contacts) / Double(steps),
            wrapperStepsPerSecond: Double(steps) / wrapperBest, directStepsPerSecond: Double(steps) / directBest,
            bareStepsPerSecond: Double(steps) / bareBest, overhead: wrapperBest / directBest - 1,
            identicalToDirect: wrapperFinal == directFinal)
    }
}
