import Foundation
import Randomness
import Testing

@Suite("Random generator")
struct RandomGeneratorTests {
    @Test("xoshiro256** reproduces the reference stream from state (1, 2, 3, 4)")
    func referenceVector() {
        var generator = RandomGenerator(state: (1, 2, 3, 4))
        let outputs = (0..<4).map { _ in generator.next() }
        #expect(outputs == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240], "xoshiro256** output \(outputs)")
    }

    @Test("SplitMix64 seeding: seed 0 expands to SplitMix64's reference outputs")
    func splitMixSeeding() {
        // The first outputs of SplitMix64 from seed 0 (Vigna's reference implementation).
        #expect(RandomGenerator(seed: 0).state.0 == 0xE220_A839_7B1D_CDAF)
        #expect(RandomGenerator(seed: 0).state.1 == 0x6E78_9E6A_A1B9_65F4)
        #expect(RandomGenerator(seed: 1).state != RandomGenerator(seed: 2).state)
    }

    /// The draws are specified by Mural, not by the standard library: these values may only
    /// change with a deliberate change to `RandomGenerator`, and with every pinned result. An
    /// independent Python implementation of the documented algorithms gives the same values.
    @Test("the specified draws give pinned values")
    func pinnedDraws() {
        var generator = RandomGenerator(seed: 42)
        let words = (0..<2).map { _ in generator.next() }
        let unit = generator.unit()
        let uniform = generator.uniform(-1.0...1.0)
        let float = Float(generator.uniform(-1...1))
        let indices = (0..<5).map { _ in generator.index(below: 10) }
        let normal = generator.normal()
        var elements = Array(0..<8)
        generator.shuffle(&elements)
        let pinned = "\(words) \(unit) \(uniform) \(float) \(indices) \(normal) \(elements)"
        #expect(pinned == "[1546998764402558742, 6990951692964543102] 0.6800434110281394 0.8493858906507752 0.9836078 "
                + "[7, 7, 8, 7, 5] -0.38292999910200914 [0, 1, 3, 7, 5, 4, 2, 6]", "draws from seed 42: \(pinned)")
    }

    @Test("derived seeds: random access, distinct across streams and indices, stable")
    func derivedSeeds() {
        let seeds = (1...4).flatMap { stream in (0..<50).map { derivedSeed(7, stream: stream, index: $0) } }
        #expect(Set(seeds).count == seeds.count)
        #expect(derivedSeed(7, stream: 2, index: 3) == derivedSeed(7, stream: 2, index: 3))
        #expect(derivedSeed(7, stream: 2, index: 3) != derivedSeed(8, stream: 2, index: 3))
    }

    @Test("the state survives a Codable round trip and the stream continues identically")
    func codableRoundTrip() throws {
        var generator = RandomGenerator(seed: 99)
        for _ in 0..<5 { _ = generator.next() }
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: JSONEncoder().encode(generator))
        #expect(restored == generator)
        #expect((0..<100).map { _ in generator.next() } == (0..<100).map { _ in restored.next() })
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RandomGenerator.self, from: Data("[0,0,0,0]".utf8)) }
    }

    @Test("split streams are independent of later draws from the parent")
    func split() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        var childA = a.split(), childB = b.split()
        _ = a.next()
        #expect((0..<10).map { _ in childA.next() } == (0..<10).map { _ in childB.next() })
        #expect(childA != a)
    }

    @Test("normal draws have mean 0 and variance 1, uniform draws cover [0, 1)")
    func distributions() {
        var generator = RandomGenerator(seed: 7)
        let n = 40_000
        let normals = (0..<n).map { _ in generator.normal() }
        let mean = normals.reduce(0, +) / Double(n)
        let variance = normals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.03, "normal mean \(mean), variance \(variance)")
        let tail = Double(normals.filter { abs($0) > 1.96 }.count) / Double(n)
        #expect(abs(tail - 0.05) < 0.006, "P(|z| > 1.96) = \(tail), expected 0.05")
        let units = (0..<n).map { _ in generator.unit() }
        #expect(units.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(units.reduce(0, +) / Double(n) - 0.5) < 0.01)
        let ranged = (0..<1000).map { _ in generator.uniform(2.0...3.0) }
        #expect(ranged.allSatisfy { (2...3).contains($0) })
    }

    @Test("integer draws are in range and unbiased; shuffles are permutations")
    func integersAndShuffles() {
        var generator = RandomGenerator(seed: 11)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.index(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "counts \(counts)")
        #expect((0..<1000).allSatisfy { _ in (5..<9).contains(generator.index(in: 5..<9)) })
        #expect(generator.index(below: 1) == 0)
        // The largest bound: the high word of the product stays below it.
        let large = Int.max
        #expect((0..<100).allSatisfy { _ in (0..<large).contains(generator.index(below: large)) })
        var elements = Array(0..<50)
        generator.shuffle(&elements)
        #expect(elements.sorted() == Array(0..<50) && elements != Array(0..<50))
        var firstPlace = [Int](repeating: 0, count: 4)
        for _ in 0..<40_000 {
            var four = [0, 1, 2, 3]
            generator.shuffle(&four)
            firstPlace[four[0]] += 1
        }
        #expect(firstPlace.allSatisfy { abs($0 - 10_000) < 400 }, "first elements \(firstPlace)")
    }
}
