import Foundation
import Physics

extension Camera {
    /// The command-line form of a camera, for `--camera`:
    ///
    ///     lookat:EX,EY,EZ:TX,TY,TZ[:FOV]     eye and target in metres
    ///     orbit:AZ,EL,DIST:TX,TY,TZ[:FOV]    azimuth and elevation in degrees, distance in metres
    ///
    /// FOV is the vertical field of view in degrees (default 45). Example:
    /// `orbit:135,30,1.6:0,0,0.4`. Errors name the offending field and value.
    public init(parsing text: String) throws {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func fail(_ problem: String) -> RenderError {
            .invalidCamera("'\(text)': \(problem); expected lookat:EX,EY,EZ:TX,TY,TZ[:FOV] or orbit:AZ,EL,DIST:TX,TY,TZ[:FOV]")
        }
        guard let kind = fields.first, kind == "lookat" || kind == "orbit" else {
            throw fail("unknown camera kind '\(fields.first ?? "")'")
        }
        guard fields.count == 3 || fields.count == 4 else {
            throw fail("expected 3 or 4 ':'-separated fields, got \(fields.count)")
        }
        let firstNames = kind == "lookat" ? ["eye x", "eye y", "eye z"] : ["azimuth", "elevation", "distance"]
        let first = try Self.numbers(fields[1], names: firstNames, fail: fail)
        let target = try Self.numbers(fields[2], names: ["target x", "target y", "target z"], fail: fail)
        var fov = 45.0
        if fields.count == 4 { fov = try Self.numbers(fields[3], names: ["field of view"], fail: fail)[0] }
        let targetPoint = Vector3(target[0], target[1], target[2])
        if kind == "lookat" {
            self = .lookAt(eye: Vector3(first[0], first[1], first[2]), target: targetPoint, verticalFOV: fov)
        } else {
            guard first[2] > 0 else { throw fail("distance '\(first[2])' must be positive") }
            self = .orbit(target: targetPoint, azimuth: first[0], elevation: first[1], distance: first[2],
                          verticalFOV: fov)
        }
        do { try validate() } catch RenderError.invalidCamera(let problem) { throw fail(problem) }
    }

    /// The `--camera` string that parses back to this camera (look-at form).
    public var commandLineDescription: String {
        "lookat:\(eye.x),\(eye.y),\(eye.z):\(target.x),\(target.y),\(target.z):\(verticalFOV)"
    }

    private static func numbers(_ field: String, names: [String], fail: (String) -> RenderError) throws -> [Double] {
        let parts = field.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == names.count else {
            throw fail("'\(field)' should have \(names.count) comma-separated number\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", ")))")
        }
        return try zip(parts, names).map { part, name in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw fail("\(name) '\(part)' is not a finite number")
            }
            return value
        }
    }
}
