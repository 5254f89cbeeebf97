import Physics

/// A camera as affine rows that take a world point straight to homogeneous pixel
/// coordinates of the render target: pixel = (X/W, Y/W), with W the depth along the view
/// direction. See `Camera` for the pixel convention.
struct ViewTransform {
    let eye: Vector3
    private let rowX: SIMD4<Float>
    private let rowY: SIMD4<Float>
    private let rowW: SIMD4<Float>
    /// The target row where a level view ray meets the horizon (may lie off the image).
    let horizonRow: Float

    init(camera: Camera, width: Int, height: Int) {
        let (right, upward, forward) = camera.basis
        let focal = camera.focalLength(height: height)
        let cx = Double(width) / 2, cy = Double(height) / 2
        let axisX = forward * cx + right * focal
        let axisY = forward * cy - upward * focal
        eye = camera.eye
        rowX = SIMD4(SIMD3<Float>(axisX), Float(-dot(axisX, eye)))
        rowY = SIMD4(SIMD3<Float>(axisY), Float(-dot(axisY, eye)))
        rowW = SIMD4(SIMD3<Float>(forward), Float(-dot(forward, eye)))

        var level = Vector3(forward.x, forward.y, 0)
        if length(level) < 1e-6 {
            // Looking straight up or down: the horizon is at infinity off the image.
            horizonRow = forward.z < 0 ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude
        } else {
            level = normalize(level)
            horizonRow = Float(cy - focal * dot(upward, level) / dot(forward, level))
        }
    }

    @inline(__always)
    func clip(_ p: SIMD4<Float>) -> SIMD3<Float> {
        SIMD3((rowX * p).sum(), (rowY * p).sum(), (rowW * p).sum())
    }

    /// Distance of a point in front of the eye along the view direction.
    func depth(of point: Vector3) -> Float {
        (rowW * SIMD4(SIMD3<Float>(point), 1)).sum()
    }
}
