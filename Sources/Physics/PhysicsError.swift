/// Errors raised by the physics layer. Every case names the object at fault.
public enum PhysicsError: Error, Equatable, CustomStringConvertible {
    /// A value passed to the physics layer was rejected (not finite, out of range, ...).
    case invalidArgument(String)
    /// A step produced a NaN or infinite value in a body's state.
    case nonFinite(body: String, quantity: String, step: Int)
    /// A step produced a speed above the world's safety limit: the simulation is blowing up.
    case runawayVelocity(body: String, quantity: String, speed: Double, limit: Double, step: Int)
    /// The world faulted earlier and must be restored from a snapshot before it can step again.
    case faulted(String)
    /// A snapshot does not fit this world (it was taken from a world with other objects).
    case snapshotMismatch(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message):
            return message
        case let .nonFinite(body, quantity, step):
            return "physics step \(step) produced a non-finite \(quantity) for body '\(body)'"
        case let .runawayVelocity(body, quantity, speed, limit, step):
            return "physics step \(step) produced a runaway \(quantity) for body '\(body)': "
                + "\(speed) exceeds the limit \(limit)"
        case .faulted(let message):
            return "the world has faulted (\(message)); restore a snapshot before stepping again"
        case .snapshotMismatch(let message):
            return "snapshot does not match this world: \(message)"
        }
    }
}

func requireFinite(_ v: Vector3, _ what: @autoclosure () -> String) throws {
    guard v.isFinite else { throw PhysicsError.invalidArgument("\(what()) \(v) is not finite") }
}

func requireFinite(_ x: Double, _ what: @autoclosure () -> String) throws {
    guard x.isFinite else { throw PhysicsError.invalidArgument("\(what()) \(x) is not finite") }
}

func requirePositive(_ x: Double, _ what: @autoclosure () -> String) throws {
    guard x.isFinite, x > 0 else {
        throw PhysicsError.invalidArgument("\(what()) must be positive and finite, got \(x)")
    }
}
