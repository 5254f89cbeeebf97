import Physics
import Render
import Testing

@Suite struct CameraParsingTests {
    @Test func parsesLookAt() throws {
        let camera = try Camera(parsing: "lookat:1,2,3:0,0,0.5")
        #expect(camera == .lookAt(eye: Vector3(1, 2, 3), target: Vector3(0, 0, 0.5)))
        #expect(try Camera(parsing: "lookat:1,2,3:0,0,0.5:60").verticalFOV == 60)
    }

    @Test func parsesOrbit() throws {
        let camera = try Camera(parsing: "orbit:135,30,1.6:0,0,0.4")
        #expect(camera == .orbit(target: Vector3(0, 0, 0.4), azimuth: 135, elevation: 30, distance: 1.6))
    }

    @Test func commandLineDescriptionParsesBack() throws {
        let camera = Camera.orbit(target: Vector3(0.1, -0.2, 0.3), azimuth: 33, elevation: 21, distance: 1.7, verticalFOV: 50)
        #expect(try Camera(parsing: camera.commandLineDescription) == camera)
    }

    @Test(arguments: [
        ("orbit:45,x,2:0,0,0", "elevation 'x'"),
        ("lookat:1,2:0,0,0", "'1,2'"),
        ("lookat:1,2,3:0,0,nan", "target z 'nan'"),
        ("fly:1,2,3:0,0,0", "unknown camera kind 'fly'"),
        ("orbit:45,30,-1:0,0,0", "distance '-1.0'"),
        ("lookat:0,0,0:0,0,0", "eye and target coincide"),
        ("lookat:1,2,3:0,0,0:200", "field of view"),
        ("orbit:45,30,2", "3 or 4"),
    ])
    func errorsNameTheBadValue(text: String, fragment: String) {
        do {
            _ = try Camera(parsing: text)
            Issue.record("'\(text)' should not parse")
        } catch {
            let message = "\(error)"
            #expect(message.contains(fragment), "message: \(message)")
            #expect(message.contains(text), "message should quote the whole argument: \(message)")
        }
    }
}
