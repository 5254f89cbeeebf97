/// Preallocated scratch memory for one network's forward and backward passes.
///
/// It holds the input copy, every layer's activations and the backpropagated deltas for up to
/// `capacity` rows, so training loops allocate nothing per step. It grows (and only then allocates)
/// when a larger batch arrives. One workspace serves one pass at a time: it is not thread-safe.
public final class MLPWorkspace<Scalar: NetworkScalar> {
    public let architecture: MLP
    public private(set) var capacity: Int
    /// Rows in the pass last run by `forward`.
    public internal(set) var batchSize: Int = 0
    /// FLOPs of the weight GEMMs/GEMVs that `forward` and `backward` ran on this workspace (bias GEMVs are
    /// not counted), for throughput measurements.
    public var gemmFLOPs: Int = 0

    @usableFromInline var input: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline var activations: [UnsafeMutableBufferPointer<Scalar>]
    @usableFromInline var deltas: [UnsafeMutableBufferPointer<Scalar>]
    /// A vector of ones: bias gradients are δᵀ1.
    @usableFromInline var ones: UnsafeMutableBufferPointer<Scalar>

    public init(for architecture: MLP, capacity: Int) {
        precondition(capacity > 0, "workspace capacity must be positive")
        self.architecture = architecture
        self.capacity = capacity
        (input, activations, deltas, ones) = Self.allocateBuffers(for: architecture, capacity: capacity)
    }

    private static func allocateBuffers(for architecture: MLP, capacity: Int) -> (
        input: UnsafeMutableBufferPointer<Scalar>, activations: [UnsafeMutableBufferPointer<Scalar>],
        deltas: [UnsafeMutableBufferPointer<Scalar>], ones: UnsafeMutableBufferPointer<Scalar>
    ) {
        let ones = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: capacity)
        ones.initialize(repeating: 1)
        return (.allocate(capacity: capacity * architecture.inputSize),
                architecture.layerSizes.dropFirst().map { .allocate(capacity: capacity * $0) },
                architecture.layerSizes.dropFirst().map { .allocate(capacity: capacity * $0) },
                ones)
    }

    deinit { release() }

    private func release() {
        input.deallocate()
        activations.forEach { $0.deallocate() }
        deltas.forEach { $0.deallocate() }
        ones.deallocate()
    }

    @usableFromInline
    func prepare(for network: MLP, batchSize: Int) {
        precondition(network == architecture, "workspace was built for a different network")
        precondition(batchSize > 0, "batch size must be positive")
        if batchSize > capacity {
            release()
            capacity = batchSize
            (input, activations, deltas, ones) = Self.allocateBuffers(for: architecture, capacity: capacity)
        }
        self.batchSize = batchSize
    }

    /// The activations a_l of the last forward pass (`batchSize × layerSizes[l + 1]`).
    @inlinable
    public func output(layer l: Int) -> UnsafeBufferPointer<Scalar> {
        UnsafeBufferPointer(rebasing: activations[l][0..<(batchSize * architecture.layerSizes[l + 1])])
    }
}
