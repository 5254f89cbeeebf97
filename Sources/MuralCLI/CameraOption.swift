import ArgumentParser
import Render

/// `--camera`, shared by the commands that render; use it with `@OptionGroup`.
struct CameraOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Camera to render from, instead of the scene's own.",
            discussion: "lookat:EX,EY,EZ:TX,TY,TZ[:FOV] (eye and target in metres) or "
                + "orbit:AZ,EL,DIST:TX,TY,TZ[:FOV] (azimuth from +x and elevation in degrees, distance in metres); "
                + "FOV is the vertical field of view in degrees, 45 by default.",
            valueName: "camera"),
        transform: { try Camera(parsing: $0) })
    var camera: Camera?
}
