import Glibc
import NeuralNet
import Testing
@testable import Rewards

/// Determinism, checkpoints and every error path, across the models.
@Suite struct ProtocolTests {
    func viceConfiguration() -> VICERewardModel.Configuration {
        var c = VICERewardModel.Configuration.vice
        c.hiddenSizes = [16, 16]
        c.negativesPerBatch = 16
        c.positivesPerBatch = 16
        c.mixupAlpha = 0.5
        return c
    }

    func metaNML(seed: UInt64) throws -> MetaNMLRewardModel {
        var c = smallMetaNMLConfiguration(hiddenSize: 16)
        c.initialMetaEpochs = 2
        return try MetaNMLRewardModel(featureDimension: 2, configuration: c, seed: seed)
    }

    static var logPolicy: (FeatureMatrix) throws -> [Float] { { o in (0..<o.rows).map { -0.5 * o.row($0).first! } } }
    let queries = try! FeatureMatrix([[0, 0], [-1, -1], [1.5, 1.5], [3, -3]])

    @Test func metaNMLIsDeterministicAndResumesFromCheckpoints() throws {
        let task = ToyTask(seed: 1)
        let a = try metaNML(seed: 42), b = try metaNML(seed: 42)
        for model in [a, b] { try model.update(epoch: 0, data: task.trainingData()) }
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(try a.rewards(features: queries).map(\.bitPattern) == b.rewards(features: queries).map(\.bitPattern))

        let path = temporaryPath("metanml")
        defer { unlink(path) }
        try a.save(to: path)
        let restored = try #require(try RewardCheckpoint.load(from: path) as? MetaNMLRewardModel)
        #expect(restored.parameters == a.parameters && restored.optimizer == a.optimizer && restored.generator == a.generator)
        #expect(restored.updatesCompleted == 1 && restored.metaStepsCompleted == a.metaStepsCompleted)
        // Both continue identically: one more update, then rewards.
        for model in [a, restored] { try model.update(epoch: 1, data: task.trainingData()) }
        #expect(try a.rewards(features: queries).map(\.bitPattern) == restored.rewards(features: queries).map(\.bitPattern))
        #expect(a.parameters.map(\.bitPattern) == restored.parameters.map(\.bitPattern))

        let other = try metaNML(seed: 43)
        try other.update(epoch: 0, data: task.trainingData())
        #expect(other.parameters != b.parameters)
    }

    @Test func viceIsDeterministicAndResumesFromCheckpoints() throws {
        let task = ToyTask(seed: 2)
        let data = task.trainingData(logPolicy: Self.logPolicy)
        let a = try VICERewardModel(featureDimension: 2, configuration: viceConfiguration(), seed: 7)
        let b = try VICERewardModel(featureDimension: 2, configuration: viceConfiguration(), seed: 7)
        for model in [a, b] { try model.update(epoch: 0, data: data) }
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        let path = temporaryPath("vice")
        defer { unlink(path) }
        try a.save(to: path)
        let restored = try VICERewardModel.load(from: path)
        for model in [a, restored] { try model.update(epoch: 1, data: data) }
        #expect(try a.rewards(features: queries).map(\.bitPattern) == restored.rewards(features: queries).map(\.bitPattern))
        #expect(restored.gradientSteps == 3)
    }

    @Test func countAndSparseAndCNMLCheckpoints() throws {
        let count = try CountBonusRewardModel(configuration: .init(lowerBounds: [-4, -4], upperBounds: [4, 4], binsPerDimension: 5))
        try count.observe(features: queries)
        let countPath = temporaryPath("count")
        defer { unlink(countPath) }
        try count.save(to: countPath)
        let restoredCount = try #require(try RewardCheckpoint.load(from: countPath) as? CountBonusRewardModel)
        #expect(restoredCount.counts == count.counts && restoredCount.statesObserved == 4)

        let sparse = try SparseRewardModel(featureDimension: 3, configuration: .init(successReward: 1, failureReward: 0))
        let sparsePath = temporaryPath("sparse")
        defer { unlink(sparsePath) }
        try sparse.save(to: sparsePath)
        #expect(try SparseRewardModel.load(from: sparsePath).configuration == sparse.configuration)

        var c = ExactCNMLRewardModel.Configuration(hiddenSize: 4, negatives: 16, positives: 16)
        c.fit = .init(gradientTolerance: 1e-4, maxIterations: 50)
        let cnml = try ExactCNMLRewardModel(featureDimension: 2, configuration: c, seed: 3)
        #expect(try cnml.rewards(features: queries) == [0.5, 0.5, 0.5, 0.5])
        try cnml.update(epoch: 0, data: ToyTask(seed: 4).trainingData())
        let cnmlPath = temporaryPath("cnml")
        defer { unlink(cnmlPath) }
        try cnml.save(to: cnmlPath)
        let restored = try ExactCNMLRewardModel.load(from: cnmlPath)
        let q = try FeatureMatrix([[1.5, 1.5], [-1, -1]])
        let (r1, r2) = (try cnml.rewards(features: q), try restored.rewards(features: q))
        #expect(zip(r1, r2).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(r1[0] > r1[1])
    }

