import Physics

/// Draws scenes into RGB images on the CPU: perspective projection, a z-buffer, Lambert
/// shading with ambient light, shadow-mapped shadows from one directional light, and
/// supersampled anti-aliasing.
///
/// A renderer owns its buffers and reuses them for every frame, so rendering allocates
/// nothing per pixel; keep one per thread (it is not thread-safe) and per image size.
/// Rendering is deterministic: the same scene and camera give the same bytes.
public final class Renderer {
    public let width: Int
    public let height: Int
    /// Samples per pixel along each axis (2 means 2×2 samples per pixel).
    public let supersampling: Int
    public let shadowFiltering: ShadowFiltering

    private let targetWidth: Int
    private let targetHeight: Int
    private let color: UnsafeMutablePointer<UInt32>
    /// 1/w of the nearest surface per sample; 0 where nothing has been drawn.
    private let depth: UnsafeMutablePointer<Float>
    private var shadowMap: ShadowMap
    private let clipper: Clipper
    /// Per-vertex scratch of the primitive being drawn: clip-space vertices, their screen
    /// projections, and their clip outcodes.
    private var vertices: UnsafeMutablePointer<ClipVertex>
    private var projected: UnsafeMutablePointer<ScreenVertex>
    private var outcodes: UnsafeMutablePointer<UInt8>
    private var vertexCapacity = 0
    private var meshes: [Shape: Mesh] = [:]
    private var planeMesh = Mesh.unitQuad()
    private var drawOrder: [(key: Float, index: Int)] = []

    /// - Parameters:
    ///   - supersampling: samples per pixel along each axis, 1...4.
    ///   - shadowMapSize: texels along each side of the shadow map.
    ///   - shadowFiltering: `.bilinear` smooths shadow edges for large, publication-size
    ///     images at about 20 % of the frame rate; the default suits 320×240 frames.
    public init(width: Int, height: Int, supersampling: Int = 2, shadowMapSize: Int = 512,
                shadowFiltering: ShadowFiltering = .nearest) throws {
        guard (1...8192).contains(width), (1...8192).contains(height) else {
            throw RenderError.invalidArgument("image size must be between 1×1 and 8192×8192, got \(width)×\(height)")
        }
        guard (1...4).contains(supersampling) else {
            throw RenderError.invalidArgument("supersampling must be 1...4 samples per axis, got \(supersampling)")
        }
        guard (16...8192).contains(shadowMapSize) else {
            throw RenderError.invalidArgument("shadow map size must be 16...8192, got \(shadowMapSize)")
        }
        self.width = width
        self.height = height
        self.supersampling = supersampling
        self.shadowFiltering = shadowFiltering
        targetWidth = width * supersampling
        targetHeight = height * supersampling
        // Padding after the last sample lets the shader load and store whole groups of four.
        let samples = targetWidth * targetHeight, padded = samples + 3
        color = .allocate(capacity: padded)
        color.initialize(repeating: 0, count: padded)
        depth = .allocate(capacity: padded)
        depth.initialize(repeating: 0, count: padded)
        shadowMap = ShadowMap(size: shadowMapSize)
        clipper = Clipper(width: targetWidth, height: targetHeight)
        vertices = .allocate(capacity: 0)
        projected = .allocate(capacity: 0)
        outcodes = .allocate(capacity: 0)
    }

    deinit {
        color.deallocate()
        depth.deallocate()
        shadowMap.deallocate()
        clipper.deallocate()
        vertices.deallocate()
        projected.deallocate()
        outcodes.deallocate()
    }

    /// Renders `scene` as seen by `camera` into a new image.
    public func render(_ scene: Scene, camera: Camera) throws -> RGBImage {
        var image = RGBImage(width: width, height: height)
        try render(scene, camera: camera, into: &image)
        return image
    }

    /// Renders into an existing `width`×`height` image, reusing its storage.
    public func render(_ scene: Scene, camera: Camera, into image: inout RGBImage) throws {
        guard image.width == width, image.height == height else {
            throw RenderError.invalidArgument(
                "image is \(image.width)×\(image.height) but the renderer draws \(width)×\(height)")
        }
        try camera.validate()
        try scene.lighting.validate()
        for primitive in scene.primitives { try primitive.validate() }

        let view = ViewTransform(camera: camera, width: targetWidth, height: targetHeight)
        let fog = Fog(color: scene.skyHorizon.rgb, cameraDistance: Float(length(camera.target - camera.eye)))
        drawShadowMap(scene, screenRight: camera.basis.right)
        clear(scene, view: view)
        drawOrder.removeAll(keepingCapacity: true)
        // Opaque objects near to far (hidden samples are rejected before shading), then
        // planes, then translucent objects far to near so that they blend over what is behind.
        for (index, primitive) in scene.primitives.enumerated() {
            let distance = view.depth(of: primitive.position)
            if case .plane = primitive.shape {
                drawOrder.append((primitive.isOpaque ? 1e30 : 2e30, index))
            } else {
                drawOrder.append((primitive.isOpaque ? distance : 3e30 - distance, index))
            }
        }
        drawOrder.sort { $0.key < $1.key || ($0.key == $1.key && $0.index < $1.index) }
        for entry in drawOrder {
            drawSurface(scene.primitives[entry.index], lighting: scene.lighting, view: view, fog: fog)
        }
        resolve(into: &image)
    }

