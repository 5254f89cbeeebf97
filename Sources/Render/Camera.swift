import Foundation
import Physics

/// A perspective pinhole camera. World coordinates are Mural's: metres, z up.
///
/// Image coordinates put pixel (0, 0) at the top-left; pixel (i, j) covers
/// `[i, i+1) × [j, j+1)`, so its centre is at (i + 0.5, j + 0.5).
public struct Camera: Hashable, Sendable {
    public var eye: Vector3
    public var target: Vector3
    /// Which way is up in the picture; need not be orthogonal to the view direction.
    public var up: Vector3
    /// Vertical field of view in degrees.
    public var verticalFOV: Double

    /// A camera at `eye` looking at `target`.
    public static func lookAt(eye: Vector3, target: Vector3, up: Vector3 = Vector3(0, 0, 1),
                              verticalFOV: Double = 45) -> Camera {
        Camera(eye: eye, target: target, up: up, verticalFOV: verticalFOV)
    }

    /// A camera on a sphere around `target`: `azimuth` degrees counter-clockwise from +x
    /// about +z, `elevation` degrees above the horizontal plane, `distance` metres away.
    public static func orbit(target: Vector3, azimuth: Double, elevation: Double, distance: Double,
                             verticalFOV: Double = 45) -> Camera {
        let az = azimuth * .pi / 180, el = elevation * .pi / 180
        let offset = Vector3(cos(el) * cos(az), cos(el) * sin(az), sin(el)) * distance
        return Camera(eye: target + offset, target: target, up: Vector3(0, 0, 1), verticalFOV: verticalFOV)
    }

    /// The orthonormal view frame: `right`, `upward` and `forward` (towards the target).
    var basis: (right: Vector3, upward: Vector3, forward: Vector3) {
        let forward = normalize(target - eye)
        var right = cross(forward, up)
        if length(right) < 1e-9 {
            // Looking straight along `up`: any perpendicular will do, pick one deterministically.
            right = cross(forward, abs(forward.x) < 0.9 ? Vector3(1, 0, 0) : Vector3(0, 1, 0))
        }
        right = normalize(right)
        return (right, cross(right, forward), forward)
    }

    /// Checks that the camera describes a usable view.
    public func validate() throws {
        for (name, v) in [("eye", eye), ("target", target), ("up", up)] where !(v.x.isFinite && v.y.isFinite && v.z.isFinite) {
            throw RenderError.invalidCamera("\(name) \(v) is not finite")
        }
        guard length(target - eye) > 0 else { throw RenderError.invalidCamera("eye and target coincide at \(eye)") }
        guard length(up) > 0 else { throw RenderError.invalidCamera("up vector is zero") }
        guard verticalFOV > 0, verticalFOV < 180 else {
            throw RenderError.invalidCamera("vertical field of view must be in (0, 180) degrees, got \(verticalFOV)")
        }
    }

    /// The pixel a world point lands on in a `width`×`height` image (continuous coordinates,
    /// see the type's documentation), or `nil` if it is behind the camera.
    public func project(_ point: Vector3, width: Int, height: Int) -> SIMD2<Double>? {
        let (right, upward, forward) = basis
        let d = point - eye
        let depth = (d * forward).sum()
        guard depth > 0 else { return nil }
        let focal = focalLength(height: height)
        return SIMD2(Double(width) / 2 + focal * (d * right).sum() / depth,
                     Double(height) / 2 - focal * (d * upward).sum() / depth)
    }

    /// Focal length in pixels for an image `height` pixels tall.
    func focalLength(height: Int) -> Double {
        Double(height) / 2 / tan(verticalFOV * .pi / 360)
    }
}

@inline(__always)
func normalize(_ v: Vector3) -> Vector3 { v / length(v) }

@inline(__always)
func dot(_ a: Vector3, _ b: Vector3) -> Double { (a * b).sum() }