    @Test func dimensionMismatchesAreTypedErrors() throws {
        let wrong = try FeatureMatrix([[1, 2, 3]])
        let task = ToyTask(seed: 5)
        let models: [any RewardModel] = [
            try SparseRewardModel(featureDimension: 2),
            try CountBonusRewardModel(configuration: .init(lowerBounds: [0, 0], upperBounds: [1, 1])),
            try VICERewardModel(featureDimension: 2, configuration: viceConfiguration(), seed: 0),
            try metaNML(seed: 0),
            try ExactCNMLRewardModel(featureDimension: 2, configuration: .init(hiddenSize: 4), seed: 0),
        ]
        for model in models {
            #expect(throws: RewardError.self) { try model.rewards(features: wrong, successes: [true]) }
            #expect(throws: RewardError.self) { try model.observe(features: wrong) }
            // Positives of the wrong width.
            var data = task.trainingData(logPolicy: Self.logPolicy)
            data.positives = try FeatureMatrix([[1, 2, 3]])
            do {
                try model.update(epoch: 0, data: data)
                Issue.record("\(type(of: model)) accepted 3-d positives")
            } catch let error as RewardError {
                guard case let .featureDimensionMismatch(_, expected, found) = error else { Issue.record("\(error)"); continue }
                #expect(expected == 2 && found == 3)
                #expect(error.description.contains("dimension 3") && error.description.contains("dimension 2"))
            }
            // Negatives of the wrong width from the sampler.
            data = task.trainingData(logPolicy: Self.logPolicy)
            data.sampleNegatives = { n, _ in NegativeSample(features: try FeatureMatrix(rows: n, columns: 3, values: Array(repeating: 0, count: 3 * n))) }
            if !(model is SparseRewardModel || model is CountBonusRewardModel) {
                #expect(throws: RewardError.self) { try model.update(epoch: 0, data: data) }
            }
        }
        #expect(throws: RewardError.self) { try FeatureMatrix(rows: 2, columns: 2, values: [1, 2, 3]) }
    }

    @Test func emptyPositivesAreTypedErrors() throws {
        let models: [any RewardModel] = [
            try SparseRewardModel(featureDimension: 2),
            try CountBonusRewardModel(configuration: .init(lowerBounds: [0, 0], upperBounds: [1, 1])),
            try VICERewardModel(featureDimension: 2, configuration: viceConfiguration(), seed: 0),
            try metaNML(seed: 0),
            try ExactCNMLRewardModel(featureDimension: 2, configuration: .init(hiddenSize: 4), seed: 0),
        ]
        var data = ToyTask(seed: 6).trainingData(logPolicy: Self.logPolicy)
        data.positives = try FeatureMatrix(rows: 0, columns: 2, values: [])
        for model in models {
            #expect(throws: RewardError.emptyPositives(model: type(of: model).kind.rawValue)) { try model.update(epoch: 0, data: data) }
        }
        #expect(RewardError.emptyPositives(model: "vice").description.contains("positives"))
    }