    // MARK: - Passes

    private func drawShadowMap(_ scene: Scene, screenRight: Vector3) {
        shadowMap.fit(direction: scene.lighting.direction, casters: scene.primitives, screenRight: screenRight)
        guard !shadowMap.isEmpty else { return }
        let (rowU, rowV, rowDepth) = shadowMap.lightSpaceRows
        var shader = ShadowDepthShader(depth: shadowMap.depth)
        let size = shadowMap.size
        for primitive in scene.primitives where primitive.castsShadow {
            guard let mesh = mesh(for: primitive.shape) else { continue }
            let pose = Pose(primitive)
            reserveVertices(mesh.positions.count)
            // Orthographic: the texel position is the vertex position, with w = 1.
            for i in mesh.positions.indices {
                let p = SIMD4<Float>(pose.apply(mesh.positions[i]), 1)
                projected[i] = ScreenVertex(x: (rowU * p).sum(), y: (rowV * p).sum(),
                                            attributes: SIMD8(1, (rowDepth * p).sum(), 0, 0, 0, 0, 0, 0))
            }
            forEachTriangle(mesh.indices) { a, b, c in
                rasterize(projected[a], projected[b], projected[c], width: size, height: size, cull: .front, shader: &shader)
            }
        }
    }

    private func drawSurface(_ primitive: Primitive, lighting: Lighting, view: ViewTransform, fog: Fog) {
        let patternRows: (SIMD4<Float>, SIMD4<Float>)
        let mesh: Mesh
        if case .plane(let normal, let offset) = primitive.shape {
            let (u, v) = planeMesh.fitPlane(normal: normal, offset: offset, around: view.eye, halfExtent: 1.1 * Double(fog.end))
            patternRows = (SIMD4(SIMD3<Float>(u), 0), SIMD4(SIMD3<Float>(v), 0))
            mesh = planeMesh
        } else {
            guard let shapeMesh = self.mesh(for: primitive.shape) else { return }
            patternRows = (SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0))
            mesh = shapeMesh
        }
        let pose = Pose(primitive)
        let (shadowU, shadowV, shadowDepth) = shadowMap.lightSpaceRows
        let towardLight = SIMD3<Float>(-normalize(lighting.direction))
        reserveVertices(mesh.positions.count)
        for i in mesh.positions.indices {
            let p = SIMD4<Float>(pose.apply(mesh.positions[i]), 1)
            let n = pose.rotate(mesh.normals[i])
            // Light from the sky reaches up-facing surfaces a little more than down-facing ones.
            let ambient = lighting.ambient * (0.8 + 0.2 * n.z)
            let direct = lighting.diffuse * max(0, (n * towardLight).sum())
            vertices[i] = ClipVertex(
                clip: view.clip(p),
                attributes: SIMD8(1, ambient, direct, (shadowU * p).sum(), (shadowV * p).sum(), (shadowDepth * p).sum(),
                                  (patternRows.0 * p).sum(), (patternRows.1 * p).sum()))
        }
        let appearance = primitive.appearance
        var secondary = appearance.color.rgb, inverseCellSize: Float = 0
        if case .checker(let other, let cellSize) = appearance.pattern {
            secondary = other.rgb
            inverseCellSize = Float(1 / cellSize)
        }
        var shader = SurfaceShader(
            color: color, depth: depth, shadows: shadowMap, albedo: appearance.color.rgb,
            secondary: secondary, inverseCellSize: inverseCellSize, alpha: appearance.color.alpha, fog: fog,
            shadowFiltering: shadowFiltering)
        // Project each vertex once; only triangles that straddle a clip plane go through the clipper.
        for i in mesh.positions.indices {
            outcodes[i] = clipper.outcode(vertices[i])
            if outcodes[i] == 0 { projected[i] = vertices[i].projected }
        }
        let (w, h) = (targetWidth, targetHeight)
        forEachTriangle(mesh.indices) { a, b, c in
            let (ca, cb, cc) = (outcodes[a], outcodes[b], outcodes[c])
            if ca | cb | cc == 0 {
                rasterize(projected[a], projected[b], projected[c], width: w, height: h, cull: .back, shader: &shader)
            } else if ca & cb & cc == 0 {
                clipper.clip(vertices[a], vertices[b], vertices[c]) { s0, s1, s2 in
                    rasterize(s0, s1, s2, width: w, height: h, cull: .back, shader: &shader)
                }
            }
        }
    }

    /// Fills the colour buffer with the sky gradient and empties the depth buffer.
    private func clear(_ scene: Scene, view: ViewTransform) {
        let top = scene.skyTop.rgb, horizon = scene.skyHorizon.rgb
        let horizonRow = view.horizonRow
        for row in 0..<targetHeight {
            let t = horizonRow > 0 ? min(max(Float(row) / horizonRow, 0), 1) : 1
            // Ease towards the horizon so most of the sky is pale.
            let packed = pack(top + (horizon - top) * (1 - (1 - t) * (1 - t)))
            (color + row * targetWidth).update(repeating: packed, count: targetWidth)
        }
        depth.update(repeating: 0, count: targetWidth * targetHeight)
    }

    /// Averages each pixel's samples into the output image.
    private func resolve(into image: inout RGBImage) {
        let n = supersampling, count = UInt64(n * n), half = count / 2
        // Division by the sample count as a multiply and shift, exact for sums below 2¹⁶.
        let reciprocal = ((1 << 24) + count - 1) / count
        let (w, tw) = (width, targetWidth)
        image.pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let top = color + y * n * tw
                for x in 0..<w {
                    var sum: UInt64
                    if n == 2 {
                        // The default, unrolled.
                        let p = top + 2 * x
                        sum = spread(p[0]) &+ spread(p[1]) &+ spread(p[tw]) &+ spread(p[tw + 1])
                    } else {
                        sum = 0
                        for sy in 0..<n {
                            for sx in 0..<n { sum &+= spread(top[sy * tw + x * n + sx]) }
                        }
                    }
                    let o = 3 * (y * w + x)
                    out[o] = UInt8(truncatingIfNeeded: (((sum & 0xFFFF) + half) * reciprocal) >> 24)
                    out[o + 1] = UInt8(truncatingIfNeeded: ((((sum >> 16) & 0xFFFF) + half) * reciprocal) >> 24)
                    out[o + 2] = UInt8(truncatingIfNeeded: ((((sum >> 32) & 0xFFFF) + half) * reciprocal) >> 24)
                }
            }
        }
    }

    // MARK: - Helpers

    private func mesh(for shape: Shape) -> Mesh? {
        if let mesh = meshes[shape] { return mesh }
        guard let mesh = Mesh(shape: shape) else { return nil }
        // Shapes rarely change size; if they do every frame, keep the cache from growing.
        if meshes.count >= 256 { meshes.removeAll(keepingCapacity: true) }
        meshes[shape] = mesh
        return mesh
    }

    private func reserveVertices(_ count: Int) {
        guard count > vertexCapacity else { return }
        vertices.deallocate()
        projected.deallocate()
        outcodes.deallocate()
        vertexCapacity = max(count, 2 * vertexCapacity)
        vertices = .allocate(capacity: vertexCapacity)
        projected = .allocate(capacity: vertexCapacity)
        outcodes = .allocate(capacity: vertexCapacity)
    }

    @inline(__always)
    private func forEachTriangle(_ indices: [Int32], _ body: (Int, Int, Int) -> Void) {
        indices.withUnsafeBufferPointer { index in
            for t in stride(from: 0, to: index.count, by: 3) {
                body(Int(index[t]), Int(index[t + 1]), Int(index[t + 2]))
            }
        }
    }
}

