import NeuralNet

/// Replay checkpoints, nested in a training run's archive: the buffer's shape, fill level and write
/// position, then each column up to `count`, so a buffer that is not yet full costs only what it holds.
/// Transitions keep their slots, so sampling after a restore draws exactly what it would have drawn.
extension ReplayBuffer {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(integers: [capacity, observationSize, actionSize, featureSize, count, nextIndex])
        for (_, column, width) in columnLayout {
            writer.append(scalars: self[keyPath: column][0..<(count * width)])
        }
    }

    /// Replaces the contents with what `write(to:)` stored from a buffer of the same shape. Everything is
    /// read and checked before anything changes, so a bad archive leaves the buffer as it was.
    public func restore(from reader: inout ArchiveReader) throws {
        let header = try reader.readIntegers("replay header")
        guard header.count == 6 else {
            throw ArchiveError.invalidValue(what: "replay header", detail: "\(header.count) fields, expected 6")
        }
        let shape = [capacity, observationSize, actionSize, featureSize]
        guard Array(header[0..<4]) == shape else {
            throw ArchiveError.shapeMismatch(what: "replay buffer (capacity, observation, action, feature sizes)",
                                             expected: "\(shape)", found: "\(Array(header[0..<4]))")
        }
        let (filled, next) = (header[4], header[5])
        // Until the ring is full, the next slot is the first empty one.
        guard (0...capacity).contains(filled), filled == capacity ? (0..<capacity).contains(next) : next == filled else {
            throw ArchiveError.invalidValue(what: "replay fill level",
                                            detail: "count \(filled), next slot \(next), capacity \(capacity)")
        }
        let layout = columnLayout
        let stored = try layout.map { name, _, width in
            try reader.readScalars("replay \(name)", as: Float.self, expectedCount: filled * width)
        }
        for ((_, column, _), values) in zip(layout, stored) {
            self[keyPath: column].withUnsafeMutableBufferPointer { slots in
                _ = slots.update(fromContentsOf: values)
                // Slots past `count` hold zeros in a buffer that never wrapped; keep restored ones identical.
                UnsafeMutableBufferPointer(rebasing: slots[values.count...]).update(repeating: 0)
            }
        }
        count = filled
        nextIndex = next
    }

    /// Every stored column with its width per transition, in archive order.
    private var columnLayout: [(name: String, column: ReferenceWritableKeyPath<ReplayBuffer, [Float]>, width: Int)] {
        [("observations", \.observations, observationSize), ("actions", \.actions, actionSize),
         ("next observations", \.nextObservations, observationSize), ("terminal flags", \.terminals, 1),
         ("time-limit flags", \.timeLimits, 1), ("features", \.features, featureSize), ("rewards", \.rewards, 1)]
    }
}