    @Test func otherInputErrors() throws {
        let sparse = try SparseRewardModel(featureDimension: 2)
        #expect(throws: RewardError.self) { try sparse.rewards(features: queries, successes: nil) }
        #expect(throws: RewardError.self) { try sparse.rewards(features: queries, successes: [true]) }
        let vice = try VICERewardModel(featureDimension: 2, configuration: viceConfiguration(), seed: 0)
        #expect(throws: RewardError.self) { try vice.update(epoch: 0, data: ToyTask(seed: 1).trainingData(logPolicy: nil)) }
        var badPolicy = ToyTask(seed: 1).trainingData(logPolicy: { _ in [0] })
        #expect(throws: RewardError.self) { try vice.update(epoch: 0, data: badPolicy) }
        badPolicy.sampleNegatives = { n, _ in NegativeSample(features: try FeatureMatrix(rows: n - 1, columns: 2, values: Array(repeating: 0, count: 2 * n - 2))) }
        #expect(throws: RewardError.self) { try vice.update(epoch: 0, data: badPolicy) }
        let model = try metaNML(seed: 0)
        #expect(throws: RewardError.self) { try model.rewards(features: queries, plan: [[1]], path: .batched) }
        #expect(throws: RewardError.self) {
            try MetaNMLRewardModel(featureDimension: 2, configuration: .init(hiddenSize: 8, distanceThreshold: 0, queryPointWeight: 1), seed: 0)
        }
        #expect(throws: RewardError.self) { try CountBonusRewardModel(configuration: .init(lowerBounds: [1], upperBounds: [0])) }
    }

    @Test("a checkpoint is the model's kind and fields in a MURALRWD archive, byte for byte as before models wrote into archives")
    func checkpointLayout() throws {
        let model = try SparseRewardModel(featureDimension: 3)
        var writer = ArchiveWriter(magic: "MURALRWD", version: 2)
        writer.append(string: "sparse")
        // The configuration still carries the unread update interval, so that files keep their bytes.
        writer.append(string: #"{"failureReward":-1,"successReward":0,"updateInterval":1000}"#)
        writer.append(integers: [3, 0])
        let path = temporaryPath("layout")
        defer { unlink(path) }
        try model.save(to: path)
        #expect(try readBytes(path) == writer.fileBytes)
        // The same fields inside another archive read back as the model.
        var run = ArchiveWriter(magic: "TESTTEST", version: 1)
        try model.write(to: &run)
        var reader = try ArchiveReader(bytes: run.fileBytes, magic: "TESTTEST", version: 1)
        let read = try #require(try RewardCheckpoint.read(from: &reader) as? SparseRewardModel)
        try reader.finish()
        #expect(read.configuration == model.configuration && read.featureDimension == 3)
    }

    @Test func badCheckpointsAreRejected() throws {
        let model = try metaNML(seed: 0)
        let path = temporaryPath("bad")
        defer { unlink(path) }
        try model.save(to: path)
        let bytes = try readBytes(path)

        // Truncated.
        try writeBytes(Array(bytes.prefix(bytes.count - 10)), to: path)
        #expect(throws: ArchiveError.self) { try MetaNMLRewardModel.load(from: path) }
        // Trailing garbage.
        try writeBytes(bytes + [1, 2, 3], to: path)
        #expect(throws: ArchiveError.inFile(path: path, .trailingBytes(count: 3))) {
            try writeBytes(resealed(bytes.dropLast(ArchiveChecksum.size) + [1, 2, 3]), to: path)
            return try RewardCheckpoint.load(from: path)
        }
        // Not a reward checkpoint.
        try writeBytes(Array("MURALNET-and-so-on".utf8), to: path)
        #expect(throws: ArchiveError.self) { try RewardCheckpoint.load(from: path) }
        // The wrong kind.
        try SparseRewardModel(featureDimension: 2).save(to: path)
        #expect(throws: RewardError.checkpointKindMismatch(expected: "metanml", found: "sparse")) { try MetaNMLRewardModel.load(from: path) }
        // Missing file.
        #expect(throws: ArchiveError.self) { try RewardCheckpoint.load(from: path + "-missing") }
        // A corrupted configuration (hidden size changed) under a valid checksum, as a bug would
        // write it: the parameter count no longer matches.
        var corrupted = bytes
        let needle = Array("\"hiddenSize\":16".utf8)
        let at = try #require((0...(corrupted.count - needle.count)).first { Array(corrupted[$0..<($0 + needle.count)]) == needle })
        corrupted[at + needle.count - 2] = UInt8(ascii: "2")  // 16 → 26
        try writeBytes(resealed(corrupted.dropLast(ArchiveChecksum.size)), to: path)
        #expect(throws: ArchiveError.self) { try MetaNMLRewardModel.load(from: path) }
    }

    /// Archive fields with a valid checksum after them.
    func resealed(_ fields: some Collection<UInt8>) -> [UInt8] {
        let fields = Array(fields)
        return fields + withUnsafeBytes(of: ArchiveChecksum.crc32(fields).littleEndian) { Array($0) }
    }
}

func readBytes(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw RewardError.missingInput(model: "test", what: path) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n == 0 { return bytes }
        bytes += buffer[0..<n]
    }
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    guard let file = fopen(path, "wb") else { throw RewardError.missingInput(model: "test", what: path) }
    defer { fclose(file) }
    _ = fwrite(bytes, 1, bytes.count, file)
}
