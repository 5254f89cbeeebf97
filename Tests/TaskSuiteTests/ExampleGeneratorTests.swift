import Foundation
import Testing
@testable import TaskSuite

@Suite("Success examples")
struct ExampleGeneratorTests {
    @Test(arguments: allTaskIDs, ExampleStrategy.allCases)
    func examplesAreValidVariedAndDeterministic(id: String, strategy: ExampleStrategy) throws {
        let env = try registry.makeEnvironment(id)
        let count = strategy == .teleport ? 20 : 6
        let set = try ExampleGenerator.generate(env, count: count, seed: 5, strategy: strategy)
        #expect(set.count == count)
        #expect(set.observations.allSatisfy(env.isSuccess), "every example satisfies the predicate")
        #expect(set.features == set.observations.map(env.classifierFeatures))
        #expect(Set(set.features.map { $0.map(\.bitPattern) }).count == count, "no two examples are the same")
        #expect(set.featureNames == env.classifierFeatureSpec.names)
        let again = try ExampleGenerator.generate(try registry.makeEnvironment(id), count: count, seed: 5, strategy: strategy)
        #expect(again.observations.map { $0.map(\.bitPattern) } == set.observations.map { $0.map(\.bitPattern) })
        let other = try ExampleGenerator.generate(env, count: count, seed: 6, strategy: strategy)
        #expect(other.features != set.features)
    }

    @Test func examplesSpreadOverTheSuccessRegion() throws {
        let env = try registry.makeEnvironment("maze-zigzag-v1")
        let set = try ExampleGenerator.generate(env, count: 50, seed: 1, strategy: .teleport)
        let xs = set.features.map { $0[0] }, ys = set.features.map { $0[1] }
        #expect(xs.max()! - xs.min()! > 0.5 && ys.max()! - ys.min()! > 0.5)
        let door = try registry.makeEnvironment("door-v1")
        let angles = try ExampleGenerator.generate(door, count: 30, seed: 1, strategy: .teleport).features.map { $0[3] }
        #expect(angles.max()! - angles.min()! > 0.02)
    }

    @Test func exportWritesNumpyFilesAndASidecar() throws {
        let env = try registry.makeEnvironment("pusher-v1")
        let set = try ExampleGenerator.generate(env, count: 7, seed: 2, strategy: .teleport)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mural-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let urls = try set.export(featuresFile: dir.appendingPathComponent("push.npy"))
        #expect(urls.map(\.lastPathComponent) == ["push.npy", "push.observations.npy", "push.json"])

        let features = try Data(contentsOf: urls[0])
        #expect(features.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
        let headerLength = Int(features[8]) | Int(features[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: features[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'descr': '<f4'") && header.contains("'shape': (7, 5)"))
        #expect(features.count == 10 + headerLength + 7 * 5 * 4)
        // The first value round-trips through float32.
        let firstBits = features[(10 + headerLength)..<(14 + headerLength)].enumerated()
            .reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        #expect(Float(bitPattern: firstBits) == Float(set.features[0][0]))

        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: urls[2])) as! [String: Any]
        #expect(sidecar["task"] as? String == "pusher-v1")
        #expect(sidecar["version"] as? Int == 1)
        #expect(sidecar["seed"] as? Int == 2)
        #expect(sidecar["strategy"] as? String == "teleport")
        #expect(sidecar["feature_names"] as? [String] == ["hand_x", "hand_y", "hand_z", "puck_x", "puck_y"])
        #expect((sidecar["observation_names"] as? [String])?.count == 9)
    }

    static let numpyAvailable: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: numpyAvailable, "needs python3 with numpy"))
    func numpyLoadsTheExport() throws {
        let env = try registry.makeEnvironment("door-v1")
        let set = try ExampleGenerator.generate(env, count: 4, seed: 3, strategy: .teleport)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mural-numpy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let urls = try set.export(featuresFile: dir.appendingPathComponent("door.npy"))
        let script = """
            import numpy, sys
            f = numpy.load(sys.argv[1]); o = numpy.load(sys.argv[2])
            assert f.dtype == numpy.float32 and f.shape == (4, 4), (f.dtype, f.shape)
            assert o.dtype == numpy.float32 and o.shape == (4, 8), (o.dtype, o.shape)
            assert (f == o[:, :4]).all()
            print(repr(float(f[0, 3])))
            """
        let p = Process()
        let out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, urls[0].path, urls[1].path]
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(Float(printed.trimmingCharacters(in: .whitespacesAndNewlines)) == Float(set.features[0][3]))
    }
}