/// How shadow-map look-ups are filtered.
public enum ShadowFiltering: Sendable {
    /// One texel per sample; supersampled pixels still get softened edges.
    case nearest
    /// Percentage-closer filtering over the four nearest texels.
    case bilinear
}

/// A packed 0x00BBGGRR colour with each channel moved into its own 16-bit lane, so that
/// up to 257 colours can be summed in one integer.
@inline(__always)
private func spread(_ p: UInt32) -> UInt64 {
    let p = UInt64(p)
    return (p & 0xFF) | (p & 0xFF00) << 8 | (p & 0xFF_0000) << 16
}

/// A primitive's pose as a Float rotation matrix (columns) and translation.
private struct Pose {
    let c0: SIMD3<Float>, c1: SIMD3<Float>, c2: SIMD3<Float>
    let translation: SIMD3<Float>

    init(_ primitive: Primitive) {
        if case .plane = primitive.shape {
            // Plane meshes are built in world coordinates.
            (c0, c1, c2, translation) = (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), .zero)
            return
        }
        var q = primitive.orientation
        let norm = (q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z).squareRoot()
        (q.w, q.x, q.y, q.z) = (q.w / norm, q.x / norm, q.y / norm, q.z / norm)
        c0 = SIMD3<Float>(q.rotate(Vector3(1, 0, 0)))
        c1 = SIMD3<Float>(q.rotate(Vector3(0, 1, 0)))
        c2 = SIMD3<Float>(q.rotate(Vector3(0, 0, 1)))
        translation = SIMD3<Float>(primitive.position)
    }

    @inline(__always)
    func rotate(_ v: SIMD3<Float>) -> SIMD3<Float> { c0 * v.x + c1 * v.y + c2 * v.z }

    @inline(__always)
    func apply(_ p: SIMD3<Float>) -> SIMD3<Float> { rotate(p) + translation }
}
