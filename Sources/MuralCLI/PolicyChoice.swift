import Agents
import ArgumentParser
import Experiments
import Foundation
import TaskSuite

/// `--policy expert|random|RUN_DIR`: a reference policy, or the final policy of a training run.
enum PolicyChoice: ExpressibleByArgument, CustomStringConvertible {
    case reference(PolicyKind)
    case run(directory: String)

    init?(argument: String) {
        if let kind = PolicyKind(rawValue: argument) {
            self = .reference(kind)
        } else {
            self = .run(directory: argument)
        }
    }

    var description: String {
        switch self {
        case .reference(let kind): return kind.rawValue
        case .run(let directory): return directory
        }
    }

    /// A function from the environment's state to an action, seeded for reproducibility.
    func makeActor(seed: UInt64) throws -> Evaluator.Actor {
        switch self {
        case .reference(let kind):
            return Evaluator.actor(kind, seed: seed)
        case .run(let directory):
            let agent: SACAgent
            do { agent = try RunDirectory(URL(fileURLWithPath: directory)).finalPolicy() } catch ExperimentError.missingFile(let path) {
                throw ValidationError("'\(directory)' is neither expert, random, nor a finished run directory (no \(path))")
            }
            return { _, observation in
                agent.act(observation: observation.map(Float.init), deterministic: true).map(Double.init)
            }
        }
    }
}
