import Physics
import Render
import Testing

@Suite struct ProjectionTests {
    /// Looking along +y from 2 m away with a 90° vertical field of view: the focal length is
    /// half the image height, so offsets in metres at 2 m map to pixels exactly.
    static let camera = Camera.lookAt(eye: Vector3(0, -2, 0.5), target: Vector3(0, 0, 0.5), verticalFOV: 90)

    @Test func knownPointsLandOnKnownPixels() throws {
        let (w, h) = (64, 48)
        // Focal length 24 px; a point 0.5 m right of the target, 2 m away: 24 * 0.5 / 2 = 6 px.
        #expect(Self.camera.project(Vector3(0, 0, 0.5), width: w, height: h) == SIMD2(32, 24))
        #expect(Self.camera.project(Vector3(0.5, 0, 0.5), width: w, height: h) == SIMD2(38, 24))
        #expect(Self.camera.project(Vector3(0, 0, 1.0), width: w, height: h) == SIMD2(32, 18))
        #expect(Self.camera.project(Vector3(-1, 2, 0.5), width: w, height: h) == SIMD2(26, 24))
        #expect(Self.camera.project(Vector3(0, -3, 0.5), width: w, height: h) == nil, "behind the camera")
    }

    @Test func orbitCameraSitsWhereItsAnglesSay() {
        let camera = Camera.orbit(target: Vector3(1, 2, 3), azimuth: 90, elevation: 0, distance: 2)
        #expect(abs(camera.eye.x - 1) < 1e-12 && abs(camera.eye.y - 4) < 1e-12 && abs(camera.eye.z - 3) < 1e-12)
        let above = Camera.orbit(target: .zero, azimuth: 0, elevation: 30, distance: 2)
        #expect(abs(above.eye.z - 1) < 1e-12 && abs(above.eye.x - 3.0.squareRoot()) < 1e-12)
    }

    /// The rendered image agrees with `project`: a small sphere's pixels centre on the
    /// projection of its centre.
    @Test func renderedSphereCentresOnItsProjection() throws {
        let (w, h) = (96, 72)
        let centre = Vector3(0.3, 0, 0.8)
        let sphere = Primitive(shape: .sphere(radius: 0.25), position: centre, color: .white)
        let scene = Scene(primitives: [sphere], skyTop: .black, skyHorizon: .black)
        let image = try Renderer(width: w, height: h, supersampling: 4).render(scene, camera: Self.camera)
        var sumX = 0.0, sumY = 0.0, weight = 0.0
        for y in 0..<h {
            for x in 0..<w {
                // Coverage: the sphere is lit at least by the ambient term, the sky is black.
                let v = Double(image[x, y].red)
                if v > 0 {
                    sumX += (Double(x) + 0.5)
                    sumY += (Double(y) + 0.5)
                    weight += 1
                }
            }
        }
        let expected = try #require(Self.camera.project(centre, width: w, height: h))
        #expect(weight > 20, "the sphere should cover a few dozen pixels")
        #expect(abs(sumX / weight - expected.x) < 0.5 && abs(sumY / weight - expected.y) < 0.5,
                "sphere centroid (\(sumX / weight), \(sumY / weight)) vs projected \(expected)")
    }
}
