import Randomness

/// Types that know their own archive layout, so composite checkpoints nest them.
public protocol ArchiveCodable {
    func write(to writer: inout ArchiveWriter)
    init(from reader: inout ArchiveReader) throws
}

extension MLP: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(integers: layerSizes)
        writer.append(integers: activations.map { Int($0.rawValue) })
    }

    public init(from reader: inout ArchiveReader) throws {
        let sizes = try reader.readIntegers("layer sizes")
        let codes = try reader.readIntegers("activations")
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 && $0 < 1 << 24 }) else {
            throw ArchiveError.invalidValue(what: "layer sizes", detail: "\(sizes)")
        }
        try reader.requireRoom(forNetworks: [sizes], "layer sizes")
        guard codes.count == sizes.count - 1 else {
            throw ArchiveError.shapeMismatch(what: "activations", expected: "[\(sizes.count - 1)]", found: "[\(codes.count)]")
        }
        let activations = try codes.map { code in
            guard let activation = UInt8(exactly: code).flatMap(Activation.init(rawValue:)) else {
                throw ArchiveError.invalidValue(what: "activation", detail: "code \(code)")
            }
            return activation
        }
        self.init(layerSizes: sizes, activations: activations)
    }
}

extension Adam {
    /// Reads an optimiser for `parameterCount` parameters, failing with a shape mismatch that
    /// names `what` when the stored moments have another size.
    public init(from reader: inout ArchiveReader, what: String, parameterCount: Int) throws {
        try self.init(from: &reader)
        guard self.parameterCount == parameterCount else {
            throw ArchiveError.shapeMismatch(what: what, expected: "[\(parameterCount)]", found: "[\(self.parameterCount)]")
        }
    }
}

extension Adam: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(scalars: [learningRate, beta1, beta2, epsilon])
        writer.append(Int64(step))
        writer.append(scalars: firstMoment)
        writer.append(scalars: secondMoment)
    }

    public init(from reader: inout ArchiveReader) throws {
        let h = try reader.readScalars("Adam hyperparameters", as: Scalar.self, expectedCount: 4)
        let step = Int(try reader.read("Adam step", as: Int64.self))
        guard step >= 0 else { throw ArchiveError.invalidValue(what: "Adam step", detail: "\(step)") }
        let m = try reader.readScalars("Adam first moment", as: Scalar.self)
        let v = try reader.readScalars("Adam second moment", as: Scalar.self, expectedCount: m.count)
        self.init(learningRate: h[0], beta1: h[1], beta2: h[2], epsilon: h[3], step: step, firstMoment: m, secondMoment: v)
    }
}

extension RandomGenerator: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(state.0); writer.append(state.1); writer.append(state.2); writer.append(state.3)
    }

    public init(from reader: inout ArchiveReader) throws {
        let words: (UInt64, UInt64, UInt64, UInt64) = (
            try reader.read("generator state"), try reader.read("generator state"),
            try reader.read("generator state"), try reader.read("generator state"))
        guard words != (0, 0, 0, 0) else {
            throw ArchiveError.invalidValue(what: "generator state", detail: "all zero")
        }
        self.init(state: words)
    }
}
