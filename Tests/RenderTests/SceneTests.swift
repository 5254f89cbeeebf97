import Physics
import Render
import Testing

@Suite struct SceneTests {
    @Test func sceneFromWorldUsesStyleAndKeepsOverlaysLast() throws {
        let world = try World()
        try world.addGeom(named: "floor", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
        let body = try world.addBody(named: "block-body", at: Vector3(0.1, 0.2, 0.3), massFrom: .box(size: Vector3(0.1, 0.1, 0.1)))
        try world.addGeom(named: "block", shape: .box(size: Vector3(0.1, 0.1, 0.1)), body: body)
        try world.addGeom(named: "sensor", shape: .sphere(radius: 0.05), offset: Vector3(0, 0, 1))
        try world.addGeom(named: "other", shape: .sphere(radius: 0.05), offset: Vector3(0, 0, 2))
        let marker = Primitive(name: "goal", shape: .sphere(radius: 0.02), color: Color(hex: 0x00FF00, alpha: 0.5))
        let style = Style(colors: ["block": Color(hex: 0x123456)]).hiding("sensor")
        let scene = Scene(world: world, style: style, overlays: [marker])

        #expect(scene.primitives.map(\.name) == ["floor", "block", "other", "goal"])
        #expect(scene.primitives[0].appearance == Style.defaultFloor)
        #expect(scene.primitives[1].appearance == .solid(Color(hex: 0x123456)))
        #expect(scene.primitives[1].position == Vector3(0.1, 0.2, 0.3))
        // Unlisted geoms take a palette colour chosen by name, the same in every process.
        #expect(scene.primitives[2].appearance == style.appearance(forGeom: "other", shape: .sphere(radius: 1)))
        #expect(Style.defaultPalette.contains(scene.primitives[2].appearance.color))
        #expect(scene.primitives[3].castsShadow == false, "translucent markers cast no shadow by default")
    }

    @Test func prefixesColourFamiliesOfGeoms() {
        var style = Style(colors: ["finger-2-tip": Color(hex: 0x111111)])
        style.prefixAppearances = ["finger-": .solid(Color(hex: 0x222222)), "finger-2-": .solid(Color(hex: 0x333333))]
        let box = Shape.box(size: Vector3(1, 1, 1))
        #expect(style.appearance(forGeom: "finger-2-tip", shape: box).color == Color(hex: 0x111111))
        #expect(style.appearance(forGeom: "finger-2-base", shape: box).color == Color(hex: 0x333333), "longest prefix")
        #expect(style.appearance(forGeom: "finger-1-base", shape: box).color == Color(hex: 0x222222))
        #expect(Style.defaultPalette.contains(style.appearance(forGeom: "palm", shape: box).color))
    }

    /// Light falling at 45° along +x puts the shadow of a sphere at height h a distance h
    /// away along +x: the image shows both contact and height.
    @Test(arguments: [0.1, 0.25], [ShadowFiltering.nearest, .bilinear])
    func shadowFallsWhereTheLightSays(height: Double, filtering: ShadowFiltering) throws {
        let floor = Primitive(shape: .plane(normal: Vector3(0, 0, 1), offset: 0), color: Color(hex: 0xCCCCCC))
        let sphere = Primitive(shape: .sphere(radius: 0.05), position: Vector3(0, 0, height), color: .white)
        var scene = Scene(primitives: [floor, sphere])
        scene.lighting = Lighting(direction: Vector3(1, 0, -1))
        let camera = Camera.lookAt(eye: Vector3(0.15, -0.6, 1.2), target: Vector3(0.15, 0, 0), verticalFOV: 40)
        let (w, h) = (120, 90)
        let image = try Renderer(width: w, height: h, shadowFiltering: filtering).render(scene, camera: camera)
        func brightness(at point: Vector3) throws -> Int {
            let p = try #require(camera.project(point, width: w, height: h))
            let pixel = image[Int(p.x), Int(p.y)]
            return Int(pixel.red) + Int(pixel.green) + Int(pixel.blue)
        }
        let inShadow = try brightness(at: Vector3(height, 0, 0))
        let besideShadow = try brightness(at: Vector3(height, 0.12, 0))
        let otherSide = try brightness(at: Vector3(-height, 0, 0))
        #expect(inShadow < besideShadow - 60, "shadow \(inShadow) vs lit floor \(besideShadow)")
        #expect(inShadow < otherSide - 60, "shadow \(inShadow) vs lit floor \(otherSide)")
    }

    /// A translucent box face seen head-on is two triangles sharing a diagonal: every
    /// sample must be blended exactly once, or the diagonal shows as a seam. Seen straight
    /// on, the diagonals run at 45° through the image centre, exactly through sample
    /// centres, where only the tie-breaking rule decides which triangle owns a sample.
    @Test func sharedEdgesAreNeitherDoubledNorCracked() throws {
        let box = Primitive(shape: .box(size: Vector3(0.6, 0.6, 0.6)), color: Color(red: 1, green: 1, blue: 1, alpha: 0.5))
        let scene = Scene(primitives: [box], skyTop: .black, skyHorizon: .black)
        for camera in [Camera.lookAt(eye: Vector3(0, -3, 0), target: .zero, verticalFOV: 30),
                       Camera.orbit(target: .zero, azimuth: -70, elevation: 5, distance: 3, verticalFOV: 30)] {
            let image = try Renderer(width: 64, height: 64, supersampling: 1).render(scene, camera: camera)
            // The face nearest the camera covers the image centre; all its pixels share one shade.
            let centre = image[32, 32]
            #expect(centre.red > 0)
            var seams = 0
            for y in 24..<40 {
                for x in 24..<40 where image[x, y] != centre { seams += 1 }
            }
            #expect(seams == 0, "\(seams) pixels differ from the face's colour \(centre)")
        }
    }

    /// Cameras straight above, straight below, under the floor, inside an object or grazing
    /// the floor all render (near-plane and guard-band clipping, degenerate horizons).
    @Test(arguments: [
        Camera.orbit(target: .zero, azimuth: 0, elevation: 90, distance: 1),
        Camera.orbit(target: .zero, azimuth: 0, elevation: -90, distance: 1),
        Camera.orbit(target: .zero, azimuth: 10, elevation: -20, distance: 1),
        Camera.lookAt(eye: Vector3(0, 0, 0.1), target: Vector3(1, 0, 0.1)),
        Camera.lookAt(eye: Vector3(-5, 0, 0.001), target: Vector3(0, 0, 0.001), verticalFOV: 120),
        Camera.lookAt(eye: Vector3(0, -1, 0.3), target: Vector3(0, 0, 0.3), verticalFOV: 1),
    ])
    func awkwardCamerasRender(camera: Camera) throws {
        let scene = Scene(primitives: [
            Primitive(shape: .plane(normal: Vector3(0, 0, 1), offset: 0), appearance: Style.defaultFloor),
            Primitive(shape: .box(size: Vector3(0.4, 0.4, 0.4)), position: Vector3(0, 0, 0.1), color: Color(hex: 0x4C72B0)),
            Primitive(shape: .capsule(radius: 0.05, length: 3), position: Vector3(0.5, 0, 0.2),
                      orientation: Quaternion(axis: Vector3(0, 1, 0), angle: .pi / 2), color: Color(hex: 0xDD8452)),
        ])
        let renderer = try Renderer(width: 24, height: 18)
        let image = try renderer.render(scene, camera: camera)
        let skyOnly = try renderer.render(Scene(), camera: camera)
        #expect(image != skyOnly, "every one of these cameras sees part of the scene")
    }

    @Test func invalidInputsThrowNamingTheProblem() throws {
        let renderer = try Renderer(width: 8, height: 8)
        let bad = Primitive(name: "wobbly", shape: .sphere(radius: .nan), color: .white)
        #expect(throws: RenderError.self) { try renderer.render(Scene(primitives: [bad]), camera: ProjectionTests.camera) }
        do {
            _ = try renderer.render(Scene(primitives: [bad]), camera: ProjectionTests.camera)
        } catch {
            #expect("\(error)".contains("wobbly"))
        }
        var dark = Scene(primitives: [])
        dark.lighting.direction = .zero
        #expect(throws: RenderError.self) { try renderer.render(dark, camera: ProjectionTests.camera) }
        #expect(throws: RenderError.self) { try Renderer(width: 0, height: 8) }
        #expect(throws: RenderError.self) { try Renderer(width: 8, height: 8, supersampling: 5) }
    }
}
