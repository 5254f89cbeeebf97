import Physics
import Render
import Testing

/// One small golden image per shape type: each shape resting on or floating above a
/// checkered floor, lit and shadowed, at 64×48 with 2×2 supersampling.
@Suite struct GoldenImageTests {
    static let camera = Camera.orbit(target: Vector3(0, 0, 0.1), azimuth: -60, elevation: 30, distance: 0.9)
    static let floor = Primitive(name: "floor", shape: .plane(normal: Vector3(0, 0, 1), offset: 0),
                                 appearance: Style.defaultFloor)

    static func render(_ primitives: [Primitive], camera: Camera = camera,
                       shadowFiltering: ShadowFiltering = .nearest) throws -> RGBImage {
        let renderer = try Renderer(width: 64, height: 48, supersampling: 2, shadowMapSize: 256,
                                    shadowFiltering: shadowFiltering)
        return try renderer.render(Scene(primitives: [floor] + primitives), camera: camera)
    }

    @Test func plane() throws {
        try GoldenImage.check(Self.render([], camera: .orbit(target: .zero, azimuth: 30, elevation: 20, distance: 1.5)),
                              named: "plane")
    }

    static let box = Primitive(shape: .box(size: Vector3(0.2, 0.12, 0.1)), position: Vector3(0, 0, 0.05),
                               orientation: Quaternion(axis: Vector3(0, 0, 1), angle: 0.4), color: Color(hex: 0x4C72B0))

    @Test func box() throws {
        try GoldenImage.check(Self.render([Self.box]), named: "box")
    }

    @Test func boxWithFilteredShadows() throws {
        try GoldenImage.check(Self.render([Self.box], shadowFiltering: .bilinear), named: "box-filtered-shadows")
    }

    @Test func sphere() throws {
        let sphere = Primitive(shape: .sphere(radius: 0.08), position: Vector3(0, 0, 0.15), color: Color(hex: 0xC44E52))
        try GoldenImage.check(Self.render([sphere]), named: "sphere")
    }

    @Test func capsule() throws {
        let capsule = Primitive(shape: .capsule(radius: 0.04, length: 0.2), position: Vector3(0, 0, 0.04),
                                orientation: Quaternion(axis: Vector3(1, 1, 0), angle: .pi / 2), color: Color(hex: 0x55A868))
        try GoldenImage.check(Self.render([capsule]), named: "capsule")
    }

    @Test func cylinder() throws {
        let cylinder = Primitive(shape: .cylinder(radius: 0.07, length: 0.14), position: Vector3(0, 0, 0.07),
                                 color: Color(hex: 0xDD8452))
        try GoldenImage.check(Self.render([cylinder]), named: "cylinder")
    }

    /// A translucent goal disc over an opaque puck: blending, and markers casting no shadow.
    @Test func translucentMarker() throws {
        let puck = Primitive(shape: .cylinder(radius: 0.05, length: 0.03), position: Vector3(-0.05, 0, 0.015),
                             color: Color(hex: 0x4C72B0))
        let goal = Primitive(shape: .cylinder(radius: 0.09, length: 0.004), position: Vector3(0.04, 0.02, 0.05),
                             color: Color(hex: 0x55A868, alpha: 0.45))
        try GoldenImage.check(Self.render([puck, goal]), named: "translucent-marker")
    }
}
