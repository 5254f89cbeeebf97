/// One network on disk: its architecture, its flat parameters and, optionally, its Adam state.
public struct NetworkCheckpoint: Equatable, Sendable {
    public static let magic = "MURALNET"
    /// 2: sealed with a CRC-32 (version 1 had none and is refused).
    public static let formatVersion: UInt32 = 2

    public var architecture: MLP
    public var parameters: [Float]
    public var optimizer: Adam<Float>?

    public init(architecture: MLP, parameters: [Float], optimizer: Adam<Float>? = nil) {
        precondition(parameters.count == architecture.parameterCount, "parameters do not match the architecture")
        precondition(optimizer.map { $0.parameterCount == parameters.count } ?? true,
                     "optimiser state does not match the parameters")
        self.architecture = architecture
        self.parameters = parameters
        self.optimizer = optimizer
    }

    public func save(to path: String) throws {
        var writer = ArchiveWriter(magic: Self.magic, version: Self.formatVersion)
        architecture.write(to: &writer)
        writer.append(scalars: parameters)
        writer.append(optimizer != nil)
        optimizer?.write(to: &writer)
        try writer.write(to: path)
    }

    /// Loads a checkpoint; with `expecting`, also fails unless the stored architecture is that one.
    public static func load(from path: String, expecting expected: MLP? = nil) throws -> NetworkCheckpoint {
        try ArchiveReader.read(path, magic: magic, version: formatVersion) { reader in
            let architecture = try MLP(from: &reader)
            if let expected, expected != architecture {
                throw ArchiveError.shapeMismatch(
                    what: "network", expected: "\(expected.layerSizes)", found: "\(architecture.layerSizes)")
            }
            let parameters = try reader.readScalars(
                "parameters", as: Float.self, expectedCount: architecture.parameterCount)
            var optimizer: Adam<Float>?
            if try reader.read("optimiser flag", as: Bool.self) {
                optimizer = try Adam<Float>(from: &reader, what: "Adam moments", parameterCount: parameters.count)
            }
            return NetworkCheckpoint(architecture: architecture, parameters: parameters, optimizer: optimizer)
        }
    }
}
