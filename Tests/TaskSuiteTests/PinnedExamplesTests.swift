import Foundation
import Testing
@testable import TaskSuite

/// `Assets/examples/` holds 50 teleport examples per task (seed 0), made by
/// `scripts/pin-examples`. Regenerating them must give the same bytes: any change in
/// physics, sampling or export shows up here.
@Suite("Pinned examples")
struct PinnedExamplesTests {
    static let count = 50
    static let seed: UInt64 = 0

    @Test(arguments: allTaskIDs)
    func regeneratedExamplesMatchThePinnedFilesBitForBit(id: String) throws {
        let env = try registry.makeEnvironment(id)
        let set = try ExampleGenerator.generate(env, count: Self.count, seed: Self.seed, strategy: .teleport)
        let file = repositoryRoot.appendingPathComponent("Assets/examples/\(id).npy")
        let urls = ExampleSet.exportURLs(featuresFile: file)
        let fresh = try set.exportData(featuresFile: file)
        #expect(fresh.features == (try Data(contentsOf: urls.features)), "\(id): features differ from the pinned file")
        #expect(fresh.observations == (try Data(contentsOf: urls.observations)), "\(id): observations differ")
        #expect(fresh.sidecar == (try Data(contentsOf: urls.sidecar)), "\(id): sidecar differs")
    }
}
