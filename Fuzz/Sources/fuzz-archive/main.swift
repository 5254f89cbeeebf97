import Agents
import Experiments
import FuzzDriver
import Glibc
import NeuralNet
import Randomness
import Rewards
import TaskSuite

/// The archive readers: network checkpoints, SAC policies, reward models and training checkpoints.
///
/// The first input byte chooses the reader (its low two bits) and whether to seal the rest with
/// its correct CRC-32 (bit 2): random bytes almost never carry a valid checksum, and the sealed
/// inputs reach the field parsers behind it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size >= 1 else { return 0 }
    let selector = data[0]
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if selector & 4 != 0 { bytes += withUnsafeBytes(of: ArchiveChecksum.crc32(bytes).littleEndian) { Array($0) } }
    switch selector & 3 {
    case 0:
        write(bytes)
        _ = try? NetworkCheckpoint.load(from: scratch)
    case 1:
        if var reader = try? ArchiveReader(bytes: bytes, magic: SACAgent.checkpointMagic, version: SACAgent.checkpointVersion) {
            _ = try? SACAgent.read(from: &reader)
        }
    case 2:
        write(bytes)
        _ = try? RewardCheckpoint.load(from: scratch)
    default:
        write(bytes)
        _ = try? TrainingLoop(resumingFrom: scratch, configuration: Run.configuration, environment: Run.environment,
                              evaluationEnvironment: Run.evaluationEnvironment,
                              rewards: { _ in TaskReward(.dense, environment: Run.environment) })
    }
    return 0
}

/// Readers of `Rewards` and `Experiments` take paths: a file in memory-backed /dev/shm per process.
let scratch = "/dev/shm/mural-fuzz-archive-\(getpid()).bin"

func write(_ bytes: [UInt8]) {
    let descriptor = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(descriptor >= 0, "cannot write \(scratch)")
    _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}

func writeSeeds(to directory: String) throws {
    var seeds: [(String, UInt8, [UInt8])] = []
    func add(_ name: String, _ kind: UInt8, _ save: (String) throws -> Void) throws {
        try save(scratch)
        let file = try readFile(scratch)
        seeds.append((name, kind, file))
        seeds.append((name + "-unsealed", kind | 4, Array(file.dropLast(ArchiveChecksum.size))))
    }
    let network = MLP(inputSize: 2, hiddenSizes: [2], outputSize: 1)
    var generator = RandomGenerator(seed: 1)
    let parameters: [Float] = network.initialParameters(using: &generator)
    try add("network", 0) {
        try NetworkCheckpoint(architecture: network, parameters: parameters,
                              optimizer: Adam<Float>(parameterCount: parameters.count, learningRate: 1e-3)).save(to: $0)
    }
    var sac = SACConfiguration()
    sac.hiddenSizes = [2]
    try add("policy", 1) { try SACAgent(observationSize: 2, actionSize: 1, configuration: sac, seed: 1).save(to: $0) }
    var metaNML = MetaNMLRewardModel.Configuration(hiddenSize: 2, distanceThreshold: 0.5, queryPointWeight: 1)
    metaNML.initialMetaEpochs = 1
    var vice = VICERewardModel.Configuration.vice
    vice.hiddenSizes = [2]
    let models: [any RewardModel] = [
        try SparseRewardModel(featureDimension: 2),
        try CountBonusRewardModel(configuration: .init(lowerBounds: [0, 0], upperBounds: [1, 1], binsPerDimension: 2)),
        try VICERewardModel(featureDimension: 2, configuration: vice, seed: 1),
        try MetaNMLRewardModel(featureDimension: 2, configuration: metaNML, seed: 1),
        try ExactCNMLRewardModel(featureDimension: 2, configuration: .init(hiddenSize: 2), seed: 1),
    ]
    for model in models { try add("reward-\(type(of: model).kind)", 2) { try model.save(to: $0) } }
    let loop = try TrainingLoop(configuration: Run.configuration, environment: Run.environment,
                                evaluationEnvironment: Run.evaluationEnvironment,
                                rewards: { _ in TaskReward(.dense, environment: Run.environment) })
    try loop.run { _ in }
    try add("training-checkpoint", 3) { try loop.saveCheckpoint(to: $0) }
    for (name, selector, bytes) in seeds {
        let descriptor = open("\(directory)/\(name).bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0, "cannot write into \(directory)")
        _ = ([selector] + bytes).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw ArchiveError.io(path: path, operation: "open", errno: errno) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { return bytes }
        bytes += chunk[0..<count]
    }
}

/// The small run whose checkpoints the corpus holds (see scripts/fuzz).
enum Run {
    static let configuration: TrainingConfiguration = {
        var c = TrainingConfiguration(task: "maze-zigzag-v1", reward: "dense", steps: 20, seed: 5)
        c.evaluationInterval = 20
        c.evaluationEpisodes = 1
        c.epochLength = 10
        c.sac.hiddenSizes = [2]
        c.sac.batchSize = 4
        c.sac.warmUpSteps = 10
        return c
    }()
    nonisolated(unsafe) static let environment = try! TaskRegistry.located().makeEnvironment(configuration.task, reward: .dense)
    nonisolated(unsafe) static let evaluationEnvironment = try! TaskRegistry.located().makeEnvironment(configuration.task, reward: .dense)
}

// `fuzz-archive --write-seeds DIR` writes one small archive of each kind, whole and unsealed, as
// the corpus to start from (scripts/fuzz does, after a format change).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--write-seeds" {
    do { try writeSeeds(to: CommandLine.arguments[2]) } catch { fatalError("cannot write seeds: \(error)") }
    exit(0)
}

// libFuzzer ends with exit(), so this removes the scratch file however the run ends short of a crash.
atexit { unlink(scratch) }

runFuzzer(fuzz)
