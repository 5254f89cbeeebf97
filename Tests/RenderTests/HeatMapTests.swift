import Physics
@testable import Render
import Testing

@Suite("Heat maps")
struct HeatMapTests {
    @Test func evenlySpacedDots() {
        var map = HeatMap(title: "", subtitle: "", dotsLabel: "")
        map.maximumDots = 4
        #expect(map.dotIndices(3) == [0, 1, 2])
        #expect(map.dotIndices(10) == [0, 2, 5, 7])
    }

    /// Bilinear between cell centres, clamped beyond the outer centres.
    @Test func gridFieldInterpolates() {
        let field = GridField(resolution: 2, lower: SIMD2(0, 0), upper: SIMD2(2, 2), values: [0, 1, 2, 3])
        #expect(GridField.cellCentres(resolution: 2, lower: SIMD2(0, 0), upper: SIMD2(2, 2))
                == [SIMD2(0.5, 0.5), SIMD2(1.5, 0.5), SIMD2(0.5, 1.5), SIMD2(1.5, 1.5)])
        #expect(field.value(at: SIMD2(1, 1)) == 1.5)
        #expect(field.value(at: SIMD2(0, 0)) == 0 && field.value(at: SIMD2(2, 2)) == 3)
        #expect(field.range == 0...3)
    }

    /// The obstacles widen the picture's extent; the field alone sets the ticks.
    @Test func extentCoversObstacles() {
        var map = HeatMap(title: "", subtitle: "", dotsLabel: "")
        map.obstacles = [Rectangle(lower: SIMD2(-1.2, -0.2), upper: SIMD2(0.5, 0.5))]
        let field = GridField(resolution: 2, lower: SIMD2(-1, -1), upper: SIMD2(1, 1), values: [0, 0, 0, 0])
        #expect(map.extent(field) == Rectangle(lower: SIMD2(-1.2, -1), upper: SIMD2(1, 1)))
    }

    @Test func viridisEnds() {
        #expect(ColourMap.viridis.colour(0) == RGB8(68, 1, 84))
        #expect(ColourMap.viridis.colour(1) == RGB8(253, 231, 37))
        #expect(ColourMap.viridis.colour(.nan) == RGB8(68, 1, 84))
    }
}
